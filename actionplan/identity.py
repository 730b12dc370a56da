"""Values kept beside live objects, by their identity: the model's objects are frozen and compare
by value (an expensive hash of every field), so what is made of one object once (a plan's graph,
the digest of the text a node was read from) is looked up by the object itself, and forgotten
when the object is collected."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class _Ref(weakref.ref):  # type: ignore[type-arg]
    """A weak reference that knows the key it is kept under: one callback serves them all,
    rather than one made for each object (at 10 000 nodes, 10 000 of them)."""

    __slots__ = ("key",)
    key: int


class ByIdentity(Generic[K, V]):
    """A value for each live object, found only for that very object."""

    def __init__(self) -> None:
        self._kept: dict[int, tuple[weakref.ref[K], V]] = {}

    def get(self, obj: K) -> V | None:
        kept = self._kept.get(id(obj))
        return kept[1] if kept is not None and kept[0]() is obj else None

    def get_all(self, objs: Iterable[K]) -> list[V | None]:
        """get() of each object, in one call."""
        kept = self._kept.get
        return [
            found[1] if (found := kept(id(obj))) is not None and found[0]() is obj else None
            for obj in objs
        ]

    def put(self, obj: K, value: V) -> None:
        ref = _Ref(obj, self._forget)
        ref.key = key = id(obj)
        self._kept[key] = (ref, value)

    def put_all(self, pairs: Iterable[tuple[K, V]]) -> None:
        """put() of each object and value, in one call; an object that has a value keeps it (in
        a process that builds again, the kept objects are the same)."""
        kept, forget = self._kept, self._forget
        for obj, value in pairs:
            key = id(obj)
            found = kept.get(key)
            if found is None or found[0]() is not obj:
                ref = _Ref(obj, forget)
                ref.key = key
                kept[key] = (ref, value)

    def _forget(self, ref: _Ref) -> None:
        if (kept := self._kept.get(ref.key)) is not None and kept[0] is ref:
            del self._kept[ref.key]
