"""Parse and validate did:shr identifiers and DID URLs (method spec, seeds/002).

Grammar (spec, "Method Specific Identifier")::

    shr-did                 = "did:shr:" shr-specific-identifier
    shr-specific-identifier = [ shr-token-type ":" ] ( public-key-hex / address )
    shr-token-type          = "shr" / "dvct" / "sbt"
    public-key-hex          = [ "0x" ] 66*66HEXDIG      ; compressed secp256k1 key
    address                 = bech32 "shareledger1..."  ; or [ "0x" ] 40HEXDIG (raw 20 bytes)

How the spec's loose points are read here (recorded in docs/chain.md):

* The spec's ABNF writes the key with ``0x``, its examples without: both are accepted; HEXDIG is
  case-insensitive (RFC 5234), so upper-case hex is accepted too. The DID string is kept as given
  (it is the document ``id``); the key and address are normalised.
* "The corresponding HEX-encoded ShareLedger address ... prefixed with shareledger" is read as the
  bech32 address (``shareledger1...``, 20-byte account or 32-byte contract); a raw 20-byte address
  in hex (``0x`` + 40 hex digits) is accepted as the same account.
* The token type (``shr`` = VCT, ``dvct``, ``sbt``) labels the identifier; resolution does not depend
  on it. There are no network names in this method: ``did:shr:testnet:...`` is rejected.
* The key must be a real compressed point (on the curve); uncompressed keys are rejected.

DID URLs: ``did[?query][#fragment]`` with the only query parameter ``versionId`` (a block height,
decimal, 1..2^63-1). ``initial-state`` is "TBD" in the spec and therefore rejected, as is any other
parameter; no path component is defined.
"""
from __future__ import annotations

import re
import urllib.parse
from dataclasses import dataclass

from .address import (
    BECH32_PREFIX,
    AddressError,
    address_from_key,
    decode_address,
    encode_address,
    validate_compressed_key,
)

METHOD = "shr"
TOKEN_TYPES = ("shr", "dvct", "sbt")
MAX_VERSION_ID = 2**63 - 1
_HEX = re.compile(r"[0-9a-fA-F]+")


class DidError(AddressError):
    """A malformed did:shr identifier or DID URL (``ValueError`` subclass, CLI exit code 2)."""


@dataclass(frozen=True)
class ShrDid:
    """A validated did:shr identifier.

    ``address`` is the registry identity (the CW1056 key) in bech32; ``public_key`` is set for the
    public-key form only.
    """

    did: str
    token_type: str | None
    public_key: bytes | None
    address: str

    @property
    def is_key_form(self) -> bool:
        return self.public_key is not None

    def __str__(self) -> str:
        return self.did


@dataclass(frozen=True)
class DidUrl:
    """A did:shr DID URL: the DID plus an optional ``versionId`` and fragment."""

    did: ShrDid
    version_id: int | None = None
    fragment: str | None = None


def parse_did(text: str, prefix: str = BECH32_PREFIX) -> ShrDid:
    """Validate a did:shr identifier (no query or fragment); raise :class:`DidError` naming the problem."""
    if not isinstance(text, str):
        raise DidError(f"a DID must be a string, got {type(text).__name__}")
    if not text:
        raise DidError("empty DID; expected did:shr:[shr|dvct|sbt:]<compressed key hex | shareledger address>")
    if any(c in text for c in "?#/"):
        raise DidError(f"{text!r} has a query, fragment or path: pass it to parse_did_url")
    parts = text.split(":")
    if len(parts) < 3 or parts[0] != "did":
        raise DidError(f"{text!r} is not a DID (expected did:shr:...)")
    if parts[1] != METHOD:
        raise DidError(f"unsupported DID method {parts[1]!r}: this resolver handles did:shr only")
    rest = parts[2:]
    token_type = None
    if len(rest) == 2:
        token_type = rest[0]
        if token_type not in TOKEN_TYPES:
            raise DidError(f"unknown token type {token_type!r} in {text!r}; allowed: {', '.join(TOKEN_TYPES)}")
        rest = rest[1:]
    elif len(rest) > 2:
        raise DidError(f"{text!r} has too many ':' segments; expected did:shr:[shr|dvct|sbt:]<id>")
    ident = rest[0]
    if not ident:
        raise DidError(f"{text!r} has an empty method-specific identifier")
    try:
        key, address = _parse_specific_id(ident, prefix)
    except AddressError as exc:
        raise DidError(f"{text!r}: {exc}") from None
    return ShrDid(did=text, token_type=token_type, public_key=key, address=address)


def _parse_specific_id(ident: str, prefix: str) -> tuple[bytes | None, str]:
    if ident.startswith(prefix + "1"):
        decode_address(ident, prefix)
        return None, ident
    body = ident[2:] if ident[:2] in ("0x", "0X") else ident
    if not _HEX.fullmatch(body or "-"):
        raise AddressError(
            "the identifier is neither hex (compressed key: 66 hex digits, address: 40) "
            f"nor a bech32 address starting with '{prefix}1'"
        )
    if len(body) == 66:
        key = validate_compressed_key(bytes.fromhex(body))
        return key, address_from_key(key, prefix)
    if len(body) == 40:
        return None, encode_address(bytes.fromhex(body), prefix)
    if len(body) == 130:
        raise AddressError("uncompressed public key: did:shr needs the compressed form (66 hex digits, 02/03 + x)")
    raise AddressError(
        f"hex identifier has {len(body)} digits; allowed: 66 (compressed secp256k1 key) or 40 (raw account address)"
    )


def parse_did_url(text: str, prefix: str = BECH32_PREFIX) -> DidUrl:
    """Parse ``did:shr:...[?versionId=N][#fragment]``."""
    if not isinstance(text, str) or not text:
        raise DidError("empty DID URL")
    rest, hash_mark, fragment = text.partition("#")
    did_part, q_mark, query = rest.partition("?")
    if "/" in did_part:
        raise DidError(f"{text!r} has a path; did:shr defines no DID URL paths")
    did = parse_did(did_part, prefix)
    version_id = None
    if q_mark:
        if not query:
            raise DidError(f"{text!r} has an empty query; the only parameter is versionId=<block height>")
        seen: set[str] = set()
        for pair in query.split("&"):
            name, eq, value = pair.partition("=")
            name = urllib.parse.unquote(name)
            if name in seen:
                raise DidError(f"query parameter {name!r} given twice in {text!r}")
            seen.add(name)
            if name == "versionId":
                version_id = parse_version_id(urllib.parse.unquote(value) if eq else "")
            elif name == "initial-state":
                raise DidError("the initial-state parameter is not defined by the did:shr spec yet (TBD); not supported")
            else:
                raise DidError(f"unsupported DID URL parameter {name!r}; the only one is versionId=<block height>")
    frag = None
    if hash_mark:
        if not fragment or not re.fullmatch(r"[A-Za-z0-9._~!$&'()*+,;=:@/?%-]+", fragment):
            raise DidError(f"invalid fragment {fragment!r} in {text!r}")
        frag = fragment
    return DidUrl(did=did, version_id=version_id, fragment=frag)


def parse_version_id(value: str) -> int:
    """A versionId: a block height in plain decimal (no sign, no leading zeros), 1..2^63-1."""
    if not re.fullmatch(r"[1-9][0-9]*", value or ""):
        raise DidError(f"versionId {value!r} must be a block height: a positive decimal integer without leading zeros")
    n = int(value)
    if n > MAX_VERSION_ID:
        raise DidError(f"versionId {value} is above the largest block height 2^63-1")
    return n


def did_for_key(key: bytes, token_type: str | None = None) -> str:
    """The public-key form of a did:shr for a compressed secp256k1 key (lower-case hex, no 0x)."""
    validate_compressed_key(key)
    if token_type is not None and token_type not in TOKEN_TYPES:
        raise DidError(f"unknown token type {token_type!r}; allowed: {', '.join(TOKEN_TYPES)}")
    return "did:shr:" + (f"{token_type}:" if token_type else "") + key.hex()


def did_for_address(address: str, token_type: str | None = None) -> str:
    """The address form of a did:shr (bech32 ``shareledger1...``)."""
    decode_address(address)
    if token_type is not None and token_type not in TOKEN_TYPES:
        raise DidError(f"unknown token type {token_type!r}; allowed: {', '.join(TOKEN_TYPES)}")
    return "did:shr:" + (f"{token_type}:" if token_type else "") + address
