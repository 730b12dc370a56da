"""Compiled templates kept between runs, so a build does not compile the theme every time.

Jinja checks each cached template against its source, so an edited template is compiled anew.
The cache is only ever a shortcut: one that cannot be read or written is no cache, never a
failed build.  ACTIONPLAN_CACHE_DIR moves it; set to an empty value, it turns it off.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import jinja2

from actionplan import __version__

ENV_VAR = "ACTIONPLAN_CACHE_DIR"


def cache_dir() -> Path | None:
    """Where the cache lives: ACTIONPLAN_CACHE_DIR, or the user's cache folder; None if off."""
    chosen = os.environ.get(ENV_VAR)
    if chosen is not None:
        return Path(chosen) if chosen else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "actionplan" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no home folder to be found: no cache
            return None
    return Path(base) / "actionplan"


class TemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja's own file cache, with every failure to read or write it passed over."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged: compile the template as if it were not there
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # read-only, full or gone: the build goes on
            super().dump_bytecode(bucket)


def template_cache() -> TemplateCache | None:
    """The compiled-template cache, or None where there is no folder for one."""
    base = cache_dir()
    if base is None:
        return None
    # The compiled code also depends on how our Environment is set up: a folder per version.
    folder = base / f"templates-{__version__}-jinja{jinja2.__version__}"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return None
    return TemplateCache(str(folder))
