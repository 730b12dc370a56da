"""Bidirectional formatting characters in the author's text never reorder the card's own words.

An override (U+202E) or embedding left open in a title runs on to the end of its paragraph in
Unicode's bidirectional algorithm: "Version ‮2026.1 · Reviewed 2026-11-25" would show the
card's own words backwards. The card renders such text isolated (`<bdi>`, or
`unicode-bidi: isolate` where the script copies it), so it reads as the author wrote it and no
further. The text itself is kept as written: it may be legitimate right-to-left text.

The card's own words are marked (UIwordUI, from a project's templates/i18n/da.yaml), as are its
dates and the web host it shows; in the browser each must read left to right, and words on one
line must follow each other in the order of the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hostile import Audit, build_over_good, plan_files

pytestmark = pytest.mark.browser

# Left open at the start of every value, each in a card of its own.
CONTROLS = {
    "right-to-left-override": "\u202e",
    "right-to-left-embedding": "\u202b",
    "right-to-left-isolate": "\u2067",
    "first-strong-isolate": "\u2068",
    "stray-closers-then-override": "\u2069\u202c\u202e",
    "right-to-left-mark": "\u200f",
    "arabic-letter-mark": "\u061c",
}

# Each visible marker's first and last character, left to right, and markers on one line in the
# order of the page.
CHECK = r"""() => {
  const found = [], bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest("script, style, .ap-sr") || !el.checkVisibility()) continue;
    for (const m of node.data.matchAll(/UI[a-z_]+UI|\d{4}-\d\d-\d\d|example\.org/g)) {
      const box = i => {
        const r = document.createRange();
        r.setStart(node, i);
        r.setEnd(node, i + 1);
        return r.getClientRects()[0];
      };
      const a = box(m.index), b = box(m.index + m[0].length - 1);
      if (!a || !b) continue;
      const block = el.closest("p, li, h1, h2, h3, div, a, span, strong");
      found.push({text: m[0], block: block, top: Math.round(a.top), left: a.left});
      if (Math.abs(a.top - b.top) < 2 && a.left > b.left) bad.push("backwards: " + m[0]);
    }
  }
  for (let i = 1; i < found.length; i++) {
    const p = found[i - 1], q = found[i];
    if (p.block === q.block && p.top === q.top && p.left > q.left) {
      bad.push("out of order: " + p.text + " after " + q.text);
    }
  }
  return {bad: bad, count: found.length};
}"""

# Every node and page once (the header, emergency bar and footer are on each), and a step in
# the translation, where the texts the translation leaves out fall back to the original.
FRAGMENTS = ("start", "act", "done", "ap-contacts", "ap-laws", "ap-sources", "en/act")


def marked(word: str) -> str:
    return f"UI{word}UI"


@pytest.fixture(scope="module")
def page(browser: Any) -> Any:
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    context.set_default_timeout(5000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("name", list(CONTROLS))
def test_bidi_controls_do_not_reorder_the_cards_own_words(
    name: str, tmp_path: Path, page: Any
) -> None:
    control = CONTROLS[name]
    result = build_over_good(tmp_path, plan_files(lambda place: f"{control}{place}", ui=marked))
    result.assert_built()
    Audit(result.html).assert_safe()
    assert control + "plan.title" in result.html  # kept as written
    url = result.card.as_uri()
    problems = []
    for fragment in FRAGMENTS:
        page.goto("about:blank")
        page.goto(f"{url}#{fragment}")
        found = page.evaluate(CHECK)
        assert found["count"] > 0, fragment
        problems += [f"#{fragment}: {bad}" for bad in found["bad"]]
    # The path the script writes: question, answer, "Change".
    page.goto("about:blank")
    page.goto(f"{url}#start")
    page.locator(".ap-node.ap-on .ap-option").first.dispatch_event("click")
    page.locator(".ap-node.ap-on .ap-next").first.dispatch_event("click")
    found = page.evaluate(CHECK)
    problems += [f"path: {bad}" for bad in found["bad"]]
    assert problems == [], "\n".join(problems)
