"""Roots of unity of the BN254 scalar field as snarkjs/ffjavascript chooses them.

ffjavascript takes the smallest quadratic non-residue ``nqr`` (5 for this r), writes
r - 1 = 2^s·t with t odd (s = 28) and sets w[s] = nqr^t, w[k] = w[k+1]^2. The Lagrange sections of
a prepared ``.ptau`` are defined on the domain {w[k]^i}, so these exact roots are required.
"""
from __future__ import annotations

from functools import lru_cache

from zkvct.field import R

TWO_ADICITY = 28
_T = (R - 1) >> TWO_ADICITY


@lru_cache(maxsize=None)
def _nqr() -> int:
    v = 2
    while pow(v, (R - 1) // 2, R) == 1:
        v += 1
    return v


@lru_cache(maxsize=64)
def root_of_unity(n: int) -> int:
    """The primitive n-th root of unity w[log2 n] of ffjavascript (n a power of two <= 2^28)."""
    if n < 1 or n & (n - 1) or n > 1 << TWO_ADICITY:
        raise ValueError(f"domain size must be a power of two between 1 and 2^{TWO_ADICITY}, got {n}")
    k = n.bit_length() - 1
    w = pow(_nqr(), _T, R)
    for _ in range(TWO_ADICITY - k):
        w = w * w % R
    return w
