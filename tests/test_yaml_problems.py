"""Every way YAML's parser can fail on a plan's file is told with a place and a hint: the rules
in yaml_problems.py explain the failures authors make, and any other gets the parser's words
with where to look, never the parser's words alone."""

from __future__ import annotations

import pytest

from actionplan.errors import PlanError
from actionplan.plan.loader import parse

# Each breaks one line of a small mapping in a different way; none of them parses.
BROKEN = {
    "unknown escape": 'owner: "a \\q"',
    "short hex escape": 'owner: "C:\\Users\\ssp"',
    "surrogate escape": 'owner: "\\ud800"',
    "undefined tag handle": "owner: !x!y SSP",
    "question mark": "owner: ? SSP",
    "text after block indicator": "owner: | SSP Team",
    "directive mid-file": "owner: SSP\n%YAML 1.1",
    "unclosed double quote": 'owner: "SSP',
    "unclosed single quote": "owner: 'SSP",
    "unclosed bracket": "owner: [SSP",
    "unclosed brace": "owner: {a: b",
    "stray closing bracket": "owner: ] SSP",
    "at sign": "owner: @ssp",
    "backtick": "owner: `ssp`",
    "undefined alias": "owner: *ssp",
    "colon in plain text": "owner: SSP: team",
    "dash after key": "owner: - SSP",
    "quote ends early": 'owner: "SSP "team" A"',
    "anchor twice": "owner: &a &b SSP",
    "tab": "owner:\n\t- SSP",
    "comma in flow": "owner: [a,, b]",
    "document end then text": "owner: SSP\n...\nmore: x",
    "less indented": "plan:\n    owner: SSP\n  title: x",
}


@pytest.mark.parametrize("line", BROKEN.values(), ids=BROKEN.keys())
def test_every_failure_has_a_place_and_a_hint(line: str) -> None:
    text = f"title: A plan\n{line}\nstart: a\n"
    with pytest.raises(PlanError) as raised:
        parse(text, "plan.yaml")
    for problem in raised.value.problems:
        assert problem.pos.line >= 1, problem.format()
        assert problem.hint, f"no hint: {problem.format()}"


def test_a_failure_no_rule_knows_keeps_the_parsers_words_and_says_where_to_look() -> None:
    import yaml

    from actionplan.plan.yaml_problems import explain

    mark = yaml.Mark("plan.yaml", 0, 1, 4, None, None)
    failure = yaml.MarkedYAMLError("while reading", mark, "found a thing never seen", mark)
    problem = explain(failure, "plan.yaml", "title: A plan\nowner: x\n")
    assert problem.format() == (
        "plan.yaml:2:5: error: not valid YAML: found a thing never seen (look at this line and "
        "the one above it: quotes, brackets, ':' and indentation)"
    )
