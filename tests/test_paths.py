"""`actionplan paths`: every route from the start to an outcome, without following loops."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_graph import write_plan

from actionplan.cli import cli
from actionplan.commands import paths
from actionplan.commands.paths import TooManyRoutes, find_routes, routes_text
from actionplan.plan.read import load_plan


def question(title: str, *options: tuple[str, str] | tuple[str, str, bool]) -> dict[str, Any]:
    return {
        "kind": "question",
        "title": title,
        "options": [
            {"label": o[0], "next": o[1], "loop": o[2] if len(o) > 2 else False} for o in options
        ],
    }


SMALL = {
    "start": question("Is it urgent?", ("Yes", "call"), ("No", "more")),
    "call": {"kind": "step", "title": "Call now", "urgent": True, "next": "more"},
    "more": question(
        "More to do?", ("Again", "call", True), ("Report it", "report"), ("No", "done")
    ),
    "report": {"kind": "step", "title": "Report it", "next": "done"},
    "done": {"kind": "outcome", "title": "Done"},
}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return write_plan(tmp_path, SMALL)


def test_json_lists_every_route_with_its_answers_and_skips_loops(small: Path) -> None:
    result = CliRunner().invoke(cli, ["paths", str(small), "--format", "json"])
    assert result.exit_code == 0, result.output
    start = {"node": "start", "kind": "question", "title": "Is it urgent?"}
    call = {"node": "call", "kind": "step", "title": "Call now"}
    more = {"node": "more", "kind": "question", "title": "More to do?"}
    report = {"node": "report", "kind": "step", "title": "Report it"}
    done = {"node": "done", "kind": "outcome", "title": "Done"}
    assert json.loads(result.stdout) == [
        [{**start, "answer": "Yes"}, call, {**more, "answer": "Report it"}, report, done],
        [{**start, "answer": "Yes"}, call, {**more, "answer": "No"}, done],
        [{**start, "answer": "No"}, {**more, "answer": "Report it"}, report, done],
        [{**start, "answer": "No"}, {**more, "answer": "No"}, done],
    ]


def test_text_is_a_snapshot_to_commit(small: Path) -> None:
    result = CliRunner().invoke(cli, ["paths", str(small)])
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == """\
# 4 routes from 'start' to an outcome

route: start > call > more > report > done
  question start: Is it urgent? → Yes
  step call: Call now (urgent)
  question more: More to do? → Report it
  step report: Report it
  outcome done: Done

route: start > call > more > done
  question start: Is it urgent? → Yes
  step call: Call now (urgent)
  question more: More to do? → No
  outcome done: Done

route: start > more > report > done
  question start: Is it urgent? → No
  question more: More to do? → Report it
  step report: Report it
  outcome done: Done

route: start > more > done
  question start: Is it urgent? → No
  question more: More to do? → No
  outcome done: Done
"""
    )


def test_a_branch_that_ends_only_in_a_loop_is_no_route(tmp_path: Path) -> None:
    root = write_plan(
        tmp_path,
        {
            "start": question("Which?", ("Round", "again"), ("Out", "done")),
            "again": {"kind": "step", "title": "Once more", "next": "start", "loop": True},
            "done": {"kind": "outcome", "title": "Done"},
        },
    )
    routes = find_routes(load_plan(root / "content"))
    assert [[stop.node for stop in route] for route in routes] == [["start", "done"]]


def test_a_plan_that_starts_at_an_outcome_has_one_route(tmp_path: Path) -> None:
    root = write_plan(tmp_path, {"done": {"kind": "outcome", "title": "Done\nat once"}})
    plan = load_plan(root / "content")
    assert routes_text(plan, find_routes(plan)).endswith(
        "route: done\n  outcome done: Done at once\n"
    )


def ladder(root: Path, rungs: int) -> Path:
    """A plan with 2**rungs routes: each question's two answers lead to the next question."""
    nodes = {
        f"q{i}": question(f"Question {i}", ("A", f"q{i + 1}"), ("B", f"q{i + 1}"))
        for i in range(rungs)
    }
    nodes[f"q{rungs}"] = {"kind": "outcome", "title": "Done"}
    return write_plan(root, nodes)


def test_the_limit_stops_a_combinatorial_explosion_quickly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = load_plan(ladder(tmp_path, 40) / "content")  # 2**40 routes
    made = []  # counted, not timed: the same on any machine
    iter_routes = paths.iter_routes
    monkeypatch.setattr(
        paths, "iter_routes", lambda p: (made.append(r) or r for r in iter_routes(p))
    )
    with pytest.raises(TooManyRoutes):
        find_routes(plan, limit=10_000)
    assert len(made) == 10_001


def test_the_cli_says_so_on_stderr_and_exits_1(tmp_path: Path) -> None:
    root = ladder(tmp_path, 8)  # 256 routes
    result = CliRunner().invoke(cli, ["paths", str(root), "--limit", "255"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "than the limit of 255" in result.stderr and "--limit" in result.stderr
    result = CliRunner().invoke(cli, ["paths", str(root), "--limit", "256"])
    assert result.exit_code == 0
    assert result.stdout.startswith("# 256 routes")


def test_the_cli_refuses_a_broken_plan(tmp_path: Path) -> None:
    root = write_plan(tmp_path, {"start": {"kind": "step", "title": "Go", "next": "nowhere"}})
    result = CliRunner().invoke(cli, ["paths", str(root)])
    assert result.exit_code == 1
    assert "nowhere" in result.stderr
