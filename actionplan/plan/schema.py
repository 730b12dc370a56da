"""JSON Schemas of a plan's files, made from the model, for editors that check YAML as it is typed.

Each kind of file has a schema of its own (a content file, local.yaml, a translation, the theme's
words), and each kind of node a branch of its own, chosen by its `kind`: an editor then completes
only the keys that are valid where the cursor is.  A schema reads a file as an editor's YAML
language server does (YAML 1.2: `yes` and `2026-11-25` are text, `112` is a number) and accepts
what `actionplan check` accepts; tests/test_schema_agreement.py holds the two to that.  What no
schema can see (an id defined in another file, a link inside Markdown, today's date) only `check`
reports.

The schemas come in each language the command line speaks: their descriptions and messages are the
catalogue's (docs/translating.md), the English in schema/ and the Danish in schema/da/, and
`actionplan new` points a project at the schemas in its plan's language.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any, Literal, Union

from actionplan.i18n import LANGUAGES, N_, _, speaking
from actionplan.plan import model
from actionplan.plan.scalars import (
    _FORMATS,
    ID_PATTERN,
    MAX_ID_LENGTH,
    NOT_IDS,
    WRONG_LANGUAGE_CODES,
)
from actionplan.plan.shapes import fields_of, is_required

DRAFT = "http://json-schema.org/draft-07/schema#"  # what every YAML language server reads

# The folders that hold a plan: the first, and each further plan of a project; and the local
# layer all of a project's plans share (docs/format.md; project.PLANS_DIR and SHARED_DIR).
PLAN_FOLDERS = ("content", "plans/*")
SHARED_FOLDER = "shared"


def _in(folders: tuple[str, ...], *patterns: str) -> tuple[str, ...]:
    """Each pattern within each folder; an exclusion ('!x') stays one."""
    return tuple(
        f"!{folder}/{p[1:]}" if p.startswith("!") else f"{folder}/{p}"
        for folder in folders
        for p in patterns
    )


# The kinds of file, each with the schema file that describes it and the files it is for
# (patterns relative to the project folder, as the editor's settings give them).
FILE_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "content": (
        "content.schema.json",
        _in(
            PLAN_FOLDERS,
            "*.yaml",
            "**/*.yaml",
            "*.yml",
            "**/*.yml",
            "!local.yaml",
            "!local/**",
            "!translations/**",
        ),
    ),
    "local": (
        "local.schema.json",
        _in(PLAN_FOLDERS, "local.yaml", "local/*.yaml", "local/*.yml")
        + _in((SHARED_FOLDER,), "local.yaml", "local/*.yaml", "local/*.yml"),
    ),
    "translation": (
        "translation.schema.json",
        _in(
            PLAN_FOLDERS,
            "translations/*.yaml",
            "translations/*.yml",
            "local/translations/*.yaml",
            "local/translations/*.yml",
        )
        + _in((SHARED_FOLDER,), "translations/*.yaml", "translations/*.yml"),
    ),
    "words": ("words.schema.json", ("templates/i18n/*.yaml",)),
}
_TITLES = {
    "content": (model.ContentFile, N_("actionplan content file")),
    "local": (model.LocalFile, N_("actionplan local layer (content/local.yaml)")),
    "translation": (
        model.Translation,
        N_("actionplan translation (content/translations/*.yaml)"),
    ),
}

# A date the calendar has, as YYYY-MM-DD (the month and day may drop a leading zero).
_MONTH_31 = r"(?:0?[13578]|1[02])-(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH_30 = r"(?:0?[469]|11)-(?:0?[1-9]|[12][0-9]|30)"
_FEBRUARY = r"0?2-(?:0?[1-9]|1[0-9]|2[0-8])"
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
DATE_PATTERN = (
    rf"^(?!0000)(?:[0-9]{{4}}-(?:{_MONTH_31}|{_MONTH_30}|{_FEBRUARY})|{_LEAP_YEAR}-0?2-29)$"
)

_TEXT_TYPES = ["string", "number", "boolean"]  # what YAML 1.2 may make of a plain text


def _not_empty() -> dict[str, str]:
    return {
        "pattern": r"\S",
        "patternErrorMessage": _("This text is empty: write the text, or remove the key."),
    }


def json_schema(kind: str = "content", language: str = "en") -> dict[str, Any]:
    """The schema of one kind of file, 'content', 'local', 'translation' or 'words', with its
    descriptions and messages in `language` ('en' or 'da')."""
    with speaking(language):
        if kind == "words":
            return words_schema()
        cls, title = _TITLES[kind]
        defs: dict[str, Any] = {}
        root = _object(cls, defs)
        body = defs.pop(root["$ref"].rsplit("/", 1)[1])
        return {"$schema": DRAFT, "title": _(title), **body, "definitions": defs}


def schema_text(kind: str = "content", language: str = "en") -> str:
    return _dump(json_schema(kind, language))


def language_folder(language: str) -> str:
    """Where a language's schemas are, within the schema folder: English at its top, the others
    in a folder named by their code (da/)."""
    return "" if language == "en" else language


def schema_files(folder: str = "") -> dict[str, str]:
    """Every schema's text by its path under folder, in every language."""
    files = {}
    for language in LANGUAGES:
        prefix = "/".join(p for p in (folder, language_folder(language)) if p)
        for kind, (name, _patterns) in FILE_KINDS.items():
            files[f"{prefix}/{name}" if prefix else name] = schema_text(kind, language)
    return files


def editor_settings(folder: str = "schema", language: str = "en") -> str:
    """.vscode/settings.json: which files each schema is for, so that a new file is covered
    without a `$schema` line of its own; the schemas in `language`."""
    where = "/".join(p for p in (".", folder, language_folder(language)) if p)
    schemas = {f"{where}/{name}": list(patterns) for name, patterns in FILE_KINDS.values()}
    return _dump({"yaml.schemas": schemas})


SCHEMA_LINE = "# yaml-language-server: $schema="  # a file's own schema, on its first line


def schema_line_in(text: str, language: str) -> str:
    """A YAML file's text with its `$schema` line, if it names one of the English schemas,
    pointed at the same schema in `language` (../schema/local.schema.json becomes
    ../schema/da/local.schema.json)."""
    first, newline, rest = text.partition("\n")
    folder, _slash, name = first.removeprefix(SCHEMA_LINE).rpartition("/")
    names = {n for n, _patterns in FILE_KINDS.values()}
    if not first.startswith(SCHEMA_LINE) or name not in names or not folder.endswith("schema"):
        return text
    where = "/".join(p for p in (folder, language_folder(language)) if p)
    return f"{SCHEMA_LINE}{where}/{name}{newline}{rest}"


def _dump(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _describe(text: str, required: bool = False, default: Any = None) -> dict[str, str]:
    """description (plain) and markdownDescription (what an editor shows on hover)."""
    text = _(text)
    more = ""
    if required:
        more = "\n\n" + _("Required.")
    elif default not in (None, (), "", dataclasses.MISSING):
        shown = json.dumps(default) if not isinstance(default, str) else default
        more = "\n\n" + _("Default: `{value}`.").format(value=shown)
    return {"description": text, "markdownDescription": text + more}


def _object(cls: type, defs: dict[str, Any], partial: bool = False) -> dict[str, Any]:
    """A reference to the class's definition; a partial one (an override) requires no key."""
    name = cls.__name__ + ("Override" if partial else "")
    if name not in defs:
        defs[name] = {}  # reserve the name first: classes may refer to each other
        properties = {}
        required = []
        for key, (f, hint) in fields_of(cls).items():
            if f.metadata.get("partial") and typing.get_origin(hint) is Mapping:
                prop = _id_map(_object(typing.get_args(hint)[1], defs, True))
            elif f.metadata.get("partial"):  # an optional object, overridden key by key
                prop = _object(typing.get_args(hint)[0], defs, True)
            else:
                prop = _type(hint, defs)
            needed = is_required(f) and not partial
            if needed:
                required.append(key)
            if f.metadata.get("non_empty"):
                prop = {**prop, "minItems": 1}
            if "doc" in f.metadata:
                prop = {**prop, **_describe(f.metadata["doc"], needed, f.default)}
            properties[key] = prop
        defs[name] = {
            "type": "object",
            **_describe((cls.__doc__ or name).strip().splitlines()[0]),
            "properties": properties,
            "additionalProperties": False,
            **({"required": required} if required else {}),
        }
        reached_by = getattr(cls, "REACHED_BY", ())
        if reached_by and not partial:
            needs = _("Add at least one way to reach them: {keys}.").format(
                keys=", ".join(reached_by)
            )
            defs[name]["anyOf"] = [{"required": [k], "errorMessage": needs} for k in reached_by]
    return {"$ref": f"#/definitions/{name}"}


def _node(defs: dict[str, Any]) -> dict[str, Any]:
    """A node: its `kind` chooses the branch, and the branch alone says which keys it takes."""
    if "Node" not in defs:
        kinds = list(model.NODE_KINDS)
        docs = [_((cls.__doc__ or "").strip()) for cls in model.NODE_KINDS.values()]
        branches = [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": _object(cls, defs),
            }
            for kind, cls in model.NODE_KINDS.items()
        ]
        defs["Node"] = {
            "type": "object",
            **_describe(N_("A question, a step or an outcome: its kind says which keys it takes.")),
            "properties": {
                "kind": {
                    "enum": kinds,
                    "markdownEnumDescriptions": docs,
                    **_describe(N_("question, step or outcome"), True),
                }
            },
            "required": ["kind"],
            "allOf": branches,
        }
    return {"$ref": "#/definitions/Node"}


def _id_pattern() -> str:
    words = "|".join(sorted(NOT_IDS))
    return rf"^(?!ap-)(?!(?:{words})$)" + ID_PATTERN.pattern.removesuffix("\\Z") + "$"


_ID_MESSAGE = N_(
    "An id uses lower-case letters a-z, digits and '-', such as call-police "
    "(write ae, oe and aa for æ, ø and å); it may not start with 'ap-' "
    "or be a word YAML reads as a value, such as null or true."
)


def _id_key() -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": _id_pattern(),
        "maxLength": MAX_ID_LENGTH,
        "patternErrorMessage": _(_ID_MESSAGE),
    }


def _id_ref() -> dict[str, Any]:
    # An unquoted id of digits is a number to YAML 1.2, and text to the plan.
    return {
        "type": ["string", "integer"],
        "minimum": 0,
        "pattern": _id_pattern(),
        "patternErrorMessage": _(_ID_MESSAGE),
        "errorMessage": _("Write the id of a node, contact or law here."),
    }


def _id_map(values: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "propertyNames": _id_key(), "additionalProperties": values}


def text_schema(placeholder: bool = True, markdown: bool = False) -> dict[str, Any]:
    """Text: any scalar (YAML may read it as a number or true/false; the plan keeps it as
    written) that is not blank, or a `{placeholder: ...}` where placeholders are allowed."""
    schema: dict[str, Any] = {"type": list(_TEXT_TYPES), **_not_empty()}
    if placeholder:
        schema.update(_placeholder())
        schema["type"].append("object")
        schema["errorMessage"] = (
            _("Write Markdown text on the same line as the key, or {placeholder: what to fill in}.")
            if markdown
            else _("Write text on the same line as the key, or {placeholder: what to fill in}.")
        )
    else:
        schema["errorMessage"] = (
            _("Write Markdown text on the same line as the key.")
            if markdown
            else _("Write text on the same line as the key.")
        )
    return schema


def _placeholder() -> dict[str, Any]:
    """`{placeholder: ...}`, as keywords of the text's own schema.  Not as `properties`: an
    editor would then complete every text key with a placeholder in it."""
    return {
        "propertyNames": {
            "enum": ["placeholder"],
            "errorMessage": _("Only {placeholder: what to fill in} is written in braces here."),
        },
        "required": ["placeholder"],
        "additionalProperties": {"type": list(_TEXT_TYPES), **_not_empty()},
    }


def _format(tag: str, placeholder: bool) -> dict[str, Any]:
    pattern, name, hint = _FORMATS[tag]
    text = "^" + pattern.removesuffix("\\Z") + "$"
    if tag == "language":  # a country's code where its language's is meant
        text = "^(?!(?:" + "|".join(sorted(WRONG_LANGUAGE_CODES)) + ")$)" + text[1:]
    schema: dict[str, Any] = {
        "type": ["string"],
        "pattern": text,
        "patternErrorMessage": _("This is not {name}: {hint}.").format(name=_(name), hint=_(hint)),
    }
    if tag == "phone":  # digits alone are a number to YAML 1.2
        schema.update(type=["string", "integer"], minimum=0)
    if placeholder:
        schema.update(_placeholder())
        schema["type"].append("object")
    schema["errorMessage"] = _("Write {name} here: {hint}.").format(name=_(name), hint=_(hint))
    return schema


def _type(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(hint)
    if origin is Annotated:
        base, tag = typing.get_args(hint)[:2]
        if tag in _FORMATS:
            return _format(tag, placeholder=model.FILL_IN in typing.get_args(hint)[2:])
        if str(tag).startswith("ref:"):
            return _id_ref()
        if tag == model.MARKDOWN:
            return text_schema(markdown=True)
        return _type(base, defs)
    if origin in (Union, types.UnionType):
        choices = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(choices) == 1:
            return _type(choices[0], defs)
        if all(isinstance(c, type) and issubclass(c, model.Node) for c in choices):
            return _node(defs)
        # text, or an object of the class given (a translated option with its hint)
        cls = typing.cast(type, next(c for c in choices if dataclasses.is_dataclass(c)))
        _object(cls, defs)
        obj = defs[cls.__name__]
        return {
            "type": [*_TEXT_TYPES, "object"],
            **_not_empty(),
            **{k: obj[k] for k in ("properties", "required", "additionalProperties")},
            "errorMessage": _("Write the text, or a mapping with its keys."),
        }
    if origin is tuple:
        return {"type": "array", "items": _type(typing.get_args(hint)[0], defs)}
    if origin is Mapping:
        return _id_map(_type(typing.get_args(hint)[1], defs))
    if origin is Literal:
        return {"enum": list(typing.get_args(hint))}
    if hint is str:
        return text_schema()
    if hint is bool:
        return {"type": "boolean", "errorMessage": _("Write true or false, without quotes.")}
    if hint is int:
        return {
            "type": "integer",
            "minimum": 0,
            "errorMessage": _("Write a whole number, such as 365."),
        }
    if hint is dt.date:
        return {
            "type": "string",
            "pattern": DATE_PATTERN,
            "errorMessage": _("Write a real date as YYYY-MM-DD, such as 2026-11-25."),
        }
    if dataclasses.is_dataclass(hint):
        return _object(typing.cast(type, hint), defs)
    raise TypeError(f"no schema for {hint!r}")


def words_schema() -> dict[str, Any]:
    """The theme's words file, templates/i18n/<language>.yaml: the default theme's keys, each
    described by its English and Danish words."""
    from actionplan.card.theme import FALLBACK_UI, Theme

    theme = Theme.load()
    english = theme.words(FALLBACK_UI) or {}
    danish = theme.words("da") or {}
    properties: dict[str, Any] = {}
    for key, word in english.items():
        if key == "direction":
            properties[key] = {
                "enum": ["ltr", "rtl"],
                **_describe(
                    N_("rtl for a language written right to left, else ltr."), default="ltr"
                ),
            }
            continue
        lines = [_("English: {word}").format(word=word)]
        if key in danish:
            lines.append(_("Danish: {word}").format(word=danish[key]))
        properties[key] = {
            **text_schema(placeholder=False),
            "description": "; ".join(lines),
            "markdownDescription": "  \n".join(lines),
        }
    return {
        "$schema": DRAFT,
        "title": _("actionplan theme words (templates/i18n/*.yaml)"),
        "type": "object",
        **_describe(
            N_(
                "The card's own words (Back, Start over, ...) in one language; "
                "a word left out is shown in English."
            )
        ),
        "properties": properties,
        "additionalProperties": False,
    }
