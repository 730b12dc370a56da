"""The loader: hostile or broken files give one clear problem, quickly and in little memory."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from actionplan.errors import PlanError
from actionplan.plan import loader
from actionplan.plan.loader import MAX_DEPTH, Role, find_files, parse, read_text
from actionplan.plan.read import check_plan

REPO = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).resolve().parent / "fixtures" / "good" / "minimal" / "content"
TODAY = date(2026, 12, 1)


def plan_with(tmp_path: Path, name: str, text: str | bytes) -> Path:
    """The minimal plan with one more file."""
    root = tmp_path / "content"
    shutil.copytree(MINIMAL, root)
    data = text.encode() if isinstance(text, str) else text
    (root / name).write_bytes(data)
    return root


def problem_for(text: str) -> str:
    with pytest.raises(PlanError) as caught:
        parse(text, "f.yaml")
    [problem] = caught.value.problems
    return problem.format()


def billion_laughs(levels: int) -> str:
    """Each level is ten aliases of the one before: 10**levels texts if expanded."""
    lines = [
        "nodes:",
        "  laughs:",
        "    kind: step",
        "    title: Laughs",
        "    next: done",
        "    checklist:",
        '      - &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    ]
    lines += [f"      - &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, levels)]
    lines += [f"    do_not: *l{levels - 1}"]
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_never_expanded(tmp_path: Path) -> None:
    root = plan_with(tmp_path, "bomb.yaml", billion_laughs(30))  # 10**30 texts
    tracemalloc.start()
    report = check_plan(root, today=TODAY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * 2**20  # measured, not timed: expanded, it would hold 10**30 texts
    assert report.errors and report.plan is None
    assert all(p.pos.file.endswith("bomb.yaml") for p in report.problems)


def test_aliases_used_many_times_over_are_refused(tmp_path: Path) -> None:
    options = ", ".join(["*o"] * 1000)
    text = (
        "nodes:\n  wide-0: &q\n    kind: question\n    title: Wide\n"
        f"    options: [&o {{label: Again, next: done}}, {options}]\n"
    )
    text += "".join(f"  wide-{i}: *q\n" for i in range(1, 1000))  # 10**6 options
    root = plan_with(tmp_path, "wide.yaml", text)
    tracemalloc.start()
    report = check_plan(root, today=TODAY)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 32 * 2**20
    [problem] = report.problems
    assert (problem.pos.file, problem.pos.line) == ((root / "wide.yaml").as_posix(), 5)
    assert problem.format().endswith(
        ": error: aliases expand to more than 100000 values "
        "(write the values out, or use fewer '*' aliases)"
    )


@pytest.mark.parametrize(
    "nested",
    [
        "a: " + "[" * 100_000 + "]" * 100_000,
        "a: " + "{a: " * 100_000 + "b" + "}" * 100_000,
        "a:\n  " + "- " * 100_000 + "x\n",
    ],
    ids=["lists", "mappings", "block-lists"],
)
def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path, nested: str) -> None:
    # In a child process: libyaml's composer recurses in C and would take pytest down with it.
    plan_with(tmp_path, "deep.yaml", nested)
    env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "actionplan", "check", "content"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith(("content/deep.yaml:1:", "content/deep.yaml:2:")), result.stderr
    assert f"error: more than {MAX_DEPTH} levels of nesting" in result.stderr


def test_nesting_a_plan_needs_is_fine() -> None:
    parse("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "f.yaml")


@pytest.mark.parametrize("text", ["---", "---\n", "--- \n...\n", "---\n# only a comment\n"])
def test_a_document_with_nothing_in_it_is_an_empty_file(text: str) -> None:
    """libyaml places an empty document's value past the end of the file."""
    with pytest.raises(PlanError) as caught:
        parse(text, "f.yaml")
    assert [str(p) for p in caught.value.problems] == [
        "f.yaml:1:1: error: file is empty (add content, or delete the file)"
    ]


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(MINIMAL, root)
    plan = root / "plan.yaml"
    plan.write_bytes(b"\xef\xbb\xbf" + plan.read_bytes())
    assert check_plan(root, today=TODAY).problems == []


def test_upper_case_suffixes_are_read_like_any_other(tmp_path: Path) -> None:
    """Tools on Windows often save START.YAML or plan.Yml."""
    root = tmp_path / "content"
    root.mkdir()
    plan, done = (MINIMAL / "plan.yaml").read_text(encoding="utf-8").split("  done:\n")
    (root / "START.YAML").write_text(plan, encoding="utf-8")
    (root / "plan.Yml").write_text("nodes:\n  done:\n" + done, encoding="utf-8")
    (root / "notes.TXT").write_text("not a plan file", encoding="utf-8")
    assert [(p.name, role) for p, role in find_files(root)] == [
        ("START.YAML", Role.BASE),
        ("plan.Yml", Role.BASE),
    ]
    report = check_plan(root, today=TODAY)
    assert report.problems == []
    assert report.plan is not None and "done" in report.plan.nodes


def test_columns_count_characters_as_an_editor_does(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_bytes("title: Rødgrød\n".encode() + b"owner: B\xf8rge\n")
    with pytest.raises(PlanError) as caught:
        read_text(path, "f.yaml")
    assert caught.value.problems[0].format() == (
        "f.yaml:2:9: error: file is not valid UTF-8 (save the file with UTF-8 encoding)"
    )


def test_a_quote_left_open_is_reported_where_it_opens() -> None:
    text = 'title: "Ring 112\nnext: done\nurl: "https://example.org"\n'
    assert problem_for(text) == (
        "f.yaml:1:8: error: this quoted text has no closing quote "
        "(end it with the same quote mark it starts with, on the same "
        "line)"
    )


def test_a_file_cut_short_is_reported_on_its_last_line() -> None:
    assert problem_for("a: b\nc: [d,") == (
        "f.yaml:2:7: error: a value is missing here "
        "(check for a '[' or '{' that is not closed, or a ',' too many)"
    )


def test_a_control_character_is_found_and_named() -> None:
    assert problem_for("a: b\nc: d\x1be\n") == (
        "f.yaml:2:5: error: the file contains a special character (U+001B) that YAML does not "
        "allow (delete it: it may be invisible, so retype the text around it)"
    )


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="[{]} a–\n", max_size=80), st.integers(0, 30))
def test_brackets_are_found_one_by_one_as_they_are_counted(text: str, n: int) -> None:
    assert loader._brackets_over(text, n) == (loader._brackets(text) > n)


@pytest.mark.parametrize(
    ("value", "plain", "tag"),
    [
        ("yes", True, "bool"),
        ("FALSE", True, "bool"),
        ("~", True, "null"),
        ("", True, "null"),
        ("<<", True, "merge"),
        ("12345678901234567890", True, "int"),
        ("-1_000", True, "int"),
        ("yes, and a longer text", True, "str"),
        ("yes", False, "str"),
        ("truefalse", True, "str"),
    ],
)
def test_a_plain_value_is_told_from_text_by_its_words_whatever_its_length(
    value: str, plain: bool, tag: str
) -> None:
    resolved = loader._Loader.resolve(yaml.ScalarNode, value, (plain, not plain))
    assert resolved == "tag:yaml.org,2002:" + tag
