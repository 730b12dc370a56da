"""The command line in Danish: a catalogue with every message, and the language chosen by
--lang, then the locale, then English."""

from __future__ import annotations

import ast
import gettext
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from click.testing import CliRunner

from actionplan import i18n
from actionplan.cli import cli

PACKAGE = Path(i18n.__file__).resolve().parent
PO = i18n.LOCALE_DIR / "da" / "LC_MESSAGES" / "actionplan.po"
MO = PO.with_suffix(".mo")
POT = i18n.LOCALE_DIR / "actionplan.pot"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# As pyproject's [tool.babel.extract_messages] has them: doc("...") is the model's key descriptions.
KEYWORDS = {**DEFAULT_KEYWORDS, "doc": None}


def msgid(message: str | tuple[str, ...] | list[str]) -> str:
    return message if isinstance(message, str) else message[0]


def extracted() -> dict[str, tuple[str, ...]]:
    """Every message marked in the package, as Babel extracts it: the id, and all its forms."""
    found = {}
    for _file, _line, message, _comments, _context in extract_from_dir(PACKAGE, keywords=KEYWORDS):
        forms = (message,) if isinstance(message, str) else tuple(message)
        found[forms[0]] = forms
    return found


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def entries(catalogue: Catalog) -> list[Message]:
    return [m for m in catalogue if m.id]


def test_every_message_has_a_danish_translation() -> None:
    catalogue = read_catalogue(PO)
    missing = [
        forms[0]
        for forms in extracted().values()
        if (entry := catalogue.get(forms[0] if len(forms) == 1 else forms)) is None
        or not all(entry.string if isinstance(entry.string, (tuple, list)) else [entry.string])
    ]
    assert not missing, f"not translated in {PO.name} (see docs/translating.md): {missing}"


def test_no_translation_is_fuzzy_or_stale() -> None:
    ids = set(extracted())
    catalogue = read_catalogue(PO)
    assert not catalogue.fuzzy
    fuzzy = [msgid(m.id) for m in entries(catalogue) if m.fuzzy]
    assert not fuzzy, f"fuzzy translations to check: {fuzzy}"
    stale = [msgid(m.id) for m in entries(catalogue) if msgid(m.id) not in ids]
    assert not stale, f"translations of messages the code no longer has: {stale}"
    assert not catalogue.obsolete


def test_the_template_is_the_extraction() -> None:
    assert {msgid(m.id) for m in entries(read_catalogue(POT))} == set(extracted())


def test_the_compiled_catalogue_is_the_po_file() -> None:
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for entry in entries(read_catalogue(PO)):
        if isinstance(entry.id, (tuple, list)):
            for n, form in ((1, entry.string[0]), (2, entry.string[1])):
                assert compiled.ngettext(entry.id[0], entry.id[1], n) == form, "pybabel compile"
        else:
            assert compiled.gettext(entry.id) == entry.string, "run pybabel compile"


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def is_template(text: str) -> bool:
    """Whether the message is filled in with .format(): a lone '{' says it is not."""
    try:
        placeholders(text)
    except ValueError:
        return False
    return True


def test_a_translation_uses_only_the_placeholders_of_its_message() -> None:
    wrong = []
    for entry in entries(read_catalogue(PO)):
        ids = [entry.id] if isinstance(entry.id, str) else list(entry.id)
        if not all(is_template(i) for i in ids):
            continue
        known = set().union(*(placeholders(i) for i in ids))
        forms = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        wrong += [(msgid(entry.id), f) for f in forms if not placeholders(f) <= known]
    assert not wrong


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "da_DK.UTF-8"}, "da"),
        ({"LANG": "da"}, "da"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_ALL": "C.UTF-8", "LANG": "da_DK.UTF-8"}, "en"),
        ({"LC_MESSAGES": "da_DK.UTF-8", "LANG": "en_GB.UTF-8"}, "da"),
        ({"LANGUAGE": "de:da", "LANG": "en_US.UTF-8"}, "da"),
        ({"LANGUAGE": "en:da", "LANG": "da_DK.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "da_DK.UTF-8@euro"}, "da"),
    ],
)
def test_the_language_the_locale_asks_for(environ: dict[str, str], language: str) -> None:
    assert i18n.language_from_environment(environ) == language


def run(*args: str, **env: str | None) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, list(args), env={"NO_COLOR": "1", **env}, prog_name="actionplan"
    )
    if not isinstance(result.exception, (SystemExit, type(None))):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


DEAD_END = FIXTURES / "bad" / "dead-end" / "content"


def test_lang_da_gives_the_summary_in_danish() -> None:
    code, out, _err = run("--lang", "da", "check", str(DEAD_END))
    assert code == 1
    assert out.endswith(": 1 fejl, 0 advarsler\n")


def test_lang_is_accepted_after_the_command_too() -> None:
    _code, out, _err = run("check", str(DEAD_END), "--lang", "da")
    assert out.endswith(": 1 fejl, 0 advarsler\n")


def test_the_locale_chooses_danish_without_lang() -> None:
    _code, out, _err = run("check", str(DEAD_END), LANGUAGE=None, LANG="da_DK.UTF-8")
    assert out.endswith(": 1 fejl, 0 advarsler\n")


def test_lang_en_overrides_a_danish_locale() -> None:
    _code, out, _err = run("--lang", "en", "check", str(DEAD_END), LANGUAGE=None, LANG="da_DK")
    assert out.endswith(": 1 error, 0 warnings\n")


def test_english_where_the_locale_has_no_catalogue() -> None:
    _code, out, _err = run("check", str(DEAD_END), LANGUAGE=None, LANG="sv_SE.UTF-8")
    assert out.endswith(": 1 error, 0 warnings\n")


def test_an_unknown_language_is_a_usage_error() -> None:
    code, _out, err = run("--lang", "dk", "check", str(DEAD_END))
    assert code == 2
    assert "'dk' is not one of 'en', 'da'." in err


def test_help_in_danish() -> None:
    code, out, _err = run("--lang", "da", "--help")
    assert code == 0
    assert out.startswith("Brug: actionplan [OPTIONS] COMMAND [ARGS]...\n")
    assert "Lav en YAML-plan med handlingstrin om til et interaktivt handlekort i HTML." in out
    assert "\nTilvalg:\n" in out and "\nKommandoer:\n" in out
    assert "  -h, --help      Vis denne hjælp og stop.\n" in out
    assert "  check   Tjek planen i PATH" in out


def test_a_commands_help_in_danish_from_the_locale() -> None:
    _code, out, _err = run("build", "--help", LANGUAGE=None, LANG="da_DK.UTF-8")
    assert out.startswith("Brug: actionplan build [OPTIONS] [PATH]\n")
    assert "Byg handlekortet fra planen i PATH til én selvstændig index.html;" in out
    assert "Afvis også at bygge ved advarsler." in out
    assert "Vis denne hjælp og stop." in out


def test_help_returns_to_english() -> None:
    run("--lang", "da", "--help")
    _code, out, _err = run("build", "--help")
    assert "Build the card from the plan in PATH into one self-contained index.html;" in out
    assert "Show this message and exit." in out
    assert "Options:" in out


def test_usage_errors_in_danish() -> None:
    code, _out, err = run("--lang", "da", "chek")
    assert code == 2
    assert "Fejl: Der er ingen kommando, der hedder 'chek'." in err
    assert "(Mente du en af: 'check', 'schema'?)" in err


def test_theme_in_danish() -> None:
    code, out, _err = run("--lang", "da", "theme", "list", str(DEAD_END.parent))
    assert code == 0
    assert out.startswith("standardtemaet, i ")
    assert out.endswith(
        "kopiér en fil ind i projektet for at rette i den: actionplan theme copy NAME\n"
    )
    _code, out, _err = run("--lang", "da", "theme", "copy", "--help")
    assert "Kopiér standardtemaets fil NAME ind i templates/" in out
    assert "Vis denne hjælp og stop." in out


def test_diff_in_danish() -> None:
    upgrades = FIXTURES / "base"
    code, out, _err = run("--lang", "da", "diff", str(upgrades / "v1"), str(upgrades / "v2"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Grundplan: Handleplan ved digitale krænkelser (2026.1 → 2026.2)"
    assert lines[1] == "+ tilføjet, - fjernet, ~ ændret"
    assert "  + henvist: outcome “Den unge har fået råd” (ny)" in lines


# Calls whose text reaches the user, with the places of their message and hint.
_SHOWN = {"at": (1, 2), "Problem": (1, 2), "UsageError": (0,), "ClickException": (0,)}
_WORDS = re.compile(r"[^\W\d_]{2}")


def _untranslated(call: ast.Call) -> list[str]:
    """The arguments of a call that shows text which are written out in English rather than
    passed through gettext: a string, or an f-string whose own text has words."""
    name = getattr(call.func, "attr", getattr(call.func, "id", ""))
    found = []
    for index in _SHOWN.get(name, ()):
        if index >= len(call.args):
            continue
        arg = call.args[index]
        own = ""
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
            own = arg.value
        elif isinstance(arg, ast.JoinedStr):
            own = "".join(v.value for v in arg.values if isinstance(v, ast.Constant))
        if _WORDS.search(own):
            found.append(ast.unparse(arg))
    return found


def test_every_message_and_hint_goes_through_the_catalogue() -> None:
    """A problem's message and hint, and a usage error, are marked for translation where they
    are written: one written out in English reaches a Danish author in English."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                found += [
                    f"{path.relative_to(PACKAGE)}:{node.lineno}: {text}"
                    for text in _untranslated(node)
                ]
    assert found == []
    # The scan sees what it looks for.
    bad = ast.parse('Problem(pos, f"cannot {x}", "try again")').body[0].value  # type: ignore[attr-defined]
    assert _untranslated(bad) == ["f'cannot {x}'", "'try again'"]
