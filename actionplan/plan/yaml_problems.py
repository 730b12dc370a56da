"""What YAML's parser says about a file it cannot read, said in words an author understands.

The parser names what it expected where it stumbled ("did not find expected key"), which is often
a line or more after the mistake.  The rules below look at the text around that place first (a
tab, an invisible character, a quote that ends too early or never, a line out of line with its
mapping), then at the parser's words, in one table of (pattern, explanation).  The first rule
that recognises the failure explains it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from typing import Protocol

import yaml

from actionplan.errors import Pos, Problem, short
from actionplan.frozen import frozen
from actionplan.i18n import N_, _

_SCANNER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # tokens only: no type is resolved

# Characters that show as nothing, or as a plain space, where YAML and ids see something else:
# zero-width characters, a byte order mark, a soft hyphen, direction marks and controls, and
# spaces that are not the space bar's.
INVISIBLE = re.compile(
    "[\u00a0\u00ad\u180e\u200b-\u200f\u202a-\u202f\u2060-\u2064\u2066-\u2069\u3000\ufeff]"
)
# Names where Unicode's misleads (ZERO WIDTH NO-BREAK SPACE) or there is none (a control).
_NAMES = {
    "\ufeff": "byte order mark",
    "\x85": "next line",
    "\x00": "null",
    "\x07": "bell",
    "\x08": "backspace",
    "\x1b": "escape",
}


def invisible_char(text: str) -> tuple[int, str] | None:
    """The first invisible character in text and its index, if there is one."""
    match = INVISIBLE.search(text)
    return (match.start(), match.group()) if match else None


def describe_char(char: str) -> str:
    """A character by its code and name, as 'U+200B (zero width space)'."""
    name = _NAMES.get(char) or unicodedata.name(char, "").lower()
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


class Mark(Protocol):
    """A place in a text as a parser marks it: PyYAML's Mark, or libyaml's with the same fields."""

    @property
    def line(self) -> int: ...

    @property
    def column(self) -> int: ...


@frozen
class Failure:
    """Where and what the parser said, with the text it said it about."""

    name: str
    text: str
    lines: list[str]
    problem: str  # the parser's words
    context: str  # what it was reading, such as "while parsing a block mapping"
    mark: yaml.Mark | None  # where it stumbled
    begun: yaml.Mark | None  # where what it was reading began

    def pos(self, mark: yaml.Mark | None = None) -> Pos:
        return mark_pos(self.name, self.text, mark or self.mark)

    def line(self, index: int) -> str:
        return self.lines[index] if 0 <= index < len(self.lines) else ""

    @property
    def char(self) -> str:
        if self.mark is None:
            return ""
        row = self.line(self.mark.line)
        return row[self.mark.column] if self.mark.column < len(row) else ""


Explain = Callable[[Failure], "Problem | None"]


def explain(exc: yaml.MarkedYAMLError, name: str, text: str) -> Problem:
    """The parser's failure as a Problem: at the place of the mistake, in plain words."""
    failure = Failure(
        name=name,
        text=text,
        lines=text.splitlines(),
        problem=(exc.problem or exc.context or "not valid YAML").strip(),
        context=exc.context or "",
        mark=exc.problem_mark or exc.context_mark,
        begun=exc.context_mark or exc.problem_mark,
    )
    for rule in _FROM_THE_TEXT:
        problem = rule(failure)
        if problem is not None:
            return problem
    for pattern, rule in _BY_MESSAGE:
        if re.search(pattern, failure.problem):
            problem = rule(failure)
            if problem is not None:
                return problem
    # No rule knows these words: the parser's own, and where to look.
    return Problem(
        failure.pos(),
        _("not valid YAML: {problem}").format(problem=failure.problem),
        _("look at this line and the one above it: quotes, brackets, ':' and indentation"),
    )


def mark_pos(name: str, text: str, mark: Mark | None) -> Pos:
    """The mark's position, moved back to the end of the text if the parser ran past it."""
    if mark is None:
        return Pos(name)
    lines = text.splitlines() or [""]
    if mark.line >= len(lines):
        return Pos(name, len(lines), len(lines[-1]) + 1)
    return Pos(name, mark.line + 1, mark.column + 1)


def _say(message: str, hint: str, at_begun: bool = False) -> Explain:
    """A rule that always says the same, where the parser stumbled or where the thing began;
    the message and hint are marked with N_ and translated when said."""
    return lambda f: Problem(f.pos(f.begun if at_begun else None), _(message), _(hint))


# Rules that look at the text -----------------------------------------------------------------


def _tab(f: Failure) -> Problem | None:
    if f.char != "\t":
        return None
    return Problem(
        f.pos(),
        _("tab character in indentation"),
        _("YAML indents with spaces only: replace the tab with spaces"),
    )


def _invisible(f: Failure) -> Problem | None:
    """An invisible character on the line, before the place or at it, is what the parser hit."""
    if f.mark is None:
        return None
    row = f.line(f.mark.line)
    found = invisible_char(row[: f.mark.column + 1])
    if found is None:
        return None
    column, char = found
    return Problem(
        Pos(f.name, f.mark.line + 1, column + 1),
        _("an invisible character, {char}, is in the way here").format(char=describe_char(char)),
        _("delete it: as it cannot be seen, delete the characters around it and type them again"),
    )


def _unclosed_quote(f: Failure) -> Problem | None:
    """A quoted text without its closing quote runs on to the next quote mark in the file, and
    the parser stumbles only there: the author needs the line where the quote was opened."""
    token = _token_before(f)
    if (
        isinstance(token, yaml.ScalarToken)
        and token.style in ("'", '"')
        and token.end_mark.line > token.start_mark.line
    ):
        return Problem(
            f.pos(token.start_mark),
            _("this quoted text has no closing quote"),
            _("end it with the same quote mark it starts with, on the same line"),
        )
    return None


def _quote_ends_early(f: Failure) -> Problem | None:
    """A quote mark inside a quoted text ends it: `"Få "deepfaken" fjernet"`, `'Don't'`."""
    token = _token_before(f)
    if not (
        isinstance(token, yaml.ScalarToken)
        and token.style in ("'", '"')
        and f.mark is not None
        and token.end_mark.line == f.mark.line
        and not f.line(f.mark.line)[token.end_mark.column : f.mark.column].strip()
        and f.char not in (":", "#", "")
    ):
        return None
    row = f.line(f.mark.line)
    written = row[token.start_mark.column :].rstrip()
    inner = written[1:-1] if written.endswith(token.style) else written[1:]
    in_single = "'" + inner.replace("'", "''") + "'"
    rest = short(row[f.mark.column :], 20)
    if token.style == '"':
        message = _("the quoted text ends at the '\"' before '{rest}'").format(rest=rest)
        hint = _('write text with " in it in single quotes: {quoted}').format(quoted=in_single)
    else:
        message = _("the quoted text ends at the apostrophe before '{rest}'").format(rest=rest)
        hint = _(
            "write an apostrophe twice inside single quotes: {quoted}, "
            "or use double quotes: {double}"
        ).format(quoted=in_single, double=json.dumps(inner, ensure_ascii=False))
    return Problem(Pos(f.name, f.mark.line + 1, token.end_mark.column), message, hint)


def _token_before(f: Failure) -> yaml.Token | None:
    """The last token the scanner read before the place of the failure."""
    if f.mark is None:
        return None
    last = None
    try:
        for token in yaml.scan(f.text, Loader=_SCANNER):
            if (token.start_mark.line, token.start_mark.column) >= (f.mark.line, f.mark.column):
                break
            last = token
    except yaml.YAMLError:
        pass
    return last


_FROM_THE_TEXT: tuple[Explain, ...] = (_tab, _invisible, _unclosed_quote, _quote_ends_early)


# Rules by the parser's words -----------------------------------------------------------------


def _content(row: str) -> bool:
    return bool(row.strip()) and not row.lstrip().startswith("#")


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def _key_column(row: str) -> int:
    """Where the key of a line starts: after the '- ' of a list item."""
    match = re.match(r" *(?:- +)*", row)
    return match.end() if match else 0


def _key(row: str) -> str:
    return short(row.strip().removeprefix("- ").split(":", 1)[0].strip(), 30)


def _misaligned(f: Failure) -> Problem | None:
    """A line that is not lined up with the mapping (or list) it belongs to, named with the lines
    it falls between, one of which may be the one that is wrong."""
    if f.mark is None or not _content(f.line(f.mark.line)):
        return None
    indented_too_far = _indented_under_value(f)
    if indented_too_far is not None:
        return indented_too_far
    at = f.mark.line
    row = f.line(at)
    column = _indent(row)
    above = next((i for i in range(at - 1, -1, -1) if _content(f.line(i))), None)
    parent = next(
        (i for i in range(at - 1, -1, -1) if _content(f.line(i)) and _indent(f.line(i)) < column),
        None,
    )
    where = {"key": _key(row), "column": column + 1}
    if above is not None and _key_column(f.line(above)) > column:
        inner = _described(f, above)
        if parent == above:  # between the '- ' of a list item and its key
            return Problem(
                Pos(f.name, at + 1, column + 1),
                _(
                    "bad indentation: '{key}' starts in column {column}, "
                    "but {inner} is the key it lines up with"
                ).format(**where, inner=inner),
                _("indent it to column {column}, with spaces").format(
                    column=_key_column(f.line(above)) + 1
                ),
            )
        if parent is not None:
            outer = _described(f, parent)
            return Problem(
                Pos(f.name, at + 1, column + 1),
                _(
                    "bad indentation: '{key}' starts in column {column}, "
                    "between {outer} and {inner}"
                ).format(**where, outer=outer, inner=inner),
                _("indent it as far as the key it belongs with, with spaces"),
            )
    # the file's first line sets the column of its top-level keys
    first = next((i for i, r in enumerate(f.lines) if _content(r)), at)
    if parent is not None or first == at or _indent(f.line(first)) == column:
        return None
    return Problem(
        Pos(f.name, at + 1, column + 1),
        _(
            "bad indentation: '{key}' starts in column {column}, but the file's first key, "
            "'{first}' on line {line}, in column {first_column}"
        ).format(
            **where,
            first=_key(f.line(first)),
            line=first + 1,
            first_column=_indent(f.line(first)) + 1,
        ),
        _("start the top-level keys in the same column, with spaces"),
    )


def _described(f: Failure, index: int) -> str:
    """A line by its key, number and column: "'title' on line 24 (column 5)"."""
    row = f.line(index)
    return _("'{key}' on line {line} (column {column})").format(
        key=_key(row), line=index + 1, column=_key_column(row) + 1
    )


def _indented_under_value(f: Failure) -> Problem | None:
    """'mapping values are not allowed' on a line indented below a 'key: value' line: a key
    indented too far."""
    if f.mark is None:
        return None
    at = f.mark.line
    above = next((i for i in range(at - 1, -1, -1) if _content(f.line(i))), None)
    row = f.line(at)
    if above is None or not _KEY_AND_VALUE.match(f.line(above)) or not _content(row):
        return None
    column, other_column = _indent(row), _key_column(f.line(above))
    if column <= other_column:
        return None
    return Problem(
        Pos(f.name, at + 1, column + 1),
        _(
            "bad indentation: '{key}' starts in column {column}, further in than "
            "'{other}' on line {line}, in column {other_column}"
        ).format(
            key=_key(row),
            column=column + 1,
            other=_key(f.line(above)),
            line=above + 1,
            other_column=other_column + 1,
        ),
        _(
            "line up the keys of one mapping in the same column, with spaces; "
            "put text that contains ': ' in quotes"
        ),
    )


_KEY_AND_VALUE = re.compile(r" *(?:- +)?[^\s#:][^:#]*: +[^\s|>&*#]")
_BLOCK_TEXT_KEY = re.compile(r" *(?:- +)?[^\s#:][^:#]*: *[|>][-+0-9]*\s*(?:#.*)?\Z")


def _key_without_colon(f: Failure) -> Problem | None:
    """'could not find expected ':'', noticed on the line after the key."""
    begun = f.begun or f.mark
    if begun is None:
        return None
    at = begun.line
    row = f.line(at)
    above = next((i for i in range(at - 1, -1, -1) if _content(f.line(i))), None)
    if above is not None:
        # the nearest line above that is indented no further: a block text's key, or a list item
        parent = next(
            (
                i
                for i in range(above, -1, -1)
                if _content(f.line(i)) and _indent(f.line(i)) <= _indent(row)
            ),
            None,
        )
        if parent is not None and _BLOCK_TEXT_KEY.match(f.line(parent)):
            return Problem(
                f.pos(begun),
                _("this line of text is not indented under '{key}' on line {line}").format(
                    key=_key(f.line(parent)), line=parent + 1
                ),
                _("indent it as far as the text's first line, line {line}").format(line=parent + 2),
            )
        item = f.line(above)
        if item.lstrip().startswith("- ") and _indent(item) == _indent(row):
            return Problem(
                f.pos(begun),
                _("a line in a list without '- '"),
                _("start each item of the list with '- ', as on the line above"),
            )
    return Problem(f.pos(begun), _("a key without ':'"), _("write 'key: value', or quote the text"))


def _second_property(f: Failure) -> Problem | None:
    """A second anchor ('&a &b value') or tag before one value: the parser, which takes one of
    each, says it found no key, as if the line were indented wrongly."""
    if f.char not in ("&", "!") or f.mark is None:
        return None
    row = f.line(f.mark.line)
    before = row[: f.mark.column].split()
    if not before or before[-1][0] not in "&!" or len(before[-1]) < 2:
        return None
    first = next((word for word in reversed(before) if word[0] == f.char), before[-1])
    written = row[f.mark.column :].split()[0]
    return Problem(
        f.pos(),
        _("'{second}' after '{first}': a value has at most one anchor ('&name')").format(
            second=written, first=first
        )
        if f.char == "&"
        else _("'{second}' after '{first}': a value has at most one tag").format(
            second=written, first=first
        ),
        _("remove one of them, or put text that starts with '&' or '!' in quotes"),
    )


def _stray_bracket(f: Failure) -> Problem | None:
    if f.char not in ("]", "}"):
        return None
    return Problem(
        f.pos(),
        _("a '{closing}' without a '{opening}' before it").format(
            closing=f.char, opening="[" if f.char == "]" else "{"
        ),
        _("remove it, or put the text in quotes"),
    )


def _unclosed_bracket(f: Failure) -> Problem | None:
    opening, closing = ("[", "]") if "]" in f.problem else ("{", "}")
    return Problem(
        f.pos(f.begun),
        _("this '{opening}' is not closed with '{closing}'").format(
            opening=opening, closing=closing
        ),
        _(
            "end it with '{closing}' on the same line, "
            "and put text that contains ',' or ':' in quotes"
        ).format(closing=closing),
    )


def _cannot_start(f: Failure) -> Problem | None:
    return Problem(
        f.pos(),
        _("text cannot start with '{char}'").format(char=f.char) if f.char.strip() else f.problem,
        _("put the text in quotes"),
    )


def _unexpected_end(f: Failure) -> Problem | None:
    if "quoted scalar" not in f.context:
        return None
    return Problem(
        f.pos(f.begun),
        _("this quoted text has no closing quote"),
        _("end it with the same quote mark it starts with"),
    )


def _escape(f: Failure) -> Problem | None:
    r"""A backslash in double quotes starts an escape, which `"a \q"` or `"\u12"` is not."""
    if f.mark is None:
        return None
    row = f.line(f.mark.line)
    start = row.rfind("\\", 0, f.mark.column + 1)
    if start < 0:
        return None
    found = re.match(r"\\(?:x[0-9A-Fa-f]{,2}|u[0-9A-Fa-f]{,4}|U[0-9A-Fa-f]{,8}|.?)", row[start:])
    written = found.group() if found else "\\"
    if "unknown escape" in f.problem:
        message = _("'{escape}' is not an escape YAML knows").format(escape=written)
    elif "hexdecimal" in f.problem:
        message = _("'{escape}' is not a whole character code").format(escape=written)
    else:
        message = _("'{escape}' is not a character a plan can hold").format(escape=written)
    return Problem(
        Pos(f.name, f.mark.line + 1, start + 1),
        message,
        _(
            "in double quotes a backslash starts an escape: write it twice ('\\\\'), or put "
            "the text in single quotes, where a backslash is just a backslash"
        ),
    )


# (a pattern of the parser's words, the rule that explains them); in order, the first that
# explains wins.
_BY_MESSAGE: tuple[tuple[str, Explain], ...] = (
    (
        "found undefined alias",
        _say(
            N_("a value starting with '*' must name an anchor ('&name') above it"),
            N_("put text that starts with '*' in quotes"),
        ),
    ),
    ("mapping values are not allowed", _indented_under_value),
    (
        "mapping values are not allowed",
        _say(
            N_("unexpected ':'"),
            N_("put text that contains ': ' in quotes, or check the indentation above"),
        ),
    ),
    ("expected", _stray_bracket),
    (r"did not find expected key|expected '-' indicator", _second_property),
    (
        r"expected <block end>|did not find expected key|expected '-' indicator"
        r"|expected <document start>",
        _misaligned,
    ),
    (
        r"expected <block end>|did not find expected key|expected '-' indicator",
        _say(
            N_("bad indentation"),
            N_("line up keys of the same mapping at the same column, with spaces"),
        ),
    ),
    ("could not find expected ':'", _key_without_colon),
    (r"expected ',' or '[\]}]'", _unclosed_bracket),
    ("unexpected end of stream", _unexpected_end),
    (
        "block sequence entries are not allowed",
        _say(
            N_("a list cannot start on the same line as its key"),
            N_("put each '- item' on a line of its own, indented below the key"),
        ),
    ),
    (
        "did not find expected node content",
        _say(
            N_("a value is missing here"),
            N_("check for a '[' or '{' that is not closed, or a ',' too many"),
        ),
    ),
    (r"found character .* cannot start any token", _cannot_start),
    (
        r"unknown escape character|expected hexdecimal number|invalid Unicode character escape",
        _escape,
    ),
    (
        "undefined tag handle",
        _say(
            N_("tags ('!name' before a value) are not supported"),
            N_("remove the word that starts with '!', or put text that starts with '!' in quotes"),
        ),
    ),
    (
        "mapping keys are not allowed",
        _say(
            N_("a value cannot start with '? '"),
            N_("put text that starts with '?' in quotes"),
        ),
    ),
    (
        "expected comment or line break",
        lambda f: (
            Problem(
                f.pos(),
                _("only a number, '+' or '-' may follow '|' or '>' on its line"),
                _("start the text on the next line, indented below the key"),
            )
            if "block scalar" in f.context
            else Problem(
                f.pos(),
                _("unexpected text after the value"),
                _("put the whole value in quotes, or put a space before a comment's '#'"),
            )
        ),
    ),
    (
        "expected <document start>",
        _say(
            N_("the YAML document ended before this line"),
            N_(
                "remove a line of '...' or one starting with '%' above, "
                "or indent this line under its key"
            ),
        ),
    ),
)
