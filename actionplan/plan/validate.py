"""Validate: read composed YAML into the typed model, collecting every problem with its position.

The reader is driven by the model's type hints, so the model is the one description of the
format.  It reports a wrong type, an unknown key (with a "did you mean") and a
missing key, and it counts the values it reads, so that aliases cannot expand a small file into
a huge one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
import types
import typing
import unicodedata
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

import yaml

from actionplan.card import markdown
from actionplan.errors import PlanError, Pos, Problem, Severity, short
from actionplan.i18n import N_, _
from actionplan.plan import model
from actionplan.plan.loader import SourceFile, node_pos
from actionplan.plan.yaml_problems import INVISIBLE, describe_char, invisible_char
from actionplan.suggest import closest

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
MAX_ID_LENGTH = 64
# Words that one YAML reader or another takes for nothing or for true/false, never for text: as an
# id, `next: null` would lead nowhere.
NOT_IDS = frozenset(("null", "true", "false", "yes", "no", "on", "off"))
# A country's code written where its language's is meant (none of them is a language's code).
WRONG_LANGUAGE_CODES = {
    "dk": (N_("Danish is 'da'"), "da"),
    "gb": (N_("English is 'en'"), "en"),
    "us": (N_("English is 'en'"), "en"),
    "gr": (N_("Greek is 'el'"), "el"),
    "ua": (N_("Ukrainian is 'uk'"), "uk"),
    "cz": (N_("Czech is 'cs'"), "cs"),
    "jp": (N_("Japanese is 'ja'"), "ja"),
    "cn": (N_("Chinese is 'zh'"), "zh"),
    "ir": (N_("Persian is 'fa'"), "fa"),
    "al": (N_("Albanian is 'sq'"), "sq"),
    "rs": (N_("Serbian is 'sr'"), "sr"),
    "vn": (N_("Vietnamese is 'vi'"), "vi"),
}
MAX_ALIAS_VALUES = 100_000
MAX_ALIAS_CHARS = 1_000_000  # text read again through aliases; a plan needs next to none

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_MERGE = "tag:yaml.org,2002:merge"
_MERGE_MESSAGE, _MERGE_HINT = (
    N_("merge keys ('<<') are not supported"),
    N_("write the keys out in full"),
)

_FORMATS: dict[str, tuple[re.Pattern[str], str, str]] = {
    "url": (
        re.compile(r"https?://[^\s<>\"']+\Z"),
        N_("a web address"),
        N_("write the whole address, starting with https://"),
    ),
    "email": (
        re.compile(r"[^\s@<>\"']+@[^\s@<>\"']+\.[^\s@<>\"']+\Z"),
        N_("an e-mail address"),
        N_("write it as name@example.org"),
    ),
    "phone": (
        markdown.PHONE,
        N_("a phone number"),
        N_(
            "use digits, spaces, '-' and brackets, and '+' only at the start, "
            'such as "+45 12 34 56 78"'
        ),
    ),
    "color": (
        re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\Z"),
        N_("a colour"),
        N_('write a hex colour such as "#00567a", in quotes'),
    ),
    "language": (
        re.compile(r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*\Z"),
        N_("a language tag"),
        N_("use a code such as da, en or ar"),
    ),
}
# As YAML 1.2 and every editor read them; YAML 1.1's yes/no/on/off are text to some readers.
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_BOOL_WORDS = {
    "true": "true",
    "yes": "true",
    "on": "true",
    "false": "false",
    "no": "false",
    "off": "false",
}
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})\Z")


class _Invalid:
    """Marks a value that could not be read; its problem is already recorded."""


INVALID: Any = _Invalid()


@dataclasses.dataclass
class Partial:
    """The fields given for an object in the local layer, to be merged over the base object."""

    cls: type
    values: dict[str, Any]
    at: dict[str, Pos]
    pos: Pos


def _kind_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return _("a mapping (key: value lines)")
    if isinstance(node, yaml.SequenceNode):
        return _("a list")
    if node.tag == _NULL:
        return _("nothing")
    return f"'{short(node.value)}'"


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


class Reader:
    """Reads one file's YAML nodes into model values."""

    def __init__(self, source: SourceFile, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        self.seen: set[int] = set()
        self.alias_values = 0
        self.alias_chars = 0
        self.name = source.name
        # The lines where a value is followed by ' #' and more: a comment the author may have
        # meant as part of the value (found once per file, looked up per value).
        self.comment_lines = {
            source.text.count("\n", 0, m.start()) for m in _COMMENT.finditer(source.text)
        }

    def pos(self, node: yaml.Node) -> Pos:
        if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
            return self._block_pos(node)
        return node_pos(self.name, node)

    def _block_pos(self, node: yaml.ScalarNode) -> Pos:
        """Where a block text (after '|' or '>') starts: the line below its indicator, at the
        indentation of its text, so that line n of the text is n lines further down."""
        text, end = self.source.text, node.end_mark.index
        start = text.find("\n", node.start_mark.index, end) + 1  # a mark's index counts characters
        while 0 < start < end:  # the first line with text sets the indentation
            stop = text.find("\n", start, end)
            row = text[start : stop if stop >= 0 else end]
            if row.strip():
                indent = len(row) - len(row.lstrip(" "))
                return Pos(self.name, node.start_mark.line + 2, indent + 1)
            start = stop + 1
        return node_pos(self.name, node)

    def _place_lines(self, at: dict[str, Pos], key: str, node: yaml.Node) -> None:
        """Where each line after the first of a text that runs over several lines was written,
        as at["body@2"]: folding ('>', or plain text over lines) and '\\n' in quotes make the
        text's lines other than the file's."""
        if not isinstance(node, yaml.ScalarNode) or "\n" not in node.value.rstrip("\n"):
            return
        text, start, end = self.source.text, node.start_mark.index, node.end_mark.index
        line, column = node.start_mark.line + 1, node.start_mark.column + 1
        for k, row in enumerate(node.value.split("\n")):
            probe = row.split(maxsplit=1)[0][:16] if row.strip() else ""  # unchanged by folding
            found = text.find(probe, start, end) if probe else -1
            if found >= 0:
                line += text.count("\n", start, found)
                column = found - text.rfind("\n", 0, found)
                start = found + len(probe)
            if k:
                at[f"{key}@{k}"] = Pos(self.name, line, column)

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> Any:
        """Record an error about the node (message and hint already in the language set)."""
        self.problems.append(Problem(self.pos(node), message, hint))
        return INVALID

    def warn(self, pos: Pos, message: str, hint: str = "") -> None:
        self.problems.append(Problem(pos, message, hint, Severity.WARNING))

    def _empty(self, node: yaml.ScalarNode, what: str) -> bool:
        """Whether the value is empty (or null), with a warning: nothing written may vanish
        without a word."""
        if node.tag != _NULL:
            return False
        self.warn(*self._nothing(node, what, left_out=True))
        return True

    def _nothing(
        self, node: yaml.ScalarNode, what: str, left_out: bool = False
    ) -> tuple[Pos, str, str]:
        """Where and why a value reads as nothing: empty, null, or a comment after the key;
        `left_out` says that it is left out for it."""
        comment = self._comment(node)
        if comment is not None:
            return (
                comment[1],
                _("{what} is empty: YAML reads '{comment}' as a comment").format(
                    what=what, comment=short(comment[0])
                ),
                _("put the value in quotes: {quoted}").format(quoted=_quoted(comment[0])),
            )
        if node.value.strip():
            message = (
                _("{what} is '{value}', which YAML reads as no value, so it is left out")
                if left_out
                else _("{what} is '{value}', which YAML reads as no value")
            )
            return (
                self.pos(node),
                message.format(what=what, value=short(node.value)),
                _("put it in quotes if you mean the word"),
            )
        empty = _("{what} is empty, so it is left out") if left_out else _("{what} is empty")
        return self.pos(node), empty.format(what=what), _("write the value, or remove the line")

    def _comment(self, node: yaml.ScalarNode) -> tuple[str, Pos] | None:
        """A comment right after the value on its line that starts '#' and a letter or digit,
        as a colour, a hashtag or a number does, with where it is."""
        mark = node.end_mark
        if mark.line not in self.comment_lines or node.style in ("|", ">"):
            return None
        text = self.source.text
        stop = text.find("\n", mark.index)
        match = _COMMENT.match(text, mark.index, stop if stop >= 0 else len(text))
        if match is None:
            return None
        column = mark.column + match.start(1) - mark.index + 1
        return match.group(1).rstrip(), Pos(self.name, mark.line + 1, column)

    def _check_comment(self, node: yaml.ScalarNode, what: str) -> None:
        comment = self._comment(node)
        if comment is not None and node.tag != _NULL:
            text, pos = comment
            hint = _("put the whole value in quotes if '{comment}' belongs to it").format(
                comment=short(text)
            )
            if not node.style:  # plain text: the same in quotes
                written = self.source.text[node.start_mark.index : node.end_mark.index]
                hint += f": {_quoted(written + ' ' + text)}"
            self.warn(
                pos,
                _("YAML reads '{comment}' as a comment, so {what} is only '{value}'").format(
                    comment=short(text), what=what, value=short(node.value)
                ),
                hint,
            )

    def _count(self, node: yaml.Node) -> None:
        """Count what aliases read again, by values and by text, to refuse an expansion bomb."""
        if not self.source.anchors:  # no '&' in the file: no anchor, so no alias to count
            return
        if id(node) in self.seen:
            self.alias_values += 1
            if isinstance(node, yaml.ScalarNode):
                self.alias_chars += len(node.value)
            if self.alias_values > MAX_ALIAS_VALUES:
                raise PlanError.at(
                    self.pos(node),
                    _("aliases expand to more than {n} values").format(n=MAX_ALIAS_VALUES),
                    _("write the values out, or use fewer '*' aliases"),
                )
            if self.alias_chars > MAX_ALIAS_CHARS:
                raise PlanError.at(
                    self.pos(node),
                    _("aliases repeat more than {n} characters of text").format(
                        n=f"{MAX_ALIAS_CHARS:,}".replace(",", " ")
                    ),
                    _("write the text out once, or use fewer '*' aliases"),
                )
        else:
            self.seen.add(id(node))

    def read(self, node: yaml.Node, hint: Any, what: str) -> Any:
        """Read `node` as a value of type `hint`; `what` names it in messages."""
        if self.source.anchors:
            self._count(node)
        kind, arg = shape(hint)
        if self.comment_lines and isinstance(node, yaml.ScalarNode):
            self._check_comment(node, what)
        if kind == "str":
            return self._read_str(node, what)
        if kind == "format":
            base, tag, fill_in = arg
            if not fill_in and _is_placeholder(node):
                return self._no_placeholder(node, what)
            if tag.startswith("ref:") and _is_null_word(node):
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
                return self._check_format(node, value, tag, what)
            return value
        if kind == "optional":
            if isinstance(node, yaml.ScalarNode) and self._empty(node, what):
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
            return self._read_str(node, what)
        if kind == "choice":
            return self._read_choice(node, arg, what)
        return getattr(self, f"_read_{kind}")(node, what)  # bool, int, date

    def _read_node(self, node: yaml.Node, what: str) -> Any:
        if not isinstance(node, yaml.MappingNode):
            return self.fail(
                node,
                _("{what} must be a mapping, found {found}").format(
                    what=what, found=_kind_name(node)
                ),
                _("give it 'kind:', 'title:' and the keys of its kind, indented below"),
            )
        kind_node = next((v for k, v in node.value if k.value == "kind"), None)
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
                _did_you_mean(kind, model.NODE_KINDS, "kind"),
            )
        return self.read_object(node, cls, what)

    def _read_list(self, node: yaml.Node, item: Any, what: str) -> Any:
        if not isinstance(node, yaml.SequenceNode):
            if isinstance(node, yaml.ScalarNode) and self._empty(node, what):
                return ()
            return self.fail(
                node,
                _("{what} must be a list, found {found}").format(what=what, found=_kind_name(node)),
                _("write one '- item' per line, indented below the key"),
            )
        items = [
            self.read(child, item, _("item {n} of {what}").format(n=i, what=what))
            for i, child in enumerate(node.value, 1)
        ]
        return tuple(items)

    def _read_map(self, node: yaml.Node, item: Any, what: str) -> Any:
        result: dict[str, Any] = {}
        for key, key_node, value_node in self.id_pairs(node, what, _entry_keys(item)):
            value = self.read(value_node, item, f"'{key}'")
            if value is not INVALID:
                if isinstance(value, (model.Located, Partial)) and hasattr(value, "pos"):
                    value = _with_id(value, key, self.pos(key_node))
                result[key] = value
        return result

    def id_pairs(
        self, node: yaml.Node, what: str, keys: typing.Collection[str] = ()
    ) -> list[tuple[str, yaml.Node, yaml.Node]]:
        """The (id, key, value) of each entry of a mapping keyed by ids, reporting keys that are
        not ids, and keys of an entry (`keys`) indented as far as the ids."""
        if not isinstance(node, yaml.MappingNode):
            if not (isinstance(node, yaml.ScalarNode) and self._empty(node, what)):
                self.fail(
                    node,
                    _("{what} must be a mapping of ids, found {found}").format(
                        what=what, found=_kind_name(node)
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
        return pairs

    def _pairs(self, node: yaml.MappingNode) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
        """The mapping's pairs, reporting keys that are not text (the loader has refused a key
        written twice, anywhere in the file)."""
        pairs = []
        for key_node, value_node in node.value:
            self._count(key_node)
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, _("a key must be plain text"), _("check the indentation"))
                continue
            if key_node.tag == _MERGE:
                self.fail(key_node, _(_MERGE_MESSAGE), _(_MERGE_HINT))
                continue
            pairs.append((key_node, value_node))
        return pairs

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
            return self.fail(node, message.format(what=what, found=_kind_name(node)), hint)
        values: dict[str, Any] = {}
        at: dict[str, Pos] = {}
        given: set[str] = set()  # keys written, even if wrong or misspelled: not "missing"
        ok = True
        section = None  # the key above, when it has lines indented under it
        for key_node, value_node in self._pairs(node):
            key = key_node.value
            if key not in known:
                ok = False
                match = closest(key, known)
                hint = _did_you_mean(key, known, "key")
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
            section = key if isinstance(value_node, yaml.MappingNode) else None
            f, hint = known[key]
            value = self.read(value_node, hint, f"'{key}'")
            if value is INVALID:
                ok = False
                continue
            values[f.name] = value
            at[f.name] = self.pos(value_node)
            self._place_lines(at, f.name, value_node)
            if isinstance(value_node, yaml.SequenceNode):  # so a check can point at one item
                for i, item in enumerate(value_node.value):
                    at[f"{f.name}.{i}"] = self.pos(item)
                    self._place_lines(at, f"{f.name}.{i}", item)
        pos = self.pos(node)
        if partial:
            return Partial(cls, values, at, pos) if ok else INVALID
        missing = [k for k in required_keys(cls) if k not in given]
        for key in missing:
            if key == "kind":
                continue
            ok = False
            doc = known[key][0].metadata.get("doc", "").rstrip(".")
            self.fail(
                node,
                _("{what} has no '{key}'").format(what=what, key=key),
                _("add '{key}:', {doc}").format(key=key, doc=doc[:1].lower() + doc[1:])
                if doc
                else _("add '{key}:'").format(key=key),
            )
        if not ok:
            return INVALID
        return cls(pos=pos, at=at, **values)

    def _no_placeholder(self, node: yaml.Node, what: str) -> Any:
        """A placeholder where the format has none (see model.FILL_IN)."""
        return self.fail(
            node,
            _("{what} cannot be a placeholder").format(what=what),
            _(
                "write the value itself: placeholders are for what a municipality fills in, "
                "such as a contact's name, phone, e-mail or web page"
            ),
        )

    def _scalar(self, node: yaml.Node, what: str, expected: str) -> yaml.ScalarNode | None:
        """The node where it is one value; otherwise None, and the problem is told."""
        if isinstance(node, yaml.ScalarNode):
            return node
        if _is_placeholder(node):
            self._no_placeholder(node, what)
            return None
        if isinstance(node, yaml.SequenceNode):
            hint = _("give one value, not a list: no '-' or '[ ]'")
        else:
            hint = _("write the value on the same line as the key, in quotes if it contains ': '")
        message = _("{what} must be {expected}, found {found}")
        self.fail(node, message.format(what=what, expected=expected, found=_kind_name(node)), hint)
        return None

    def _read_str(self, node: yaml.Node, what: str) -> Any:
        if _is_placeholder(node):
            self._count(node.value[0][0])
            text = self._read_str(node.value[0][1], "'placeholder'")
            return text if text is INVALID else model.Placeholder(text)
        scalar = self._scalar(node, what, _("text"))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if scalar.tag == _NULL:
            pos, message, hint = self._nothing(scalar, what)
            self.problems.append(Problem(pos, message, hint))
            return INVALID
        if not value.strip():
            return self.fail(
                node, _("{what} is empty").format(what=what), _("write the text, or remove the key")
            )
        return value

    def _read_bool(self, node: yaml.Node, what: str) -> Any:
        scalar = self._scalar(node, what, _("true or false"))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if scalar.tag == _BOOL and value in _BOOLS:
            return _BOOLS[value]
        word = _BOOL_WORDS.get(value.strip().lower())
        quote = scalar.style
        if word is not None and quote in ("'", '"'):
            return self.fail(
                node,
                _("{what} must be true or false, found the text {quoted}").format(
                    what=what, quoted=f"{quote}{value}{quote}"
                ),
                _("write {word} without quotes").format(word=word),
            )
        if word is not None and value.strip().lower() not in _BOOLS:
            return self.fail(
                node,
                _("{what} must be true or false, found '{value}'").format(
                    what=what, value=short(value)
                ),
                _("write {word}: not every YAML reader takes '{value}' for {word}").format(
                    word=word, value=value
                ),
            )
        return self.fail(
            node,
            _("{what} must be true or false, found '{value}'").format(
                what=what, value=short(value)
            ),
            _("write true or false"),
        )

    def _read_int(self, node: yaml.Node, what: str) -> Any:
        scalar = self._scalar(node, what, _("a whole number"))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if node.tag != _INT or not value.isdigit():
            return self.fail(
                node,
                _("{what} must be a whole number, found '{value}'").format(
                    what=what, value=short(value)
                ),
                _("write digits only, such as 365"),
            )
        return int(value)

    def _read_date(self, node: yaml.Node, what: str) -> Any:
        scalar = self._scalar(node, what, _("a date"))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        match = _DATE.match(value.strip())
        try:
            if match:
                return dt.date(*map(int, match.groups()))
        except ValueError:
            return self.fail(
                node,
                _("{what} is not a real date: '{value}'").format(what=what, value=short(value)),
                _("check the month and the day"),
            )
        return self.fail(
            node,
            _("{what} must be a date, found '{value}'").format(what=what, value=short(value)),
            _("write it as YYYY-MM-DD, such as 2026-11-25"),
        )

    def _read_choice(self, node: yaml.Node, choices: tuple[str, ...], what: str) -> Any:
        scalar = self._scalar(node, what, _("one of {choices}").format(choices=", ".join(choices)))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if value not in choices:
            return self.fail(
                node,
                _("{what} must be one of {choices}, found '{value}'").format(
                    what=what, choices=", ".join(choices), value=short(value)
                ),
                _did_you_mean(value, choices, "value"),
            )
        return value

    def _check_format(self, node: yaml.Node, value: str, tag: str, what: str) -> Any:
        if tag in _FORMATS:
            pattern, name, hint = _FORMATS[tag]
            if tag == "language" and value.strip().lower() in WRONG_LANGUAGE_CODES:
                language_is, _code = WRONG_LANGUAGE_CODES[value.strip().lower()]
                return self.fail(
                    node,
                    _("{what} is '{value}', which is not a language code").format(
                        what=what, value=short(value)
                    ),
                    _(language_is),
                )
            if not pattern.match(value.strip()):
                message = _("{what} is not {name}: '{value}'")
                return self.fail(
                    node, message.format(what=what, name=_(name), value=short(value)), _(hint)
                )
            return value.strip()
        if tag.startswith("ref:"):
            wrong = id_problem(value, what)
            return value if wrong is None else self.fail(node, *wrong)
        if tag == "file" and (value.startswith(("/", "\\")) or ".." in re.split(r"[/\\]", value)):
            return self.fail(
                node,
                _("{what} points outside the plan's folder: '{value}'").format(
                    what=what, value=short(value)
                ),
                _("put the file in the plan's folder and give its name"),
            )
        return value


_COMMENT = re.compile(r"[ \t]+(#[^\s#].*)")
_SPELLED_OUT = {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def id_problem(value: str, what: str | None = None) -> tuple[str, str] | None:
    """(message, hint) when value is not a usable id: an id written as a key, or the value of the
    field `what` that names one."""
    shown = short(INVISIBLE.sub("", value))
    # the field and the value, or the id alone: "'next': 'x y'", "'x y'"
    subject, given = (what, f": '{shown}'") if what else (f"'{shown}'", "")
    invisible = invisible_char(value)
    if invisible is not None:
        index, char = invisible
        subject = what or _("the id '{id}'").format(id=shown)
        message = (
            _("{subject} has an invisible character, {char}, after '{before}'")
            if index
            else _("{subject} has an invisible character, {char}, at the start")
        )
        return (
            message.format(subject=subject, char=describe_char(char), before=short(value[:index])),
            _("delete it: retype the id"),
        )
    if value in NOT_IDS:
        message = (
            _("{subject} cannot be an id{given}: YAML reads '{value}' as no value")
            if value == "null"
            else _("{subject} cannot be an id{given}: YAML reads '{value}' as true or false")
        )
        return message.format(subject=subject, given=given, value=value), _("choose another id")
    if len(value) > MAX_ID_LENGTH:
        message = _("{subject} is longer than {n} characters{given}")
        return message.format(subject=subject, n=MAX_ID_LENGTH, given=given), _("shorten the id")
    if ID_PATTERN.match(value):
        return None
    suggestion = _as_id(value) or "call-police"
    if set(value.lower()) & set("æøå"):
        hint = _("write ae, oe and aa for æ, ø and å: '{id}'").format(id=suggestion)
    else:
        hint = _("ids use lower-case letters a-z, digits and '-', such as '{id}'").format(
            id=suggestion
        )
    return _("{subject} is not a valid id{given}").format(subject=subject, given=given), hint


def _as_id(text: str) -> str:
    """The text written as an id, as near as can be: 'Ring_Hjælp' -> 'ring-hjaelp'."""
    text = "".join(_SPELLED_OUT.get(c, c) for c in text.lower())
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text if ID_PATTERN.match(text) and len(text) <= MAX_ID_LENGTH else ""


def _is_null_word(node: yaml.Node) -> bool:
    """A plain 'null', 'Null', 'NULL' or '~': written as a value, read as none."""
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL and bool(node.value)


def _quoted(text: str) -> str:
    """The text as a YAML double-quoted string."""
    return json.dumps(text, ensure_ascii=False)


def _is_placeholder(node: yaml.Node) -> bool:
    return (
        isinstance(node, yaml.MappingNode)
        and len(node.value) == 1
        and getattr(node.value[0][0], "value", None) == "placeholder"
    )


@functools.cache
def _entry_keys(item: Any) -> frozenset[str]:
    """The keys an entry of a mapping of ids takes: a contact's, a law's, any node's."""
    kind, arg = shape(item)
    if kind == "object":
        return frozenset(fields_of(arg))
    if kind == "node":
        return frozenset(k for cls in model.NODE_KINDS.values() for k in fields_of(cls))
    return frozenset()


def _with_id(value: Any, key: str, pos: Pos) -> Any:
    """The object read for an id, with the id, and placed where the id is written: a message
    about the whole object points at the line that names it."""
    if isinstance(value, Partial):
        value.values["id"] = key
        value.pos = pos
    elif isinstance(value, model.Located):
        # Just made by read_object and not yet shared: set in place, as __init__ would, rather
        # than copy every field.  A translation's entry has no id, and is placed all the same.
        if _has_id(type(value)):
            object.__setattr__(value, "id", key)
        object.__setattr__(value, "pos", pos)
    return value


@per_class
def _has_id(cls: type) -> bool:
    return any(f.name == "id" for f in dataclasses.fields(cls))


_KNOWN = {
    "kind": N_("known kinds: {known}"),
    "key": N_("known keys: {known}"),
    "value": N_("known values: {known}"),
}


def _did_you_mean(word: str, known: typing.Iterable[str], noun: str) -> str:
    known = list(known)
    match = closest(word, known)
    if match:
        return _("did you mean '{match}'?").format(match=match)
    return _(_KNOWN[noun]).format(known=", ".join(known))


def read_partial_map(reader: Reader, node: yaml.Node, cls: type, what: str) -> dict[str, Any]:
    """A mapping of ids to the fields given for each (the local layer's overrides)."""
    result: dict[str, Any] = {}
    for key, key_node, value_node in reader.id_pairs(node, what, fields_of(cls)):
        value = reader.read_object(value_node, cls, f"'{key}'", partial=True)
        if value is not INVALID:
            result[key] = _with_id(value, key, reader.pos(key_node))
    return result


def complete(partial: Partial, problems: list[Problem]) -> Any:
    """Turn a local object that overrides nothing into a whole one, if it has every key."""
    known = fields_of(partial.cls)
    missing = [k for k, (f, _) in known.items() if is_required(f) and f.name not in partial.values]
    for key in missing:
        problems.append(
            Problem(
                partial.pos,
                _("'{id}' has no '{key}'").format(id=partial.values.get("id"), key=key),
                _("add '{key}:', or use the id of an existing entry to override it").format(
                    key=key
                ),
            )
        )
    if missing:
        return INVALID
    return partial.cls(pos=partial.pos, at=partial.at, **partial.values)


def overlay(base: Any, partial: Partial) -> Any:
    """The base object with the local layer's fields put over it."""
    return dataclasses.replace(base, at={**base.at, **partial.at}, **partial.values)
