"""Where values are written: the lines a comment may follow a value on, found from each '#'."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from actionplan.plan.places import COMMENT, comment_lines


def lines_by_pattern(text: str) -> set[int]:
    """The lines COMMENT finds a comment on, as the pattern itself tells."""
    return {text.count("\n", 0, m.start()) for m in re.finditer(COMMENT, text)}


@given(st.text(alphabet=" \t#\n\r\u00a0\u2028ax:", max_size=40))
def test_the_lines_with_a_comment_are_those_the_pattern_finds(text: str) -> None:
    assert comment_lines(text) == lines_by_pattern(text)


def test_a_comment_after_a_value_is_found_on_its_line() -> None:
    text = (
        "plan:\n"
        "  primary: #00567a\n"  # a colour, read as a comment
        "  title: Plan #tag\n"
        "  note: Plan # a note, as YAML reads it\n"
        "  tag: ##not a comment\n"
        "  body: a# b\n"
        "# a comment on a line of its own\n"
        "  last: x #"
    )
    assert comment_lines(text) == {1, 2}
    assert comment_lines(text) == lines_by_pattern(text)
