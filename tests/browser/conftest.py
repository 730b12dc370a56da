"""Browser fixtures: a built card, pages that watch everything the card does, and a user's moves.

`card_url` is the small fixture plan (Danish, English and Arabic), built once per session.
`build_card_url(path)` builds any other project the same way. A module for another plan (the
default one, say) reuses everything here by overriding `card_url` in the module:

    @pytest.fixture(scope="session")
    def card_url(build_card_url):
        return build_card_url(REPO)

    def test_a_scenario(card):                      # the card, loaded at its start
        moves = card.walk(["Ja", "Nej"])            # answers by label, through the steps
        assert moves[-1].heading == "..." and card.kind() == "outcome"

Every page made here records its requests, console errors, uncaught exceptions and
Content-Security-Policy violations; at teardown the test fails if the card asked for anything but
its own file, or if anything went wrong in it.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlparse
from urllib.request import url2pathname

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Locator, Page

from actionplan.commands.build import build_card
from actionplan.project import Project

SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "cards" / "small"

# Run in every page before the card's script: CSP violations are kept and also logged as errors.
WATCH_CSP = """
window.__apCsp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  var text = e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " +
    e.sourceFile + ":" + e.lineNumber;
  window.__apCsp.push(text);
  console.error("CSP violation: " + text);
});
"""


@pytest.fixture(scope="session")
def build_card_url(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], str]:
    """Build a project's card once per session; gives its file:// URL."""
    built: dict[Path, str] = {}

    def build(path: Path) -> str:
        if path not in built:
            result = build_card(Project.find(path), out=tmp_path_factory.mktemp("card"))
            built[path] = result.path.as_uri()
        return built[path]

    return build


@pytest.fixture(scope="session")
def card_url(build_card_url: Callable[[Path], str]) -> str:
    """The small fixture card: Danish first, then English and Arabic (right to left)."""
    return build_card_url(SMALL)


@dataclass
class Watch:
    """What happened in one browser context: requests, console errors, uncaught exceptions."""

    allowed: set[str]
    requests: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # url: why (a CSP block, say)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.add_init_script(WATCH_CSP)
        context.on("request", lambda request: self.requests.append(request.url))
        context.on(
            "requestfailed",
            lambda request: self.failed.update({request.url: request.failure or ""}),
        )
        context.on("console", self._console)
        context.on(
            "weberror", lambda error: self.errors.append(f"uncaught exception: {error.error}")
        )

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def stray(self) -> list[str]:
        """Requests the card made for anything but itself, even those that were blocked."""
        return [url for url in self.requests if urldefrag(url).url not in self.allowed]

    def problems(self) -> list[str]:
        return [
            f"request to something other than the card: {url}" for url in self.stray()
        ] + self.errors

    def clear(self) -> None:
        """Forget what happened so far: after a test provoked it on purpose."""
        self.requests.clear()
        self.failed.clear()
        self.errors.clear()


@pytest.fixture
def watches() -> list[Watch]:
    """The watches of the pages made in this test, latest last: a test that provokes an error
    on purpose reads and clears its watch's `errors`."""
    return []


@pytest.fixture
def new_page(browser: Browser, watches: list[Watch]) -> Iterator[Callable[..., Page]]:
    """`new_page(allow=(card URL, ...), **context_options)`: a fresh context and page, watched
    until teardown; `allow` is what it may load (the card's own file, or its http:// address)."""
    contexts: list[BrowserContext] = []

    def make(allow: tuple[str, ...] = (), **context_options: object) -> Page:
        context = browser.new_context(**context_options)
        context.set_default_timeout(5000)  # the card is one local file: nothing takes longer
        watch = Watch(allowed=set(allow))
        watch.attach(context)
        contexts.append(context)
        watches.append(watch)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    problems = [problem for watch in watches for problem in watch.problems()]
    assert not problems, "the card misbehaved:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page: Callable[..., Page], card_url: str) -> Page:
    """A fresh page in a context of its own, 1280 × 800, that may load the small card only."""
    return new_page(allow=(card_url,), viewport={"width": 1280, "height": 800})


@dataclass(frozen=True)
class Move:
    """One node on a walk: where the card was and what it showed."""

    node: str
    heading: str
    hash: str


# Each node of a language block in the card's order, with its kind and targets: the sections on
# the page and those the script has not made yet (still the text of their <noscript>).
GRAPH_JS = """box => {
    const shell = document.createElement('template');
    const sections = [...box.querySelectorAll('.ap-node, .ap-nodes > noscript')].flatMap(e => {
        if (e.tagName !== 'NOSCRIPT') return [e];
        shell.innerHTML = e.textContent;
        return [...shell.content.querySelectorAll('.ap-node')];
    });
    return sections.filter(s => !s.classList.contains('ap-page')).map(s => [
        s.id.split('/').pop(),
        s.className.match(/ap-(question|step|outcome)/)[1],
        [...s.querySelectorAll('.ap-option, .ap-next')].map(a =>
            a.getAttribute('href').slice(1).split('~')[0].split('/').pop())]);
}"""


class Card:
    """A card open in a page, with the moves a user makes and what they can see.

    Works with and without JavaScript: what counts is what is visible. It relies on little of
    the markup: sections `.ap-node` (kinds `.ap-question`, `.ap-step`, `.ap-outcome`, and
    `.ap-page` for contacts and the like) with the node id as their id (`lang/id` outside the
    primary language), links `.ap-option` and `.ap-next`, `.ap-hint` inside an option, the
    language blocks `.ap-lang[data-lang]`, the controls `[data-action]`, the 'Your path' panel
    `.ap-path`, and `#ap-data`.
    """

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    # -- getting there -----------------------------------------------------------------------
    def open(self, fragment: str = "") -> Card:
        """Load the card at `fragment` (e.g. 'hvad~1', 'en/ring'), as if from a link."""
        self.page.goto(self.url + ("#" + fragment if fragment else ""))
        return self

    def print_media(self) -> None:
        """The page as a browser prints it: the card is told first (`beforeprint`, as a
        browser's print does), then the print style sheet applies."""
        self.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        self.page.emulate_media(media="print")

    def go(self, fragment: str) -> None:
        """Move to `fragment` within the loaded card, as typing it into the address bar would."""
        self.page.evaluate("f => { location.hash = f; }", fragment)
        self.page.wait_for_function("f => location.hash === '#' + f", arg=fragment)

    # -- what is on the screen ---------------------------------------------------------------
    def lang(self) -> Locator:
        """The visible language block."""
        return self.page.locator(".ap-lang").filter(visible=True)

    def visible_nodes(self) -> list[str]:
        """The ids of the node sections that are visible, without the language prefix."""
        return self.page.locator(".ap-node").evaluate_all(
            "els => els.filter(e => e.checkVisibility()).map(e => e.id.split('/').pop())"
        )

    def node(self) -> str:
        """The one visible node; fails if there is not exactly one."""
        nodes = self.visible_nodes()
        assert len(nodes) == 1, f"expected exactly one visible node, saw {nodes}"
        return nodes[0]

    def active(self) -> Locator:
        """The one visible node's section."""
        self.node()
        return self.page.locator(".ap-node").filter(visible=True)

    def heading(self) -> str:
        """The title in the heading of the one visible node (without its 'urgent' tag)."""
        return (
            self.active()
            .locator("h2")
            .evaluate(
                """h => { const copy = h.cloneNode(true);
                copy.querySelectorAll('.ap-urgent-tag').forEach(t => t.remove());
                return copy.textContent.trim(); }"""
            )
        )

    def hash(self) -> str:
        """The address's fragment once the last move's history entry is added: the card adds it
        after the frame that shows the move (card.js, `settle`), so it is read after that. (A
        page without JavaScript runs no frame callbacks, and has no entry waiting.)"""
        return self.page.evaluate(
            """() => !document.documentElement.classList.contains('ap-js')
                ? decodeURIComponent(location.hash)
                : new Promise(resolve => requestAnimationFrame(() => setTimeout(
                    () => resolve(decodeURIComponent(location.hash)), 0)))"""
        )

    def here(self) -> Move:
        return Move(self.node(), self.heading(), self.hash())

    def path(self) -> list[tuple[str, str]]:
        """The 'Your path' panel: (question, answer) for each answer, ('', step) for steps. The
        card brings it up to date after the frame that shows the move (card.js, `pathLater`), so
        it is read after that. (A page without JavaScript has no path to wait for.)"""
        return [
            tuple(item)
            for item in self.lang().evaluate(
                """lang => {
                const read = () => Array.from(lang.querySelectorAll('.ap-path-list li'), li => {
                    const q = li.querySelector('.ap-path-q'), a = li.querySelector('strong');
                    return q ? [q.textContent.trim(), a.textContent.trim()]
                             : ['', li.textContent.trim()];
                });
                return !document.documentElement.classList.contains('ap-js') ? read()
                    : new Promise(resolve => requestAnimationFrame(() => setTimeout(
                        () => resolve(read()), 0)));
            }"""
            )
        ]

    def options(self) -> list[str]:
        """The option labels of the visible node, without their hints."""
        return self.active().locator(".ap-option").evaluate_all(LABELS)

    def kind(self) -> str:
        """'question', 'step', 'outcome', or 'page' (contacts and the like)."""
        classes = (self.active().get_attribute("class") or "").split()
        return next(k for k in ("question", "step", "outcome", "page") if f"ap-{k}" in classes)

    # -- moves -------------------------------------------------------------------------------
    def choose(self, label: str) -> Move:
        """Click the option whose label is exactly `label` in the visible node."""
        labels = self.options()
        assert label in labels, f"no option {label!r} at {self.here()}; there are {labels}"
        return self._follow(self.active().locator(".ap-option").nth(labels.index(label)))

    def next(self) -> Move:
        """Follow the visible step's 'continue' link."""
        return self._follow(self.active().locator(".ap-next"))

    def _follow(self, link: Locator) -> Move:
        before = self.hash()
        link.click()
        self.page.wait_for_function("h => decodeURIComponent(location.hash) !== h", arg=before)
        return self.here()

    def walk(self, answers: list[str]) -> list[Move]:
        """Answer each question in turn, continuing through steps; stops at the next question
        or outcome after the last answer. Gives every node seen, the first one included."""
        seen = [self.here()]
        pending = list(answers)
        while True:
            kind = self.kind()
            if kind == "step":
                seen.append(self.next())
            elif kind == "question" and pending:
                seen.append(self.choose(pending.pop(0)))
            else:
                assert not pending, f"stopped at {seen[-1]} with answers left: {pending}"
                return seen

    def button(self, action: str) -> Locator:
        """A control of the card by what it does: 'back', 'restart', 'copy-summary', ..."""
        return self.lang().locator(f"[data-action='{action}']")

    # -- the plan as the card shows it -------------------------------------------------------
    def data(self) -> dict:
        """What the card gives its script: start, primary language, and per language the
        direction and the interface words the script says."""
        return json.loads(self.page.locator("#ap-data").text_content() or "{}")

    def primary(self) -> str:
        return self.data()["primary"]

    def ui(self, word: str, lang: str | None = None) -> str:
        """One of the card's own words that the script uses ('change', 'summary_copied', ...)."""
        data = self.data()
        return data["languages"][lang or data["primary"]]["ui"][word]

    def graph(self, lang: str | None = None) -> dict[str, tuple[str, list[str]]]:
        """Each node's kind and targets (options in order, or a step's next) in a language
        block, the primary one by default, read from the links on the page."""
        block = f".ap-lang[data-lang='{lang}']" if lang else ".ap-lang"
        return {
            node: (kind, targets)
            for node, kind, targets in self.page.locator(block).first.evaluate(GRAPH_JS)
        }

    def pages(self, lang: str | None = None) -> list[str]:
        """The fragments of the pages that are not nodes (all contacts, and the like)."""
        block = f".ap-lang[data-lang='{lang}']" if lang else ".ap-lang"
        return (
            self.page.locator(block)
            .first.locator(".ap-page")
            .evaluate_all("els => els.map(e => e.id)")
        )

    def routes(self, lang: str | None = None) -> dict[str, str]:
        """For every node, the fragment that reaches it from the start with its path
        ('ring~0'; 'en/ring~0' in English): the first path found breadth-first."""
        graph = self.graph(lang)
        data = self.data()
        prefix = "" if lang in (None, data["primary"]) else f"{lang}/"
        routes: dict[str, list[int]] = {data["start"]: []}
        todo = deque([data["start"]])
        while todo:
            at = todo.popleft()
            kind, targets = graph[at]
            for i, target in enumerate(targets):
                if target not in routes:
                    routes[target] = [*routes[at], i] if kind == "question" else routes[at]
                    todo.append(target)
        return {
            node: prefix + node + ("~" + ".".join(map(str, c)) if c else "")
            for node, c in routes.items()
        }

    def screens(self, lang: str | None = None) -> list[str]:
        """Every screen of a language: each node with a path to it, then the other pages."""
        return [*self.routes(lang).values(), *self.pages(lang)]


# An option's label: its text without the hint, or the mark of an earlier answer (the arrow is
# CSS, not text).
LABELS = """els => els.map(a => {
    const copy = a.cloneNode(true);
    copy.querySelectorAll('.ap-hint, .ap-earlier').forEach(h => h.remove());
    return copy.textContent.trim();
})"""


@pytest.fixture
def open_card(new_page: Callable[..., Page], card_url: str) -> Callable[..., Card]:
    """`open_card(fragment="", url=card_url, script=None, headers=None, **context_options)`: a
    Card loaded in a fresh page; `script` runs in the page before the card's own (to stub
    `window.print`, say); with `headers`, the card's file is served from an http:// address with
    those response headers (a web server's Content-Security-Policy, say)."""

    def make(
        fragment: str = "",
        url: str = card_url,
        script: str | None = None,
        headers: dict[str, str] | None = None,
        **context_options: object,
    ) -> Card:
        context_options.setdefault("viewport", {"width": 1280, "height": 800})
        file = url
        if headers is not None:
            url = "http://card.test/index.html"
        page = new_page(allow=(url,), **context_options)
        if headers is not None:
            body = Path(url2pathname(urlparse(file).path)).read_bytes()
            sent = {"Content-Type": "text/html; charset=utf-8", **headers}
            page.route(url, lambda route: route.fulfill(body=body, headers=sent))
        if script:
            page.add_init_script(script)
        return Card(page, url).open(fragment)

    return make


@pytest.fixture
def card(page: Page, card_url: str) -> Card:
    """The small card, loaded at its start in the watched `page`."""
    return Card(page, card_url).open()
