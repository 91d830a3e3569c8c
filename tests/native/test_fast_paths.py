"""The special-case paths of the performance pass, against py_ecc.

* MSM: when at least 1/8 of the scalars are short (< 2^64, as in real witnesses), zeros are
  dropped, ones are summed by plain addition, the other short ones go through a 64-bit Pippenger
  and only the full-size rest through the 254-bit one.
* sparse lincomb: coefficients are reduced to a signed magnitude (r - k -> -k); +-1 are
  additions/subtractions, magnitudes < 2^64 use double-and-add, the rest GLV; long columns
  (>= 16 terms) go to the MSM with negated bases.
The boundary values (0, 1, r-1, 2^64 - 1, 2^64, (r-1)/2, (r+1)/2) sit exactly where the
paths switch.
"""
from __future__ import annotations

import random

import numpy as np
import py_ecc.optimized_bn128 as bn
from hypothesis import given, settings, strategies as st

import zkvct._native as nat

from helpers import R, fr, frs, g1_lem, g1_mul, g2_lem, g2_mul

HALF = (R - 1) // 2
BOUNDARY = [0, 1, R - 1, 2, R - 2, 3, 2**32, 2**64 - 1, R - (2**64 - 1), 2**64, R - 2**64, HALF, HALF + 1]

coefficient = st.one_of(
    st.sampled_from(BOUNDARY),
    st.integers(2, 2**64 - 1),
    st.integers(2, 2**64 - 1).map(lambda k: R - k),
    st.integers(0, R - 1),
)


def csr(rows):
    offsets = np.zeros(len(rows) + 1, dtype=np.uint64)
    wires, coeffs = [], []
    for i, row in enumerate(rows):
        for w, c in row:
            wires.append(w)
            coeffs.append(c)
        offsets[i + 1] = len(wires)
    return offsets, np.asarray(wires, dtype=np.uint32), np.frombuffer(frs(coeffs), dtype=np.uint8).reshape(-1, 32)


@settings(max_examples=8, deadline=None)
@given(st.lists(coefficient, min_size=20, max_size=20), st.lists(coefficient, min_size=3, max_size=3), st.integers(0, 2**32))
def test_lincomb_special_coefficients_short_and_long_columns(long_cs, short_cs, seed):
    """Column 0 has 20 terms (MSM path), column 1 three (term-by-term path), in G1 and G2."""
    rng = random.Random(seed)
    n_rows = 20
    a = [rng.randrange(1, R) for _ in range(n_rows)]
    rows = [[(0, long_cs[i])] + ([(1, short_cs[i])] if i < 3 else []) for i in range(n_rows)]
    offsets, wires, coeffs = csr(rows)
    pts1 = b"".join(g1_lem(g1_mul(x)) for x in a)
    got1 = nat.g1_sparse_lincomb(pts1, offsets, wires, coeffs, 2)
    t0 = sum(x * c for x, c in zip(a, long_cs)) % R
    t1 = sum(x * c for x, c in zip(a[:3], short_cs)) % R
    assert got1 == g1_lem(bn.multiply(bn.G1, t0)) + g1_lem(bn.multiply(bn.G1, t1))
    pts2 = b"".join(g2_lem(g2_mul(x)) for x in a[:3])
    got2 = nat.g2_sparse_lincomb(pts2, *csr([[(0, c)] for c in short_cs]), 1)
    assert got2 == g2_lem(bn.multiply(bn.G2, t1))


def test_lincomb_long_g2_column_of_minus_ones_and_small():
    rng = random.Random(3)
    a = [rng.randrange(1, R) for _ in range(24)]
    cs = [R - 1 if i % 3 == 0 else (i + 2 if i % 3 == 1 else R - (i + 2)) for i in range(24)]
    pts2 = nat.g2_batch_mul(nat.g2_generator() * 24, frs(a))
    got = nat.g2_sparse_lincomb(pts2, *csr([[(0, c)] for c in cs]), 1)
    assert got == g2_lem(bn.multiply(bn.G2, sum(x * c for x, c in zip(a, cs)) % R))


def test_lincomb_identity_rows_and_cancellation():
    """Points at infinity contribute nothing; c·P + (r-c)·P cancels to infinity."""
    a = 12345
    pts = g1_lem(g1_mul(a)) + bytes(64) + g1_lem(g1_mul(a))
    for c in (1, 7, 2**64 + 5):
        got = nat.g1_sparse_lincomb(pts, *csr([[(0, c)], [(0, 9)], [(0, R - c)]]), 1)
        assert got == bytes(64)


def _msm_case(n, kinds, seed):
    rng = random.Random(seed)
    a = [rng.randrange(1, R) for _ in range(n)]
    s = []
    for i in range(n):
        k = kinds[i % len(kinds)]
        s.append({"0": 0, "1": 1, "m1": R - 1, "small": rng.randrange(2, 2**20), "u64": rng.randrange(2**63, 2**64),
                  "2^64": 2**64, "big": rng.randrange(R)}[k])
    return a, s


@settings(max_examples=4, deadline=None)
@given(st.lists(st.sampled_from(["0", "1", "m1", "small", "u64", "2^64", "big"]), min_size=1, max_size=12), st.integers(0, 2**32))
def test_msm_mostly_trivial_scalars_match_py_ecc(kinds, seed):
    """n = 300 >= the batch-affine threshold, any mix of 0/1/r-1/short (< 2^64)/2^64/big."""
    n = 300
    a, s = _msm_case(n, kinds, seed)
    bases = nat.g1_batch_mul(nat.g1_generator() * n, frs(a))
    total = sum(x * y for x, y in zip(a, s)) % R
    assert nat.g1_msm(bases, frs(s)) == g1_lem(bn.multiply(bn.G1, total))
    g2_bases = nat.g2_batch_mul(nat.g2_generator() * n, frs(a))
    assert nat.g2_msm(g2_bases, frs(s)) == g2_lem(bn.multiply(bn.G2, total))


def test_msm_witness_like_large():
    """A bits-heavy 5000-point MSM with infinity bases among the ones."""
    n = 5000
    a, s = _msm_case(n, ["0", "1", "0", "1", "1", "small", "u64", "big"], 11)
    bases = bytearray(nat.g1_batch_mul(nat.g1_generator() * n, frs(a)))
    for i in range(1, n, 97):  # infinity bases (allowed in zkey sections)
        bases[64 * i:64 * i + 64] = bytes(64)
        a[i] = 0
    total = sum(x * y for x, y in zip(a, s)) % R
    assert nat.g1_msm(bytes(bases), frs(s)) == g1_lem(bn.multiply(bn.G1, total))
