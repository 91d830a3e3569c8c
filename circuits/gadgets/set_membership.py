"""Set membership IN / NOT IN over a fixed-size list with a length guard.

The list has ``K`` slots and a length ``n`` (``0 <= n <= K``, proven: exactly one of
``n == 0..K`` holds). Slot ``i`` is active when ``i < n``; only active slots can match, so the zero
padding of a short list never matches a zero (or any) value. ``matches`` counts active equal
slots (at most K, no wrap-around), IN asserts it non-zero and NOT IN asserts it zero.
Cost: about 5K + 4 constraints.
"""
from __future__ import annotations

from .is_zero import is_equal


def set_contains(x: int, elems: list[int], length: int) -> bool:
    """Twin: is ``x`` among the first ``length`` elements?"""
    if not 0 <= length <= len(elems):
        raise ValueError(f"set length {length} outside 0..{len(elems)}")
    return x in elems[:length]


def match_count(api, x, elems: list, length, name: str = "set"):
    """Signal counting active slots equal to ``x`` (see module docstring)."""
    k = len(elems)
    with api.scope(name):
        len_is = [is_equal(api, length, j, name=f"len_is{j}") for j in range(k + 1)]
        total = api.constant(0)
        for s in len_is:
            total = total + s
        api.assert_equal(total, 1, name="length_in_range")
        seen = api.constant(0)  # sum_{j <= i} [n == j]  ==  [n <= i]
        matches = api.constant(0)
        for i, e in enumerate(elems):
            seen = seen + len_is[i]
            active = 1 - seen
            eq = is_equal(api, x, e, name=f"eq{i}")
            matches = matches + api.mul(eq, active, name=f"hit{i}")
    return matches


def assert_in(api, x, elems: list, length, name: str = "set_in") -> None:
    api.assert_nonzero(match_count(api, x, elems, length, name=name), name=f"{name}_member")


def assert_not_in(api, x, elems: list, length, name: str = "set_not_in") -> None:
    api.assert_equal(match_count(api, x, elems, length, name=name), 0, name=f"{name}_non_member")
