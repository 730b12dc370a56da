"""Scalar values: text, true or false, whole numbers, dates, one of a few words, and the formats
of text (a web address, an e-mail address, a phone number, a colour, a language tag, an id).

Each reader takes the YAML node of one value and gives the value, or reports what is wrong with
it, in the author's words, and gives INVALID.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import typing
import unicodedata
from typing import Any

import yaml

from actionplan.card import markdown
from actionplan.errors import Pos, Problems, short
from actionplan.i18n import N_, _
from actionplan.plan.places import Places
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
_MOST_DIGITS = 9  # of a whole number: a count of days, a warning's number
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"

# Each pattern is compiled at its first use (re keeps it), by a plan with a value of its format.
_FORMATS: dict[str, tuple[str, str, str]] = {
    "url": (
        # No '@' before the host (markdown.hides_host says why), here as in the editor's schema.
        r"https?://[^\s<>\"'/\\?#@]+(?:[/\\?#][^\s<>\"']*)?\Z",
        N_("a web address"),
        N_("write the whole address, starting with https://"),
    ),
    "email": (
        r"[^\s@<>\"']+@[^\s@<>\"']+\.[^\s@<>\"']+\Z",
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
        r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\Z",
        N_("a colour"),
        N_('write a hex colour such as "#00567a", in quotes'),
    ),
    "language": (
        r"[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*\Z",
        N_("a language tag"),
        N_("use a code such as da, en or ar"),
    ),
}
# As YAML 1.2 and every editor read them; YAML 1.1's yes/no/on/off are text to some readers.
BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
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
"""What a reader gives for a value it has reported as wrong.

None cannot say it: an optional key's value may be None.  The marker never leaves the reading of a
file: `validate.read_file` and the layer's readers give None for a file or a section that could
not be read.
"""


# Control characters a text may not hold, but a tab and a line break: only a double-quoted
# value's escape can write one (YAML refuses them raw). Compiled at its first use, by re.
_CONTROL = "[\x00-\x08\x0b-\x1f\x7f-\x9f]"


class ScalarReader:
    """Reads the scalar values of one file, reporting what is wrong with each into `problems`."""

    def __init__(self, places: Places, problems: Problems) -> None:
        self.places = places
        self.problems = problems

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> Any:
        """Report an error at the node (message and hint already in the language set); INVALID,
        for the reader to give."""
        self.problems.error(self.places.pos(node), message, hint)
        return INVALID

    def empty(self, node: yaml.ScalarNode, what: str) -> bool:
        """Whether the value is empty (or null), with a warning: nothing written may vanish
        without a word."""
        if node.tag != _NULL:
            return False
        self.problems.warning(*self.nothing(node, what, left_out=True))
        return True

    def nothing(
        self, node: yaml.ScalarNode, what: str, left_out: bool = False
    ) -> tuple[Pos, str, str]:
        """Where and why a value reads as nothing: empty, null, or a comment after the key;
        `left_out` says that it is left out for it."""
        comment = self.places.comment(node)
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
                self.places.pos(node),
                message.format(what=what, value=short(node.value)),
                _("put it in quotes if you mean the word"),
            )
        empty = _("{what} is empty, so it is left out") if left_out else _("{what} is empty")
        return (
            self.places.pos(node),
            empty.format(what=what),
            _("write the value, or remove the line"),
        )

    def check_comment(self, node: yaml.ScalarNode, what: str) -> None:
        """A warning when a comment right after the value may have been meant as part of it."""
        comment = self.places.comment(node)
        if comment is not None and node.tag != _NULL:
            text, pos = comment
            hint = _("put the whole value in quotes if '{comment}' belongs to it").format(
                comment=short(text)
            )
            if not node.style:  # plain text: the same in quotes
                hint += f": {_quoted(self.places.written(node) + ' ' + text)}"
            self.problems.warning(
                pos,
                _("YAML reads '{comment}' as a comment, so {what} is only '{value}'").format(
                    comment=short(text), what=what, value=short(node.value)
                ),
                hint,
            )

    def no_placeholder(self, node: yaml.Node, what: str) -> Any:
        """A placeholder where the format has none (see model.FILL_IN)."""
        return self.fail(
            node,
            _("{what} cannot be a placeholder").format(what=what),
            _(
                "write the value itself: placeholders are for what a municipality fills in, "
                "such as a contact's name, phone, e-mail or web page"
            ),
        )

    def _scalar(
        self, node: yaml.Node, what: str, expected: str, choices: tuple[str, ...] = ()
    ) -> yaml.ScalarNode | None:
        """The node where it is one value; otherwise None, and the problem is told (`expected`,
        marked with N_ and translated only then, names what it should be, with its `choices`)."""
        if isinstance(node, yaml.ScalarNode):
            return node
        if is_placeholder(node):
            self.no_placeholder(node, what)
            return None
        if isinstance(node, yaml.SequenceNode):
            hint = _("give one value, not a list: no '-' or '[ ]'")
        else:
            hint = _("write the value on the same line as the key, in quotes if it contains ': '")
        message = _("{what} must be {expected}, found {found}")
        expected = _(expected).format(choices=", ".join(choices))
        self.fail(node, message.format(what=what, expected=expected, found=kind_name(node)), hint)
        return None

    def text(self, node: yaml.Node, what: str) -> Any:
        if isinstance(node, yaml.ScalarNode):  # nearly every text: one value, with some text
            text: str = node.value
            if node.tag != _NULL and text and not text.isspace():  # as text.strip()
                if not text.isprintable():  # a line break, a control, a bidirectional format
                    if node.style == '"':  # only an escape writes a control
                        self._controls(node, what, text)
                    if "\u202d" in text or "\u202e" in text:
                        self._override(node, what, text)
                return text
        scalar = self._scalar(node, what, N_("text"))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if scalar.tag == _NULL:
            self.problems.error(*self.nothing(scalar, what))
            return INVALID
        if not value.strip():
            return self.fail(
                node, _("{what} is empty").format(what=what), _("write the text, or remove the key")
            )
        return value

    def _controls(self, node: yaml.Node, what: str, text: str) -> None:
        """A warning for a control character in a text: a browser shows it as nothing (or a box),
        so it is a mistake, such as '\\a' or '\\0' meant as a backslash and a letter."""
        found = re.search(_CONTROL, text)
        if found is not None:
            self._char_warning(
                node,
                what,
                text,
                found.start(),
                N_("{what} has a control character, {char}, after '{before}'"),
                N_("{what} has a control character, {char}, at the start"),
                N_(
                    "a browser shows it as nothing: delete the escape that writes it "
                    "(such as '\\a', '\\e' or '\\x07'), or write a backslash as '\\\\'"
                ),
            )

    def _override(self, node: yaml.Node, what: str, text: str) -> None:
        """A warning for a bidirectional override (U+202D, U+202E): it shows the characters after
        it in an order other than the one they are written in, so that the card can read
        otherwise than the file a reviewer read (where an editor may show nothing)."""
        self._char_warning(
            node,
            what,
            text,
            min(i for i in (text.find("\u202d"), text.find("\u202e")) if i >= 0),
            N_("{what} has a bidirectional override, {char}, after '{before}'"),
            N_("{what} has a bidirectional override, {char}, at the start"),
            N_(
                "it shows the text after it in another order than it is written, so the card "
                "reads otherwise than the file: delete it (an editor may not show it)"
            ),
        )

    def _char_warning(
        self, node: yaml.Node, what: str, text: str, at: int, after: str, start: str, hint: str
    ) -> None:
        """A warning for the character at `at` in a text: `after` names what comes before it,
        `start` is said when nothing does (each marked with N_, translated here)."""
        from actionplan.plan.yaml_problems import describe_char

        before = text[:at]
        message = _(after) if before.strip() else _(start)
        self.problems.warning(
            self.places.pos(node),
            message.format(what=what, char=describe_char(text[at]), before=short(before)),
            _(hint),
        )

    def boolean(self, node: yaml.Node, what: str) -> Any:
        scalar = self._scalar(node, what, N_("true or false"))
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if scalar.tag == _BOOL and value in BOOLS:
            return BOOLS[value]
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
        if word is not None and value.strip().lower() not in BOOLS:
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

    def whole_number(self, node: yaml.Node, what: str) -> Any:
        scalar = self._scalar(node, what, N_("a whole number"))
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
        if len(value.lstrip("0")) > _MOST_DIGITS:
            # Python reads at most 4 300 digits as a number, and no count in a plan needs ten.
            return self.fail(
                node,
                _("{what} is too large a number: '{value}'").format(what=what, value=short(value)),
                _("write a number of at most {n} digits, such as 365").format(n=_MOST_DIGITS),
            )
        return int(value)

    def date(self, node: yaml.Node, what: str) -> Any:
        scalar = self._scalar(node, what, N_("a date"))
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

    def choice(self, node: yaml.Node, choices: tuple[str, ...], what: str) -> Any:
        if isinstance(node, yaml.ScalarNode) and node.value in choices:
            return node.value
        scalar = self._scalar(node, what, N_("one of {choices}"), choices)
        if scalar is None:
            return INVALID
        value: str = scalar.value
        if value not in choices:
            return self.fail(
                node,
                _("{what} must be one of {choices}, found '{value}'").format(
                    what=what, choices=", ".join(choices), value=short(value)
                ),
                did_you_mean(value, choices, "value"),
            )
        return value

    def _address(self, node: yaml.Node, url: str, what: str) -> Any:
        """A web address that leads to no site is refused; one whose host has a letter of
        another alphabet than the Latin one is warned of (it may look like another site's)."""
        reason = markdown.host_problem(url)
        if reason is not None:
            return self.fail(
                node,
                _("{what} leads to no site: '{value}'").format(what=what, value=short(url)),
                _(markdown.NO_SITE_HINT).format(reason=_(reason)),
            )
        self._lookalike(node, what, url, url)
        return url

    def _lookalike(self, node: yaml.Node, what: str, value: str, url: str) -> None:
        """A warning where the host of `url` (a web address, or mailto: an e-mail address) has a
        letter of another alphabet than the Latin one (markdown.not_latin)."""
        lookalike = markdown.not_latin(url)
        if lookalike is not None:
            warning = markdown.looks_like(what, value, *lookalike)
            self.problems.warning(self.places.pos(node), *warning)

    def check_format(self, node: yaml.Node, value: str, tag: str, what: str) -> Any:
        """The text read for a value of a format (model.py's Annotated tags), checked."""
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
            if tag == "url" and markdown.hides_host(value):
                return self.fail(
                    node,
                    _("{what} has a name before '@' in its host: '{value}'").format(
                        what=what, value=short(value)
                    ),
                    _(markdown.HIDDEN_HOST_HINT),
                )
            if not re.match(pattern, value.strip()):
                message = _("{what} is not {name}: '{value}'")
                return self.fail(
                    node, message.format(what=what, name=_(name), value=short(value)), _(hint)
                )
            if tag == "url":
                return self._address(node, value.strip(), what)
            if tag == "email":
                self._lookalike(node, what, value.strip(), "mailto:" + value.strip())
            if tag == "phone" and markdown.too_many_digits(value):
                return self.fail(node, *markdown.too_long_number(value, what))
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


def kind_name(node: yaml.Node) -> str:
    """What a node is, in the words of a message: a mapping, a list, nothing, or its text."""
    if isinstance(node, yaml.MappingNode):
        return _("a mapping (key: value lines)")
    if isinstance(node, yaml.SequenceNode):
        return _("a list")
    if node.tag == _NULL:
        return _("nothing")
    return f"'{short(node.value)}'"


_SPELLED_OUT = {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}


def id_problem(value: str, what: str | None = None) -> tuple[str, str] | None:
    """(message, hint) when value is not a usable id: an id written as a key, or the value of the
    field `what` that names one."""
    if ID_PATTERN.match(value) and len(value) <= MAX_ID_LENGTH and value not in NOT_IDS:
        return None  # as below, at once: the ids of a plan are read in every build
    from actionplan.plan.yaml_problems import INVISIBLE, describe_char, invisible_char

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


def is_null_word(node: yaml.Node) -> bool:
    """A plain 'null', 'Null', 'NULL' or '~': written as a value, read as none."""
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL and bool(node.value)


def _quoted(text: str) -> str:
    """The text as a YAML double-quoted string."""
    return json.dumps(text, ensure_ascii=False)


def is_placeholder(node: yaml.Node) -> bool:
    return (
        isinstance(node, yaml.MappingNode)
        and len(node.value) == 1
        and getattr(node.value[0][0], "value", None) == "placeholder"
    )


_KNOWN = {
    "kind": N_("known kinds: {known}"),
    "key": N_("known keys: {known}"),
    "value": N_("known values: {known}"),
}


def did_you_mean(word: str, known: typing.Iterable[str], noun: str) -> str:
    known = list(known)
    match = closest(word, known)
    if match:
        return _("did you mean '{match}'?").format(match=match)
    return _(_KNOWN[noun]).format(known=", ".join(known))
