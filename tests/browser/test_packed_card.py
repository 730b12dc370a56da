"""A card of many nodes keeps each node as text until it is shown; a smaller card keeps them as
markup, so that it still works where a web server's Content-Security-Policy blocks its script."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from actionplan.card.render import PACKED_FROM

if TYPE_CHECKING:  # the fixtures give these; conftest is not imported at run time
    from conftest import Card, Watch

pytestmark = pytest.mark.browser

HEAD = """\
plan:
  title: Lang plan
  language: da
  version: "1"
  owner: Testholdet
  reviewed: 2026-11-01
  start: n0
  emergency: [alarm]
contacts:
  alarm: {name: Alarmcentralen, phone: "112"}
nodes:
"""
STEP = "  n{i}: {{kind: step, title: Trin {i}, next: n{j}}}\n"
END = "  n{i}: {{kind: outcome, title: Slut}}\n"


@pytest.fixture(scope="module")
def packed_url(
    tmp_path_factory: pytest.TempPathFactory, build_card_url: Callable[[Path], str]
) -> str:
    """A plan of PACKED_FROM nodes: steps one after another, then an outcome."""
    root = tmp_path_factory.mktemp("packed")
    (root / "content").mkdir()
    last = PACKED_FROM - 1
    nodes = "".join(STEP.format(i=i, j=i + 1) for i in range(last)) + END.format(i=last)
    (root / "content" / "plan.yaml").write_text(HEAD + nodes, encoding="utf-8")
    return build_card_url(root)


def _elements(card: Card) -> int:
    count: int = card.page.evaluate("document.getElementsByTagName('*').length")
    return count


def test_a_packed_card_makes_a_node_only_when_it_is_shown(
    open_card: Callable[..., Card], packed_url: str
) -> None:
    card = open_card(url=packed_url)
    assert card.heading() == "Trin 0"
    assert _elements(card) < PACKED_FROM * 1.5  # not the ~7 elements of each node's markup
    card.go("n900")
    assert card.heading() == "Trin 900"
    assert card.next().node == "n901"
    assert card.heading() == "Trin 901"
    card.button("back").click()
    card.page.wait_for_function("location.hash === '#n900'")
    assert card.heading() == "Trin 900"
    card.page.locator(".ap-overview summary").filter(visible=True).click()
    steps = card.page.locator(".ap-overview li").filter(visible=True)
    assert steps.count() == PACKED_FROM - 1  # every step, the outcome not


def test_a_packed_card_without_javascript_shows_every_node_by_its_link(
    open_card: Callable[..., Card], packed_url: str
) -> None:
    card = open_card("n900", url=packed_url, java_script_enabled=False)
    assert card.node() == "n900"
    card.page.locator("#n900 .ap-next").click()
    assert card.node() == "n901"
    assert not card.page.locator(".ap-overview").is_visible()  # the script would list the steps


def test_a_small_card_without_javascript_has_its_overview_of_the_steps(
    open_card: Callable[..., Card],
) -> None:
    card = open_card(java_script_enabled=False)
    overview = card.lang().locator(".ap-overview")
    overview.locator("summary").click()
    links = overview.get_by_role("link")
    assert links.count() > 1
    last = links.last
    target = (last.get_attribute("href") or "").removeprefix("#")
    last.click()
    assert card.node() == target


def test_a_small_card_is_not_packed(card: Card) -> None:
    assert card.page.locator(".ap-nodes > noscript").count() == 0


def test_a_small_card_whose_script_the_server_blocks_still_works_as_without_it(
    open_card: Callable[..., Card], watches: list[Watch]
) -> None:
    """Served with a Content-Security-Policy header that admits no script, as some intranets
    send: the card shows its start, and each answer leads on by its plain link."""
    card = open_card(headers={"Content-Security-Policy": "script-src 'none'"})
    assert card.node() == "fare"
    blocked = card.page.evaluate("window.__apCsp")
    assert blocked and all("script-src" in b for b in blocked)  # the script did not run
    card.choose(card.options()[0])
    assert card.node() != "fare"
    watches[-1].clear()  # the blocked script, provoked on purpose
