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

from dataclasses import dataclass
from typing import Optional, Tuple

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
        x_sq = f2_mul(x1, x1)
        slope = f2_mul(f2_scale(x_sq, 3), f2_inv(f2_scale(y1, 2)))
    else:
        slope = f2_mul(f2_sub(y2, y1), f2_inv(f2_sub(x2, x1)))
    x3 = f2_sub(f2_sub(f2_mul(slope, slope), x1), x2)
    y3 = f2_sub(f2_mul(slope, f2_sub(x1, x3)), y1)
    return x3, y3


@dataclass(frozen=True)
class G1Point:
    """An affine G1 point; ``infinity`` marks the identity (then x = y = 0)."""

    x: int
    y: int
    infinity: bool = False

    @classmethod
    def identity(cls) -> "G1Point":
        return cls(0, 0, True)

    @classmethod
    def generator(cls) -> "G1Point":
        return G1_GENERATOR

    # -- encodings --
    @classmethod
    def from_lem(cls, buf: bytes | memoryview, what: str = "G1 point") -> "G1Point":
        """Decode 64 LEM bytes (all zero = infinity); coordinates must be canonical."""
        b = bytes(buf)
        if len(b) != G1_BYTES:
            raise PointError(f"{what}: expected {G1_BYTES} bytes, got {len(b)}")
        if not any(b):
            return cls.identity()
        return cls(fq_from_mont_le(b[:32], f"{what}.x"), fq_from_mont_le(b[32:], f"{what}.y"))

    @classmethod
    def from_lem_checked(cls, buf: bytes | memoryview, what: str = "G1 point", allow_infinity: bool = False) -> "G1Point":
        """Decode 64 LEM bytes and :meth:`check` the point: canonical, on the curve, infinity only if allowed."""
        return cls.from_lem(buf, what).check(what, allow_infinity)

    def to_lem(self) -> bytes:
        if self.infinity:
            return bytes(G1_BYTES)
        return fq_to_mont_le(self.x) + fq_to_mont_le(self.y)

    def to_uncompressed(self) -> bytes:
        """snarkjs ``toRprUncompressed``: big-endian x‖y in normal form; infinity is all zeros."""
        if self.infinity:
            return bytes(G1_BYTES)
        return self.x.to_bytes(32, "big") + self.y.to_bytes(32, "big")

    # -- checks --
    def is_on_curve(self) -> bool:
        return self.infinity or (self.y * self.y - self.x ** 3 - 3) % Q == 0

    def check(self, what: str = "G1 point", allow_infinity: bool = False) -> "G1Point":
        """Raise :class:`PointError` unless canonical and on the curve (G1's cofactor is 1)."""
        if self.infinity:
            if not allow_infinity:
                raise PointError(f"{what} is the point at infinity, which is not allowed here")
            return self
        _check_coord(self.x, f"{what}.x")
        _check_coord(self.y, f"{what}.y")
        if not self.is_on_curve():
            raise PointError(f"{what} is not on the BN254 G1 curve y^2 = x^3 + 3")
        return self

    # -- arithmetic --
    def neg(self) -> "G1Point":
        return self if self.infinity else G1Point(self.x, (-self.y) % Q)

    def add(self, other: "G1Point") -> "G1Point":
        """self + other, affine (both assumed on the curve)."""
        if self.infinity:
            return other
        if other.infinity:
            return self
        s = _affine_sum((self.x % Q, 0), (self.y % Q, 0), (other.x % Q, 0), (other.y % Q, 0))
        return G1Point.identity() if s is None else G1Point(s[0][0], s[1][0])

    def mul(self, k: int) -> "G1Point":
        """k·self by the native core, for any k >= 0 (k >= r included)."""
        if self.infinity:
            return self
        from zkvct import _native

        return G1Point.from_lem(_native.g1_mul_any(self.to_lem(), _scalar_le(k)))

    # -- py_ecc --
    def to_py_ecc(self):
        from py_ecc.optimized_bn128 import FQ, Z1

        if self.infinity:
            return Z1
        return (FQ(self.x), FQ(self.y), FQ(1))

    @classmethod
    def from_py_ecc(cls, pt) -> "G1Point":
        from py_ecc.optimized_bn128 import is_inf, normalize

        if is_inf(pt):
            return cls.identity()
        x, y = normalize(pt)
        return cls(int(x), int(y))


@dataclass(frozen=True)
class G2Point:
    """An affine G2 point over Fq2 (each coordinate ``(c0, c1)``); ``infinity`` marks the identity."""

    x: Fq2
    y: Fq2
    infinity: bool = False

    @classmethod
    def identity(cls) -> "G2Point":
        return cls((0, 0), (0, 0), True)

    @classmethod
    def generator(cls) -> "G2Point":
        return G2_GENERATOR

    # -- encodings --
    @classmethod
    def from_lem(cls, buf: bytes | memoryview, what: str = "G2 point") -> "G2Point":
        """Decode 128 LEM bytes (all zero = infinity); coordinates must be canonical."""
        b = bytes(buf)
        if len(b) != G2_BYTES:
            raise PointError(f"{what}: expected {G2_BYTES} bytes, got {len(b)}")
        if not any(b):
            return cls.identity()
        c = [fq_from_mont_le(b[32 * i:32 * (i + 1)], f"{what} coordinate {i}") for i in range(4)]
        return cls((c[0], c[1]), (c[2], c[3]))

    @classmethod
    def from_lem_checked(cls, buf: bytes | memoryview, what: str = "G2 point", allow_infinity: bool = False) -> "G2Point":
        """Decode 128 LEM bytes and :meth:`check` the point, the subgroup by the native core (fast)."""
        return cls.from_lem(buf, what).check(what, allow_infinity, native=True)

    def to_lem(self) -> bytes:
        if self.infinity:
            return bytes(G2_BYTES)
        return b"".join(fq_to_mont_le(v) for v in (*self.x, *self.y))

    def to_uncompressed(self) -> bytes:
        """snarkjs ``toRprUncompressed``: x.c1‖x.c0‖y.c1‖y.c0, each 32 bytes big-endian."""
        if self.infinity:
            return bytes(G2_BYTES)
        return b"".join(v.to_bytes(32, "big") for v in (self.x[1], self.x[0], self.y[1], self.y[0]))

    # -- checks --
    def is_on_curve(self) -> bool:
        if self.infinity:
            return True
        y2 = f2_mul(self.y, self.y)
        x3 = f2_mul(f2_mul(self.x, self.x), self.x)
        return f2_sub(y2, f2_add(x3, B2)) == F2_ZERO

    def in_subgroup(self, native: bool = False) -> bool:
        """r·P == O. The G2 cofactor is large, so on-curve is not enough.

        ``native=False`` computes r·P with py_ecc (slow, ~0.1 s, independent of the native core);
        ``native=True`` asks the native core's ψ-based test (microseconds).
        """
        if self.infinity:
            return True
        if native:
            from zkvct import _native

            try:
                _native.g2_validate(self.to_lem(), True)
                return True
            except ValueError:
                return False
        from py_ecc.optimized_bn128 import is_inf, multiply

        return is_inf(multiply(self.to_py_ecc(), R))

    def check(self, what: str = "G2 point", allow_infinity: bool = False, native: bool = False) -> "G2Point":
        """Raise unless canonical, on the twist curve and in the order-r subgroup (see :meth:`in_subgroup`)."""
        if self.infinity:
            if not allow_infinity:
                raise PointError(f"{what} is the point at infinity, which is not allowed here")
            return self
        for i, v in enumerate((*self.x, *self.y)):
            _check_coord(v, f"{what} coordinate {i}")
        if not self.is_on_curve():
            raise PointError(f"{what}: not on the BN254 twist curve")
        if not self.in_subgroup(native):
            raise PointError(f"{what}: not in the prime-order subgroup of G2")
        return self

    # -- arithmetic --
    def neg(self) -> "G2Point":
        return self if self.infinity else G2Point(self.x, f2_neg(self.y))

    def add(self, other: "G2Point") -> "G2Point":
        """self + other, affine (both assumed on the twist curve)."""
        if self.infinity:
            return other
        if other.infinity:
            return self
        s = _affine_sum(self.x, self.y, other.x, other.y)
        return G2Point.identity() if s is None else G2Point(s[0], s[1])

    def mul(self, k: int) -> "G2Point":
        """k·self by the native core, for any k >= 0 and any point of the twist (subgroup not required)."""
        if self.infinity:
            return self
        from zkvct import _native

        return G2Point.from_lem(_native.g2_mul_any(self.to_lem(), _scalar_le(k)))

    # -- py_ecc --
    def to_py_ecc(self):
        from py_ecc.optimized_bn128 import FQ2, Z2

        if self.infinity:
            return Z2
        return (FQ2(list(self.x)), FQ2(list(self.y)), FQ2([1, 0]))

    @classmethod
    def from_py_ecc(cls, pt) -> "G2Point":
        from py_ecc.optimized_bn128 import is_inf, normalize

        if is_inf(pt):
            return cls.identity()
        x, y = normalize(pt)
        return cls(tuple(int(c) for c in x.coeffs), tuple(int(c) for c in y.coeffs))  # type: ignore[arg-type]


#: The generators snarkjs and py_ecc use (G1: (1, 2); G2: the standard EIP-197 point).
G1_GENERATOR = G1Point(1, 2)
G2_GENERATOR = G2Point(
    (10857046999023057135944570762232829481370756359578518086990519993285655852781,
     11559732032986387107991004021392285783925812861821192530917403151452391805634),
    (8495653923123431417604973247489272438418190587263600148770280649306958101930,
     4082367875863433681332203403145435568316851327593401208105741076214120093531),
)


def g1_lem_array(points: list[G1Point]) -> bytes:
    return b"".join(p.to_lem() for p in points)


def g2_lem_array(points: list[G2Point]) -> bytes:
    return b"".join(p.to_lem() for p in points)
