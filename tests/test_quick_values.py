"""The reader takes the most common values (plain text, an id, a choice, true or false) without
read()'s calls (validate._quick_fields): on generated plans, written as authors write them and
with values that read() warns of or refuses, it reads the same model, every position and every
problem, word for word, as with every value read by read().
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st
from test_parts import SETTINGS, edited, plan_text, positions, whole

from actionplan.plan import validate

# Values of the keys the quick reading takes, each read otherwise by read() for its own reason.
ODD_VALUES = [
    "urgent: yes",
    "urgent: True",
    "urgent: 'true'",
    "loop: TRUE",
    "loop: on",
    "may_be_unknown: false",
    "kind: Step",
    'kind: "step"',
    "next: N1",
    'next: "n1"',
    "next: null",
    "next: ap-x",
    "next: " + "n" * 70,
    'title: "a \\a bell"',
    'title: "a \\t tab"',
    "title: ~",
    'title: " "',
    "title: ''",
    "title: 12",
    "hint: Ring #112",
    "who: SSP # the team",
    "body: >\n      folded\n      text",
    "who: [a, b]",
    "title: {placeholder: Navn}",
]


@contextlib.contextmanager
def every_value_by_read() -> Iterator[None]:
    """Every value read through read(): neither the quick values nor the nodes and the objects
    of a list read without its call, as in a file that may hold aliases (which read() counts)."""
    quick = validate._quick_fields
    validate._quick_fields = lambda cls: {}  # type: ignore[assignment]
    init = validate.Reader.__init__

    def as_with_anchors(reader: validate.Reader, source: Any, problems: Any) -> None:
        init(reader, dataclasses.replace(source, anchors=True), problems)

    try:
        with mock.patch.object(validate.Reader, "__init__", as_with_anchors):
            yield
    finally:
        validate._quick_fields = quick  # type: ignore[assignment]


@st.composite
def odd_plan(draw: st.DrawFn) -> str:
    """A generated plan, edited, with odd values put under some of its nodes."""
    text = draw(plan_text())
    if draw(st.booleans()):
        text = draw(edited(text))
    lines = text.split("\n")
    for _ in range(draw(st.integers(0, 4))):
        kinds = [i for i, line in enumerate(lines) if line.lstrip().startswith("kind:")]
        if not kinds:
            break
        at = draw(st.sampled_from(kinds))
        indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
        value = draw(st.sampled_from(ODD_VALUES)).replace("\n      ", "\n" + indent + "  ")
        lines.insert(at + 1, indent + value)
    return "\n".join(lines)


def read(text: str) -> tuple[Any, list[tuple[Any, ...]], list[tuple[str, Any]]]:
    value, problems = whole(text)
    return value, problems, list(positions(value))


@SETTINGS
@given(odd_plan())
def test_plain_values_are_read_as_read_reads_them(text: str) -> None:
    quick = read(text)
    with every_value_by_read():
        slow = read(text)
    assert quick[1] == slow[1], "the problems differ"
    assert quick[0] == slow[0], "the model differs"
    assert quick[2] == slow[2], "a position differs"


def objects(value: Any) -> list[tuple[type, dict[str, Any]]]:
    """Every object of the model in a value, with its fields as its __dict__ holds them."""
    found: list[tuple[type, dict[str, Any]]] = []
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        found.append((type(value), dict(vars(value))))
        for f in dataclasses.fields(value):
            found += objects(getattr(value, f.name))
    elif isinstance(value, (tuple, list)):
        for item in value:
            found += objects(item)
    elif isinstance(value, dict):
        for item in value.values():
            found += objects(item)
    return found


@SETTINGS
@given(odd_plan())
def test_the_reader_makes_each_object_as_its_class_does(text: str) -> None:
    # validate._made fills an object's fields without its class's __init__: the same fields,
    # defaults, positions and problems as the class itself makes.
    made = read(text)
    with mock.patch.object(
        validate, "_made", lambda cls, pos, at, values: cls(pos=pos, at=at, **values)
    ):
        by_class = read(text)
    assert made[1] == by_class[1], "the problems differ"
    assert objects(made[0]) == objects(by_class[0]), "an object differs"
    assert made[2] == by_class[2], "a position differs"


def test_the_quick_reading_takes_the_common_values() -> None:
    """Not a reading that is never used: the node's own keys are there."""
    from actionplan.plan import model

    quick = validate._quick_fields(model.Step)
    assert {"title", "body", "next", "kind", "urgent", "who"} <= set(quick)
    assert "options" not in validate._quick_fields(model.Question)
