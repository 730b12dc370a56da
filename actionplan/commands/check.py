"""Check: everything a build would refuse or warn about, found without writing anything.

The plan is checked (check_plan), then the theme for it (its words, its colours), then the card
is rendered as a build renders it, so that a broken template fails `check` as it fails `build`.
"""

from __future__ import annotations

from dataclasses import dataclass

from actionplan.card.render import render_card
from actionplan.card.theme import Theme
from actionplan.errors import PlanError
from actionplan.plan.read import Report, check_plan
from actionplan.project import Project


@dataclass(frozen=True)
class Checked:
    """What checking a project found, and the card's HTML when it could be made."""

    report: Report
    html: str | None = None


def check_project(project: Project) -> Report:
    """The plan, the theme and the card made from them: all that `check` reports and a build
    refuses or warns about."""
    return render_project(project).report


def render_project(project: Project) -> Checked:
    """The project checked, and its card rendered (not written) when nothing stops it."""
    report = check_plan(project.content)
    if report.plan is None:
        return Checked(report)
    try:
        theme = Theme.load(project.templates)
        problems = report.problems + theme.problems(report.plan)
        if any(p.is_error for p in problems):
            return Checked(Report(None, problems))
        html = render_card(report.plan, theme)
    except PlanError as exc:
        return Checked(Report(None, report.problems + exc.problems))
    return Checked(Report(report.plan, problems), html)
