"""Build: check the project and render its card (commands/check.py), then write it atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from actionplan.card.write import write_atomic
from actionplan.commands.check import render_project
from actionplan.errors import PlanError, Pos, Problem
from actionplan.project import Project

CARD_NAME = "index.html"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    size: int
    warnings: list[Problem]
    drafts: tuple[str, ...] = ()  # languages left out of the card while they are drafts


def build_card(project: Project, out: Path | None = None, strict: bool = False) -> BuildResult:
    """Check, render and write the card; on any problem, raise before anything is written."""
    checked = render_project(project)
    report = checked.report
    if report.failed(strict) or report.plan is None or checked.html is None:
        raise PlanError(report.errors + (report.warnings if strict else []))
    out = output_folder(project, out)
    data = checked.html.encode("utf-8")
    path = out / CARD_NAME
    write_atomic(path, data)
    return BuildResult(path, len(data), report.warnings, tuple(sorted(report.plan.drafts)))


def output_folder(project: Project, out: Path | None) -> Path:
    """Where the card goes: `out`, or the project's build/; never inside the content folder."""
    content = project.content.resolve()
    chosen, out = out is not None, out or project.build
    if out.resolve() == content or content in out.resolve().parents:
        raise PlanError.at(
            Pos(str(out)),
            f"the {'' if chosen else 'default '}output folder is inside the content folder",
            "build into another folder, such as build/"
            if chosen
            else "give another with -o, such as -o build, or keep the plan in a folder "
            "named content/ and build the folder above it",
        )
    return out
