"""Images a theme names, made part of the card: a card makes no request of its own.

Everything a theme file names for the browser to load is found as a browser reads it. A style
sheet (a `.css` template, a `<style>` and a `style` attribute) is read by tinycss2's tokenizer,
which reads escapes and comments as CSS does: `u\\72l(...)` is `url(...)` and `@\\69mport` is
`@import`; the addresses in `image-set()` are strings. A template's HTML is read by the elements
and attributes that load something: `src`, `srcset`, `poster`, `background`, an `<object>`'s
`data`, a `<link>`'s and an SVG image's `href`, and a `<meta>` refresh.

A file in the templates folder, named plainly, is replaced by the file as a `data:` address,
which the card's Content-Security-Policy admits (`img-src data:`); anything it would block
instead (an address on the web, a style sheet or font to load, a file too large to carry, a
name written with escapes) is refused at its file, line and column.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import Any

from actionplan import files
from actionplan.errors import PlanError, Pos, Problem, display_path, short
from actionplan.i18n import _
from actionplan.project import default_dir

FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")
# The patterns are written as text and compiled at their first use (re keeps them): only a theme
# with files of its own to read uses them, and a small build is mostly Python starting.
# A value with Jinja in it is made when the card is rendered (the logo's data: address).
_TEMPLATED = r"\{[{%#]"
# url(...) as it is written plainly: where the file's name to replace starts and ends.
_CSS_URL = r"""(?i)url\(\s*(?P<q>['"]?)(?P<ref>[^'")]*?)(?P=q)\s*\)"""
# CSS functions whose first argument, a string, is an address; and those whose strings are.
_URL_FUNCTIONS = frozenset(("url", "src"))
_IMAGE_FUNCTIONS = frozenset(("image-set", "-webkit-image-set", "image", "cross-fade"))
# An attribute in a start tag as the HTML parser reads it (html.parser's own pattern).
_ATTR = r"""(?P<name>[^\s/>"'=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s>]+)))?"""
# The attributes that load what they name, on any element; and `href` on these.
_LOADING = frozenset(("src", "srcset", "imagesrcset", "poster", "background", "xlink:href"))
_HREF_LOADS = frozenset(("link", "image", "use", "feimage", "script", "base"))
# A <link> whose every rel is one of these names a page, not something the card would load.
_LINK_ONLY = frozenset(
    (
        *("alternate", "author", "bookmark", "canonical", "external", "help", "license", "me"),
        *("next", "nofollow", "noopener", "noreferrer", "opener", "prev", "search", "tag"),
    )
)
_CANDIDATE = r"[^\s,]+(?:\s+[\d.]+[wx])?"  # "a.png 1x, b.png 2x": each candidate
_REFRESH_URL = r"(?i)url\s*="


class _Found:
    """What one theme file names: each address (to inline where it can be, to refuse where it
    cannot) and each place that would load another style sheet or leave the card."""

    def __init__(self) -> None:
        # (offset of the name in the file, offset of its end or -1 where the text there is
        # not the name as read, e.g. written with escapes, the name as read)
        self.refs: list[tuple[int, int, str]] = []
        self.problems: list[tuple[int, str, str]] = []  # (offset, message, hint)

    def css(self, text: str, start: int, end: int, at: int | None = None) -> None:
        """The addresses in the style sheet text[start:end], read as CSS reads it; with `at`,
        a sheet that is not the file's text as written (a `style` attribute with character
        references): each address is then refused at `at` rather than replaced."""
        import tinycss2  # only a template compiled anew is read: most builds never need it

        css = text[start:end]
        if at is not None:
            found = _Found()
            found.css(css, 0, len(css))
            self.refs += [(at, -1, ref) for _, _, ref in found.refs]
            self.problems += [(at, message, hint) for _, message, hint in found.problems]
            return
        # tinycss2 counts lines as CSS does (\r\n, \r and \f end one too) and columns from 1.
        lines = [start, *(start + m.end() for m in re.finditer(r"\r\n|[\r\n\f]", css))]

        def offset(node: Any) -> int:
            return int(lines[node.source_line - 1] + node.source_column - 1)

        def string(node: Any) -> None:
            at = offset(node)
            value: str = node.value
            plain = text[at : at + 1] in ("'", '"') and text[at + 1 : at + 1 + len(value)] == value
            self.refs.append((at + 1, at + 1 + len(value) if plain else -1, value))

        def walk(nodes: list[Any]) -> None:
            namespace = False  # @namespace's url() names a namespace, which is never loaded
            for node in nodes:
                kind = node.type
                if kind == "at-keyword":
                    namespace = node.lower_value == "namespace"
                    if node.lower_value == "import":
                        self.problems.append(
                            (
                                offset(node),
                                _("@import loads another style sheet, which the card cannot"),
                                _("put the rules in custom.css"),
                            )
                        )
                elif kind == "literal" and node.value == ";":
                    namespace = False
                elif kind == "url" and not namespace:
                    at = offset(node)
                    plain = re.compile(_CSS_URL).match(text, at, end)
                    if plain and plain["ref"] == node.value:
                        self.refs.append((plain.start("ref"), plain.end("ref"), node.value))
                    else:
                        self.refs.append((at, -1, node.value))
                elif kind == "function":
                    arguments = [
                        a for a in node.arguments if a.type not in ("whitespace", "comment")
                    ]
                    if node.lower_name in _URL_FUNCTIONS and not namespace:
                        if arguments and arguments[0].type == "string":
                            string(arguments[0])
                    elif node.lower_name in _IMAGE_FUNCTIONS:
                        for argument in arguments:
                            if argument.type == "string":
                                string(argument)
                    walk(node.arguments)
                elif kind in ("() block", "[] block", "{} block"):
                    walk(node.content)

        walk(tinycss2.parse_component_value_list(css, skip_comments=True))


def _read_html(text: str, found: _Found) -> None:
    """The addresses a template's HTML names for the browser to load, into `found`."""
    import html  # only a project's own templates are read (see inline_images)
    from html.parser import HTMLParser

    class _Html(HTMLParser):
        """The addresses a template's HTML names for the browser to load, with their offsets."""

        def __init__(self, text: str, found: _Found) -> None:
            super().__init__(convert_charrefs=False)
            self.text, self.found = text, found
            self.lines = [0, *(m.end() for m in re.finditer("\n", text))]  # as getpos counts
            self.style_at: int | None = None
            self.feed(text)
            self.close()

        def _here(self) -> int:
            line, column = self.getpos()
            return self.lines[line - 1] + column

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            at = self._here()
            raw = self.get_starttag_text() or ""
            names = {name for name, _ in attrs}
            rel = set((dict(attrs).get("rel") or "").lower().split())
            for m in re.compile(_ATTR).finditer(raw, 1 + len(tag)):
                name = m["name"].lower()
                group = "dq" if m["dq"] is not None else "sq" if m["sq"] is not None else "uq"
                if m[group] is None:
                    continue
                start, value = at + m.start(group), html.unescape(m[group])
                end = start + len(value) if value == m[group] else -1
                if name == "style":
                    if end >= 0:
                        self.found.css(self.text, start, end)
                    else:
                        self.found.css(value, 0, len(value), at=start)
                elif name in ("srcset", "imagesrcset"):
                    for part in re.finditer(_CANDIDATE, value):
                        ref = part.group().split()[0]
                        self.found.refs.append(
                            (
                                start + part.start(),
                                start + part.start() + len(ref) if end >= 0 else -1,
                                ref,
                            )
                        )
                elif name in _LOADING or (name == "data" and tag == "object"):
                    self.found.refs.append((start, end, value))
                elif name == "href" and tag in _HREF_LOADS:
                    if tag == "link" and rel <= _LINK_ONLY:
                        continue
                    if tag == "link" and "stylesheet" in rel and not re.search(_TEMPLATED, value):
                        self.found.problems.append(
                            (
                                start,
                                _(
                                    "'{file}' is a style sheet to load, which the card cannot"
                                ).format(file=short(value, 60)),
                                _("put the rules in custom.css"),
                            )
                        )
                        continue
                    self.found.refs.append((start, end, value))
                elif (
                    name == "content"
                    and tag == "meta"
                    and "http-equiv" in names
                    and (dict(attrs).get("http-equiv") or "").lower() == "refresh"
                    and re.search(_REFRESH_URL, value)
                ):
                    self.found.problems.append(
                        (
                            start,
                            _(
                                "a refresh to '{file}' would take the reader away from the card"
                            ).format(file=short(value, 60)),
                            _("remove the <meta> refresh, and link to the page instead"),
                        )
                    )
            self.style_at = at if tag == "style" else None

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            self.handle_starttag(tag, attrs)
            self.style_at = None

        def handle_data(self, data: str) -> None:
            if self.style_at is not None:
                start = self._here()
                self.found.css(self.text, start, start + len(data))

        def handle_endtag(self, tag: str) -> None:
            self.style_at = None

    _Html(text, found)


def inline_images(text: str, name: str, folder: Path) -> str:
    """The theme file's text with every image it names from `folder` inlined; raises PlanError
    for each reference the card could not load, all at once."""
    if folder == default_dir("templates"):
        # The default theme names no file and no address (a test holds it to that): its files
        # are not read again at every build.
        return text
    found = _Found()
    if name.endswith(".css"):
        found.css(text, 0, len(text))
    elif name.endswith(".html"):
        _read_html(text, found)
    path = folder / name
    problems = [
        Problem(_pos(path, text, at), message, hint) for at, message, hint in found.problems
    ]
    out, last = [], 0
    for start, end, ref in sorted(found.refs):
        ref = ref.strip()
        if not ref or ref.startswith(("data:", "#")) or re.search(_TEMPLATED, ref):
            continue
        pos = _pos(path, text, start)
        try:
            data_url = _data_url(ref, folder)
        except PlanError as exc:
            problems += [Problem(pos, p.message, p.hint) for p in exc.problems]
            continue
        if end < 0 or start < last:
            problems.append(
                Problem(
                    pos,
                    _("'{file}' is written in a way the card does not read").format(
                        file=short(ref, 60)
                    ),
                    _("write the name plainly, without escapes, such as url(images/logo.png)"),
                )
            )
            continue
        out += [text[last:start], data_url]
        last = end
    if problems:
        raise PlanError(sorted(problems, key=lambda p: p.pos))
    return "".join(out) + text[last:]


def _pos(path: Path, text: str, offset: int) -> Pos:
    line_start = text.rfind("\n", 0, offset) + 1
    return Pos(display_path(path), text.count("\n", 0, offset) + 1, offset - line_start + 1)


def _data_url(ref: str, folder: Path) -> str:
    """The image a theme file names, as a data: address; PlanError (without a place) if none."""
    quoted = short(ref, 60)
    if re.match(r"[a-z][a-z0-9+.-]*:|//", ref, re.IGNORECASE):
        raise PlanError.at(
            Pos(""),
            _(
                "'{file}' is not a file in the templates folder: the card makes no request, "
                "so it would not be shown"
            ).format(file=quoted),
            _(
                "save the file in templates/ and name it from there, such as images/logo.png: "
                "it is then made part of the card"
            ),
        )
    path = folder / ref.split("?")[0]
    suffix = path.suffix.lower()
    if suffix in FONT_SUFFIXES:
        raise PlanError.at(
            Pos(""),
            _("'{file}' is a font, which the card does not load").format(file=quoted),
            _("name fonts the reader's device has, in local.yaml's font"),
        )
    try:
        image = files.read_image(
            path, folder, _("the card must stay small: use a smaller image, or an SVG")
        )
    except PlanError as exc:
        problems = [Problem(p.pos, f"'{quoted}': {p.message}", p.hint) for p in exc.problems]
        raise PlanError(problems) from None
    if image is files.Refused.NOT_AN_IMAGE:
        raise PlanError.at(
            Pos(""),
            _("'{file}' is not an image the card can show").format(file=quoted),
            _("use an SVG, PNG, JPEG, GIF or WebP file"),
        )
    if image is files.Refused.OUTSIDE:
        raise PlanError.at(
            Pos(""),
            _("'{file}' is outside the templates folder").format(file=quoted),
            _("copy the image into the templates folder"),
        )
    media_type, data = image
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"
