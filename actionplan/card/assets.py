"""Images a theme names, made part of the card: a card makes no request of its own.

A template's `src="..."` (and `srcset`, `poster`) and a style sheet's `url(...)` that name a file
in the templates folder are replaced by the file as a `data:` address, which the card's
Content-Security-Policy admits (`img-src data:`); anything it would block instead (an address on
the web, a font, a file too large to carry) is refused at its file, line and column.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from actionplan import files
from actionplan.errors import PlanError, Pos, Problem, display_path, short
from actionplan.i18n import _

FONT_SUFFIXES = (".woff", ".woff2", ".ttf", ".otf", ".eot")
# A value with Jinja in it is made when the card is rendered (the logo's data: address).
_TEMPLATED = re.compile(r"\{[{%#]")
_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<ref>[^'")]*?)(?P=q)\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_HTML_ATTR = re.compile(
    r"""\b(?P<attr>src|srcset|poster)\s*=\s*(?P<q>['"]?)(?P<ref>(?(q)[^'"]*|[^\s>]*))(?P=q)""",
    re.IGNORECASE,
)


def inline_images(text: str, name: str, folder: Path) -> str:
    """The theme file's text with every image it names from `folder` inlined; raises PlanError
    for each reference the card could not load, all at once."""
    problems: list[Problem] = []
    refs: list[tuple[int, int, str]] = []  # (start, end, the reference) of each to replace
    if name.endswith(".css"):
        refs += [(m.start("ref"), m.end("ref"), m["ref"]) for m in _CSS_URL.finditer(text)]
        problems += [
            Problem(
                _pos(folder / name, text, m.start()),
                _("@import loads another style sheet, which the card cannot"),
                _("put the rules in custom.css"),
            )
            for m in _CSS_IMPORT.finditer(text)
        ]
    elif name.endswith(".html"):
        refs += [(m.start("ref"), m.end("ref"), m["ref"]) for m in _CSS_URL.finditer(text)]
        for m in _HTML_ATTR.finditer(text):
            if m["attr"].lower() == "srcset":
                # "a.png 1x, b.png 2x": each address, with its place in the text
                for part in re.finditer(r"[^\s,]+(?:\s+[\d.]+[wx])?", m["ref"]):
                    ref = part.group().split()[0]
                    start = m.start("ref") + part.start()
                    refs.append((start, start + len(ref), ref))
            else:
                refs.append((m.start("ref"), m.end("ref"), m["ref"]))
    out, last = [], 0
    for start, end, ref in sorted(refs):
        ref = ref.strip()
        if not ref or ref.startswith(("data:", "#")) or _TEMPLATED.search(ref):
            continue
        pos = _pos(folder / name, text, start)
        try:
            data_url = _data_url(ref, folder)
        except PlanError as exc:
            problems += [Problem(pos, p.message, p.hint) for p in exc.problems]
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
