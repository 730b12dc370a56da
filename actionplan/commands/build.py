"""Build: check the project and render its cards (commands/check.py), then write them
atomically: a card for each plan, and for a project of several plans their index."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import field
from pathlib import Path

from actionplan import files
from actionplan.card.theme import Theme
from actionplan.card.write import write_atomic
from actionplan.commands.check import render_site
from actionplan.errors import PlanError, Pos, Problem
from actionplan.frozen import frozen
from actionplan.i18n import _
from actionplan.plan.read import Report
from actionplan.project import FIRST_PLAN, INDEX_NAME, Project

CARD_NAME = "index.html"


@frozen
class BuildResult:
    """One page a build wrote: where, how many bytes, and what its plan's check warned of."""

    path: Path
    size: int
    warnings: list[Problem]
    drafts: tuple[str, ...] = ()  # languages left out of the card while they are drafts
    plan: str = FIRST_PLAN  # which of the project's plans (PlanFolder.name); "" for the index
    # The page itself, as written (data) and as rendered (text): `serve` makes its served copy
    # of them rather than reading the file back.
    data: bytes = field(default=b"", repr=False, compare=False)
    text: str = field(default="", repr=False, compare=False)


def build_card(
    project: Project,
    out: Path | None = None,
    strict: bool = False,
    today: dt.date | None = None,
) -> BuildResult:
    """Check, render and write the card; on any problem, raise before anything is written.

    For a project of several plans, every card and the index are built (build_site); the
    first plan's card is returned."""
    return build_site(project, out, strict, today=today)[0]


def build_site(
    project: Project,
    out: Path | None = None,
    strict: bool = False,
    only: str | None = None,
    cache: dict[str, Report] | None = None,
    today: dt.date | None = None,
) -> list[BuildResult]:
    """Check every plan, render the cards (of the plan named `only`, or of all) and the index
    of a project of several plans, then write them; on any problem, raise before anything is
    written, so that the last good build stays as it was.  `cache`: see render_site.  Dates are
    checked against `today` (by default the day of the build)."""
    results = make_site(project, out, strict, only, cache, today)
    for result in results:
        write_atomic(result.path, result.data)
    return results


def make_site(
    project: Project,
    out: Path | None = None,
    strict: bool = False,
    only: str | None = None,
    cache: dict[str, Report] | None = None,
    today: dt.date | None = None,
    theme: Theme | None = None,
) -> list[BuildResult]:
    """The pages build_site writes, each with where it goes (under `out`) and its text, not
    written; raises PlanError as build_site does.  `theme`: see render_site."""
    checked = render_site(project, only, cache, today, theme)
    report = checked.report
    if report.failed(strict) or report.plan is None:
        raise PlanError(report.errors + (report.warnings if strict else []))
    out = output_folder(project, out)
    pages: list[BuildResult] = []  # each encoded once: a large card is some 5 MB
    for card in checked.cards:
        assert card.html is not None and card.folder is not None and card.report.plan is not None
        path = out / card.folder.out
        drafts = tuple(sorted(card.report.plan.drafts))
        data = card.html.encode("utf-8")
        name, warnings = card.folder.name, card.report.warnings
        pages.append(BuildResult(path, len(data), warnings, drafts, name, data, card.html))
    if checked.index is not None:
        data = checked.index.encode("utf-8")
        pages.append(BuildResult(out / INDEX_NAME, len(data), [], (), "", data, checked.index))
    return pages


def output_folder(project: Project, out: Path | None) -> Path:
    """Where the cards go: `out`, or the project's build/; never inside a plan's folder."""
    chosen, out = out is not None, out or project.build
    for folder in project.plans:
        content = folder.content.resolve()
        if out.resolve() == content or content in out.resolve().parents:
            raise PlanError.at(
                Pos(str(out)),
                _("the output folder is inside the content folder")
                if chosen
                else _("the default output folder is inside the content folder"),
                _("build into another folder, such as build/")
                if chosen
                else _(
                    "give another with -o, such as -o build, or keep the plan in a folder "
                    "named content/ and build the folder above it"
                ),
            )
    if out.is_symlink() and not out.exists():
        raise PlanError.at(
            Pos(str(out)),
            _("the output folder is a symbolic link to {target}, which does not exist").format(
                target=os.readlink(out)
            ),
            _("create that folder, or give another with -o, such as -o build"),
        )
    # The nearest of out and its parents that exists must be a folder: a device, a pipe or a file
    # there would give a bare "cannot write" when the card is written.
    there = files.not_a_folder(out)
    if there is not None:
        raise PlanError.at(
            Pos(str(out)),
            _("the output folder is not a folder")
            if there == out
            else _("a part of the output folder's path is not a folder: {part}").format(part=there),
            _("give a folder for the cards with -o, such as -o build"),
        )
    return out
