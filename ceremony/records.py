"""The phase-1 contribution records: the codec of a ``.ptau``'s section 7, owned by the ceremony.

The container, its header and its point sections are read and written by
:mod:`zkvct.formats.ptau` (the one ``.ptau`` reader); this module only gives section 7 a
meaning. :func:`open_transcript` opens a file with that reader and decodes the records.

A record: τ·G1, τ·G2, α·G1, β·G1, β·G2 (the accumulated values after it, LEM), the public key
(LEM: τ/α/β each s·G1 and s·x·G1, then τ/α/β x·hashToG2 points), the 216-byte BLAKE2b partial
state, the 64-byte next-challenge hash, u32 type (0 contribution, 1 beacon), u32 parameter
length and the tagged parameters that phase-2 records share
(:mod:`zkvct.formats.contribution_params`). Decoding is strict: every point checked, parameters
known and sorted, a name that is valid UTF-8, no slack.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from zkvct.formats.binfile import FormatError
from zkvct.formats.contribution_params import decode_params, encode_params
from zkvct.formats.ptau import G1_SIZE, G2_SIZE, Ptau, read_ptau
from zkvct.curve import G1Point, G2Point


PUBKEY_SIZE = 6 * G1_SIZE + 3 * G2_SIZE
PARTIAL_HASH_SIZE = 216
HASH_SIZE = 64
#: Bytes of a record before its parameters: five points, the key, two hashes, type and length.
RECORD_FIXED_SIZE = 3 * G1_SIZE + 2 * G2_SIZE + PUBKEY_SIZE + PARTIAL_HASH_SIZE + HASH_SIZE + 8


@dataclass
class PubKey:
    """A contribution's proof-of-knowledge keys for τ, α and β (decoded points)."""

    tau_g1_s: G1Point
    tau_g1_sx: G1Point
    alpha_g1_s: G1Point
    alpha_g1_sx: G1Point
    beta_g1_s: G1Point
    beta_g1_sx: G1Point
    tau_g2_spx: G2Point
    alpha_g2_spx: G2Point
    beta_g2_spx: G2Point

    G1_FIELDS = ("tau_g1_s", "tau_g1_sx", "alpha_g1_s", "alpha_g1_sx", "beta_g1_s", "beta_g1_sx")
    G2_FIELDS = ("tau_g2_spx", "alpha_g2_spx", "beta_g2_spx")

    def to_lem(self) -> bytes:
        return b"".join(getattr(self, f).to_lem() for f in self.G1_FIELDS + self.G2_FIELDS)

    def to_uncompressed(self) -> bytes:
        """The form hashed into the response hash (snarkjs ``toPtauPubKeyRpr`` without Montgomery)."""
        return b"".join(getattr(self, f).to_uncompressed() for f in self.G1_FIELDS + self.G2_FIELDS)

    @classmethod
    def from_lem(cls, raw: bytes | memoryview, what: str) -> "PubKey":
        raw = bytes(raw)
        vals: dict[str, object] = {}
        pos = 0
        for f in cls.G1_FIELDS:
            vals[f] = G1Point.from_lem_checked(raw[pos:pos + G1_SIZE], f"{what} key {f}")
            pos += G1_SIZE
        for f in cls.G2_FIELDS:
            vals[f] = G2Point.from_lem_checked(raw[pos:pos + G2_SIZE], f"{what} key {f}")
            pos += G2_SIZE
        return cls(**vals)  # type: ignore[arg-type]


@dataclass
class Contribution:
    """One record of section 7."""

    tau_g1: G1Point
    tau_g2: G2Point
    alpha_g1: G1Point
    beta_g1: G1Point
    beta_g2: G2Point
    key: PubKey
    partial_hash: bytes
    next_challenge: bytes
    type: int = 0
    name: str = ""
    num_iterations_exp: int | None = None
    beacon_hash: bytes | None = None
    index: int = 0  # 1-based position in the file (not stored)

    def response_hash(self) -> bytes:
        """BLAKE2b resumed from the partial state with the public key appended.

        The native core rejects a malformed state with a ValueError naming the bad field.
        """
        from zkvct import native

        return native.blake2b_digest(native.blake2b_update(self.partial_hash, self.key.to_uncompressed()))

    def to_bytes(self) -> bytes:
        out = bytearray()
        out += self.tau_g1.to_lem() + self.tau_g2.to_lem()
        out += self.alpha_g1.to_lem() + self.beta_g1.to_lem() + self.beta_g2.to_lem()
        out += self.key.to_lem()
        if len(self.partial_hash) != PARTIAL_HASH_SIZE or len(self.next_challenge) != HASH_SIZE:
            raise ValueError("contribution hashes have the wrong length")
        out += self.partial_hash + self.next_challenge
        params = encode_params(self.type, self.name, self.num_iterations_exp, self.beacon_hash)
        out += struct.pack("<II", self.type, len(params)) + params
        return bytes(out)


def parse_contributions(raw: bytes | memoryview, path: str = "<ptau>") -> list[Contribution]:
    """Decode section 7 strictly: every point checked, parameters sorted and known, no slack."""
    raw = bytes(raw)
    if len(raw) < 4:
        raise FormatError(f"{path}: contributions section is {len(raw)} bytes, too short for its count")
    (count,) = struct.unpack_from("<I", raw, 0)
    pos = 4
    out: list[Contribution] = []
    for i in range(count):  # a count the bytes cannot back stops at the first missing record
        what = f"{path}: contribution #{i + 1}"
        if pos + RECORD_FIXED_SIZE > len(raw):
            raise FormatError(f"{what} is truncated ({len(raw) - pos} bytes left, at least {RECORD_FIXED_SIZE} needed)")

        def take(n: int) -> bytes:
            nonlocal pos
            b = raw[pos:pos + n]
            pos += n
            return b

        tau_g1 = G1Point.from_lem_checked(take(G1_SIZE), f"{what} tauG1")
        tau_g2 = G2Point.from_lem_checked(take(G2_SIZE), f"{what} tauG2")
        alpha_g1 = G1Point.from_lem_checked(take(G1_SIZE), f"{what} alphaG1")
        beta_g1 = G1Point.from_lem_checked(take(G1_SIZE), f"{what} betaG1")
        beta_g2 = G2Point.from_lem_checked(take(G2_SIZE), f"{what} betaG2")
        key = PubKey.from_lem(take(PUBKEY_SIZE), what)
        partial = take(PARTIAL_HASH_SIZE)
        nxt = take(HASH_SIZE)
        ctype, plen = struct.unpack("<II", take(8))
        if ctype not in (0, 1):
            raise FormatError(f"{what}: unknown contribution type {ctype}; allowed 0 (contribution) or 1 (beacon)")
        if pos + plen > len(raw):
            raise FormatError(f"{what}: parameters declare {plen} bytes but only {len(raw) - pos} remain")
        params = take(plen)
        c = Contribution(tau_g1, tau_g2, alpha_g1, beta_g1, beta_g2, key, partial, nxt, ctype, index=i + 1)
        _parse_params(params, c, what)
        if ctype == 1 and (c.beacon_hash is None or c.num_iterations_exp is None):
            raise FormatError(f"{what}: a beacon record must carry its beacon hash and iteration exponent")
        out.append(c)
    if pos != len(raw):
        raise FormatError(f"{path}: {len(raw) - pos} unexpected bytes after the last contribution")
    return out


def _parse_params(p: bytes, c: Contribution, what: str) -> None:
    params = decode_params(p, what)
    if params.name is not None:
        try:
            c.name = params.name.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FormatError(f"{what}: contributor name is not valid UTF-8") from exc
    c.num_iterations_exp = params.num_iterations_exp
    c.beacon_hash = params.beacon_hash


def encode_contributions(contribs: list[Contribution]) -> bytes:
    return struct.pack("<I", len(contribs)) + b"".join(c.to_bytes() for c in contribs)


def open_transcript(path: str | os.PathLike[str]) -> Ptau:
    """Open a ``.ptau`` with the formats reader and decode its records into ``.contributions``."""
    return read_ptau(path, records=parse_contributions)
