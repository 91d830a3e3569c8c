"""ShareLedger addresses and compressed secp256k1 keys: the two things a did:shr identifier names.

A ShareLedger account address is the Cosmos one: ``bech32("shareledger", ripemd160(sha256(key)))``
over the 33-byte compressed secp256k1 public key. Contract addresses (e.g. a multisig owning a DID)
are 32-byte bech32 payloads. Everything here is pure Python and cheap (one square root per key).
"""
from __future__ import annotations

import hashlib

import bech32
from cosmpy.crypto.hashfuncs import ripemd160

from ..errors import ZkvctError

BECH32_PREFIX = "shareledger"

# secp256k1: y^2 = x^3 + 7 over F_p, a group of prime order n
SECP256K1_P = 2**256 - 2**32 - 977
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


class AddressError(ZkvctError, ValueError):
    """A malformed key or address; the message says what is wrong and what is allowed."""


def validate_compressed_key(key: bytes) -> bytes:
    """Check ``key`` is a compressed secp256k1 point (33 bytes, 0x02/0x03, x on the curve)."""
    if len(key) != 33:
        if len(key) == 65 and key[:1] == b"\x04":
            raise AddressError("uncompressed secp256k1 key (65 bytes, 0x04...): did:shr needs the 33-byte compressed form (0x02/0x03 + x)")
        raise AddressError(f"public key is {len(key)} bytes; a compressed secp256k1 key is 33 bytes (0x02/0x03 + 32-byte x)")
    if key[0] not in (2, 3):
        raise AddressError(f"public key starts with 0x{key[0]:02x}; a compressed secp256k1 key starts with 0x02 or 0x03")
    x = int.from_bytes(key[1:], "big")
    if x >= SECP256K1_P:
        raise AddressError("public key x-coordinate is not below the secp256k1 field prime")
    rhs = (pow(x, 3, SECP256K1_P) + 7) % SECP256K1_P
    # Euler's criterion: rhs is a square mod p iff rhs^((p-1)/2) is 1 (or rhs is 0; never for x^3+7)
    if pow(rhs, (SECP256K1_P - 1) // 2, SECP256K1_P) != 1:
        raise AddressError("public key is not a point on secp256k1 (x^3 + 7 has no square root)")
    return bytes(key)


def address_bytes_from_key(key: bytes) -> bytes:
    """The 20-byte account address of a compressed secp256k1 key: ripemd160(sha256(key))."""
    return ripemd160(hashlib.sha256(validate_compressed_key(key)).digest())


def encode_address(raw: bytes, prefix: str = BECH32_PREFIX) -> str:
    """bech32-encode a 20-byte account or 32-byte contract address."""
    if len(raw) not in (20, 32):
        raise AddressError(f"address payload is {len(raw)} bytes; allowed: 20 (account) or 32 (contract)")
    words = bech32.convertbits(raw, 8, 5, True)
    return bech32.bech32_encode(prefix, words)


def address_from_key(key: bytes, prefix: str = BECH32_PREFIX) -> str:
    """``shareledger1...`` address of a compressed secp256k1 public key."""
    return encode_address(address_bytes_from_key(key), prefix)


def decode_address(address: str, prefix: str = BECH32_PREFIX) -> bytes:
    """Validate a bech32 ShareLedger address (checksum, prefix, 20/32-byte payload); return the payload."""
    if not isinstance(address, str) or not address:
        raise AddressError("address is empty")
    if address != address.lower():
        raise AddressError(f"address {address!r} has upper-case letters; ShareLedger addresses are lower-case bech32")
    hrp, words = bech32.bech32_decode(address)
    if hrp is None or words is None:
        raise AddressError(f"{address!r} is not valid bech32 (bad character, length or checksum)")
    if hrp != prefix:
        raise AddressError(f"address {address!r} has prefix {hrp!r}; expected {prefix!r}")
    raw = bech32.convertbits(words, 5, 8, False)
    if raw is None:
        raise AddressError(f"address {address!r} has invalid padding")
    raw = bytes(raw)
    if len(raw) not in (20, 32):
        raise AddressError(f"address {address!r} carries {len(raw)} bytes; allowed: 20 (account) or 32 (contract)")
    return raw


def is_address(address: str, prefix: str = BECH32_PREFIX) -> bool:
    try:
        decode_address(address, prefix)
    except AddressError:
        return False
    return True
