"""Render: the checked plan, through the theme's Jinja templates, into one self-contained HTML file.

Content is only ever passed to templates as values (autoescaped), never compiled as a template.
CSS and JavaScript are inlined and admitted by hash in the Content-Security-Policy.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import rcssmin  # type: ignore[import-untyped]
import rjsmin  # type: ignore[import-untyped]
import yaml
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from actionplan import files
from actionplan.card import markdown
from actionplan.card.cache import template_cache
from actionplan.errors import PlanError, Pos, display_path
from actionplan.plan import model
from actionplan.plan.loader import duplicate_keys
from actionplan.plan.translate import localize
from actionplan.project import default_dir

FALLBACK_UI = "en"
LOCAL = "local.yaml"  # the municipality's own layer: its contacts go on the printed action card
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where it is installed
_WORD_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("str", "null", "bool", "int", "float", "seq", "map")
)
# What would end the inline script early, in any case: "</script" (HTML ignores the case).
_SCRIPT_END = re.compile("</(script)", re.IGNORECASE)
# The script declares the interface words it says, in a line of its own: `// words: a b c`.
_SCRIPT_WORDS = re.compile(r"^\s*//\s*words:(.*)$", re.MULTILINE)
# Line breaks before a block-level tag are not rendered; dropping them keeps the card small.
_BLOCK_BREAK = re.compile(
    r">\n+<(?=/?(?:section|div|ul|ol|li|p|h[1-6]|fieldset|legend|nav|header|footer|main)\b)"
)


@dataclass(frozen=True)
class Theme:
    """The templates: a project's own folder first, then the default theme (like MkDocs)."""

    env: jinja2.Environment

    @classmethod
    def load(cls, custom: Path | None = None) -> Theme:
        if custom is not None:
            files.list_folder(custom)  # a folder that cannot be read is an error, not no theme
        dirs = [d for d in (custom, default_dir("templates")) if d is not None]
        env = jinja2.Environment(
            loader=_ThemeLoader(dirs),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=False,  # one build: no need to stat a template at every include
            bytecode_cache=template_cache(),
        )
        env.filters.update(
            md=_md,
            md_inline=_md_inline,
            text=_text,
            tel=tel_href,
            host=url_host,
            domain=url_domain,
            unnumbered=unnumbered,
        )
        env.tests["placeholder"] = lambda value: isinstance(value, model.Placeholder)
        return cls(env)

    def source(self, name: str) -> str | None:
        """A theme file's text, from the project's templates if it has one, else the default."""
        try:
            return self.env.loader.get_source(self.env, name)[0]  # type: ignore[union-attr]
        except jinja2.TemplateNotFound:
            return None

    def script_words(self) -> tuple[str, ...]:
        """The interface words the theme's script says, as its `// words:` lines declare them."""
        js = self.source("card.js") or ""
        return tuple(word for line in _SCRIPT_WORDS.findall(js) for word in line.split())

    def has_words(self, lang: str) -> bool:
        """Whether the theme has words for the language, or its base language (pt for pt-BR)."""
        return any(self.source(f"i18n/{code}.yaml") is not None for code in _word_codes(lang)[1:])

    def ui(self, lang: str) -> dict[str, str]:
        """The card's own words in a language, with English for any that are missing."""
        words: dict[str, str] = {}
        for code in _word_codes(lang):
            words.update(self.words(code) or {})
        return words

    def words(self, code: str) -> dict[str, str] | None:
        """The words of one file, i18n/<code>.yaml (None when there is none); raises PlanError
        when it is not a mapping of words."""
        text = self.source(f"i18n/{code}.yaml")
        if text is None:
            return None
        name = f"templates/i18n/{code}.yaml"
        try:
            root = yaml.compose(text, Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = (mark.line + 1, mark.column + 1) if mark else ()
            problem = getattr(exc, "problem", None) or exc
            raise PlanError.at(Pos(name, *where), f"not valid YAML: {problem}") from None
        if not isinstance(root, yaml.MappingNode):
            raise PlanError.at(Pos(name), "must be a mapping of words")
        duplicates = duplicate_keys(root, name)
        if duplicates:
            raise PlanError(duplicates)
        return dict(_word(name, key, value) for key, value in root.value)


def _word(name: str, key: yaml.Node, value: yaml.Node) -> tuple[str, str]:
    """One word of a words file, as written: YAML 1.1 would read `back: No` as false and
    `start_over: 0123` as 83, and the card would show "False" and "83"."""
    pos = Pos(name, value.start_mark.line + 1, value.start_mark.column + 1)
    word = str(getattr(key, "value", ""))[:40]
    if value.tag not in _WORD_TAGS:  # such as !!python/object: nothing is constructed
        raise PlanError.at(pos, f"not valid YAML: the tag '{value.tag[:60]}' is not allowed")
    # Only text: a list or mapping (perhaps of aliases, a "billion laughs") is no word.
    if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.ScalarNode):
        raise PlanError.at(
            pos, f"the word '{word}' is not text", "write the text after the key, on the same line"
        )
    if value.tag.endswith(":null") or not value.value.strip():
        raise PlanError.at(
            pos,
            f"the word '{word}' is empty",
            "write the word after the key, or remove the line to show the English one",
        )
    if key.value == "direction" and value.value not in ("ltr", "rtl"):
        raise PlanError.at(
            pos,
            f"'direction' must be ltr or rtl, found '{value.value[:40]}'",
            "rtl for a language written right to left, else ltr",
        )
    return key.value, value.value


def _word_codes(lang: str) -> tuple[str, ...]:
    """Where a language's interface words come from, each over the one before: English, the base
    language, the language itself."""
    return (FALLBACK_UI, lang.split("-")[0], lang)


class _ThemeLoader(jinja2.BaseLoader):
    """The theme's folders, first to last, each file read through actionplan.files.

    A file is taken from the first folder that has it; only "no such file" passes on to the
    next folder, so a theme file that cannot be read (a link that loops, no permission, a
    pipe) is an error, not quietly replaced by the default.  A file that links out of its
    folder is refused, as in content/.
    """

    def __init__(self, folders: list[Path]) -> None:
        self.folders = folders

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Any]:
        pieces = split_template_path(template)  # refuses '..'
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            try:
                mtime = os.stat(path).st_mtime
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                raise files.error(display_path(path), exc) from None
            if not files.inside(path, folder):
                raise PlanError.at(
                    Pos(display_path(path)),
                    "links to a file outside the templates folder",
                    "copy the file into the templates folder instead of linking to it",
                )
            source = files.read_text(path, display_path(path))

            def uptodate(path: Path = path, mtime: float = mtime) -> bool:
                try:
                    return os.stat(path).st_mtime == mtime
                except OSError:
                    return False

            return source, str(path), uptodate
        raise jinja2.TemplateNotFound(template)


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


def anchor(lang: str, node_id: str, primary: str) -> str:
    """The id of a node's section: the bare id in the plan's language, 'lang/id' in others."""
    return node_id if lang == primary else f"{lang}/{node_id}"


def _lang_of(value: Any, page_lang: str) -> str | None:
    lang = getattr(value, "lang", None)
    return lang if lang and lang != page_lang else None


@jinja2.pass_context
def _text(ctx: Any, value: Any, short: bool = False) -> Markup:
    """Plain text, marked with its language where it differs from the page's; a placeholder
    marked as one (`short`: without what to fill in, where the contacts page says it)."""
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


def _links_for(ctx: Any, html: str) -> str:
    prefix = ctx["anchor_prefix"]
    if not prefix:
        return html
    return html.replace('href="#', f'href="#{prefix}')


@jinja2.pass_context
def _md(ctx: Any, value: Any) -> Markup:
    if value is None:
        return Markup("")
    if isinstance(value, model.Placeholder):
        return Markup("<p>{}</p>").format(_text(ctx, value))
    html = _links_for(ctx, markdown.render(value))
    other = _lang_of(value, ctx["lang"])
    if other:
        html = f'<div lang="{other}" dir="auto">{html}</div>'
    return Markup(html)


@jinja2.pass_context
def _md_inline(ctx: Any, value: Any) -> Markup:
    if isinstance(value, model.Placeholder):
        return _text(ctx, value)
    html = _links_for(ctx, markdown.render_inline(value))
    other = _lang_of(value, ctx["lang"])
    if other:
        html = f'<span lang="{other}" dir="auto">{html}</span>'
    return _isolated(value, Markup(html))


def node_order(plan: model.Plan) -> list[str]:
    """Nodes in breadth-first order from the start: the order of the printed key."""
    order = [plan.info.start]
    seen = {plan.info.start}
    todo = deque(order)
    while todo:
        for target, _loop, _pos in plan.nodes[todo.popleft()].edges():
            if target not in seen:
                seen.add(target)
                order.append(target)
                todo.append(target)
    return order


def key_donts(plan: model.Plan) -> list[str]:
    """The warnings of the urgent steps, each once: the 'do not' of the printed action card."""
    seen: dict[str, str] = {}
    for node in plan.nodes.values():
        if isinstance(node, model.Step) and node.urgent:
            for item in node.do_not:
                seen.setdefault(str(item), item)
    return list(seen.values())


def qr_svg(address: str | None) -> Markup | None:
    """A QR code to the card's published address, as inline SVG (no request, no image file)."""
    if not address or isinstance(address, model.Placeholder):
        return None
    # Imported here: segno takes some 40 ms to import, which every build without an address
    # would pay for nothing (a default card builds in about 0.25 s).
    import segno

    code = segno.make(address, error="m", micro=False)
    return Markup(code.svg_inline(border=4, omitsize=True, svgclass="ap-qr", lineclass=None))


def all_sources(plan: model.Plan, order: list[str]) -> list[model.Source]:
    """Every source the nodes name, once each, in the order the card shows them."""
    seen: dict[str, model.Source] = {}
    for node_id in order:
        for source in getattr(plan.nodes[node_id], "sources", ()):
            seen.setdefault(source.url, source)
    return list(seen.values())


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
    plan: model.Plan, order: list[str], pages: list[dict[str, Any]], words: tuple[str, ...]
) -> dict[str, Any]:
    """All the script knows of the plan (docs/theming.md): the start, the primary language, each
    node as [id, kind, the ids it leads to], and per language its direction, the script's words
    and each node's texts as [title, option labels], in the order of the nodes."""
    return {
        "start": plan.info.start,
        "primary": plan.info.language,
        "nodes": [[i, plan.nodes[i].kind, *(e[0] for e in plan.nodes[i].edges())] for i in order],
        "languages": {
            p["lang"]: {
                "dir": p["dir"],
                "ui": {k: p["ui"][k] for k in words if k in p["ui"]},
                "text": [
                    [
                        str(p["plan"].nodes[i].title),
                        *(str(o.label) for o in getattr(p["plan"].nodes[i], "options", ())),
                    ]
                    for i in order
                ],
            }
            for p in pages
        },
    }


def contact_briefs(theme: Theme, page: dict[str, Any]) -> dict[str, Markup]:
    """Each contact as one link (macros.html's `brief`), made once per language: nodes name the
    same few contacts thousands of times, and a macro call costs more than the node around it."""
    macros = theme.env.get_template("macros.html").make_module(page)
    brief = getattr(macros, "brief", None)
    if brief is None:  # a theme's own macros.html without it: its templates do not use it
        return {}
    return {cid: brief(contact) for cid, contact in page["plan"].contacts.items()}


def render_card(plan: model.Plan, theme: Theme) -> str:
    """The whole card as one HTML document."""
    primary = plan.info.language
    order = node_order(plan)
    numbers = {node_id: i for i, node_id in enumerate(order, 1)}
    # The local colours and font come after the theme's defaults, custom.css after both.
    css = (
        (theme.source("card.css") or "")
        + _css_vars(plan.local)
        + (theme.source("custom.css") or "")
    )
    js = theme.source("card.js") or ""
    pages = []
    for lang in plan.languages:
        tr = plan.translations.get(lang)
        ui = theme.ui(lang)
        pages.append(
            {
                "lang": lang,
                "dir": tr.direction if tr else ui.get("direction", "ltr"),
                "name": tr.name if tr else ui.get("name", lang),
                "plan": (localized := localize(plan, lang)),
                "key_donts": key_donts(localized),
                "ui": ui,
                "anchor_prefix": "" if lang == primary else f"{lang}/",
            }
        )
    data = script_data(plan, order, pages, theme.script_words())
    logo = None
    if plan.logo:
        media_type, raw = plan.logo
        logo = f"data:{media_type};base64,{base64.b64encode(raw).decode()}"
    # Minified by well-tried tools: the card is read on weak connections and old phones.
    css = _inline_css(css)
    nojs_css = _inline_css(theme.source("nojs.css") or "")
    js = _SCRIPT_END.sub(r"<\\/\1", rjsmin.jsmin(js))  # '\/' is '/' in a string or a regex
    shared = {
        "qr": qr_svg(plan.local.address),
        "local_contacts": [i for i, c in plan.contacts.items() if Path(c.pos.file).name == LOCAL],
        "order": order,
        "numbers": numbers,
        "logo": logo,
        "anchor": anchor,
        "primary": primary,
        "languages": pages,
        "sources": all_sources(plan, order),
    }
    language = theme.env.get_template("language.html")
    for page in pages:
        page["briefs"] = contact_briefs(theme, {**shared, **page})
        page["html"] = Markup(_BLOCK_BREAK.sub("><", language.render(shared, **page)))
    return theme.env.get_template("card.html").render(
        shared,
        pages=pages,
        lang=primary,
        dir=pages[0]["dir"],
        plan=plan,
        ui=pages[0]["ui"],
        anchor_prefix="",
        css=Markup(css),
        nojs_css=Markup(nojs_css),
        js=Markup(js),
        data=Markup(json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")),
        csp=Markup(
            f"default-src 'none'; script-src {csp_hash(js)}; "
            f"style-src {csp_hash(css)} {csp_hash(nojs_css)}; "
            "img-src data:; base-uri 'none'; form-action 'none'"
        ),
    )
