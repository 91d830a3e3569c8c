"""`r1cs_first_unsatisfied` on random satisfiable systems with one corrupted row."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import zkvct._native as nat
from zkvct.field import fr_array
from zkvct.r1cs import R1CS, WitnessError, check_witness

from helpers import R

N_WIRES = 6


@st.composite
def systems(draw):
    """Random constraints <A,w>*<B,w> = c*w_k solved for a fresh output wire value."""
    witness = [1] + [draw(st.integers(0, R - 1)) for _ in range(N_WIRES - 1)]
    n = draw(st.integers(1, 8))
    rows = []
    for _ in range(n):
        a = draw(st.dictionaries(st.integers(0, N_WIRES - 1), st.integers(1, R - 1), min_size=1, max_size=3))
        b = draw(st.dictionaries(st.integers(0, N_WIRES - 1), st.integers(1, R - 1), min_size=1, max_size=3))
        av = sum(c * witness[w] for w, c in a.items()) % R
        bv = sum(c * witness[w] for w, c in b.items()) % R
        rows.append((a, b, {0: av * bv % R}))  # C = constant wire times the product
    return witness, rows


@settings(max_examples=40, deadline=None)
@given(systems(), st.data())
def test_first_unsatisfied_row(system, data):
    witness, rows = system
    r1cs = R1CS.from_rows(n_wires=N_WIRES, n_pub_out=1, n_pub_in=0, n_prv_in=1, constraints=rows)
    w = fr_array(witness)
    check_witness(r1cs, w)
    bad_rows = sorted(set(data.draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3))))
    for i in bad_rows:
        a, b, c = rows[i]
        rows[i] = (a, b, {0: (c[0] + data.draw(st.integers(1, R - 1))) % R})
    r1cs2 = R1CS.from_rows(n_wires=N_WIRES, n_pub_out=1, n_pub_in=0, n_prv_in=1, constraints=rows)
    args = []
    for m in (r1cs2.a, r1cs2.b, r1cs2.c):
        args += [m.row_offsets, m.wires, m.coeffs]
    assert nat.r1cs_first_unsatisfied(*args, w) == bad_rows[0]
    with pytest.raises(WitnessError, match=f"constraint {bad_rows[0]}"):
        check_witness(r1cs2, w)


def _mat(offsets, wires, coeffs):
    return [np.asarray(offsets, dtype=np.uint64), np.asarray(wires, dtype=np.uint32),
            np.frombuffer(b"".join(c.to_bytes(32, "little") for c in coeffs), dtype=np.uint8).reshape(-1, 32)]


def test_malformed_matrices_are_named():
    w = fr_array([1, 2, 3])
    good = _mat([0, 1], [1], [1])
    with pytest.raises(ValueError, match="matrix B: term 0 names wire 7"):
        nat.r1cs_first_unsatisfied(*good, *_mat([0, 1], [7], [1]), *good, w)
    with pytest.raises(ValueError, match="matrix C: coefficient of term 0 is not < r"):
        nat.r1cs_first_unsatisfied(*good, *good, *_mat([0, 1], [1], [R]), w)
    with pytest.raises(ValueError, match="matrix B: 3 row offsets, expected 2"):
        nat.r1cs_first_unsatisfied(*good, *_mat([0, 1, 1], [1], [1]), *good, w)
    with pytest.raises(ValueError, match="matrix A: row offsets must run from 0"):
        nat.r1cs_first_unsatisfied(*_mat([0, 2], [1], [1]), *good, *good, w)
    with pytest.raises(ValueError, match="witness: scalar 1: not canonical"):
        nat.r1cs_first_unsatisfied(*good, *good, *good, np.frombuffer((1).to_bytes(32, "little") + R.to_bytes(32, "little"), dtype=np.uint8))
    # 2 * 2 = 4 with wire 1 = 2 and C = 4 * w0
    assert nat.r1cs_first_unsatisfied(*good, *good, *_mat([0, 1], [0], [4]), w) == -1
