"""MSM, batch multiplication, ceremony scaling and sparse linear combinations vs py_ecc."""
from __future__ import annotations

import random

import numpy as np
import py_ecc.optimized_bn128 as bn
import pytest
from hypothesis import given, settings, strategies as st

import zkvct._native as nat

from helpers import R, fr, frs, g1_lem, g1_mul, g2_lem, g2_mul

small_scalars = st.lists(st.integers(0, R - 1), min_size=1, max_size=4)


def py_msm(points, scalars, zero):
    acc = zero
    for p, s in zip(points, scalars):
        acc = bn.add(acc, bn.multiply(p, s))
    return acc


@settings(max_examples=8, deadline=None)
@given(small_scalars, small_scalars)
def test_g1_msm_matches_py_ecc(ks, ss):
    n = min(len(ks), len(ss))
    ks, ss = ks[:n], ss[:n]
    pts = [g1_mul(k) for k in ks]
    got = nat.g1_msm(b"".join(g1_lem(p) for p in pts), frs(ss))
    assert got == g1_lem(py_msm(pts, ss, bn.Z1))


@settings(max_examples=3, deadline=None)
@given(small_scalars)
def test_g2_msm_matches_py_ecc(ss):
    pts = [g2_mul(i + 2) for i in range(len(ss))]
    got = nat.g2_msm(b"".join(g2_lem(p) for p in pts), frs(ss))
    assert got == g2_lem(py_msm(pts, ss, bn.Z2))


@pytest.mark.parametrize("n", [1, 31, 32, 33, 1000])
def test_msm_large_sizes_against_single_multiplication(n):
    """Pippenger at sizes that change the window width: Σ s_i·(a_i·G) == (Σ a_i s_i)·G."""
    rng = random.Random(n)
    a = [rng.randrange(R) for _ in range(n)]
    s = [rng.randrange(R) if i % 7 else rng.choice([0, 1, R - 1]) for i in range(n)]
    total = sum(x * y for x, y in zip(a, s)) % R
    g1s = nat.g1_batch_mul(nat.g1_generator() * n, frs(a))
    assert nat.g1_msm(g1s, frs(s)) == nat.g1_batch_mul(nat.g1_generator(), fr(total))
    if n <= 64:
        g2s = nat.g2_batch_mul(nat.g2_generator() * n, frs(a))
        assert nat.g2_msm(g2s, frs(s)) == nat.g2_batch_mul(nat.g2_generator(), fr(total))


def test_msm_edge_cases():
    assert nat.g1_msm(b"", b"") == bytes(64)  # empty sum is infinity
    assert nat.g1_msm(bytes(64) * 3, frs([1, 2, 3])) == bytes(64)
    assert nat.g2_msm(nat.g2_generator(), fr(0)) == bytes(128)
    with pytest.raises(ValueError, match="2 points and 1 scalars"):
        nat.g1_msm(nat.g1_generator() * 2, fr(1))


@settings(max_examples=5, deadline=None)
@given(small_scalars, small_scalars)
def test_batch_mul_matches_py_ecc(ks, ss):
    n = min(len(ks), len(ss))
    pts = [g1_mul(k) for k in ks[:n]]
    got = nat.g1_batch_mul(b"".join(g1_lem(p) for p in pts), frs(ss[:n]))
    assert got == b"".join(g1_lem(bn.multiply(p, s)) for p, s in zip(pts, ss[:n]))
    got2 = nat.g2_batch_mul(nat.g2_generator(), fr(ss[0]))
    assert got2 == g2_lem(g2_mul(ss[0]))


@settings(max_examples=5, deadline=None)
@given(st.integers(0, R - 1), st.integers(0, R - 1), st.integers(1, 6))
def test_scale_powers_matches_py_ecc(first, step, n):
    ks = [3 + i for i in range(n)]
    g1s = b"".join(g1_lem(g1_mul(k)) for k in ks)
    want = b"".join(g1_lem(g1_mul(k * first * pow(step, i, R))) for i, k in enumerate(ks))
    assert nat.g1_scale_powers(g1s, fr(first), fr(step)) == want
    g2s = nat.g2_batch_mul(nat.g2_generator() * len(ks[:2]), frs(ks[:2]))
    want2 = b"".join(g2_lem(g2_mul(k * first * pow(step, i, R))) for i, k in enumerate(ks[:2]))
    assert nat.g2_scale_powers(g2s, fr(first), fr(step)) == want2


def test_scale_powers_across_chunk_boundaries():
    """2500 points span three 1024-element chunks, each starting from its own pow()."""
    n, first, step = 2500, 7, 12345
    out = nat.g1_scale_powers(nat.g1_generator() * n, fr(first), fr(step))
    for i in (0, 1, 1023, 1024, 1025, 2047, 2048, 2499):
        assert out[64 * i:64 * i + 64] == nat.g1_batch_mul(nat.g1_generator(), fr(first * pow(step, i, R)))


def test_scale_powers_rejects_bad_scalars():
    with pytest.raises(ValueError, match="step: scalar is not canonical"):
        nat.g1_scale_powers(nat.g1_generator(), fr(1), R.to_bytes(32, "little"))
    with pytest.raises(ValueError, match="first: expected 32 bytes"):
        nat.g1_scale_powers(nat.g1_generator(), b"\x01", fr(1))


def csr(rows: list[dict[int, int]]):
    offsets = np.zeros(len(rows) + 1, dtype=np.uint64)
    wires, coeffs = [], []
    for i, row in enumerate(rows):
        for w, c in row.items():
            wires.append(w)
            coeffs.append(c)
        offsets[i + 1] = len(wires)
    return offsets, np.asarray(wires, dtype=np.uint32), np.frombuffer(frs(coeffs), dtype=np.uint8).reshape(-1, 32)


@settings(max_examples=5, deadline=None)
@given(st.lists(st.dictionaries(st.integers(0, 3), st.integers(0, R - 1), max_size=3), min_size=1, max_size=3))
def test_sparse_lincomb_matches_py_ecc(rows):
    n_out = 4
    pts = [g1_mul(11 + i) for i in range(len(rows))]
    offsets, wires, coeffs = csr(rows)
    got = nat.g1_sparse_lincomb(b"".join(g1_lem(p) for p in pts), offsets, wires, coeffs, n_out)
    want = b""
    for w in range(n_out):
        acc = bn.Z1
        for i, row in enumerate(rows):
            if w in row:
                acc = bn.add(acc, bn.multiply(pts[i], row[w]))
        want += g1_lem(acc)
    assert got == want


def test_sparse_lincomb_msm_columns_and_g2():
    """Columns with >= 16 terms take the MSM path; check them against single multiplications."""
    rng = random.Random(5)
    n_rows, n_out = 40, 3
    rows = [{0: rng.randrange(R), 1: 1, **({2: rng.randrange(R)} if i % 3 == 0 else {})} for i in range(n_rows)]
    a = [rng.randrange(R) for _ in range(n_rows)]
    pts = nat.g1_batch_mul(nat.g1_generator() * n_rows, frs(a))
    offsets, wires, coeffs = csr(rows)
    got = nat.g1_sparse_lincomb(pts, offsets, wires, coeffs, n_out)
    for w in range(n_out):
        total = sum(a[i] * row[w] for i, row in enumerate(rows) if w in row) % R
        assert got[64 * w:64 * w + 64] == nat.g1_batch_mul(nat.g1_generator(), fr(total))
    pts2 = nat.g2_batch_mul(nat.g2_generator() * n_rows, frs(a))
    got2 = nat.g2_sparse_lincomb(pts2, offsets.tobytes(), wires.tobytes(), coeffs, n_out)
    total0 = sum(a[i] * row[0] for i, row in enumerate(rows)) % R
    assert got2[:128] == nat.g2_batch_mul(nat.g2_generator(), fr(total0))


def test_sparse_lincomb_rejects_malformed_csr():
    offsets, wires, coeffs = csr([{0: 1}, {5: 2}])
    g = nat.g1_generator() * 2
    with pytest.raises(ValueError, match="term 1: wire 5 is out of range"):
        nat.g1_sparse_lincomb(g, offsets, wires, coeffs, 3)
    with pytest.raises(ValueError, match="2 rows but only 1 points"):
        nat.g1_sparse_lincomb(nat.g1_generator(), offsets, wires, coeffs, 6)
    bad = offsets.copy()
    bad[1] = 2
    bad[2] = 1
    with pytest.raises(ValueError, match="must start at 0 and end|decrease"):
        nat.g1_sparse_lincomb(g, bad, wires, coeffs, 6)


@pytest.mark.parametrize("n", [256, 700, 3000])
def test_batch_affine_msm_with_repeated_and_opposite_bases(n):
    """Sizes >= 256 take the batch-affine path; repeated bases with equal scalars hit the
    doubling case and P + (-P) the cancellation case inside one bucket."""
    rng = random.Random(n)
    distinct = [rng.randrange(1, R) for _ in range(5)]
    a = [distinct[i % 5] * (-1 if i % 4 == 0 else 1) % R for i in range(n)]
    s = [(7 if i % 2 else rng.randrange(R)) if i % 9 else 0 for i in range(n)]
    bases = nat.g1_batch_mul(nat.g1_generator() * n, frs(a))
    total = sum(x * y for x, y in zip(a, s)) % R
    assert nat.g1_msm(bases, frs(s)) == nat.g1_batch_mul(nat.g1_generator(), fr(total))
    g2 = nat.g2_batch_mul(nat.g2_generator() * 5, frs(distinct))
    g2_bases = b"".join(g2[128 * (i % 5):128 * (i % 5) + 128] for i in range(n))
    total2 = sum(distinct[i % 5] * s[i] for i in range(n)) % R
    assert nat.g2_msm(g2_bases, frs(s)) == nat.g2_batch_mul(nat.g2_generator(), fr(total2))
    # a sum that cancels exactly is the point at infinity
    assert nat.g1_msm(bases[:64] * 300 + bases[:64] * 300, frs([1] * 300 + [R - 1] * 300)) == bytes(64)
