"""The Python side of ``evm/ZkvctRegistry.sol``: its source, deployment, and the encodings the
registry and the relayer agree on (statement and issuer keys, role tuples, key hashes, the
presentation tuple).

Identifiers on the EVM side are keccak-256 hashes of canonical strings: ``statementKey =
keccak(statement id)``, ``issuerKey = keccak(canonical issuer did:shr)``. The key hash that
makes ``zkvct mirror sync`` idempotent is sha256 of the verification key's JSON as zkvct writes it
(:func:`key_hash`), without ``vk_alphabeta_12`` (derived, and written differently by tools).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Iterable, Mapping

from eth_utils import keccak

from ..credentials.derive import canonical_did
from ..credentials.verify import Role
from ..groth16.json_models import VerificationKey
from .calldata import words_from_json
from .local import ContractHandle, LocalEvm
from .solc import Compiled, compile_sources
from .verifier_sol import solidity_verifier

SOURCE = Path(__file__).resolve().parents[2] / "evm" / "ZkvctRegistry.sol"
ROLE_KINDS = {"issuer_root": 1, "revocation_root": 2, "cutoff_days": 3, "today_days": 4, "scope": 5, "nullifier": 6,
              "challenge": 7, "holder_did_hash": 8, "param": 9}


def registry_source() -> str:
    return SOURCE.read_text()


def statement_key(statement_id: str) -> bytes:
    return keccak(statement_id.encode("utf-8"))


def issuer_key(issuer_did: str) -> bytes:
    return keccak(canonical_did(issuer_did).encode("utf-8"))


def key_hash(vk: VerificationKey) -> bytes:
    """sha256 of the key's points and count, canonical JSON (sorted keys, no spaces)."""
    obj = {k: v for k, v in vk.to_obj().items() if k != "vk_alphabeta_12"}
    return hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":")).encode()).digest()


def role_tuple(role: Role) -> tuple[int, int, int]:
    """``(kind, years, value)`` as ``registerStatement`` takes it."""
    if role.kind not in ROLE_KINDS:
        raise ValueError(f"unknown role {role.kind!r}; allowed: {', '.join(ROLE_KINDS)}")
    return (ROLE_KINDS[role.kind], int(role.years or 0), int(role.value or 0))


def presentation_tuple(p: Mapping[str, Any]) -> tuple:
    """A protocol presentation (the wire dict :func:`zkvct.credentials.verify.Presentation.from_wire`
    reads) as the registry's ``Presentation`` struct. DIDs are canonicalized here: the registry
    hashes them as given. The proof's words are taken as they are (the contract judges them)."""
    req = p["request"]
    holder = p.get("holder_did")
    return (p["statement_id"], int(p.get("version") or 0), list(words_from_json(p["proof"])),
            [int(v) for v in p["public_inputs"]], canonical_did(p["issuer_did"]), canonical_did(p["relying_party_did"]),
            req["id"], req["nonce"], int(req["expires_at"]), canonical_did(holder) if holder else "")


_COMPILED: dict[str, dict[str, Compiled]] = {}


REGISTRY_FILE = "ZkvctRegistry.sol"


def compile_cached(sources: dict[str, str]) -> dict[str, Compiled]:
    """compile_sources, remembered for this process by the sources' sha256 (solc-js takes seconds).
    The registry (``REGISTRY_FILE``) is compiled on its own with the IR pipeline, everything else
    (verifiers) in one legacy-pipeline run (see zkvct.evm.solc)."""
    digest = hashlib.sha256(json.dumps(sources, sort_keys=True).encode()).hexdigest()
    if digest not in _COMPILED:
        rest = {name: text for name, text in sources.items() if name != REGISTRY_FILE}
        out = compile_sources(rest) if rest else {}
        if REGISTRY_FILE in sources:
            out.update(compile_sources({REGISTRY_FILE: sources[REGISTRY_FILE]}, via_ir=True))
        _COMPILED[digest] = out
    return _COMPILED[digest]


def verifier_contract_name(vk: VerificationKey) -> str:
    return "ZkvctVerifier_" + key_hash(vk).hex()[:16]


def verifier_sources(vks: Iterable[VerificationKey]) -> dict[str, str]:
    """One file per key, each contract named after its key hash (several compile together)."""
    return {f"{verifier_contract_name(vk)}.sol": solidity_verifier(vk, contract_name=verifier_contract_name(vk))
            for vk in vks}


class Registry:
    """A deployed registry and the calls the relayer and the tests make."""

    def __init__(self, evm: LocalEvm, handle: ContractHandle):
        self.evm, self.handle = evm, handle

    @property
    def address(self) -> str:
        return self.handle.address

    @classmethod
    def deploy(cls, evm: LocalEvm, compiled: Compiled, *, root_window_secs: int, date_tolerance_days: int = 1,
               sender: str | None = None) -> "Registry":
        h = evm.deploy(compiled, ["uint64", "uint64"], [root_window_secs, date_tolerance_days], sender=sender)
        return cls(evm, h)

    def deploy_verifier(self, vk: VerificationKey, compiled: Mapping[str, Compiled] | None = None) -> str:
        """Deploy the generated verifier of ``vk``; return its address."""
        name = verifier_contract_name(vk)
        if compiled is None:  # any earlier compilation in this process that holds it will do
            compiled = next((c for c in _COMPILED.values() if name in c), None) or compile_cached(verifier_sources([vk]))
        comp = compiled[name]
        return self.evm.deploy(comp).address

    def register_statement(self, statement_id: str, version: int, verifier: str, vk: VerificationKey,
                           roles: Iterable[Role], trusted_issuers: Iterable[str], record_validity_secs: int = 0,
                           sender: str | None = None):
        return self.handle.transact("registerStatement", statement_id, version, verifier, key_hash(vk),
                                    [role_tuple(r) for r in roles], [issuer_key(d) for d in trusted_issuers],
                                    record_validity_secs, sender=sender)

    def statement(self, statement_id: str, version: int = 0) -> dict:
        exists, v, verifier, kh, n, revoked = self.handle.call("statement", statement_id, version)
        return {"exists": exists, "version": v, "verifier": verifier, "key_hash": bytes(kh), "n_public": n,
                "revoked": revoked}

    def anchor_root(self, issuer_did: str, root: int, retire_previous: bool = False, sender: str | None = None):
        return self.handle.transact("anchorRoot", issuer_key(issuer_did), int(root), retire_previous, sender=sender)

    def retire_root(self, issuer_did: str, root: int, sender: str | None = None):
        return self.handle.transact("retireRoot", issuer_key(issuer_did), int(root), sender=sender)

    def live_roots(self, issuer_did: str) -> list[int]:
        """Roots the registry may still accept for the issuer (current or replaced, not pruned)."""
        return [int(r) for r in self.handle.call("liveRoots", issuer_key(issuer_did))]

    def current_root(self, issuer_did: str) -> int:
        return int(self.handle.call("currentRoot", issuer_key(issuer_did)))

    def issuer_root(self, issuer_did: str, root: int) -> dict:
        anchored, retired, current, anchored_at, replaced_at = self.handle.call("issuerRoot", issuer_key(issuer_did), int(root))
        return {"anchored": anchored, "retired": retired, "current": current, "anchored_at": anchored_at,
                "replaced_at": replaced_at or None}

    def check(self, presentation: Mapping[str, Any], sender: str | None = None) -> str | None:
        """The registry's dry run: None when it would accept, else the reason code."""
        reason = self.handle.call("check", presentation_tuple(presentation), sender=sender)
        return reason or None

    def verify(self, presentation: Mapping[str, Any], sender: str | None = None):
        return self.handle.transact("verify", presentation_tuple(presentation), sender=sender)

    def nullifier_proof(self, statement_id: str, scope: int, nullifier: int) -> bytes:
        from eth_abi import encode

        k = keccak(encode(["bytes32", "uint256", "uint256"], [statement_key(statement_id), scope, nullifier]))
        return bytes(self.handle.call("nullifierProof", k))

    def record(self, holder_did_hash: int, statement_id: str) -> dict:
        exists, valid, reason, version, verified_at, height, valid_until = self.handle.call(
            "record", holder_did_hash.to_bytes(32, "big"), statement_id)
        return {"exists": exists, "valid": valid, "reason": reason or None, "version": version,
                "verified_at": verified_at, "height": height, "valid_until": valid_until or None}


__all__ = ["SOURCE", "ROLE_KINDS", "registry_source", "statement_key", "issuer_key", "key_hash", "role_tuple",
           "presentation_tuple", "compile_cached", "verifier_contract_name", "verifier_sources", "Registry"]
