"""`actionplan graph`: the plan as a Mermaid or DOT flowchart, with every label escaped."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from actionplan.cli import cli
from actionplan.commands.graph import dot_text, mermaid_text, one_line, to_dot, to_mermaid
from actionplan.plan.read import load_plan

HOSTILE = (
    'He said "hi" [x] {y} (z) |a| #1 <script>alert(1)</script> &amp; `code` *em* _u_ '
    '~s~ \\n back\\slash %%{init: {"theme": "dark"}}%% end --> B:::c ; ﬂ°°60¶ß\nnext line'
)


def write_plan(root: Path, nodes: dict[str, Any], title: str = "Tiny plan") -> Path:
    """A one-file plan in root/content that starts at the first node given (written anew if
    it is there); the tiny plans of the other test modules are written with it too."""
    plan = {
        "title": title,
        "language": "en",
        "version": "1",
        "owner": "Test",
        "reviewed": dt.date.today(),
        "start": next(iter(nodes)),
    }
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "content" / "plan.yaml").write_text(
        yaml.safe_dump({"plan": plan, "nodes": nodes}, allow_unicode=True, sort_keys=False),
        encoding="utf-8",
    )
    return root


LOOPING = {
    "start": {
        "kind": "question",
        "title": "Is it urgent?",
        "options": [{"label": "Yes", "next": "call"}, {"label": "No", "next": "done"}],
    },
    "call": {"kind": "step", "title": "Call now", "urgent": True, "next": "more"},
    "more": {
        "kind": "question",
        "title": "More to do?",
        "options": [
            {"label": "Again", "next": "call", "loop": True},
            {"label": "No", "next": "done"},
        ],
    },
    "done": {"kind": "outcome", "title": "Done"},
}


LOOPING_MERMAID = """\
flowchart TD
    accTitle: Tiny plan
    accDescr: Flowchart of the plan with 2 questions, 1 step and 1 outcome, starting at Is it urgent?
    n_start{"Is it urgent?"}
    n_call["⚠ Call now"]
    n_done(["Done"])
    n_more{"More to do?"}
    n_start -->|"Yes"| n_call
    n_start -->|"No"| n_done
    n_call --> n_more
    n_more -.->|"Again"| n_call
    n_more -->|"No"| n_done
    classDef urgent stroke:#b00020,stroke-width:3px
    class n_call urgent
"""  # noqa: E501

LOOPING_DOT = """\
digraph plan {
    label="Tiny plan";
    tooltip="Flowchart of the plan with 2 questions, 1 step and 1 outcome, starting at Is it urgent?";
    labelloc=t;
    node [fontname="sans-serif"];
    edge [fontname="sans-serif"];
    "start" [shape=diamond, label="Is it urgent?"];
    "call" [shape=box, color="#b00020", penwidth=3, label="⚠ Call now"];
    "done" [shape=box, style="rounded", label="Done"];
    "more" [shape=diamond, label="More to do?"];
    "start" -> "call" [label="Yes"];
    "start" -> "done" [label="No"];
    "call" -> "more";
    "more" -> "call" [label="Again", style=dashed];
    "more" -> "done" [label="No"];
}
"""  # noqa: E501


@pytest.fixture
def looping(tmp_path: Path) -> Path:
    return write_plan(tmp_path, LOOPING)


def test_mermaid_shapes_edges_and_loops(looping: Path) -> None:
    assert to_mermaid(load_plan(looping / "content")) == LOOPING_MERMAID


def test_dot_shapes_edges_and_loops(looping: Path) -> None:
    assert to_dot(load_plan(looping / "content")) == LOOPING_DOT


def test_output_does_not_depend_on_the_order_of_the_files(tmp_path: Path) -> None:
    first = write_plan(tmp_path / "a", LOOPING)
    shuffled = dict(sorted(LOOPING.items(), reverse=True))
    shuffled = {"start": shuffled.pop("start"), **shuffled}
    second = write_plan(tmp_path / "b", shuffled)
    for render in (to_mermaid, to_dot):
        assert render(load_plan(first / "content")) == render(load_plan(second / "content"))


# Escaping: whatever a title or label holds, it stays one label and reads as it was written.

MERMAID_LABEL = re.compile(
    r'^    n_[a-z0-9_]+(?:\{"(?P<q>[^"]*)"\}|\["(?P<s>[^"]*)"\]|\(\["(?P<o>[^"]*)"\]\))$'
)
MERMAID_EDGE = re.compile(r'^    n_[a-z0-9_]+ -(?:->|\.->)(?:\|"(?P<e>[^"]*)"\|)? n_[a-z0-9_]+$')
DOT_STRING = r'"((?:[^"\\]|\\.)*)"'


def mermaid_decoded(label: str) -> str:
    assert not re.search(r"[\"\[\]{}()|<>`*_~\\%:;&\n]", re.sub(r"#\d+;", "", label)), label
    assert "#" not in re.sub(r"#\d+;", "", label), label
    return re.sub(r"#(\d+);", lambda m: chr(int(m[1])), label)


def dot_decoded(quoted: str) -> str:
    match = re.fullmatch(DOT_STRING, quoted)
    assert match, quoted
    assert "\n" not in quoted
    return re.sub(r"\\(.)", r"\1", match[1]).replace("&amp;", "&")


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write_plan(
        tmp_path,
        {
            "q": {
                "kind": "question",
                "title": HOSTILE,
                "options": [{"label": HOSTILE, "next": "s"}, {"label": "No", "next": "end"}],
            },
            "s": {"kind": "step", "title": HOSTILE, "next": "end"},
            "end": {"kind": "outcome", "title": HOSTILE},
        },
        title=HOSTILE,
    )


def test_mermaid_escapes_hostile_labels(hostile: Path) -> None:
    lines = to_mermaid(load_plan(hostile / "content")).splitlines()
    assert lines[0] == "flowchart TD"
    assert mermaid_decoded(lines[1].removeprefix("    accTitle: ")) == one_line(HOSTILE)
    assert lines[2].startswith("    accDescr: ")
    labels = [
        m.group("q") or m.group("s") or m.group("o")
        for line in lines[3:6]
        if (m := MERMAID_LABEL.match(line))
    ]
    edges = [m.group("e") for line in lines[6:] if (m := MERMAID_EDGE.match(line))]
    assert len(labels) == 3 and len(edges) == 3, lines
    assert [mermaid_decoded(label) for label in labels] == [one_line(HOSTILE)] * 3
    assert mermaid_decoded(edges[0]) == one_line(HOSTILE)
    assert "n_end" in lines[5]  # an id that is a Mermaid keyword is kept clear of it


def test_dot_escapes_hostile_labels(hostile: Path) -> None:
    text = to_dot(load_plan(hostile / "content"))
    labels = re.findall(r"label=(" + DOT_STRING + ")", text)
    assert len(labels) == 1 + 3 + 2  # the graph, three nodes, two answers
    assert {dot_decoded(quoted) for quoted, _inner in labels} == {one_line(HOSTILE), "No"}
    # Outside the quoted strings, only the structure is left.
    structure = re.sub(DOT_STRING, '""', text)
    assert structure.count("{") == 1 and structure.count("}") == 1
    assert structure.count("->") == 3


@given(st.text())
def test_any_text_is_one_mermaid_label_that_reads_the_same(text: str) -> None:
    assert mermaid_decoded(mermaid_text(text)) == one_line(text)


@given(st.text())
def test_any_text_is_one_dot_string_that_reads_the_same(text: str) -> None:
    assert dot_decoded(dot_text(text)) == one_line(text)


# The command


def test_cli_prints_mermaid_by_default_and_dot_on_request(looping: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["graph", str(looping)])
    assert result.exit_code == 0
    assert result.output.startswith("flowchart TD\n")
    result = runner.invoke(cli, ["graph", str(looping), "--format", "dot"])
    assert result.exit_code == 0
    assert result.output.startswith("digraph plan {\n")


def test_cli_refuses_a_broken_plan_and_an_unknown_format(tmp_path: Path) -> None:
    broken = write_plan(tmp_path, {"start": {"kind": "step", "title": "Go", "next": "nowhere"}})
    result = CliRunner().invoke(cli, ["graph", str(broken)])
    assert result.exit_code == 1
    assert "nowhere" in result.stderr and result.stdout == ""
    assert CliRunner().invoke(cli, ["graph", str(broken), "--format", "svg"]).exit_code == 2


SHELF = Path(__file__).resolve().parent / "fixtures" / "plans" / "shelf"


def test_a_link_to_another_plan_is_a_dashed_arrow_to_a_box_of_its_own() -> None:
    """plan:<id>#<node> in a node's text is drawn, in both formats, as a dashed arrow from that
    node to a double-edged box named by the link, and counted in the chart's description."""
    first = load_plan(SHELF / "content", shared=SHELF / "shared")
    mermaid = to_mermaid(first)
    assert 'p_1[["plan#58;second#35;two-start"]]' in mermaid
    assert "    n_one_call -.-> p_1\n" in mermaid
    assert "1 outcome and 1 link to other plans, starting at" in mermaid
    second = load_plan(SHELF / "plans" / "second", shared=SHELF / "shared")
    dot = to_dot(second)
    assert '"plan:content" [shape=box, peripheries=2, style=dashed, label="plan:content"];' in dot
    assert '    "two-start" -> "plan:content" [style=dashed];\n' in dot
    # A plan with no such link is drawn as before: no box, no word of links.
    third = to_mermaid(load_plan(SHELF / "plans" / "third", shared=SHELF / "shared"))
    assert "p_1" not in third and "link" not in third


def test_links_to_other_plans_are_boxes_once_each_and_never_meet_as_one(tmp_path: Path) -> None:
    """Two targets whose names differ only in punctuation get a box each; a target linked from
    two nodes, or twice from one, gets one box; a link in a node's list items counts too; a
    link to a node of this plan or to the web draws nothing new."""
    write_plan(
        tmp_path,
        {
            "a": {
                "kind": "step",
                "title": "A",
                "body": "[x](plan:p#b-c) and [y](plan:p-b#c) and [again](plan:p#b-c)",
                "next": "b",
            },
            "b": {
                "kind": "step",
                "title": "B",
                "checklist": ["See [it](plan:p#b-c)", "[here](#a) and [web](https://example.org)"],
                "next": "end",
            },
            "end": {"kind": "outcome", "title": "End"},
        },
    )
    plan = load_plan(tmp_path / "content")
    mermaid = to_mermaid(plan)
    boxes = re.findall(r"^    (p_\d+)\[\[\"(.*)\"\]\]$", mermaid, re.M)
    assert boxes == [("p_1", "plan#58;p#35;b-c"), ("p_2", "plan#58;p-b#35;c")]
    arrows = re.findall(r"^    (n_\w+) -\.-> (p_\d+)$", mermaid, re.M)
    assert arrows == [("n_a", "p_1"), ("n_b", "p_1"), ("n_a", "p_2")]
    dot = to_dot(plan)
    assert dot.count("peripheries=2") == 2
    assert dot.count("[style=dashed];") == 3
