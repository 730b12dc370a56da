"""The card on a phone, in a hurry: what a teacher with a frightened pupil beside them meets.

Every jump lands with its heading in sight and focused, clear of the sticky emergency bar; the
bar never scrolls sideways; Back lands at the top; a changed answer keeps what still applies;
screen readers hear names without print numbers or arrows, urgency, and options grouped under
their question. Uses the small fixture card (see test_card.py) and the default plan's card.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import SMALL
from playwright.sync_api import Page, expect
from test_card import START, axe_report, axe_violations

from actionplan.card.render import key_donts
from actionplan.plan.graph import Graph
from actionplan.plan.read import check_plan
from actionplan.plan.scalars import ID_PATTERN, MAX_ID_LENGTH
from actionplan.plan.translate import localize
from actionplan.project import Project, default_dir

if TYPE_CHECKING:
    from conftest import Card

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 700}
# 320 px; and 200 % zoom of a 1280 × 800 window: 640 × 400 CSS pixels at twice the density.
SCREENS = {
    "320px": ({"width": 320, "height": 640}, 1),
    "zoom-200": (
        {"width": 640, "height": 400},
        2,
    ),
}
# Where a jump must land in sight: a phone, the narrowest screen, and 200 % zoom.
JUMP_SCREENS = {"390px": (PHONE, 1), **SCREENS}

# Where the visible node's heading is, against the sticky emergency bar above it.
HEADING_AND_BAR = """() => {
    const box = [...document.querySelectorAll('.ap-lang')].find(e => e.checkVisibility());
    const h = [...box.querySelectorAll('.ap-node')].find(e => e.checkVisibility())
        .querySelector('h2');
    const bar = box.querySelector('.ap-emergency');
    const sticky = bar && getComputedStyle(bar).position === 'sticky';
    return {top: h.getBoundingClientRect().top, bottom: h.getBoundingClientRect().bottom,
            bar: sticky ? bar.getBoundingClientRect().bottom : 0,
            height: innerHeight, scrolled: scrollY, focused: document.activeElement === h};
}"""


@pytest.fixture(scope="session")
def default_url(build_card_url: Callable[[Path], str]) -> str:
    return build_card_url(default_dir("content"))


def heading_in_sight(card: Card, focused: bool = True) -> dict:
    """Asserts that the visible heading is below the bar, on the screen, and (with the script)
    focused; gives where it was."""
    if focused:
        expect(card.active().locator("h2")).to_be_focused()
    at = card.page.evaluate(HEADING_AND_BAR)
    assert at["bar"] <= at["top"] and at["bottom"] <= at["height"], (card.hash(), at)
    return at


def scroll_to_the_end(card: Card) -> None:
    card.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")


# -- 1. every jump lands with the heading in sight and focused ----------------------------------


@pytest.mark.parametrize("screen", list(JUMP_SCREENS))
def test_every_jump_lands_below_the_bar_with_focus_on_the_heading(
    open_card: Callable[..., Card], screen: str
) -> None:
    viewport, scale = JUMP_SCREENS[screen]
    card = open_card(viewport=viewport, device_scale_factor=scale)
    lang = card.lang

    def jump(move: Callable[[], object]) -> None:
        scroll_to_the_end(card)
        before = card.hash()
        move()
        card.page.wait_for_function("h => location.hash !== h", arg=before)
        heading_in_sight(card)

    jump(lambda: card.choose("Ja"))
    jump(card.next)
    jump(lambda: card.choose("Billeder"))
    jump(lambda: card.active().locator(".ap-refs a[href='#ap-laws']").click())
    jump(lambda: card.button("back").click())
    jump(lambda: card.active().locator(".ap-refs a[href='#ap-sources']").click())
    jump(card.page.go_back)
    jump(lambda: lang().locator(".ap-tools a[href='#ap-contacts']").click())
    jump(card.page.go_back)
    jump(lambda: lang().locator("[data-switch=en]").click())
    jump(lambda: lang().locator(".ap-path").get_by_role("link", name=re.compile("What")).click())
    jump(lambda: card.active().locator("p a[href='#en/raad-trin']").click())  # a link in a text
    jump(lambda: lang().locator(".ap-title a").click())
    jump(lambda: card.go("hvad~1"))  # typed into the address bar, or a colleague's link
    jump(lambda: card.go("en/ap-contacts"))
    assert card.node() == "ap-contacts"


@pytest.mark.parametrize("screen", list(JUMP_SCREENS))
def test_a_link_to_a_step_lands_below_the_bar(open_card: Callable[..., Card], screen: str) -> None:
    viewport, scale = JUMP_SCREENS[screen]
    card = open_card("en/ring", viewport=viewport, device_scale_factor=scale)
    heading_in_sight(card)


@pytest.mark.parametrize("screen", list(JUMP_SCREENS))
@pytest.mark.parametrize("fragment", ["ring", "en/raad-trin", "ap-contacts"])
def test_without_javascript_a_jump_lands_below_the_bar(
    open_card: Callable[..., Card], fragment: str, screen: str
) -> None:
    viewport, scale = JUMP_SCREENS[screen]
    card = open_card(
        fragment, viewport=viewport, device_scale_factor=scale, java_script_enabled=False
    )
    at = heading_in_sight(card, focused=False)
    assert at["scrolled"] > 0 or fragment == "ap-contacts"  # the browser did jump


# -- 2. the emergency bar ---------------------------------------------------------------------

# Each number in the bar: whole on screen, on one line, a target big enough, named without
# saying its number twice. Gives what is wrong.
BAR_PROBLEMS = """width => {
    const box = [...document.querySelectorAll('.ap-lang')].find(e => e.checkVisibility());
    const bar = box.querySelector('.ap-emergency'), list = bar.querySelector('ul');
    const problems = [];
    if (list.scrollWidth > list.clientWidth + 1) problems.push('the bar scrolls sideways');
    for (const a of bar.querySelectorAll('a')) {
        const r = a.getBoundingClientRect(), number = a.querySelector('strong');
        const text = a.textContent.replace(/\\s+/g, ' ').trim();
        if (r.left < 0 || r.right > width) problems.push(`${text}: off the screen`);
        if (r.width < 24 || r.height < 24) problems.push(`${text}: too small a target`);
        if (!number) { problems.push(`${text}: no number`); continue; }
        const n = number.textContent.trim();
        if (number.getClientRects().length !== 1) problems.push(`${text}: number broken`);
        if (text.split(n).length !== 2) problems.push(`${text}: says its number twice`);
        if (!text.replace(n, '').trim()) problems.push(`${text}: no name`);
    }
    return problems;
}"""


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("plan", ["small", "default"])
def test_the_emergency_bar_fits_in_every_language(
    open_card: Callable[..., Card],
    default_url: str,
    card_url: str,
    screen: str,
    plan: str,
    tmp_path: Path,
) -> None:
    viewport, scale = SCREENS[screen]
    url = default_url if plan == "default" else card_url
    card = open_card(url=url, viewport=viewport, device_scale_factor=scale)
    problems = []
    for lang in card.data()["languages"]:
        card.open(f"{lang}/{card.data()['start']}" if lang != card.primary() else "")
        assert card.page.evaluate("document.documentElement.lang") == lang
        problems += [f"{lang}: {p}" for p in card.page.evaluate(BAR_PROBLEMS, viewport["width"])]
        card.page.screenshot(path=tmp_path / f"{plan}-{screen}-{lang}.png")
    assert not problems, "\n".join(problems)


def test_the_bar_names_each_number_once(card: Card) -> None:
    bar = card.lang().locator(".ap-emergency")
    expect(bar.get_by_role("link")).to_have_text(["112 Alarmcentralen"])


def test_the_default_bar_does_not_repeat_a_number_in_its_name(
    open_card: Callable[..., Card], default_url: str
) -> None:
    card = open_card(url=default_url)
    names = card.lang().locator(".ap-emergency a").all_inner_texts()
    assert names[0].split() == ["112", "Alarm"], names


# -- 3. back lands at the top -----------------------------------------------------------------


def test_back_lands_at_the_top_of_the_step(
    open_card: Callable[..., Card], default_url: str
) -> None:
    card = open_card(url=default_url, viewport=PHONE)
    card.choose(card.options()[1])  # not in acute danger: on to the long steps
    first = card.here()
    scroll_to_the_end(card)
    card.next() if card.kind() == "step" else card.choose(card.options()[0])
    for back in (lambda: card.button("back").click(), card.page.go_back):
        scroll_to_the_end(card)
        back()
        card.page.wait_for_function("h => decodeURIComponent(location.hash) === h", arg=first.hash)
        at = heading_in_sight(card)
        assert at["scrolled"] == 0, at
        card.page.go_forward()
        card.page.wait_for_function("h => decodeURIComponent(location.hash) !== h", arg=first.hash)
    # Back from the contacts, opened from far down a step.
    scroll_to_the_end(card)
    card.lang().locator(".ap-tools a[href$='ap-contacts']").click()
    scroll_to_the_end(card)
    card.button("back").click()
    assert card.node() != "ap-contacts"
    assert heading_in_sight(card)["scrolled"] == 0


# -- 4. a changed answer keeps what still applies ---------------------------------------------


def change(card: Card, question: str) -> None:
    name = f"{card.ui('change')} {card.ui('change_answer')} {question}"
    card.lang().locator(".ap-path").get_by_role("link", name=name, exact=True).click()


def test_a_changed_answer_keeps_what_still_applies(card: Card) -> None:
    step = f"{card.ui('step')}: Få råd"
    card.walk(["Ja", "Billeder"])
    card.active().locator("h2").focus()
    assert card.hash() == "#slut~0.0"

    change(card, START)
    assert card.hash() == "#fare"
    earlier = card.active().locator(".ap-option[aria-current]")
    expect(earlier).to_have_count(1)
    expect(earlier).to_contain_text("Ja")
    expect(earlier).to_contain_text(card.ui("earlier_answer"))
    # A different answer: 'Hvad er sket?' was answered on the old path, so its answer stays,
    # and the card goes on through what was seen to where the reader was.
    card.choose("Nej")
    assert card.hash() == "#slut~1.0"
    assert card.path() == [(START, "Nej"), ("Hvad er sket?", "Billeder"), ("", step)]
    expect(card.lang().locator(".ap-option[aria-current]")).to_have_count(0)

    # The same answer again: back where the reader was, everything kept.
    change(card, "Hvad er sket?")
    card.choose("Billeder")
    assert card.hash() == "#slut~1.0"
    assert card.path() == [(START, "Nej"), ("Hvad er sket?", "Billeder"), ("", step)]

    # An answer that leads somewhere new stops there: a new step is to be read, not skipped.
    change(card, START)
    card.choose("Ja")
    assert (card.hash(), card.path()) == ("#ring~0", [(START, "Ja")])


def test_a_changed_answer_to_the_end_drops_what_no_longer_applies(card: Card) -> None:
    card.walk(["Nej", "Billeder"])  # through 'Få råd' to the end
    assert card.hash() == "#slut~1.0"
    change(card, "Hvad er sket?")
    card.choose("Andet")
    assert (card.hash(), card.path()) == ("#slut~1.1", [(START, "Nej"), ("Hvad er sket?", "Andet")])


# -- 6. an urgent step leads with its call ----------------------------------------------------


def test_an_urgent_step_leads_with_a_full_width_call(open_card: Callable[..., Card]) -> None:
    card = open_card("ring~0", viewport=PHONE)
    section = card.active()
    order = section.evaluate(
        "s => [...s.children].map(e => e.className || e.tagName.toLowerCase())"
    )
    assert order.index("ap-calls") == order.index("h2") + 1, order
    call = section.locator(".ap-calls a").first
    expect(call).to_have_attribute("href", "tel:112")
    width = section.evaluate("s => s.getBoundingClientRect().width")
    assert call.bounding_box()["width"] >= width - 1


# -- 7. screen readers ------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["da", "en"])
def test_screen_readers_hear_titles_urgency_and_grouped_options(card: Card, lang: str) -> None:
    # The plan's own texts, from the plan (the card keeps each of them once, in its node).
    plan = check_plan(Project.find(SMALL).content).plan
    assert plan is not None
    localized = plan if lang == plan.info.language else localize(plan, lang)
    texts = {
        node_id: [str(node.title), *(str(o.label) for o in getattr(node, "options", ()))]
        for node_id, node in localized.nodes.items()
    }
    for fragment in card.routes(lang).values():
        card.go(fragment)
        node = card.node()
        title, *labels = texts[node]
        tag = card.active().locator(".ap-urgent-tag")
        said = re.escape(title)
        if tag.count():  # 'Urgent: title' (a space before the colon is not heard)
            said = re.escape(tag.text_content().rstrip(":").strip()) + r"\s?: " + said
        heading = card.active().get_by_role("heading", level=2)
        expect(heading).to_have_accessible_name(re.compile(f"^{said}$", re.I))
        if labels:  # a question: its options form a group named by it, each named by its label
            group = card.active().get_by_role("group", name=title, exact=True)
            expect(group.get_by_role("link")).to_have_count(len(labels))
            assert card.options() == labels
            for link, label in zip(group.get_by_role("link").all(), labels, strict=True):
                expect(link).to_have_accessible_name(re.compile(rf"^{re.escape(label)}( |$)"))
                assert "→" not in link.evaluate("a => a.innerText")
    expect(card.page.locator("#ap-live")).to_have_text("")  # moves are not announced twice


def test_the_urgency_is_part_of_the_heading(open_card: Callable[..., Card]) -> None:
    card = open_card("en/ring~0")
    expect(card.active().get_by_role("heading", level=2)).to_have_accessible_name(
        re.compile(r"^urgent ?: call 112$", re.I)
    )


def test_the_accessibility_tree_groups_the_options_under_their_question(card: Card) -> None:
    snapshot = card.active().aria_snapshot()
    assert re.search(
        rf'- group "{re.escape(START)}":\n\s+- list:\n\s+- listitem:\n\s+- link "Ja"', snapshot
    ), snapshot


# -- 8. no step numbers on the screen ---------------------------------------------------------

NUMBERS_SHOWN = """() => [...document.querySelectorAll('.ap-node h2, .ap-option, .ap-next')]
    .flatMap(e => ['::before', '::after'].map(p => getComputedStyle(e, p).content))
    .filter(c => /[0-9]/.test(c))"""


def test_no_step_numbers_on_the_screen(card: Card) -> None:
    for fragment in card.screens():
        card.go(fragment)
        assert card.page.evaluate(NUMBERS_SHOWN) == [], fragment
    card.print_media()
    assert card.page.evaluate(NUMBERS_SHOWN)  # the printed key keeps them


# -- 9. the start question's hint follows it --------------------------------------------------


def test_the_start_question_is_followed_by_its_hint_and_options(
    open_card: Callable[..., Card], default_url: str
) -> None:
    card = open_card(url=default_url)
    parts = card.active().evaluate(
        "s => [...s.children].map(e => e.className || e.getAttribute('role') || e.tagName)"
    )
    # The introduction and its warning, then the question, its hint, and its answers.
    assert parts == ["ap-summary", "H2", "P", "group"], parts


# -- 10. start over --------------------------------------------------------------------------


def test_start_over_is_far_from_back_and_asks_first(open_card: Callable[..., Card]) -> None:
    card = open_card(viewport={"width": 320, "height": 640})
    card.choose("Ja")
    back = card.button("back").bounding_box()
    restart = card.button("restart").bounding_box()
    assert back and restart
    apart = restart["x"] - (back["x"] + back["width"])
    assert apart >= 48 or restart["y"] >= back["y"] + back["height"] + 24, (back, restart)
    card.page.once("dialog", lambda d: d.dismiss())
    card.button("restart").click()
    assert card.hash() == "#ring~0"


def test_the_start_screen_has_no_empty_band_where_back_and_start_over_sit(
    open_card: Callable[..., Card],
) -> None:
    card = open_card(viewport={"width": 320, "height": 640})
    toolbar = card.lang().locator(".ap-toolbar")
    overview = card.lang().locator(".ap-overview").bounding_box()
    main = card.lang().locator(".ap-main").bounding_box()
    assert overview and main
    # Both buttons are hidden at the start, and so is the bar that holds them: the overview
    # follows the main region's own padding.
    expect(toolbar).to_be_hidden()
    assert overview["y"] - main["y"] <= 20, (overview, main)
    card.choose("Ja")
    expect(toolbar).to_be_visible()
    expect(card.button("back")).to_be_visible()


# -- 12. colours, the document, links --------------------------------------------------------


@pytest.mark.parametrize("scheme", ["dark", "forced"])
@pytest.mark.parametrize("lang", ["da", "en", "ar"])
def test_axe_finds_nothing_in_dark_mode_and_forced_colours(
    card: Card, lang: str, scheme: str
) -> None:
    if scheme == "dark":
        card.page.emulate_media(color_scheme="dark")
    else:
        card.page.emulate_media(forced_colors="active")
    found = axe_violations(card, lang)
    assert not found, "axe found:\n" + axe_report(found)


@pytest.mark.parametrize("scheme", ["light", "dark", "forced"])
def test_axe_finds_nothing_on_the_default_card_in_any_colours(
    open_card: Callable[..., Card], default_url: str, scheme: str
) -> None:
    card = open_card(url=default_url)
    card.page.emulate_media(
        color_scheme="dark" if scheme == "dark" else "light",
        forced_colors="active" if scheme == "forced" else "none",
    )
    found = axe_violations(card, "da") + axe_violations(card, "en")
    assert not found, "axe found:\n" + axe_report(found)


def test_dark_mode_is_honoured(open_card: Callable[..., Card]) -> None:
    card = open_card(color_scheme="dark")
    background = card.page.evaluate("getComputedStyle(document.body).backgroundColor")
    channels = [int(c) for c in re.findall(r"\d+", background)[:3]]
    assert max(channels) < 64, background


def test_bar_and_header_keep_their_edges_in_forced_colours(open_card: Callable[..., Card]) -> None:
    card = open_card(forced_colors="active")
    for part in (".ap-header", ".ap-emergency"):
        width = card.lang().locator(part).evaluate("e => getComputedStyle(e).borderBottomWidth")
        assert width != "0px", part


def test_the_card_describes_itself(card: Card) -> None:
    description = card.page.locator("meta[name=description]").get_attribute("content")
    assert description == "En plan til test af kortet."


def test_copy_a_link_with_the_answers(open_card: Callable[..., Card]) -> None:
    card = open_card("en/hvad~1", permissions=["clipboard-read", "clipboard-write"])
    card.button("copy-link-path").click()
    expect(card.page.locator("#ap-live")).to_have_text(card.ui("link_copied", "en"))
    assert card.page.evaluate("navigator.clipboard.readText()") == card.url + "#en/hvad~1"


# -- the Nu HTML checker ----------------------------------------------------------------------


def vnu_jar() -> Path | None:
    """The Nu HTML checker (npm's vnu-jar): $ACTIONPLAN_VNU_JAR, or where .ci/run puts it;
    in CI (ACTIONPLAN_REQUIRE_BROWSER) its test fails where it is missing."""
    found = os.environ.get("ACTIONPLAN_VNU_JAR")
    path = Path(found) if found else Path(__file__).resolve().parents[2] / ".tools"
    if path.is_dir():
        path = path / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    return path if path.is_file() and shutil.which("java") else None


def test_the_nu_html_checker_finds_no_error(card_url: str, default_url: str) -> None:
    jar = vnu_jar()
    if jar is None:
        message = "the Nu HTML checker is missing: npm install vnu-jar (see .ci/run), and java"
        if os.environ.get("ACTIONPLAN_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    files = [url.removeprefix("file://") for url in (card_url, default_url)]
    result = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert not messages, "\n".join(
        f"{m.get('url', '')}:{m.get('lastLine')}: {m['message']}" for m in messages
    )


# -- 13. ids that are names of JavaScript's own properties -----------------------------------

# The names that plain objects, functions, arrays and strings already have, and a few of the
# window's: an id the format allows may be any of them.
BUILT_IN_NAMES = """() => [...new Set([Object.prototype, Function.prototype, Array.prototype,
    String.prototype, Number.prototype, Map.prototype, Object, Array]
    .flatMap(o => Object.getOwnPropertyNames(o)).concat(['top', 'self', 'parent', 'frames',
    'name', 'length', 'history', 'location', 'document', 'status', 'closed', 'opener', 'event',
    'print', 'origin', 'navigator']))]"""


def built_in_ids(page: Page) -> list[str]:
    names = page.evaluate(BUILT_IN_NAMES)
    return sorted(
        n
        for n in names
        if ID_PATTERN.match(n) and len(n) <= MAX_ID_LENGTH and not n.startswith("ap-")
    )


def test_ids_that_name_built_in_properties_work(
    new_page: Callable[..., Page],
    open_card: Callable[..., Card],
    build_card_url: Callable[[Path], str],
    tmp_path: Path,
) -> None:
    page = new_page()  # the names, from the browser itself
    page.goto("about:blank")
    ids = built_in_ids(page)
    assert {"constructor", "length", "name", "prototype", "top", "history"} <= set(ids)
    # A question 'constructor' whose answers lead through a chain of steps, one per name, to an
    # outcome; every contact and law has such a name too.
    chain = [i for i in ids if i != "constructor"]
    nodes = {
        "constructor": {
            "kind": "question",
            "title": "constructor?",
            "options": [
                {"label": "first", "next": chain[0]},
                {"label": "last", "next": chain[-1]},
            ],
        }
    }
    for here, there in pairwise(chain):
        nodes[here] = {
            "kind": "step",
            "title": f"step {here}",
            "checklist": [f"tick {here}"],
            "contacts": ["constructor", "prototype"],
            "legal": ["valueof" if "valueof" in ids else "length"],
            "next": there,
        }
    nodes[chain[-1]] = {
        "kind": "question",
        "title": "again?",
        "options": [
            {"label": "yes", "next": "tostring-end"},
            {"label": "no", "next": "tostring-end"},
        ],
    }
    nodes["tostring-end"] = {"kind": "outcome", "title": "the end"}
    plan = {
        "plan": {
            "title": "built-ins",
            "language": "en",
            "version": "1",
            "owner": "tests",
            "reviewed": "2026-11-01",
            "start": "constructor",
            "emergency": ["constructor", "hasownproperty" if "hasownproperty" in ids else "name"],
        },
        "contacts": {
            name: {"name": f"contact {name}", "phone": "112"}
            for name in ("constructor", "prototype", "name", "hasownproperty")
        },
        "laws": {name: {"title": f"law {name}"} for name in ("valueof", "length")},
        "nodes": nodes,
    }
    project = tmp_path / "builtins"
    (project / "content" / "translations").mkdir(parents=True)
    (project / "content" / "plan.yaml").write_text(json.dumps(plan), encoding="utf-8")
    # A language tag may be such a name too ('map'): a translation that falls back to English.
    language = next(i for i in ids if re.fullmatch("[a-z]{2,3}", i) and i != "en")
    (project / "content" / "translations" / f"{language}.yaml").write_text(
        f"language: {language}\nname: {language}\n", encoding="utf-8"
    )
    url = build_card_url(project)

    card = open_card(url=url)
    assert card.node() == "constructor"
    moves = card.walk(["first", "yes"])
    assert [m.node for m in moves] == ["constructor", *chain, "tostring-end"]
    assert card.path()[0] == ("constructor?", "first")
    assert len(card.path()) == len(chain) + 1
    card.button("back").click()
    assert card.node() == chain[-1]
    change(card, "constructor?")
    card.choose("last")  # straight to the last question: where the reader was
    assert (card.node(), card.path()) == (chain[-1], [("constructor?", "last")])
    for fragment in ("__proto__", "toString", "constructor/constructor", "valueOf~0", "name~9"):
        card.open(fragment)
        assert card.node() == ("name" if fragment == "name~9" else "constructor"), fragment
    card.open("length~0")
    assert (card.node(), card.path()[0]) == ("length", ("constructor?", "first"))
    card.open(f"{language}/constructor")
    assert card.lang().get_attribute("data-lang") == language
    card.choose("last")
    assert (card.hash(), card.node()) == (f"#{language}/{chain[-1]}~1", chain[-1])
    middle = chain[len(chain) // 2]
    card.open(f"{middle}~0")
    card.active().get_by_label(f"tick {middle}").check()
    card.next()
    card.page.go_back()
    expect(card.active().get_by_label(f"tick {middle}")).to_be_checked()


# -- 5. print: the one-page action card, the whole plan, and without the script ---------------


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF as Chromium writes it (no compressed object streams)."""
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.parametrize("lang", ["da", "en"])
def test_printing_the_start_screen_gives_the_one_page_action_card(
    open_card: Callable[..., Card], default_url: str, lang: str, tmp_path: Path
) -> None:
    card = open_card("" if lang == "da" else "en/akut-fare", url=default_url)
    card.print_media()
    sheet = card.lang().locator(".ap-onepage")
    expect(sheet).to_be_visible()
    assert card.visible_nodes() == []  # the action card alone
    numbers = card.lang().locator(".ap-emergency a strong").all_inner_texts()
    assert numbers
    calls = sheet.locator(".ap-onepage-calls").inner_text()
    assert all(number in calls for number in numbers), (numbers, calls)
    # Every key warning the plan marks, once each, in the handling order.
    plan = check_plan(default_dir("content")).plan
    assert plan is not None
    localized = plan if lang == plan.info.language else localize(plan, lang)
    donts = [str(d) for d in key_donts(localized, Graph(plan).order())]
    printed = sheet.locator(".ap-donot li").all_inner_texts()
    assert donts and printed == donts
    expect(sheet).to_contain_text(card.lang().locator(".ap-footer p").first.inner_text()[:12])
    pdf = card.page.pdf(prefer_css_page_size=True)
    assert b"/MediaBox [0 0 594.95996 841.91998]" in pdf  # A4, in points
    (tmp_path / f"action-card-{lang}.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 1


def test_print_the_whole_plan_from_the_start(open_card: Callable[..., Card]) -> None:
    card = open_card(script="window.print = () => { window.__printed = true; };")
    card.button("print").click()
    assert card.page.evaluate("window.__printed")
    card.page.emulate_media(media="print")  # no 'beforeprint': the button makes every node itself
    assert len(card.visible_nodes()) == len(card.graph()) + len(card.pages())
    expect(card.lang().locator(".ap-onepage")).to_be_hidden()
    card.page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert card.visible_nodes() == []  # printing from the start again gives the action card


def test_without_javascript_english_prints_the_english_plan(open_card: Callable[..., Card]) -> None:
    card = open_card("en/ring", java_script_enabled=False)
    card.page.emulate_media(media="print")
    assert card.lang().get_attribute("data-lang") == "en"
    assert set(card.visible_nodes()) >= set(card.graph("en"))
    assert "Call 112" in card.lang().inner_text()
    assert pdf_pages(card.page.pdf()) >= 2


def test_the_action_card_has_a_qr_code_to_the_published_card(
    open_card: Callable[..., Card], build_card_url: Callable[[Path], str], small_card: Path
) -> None:
    address = "https://example.org/handleplan/"
    (small_card / "content" / "local.yaml").write_text(
        f"local:\n  address: {address}\n", encoding="utf-8"
    )
    card = open_card(url=build_card_url(small_card))
    card.print_media()
    qr = card.lang().locator(".ap-onepage-qr")
    expect(qr).to_be_visible()
    expect(qr).to_contain_text(address)
    assert qr.locator("svg.ap-qr path").count() == 1  # inline, made at build time
    box = qr.locator("svg").bounding_box()
    assert box and box["width"] == pytest.approx(box["height"]) and box["width"] > 80
    assert pdf_pages(card.page.pdf()) == 1


def test_without_an_address_there_is_no_qr_code(card: Card) -> None:
    expect(card.page.locator(".ap-onepage-qr")).to_have_count(0)


# -- 11. an overview of the steps -------------------------------------------------------------


def test_the_overview_shows_where_one_is_and_jumps_ahead(
    open_card: Callable[..., Card], default_url: str
) -> None:
    card = open_card(url=default_url, viewport=PHONE)
    overview = card.lang().locator(".ap-overview")
    overview.locator("summary").click()
    steps = overview.get_by_role("link")
    titles = steps.all_inner_texts()
    assert "Begræns spredningen" in titles  # 'Stop the spread': two taps from the start
    steps.filter(has_text="Begræns spredningen").click()
    assert card.heading() == "Begræns spredningen"
    heading_in_sight(card)
    current = card.lang().locator(".ap-overview [aria-current=step]")
    expect(current).to_have_count(1)
    expect(current).to_have_text("Begræns spredningen")
    card.page.go_back()
    expect(card.lang().locator(".ap-overview [aria-current]")).to_have_count(0)
