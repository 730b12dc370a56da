"""Build: the whole pipeline, from a project's content to its card, written atomically."""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path

from actionplan import files
from actionplan.card.contrast import contrast_problems
from actionplan.card.render import FALLBACK_UI, Theme, render_card
from actionplan.card.write import write_atomic
from actionplan.errors import PlanError, Pos, Problem, Severity, display_path
from actionplan.plan import model
from actionplan.plan.read import Report, check_plan, no_cyclic_gc
from actionplan.project import Project
from actionplan.suggest import closest

CARD_NAME = "index.html"
TEMPLATE_SUFFIXES = (".html", ".js", ".css")  # what the theme renders


@dataclass(frozen=True)
class BuildResult:
    path: Path
    size: int
    warnings: list[Problem]
    drafts: tuple[str, ...] = ()  # languages left out of the card while they are drafts


def build_card(project: Project, out: Path | None = None, strict: bool = False) -> BuildResult:
    """Check, render and write the card; on any problem, raise before anything is written."""
    theme = Theme.load(project.templates)
    report = check_project(project, theme)
    if report.failed(strict) or report.plan is None:
        raise PlanError(report.errors + (report.warnings if strict else []))
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
    try:
        with no_cyclic_gc():
            html = render_card(report.plan, theme)
    except PlanError:
        raise
    except Exception as exc:  # a broken template: name it, keep the last good build
        raise PlanError.at(
            _template_pos(exc),
            f"the templates failed: {exc}",
            "fix the template, or remove your override of it",
        ) from None
    data = html.encode("utf-8")
    path = out / CARD_NAME
    write_atomic(path, data)
    return BuildResult(path, len(data), report.warnings, tuple(sorted(report.plan.drafts)))


def check_project(project: Project, theme: Theme | None = None) -> Report:
    """The plan checked (check_plan), and the card's own words for its languages: all that
    `check` reports and a build refuses or warns about."""
    report = check_plan(project.content)
    if report.plan is None:
        return report
    theme = theme or Theme.load(project.templates)
    problems = report.problems + theme_problems(report.plan, theme, project.templates)
    problems += contrast_problems(report.plan.local, theme.source("card.css") or "")
    return Report(None if any(p.is_error for p in problems) else report.plan, problems)


def theme_problems(plan: model.Plan, theme: Theme, templates: Path | None) -> list[Problem]:
    """What is wrong with the card's own words for the plan's languages: a words file that
    cannot be read (an error), a language with none (a warning), and a word in the project's own
    files that the card does not use, most likely a misspelt key (a warning)."""
    problems = []
    for lang in plan.languages:
        try:
            theme.ui(lang)
        except PlanError as exc:
            problems += [p for p in exc.problems if p not in problems]
    if problems:
        return problems
    problems += missing_words(plan, theme)
    i18n = templates / "i18n" if templates is not None else None
    if i18n is not None and i18n.is_dir():
        known = set(Theme.load().words(FALLBACK_UI) or ())  # the default theme's: every word
        try:
            names = [e.name for e in files.list_folder(i18n)]
        except PlanError as exc:
            return problems + exc.problems
        for name in names:
            if name.endswith(".yaml"):
                problems += _unknown_words(theme, name.removesuffix(".yaml"), known)
    return problems


def _unknown_words(theme: Theme, code: str, known: set[str]) -> list[Problem]:
    """A warning for each key of the project's words file for `code` that is not one of the
    card's words."""
    try:
        words = theme.words(code) or {}
    except PlanError:
        return []  # the words of a language the plan does not have: the build never reads them
    text = theme.source(f"i18n/{code}.yaml") or ""
    problems = []
    for key in words:  # in the file's order
        if key in known:
            continue
        line = next(
            (
                i
                for i, row in enumerate(text.splitlines(), 1)
                if re.match(rf"\s*['\"]?{re.escape(key)}['\"]?\s*:", row)
            ),
            0,
        )
        guess = closest(key, known)
        problems.append(
            Problem(
                Pos(f"templates/i18n/{code}.yaml", line, 1 if line else 0),
                f"'{key[:40]}' is not one of the card's words, so it is not used",
                f"did you mean '{guess}'?"
                if guess
                else "the words are those of the default theme's i18n/en.yaml",
                Severity.WARNING,
            )
        )
    return problems


def missing_words(plan: model.Plan, theme: Theme) -> list[Problem]:
    """A warning for each of the plan's languages that the theme has no interface words for."""
    problems = []
    for lang in plan.languages:
        if theme.has_words(lang):
            continue
        where = plan.translations[lang].pos if lang in plan.translations else plan.info.pos
        problems.append(
            Problem(
                where,
                f"the card has no words of its own in '{lang}' (Back, Start over, ...): "
                "it shows them in English",
                f"copy the default theme's i18n/en.yaml to templates/i18n/{lang}.yaml "
                "and translate it",
                Severity.WARNING,
            )
        )
    return problems


def _template_pos(exc: Exception) -> Pos:
    """Where a template failed: a syntax error knows its line; an error while rendering (an
    undefined name, say) is found in the traceback, which Jinja points at the template's lines."""
    lineno = getattr(exc, "lineno", 0) or 0
    name = getattr(exc, "filename", None) or getattr(exc, "name", None)
    if not lineno:
        frames = traceback.extract_tb(exc.__traceback__)
        in_templates = [f for f in frames if f.filename.endswith(TEMPLATE_SUFFIXES)]
        if in_templates:
            name, lineno = display_path(Path(in_templates[-1].filename)), in_templates[-1].lineno
    return Pos(str(name or "templates"), lineno or 0, 1 if lineno else 0)
