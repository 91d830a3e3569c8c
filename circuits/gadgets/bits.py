"""Boolean constraints and bit decomposition.

``to_bits(api, x, n)`` takes the bits as hint outputs, constrains each to be boolean and their
weighted sum to equal ``x``: n + 1 constraints before elimination, n after (the sum is linear and
substitutes one bit away). For ``n >= 254`` the decomposition is not unique (``x`` and ``x + r``
both fit), so it is refused; use :func:`to_bits_strict` for full-width values.
"""
from __future__ import annotations

from zkvct.dsl import Signal
from zkvct.dsl.hints import bits_le
from zkvct.field import R


def num2bits(x: int, n: int) -> list[int]:
    """Twin: little-endian bits of ``x`` (requires ``0 <= x < 2^n``)."""
    if not 0 <= x < (1 << n):
        raise ValueError(f"{x} does not fit in {n} bits")
    return [(x >> i) & 1 for i in range(n)]


def bits2num(bits: list[int]) -> int:
    return sum(b << i for i, b in enumerate(bits)) % R


def assert_bool(api, x) -> None:
    api.assert_bool(x)


def to_bits(api, x, n: int, name: str = "bits") -> list[Signal]:
    """Little-endian bits of ``x``; proves ``0 <= x < 2^n`` (n <= 253)."""
    if not 1 <= n <= 253:
        raise ValueError(f"to_bits: n = {n} bits is not allowed (1 <= n <= 253; wider values alias mod r)")
    bits = api.hint(bits_le, x, n_out=n, name=name)
    if n == 1:
        bits = [bits]
    total = api.constant(0)
    for i, b in enumerate(bits):
        api.assert_bool(b, name=f"{name}[{i}]_bool")
        total = total + b * (1 << i)
    api.assert_equal(total, x, name=f"{name}_sum")
    return bits


def from_bits(api, bits: list[Signal]) -> Signal:
    total = api.constant(0)
    for i, b in enumerate(bits):
        total = total + b * (1 << i)
    return total
