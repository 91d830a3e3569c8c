"""Python-side types for the handful of BN254 points handled one at a time (proofs, keys, ceremony records).

Bulk point data (``.zkey``/``.ptau`` sections) never becomes Python objects: it stays in byte
buffers that the native core reads. The few points that appear in JSON files (a proof, a
verification key), in a file header or in a ceremony contribution record are small enough to hold
as integers, and these types carry them between three encodings:

* affine integers (``x``, ``y``; for G2 each coordinate is a pair ``(c0, c1)`` meaning
  ``c0 + c1*u``), the form of snarkjs's JSON files;
* **LEM** bytes (little-endian Montgomery, R = 2^256), the layout of ``.zkey``/``.ptau`` sections;
  the point at infinity is all zero bytes;
* **uncompressed** bytes (big-endian, normal form; G2 as ``x.c1 x.c0 y.c1 y.c0``), which snarkjs
  feeds to its BLAKE2b transcripts; infinity is again all zeros;

plus py_ecc ``optimized_bn128`` points for the pure-Python reference verifier.

Checks: :meth:`G1Point.check` / :meth:`G2Point.check` verify canonical coordinates (< q), the
curve equation and, for G2, membership of the prime-order subgroup (G1 has cofactor 1). By
default the G2 subgroup test is pure Python (py_ecc), so the reference verifier shares no
arithmetic with the native core; points read from binary files (:meth:`G2Point.from_lem_checked`)
use the native core's fast test instead, like the bulk sections around them.

Arithmetic on these single points: negation and addition are affine formulas in Python (one
field inversion each); scalar multiplication goes to the native core, which accepts any scalar
and any point of the curve (also G2 points outside the subgroup, for cofactor clearing).
"""
from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Any, ClassVar, Optional, Sequence, Tuple

from ..errors import PointError
from ..field import MONT_R, Q, R
from .fq2 import F2_ZERO, Fq2, f2_add, f2_inv, f2_mul, f2_neg, f2_scale, f2_sub

#: 2^256 mod q and its inverse, for Montgomery conversion of single coordinates.
_MONT = MONT_R % Q
_MONT_INV = pow(_MONT, -1, Q)

G1_BYTES = 64
G2_BYTES = 128

#: Twist constant b' = 3 / (9 + u) of BN254's G2 curve y^2 = x^3 + b'.
B2: Fq2 = f2_scale(f2_inv((9, 1)), 3)


def fq_to_mont_le(v: int) -> bytes:
    """One base-field element as 32 little-endian bytes of its Montgomery form."""
    return (v * _MONT % Q).to_bytes(32, "little")


def fq_from_mont_le(b: bytes | memoryview, what: str = "coordinate") -> int:
    """Decode 32 LE Montgomery bytes; reject a Montgomery value >= q (non-canonical encoding)."""
    m = int.from_bytes(bytes(b), "little")
    if m >= Q:
        raise PointError(f"{what}: Montgomery value is not < q (non-canonical encoding)")
    return m * _MONT_INV % Q


def _check_coord(v: int, what: str) -> int:
    if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v >= Q:
        raise PointError(f"{what} = {v!r} is not a base-field element: allowed 0 <= {what} < q")
    return v


def _scalar_le(k: int) -> bytes:
    """A non-negative scalar of any size as the minimal little-endian bytes the native core takes."""
    if k < 0:
        raise ValueError("scalar must be non-negative")
    return k.to_bytes(max(1, (k.bit_length() + 7) // 8), "little")


def _affine_sum(x1: Fq2, y1: Fq2, x2: Fq2, y2: Fq2) -> Optional[Tuple[Fq2, Fq2]]:
    """P1 + P2 on y^2 = x^3 + b over Fq2 by the chord-and-tangent rule; None for the identity.

    Neither point may be the identity. G1 coordinates embed as (c, 0): Fq is a subfield of Fq2,
    so this one formula serves both groups (b plays no part in it).
    """
    if x1 == x2:
        if f2_add(y1, y2) == F2_ZERO:  # P + (-P), including the doubling of a 2-torsion point
            return None
        slope = f2_mul(f2_scale(f2_mul(x1, x1), 3), f2_inv(f2_scale(y1, 2)))
    else:
        slope = f2_mul(f2_sub(y2, y1), f2_inv(f2_sub(x2, x1)))
    x3 = f2_sub(f2_sub(f2_mul(slope, slope), x1), x2)
    y3 = f2_sub(f2_mul(slope, f2_sub(x1, x3)), y1)
    return x3, y3


@dataclass(frozen=True)
class _Group:
    """The constants of one group that the shared point code needs."""

    name: str  # "G1 point" / "G2 point": the default ``what`` in messages
    size: int  # bytes of one encoded point (LEM or uncompressed)
    zero: Any  # a zero coordinate (the identity's x and y)
    labels: Tuple[str, ...]  # suffixes naming each flattened coordinate in messages
    native_mul: str  # the native core's any-scalar multiplication for this group
    py_ecc: Tuple[str, str]  # py_ecc's coordinate field and identity point for this group


class _AffinePoint(abc.ABC):
    """What G1 and G2 points share: encodings, the check sequence and single-point arithmetic.

    A subclass is a frozen dataclass with fields ``x``, ``y``, ``infinity`` and fixes the group:
    its byte size, how its coordinates flatten to base-field integers, its curve equation and
    subgroup test, and its native scalar multiplication. Arithmetic runs on coordinates viewed
    in Fq2 (:meth:`_as_f2` / :meth:`_of_f2`), so one formula serves both groups.
    """

    x: Any
    y: Any
    infinity: bool
    _GROUP: ClassVar[_Group]

    # -- per-group hooks --
    @abc.abstractmethod
    def _flat(self) -> Tuple[int, ...]:
        """The coordinates as base-field integers in LEM order."""
        ...

    @classmethod
    @abc.abstractmethod
    def _from_flat(cls, c: Sequence[int]):
        ...

    @abc.abstractmethod
    def _uncompressed_order(self) -> Tuple[int, ...]:
        ...

    @abc.abstractmethod
    def _as_f2(self) -> Tuple[Fq2, Fq2]:
        ...

    @classmethod
    @abc.abstractmethod
    def _of_f2(cls, x: Fq2, y: Fq2):
        ...

    @abc.abstractmethod
    def is_on_curve(self) -> bool:
        ...

    @abc.abstractmethod
    def _check_group(self, what: str, native: bool) -> None:
        """Raise unless on the curve (and, where the cofactor is not 1, in the subgroup)."""
        ...

    # -- constructors --
    @classmethod
    def identity(cls):
        return cls(cls._GROUP.zero, cls._GROUP.zero, True)  # type: ignore[call-arg]

    # -- encodings --
    @classmethod
    def from_lem(cls, buf: bytes | memoryview, what: Optional[str] = None):
        """Decode LEM bytes (all zero = infinity); coordinates must be canonical (not otherwise checked)."""
        what = what or cls._GROUP.name
        b = bytes(buf)
        if len(b) != cls._GROUP.size:
            raise PointError(f"{what}: expected {cls._GROUP.size} bytes, got {len(b)}")
        if not any(b):
            return cls.identity()
        labels = cls._GROUP.labels
        return cls._from_flat([fq_from_mont_le(b[32 * i:32 * (i + 1)], f"{what}{label}") for i, label in enumerate(labels)])

    @classmethod
    def from_lem_checked(cls, buf: bytes | memoryview, what: Optional[str] = None, allow_infinity: bool = False):
        """Decode LEM bytes read from a file and :meth:`check` the point (G2's subgroup by the native core)."""
        what = what or cls._GROUP.name
        return cls.from_lem(buf, what).check(what, allow_infinity, native=True)

    def to_lem(self) -> bytes:
        if self.infinity:
            return bytes(self._GROUP.size)
        return b"".join(fq_to_mont_le(v) for v in self._flat())

    def to_uncompressed(self) -> bytes:
        """snarkjs ``toRprUncompressed``: big-endian normal-form coordinates (G2: c1 before c0); infinity is all zeros."""
        if self.infinity:
            return bytes(self._GROUP.size)
        return b"".join(v.to_bytes(32, "big") for v in self._uncompressed_order())

    # -- checks --
    def check(self, what: Optional[str] = None, allow_infinity: bool = False, native: bool = False):
        """Raise :class:`PointError` unless canonical, on the curve and in the prime-order subgroup.

        ``native`` picks the G2 subgroup test (see :meth:`G2Point.in_subgroup`); G1's cofactor is 1.
        """
        what = what or self._GROUP.name
        if self.infinity:
            if not allow_infinity:
                raise PointError(f"{what} is the point at infinity, which is not allowed here")
            return self
        for v, label in zip(self._flat(), self._GROUP.labels):
            _check_coord(v, f"{what}{label}")
        self._check_group(what, native)
        return self

    # -- arithmetic --
    def neg(self):
        if self.infinity:
            return self
        x, y = self._as_f2()
        return self._of_f2(x, f2_neg(y))

    def add(self, other):
        """self + other, affine (both assumed on the curve)."""
        if self.infinity:
            return other
        if other.infinity:
            return self
        s = _affine_sum(*self._as_f2(), *other._as_f2())
        return self.identity() if s is None else self._of_f2(*s)

    def mul(self, k: int):
        """k·self by the native core, for any k >= 0 (k >= r too; for G2 also points outside the subgroup)."""
        if self.infinity:
            return self
        from zkvct import native as _native  # the native facade

        return self.from_lem(getattr(_native, self._GROUP.native_mul)(self.to_lem(), _scalar_le(k)))

    # -- py_ecc --
    def to_py_ecc(self):
        """A py_ecc ``optimized_bn128`` projective point (for the pure-Python reference verifier)."""
        import py_ecc.optimized_bn128 as bn

        field, identity = (getattr(bn, name) for name in self._GROUP.py_ecc)
        if self.infinity:
            return identity
        return (field(self.x), field(self.y), field.one())

    @classmethod
    def from_py_ecc(cls, pt):
        from py_ecc.optimized_bn128 import is_inf, normalize

        if is_inf(pt):
            return cls.identity()
        return cls(*(_py_ecc_to_ints(v) for v in normalize(pt)))


def _py_ecc_to_ints(v) -> Any:
    """A py_ecc FQ as an int, an FQ2 as a pair (c0, c1)."""
    coeffs = getattr(v, "coeffs", None)
    return int(v) if coeffs is None else tuple(int(c) for c in coeffs)


@dataclass(frozen=True)
class G1Point(_AffinePoint):
    """An affine G1 point over Fq; ``infinity`` marks the identity (then x = y = 0)."""

    x: int
    y: int
    infinity: bool = False

    _GROUP = _Group("G1 point", G1_BYTES, 0, (".x", ".y"), "g1_mul_any", ("FQ", "Z1"))

    @classmethod
    def generator(cls) -> "G1Point":
        return G1_GENERATOR

    def _flat(self) -> Tuple[int, ...]:
        return (self.x, self.y)

    @classmethod
    def _from_flat(cls, c: Sequence[int]) -> "G1Point":
        return cls(c[0], c[1])

    def _uncompressed_order(self) -> Tuple[int, ...]:
        return (self.x, self.y)

    def _as_f2(self) -> Tuple[Fq2, Fq2]:
        return (self.x % Q, 0), (self.y % Q, 0)

    @classmethod
    def _of_f2(cls, x: Fq2, y: Fq2) -> "G1Point":
        return cls(x[0], y[0])

    def is_on_curve(self) -> bool:
        return self.infinity or (self.y * self.y - self.x ** 3 - 3) % Q == 0

    def _check_group(self, what: str, native: bool) -> None:
        if not self.is_on_curve():
            raise PointError(f"{what} is not on the BN254 G1 curve y^2 = x^3 + 3")


@dataclass(frozen=True)
class G2Point(_AffinePoint):
    """An affine G2 point over Fq2 (each coordinate ``(c0, c1)``); ``infinity`` marks the identity."""

    x: Fq2
    y: Fq2
    infinity: bool = False

    _GROUP = _Group("G2 point", G2_BYTES, F2_ZERO, tuple(f" coordinate {i}" for i in range(4)), "g2_mul_any", ("FQ2", "Z2"))

    @classmethod
    def generator(cls) -> "G2Point":
        return G2_GENERATOR

    def _flat(self) -> Tuple[int, ...]:
        return (*self.x, *self.y)

    @classmethod
    def _from_flat(cls, c: Sequence[int]) -> "G2Point":
        return cls((c[0], c[1]), (c[2], c[3]))

    def _uncompressed_order(self) -> Tuple[int, ...]:
        return (self.x[1], self.x[0], self.y[1], self.y[0])

    def _as_f2(self) -> Tuple[Fq2, Fq2]:
        return self.x, self.y

    @classmethod
    def _of_f2(cls, x: Fq2, y: Fq2) -> "G2Point":
        return cls(x, y)

    def is_on_curve(self) -> bool:
        if self.infinity:
            return True
        y2 = f2_mul(self.y, self.y)
        x3 = f2_mul(f2_mul(self.x, self.x), self.x)
        return f2_sub(y2, f2_add(x3, B2)) == F2_ZERO

    def in_subgroup(self, native: bool = False) -> bool:
        """r·P == O. The G2 cofactor is large, so on-curve is not enough.

        ``native=False`` computes r·P with py_ecc (slow, ~0.1 s, independent of the native core:
        the reference verifier's choice); ``native=True`` asks the native core's ψ-based test
        (microseconds: the choice for points read from files).
        """
        if self.infinity:
            return True
        if native:
            from zkvct import native as _native  # the native facade

            try:
                _native.g2_validate(self.to_lem(), True)
                return True
            except ValueError:
                return False
        from py_ecc.optimized_bn128 import is_inf, multiply

        return is_inf(multiply(self.to_py_ecc(), R))

    def _check_group(self, what: str, native: bool) -> None:
        if not self.is_on_curve():
            raise PointError(f"{what}: not on the BN254 twist curve")
        if not self.in_subgroup(native):
            raise PointError(f"{what}: not in the prime-order subgroup of G2")


#: The generators snarkjs and py_ecc use (G1: (1, 2); G2: the standard EIP-197 point).
G1_GENERATOR = G1Point(1, 2)
G2_GENERATOR = G2Point(
    (10857046999023057135944570762232829481370756359578518086990519993285655852781,
     11559732032986387107991004021392285783925812861821192530917403151452391805634),
    (8495653923123431417604973247489272438418190587263600148770280649306958101930,
     4082367875863433681332203403145435568316851327593401208105741076214120093531),
)


def g1_lem_array(points: Sequence[G1Point]) -> bytes:
    return b"".join(p.to_lem() for p in points)
