"""Each node's section rendered on its own (render.SectionMaker) is the section that language.html's
own `{% include "node.html" %}` renders, so that the card is the same either way."""

from __future__ import annotations

from pathlib import Path

import pytest
from counting import node_renders

from actionplan.card import render
from actionplan.card.filters import anchor
from actionplan.card.render import render_card
from actionplan.card.theme import Theme
from actionplan.errors import PlanError
from actionplan.plan.read import load_plan
from actionplan.project import default_dir

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PLANS = {
    "default plan": default_dir("content"),
    "small card": FIXTURES / "cards" / "small" / "content",  # three languages, one rtl
}


def including_theme(folder: Path) -> Path:
    """A theme whose language.html includes node.html for each node, as language.html did
    before `nodes_html`: the page renders every section itself."""
    page = (default_dir("templates") / "language.html").read_text(encoding="utf-8")
    assert "{% if nodes_html %}" in page and '{% include "node.html" %}' in page
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "language.html").write_text(
        page.replace("{% if nodes_html %}", "{% if false %}"), encoding="utf-8"
    )
    return folder / "templates"


@pytest.mark.parametrize("packed", [False, True], ids=["markup", "packed"])
@pytest.mark.parametrize("cache", [False, True], ids=["no cache", "cache"])
@pytest.mark.parametrize("name", sorted(PLANS))
def test_each_section_made_alone_is_the_one_the_page_includes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, cache: bool, packed: bool
) -> None:
    if cache:
        monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    else:
        monkeypatch.setenv("ACTIONPLAN_NO_CACHE", "1")
    if packed:
        monkeypatch.setattr(render, "PACKED_FROM", 1)
    plan = load_plan(PLANS[name])
    made = node_renders(monkeypatch)
    card = render_card(plan, Theme.load())
    # Every node in every language made alone, none by the page.
    assert len(made) == len(plan.nodes) * len(plan.languages)
    assert sorted(set(made)) == sorted(plan.nodes)
    included = render_card(plan, Theme.load(including_theme(tmp_path / "theme")))
    assert card == included
    for lang in plan.languages:
        for node_id in plan.nodes:
            assert f'<section id="{anchor(lang, node_id, plan.info.language)}"' in card
    assert ("<noscript><section " in card) is packed


def test_a_section_that_fails_is_named_at_its_template_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A filter that fails while a section is made alone is reported at node.html's line, as
    where language.html includes it."""
    monkeypatch.setenv("ACTIONPLAN_NO_CACHE", "1")
    plan = load_plan(PLANS["default plan"])

    def failing(*args: object) -> str:
        raise ValueError("no markdown today")

    theme = Theme.load()
    monkeypatch.setitem(theme.env.filters, "md", failing)
    with pytest.raises(PlanError) as failed:
        render_card(plan, theme)
    problem = failed.value.problems[0]
    lines = (default_dir("templates") / "node.html").read_text(encoding="utf-8").splitlines()
    assert problem.pos.file.endswith("node.html")
    assert "|md" in lines[problem.pos.line - 1]
    assert "no markdown today" in problem.message
