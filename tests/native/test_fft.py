"""FFTs over Fr vs direct evaluation (Python ints and galois GF(r)); the roots and coset shift
snarkjs uses (ffjavascript: w[k] = 5^((r-1)/2^k), odd coset = ω_{2n})."""
from __future__ import annotations

import functools

import galois
import numpy as np
import pytest
from hypothesis import assume, given, settings, strategies as st

import zkvct._native as nat

from helpers import R, frs


def ints(b: bytes) -> list[int]:
    return [int.from_bytes(b[i:i + 32], "little") for i in range(0, len(b), 32)]


def evaluate(coeffs: list[int], x: int) -> int:
    acc = 0
    for c in reversed(coeffs):
        acc = (acc * x + c) % R
    return acc


@functools.lru_cache(maxsize=1)
def gf():
    # 5 generates Fr^* (arkworks' GENERATOR, ffjavascript's nqr); verify=False avoids factoring r-1
    return galois.GF(R, primitive_element=5, verify=False)


def polys(max_log=4):
    return st.integers(0, max_log).flatmap(lambda k: st.lists(st.integers(0, R - 1), min_size=2 ** k, max_size=2 ** k))


@pytest.mark.parametrize("log_n", range(0, 8))
def test_root_of_unity_is_ffjavascripts(log_n):
    n = 2 ** log_n
    w = int.from_bytes(nat.fr_root_of_unity(n), "little")
    assert w == pow(5, (R - 1) // n, R)
    g = int.from_bytes(nat.fr_coset_shift(n), "little")
    assert g == pow(5, (R - 1) // (2 * n), R)  # ω_{2n}: the odd points of the 2n domain
    assert pow(g, n, R) == R - 1


def test_coset_shift_at_two_adicity_is_25():
    assert int.from_bytes(nat.fr_coset_shift(2 ** 28), "little") == 25  # Fr.shift = nqr^2


@settings(max_examples=30, deadline=None)
@given(polys())
def test_fft_matches_direct_evaluation(coeffs):
    n = len(coeffs)
    w = pow(5, (R - 1) // n, R)
    got = ints(nat.fr_fft(frs(coeffs)))
    assert got == [evaluate(coeffs, pow(w, i, R)) for i in range(n)]
    assert ints(nat.fr_fft(frs(got), inverse=True)) == coeffs


@settings(max_examples=30, deadline=None)
@given(polys())
def test_coset_fft_matches_direct_evaluation(coeffs):
    n = len(coeffs)
    w = pow(5, (R - 1) // n, R)
    g = pow(5, (R - 1) // (2 * n), R)
    got = ints(nat.fr_coset_fft(frs(coeffs)))
    assert got == [evaluate(coeffs, g * pow(w, i, R) % R) for i in range(n)]
    assert ints(nat.fr_coset_fft(frs(got), inverse=True)) == coeffs


@settings(max_examples=10, deadline=None)
@given(polys(max_log=5))
def test_fft_matches_galois_vandermonde(coeffs):
    GF = gf()
    n = len(coeffs)
    w = GF(pow(5, (R - 1) // n, R))
    idx = np.arange(n)
    vander = w ** np.outer(idx, idx)
    want = vander @ GF(coeffs)
    assert ints(nat.fr_fft(frs(coeffs))) == [int(v) for v in want]


def test_fft_accepts_numpy_and_rejects_bad_input():
    vals = np.frombuffer(frs([1, 2, 3, 4]), dtype=np.uint8).reshape(4, 32)
    assert nat.fr_fft(vals) == nat.fr_fft(frs([1, 2, 3, 4]))
    with pytest.raises(ValueError, match="power of two"):
        nat.fr_fft(frs([1, 2, 3]))
    with pytest.raises(ValueError, match="power of two"):
        nat.fr_fft(b"")
    with pytest.raises(ValueError, match="scalar 1: not canonical"):
        nat.fr_fft(frs([1]) + R.to_bytes(32, "little"))
    with pytest.raises(ValueError, match="truncated"):
        nat.fr_coset_fft(bytes(63))


def lagrange_at(tau: int, n: int) -> list[int]:
    """L_i(τ) = (ω^i / n)·(τ^n − 1)/(τ − ω^i) on the domain of size n (τ not in the domain)."""
    w = pow(5, (R - 1) // n, R)
    zn = (pow(tau, n, R) - 1) % R
    out = []
    for i in range(n):
        wi = pow(w, i, R)
        out.append(wi * zn % R * pow(n * (tau - wi) % R, -1, R) % R)
    return out


@settings(max_examples=6, deadline=None)
@given(st.integers(0, 4), st.integers(2, R - 1))
def test_group_ifft_gives_lagrange_basis(log_n, tau):
    n = 2 ** log_n
    assume(pow(tau, n, R) != 1)  # τ in the domain (e.g. r − 1 for n = 2): the oracle's formula divides by 0
    powers = frs([pow(tau, j, R) for j in range(n)])
    want = frs(lagrange_at(tau, n)) if n > 1 else frs([1])
    g1 = nat.g1_batch_mul(nat.g1_generator() * n, powers)
    assert nat.g1_ifft(g1) == nat.g1_batch_mul(nat.g1_generator() * n, want)
    assert nat.g1_fft(nat.g1_ifft(g1)) == g1
    g2 = nat.g2_batch_mul(nat.g2_generator() * n, powers)
    assert nat.g2_fft(g2, inverse=True) == nat.g2_batch_mul(nat.g2_generator() * n, want)
    assert nat.g2_fft(nat.g2_ifft(g2, trusted=True)) == g2


def test_group_fft_rejects_bad_sizes_and_points():
    with pytest.raises(ValueError, match="power of two"):
        nat.g1_fft(nat.g1_generator() * 3)
    bad = bytearray(nat.g2_generator())
    bad[0] ^= 1
    with pytest.raises(ValueError, match="point 1: not on the curve"):
        nat.g2_ifft(nat.g2_generator() + bytes(bad))
