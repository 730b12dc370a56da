"""Problems found in a plan, each pointing at the file, line and column it is about.

Every stage reports into a `Problems` collector; a stage that cannot go on raises a `PlanError`
with what it found.  An `ActionplanError` shows itself and carries the exit code it ends a command
with, so the command line catches that one class and prints it.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from actionplan.frozen import frozen

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class Pos(NamedTuple):
    """A place in a content file; line and column count from 1.

    A named tuple, not a dataclass: a large plan has a few hundred thousand of them, and a tuple
    is made in a third of the time.
    """

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"  # refused by --strict
    NOTE = "note"  # shown, never refused: a draft's gaps, upstream's review dates


@frozen
class Problem:
    """One thing wrong with a plan: where, what, and how to fix it."""

    pos: Pos
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, styled: bool = False) -> str:
        """`file:line:col: severity: message (hint)`, on one line, with every character that a
        terminal would act on written out (`visible`); with `styled`, the severity in colour."""
        word = self.severity.value
        if styled:
            import click  # only where a problem is shown: reading a plan never needs it

            word = click.style(word, fg=_COLOURS[self.severity], bold=True)
        text = f"{visible(str(self.pos))}: {word}: {visible(self.message)}"
        if self.hint:
            text += f" ({visible(self.hint)})"
        return text

    def __str__(self) -> str:
        return self.format()


_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.NOTE: "cyan"}

# What a message may quote from a plan or a file's name but must not pass to a terminal as it is:
# control characters (an escape sequence can recolour, retitle or clear the terminal, a carriage
# return overwrite the line), the explicit direction marks and overrides (they reorder the text
# shown around them) and the line and paragraph separators (a message is one line).
_UNSEEN = [*range(0x20), *range(0x7F, 0xA0), 0x61C, 0x200E, 0x200F, *range(0x2028, 0x202F)]
_VISIBLE = {c: (f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}") for c in _UNSEEN}
_VISIBLE.update({c: f"\\u{c:04x}" for c in range(0x2066, 0x206A)})


def visible(text: str) -> str:
    r"""The text with each character a terminal would act on, or that would reorder or break
    the line, written as its escape (`\x1b`, `\u202e`), so that the author sees what is there."""
    if text.isprintable():  # no such character (and nothing else unusual): the common case
        return text
    return text.translate(_VISIBLE)


class Problems(list[Problem]):
    """The problems found so far: each stage reports into one, and the caller decides to go on."""

    def error(self, pos: Pos, message: str, hint: str = "") -> None:
        self.append(Problem(pos, message, hint))

    def warning(self, pos: Pos, message: str, hint: str = "") -> None:
        self.append(Problem(pos, message, hint, Severity.WARNING))

    def note(self, pos: Pos, message: str, hint: str = "") -> None:
        self.append(Problem(pos, message, hint, Severity.NOTE))

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self)

    def stop_on_errors(self) -> None:
        """Raise a PlanError with every problem found, when one of them is an error."""
        if self.has_errors:
            raise PlanError(self)


def show(problems: Iterable[Problem], color: bool | None = None) -> None:
    """Print each problem on a line of standard error; colour as click decides (`color`)."""
    import click

    for p in problems:
        click.echo(p.format(styled=color is not False), err=True, color=color)


class ActionplanError(Exception):
    """A failure the author can fix: it shows itself and ends a command with `exit_code`."""

    exit_code = EXIT_CONTENT

    def show(self, color: bool | None = None) -> None:
        import click

        lines = str(self).split("\n")  # each line of the message as it is meant, shown safely
        click.echo(
            "\n".join(visible(line) for line in [f"error: {lines[0]}", *lines[1:]]),
            err=True,
            color=color,
        )


class PlanError(ActionplanError):
    """Raised when a plan cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    @classmethod
    def at(cls, pos: Pos, message: str, hint: str = "") -> PlanError:
        return cls([Problem(pos, message, hint)])

    def show(self, color: bool | None = None) -> None:
        show(self.problems, color)


def short(text: str, limit: int = 40) -> str:
    """The text on one line and cut to `limit`, to quote it in a message."""
    text = " ".join(text.splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_path(path: Path) -> str:
    """The path as the author can open it: relative to the working directory where possible.

    Symbolic links are not followed, so that a message names the file the author sees.
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()
