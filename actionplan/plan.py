"""The plan's front door: load, validate and check a folder in one call."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from actionplan import checks, loader, merge, model
from actionplan.errors import PlanError, Problem, Severity
from actionplan.project import LOCK_FILE, base_for


@dataclass(frozen=True)
class Report:
    """What checking a plan found: the plan (None when it has errors) and every problem."""

    plan: model.Plan | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.NOTE]

    def failed(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a plan is read.

    Reading makes hundreds of thousands of small objects that all stay alive, and none form a
    cycle; the collector would walk them again and again for nothing (it took half the time of
    checking a large plan).  Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def check_plan(root: Path | str, today: dt.date | None = None) -> Report:
    """Load, validate and check the plan in the content folder root; never raises for bad content.

    A folder that holds only a local layer is read over its base plan (project.base_for).
    """
    root = Path(root)
    with no_cyclic_gc():
        return _check_plan(root, base_for(root), today)


def _check_plan(root: Path, base: Path | None, today: dt.date | None) -> Report:
    try:
        files = loader.load_files(root, base)
    except PlanError as exc:
        return Report(None, exc.problems)
    plan, problems = merge.merge(root, files, upstream_files(root, base, files))
    if plan is not None:
        problems = problems + checks.check(plan, today)
    problems.sort(key=lambda p: (p.pos, p.message))
    return Report(plan if not any(p.is_error for p in problems) else None, problems)


def upstream_files(root: Path, base: Path | None, files: list[loader.SourceFile]) -> frozenset[str]:
    """The names of the files that are upstream's: all of a base plan kept elsewhere; or, in a
    project that holds its base and has pinned it (LOCK_FILE), everything but content/local/."""
    if base is not None:
        inside = base.resolve()
        return frozenset(f.name for f in files if inside in f.path.resolve().parents)
    if not (root / LOCK_FILE).is_file():
        return frozenset()  # the project's own plan: every date is its own
    own = (root / loader.LOCAL_DIR).resolve()
    return frozenset(f.name for f in files if own not in f.path.resolve().parents)


def load_plan(root: Path | str, strict: bool = False, today: dt.date | None = None) -> model.Plan:
    """The checked plan in root; raises PlanError on any error (and warning, with strict)."""
    report = check_plan(root, today)
    if report.failed(strict) or report.plan is None:
        raise PlanError(report.errors + (report.warnings if strict else []))
    return report.plan
