"""Compiled regular expressions kept between processes, in the cache folder.

A build compiles some sixty regular expressions, most of them as the libraries are imported
(PyYAML's resolver, click's, Jinja's lexer, json's and platform's), some 55 million
instructions: an eighth of a small build.  `re` compiles a pattern in Python, parsing it and
turning it into a list of codes, and then makes the pattern object from those codes in C
(`_sre.compile`).  As a command ends, the codes of the patterns it compiled are kept in the
cache folder, under the interpreter's exact version; as the package is imported, each kept
pattern is made again from its codes, in C, and put in `re`'s cache, where `re.compile` looks
before it compiles anything.

Nothing is kept that `re` would not make itself: each pattern's codes are taken from `re`'s own
compiler as it compiles the pattern once more, and kept only where the pattern made from them is
equal to the one `re` made (same text, flags and codes).  A file from another interpreter is
never read (its name holds the version), one that cannot be read or holds anything unexpected
is passed over, and where `re` keeps no cache as a dict of its own (an interpreter this was not
written for), nothing is put there and every pattern is compiled as usual.

This module is imported by the package before any library, so it imports nothing but what the
interpreter has already loaded.
"""

from __future__ import annotations

import _sre  # type: ignore[import-not-found]  # re's engine, in C (no stubs)
import gc
import marshal
import os
import re
import sys
from typing import Any

from actionplan.cachedir import folder as cache_folder

# Beyond this many patterns, only those the ending process holds are kept.
MOST_KEPT = 300

Key = tuple[type, Any, int]  # as `re` keys its cache: the pattern's type, text and flags


def _file() -> str | None:
    folder = cache_folder()
    if folder is None:
        return None
    return os.path.join(folder, f"patterns-{sys.implementation.cache_tag}-{_sre.MAGIC}.marshal")


# Written at the head of the file and compared as it is read: the interpreter's version, build
# and compiler, and the codes' version.
_VERSION = f"{sys.version}|{_sre.MAGIC}|{_sre.CODESIZE}|{sys.maxunicode}"


def _cache() -> dict[Key, re.Pattern[Any]] | None:
    """re's cache, where it is a dict of its own and its codes are kept as unsigned ints."""
    cache = getattr(re, "_cache", None)
    return cache if isinstance(cache, dict) and _sre.CODESIZE == 4 else None


_read: dict[Key, tuple[Any, ...]] = {}  # what the file held, by key, as it was read


def seed() -> int:
    """Put the kept patterns in `re`'s cache; how many were put there."""
    cache, path = _cache(), _file()
    if cache is None or path is None:
        return 0
    try:
        with open(path, "rb") as file:
            kept = marshal.load(file)
    except (OSError, EOFError, ValueError, TypeError):  # none yet, or damaged
        return 0
    if not isinstance(kept, tuple) or len(kept) != 2 or kept[0] != _VERSION:
        return 0
    put = 0
    collecting = gc.isenabled()
    gc.disable()  # some sixty patterns, and nothing to collect
    try:
        for entry in kept[1]:
            try:
                key_flags, pattern, flags, codes, *rest = entry
                args = (pattern, flags, memoryview(codes).cast("I").tolist(), *rest)
                key = (type(pattern), pattern, key_flags)
                if key not in cache:
                    cache[key] = _sre.compile(*args)
                    put += 1
                _read[key] = entry
            except Exception:  # anything unexpected: compiled as usual
                continue
    finally:
        if collecting:
            gc.enable()
    return put


def _codes(pattern: Any, flags: int) -> tuple[Any, ...] | None:
    """What `re`'s compiler gives `_sre.compile` for this pattern: compiled once more, with the
    call taken down on its way."""
    compiler: Any = getattr(re, "_compiler", None)
    real: Any = getattr(compiler, "_sre", None)
    if real is None or not callable(getattr(compiler, "compile", None)):
        return None
    taken: list[tuple[Any, ...]] = []

    class Taking:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def compile(*args: Any) -> Any:
            taken.append(args)
            return real.compile(*args)

    compiler._sre = Taking()
    try:
        compiler.compile(pattern, flags)
    except Exception:  # not compiled again here: not kept
        return None
    finally:
        compiler._sre = real
    if len(taken) != 1:
        return None
    return taken[0]


def keep() -> None:
    """As a command ends: the patterns kept for the next process (see _keep).  Only ever a
    shortcut: whatever goes wrong, nothing is kept, and the command ends as it would have."""
    try:
        _keep()
    except Exception:  # an interpreter this was not written for: compiled as usual next time
        return


def _keep() -> None:
    """Write the kept patterns with those this process compiled (a file of its own, moved over
    the old one, so that a reader never finds half of it).  Kept: the patterns the process
    holds (a module's, a function's), not one it used once and let go."""
    cache, path = _cache(), _file()
    if cache is None or path is None:
        return
    # How many references a pattern that nothing else holds has, counted the same way: a pattern
    # compiled for the count and let go.
    re.compile(_PROBE)
    pairs = list(cache.items())
    unheld = max((_count(p) for k, p in pairs if k == (str, _PROBE, 0)), default=None)
    cache.pop((str, _PROBE, 0), None)
    if unheld is None:  # re kept no pattern: nothing to count against
        return
    held = {key for key, pattern in pairs if _count(pattern) > unheld}
    # Not a pattern put there under another's text (the package's cheap one for PyYAML's reader).
    new = [key for key in held if key not in _read and cache[key].pattern == key[1]]
    if not new:
        return
    import array  # only here: loading its library is some 10 million instructions
    import contextlib

    entries = dict(_read)
    if len(entries) + len(new) > MOST_KEPT:
        entries = {key: args for key, args in entries.items() if key in held}
    for key in new:
        args = _codes(key[1], key[2])
        if args is not None and _equal(args, cache.get(key)):
            pattern, flags, code, *rest = args
            # Written as bytes, read back in C (marshal reads a list of ints one by one).
            codes = array.array("I", code).tobytes()  # 4 bytes each, as _sre.CODESIZE
            entries[key] = (key[2], pattern, int(flags), codes, *rest)
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with contextlib.suppress(FileExistsError):  # the cache folder, not the folders above
            os.mkdir(os.path.dirname(path), mode=0o700)
        with open(tmp, "wb") as file:
            marshal.dump((_VERSION, list(entries.values())), file)
        os.replace(tmp, path)
    except (OSError, ValueError):  # read-only, full or gone: compiled again next time
        with contextlib.suppress(OSError):
            os.remove(tmp)


def _count(pattern: re.Pattern[Any]) -> int:
    return sys.getrefcount(pattern)


_PROBE = "(?#a pattern nothing holds)"


def _equal(args: tuple[Any, ...], pattern: re.Pattern[Any] | None) -> bool:
    try:
        return pattern is not None and bool(_sre.compile(*args) == pattern)
    except Exception:  # a pattern not made from these codes
        return False
