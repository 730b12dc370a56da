"""Work a build may leave until its card is out: writing what the cache keeps for the builds
after it (`cache.Buckets.save`).  `serve` collects such work while it builds and does it once the
new card is served, so that a save does not wait for the disk to get its card; any other build
does it at once, where it is asked for.

Leaving it is always safe: what the cache keeps is found by a digest of what went into it, so
work not done (a crash between the card and the work) leaves the cache as the build before left
it, and the next build only does more again, never makes a stale card.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

Work = Callable[[], None]

# The work left while `collect` runs, in this thread (a new thread starts with none).
_left: contextvars.ContextVar[list[Work] | None] = contextvars.ContextVar("left", default=None)


def defer(work: Work) -> None:
    """Do `work` now, or, while `collect` runs in this thread, leave it to the one running it."""
    left = _left.get()
    if left is None:
        work()
    else:
        left.append(work)


@contextlib.contextmanager
def collect() -> Iterator[list[Work]]:
    """The work `defer` is handed inside the block, in order, to be done after it (`run`)."""
    left: list[Work] = []
    token = _left.set(left)
    try:
        yield left
    finally:
        _left.reset(token)


def run(left: list[Work]) -> None:
    """Do the work left, in the order it was left, and empty the list."""
    while left:
        left.pop(0)()
