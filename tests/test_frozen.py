"""@frozen makes the class @dataclass(frozen=True) makes (actionplan/frozen.py)."""

from __future__ import annotations

import dataclasses
import inspect
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from actionplan.errors import Pos
from actionplan.frozen import frozen, mutable
from actionplan.plan import model
from actionplan.plan.read import check_plan
from actionplan.project import Project

REPO = Path(__file__).resolve().parent.parent


def every_object() -> list[Any]:
    """Every object of the model in the default plan, its translations and local layer."""
    plan = check_plan(Project.find(REPO).content).plan
    assert plan is not None
    found: list[Any] = []

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            found.append(value)
            for f in dataclasses.fields(value):  # type: ignore[arg-type]
                walk(getattr(value, f.name))
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)

    walk(plan)
    return found


OBJECTS = every_object()


def compared(obj: Any) -> tuple[Any, ...]:
    return tuple(getattr(obj, f.name) for f in dataclasses.fields(obj) if f.compare)


def test_the_default_plan_has_an_object_of_every_kind() -> None:
    kinds = {type(obj) for obj in OBJECTS}
    assert {model.Plan, model.Question, model.Step, model.Outcome, model.Option} <= kinds
    assert {model.Translation, model.NodeText, model.Contact, model.Law} <= kinds


def test_repr_equality_and_hash_are_the_dataclass_ones() -> None:
    for obj in OBJECTS:
        check_values(obj)


def check_values(obj: Any) -> None:
    shown = ", ".join(
        f"{f.name}={getattr(obj, f.name)!r}" for f in dataclasses.fields(obj) if f.repr
    )
    assert repr(obj) == f"{type(obj).__qualname__}({shown})"
    # Equal to a copy, wherever it was written (pos and at are not compared) ...
    copy = dataclasses.replace(obj)
    if isinstance(obj, model.Located):
        copy = dataclasses.replace(obj, pos=Pos("elsewhere.yaml", 99, 9), at={})
    assert copy == obj and (copy != obj) is False and copy is not obj
    # ... not to another kind of object, nor to one with another value
    assert obj.__eq__(compared(obj)) is NotImplemented and obj != compared(obj)
    try:
        expected = hash(compared(obj))
    except TypeError:  # a mapping among its values: as a dataclass's, its hash fails too
        with pytest.raises(TypeError):
            hash(obj)
    else:
        assert hash(obj) == hash(copy) == expected


def test_an_object_differs_by_any_field_compared() -> None:
    option = model.Option(label="Ja", next="a")
    assert option != model.Option(label="Ja", next="b")
    assert option != model.Option(label="Ja", next="a", loop=True)
    assert {option, model.Option(label="Ja", next="a", pos=Pos("x.yaml", 1, 1))} == {option}
    with pytest.raises(dataclasses.FrozenInstanceError):
        option.label = "Nej"  # type: ignore[misc]


@frozen
class Record:
    name: str
    count: int = 0
    tags: list[str] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Reference:  # the same fields, made by dataclasses
    name: str
    count: int = 0
    tags: list[str] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)


@frozen(kw_only=True)
class Keyed:
    name: str
    count: int = 0


@dataclass(frozen=True, kw_only=True)
class KeyedReference:
    name: str
    count: int = 0


@pytest.mark.parametrize(("made", "reference"), [(Record, Reference), (Keyed, KeyedReference)])
def test_a_frozen_class_is_the_dataclass_one(made: Any, reference: Any) -> None:
    assert str(inspect.signature(made)) == str(inspect.signature(reference))
    assert made.__doc__.replace(made.__name__, "") == reference.__doc__.replace(
        reference.__name__, ""
    )
    assert made.__match_args__ == reference.__match_args__
    assert [f.name for f in dataclasses.fields(made)] == [
        f.name for f in dataclasses.fields(reference)
    ]
    one, other = made(name="a"), reference(name="a")
    assert repr(one).replace(made.__name__, "") == repr(other).replace(reference.__name__, "")
    assert dataclasses.replace(one, count=2).count == 2 and one.count == 0
    if made is Record:
        assert one.tags == [] and one.tags is not made(name="a").tags  # a list of its own
        assert made("a", 1) == made("a", 1, where="elsewhere")
    with pytest.raises(TypeError):
        made()  # the name is required, as it is by the dataclass
    with pytest.raises(TypeError):
        made(name="a", colour="red")
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'name'"):
        one.name = "b"
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'other'"):
        one.other = "b"
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot delete field 'name'"):
        del one.name
    assert one != other  # another class
    if made is Keyed:
        assert hash(one) == hash(made(name="a")) == hash(("a", 0))
    else:  # a list among the values: no hash, as the dataclass has none
        with pytest.raises(TypeError):
            hash(one)
        with pytest.raises(TypeError):
            hash(other)


def test_init_is_compiled_by_the_first_object_with_the_signature_it_had() -> None:
    # A class's __init__ is compiled as its first object is made, not as its module is imported
    # (a build makes objects of half the classes it imports); until then its stand-in has the
    # compiled one's signature, and a subclass's first object compiles it as well.
    @frozen
    class Late:
        name: str
        tags: list[str] = field(default_factory=list)

    class Later(Late):
        pass

    before = str(inspect.signature(Late))
    assert before == "(name: 'str', tags: 'list[str]' = <factory>) -> None"
    assert not inspect.isfunction(Late.__dict__["__init__"])
    one = Later("a")
    assert inspect.isfunction(Late.__dict__["__init__"])
    assert Late.__init__.__qualname__.endswith("Late.__init__")
    assert str(inspect.signature(Late)) == str(inspect.signature(Later)) == before
    assert (one.name, one.tags, Late("b", ["x"]).tags) == ("a", [], ["x"])
    with pytest.raises(TypeError):
        Late()  # type: ignore[call-arg]


@mutable
class Open:
    name: str
    tags: list[str] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)


@dataclass
class OpenReference:  # the same fields, made by dataclasses
    name: str
    tags: list[str] = field(default_factory=list)
    where: str = field(default="", compare=False, repr=False)


def test_a_mutable_class_is_the_dataclass_one() -> None:
    assert str(inspect.signature(Open)) == str(inspect.signature(OpenReference))
    assert Open.__doc__.replace("Open", "") == OpenReference.__doc__.replace("OpenReference", "")
    assert Open.__hash__ is None and OpenReference.__hash__ is None
    one, other = Open("a"), OpenReference("a")
    assert repr(one).replace("Open", "") == repr(other).replace("OpenReference", "")
    assert one == Open("a", where="elsewhere") and one != Open("b") and one != other
    assert one.tags == [] and one.tags is not Open("a").tags  # a list of its own
    one.name, one.tags = "b", ["x"]  # set again, as a dataclass's fields are
    assert (one.name, one.tags) == ("b", ["x"])
    one.where = other.where = "here"
    del one.where, other.where  # deleted, as a dataclass's are: the class's default shows
    assert one.where == other.where == ""
    with pytest.raises(TypeError):
        Open()  # type: ignore[call-arg]


def test_an_init_is_compiled_once_for_every_process(tmp_path: Path) -> None:
    # Its code is kept in the cache folder under its source: a second process compiles nothing,
    # and a kept file that cannot be read is none.
    code = (
        "import builtins\n"
        "from actionplan.plan import model\n"
        "real, inits = builtins.compile, []\n"
        "def counted(source, *args, **kwargs):\n"
        "    if str(source).startswith('def __init__'):\n"
        "        inits.append(source)\n"
        "    return real(source, *args, **kwargs)\n"
        "builtins.compile = counted\n"
        "option = model.Option(label='Ja', next='a')\n"
        "assert (option.label, option.next, option.loop) == ('Ja', 'a', False)\n"
        "print(len(inits))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "ACTIONPLAN_CACHE_DIR": str(tmp_path)}

    def compiled() -> str:
        done = subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert [compiled(), compiled()] == ["1", "0"]
    (kept,) = tmp_path.glob("inits-*")
    kept.write_bytes(b"\x00not what was kept")
    assert [compiled(), compiled()] == ["1", "0"]
    env["ACTIONPLAN_CACHE_DIR"] = ""  # no cache: compiled every time, and nothing written
    assert [compiled(), compiled()] == ["1", "1"]
