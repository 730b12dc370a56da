"""The theme's filters: how a plan's values show in the card's HTML, always escaped.

`text`, `md` and `md_inline` mark a value written in another language than the page's with its
own `lang` (a word that falls back to the original), and a placeholder still to be filled in as
one; `tel`, `host`, `domain` and `unnumbered` shape a contact's details.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup, escape

from actionplan.card import markdown
from actionplan.plan import model


def _replaced(value: str) -> str:
    """A string with markupsafe's five characters replaced as markupsafe replaces them."""
    return (
        value.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


# The same in markupsafe's own code, in C where it is built with its speedups: what its `escape`
# does to a string before it makes it Markup, some four times faster than _replaced.  Not part of
# its documented interface, so looked up with care (tests/test_theme.py holds both to `escape`).
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", _replaced)


# Markup made of a string that is HTML already, as Markup(html) makes it but without its Python
# __new__ (a string has no __html__ to ask): the filters make one for each text of every node.
_markup: Callable[[str], Markup] = functools.partial(str.__new__, Markup)


def tel_href(phone: str) -> str:
    """The phone number as a tel: link target: digits and a leading '+' only."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def unnumbered(name: str, phone: str) -> str:
    """A contact's name without its phone number, where the name says it too ("Alarm 112"): the
    number is shown beside it already."""
    if isinstance(name, model.Placeholder) or phone not in name:
        return name
    rest = " ".join(name.replace(phone, " ").split()).strip(" ,:–-")
    if not rest:
        return name
    return model.Text(rest, name.lang) if isinstance(name, model.Text) else rest


def url_domain(url: str) -> str:
    """A web address's host alone, such as politi.dk."""
    return url_host(url).split("/", 1)[0]


def url_host(url: str) -> str:
    """A web address as people say it: the host and path, without https:// and www."""
    short = re.sub(r"^https?://(www\.)?", "", url)
    return short.rstrip("/")


def _lang_of(value: Any, page_lang: str) -> str | None:
    lang = getattr(value, "lang", None)
    return lang if lang and lang != page_lang else None


@jinja2.pass_context
def text(ctx: Any, value: Any, short: bool = False) -> Markup:
    """Plain text, marked with its language where it differs from the page's; a placeholder
    marked as one (`short`: without what to fill in, where the contacts page says it)."""
    if type(value) is str:  # neither a placeholder nor marked with a language: most values
        if _BIDI_CONTROL.search(value) is None:  # as escape and _isolated make it, without calls
            return _markup(_escape_text(value))
        return _isolated(value, escape(value))
    if value is None:
        return Markup("")
    if isinstance(value, model.Placeholder):
        label = ctx["ui"]["placeholder"]
        hint = escape(value)
        if ctx["lang"] != ctx["primary"]:  # the hint is written in the plan's language
            hint = Markup('<span lang="{}" dir="auto">{}</span>').format(ctx["primary"], value)
        hint = _isolated(value, hint)
        if short:  # the hint alone to see, where the contacts page has the whole of it; the
            # label is still read out and copied, so that the hint is never taken for the value
            return Markup(
                '<mark class="ap-placeholder"><span class="ap-sr">{}: </span>{}</mark>'
            ).format(label, hint)
        return Markup('<mark class="ap-placeholder">[{}: {}]</mark>').format(label, hint)
    other = _lang_of(value, ctx["lang"])
    if other:
        return _isolated(value, Markup('<span lang="{}" dir="auto">{}</span>').format(other, value))
    return _isolated(value, escape(value))


# Explicit bidirectional formatting (overrides, embeddings, isolates, marks): one left open in a
# value would run on into the card's own words after it, so such a value is shown isolated.
_BIDI_CONTROL = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _isolated(value: str, html: Markup) -> Markup:
    if not _BIDI_CONTROL.search(value):
        return html
    return Markup("<bdi>{}</bdi>").format(Markup(_without_stray_closers(html)))


def _without_stray_closers(text: str) -> str:
    """The text without the closing controls (PDF, PDI) that close nothing opened in it: a
    browser would let them close the <bdi> around it, and in it they have no other effect."""
    kept = []
    embeddings = [0]  # embeddings and overrides open, in each isolate open
    for char in text:
        if char in "\u202a\u202b\u202d\u202e":
            embeddings[-1] += 1
        elif char in "\u2066\u2067\u2068":
            embeddings.append(0)
        elif char == "\u202c":
            if not embeddings[-1]:
                continue
            embeddings[-1] -= 1
        elif char == "\u2069":
            if len(embeddings) == 1:
                continue
            embeddings.pop()
        kept.append(char)
    return "".join(kept)


def anchor(lang: str, node_id: str, primary: str) -> str:
    """The id of a node's section: the bare id in the plan's language, 'lang/id' in others."""
    return node_id if lang == primary else f"{lang}/{node_id}"


_PLAN_HREF = r'href="plan:([a-z0-9-]*)(?:#([^"]*))?"'  # compiled by the first such link


def _links_for(ctx: Any, html: str) -> str:
    if 'href="plan:' in html:
        html = re.sub(_PLAN_HREF, lambda m: f'href="{plan_href(ctx, m[1], m[2])}"', html)
    prefix = ctx["anchor_prefix"]
    if not prefix:
        return html
    return html.replace('href="#', f'href="#{prefix}')


def plan_href(ctx: Any, name: str, node: str | None) -> str:
    """Where a link to another plan of the project leads from this page: its card, at the node
    (or its start) in the page's language where that plan has it (see card.shelf.Site)."""
    site = ctx.get("site")
    target = site.plans.get(name) if site is not None else None
    if target is None:  # a plan that `check` reports as missing
        return "#"
    lang = ctx["lang"] if ctx["lang"] in target.languages else target.languages[0]
    if not node and lang == target.languages[0]:
        return str(escape(target.href))
    return str(escape(f"{target.href}#{anchor(lang, node or target.start, target.languages[0])}"))


@jinja2.pass_context
def md(ctx: Any, value: Any) -> Markup:
    if value is None:
        return Markup("")
    if isinstance(value, model.Placeholder):
        return Markup("<p>{}</p>").format(text(ctx, value))
    html = _links_for(ctx, markdown.render(value))
    other = _lang_of(value, ctx["lang"]) if type(value) is not str else None
    if other:
        html = f'<div lang="{other}" dir="auto">{html}</div>'
    return _markup(html)


@jinja2.pass_context
def md_inline(ctx: Any, value: Any) -> Markup:
    if isinstance(value, model.Placeholder):
        return text(ctx, value)
    html = _links_for(ctx, markdown.render_inline(value))
    other = _lang_of(value, ctx["lang"]) if type(value) is not str else None
    if other:
        html = f'<span lang="{other}" dir="auto">{html}</span>'
    return _isolated(value, Markup(html))


FILTERS = {
    "md": md,
    "md_inline": md_inline,
    "text": text,
    "tel": tel_href,
    "host": url_host,
    "domain": url_domain,
    "unnumbered": unnumbered,
}
