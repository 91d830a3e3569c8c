"""A :class:`~zkvct.credentials.verify.ChainView` that reads the verifier contract.

Statements, roots, nullifiers and proof hashes come from the contract's v2 queries
(docs/protocol.md; ``statement``, ``verification_key``, ``issuer_root``, ``nullifier``, ``proof``,
``config``), sent as plain JSON through :class:`zkvct.chain.contracts.VerifierContract`'s client, so
this module does not depend on the message models being upgraded alongside. A relying party that
also accepts proofs off chain puts its own database in front (:class:`LayeredView`): a nullifier or
proof hash is used if either the chain or the database says so.

NOT RUN against a live chain in this change: the v2 contract was being written concurrently; the
query names and response fields follow docs/protocol.md and the contract's ``msg.rs`` as drafted.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from zkvct.chain.client import ContractError
from zkvct.chain.contracts import VerifierContract
from zkvct.groth16.json_models import VerificationKey

from .verify import ChainView, RegisteredStatement, Role, RootStatus


class ContractView:
    """Everything from the chain. ``now`` defaults to the local clock (pass the block time of a
    recent block to judge as the contract would)."""

    def __init__(self, contract: VerifierContract, now: Callable[[], int] | None = None):
        self.contract = contract
        self._now = now or (lambda: int(time.time()))
        cfg = self._query({"config": {}})
        self.root_window_secs = int(cfg["root_window_secs"])
        self.date_tolerance_days = int(cfg.get("date_tolerance_days", 1))

    def _query(self, msg: dict[str, Any]) -> Any:
        return self.contract.client.query(self.contract.address, msg)

    def now(self) -> int:
        return self._now()

    def statement(self, statement_id: str, version: int | None) -> RegisteredStatement | None:
        try:
            info = self._query({"statement": {"statement_id": statement_id, "version": version}})
            vk = self._query({"verification_key": {"statement_id": statement_id, "version": version}})
        except ContractError as exc:
            if "statement_unknown" in str(exc) or "not found" in str(exc).lower():
                return None
            raise
        return RegisteredStatement(
            statement_id=info["statement_id"], version=int(info["version"]),
            roles=tuple(Role.from_wire(r) for r in info["roles"]),
            trusted_issuers=tuple(info["trusted_issuers"]),
            verification_key=VerificationKey.parse(vk["verification_key"]),
            revoked=info.get("revoked_height") is not None)

    def root_status(self, issuer_did: str, root: int) -> RootStatus:
        res = self._query({"issuer_root": {"issuer_did": issuer_did, "root": str(root)}})
        return RootStatus(anchored=bool(res["anchored"]), retired=bool(res.get("retired", False)),
                          current=bool(res.get("current", False)), replaced_at=res.get("replaced_at"))

    def nullifier_used(self, statement_id: str, scope: int, nullifier: int) -> bool:
        res = self._query({"nullifier": {"statement_id": statement_id, "scope": str(scope), "nullifier": str(nullifier)}})
        return bool(res["used"])

    def proof_used(self, proof_hash: bytes) -> bool:
        return bool(self._query({"proof": {"proof_hash": proof_hash.hex()}})["used"])


class LayeredView:
    """The chain for statements and roots; the chain *or* a local store for "already used"."""

    def __init__(self, chain: ChainView, local_nullifier_used: Callable[[str, int, int], bool],
                 local_proof_used: Callable[[bytes], bool]):
        self.chain = chain
        self.root_window_secs = chain.root_window_secs
        self.date_tolerance_days = chain.date_tolerance_days
        self._nullifier, self._proof = local_nullifier_used, local_proof_used

    def now(self) -> int:
        return self.chain.now()

    def statement(self, statement_id: str, version: int | None) -> RegisteredStatement | None:
        return self.chain.statement(statement_id, version)

    def root_status(self, issuer_did: str, root: int) -> RootStatus:
        return self.chain.root_status(issuer_did, root)

    def nullifier_used(self, statement_id: str, scope: int, nullifier: int) -> bool:
        return self._nullifier(statement_id, scope, nullifier) or self.chain.nullifier_used(statement_id, scope, nullifier)

    def proof_used(self, proof_hash: bytes) -> bool:
        return self._proof(proof_hash) or self.chain.proof_used(proof_hash)


__all__ = ["ContractView", "LayeredView"]
