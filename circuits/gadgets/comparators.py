"""Comparators that range-check their inputs.

circomlib's ``LessThan(n)`` assumes both inputs are below ``2^n``; fed a value that wrapped around
the field (``r - 1``, or anything ``>= 2^n``) it answers wrongly. Here each comparator first proves
``0 <= a, b < 2^n`` (bit decomposition), then decomposes ``a - b + 2^n`` into ``n + 1`` bits: the top bit
is 1 exactly when ``a >= b``. Cost: 3n + 1 constraints (inputs already range-checked elsewhere
can skip their check with ``checked=True``).
"""
from __future__ import annotations

from .bits import to_bits
from .range_check import assert_range


def less_than_value(a: int, b: int, n: int) -> int:
    """Twin: 1 if a < b, 0 otherwise; raises when an input is outside [0, 2^n)."""
    for v in (a, b):
        if not 0 <= v < (1 << n):
            raise ValueError(f"comparator input {v} is outside [0, 2^{n})")
    return 1 if a < b else 0


def _check(api, a, b, n, checked, name):
    if n > 252:
        raise ValueError(f"comparator width n = {n} is too large (n <= 252 keeps a - b + 2^n below r)")
    if not checked:
        assert_range(api, a, n, name=f"{name}_a")
        assert_range(api, b, n, name=f"{name}_b")


def less_than(api, a, b, n: int, *, checked: bool = False, name: str = "lt"):
    """Boolean signal ``a < b`` for ``a, b`` proven in ``[0, 2^n)``."""
    _check(api, a, b, n, checked, name)
    with api.scope(name):
        bits = to_bits(api, api.as_signal(a) - b + (1 << n), n + 1, name="diff")
    return 1 - bits[n]


def less_eq(api, a, b, n: int, *, checked: bool = False, name: str = "le"):
    return 1 - less_than(api, b, a, n, checked=checked, name=name)


def greater_than(api, a, b, n: int, *, checked: bool = False, name: str = "gt"):
    return less_than(api, b, a, n, checked=checked, name=name)


def greater_eq(api, a, b, n: int, *, checked: bool = False, name: str = "ge"):
    return 1 - less_than(api, a, b, n, checked=checked, name=name)


def assert_le(api, a, b, n: int, *, checked: bool = False, name: str = "assert_le") -> None:
    """Enforce ``a <= b`` with both in ``[0, 2^n)``: ``b - a`` must fit in n bits (3n constraints)."""
    _check(api, a, b, n, checked, name)
    assert_range(api, api.as_signal(b) - a, n, name=f"{name}_diff")


def assert_lt(api, a, b, n: int, *, checked: bool = False, name: str = "assert_lt") -> None:
    """Enforce ``a < b`` with both in ``[0, 2^n)``: ``b - a - 1`` must fit in n bits."""
    _check(api, a, b, n, checked, name)
    assert_range(api, api.as_signal(b) - a - 1, n, name=f"{name}_diff")
