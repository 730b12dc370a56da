"""The figures in docs/security.md, counted from the cases the security suite tries.

    python3 tests/security/figures.py           # print the table
    python3 tests/security/figures.py --write   # put it in docs/security.md

test_security_doc.py fails when the document and the suite disagree.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import test_bidi
import test_determinism
import test_hostile_content as content
import test_hostile_files as files
import test_hostile_reads as reads
import test_hostile_theme as theme
import test_hostile_values as values
import test_phone_links as phones
import test_placeholders as placeholders
import test_render_properties as properties
import test_serve_hostile as serve
import test_silent_loss as loss
import test_suggestions as suggestions
from hostile import MARKDOWN, PLACES, UI_WORDS

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START, END = "<!-- figures: start -->", "<!-- figures: end -->"

REFUSED = "error, exit 1, last card kept"
BUILT = "safe render"


def ids(names: object) -> str:
    return ", ".join(f"`{name}`" if name else '`""`' for name in names)  # type: ignore


def by_kind(kinds: dict[str, str]) -> dict[str, list[str]]:
    """The case names of each kind ("built", "refused"), in the order of the table."""
    found: dict[str, list[str]] = {"built": [], "refused": []}
    for name, kind in kinds.items():
        found[kind].append(name)
    return found


def rows() -> list[tuple[str, int, str, str]]:
    """(class of attack, cases, what each gets, the cases)."""
    links = Counter(kind for _, kind in content.LINKS.values())
    link_text = [n for n, (_, kind) in content.LINKS.items() if kind == "text"]
    value_cases = by_kind(
        {
            n: ("built" if outcome == "built" else "refused")
            for n, (*_, outcome) in values.VALUES.items()
        }
    )
    all_files = {**files.FILES, **files.SLOW_FILES}
    file_cases = by_kind({n: kind for n, (_, kind, _) in all_files.items()})
    base_md = [p for p in MARKDOWN if not p.startswith("translation.")]
    return [
        (
            "Hostile text in every place",
            len(content.TEXT_PAYLOADS),
            f"{BUILT}: each in all {len(PLACES)} places and {len(UI_WORDS) - 1} interface words, "
            "shown as text, in the browser with and without JavaScript; then all at once, walked",
            ids(content.TEXT_PAYLOADS),
        ),
        (
            "Hostile fragments in a link to the card",
            len(content.FRAGMENTS),
            f"{BUILT}: the script shows the start or the node, and runs nothing",
            ids(content.FRAGMENTS),
        ),
        (
            "Links off the list in Markdown",
            links["refused"],
            f"{REFUSED}: one error for each of the {len(base_md)} Markdown places",
            ids(content.REFUSED),
        ),
        (
            "Link look-alikes CommonMark takes for text",
            links["text"],
            f"{BUILT}: no link made",
            ids(link_text),
        ),
        (
            "Links off the list in a translation",
            links["refused"],
            REFUSED,
            ids(content.REFUSED),
        ),
        (
            "tel: links to anything but a phone number (service codes, pauses, letters)",
            len(phones.NOT_A_NUMBER),
            f"{REFUSED}: one error for each of the {len(base_md)} Markdown places; "
            "the renderer alone makes no link",
            ids(phones.NOT_A_NUMBER),
        ),
        (
            "tel: links whose text does not show the number",
            len(phones.NOT_SHOWN),
            f"{REFUSED}: one error for each of the {len(base_md)} Markdown places",
            ids(phones.NOT_SHOWN),
        ),
        (
            "Placeholders where the card reads the value (language, ids, colour, logo, ...)",
            len(placeholders.REFUSED),
            f"{REFUSED}: the places are said once, in the model",
            ids(placeholders.REFUSED),
        ),
        (
            "Values the format constrains",
            len(value_cases["refused"]),
            REFUSED,
            ids(value_cases["refused"]),
        ),
        (
            "Values taken as they are or cleaned (font, mail query, placeholders)",
            len(value_cases["built"]),
            f"{BUILT}: the card's own style intact",
            ids(value_cases["built"]),
        ),
        (
            "Hostile and broken files",
            len(file_cases["refused"]),
            REFUSED,
            ids(file_cases["refused"]),
        ),
        (
            "Files far beyond a real plan, links and scripts in files",
            len(file_cases["built"]),
            f"{BUILT}: nothing written outside build/",
            ids(file_cases["built"]),
        ),
        (
            "Files that cannot be read as they are: links that loop, pipes, devices, sockets, "
            "giants, not UTF-8, folders out of the project, in every place read from",
            len(reads.READS),
            f"{REFUSED}: `file: error:` from the one reader, no wait, nothing read before its "
            "size is known",
            ids(reads.READS),
        ),
        (
            "A key written twice, anywhere in any content file",
            len(loss.DUPLICATES),
            f"{REFUSED}: refused by the loader, at the second key, naming the line of the first",
            ids(loss.DUPLICATES),
        ),
        (
            "Folders that cannot be read",
            len(reads.FOLDERS),
            f"{REFUSED}, never a language or a theme silently left out",
            ids(reads.FOLDERS),
        ),
        (
            'Mistyped ids by the thousand ("did you mean")',
            len(suggestions.SIZES) + 1,
            "work per word bounded, counted (not timed), whatever the number of ids",
            ids(suggestions.SIZES) + ", `plan-with-10-000-mistyped-targets`",
        ),
        (
            "Aliases of a long text",
            1,
            REFUSED,
            "`string-flood`",
        ),
        (
            "Bidirectional controls left open",
            len(test_bidi.CONTROLS),
            f"{BUILT}: isolated, the card's own words in order",
            ids(test_bidi.CONTROLS),
        ),
        (
            "A careless theme",
            len(theme.THEMES),
            f"{BUILT}: the policy blocks {sum(len(v) for v in theme.EXPECTED.values())} loads "
            "and inline scripts and styles, each expected and recorded",
            ids(theme.THEMES),
        ),
        (
            "Request targets out of the served folder",
            len(serve.TARGETS),
            "refused: 400 or 404",
            f"{len(serve.TARGETS)} targets: `%2e%2e`, `%252e`, `..%2f`, backslashes, drive "
            "letters, overlong UTF-8, NUL, the project's own files, …",
        ),
        (
            "Raw requests (methods, NUL, absolute form, long lines)",
            len(serve.RAW),
            "refused: 400, 404, 414, 501 or 505, nothing written",
            ids(serve.RAW),
        ),
        (
            "Host names on the loopback server",
            len(serve.HOSTS),
            f"{sum(1 for s in serve.HOSTS.values() if s == 400)} refused with 400, the loopback "
            "ones answered",
            ids(serve.HOSTS),
        ),
        (
            "Addresses told apart as loopback or not",
            len(serve.LOOPBACK),
            "as expected",
            ids(serve.LOOPBACK),
        ),
        (
            "Builds compared byte for byte",
            len(test_determinism.PROJECTS),
            f"identical under {len(test_determinism.SEEDS)} hash seeds and in two folders",
            ids(test_determinism.PROJECTS),
        ),
        (
            "Arbitrary Unicode in every place (hypothesis)",
            properties.SETTINGS.max_examples,
            "exactly the card's scripts and style sheets, no handler, no link off the list",
            f"{len(PLACES)} places, the font and the interface words drawn at once",
        ),
    ]


def table() -> str:
    lines = ["| Class of attack | Cases | Each gets | The cases |", "| --- | ---: | --- | --- |"]
    lines += [f"| {what} | {count} | {gets} | {cases} |" for what, count, gets, cases in rows()]
    return "\n".join(lines)


def document_with_table(text: str) -> str:
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table()}\n{END}{after}"


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        DOC.write_text(document_with_table(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        print(table())
