"""Check: everything a build would refuse or warn about, found without writing anything.

Each plan of the project is checked (check_plan), then the theme for it (its words, its
colours), then the links between the plans; then the cards are rendered as a build renders
them, and the index of a project of several plans, so that a broken template fails `check` as
it fails `build`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import field

from actionplan.card.render import render_card
from actionplan.card.theme import Theme
from actionplan.errors import PlanError, Problem
from actionplan.frozen import frozen
from actionplan.plan import checks
from actionplan.plan.read import Report, check_plan
from actionplan.project import INDEX_NAME, PlanFolder, Project


@frozen
class Checked:
    """What checking one plan found, and its card's HTML when it could be made."""

    report: Report
    html: str | None = None
    folder: PlanFolder | None = None


@frozen
class CheckedSite:
    """What checking a project found: each plan's card (those asked for), and the index of a
    project of several plans when every plan could be made."""

    cards: list[Checked]
    index: str | None = None
    index_problems: list[Problem] = field(default_factory=list)

    @property
    def report(self) -> Report:
        """Every problem of the cards (and the index), in one report; its plan is the first
        card's when nothing failed."""
        problems = [p for card in self.cards for p in card.report.problems]
        problems += self.index_problems
        if len(self.cards) > 1:  # the shared layer's and the theme's problems once
            problems = sorted(set(problems), key=lambda p: (p.pos, p.message, p.hint))
        failed = any(p.is_error for p in problems) or any(c.html is None for c in self.cards)
        return Report(None if failed else self.cards[0].report.plan, problems)


def check_project(
    project: Project, plan: str | None = None, today: dt.date | None = None
) -> Report:
    """The plans, the theme and the cards made from them: all that `check` reports and a build
    refuses or warns about; of the plan named `plan` only, when given.  Dates are checked
    against `today` (by default the real one)."""
    return render_site(project, only=plan, today=today).report


def render_project(project: Project, today: dt.date | None = None) -> Checked:
    """The first plan checked, and its card rendered (not written) when nothing stops it."""
    return render_site(project, only=project.plans[0].name, today=today).cards[0]


def render_site(
    project: Project,
    only: str | None = None,
    cache: dict[str, Report] | None = None,
    today: dt.date | None = None,
    theme: Theme | None = None,
) -> CheckedSite:
    """Every plan checked (the others too, for the links into them), and the cards of those
    asked for (`only` one, or all) rendered, with the index when the project has several.

    `cache` keeps each plan's own report (before the links between plans) for the next call:
    `serve` drops the entry of the plan a save changed, and checks only that one again.
    `theme`: the project's theme as loaded before (`serve` keeps it while no template
    changes); by default it is loaded anew."""
    folders = project.plans
    chosen = [project.plan(only)] if only is not None else folders
    try:
        theme = theme if theme is not None else Theme.load(project.templates)
    except PlanError as exc:
        failed = [
            Checked(check_plan(f.content, today=today, shared=project.shared), None, f)
            for f in chosen
        ]
        return CheckedSite(
            [
                Checked(Report(None, c.report.problems + exc.problems), None, c.folder)
                for c in failed
            ]
        )
    reports = check_plans(project, theme, cache, today)
    several = len(folders) > 1
    if several:  # the index of the plans, and each card's links to it and to the others
        from actionplan.card import shelf

        entries = [
            shelf.Entry(f.name, f.out, reports[f.name].plan)  # type: ignore[arg-type]
            for f in folders
            if reports[f.name].plan is not None
        ]
    cards = []
    for folder in chosen:
        report = reports[folder.name]
        if report.plan is None:
            cards.append(Checked(report, None, folder))
            continue
        site = None
        if several:
            entry = next(e for e in entries if e.name == folder.name)
            site = shelf.site_for(entries, entry, INDEX_NAME)
        try:
            html = render_card(report.plan, theme, site)
        except PlanError as exc:
            cards.append(Checked(Report(None, report.problems + exc.problems), None, folder))
            continue
        cards.append(Checked(report, html, folder))
    index, index_problems = None, []
    if several and len(entries) == len(folders):
        try:
            index = shelf.render_index(entries, theme)
        except PlanError as exc:
            index_problems = exc.problems
    return CheckedSite(cards, index, index_problems)


def check_plans(
    project: Project,
    theme: Theme,
    cache: dict[str, Report] | None = None,
    today: dt.date | None = None,
) -> dict[str, Report]:
    """Every plan of the project checked, with its theme and the links between the plans
    (see render_site for `cache`)."""
    reports = {}
    for folder in project.plans:
        report = cache.get(folder.name) if cache is not None else None
        if report is None:
            report = check_plan(folder.content, today=today, shared=project.shared)
            if report.plan is not None:
                problems = report.problems + theme.problems(report.plan)
                plan = None if any(p.is_error for p in problems) else report.plan
                report = Report(plan, problems)
            if cache is not None:
                cache[folder.name] = report
        reports[folder.name] = report
    ids = {
        name: (frozenset(report.plan.nodes) if report.plan is not None else None)
        for name, report in reports.items()
    }
    for name, report in reports.items():
        if report.plan is None:
            continue
        links = checks.check_plan_links(report.plan, ids)
        if links:
            problems = sorted(report.problems + links, key=lambda p: (p.pos, p.message))
            plan = None if any(p.is_error for p in problems) else report.plan
            reports[name] = Report(plan, problems)
    return reports
