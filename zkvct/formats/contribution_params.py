"""The tagged parameters snarkjs appends to every contribution record, phase 1 (.ptau section 7)
and phase 2 (.zkey section 10) alike.

After a record's u32 type (0 contribution, 1 beacon) and u32 parameter length come the
parameters, each once and in increasing tag order: 1 the contributor's name (u8 length, UTF-8
bytes), 2 the beacon's iteration exponent (u8), 3 the beacon hash (u8 length, bytes). This module
is their one encoder and decoder; the record layouts around them stay with their formats.
"""
from __future__ import annotations

from dataclasses import dataclass

from .binfile import FormatError

NAME, ITERATIONS_EXP, BEACON_HASH = 1, 2, 3
#: snarkjs keeps the first 64 characters of a name.
MAX_NAME_CHARS = 64


@dataclass
class ContributionParams:
    """The decoded parameters; the name stays bytes so each format decodes it its own way."""

    name: bytes | None = None
    num_iterations_exp: int | None = None
    beacon_hash: bytes | None = None


def truncate_name(name: str) -> str:
    """snarkjs keeps the first 64 characters; the encoded length must also fit one byte."""
    name = name[:MAX_NAME_CHARS]
    while len(name.encode("utf-8")) > 255:
        name = name[:-1]
    return name


def encode_params(ctype: int, name: str | None, num_iterations_exp: int | None, beacon_hash: bytes | None) -> bytes:
    """The parameter bytes of a record of type ``ctype`` (without the u32 length before them)."""
    out = bytearray()
    if name:
        raw = truncate_name(name).encode("utf-8")
        out += bytes([NAME, len(raw)]) + raw
    if ctype == 1:
        if num_iterations_exp is None or beacon_hash is None:
            raise ValueError("a beacon contribution needs its iteration exponent and beacon hash")
        out += bytes([ITERATIONS_EXP, num_iterations_exp, BEACON_HASH, len(beacon_hash)]) + beacon_hash
    return bytes(out)


def decode_params(raw: bytes, what: str, error: type[FormatError] = FormatError) -> ContributionParams:
    """Decode strictly: known tags, each once, in increasing order, lengths within ``raw``."""
    out = ContributionParams()
    pos, last = 0, 0
    while pos < len(raw):
        tag = raw[pos]
        pos += 1
        if tag <= last:
            raise error(f"{what}: parameters must appear once each in increasing tag order")
        last = tag
        if tag in (NAME, BEACON_HASH):
            if pos >= len(raw) or pos + 1 + raw[pos] > len(raw):
                raise error(f"{what}: parameter {tag} is truncated")
            n = raw[pos]
            value = raw[pos + 1:pos + 1 + n]
            pos += 1 + n
            if tag == NAME:
                out.name = value
            else:
                out.beacon_hash = value
        elif tag == ITERATIONS_EXP:
            if pos >= len(raw):
                raise error(f"{what}: parameter 2 is truncated")
            out.num_iterations_exp = raw[pos]
            pos += 1
        else:
            raise error(f"{what}: unknown parameter tag {tag}; allowed 1 (name), 2, 3 (beacon)")
    return out
