"""actionplan: a YAML decision tree of handling steps, built into an interactive action card."""

import re as _re

from actionplan import patterns as _patterns

__version__ = "0.1.0"

# The regular expressions earlier processes compiled, made again from their kept codes, before
# any library is imported and compiles its own (see patterns.py).
_patterns.seed()


def _seed_yaml_reader_pattern() -> None:
    """Spare every process that reads YAML the compiling of one regular expression.

    PyYAML's reader compiles, as `yaml` is imported, the characters a YAML stream may not hold
    as the complement of those it may: `[^...\\U00010000-\\U0010ffff]`.  `re` builds that set
    over all of Unicode, some fifteen milliseconds (57 million instructions, a ninth of a small
    build), where the same set written as what it holds compiles in one.  `re` looks a pattern
    up in its cache (`_cache`, by type, pattern and flags) before it compiles one, so the cheap
    pattern is put there under PyYAML's words.  Both match exactly the same characters (a test
    holds them to it over every code point).  Where `re` keeps its cache otherwise (a later
    Python), nothing is put there and PyYAML compiles its own, as it always did.  The
    maintainers know of the cost (yaml/pyyaml#124, #301).
    """
    written = "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
    cache = getattr(_re, "_cache", None)
    if isinstance(cache, dict):
        cache.setdefault((str, written, 0), _re.compile(YAML_NON_PRINTABLE))


# What PyYAML's reader refuses, written as the characters it holds (see above).
YAML_NON_PRINTABLE = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
_seed_yaml_reader_pattern()
