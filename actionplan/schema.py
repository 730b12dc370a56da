"""A JSON Schema of the plan format, made from the model, for editors that check YAML as typed."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from actionplan import model
from actionplan.validate import _FORMATS, ID_PATTERN, fields_of, is_required

_ID = {"type": "string", "pattern": "^" + ID_PATTERN.pattern.removesuffix("\\Z") + "$"}
_PLACEHOLDER = {
    "type": "object",
    "description": "A value to fill in before publishing.",
    "properties": {"placeholder": {"type": "string"}},
    "required": ["placeholder"],
    "additionalProperties": False,
}


def json_schema() -> dict[str, Any]:
    """One schema for every file of a plan: content files, local.yaml and translations."""
    defs: dict[str, Any] = {}
    content = _object(model.ContentFile, defs)
    local = _object(model.LocalFile, defs)
    translation = _object(model.Translation, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "actionplan plan file",
        "description": "A file of an actionplan plan: see docs/format.md.",
        "anyOf": [content, local, translation],
        "$defs": defs,
    }


def _object(cls: type, defs: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """A reference to the class's definition; a partial one (an override) requires no key."""
    name = cls.__name__ + ("Override" if partial else "")
    if name not in defs:
        defs[name] = {}  # reserve the name first: classes may refer to each other
        properties = {}
        for key, (f, hint) in fields_of(cls).items():
            if f.metadata.get("partial"):
                prop = {
                    "type": "object",
                    "propertyNames": _ID,
                    "additionalProperties": _object(typing.get_args(hint)[1], defs, True),
                }
            else:
                prop = _type(hint, defs)
            if "doc" in f.metadata:
                prop = {**prop, "description": f.metadata["doc"]}
            properties[key] = prop
        required = [k for k, (f, _) in fields_of(cls).items() if is_required(f) and not partial]
        if issubclass(cls, model.Node):
            required.append("kind")
        defs[name] = {
            "type": "object",
            "description": (cls.__doc__ or name).strip().splitlines()[0],
            "properties": properties,
            "additionalProperties": False,
            **({"required": required} if required else {}),
        }
    return {"$ref": f"#/$defs/{name}"}


def _type(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        base, tag = typing.get_args(hint)[:2]
        schema = _type(base, defs)
        if tag in _FORMATS:
            pattern = "^" + _FORMATS[tag][0].pattern.removesuffix("\\Z") + "$"
            schema = {"anyOf": [{"type": "string", "pattern": pattern}, _PLACEHOLDER]}
        elif str(tag).startswith("ref:"):
            schema = _ID
        return schema
    if origin in (Union, types.UnionType):
        choices = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(choices) == 1:
            return _type(choices[0], defs)
        return {"anyOf": [_type(c, defs) for c in choices]}
    if origin is tuple:
        return {"type": "array", "items": _type(typing.get_args(hint)[0], defs)}
    if origin is Mapping:
        return {
            "type": "object",
            "propertyNames": _ID,
            "additionalProperties": _type(typing.get_args(hint)[1], defs),
        }
    if origin is Literal:
        return {"enum": list(typing.get_args(hint))}
    if hint is str:
        return {"anyOf": [{"type": "string"}, _PLACEHOLDER]}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer", "minimum": 0}
    if hint is dt.date:
        return {"type": "string", "format": "date"}
    if dataclasses.is_dataclass(hint):
        return _object(typing.cast(type, hint), defs)
    raise TypeError(f"no schema for {hint!r}")


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
