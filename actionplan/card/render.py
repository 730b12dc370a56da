"""Render: the checked plan, through the theme's Jinja templates, into one self-contained HTML file.

Content is only ever passed to templates as values (autoescaped), never compiled as a template.
CSS and JavaScript are inlined and admitted by hash in the Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import operator
import os
import pickle
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import field, fields, replace
from pathlib import Path
from typing import Any, TypeVar, cast

import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]
from markupsafe import Markup

from actionplan import files
from actionplan.cache import Store, digest
from actionplan.card.filters import anchor
from actionplan.card.theme import Theme
from actionplan.errors import PlanError
from actionplan.frozen import frozen
from actionplan.plan import model
from actionplan.plan.graph import Edge, Graph, edges, graph_of
from actionplan.plan.merge import text_key
from actionplan.plan.read import no_cyclic_gc
from actionplan.plan.translate import localize
from actionplan.project import default_dir

LOCAL = "local.yaml"  # the municipality's own layer: its contacts go on the printed action card
NODES = "nodes"  # the cache's store of nodes rendered, by project and language
# What would end the inline script early, in any case: "</script" (HTML ignores the case).
_SCRIPT_END = re.compile("</(script)", re.IGNORECASE)
# Line breaks before a block-level tag are not rendered; dropping them keeps the card small.
_BLOCK_BREAK = re.compile(
    r">\n+<(?=/?(?:section|div|ul|ol|li|p|h[1-6]|fieldset|legend|nav|header|footer|main|noscript)\b)"
)


# From this many nodes on, each node is kept as text in a <noscript> until the script first needs
# it: a card of thousands of nodes is then some ten times fewer elements, and each step costs the
# browser less.  A smaller card keeps every node as markup, so that where a web server's
# Content-Security-Policy blocks the card's script, the card still works as without it.
PACKED_FROM = 1000

T = TypeVar("T")


@frozen
class Page:
    """The card in one language: what language.html, node.html and macros.html get besides the
    Card's values, each field a variable of its own (docs/theming.md)."""

    lang: str
    dir: str  # ltr or rtl
    name: str  # the language's own name, for the language switcher
    plan: model.Plan  # the plan in this language (texts not yet translated: the original's)
    ui: dict[str, str]  # the card's own words in this language
    key_donts: list[str]  # the steps' key warnings, once each: the printed action card's
    anchor_prefix: str  # '' in the plan's own language, 'lang/' in another: before each id
    briefs: dict[str, Markup] = field(default_factory=dict)  # each contact as one link
    html: Markup = field(default_factory=Markup)  # the rendered language.html, for card.html
    # Each node's section by id, rendered already where the build keeps nodes (rendered_nodes).
    node_html: Mapping[str, Markup] | None = None
    # Every node's section in its group of GROUP, as language.html puts them in place, where
    # the build keeps nodes; else None, and language.html renders each node in place.
    nodes_html: Markup | None = None


@frozen
class Card:
    """What every template gets, whatever the language."""

    primary: str  # the plan's own language
    order: list[str]  # the node ids in the order of the printed key
    numbers: dict[str, int]  # each node's number in that order
    packed: bool  # each node kept as text in a <noscript> until the script shows it (PACKED_FROM)
    sources: list[model.Source]  # every source the nodes name, once each
    local_contacts: list[str]  # the contacts of local.yaml, for the printed action card
    logo: str | None  # the logo as a data: address
    qr: Markup | None  # a QR code to the published card, as inline SVG
    languages: list[Page]  # every language's page, the plan's own first
    site: Any = None  # a card.shelf.Site in a project of several plans: the index, the others

    def context(self, page: Page, document: Document | None = None) -> dict[str, Any]:
        """The variables of a template: the card's, the page's and (card.html) the document's."""
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values["anchor"] = anchor
        for part in (page, document):
            if part is not None:
                values.update((f.name, getattr(part, f.name)) for f in fields(part))
        return values


@frozen
class Document:
    """What card.html gets besides the Card's values and its first page's: every page rendered,
    and the inlined style sheets, script and script data with the policy that admits them."""

    pages: list[Page]
    css: Markup
    nojs_css: Markup
    js: Markup
    data: Markup  # the script's data, as JSON (docs/theming.md)
    csp: Markup  # the Content-Security-Policy


def key_donts(plan: model.Plan, order: list[str], kept: str = "") -> list[str]:
    """The 'do not' of the printed action card: the warnings the steps mark as key, in the
    handling order, each once; in a plan that marks none, the warnings of the urgent steps.
    `kept`: in one process, each group's part kept under this name (by_group)."""
    parts = by_group(kept, list(map(plan.nodes.__getitem__, order)), _group_donts)
    marked = any(part[0] for part in parts)
    seen: dict[str, str] = {}
    for part in parts:
        for item in part[1] if marked else part[2]:
            seen.setdefault(str(item), item)
    return list(seen.values())


def _group_donts(nodes: list[model.Node]) -> tuple[bool, list[str], list[str]]:
    """A group's part of key_donts: whether any of its steps marks a key warning, the warnings
    they mark, and the urgent steps' warnings."""
    steps = [n for n in nodes if isinstance(n, model.Step)]
    marked = [
        step.do_not[i - 1] for step in steps for i in step.key_do_not if 1 <= i <= len(step.do_not)
    ]
    urgent = [item for step in steps if step.urgent for item in step.do_not]
    return any(step.key_do_not for step in steps), marked, urgent


def qr_svg(address: str | None) -> Markup | None:
    """A QR code to the card's published address, as inline SVG (no request, no image file)."""
    if not address or isinstance(address, model.Placeholder):
        return None
    # Imported here: segno takes some 40 ms to import, which every build without an address
    # would pay for nothing (a default card builds in about 0.25 s).
    import segno

    code = segno.make(address, error="m", micro=False)
    return Markup(code.svg_inline(border=4, omitsize=True, svgclass="ap-qr", lineclass=None))


def all_sources(plan: model.Plan, order: list[str], kept: str = "") -> list[model.Source]:
    """Every source the nodes name, once each, in the order the card shows them.  `kept`: in
    one process, each group's part kept under this name (by_group)."""
    seen: dict[str, model.Source] = {}
    for part in by_group(kept, list(map(plan.nodes.__getitem__, order)), _group_sources):
        for source in part:
            seen.setdefault(source.url, source)
    return list(seen.values())


def _group_sources(nodes: list[model.Node]) -> list[model.Source]:
    seen: dict[str, model.Source] = {}
    for node in nodes:
        for source in getattr(node, "sources", ()):
            seen.setdefault(source.url, source)
    return list(seen.values())


# In one process (`serve`), what each pass over the nodes in the card's order made of each
# group of GROUP nodes, by the pass's name: the nodes, and what it made of each group.
_passes: dict[str, tuple[list[Any], list[Any]]] = {}
KEPT_PASSES = 64  # names at most: a process that builds many plans forgets the oldest


def by_group(name: str, nodes: list[Any], make: Callable[[list[Any]], T]) -> list[T]:
    """What `make` makes of each group of GROUP nodes (in order): in one process, with a name,
    taken from the last pass of that name where the group's nodes are the very objects they
    were then (the model is immutable, and `make` reads nothing but the nodes).  A save in
    `serve` so makes again only the group of the node it changed."""
    was_nodes, was_made = _passes.get(name, ([], [])) if name else ([], [])
    made = []
    for start in range(0, len(nodes), GROUP):
        group = nodes[start : start + GROUP]
        place = start // GROUP
        if (
            place < len(was_made)
            and len(was := was_nodes[start : start + GROUP]) == len(group)
            and all(map(operator.is_, group, was))
        ):
            made.append(was_made[place])
        else:
            made.append(make(group))
    if name:
        _keep(_passes, name, (nodes, made))
    return made


def _keep(memory: dict[str, Any], name: str, value: Any) -> None:
    """value kept under name, forgetting the oldest name beyond KEPT_PASSES."""
    if len(memory) >= KEPT_PASSES and name not in memory:
        del memory[next(iter(memory))]
    memory[name] = value


# In one process (`serve`), the last build's order of a plan's steps, by name: the start, the
# node ids, the nodes and their ways on it was found from; the order, and the numbers.
_Order = tuple[str, list[str], list[Any], Mapping[str, Any], list[str], dict[str, int]]
_orders: dict[str, _Order] = {}


def card_order(plan: model.Plan, graph: Graph, kept: str = "") -> tuple[list[str], dict[str, int]]:
    """The order of the card's steps (graph.order) and each node's number in it.  In one
    process, with a name, the last build's of that name where the start and the node ids are
    the same and each node that is not the very object it was leads to the same ids, in the same
    order: the walk would find the same way (a save in `serve` so walks no graph of 10 000
    nodes to change a word)."""
    ids = list(plan.nodes)
    nodes = list(plan.nodes.values())
    last = _orders.get(kept) if kept else None
    if (
        last is not None
        and last[0] == graph.start
        and last[1] == ids
        and all(
            [edge.target for edge in graph.ways[ids[i]]]
            == [edge.target for edge in last[3][ids[i]]]
            for i in itertools.compress(range(len(nodes)), map(operator.is_not, nodes, last[2]))
        )
    ):
        order, numbers = last[4], last[5]
    else:
        order = graph.order()
        numbers = {node_id: i for i, node_id in enumerate(order, 1)}
    if kept:
        _keep(_orders, kept, (graph.start, ids, nodes, graph.ways, order, numbers))
    return list(order), dict(numbers)


def _css_vars(local: model.LocalSettings) -> str:
    colors = local.colors
    props = []
    if colors is not None:
        for name in ("primary", "primary_text", "accent", "urgent"):
            value = getattr(colors, name)
            if value and not isinstance(value, model.Placeholder):
                props.append(f"--ap-{name.replace('_', '-')}:{value}")
    if local.font and not isinstance(local.font, model.Placeholder):
        font = font_list(local.font)
        if font:
            props.append(f"--ap-font:{font}")
    return ":root{" + ";".join(props) + "}\n" if props else ""


def font_list(text: str) -> str:
    """A font list as free text, cleaned to what a CSS font-family list may hold: names of
    letters, digits, spaces and '-', quoted where they were (an unclosed quote would swallow
    the rest of the style sheet)."""
    names = []
    for name in text.split(","):
        name = name.strip()
        bare = " ".join(re.sub(r"[^\w \-]", "", name).split())
        if not bare:
            continue
        quoted = len(name) > 1 and name[0] == name[-1] and name[0] in "'\""
        names.append(f'"{bare}"' if quoted else bare)
    return ",".join(names)


def _inline_css(css: str) -> str:
    """CSS minified, and safe inside <style>: no '</' to end it early."""
    minified: str = rcssmin.cssmin(css)
    return minified.replace("</", "<\\/")


def csp_hash(text: str) -> str:
    """The Content-Security-Policy source that admits exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def script_data(
    plan: model.Plan, graph: Graph, order: list[str], pages: list[Page], words: tuple[str, ...]
) -> dict[str, Any]:
    """All the script knows of the plan (docs/theming.md): the start, the primary language, each
    node as [id, kind, the ids it leads to] in the order of the nodes, and per language its
    direction and the script's words. The nodes' texts it reads from their sections."""
    return {
        "start": plan.info.start,
        "primary": plan.info.language,
        "nodes": [node_data(i, plan.nodes[i], graph.ways[i]) for i in order],
        "languages": {
            p.lang: {
                "dir": p.dir,
                "ui": {k: p.ui[k] for k in words if k in p.ui},
            }
            for p in pages
        },
    }


def node_data(node_id: str, node: model.Node, ways: tuple[Edge, ...]) -> list[str]:
    """A node as the script's data holds it: [id, kind, the ids it leads to]."""
    return [node_id, node.kind, *[edge.target for edge in ways]]


def _json(value: Any) -> str:
    """The script's data, or a part of it, as JSON."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def data_json(data: dict[str, Any], nodes: Iterable[str] | None = None) -> str:
    """The script's data as JSON, safe in a <script>; `nodes`, where given, the JSON of its
    nodes already made, in parts of whole nodes (the kept groups'), in place of `data`'s."""
    if nodes is None:
        text = _json(data)
    else:  # what json.dumps makes of the dict, but for the nodes' list
        text = (
            "{"
            + ",".join(
                f"{_json(key)}:" + ("[" + ",".join(nodes) + "]" if key == "nodes" else _json(value))
                for key, value in sorted(data.items())
            )
            + "}"
        )
    return text.replace("<", "\\u003c")


def contact_briefs(theme: Theme, context: dict[str, Any], plan: model.Plan) -> dict[str, Markup]:
    """Each contact as one link (macros.html's `brief`), made once per language: nodes name the
    same few contacts thousands of times, and a macro call costs more than the node around it."""
    macros = theme.template("macros.html").make_module(context)
    brief = getattr(macros, "brief", None)
    if brief is None:  # a theme's own macros.html without it: its templates do not use it
        return {}
    return {cid: brief(contact) for cid, contact in plan.contacts.items()}


def render_card(plan: model.Plan, theme: Theme, site: Any = None) -> str:
    """The whole card as one HTML document; raises PlanError at the line of a template that
    fails.  `site`, a card.shelf.Site, for one of a project's several plans: the way back to
    their index and to the other plans."""
    try:
        with no_cyclic_gc():
            return _render_card(plan, theme, site)
    except PlanError:
        raise
    except Exception as exc:  # a broken template: name it, keep the last good build
        raise theme.failure(exc) from None


def _render_card(plan: model.Plan, theme: Theme, site: Any = None) -> str:
    primary = plan.info.language
    graph = graph_of(plan)  # the one the checks walked
    # In one process (`serve`), where the build keeps what it made: passes over the nodes kept.
    kept = str(plan.root) if Store(NODES).on else ""
    order, numbers = card_order(plan, graph, kept)
    # The local colours and font come after the theme's defaults, custom.css after both.
    css = (
        (theme.source("card.css") or "")
        + _css_vars(plan.local)
        + (theme.source("custom.css") or "")
    )
    js = theme.source("card.js") or ""
    pages = [_page(plan, theme, lang, order, kept) for lang in plan.languages]
    logo = None
    if plan.logo:
        media_type, raw = plan.logo
        logo = f"data:{media_type};base64,{base64.b64encode(raw).decode()}"
    # Minified by well-tried tools: the card is read on weak connections and old phones.
    css = _inline_css(css)
    nojs_css = _inline_css(theme.source("nojs.css") or "")
    js = _SCRIPT_END.sub(r"<\\/\1", rjsmin.jsmin(js))  # '\/' is '/' in a string or a regex
    card = Card(
        primary=primary,
        order=order,
        numbers=numbers,
        packed=len(order) >= PACKED_FROM,
        sources=all_sources(plan, order, kept and f"sources {kept}"),
        local_contacts=[i for i, c in plan.contacts.items() if Path(c.pos.file).name == LOCAL],
        logo=logo,
        qr=qr_svg(plan.local.address),
        languages=pages,
        site=site,
    )
    # Marks where the nodes go in a page and the pages in the card, each put in place once at
    # the end: the page of a large plan (5 MB) is copied once, not at every step.
    token = os.urandom(16).hex()
    nodes_mark = f'<div data-ap-nodes="{token}"></div>'
    language = theme.template("language.html")
    done: list[Page] = []
    data: list[str] | None = None  # the JSON of the script's nodes, kept with the groups
    texts: list[list[str]] = []  # each page's text, the nodes' groups where its mark was
    for page in pages:
        page = replace(page, briefs=contact_briefs(theme, card.context(page), page.plan))
        nodes = rendered_nodes(theme, plan.root, card.context(page), plan)
        if nodes is not None:
            page = replace(page, node_html=nodes.sections, nodes_html=Markup(nodes_mark))
            if page.lang == primary:
                data = nodes.data
        # The line breaks before blocks are dropped from the page with the mark in place: the
        # nodes' groups have theirs dropped already, and the mark starts and ends as a group
        # does, so the breaks dropped at its edges are those the whole page would lose.
        html = _BLOCK_BREAK.sub("><", language.render(card.context(page)))
        if nodes is None:
            texts.append([html])
        else:
            between = html.split(nodes_mark)  # once, in the default language.html
            text = [between[0]]
            for part in between[1:]:
                text += (*nodes.html, part)
            texts.append(text)
        mark = f'<div data-ap-page="{token}-{len(done)}"></div>'
        done.append(replace(page, html=Markup(mark)))
    document = Document(
        pages=done,
        css=Markup(css),
        nojs_css=Markup(nojs_css),
        js=Markup(js),
        # The nodes' part made of the kept groups' where there are any (`order` then not walked).
        data=Markup(
            data_json(
                script_data(
                    plan, graph, order if data is None else [], pages, theme.script_words()
                ),
                data,
            )
        ),
        csp=Markup(
            f"default-src 'none'; script-src {csp_hash(js)}; "
            f"style-src {csp_hash(css)} {csp_hash(nojs_css)}; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        ),
    )
    card = replace(card, languages=done)
    whole = theme.template("card.html").render(card.context(done[0], document))
    # re.split gives the texts between the marks, and between those each mark's page number.
    parts = re.split(f'<div data-ap-page="{token}-([0-9]+)"></div>', whole)
    return "".join(
        t for i, part in enumerate(parts) for t in (texts[int(part)] if i % 2 else (part,))
    )


def _page(plan: model.Plan, theme: Theme, lang: str, order: list[str], kept: str = "") -> Page:
    tr = plan.translations.get(lang)
    ui = theme.ui(lang)
    localized = localize(plan, lang)
    return Page(
        lang=lang,
        dir=tr.direction if tr else ui.get("direction", "ltr"),
        name=tr.name if tr else ui.get("name", lang),
        plan=localized,
        ui=ui,
        key_donts=key_donts(localized, order, kept and f"key donts {lang} {kept}"),
        anchor_prefix="" if lang == plan.info.language else f"{lang}/",
    )


# In one process (`serve`), what each node's section is keyed by (`_written`) as the last build
# of a page worked it out, where that is not the digest of the text of a node in the plan's own
# language: by the page's name, its digest and, by node id, (the original node, its
# translation, what it is keyed by).
_written_of: dict[str, tuple[bytes, dict[str, tuple[Any, Any, bytes]]]] = {}
# In one process (`serve`), the last build of a page: by its name, its digest, the numbers, each
# node's original and translation (in the order of the nodes) and the keys of its groups.
_last_groups: dict[str, tuple[bytes, dict[str, int], list[Any], list[Any], list[str]]] = {}

GROUP = 100  # nodes in one <div class="ap-nodes">: language.html's `order|batch(100)`


class Sections(Mapping[str, Markup]):
    """Each node's section by id (`node_html`), read from the kept groups only when a template
    asks for one: the default language.html puts the groups in place whole (`nodes_html`)."""

    def __init__(self, order: list[str], load: Callable[[], list[dict[bytes, str]]]) -> None:
        self._order = order
        self._load = load
        self._found: dict[str, Markup] | None = None

    def __getitem__(self, node_id: str) -> Markup:
        if self._found is None:
            htmls = [html for group in self._load() for html in group.values()]
            self._found = {i: Markup(html) for i, html in zip(self._order, htmls, strict=True)}
        return self._found[node_id]

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)


@frozen
class Rendered:
    """Every node's section in one language: the groups as language.html puts them in place
    (`html`: each group's <div>, its line breaks before blocks already dropped, as _BLOCK_BREAK
    drops them from the page, one after the other, joined only with the whole card) and each
    section by id (`sections`)."""

    html: list[str]
    sections: Sections
    # On the page of the plan's own language, the JSON of each group's nodes in the script's data
    # (node_data), without the list's brackets; else None.
    data: list[str] | None = None


class SectionMaker:
    """Each node's section, as node.html renders it where language.html includes it: on one
    context for the page, made once, with `node` (and `node_id`) set for each node in turn.  An
    `{% include %}`, or `Template.render`, copies every variable of the page into a new context
    for each node, and language.html's generator passes on each piece of every node's output."""

    def __init__(self, theme: Theme, context: dict[str, Any]) -> None:
        template = theme.template("node.html")
        self._nodes: Mapping[str, model.Node] = context["plan"].nodes
        self._env = template.environment
        self._root = template.root_render_func
        self._context = template.new_context(dict(context))
        self._vars = self._context.vars

    def render(self, node_id: str) -> str:
        """The node's section; a template that fails raises as Template.render does (its
        traceback at the template's lines, for Theme.failure)."""
        self._vars["node"] = self._nodes[node_id]
        self._vars["node_id"] = node_id
        try:
            return self._env.concat(self._root(self._context))
        except Exception:
            self._env.handle_exception()


def fresh_nodes(theme: Theme, context: dict[str, Any]) -> Rendered:
    """Each node's section in one language, in groups as language.html puts them in place,
    where the build keeps nothing (rendered_nodes' without the store)."""
    maker = SectionMaker(theme, context)
    order: list[str] = context["order"]
    groups = [
        {i.to_bytes(4, "little"): maker.render(node_id) for i, node_id in enumerate(ids)}
        for ids in (order[start : start + GROUP] for start in range(0, len(order), GROUP))
    ]
    return Rendered(
        html=[group_html(group.values(), context["packed"]) for group in groups],
        sections=Sections(order, lambda: groups),
    )


def group_html(sections: Iterable[str], packed: bool) -> str:
    """One group of nodes, as language.html's loop writes it, with _BLOCK_BREAK applied (the
    group starts with `<div` and ends with `</div>`, so that no break it drops is cut at its
    edges)."""
    if packed:
        sections = [f"<noscript>{html}</noscript>" for html in sections]
    return _BLOCK_BREAK.sub("><", '<div class="ap-nodes">\n' + "".join(sections) + "</div>")


def rendered_nodes(
    theme: Theme, root: Path, context: dict[str, Any], original: model.Plan | None = None
) -> Rendered | None:
    """Each node's section in one language, as node.html renders it, in groups as
    language.html puts them in place (`nodes_html`, and by id `node_html`); those rendered by
    an earlier build are taken from the cache, where the build keeps nodes (else each is
    rendered, fresh_nodes).

    A node's section is kept under a digest of everything node.html reads: the node itself (as
    translated: the digests of the texts it and its translation were read from, `_written`, or
    its repr, every field but its positions), its number and those of the nodes it
    leads to, the page's language, words and contacts' links (`briefs`), the start and the
    plan's summary, the laws' titles, the project's other plans (`site`, for plan: links) and
    the template's text; the filters are the tool's own code, in every digest.  A change to
    node.html or its filters that reads more of the plan must add it here.  A project's own
    node.html, other than the default one, may read anything (even what the project's own
    language.html sets before it includes it), so its nodes are neither kept nor rendered here
    (None: language.html renders each in place).

    The store keeps each group of GROUP nodes whole, as it goes into the page, under a digest of
    its nodes' keys, and beside it the group's sections by key; and the keys of the groups of
    the page's last build.  A build that finds a group takes it as it is; for one it does not
    find, it takes from the last build's group in that place the sections whose keys are the
    same (a section's key holds its number, so its group), and renders the others.  An edit of
    one word so reads and writes its group alone, and renders its node alone.

    `original`, the plan before it was translated: in one process (`serve`), a group whose nodes'
    originals and translations are the objects of the last build, on a page with the same digest
    and numbers, has the key it had then; a node whose original and translation are, on a page
    with the same digest, is keyed by what it was keyed by then, without its repr (the model is
    immutable, and the translated node is made from those two alone).
    """
    store = Store(NODES)
    source = theme.source("node.html")
    if source is None or source != _default_source("node.html"):
        return None
    if not store.on:
        return fresh_nodes(theme, context)
    plan: model.Plan = context["plan"]
    numbers: dict[str, int] = context["numbers"]
    order: list[str] = context["order"]
    page = digest(
        source,
        pickle.dumps(
            (
                context["lang"],
                context["primary"],
                context["anchor_prefix"],
                context["ui"],
                context["briefs"],
                plan.info.start,
                plan.info.summary,
                {key: law.title for key, law in plan.laws.items()},
                context.get("site"),  # where links to the project's other plans lead
            ),
            protocol=pickle.HIGHEST_PROTOCOL,
        ),
    ).encode()
    name = digest(NODES, str(root.resolve()), context["lang"])
    last_page, last_written = _written_of.get(name, (b"", {}))
    if last_page != page:
        last_written = {}
    kept_written: dict[str, tuple[Any, Any, bytes]] = {}
    # Each node's ways on: as the plan's graph made them (`edges`), where the page is of the
    # plan the card's graph was made of; a translation's nodes are new, and made anew.
    ways = graph_of(plan).ways if plan is original else None
    tr = None
    if original is not None and context["lang"] != original.info.language:
        tr = original.translations.get(context["lang"])
    nodes = plan.nodes
    originals = original.nodes if original is not None else {}
    translated = tr.nodes if tr is not None else {}

    def parts(ids: list[str]) -> tuple[list[bytes], list[int | None], list[int]]:
        """What each node's section is made of, but for the numbers: the digest of the text it
        was read from (`_written`), or its repr; neither holds its positions, which no card
        shows, so a line added above a node does not make it new.  And the numbers of the nodes
        each leads to, all in a row, with how many each leads to: which nodes it leads to is
        in what it was read from."""
        written: list[bytes] = []
        targets: list[int | None] = []
        counts: list[int] = []
        for node_id in ids:
            node = nodes[node_id]
            untranslated = originals.get(node_id)
            if node is untranslated and (w := text_key(node)) is not None:
                pass  # the plan's own language, read entry by entry: the most common by far
            else:
                text_of = translated.get(node_id)
                was = last_written.get(node_id)
                if untranslated is None or not (
                    was and was[0] is untranslated and was[1] is text_of
                ):
                    made = _written(node, untranslated, text_of, tr is not None)
                    w = (
                        made
                        if isinstance(made, bytes)
                        else repr(made).encode("utf-8", "surrogatepass")
                    )
                    was = (untranslated, text_of, w)
                w = was[2]
                if untranslated is not None:
                    kept_written[node_id] = was
            written.append(w)
            on = ways[node_id] if ways is not None else edges(node)
            targets.extend([numbers.get(edge.target) for edge in on])
            counts.append(len(on))
        return written, targets, counts

    # The nodes' sources, by identity: the original nodes (the page's own, without one) and
    # their translations.  A group whose sources are the very objects of the last build of the
    # page in this process (`serve`), with the same numbers, has the key it had then.
    sources = list(map(originals.get if original is not None else nodes.get, order))
    texts_of = list(map(translated.get, order)) if tr is not None else None
    same = _last_groups.get(name)
    if same is not None and (
        same[0] != page or same[1] != numbers or len(same[3]) != len(texts_of or ())
    ):
        same = None

    packed = b"1" if context["packed"] else b"0"
    listing = digest(name, "groups")  # the keys of the groups of the page's last build
    last: list[str] | None = None
    groups: list[str] = []
    html: list[str] = []
    data: list[str | None] = []
    maker = SectionMaker(theme, context)
    for start in range(0, len(order), GROUP):
        ids = order[start : start + GROUP]
        end = start + len(ids)
        made_of = None
        if (
            same is not None
            and all(map(operator.is_, sources[start:end], same[2][start:end]))
            and (
                texts_of is None or all(map(operator.is_, texts_of[start:end], same[3][start:end]))
            )
        ):
            key = same[4][start // GROUP]
            for node_id in ids:
                if (was := last_written.get(node_id)) is not None:
                    kept_written[node_id] = was
        else:
            made_of = texts, leads, _ons = parts(ids)
            # The ids and their place give the nodes' numbers; the lengths read the texts'
            # digests or reprs back one way only.
            key = hashlib.blake2b(
                page
                + packed
                + repr((start, ids, leads, [len(t) for t in texts])).encode(
                    "utf-8", "surrogatepass"
                )
                + b"".join(texts),
                digest_size=24,
            ).hexdigest()
        groups.append(key)
        found = store.get(key, tuple)
        if found is None:
            texts, leads, ons = made_of or parts(ids)
            if last is None:
                last = store.get(listing, list) or []
            place = start // GROUP
            before = store.get(_sections(last[place]), dict) if place < len(last) else None
            sections: dict[bytes, str] = {}
            taken = 0
            for node_id, text, count in zip(ids, texts, ons, strict=True):
                mine = leads[taken : taken + count]
                taken += count
                node_key = hashlib.blake2b(
                    page
                    + len(text).to_bytes(4, "little")
                    + text
                    + repr((node_id, numbers[node_id], mine)).encode("utf-8", "surrogatepass"),
                    digest_size=24,
                ).digest()
                section = before.get(node_key) if before is not None else None
                if section is None:
                    section = maker.render(node_id)
                sections[node_key] = section
            made = None
            if ways is not None:  # the page of the plan the graph is of: its own language's
                made = ",".join(_json(node_data(i, nodes[i], ways[i])) for i in ids)
            found = (group_html(sections.values(), context["packed"]), made)
            # Written once the card is out: serve writes it when idle.
            store.put_later(_sections(key), sections, f"{listing} sections {place}")
            store.put_later(key, found, f"{listing} {place}")
        html.append(found[0])
        data.append(found[1])
    if store.get(listing, list) != groups:
        store.put_later(listing, groups)
    _written_of[name] = (page, kept_written)
    _last_groups[name] = (page, dict(numbers), sources, texts_of or [], groups)

    def load() -> list[dict[bytes, str]]:
        """Each group's sections, rendered again where the store has lost them."""
        found = []
        for place, key in enumerate(groups):
            sections = store.get(_sections(key), dict)
            if sections is None:
                sections = {}
                for i, node_id in enumerate(order[place * GROUP : (place + 1) * GROUP]):
                    sections[i.to_bytes(4, "little")] = maker.render(node_id)
            found.append(sections)
        return found

    return Rendered(
        html=html,
        sections=Sections(order, load),
        # Only where every group has its part: else the script's data is made whole.
        data=None if ways is None or None in data else cast(list[str], data),
    )


def _sections(group: str) -> str:
    """The store's key of a group's sections by their keys, beside the group (`group`, its key)."""
    return hashlib.blake2b(b"sections" + group.encode(), digest_size=24).hexdigest()


def _written(node: Any, untranslated: Any, text_of: Any, translated: bool) -> Any:
    """What a node's section is keyed by: the digests of the texts its original and its
    translation were read from (merge.text_key), where both are known, for the same node is
    read from the same text and translated from it and the translation's alone (with the
    page's language and the plan's, in the page's digest); else the node itself, whose repr
    holds all of it but its positions."""
    written = text_key(untranslated) if untranslated is not None else None
    if written is None:
        return node
    if node is untranslated:
        return written
    if not translated:
        return node
    other = text_key(text_of) if text_of is not None else b""
    return node if other is None else (written, other)


def _default_source(name: str) -> str | None:
    """The text of one of the default theme's files."""
    try:
        return files.read_text(default_dir("templates") / name)
    except PlanError:
        return None
