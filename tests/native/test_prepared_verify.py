"""`PreparedVerifyingKey`: the key checked once, single and batch verification.

Proofs are made with the trapdoor (py_ecc, independent of the native core): with known α, β, γ,
δ and IC_j = k_j·G1, the triple A = a·G1, B = b·G2, C = (a·b − α·β − x·γ)/δ·G1 satisfies the
Groth16 equation for vk_x = x·G1. The unprepared `groth16_verify` is the yardstick.
"""
from __future__ import annotations

import random

import pytest

import zkvct._native as nat
from zkvct.errors import PointError, ScalarError

from helpers import R, frs, g1_lem, g1_mul, g2_lem, g2_lem_ints, g2_mul, twist_point_outside_subgroup

RNG = random.Random(20261207)
ALPHA, BETA, GAMMA, DELTA = (RNG.randrange(1, R) for _ in range(4))
IC = [RNG.randrange(1, R) for _ in range(3)]  # two public inputs
KEY = (g1_lem(g1_mul(ALPHA)), g2_lem(g2_mul(BETA)), g2_lem(g2_mul(GAMMA)), g2_lem(g2_mul(DELTA)),
       b"".join(g1_lem(g1_mul(k)) for k in IC))
OUTSIDE = g2_lem_ints(*twist_point_outside_subgroup())


def proof(publics: list[int]) -> tuple[bytes, bytes, bytes]:
    a, b = RNG.randrange(1, R), RNG.randrange(1, R)
    x = (IC[0] + sum(p * k for p, k in zip(publics, IC[1:]))) % R
    c = (a * b - ALPHA * BETA - x * GAMMA) * pow(DELTA, -1, R) % R
    return g1_lem(g1_mul(a)), g2_lem(g2_mul(b)), g1_lem(g1_mul(c))


@pytest.fixture(scope="module")
def batch():
    pubs = [[RNG.randrange(R), RNG.randrange(R)] for _ in range(6)]
    return [proof(p) for p in pubs], pubs


def test_prepared_agrees_with_unprepared(batch):
    key = nat.PreparedVerifyingKey(*KEY)
    assert key.n_public == 2
    proofs, pubs = batch
    for (a, b, c), p in zip(proofs, pubs):
        assert key.verify(a, b, c, frs(p)) is True
        assert nat.groth16_verify(*KEY, a, b, c, frs(p)) is True
        wrong = frs([p[0], (p[1] + 1) % R])
        assert key.verify(a, b, c, wrong) is False
        assert nat.groth16_verify(*KEY, a, b, c, wrong) is False


def test_bad_key_points_are_refused_once():
    alpha, beta, gamma, delta, ic = KEY
    with pytest.raises(PointError, match="vk gamma2: not in the prime-order subgroup"):
        nat.PreparedVerifyingKey(alpha, beta, OUTSIDE, delta, ic)
    with pytest.raises(PointError, match="vk alpha1: the point at infinity"):
        nat.PreparedVerifyingKey(bytes(64), beta, gamma, delta, ic)
    with pytest.raises(ValueError, match="vk IC"):
        nat.PreparedVerifyingKey(alpha, beta, gamma, delta, b"")


def test_b_outside_the_subgroup_is_refused(batch):
    key = nat.PreparedVerifyingKey(*KEY)
    proofs, pubs = batch
    a, _, c = proofs[0]
    with pytest.raises(PointError, match="proof pi_b: not in the prime-order subgroup"):
        key.verify(a, OUTSIDE, c, frs(pubs[0]))
    buf = b"".join(a + b + c for a, b, c in proofs)
    bad = bytearray(buf)
    bad[4 * 256 + 64:4 * 256 + 192] = OUTSIDE
    with pytest.raises(PointError, match="proof 4: pi_b: not in the prime-order subgroup") as exc:
        key.batch_verify(bytes(bad), b"".join(frs(p) for p in pubs))
    assert exc.value.index == 4


def test_batch_names_the_first_bad_proof(batch):
    key = nat.PreparedVerifyingKey(*KEY)
    proofs, pubs = batch
    buf = b"".join(a + b + c for a, b, c in proofs)
    publics = b"".join(frs(p) for p in pubs)
    assert key.batch_verify(buf, publics) is None
    assert key.batch_verify(memoryview(buf), bytearray(publics)) is None
    swapped = b"".join(frs(p) for p in pubs[:3] + [pubs[4], pubs[3]] + pubs[5:])
    assert key.batch_verify(buf, swapped) == 3
    with pytest.raises(ScalarError, match="proof 5: public input 1") as exc:
        key.batch_verify(buf, publics[:-32] + b"\xff" * 32)
    assert exc.value.index == 5
    assert nat.GROTH16_PROOF_BYTES == 256


def test_concurrent_single_verifies_each_get_their_own_verdict(batch):
    """Single verifies share one helper thread (native spin_join.rs): callers that overlap must
    each get the verdict of their own proof, never another caller's half, and a caller that finds
    the helper taken must still be right (it runs both halves itself)."""
    from concurrent.futures import ThreadPoolExecutor

    key = nat.PreparedVerifyingKey(*KEY)
    proofs, pubs = batch
    cases = []
    for (a, b, c), p in zip(proofs, pubs):
        cases.append(((a, b, c, frs(p)), True))
        cases.append(((a, b, c, frs([p[0], (p[1] + 1) % R])), False))
        cases.append(((a, OUTSIDE, c, frs(p)), "subgroup"))

    def run(i: int) -> bool:
        args, want = cases[i % len(cases)]
        if want == "subgroup":
            with pytest.raises(PointError, match="pi_b: not in the prime-order subgroup"):
                key.verify(*args)
            return True
        return key.verify(*args) is want

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert all(pool.map(run, range(40 * len(cases))))
