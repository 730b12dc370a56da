"""A careless theme: the Content-Security-Policy still lets nothing run and nothing in.

A project's own templates are code, not content: a theme could mark a title `|safe`, or load a
font from a CDN. The card's policy admits only its own style and script, by their hashes, and
`data:` images, so the browser blocks all of that. Each block is a `securitypolicyviolation`
the test expects and records; no request leaves the page and nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import PWNED, Visit, build_over_good, plan_files

from actionplan.project import default_dir

pytestmark = pytest.mark.browser

EVIL = "https://evil.example"

CUSTOM_CSS = (
    f"@import url({EVIL}/import.css);\n"
    f"@font-face {{ font-family: evil; src: url({EVIL}/font.woff2); }}\n"
    f".ap-title {{ font-family: evil; background: url({EVIL}/background.png); }}\n"
)
# Added to the default card.html: a title marked safe, and things a CDN habit would add.
CARELESS_HTML = (
    '<div class="careless">{{ plan.info.title|safe }}</div>\n'
    f'<script src="{EVIL}/script.js"></script>\n'
    f"<script>{PWNED}</script>\n"
    f'<link rel="stylesheet" href="{EVIL}/style.css">\n'
    f'<img src="{EVIL}/pixel.png" alt="">\n'
    f'<iframe src="{EVIL}/frame.html"></iframe>\n'
    f'<div style="background: url({EVIL}/inline.png)">x</div>\n'
)
TITLE = f'<script>{PWNED}</script><img src=x onerror="{PWNED}"><svg onload="{PWNED}">'

# What the browser blocks and reports: one entry per case, the same each time.
EXPECTED = {
    "end-tag-in-script": (),
    "custom-css": (
        f"font-src {EVIL}/font.woff2",
        f"img-src {EVIL}/background.png",
    ),  # an @import after other rules is void in CSS itself: it is not even tried
    "careless-template": (
        f"frame-src {EVIL}",  # a frame's address is reported without its path
        f"img-src {EVIL}/pixel.png",
        "img-src file",
        f"script-src-elem {EVIL}/script.js",
        "script-src-attr inline",
        "script-src-elem inline",
        "style-src-attr inline",
        f"style-src-elem {EVIL}/style.css",
    ),
}


def careless_card_html() -> str:
    default = (default_dir("templates") / "card.html").read_text(encoding="utf-8")
    return default.replace("</body>", CARELESS_HTML + "</body>")


def script_with_an_end_tag() -> str:
    default = (default_dir("templates") / "card.js").read_text(encoding="utf-8")
    return default + '\nvar ending = ["</SCRIPT>", "</Script >", /<\\/ScRiPt>/i];\n'


THEMES = {
    "end-tag-in-script": lambda: {"templates/card.js": script_with_an_end_tag()},
    "custom-css": lambda: {"templates/custom.css": CUSTOM_CSS},
    "careless-template": lambda: {
        "templates/card.html": careless_card_html(),
        "content/plan.yaml": {
            "plan": {**plan_files()["content/plan.yaml"]["plan"], "title": TITLE}
        },
    },
}


@pytest.mark.parametrize("name", list(THEMES))
def test_the_policy_holds_against_the_theme(
    name: str, tmp_path: Path, visit: Callable[..., Visit]
) -> None:
    result = build_over_good(tmp_path, THEMES[name]())
    result.assert_built()
    url = result.card.as_uri()
    seen = visit(url)
    seen.errors = [
        e for e in seen.errors if "Content Security Policy" not in e and "ERR_" not in e
    ]  # the browser logs each block too
    # What the careless template put in the page is there; the policy blocked it (above).
    seen.handlers = [h for h in seen.handlers if h not in ("IMG onerror", "svg onload")]
    seen.links = [link for link in seen.links if not link.endswith("/build/x")]
    seen.assert_clean(url, csp=EXPECTED[name])
    assert seen.scripted  # the card's own script ran, whole
