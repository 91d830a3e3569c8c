"""File-level exports for the CLI: a verifier .sol from a key file, calldata from proof files."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..groth16.json_models import Proof, PublicSignals, VerificationKey
from .calldata import EvmProof, evm_proof
from .verifier_sol import solidity_verifier


def load_key(path: str | os.PathLike[str]) -> VerificationKey:
    """A verification key from a ``.zkey`` (by its ``zkey`` magic) or a verification_key.json."""
    p = Path(path)
    with open(p, "rb") as fh:
        magic = fh.read(4)
    if magic == b"zkey":
        from ..groth16.export import export_verification_key

        return export_verification_key(p)
    return VerificationKey.load(p)


def write_solidity_verifier(key_path: str | os.PathLike[str], out_path: str | os.PathLike[str]) -> int:
    """Generate the verifier for the key in ``key_path``, write it (atomically) to ``out_path``;
    return the key's number of public inputs."""
    vk = load_key(key_path)
    source = solidity_verifier(vk)
    out = Path(out_path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(source)
    os.replace(tmp, out)
    return vk.nPublic


def solidity_calldata(public_path: str | os.PathLike[str], proof_path: str | os.PathLike[str]) -> EvmProof:
    return evm_proof(Proof.load(proof_path), PublicSignals.load(public_path))


__all__ = ["load_key", "write_solidity_verifier", "solidity_calldata"]
