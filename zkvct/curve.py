"""Python-side types for the handful of BN254 points handled one at a time (proofs, keys).

Bulk point data (``.zkey``/``.ptau`` sections) never becomes Python objects: it stays in byte
buffers that the native core reads. The few points that appear in JSON files (a proof, a
verification key) or in a file header are small enough to hold as integers, and these types carry
them between three encodings:

* affine integers (``x``, ``y``; for G2 each coordinate is a pair ``(c0, c1)`` meaning
  ``c0 + c1*u``), the form of snarkjs's JSON files;
* **LEM** bytes (little-endian Montgomery, R = 2^256), the layout of ``.zkey``/``.ptau`` sections;
  the point at infinity is all zero bytes;
* **uncompressed** bytes (big-endian, normal form; G2 as ``x.c1 x.c0 y.c1 y.c0``), which snarkjs
  feeds to its BLAKE2b transcripts; infinity is again all zeros;

plus py_ecc ``optimized_bn128`` points for the pure-Python reference verifier.

Checks here are pure Python (used by the reference verifier, which must not depend on the
native core): :meth:`G1Point.check` / :meth:`G2Point.check` verify canonical coordinates (< q),
the curve equation and, for G2, membership of the prime-order subgroup (G1 has cofactor 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

from .errors import ZkvctError
from .field import MONT_R, Q, R

#: 2^256 mod q and its inverse, for Montgomery conversion of single coordinates.
_MONT = MONT_R % Q
_MONT_INV = pow(_MONT, -1, Q)

G1_BYTES = 64
G2_BYTES = 128

Fq2 = Tuple[int, int]


class PointError(ZkvctError, ValueError):
    """A point is malformed: coordinate >= q, not on the curve, outside the subgroup, or infinity where forbidden."""


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


# --- Fq2 arithmetic (tiny, for curve-equation checks only) -------------------------------------

def _f2_mul(a: Fq2, b: Fq2) -> Fq2:
    return ((a[0] * b[0] - a[1] * b[1]) % Q, (a[0] * b[1] + a[1] * b[0]) % Q)


#: Twist constant b' = 3 / (9 + u) of BN254's G2 curve y^2 = x^3 + b'.
_XI_INV = (lambda n: ((9 * pow(n, -1, Q)) % Q, (-1 * pow(n, -1, Q)) % Q))(82)
B2: Fq2 = ((3 * _XI_INV[0]) % Q, (3 * _XI_INV[1]) % Q)


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
        return cls(1, 2)

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
        from py_ecc.optimized_bn128 import G2

        return cls.from_py_ecc(G2)

    @classmethod
    def from_lem(cls, buf: bytes | memoryview, what: str = "G2 point") -> "G2Point":
        b = bytes(buf)
        if len(b) != G2_BYTES:
            raise PointError(f"{what}: expected {G2_BYTES} bytes, got {len(b)}")
        if not any(b):
            return cls.identity()
        c = [fq_from_mont_le(b[32 * i:32 * (i + 1)], f"{what} coordinate {i}") for i in range(4)]
        return cls((c[0], c[1]), (c[2], c[3]))

    def to_lem(self) -> bytes:
        if self.infinity:
            return bytes(G2_BYTES)
        return b"".join(fq_to_mont_le(v) for v in (*self.x, *self.y))

    def to_uncompressed(self) -> bytes:
        """snarkjs ``toRprUncompressed``: x.c1‖x.c0‖y.c1‖y.c0, each 32 bytes big-endian."""
        if self.infinity:
            return bytes(G2_BYTES)
        return b"".join(v.to_bytes(32, "big") for v in (self.x[1], self.x[0], self.y[1], self.y[0]))

    def is_on_curve(self) -> bool:
        if self.infinity:
            return True
        y2 = _f2_mul(self.y, self.y)
        x3 = _f2_mul(_f2_mul(self.x, self.x), self.x)
        return (y2[0] - x3[0] - B2[0]) % Q == 0 and (y2[1] - x3[1] - B2[1]) % Q == 0

    def in_subgroup(self) -> bool:
        """r·P == O, computed with py_ecc (slow, ~0.1 s; the native core does this for bulk data)."""
        from py_ecc.optimized_bn128 import is_inf, multiply

        return self.infinity or is_inf(multiply(self.to_py_ecc(), R))

    def check(self, what: str = "G2 point", allow_infinity: bool = False) -> "G2Point":
        """Raise unless canonical, on the twist curve and in the order-r subgroup (cofactor is large)."""
        if self.infinity:
            if not allow_infinity:
                raise PointError(f"{what} is the point at infinity, which is not allowed here")
            return self
        for i, v in enumerate((*self.x, *self.y)):
            _check_coord(v, f"{what} coordinate {i}")
        if not self.is_on_curve():
            raise PointError(f"{what} is not on the BN254 G2 twist curve")
        if not self.in_subgroup():
            raise PointError(f"{what} is on the twist curve but not in the prime-order subgroup")
        return self

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


def g1_lem_array(points: list[G1Point]) -> bytes:
    return b"".join(p.to_lem() for p in points)


def g2_lem_array(points: list[G2Point]) -> bytes:
    return b"".join(p.to_lem() for p in points)
