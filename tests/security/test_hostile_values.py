"""Hostile values where the format expects something particular: web addresses, e-mail, phone
numbers, colours, a font, language tags, ids and the logo.

Each case changes one value of the plain plan. A value the format refuses ends the build with
exit 1, a message at its file:line:col, the last good card untouched and nothing written; the
font, which is free text, is cleaned to what a CSS font list may hold and the card builds, with
the card's own style intact.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hostile import PWNED, Audit, Visit, build_over_good, dump, plan_files

CONTACT = ("content/contacts.yaml", "contacts", "raad")
LAW = ("content/contacts.yaml", "laws", "lov")
NODES = ("content/nodes.yaml", "nodes")
COLORS = ("content/local.yaml", "local", "colors")
LOCAL = ("content/local.yaml", "local")
TRANSLATION = ("content/translations/en.yaml",)


def setting(*path: Any) -> Callable[[Any], dict[str, Any]]:
    """The plain plan with the value at path (file, key, ...) set."""

    def change(value: Any) -> dict[str, Any]:
        files = plan_files()
        *parents, last = path
        target = files
        for key in parents:
            target = target[key]
        target[last] = value
        return files

    return change


# id: (where, value, what the build does: "refused" with this message, or "built")
VALUES: dict[str, tuple[Callable[[Any], dict[str, Any]], Any, str]] = {
    "contact-url-javascript": (setting(*CONTACT, "url"), f"javascript:{PWNED}", "not a web"),
    "contact-url-data": (
        setting(*CONTACT, "url"),
        "data:text/html,<script>x</script>",
        "not a web address",
    ),
    "contact-url-quote": (
        setting(*CONTACT, "url"),
        'https://example.org/"onmouseover="x',
        "not a web address",
    ),
    "contact-url-space": (
        setting(*CONTACT, "url"),
        "https://example.org/ onmouseover=x",
        "not a web address",
    ),
    "contact-url-protocol-relative": (
        setting(*CONTACT, "url"),
        "//evil.example/",
        "not a web address",
    ),
    "contact-url-ftp": (setting(*CONTACT, "url"), "ftp://evil.example/", "not a web address"),
    "contact-source-javascript": (setting(*CONTACT, "source"), "javascript:x", "not a web address"),
    "contact-email-quote": (
        setting(*CONTACT, "email"),
        'a@b.org" onclick="x',
        "not an e-mail address",
    ),
    "contact-email-markup": (setting(*CONTACT, "email"), "<script>@b.org", "not an e-mail"),
    "contact-phone-markup": (
        setting(*CONTACT, "phone"),
        "112<script>x</script>",
        "not a phone number",
    ),
    "contact-phone-javascript": (
        setting(*CONTACT, "phone"),
        "javascript:alert(1)",
        "not a phone number",
    ),
    "law-url-javascript": (setting(*LAW, "url"), f"javascript:{PWNED}", "not a web address"),
    "source-url-javascript": (
        setting(*NODES, "act", "sources", 0, "url"),
        "javascript:x",
        "not a web address",
    ),
    "source-url-data": (
        setting(*NODES, "act", "sources", 0, "url"),
        "data:,x",
        "not a web address",
    ),
    "colour-style-breakout": (
        setting(*COLORS, "primary"),
        f"red;}}</style><script>{PWNED}</script>",
        "not a colour",
    ),
    "colour-url": (setting(*COLORS, "accent"), "url(https://evil.example/x.png)", "not a colour"),
    "colour-extra-declaration": (
        setting(*COLORS, "urgent"),
        "#fff;background:url(https://evil.example/x)",
        "not a colour",
    ),
    "colour-expression": (setting(*COLORS, "primary_text"), "expression(alert(1))", "not a colour"),
    "language-markup": (
        setting("content/plan.yaml", "plan", "language"),
        'da"><script>',
        "not a language tag",
    ),
    "translation-language-markup": (
        setting(*TRANSLATION, "language"),
        'en" onclick="x',
        "not a language tag",
    ),
    "translation-direction": (
        setting(*TRANSLATION, "direction"),
        'rtl" onclick="x',
        "must be one of ltr, rtl",
    ),
    "node-id-markup": (
        setting(*NODES, "start", "options", 1, "next"),
        '"><script>x</script>',
        "not a valid id",
    ),
    "node-id-fragment": (setting(*NODES, "act", "next"), "#done", "not a valid id"),
    "emergency-id-markup": (
        setting("content/plan.yaml", "plan", "emergency"),
        ["<b>"],
        "not a valid id",
    ),
    "logo-parent-folder": (setting(*LOCAL, "logo"), "../secret.svg", "outside the plan"),
    "logo-absolute": (setting(*LOCAL, "logo"), "/etc/passwd", "outside the plan"),
    "logo-backslashes": (setting(*LOCAL, "logo"), "..\\secret.svg", "outside the plan"),
    "logo-not-an-image": (setting(*LOCAL, "logo"), "index.html", "must be an SVG, PNG or JPEG"),
    "font-style-breakout": (
        setting(*LOCAL, "font"),
        f"x;}}</style><script>{PWNED}</script>",
        "built",
    ),
    "font-url": (setting(*LOCAL, "font"), "url(https://evil.example/f.woff)", "built"),
    "font-import": (setting(*LOCAL, "font"), "a;@import url(https://evil.example/x.css)", "built"),
    "font-escapes": (setting(*LOCAL, "font"), "\\3c /style\\3e \\75 rl(x)", "built"),
    "font-expression": (setting(*LOCAL, "font"), "expression(alert(1))", "built"),
    "font-declarations": (setting(*LOCAL, "font"), "Verdana; } body { display: none", "built"),
    "font-unclosed-quote": (setting(*LOCAL, "font"), '"Verdana, sans-serif', "built"),
    "font-unclosed-single-quote": (setting(*LOCAL, "font"), "'Gill Sans, serif", "built"),
    "email-with-query": (setting(*CONTACT, "email"), "raad@example.org?subject=x&body=y", "built"),
    # Web addresses that lead to no site, and numbers no phone dials.
    "url-port-too-high": (setting(*CONTACT, "url"), "https://raad.dk:99999/", "leads to no site"),
    "url-port-word": (setting(*CONTACT, "url"), "https://raad.dk:http/", "leads to no site"),
    "url-broken-ipv6": (setting(*CONTACT, "url"), "https://[raad/", "leads to no site"),
    "url-empty-label": (setting(*CONTACT, "url"), "https://raad..dk/", "leads to no site"),
    "url-long-label": (setting(*CONTACT, "url"), f"https://{'r' * 64}.dk/", "leads to no site"),
    "url-percent-host": (setting(*CONTACT, "url"), "https://raad%2edk/", "leads to no site"),
    "phone-sixteen-digits": (setting(*CONTACT, "phone"), "1234 5678 9012 3456", "16 digits"),
    # Whole numbers of more digits than any count in a plan has.
    "review-days-ten-digits": (
        setting("content/plan.yaml", "plan", "review_after_days"),
        10**10,
        "too large a number",
    ),
    "key-warning-ten-digits": (
        setting(*NODES, "act", "key_do_not"),
        [10**10],
        "too large a number",
    ),
    "placeholder-phone-markup": (
        setting(*CONTACT, "phone"),
        {"placeholder": f"<script>{PWNED}</script>"},
        "built",
    ),
    "placeholder-url-javascript": (
        setting(*CONTACT, "url"),
        {"placeholder": f"javascript:{PWNED}"},
        "built",
    ),
    "placeholder-email-markup": (
        setting(*CONTACT, "email"),
        {"placeholder": f'"><img src=x onerror="{PWNED}">'},
        "built",
    ),
    "placeholder-font": (setting(*LOCAL, "font"), {"placeholder": "x;}</style>"}, "built"),
}


@pytest.mark.parametrize("name", [n for n, (*_, outcome) in VALUES.items() if outcome != "built"])
def test_a_value_the_format_refuses_is_an_error(name: str, tmp_path: Path) -> None:
    change, value, message = VALUES[name]
    result = build_over_good(tmp_path, change(value))
    result.assert_refused(message)


@pytest.fixture(scope="module")
def plain_style(tmp_path_factory: pytest.TempPathFactory, visit: Callable[..., Visit]) -> dict:
    """The computed style of the plain plan's card, to compare a changed card with."""
    result = build_over_good(tmp_path_factory.mktemp("plain"), plan_files())
    return visit(result.card.as_uri()).style


@pytest.mark.browser
@pytest.mark.parametrize("name", [n for n, (*_, outcome) in VALUES.items() if outcome == "built"])
def test_a_value_that_is_cleaned_keeps_the_card_whole(
    name: str, tmp_path: Path, visit: Callable[..., Visit], plain_style: dict
) -> None:
    change, value, _ = VALUES[name]
    result = build_over_good(tmp_path, change(value))
    result.assert_built()
    html = result.html
    Audit(html).assert_safe()
    assert "evil.example" not in html and PWNED not in html.split("<body>")[0]
    url = result.card.as_uri()
    seen = visit(url)
    seen.assert_clean(url)
    # The card's own style still holds: a value cannot end or void the style sheet.
    assert {k: v for k, v in seen.style.items() if k != "font"} == {
        k: v for k, v in plain_style.items() if k != "font"
    }


@pytest.mark.browser
def test_local_colours_reach_the_card(tmp_path: Path, visit: Callable[..., Visit]) -> None:
    """The colours in local.yaml win over the theme's defaults (custom.css over both)."""
    files = plan_files()
    files["content/local.yaml"]["local"]["colors"] = {
        "primary": "#123456",
        "primary_text": "#fedcba",
        "accent": "#0000ff",
        "urgent": "#aa0000",
    }
    result = build_over_good(tmp_path, files)
    result.assert_built()
    seen = visit(result.card.as_uri())
    assert seen.style["header"] == "rgb(18, 52, 86)"
    assert seen.style["header_text"] == "rgb(254, 220, 186)"
    assert seen.style["emergency"] == "rgb(170, 0, 0)"
    assert seen.style["font"].startswith("Verdana")


@pytest.mark.parametrize(
    ("url", "letter"),
    [
        ("https://p\u043eliti.dk/anmeld", "U+043E"),  # a Cyrillic o
        ("https://xn--pliti-jye.dk/", "U+043E"),  # the same, as a browser sends it
        ("https://\u0440\u0430\u0443.dk/", "U+0440"),  # all Cyrillic: 'pay'
    ],
)
def test_a_host_with_a_letter_of_another_alphabet_is_a_warning(
    url: str, letter: str, tmp_path: Path
) -> None:
    """It may look like another site's address (a homograph), or another's e-mail address (a
    report sent to the wrong hands); the warning names the letter and where a browser goes.
    Danish letters (æ, ø, å) are Latin and pass (test_markdown.py)."""
    files = plan_files()
    host = url.split("/")[2]
    files["content/contacts.yaml"]["contacts"]["raad"]["url"] = url
    files["content/contacts.yaml"]["contacts"]["raad"]["email"] = f"raad@{host}"
    files["content/nodes.yaml"]["nodes"]["start"]["body"] = (
        f"Se [siden]({url}), eller [skriv](mailto:raad@{host})."
    )
    result = build_over_good(tmp_path, files)
    result.assert_built()
    warnings = [line for line in result.output.splitlines() if "is not Latin, " + letter in line]
    assert len(warnings) == 4, result.output
    assert all(": warning: " in line and "xn--" in line for line in warnings), warnings


def test_a_number_of_more_digits_than_python_reads_is_an_error(tmp_path: Path) -> None:
    """Python reads at most 4 300 digits as a number (and raised, with a traceback)."""
    files = plan_files()
    plan = dump(files.pop("content/plan.yaml"))
    files["content/plan.yaml"] = plan + "  review_after_days: " + "9" * 5000 + "\n"
    result = build_over_good(tmp_path, files)
    result.assert_refused("'review_after_days' is too large a number")
    assert "Traceback" not in result.output
