"""Theme: the default theme's files, which of them a project overrides, and a copy of one to edit.

The default theme lives inside the installed package, where an author would not look for it;
`actionplan theme` shows its files, and `actionplan theme copy NAME` puts one into the project's
templates/, where it overrides the default (docs/theming.md).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from actionplan import files
from actionplan.errors import PlanError, Pos, display_path
from actionplan.frozen import frozen
from actionplan.i18n import _
from actionplan.project import default_dir
from actionplan.suggest import closest


@frozen
class ThemeFile:
    """A file of the theme, as a template names it (`i18n/da.yaml`), and whose it is."""

    name: str
    default: bool  # the default theme has it
    own: bool  # the project's templates/ has it: an override, or a file of its own


def default_theme() -> Path:
    return default_dir("templates")


def _names(folder: Path) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in files.walk(folder, _hidden)]


def _hidden(name: str) -> bool:
    return name.startswith(".") or name == "__pycache__"


def theme_files(templates: Path | None) -> list[ThemeFile]:
    """The default theme's files and the project's own, by name."""
    default = set(_names(default_theme()))
    own = set(_names(templates)) if templates is not None and templates.is_dir() else set()
    return [ThemeFile(n, n in default, n in own) for n in sorted(default | own)]


def copy_to_project(name: str, templates: Path) -> Path:
    """Copy the default theme's file `name` into templates/ to edit; never overwrites."""
    default = _names(default_theme())
    if name not in default:
        guess = closest(name, default)
        raise PlanError.at(
            Pos(name),
            _("not a file of the default theme"),
            _("did you mean {guess}?").format(guess=guess)
            if guess
            else _("`actionplan theme` lists them"),
        )
    source = default_theme() / name
    target = templates / name
    data = files.read_bytes(source)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:  # a file, or a link to nothing, where a folder of it should be
        raise files.error(
            display_path(target), OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR))
        ) from None
    except OSError as exc:
        raise files.error(display_path(target), exc) from None
    try:
        with target.open("xb") as out:  # exclusive: an edited copy is never overwritten
            out.write(data)
    except FileExistsError:
        raise PlanError.at(
            Pos(display_path(target)),
            _("already exists: your own copy, which overrides the default"),
            _("edit it, or remove it first to copy the default again"),
        ) from None
    except OSError as exc:
        raise files.error(display_path(target), exc) from None
    return target
