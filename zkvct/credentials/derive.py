"""Every value of docs/protocol.md that the verifier derives rather than takes from the prover.

The contract recomputes the same values (``verifier_contract/.../derive.rs``); the tests pin both
to the same bytes. Relying-party and holder DIDs enter the derivations in their canonical form
(:func:`canonical_did`), so ``did:shr:0x02AB…`` and ``did:shr:02ab…`` name one scope.
"""
from __future__ import annotations

import functools

import hashlib
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from zkvct.did.identifier import DidError, parse_did
from zkvct.field import R
from zkvct.groth16.json_models import Proof

from .encoding import h253, lp, u64be

SCOPE_TAG = "zkvct/scope/v2"
CHALLENGE_TAG = "zkvct/challenge/v2"
HOLDER_SECRET_INFO = b"zkvct/holder-secret/v2"
AUTHORIZE_ACTION = "authorizeVerify"


@functools.lru_cache(maxsize=4096)
def canonical_did(did: str) -> str:
    """The verifier's canonical did:shr: ``did:shr:`` + the compressed key in lower-case hex.

    The contract keys identities by public key, so only the public-key form (no token type) has a
    canonical string; other forms are refused with the reason. Cached: parsing decompresses the
    secp256k1 key (a modular square root), and a relying party canonicalises the same few DIDs
    (its own, its issuers') several times per response; errors are not cached."""
    parsed = parse_did(did)
    if parsed.public_key is None or parsed.token_type is not None:
        raise DidError(f"{did!r}: the protocol needs the public-key form did:shr:<66 hex digits> "
                       "(no token type, no address form)")
    return "did:shr:" + parsed.public_key.hex()


def holder_did_hash(did: str) -> int:
    """``h253(canonical did:shr)``: the ``holder_did_hash`` public input and leaf field."""
    return h253(canonical_did(did).encode("utf-8"))


def scope(relying_party_did: str, statement_id: str) -> int:
    """``h253(lp("zkvct/scope/v2") ‖ lp(relying_party_did) ‖ lp(statement_id))``."""
    return h253(lp(SCOPE_TAG) + lp(canonical_did(relying_party_did)) + lp(statement_id))


@dataclass(frozen=True)
class ProofRequest:
    """A relying party's request: ``expires_at`` in Unix seconds."""

    id: str
    nonce: str
    expires_at: int

    def to_wire(self) -> dict:
        return {"id": self.id, "nonce": self.nonce, "expires_at": self.expires_at}


def challenge(relying_party_did: str, request: ProofRequest) -> int:
    """``h253(lp(tag) ‖ lp(relying_party_did) ‖ lp(id) ‖ lp(nonce) ‖ u64be(expires_at))``."""
    return h253(lp(CHALLENGE_TAG) + lp(canonical_did(relying_party_did)) + lp(request.id) + lp(request.nonce)
                + u64be(request.expires_at))


def proof_hash(proof: Proof) -> bytes:
    """sha256 of the affine proof coordinates in EVM precompile order (A, B with c1 first, C),
    32-byte big-endian each. ``proof`` must have been parsed (coordinates < q)."""
    a, b, c = proof.points()
    coords = (a.x, a.y, b.x[1], b.x[0], b.y[1], b.y[0], c.x, c.y)
    return hashlib.sha256(b"".join(v.to_bytes(32, "big") for v in coords)).digest()


def authorization_sign_bytes(*, chain_id: str, verifier: str, nonce: int, holder_did: str, statement_id: str,
                             relying_party_did: str, request_id: str, proof_hash_bytes: bytes) -> bytes:
    """What a holder signs (sha256, secp256k1) to let the relying party submit its proof on chain,
    in CW1056's signing layout."""
    return (b"\x00" + lp(chain_id) + lp(verifier) + u64be(nonce) + lp(canonical_did(holder_did))
            + lp(AUTHORIZE_ACTION) + lp(statement_id) + lp(canonical_did(relying_party_did)) + lp(request_id)
            + lp(proof_hash_bytes.hex()))


def holder_secret_from_seed(seed: bytes) -> int:
    """``HKDF-SHA256(seed, info="zkvct/holder-secret/v2", 64 bytes) mod r`` (64 bytes: no bias)."""
    if len(seed) < 16:
        raise ValueError(f"the wallet seed must have at least 16 bytes, got {len(seed)}")
    okm = HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=HOLDER_SECRET_INFO).derive(seed)
    return int.from_bytes(okm, "big") % R


__all__ = ["SCOPE_TAG", "CHALLENGE_TAG", "canonical_did", "holder_did_hash", "scope", "ProofRequest", "challenge",
           "proof_hash", "authorization_sign_bytes", "holder_secret_from_seed"]
