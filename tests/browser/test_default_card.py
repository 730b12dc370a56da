"""The default plan's card in a browser: the cases walked by their answers, axe on every
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

# What each case must show on the way, in this order, beside the answers it is walked by.
STEPS_ON_THE_WAY = {
    "nude shared by a classmate": [
        "Rør ikke billedet",
        "Send en underretning til kommunen",
        "Anmeld til politiet",
        "Begræns spredningen",
    ],
    "sextortion": ["Afpresning – stop kontakten, men gem beviserne", "Anmeld til politiet"],
    "sextortion, and the young person speaks of harming themselves": [
        "Ring 112 nu, og bliv hos den unge",
        "Afpresning – stop kontakten, men gem beviserne",
        "Anmeld til politiet",
    ],
    "grooming": ["Send en underretning til kommunen"],
    "an adult's image": ["Personen er 18 år eller ældre"],
    "bullying": ["Skolen eller klubben tager hånd om sagen", "Inddrag forældrene"],
    "an account that rates pupils": ["Inddrag forældrene", "Begræns spredningen"],
    "a parent may be involved": ["Kontakt kommunen direkte – ikke forældrene"],
    "a hacked profile spreading a nude": [
        "Rør ikke billedet",
        "Anmeld til politiet",
        "Begræns spredningen",
    ],
    "a hacked profile, no images": ["Hacket profil eller misbrug af identitet"],
    "the pupil in front of you shared it": [
        "Den unge har selv delt eller lavet billedet",
        "Rør ikke billedet",
        "Send en underretning til kommunen",
    ],
    "a 12-year-old pressed by classmates to send a nude": [
        "Rør ikke billedet",
        "Tvang eller et barn under 13 år – kontakt politiet og kommunen nu",
        "Anmeld til politiet",
    ],
    "nobody knows who shared it": ["Få råd, før I går videre", "Anmeld til politiet"],
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
    seen = [
        next((i for i, h in enumerate(headings) if heading in h), None)
        for heading in steps_on_the_way
    ]
    assert None not in seen, (steps_on_the_way, headings)
    assert seen == sorted(seen), (steps_on_the_way, headings)  # in the plan's order
    # The path panel lists every answer given, in order.
    assert [answer for question, answer in card.path() if question] == answers


@pytest.mark.parametrize("lang", ["da", "en"])
def test_axe_finds_nothing_on_any_screen_of_the_default_card(card: Card, lang: str) -> None:
    found = axe_violations(card, lang)
    assert not found, "axe found:\n" + axe_report(found)
