"""Build: the whole pipeline, from a project's content to its card, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from actionplan import model
from actionplan.errors import PlanError, Pos, Problem, Severity
from actionplan.plan import check_plan, no_cyclic_gc
from actionplan.project import Project
from actionplan.render import Theme, render_card
from actionplan.write import write_atomic

CARD_NAME = "index.html"


@dataclass(frozen=True)
class BuildResult:
    path: Path
    size: int
    warnings: list[Problem]


def build_card(project: Project, out: Path | None = None, strict: bool = False) -> BuildResult:
    """Check, render and write the card; on any problem, raise before anything is written."""
    report = check_plan(project.content)
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
    theme = Theme.load(project.templates)
    warnings = report.warnings + missing_words(report.plan, theme)
    if strict and len(warnings) > len(report.warnings):
        raise PlanError(warnings[len(report.warnings) :])
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
    return BuildResult(path, len(data), warnings)


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
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "templates"
    return Pos(str(name), getattr(exc, "lineno", 0) or 0, 1 if getattr(exc, "lineno", 0) else 0)
