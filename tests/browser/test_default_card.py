"""The default plan's card in a browser: the six cases walked by their answers, axe on every
screen in both languages, and nothing fetched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Card
from test_card import axe_report, axe_violations

from actionplan.project import default_dir

pytestmark = pytest.mark.browser

NO = "Nej"
IMAGE = "Et intimt billede eller en video er delt"
CASES = {
    "nude shared by a classmate": (
        [
            NO,
            IMAGE,
            "Ja, under 18 år",
            "Nej, kun børn og unge",
            "Under 15 år",
            "Ja, det er trygt",
            "Ja, eller der trues med det",
        ],
        ["Rør ikke billedet", "Send en underretning til kommunen", "Begræns spredningen"],
    ),
    "sextortion": (
        [
            NO,
            "Afpresning med billeder (sextortion)",
            "Ja, det er trygt",
            "Ja, eller der trues med det",
        ],
        ["Anmeld til politiet"],
    ),
    "grooming": (
        [NO, "En voksen søger seksuel kontakt (grooming)", "Ja, det er trygt", "Nej"],
        ["Send en underretning til kommunen"],
    ),
    "an adult's image": ([NO, IMAGE, "Nej, 18 år eller ældre"], ["Personen er 18 år eller ældre"]),
    "bullying": (
        [NO, "Chikane, mobning eller hadefuld tale", "Nej, mobning eller chikane uden trusler"],
        [],
    ),
    "a parent may be involved": ([NO, "Trusler", "Nej, eller jeg er i tvivl", "Nej"], []),
}


@pytest.fixture(scope="session")
def card_url(build_card_url: Callable[[Path], str]) -> str:
    return build_card_url(default_dir("content"))


@pytest.mark.parametrize("case", list(CASES))
def test_each_case_walks_to_an_outcome(card: Card, case: str) -> None:
    answers, steps_on_the_way = CASES[case]
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
