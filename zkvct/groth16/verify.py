"""Groth16 verification in the native core (milliseconds), with every input validated first.

The JSON models already guarantee canonical decimals, coordinates < q, publics < r and the shape
of the key; here the count of public signals is checked against ``nPublic`` and the points go to
the native core as LEM bytes, where ``g1_validate``/``g2_validate`` check curve and subgroup
membership (the verifier never takes a "trusted" path) before ``groth16_verify`` runs the
pairing-product check. Any invalid input gives ``ok=False`` with the reason, never an exception.

Keys are prepared once and cached (:func:`zkvct.groth16.batch.prepared_key_for`, keyed by a
hash of the fields the key's points are read from): a relying party verifying many proofs of
one statement pays for the key's checks and e(α, β) once, and a proof is then checked by the
prepared key (its points fully, B's subgroup included). Results and reasons are the same as
without the cache: a malformed proof is named by the same per-point checks, and a key the
native core refuses takes the full path below, which names its first bad point.
"""
from __future__ import annotations

from typing import Sequence

from ..curve import g1_lem_array
from ..field import fr_array
from .batch import PAIRING_FAILED, prepared_key_for
from .json_models import Proof, PublicSignals, VerificationKey
from .verify_reference import VerifyResult


def verify(vk: VerificationKey, publics: PublicSignals | Sequence[int], proof: Proof) -> VerifyResult:
    """Verify a proof natively; returns :class:`VerifyResult` (falsy with a reason on rejection)."""
    from .. import native

    values = list(publics.values if isinstance(publics, PublicSignals) else publics)
    if len(values) != vk.nPublic:
        return VerifyResult(False, f"got {len(values)} public signals, the verification key expects nPublic = {vk.nPublic}")
    try:
        pub = fr_array(values, "public signal")
    except ValueError as exc:
        return VerifyResult(False, str(exc))
    a, b, c = proof.points()
    prepared = prepared_key_for(vk)
    if prepared is not None:
        # the key's points passed their checks when it was prepared: only the proof is left
        return prepared.verify_points(a, b, c, pub.tobytes())
    # the native core refused the key: check everything in order to name the first fault
    alpha, beta, gamma, delta = vk.alpha1(), vk.beta2(), vk.gamma2(), vk.delta2()
    ic = g1_lem_array(vk.ic())
    checks = [
        (native.g1_validate, a.to_lem(), "pi_a", False),
        (native.g2_validate, b.to_lem(), "pi_b", False),
        (native.g1_validate, c.to_lem(), "pi_c", False),
        (native.g1_validate, alpha.to_lem(), "vk_alpha_1", False),
        (native.g2_validate, beta.to_lem(), "vk_beta_2", False),
        (native.g2_validate, gamma.to_lem(), "vk_gamma_2", False),
        (native.g2_validate, delta.to_lem(), "vk_delta_2", False),
        (native.g1_validate, ic, "IC", True),
    ]
    for fn, buf, what, allow_inf in checks:
        try:
            fn(buf, allow_inf)
        except ValueError as exc:
            return VerifyResult(False, f"{what}: {exc}")
    try:
        ok = native.groth16_verify(
            alpha.to_lem(), beta.to_lem(), gamma.to_lem(), delta.to_lem(), ic,
            a.to_lem(), b.to_lem(), c.to_lem(), pub,
        )
    except ValueError as exc:
        return VerifyResult(False, str(exc))
    if ok:
        return VerifyResult(True)
    return VerifyResult(False, PAIRING_FAILED)


def verify_files(vk_path: str, public_path: str, proof_path: str, *, reference: bool = False) -> VerifyResult:
    """Load the three snarkjs JSON files (strictly parsed) and verify; parse errors raise."""
    vk = VerificationKey.load(vk_path)
    publics = PublicSignals.load(public_path)
    proof = Proof.load(proof_path)
    if reference:
        from .verify_reference import verify_reference

        return verify_reference(vk, publics, proof)
    return verify(vk, publics, proof)
