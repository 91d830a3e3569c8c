"""Groth16 proving keys (``.zkey``) exactly as snarkjs 0.7.6 reads and writes them.

Container magic ``zkey``, version 1. Sections (points in LEM form, see docs/DESIGN.md):

===  ==============  ============================================================================
 id  name            content
===  ==============  ============================================================================
  1  protocol        u32 protocol id (1 = Groth16)
  2  header          u32 n8q, q, u32 n8r, r, u32 nVars, u32 nPublic, u32 domainSize, then
                     alpha1, beta1 (G1), beta2, gamma2 (G2), delta1 (G1), delta2 (G2): this is the
                     order of snarkjs's code (its comment lists another order; the code wins)
  3  IC              nPublic + 1 G1 points: (beta*A_i + alpha*B_i + C_i)(tau) / gamma
  4  coefficients    u32 count, then per entry u32 matrix (0 = A, 1 = B), u32 constraint,
                     u32 signal, 32-byte value stored as ``c * R^2 mod r`` (R = 2^256), so that a
                     Montgomery-form reader that "converts from Montgomery" lands in Montgomery form
  5  A               nVars G1 points A_i(tau)
  6  B1              nVars G1 points B_i(tau)
  7  B2              nVars G2 points B_i(tau)
  8  C (L)           nVars - nPublic - 1 G1 points (beta*A_i + alpha*B_i + C_i)(tau) / delta
  9  H               domainSize G1 points: odd-index Lagrange points of the 2n domain, / delta
 10  contributions   64-byte circuit hash, u32 count, then each contribution (see
                     :class:`Contribution`)
===  ==============  ============================================================================

Reading memory-maps the file; the bulk sections come back as zero-copy ``memoryview`` objects for
the native prover. The header and verification-key points (and contribution keys) are always
fully validated (canonical, on curve, in the subgroup, not infinity); the bulk sections are
validated in the native core unless the caller passes ``trusted=True`` (only for a key that was
already verified or comes from the caller's own store: a key with bad points can make the
prover leak information, so the default is to check).
"""
from __future__ import annotations

import os
import struct
import sys
from array import array
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..curve import G1Point, G2Point, PointError
from ..field import FR_BYTES, Q, R
from .binfile import G1_SIZE, G2_SIZE, BinFile, BinWriter, FormatError, encode_field, parse_bytes, read_binfile, read_field
from .contribution_params import decode_params, encode_params
from .ptau import MAX_POWER

if TYPE_CHECKING:
    import numpy as np

ZKEY_MAGIC = b"zkey"
ZKEY_VERSION = 1
GROTH16_PROTOCOL_ID = 1
HEADER_SIZE = 4 + 32 + 4 + 32 + 12 + 3 * G1_SIZE + 3 * G2_SIZE
#: One coefficient entry: matrix, constraint, signal (u32 each) and a 32-byte value.
COEF_ENTRY_SIZE = 12 + FR_BYTES


@cache
def coef_dtype() -> "np.dtype":
    """A coefficient entry as a numpy structured dtype (built on first use: reading and checking
    a key for the prover needs no numpy, which keeps ``zkvct groth16 prove``'s start-up short)."""
    import numpy as np

    return np.dtype([("matrix", "<u4"), ("constraint", "<u4"), ("signal", "<u4"), ("value", "u1", (FR_BYTES,))])
#: R^2 mod r: section 4 stores a coefficient c as c * R^2 mod r.
R2_MOD_R = pow(2, 512, R)
R2_INV_MOD_R = pow(R2_MOD_R, -1, R)

SECTION_NAMES = {1: "protocol", 2: "header", 3: "IC", 4: "coefficients", 5: "A", 6: "B1", 7: "B2", 8: "C", 9: "H", 10: "contributions"}
#: The order zkey_new.js writes sections in (readers index by id, but we mirror snarkjs).
WRITE_ORDER = (1, 2, 4, 3, 9, 8, 5, 6, 7, 10)


class ZkeyError(FormatError):
    """A .zkey is malformed or inconsistent; the message names the section and the problem."""


@dataclass
class Contribution:
    """One phase-2 contribution as snarkjs records it (section 10)."""

    delta_after: bytes  # G1 LEM
    g1_s: bytes  # G1 LEM
    g1_sx: bytes  # G1 LEM
    g2_spx: bytes  # G2 LEM
    transcript: bytes  # 64 bytes
    type: int = 0  # 0 = contribution, 1 = beacon
    name: str | None = None
    num_iterations_exp: int | None = None
    beacon_hash: bytes | None = None

    def encode(self) -> bytes:
        params = encode_params(self.type, self.name, self.num_iterations_exp, self.beacon_hash)
        return (
            self.delta_after + self.g1_s + self.g1_sx + self.g2_spx + self.transcript
            + struct.pack("<II", self.type, len(params)) + params
        )


@dataclass
class MPCParams:
    """Section 10: the circuit hash (BLAKE2b-512) and the list of phase-2 contributions."""

    cs_hash: bytes
    contributions: list[Contribution] = field(default_factory=list)

    def encode(self) -> bytes:
        if len(self.cs_hash) != 64:
            raise ValueError("cs_hash must be 64 bytes (BLAKE2b-512)")
        return self.cs_hash + struct.pack("<I", len(self.contributions)) + b"".join(c.encode() for c in self.contributions)


@dataclass
class ZkeyHeader:
    """Section 2 in typed form (points as LEM bytes; :meth:`point` decodes one)."""

    n_vars: int
    n_public: int
    domain_size: int
    alpha1: bytes
    beta1: bytes
    beta2: bytes
    gamma2: bytes
    delta1: bytes
    delta2: bytes

    @property
    def power(self) -> int:
        return self.domain_size.bit_length() - 1

    def encode(self) -> bytes:
        return (
            encode_field(Q) + encode_field(R)
            + struct.pack("<III", self.n_vars, self.n_public, self.domain_size)
            + self.alpha1 + self.beta1 + self.beta2 + self.gamma2 + self.delta1 + self.delta2
        )

    def g1(self, name: str) -> G1Point:
        return G1Point.from_lem(getattr(self, name), name)

    def g2(self, name: str) -> G2Point:
        return G2Point.from_lem(getattr(self, name), name)


@dataclass
class Zkey:
    """A Groth16 proving key: header, bulk sections (zero-copy views) and the MPC transcript."""

    header: ZkeyHeader
    ic: memoryview
    coeffs: memoryview  # section 4 payload including its leading u32 count
    a: memoryview
    b1: memoryview
    b2: memoryview
    c: memoryview
    h: memoryview
    mpc: MPCParams
    path: str = "<memory>"
    binfile: BinFile | None = field(default=None, repr=False)

    @property
    def n_coeffs(self) -> int:
        return struct.unpack_from("<I", self.coeffs, 0)[0]

    def coeff_entries(self) -> "np.ndarray":
        """Section 4 entries as a structured numpy array (:func:`coef_dtype`), zero-copy."""
        import numpy as np

        return np.frombuffer(self.coeffs, dtype=coef_dtype(), offset=4)

    def close(self) -> None:
        for view in (self.ic, self.coeffs, self.a, self.b1, self.b2, self.c, self.h):
            view.release()
        if self.binfile is not None:
            self.binfile.close()
            self.binfile = None

    def __enter__(self) -> "Zkey":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
# reading

def _u32s(buf: memoryview, offset: int, n: int) -> tuple[int, ...]:
    return struct.unpack_from(f"<{n}I", buf, offset)


def _validate_points(buf: memoryview, group: int, what: str, allow_infinity: bool) -> None:
    """Check every LEM point in ``buf`` in the native core; re-raise naming the section."""
    from .. import native as _native  # the native facade

    fn = _native.g1_validate if group == 1 else _native.g2_validate
    try:
        fn(buf, allow_infinity)
    except ValueError as exc:
        raise ZkeyError(f"{what}: {exc}") from None


def _parse_header(path: str, payload: memoryview) -> ZkeyHeader:
    if len(payload) != HEADER_SIZE:
        raise ZkeyError(f"{path}: header section is {len(payload)} bytes, a Groth16 header has {HEADER_SIZE}")
    pos = read_field(payload, 0, path=path, field="base field", n8_name="n8q", symbol="q", prime=Q,
                     expected="BN254's (only bn128 keys are supported)", error=ZkeyError)
    pos = read_field(payload, pos, path=path, field="scalar field", n8_name="n8r", symbol="r", prime=R,
                     expected="BN254's", error=ZkeyError)
    n_vars, n_public, domain_size = _u32s(payload, pos, 3)
    if domain_size < 2 or domain_size & (domain_size - 1) or domain_size > 1 << MAX_POWER:
        raise ZkeyError(f"{path}: domainSize {domain_size} is not a power of two in 2..2^{MAX_POWER}")
    if n_vars < 1 or n_public >= n_vars:
        raise ZkeyError(f"{path}: nPublic = {n_public} must be < nVars = {n_vars} (wire 0 is the constant 1)")
    if n_public + 1 > domain_size:
        raise ZkeyError(f"{path}: nPublic = {n_public} does not fit the domain of size {domain_size}")
    pos = 84
    pts = []
    for size in (G1_SIZE, G1_SIZE, G2_SIZE, G2_SIZE, G1_SIZE, G2_SIZE):
        pts.append(bytes(payload[pos:pos + size]))
        pos += size
    return ZkeyHeader(n_vars, n_public, domain_size, *pts)


def _check_header_points(path: str, h: ZkeyHeader) -> None:
    for name, group in (("alpha1", 1), ("beta1", 1), ("beta2", 2), ("gamma2", 2), ("delta1", 1), ("delta2", 2)):
        _validate_points(memoryview(getattr(h, name)), group, f"{path}: header point {name}", allow_infinity=False)


def _parse_mpc(path: str, payload: memoryview, check_points: bool) -> MPCParams:
    if len(payload) < 68:
        raise ZkeyError(f"{path}: contributions section is {len(payload)} bytes, at least 68 needed")
    cs_hash = bytes(payload[:64])
    (n,) = _u32s(payload, 64, 1)
    pos = 68
    contributions = []
    fixed = 3 * G1_SIZE + G2_SIZE + 64 + 8
    for i in range(n):
        if pos + fixed > len(payload):
            raise ZkeyError(f"{path}: contribution {i + 1} of {n} is truncated")
        g1s = [bytes(payload[pos + k * G1_SIZE:pos + (k + 1) * G1_SIZE]) for k in range(3)]
        pos += 3 * G1_SIZE
        g2 = bytes(payload[pos:pos + G2_SIZE])
        pos += G2_SIZE
        transcript = bytes(payload[pos:pos + 64])
        pos += 64
        ctype, plen = _u32s(payload, pos, 2)
        pos += 8
        if ctype not in (0, 1):
            raise ZkeyError(f"{path}: contribution {i + 1} has unknown type {ctype} (0 = contribution, 1 = beacon)")
        if pos + plen > len(payload):
            raise ZkeyError(f"{path}: parameters of contribution {i + 1} are truncated")
        params = decode_params(bytes(payload[pos:pos + plen]), f"{path}: contribution {i + 1}", ZkeyError)
        pos += plen
        # snarkjs decodes names leniently (TextDecoder): a bad byte becomes U+FFFD, not an error
        name = params.name.decode("utf-8", errors="replace") if params.name is not None else None
        c = Contribution(g1s[0], g1s[1], g1s[2], g2, transcript, ctype, name, params.num_iterations_exp, params.beacon_hash)
        if check_points:
            for k, (buf, grp, nm) in enumerate(((c.delta_after, 1, "deltaAfter"), (c.g1_s, 1, "g1_s"), (c.g1_sx, 1, "g1_sx"), (c.g2_spx, 2, "g2_spx"))):
                _validate_points(memoryview(buf), grp, f"{path}: contribution {i + 1} {nm}", allow_infinity=False)
        contributions.append(c)
    if pos != len(payload):
        raise ZkeyError(f"{path}: {len(payload) - pos} unexpected bytes after the {n} contributions")
    return MPCParams(cs_hash, contributions)


def _coef_column(entries: bytes, offset: int, width: int) -> bytearray:
    """Bytes ``offset .. offset + width`` of every entry, packed: ``width`` strided slice copies
    (C loops), not a Python loop over the entries."""
    column = bytearray(len(entries) // COEF_ENTRY_SIZE * width)
    for j in range(width):
        column[j::width] = entries[offset + j::COEF_ENTRY_SIZE]
    return column


def _coef_u32s(entries: bytes, offset: int) -> array:
    values = array("I", _coef_column(entries, offset, 4))
    if sys.byteorder == "big":
        values.byteswap()
    return values


def _check_coeffs(path: str, payload: memoryview, h: ZkeyHeader) -> None:
    """Every entry names matrix A or B, a constraint < domainSize, a signal < nVars and a value < r."""
    if len(payload) < 4:
        raise ZkeyError(f"{path}: coefficients section is {len(payload)} bytes, too short")
    (count,) = _u32s(payload, 0, 1)
    if len(payload) != 4 + count * COEF_ENTRY_SIZE:
        raise ZkeyError(
            f"{path}: coefficients section is {len(payload)} bytes; {count} entries need {4 + count * COEF_ENTRY_SIZE}"
        )
    entries = bytes(payload[4:])
    for offset, limit, label in ((0, 2, "matrix (0 = A, 1 = B)"), (4, h.domain_size, "constraint (< domainSize)"), (8, h.n_vars, "signal (< nVars)")):
        values = _coef_u32s(entries, offset)
        if values and max(values) >= limit:
            k = next(i for i, v in enumerate(values) if v >= limit)  # the error path only
            raise ZkeyError(f"{path}: coefficient {k} has {label} = {values[k]}, allowed below {limit}")
    from ..field import first_non_canonical

    bad_v = first_non_canonical(_coef_column(entries, 12, FR_BYTES))
    if bad_v >= 0:
        raise ZkeyError(f"{path}: coefficient {bad_v} has a value that is not < r")


def _decode(bf: BinFile, trusted: bool) -> Zkey:
    path = bf.path
    proto = bf.section(1, "protocol")
    if len(proto) != 4:
        raise ZkeyError(f"{path}: protocol section is {len(proto)} bytes, expected 4")
    (pid,) = _u32s(proto, 0, 1)
    if pid != GROTH16_PROTOCOL_ID:
        names = {2: "plonk", 10: "fflonk"}
        raise ZkeyError(f"{path}: protocol id {pid} ({names.get(pid, 'unknown')}) is not Groth16 (1)")
    h = _parse_header(path, bf.section(2, "header"))
    _check_header_points(path, h)
    sizes = {
        3: (h.n_public + 1) * G1_SIZE,
        5: h.n_vars * G1_SIZE,
        6: h.n_vars * G1_SIZE,
        7: h.n_vars * G2_SIZE,
        8: (h.n_vars - h.n_public - 1) * G1_SIZE,
        9: h.domain_size * G1_SIZE,
    }
    views = {}
    for sid, want in sizes.items():
        v = bf.section(sid, SECTION_NAMES[sid])
        if len(v) != want:
            raise ZkeyError(
                f"{path}: section {sid} ({SECTION_NAMES[sid]}) is {len(v)} bytes; nVars = {h.n_vars}, "
                f"nPublic = {h.n_public}, domainSize = {h.domain_size} need {want}"
            )
        views[sid] = v
    coeffs = bf.section(4, "coefficients")
    _check_coeffs(path, coeffs, h)
    # The IC points are part of the verification key: always validated.
    _validate_points(views[3], 1, f"{path}: section 3 (IC)", allow_infinity=True)
    if not trusted:
        for sid in (5, 6, 8, 9):
            _validate_points(views[sid], 1, f"{path}: section {sid} ({SECTION_NAMES[sid]})", allow_infinity=True)
        _validate_points(views[7], 2, f"{path}: section 7 (B2)", allow_infinity=True)
    mpc = _parse_mpc(path, bf.section(10, "contributions"), check_points=True)
    return Zkey(h, views[3], coeffs, views[5], views[6], views[7], views[8], views[9], mpc, path=path, binfile=bf)


def read_zkey(path: str | os.PathLike[str], *, trusted: bool = False) -> Zkey:
    """Open and validate a Groth16 ``.zkey``; the caller closes it (or uses ``with``).

    ``trusted=True`` skips the point checks on the bulk sections 5-9 (never on the header, IC or
    contributions): use it only for a key already verified or produced by this machine.
    """
    bf = read_binfile(path, magic=ZKEY_MAGIC, versions=[ZKEY_VERSION])
    try:
        return _decode(bf, trusted)
    except BaseException:
        bf.close()
        raise


def parse_zkey(data: bytes, *, trusted: bool = False, path: str = "<bytes>") -> Zkey:
    """Like :func:`read_zkey` for bytes held in memory (``path`` only names them in messages)."""
    return _decode(parse_bytes(data, magic=ZKEY_MAGIC, versions=[ZKEY_VERSION], path=path), trusted)


# --------------------------------------------------------------------------------------------
# writing

def write_zkey(
    path: str | os.PathLike[str],
    header: ZkeyHeader,
    *,
    ic: bytes | memoryview,
    coeffs: bytes | memoryview,
    a: bytes | memoryview,
    b1: bytes | memoryview,
    b2: bytes | memoryview,
    c: bytes | memoryview,
    h: bytes | memoryview,
    mpc: MPCParams,
) -> None:
    """Write a Groth16 .zkey in snarkjs's section order, atomically (temp file + rename).

    ``coeffs`` is the full section 4 payload (u32 count + entries), as built by
    :func:`encode_coeffs` or taken from another key.
    """
    payloads = {1: struct.pack("<I", GROTH16_PROTOCOL_ID), 2: header.encode(), 3: ic, 4: coeffs, 5: a, 6: b1, 7: b2, 8: c, 9: h, 10: mpc.encode()}
    expected = {
        3: (header.n_public + 1) * G1_SIZE, 5: header.n_vars * G1_SIZE, 6: header.n_vars * G1_SIZE,
        7: header.n_vars * G2_SIZE, 8: (header.n_vars - header.n_public - 1) * G1_SIZE, 9: header.domain_size * G1_SIZE,
    }
    for sid, want in expected.items():
        if len(memoryview(payloads[sid]).cast("B")) != want:
            raise ValueError(f"section {sid} ({SECTION_NAMES[sid]}) has {len(payloads[sid])} bytes, expected {want}")
    with BinWriter(path, magic=ZKEY_MAGIC, version=ZKEY_VERSION, n_sections=len(WRITE_ORDER)) as w:
        for sid in WRITE_ORDER:
            w.section(sid, payloads[sid])


def write_zkey_like(path: str | os.PathLike[str], zk: Zkey, *, header: ZkeyHeader | None = None, mpc: MPCParams | None = None, **sections: bytes | memoryview) -> None:
    """Write ``zk`` to ``path`` with some parts replaced (used by phase-2 contribution code)."""
    parts = {"ic": zk.ic, "coeffs": zk.coeffs, "a": zk.a, "b1": zk.b1, "b2": zk.b2, "c": zk.c, "h": zk.h}
    parts.update(sections)
    write_zkey(path, header or zk.header, mpc=mpc or zk.mpc, **parts)


def encode_coeffs(matrix: "np.ndarray", constraint: "np.ndarray", signal: "np.ndarray", values_r2: "np.ndarray") -> bytes:
    """Section 4 payload from parallel arrays; ``values_r2`` are already ``c * R^2 mod r`` (n, 32) LE."""
    import numpy as np

    n = int(matrix.shape[0])
    e = np.empty(n, dtype=coef_dtype())
    e["matrix"] = matrix
    e["constraint"] = constraint
    e["signal"] = signal
    e["value"] = values_r2.reshape(n, FR_BYTES)
    return struct.pack("<I", n) + e.tobytes()


def is_zkey(path: str | os.PathLike[str]) -> bool:
    with open(Path(path), "rb") as fh:
        return fh.read(4) == ZKEY_MAGIC


__all__ = [
    "Contribution", "MPCParams", "Zkey", "ZkeyError", "ZkeyHeader", "read_zkey", "parse_zkey", "write_zkey",
    "write_zkey_like", "encode_coeffs", "COEF_DTYPE", "R2_MOD_R", "R2_INV_MOD_R", "PointError",
]
