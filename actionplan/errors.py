"""Problems found in a plan, each pointing at the file, line and column it is about."""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple


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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a plan: where, what, and how to fix it."""

    pos: Pos
    message: str
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self) -> str:
        text = f"{self.pos}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    def __str__(self) -> str:
        return self.format()


class PlanError(Exception):
    """Raised when a plan cannot be used; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))

    @classmethod
    def at(cls, pos: Pos, message: str, hint: str = "") -> PlanError:
        return cls([Problem(pos, message, hint)])


def short(text: str, limit: int = 40) -> str:
    """The text on one line and cut to `limit`, to quote it in a message."""
    text = " ".join(text.splitlines())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as the author can open it: relative to the working directory where possible.

    Symbolic links are not followed, so that a message names the file the author sees.
    """
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()
