"""Hostile text in every place text goes: shown as text, never run, never a link off the list.

Each payload goes into all the places of `hostile.PLACES` at once (the plan's, the local layer's
and the translation's) and into every word of a project's own templates/i18n/da.yaml. The card
must build, show every payload as the text it is, and in the browser run nothing, ask for
nothing, and break no rule of its Content-Security-Policy, while a user reads every node in both
languages and walks from the start to an outcome.

Links are written in the Markdown places only: the checker refuses every link off the list
(exit 1, one error per place), and the renderer drops them too if it is ever reached without it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import (
    MARKDOWN,
    PLACES,
    PWNED,
    Audit,
    Visit,
    build_over_good,
    everywhere,
    plan_files,
)

from actionplan.card import markdown

# Text that would run, or break out of where it is put, if it were not escaped.
TEXT_PAYLOADS = {
    "script-element": f"<script>{PWNED}</script>",
    "event-handler": f'<img src=x onerror="{PWNED}">',
    "svg-onload": f"<svg/onload={PWNED}>",
    "attribute-breakout": f"\"><img src=x onerror={PWNED}>' onmouseover='{PWNED}' x=\"",
    "end-of-script": f"</script><script>{PWNED}</script>",
    "end-of-style": f"</style><script>{PWNED}</script><style>",
    "end-of-title": f"</title><script>{PWNED}</script>",
    "end-of-json": f'"}}</script><script>{PWNED}</script>',
    "html-comment": f"<!-- --><!--<script>{PWNED}</script>-->",
    "cdata": f"<![CDATA[<script>{PWNED}</script>]]>",
    "entities": f"&lt;script&gt;{PWNED}&lt;/script&gt; &#60;b&#62; &amp;amp; &#x3C;i&#x3E;",
    "template-syntax": "{{ 7*7 }} {{ self.__init__.__globals__ }} {% for x in range(3) %}x"
    "{% endfor %} {# comment #} {% raw %}",
    "javascript-as-text": f"javascript:{PWNED} data:text/html,<script>{PWNED}</script>",
    "css-as-text": "red;}</style><style>*{background:url(https://evil.example/x)}",
    "markdown-html": f'<div onclick="{PWNED}">\n\n<iframe src="javascript:{PWNED}"></iframe>',
    "markdown-attributes": f'[x](https://example.org/"onmouseover="{PWNED}) '
    f'[y](https://example.org "t\\" onmouseover=\\"{PWNED}") '
    f'<https://example.org/"onmouseover={PWNED}>',
    "control-characters": f"\x01\x08\x1b[31m\x7f\u0085\ufeff<script>{PWNED}</script>",
    "line-separators": f"a\u2028b\u2029c\r\nd<script>{PWNED}</script>",
    "lookalikes": f"＜script＞{PWNED}＜/script＞ ‹img› ﹤svg﹥",
}

# Links off the list, plain and disguised, in Markdown. "refused": the checker reports one
# error per Markdown place; "text": CommonMark makes no link of it at all, so it is shown as
# text and the card builds.
LINKS = {
    "javascript": (f"[x](javascript:{PWNED})", "refused"),
    "mixed-case": (f"[x](JaVaScRiPt:{PWNED})", "refused"),
    "tab-entity": (f"[x](java&#x09;script:{PWNED})", "refused"),
    "letter-entity": (f"[x](&#106;avascript:{PWNED})", "refused"),
    "colon-entity": (f"[x](javascript&colon;{PWNED})", "refused"),
    "percent-escaped": (f"[x](%6Aavascript:{PWNED})", "refused"),
    "leading-spaces": (f"[x](   javascript:{PWNED})", "refused"),
    "angle-brackets": (f"[x](<javascript:{PWNED}>)", "refused"),
    "backslash": (f"[x](\\javascript:{PWNED})", "refused"),
    "comment-newline": ("[x](javascript://%0aalert(1))", "refused"),
    "autolink": (f"<javascript:{PWNED}>", "refused"),
    "reference": (f"[x][r]\n\n[r]: javascript:{PWNED}", "refused"),
    "data-html": (f"[x](data:text/html,<script>{PWNED}</script>)", "refused"),
    "data-upper-case": ("[x](DATA:text/html;base64,PHNjcmlwdD4=)", "refused"),
    "vbscript": ("[x](vbscript:msgbox(1))", "refused"),
    "file": ("[x](file:///etc/passwd)", "refused"),
    "protocol-relative": ("[x](//evil.example/)", "refused"),
    "image": ("![x](https://evil.example/i.png)", "refused"),
    "control-character": (f"[x](\x01javascript:{PWNED})", "text"),
    "raw-tab": (f"[x](java\tscript:{PWNED})", "text"),
    "quote-in-fragment": (f'[x](#" onclick="{PWNED})', "text"),
}


@pytest.fixture(scope="module")
def cards() -> dict[str, Path]:
    """Each payload's card, built once in the module: its path."""
    return {}


def built(cards: dict[str, Path], tmp: Path, name: str, text: Callable[[str], str]) -> Path:
    if name not in cards:
        result = build_over_good(tmp, plan_files(text, ui=text))
        result.assert_built()
        cards[name] = result.card
    return cards[name]


def all_at_once(place: str) -> str:
    return "\n".join(f"{payload} {place}" for payload in TEXT_PAYLOADS.values())


@pytest.mark.parametrize("name", list(TEXT_PAYLOADS))
def test_hostile_text_is_escaped_everywhere(
    name: str, tmp_path: Path, cards: dict[str, Path]
) -> None:
    card = built(cards, tmp_path, name, everywhere(TEXT_PAYLOADS[name]))
    audit = Audit(card.read_text(encoding="utf-8"))
    audit.assert_safe()
    text = audit.text
    payload = TEXT_PAYLOADS[name].replace("\r\n", "\n")  # as YAML and HTML read a line break
    for place in PLACES:
        if place not in MARKDOWN:  # plain text is shown exactly as written
            assert f"{payload} {place}" in text, place


@pytest.mark.browser
@pytest.mark.parametrize("name", list(TEXT_PAYLOADS))
def test_hostile_text_runs_nothing_in_the_browser(
    name: str, tmp_path: Path, cards: dict[str, Path], visit: Callable[..., Visit]
) -> None:
    url = built(cards, tmp_path, name, everywhere(TEXT_PAYLOADS[name])).as_uri()
    visit(url).assert_clean(url)
    visit(url, javascript=False).assert_clean(url)


@pytest.mark.browser
def test_all_hostile_text_at_once_walked_through_in_both_languages(
    tmp_path: Path, cards: dict[str, Path], visit: Callable[..., Visit]
) -> None:
    """The card's script copies titles and labels into the path it shows: walk it."""
    card = built(cards, tmp_path, "all", all_at_once)
    Audit(card.read_text(encoding="utf-8")).assert_safe()
    url = card.as_uri()
    seen = visit(url, walk=("", "en/start"))
    seen.assert_clean(url)
    assert f"{TEXT_PAYLOADS['script-element']} translation.outcome.title" in seen.text


REFUSED = [n for n, (_, kind) in LINKS.items() if kind == "refused"]
BASE_MARKDOWN = sorted(p for p in MARKDOWN if not p.startswith("translation."))
TRANSLATED_MARKDOWN = sorted(p for p in MARKDOWN if p.startswith("translation."))


def links_in(places: list[str], link: str) -> Callable[[str], str]:
    return lambda place: f"{place} {link}" if place in places else place


@pytest.mark.parametrize("name", REFUSED)
def test_links_off_the_list_are_refused_in_every_markdown_place(name: str, tmp_path: Path) -> None:
    result = build_over_good(tmp_path, plan_files(links_in(BASE_MARKDOWN, LINKS[name][0])))
    result.assert_refused()
    refused = [
        line
        for line in result.output.splitlines()
        if "error: link to" in line or "error: an image is not allowed" in line
    ]
    assert len(refused) == len(BASE_MARKDOWN), result.output
    assert all(re.match(r"/\S+\.yaml:\d+:\d+: error: ", line) for line in refused), refused


ALL_REFUSED = "\n".join(LINKS[name][0] for name in REFUSED)


def test_links_off_the_list_are_refused_in_a_translation(tmp_path: Path) -> None:
    result = build_over_good(tmp_path, plan_files(links_in(TRANSLATED_MARKDOWN, ALL_REFUSED)))
    result.assert_refused()


@pytest.mark.browser
@pytest.mark.parametrize("name", [n for n, (_, kind) in LINKS.items() if kind == "text"])
def test_what_is_no_link_is_shown_as_text(
    name: str, tmp_path: Path, visit: Callable[..., Visit]
) -> None:
    result = build_over_good(tmp_path, plan_files(links_in(sorted(MARKDOWN), LINKS[name][0])))
    result.assert_built()
    Audit(result.html).assert_safe()
    url = result.card.as_uri()
    visit(url).assert_clean(url)


@pytest.mark.parametrize("name", list(LINKS))
def test_the_renderer_drops_links_off_the_list_on_its_own(name: str) -> None:
    """Behind the checker: Markdown rendered without it makes no link off the list either."""
    for html in (markdown.render(LINKS[name][0]), markdown.render_inline(LINKS[name][0])):
        audit = Audit(html)
        assert audit.bad_links == [] and audit.handlers == [], html
        assert audit.all("img") == []


# Where a link to the card leads: anyone can send one, with any fragment.
FRAGMENTS = {
    "markup": f"<img src=x onerror={PWNED}>",
    "encoded-markup": "%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "javascript": f"javascript:{PWNED}",
    "unknown-node": "nowhere~0.1",
    "path-out-of-range": "start~9.99.-1.NaN",
    "dot-dot-language": "en/../start",
    "bad-percent-encoding": "%E0%A4%A",
    "long-path": "done~" + ".".join(["0"] * 5000),
    "reserved-id": "ap-main",
    "language-only": "en/",
}


@pytest.mark.browser
@pytest.mark.parametrize("name", list(FRAGMENTS))
def test_a_hostile_link_to_the_card_runs_nothing(
    name: str, tmp_path: Path, cards: dict[str, Path], visit: Callable[..., Visit]
) -> None:
    url = built(cards, tmp_path, "all", all_at_once).as_uri()
    visit(url, walk=(FRAGMENTS[name],)).assert_clean(url)
