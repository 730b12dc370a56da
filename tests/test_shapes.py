"""The model's type hints as the reader, the checks and the schema read them."""

from __future__ import annotations

import dataclasses
import typing

from actionplan.plan import model, shapes


def test_the_hints_are_those_typing_gives_for_every_model_class() -> None:
    # shapes evaluates a module's hints together, in one compilation, instead of one by one
    classes = [c for c in vars(model).values() if dataclasses.is_dataclass(c)]
    assert len(classes) > 20
    for cls in classes:
        assert isinstance(cls, type)
        hints = shapes.type_hints(cls)
        assert hints == typing.get_type_hints(cls, include_extras=True), cls
        assert list(hints) == [f.name for f in dataclasses.fields(cls)], cls
    assert model.__name__ in shapes._HINTS  # the fast way was taken, not get_type_hints


def test_a_hint_only_the_class_can_evaluate_is_left_to_typing() -> None:
    # get_type_hints looks a name up in the class too: one that only the class holds fails in
    # the module's namespace, and that class is read as typing reads it
    namespace: dict[str, typing.Any] = {"__module__": __name__, "Inner": int}
    namespace["__annotations__"] = {"count": "Inner", "name": "str"}
    cls = type("OwnNames", (), namespace)
    assert shapes.type_hints(cls) == {"count": int, "name": str}
