"""Resolve did:shr identifiers against a CW1056 registry on a running chain.

The walk is the one the method spec prescribes: ask the registry for ``changed(identity)`` (the
block of the latest change), fetch the registry's events in that block from the node's tx indexer
(``tx_search`` for ``tx.height=H AND wasm._contract_address='<registry>'``), keep this identity's
change events, and follow their ``previous_change`` to the block before, until it is 0. The
history is then interpreted by :func:`zkvct.did.document.build_resolution`.

"now" for validity checks is the time of the latest block (latest resolution) or of block
``versionId``: the chain's clock, so a resolution is reproducible from chain data alone.

The registry is keyed by public key, so only the public-key form of a DID has on-chain history.
An address-form DID (``did:shr:shareledger1...``) resolves to its default document: the address as
``#controller`` and nothing else (documented in docs/chain.md).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from ..chain.rpc import CometRpc, RpcError
from ..errors import ZkvctError
from .document import build_resolution, error_result, resolution_result
from .events import ChangeEvent, EventError, parse_change_event
from .identifier import DidError, ShrDid, parse_did_url

#: A history longer than this is refused (a loop guard; real identities have far fewer changes).
MAX_HISTORY_BLOCKS = 100_000


class ResolverError(ZkvctError):
    """The chain's answers are inconsistent or incomplete (e.g. the tx indexer is off)."""


class Registry(Protocol):
    """The two registry queries the resolver needs (see :class:`ContractRegistry`)."""

    address: str

    def changed(self, identity: str) -> int | None: ...

    def identity_owner(self, identity: str) -> tuple[str | None, bool]: ...


class ContractRegistry:
    """:class:`Registry` over :class:`zkvct.chain.client.ChainClient` smart queries."""

    def __init__(self, client: Any, address: str):
        self.client = client
        self.address = address

    def changed(self, identity: str) -> int | None:
        h = self.client.query(self.address, {"changed": {"identity": identity}})["height"]
        return None if h is None else int(h)

    def identity_owner(self, identity: str) -> tuple[str | None, bool]:
        res = self.client.query(self.address, {"identity_owner": {"identity": identity}})
        return res["owner"], bool(res["deactivated"])


class Resolver:
    """did:shr resolver for one registry on one node."""

    def __init__(self, registry: Registry, rpc: CometRpc):
        self.registry = registry
        self.rpc = rpc
        self._times: dict[int, datetime] = {}

    # -- chain reads ------------------------------------------------------------------------

    def block_time(self, height: int) -> datetime:
        if height not in self._times:
            self._times[height] = self.rpc.block_time(height)
        return self._times[height]

    def events_in_block(self, identity: str, height: int) -> list[ChangeEvent]:
        """This identity's change events in block ``height``, in execution order."""
        query = f"tx.height={int(height)} AND wasm._contract_address='{self.registry.address}'"
        out: list[ChangeEvent] = []
        for tx in sorted(self.rpc.tx_search(query), key=lambda t: t.index):
            if tx.code != 0:
                continue  # a failed tx changed nothing (its events were discarded)
            for ev in tx.events:
                if ev.type != "wasm" or ev.get("_contract_address") != self.registry.address:
                    continue
                change = parse_change_event(ev.attributes, tx.height)
                if change is not None and change.identity == identity:
                    out.append(change)
        return out

    def history(self, identity: str) -> list[ChangeEvent]:
        """Every change of ``identity``, oldest first, by walking ``previous_change``."""
        block = self.registry.changed(identity) or 0
        history: list[ChangeEvent] = []
        steps = 0
        while block:
            steps += 1
            if steps > MAX_HISTORY_BLOCKS:
                raise ResolverError(f"history of {identity} is longer than {MAX_HISTORY_BLOCKS} blocks")
            events = self.events_in_block(identity, block)
            if not events:
                raise ResolverError(
                    f"the registry records a change of {identity} at block {block}, but the node's tx "
                    "index has no such event (is tx_index.indexer = \"kv\" on, and was the block pruned?)"
                )
            history[0:0] = events
            earlier = [e.previous_change for e in events if e.previous_change < block]
            block = min(earlier) if earlier else 0
        return history

    # -- resolution -------------------------------------------------------------------------

    def resolve(self, did_url: str) -> dict[str, Any]:
        """Resolve ``did:shr:...[?versionId=N]``; returns the W3C DID resolution result.

        Malformed DIDs give an ``invalidDid`` result (no exception); a chain that cannot be read
        raises :class:`ResolverError` / :class:`zkvct.chain.rpc.RpcError`.
        """
        try:
            url = parse_did_url(did_url)
        except DidError as exc:
            code = "methodNotSupported" if "unsupported DID method" in str(exc) else "invalidDid"
            return error_result(code, str(exc))
        did, version = url.did, url.version_id
        latest = self.rpc.latest_height()
        if version is not None and version > latest:
            return error_result("notFound", f"versionId {version} is above the chain's latest block {latest}")
        now_block = version if version is not None else latest
        now = int(self.block_time(now_block).timestamp())

        if not did.is_key_form:
            return build_resolution(did, [], now=now, block_times={}, version_id=version)

        identity = did.public_key.hex()  # type: ignore[union-attr]
        try:
            history = self.history(identity)
        except EventError as exc:
            raise ResolverError(f"registry {self.registry.address} emitted a malformed event: {exc}") from None
        times = {e.height: self.block_time(e.height) for e in history}
        result = build_resolution(did, history, now=now, block_times=times, version_id=version)
        if version is None:
            self._check_owner(did, identity, result)
        return result

    def _check_owner(self, did: ShrDid, identity: str, result: dict[str, Any]) -> None:
        """The spec starts from ``identityOwner``; the replayed history must agree with it."""
        owner, deactivated = self.registry.identity_owner(identity)
        meta = result["didDocumentMetadata"]
        if deactivated != bool(meta.get("deactivated")):
            raise ResolverError(f"registry says deactivated={deactivated} for {did}, its event history disagrees")
        if not deactivated:
            vm = result["didDocument"]["verificationMethod"][0]
            if vm["blockchainAccountId"].rsplit(":", 1)[-1] != owner:
                raise ResolverError(f"registry owner of {did} is {owner}; its event history ends with another owner")


def resolve(did_url: str, registry: Registry, rpc: CometRpc) -> dict[str, Any]:
    """One-shot :meth:`Resolver.resolve`."""
    return Resolver(registry, rpc).resolve(did_url)


def dereference(result: dict[str, Any], fragment: str) -> dict[str, Any] | None:
    """The verification method or service with id ``<did>#<fragment>`` in a resolution result."""
    doc = result.get("didDocument") or {}
    target = f"{doc.get('id')}#{fragment}"
    for section in ("verificationMethod", "service"):
        for entry in doc.get(section, []) or []:
            if entry.get("id") == target:
                return entry
    return None


__all__ = ["ContractRegistry", "Registry", "Resolver", "ResolverError", "RpcError", "dereference", "resolve",
           "resolution_result"]
