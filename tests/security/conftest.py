"""The security suite's fixtures; its tools are in hostile.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.register_assert_rewrite("hostile")

from hostile import INSPECT, WATCH, Visit  # noqa: E402 - after the rewrite is registered


@pytest.fixture(scope="session")
def visit(browser: Any) -> Iterator[Callable[..., Visit]]:
    """`visit(url, walk=(), javascript=True)`: open a card and give what it did meanwhile.

    For each fragment in `walk` the card is opened there too and walked to an outcome by the first
    option of every question ("" is the start, "en/start" the start in English). One page per
    setting of JavaScript serves every visit of the session: a new page costs more than a card.
    """
    pages: dict[bool, Any] = {}
    seen = Visit()
    pending: set[Any] = set()  # requests not yet finished or failed

    def blocked(request: Any) -> None:
        """A request the policy blocked never left the page: it is a violation, not a request."""
        pending.discard(request)
        if request.failure in ("csp", "net::ERR_BLOCKED_BY_CSP"):
            seen.blocked.append(request.url)

    def page_for(javascript: bool) -> Any:
        if javascript not in pages:
            context = browser.new_context(
                java_script_enabled=javascript, viewport={"width": 1280, "height": 800}
            )
            context.set_default_timeout(5000)
            context.add_init_script(WATCH)
            context.on("request", lambda r: (seen.requests.append(r.url), pending.add(r)))
            context.on("requestfailed", blocked)
            context.on("requestfinished", lambda r: pending.discard(r))
            context.on("weberror", lambda e: seen.errors.append(str(e.error)))
            page = context.new_page()
            page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: seen.errors.append(m.text) if m.type == "error" else None)
            pages[javascript] = page
        return pages[javascript]

    def open_card(url: str, walk: tuple[str, ...] = (), javascript: bool = True) -> Visit:
        page = page_for(javascript)
        page.goto("about:blank")
        seen.__init__()  # type: ignore[misc]
        page.goto(url)
        for fragment in walk:
            page.goto("about:blank")
            page.goto(url + "#" + fragment)
            for _ in range(20):
                if not javascript:
                    break
                move = page.locator(".ap-node.ap-on :is(.ap-option, .ap-next)").first
                if not move.count():
                    break
                move.dispatch_event("click")  # a long hostile name may cover it
        page.wait_for_timeout(20)  # let anything queued (a timer, an onerror) run
        for _ in range(100):  # until every request has ended, one way or the other
            if not pending:
                break
            page.wait_for_timeout(10)
        found = page.evaluate(INSPECT)
        result = Visit(
            **{
                **vars(seen),
                "pwned": found["pwned"],
                "csp": found["csp"],
                "handlers": found["handlers"],
                "links": found["links"],
                "text": found["text"],
                "style": found["style"],
                "scripted": found["scripted"],
            }
        )
        result.requests = [
            r for r in result.requests if r != "about:blank" and r not in result.blocked
        ]
        return result

    yield open_card
    for page in pages.values():
        page.context.close()
