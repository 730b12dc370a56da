"""Where the cache folder is.  Apart from actionplan/cache.py, which imports much, so that the
package can look there before it imports anything else (patterns.py)."""

from __future__ import annotations

import os
import sys

ENV_VAR = "ACTIONPLAN_CACHE_DIR"
OFF_VAR = "ACTIONPLAN_NO_CACHE"


def folder() -> str | None:
    """Where the cache lives: ACTIONPLAN_CACHE_DIR, or the user's cache folder; None if off."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return chosen or None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return os.path.join(os.environ["LOCALAPPDATA"], "actionplan", "Cache")
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):  # a relative one is to be ignored, as the spec says
        return os.path.join(base, "actionplan")
    home = os.path.expanduser("~")
    if home.startswith("~"):  # no home folder to be found: no cache
        return None
    # A home folder that does not exist (a service's HOME=/nonexistent) is not made: no cache.
    return os.path.join(home, ".cache", "actionplan") if os.path.isdir(home) else None
