"""did:shr identifiers, DID URLs and ShareLedger addresses (pure Python, no node)."""
from __future__ import annotations

import base64
import hashlib

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ecdsa import SECP256k1, SigningKey

from zkvct.did.address import (
    AddressError,
    address_from_key,
    decode_address,
    encode_address,
    validate_compressed_key,
)
from zkvct.did.identifier import (
    DidError,
    did_for_address,
    did_for_key,
    parse_did,
    parse_did_url,
    parse_version_id,
)

SPEC_KEY = "02457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0d9"
SPEC_ADDR = "shareledger1zq5e4w2w552t4slmclezsuxu5jupmpu52ut6vd"


def compressed(sk_int: int) -> bytes:
    """Compressed public key of a private scalar, computed by the independent `ecdsa` package."""
    vk = SigningKey.from_secret_exponent(sk_int, curve=SECP256k1).get_verifying_key()
    return vk.to_string("compressed")


keys = st.integers(min_value=1, max_value=SECP256k1.order - 1).map(compressed)


# -- addresses ---------------------------------------------------------------------------------

def test_cosmjs_vector():
    # cosmjs amino tests: "works for Secp256k1 compressed" (pubkeyToAddress)
    key = base64.b64decode("AtQaCqFnshaZQp6rIkvAPyzThvCvXSDO+9AzbxVErqJP")
    assert address_from_key(key, "cosmos") == "cosmos1h806c7khnvmjlywdrkdgk2vrayy2mmvf9rxk2r"


def test_spec_example_account():
    # the method spec's default document: #controller of did:shr:02457f...d9
    assert address_from_key(bytes.fromhex(SPEC_KEY)) == SPEC_ADDR


def test_address_matches_cosmpy_wallet():
    from zkvct.chain.keys import localnet_wallet

    w = localnet_wallet("alice")
    key = w.public_key().public_key_bytes
    assert address_from_key(key) == str(w.address())


@given(keys)
@settings(max_examples=60, deadline=None)
def test_address_roundtrip(key):
    addr = address_from_key(key)
    raw = decode_address(addr)
    assert len(raw) == 20
    if _has_ripemd():  # independent RIPEMD-160 (OpenSSL) when this Python has it
        assert raw == hashlib.new("ripemd160", hashlib.sha256(key).digest()).digest()
    assert encode_address(raw) == addr


def _has_ripemd() -> bool:
    try:
        hashlib.new("ripemd160")
    except ValueError:
        return False
    return True


@given(keys, st.integers(min_value=0), st.integers(min_value=0, max_value=25))
@settings(max_examples=60, deadline=None)
def test_checksum_catches_one_character_change(key, pos_seed, delta):
    addr = address_from_key(key)
    body_start = len("shareledger1")
    pos = body_start + pos_seed % (len(addr) - body_start)
    charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
    new = charset[(charset.index(addr[pos]) + 1 + delta % 31) % 32]
    assume(new != addr[pos])
    with pytest.raises(AddressError):
        decode_address(addr[:pos] + new + addr[pos + 1:])


@pytest.mark.parametrize("bad, why", [
    ("", "empty"),
    (SPEC_ADDR.upper(), "upper-case"),
    ("cosmos1h806c7khnvmjlywdrkdgk2vrayy2mmvf9rxk2r", "expected 'shareledger'"),
    (encode_address(b"\1" * 20, "shareledger")[:-1] + "q", "not valid bech32"),
])
def test_bad_addresses(bad, why):
    with pytest.raises(AddressError, match=why):
        decode_address(bad)


def test_address_payload_lengths():
    import bech32

    assert len(decode_address(encode_address(b"\7" * 32))) == 32
    odd = bech32.bech32_encode("shareledger", bech32.convertbits(b"\7" * 25, 8, 5))
    with pytest.raises(AddressError, match="25 bytes"):
        decode_address(odd)


def test_key_validation():
    key = bytes.fromhex(SPEC_KEY)
    assert validate_compressed_key(key) == key
    with pytest.raises(AddressError, match="0x02 or 0x03"):
        validate_compressed_key(b"\x05" + key[1:])
    with pytest.raises(AddressError, match="33 bytes"):
        validate_compressed_key(key[:-1])
    with pytest.raises(AddressError, match="compressed form"):
        validate_compressed_key(b"\x04" + bytes(64))
    with pytest.raises(AddressError, match="field prime"):
        validate_compressed_key(b"\x02" + b"\xff" * 32)


@given(st.binary(min_size=32, max_size=32))
@settings(max_examples=200, deadline=None)
def test_on_curve_check_agrees_with_ecdsa(x):
    """Our x^3+7 square test accepts exactly the x that the `ecdsa` package can decompress."""
    key = b"\x02" + x
    try:
        from ecdsa import VerifyingKey

        VerifyingKey.from_string(key, curve=SECP256k1)
        ours_should_accept = True
    except Exception:  # noqa: BLE001 - ecdsa raises several types for bad points
        ours_should_accept = False
    try:
        validate_compressed_key(key)
        accepted = True
    except AddressError:
        accepted = False
    assert accepted == ours_should_accept


# -- DIDs --------------------------------------------------------------------------------------

@given(keys, st.sampled_from([None, "shr", "dvct", "sbt"]), st.booleans(), st.booleans())
@settings(max_examples=80, deadline=None)
def test_key_form_roundtrip(key, token, with_0x, upper):
    hexkey = key.hex().upper() if upper else key.hex()
    text = "did:shr:" + (f"{token}:" if token else "") + ("0x" if with_0x else "") + hexkey
    did = parse_did(text)
    assert did.did == text
    assert did.public_key == key
    assert did.token_type == token
    assert did.address == address_from_key(key)
    assert parse_did(did_for_key(key, token)).public_key == key


@given(keys, st.sampled_from([None, "sbt"]))
@settings(max_examples=40, deadline=None)
def test_address_forms(key, token):
    addr = address_from_key(key)
    d = parse_did(did_for_address(addr, token))
    assert d.public_key is None and d.address == addr and d.token_type == token
    raw_hex = decode_address(addr).hex()
    assert parse_did(f"did:shr:0x{raw_hex}").address == addr


@pytest.mark.parametrize("text, why", [
    ("", "empty DID"),
    ("did:ethr:0x" + SPEC_KEY, "unsupported DID method"),
    ("shr:" + SPEC_KEY, "not a DID"),
    ("did:shr:", "empty method-specific"),
    ("did:shr:nft:" + SPEC_KEY, "unknown token type 'nft'"),
    ("did:shr:sbt:x:" + SPEC_KEY, "too many"),
    ("did:shr:" + SPEC_KEY[:-2], "64 digits"),
    ("did:shr:04" + "11" * 64, "uncompressed"),
    ("did:shr:05" + SPEC_KEY[2:], "0x02 or 0x03"),
    ("did:shr:02" + "ff" * 32, "field prime"),
    ("did:shr:" + SPEC_KEY[:-1] + "g", "neither hex"),
    ("did:shr:" + SPEC_ADDR[:-1] + "x", "bech32"),
    ("did:shr:" + SPEC_KEY + "#controller", "parse_did_url"),
])
def test_bad_dids(text, why):
    with pytest.raises(DidError, match=why):
        parse_did(text)


def test_not_on_curve_key():
    # x = 5: 5^3 + 7 = 132 is not a square mod p
    with pytest.raises(DidError, match="not a point on secp256k1"):
        parse_did("did:shr:02" + (5).to_bytes(32, "big").hex())


def test_did_url():
    u = parse_did_url(f"did:shr:{SPEC_KEY}?versionId=12090175#delegate-1")
    assert u.version_id == 12090175 and u.fragment == "delegate-1" and u.did.public_key.hex() == SPEC_KEY
    assert parse_did_url(f"did:shr:{SPEC_KEY}").version_id is None


@pytest.mark.parametrize("suffix, why", [
    ("?", "empty query"),
    ("?versionId=0", "positive decimal"),
    ("?versionId=01", "leading zeros"),
    ("?versionId=-3", "positive decimal"),
    ("?versionId=1&versionId=2", "given twice"),
    ("?versionId=" + str(2**63), "2\\^63-1"),
    ("?initial-state=abc", "TBD"),
    ("?versionTime=2021-01-01", "unsupported DID URL parameter"),
    ("/path", "path"),
    ("#", "invalid fragment"),
])
def test_bad_did_urls(suffix, why):
    with pytest.raises(DidError, match=why):
        parse_did_url(f"did:shr:{SPEC_KEY}{suffix}")


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_parser_never_crashes(text):
    """Arbitrary text either parses to a consistent DID or raises DidError, nothing else."""
    try:
        u = parse_did_url(text)
    except DidError:
        return
    assert u.did.did.startswith("did:shr:")
    assert decode_address(u.did.address)


@given(st.integers(min_value=1, max_value=2**63 - 1))
def test_version_id_roundtrip(n):
    assert parse_version_id(str(n)) == n


@given(keys, st.sampled_from([None, "sbt"]), st.booleans(), st.integers(min_value=0), st.characters(),
       st.sampled_from(["replace", "insert", "delete"]))
@settings(max_examples=300, deadline=None)
def test_mutated_dids_parse_consistently_or_fail_cleanly(key, token, address_form, pos_seed, char, how):
    """One-character mutations of valid DIDs: a DidError, or a DID whose parts agree with each other."""
    text = did_for_address(address_from_key(key), token) if address_form else did_for_key(key, token)
    pos = pos_seed % (len(text) + (how == "insert"))
    if how == "replace":
        text = text[:pos] + char + text[pos + 1:]
    elif how == "insert":
        text = text[:pos] + char + text[pos:]
    else:
        text = text[:pos] + text[pos + 1:]
    try:
        d = parse_did(text)
    except DidError:
        return
    assert d.did == text
    if d.public_key is not None:
        validate_compressed_key(d.public_key)
        assert d.address == address_from_key(d.public_key)
    else:
        assert len(decode_address(d.address)) in (20, 32)
