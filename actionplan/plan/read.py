"""The plan's front door: load, validate and check a folder in one call."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
from collections.abc import Iterator
from dataclasses import field
from pathlib import Path

from actionplan.cache import builds_again
from actionplan.errors import PlanError, Problem, Severity
from actionplan.frozen import frozen
from actionplan.plan import checks, loader, merge, model
from actionplan.project import LOCK_FILE, base_for


@frozen
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


ONE_SHOT = False  # whether the process ends after this command (see no_cyclic_gc)


@contextlib.contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a plan is read.

    Reading makes hundreds of thousands of small objects that all stay alive, and none form a
    cycle; the collector would walk them again and again for nothing (it took half the time of
    checking a large plan).  Reference counting still frees everything as usual.

    A command-line process that checks once (`ONE_SHOT`, set by cli.main; not `serve`, which
    checks again after every save) then sets what it made aside (`gc.freeze`): the collections
    after it would otherwise walk every one of those objects once more (some 6 % of a rebuild
    at 10 000 nodes).  Anywhere else a frozen object in a cycle would never be freed, so
    nothing is frozen: in `serve`, the tests, or a program that calls the package.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if ONE_SHOT and not builds_again():
                gc.freeze()
            gc.enable()


def check_plan(
    root: Path | str, today: dt.date | None = None, shared: Path | None = None
) -> Report:
    """Load, validate and check the plan in the content folder root; never raises for bad content.

    A folder that holds only a local layer is read over its base plan (project.base_for);
    `shared` is the layer a project's plans share (see loader.find_files).
    """
    root = Path(root)
    with no_cyclic_gc():
        return _check_plan(root, base_for(root), today, shared)


def _check_plan(
    root: Path, base: Path | None, today: dt.date | None, shared: Path | None = None
) -> Report:
    try:
        files = loader.load_files(root, base, shared, merge.read_in_parts, keys_by_reader=True)
    except PlanError as exc:
        return Report(None, exc.problems)
    # In a project that holds its base and has not pinned it, every date is its own.
    # Anything by that name counts: a pipe, a folder or a dangling link is then said to be no
    # record (diff.read_lock), rather than taken silently for a project that records nothing.
    pinned = os.path.lexists(root / LOCK_FILE)
    upstream = loader.upstream(root, base, files, shared) if base or pinned else frozenset()
    plan, problems = merge.merge(root, files, upstream)
    if problems.has_errors:  # a key written twice where the reader did not look, or did
        twice = loader.keys_twice(files)
        if twice:  # what loading refuses: said alone, as a file that cannot be parsed is
            return Report(None, twice)
    if shared is not None:
        problems += loader.shared_problems(files, shared)
    if plan is not None:
        problems += checks.check(plan, today)
    if plan is not None and pinned:
        from actionplan.commands import diff as upgrade  # only a pinned project needs it

        base_plan, _ = merge.merge(root, [f for f in files if f.name in upstream])
        if base_plan is not None:
            problems += upgrade.lock_problems(root, base_plan)
    problems.sort(key=lambda p: (p.pos, p.message))
    return Report(plan if not any(p.is_error for p in problems) else None, problems)


def load_plan(
    root: Path | str,
    strict: bool = False,
    today: dt.date | None = None,
    shared: Path | None = None,
) -> model.Plan:
    """The checked plan in root; raises PlanError on any error (and warning, with strict)."""
    report = check_plan(root, today, shared)
    if report.failed(strict) or report.plan is None:
        raise PlanError(report.errors + (report.warnings if strict else []))
    return report.plan
