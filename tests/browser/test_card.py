"""The interactive action card in a real browser, as a teacher under stress would use it.

The small fixture plan (tests/fixtures/cards/small) has two top-level branches:

    1 Er nogen i fare?  --Ja-->  2 Ring 112 (step)  -->  3 Hvad er sket?
                        --Nej--> 3 Hvad er sket?  --Billeder--> 4 Få råd (step) --> 5 Færdig
                                                  --Andet-->    5 Færdig

in Danish (primary, `#node~choices`), English (`#en/node`) and Arabic (`#ar/node`, right to left).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

if TYPE_CHECKING:  # the fixtures give these; conftest is not imported at run time
    from conftest import Card, Watch

pytestmark = pytest.mark.browser

LANGS = ["da", "en", "ar"]
START = "Er nogen i fare?"

# Each top-level branch, walked from the start to an outcome: answers, then (heading, hash) of
# every node on the way.
BRANCHES = {
    "someone in danger": (
        ["Ja", "Billeder"],
        [
            (START, ""),
            ("Ring 112", "#ring~0"),
            ("Hvad er sket?", "#hvad~0"),
            ("Få råd", "#raad-trin~0.0"),
            ("Færdig", "#slut~0.0"),
        ],
    ),
    "no one in danger": (
        ["Nej", "Andet"],
        [
            (START, ""),
            ("Hvad er sket?", "#hvad~1"),
            ("Færdig", "#slut~1.1"),
        ],
    ),
}


def focused(page: Page) -> str:
    """The focused element, as 'tag#id.class' plus its text, to compare and to read."""
    return page.evaluate("""() => { const e = document.activeElement;
        return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
            (e.className ? '.' + String(e.className).split(' ').join('.') : '') +
            ' ' + e.textContent.trim().slice(0, 40); }""")


def tab_to(page: Page, test: str, key: str = "Tab", limit: int = 40) -> None:
    """Press Tab (or `key`) until `test`, a JS function of the focused element, is true."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"({test})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached an element where {test}; last: {focused(page)}")


# -- walking -----------------------------------------------------------------------------------


def test_the_branches_cover_every_start_option(card: Card) -> None:
    assert sorted(card.options()) == sorted(answers[0] for answers, _ in BRANCHES.values())


@pytest.mark.parametrize("branch", list(BRANCHES))
def test_walk_from_the_start_to_an_outcome(card: Card, branch: str, tmp_path: Path) -> None:
    answers, expected = BRANCHES[branch]
    moves = card.walk(answers)  # asserts exactly one visible node at every move
    assert [(m.heading, m.hash) for m in moves] == expected
    assert card.kind() == "outcome"
    answered = [(q, a) for q, a in card.path() if q]
    assert [a for _, a in answered] == answers
    card.page.screenshot(path=tmp_path / f"desktop-{branch.replace(' ', '-')}.png", full_page=True)


def test_back_button_and_browser_back(card: Card) -> None:
    back = card.button("back")
    expect(back).to_be_hidden()  # nothing to go back to at the start
    card.walk(["Ja"])
    assert card.hash() == "#hvad~0"
    back.click()
    assert (card.heading(), card.hash()) == ("Ring 112", "#ring~0")
    card.page.go_back()
    assert (card.heading(), card.hash()) == (START, "")
    expect(back).to_be_hidden()
    card.page.go_forward()
    assert (card.heading(), card.hash()) == ("Ring 112", "#ring~0")


def test_back_at_once_after_a_step_goes_back_one_step(card: Card) -> None:
    # A step's history entry is added once the next node is drawn; Back before then (here in
    # the same task as the step) still goes back one step, and never out of the card.
    card.page.evaluate(
        """() => {
        const box = [...document.querySelectorAll('.ap-lang')].find(e => e.checkVisibility());
        box.querySelector('.ap-node.ap-on .ap-option').click();
        box.querySelector('[data-action=back]').click();
    }"""
    )
    card.page.wait_for_function("() => history.state && history.state.apDepth === 0")
    assert (card.heading(), card.hash()) == (START, "")
    card.page.go_forward()
    assert (card.heading(), card.hash()) == ("Ring 112", "#ring~0")


def test_path_follows_the_browser_back_and_forward(card: Card) -> None:
    step = f"{card.ui('step')}: Ring 112"
    card.walk(["Ja"])
    card.choose("Billeder")
    assert card.path() == [(START, "Ja"), ("", step), ("Hvad er sket?", "Billeder")]
    card.page.go_back()
    assert card.path() == [(START, "Ja"), ("", step)]
    card.choose("Andet")
    assert card.path() == [(START, "Ja"), ("", step), ("Hvad er sket?", "Andet")]
    card.page.go_back()
    card.page.go_back()
    assert (card.heading(), card.path()) == ("Ring 112", [(START, "Ja")])
    card.page.go_forward()
    assert card.path() == [(START, "Ja"), ("", step)]


def test_back_button_after_a_deep_link_follows_the_path(open_card: Callable[..., Card]) -> None:
    card = open_card("slut~1.1")
    card.button("back").click()
    assert (card.heading(), card.hash()) == ("Hvad er sket?", "#hvad~1")


def test_back_button_twice_after_a_deep_link(open_card: Callable[..., Card]) -> None:
    card = open_card("slut~1.1")
    back = card.button("back")
    back.click()
    back.click()
    assert (card.heading(), card.hash()) == (START, "#fare")
    expect(back).to_be_hidden()


def test_back_button_works_after_all_contacts(card: Card) -> None:
    card.choose("Nej")
    card.lang().locator(".ap-main a[href='#ap-contacts']").click()
    assert card.node() == "ap-contacts"
    back = card.button("back")
    assert back.is_visible()
    back.click()
    assert (card.heading(), card.hash()) == ("Hvad er sket?", "#hvad~1")


def test_start_over(card: Card) -> None:
    card.walk(["Nej", "Andet"])
    restart = card.button("restart")
    asked = []
    card.page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    restart.click()
    assert asked == [card.ui("restart_confirm")]  # it clears the ticks and times: asked first
    assert (card.heading(), card.hash()) == (START, "#fare")
    expect(card.lang().locator(".ap-path")).to_be_hidden()
    expect(card.button("back")).to_be_hidden()
    expect(restart).to_be_hidden()  # already at the start


def test_start_over_forgets_the_ticks(card: Card) -> None:
    card.choose("Ja")
    card.active().get_by_label("Ring 112").check()
    card.page.once("dialog", lambda d: d.dismiss())
    card.button("restart").click()
    assert card.hash() == "#ring~0"  # not confirmed: nothing happens
    expect(card.active().get_by_label("Ring 112")).to_be_checked()
    card.page.once("dialog", lambda d: d.accept())
    card.button("restart").click()
    card.choose("Ja")
    assert not card.active().get_by_label("Ring 112").is_checked()


@pytest.mark.parametrize(
    ("fragment", "lang", "heading", "path"),
    [
        ("hvad~1", "da", "Hvad er sket?", [(START, "Nej")]),
        ("en/ring", "en", "Call 112", []),
        (
            "en/slut~0.0",
            "en",
            "Done",
            [
                ("Is anyone in danger?", "Yes"),
                ("", "STEP: Call 112"),
                ("What happened?", "Images"),
                ("", "STEP: Get advice"),
            ],
        ),
        ("ar/hvad~1", "ar", "Hvad er sket?", [("هل أي شخص في خطر؟", "لا")]),
    ],
)
def test_deep_link_in_a_fresh_page(
    open_card: Callable[..., Card],
    fragment: str,
    lang: str,
    heading: str,
    path: list[tuple[str, str]],
) -> None:
    card = open_card(fragment)
    assert (card.heading(), card.hash()) == (heading, "#" + fragment)
    assert card.page.evaluate("document.documentElement.lang") == lang
    step = card.ui("step", lang)
    assert card.path() == [(q, a.replace("STEP", step)) for q, a in path]
    expect(card.lang().locator(".ap-path")).to_be_visible(visible=bool(path))


def test_change_an_earlier_answer(card: Card) -> None:
    def change(question: str) -> None:
        # GOV.UK's check-answers pattern: 'Change' says which answer, for screen readers too.
        name = f"{card.ui('change')} {card.ui('change_answer')} {question}"
        card.lang().locator(".ap-path").get_by_role("link", name=name, exact=True).click()

    card.walk(["Nej", "Andet"])
    assert card.path() == [(START, "Nej"), ("Hvad er sket?", "Andet")]
    change("Hvad er sket?")
    assert (card.heading(), card.hash()) == ("Hvad er sket?", "#hvad~1")
    assert card.path() == [(START, "Nej")]
    card.choose("Billeder")
    assert card.hash() == "#raad-trin~1.0"
    assert card.path() == [(START, "Nej"), ("Hvad er sket?", "Billeder")]

    change(START)
    assert (card.heading(), card.hash()) == (START, "#fare")
    expect(card.lang().locator(".ap-path")).to_be_hidden()
    card.choose("Ja")
    assert card.path() == [(START, "Ja")]


# -- copying the summary -----------------------------------------------------------------------


def test_copy_summary(open_card: Callable[..., Card]) -> None:
    # Chromium grants the clipboard to file:// pages too, so no http server is needed.
    card = open_card(permissions=["clipboard-read", "clipboard-write"])
    card.choose("Ja")
    card.active().get_by_label("Ring 112").check()
    card.walk(["Billeder"])
    card.button("copy-summary").click()
    expect(card.page.locator("#ap-live")).to_have_text(card.ui("summary_copied"))
    text = card.page.evaluate("navigator.clipboard.readText()")

    w = {
        word: card.ui(word)
        for word in (
            "summary_title",
            "summary_made",
            "question",
            "step",
            "outcome",
            "answered",
            "node_shown",
            "follow_up",
        )
    }
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d"
    made = re.search(rf"^{w['summary_made']}: ({stamp})$", text, re.M)
    assert made, text
    assert abs(datetime.strptime(made.group(1), "%Y-%m-%d %H:%M") - datetime.now()) < timedelta(
        minutes=2
    )
    shown = f"({w['node_shown']} TIME)"
    assert re.sub(stamp, "TIME", text).splitlines() == [
        f"Lille testplan – {w['summary_title']}",
        "Version 1 · Gennemgået 2026-11-01 · Ansvarlig: Testholdet",
        f"{w['summary_made']}: TIME",
        "",
        f"1. {w['question']}: Er nogen i fare? {shown}",
        f"   {w['answered']}: Ja",
        f"2. {w['step']}: Ring 112 {shown}",
        "   [x] Ring 112",
        "   [ ] Bliv hos den unge",
        f"3. {w['question']}: Hvad er sket? {shown}",
        f"   {w['answered']}: Billeder",
        f"4. {w['step']}: Få råd {shown}",
        f"5. {w['outcome']}: Færdig {shown}",
        f"   {w['follow_up']}: Følg op om en uge",
        "",
        card.url + "#slut~0.0",
    ]
    expect(card.lang().locator(".ap-summary-text")).to_be_hidden()


# Both ways of copying fail, as where the browser grants no clipboard.
NO_CLIPBOARD = """
    Object.defineProperty(navigator, "clipboard", {value: {
        writeText: function () { return Promise.reject(new Error("denied")); }}});
    document.execCommand = function () { return false; };"""


def test_copy_summary_without_a_clipboard_shows_the_text(open_card: Callable[..., Card]) -> None:
    card = open_card("hvad~1", script=NO_CLIPBOARD)
    card.button("copy-summary").click()
    expect(card.page.locator("#ap-live")).to_have_text(card.ui("copy_failed"))
    summary = card.lang().locator(".ap-summary-text")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(f"{card.ui('answered')}: Nej")


def test_summary_shown_after_a_failed_copy_keeps_up(open_card: Callable[..., Card]) -> None:
    card = open_card("ring~0", script=NO_CLIPBOARD)
    card.button("copy-summary").click()
    summary = card.lang().locator(".ap-summary-text")
    expect(summary).to_contain_text("[ ] Ring 112")
    card.active().get_by_label("Ring 112").check()
    expect(summary).to_contain_text("[x] Ring 112")
    card.next()
    expect(summary).to_contain_text(f"3. {card.ui('question')}: Hvad er sket?")


def test_copy_link_to_this_step(open_card: Callable[..., Card]) -> None:
    card = open_card("en/hvad~1", permissions=["clipboard-read", "clipboard-write"])
    card.button("copy-link").click()
    expect(card.page.locator("#ap-live")).to_have_text(card.ui("link_copied", "en"))
    # The step itself, for a colleague: not the path that led here.
    assert card.page.evaluate("navigator.clipboard.readText()") == card.url + "#en/hvad"


# -- without JavaScript ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_without_javascript_every_screen_is_reachable_by_links(
    open_card: Callable[..., Card], lang: str
) -> None:
    card = open_card(java_script_enabled=False)
    assert "ap-js" not in (card.page.evaluate("document.documentElement.className") or "")
    assert card.node() == "fare"
    card.lang().locator(f"[data-switch='{lang}']").click()
    assert card.node() == "fare"
    assert card.lang().get_attribute("lang") == lang  # <html lang> needs the script
    expect(card.lang().locator("[data-action=back]")).to_be_hidden()  # needs the script
    expect(card.lang().locator(".ap-path")).to_be_hidden()

    prefix = "" if lang == card.primary() else f"{lang}/"
    screens = {*card.graph(lang), *(p.removeprefix(prefix) for p in card.pages(lang))}
    reached, todo, followed = {"fare"}, ["fare"], set()
    while todo:
        at = todo.pop()
        card.open(prefix + at)
        hrefs = (
            card.lang()
            .locator("a[href^='#']")
            .evaluate_all(
                "els => els.filter(e => e.checkVisibility()).map(e => e.getAttribute('href'))"
            )
        )
        for href in dict.fromkeys(hrefs):
            target = href[1:].removeprefix(prefix)
            if target not in screens or href in followed:
                continue  # the skip link, another language, or a link already tried
            followed.add(href)
            card.open(prefix + at)
            card.lang().locator(f"a[href='{href}']").filter(visible=True).first.click()
            assert (card.hash(), card.node()) == (href, target)
            if target not in reached:
                reached.add(target)
                todo.append(target)
    assert reached == screens


# -- keyboard ----------------------------------------------------------------------------------


def test_keyboard_only(card: Card) -> None:
    page = card.page
    page.keyboard.press("Tab")
    skip = card.lang().locator(".ap-skip")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["y"] >= 0, "the skip link must show when it has focus"
    page.keyboard.press("Enter")
    assert focused(page).startswith("main#ap-main")
    assert card.hash() == ""  # the skip link moves focus, not the card
    page.keyboard.press("Tab")  # the header and the emergency bar are skipped
    assert page.evaluate("document.activeElement.closest('main') !== null"), focused(page)

    tab_to(page, "e => e.matches('.ap-option') && e.textContent.trim() === 'Ja'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "focus must be visible"
    page.keyboard.press("Enter")
    assert card.hash() == "#ring~0"
    expect(card.active().locator("h2")).to_be_focused()
    # A screen reader reads the focused heading: the live region does not say it again.
    expect(page.locator("#ap-live")).to_have_text("")

    tab_to(page, "e => e.type === 'checkbox'")
    page.keyboard.press("Space")
    expect(card.active().get_by_label("Ring 112")).to_be_checked()
    tab_to(page, "e => e.matches('.ap-next')")
    page.keyboard.press("Enter")
    assert card.hash() == "#hvad~0"
    expect(card.active().locator("h2")).to_be_focused()

    tab_to(page, "e => e.dataset.action === 'back'", key="Shift+Tab")  # up to the toolbar
    page.keyboard.press("Enter")
    assert card.hash() == "#ring~0"
    expect(card.active().locator("h2")).to_be_focused()


# -- small screens -----------------------------------------------------------------------------

# Targets that must be 24 × 24 px at least; other links may instead meet WCAG 2.5.8's exceptions
# (inline in a sentence, or spaced so that a 24 px circle around each touches no other target).
STRICT_TARGETS = (
    ".ap-option, .ap-next, .ap-button, button, input, .ap-calls a, .ap-contacts a, "
    ".ap-languages a, .ap-emergency a"
)
SMALL_TARGETS = """strict => {
    const box = [...document.querySelectorAll('.ap-lang')].find(e => e.checkVisibility());
    const all = [...box.querySelectorAll('a[href], button, input, select, textarea')]
        .filter(e => e.checkVisibility() && !e.matches('.ap-skip:not(:focus)'));
    const rect = e => e.getBoundingClientRect();
    const small = e => rect(e).width < 24 || rect(e).height < 24;
    const centre = r => [r.left + r.width / 2, r.top + r.height / 2];
    const distance = ([x, y], r) => Math.hypot(Math.max(r.left - x, 0, x - r.right),
                                               Math.max(r.top - y, 0, y - r.bottom));
    const inline = e => {
        const block = e.closest('p, li, dd, td, h1, h2, h3');
        return block && block.textContent.trim() !== e.textContent.trim();
    };
    const spaced = e => {
        const c = centre(rect(e));
        return all.every(o => o === e || (small(o)
            ? Math.hypot(c[0] - centre(rect(o))[0], c[1] - centre(rect(o))[1]) >= 24
            : distance(c, rect(o)) >= 12));
    };
    return all.filter(small)
        .filter(e => e.matches(strict) || !(inline(e) || spaced(e)))
        .map(e => `${e.outerHTML.slice(0, 70)}: ${Math.round(rect(e).width)} × ` +
                  `${Math.round(rect(e).height)} px`);
}"""


@pytest.mark.parametrize(("width", "scale"), [(320, 1), (640, 2)], ids=["320px", "zoom-200"])
def test_small_screens_reflow_and_targets(
    open_card: Callable[..., Card], width: int, scale: int, tmp_path: Path
) -> None:
    # 200 % zoom: Chromium's page zoom on a 1280 px window lays the page out in 640 CSS px at
    # twice the device pixel ratio, which is what a 640 px viewport at scale 2 does. CSS `zoom`
    # would not: media queries would still see a 1280 px window.
    card = open_card(viewport={"width": width, "height": 700}, device_scale_factor=scale)
    problems = []
    for lang in LANGS:
        for fragment in card.screens(lang):
            card.go(fragment)
            width_used = card.page.evaluate("document.documentElement.scrollWidth")
            if width_used > width:
                problems.append(f"#{fragment}: {width_used} px wide in a {width} px window")
            problems += [
                f"#{fragment}: {t}" for t in card.page.evaluate(SMALL_TARGETS, STRICT_TARGETS)
            ]
    assert not problems, "\n".join(problems)
    for fragment in ("ring~0", "hvad~1", "ar/ring~0"):
        card.go(fragment)
        card.page.screenshot(
            path=tmp_path / f"{width}-{fragment.replace('/', '-')}.png", full_page=True
        )


LONG_WORDS = """\
plan:
  title: Handleplanforebyggelsesinformationsmedarbejderuddannelsesprogrammet
  language: da
  version: "1"
  owner: Forebyggelsesmedarbejderuddannelsesprogramkoordinatorfunktionen
  reviewed: 2026-11-01
  start: spoergsmaal
  emergency: [alarm]
contacts:
  alarm:
    name: Alarmcentralensdøgnbemandedevagtcentralfunktion
    phone: "112"
nodes:
  spoergsmaal:
    kind: question
    title: Erdetetspørgsmålmedmegetlangeordsomaldrigslutterogaldrigbrydes?
    body: Se https://example.dk/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
    options:
      - label: Jaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        next: slut
      - label: Nej
        next: slut
  slut:
    kind: outcome
    title: Slut
    body: Enmegetlangpunktlisteelementtekstudenmellemrumoverhovedetnogensinde
"""


def test_long_words_wrap_at_320_px(
    open_card: Callable[..., Card], build_card_url: Callable[[Path], str], tmp_path: Path
) -> None:
    """A word longer than the screen is wide (a compound, an address) breaks where it must, in
    the header, the emergency bar, the options and the path, rather than pushing the page wider
    than the phone (WCAG 1.4.10, reflow)."""
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "plan.yaml").write_text(LONG_WORDS, encoding="utf-8")
    card = open_card(url=build_card_url(tmp_path), viewport={"width": 320, "height": 700})
    problems = []
    screens = card.screens()
    assert len(screens) >= 3
    for fragment in [*screens, "spoergsmaal~0"]:
        card.go(fragment)
        width_used = card.page.evaluate("document.documentElement.scrollWidth")
        if width_used > 320:
            problems.append(f"#{fragment}: {width_used} px wide in a 320 px window")
    assert not problems, "\n".join(problems)


# -- accessibility: axe-core -------------------------------------------------------------------


def axe_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}  {v['helpUrl']}")
        for node in v["nodes"]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node['html'][:120]}")
            lines.append(f"        {node['failureSummary'].replace(chr(10), ' ')}")
    return "\n".join(lines)


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_nothing_on_any_node(card: Card, lang: str) -> None:
    """Every node with the path panel showing, and every page."""
    found = axe_violations(card, lang)
    assert not found, "axe found:\n" + axe_report(found)


def axe_violations(card: Card, lang: str) -> list[dict]:
    """What axe-core finds on every screen of the card in one language."""
    axe = Axe()
    found = []
    for fragment in card.screens(lang):
        card.go(fragment)
        for v in axe.run(card.page).response["violations"]:
            found.append({**v, "id": f"#{fragment}: {v['id']}"})
    return found


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_axe_skip_link_is_in_a_landmark(card: Card, lang: str) -> None:
    card.go(f"{lang}/fare")
    violations = Axe().run(card.page, options={"runOnly": ["region"]}).response["violations"]
    assert not violations, axe_report(violations)


# -- languages ---------------------------------------------------------------------------------


def test_language_switch_keeps_the_step_and_the_answers(card: Card) -> None:
    page = card.page

    def switch(name: str) -> None:
        card.lang().locator(".ap-languages").get_by_role("link", name=name).click()

    def html() -> tuple[str, str]:
        return tuple(page.evaluate("[document.documentElement.lang, document.documentElement.dir]"))

    card.choose("Ja")
    card.active().get_by_label("Ring 112").check()
    switch("English")
    assert (card.heading(), card.hash(), html()) == ("Call 112", "#en/ring~0", ("en", "ltr"))
    assert card.path() == [("Is anyone in danger?", "Yes")]
    expect(card.active().get_by_label("Call 112")).to_be_checked()  # ticks carry over
    expect(card.active().get_by_label("Stay with the young person")).not_to_be_checked()

    card.next()
    assert card.hash() == "#en/hvad~0"
    switch("العربية")
    assert (card.hash(), html()) == ("#ar/hvad~0", ("ar", "rtl"))
    assert card.heading() == "Hvad er sket?"  # not translated: the Danish original, marked
    assert card.active().locator("h2 > span").get_attribute("lang") == "da"
    assert card.path() == [("هل أي شخص في خطر؟", "نعم"), ("", f"{card.ui('step', 'ar')}: Ring 112")]

    block = card.lang()
    assert block.get_attribute("dir") == "rtl"
    assert block.evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    # Right to left for real: an option's label starts at its right-hand edge.
    box, label = (
        card.active()
        .locator(".ap-option")
        .first.evaluate("""a => {
        const range = document.createRange();
        range.selectNodeContents(a.firstChild);
        const box = a.getBoundingClientRect(), label = range.getBoundingClientRect();
        return [[box.left, box.right], [label.left, label.right]];
    }""")
    )
    assert box[1] - label[1] < 40 < label[0] - box[0], (box, label)

    switch("Dansk")
    assert (card.heading(), card.hash(), html()) == ("Hvad er sket?", "#hvad~0", ("da", "ltr"))
    assert card.path() == [(START, "Ja"), ("", f"{card.ui('step')}: Ring 112")]


# Where a piece of text is drawn: its first and last characters, left to right on the screen.
ENDS = """e => {
    const text = document.createTreeWalker(e, NodeFilter.SHOW_TEXT).nextNode();
    const at = i => { const r = document.createRange(); r.setStart(text, i);
                      r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };
    return [text.textContent.trim(), at(0), at(text.textContent.trimEnd().length - 1)];
}"""


def test_untranslated_text_keeps_its_own_direction(card: Card) -> None:
    card.go("ar/hvad~1")
    ends = [card.active().locator("h2 [lang=da]").evaluate(ENDS)]
    card.go("ar/slut~1.1")
    ends += [
        card.active().locator("[lang=da] p, p[lang=da]").first.evaluate(ENDS),
        card.lang().locator(".ap-path-q").nth(1).evaluate(ENDS),
    ]  # the script's copy
    assert [e[0] for e in ends] == ["Hvad er sket?", "Sagen er håndteret.", "Hvad er sket?"]
    wrong = [text for text, first, last in ends if last < first]
    assert not wrong, f"drawn right to left: {wrong}"


def test_arrows_point_forward_right_to_left(card: Card) -> None:
    card.go("ar/ring~0")
    arrows = (
        card.active()
        .locator(".ap-next")
        .evaluate_all("els => els.map(a => getComputedStyle(a, '::after').content)")
    )
    card.go("ar/fare")
    arrows += (
        card.active()
        .locator(".ap-option")
        .evaluate_all("els => els.map(a => getComputedStyle(a, '::after').content)")
    )
    assert arrows and not [a for a in arrows if "→" in a], arrows


# -- Content-Security-Policy -------------------------------------------------------------------


def test_csp_is_strict_and_nothing_breaks_it(card: Card) -> None:
    csp = (
        card.page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
        or ""
    )
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert directives["default-src"] == ["'none'"]
    for kind in ("script-src", "style-src"):
        assert directives[kind] and all(s.startswith("'sha256-") for s in directives[kind])
    # Use everything the script does; the watch fails the test on any violation it logs.
    card.choose("Ja")
    card.active().get_by_label("Ring 112").check()
    card.walk(["Andet"])
    card.lang().locator(".ap-languages").get_by_role("link", name="English").click()
    card.button("back").click()
    assert card.page.evaluate("window.__apCsp") == []


def test_csp_is_enforced(
    new_page: Callable[..., Page], watches: list[Watch], card_url: str
) -> None:
    """The control for the test above: the policy is applied, and the watch sees a violation."""
    page = new_page(allow=(card_url,))
    page.goto(card_url)
    page.evaluate("""() => {
        const img = document.createElement('img');
        img.src = 'http://127.0.0.1:9/tracker.png';
        document.body.appendChild(img);
        document.body.setAttribute('style', 'color: red');
    }""")
    page.wait_for_function("window.__apCsp.length >= 2")
    assert page.evaluate("getComputedStyle(document.body).color") != "rgb(255, 0, 0)"
    watch = watches[-1]
    assert any("CSP violation: img-src" in e for e in watch.errors), watch.errors
    assert any("CSP violation: style-src" in e for e in watch.errors), watch.errors
    tracker = "http://127.0.0.1:9/tracker.png"
    assert watch.stray() == [tracker]  # the watch sees even a request that never left
    assert "csp" in watch.failed[tracker].lower(), watch.failed
    watch.clear()


# -- print -------------------------------------------------------------------------------------


def test_print_shows_every_node_with_numbers_and_targets(card: Card, tmp_path: Path) -> None:
    card.walk(["Nej"])
    page = card.page
    card.print_media()
    graph = card.graph("da")
    pages = card.pages("da")
    assert card.visible_nodes() == [*graph, *pages]  # all of them, in the language in use only
    for chrome in (".ap-toolbar", ".ap-path", ".ap-languages"):
        expect(card.lang().locator(chrome)).to_be_hidden()
    # The number before each heading, and "→ N" after each option and 'continue' link.
    printed = (
        card.lang()
        .locator(".ap-node:not(.ap-page)")
        .evaluate_all("""els => els.map(s => [
        s.id, getComputedStyle(s.querySelector('h2'), '::before').content,
        [...s.querySelectorAll('.ap-option, .ap-next')].map(a =>
            a.checkVisibility() ? getComputedStyle(a, '::after').content : 'hidden')])""")
    )
    numbers = {node: str(i) for i, node in enumerate(graph, 1)}
    assert printed == [
        [node, f'"{numbers[node]}"', [f'"\u00a0→\u00a0{numbers[t]}"' for t in targets]]
        for node, (_kind, targets) in graph.items()
    ]

    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(page.pdf())
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout.replace("\u00a0", " ")
        assert "Ja → 2 · Nej → 3" in text and "Billeder → 4 · Andet → 5" in text, text
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", str(pdf), str(tmp_path / "plan")], check=True
        )
        assert list(tmp_path.glob("plan-*.png"))


def test_print_checklist_box_and_item_share_a_line(card: Card) -> None:
    card.go("ring~0")
    card.print_media()
    items = card.page.locator("#ring .ap-checklist > li").evaluate_all(
        "els => els.map(li => [li.getBoundingClientRect().height, li.firstElementChild ?"
        " li.firstElementChild.getBoundingClientRect().height : 0])"
    )
    assert items and all(li < 1.5 * line for li, line in items), items


def test_the_next_nodes_are_laid_out_ahead_out_of_sight(open_card: Callable[..., Card]) -> None:
    # While the reader reads, the nodes the options lead to are laid out once (their checkboxes
    # made on the way) and hidden again: nothing on the screen changes.
    card = open_card()
    expect(card.page.locator("#ring .ap-checklist input")).to_have_count(2)
    expect(card.page.locator("#ring")).to_be_hidden()
    assert card.page.locator("#ring").get_attribute("style") in (None, "")
    assert card.heading() == START
    assert card.page.evaluate("document.activeElement === document.body")


def test_print_checklist_of_a_node_never_shown_is_the_same(open_card: Callable[..., Card]) -> None:
    # The script makes a node's checkboxes when it is first shown: the printed plan must not
    # show which nodes those were.
    def printed(card: Card) -> list[list[object]]:
        card.print_media()
        return card.page.locator("#ring .ap-checklist > li").evaluate_all(
            "els => els.map(li => [li.textContent.trim(), getComputedStyle(li, '::before').content,"
            " li.getBoundingClientRect().height])"
        )

    shown = open_card("ring~0")
    assert shown.page.locator("#ring .ap-checklist input").count() == 2
    never = open_card("hvad~1")  # not the start: printed from there, it is the action card
    assert printed(never) == printed(shown)
    assert [item[0] for item in printed(never)] == ["Ring 112", "Bliv hos den unge"]


def test_print_summary_shows_only_the_summary(
    open_card: Callable[..., Card], tmp_path: Path
) -> None:
    card = open_card(script="window.__printed = 0; window.print = () => window.__printed++;")
    card.walk(["Nej", "Billeder"])
    card.button("print-summary").click()
    assert card.page.evaluate("window.__printed") == 1
    card.print_media()
    assert card.visible_nodes() == []
    summary = card.lang().locator(".ap-summary-text")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(f"{card.ui('answered')}: Billeder")
    visible = card.page.locator("body *").evaluate_all(
        "els => els.filter(e => e.checkVisibility() && !e.matches('.ap-sr') &&"
        " !e.querySelector('.ap-summary-text'))"
        ".map(e => e.className || e.tagName)"
    )
    assert visible == ["ap-summary-text"]
    (tmp_path / "summary.pdf").write_bytes(card.page.pdf())

    card.page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert "ap-print-summary" not in card.page.evaluate("document.documentElement.className")
    card.print_media()
    assert card.visible_nodes() == [*card.graph("da"), *card.pages("da")]  # the whole plan again
