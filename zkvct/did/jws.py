"""Compact JWS (ES256K) signed by a did:shr key: credentials, proof requests, proofs of possession.

did:shr keys are secp256k1, so every signature here is ES256K (RFC 8812) through joserfc. The
protected header carries ``kid`` = the signer's DID and ``jwk`` = its compressed-point public key
(as an EC JWK): a verifier needs no key lookup to check the signature, only a check that the key
*controls* the DID, which :class:`KeyCheck` answers:

* :func:`offline_key_check`: the DID's own key (public-key form) or the key's address
  (address form). Enough for a DID that never changed owner.
* :class:`RegistryKeyCheck`: asks the CW1056 registry for the identity's current owner, so a DID
  whose owner was changed on chain is only accepted with the new owner's key.

Tokens are size-capped before parsing, ``alg`` is pinned to ES256K (no ``none``, no HMAC
confusion), ``typ`` must match what the caller expects (a request token cannot pass as a
credential), and ``exp``/``nbf``/``iat`` are checked when present.
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey

from ..errors import ZkvctError
from .address import AddressError, address_from_key, validate_compressed_key
from .identifier import DidError, did_for_key, parse_did

ALG = "ES256K"
MAX_TOKEN_BYTES = 64 * 1024
CLOCK_SKEW_SECS = 60


class JwsError(ZkvctError, ValueError):
    """A token is malformed, its signature or key does not check, or it is expired; ``code`` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def new_private_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256K1())


def compressed_public_key(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> bytes:
    pub = key.public_key() if isinstance(key, ec.EllipticCurvePrivateKey) else key
    return pub.public_bytes(Encoding.X962, PublicFormat.CompressedPoint)


def private_key_from_bytes(secret: bytes) -> ec.EllipticCurvePrivateKey:
    """A secp256k1 private key from its 32-byte scalar (what cosmpy and the chain keys hold)."""
    if len(secret) != 32:
        raise JwsError("bad_key", "a secp256k1 private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(secret, "big"), ec.SECP256K1())


def private_key_bytes(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_numbers().private_value.to_bytes(32, "big")


def did_of(key: ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) -> str:
    """The public-key form did:shr of ``key``."""
    return did_for_key(compressed_public_key(key))


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _public_jwk(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    nums = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "secp256k1", "x": _b64(nums.x.to_bytes(32, "big")), "y": _b64(nums.y.to_bytes(32, "big"))}


def sign(payload: dict[str, Any], key: ec.EllipticCurvePrivateKey, did: str, typ: str) -> str:
    """A compact JWS of ``payload`` (JSON) by ``key`` acting for ``did``."""
    header = {"alg": ALG, "typ": typ, "kid": did, "jwk": _public_jwk(key)}
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return jws.serialize_compact(header, body, ECKey.import_key(key), algorithms=[ALG])


class KeyCheck(Protocol):
    def __call__(self, did: str, public_key: bytes) -> bool: ...


def offline_key_check(did: str, public_key: bytes) -> bool:
    """True when ``public_key`` (compressed) is the DID's own key or owns its address."""
    parsed = parse_did(did)
    if parsed.public_key is not None:
        return parsed.public_key == public_key
    return parsed.address == address_from_key(public_key)


@dataclass
class RegistryKeyCheck:
    """Key control per the CW1056 registry: the identity's current owner must be the key's address.

    ``registry`` has ``identity_owner(identity) -> (owner or None, changed)`` (see
    :class:`zkvct.did.resolver.ContractRegistry`).
    """

    registry: Any

    def __call__(self, did: str, public_key: bytes) -> bool:
        parsed = parse_did(did)
        owner, _changed = self.registry.identity_owner(parsed.address)
        if owner is None:  # no record: the DID's implicit owner
            return offline_key_check(did, public_key)
        return owner == address_from_key(public_key)


@dataclass(frozen=True)
class Verified:
    did: str
    public_key: bytes
    header: dict[str, Any]
    payload: dict[str, Any]


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _header_of(token: str) -> dict[str, Any]:
    try:
        header = json.loads(_unb64(token.split(".", 1)[0]))
    except (ValueError, UnicodeDecodeError):
        raise JwsError("malformed", "the token's header is not base64url JSON") from None
    if not isinstance(header, dict):
        raise JwsError("malformed", "the token's header is not a JSON object")
    return header


def _jwk_public_key(jwk: Any) -> tuple[ECKey, bytes]:
    if not isinstance(jwk, dict) or jwk.get("kty") != "EC" or jwk.get("crv") != "secp256k1" or "d" in jwk:
        raise JwsError("bad_key", "header jwk must be a public EC key on secp256k1")
    try:
        key = ECKey.import_key({k: jwk[k] for k in ("kty", "crv", "x", "y")})
        pub = key.raw_value
        if isinstance(pub, ec.EllipticCurvePrivateKey):
            raise JwsError("bad_key", "header jwk must be a public key")
        compressed = validate_compressed_key(compressed_public_key(pub))
    except (JoseError, KeyError, ValueError, TypeError, AddressError) as e:
        if isinstance(e, JwsError):
            raise
        raise JwsError("bad_key", "header jwk is not a valid secp256k1 public key") from None
    return key, compressed


def verify(token: str, *, typ: str, key_check: KeyCheck = offline_key_check, now: float | None = None,
           require: tuple[str, ...] = ()) -> Verified:
    """Check ``token`` and return who signed it and what; raise :class:`JwsError` otherwise."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_BYTES:
        raise JwsError("malformed", f"a token is a string of at most {MAX_TOKEN_BYTES} characters")
    if token.count(".") != 2:
        raise JwsError("malformed", "a compact JWS has three dot-separated parts")
    header = _header_of(token)
    if header.get("alg") != ALG:
        raise JwsError("bad_alg", f"alg must be {ALG}")
    if header.get("typ") != typ:
        raise JwsError("wrong_type", f"typ must be {typ!r}")
    did = header.get("kid")
    if not isinstance(did, str):
        raise JwsError("malformed", "kid must be the signer's did:shr")
    try:
        parse_did(did)
    except DidError as e:
        raise JwsError("bad_did", f"kid is not a did:shr identifier: {e}") from None
    key, compressed = _jwk_public_key(header.get("jwk"))
    try:
        obj = jws.deserialize_compact(token, key, algorithms=[ALG])
    except (JoseError, ValueError):
        raise JwsError("bad_signature", "the signature does not verify under the header's key") from None
    if not key_check(did, compressed):
        raise JwsError("key_not_authorized", f"the signing key does not control {did}")
    try:
        payload = json.loads(obj.payload)
    except (ValueError, UnicodeDecodeError):
        raise JwsError("malformed", "the payload is not JSON") from None
    if not isinstance(payload, dict):
        raise JwsError("malformed", "the payload is not a JSON object")
    for name in require:
        if name not in payload:
            raise JwsError("malformed", f"the payload lacks {name!r}")
    t = time.time() if now is None else now
    for name, ok in (("exp", lambda v: t <= v + CLOCK_SKEW_SECS), ("nbf", lambda v: t + CLOCK_SKEW_SECS >= v),
                     ("iat", lambda v: v <= t + CLOCK_SKEW_SECS)):
        if name in payload:
            value = payload[name]
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**40:
                raise JwsError("malformed", f"{name} must be Unix seconds as an integer")
            if not ok(value):
                raise JwsError("expired" if name == "exp" else "not_yet_valid",
                               f"the token's {name} ({value}) does not admit the current time")
    return Verified(did, compressed, header, payload)


def unverified_payload(token: str) -> dict[str, Any]:
    """The payload without any check: only for showing an error about a token, never for trust."""
    try:
        return json.loads(_unb64(token.split(".")[1]))
    except (ValueError, IndexError, UnicodeDecodeError):
        raise JwsError("malformed", "the token's payload is not base64url JSON") from None


__all__ = ["ALG", "JwsError", "KeyCheck", "RegistryKeyCheck", "Verified", "compressed_public_key", "did_of",
           "new_private_key", "offline_key_check", "private_key_bytes", "private_key_from_bytes", "sign",
           "unverified_payload", "verify"]
