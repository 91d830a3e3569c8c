"""did:shr identities for ceremony participants: secp256k1 keys, request and attestation signatures.

A participant is ``did:shr:<compressed secp256k1 public key, hex>`` (the key form of the method,
so the DID carries its own verification key and registration only has to prove possession).

Signatures are ECDSA over SHA-256, 64 bytes r‖s in hex, with low S enforced on both sides (a
high-S twin of a valid signature is rejected, so signatures cannot be mutated). Every state-changing
request signs ``zkvct-ceremony-v2 | ceremony id | METHOD | PATH | timestamp | nonce | sha256(body)``:
the random ceremony id (made at init) binds it to one ceremony, so a request cannot be replayed
to another ceremony of the same admin, and method and path bind it to one endpoint. The
coordinator accepts a timestamp within a window and each nonce once (replay protection).
An attestation signs the canonical JSON of (ceremony name, ceremony id, track, sequence number,
contribution hash, DID): it is the contributor's public statement in the transcript.
"""
from __future__ import annotations

import hashlib
import json
import os
import secrets
from pathlib import Path

from ecdsa import SECP256k1, BadSignatureError, SigningKey, VerifyingKey
from ecdsa.util import sigdecode_string, sigencode_string

from zkvct.did.identifier import did_for_key, parse_did
from zkvct.errors import ZkvctError

_N = SECP256k1.order
DOMAIN = b"zkvct-ceremony-v2"


class SignatureError(ZkvctError, ValueError):
    """A key file, DID or signature is malformed."""


#: the purpose a sealed participant key is bound to (zkvct.sealed: AES-256-GCM under scrypt)
KEY_PURPOSE = "zkvct/ceremony-key"


def new_key(path: str | Path, passphrase: str | None = None) -> SigningKey:
    """Create a key file (mode 0600, written atomically) and return the key.

    With ``passphrase`` (what the CLI always passes) the key is sealed with AES-256-GCM under a
    scrypt-derived key, so it never rests on disk in the clear; without one (library callers
    that manage their own storage, tests) it is written as plain JSON.
    """
    sk = SigningKey.generate(curve=SECP256k1)
    p = Path(path)
    if passphrase is not None:
        from zkvct.sealed import write_sealed

        write_sealed(p, sk.to_string(), passphrase, purpose=KEY_PURPOSE)
        return sk
    tmp = p.with_name(p.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"type": "secp256k1", "private_key": sk.to_string().hex(), "did": did_of(sk)}, fh)
    os.replace(tmp, p)
    return sk


def load_key(path: str | Path, passphrase: str | None = None) -> SigningKey:
    """Read a key file: a sealed envelope (needs ``passphrase``), JSON ``{"private_key": hex}``
    or a bare 64-digit hex string."""
    text = Path(path).read_text().strip()
    if text.startswith("{") and '"sealed"' in text:
        from zkvct.sealed import SealError, unseal

        if passphrase is None:
            raise SignatureError(f"{path} is sealed: give its passphrase ($ZKVCT_CEREMONY_PASSPHRASE or --passphrase-file)")
        try:
            raw = unseal(json.loads(text), passphrase, purpose=KEY_PURPOSE)
        except (SealError, ValueError) as exc:
            raise SignatureError(f"{path}: {exc}") from None
        if len(raw) != 32 or not 0 < int.from_bytes(raw, "big") < _N:
            raise SignatureError(f"{path}: private key must be 32 bytes in 1..n-1 of secp256k1")
        return SigningKey.from_string(raw, curve=SECP256k1)
    try:
        hexkey = json.loads(text)["private_key"] if text.startswith("{") else text
        raw = bytes.fromhex(hexkey[2:] if hexkey.startswith("0x") else hexkey)
    except (ValueError, KeyError, TypeError) as exc:
        raise SignatureError(f"{path}: not a key file (expected JSON with private_key, or 64 hex digits)") from exc
    if len(raw) != 32 or not 0 < int.from_bytes(raw, "big") < _N:
        raise SignatureError(f"{path}: private key must be 32 bytes in 1..n-1 of secp256k1")
    return SigningKey.from_string(raw, curve=SECP256k1)


def compressed_pubkey(sk: SigningKey) -> bytes:
    return sk.get_verifying_key().to_string("compressed")


def did_of(sk: SigningKey) -> str:
    return did_for_key(compressed_pubkey(sk))


def pubkey_of_did(did: str) -> bytes:
    """The compressed key a key-form did:shr carries; raise for other forms."""
    parsed = parse_did(did)
    if parsed.public_key is None:
        raise SignatureError(f"{did}: ceremony participants need the public-key form did:shr:<66 hex digits>")
    return parsed.public_key


def sign(sk: SigningKey, message: bytes) -> str:
    sig = sk.sign_deterministic(message, hashfunc=hashlib.sha256, sigencode=sigencode_string)
    r, s = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
    if s > _N // 2:
        s = _N - s
    return (r.to_bytes(32, "big") + s.to_bytes(32, "big")).hex()


def verify(pubkey: bytes, message: bytes, signature_hex: str) -> bool:
    try:
        sig = bytes.fromhex(signature_hex)
    except ValueError:
        return False
    if len(sig) != 64 or int.from_bytes(sig[32:], "big") > _N // 2:
        return False
    try:
        vk = VerifyingKey.from_string(pubkey, curve=SECP256k1)
        return vk.verify(sig, message, hashfunc=hashlib.sha256, sigdecode=sigdecode_string)
    except (BadSignatureError, ValueError):
        return False


def request_message(ceremony_id: str, method: str, path: str, timestamp: str, nonce: str, body_sha256: str) -> bytes:
    """What a request signs; the body enters by its SHA-256, declared in a header, so the
    coordinator checks the signature before it reads (let alone stores) the body."""
    return b"|".join([DOMAIN, ceremony_id.encode(), method.upper().encode(), path.encode(), timestamp.encode(),
                      nonce.encode(), body_sha256.encode()])


def attestation_message(ceremony: str, ceremony_id: str, track: str, seq: int, contribution_hash: str, did: str) -> bytes:
    body = {"ceremony": ceremony, "ceremony_id": ceremony_id, "track": track, "seq": seq,
            "contribution_hash": contribution_hash, "did": did,
            "statement": "I contributed to this ceremony and destroyed my secret randomness."}
    return DOMAIN + b"|attestation|" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def new_nonce() -> str:
    return secrets.token_hex(16)


def canonical_did(did: str) -> bytes:
    """The key of a participant DID, refusing any spelling but the canonical one.

    One key has exactly one accepted DID string (lower-case hex, no token type), so per-DID
    limits cannot be dodged by re-spelling a DID.
    """
    if not isinstance(did, str) or len(did) > 128:
        raise SignatureError("a participant DID is did:shr:<66 lower-case hex digits> (at most 128 characters)")
    key = pubkey_of_did(did)
    if did_for_key(key) != did:
        raise SignatureError("a participant DID must be written in its canonical form did:shr:<66 lower-case hex digits>")
    try:
        VerifyingKey.from_string(key, curve=SECP256k1)
    except (ValueError, AssertionError) as exc:
        raise SignatureError("the DID's key is not a point of secp256k1") from exc
    return key
