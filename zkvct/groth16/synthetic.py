"""Synthetic R1CS circuits of any size, for tests and benchmarks (not for real statements).

``chain_circuit(m)`` has one public input x_0 (wire 1) and m constraints
``x_i * (x_i + (i + 1)) = x_{i+1}`` on wires 1..m+1, so every constraint touches A, B and C and
the witness is fully determined by x_0. The CSR matrices are built with numpy directly (no
per-constraint Python objects), so a 2^16 or 2^20 circuit is cheap to create.
"""
from __future__ import annotations

import numpy as np

from ..field import FR_BYTES, R, fr_array
from ..r1cs import R1CS, SparseMatrix


def _scalars(values: np.ndarray) -> np.ndarray:
    """Small non-negative ints (< 2^63) as (n, 32) LE scalars, vectorised."""
    out = np.zeros((values.shape[0], FR_BYTES), dtype=np.uint8)
    out[:, :8] = values.astype("<u8").view(np.uint8).reshape(-1, 8)
    return out


def chain_circuit(m: int, x0: int = 3) -> tuple[R1CS, np.ndarray]:
    """An m-constraint circuit and a satisfying witness (see module docstring)."""
    rows = np.arange(m, dtype=np.uint64)
    ones = _scalars(np.ones(m, dtype=np.uint64))
    a = SparseMatrix(row_offsets=np.arange(m + 1, dtype=np.uint64), wires=(rows + 1).astype(np.uint32), coeffs=ones)
    b_wires = np.empty(2 * m, dtype=np.uint32)
    b_wires[0::2] = (rows + 1).astype(np.uint32)
    b_wires[1::2] = 0
    b_coeffs = np.empty((2 * m, FR_BYTES), dtype=np.uint8)
    b_coeffs[0::2] = ones
    b_coeffs[1::2] = _scalars(rows + 1)
    b = SparseMatrix(row_offsets=np.arange(0, 2 * m + 1, 2, dtype=np.uint64), wires=b_wires, coeffs=b_coeffs)
    c = SparseMatrix(row_offsets=np.arange(m + 1, dtype=np.uint64), wires=(rows + 2).astype(np.uint32), coeffs=ones.copy())
    r1cs = R1CS(n_wires=m + 2, n_pub_out=0, n_pub_in=1, n_prv_in=0, a=a, b=b, c=c)
    xs = [1, x0 % R]
    x = x0 % R
    for i in range(m):  # test-data generation only
        x = x * (x + i + 1) % R
        xs.append(x)
    return r1cs, fr_array(xs, "witness")
