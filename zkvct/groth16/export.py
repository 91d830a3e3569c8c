"""``zkey export verificationkey``: the verification key of a ``.zkey`` as snarkjs writes it.

The key is the header points alpha1, beta2, gamma2, delta2, the IC section (nPublic + 1 points,
decoded one by one: there are few) and ``vk_alphabeta_12 = e(alpha1, beta2)`` in ffjavascript's
layout (see :func:`~zkvct.groth16.verify_reference.alphabeta_json`; computed with py_ecc, about
a second, because the native core exposes only pairing-product checks).
"""
from __future__ import annotations

import os

from ..curve import G1Point
from ..formats.zkey import Zkey, read_zkey
from .json_models import VerificationKey, g1_to_json, g2_to_json
from .verify_reference import alphabeta_json


def verification_key(zk: Zkey) -> VerificationKey:
    """Build the verification key of an open (validated) zkey."""
    h = zk.header
    alpha1, beta2 = h.g1("alpha1"), h.g2("beta2")
    ic_raw = bytes(zk.ic)
    ic = [G1Point.from_lem(ic_raw[64 * i:64 * (i + 1)], f"IC[{i}]") for i in range(h.n_public + 1)]
    return VerificationKey(
        protocol="groth16",
        curve="bn128",
        nPublic=h.n_public,
        vk_alpha_1=g1_to_json(alpha1),
        vk_beta_2=g2_to_json(beta2),
        vk_gamma_2=g2_to_json(h.g2("gamma2")),
        vk_delta_2=g2_to_json(h.g2("delta2")),
        vk_alphabeta_12=alphabeta_json(alpha1, beta2),
        IC=[g1_to_json(p) for p in ic],
    )


def export_verification_key(zkey_path: str | os.PathLike[str], vk_path: str | os.PathLike[str] | None = None) -> VerificationKey:
    """Read ``zkey_path`` (header, IC and contributions validated; bulk sections not needed) and
    write ``vk_path`` when given."""
    with read_zkey(zkey_path, trusted=True) as zk:
        vk = verification_key(zk)
    if vk_path is not None:
        vk.write(vk_path)
    return vk
