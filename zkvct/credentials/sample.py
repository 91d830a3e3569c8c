"""A sample presentation built the way the protocol builds a real one (``zkvct demo``, tests).

Nothing secret is fixed: every call draws a fresh holder secret, salt and request nonce. The sample
parties are public identifiers only: did:shr DIDs of keys derived from a label, so the demo and
the tests name the same relying party, holder and issuer without holding any of their keys.
"""
from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from circuits.statements.base import CredentialStatement
from circuits.statements.credential import Credential, Registry, sample_credential, sample_registry
from zkvct.did.identifier import did_for_key

from .derive import ProofRequest, challenge, holder_did_hash, scope


def sample_did(label: str) -> str:
    """A public-key did:shr for a label (the key behind it is not kept: sample identifiers only)."""
    scalar = int.from_bytes(hashlib.sha256(b"zkvct/sample-did/" + label.encode()).digest(), "big")
    key = ec.derive_private_key(scalar % (2**255) + 1, ec.SECP256K1()).public_key()
    return did_for_key(key.public_bytes(Encoding.X962, PublicFormat.CompressedPoint))


SAMPLE_RELYING_PARTY_DID = sample_did("relying-party")
SAMPLE_HOLDER_DID = sample_did("holder")
SAMPLE_ISSUER_DID = sample_did("issuer")


@dataclass
class SamplePresentation:
    """Everything a presentation names besides the proof: parties, request, derived publics, witness."""

    statement: CredentialStatement
    statement_id: str
    relying_party_did: str
    holder_did: str
    issuer_did: str
    request: ProofRequest
    today: str
    credential: Credential
    registry: Registry
    input: dict[str, Any] = field(repr=False)


def sample_request(now: int | None = None, ttl_secs: int = 600) -> ProofRequest:
    """A fresh request: random id and nonce, expiring ``ttl_secs`` from ``now``."""
    now = int(time.time()) if now is None else now
    return ProofRequest(id="req-" + secrets.token_hex(8), nonce=secrets.token_hex(16), expires_at=now + ttl_secs)


def sample_presentation(statement: CredentialStatement, *, statement_id: str | None = None, today: str = "2026-11-21",
                        relying_party_did: str = SAMPLE_RELYING_PARTY_DID, holder_did: str = SAMPLE_HOLDER_DID,
                        issuer_did: str = SAMPLE_ISSUER_DID, request: ProofRequest | None = None,
                        registry: Registry | None = None, credential: Credential | None = None,
                        **credential_fields: Any) -> SamplePresentation:
    """Issue a fresh credential to ``holder_did`` and build the input.json answering ``request``
    from ``relying_party_did`` for ``statement_id`` (scope and challenge derived, never chosen)."""
    statement_id = statement_id or statement.name
    request = request or sample_request()
    if credential is None:
        credential = sample_credential(holder_did_hash=holder_did_hash(holder_did), **credential_fields)
    if registry is None:
        registry = sample_registry(credential, statement.depth)
    data = statement.statement_input(credential, registry, today=today, scope=scope(relying_party_did, statement_id),
                                     challenge=challenge(relying_party_did, request))
    return SamplePresentation(statement=statement, statement_id=statement_id, relying_party_did=relying_party_did,
                              holder_did=holder_did, issuer_did=issuer_did, request=request, today=today,
                              credential=credential, registry=registry, input=data)


__all__ = ["sample_did", "SAMPLE_RELYING_PARTY_DID", "SAMPLE_HOLDER_DID", "SAMPLE_ISSUER_DID", "SamplePresentation",
           "sample_request", "sample_presentation"]
