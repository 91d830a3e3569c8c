"""Does a key control a did:shr? The chain-backed :class:`zkvct.did.jws.KeyCheck`: issuers check
holders' proofs of possession with it, wallets check relying parties' requests.

:func:`zkvct.did.jws.offline_key_check` knows only a DID's implicit owner (its own key, or the
address it names). A DID's owner may have changed on chain, and a signer may also be a live
``sigAuth`` delegate, which only the resolved DID document shows, so this check resolves the DID
(zkvct.did.resolver) and accepts any key of the document's
``authentication`` relationship: the controller's account (the owner; for a DID with no chain
record the resolver replays an empty history, i.e. the implicit owner) or a delegate's account or
published key. A deactivated DID controls nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from .address import address_from_key
from .document import ACCOUNT_NAMESPACE


class DidResolver(Protocol):
    def resolve(self, did_url: str) -> dict[str, Any]: ...


def document_authenticates(document: dict[str, Any], public_key: bytes) -> bool:
    """Whether the compressed ``public_key`` is one of the document's authentication keys."""
    account = ACCOUNT_NAMESPACE + address_from_key(public_key)
    refs = set(document.get("authentication") or [])
    for vm in document.get("verificationMethod") or []:
        if vm.get("id") not in refs:
            continue
        if vm.get("blockchainAccountId") == account:
            return True
        if str(vm.get("publicKeyHex", "")).lower() == public_key.hex():
            return True
    return False


@dataclass
class ResolverKeyCheck:
    """KeyCheck over a did:shr resolver (owner, implicit owner, or live sigAuth delegate)."""

    resolver: DidResolver

    def __call__(self, did: str, public_key: bytes) -> bool:
        result = self.resolver.resolve(did)
        if (result.get("didResolutionMetadata") or {}).get("error"):
            return False
        if (result.get("didDocumentMetadata") or {}).get("deactivated"):
            return False
        return document_authenticates(result.get("didDocument") or {}, public_key)
