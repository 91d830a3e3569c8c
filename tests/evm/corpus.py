"""The bad-proof corpus of the CosmWasm verifier's chain tests (tests/chain/test_chain_verifier.py,
``tampered``), rebuilt here for any key: the same ten kinds, each with the reason the CosmWasm
contract gives and the code our Solidity verifier's ``check`` gives."""
from __future__ import annotations

import json

from py_ecc.optimized_bn128 import FQ, FQ2, b2, curve_order, is_inf, multiply, normalize

from zkvct.field import Q, R

# kind -> (protocol reason, our verifier's check() code)
KINDS = {
    "a_off_curve": ("proof_malformed", 3),
    "a_coordinate_ge_q": ("proof_malformed", 3),
    "a_infinity": ("proof_malformed", 3),
    "b_solidity_order": ("proof_malformed", 3),
    "b_outside_subgroup": ("proof_malformed", 3),
    "c_negated": ("proof_invalid", 4),
    "input_plus_r": ("input_not_canonical", 2),
    "input_plus_one": ("proof_invalid", 4),
    "extra_input": ("wrong_input_count", 1),
    "other_circuits_proof": ("proof_invalid", 4),
}


def _fq2_sqrt(a: FQ2):
    """Square root in Fq2 (q = 3 mod 4), or None."""
    a1 = a ** ((Q - 3) // 4)
    alpha = a1 * a1 * a
    a0 = (alpha ** Q) * alpha
    minus_one = FQ2([Q - 1, 0])
    if a0 == minus_one:
        return None
    x0 = a1 * a
    x = FQ2([0, 1]) * x0 if alpha == minus_one else ((FQ2([1, 0]) + alpha) ** ((Q - 1) // 2)) * x0
    return x if x * x == a else None


def g2_outside_subgroup() -> list[list[str]]:
    """A point on the twist whose order is not r (a random twist point almost surely)."""
    x0 = 3
    while True:
        x = FQ2([x0, 1])
        y = _fq2_sqrt(x * x * x + b2)
        x0 += 1
        if y is None:
            continue
        pt = (x, y, FQ2.one())
        if not is_inf(multiply(pt, curve_order)):
            xs, ys = normalize(pt)
            return [[str(int(c)) for c in xs.coeffs], [str(int(c)) for c in ys.coeffs], ["1", "0"]]


def tampered(kind: str, proof: dict, public: list[str], other_proof: dict, index: int = 0) -> tuple[dict, list[str]]:
    """``kind`` applied to a copy of (proof, public). The input kinds change input ``index``: a
    protocol-v2 statement gives every input a role the registries check before the pairing, so
    there the nullifier's (checked only against the used set) is the one that reaches it."""
    proof, public = json.loads(json.dumps(proof)), list(public)
    if kind == "a_off_curve":
        proof["pi_a"][1] = str((int(proof["pi_a"][1]) + 1) % Q)
    elif kind == "a_coordinate_ge_q":
        proof["pi_a"][0] = str(int(proof["pi_a"][0]) + Q)
    elif kind == "a_infinity":
        proof["pi_a"] = ["0", "1", "0"]
    elif kind == "b_solidity_order":
        proof["pi_b"] = [list(reversed(proof["pi_b"][0])), list(reversed(proof["pi_b"][1])), ["1", "0"]]
    elif kind == "b_outside_subgroup":
        proof["pi_b"] = g2_outside_subgroup()
    elif kind == "c_negated":
        proof["pi_c"] = [proof["pi_c"][0], str(Q - int(proof["pi_c"][1])), "1"]
    elif kind == "input_plus_r":
        public[index] = str(int(public[index]) + R)
    elif kind == "input_plus_one":
        public[index] = str(int(public[index]) + 1)
    elif kind == "extra_input":
        public.append("1")
    elif kind == "other_circuits_proof":
        proof = json.loads(json.dumps(other_proof))
    else:
        raise AssertionError(kind)
    return proof, public


def rerandomized(proof: dict, t: int = 987654321123456789) -> dict:
    """Groth16 malleability: (A/t, t*B, C) verifies like (A, B, C)."""
    a = (FQ(int(proof["pi_a"][0])), FQ(int(proof["pi_a"][1])), FQ.one())
    b = (FQ2([int(v) for v in proof["pi_b"][0]]), FQ2([int(v) for v in proof["pi_b"][1]]), FQ2.one())
    ax, ay = normalize(multiply(a, pow(t, R - 2, R)))
    bx, by = normalize(multiply(b, t))
    out = json.loads(json.dumps(proof))
    out["pi_a"] = [str(int(ax)), str(int(ay)), "1"]
    out["pi_b"] = [[str(int(c)) for c in bx.coeffs], [str(int(c)) for c in by.coeffs], ["1", "0"]]
    return out


