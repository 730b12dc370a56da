"""What the model asks for: each model class's YAML keys, and the kind of value each type hint is.

The reader, the checks and the JSON Schema all read the model through these, so that the model's
dataclasses stay the one description of the format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import inspect
import sys
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
    hints = type_hints(cls)
    result = {}
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        result[f.metadata.get("key", f.name)] = (f, hints[f.name])
    return result


def type_hints(cls: type) -> dict[str, Any]:
    """`typing.get_type_hints(cls, include_extras=True)`, its texts evaluated once per module.

    The model's hints are text (`from __future__ import annotations`), and get_type_hints
    compiles each one on its own, some 150 000 instructions a hint: about 1 % of a build of the
    default plan, whose classes' hints (some 50 texts in all) now compile as one.  A hint that
    does not evaluate so (a name only the class itself holds, or that is there only for the
    type checker) is left to get_type_hints.
    """
    hints: dict[str, Any] = {}
    for base in reversed(cls.__mro__):
        written = inspect.get_annotations(base)
        values = _module_hints(base.__module__) if written else {}
        for name, text in written.items():
            if not isinstance(text, str) or text not in values:
                return typing.get_type_hints(cls, include_extras=True)
            hints[name] = values[text]
    return hints


_HINTS: dict[str, dict[str, Any]] = {}


def _module_hints(module: str) -> dict[str, Any]:
    """Every hint written in a module's classes, as text, with its value."""
    found = _HINTS.get(module)
    if found is None:
        namespace = vars(sys.modules[module])
        texts = sorted(
            {
                text
                for value in list(namespace.values())
                if isinstance(value, type) and value.__module__ == module
                for text in inspect.get_annotations(value).values()
                if isinstance(text, str)
            }
        )
        try:  # one expression, compiled once: a tuple of every hint
            values = eval("(" + "".join(f"({text}),\n" for text in texts) + ")", namespace)
        except Exception:  # any failure: each class is left to get_type_hints
            values = None
        found = _HINTS[module] = {
            text: type(None) if value is None else value  # as get_type_hints gives None
            for text, value in zip(texts, values or (), strict=False)
        }
    return found


@per_class
def required_keys(cls: type) -> tuple[str, ...]:
    """The YAML keys a model class cannot do without."""
    return tuple(k for k, (f, _) in fields_of(cls).items() if is_required(f))


def is_required(f: dataclasses.Field[Any]) -> bool:
    return f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING


# Each hint's shape, by the hint's identity (see shape); the hints, kept alive so that no id is
# used again.  The reader looks its hints up here first, without a call: it asks for every value.
SHAPES: dict[int, tuple[str, Any]] = {}
_HINTS_SHAPED: list[Any] = []


def shape(hint: Any) -> tuple[str, Any]:
    """What kind of value a type hint asks for, worked out once per hint.

    Kept by the hint's identity: hashing a typing construct such as Annotated[...] walks all of
    it, and a large plan asks a few hundred thousand times.
    """
    found = SHAPES.get(id(hint))
    if found is None:
        _HINTS_SHAPED.append(hint)
        found = SHAPES[id(hint)] = _shape(hint)
    return found


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
