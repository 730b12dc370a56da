"""Where things are: a project's content, its template overrides, its output, and the defaults."""

from __future__ import annotations

import os
import re
from pathlib import Path

from actionplan import files
from actionplan.errors import PlanError, Pos, display_path
from actionplan.frozen import frozen
from actionplan.i18n import _

PACKAGE_DIR = Path(__file__).resolve().parent
# The content folder of the base plan for projects that hold only a local layer; by default the
# installed actionplan's.  For a base kept elsewhere (a region's shared plan, or a test's fixture).
BASE_ENV = "ACTIONPLAN_BASE"
LOCK_FILE = "base-lock.json"  # in the content folder: the base plan the project last reviewed
PLANS_DIR = "plans"  # the project's further plans, one folder each: plans/<id>/
SHARED_DIR = "shared"  # the local layer every plan of the project shares: contacts, laws, look
FIRST_PLAN = "content"  # the name of the plan in content/, for --plan
INDEX_NAME = "plans.html"  # the index of a project's plans, in the build folder
_PLAN_ID = r"[a-z0-9][a-z0-9-]*\Z"  # compiled by a project of several plans, not at import
_DEVICE_NAME = r"(?:con|prn|aux|nul|com[1-9]|lpt[1-9])\Z"  # no file or folder so on Windows


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
    """The content folder of the base plan: $ACTIONPLAN_BASE, or the installed actionplan's.

    A folder the variable names that is no base plan is an error that names the variable: set
    long ago or by another project, it is easily forgotten, and a message about the folder
    alone would leave the author looking in their own project.
    """
    given = os.environ.get(BASE_ENV)
    if not given:
        return default_dir("content")
    path = Path(given)
    if not path.is_dir():
        problem = _("{variable} names this as the base plan's folder, but it is not a folder")
    else:
        from actionplan.plan.loader import holds_base  # here: finding a project reads no YAML

        if holds_base(path):
            return path
        problem = _(
            "{variable} names this as the base plan's folder, but it holds only a local layer"
        )
    raise PlanError.at(
        Pos(display_path(path)),
        problem.format(variable=BASE_ENV),
        _(
            "set {variable} to the content folder of a base plan, or unset it to use the "
            "installed actionplan's"
        ).format(variable=BASE_ENV),
    )


def base_for(content: Path) -> Path | None:
    """The base plan a content folder's local layer applies to; None when it holds its own."""
    from actionplan.plan.loader import holds_base  # here: finding a project reads no YAML

    return None if holds_base(content) else default_base()


@frozen
class PlanFolder:
    """One plan of a project: content/ (named 'content') or a folder plans/<name>/.

    `base` is as Project.base; `out` is where its card goes, relative to the build folder.
    """

    name: str
    content: Path
    base: Path | None
    out: str  # "index.html" for content/, "<name>/index.html" for plans/<name>/

    @property
    def lock(self) -> Path:
        return self.content / LOCK_FILE

    def link_from(self, other: PlanFolder) -> str:
        """The relative address of this plan's card from the card of `other`."""
        up = "../" * other.out.count("/")
        return up + self.out


@frozen
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
    shared: Path | None = None  # shared/: the local layer of every plan, when the project has it

    @property
    def lock(self) -> Path:
        """The record of the base plan last reviewed (see actionplan.commands.diff)."""
        return self.content / LOCK_FILE

    @property
    def plans(self) -> list[PlanFolder]:
        """The project's plans: content/ first, then each folder in plans/ by name."""
        first = PlanFolder(FIRST_PLAN, self.content, self.base, "index.html")
        folder = self.root / PLANS_DIR
        if self.content == self.root or not folder.is_dir():
            return [first]
        _refuse_link_out(folder, self.root)
        from actionplan.plan.loader import holds_base

        found = [first]
        entries = sorted(files.list_folder(folder), key=lambda e: e.name)
        for entry in entries:
            if entry.name.startswith((".", "_")) or not entry.is_dir():
                continue
            path = folder / entry.name
            where = Pos(display_path(path))
            _refuse_link_out(path, self.root)
            problem = plan_name_problem(entry.name)
            if problem:
                raise PlanError.at(where, *problem)
            if not holds_base(path):
                raise PlanError.at(
                    where,
                    _("holds only a local layer: a further plan has no base plan to lay it over"),
                    _("give the plan its own plan.yaml and nodes, as content/ has"),
                )
            found.append(PlanFolder(entry.name, path, None, f"{entry.name}/index.html"))
        return found

    @property
    def has_index(self) -> bool:
        """Whether the build writes an index of the plans: when there is more than one."""
        return len(self.plans) > 1

    def plan(self, name: str) -> PlanFolder:
        """The plan named `name` (see PlanFolder); a clear error for one the project lacks."""
        plans = self.plans
        for folder in plans:
            if folder.name == name:
                return folder
        from actionplan.suggest import closest

        names = [f.name for f in plans]
        guess = closest(name, names)
        raise PlanError.at(
            Pos(display_path(self.root / PLANS_DIR / name)),
            _("the project has no plan '{name}'").format(name=name),
            _("did you mean '{match}'?").format(match=guess)
            if guess
            else _("its plans are {plans}").format(plans=", ".join(names)),
        )

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
                raise PlanError.at(Pos(display_path(path)), *_not_a_plan(path))
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
                _("is not a folder"),
                _("the project's own templates go in a folder named templates/"),
            )
        return cls(
            root=root,
            content=content,
            templates=templates if templates.is_dir() else None,
            build=root / "build",
            base=base_for(content),
            shared=root / SHARED_DIR if content != root and (root / SHARED_DIR).is_dir() else None,
        )


def plan_name_problem(name: str) -> tuple[str, str] | None:
    """(message, hint) when `name` cannot name a plan's folder in plans/."""
    if re.match(_PLAN_ID, name) and name != FIRST_PLAN:
        if re.match(_DEVICE_NAME, name):
            return (
                _("'{name}' cannot name a plan: Windows keeps it for a device").format(name=name),
                _(
                    "its card goes in build/{name}/, which cannot be copied to a Windows "
                    "server or most USB sticks: choose another name"
                ).format(name=name),
            )
        return None
    return (
        _("'{name}' cannot name a plan").format(name=name),
        _("name the folder like a node id: a-z, digits and '-', not 'content'"),
    )


def _refuse_link_out(folder: Path, root: Path) -> None:
    """A project's content/ or templates/ that is a symbolic link out of the project is refused
    before anything is read: one to '/' or a home folder would be walked whole, or publish
    whatever it holds."""
    if folder.is_symlink() and folder != root and not files.inside(folder, root):
        raise PlanError.at(
            Pos(display_path(folder)),
            _("links to a folder outside the project's folder"),
            _("copy the folder into {folder} instead of linking to it").format(
                folder=display_path(root)
            ),
        )


def _has_yaml(folder: Path) -> bool:
    """Whether the folder has a YAML file of its own (an unreadable one is left to the loader)."""
    from actionplan.plan.loader import YAML_SUFFIXES

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
        hint = _("did you mean {folder}/? Give the folder that has content/ in it").format(
            folder=projects[0]
        )
    else:
        hint = _("give the project folder, which has content/ in it, or the content folder itself")
    return _("no plan here: no content/ folder and no .yaml files"), hint
