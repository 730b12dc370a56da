"""Values kept beside live objects, by their identity (actionplan.identity)."""

from __future__ import annotations

import gc

from actionplan.identity import ByIdentity


class Thing:
    """An object that compares equal to every other: only its identity tells it apart."""

    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


def test_a_value_is_found_for_its_very_object_and_forgotten_with_it() -> None:
    kept: ByIdentity[Thing, int] = ByIdentity()
    one, other = Thing(), Thing()
    kept.put(one, 1)
    assert kept.get(one) == 1
    assert kept.get(other) is None  # equal, but not the same object
    many = [Thing() for _ in range(5)]
    kept.put_all((thing, i) for i, thing in enumerate(many))
    assert kept.get_all([*many, other]) == [0, 1, 2, 3, 4, None]
    kept.put_all([(many[0], 10)])  # an object that has a value keeps it
    assert kept.get(many[0]) == 0
    kept.put(many[0], 10)  # ... but for put, which gives it anew
    assert kept.get(many[0]) == 10
    del one, many
    gc.collect()
    assert len(kept._kept) == 0  # each value went with its object
    again = Thing()  # may be made where a collected object was: it has no value
    assert kept.get(again) is None
