"""The "did you mean" hints: the same every run, whatever order a collection comes in."""

from __future__ import annotations

import subprocess
import sys

from actionplan.suggest import SMALL, closest

# More ids than SMALL, so that the index (not difflib's own loop) chooses; two pairs of ids are
# equally close to the mistyped words below.
IDS = [f"trin-{i:03d}" for i in range(SMALL + 8)] + ["kontakt-a", "kontakt-b"]
PROGRAM = f"""
from actionplan.suggest import closest
ids = frozenset({IDS!r})
print(closest('kontakt-c', ids), closest('trin-0x0', ids))
"""


def test_a_set_of_ids_gives_the_same_hint_under_every_hash_seed() -> None:
    seen = set()
    for seed in range(6):
        result = subprocess.run(
            [sys.executable, "-c", PROGRAM],
            env={"PYTHONHASHSEED": str(seed), "PATH": ""},
            capture_output=True,
            text=True,
            check=True,
        )
        seen.add(result.stdout.strip())
    assert len(seen) == 1, seen
    kontakt, trin = seen.pop().split()
    assert kontakt in ("kontakt-a", "kontakt-b")
    assert trin.startswith("trin-0")


def test_a_set_and_its_sorted_list_give_the_same_hint() -> None:
    for word in ("kontakt-c", "trin-0x0", "trin-04"):
        assert closest(word, frozenset(IDS)) == closest(word, sorted(IDS))
