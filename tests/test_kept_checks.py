"""The checks kept across processes: a check in a new process after an edit checks again only
what changed, and prints what a clean check prints, byte for byte."""

from __future__ import annotations

import datetime as dt
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_rebuild_cache import FIXTURES, TODAY, checked, clean_check, edit, one_file_plan

from actionplan import cache
from actionplan.plan import checks, model

# Each check's work on one object, as Kept hands it out: (name, the argument that is the object).
WORK = {
    "_node_references": 3,
    "_question_options": 0,
    "_step_key_donts": 0,
    "_home_pages": 0,
    "_texts_problems": 3,
    "_texts_plan_links_in": 2,
}


def watch_checks(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The ids of the nodes each check looks at from now on, and 'graph' for each walk of the
    graph."""
    seen: dict[str, list[str]] = {name: [] for name in [*WORK, "graph"]}
    for name, index in WORK.items():
        real = getattr(checks, name)

        def counted(*args: Any, _real: Any = real, _name: str = name, _i: int = index) -> Any:
            if isinstance(args[_i], model.Node):
                seen[_name].append(args[_i].id)
            return _real(*args)

        monkeypatch.setattr(checks, name, counted)
    real_graph = checks._check_graph

    def walked(*args: Any) -> Any:
        seen["graph"].append("graph")
        return real_graph(*args)

    monkeypatch.setattr(checks, "_check_graph", walked)
    return seen


@pytest.fixture
def one_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    return one_file_plan(tmp_path / "project")


def test_a_one_word_edit_is_checked_in_that_node_alone(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked(one_file)
    seen = watch_checks(monkeypatch)
    edit(one_file / "content" / "plan.yaml", "title: Trin 5\n", "title: Trin fem\n")
    after = checked(one_file)
    assert seen == {
        "_node_references": ["n5"],
        "_question_options": [],  # a plan of steps
        "_step_key_donts": ["n5"],
        "_home_pages": ["n5"],
        "_texts_problems": ["n5"],
        "_texts_plan_links_in": ["n5"],
        "graph": [],  # no way on changed
    }
    monkeypatch.undo()
    assert after == clean_check(one_file, monkeypatch)


def test_with_nothing_kept_every_node_is_checked(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked(one_file)
    monkeypatch.setenv(cache.OFF_VAR, "1")
    seen = watch_checks(monkeypatch)
    checked(one_file)
    assert len(seen["_node_references"]) == 41
    assert seen["graph"] == ["graph"]


def test_a_check_walks_each_node_s_texts_once(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plan's own checks and the links to other plans read the same texts: one walk."""
    monkeypatch.setenv(cache.OFF_VAR, "1")
    walked: list[object] = []
    real = checks.texts_in

    def counted(top: Any) -> list[checks.Text]:
        walked.append(top)
        return real(top)

    monkeypatch.setattr(checks, "texts_in", counted)
    checked(one_file)
    nodes = [top for top in walked if isinstance(top, model.Node)]
    assert len(nodes) == 41
    assert len({id(node) for node in nodes}) == 41


def test_a_question_holds_no_source_to_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """A question has no field that could hold a source: its home-page check walks nothing,
    the second question as the first."""
    walked: list[object] = []
    real = checks.objects

    def counted(value: Any) -> list[model.Located]:
        walked.append(value)
        return real(value)

    monkeypatch.setattr(checks, "objects", counted)
    for label in ("Ja", "Nej"):
        question = model.Question(title="Spørgsmål", options=(model.Option(label=label, next="b"),))
        assert checks._home_pages(question) == []
    assert walked == []


def test_a_new_version_of_the_tool_checks_every_node_again(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked(one_file)
    seen = watch_checks(monkeypatch)
    checked(one_file)
    assert seen["_node_references"] == []
    monkeypatch.setattr(cache, "__version__", "999.0")
    cache.code_digest.cache_clear()
    try:
        after = checked(one_file)
        assert len(seen["_node_references"]) == 41
        assert seen["graph"] == ["graph"]
    finally:
        cache.code_digest.cache_clear()
    monkeypatch.undo()
    assert after == clean_check(one_file, monkeypatch)


def plan_with_problems(folder: Path) -> Path:
    """A plan of one file with a problem of each kind kept for a node: a way back not marked as
    a loop, two options alike (whose hint names the line of the first), a link to no node, a
    placeholder and a source that is a home page."""
    content = folder / "content"
    content.mkdir(parents=True)
    (content / "plan.yaml").write_text(
        "plan:\n  title: Fejl\n  language: da\n  version: '1'\n  owner: SSP\n"
        "  reviewed: 2026-11-01\n  start: a\n"
        "nodes:\n"
        "  a:\n    kind: question\n    title: Spørgsmål\n    options:\n"
        "      - label: Ja\n        next: b\n      - label: ja\n        next: slut\n"
        "  b:\n    kind: step\n    title: Trin\n    body: Se [c](#c).\n"
        "    sources:\n      - title: Politiet\n        url: https://politi.dk/\n"
        "    next: a\n"
        "  slut:\n    kind: outcome\n    title: Slut\n    body: {placeholder: Hvem}\n",
        encoding="utf-8",
    )
    return folder


def test_problems_kept_for_nodes_that_moved_are_where_a_clean_check_finds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    project = plan_with_problems(tmp_path / "project")
    plan = project / "content" / "plan.yaml"
    first = checked(project)
    assert first == clean_check(project, monkeypatch)
    for message in (
        "this leads back to an earlier node: a → b → a",
        "two options on 'a' read 'ja' (the first is on line 13;",
        "no node with the id 'c'",
        "placeholder not filled in: Hvem",
        "url 'https://politi.dk/' is a home page",
    ):
        assert message in first[1]
    before = first
    seen = watch_checks(monkeypatch)
    for what, change in [
        ("a line above every node", lambda: edit(plan, "nodes:\n", "nodes:\n# trin\n")),
        ("two more", lambda: edit(plan, "nodes:\n", "nodes:\n# et\n# to\n")),
        ("a line taken away", lambda: edit(plan, "# et\n", "")),
    ]:
        change()
        after = checked(project)
        assert after != before, what  # every line has moved
        # Checked again: the graph, whose problems are kept with the lines of every node, and
        # the options, whose hint names a line; the rest is moved.
        assert {k: v for k, v in seen.items() if v} == {
            "_question_options": ["a"],
            "graph": ["graph"],
        }, what
        assert after == clean_check(project, monkeypatch), what
        for found in seen.values():
            found.clear()
        before = after
    assert "(the first is on line 15;" in after[1]


def test_each_language_s_messages_are_kept_apart(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for language in ("da", "en", "da"):
        edit(one_file / "content" / "plan.yaml", "Gør trin 9", "Gør trin ni")  # one node new
        edit(one_file / "content" / "plan.yaml", "Gør trin ni", "Gør trin 9")
        kept = checked(one_file, language=language)
        assert kept == clean_check(one_file, monkeypatch, language), language
    assert "advarsler" in kept[1]  # the summary: in Danish


def test_the_dates_are_checked_on_the_day_of_each_check(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    later = TODAY + dt.timedelta(days=400)
    outputs = []
    for today in (TODAY, later, TODAY):
        kept = checked(one_file, today=today)
        assert kept == clean_check(one_file, monkeypatch, today=today), today
        outputs.append(kept)
    assert "was reviewed 430 days ago" in outputs[1][1]
    assert "days ago" not in outputs[0][1]


def test_damaged_kept_checks_are_checked_again(
    one_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = checked(one_file)
    kept = sorted(p for p in (tmp_path / "cache" / checks.CHECKS).rglob("*") if p.is_file())
    assert kept
    for i, entry in enumerate(kept):
        if i % 3 == 0:
            entry.write_bytes(entry.read_bytes()[: len(entry.read_bytes()) // 2])  # cut short
        elif i % 3 == 1:
            entry.write_bytes(b"\x80\x05garbage")
        else:  # a value of the right kind with the wrong things in it, under its own key
            mark = entry.name.encode("ascii")
            value = pickle.loads(entry.read_bytes()[len(mark) :])
            if isinstance(value, dict):
                value = dict.fromkeys(value, ("not", "problems"))
            elif isinstance(value, list):
                value = ["not a problem"]
            entry.write_bytes(mark + pickle.dumps(value))
    assert checked(one_file) == expected


def test_a_link_into_another_plan_is_checked_again_when_that_plan_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Path(shutil.copytree(FIXTURES / "plans" / "shelf", tmp_path / "shelf"))
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    second = project / "plans" / "second" / "plan.yaml"
    before = checked(project)
    assert before == clean_check(project, monkeypatch)
    # The first plan, unchanged, links to plan:second#two-start, which is no more.
    edit(second, "start: two-start", "start: to-start")
    edit(second, "  two-start:", "  to-start:")
    edit(second.parent / "translations" / "en.yaml", "  two-start:", "  to-start:")
    after = checked(project)
    assert "the plan 'second' has no node with the id 'two-start'" in after[1]
    assert after == clean_check(project, monkeypatch)


@pytest.mark.usefixtures("as_serve")  # as serve does
def test_serve_walks_again_only_the_nodes_a_save_changed_for_links_to_other_plans(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = one_file / "content" / "plan.yaml"
    link = "Se [den anden plan](plan:anden)."
    every = [f"n{i}" for i in range(41)]
    end = "  n40:\n    kind: outcome\n    title: Slut\n"
    longer = "  n40:\n    kind: step\n    title: Trin 40\n    next: n41\n" + end.replace("40", "41")
    # (what changes, the nodes then walked for links to other plans, whether one is reported)
    changes: list[tuple[str, Callable[[], object], list[str], bool]] = [
        ("nothing", lambda: None, [], False),
        ("a word", lambda: edit(plan, "title: Trin 5\n", "title: Trin fem\n"), ["n5"], False),
        ("a link to no plan", lambda: edit(plan, "Gør trin 7.", link), ["n7"], True),
        ("another word", lambda: edit(plan, "Gør trin 9.", "Gør trin ni."), ["n9"], True),
        ("the link taken away", lambda: edit(plan, link, "Gør trin 7."), ["n7"], False),
        # Another set of ids: every node is looked at again, but n7, whose links the save before
        # looked for (what a node links to does not depend on the ids).
        (
            "a node added",
            lambda: edit(plan, end, longer),
            [*(k for k in every if k != "n7"), "n41"],
            False,
        ),
        (
            "a word again",
            lambda: edit(plan, "title: Trin 8\n", "title: Trin otte\n"),
            ["n8"],
            False,
        ),
    ]
    seen = watch_checks(monkeypatch)
    checked(one_file)
    assert seen["_texts_plan_links_in"] == every
    for what, change, walked, reported in changes:
        seen["_texts_plan_links_in"].clear()
        change()
        after = checked(one_file, new_process=False)
        assert seen["_texts_plan_links_in"] == walked, what
        assert ("no plan with the id 'anden'" in after[1]) == reported, what
        with monkeypatch.context() as m:
            m.setattr(checks, "_texts_plan_links_in", checks._texts_plan_links_in)
            assert after == clean_check(one_file, m), what


@pytest.mark.usefixtures("as_serve")  # as serve does
def test_a_link_to_no_plan_found_by_a_new_process_is_found_by_the_saves_after_it(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first check of a serve session takes the nodes' problems from the cache, together:
    # which node each is of is not kept, and the saves after it find them again just as well.
    plan = one_file / "content" / "plan.yaml"
    link = "Se [den anden plan](plan:anden)."
    edit(plan, "Gør trin 7.", link)
    checked(one_file)  # into the cache
    first = checked(one_file)
    assert "no plan with the id 'anden'" in first[1]
    seen = watch_checks(monkeypatch)
    for change, walked, reported in [
        (lambda: edit(plan, "Gør trin 9.", "Gør trin ni."), ["n9"], True),
        (lambda: edit(plan, "Gør trin ni.", "Gør trin 9."), ["n9"], True),
        (lambda: edit(plan, link, "Gør trin 7."), ["n7"], False),
        (lambda: edit(plan, "Gør trin 9.", "Gør trin ni."), ["n9"], False),
    ]:
        seen["_texts_plan_links_in"].clear()
        change()
        after = checked(one_file, new_process=False)
        assert seen["_texts_plan_links_in"] == walked
        assert ("no plan with the id 'anden'" in after[1]) == reported
        with monkeypatch.context() as m:
            m.setattr(checks, "_texts_plan_links_in", checks._texts_plan_links_in)
            assert after == clean_check(one_file, m)


@pytest.mark.usefixtures("as_serve")  # as serve does
def test_in_one_process_a_save_looks_at_the_nodes_it_changed_and_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not even to find their entries kept: a node that is the object it was has what it had.
    monkeypatch.setenv("ACTIONPLAN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache.Buckets, "FROM", 8)  # in buckets, as a large file's
    project = one_file_plan(tmp_path / "project", 300)
    plan = project / "content" / "plan.yaml"
    looked_at: list[str] = []
    real = checks._check_node

    def counted(key: str, *args: Any) -> Any:
        looked_at.append(key)
        return real(key, *args)

    monkeypatch.setattr(checks, "_check_node", counted)
    checked(project)
    assert len(looked_at) == 301  # the links to other plans among the node checks
    for change, looked in [
        (lambda: edit(plan, "title: Trin 5\n", "title: Trin fem\n"), ["n5"]),
        (lambda: None, []),
        (lambda: edit(plan, "next: n10\n", "next: n10-x\n"), ["n9"]),  # to no node: an error
        (lambda: edit(plan, "next: n10-x\n", "next: n10\n"), ["n9"]),
        (lambda: edit(plan, "title: Trin fem\n", "title: Trin 5\n"), ["n5"]),
    ]:
        looked_at.clear()
        change()
        after = checked(project, new_process=False)
        assert looked_at == looked
        with monkeypatch.context() as m:
            m.setattr(checks, "_check_node", real)
            assert after == clean_check(project, m)


def test_a_link_to_no_plan_found_in_the_cache_is_moved_with_its_node(
    one_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # What a node links to is kept with its other checks, and moved as they are.
    plan = one_file / "content" / "plan.yaml"
    edit(plan, "Gør trin 7.", "Se [den anden plan](plan:anden).")
    before = checked(one_file)
    assert "no plan with the id 'anden'" in before[1]
    seen = watch_checks(monkeypatch)
    edit(plan, "nodes:\n", "nodes:\n# trin\n\n")
    after = checked(one_file)
    assert seen["_texts_plan_links_in"] == []  # taken from the cache, two lines further down
    monkeypatch.undo()
    assert after == clean_check(one_file, monkeypatch)
    (line,) = [p for p in after[1].splitlines() if "no plan with the id 'anden'" in p]
    (was,) = [p for p in before[1].splitlines() if "no plan with the id 'anden'" in p]
    assert int(line.split(":")[1]) == int(was.split(":")[1]) + 2


def merged(content: Path) -> model.Plan | None:
    """The plan in a content folder, read and merged but not yet checked; None if it has none."""
    from actionplan.errors import PlanError
    from actionplan.plan import loader, merge

    try:
        files = loader.load_files(content)
    except PlanError:
        return None
    return merge.merge(content, files)[0]


CASES = sorted(p for kind in ("bad", "good") for p in (FIXTURES / kind).iterdir() if p.is_dir())


@pytest.mark.parametrize("case", CASES, ids=[f"{p.parent.name}/{p.name}" for p in CASES])
def test_a_check_that_keeps_nothing_finds_what_a_check_that_keeps_finds(
    case: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A process that checks once calls each node's checks without keeping them (the cold
    # build's way); `serve` keeps each in its memory.  Both find the same, in the same order.
    monkeypatch.delenv(cache.OFF_VAR, raising=False)
    plan = merged(case / "content")
    if plan is None:
        pytest.skip("the case's plan does not merge: no check runs")
    once = checks.check(plan, TODAY)
    with cache.remembering(cache.Memory()):
        kept = checks.check(plan, TODAY)
        again = checks.check(plan, TODAY)
    assert once == kept == again
