"""Contrast: the theme's colours, as local.yaml sets them, checked against WCAG 2.2 AA.

The card promises AA: text needs a contrast of 4.5:1 with what is behind it, and the lines that
mark a step or an answer 3:1 (WCAG 1.4.3 and 1.4.11).  A colour local.yaml does not set is the
theme's, read from its card.css (`--ap-primary: #00405e;`).  Too little contrast is a warning, so
that `--strict` refuses to publish the card.
"""

from __future__ import annotations

import re

from actionplan.errors import Problem, Severity
from actionplan.i18n import N_, _
from actionplan.plan import model

TEXT, UI = 4.5, 3.0
# (foreground, background, contrast needed, where the pair shows on the card), as card.css uses
# its --ap-* colours; `bg` and `soft` are the page's and the boxes' backgrounds.
PAIRS = (
    ("primary_text", "primary", TEXT, N_("the header's text")),
    ("accent", "bg", TEXT, N_("links")),
    ("accent", "soft", TEXT, N_("links in grey boxes")),
    ("bg", "accent", TEXT, N_("the Continue button's text")),
    ("urgent", "bg", TEXT, N_("the word Urgent and the warnings' headings")),
    ("bg", "urgent", TEXT, N_("the emergency numbers' text")),
    ("primary", "bg", UI, N_("the line above each step")),
)
# Compiled at their first use (re keeps them), by a plan that sets its colours, not at import.
_VAR = r"--ap-([a-z-]+)\s*:\s*(#[0-9a-fA-F]{3,8})\s*;"
_HEX = r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})\Z"


def contrast_problems(local: model.LocalSettings, css: str) -> list[Problem]:
    """A warning for each pair of the card's colours with too little contrast, at the colour
    local.yaml sets (the theme's own colours are the theme's to answer for)."""
    colors = local.colors
    if colors is None:
        return []
    theme: dict[str, str] = {}
    for name, value in re.findall(_VAR, css):  # the first: the light theme's, not dark mode's
        theme.setdefault(name.replace("-", "_"), value)
    mine = {
        name: value
        for name in ("primary", "primary_text", "accent", "urgent")
        if isinstance(value := getattr(colors, name), str)
        and not isinstance(value, model.Placeholder)
        and re.match(_HEX, value)
    }
    colour = {**theme, **mine}
    failed: dict[tuple[str, ...], list[tuple[str, float, float]]] = {}
    for fore, back, needed, where in PAIRS:
        set_here = tuple(name for name in (fore, back) if name in mine)
        if not set_here or fore not in colour or back not in colour:
            continue  # not set in local.yaml, or a theme whose colours are not hex
        ratio = contrast(colour[fore], colour[back])
        if ratio < needed:
            failed.setdefault(set_here, []).append((where, ratio, needed))
    problems = []
    for names, failures in failed.items():
        named = (
            _("'{fore}' ({fore_colour}) on '{back}' ({back_colour})").format(
                fore=names[0],
                fore_colour=colour[names[0]],
                back=names[1],
                back_colour=colour[names[1]],
            )
            if len(names) == 2
            else f"'{names[0]}' ({colour[names[0]]})"
        )
        places = [f"{_(where)} ({_floor(ratio)}:1)" for where, ratio, _needed in failures]
        promised = _listed(
            [
                (_("{ratio}:1 for text") if needed == TEXT else _("{ratio}:1 for lines")).format(
                    ratio=f"{needed:g}"
                )
                for needed in sorted({n for _w, _r, n in failures}, reverse=True)
            ]
        )
        if len(names) == 2:
            hint = _("make '{fore}' or '{back}' darker and the other lighter").format(
                fore=names[0], back=names[1]
            )
        else:
            other = next(b if f == names[0] else f for f, b, _n, w in PAIRS if w == failures[0][0])
            darker = luminance(colour[names[0]]) <= luminance(colour[other])
            hint = (
                _("choose a darker '{name}'") if darker else _("choose a lighter '{name}'")
            ).format(name=names[0])
        message = _(
            "{named} has too little contrast for {places}: the card promises {promised} "
            "(WCAG 2.2 AA)"
        )
        problems.append(
            Problem(
                colors.where(names[0]),
                message.format(named=named, places=_listed(places), promised=promised),
                hint,
                Severity.WARNING,
            )
        )
    return sorted(problems, key=lambda p: p.pos)


def _listed(items: list[str]) -> str:
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two hex colours, 1 to 21."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def luminance(hex_colour: str) -> float:
    """WCAG's relative luminance; a colour with alpha is taken over white, the card's page."""
    digits = hex_colour.lstrip("#")
    if len(digits) in (3, 4):
        digits = "".join(d * 2 for d in digits)
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
    channels = [alpha * c + (1 - alpha) for c in (red, green, blue)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _floor(ratio: float) -> str:
    """The ratio cut (not rounded) to two decimals: 4.499 must not read as 4.5."""
    return f"{int(ratio * 100) / 100:.2f}"
