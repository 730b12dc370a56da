"""The fast Markdown path (cmark) gives exactly the HTML of markdown-it-py, the reference.

render() and render_inline() hand a text to cmark only where the two cannot differ
(markdown._fast_render says when); these tests hold them to markdown-it-py's output on texts
made of what plans write, and of what the fast path must leave to the parser.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from actionplan.card import markdown
from actionplan.card.render import render_card
from actionplan.card.theme import Theme
from actionplan.plan.read import load_plan
from actionplan.project import default_dir

PIECES = [
    # prose, Danish letters, punctuation of every kind
    "Tal roligt med den unge",
    "Ring 112",
    " ",
    "  ",
    "   ",
    ".",
    ",",
    ":",
    "!",
    "?",
    '"',
    "'",
    "(",
    ")",
    "ø",
    "Æ",
    "å",
    "ß",
    "–",
    "—",
    "«",
    "»",
    "§",
    "€",
    "½",
    "\U0001f600",
    "é",
    "e\u0301",
    "x_y_z",
    "%",
    "%20",
    "1",
    "10",
    "$",
    "=",
    "|",
    "{",
    "}",
    "@",
    "/",
    # line breaks, blocks
    "\n",
    "\n\n",
    "  \n",
    "# ",
    "## ",
    "- ",
    "* ",
    "+ ",
    "1. ",
    "2) ",
    "---",
    "-",
    "2)",
    "===",
    "***",
    "___",
    # emphasis
    "*",
    "**",
    "_",
    "__",
    "****",
    "*vigtigt*",
    "**bedst**",
    "_kun_",
    "__ikke__",
    "**a __b__ c**",
    "***begge***",
    # links of every allowed and refused scheme, and what is not a plain link
    "[",
    "]",
    "](",
    "[trin 3](#n3)",
    "[side](https://example.org/a?b=c&d#e)",
    "[mail](mailto:ssp@example.dk)",
    "[112](tel:112)",
    "[ring](tel:+4512345678)",
    "[plan](plan:mobning#start)",
    "[x](javascript:alert(1))",
    "[x](data:text/html,x)",
    "[x](ftp://example.org)",
    "[x](#a'b)",
    "[x](https://example.org/%C3%B8)",
    "[x](https://example.org/ø)",
    "[x](<https://example.org>)",
    '[x](https://example.org "titel")',
    "[**fed**](#n1)",
    "[a]()",
    "[ref]",
    "[ref]: https://example.org",
    "![billede](https://example.org/a.png)",
    "<https://example.org>",
    # what the fast path leaves to the parser
    "`kode`",
    "    kode",
    "\t",
    "> ",
    "&amp;",
    "&copy;",
    "\\*",
    "~~~",
    "<b>",
    "\r\n",
    "\r",
    "\x00",
    "\u00a0",
    "\u2003",
    "\u2028",
    "\ufeff",
    "\u202e",
    "\f",
]

# render() and render_inline() without their cache
render = markdown.render.__wrapped__
render_inline = markdown.render_inline.__wrapped__

TEXTS = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=24).map("".join),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=16).map("".join),
)


@settings(max_examples=400, deadline=None)
@given(TEXTS)
# Found before: cmark leaves out strong emphasis right inside strong emphasis, reads a symbol
# beside an emphasis marker as CommonMark 0.29 did, keeps whitespace that Python strips, and
# writes an apostrophe in a link's address as an entity, and goes on with a list after an
# empty item and blank lines.
@example("**b****b****b**")
@example("___}**b**___}}1.___")
@example("**a __b__ c**")
@example("'§§_***€£**,Æ,%😀**b**£§?''")
@example("''  €€_c_[_c_'")
@example("'\u2003")
@example("\u00a0x\u00a0")
@example("[b](x'y)")
@example("2) \n\n\n2) 2) ")
@example("# H")
@example("1. a")
@example("")
def test_the_fast_path_renders_exactly_what_markdown_it_py_renders(text: str) -> None:
    assert render(text) == markdown.parser().render(text)
    assert render_inline(text) == markdown.parser().renderInline(text)


def card_texts(monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], set[str]]:
    """The texts the default card renders as Markdown: blocks, and lines (render_inline)."""
    blocks: set[str] = set()
    lines: set[str] = set()

    def keep(found: set[str], then: Callable[[str], str]) -> Callable[[str], str]:
        return lambda text: found.add(text) or then(text)

    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", "")  # every node rendered, none taken as kept
    monkeypatch.setattr(markdown, "render", keep(blocks, render))
    monkeypatch.setattr(markdown, "render_inline", keep(lines, render_inline))
    render_card(load_plan(default_dir("content")), Theme.load())
    return blocks, lines


def test_the_default_card_s_texts_take_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    # a dependency; an environment made before it was added renders without it, as it should
    pytest.importorskip("cmarkgfm", reason="cmarkgfm is not installed: pip install -e .")
    blocks, lines = card_texts(monkeypatch)
    assert len(blocks) > 30 and len(lines) > 100
    assert [text for text in blocks | lines if markdown._fast_render(text) is None] == []
    for text in blocks:
        assert render(text) == markdown.parser().render(text)
    for text in lines:
        assert render_inline(text) == markdown.parser().renderInline(text)


def test_without_cmark_markdown_it_py_renders_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Tal **roligt** med den unge; se [trin 3](#n3)."
    monkeypatch.setattr(markdown, "_cmark", None)
    assert markdown._fast_render(text) is None
    assert render(text) == markdown.parser().render(text)
    assert render_inline(text) == markdown.parser().renderInline(text)
