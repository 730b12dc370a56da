"""Work a build may leave until its card is out: writing what the cache keeps for the builds
after it (`cache.Buckets.save`).  `serve` collects such work while it builds and does it once it
is idle (no save for a moment), so that a save does not wait for the disk to get its card, nor
the save after it for the work of the one before; any other build does it at once, where it is
asked for.

Leaving it is always safe: what the cache keeps is found by a digest of what went into it, so
work not done (a crash between the card and the work) leaves the cache as the build before left
it, and the next build only does more again, never makes a stale card.  Work with a key is
replaced by later work with the same key (a save's writing of a file's entries supersedes the
last save's writing of them, which was never done): what is left does not grow with every save.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Hashable, Iterator

Work = Callable[[], None]
Left = dict[Hashable, Work]  # the work left, by its key, in the order it was (last) left

# The work left while `collect` runs, in this thread (a new thread starts with none).
_left: contextvars.ContextVar[Left | None] = contextvars.ContextVar("left", default=None)


def defer(work: Work, key: Hashable = None) -> None:
    """Do `work` now, or, while `collect` runs in this thread, leave it to the one running it.

    `key`: work that later work with the same key makes needless (writing the same entries
    again, as they are now), and is replaced by; None for work that no other replaces."""
    left = _left.get()
    if left is None:
        work()
        return
    if key is None:
        key = object()
    left.pop(key, None)
    left[key] = work


@contextlib.contextmanager
def collect(left: Left | None = None) -> Iterator[Left]:
    """The work `defer` is handed inside the block, in order, to be done after it (`run`):
    added to `left`, where given (work left by an earlier block and not yet done)."""
    left = {} if left is None else left
    token = _left.set(left)
    try:
        yield left
    finally:
        _left.reset(token)


def run(left: Left) -> None:
    """Do the work left, in the order it was left, and empty it."""
    while left:
        key = next(iter(left))
        left.pop(key)()
