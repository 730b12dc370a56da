"""A careless theme: the Content-Security-Policy still lets nothing run and nothing in.

A project's own templates are code, not content: a theme could mark a title `|safe`, or load an
image from the web in a way the build's check of its addresses does not see. The card's policy
admits only its own style and script, by their hashes, and `data:` images, so the browser blocks
all of that. Each block is a `securitypolicyviolation` the test expects and records; no request
leaves the page and nothing runs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import PWNED, Visit, build_over_good, plan_files

from actionplan.project import default_dir

pytestmark = pytest.mark.browser

EVIL = "https://evil.example"

# A build refuses an address on the web that a theme file names, at its line (card/assets.py;
# tests/fixtures/theme has the cases, a style sheet's in every way CSS may write one); what such a
# check cannot see, the policy still blocks: addresses that Jinja makes when the card is rendered.
# Added to the default card.html: a title marked safe, and things a CDN habit would add.
CARELESS_HTML = (
    f'{{% set evil = "{EVIL}" %}}\n'
    '<div class="careless">{{ plan.info.title|safe }}</div>\n'
    '<script src="{{ evil }}/script.js"></script>\n'
    f"<script>{PWNED}</script>\n"
    '<link rel="stylesheet" href="{{ evil }}/style.css">\n'
    '<img src="{{ evil }}/pixel.png" alt="">\n'
    '<iframe src="{{ evil }}/frame.html"></iframe>\n'
    '<div style="background: url({{ evil }}/inline.png)">x</div>\n'
)
MARK = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/>'
MARK += "</svg>"
TITLE = f'<script>{PWNED}</script><img src=x onerror="{PWNED}"><svg onload="{PWNED}">'

# What the browser blocks and reports: one entry per case, the same each time.
EXPECTED = {
    "end-tag-in-script": (),
    "image-in-templates": (),
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
    # An image beside custom.css is inlined by the build: the policy has nothing to block.
    "image-in-templates": lambda: {
        "templates/custom.css": ".ap-header { background: url(images/mark.svg) no-repeat; }\n",
        "templates/images/mark.svg": MARK,
    },
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
