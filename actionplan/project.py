"""Where things are: a project's content, its template overrides, its output, and the defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from actionplan import files
from actionplan.errors import PlanError, Pos, display_path
from actionplan.plan.loader import YAML_SUFFIXES, holds_base

PACKAGE_DIR = Path(__file__).resolve().parent
# The content folder of the base plan for projects that hold only a local layer; by default the
# installed actionplan's.  For a base kept elsewhere (a region's shared plan, or a test's fixture).
BASE_ENV = "ACTIONPLAN_BASE"
LOCK_FILE = "base-lock.json"  # in the content folder: the base plan the project last reviewed


def default_dir(name: str) -> Path:
    """The default 'content', 'templates' or 'schema' folder.

    An installed wheel carries them inside the package; in a checkout of the repository they are
    the top-level folders, the single source the wheel is built from.
    """
    packaged = PACKAGE_DIR / "_default" / name
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / name


def default_base() -> Path:
    """The content folder of the base plan: $ACTIONPLAN_BASE, or the installed actionplan's."""
    return Path(os.environ.get(BASE_ENV) or default_dir("content"))


def base_for(content: Path) -> Path | None:
    """The base plan a content folder's local layer applies to; None when it holds its own."""
    return None if holds_base(content) else default_base()


@dataclass(frozen=True)
class Project:
    """A plan's folders: `root` holds content/, an optional templates/ and the build/ output.

    `base` is the content folder of the base plan when content/ holds only a local layer (a
    project made by `actionplan new`), and None when content/ holds the whole plan (this
    repository, a fork of it, or a project made with `new --copy-base`).
    """

    root: Path
    content: Path
    templates: Path | None
    build: Path
    base: Path | None = None

    @property
    def lock(self) -> Path:
        """The record of the base plan last reviewed (see actionplan.commands.diff)."""
        return self.content / LOCK_FILE

    @classmethod
    def find(cls, path: Path | str = ".") -> Project:
        """The project at path: a folder with content/ in it, or the content folder itself.

        A folder with neither content/ nor a YAML file of its own is neither: reading every
        YAML file below it would report other projects' files as mistakes in this one.
        """
        path = Path(path)
        if (path / "content").is_dir():
            root, content = path, path / "content"
        else:
            if path.is_dir() and not _has_yaml(path):
                raise PlanError.at(Pos(display_path(path, path)), *_not_a_plan(path))
            root, content = path.parent if path.name == "content" else path, path
        templates = root / "templates"
        for folder in (content, templates):
            _refuse_link_out(folder, root)
        if os.path.lexists(templates) and not templates.is_dir():  # a file, a link that loops
            try:
                os.stat(templates)
            except OSError as exc:
                raise files.error(display_path(templates), exc, "link") from None
            raise PlanError.at(
                Pos(display_path(templates)),
                "is not a folder",
                "the project's own templates go in a folder named templates/",
            )
        return cls(
            root=root,
            content=content,
            templates=templates if templates.is_dir() else None,
            build=root / "build",
            base=base_for(content),
        )


def _refuse_link_out(folder: Path, root: Path) -> None:
    """A project's content/ or templates/ that is a symbolic link out of the project is refused
    before anything is read: one to '/' or a home folder would be walked whole, or publish
    whatever it holds."""
    if folder.is_symlink() and folder != root and not files.inside(folder, root):
        raise PlanError.at(
            Pos(display_path(folder)),
            "links to a folder outside the project's folder",
            f"copy the folder into {display_path(root)} instead of linking to it",
        )


def _has_yaml(folder: Path) -> bool:
    """Whether the folder has a YAML file of its own (an unreadable one is left to the loader)."""
    try:
        return any(p.suffix.lower() in YAML_SUFFIXES and p.is_file() for p in folder.iterdir())
    except OSError:
        return True


def _not_a_plan(folder: Path) -> tuple[str, str]:
    """What is wrong with a folder that holds no plan, and where the plan might be instead."""
    try:
        projects = sorted(p.name for p in folder.iterdir() if (p / "content").is_dir())
    except OSError:
        projects = []
    if projects:
        hint = f"did you mean {projects[0]}/? Give the folder that has content/ in it"
    else:
        hint = "give the project folder, which has content/ in it, or the content folder itself"
    return "no plan here: no content/ folder and no .yaml files", hint
