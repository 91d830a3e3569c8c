"""Range checks: prove ``0 <= x < 2^n`` (a value that wrapped around the field fails)."""
from __future__ import annotations

from .bits import to_bits


def in_range(x: int, n: int) -> bool:
    """Twin of :func:`assert_range`."""
    return 0 <= x < (1 << n)


def assert_range(api, x, n: int, name: str = "range") -> None:
    """Constrain ``0 <= x < 2^n`` (n constraints after elimination)."""
    with api.scope(name):
        to_bits(api, x, n)
