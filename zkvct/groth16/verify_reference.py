"""An independent Groth16 verifier in pure Python on py_ecc's ``optimized_bn128``.

It shares no arithmetic with the native core, so it serves as a cross-check (tests run both on
every case) and as a fallback where the native module cannot be built. It is slow (about a
second per proof) and validates everything itself:

* the verification key: alpha1 on G1, beta2/gamma2/delta2 on the twist and in the order-r
  subgroup, IC points on G1 (infinity allowed there), ``len(IC) == nPublic + 1``;
* the proof: A, C on G1 and B on G2 in the subgroup, none of them infinity;
* the public signals: exactly ``nPublic`` of them, each < r (x and x + r must not both verify);
* all coordinates < q (checked when the JSON is parsed and again here).

Then it checks ``e(-A, B) * e(vk_x, gamma) * e(C, delta) * e(alpha, beta) == 1`` with
``vk_x = IC_0 + sum_i s_i * IC_{i+1}``, using four Miller loops and one final exponentiation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..curve import G1Point, G2Point
from ..errors import PointError
from ..field import R
from .json_models import Proof, PublicSignals, VerificationKey


@dataclass(frozen=True)
class VerifyResult:
    """``ok`` plus, when not ok, the reason (e.g. which point failed which check)."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def _check_inputs(vk: VerificationKey, publics: Sequence[int], proof: Proof):
    if len(publics) != vk.nPublic:
        raise PointError(f"got {len(publics)} public signals, the verification key expects nPublic = {vk.nPublic}")
    for i, s in enumerate(publics):
        if not isinstance(s, int) or s < 0 or s >= R:
            raise PointError(f"public signal {i} = {s} is not < r")
    alpha = vk.alpha1().check("vk_alpha_1")
    beta = vk.beta2().check("vk_beta_2")
    gamma = vk.gamma2().check("vk_gamma_2")
    delta = vk.delta2().check("vk_delta_2")
    ic = [p.check(f"IC[{i}]", allow_infinity=True) for i, p in enumerate(vk.ic())]
    a, b, c = proof.points()
    a.check("pi_a")
    b.check("pi_b")
    c.check("pi_c")
    return alpha, beta, gamma, delta, ic, a, b, c


def verify_reference(vk: VerificationKey, publics: PublicSignals | Sequence[int], proof: Proof) -> VerifyResult:
    """Verify with py_ecc; never raises for bad points or inputs, returns ``ok=False`` with a reason."""
    from py_ecc.optimized_bn128 import FQ12, add, final_exponentiate, multiply, neg, pairing

    values = list(publics.values if isinstance(publics, PublicSignals) else publics)
    try:
        alpha, beta, gamma, delta, ic, a, b, c = _check_inputs(vk, values, proof)
    except (PointError, ValueError) as exc:
        return VerifyResult(False, str(exc))
    vk_x = ic[0].to_py_ecc()
    for s, p in zip(values, ic[1:]):
        if s and not p.infinity:
            vk_x = add(vk_x, multiply(p.to_py_ecc(), s))
    pairs = [
        (b.to_py_ecc(), neg(a.to_py_ecc())),
        (gamma.to_py_ecc(), vk_x),
        (delta.to_py_ecc(), c.to_py_ecc()),
        (beta.to_py_ecc(), alpha.to_py_ecc()),
    ]
    acc = FQ12.one()
    for q2, p1 in pairs:  # pairing() maps e(O, Q) to 1 itself
        acc = acc * pairing(q2, p1, final_exponentiate=False)
    if final_exponentiate(acc) == FQ12.one():
        return VerifyResult(True)
    return VerifyResult(False, "pairing check failed: the proof does not verify for these public signals")


def alphabeta_json(alpha1: G1Point, beta2: G2Point) -> list:
    """``vk_alphabeta_12`` exactly as snarkjs writes it.

    ffjavascript's final exponentiation (the Fuentes-Castaneda et al. hard part) computes
    ``f^(lambda * (q^12 - 1) / r)`` with ``lambda = 2z(6z^2 + 3z + 1)``, z = 4965661367192848881,
    i.e. py_ecc's reduced pairing raised to lambda; the result is then laid out in the Fq2/Fq6/Fq12
    tower (:func:`~zkvct.groth16.json_models.fq12_to_json`).
    """
    from py_ecc.optimized_bn128 import pairing

    from .json_models import fq12_to_json

    z = 4965661367192848881
    lam = 2 * z * (6 * z * z + 3 * z + 1)
    e = pairing(beta2.to_py_ecc(), alpha1.to_py_ecc()) ** lam
    return fq12_to_json([int(x) for x in e.coeffs])


__all__ = ["VerifyResult", "verify_reference", "alphabeta_json", "G2Point"]
