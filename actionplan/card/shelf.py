"""The index of a project's plans (build/plans.html), and what each card needs to link to it
and to the other plans: one self-contained page, in every language of the plans."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field, fields, replace
from typing import Any

from markupsafe import Markup

from actionplan.card.filters import anchor
from actionplan.card.render import _css_vars, _inline_css, csp_hash
from actionplan.card.theme import Theme
from actionplan.errors import PlanError
from actionplan.frozen import frozen
from actionplan.plan import model
from actionplan.plan.read import no_cyclic_gc
from actionplan.plan.translate import localize


@frozen
class Target:
    """Another plan, as a link from one page of the site leads to it."""

    href: str  # its card, relative to the page
    start: str  # its first node
    languages: tuple[str, ...]  # its own first


@frozen
class Site:
    """What one card knows of the site around it: the index and the other plans."""

    index: str  # the index, relative to the card
    languages: tuple[str, ...]  # the index's languages, its first the one it opens in
    plans: Mapping[str, Target]

    def index_for(self, lang: str) -> str:
        """The index in the card's language, where it has that language."""
        if lang == self.languages[0] or lang not in self.languages:
            return self.index
        return f"{self.index}#{lang}"


@frozen
class Entry:
    """One plan of the site: its name (plans/<name>/, or 'content'), its card and the plan."""

    name: str
    out: str  # its card, relative to the build folder
    plan: model.Plan


def site_languages(entries: Sequence[Entry]) -> tuple[str, ...]:
    """Every language of the plans: the first plan's in its order, then the others'."""
    found: list[str] = []
    for entry in entries:
        found += [lang for lang in entry.plan.languages if lang not in found]
    return tuple(found)


def site_for(entries: Sequence[Entry], entry: Entry, index: str) -> Site:
    """The site as the card of `entry` sees it, with the index at `index` (from the build)."""
    up = "../" * entry.out.count("/")
    return Site(
        index=up + index,
        languages=site_languages(entries),
        plans={e.name: Target(up + e.out, e.plan.info.start, e.plan.languages) for e in entries},
    )


def render_index(entries: Sequence[Entry], theme: Theme) -> str:
    """The index page: each plan with its title, when to use it, languages, version and
    review date, and the emergency contacts, in every language of the plans; raises PlanError
    at the line of a template that fails."""
    try:
        with no_cyclic_gc():
            return _render_index(entries, theme)
    except PlanError:
        raise
    except Exception as exc:  # a broken template: name it, keep the last good build
        raise theme.failure(exc) from None


@frozen
class IndexEntry:
    """One plan on the index, in one of its languages."""

    name: str  # plans/<name>/, or 'content'
    href: str  # its card, at its start in the page's language where it has that language
    plan: model.Plan  # in the page's language, or its own where it has not that one
    lang: str | None  # the plan's language where it is not the page's, else None
    summary: Any  # when to use it: the first paragraph of its summary
    languages: tuple[str, ...]  # its languages, its own first


@frozen
class IndexPage:
    """The index in one language: what plans-language.html gets besides the Index's values."""

    lang: str
    dir: str  # ltr or rtl
    ui: dict[str, str]  # the card's own words in this language
    plans: list[IndexEntry]
    emergency: list[model.Contact]  # the plans' emergency contacts, each once
    municipality: Any  # local.yaml's municipality, in this language
    html: Markup = field(default_factory=Markup)  # the rendered plans-language.html


@frozen
class Index:
    """What every template of the index gets (plans.html also gets the first page's `lang`,
    `dir` and `ui`, the inlined style sheet `css` and the policy `csp`)."""

    pages: list[IndexPage]  # every language's page, the first plan's language first
    primary: str  # the language the index opens in
    names: dict[str, str]  # each language's own name

    def context(self, page: IndexPage | None = None, **more: Any) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["anchor_prefix"] = ""
        if page is not None:
            values.update((f.name, getattr(page, f.name)) for f in fields(page))
        return values | more


def _render_index(entries: Sequence[Entry], theme: Theme) -> str:
    first = entries[0].plan
    languages = site_languages(entries)
    names = _language_names(entries, theme)
    pages = []
    for lang in languages:
        ui = theme.ui(lang)
        plans = []
        emergency: dict[tuple[str, str], model.Contact] = {}
        for entry in entries:
            own = entry.plan.info.language
            shown = lang if lang in entry.plan.languages else own
            plan = localize(entry.plan, shown)
            href = entry.out
            if shown != own:
                href += "#" + anchor(shown, plan.info.start, own)
            plans.append(
                IndexEntry(
                    name=entry.name,
                    href=href,
                    plan=plan,
                    lang=None if shown == lang else shown,
                    summary=_first_paragraph(plan.info.summary),
                    languages=entry.plan.languages,
                )
            )
            for cid in plan.info.emergency:
                contact = plan.contacts[cid]
                key = (str(contact.name), str(contact.phone or contact.url or contact.email))
                emergency.setdefault(key, contact)
        local = localize(first, lang) if lang in first.languages else first
        pages.append(
            IndexPage(
                lang=lang,
                dir=first.translations[lang].direction
                if lang in first.translations
                else ui.get("direction", "ltr"),
                ui=ui,
                plans=plans,
                emergency=list(emergency.values()),
                municipality=local.local.municipality,
            )
        )
    css = _inline_css(
        (theme.source("card.css") or "")
        + _css_vars(first.local)
        + (theme.source("plans.css") or "")
        + (theme.source("custom.css") or "")
    )
    index = Index(pages=pages, primary=languages[0], names=names)
    section = theme.template("plans-language.html")
    index = replace(
        index,
        pages=[replace(p, html=Markup(section.render(index.context(p)))) for p in pages],
    )
    return theme.template("plans.html").render(
        index.context(
            lang=languages[0],
            dir=pages[0].dir,
            ui=pages[0].ui,
            css=Markup(css),
            csp=Markup(
                f"default-src 'none'; style-src {csp_hash(css)}; img-src data:; "
                "base-uri 'none'; form-action 'none'"
            ),
        )
    )


def _language_names(entries: Sequence[Entry], theme: Theme) -> dict[str, str]:
    """Each language's own name: from a plan's translation into it, else the theme's words."""
    names: dict[str, str] = {}
    for entry in entries:
        for code, tr in entry.plan.translations.items():
            names.setdefault(code, str(tr.name))
    for code in site_languages(entries):
        names.setdefault(code, theme.ui(code).get("name", code))
    return names


def _first_paragraph(summary: Any) -> Any:
    """A plan's summary up to its first blank line: the one line of when to use it."""
    if not summary or isinstance(summary, model.Placeholder):
        return summary
    first = str(summary).strip().split("\n\n", 1)[0]
    lang = getattr(summary, "lang", None)
    return model.Text(first, lang) if lang else first
