"""What the cache keeps is taken back as it was put: every object of the model of the very class
it was, with the same fields in the same order, every position a `Pos` at the same place, and
an object met twice the one object twice (cache.dumps and cache.loads, which make the model's
objects and positions again in C)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from counting import entries_read
from test_parts import PLAN as PLAN_INFO

from actionplan import cache
from actionplan.cache import Store
from actionplan.errors import Pos, Problem, Severity
from actionplan.plan import merge, model
from actionplan.plan.loader import Role

NAME = "content/plan.yaml"
PLAN = PLAN_INFO + "nodes:\n"  # the plan of test_parts.py's generated plans


def node(i: int, count: int) -> str:
    """A question, a step (with what a step may hold) or an outcome, by turns."""
    after = f"n{(i + 1) % count}"
    if i % 3 == 0:
        return (
            f"  n{i}:\n    kind: question\n    title: Spørgsmål {i} – hvad nu?\n"
            f"    body: Tal **roligt** med den unge.\n    options:\n"
            f"      - label: Ja\n        next: {after}\n"
            f"      - label: Nej\n        hint: Ved ikke\n        next: n{(i + 2) % count}\n"
        )
    if i % 3 == 1:
        return (
            f"  n{i}:\n    kind: step\n    title: Trin {i}\n    urgent: true\n"
            f"    checklist:\n      - Skriv ned hvad der er sket\n      - Gem beviser\n"
            f"    do_not:\n      - Del ikke billedet\n    key_do_not: [1]\n"
            f"    sources:\n      - title: Vejledning\n        url: https://example.org/{i}\n"
            f"    next: {after}\n"
        )
    return f"  n{i}:\n    kind: outcome\n    title: Slut {i}\n    follow_up:\n      - Følg op\n"


def plan_text(count: int) -> str:
    return PLAN + "".join(node(i, count) for i in range(count))


def assert_same(kept: Any, read: Any, where: str = "") -> None:
    """`kept` is `read`: of the very classes, field for field in the same order, position for
    position, down to every value it holds."""
    assert type(kept) is type(read), f"{where}: {type(kept)} is not {type(read)}"
    if isinstance(read, model.Located):
        assert list(vars(kept)) == list(vars(read)), f"{where}: the fields differ"
        assert all(name is sys.intern(name) for name in vars(kept)), f"{where}: a name"
        for name, value in vars(read).items():
            assert_same(vars(kept)[name], value, f"{where}.{name}")
    elif type(read) is Pos:
        assert tuple(kept) == tuple(read), f"{where}: {kept} is not {read}"
    elif isinstance(read, (tuple, list)):
        assert len(kept) == len(read), where
        for i, (k, r) in enumerate(zip(kept, read, strict=True)):
            assert_same(k, r, f"{where}[{i}]")
    elif isinstance(read, dict):
        assert list(kept) == list(read), f"{where}: the keys differ"
        for key, value in read.items():
            assert_same(kept[key], value, f"{where}[{key!r}]")
    else:
        assert kept == read, where


@pytest.mark.parametrize("count", [30, 300], ids=["one bucket", "in buckets"])
def test_entries_taken_back_from_the_cache_are_the_entries_read(
    count: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF_VAR, raising=False)
    text = plan_text(count)
    Store.forget()
    read = merge.read_in_parts(text, NAME, Role.BASE, Path(NAME))
    assert read is not None
    Store.forget()  # a new process: what was kept is read from disk
    again = entries_read(monkeypatch)
    kept = merge.read_in_parts(text, NAME, Role.BASE, Path(NAME))
    Store.forget()
    assert again == [], "an entry was read again rather than taken from the cache"
    assert kept is not None
    assert_same(kept[2].nodes, read[2].nodes, "nodes")
    assert kept[2].nodes == read[2].nodes
    first = kept[2].nodes["n0"]
    assert type(first.pos) is Pos and type(first.options[0].at["next"]) is Pos


def test_a_value_is_taken_back_as_it_was_put() -> None:
    pos = Pos(NAME, 3, 5)
    option = model.Option(
        label="Ja", next="n2", pos=Pos(NAME, 4, 7), at={"label": Pos(NAME, 4, 14)}
    )
    question = model.Question(
        id="n1",
        title="Question",
        body=model.Placeholder("the municipality's text"),
        options=(option, option),
        pos=pos,
        at={"title": Pos(NAME, 5, 12), "options": pos},
    )
    info = model.PlanInfo(
        title="Plan",
        language="da",
        version="1",
        owner="SSP",
        reviewed=dt.date(2026, 11, 1),
        start="n1",
    )
    problem = Problem(Pos(NAME, 9, 1), "a message", "a hint", Severity.WARNING)
    # The objects are met in a mapping, in a list, in a tuple, and only in another's fields.
    value = {"question": question, "also": [question, pos], "rest": (info, problem), "pos": pos}
    back = cache.loads(cache.dumps(value))
    assert_same(back, value)
    assert back["also"][0] is back["question"], "one object met twice is one object"
    assert back["also"][1] is back["pos"] is back["question"].pos
    assert back["question"].options[0] is back["question"].options[1]
    assert type(back["rest"][1].pos) is Pos and back["rest"][1] == problem
    assert type(back["question"].body) is model.Placeholder
    assert dataclasses.replace(back["question"], title="New").title == "New"  # a whole object


def test_a_value_without_the_model_is_taken_back_as_it_was_put() -> None:
    value = ("text", 12, b"\x00bytes", None, [1.5, {"a": (True, False)}], frozenset({3}))
    assert cache.loads(cache.dumps(value)) == value


def test_a_kept_value_cut_short_is_no_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    monkeypatch.delenv(cache.OFF_VAR, raising=False)
    store = Store("reads")
    key = cache.digest("a value")
    value = ("ContentFile", model.Option(label="Ja", next="n2", pos=Pos(NAME, 4, 7)))
    store.put(key, value)
    Store.forget()
    assert store.get(key, tuple) == value
    path = tmp_path / "cache" / "reads" / key[:2] / key
    data = path.read_bytes()
    for end in (len(data) - 1, len(data) // 2, len(key) + 3):
        path.write_bytes(data[:end])
        Store.forget()
        assert store.get(key, tuple) is None
    assert os.path.exists(path)
