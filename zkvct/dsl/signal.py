"""Signals: linear combinations of circuit variables over BN254's scalar field.

A :class:`Signal` is ``{var: coeff}`` with var 0 standing for the constant 1. Addition,
subtraction and scaling by constants build new linear combinations and cost no constraint;
multiplying two non-constant signals asks the owning builder for a new variable and a constraint
(``a * b = v``), exactly like ``api.mul``.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Union

from ..field import R

if TYPE_CHECKING:  # pragma: no cover
    from .builder import Builder

Operand = Union["Signal", int]


class Signal:
    """A linear combination owned by one :class:`~zkvct.dsl.builder.Builder`."""

    __slots__ = ("terms", "api")

    def __init__(self, api: "Builder", terms: dict[int, int]):
        self.api = api
        self.terms = terms

    # -- helpers -----------------------------------------------------------------------------
    def _lift(self, other: Operand) -> "Signal":
        if isinstance(other, Signal):
            if other.api is not self.api:
                raise TypeError("cannot combine signals of two different circuits")
            return other
        if isinstance(other, bool) or not isinstance(other, int):
            raise TypeError(f"a signal combines with signals and integers, not {type(other).__name__}")
        return Signal(self.api, {0: other % R} if other % R else {})

    def is_constant(self) -> bool:
        return all(v == 0 for v in self.terms)

    def constant_value(self) -> int:
        """The value of a constant signal (raises if the signal depends on a variable)."""
        if not self.is_constant():
            raise ValueError("signal is not a constant")
        return self.terms.get(0, 0)

    # -- arithmetic --------------------------------------------------------------------------
    def __add__(self, other: Operand) -> "Signal":
        o = self._lift(other)
        terms = dict(self.terms)
        for v, c in o.terms.items():
            s = (terms.get(v, 0) + c) % R
            if s:
                terms[v] = s
            else:
                terms.pop(v, None)
        return Signal(self.api, terms)

    __radd__ = __add__

    def __neg__(self) -> "Signal":
        return Signal(self.api, {v: (R - c) % R for v, c in self.terms.items()})

    def __sub__(self, other: Operand) -> "Signal":
        return self + (-self._lift(other))

    def __rsub__(self, other: Operand) -> "Signal":
        return self._lift(other) - self

    def scale(self, k: int) -> "Signal":
        k %= R
        if k == 0:
            return Signal(self.api, {})
        return Signal(self.api, {v: c * k % R for v, c in self.terms.items()})

    def __mul__(self, other: Operand) -> "Signal":
        if isinstance(other, Signal):
            return self.api.mul(self, other)
        return self.scale(self._lift(other).terms.get(0, 0))

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return "Signal(" + " + ".join(f"{c}*v{v}" if v else str(c) for v, c in sorted(self.terms.items())) + ")"

    def __bool__(self) -> bool:  # guards against `if signal:` which cannot mean anything in a circuit
        raise TypeError("a signal has no truth value at compile time; use api.select / comparators")

    def __eq__(self, other: object) -> bool:  # pragma: no cover - defensive
        raise TypeError("use api.assert_equal / api.is_equal to compare signals")

    __hash__ = None  # type: ignore[assignment]
