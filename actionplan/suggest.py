"""Suggest: "did you mean …?" for a word that is not one of the known ones.

difflib's ratio says how alike two words are; comparing a word with every known one is fine for
the dozen keys of a mapping, but a plan of 10 000 nodes with 10 000 mistyped targets would make
10**8 comparisons.  For more than a few known words an index is built once per collection, and
each word is compared only with the few known words that share a spelling with it: those one
deletion away (a letter missing, added, changed, or two swapped), then those that share the
rarest runs of three letters.  The work per word is bounded whatever the plan's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sized

CUTOFF = 0.6  # difflib's own default: below it, words are too unlike to suggest
SMALL = 32  # known words compared one by one
CANDIDATES = 8  # known words compared at most, per word, in a large collection
COMMON = 8  # a run of three letters in more known words than this tells little


class Index:
    """The known words of one collection, ready to suggest from."""

    def __init__(self, known: Iterable[str]) -> None:
        if isinstance(known, (set, frozenset)):
            # A set's order changes from run to run with the hash seed: in order, the same hint
            # is given every run where two known words are equally close.
            known = sorted(known)
        self.known = list(dict.fromkeys(known))  # in order, once each
        self.work = 0  # comparisons and index entries looked at: bounded per word
        self._deletions: dict[str, list[str]] | None = None
        self._trigrams: dict[str, list[str]] | None = None

    @property
    def deletions(self) -> dict[str, list[str]]:
        """Each known word under itself and every spelling of it with one letter deleted."""
        if self._deletions is None:  # built at the first word to suggest for, not before
            self._deletions = _postings(self.known, _deletions)
        return self._deletions

    @property
    def trigrams(self) -> dict[str, list[str]]:
        """Each known word under every run of three letters in it (^ and $ at its ends)."""
        if self._trigrams is None:
            self._trigrams = _postings(self.known, _trigrams)
        return self._trigrams

    def closest(self, word: str) -> str | None:
        """The known word most like `word`, if one is alike enough."""
        import difflib  # here: a plan without a mistake never needs it

        if len(self.known) <= SMALL:
            self.work += len(self.known)
            close = difflib.get_close_matches(word, self.known, n=1, cutoff=CUTOFF)
            return close[0] if close else None
        return self._best(word, self._candidates(word))

    def _candidates(self, word: str) -> list[str]:
        found: dict[str, None] = {}
        for variant in sorted(_deletions(word)):  # sorted: the same candidates every run
            for known in self.deletions.get(variant, ())[:CANDIDATES]:
                self.work += 1
                found[known] = None
            if len(found) >= CANDIDATES:
                return list(found)[:CANDIDATES]
        shared: Counter[str] = Counter()
        for gram in sorted(_trigrams(word)):
            posting = self.trigrams.get(gram, ())
            if len(posting) <= COMMON:  # a common run matches too many to tell them apart
                self.work += len(posting)
                shared.update(posting)
        for known, _ in shared.most_common(CANDIDATES - len(found)):
            found.setdefault(known, None)
        return list(found)

    def _best(self, word: str, candidates: list[str]) -> str | None:
        import difflib

        best, best_ratio = None, CUTOFF
        matcher = difflib.SequenceMatcher(b=word)
        for known in candidates:
            self.work += 1
            matcher.set_seq1(known)
            # ratio() is the costly one; the two quick ones are upper bounds of it, as in
            # difflib.get_close_matches: a candidate that cannot win is not compared in full
            # (a file cut short by a save in progress can have thousands of ids to suggest for).
            if not (
                _wins(matcher.real_quick_ratio(), best, best_ratio)
                and _wins(matcher.quick_ratio(), best, best_ratio)
            ):
                continue
            ratio = matcher.ratio()
            if _wins(ratio, best, best_ratio):
                best, best_ratio = known, ratio
        return best


def _wins(ratio: float, best: str | None, best_ratio: float) -> bool:
    """Whether a candidate this alike is taken over the best so far: the first one alike enough,
    then only one more alike (the earlier of two as alike stays)."""
    return ratio > best_ratio or (ratio == best_ratio and best is None)


def _postings(known: list[str], keys: Callable[[str], set[str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for word in known:
        for key in keys(word):
            found.setdefault(key, []).append(word)
    return found


def _deletions(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


_INDEXES: dict[int, tuple[object, int, Index]] = {}  # by the collection's id, which it keeps alive
_KEPT = 8


def index(known: Iterable[str]) -> Index:
    """The index of a collection, built once while the collection is one of the last few used."""
    size = len(known) if isinstance(known, Sized) else -1
    kept = _INDEXES.get(id(known))
    if kept is not None and kept[0] is known and kept[1] == size:
        return kept[2]
    built = Index(known)
    if len(_INDEXES) >= _KEPT:
        del _INDEXES[next(iter(_INDEXES))]
    _INDEXES[id(known)] = (known, size, built)
    return built


def closest(word: str, known: Iterable[str]) -> str | None:
    """The known word the author most likely meant, if one is close enough."""
    return index(known).closest(word)
