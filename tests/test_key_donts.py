"""The key don'ts of the printed action card: the warnings the steps mark, in the handling order."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from actionplan.card.render import key_donts
from actionplan.plan import model
from actionplan.plan.graph import Graph
from actionplan.plan.read import check_plan
from actionplan.plan.translate import localize

CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def plan() -> model.Plan:
    found = check_plan(CONTENT).plan
    assert found is not None
    return found


def test_the_marked_warnings_each_once_in_the_handling_order(plan: model.Plan) -> None:
    order = Graph(plan).order()
    expected: list[str] = []
    for node_id in order:
        node = plan.nodes[node_id]
        if isinstance(node, model.Step):
            expected += [node.do_not[i - 1] for i in node.key_do_not]
    assert expected  # the default plan marks some
    donts = key_donts(plan, order)
    assert donts == list(dict.fromkeys(expected))
    # The rules the start screen gives for a sexual image, and the first thing on an urgent call.
    assert "Se ikke på billedet." in donts
    assert "Videresend, print eller gem det ikke." in donts
    assert donts[0] == "Lad ikke den unge være alene."


def test_a_translation_lists_the_same_warnings_in_its_words(plan: model.Plan) -> None:
    order = Graph(plan).order()
    english = key_donts(localize(plan, "en"), order)
    assert len(english) == len(key_donts(plan, order))
    assert "Do not look at the image." in english
    assert not any(isinstance(item, model.Text) for item in english)  # none fell back to Danish


def test_a_plan_that_marks_none_lists_the_urgent_steps_warnings(plan: model.Plan) -> None:
    unmarked = dataclasses.replace(
        plan,
        nodes={
            k: dataclasses.replace(n, key_do_not=()) if isinstance(n, model.Step) else n
            for k, n in plan.nodes.items()
        },
    )
    order = Graph(plan).order()
    urgent = [
        item
        for node_id in order
        if isinstance(node := plan.nodes[node_id], model.Step) and node.urgent
        for item in node.do_not
    ]
    assert key_donts(unmarked, order) == list(dict.fromkeys(urgent))
