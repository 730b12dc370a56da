"""What the model asks for: each model class's YAML keys, and the kind of value each type hint is.

The reader, the checks and the JSON Schema all read the model through these, so that the model's
dataclasses stay the one description of the format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

from actionplan.plan import model

_R = typing.TypeVar("_R")


def per_class(fn: Callable[[type], _R]) -> Callable[[type], _R]:
    """fn worked out once per class: functools.cache, with fn's signature kept for the checker."""
    return functools.cache(fn)


@per_class
def fields_of(cls: type) -> dict[str, tuple[dataclasses.Field[Any], Any]]:
    """The YAML keys of a model class, each with its dataclass field and type hint."""
    hints = typing.get_type_hints(cls, include_extras=True)
    result = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        result[f.metadata.get("key", f.name)] = (f, hints[f.name])
    return result


@per_class
def required_keys(cls: type) -> tuple[str, ...]:
    """The YAML keys a model class cannot do without."""
    return tuple(k for k, (f, _) in fields_of(cls).items() if is_required(f))


def is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


_SHAPES: dict[int, tuple[Any, tuple[str, Any]]] = {}


def shape(hint: Any) -> tuple[str, Any]:
    """What kind of value a type hint asks for, worked out once per hint.

    Kept by the hint's identity: hashing a typing construct such as Annotated[...] walks all of
    it, and a large plan asks a few hundred thousand times.  The hint is kept alive beside its
    shape, so that its id is never reused.
    """
    found = _SHAPES.get(id(hint))
    if found is None:
        found = _SHAPES[id(hint)] = (hint, _shape(hint))
    return found[1]


def _shape(hint: Any) -> tuple[str, Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is Annotated:
        return "format", (args[0], args[1], model.FILL_IN in args[2:])
    if origin in (Union, types.UnionType):
        choices = [a for a in args if a is not type(None)]
        if len(choices) < len(args):
            return "optional", choices[0] if len(choices) == 1 else Union[tuple(choices)]  # noqa: UP007
        if all(isinstance(c, type) and issubclass(c, model.Node) for c in choices):
            return "node", None
        return "text-or", next(c for c in choices if dataclasses.is_dataclass(c))
    if origin is tuple:
        return "list", args[0]
    if origin is Mapping:
        return "map", args[1]
    if origin is Literal:
        return "choice", args
    if dataclasses.is_dataclass(hint):
        return "object", hint
    names = {str: "str", bool: "bool", int: "int", dt.date: "date"}
    if hint in names:
        return names[hint], None
    raise TypeError(f"no reader for {hint!r}")  # a bug in the model, not in the content


@functools.cache
def entry_keys(item: Any) -> frozenset[str]:
    """The keys an entry of a mapping of ids takes: a contact's, a law's, any node's."""
    kind, arg = shape(item)
    if kind == "object":
        return frozenset(fields_of(arg))
    if kind == "node":
        return frozenset(k for cls in model.NODE_KINDS.values() for k in fields_of(cls))
    return frozenset()


@per_class
def has_id(cls: type) -> bool:
    return any(f.name == "id" for f in dataclasses.fields(cls))
