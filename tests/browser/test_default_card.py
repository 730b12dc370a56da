"""The default plan's card in a browser: the six cases walked by their answers, axe on every
screen in both languages, and nothing fetched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Card
from default_cases import ANSWERS
from test_card import axe_report, axe_violations

from actionplan.project import default_dir

pytestmark = pytest.mark.browser

# What each case must show on the way, beside the answers it is walked by.
STEPS_ON_THE_WAY = {
    "nude shared by a classmate": [
        "Rør ikke billedet",
        "Send en underretning til kommunen",
        "Begræns spredningen",
    ],
    "sextortion": ["Anmeld til politiet"],
    "grooming": ["Send en underretning til kommunen"],
    "an adult's image": ["Personen er 18 år eller ældre"],
    "bullying": [],
    "a parent may be involved": [],
}


@pytest.fixture(scope="session")
def card_url(build_card_url: Callable[[Path], str]) -> str:
    return build_card_url(default_dir("content"))


@pytest.mark.parametrize("case", list(ANSWERS))
def test_each_case_walks_to_an_outcome(card: Card, case: str) -> None:
    answers, steps_on_the_way = ANSWERS[case], STEPS_ON_THE_WAY[case]
    moves = card.walk(answers)
    assert card.kind() == "outcome"
    headings = [move.heading for move in moves]
    for heading in steps_on_the_way:
        assert any(h.endswith(heading) or heading in h for h in headings), (heading, headings)
    # The path panel lists every answer given, in order.
    assert [answer for question, answer in card.path() if question] == answers


@pytest.mark.parametrize("lang", ["da", "en"])
def test_axe_finds_nothing_on_any_screen_of_the_default_card(card: Card, lang: str) -> None:
    found = axe_violations(card, lang)
    assert not found, "axe found:\n" + axe_report(found)
