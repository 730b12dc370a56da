"""Validate: read composed YAML into the typed model, collecting every problem with its position.

The reader is driven by the model's type hints (shapes.py), so the model is the one description
of the format.  It reads objects, lists and mappings of ids here, and single values with the
scalar readers (scalars.py); it reports a wrong type, an unknown key (with a "did you mean") and a
missing key, and it counts the values it reads, so that aliases cannot expand a small file into a
huge one.
"""

from __future__ import annotations

import typing
from typing import Any

import yaml

from actionplan.errors import Pos, Problems, short
from actionplan.frozen import mutable
from actionplan.i18n import N_, _
from actionplan.plan import loader, model
from actionplan.plan.loader import SourceFile
from actionplan.plan.places import Places
from actionplan.plan.scalars import (
    BOOLS,
    INVALID,
    ScalarReader,
    did_you_mean,
    id_problem,
    is_null_word,
    is_placeholder,
    kind_name,
)
from actionplan.plan.shapes import (
    SHAPES,
    entry_keys,
    fields_of,
    has_id,
    per_class,
    required_keys,
    shape,
)
from actionplan.suggest import closest

MAX_ALIAS_VALUES = 100_000
MAX_ALIAS_CHARS = 1_000_000  # text read again through aliases; a plan needs next to none

_MERGE = "tag:yaml.org,2002:merge"
_MERGE_MESSAGE, _MERGE_HINT = (
    N_("merge keys ('<<') are not supported"),
    N_("write the keys out in full"),
)

_T = typing.TypeVar("_T")


@mutable
class Partial:
    """The fields given for an object in the local layer, to be merged over the base object."""

    cls: type
    values: dict[str, Any]
    at: dict[str, Pos]
    pos: Pos


class _Stopped(Exception):
    """Aliases expanded too far: the problem is reported, and the file is read no further."""


def read_file(source: SourceFile, cls: type[_T], what: str, problems: Problems) -> _T | None:
    """The whole file read as a `cls`; None when it has errors, each reported into problems."""
    value: _T | None = Reader(source, problems).read_section(source.root, cls, what)
    return value


class Reader:
    """Reads one file's YAML nodes into model values, reporting every problem into `problems`.

    Once the file's aliases have expanded too far, the reader is `stopped`: it has reported that,
    and reads nothing more of the file.
    """

    def __init__(self, source: SourceFile, problems: Problems) -> None:
        self.source = source
        self.problems = problems
        self.places = Places(source)
        self.scalars = ScalarReader(self.places, problems)
        self.pos = self.places.pos
        self.fail = self.scalars.fail
        self.text = self.scalars.text  # looked up once: read() asks for text a great many times
        self.comment_lines = self.places.comment_lines
        self.stopped = False
        self.seen: set[int] = set()
        self.alias_values = 0
        self.alias_chars = 0

    # What the rest of the plan reads with: None for what could not be read -------------------

    def read_section(
        self, node: yaml.Node, cls: type, what: str, partial: bool = False
    ) -> Any | None:
        """A mapping read as a `cls` (with `partial`, a Partial of the keys it gives); None when
        it has errors, each reported."""
        if self.stopped:
            return None
        try:
            value = (
                self.read_object(node, cls, what, True) if partial else self.read(node, cls, what)
            )
        except _Stopped:
            self.stopped = True
            return None
        return None if value is INVALID else value

    def read_partial_map(self, node: yaml.Node, cls: type, what: str) -> dict[str, Partial]:
        """A mapping of ids to the fields given for each (the local layer's overrides); only
        those without errors, and none once the reader has stopped."""
        result: dict[str, Partial] = {}
        if self.stopped:
            return result
        try:
            for key, key_node, value_node in self.id_pairs(node, what, fields_of(cls)):
                value = self.read_object(value_node, cls, f"'{key}'", partial=True)
                if value is not INVALID:
                    result[key] = with_id(value, key, self.pos(key_node))
        except _Stopped:
            self.stopped = True
            return {}
        return result

    # Reading, as the model's shapes ask ------------------------------------------------------

    def _count(self, node: yaml.Node) -> None:
        """Count what aliases read again, by values and by text, to refuse an expansion bomb."""
        if not self.source.anchors:  # no '&' in the file: no anchor, so no alias to count
            return
        if id(node) in self.seen:
            self.alias_values += 1
            if isinstance(node, yaml.ScalarNode):
                self.alias_chars += len(node.value)
            if self.alias_values > MAX_ALIAS_VALUES:
                self.fail(
                    node,
                    _("aliases expand to more than {n} values").format(n=MAX_ALIAS_VALUES),
                    _("write the values out, or use fewer '*' aliases"),
                )
                raise _Stopped
            if self.alias_chars > MAX_ALIAS_CHARS:
                self.fail(
                    node,
                    _("aliases repeat more than {n} characters of text").format(
                        n=f"{MAX_ALIAS_CHARS:,}".replace(",", " ")
                    ),
                    _("write the text out once, or use fewer '*' aliases"),
                )
                raise _Stopped
        else:
            self.seen.add(id(node))

    def read(self, node: yaml.Node, hint: Any, what: str) -> Any:
        """Read `node` as a value of type `hint`; `what` names it in messages."""
        if self.source.anchors:
            self._count(node)
        kind, arg = SHAPES.get(id(hint)) or shape(hint)
        # Once a value: an optional or formatted one is read again as its inner type, which
        # checks it (an empty optional one is checked where it is left out).
        if (
            self.comment_lines
            and isinstance(node, yaml.ScalarNode)
            and kind != "optional"
            and kind != "format"
        ):
            self.scalars.check_comment(node, what)
        if kind == "str":
            if isinstance(node, yaml.ScalarNode):  # most values: text, never a placeholder
                return self.text(node, what)
            return self._text(node, what)
        if kind == "format":
            base, tag, fill_in = arg
            if base is str and isinstance(node, yaml.ScalarNode) and not is_null_word(node):
                # Most formatted values: read again as text (below), without the call.
                if self.source.anchors:
                    self._count(node)
                if self.comment_lines:
                    self.scalars.check_comment(node, what)
                value = self.text(node, what)
                if value is INVALID or tag == model.MARKDOWN:  # Markdown is any text
                    return value
                return self.scalars.check_format(node, value, tag, what)
            if not fill_in and is_placeholder(node):
                return self.scalars.no_placeholder(node, what)
            if tag.startswith("ref:") and is_null_word(node):
                return self.fail(
                    node,
                    _("{what} is '{value}', which YAML reads as no value").format(
                        what=what, value=node.value
                    ),
                    _(
                        "ids cannot be null, true, false, yes, no, on or off: "
                        "rename the one it means"
                    ),
                )
            value = self.read(node, base, what)
            if isinstance(value, str) and not isinstance(value, model.Placeholder):
                return self.scalars.check_format(node, value, tag, what)
            return value
        if kind == "optional":
            if isinstance(node, yaml.ScalarNode) and self.scalars.empty(node, what):
                if self.comment_lines:
                    self.scalars.check_comment(node, what)
                return None
            return self.read(node, arg, what)
        if kind == "object":
            return self.read_object(node, arg, what)
        if kind == "list":
            return self._read_list(node, arg, what)
        if kind == "map":
            return self._read_map(node, arg, what)
        if kind == "node":
            return self._read_node(node, what)
        if kind == "text-or":  # text or an object, chosen by the YAML's shape
            if isinstance(node, yaml.MappingNode):
                return self.read_object(node, arg, what)
            return self._text(node, what)
        if kind == "choice":
            return self.scalars.choice(node, arg, what)
        if kind == "bool":
            return self.scalars.boolean(node, what)
        if kind == "int":
            return self.scalars.whole_number(node, what)
        return self.scalars.date(node, what)

    def _text(self, node: yaml.Node, what: str) -> Any:
        """Text, or a placeholder for it ({placeholder: what to fill in})."""
        if is_placeholder(node):
            self._count(node.value[0][0])
            text = self._text(node.value[0][1], "'placeholder'")
            return text if text is INVALID else model.Placeholder(text)
        return self.scalars.text(node, what)

    def _read_node(self, node: yaml.Node, what: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.fail(
                node,
                _("{what} must be a mapping, found {found}").format(
                    what=what, found=kind_name(node)
                ),
                _("give it 'kind:', 'title:' and the keys of its kind, indented below"),
            )
        kind_node = None
        for key_node, value_node in node.value:
            if key_node.value == "kind":
                kind_node = value_node
                break
        if kind_node is None:
            merge_key = next((k for k, _ in node.value if k.tag == _MERGE), None)
            if merge_key is not None:
                return self.fail(merge_key, _(_MERGE_MESSAGE), _(_MERGE_HINT))
            return self.fail(
                node,
                _("{what} has no 'kind'").format(what=what),
                _("add 'kind: question', 'kind: step' or 'kind: outcome'"),
            )
        kind = kind_node.value if isinstance(kind_node, yaml.ScalarNode) else ""
        cls = model.NODE_KINDS.get(kind)
        if cls is None:
            return self.fail(
                kind_node,
                _("unknown kind '{kind}' for {what}").format(kind=short(kind), what=what),
                did_you_mean(kind, model.NODE_KINDS, "kind"),
            )
        return self.read_object(node, cls, what)

    def _read_list(self, node: yaml.Node, item: Any, what: str) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and self.scalars.empty(node, what):
                return ()
            return self.fail(
                node,
                _("{what} must be a list, found {found}").format(what=what, found=kind_name(node)),
                _("write one '- item' per line, indented below the key"),
            )
        item_of = _("item {n} of {what}")  # translated once per list, not once per item
        kind, cls = SHAPES.get(id(item)) or shape(item)
        if kind == "object" and not self.source.anchors:
            # A list of objects (a question's options): each mapping read as read() reads it,
            # without its call (with no anchor in the file, there is no alias to count).
            read, read_object = self.read, self.read_object
            objects = [
                read_object(child, cls, item_of.format(n=i, what=what))
                if type(child) is yaml.MappingNode
                else read(child, item, item_of.format(n=i, what=what))
                for i, child in enumerate(node.value, 1)
            ]
            return tuple(objects)
        items = [
            self.read(child, item, item_of.format(n=i, what=what))
            for i, child in enumerate(node.value, 1)
        ]
        return tuple(items)

    def _read_map(self, node: yaml.Node, item: Any, what: str) -> Any:
        result: dict[str, Any] = {}
        # The nodes, the bulk of a plan: each mapping read as read() reads it, without its call
        # (with no anchor in the file, there is no alias to count).
        kind = (SHAPES.get(id(item)) or shape(item))[0]
        of_node = self._read_node if kind == "node" and not self.source.anchors else None
        for key, key_node, value_node in self.id_pairs(node, what, entry_keys(item)):
            if of_node is not None and type(value_node) is yaml.MappingNode:
                value = of_node(value_node, f"'{key}'")
            else:
                value = self.read(value_node, item, f"'{key}'")
            if value is not INVALID:
                if isinstance(value, (model.Located, Partial)) and hasattr(value, "pos"):
                    value = with_id(value, key, self.pos(key_node))
                result[key] = value
        return result

    def id_pairs(
        self, node: yaml.Node, what: str, keys: typing.Collection[str] = ()
    ) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The (id, key, value) of each entry of a mapping keyed by ids, reporting keys that are
        not ids, and keys of an entry (`keys`) indented as far as the ids."""
        if not isinstance(node, yaml.MappingNode):
            if not (isinstance(node, yaml.ScalarNode) and self.scalars.empty(node, what)):
                self.fail(
                    node,
                    _("{what} must be a mapping of ids, found {found}").format(
                        what=what, found=kind_name(node)
                    ),
                    _("write one 'id:' per entry, with its keys indented below"),
                )
            return []
        pairs: list[tuple[str, yaml.Node, yaml.Node]] = []
        for key_node, value_node in self._pairs(node):
            key = key_node.value
            wrong = id_problem(key)
            if pairs and key in keys and not isinstance(value_node, yaml.MappingNode):
                entry = pairs[-1][0]
                self.fail(
                    key_node,
                    _(
                        "'{key}' is not indented as far as the keys of '{entry}' above it, "
                        "so it is read as an id of its own"
                    ).format(key=key, entry=entry),
                    _("indent it as far as the keys of '{entry}', with spaces").format(entry=entry),
                )
            elif wrong:
                self.fail(key_node, *wrong)
            elif key.startswith("ap-"):
                self.fail(
                    key_node,
                    _("the id '{id}' is reserved").format(id=key),
                    _("ids may not start with 'ap-'"),
                )
            else:
                pairs.append((key, key_node, value_node))
        if len(pairs) > 1 and len({key for key, _k, _v in pairs}) != len(pairs):
            self._keys_twice(node)
        return pairs

    def _keys_twice(self, node: yaml.MappingNode) -> bool:
        """Report each key of the mapping written there before, as loading does where it looks
        for them (loader.keys_twice); whether there was one."""
        twice = loader.keys_written_twice(node.value, self.places.name)
        self.problems.extend(twice)
        return bool(twice)

    def _pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
        """The mapping's pairs, reporting keys that are not text (the loader has refused a key
        written twice, anywhere in the file)."""
        pairs = []
        anchors = self.source.anchors
        for key_node, value_node in node.value:
            if anchors:
                self._count(key_node)
            if not self._bad_key(key_node):
                pairs.append((key_node, value_node))
        return pairs

    def _bad_key(self, key_node: yaml.Node) -> bool:
        """Whether a key is not text, or is a merge key ('<<'): reported, and the pair skipped."""
        if not isinstance(key_node, yaml.ScalarNode):
            self.fail(key_node, _("a key must be plain text"), _("check the indentation"))
            return True
        if key_node.tag == _MERGE:
            self.fail(key_node, _(_MERGE_MESSAGE), _(_MERGE_HINT))
            return True
        return False

    def read_object(self, node: yaml.Node, cls: type, what: str, partial: bool = False) -> Any:
        """Read a mapping into a model class; with `partial`, missing keys are allowed."""
        known = fields_of(cls)
        if not isinstance(node, yaml.MappingNode):
            hint = _("write its keys indented below it, one 'key: value' per line")
            if node is self.source.root:
                hint = _("use these keys at the top of the file: {keys}").format(
                    keys=", ".join(known)
                )
            message = _("{what} must be a mapping, found {found}")
            return self.fail(node, message.format(what=what, found=kind_name(node)), hint)
        values: dict[str, Any] = {}
        at: dict[str, Pos] = {}
        given: set[str] = set()  # keys written, even if wrong or misspelled: not "missing"
        ok = True
        section = None  # the key above, when it has lines indented under it
        quick = _quick_fields(cls) if not self.source.anchors else {}
        comment_lines, file_name = self.comment_lines, self.places.name
        for key_node, value_node in node.value if quick else self._pairs(node):
            if (
                quick  # as _pairs, inline: there is no alias to count
                and (type(key_node) is not yaml.ScalarNode or key_node.tag == _MERGE)
                and self._bad_key(key_node)
            ):
                continue
            key = key_node.value
            if key not in known:
                ok = False
                match = closest(key, known)
                hint = did_you_mean(key, known, "key")
                if not match and section and node is self.source.root:
                    hint = _(
                        "if '{key}' belongs under '{section}:', indent it as the lines there"
                    ).format(key=key, section=section)
                message = _("unknown key '{key}' in {what}").format(key=short(key), what=what)
                self.fail(key_node, message, hint)
                if match:
                    given.add(match)
                continue
            given.add(key)
            plain = quick.get(key)
            if (
                plain is not None
                and type(value_node) is yaml.ScalarNode
                and value_node.tag != _NULL
                and not (comment_lines and value_node.end_mark.line in comment_lines)
            ):
                # The most common values, read as read() reads them but without its calls: a
                # value it would warn of, or refuse, is left to it.
                name, how, choices = plain
                value = written = value_node.value
                style = value_node.style
                if how is _TEXT:
                    good = (
                        bool(value)
                        and not value.isspace()
                        and (
                            value.isprintable()  # else a line break, a control, a bidi format
                            or (style != '"' and "\u202d" not in value and "\u202e" not in value)
                        )
                    )
                elif how is _ID:
                    good = id_problem(value) is None
                elif how is _CHOICE:
                    good = value in choices
                else:  # _YES_NO
                    good = value_node.tag == _BOOL and value in BOOLS
                    value = BOOLS.get(value)
                if good:
                    section = None
                    values[name] = value
                    if style == "|" or style == ">":
                        at[name] = self.pos(value_node)
                    else:
                        mark = value_node.start_mark
                        at[name] = tuple.__new__(Pos, (file_name, mark.line + 1, mark.column + 1))
                    if "\n" in written:
                        self.places.place_lines(at, name, value_node)
                    continue
            section = key if isinstance(value_node, yaml.MappingNode) else None
            f, hint = known[key]
            value = self.read(value_node, hint, f"'{key}'")
            if value is INVALID:
                ok = False
                continue
            name = f.name
            values[name] = value
            at[name] = self.pos(value_node)
            # place_lines, for the few values with a line break, without a call for the rest
            if isinstance(value_node, yaml.ScalarNode):
                if "\n" in value_node.value:
                    self.places.place_lines(at, name, value_node)
            elif isinstance(value_node, yaml.SequenceNode):  # so a check can point at one item
                for i, item in enumerate(value_node.value):
                    at[f"{name}.{i}"] = self.pos(item)
                    if isinstance(item, yaml.ScalarNode) and "\n" in item.value:
                        self.places.place_lines(at, f"{name}.{i}", item)
        if ok and len(given) != len(node.value) and self._keys_twice(node):
            return INVALID
        mark = node.start_mark  # a mapping's place, as self.pos(node) gives it
        pos = tuple.__new__(Pos, (file_name, mark.line + 1, mark.column + 1))
        if partial:
            return Partial(cls, values, at, pos) if ok else INVALID
        required = required_keys(cls)
        missing = () if given.issuperset(required) else [k for k in required if k not in given]
        for key in missing:
            if key == "kind":
                continue
            ok = False
            doc = known[key][0].metadata.get("doc", "")
            doc = _(doc).rstrip(".") if doc else ""  # the key's description, in the language set
            self.fail(
                node,
                _("{what} has no '{key}'").format(what=what, key=key),
                _("add '{key}:', {doc}").format(key=key, doc=doc[:1].lower() + doc[1:])
                if doc
                else _("add '{key}:'").format(key=key),
            )
        if not ok:
            return INVALID
        return _made(cls, pos, at, values)


def _made(cls: type[_T], pos: Pos, at: dict[str, Pos], values: dict[str, Any]) -> _T:
    """`cls(pos=pos, at=at, **values)`, for the values read_object read, made without the
    class's __init__: that sets each field through object.__setattr__, a call through a slot
    wrapper for every field of some 20 000 objects at 10 000 nodes.  The object's fields are
    the same (tests/test_quick_values.py holds the two alike)."""
    blank, made_by = _blank(cls)
    fields = blank.copy()  # every field in order, so that the object's __dict__ is in order too
    fields.update(values)
    for name, factory in made_by:
        if name not in values:
            fields[name] = factory()
    fields["pos"] = pos
    fields["at"] = at
    obj: _T = object.__new__(cls)
    obj.__dict__.update(fields)
    return obj


@per_class
def _blank(cls: type) -> tuple[dict[str, Any], tuple[tuple[str, Any], ...]]:
    """Each field of a model class with its default, in the fields' order (None for those
    without one, which read_object always gives), and the fields whose default a factory
    makes, with the factory."""
    from dataclasses import MISSING, fields  # loaded already, by the model's classes

    blank: dict[str, Any] = {}
    made_by = []
    for f in fields(cls):
        blank[f.name] = None if f.default is MISSING else f.default
        if f.default_factory is not MISSING:
            made_by.append((f.name, f.default_factory))
    return blank, tuple(made_by)


def with_id(value: Any, key: str, pos: Pos) -> Any:
    """The object read for an id, with the id, and placed where the id is written: a message
    about the whole object points at the line that names it."""
    if isinstance(value, Partial):
        value.values["id"] = key
        value.pos = pos
    elif isinstance(value, model.Located):
        # Just made by read_object and not yet shared: set in place, as __init__ would, rather
        # than copy every field.  A translation's entry has no id, and is placed all the same.
        fields = value.__dict__  # both are there already: each keeps its place in the order
        if has_id(type(value)):
            fields["id"] = key
        fields["pos"] = pos
    return value


# How _quick_fields reads a value: as text, as an id, as one of a few words, as true or false.
_TEXT, _ID, _CHOICE, _YES_NO = "text", "id", "choice", "yes-no"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"


@per_class
def _quick_fields(cls: type) -> dict[str, tuple[str, str, tuple[str, ...]]]:
    """The keys of a model class whose plain values read() reads without a call of its own, each
    with its field's name, how it is read and the words a choice takes.

    Text (optional or not, Markdown or not), an id, a choice and true or false: the bulk of a
    plan's values.  read_object reads such a value itself where it is one plain value that
    read() would take as it is; anything else (nothing, a list, a mapping, a value that read()
    would warn of or refuse) goes through read(), which says what is wrong.
    """
    found: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for key, (f, hint) in fields_of(cls).items():
        kind, arg = shape(hint)
        if kind == "optional":
            kind, arg = shape(arg)
        if kind == "str" or (kind == "format" and arg[0] is str and arg[1] == model.MARKDOWN):
            found[key] = (f.name, _TEXT, ())
        elif kind == "format" and arg[0] is str and arg[1].startswith("ref:"):
            found[key] = (f.name, _ID, ())
        elif kind == "choice":
            found[key] = (f.name, _CHOICE, arg)
        elif kind == "bool":
            found[key] = (f.name, _YES_NO, ())
    return found
