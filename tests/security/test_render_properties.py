"""Property: whatever text an author writes, in whatever place, the card has exactly its own two
scripts and one style sheet, no event handler, and no link outside http(s), mailto, tel and #.

tests/test_check_properties.py breaks the YAML and asks the checker for problems; here the YAML
stays valid and the text in it is arbitrary Unicode (with the payloads of this suite mixed in),
and the question is what the renderer makes of it. Where the checker refuses a link or an image
in the Markdown, the plan is rendered without it, as if the checker had been skipped: the renderer
must hold on its own.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hostile import MARKDOWN, PLACES, PWNED, Audit, plan_files, write_files
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actionplan.card.filters import _without_stray_closers
from actionplan.card.render import font_list, render_card
from actionplan.card.theme import Theme
from actionplan.plan import loader, merge
from actionplan.plan.read import check_plan

SNIPPETS = [
    f"<script>{PWNED}</script>",
    f'<img src=x onerror="{PWNED}">',
    "</style>",
    "</script>",
    "{{ 7*7 }}",
    "{% if x %}",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "[x](https://example.org)",
    "<https://example.org>",
    "&lt;",
    "&#x09;",
    '"',
    "'",
    "`",
    "\u202e",
    "\u2069",
    "\u202c",
    "\u2066",
    "\n\n",
    "* ",
    "# ",
    "> ",
    "    code",
    "](",
    "[",
    "<",
    "\\",
    "-->",
    "<!--",
    "]]>",
    "\x00",
    "\u2028",
    "\ufeff",
    "%0a",
    "data:,x",
]
text = (
    st.lists(
        st.one_of(st.text(min_size=1, max_size=20), st.sampled_from(SNIPPETS)),
        min_size=1,
        max_size=4,
    )
    .map("".join)
    .filter(lambda t: t.strip())
)
texts = st.fixed_dictionaries({place: text for place in PLACES})
SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
LINK_PROBLEM = re.compile(r"link to '.*' is not allowed|an image is not allowed|no node with")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def readable(value: str) -> str:
    """Text as the parsed HTML gives it back: line breaks normalised, bidi controls aside."""
    return BIDI.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).replace("\0", "")


def render(root: Path, theme: Theme) -> str:
    """The card, as the checker would let it be built, or as the renderer alone would make it
    where the checker refuses only links and images in the Markdown."""
    report = check_plan(root / "content")
    problems = [p.format() for p in report.errors]
    assert all(LINK_PROBLEM.search(p) for p in problems), problems
    plan = report.plan
    if plan is None:
        plan, problems_ = merge.merge(root / "content", loader.load_files(root / "content"))
        assert plan is not None, problems_
    return render_card(plan, theme)


@pytest.fixture(scope="module")
def theme(tmp_path_factory: pytest.TempPathFactory) -> tuple[Theme, Path]:
    """One theme for every example, its templates compiled once; its words change each time."""
    base = tmp_path_factory.mktemp("theme")
    (base / "templates").mkdir()
    return Theme.load(base / "templates"), base


@pytest.mark.slow
@SETTINGS
@given(values=texts, font=text, word=text)
@example(values={p: f"<script>{PWNED}</script>" for p in PLACES}, font="</style>", word="\u202e")
def test_any_text_in_any_place_renders_safely(
    theme: tuple[Theme, Path], values: dict[str, str], font: str, word: str
) -> None:
    files = plan_files(values.__getitem__, font=font, ui=lambda w: f"{word} {w}")
    write_files(theme[1], {"templates/i18n/da.yaml": files.pop("templates/i18n/da.yaml")})
    with tempfile.TemporaryDirectory() as tmp:
        html = render(write_files(Path(tmp), files), theme[0])
    audit = Audit(html)
    audit.assert_safe()
    data = re.search(r'<script type="application/json" id="ap-data">(.*?)</script>', html, re.S)
    assert json.loads(data[1])["start"] == "start"
    shown = readable(audit.text)
    for place in PLACES:
        if place not in MARKDOWN:
            assert readable(values[place]) in shown, place


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
)
def test_isolated_text_closes_nothing_outside_it(value: str) -> None:
    """In a <bdi>, a closing control that closes nothing in the text would close the <bdi>."""
    kept = _without_stray_closers(value)
    assert BIDI.sub("", kept) == BIDI.sub("", value)  # only controls are dropped
    embeddings, isolates = [0], 0
    for char in kept:
        if char in "\u202a\u202b\u202d\u202e":
            embeddings[-1] += 1
        elif char in "\u2066\u2067\u2068":
            embeddings.append(0)
            isolates += 1
        elif char == "\u202c":
            assert embeddings[-1] > 0
            embeddings[-1] -= 1
        elif char == "\u2069":
            assert isolates > 0
            embeddings.pop()
            isolates -= 1


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_a_font_list_cannot_leave_its_declaration(value: str) -> None:
    font = font_list(value)
    name = r'(?:"[\w \-]+"|[\w \-]+)'
    assert re.fullmatch(rf"(?:{name}(?:,{name})*)?", font), font
