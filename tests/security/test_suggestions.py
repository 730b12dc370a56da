""" "Did you mean …?" costs a bounded amount of work per mistyped word, whatever the plan's size.

A plan of 10 000 nodes with 10 000 mistyped targets used to compare every target with every
node (10**8 comparisons; 1 000 targets took 17 s). The work is counted, not timed: each
comparison and each index entry looked at adds one to `Index.work`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import random
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from actionplan import suggest
from actionplan.plan.read import check_plan


def bound(word: str) -> int:
    """The most work one word may cost: a few candidates from each of its spellings."""
    return (len(word) + 1) * suggest.CANDIDATES + (len(word) + 2) * suggest.COMMON + 8


def ids(count: int) -> list[str]:
    rng = random.Random(17)  # a fixed seed: the same ids on every run
    words = ("call", "police", "school", "parent", "report", "image", "share", "stop", "talk")
    return [f"{rng.choice(words)}-{rng.choice(words)}-{i}" for i in range(count)]


def typos(words: list[str]) -> list[str]:
    """One mistyped word for each: a letter changed, dropped, added, or two swapped, and some
    unlike any word at all."""
    rng = random.Random(23)
    wrong = []
    for i, word in enumerate(words):
        at = rng.randrange(1, len(word) - 1)
        kind = i % 5
        if kind == 0:
            wrong.append(word[:at] + "x" + word[at + 1 :])
        elif kind == 1:
            wrong.append(word[:at] + word[at + 1 :])
        elif kind == 2:
            wrong.append(word[:at] + "q" + word[at:])
        elif kind == 3:
            wrong.append(word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :])
        else:
            wrong.append("".join(rng.choice("zyxwvu-0123") for _ in range(len(word))))
    return wrong


SIZES = {"known-100": 100, "known-1-000": 1_000, "known-10-000": 10_000}


@pytest.mark.parametrize("size", list(SIZES.values()), ids=list(SIZES))
def test_the_work_per_word_does_not_grow_with_the_known_words(size: int) -> None:
    known = ids(size)
    index = suggest.Index(known)
    for word in typos(known):
        before = index.work
        index.closest(word)
        assert index.work - before <= bound(word), word


def test_10_000_mistyped_words_against_10_000_known_take_bounded_work() -> None:
    known = ids(10_000)
    index = suggest.Index(known)
    words = typos(known)
    found = [index.closest(w) for w in words]
    assert index.work <= sum(bound(w) for w in words)
    # A one-letter slip is matched to the id meant (or one as like it: a slip in 'stop-12'
    # can make 'stop-1'), and nothing is matched that is unlike the word.
    slips = [
        (w, k, m) for i, (w, k, m) in enumerate(zip(words, known, found, strict=True)) if i % 5 != 4
    ]
    assert sum(m == k for _, k, m in slips) >= 0.95 * len(slips)
    assert all(m is not None for _, _, m in slips)
    for word, match in zip(words, found, strict=True):
        if match is not None:
            assert difflib.SequenceMatcher(None, match, word).ratio() >= suggest.CUTOFF


@given(
    st.text("abcde-", max_size=12),
    st.lists(st.text("abcde-", min_size=1, max_size=12), max_size=30),
)
def test_a_few_known_words_are_compared_as_difflib_does(word: str, known: list[str]) -> None:
    expected = difflib.get_close_matches(word, list(dict.fromkeys(known)), n=1, cutoff=0.6)
    assert suggest.Index(known).closest(word) == (expected[0] if expected else None)


def test_a_plan_with_10_000_mistyped_targets_is_checked_with_a_hint_for_each(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = 10_000
    nodes: dict[str, dict[str, str]] = {
        f"step-{i}": {"kind": "step", "title": f"Step {i}", "next": f"stpe-{i + 1}"}
        for i in range(count)
    }
    nodes[f"step-{count - 1}"]["next"] = "done"
    nodes["done"] = {"kind": "outcome", "title": "Done"}
    plan = {
        "title": "Large",
        "language": "en",
        "version": "1",
        "owner": "Test",
        "reviewed": dt.date.today(),
        "start": "step-0",
    }
    (tmp_path / "plan.yaml").write_text(yaml.safe_dump({"plan": plan, "nodes": nodes}))
    built: list[suggest.Index] = []
    make = suggest.Index.__init__

    def counted(self: suggest.Index, known: object) -> None:
        make(self, known)  # type: ignore[arg-type]
        built.append(self)

    monkeypatch.setattr(suggest.Index, "__init__", counted)
    report = check_plan(tmp_path)
    missing = [p for p in report.errors if p.message.startswith("no node with the id 'stpe-")]
    assert len(missing) == count - 1
    for problem in missing:
        target = re.search(r"'(stpe-\d+)'", problem.message)[1]  # type: ignore[index]
        assert problem.hint == f"did you mean '{target.replace('stpe', 'step')}'?"
    assert sum(index.work for index in built) <= count * bound(f"stpe-{count}")


def _best_in_full(word: str, candidates: list[str]) -> str | None:
    """The first candidate alike enough, then only one more alike: each compared in full."""
    best, best_ratio = None, suggest.CUTOFF
    for known in candidates:
        ratio = difflib.SequenceMatcher(None, known, word).ratio()
        if ratio > best_ratio or (ratio == best_ratio and best is None):
            best, best_ratio = known, ratio
    return best


@given(
    st.text("abn0159-", max_size=10),
    st.lists(st.text("abn0159-", min_size=1, max_size=10), max_size=suggest.CANDIDATES),
)
def test_a_candidate_that_cannot_win_is_passed_over_with_the_same_result(
    word: str, candidates: list[str]
) -> None:
    """The quick upper bounds only spare the full comparison: the hint is the same."""
    assert suggest.Index([])._best(word, candidates) == _best_in_full(word, candidates)
