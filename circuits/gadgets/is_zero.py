"""IsZero / IsEqual (circomlib's construction): ``out = 1 - x·inv`` and ``x·out = 0``.

If ``x != 0`` the second constraint forces ``out = 0`` and then ``inv = 1/x``; if ``x = 0`` the first
gives ``out = 1`` whatever ``inv`` is (that free ``inv`` changes nothing else, which
``zkvct circuit check`` reports as inert rather than as a soundness problem).
"""
from __future__ import annotations

from zkvct.dsl.hints import inverse
from zkvct.field import R


def is_zero_value(x: int) -> int:
    """Twin of :func:`is_zero`."""
    return 1 if x % R == 0 else 0


def is_equal_value(a: int, b: int) -> int:
    return is_zero_value(a - b)


def is_zero(api, x, name: str = "iszero"):
    x = api.as_signal(x)
    if x.is_constant():
        return api.constant(is_zero_value(x.constant_value()))
    with api.scope(name):
        inv = api.hint(inverse, x, name="inv")
        out = 1 - api.mul(x, inv, name="x_inv")
        api.assert_mul(x, out, 0, name="x_out")
    return out


def is_equal(api, a, b, name: str = "iseq"):
    return is_zero(api, api.as_signal(a) - b, name=name)
