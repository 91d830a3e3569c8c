"""Native-core kernels at prover sizes (pytest-benchmark; run `make bench` or
`.venv/bin/python -m pytest benchmarks/bench_native.py --benchmark-only`).

Bases are 1024 distinct random points tiled to the full size (computing 2^16 distinct G2 points
would dominate the run; MSM cost does not depend on the bases being distinct). Scalars are
uniformly random, the worst case: real witnesses (bits, small counters) are cheaper.
The synthetic prove uses zkey-shaped inputs (3 A and 3 B terms per constraint, n_vars = domain
size) with a random, non-satisfying witness: it times the native prover's work, not a real
circuit (the Groth16 benchmarks time real circuits and snarkjs side by side).
"""
from __future__ import annotations

import os
import struct
import sys

import numpy as np
import pytest

import zkvct._native as nat
from zkvct.field import R

DISTINCT = 1024


def random_scalars(n: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    limbs = rng.integers(0, 2**64, size=(n, 4), dtype=np.uint64)
    limbs[:, 3] &= np.uint64((1 << 61) - 1)  # < 2^253 < r: uniform enough and canonical
    return limbs.tobytes()


@pytest.fixture(scope="module")
def g1_bases():
    pts = nat.g1_batch_mul(nat.g1_generator() * DISTINCT, random_scalars(DISTINCT, 1))
    return lambda n: pts * (n // DISTINCT)


@pytest.fixture(scope="module")
def g2_bases():
    pts = nat.g2_batch_mul(nat.g2_generator() * DISTINCT, random_scalars(DISTINCT, 2))
    return lambda n: pts * (n // DISTINCT)


@pytest.mark.parametrize("log_n", [16])
def test_g1_msm(benchmark, g1_bases, log_n):
    n = 1 << log_n
    bases, scalars = g1_bases(n), random_scalars(n, 3)
    benchmark.extra_info["size"] = n
    benchmark.pedantic(nat.g1_msm, args=(bases, scalars), rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("log_n", [16])
def test_g2_msm(benchmark, g2_bases, log_n):
    n = 1 << log_n
    bases, scalars = g2_bases(n), random_scalars(n, 4)
    benchmark.extra_info["size"] = n
    # trusted: the zkey's G2 section is validated once at load, not at every MSM
    benchmark.pedantic(nat.g2_msm, args=(bases, scalars), kwargs={"trusted": True}, rounds=3, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("log_n", [16, 17])
def test_fft(benchmark, log_n):
    vals = random_scalars(1 << log_n, 5)
    benchmark.pedantic(nat.fr_fft, args=(vals,), rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("log_n", [16, 17])
def test_inverse_fft(benchmark, log_n):
    vals = random_scalars(1 << log_n, 6)
    benchmark.pedantic(nat.fr_fft, args=(vals,), kwargs={"inverse": True}, rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("log_n", [16])
def test_coset_fft(benchmark, log_n):
    vals = random_scalars(1 << log_n, 7)
    benchmark.pedantic(nat.fr_coset_fft, args=(vals,), rounds=5, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("log_n", [12])
def test_g2_validate(benchmark, g2_bases, log_n):
    """Full G2 decoding with the subgroup check (what an untrusted .zkey/.ptau load pays)."""
    bases = g2_bases(1 << log_n)
    benchmark.pedantic(nat.g2_validate, args=(bases, True), rounds=3, iterations=1)


@pytest.mark.parametrize("log_n", [12])
def test_g1_batch_mul(benchmark, g1_bases, log_n):
    n = 1 << log_n
    benchmark.pedantic(nat.g1_batch_mul, args=(g1_bases(n), random_scalars(n, 15)), rounds=3, iterations=1)


@pytest.mark.parametrize("log_n", [12])
def test_g2_scale_powers(benchmark, g2_bases, log_n):
    """One ceremony update of 2^12 G2 points (what a phase-1 contribution does per section)."""
    args = (g2_bases(1 << log_n), (7).to_bytes(32, "little"), (11).to_bytes(32, "little"))
    benchmark.pedantic(nat.g2_scale_powers, args=args, kwargs={"trusted": True}, rounds=3, iterations=1)


@pytest.mark.parametrize("log_n", [12])
def test_g1_ifft(benchmark, g1_bases, log_n):
    """Lagrange basis from 2^12 powers of tau in G1 ("prepare phase2" for one power)."""
    benchmark.pedantic(nat.g1_ifft, args=(g1_bases(1 << log_n),), rounds=2, iterations=1)


def synthetic_prover_inputs(log_n: int, g1_bases, g2_bases) -> dict:
    n = 1 << log_n
    rng = np.random.default_rng(11)
    terms = 3
    m = np.repeat(np.array([0, 1], dtype="<u4"), n * terms)
    c = np.tile(np.repeat(np.arange(n, dtype="<u4"), terms), 2)
    s = rng.integers(0, n, size=2 * n * terms, dtype=np.uint32).astype("<u4")
    vals = np.frombuffer(random_scalars(2 * n * terms, 12), dtype=np.uint8).reshape(-1, 32)
    entries = np.zeros(2 * n * terms, dtype=[("m", "<u4"), ("c", "<u4"), ("s", "<u4"), ("v", "u1", (32,))])
    entries["m"], entries["c"], entries["s"], entries["v"] = m, c, s, vals
    g1 = g1_bases(n)
    g2 = g2_bases(n)
    n_public = 2
    key = dict(
        n_vars=n, n_public=n_public, domain_size=n,
        coeffs=struct.pack("<I", len(entries)) + entries.tobytes(),
        a=g1, b1=g1, b2=g2, c=g1[: (n - n_public - 1) * 64], h=g1,
        alpha1=g1[:64], beta1=g1[64:128], beta2=g2[:128], delta1=g1[128:192], delta2=g2[128:256],
    )
    return key, (1).to_bytes(32, "little") + random_scalars(n - 1, 13)


@pytest.mark.parametrize("log_n", [16])
def test_groth16_prove_synthetic(benchmark, g1_bases, g2_bases, log_n):
    key, witness = synthetic_prover_inputs(log_n, g1_bases, g2_bases)
    benchmark.extra_info["constraints"] = 1 << log_n
    # key decoding included, as in one call before the typed key (a cached key would skip it)
    benchmark.pedantic(lambda: nat.groth16_prove(nat.ProvingKey(**key, trusted=True), witness), rounds=3, iterations=1,
                       warmup_rounds=1)


def witness_like_scalars(n: int, seed: int) -> bytes:
    """35 % zeros, 35 % ones, 15 % < 2^32, 15 % full-size: the shape of real witnesses (bits)."""
    rng = np.random.default_rng(seed)
    kind = rng.random(n)
    limbs = np.zeros((n, 4), dtype=np.uint64)
    limbs[(kind >= 0.35) & (kind < 0.70), 0] = 1
    small = (kind >= 0.70) & (kind < 0.85)
    limbs[small, 0] = rng.integers(2, 2**32, size=int(small.sum()), dtype=np.uint64)
    full = np.frombuffer(random_scalars(n, seed + 1), dtype=np.uint64).reshape(n, 4)
    limbs[kind >= 0.85] = full[kind >= 0.85]
    return limbs.tobytes()


@pytest.mark.parametrize("group", ["g1", "g2"])
def test_msm_witness_like(benchmark, g1_bases, g2_bases, group):
    """The MSM's short-scalar split (zeros dropped, ones added, < 2^64 in a 64-bit Pippenger)."""
    n = 1 << 16
    scalars = witness_like_scalars(n, 21)
    if group == "g1":
        benchmark.pedantic(nat.g1_msm, args=(g1_bases(n), scalars), rounds=3, iterations=1, warmup_rounds=1)
    else:
        benchmark.pedantic(nat.g2_msm, args=(g2_bases(n), scalars), kwargs={"trusted": True}, rounds=3, iterations=1, warmup_rounds=1)


@pytest.mark.parametrize("group", ["g1", "g2"])
def test_sparse_lincomb_circuit_like(benchmark, g1_bases, g2_bases, group):
    """Setup-shaped 8192-row CSR with circuit-like coefficients (1, r-1, small, 2^k, random)."""
    sys.path.insert(0, os.path.dirname(__file__))
    from native_pass import lincomb_input  # noqa: PLC0415

    rows = 8192
    offs, wires, coeffs, n_out = lincomb_input(np.random.default_rng(1), rows)
    if group == "g1":
        args, kw = (g1_bases(rows), offs, wires, coeffs, n_out), {}
    else:
        args, kw = (g2_bases(rows), offs, wires, coeffs, n_out), {"trusted": True}
    fn = nat.g1_sparse_lincomb if group == "g1" else nat.g2_sparse_lincomb
    benchmark.pedantic(fn, args=args, kwargs=kw, rounds=3, iterations=1, warmup_rounds=1)


if os.environ.get("ZKVCT_BENCH_BIG"):
    @pytest.mark.parametrize("log_n", [20])
    def test_g1_msm_2_20(benchmark, g1_bases, log_n):
        n = 1 << log_n
        benchmark.pedantic(nat.g1_msm, args=(g1_bases(n), random_scalars(n, 14)), rounds=1, iterations=1)
