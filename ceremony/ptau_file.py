"""Reading and writing ``.ptau`` files (snarkjs "powers of tau", container version 1).

Sections: 1 header (u32 n8 = 32, q as 32 LE bytes, u32 power, u32 ceremonyPower); 2 τ^i·G1
(2^(p+1) − 1 points); 3 τ^i·G2 (2^p); 4 ατ^i·G1 (2^p); 5 βτ^i·G1 (2^p); 6 β·G2 (1);
7 contributions; 12-15 (only after "prepare phase2") the Lagrange copies of 2-5 for every domain
size 2^0 ... 2^p (section 12 also 2^(p+1)).

A contribution record: τ·G1, τ·G2, α·G1, β·G1, β·G2 (the accumulated values after it, LEM), the
public key (LEM: τ/α/β each s·G1 and s·x·G1, then τ/α/β x·hashToG2 points), the 216-byte
BLAKE2b partial state, the 64-byte next-challenge hash, u32 type (0 contribution, 1 beacon), u32
parameter length and tagged parameters in increasing tag order (1 name, 2 beacon iteration
exponent, 3 beacon hash).

This module owns the ceremony's view of the file (it checks what a verifier needs checked and
writes new files atomically through :class:`zkvct.formats.binfile.BinWriter`); the groth16 side
reads prepared files through :mod:`zkvct.formats.ptau`.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

from zkvct.curve import G1Point, G2Point
from zkvct.field import Q
from zkvct.formats.binfile import BinFile, FormatError, read_binfile

MAGIC = b"ptau"
VERSION = 1
MAX_POWER = 28
G1_SIZE, G2_SIZE = 64, 128
PUBKEY_SIZE = 6 * G1_SIZE + 3 * G2_SIZE
PARTIAL_HASH_SIZE = 216
HASH_SIZE = 64


def section_points(power: int) -> dict[int, tuple[str, int]]:
    """Group and point count of the point sections 2-6 for a file of this power."""
    n = 1 << power
    return {2: ("G1", 2 * n - 1), 3: ("G2", n), 4: ("G1", n), 5: ("G1", n), 6: ("G2", 1)}


def lagrange_points(power: int) -> dict[int, tuple[str, int]]:
    """Group and point count of the Lagrange sections 12-15 written by "prepare phase2"."""
    n = 1 << power
    return {12: ("G1", 4 * n - 1), 13: ("G2", 2 * n - 1), 14: ("G1", 2 * n - 1), 15: ("G1", 2 * n - 1)}


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
        from zkvct import native as _native  # the native facade

        return _native.blake2b_digest(_native.blake2b_update(self.partial_hash, self.key.to_uncompressed()))

    def to_bytes(self) -> bytes:
        out = bytearray()
        out += self.tau_g1.to_lem() + self.tau_g2.to_lem()
        out += self.alpha_g1.to_lem() + self.beta_g1.to_lem() + self.beta_g2.to_lem()
        out += self.key.to_lem()
        if len(self.partial_hash) != PARTIAL_HASH_SIZE or len(self.next_challenge) != HASH_SIZE:
            raise ValueError("contribution hashes have the wrong length")
        out += self.partial_hash + self.next_challenge
        out += struct.pack("<I", self.type)
        params = bytearray()
        if self.name:
            name = truncate_name(self.name).encode("utf-8")
            params += bytes([1, len(name)]) + name
        if self.type == 1:
            if self.num_iterations_exp is None or self.beacon_hash is None:
                raise ValueError("a beacon contribution needs its iteration exponent and beacon hash")
            params += bytes([2, self.num_iterations_exp, 3, len(self.beacon_hash)]) + self.beacon_hash
        out += struct.pack("<I", len(params)) + params
        return bytes(out)


def truncate_name(name: str) -> str:
    """snarkjs keeps the first 64 characters; the encoded length must also fit one byte."""
    name = name[:64]
    while len(name.encode("utf-8")) > 255:
        name = name[:-1]
    return name


def parse_contributions(raw: bytes | memoryview, path: str = "<ptau>") -> list[Contribution]:
    """Decode section 7 strictly: every point checked, parameters sorted and known, no slack."""
    raw = bytes(raw)
    if len(raw) < 4:
        raise FormatError(f"{path}: contributions section is {len(raw)} bytes, too short for its count")
    (count,) = struct.unpack_from("<I", raw, 0)
    pos = 4
    fixed = 3 * G1_SIZE + 2 * G2_SIZE + PUBKEY_SIZE + PARTIAL_HASH_SIZE + HASH_SIZE + 8
    out: list[Contribution] = []
    for i in range(count):
        what = f"{path}: contribution #{i + 1}"
        if pos + fixed > len(raw):
            raise FormatError(f"{what} is truncated ({len(raw) - pos} bytes left, at least {fixed} needed)")

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
    pos, last = 0, 0
    while pos < len(p):
        tag = p[pos]
        pos += 1
        if tag <= last:
            raise FormatError(f"{what}: parameters must appear once each in increasing tag order")
        last = tag
        if tag == 1 or tag == 3:
            if pos >= len(p) or pos + 1 + p[pos] > len(p):
                raise FormatError(f"{what}: parameter {tag} is truncated")
            n = p[pos]
            val = p[pos + 1:pos + 1 + n]
            pos += 1 + n
            if tag == 1:
                try:
                    c.name = val.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise FormatError(f"{what}: contributor name is not valid UTF-8") from exc
            else:
                c.beacon_hash = val
        elif tag == 2:
            if pos >= len(p):
                raise FormatError(f"{what}: parameter 2 is truncated")
            c.num_iterations_exp = p[pos]
            pos += 1
        else:
            raise FormatError(f"{what}: unknown parameter tag {tag}; allowed 1 (name), 2, 3 (beacon)")


def encode_contributions(contribs: list[Contribution]) -> bytes:
    return struct.pack("<I", len(contribs)) + b"".join(c.to_bytes() for c in contribs)


def encode_header(power: int, ceremony_power: int) -> bytes:
    return struct.pack("<I", 32) + Q.to_bytes(32, "little") + struct.pack("<II", power, ceremony_power)


@dataclass
class Ptau:
    """An opened ``.ptau``: header values, section table and decoded contributions."""

    path: str
    bf: BinFile
    power: int
    ceremony_power: int
    contributions: list[Contribution] = field(default_factory=list)

    @property
    def prepared(self) -> bool:
        return all(self.bf.has(s) for s in (12, 13, 14, 15))

    def section(self, sid: int) -> memoryview:
        return self.bf.section(sid)

    def close(self) -> None:
        """Unmap the file; slices still held by a caller keep the mapping alive until released."""
        try:
            self.bf.close()
        except BufferError:
            import gc

            gc.collect()
            try:
                self.bf.close()
            except BufferError:
                pass  # a live memoryview slice still exists; the map closes when it is freed

    def __enter__(self) -> "Ptau":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_ptau(path: str | Path, *, decode_contributions: bool = True) -> Ptau:
    """Open and check the structure of a ``.ptau``: header, section sizes, contributions."""
    bf = read_binfile(path, magic=MAGIC, versions=(VERSION,))
    try:
        p = str(path)
        hdr = bytes(bf.section(1, "header"))
        if len(hdr) != 44:
            raise FormatError(f"{p}: header section is {len(hdr)} bytes; expected 44 (n8, q, power, ceremonyPower)")
        (n8,) = struct.unpack_from("<I", hdr, 0)
        q = int.from_bytes(hdr[4:36], "little")
        power, ceremony_power = struct.unpack_from("<II", hdr, 36)
        if n8 != 32 or q != Q:
            raise FormatError(f"{p}: not a BN254 (bn128) file: n8={n8}, q={q}; only bn128 is supported")
        if not 1 <= power <= MAX_POWER:
            raise FormatError(f"{p}: power {power} out of range; allowed 1..{MAX_POWER}")
        if ceremony_power < power or ceremony_power > MAX_POWER:
            raise FormatError(f"{p}: ceremony power {ceremony_power} must be between power {power} and {MAX_POWER}")
        for sid, (grp, n) in section_points(power).items():
            size = bf.section_size(sid)
            want = n * (G1_SIZE if grp == "G1" else G2_SIZE)
            if size < 0:
                bf.section(sid)  # raises the missing/repeated message
            if size != want:
                raise FormatError(f"{p}: section {sid} is {size} bytes; {want} expected ({n} {grp} points at power {power})")
        lag = [s for s in (12, 13, 14, 15) if bf.has(s)]
        if lag and len(lag) != 4:
            raise FormatError(f"{p}: only some Lagrange sections present ({lag}); a prepared file has all of 12-15")
        if lag:
            for sid, (grp, n) in lagrange_points(power).items():
                want = n * (G1_SIZE if grp == "G1" else G2_SIZE)
                if bf.section_size(sid) != want:
                    raise FormatError(f"{p}: section {sid} is {bf.section_size(sid)} bytes; {want} expected")
        contribs = parse_contributions(bf.section(7, "contributions"), p) if decode_contributions else []
        return Ptau(p, bf, power, ceremony_power, contribs)
    except Exception:
        bf.close()
        raise
