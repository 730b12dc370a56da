"""The card in Chromium: how soon it first shows, and how long one step through it takes.

Run by itself, it walks one or more cards in turn with Chromium's trace on and gives each click's
CPU time beside its wall time, on the renderer's main thread and on every other thread:

    python3 benchmarks/chromium.py CARD.html [OTHER.html ...] [--rounds N] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from measure import Stats

EXECUTABLE = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# A new browser context starts the browser's own pages in other processes, which take more than a
# core for about a second here; steps are timed once that is over, or on a 2-core machine they
# would measure the competition for the CPU more than the card.
SETTLE_MS = 2000

# The first paint with content and the end of DOMContentLoaded, from the start of navigation.
FIRST_RENDER_JS = """() => new Promise(resolve => {
  const nav = performance.getEntriesByType("navigation")[0];
  (function poll() {
    const fcp = performance.getEntriesByType("paint")
      .find(e => e.name === "first-contentful-paint");
    if (fcp && nav.loadEventEnd) {
      resolve({fcp: fcp.startTime, dcl: nav.domContentLoadedEventEnd});
    } else {
      requestAnimationFrame(poll);
    }
  })();
})"""

# Clicks are this far apart, as a reader's are at the least (each reads the step first), so that
# a click is timed on its own and not with what the last one left to do.  After the frame, the
# card's history entry and tab title cost the browser's own process about 11 ms of its main
# thread's CPU a step (the entry 8-9 ms, the title 2-3), and its compositor redraws the window;
# with clicks a frame apart that fell in the next click, on 2 cores most of its wall time.
# Chapbook keeps no history, so the wait changes little for it.
PAUSE_MS = 200

# Walk the card: at each node, click its first option (or its Continue link) at the start of a
# frame, and time (1) the handler: until the click has been handled and the next node's heading
# has focus; (2) the frame: until a message posted in that frame arrives, which is after the
# browser has done the frame's style, layout and paint.  At an outcome, start over (not timed).
# With `mark`, each click's start and end are marked in Chromium's trace (see `traced_steps`).
STEPS_JS = """async ({moves, pause, mark}) => {
  const nextFrame = () => new Promise(resolve => requestAnimationFrame(resolve));
  const rest = () => new Promise(resolve => setTimeout(resolve, pause));
  const choose = link => new Promise(resolve => requestAnimationFrame(() => {
    if (mark) console.timeStamp("ap-click");
    const start = performance.now();
    link.click();
    const handler = performance.now() - start;
    // From the focus up, not by a search of the card, which would be timed with the frame.
    const heading = document.activeElement, node = heading.closest(".ap-node");
    const focused = heading.tagName === "H2" && node !== null && node.classList.contains("ap-on");
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      const frame = performance.now() - start;
      if (mark) console.timeStamp("ap-done");
      resolve({kind: link.classList.contains("ap-option") ? "option" : "continue",
        handler: handler, frame: frame, focused: focused, to: node && node.id});
    };
    channel.port2.postMessage(null);
  }));
  const found = [];
  for (let tries = 0; found.length < moves && tries < moves * 3; tries++) {
    const link = document.querySelector(
      ".ap-node.ap-on .ap-option, .ap-node.ap-on .ap-next");
    if (link) {
      found.push(await choose(link));
    } else {
      document.querySelector(".ap-lang.ap-on [data-action=restart]").click();
    }
    await rest();
    await nextFrame();
  }
  return found;
}"""


def launch(playwright: Any, executable: str = EXECUTABLE) -> Any:
    """Chromium (Debian's, unless another is given), headless, as the browser tests run it."""
    return playwright.chromium.launch(executable_path=executable, args=ARGS)


def open_card(browser: Any, card: Path) -> tuple[Any, Any]:
    """A new browser context (so nothing is cached) with the card loaded in a page."""
    context = browser.new_context()
    page = context.new_page()
    # Start over asks before it clears ticks and times: the walk says yes.
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(card.as_uri())
    return context, page


def first_render(browser: Any, card: Path, loads: int) -> dict[str, Stats]:
    """First contentful paint and DOMContentLoaded (ms) over several fresh loads."""
    fcp, dcl = [], []
    for _ in range(loads):
        context, page = open_card(browser, card)
        first = page.evaluate(FIRST_RENDER_JS)
        context.close()
        fcp.append(first["fcp"])
        dcl.append(first["dcl"])
    return {"fcp_ms": Stats(fcp), "dcl_ms": Stats(dcl)}


def steps(browser: Any, card: Path, moves: int) -> dict[str, Any]:
    """The handler and frame time (ms) of each of several steps through a freshly loaded card."""
    context, page = open_card(browser, card)
    page.wait_for_timeout(SETTLE_MS)
    taken = page.evaluate(STEPS_JS, {"moves": moves, "pause": PAUSE_MS, "mark": False})
    context.close()
    if not all(m["focused"] for m in taken):
        raise RuntimeError(f"{card}: a step did not focus the next node's heading")
    return {
        "handler_ms": Stats([m["handler"] for m in taken]),
        "frame_ms": Stats([m["frame"] for m in taken]),
        "kinds": [m["kind"] for m in taken],
    }


def measure_card(browser: Any, card: Path, loads: int, moves: int) -> dict[str, Any]:
    """First render over `loads` loads, then `moves` steps in one more."""
    return {**first_render(browser, card, loads), **steps(browser, card, moves)}


# The same walk through a Chapbook story: click the passage's first link at the start of a frame,
# and time until the next passage is on the page and a frame has been drawn with it (Chapbook
# renders a passage after the click's task, so the handler alone would say nothing).  At a leaf,
# the walk ends and the story is started again (not timed).  Clicks as far apart as on the card.
PEER_STEPS_JS = """async ({moves, pause}) => {
  const nextFrame = () => new Promise(resolve => requestAnimationFrame(resolve));
  const rest = () => new Promise(resolve => setTimeout(resolve, pause));
  const article = () => document.querySelector("article");
  const choose = link => new Promise(resolve => requestAnimationFrame(() => {
    const start = performance.now();
    // Done when the link is gone and the next passage's text is there (every passage has some),
    // not at the first change, which may only empty the page.
    const observer = new MutationObserver(() => {
      if (document.contains(link) || !article() || !article().textContent.trim()) return;
      observer.disconnect();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve({frame: performance.now() - start});
      channel.port2.postMessage(null);
    });
    observer.observe(document.body, {childList: true, subtree: true});
    link.click();
  }));
  const found = [];
  while (found.length < moves) {
    const link = document.querySelector("article passage-link");
    if (!link) break;
    found.push(await choose(link));
    await rest();
    await nextFrame();
  }
  return found;
}"""

ELEMENTS_JS = "() => document.getElementsByTagName('*').length"


def peer_measure(browser: Any, story: Path, moves: int) -> dict[str, Any]:
    """A Chapbook story: its elements once shown, and the time of each of several steps."""
    context, page = open_card(browser, story)
    page.wait_for_selector("article passage-link")
    page.wait_for_timeout(SETTLE_MS)
    elements = page.evaluate(ELEMENTS_JS)
    taken: list[dict[str, float]] = []
    while len(taken) < moves:
        walked = page.evaluate(PEER_STEPS_JS, {"moves": moves - len(taken), "pause": PAUSE_MS})
        if not walked:
            raise RuntimeError(f"{story}: no passage link to follow")
        taken += walked
        if len(taken) < moves:
            # Chapbook keeps its place in local storage and would reopen the leaf.
            page.evaluate("localStorage.clear()")
            page.reload()
            page.wait_for_selector("article passage-link")
    context.close()
    return {"elements": elements, "frame_ms": Stats([m["frame"] for m in taken])}


def elements(browser: Any, card: Path) -> int:
    """How many elements the card's document holds once loaded."""
    context, page = open_card(browser, card)
    found = page.evaluate(ELEMENTS_JS)
    context.close()
    return int(found)


# Chromium's trace of a walk: every thread's tasks with their CPU time (`toplevel`), and the marks
# the walk leaves at each click (`devtools.timeline`).
TRACE_CATEGORIES = ["toplevel", "devtools.timeline"]


def traced_steps(browser: Any, card: Path, moves: int) -> list[dict[str, Any]]:
    """The walk of `steps`, traced: for each click, the node it reached, its wall time (ms) and
    CPU times (ms): of the renderer's main-thread task that handled the click and drew the frame
    (`cpu`), and of every other thread of every process while it was timed (`others`)."""
    context, page = open_card(browser, card)
    page.wait_for_timeout(SETTLE_MS)
    browser.start_tracing(page=page, categories=TRACE_CATEGORIES)
    taken = page.evaluate(STEPS_JS, {"moves": moves, "pause": PAUSE_MS, "mark": True})
    events = json.loads(browser.stop_tracing())["traceEvents"]
    context.close()
    marks = sorted(
        (e["ts"], e["args"]["data"]["message"], e["pid"], e["tid"])
        for e in events
        if e.get("name") == "TimeStamp"
        and e["args"].get("data", {}).get("message") in ("ap-click", "ap-done")
    )
    starts = [m for m in marks if m[1] == "ap-click"]
    ends = [m[0] for m in marks if m[1] == "ap-done"]
    if not (len(starts) == len(ends) == len(taken)):
        raise RuntimeError(f"{card}: the trace holds {len(starts)} clicks of {len(taken)}")
    main = (starts[0][2], starts[0][3])
    tasks = outermost(
        e
        for e in events
        if e.get("ph") == "X" and "toplevel" in e.get("cat", "").split(",") and e.get("dur")
    )
    found = []
    for (start, *_), end, step in zip(starts, ends, taken, strict=True):
        frame = [
            t
            for t in tasks
            if (t["pid"], t["tid"]) == main and t["ts"] <= start < t["ts"] + t["dur"]
        ]
        others = 0.0
        for t in tasks:
            overlap = min(end, t["ts"] + t["dur"]) - max(start, t["ts"])
            if (t["pid"], t["tid"]) != main and overlap > 0:
                others += t["tdur"] * overlap / t["dur"]
        found.append(
            {
                "to": step["to"],
                "wall": step["frame"],
                "cpu": frame[0]["tdur"] / 1000 if frame else float("nan"),
                "others": others / 1000,
            }
        )
    return found


def outermost(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events that no other event of the same thread holds: a task's own events (a message
    received, a watcher woken) are marked `toplevel` too, and would count its time twice."""
    found: list[dict[str, Any]] = []
    ends: dict[tuple[int, int], float] = {}
    for e in sorted(events, key=lambda e: (e["ts"], -e["dur"])):
        thread = (e["pid"], e["tid"])
        if e["ts"] >= ends.get(thread, float("-inf")):
            found.append(e)
            ends[thread] = e["ts"] + e["dur"]
    return [e for e in found if "tdur" in e]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "cards", nargs="+", type=Path, help="built cards (index.html), walked in turn"
    )
    parser.add_argument("--rounds", type=int, default=3, help="walks of each card (default 3)")
    parser.add_argument("--moves", type=int, default=30, help="clicks in a walk (default 30)")
    parser.add_argument(
        "--chromium", default=EXECUTABLE, help=f"the browser (default {EXECUTABLE})"
    )
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    walks: dict[Path, list[list[dict[str, Any]]]] = {card: [] for card in options.cards}
    with sync_playwright() as playwright:
        browser = launch(playwright, options.chromium)
        for _ in range(options.rounds):
            for card in options.cards:
                walks[card].append(traced_steps(browser, card, options.moves))
        browser.close()
    print(
        "per walk, median / slowest click (ms): wall, the renderer's main thread's CPU, "
        "other threads' CPU"
    )
    for card, rounds in walks.items():
        print(card)
        for clicks in rounds:
            columns = [[c[key] for c in clicks] for key in ("wall", "cpu", "others")]
            costly = sorted(clicks, key=lambda c: -c["cpu"])[:3]
            print(
                "  " + "   ".join(f"{statistics.median(v):5.2f} / {max(v):5.2f}" for v in columns),
                "  most CPU: " + ", ".join(f"{c['to']} {c['cpu']:.1f}" for c in costly),
            )
        for key in ("wall", "cpu"):
            every = [c[key] for clicks in rounds for c in clicks]
            slowest = [max(c[key] for c in clicks) for clicks in rounds]
            print(
                f"  {key}: median of all {statistics.median(every):.2f}, slowest of each walk "
                f"{', '.join(f'{v:.2f}' for v in slowest)}"
            )


if __name__ == "__main__":
    main()
