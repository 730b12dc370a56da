"""The plan's graph: the ways on from each node, and the walks that checks, card and paths share."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from actionplan.errors import Pos
from actionplan.plan import graph as graph_module
from actionplan.plan import model
from actionplan.plan.graph import Edge, Graph, edges


def _plan(*nodes: model.Node, start: str = "q") -> model.Plan:
    info = model.PlanInfo(
        title="t", language="da", version="1", owner="o", reviewed=dt.date(2026, 1, 1), start=start
    )
    return model.Plan(
        root=Path(),
        info=info,
        nodes={node.id: node for node in nodes},
        contacts={},
        laws={},
        local=model.LocalSettings(),
    )


def _option(label: str, target: str, loop: bool = False) -> model.Option:
    return model.Option(label=label, next=target, loop=loop)


def _question(key: str, *options: model.Option) -> model.Question:
    return model.Question(id=key, title=key, options=options)


def _step(key: str, target: str, loop: bool = False) -> model.Step:
    return model.Step(id=key, title=key, next=target, loop=loop)


def _outcome(key: str) -> model.Outcome:
    return model.Outcome(id=key, title=key)


def test_edges_of_each_kind_of_node_with_label_loop_and_where_the_target_is_written() -> None:
    at = Pos("nodes.yaml", 4, 11)
    option = model.Option(label="Ja", next="s", at={"next": at})
    question = model.Question(id="q", title="q", options=(option, _option("Nej", "q", loop=True)))
    step = model.Step(id="s", title="s", next="end", pos=Pos("nodes.yaml", 9, 3))
    assert edges(question) == (Edge("s", "Ja", False, at), Edge("q", "Nej", True, Pos("")))
    # a field without a recorded position points at where the node starts
    assert edges(step) == (Edge("end", None, False, Pos("nodes.yaml", 9, 3)),)
    assert edges(_outcome("end")) == ()


def test_order_is_breadth_first_in_the_written_order_and_leaves_out_the_unreached() -> None:
    graph = Graph(
        _plan(
            _question("q", _option("a", "s1"), _option("b", "s2"), _option("c", "s1")),
            _step("s1", "deep"),
            _step("s2", "end"),
            _step("deep", "end"),
            _outcome("end"),
            _outcome("island"),
        )
    )
    assert graph.order() == ["q", "s1", "s2", "deep", "end"]
    assert graph.reachable() == {"q", "s1", "s2", "deep", "end"}
    assert graph.outcomes == frozenset({"end", "island"})


def test_leading_to_follows_loops_only_when_asked() -> None:
    graph = Graph(
        _plan(
            _question("q", _option("a", "end"), _option("b", "s")),
            _step("s", "back"),
            _step("back", "q", loop=True),
            _outcome("end"),
        )
    )
    assert graph.leading_to({"end"}) == {"q", "s", "back", "end"}
    assert graph.leading_to({"end"}, loops=False) == {"q", "end"}


def test_unmarked_cycles_give_the_closing_way_and_the_cycle() -> None:
    graph = Graph(
        _plan(
            _question("q", _option("a", "s"), _option("b", "end")),
            _step("s", "t"),
            _step("t", "q"),  # not marked: a cycle
            _step("marked", "q", loop=True),
            _outcome("end"),
        )
    )
    found = list(graph.unmarked_cycles())
    assert [(cycle, edge.target) for cycle, edge in found] == [(["q", "s", "t", "q"], "q")]


def test_routes_pass_no_node_twice_follow_no_loop_and_skip_what_leads_nowhere() -> None:
    graph = Graph(
        _plan(
            _question(
                "q",
                _option("to a", "s"),
                _option("again", "q", loop=True),
                _option("lost", "nowhere"),  # no such node: leads nowhere
                _option("stuck", "dead"),
                _option("done", "end"),
            ),
            _step("s", "end"),
            _step("dead", "dead2"),
            _step("dead2", "dead"),
            _outcome("end"),
        )
    )
    assert list(graph.routes()) == [
        (("q", "to a"), ("s", None), ("end", None)),
        (("q", "done"), ("end", None)),
    ]


def test_a_start_that_is_an_outcome_is_the_one_route() -> None:
    assert list(Graph(_plan(_outcome("end"), start="end")).routes()) == [(("end", None),)]


def test_a_start_that_reaches_no_outcome_has_no_route() -> None:
    assert list(Graph(_plan(_step("q", "q", loop=True), _outcome("end"))).routes()) == []


@pytest.mark.usefixtures("as_serve")  # serve remembers its last graphs
def test_a_graph_of_the_same_folder_makes_again_only_the_ways_of_the_nodes_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def plan_in(root: Path, *nodes: model.Node) -> model.Plan:
        return dataclasses.replace(_plan(*nodes), root=root)

    made: list[str] = []

    def counted(node: model.Node) -> tuple[Edge, ...]:
        made.append(node.id)
        return edges(node)

    monkeypatch.setattr(graph_module, "edges", counted)
    kept = [_question("q", _option("a", "s"), _option("b", "end")), _step("s", "end")]
    first = Graph(plan_in(tmp_path, *kept, _outcome("end")))
    assert made == ["q", "s", "end"]
    # A save that made one node anew (its way on changed), and one more node: the same ids
    # elsewhere in another folder are made whole.
    made.clear()
    changed = [*kept, _step("end", "more"), _outcome("more")]
    second = Graph(plan_in(tmp_path, *changed))
    assert made == ["end", "more"]
    assert second.ways["q"] is first.ways["q"]
    made.clear()
    fresh = Graph(plan_in(tmp_path / "other", *changed))
    assert made == ["q", "s", "end", "more"]
    assert second.ways == fresh.ways
    assert second.outcomes == fresh.outcomes == {"more"}
    assert second.order() == fresh.order() == ["q", "s", "end", "more"]
    # A node taken away, in the folder of the first: the others' ways kept, in the plan's order.
    made.clear()
    third = Graph(plan_in(tmp_path, changed[0], changed[2], changed[3]))
    assert made == []
    assert list(third.ways) == ["q", "end", "more"]
    assert third.ways == {k: v for k, v in fresh.ways.items() if k != "s"}
