"""The relayer: copy statements (keys, roles, trusted issuers, revocations) and the issuers'
current roots from ShareLedger's CosmWasm verifier to the EVM registry (``zkvct mirror sync``).

ShareLedger is the source of truth; the EVM registry only ever follows it. A sync compares the
two and sends only what differs, so a second run sends nothing:

* every version above the registry's latest: deploy the key's generated verifier, register the
  version (same number, roles, trusted issuers, record validity), revoke it if it is revoked;
* every version already there: its key hash must match (a mismatch stops the sync: the two
  chains disagree and a human must look), a revocation on ShareLedger is copied;
* every trusted issuer: the current root is anchored if the registry's differs (retiring the
  earlier ones when ShareLedger reports the root it replaces retired, a revocation); any root
  still live on the EVM side that ShareLedger reports retired is retired.

The source is anything with :class:`MirrorSource`'s three reads: :class:`ContractSource` reads the
CosmWasm contract's protocol-v2 queries (``statement``, ``verification_key``, ``current_root``,
``issuer_root``) through :mod:`zkvct.chain`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Protocol

from ..credentials.derive import canonical_did
from ..credentials.verify import Role
from ..errors import ZkvctError
from ..groth16.json_models import VerificationKey
from .registry import Registry, key_hash


class MirrorError(ZkvctError, RuntimeError):
    """The two chains disagree in a way a relayer must not paper over (e.g. a version's key)."""


@dataclass(frozen=True)
class SourceStatement:
    """One registered version as ShareLedger has it."""

    statement_id: str
    version: int
    roles: tuple[Role, ...]
    trusted_issuers: tuple[str, ...]
    verification_key: VerificationKey
    revoked: bool = False
    record_validity_secs: int = 0


class MirrorSource(Protocol):
    def statement(self, statement_id: str, version: int | None) -> SourceStatement | None:
        """The version (the latest when None), or None when there is none."""

    def current_root(self, issuer_did: str) -> int | None: ...

    def root_retired(self, issuer_did: str, root: int) -> bool: ...


class ContractSource:
    """The CosmWasm verifier's v2 queries, as plain JSON through a :class:`zkvct.chain.client.ChainClient`."""

    def __init__(self, client: Any, address: str):
        self.client, self.address = client, address

    def _query(self, msg: dict) -> Any:
        return self.client.query(self.address, msg)

    def statement(self, statement_id: str, version: int | None) -> SourceStatement | None:
        from ..chain.client import ContractError

        try:
            info = self._query({"statement": {"statement_id": statement_id, "version": version}})
            vk = self._query({"verification_key": {"statement_id": statement_id, "version": version}})
        except ContractError as exc:
            if "statement_unknown" in str(exc) or "not found" in str(exc).lower():
                return None
            raise
        return SourceStatement(
            statement_id=info["statement_id"], version=int(info["version"]),
            roles=tuple(Role.from_wire(r) for r in info["roles"]), trusted_issuers=tuple(info["trusted_issuers"]),
            verification_key=VerificationKey.parse(vk["verification_key"]),
            revoked=info.get("revoked_height") is not None,
            record_validity_secs=int(info.get("record_validity_secs") or 0))

    def current_root(self, issuer_did: str) -> int | None:
        root = self._query({"current_root": {"issuer_did": issuer_did}}).get("root")
        return int(root) if root is not None else None

    def root_retired(self, issuer_did: str, root: int) -> bool:
        return bool(self._query({"issuer_root": {"issuer_did": issuer_did, "root": str(root)}}).get("retired", False))


@dataclass
class SyncReport:
    """What a sync did (or, with ``dry_run``, would do): one line per transaction."""

    actions: list[dict] = field(default_factory=list)
    dry_run: bool = False

    def add(self, **action: Any) -> None:
        self.actions.append(action)

    def to_obj(self) -> dict:
        return {"dry_run": self.dry_run, "sent": 0 if self.dry_run else len(self.actions), "actions": self.actions}


def sync(source: MirrorSource, registry: Registry, statement_ids: Iterable[str], *, dry_run: bool = False,
         sender: str | None = None) -> SyncReport:
    """Bring the registry in line with ``source`` for ``statement_ids`` (see the module docstring)."""
    report = SyncReport(dry_run=dry_run)
    issuers: dict[str, None] = {}
    for sid in statement_ids:
        latest = source.statement(sid, None)
        if latest is None:
            raise MirrorError(f"statement {sid!r} is not registered on ShareLedger")
        have = registry.statement(sid)
        have_latest = have["version"] if have["exists"] else 0
        if have_latest > latest.version:
            raise MirrorError(f"statement {sid!r}: the EVM registry has version {have_latest}, "
                              f"ShareLedger only {latest.version}")
        for v in range(1, latest.version + 1):
            st = latest if v == latest.version else source.statement(sid, v)
            if st is None:
                raise MirrorError(f"statement {sid!r} version {v} is missing on ShareLedger")
            for did in st.trusted_issuers:
                issuers[canonical_did(did)] = None
            if v > have_latest:
                report.add(action="register", statement_id=sid, version=v, n_public=st.verification_key.nPublic,
                           key_hash=key_hash(st.verification_key).hex())
                if not dry_run:
                    verifier = registry.deploy_verifier(st.verification_key)
                    registry.register_statement(sid, v, verifier, st.verification_key, st.roles, st.trusted_issuers,
                                                record_validity_secs=st.record_validity_secs, sender=sender)
                on_evm_revoked = False
            else:
                mine = registry.statement(sid, v)
                if mine["key_hash"] != key_hash(st.verification_key):
                    raise MirrorError(f"statement {sid!r} version {v}: the EVM registry holds another key "
                                      f"({mine['key_hash'].hex()} vs {key_hash(st.verification_key).hex()})")
                on_evm_revoked = mine["revoked"]
            if st.revoked and not on_evm_revoked:
                report.add(action="revoke", statement_id=sid, version=v)
                if not dry_run:
                    registry.handle.transact("revokeStatement", sid, v, sender=sender)
    for did in issuers:
        cur = source.current_root(did)
        if cur is None:
            continue
        have = registry.current_root(did)
        if have != cur:
            if registry.issuer_root(did, cur)["anchored"]:
                raise MirrorError(f"issuer {did}: ShareLedger's current root {cur} was anchored on the EVM side "
                                  f"before and has since been replaced there ({have})")
            retire = have != 0 and source.root_retired(did, have)
            report.add(action="anchor_root", issuer_did=did, root=str(cur), retire_previous=retire)
            if not dry_run:
                registry.anchor_root(did, cur, retire_previous=retire, sender=sender)
        # any root still live here that ShareLedger has retired (RetireRoot, or a revocation)
        for root in registry.live_roots(did):
            if dry_run and have != cur and any(a.get("retire_previous") for a in report.actions
                                               if a.get("issuer_did") == did):
                continue  # the planned anchor retires it
            if source.root_retired(did, root) and not registry.issuer_root(did, root)["retired"]:
                report.add(action="retire_root", issuer_did=did, root=str(root))
                if not dry_run:
                    registry.retire_root(did, root, sender=sender)
    return report


__all__ = ["MirrorError", "SourceStatement", "MirrorSource", "ContractSource", "SyncReport", "sync"]
