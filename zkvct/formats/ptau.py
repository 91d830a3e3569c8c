"""Reader for snarkjs powers-of-tau files (``.ptau``), as the Groth16 setup consumes them.

Layout (container magic ``ptau``, version 1), with ``p = power`` and points in LEM form (see
docs/DESIGN.md):

===  =========================  ====================================================
 id  content                    points
===  =========================  ====================================================
  1  header                     u32 n8 (=32), q (n8 bytes LE), u32 power, u32 ceremonyPower
  2  tau^i * G1                 2^(p+1) - 1   (G1)
  3  tau^i * G2                 2^p           (G2)
  4  alpha * tau^i * G1         2^p           (G1)
  5  beta * tau^i * G1          2^p           (G1)
  6  beta * G2                  1             (G2)
  7  contributions              (ceremony transcript; parsed by the ceremony code)
 12  L_i(tau) * G1              sum over k = 0..p+1 of 2^k = 2^(p+2) - 1   (G1)
 13  L_i(tau) * G2              sum over k = 0..p of 2^k  = 2^(p+1) - 1    (G2)
 14  alpha * L_i(tau) * G1      2^(p+1) - 1   (G1)
 15  beta * L_i(tau) * G1       2^(p+1) - 1   (G1)
===  =========================  ====================================================

Sections 12-15 ("prepared for phase 2", by ``snarkjs powersoftau prepare phase2``) hold the
Lagrange-basis evaluations for *every* domain size 2^k, concatenated by increasing k, so the
block for domain size n = 2^k starts at point index n - 1. Section 12 also has the level
k = p + 1 (from the 2^(p+1) - 1 tau powers padded with infinity), which Groth16's H points need.

All section accessors return zero-copy views of the memory-mapped file; nothing is decoded or
validated in bulk here (the setup validates exactly the slices it uses, in the native core).
This module is deliberately self-contained: the ceremony code (issue 4) adds writing and
contribution handling next to it and reuses :class:`Ptau` for reading.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass

from ..field import Q
from .binfile import BinFile, FormatError, read_binfile

PTAU_MAGIC = b"ptau"
PTAU_VERSION = 1
G1_SIZE = 64
G2_SIZE = 128
#: BN254's scalar field has 2-adicity 28: no domain above 2^28 exists.
MAX_POWER = 28

SECTION_NAMES = {
    1: "header", 2: "tauG1", 3: "tauG2", 4: "alphaTauG1", 5: "betaTauG1", 6: "betaG2",
    7: "contributions", 12: "lagrange tauG1", 13: "lagrange tauG2", 14: "lagrange alphaTauG1",
    15: "lagrange betaTauG1",
}


class PtauError(FormatError):
    """A .ptau file is malformed, too small for a circuit, or not prepared for phase 2."""


def expected_points(section_id: int, power: int) -> int:
    """How many points section ``section_id`` holds in a ptau of ``power``."""
    return {
        2: 2 ** (power + 1) - 1,
        3: 2 ** power,
        4: 2 ** power,
        5: 2 ** power,
        6: 1,
        12: 2 ** (power + 2) - 1,
        13: 2 ** (power + 1) - 1,
        14: 2 ** (power + 1) - 1,
        15: 2 ** (power + 1) - 1,
    }[section_id]


def point_size(section_id: int) -> int:
    return G2_SIZE if section_id in (3, 6, 13) else G1_SIZE


@dataclass
class Ptau:
    """An open .ptau file: header values and zero-copy section views (call :meth:`close`)."""

    path: str
    power: int
    ceremony_power: int
    binfile: BinFile

    # --- plain sections ---
    def section(self, section_id: int) -> memoryview:
        return self.binfile.section(section_id, SECTION_NAMES.get(section_id, ""))

    def tau_g1(self) -> memoryview:
        return self.section(2)

    def tau_g2(self) -> memoryview:
        return self.section(3)

    def alpha_tau_g1(self) -> memoryview:
        return self.section(4)

    def beta_tau_g1(self) -> memoryview:
        return self.section(5)

    def beta_g2(self) -> memoryview:
        return self.section(6)

    # --- phase 2 ---
    @property
    def is_prepared(self) -> bool:
        return all(self.binfile.has(s) for s in (12, 13, 14, 15))

    def require_prepared(self) -> None:
        if not self.is_prepared:
            missing = [s for s in (12, 13, 14, 15) if not self.binfile.has(s)]
            raise PtauError(
                f"{self.path}: this .ptau is not prepared for phase 2 (sections {missing} missing): "
                "run `zkvct powersoftau prepare phase2 IN OUT` or `snarkjs powersoftau prepare phase2 IN OUT` first"
            )

    def require_power(self, needed: int, why: str = "") -> None:
        """Raise unless this ptau supports domains of size 2^needed."""
        if needed > self.power:
            raise PtauError(
                f"{self.path}: power {self.power} is too small for a circuit needing 2^{needed}"
                + (f" ({why})" if why else "")
                + f": use a .ptau of power >= {needed}"
            )

    def lagrange(self, section_id: int, k: int) -> memoryview:
        """The block of section 12-15 for domain size 2^k: 2^k points starting at point 2^k - 1."""
        if section_id not in (12, 13, 14, 15):
            raise ValueError(f"section {section_id} is not a Lagrange section (12-15)")
        top = self.power + 1 if section_id == 12 else self.power
        if not 0 <= k <= top:
            raise PtauError(f"{self.path}: section {section_id} has no level 2^{k} (levels 2^0..2^{top})")
        self.require_prepared()
        size = point_size(section_id)
        n = 1 << k
        return self.section(section_id)[(n - 1) * size:(2 * n - 1) * size]

    def close(self) -> None:
        self.binfile.close()

    def __enter__(self) -> "Ptau":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_ptau(path: str | os.PathLike[str]) -> Ptau:
    """Open a .ptau, check the header (q, power) and every present section's size.

    Points are not decoded here; see the module docstring.
    """
    bf = read_binfile(path, magic=PTAU_MAGIC, versions=[PTAU_VERSION])
    try:
        header = bytes(bf.section(1, "header"))  # a copy: no view may outlive a failed open
        if len(header) < 4:
            raise PtauError(f"{bf.path}: header section is {len(header)} bytes, too short")
        (n8,) = struct.unpack_from("<I", header, 0)
        if n8 != 32:
            raise PtauError(f"{bf.path}: field element size {n8} bytes; only 32 (BN254, q) is supported")
        if len(header) != 4 + n8 + 8:
            raise PtauError(f"{bf.path}: header section is {len(header)} bytes, expected {12 + n8}")
        q = int.from_bytes(header[4:4 + n8], "little")
        if q != Q:
            raise PtauError(f"{bf.path}: prime {q} is not BN254's base field q (only bn128 ptau files are supported)")
        power, ceremony_power = struct.unpack_from("<II", header, 4 + n8)
        if not 1 <= power <= MAX_POWER:
            raise PtauError(f"{bf.path}: power {power} is out of range (1..{MAX_POWER})")
        if ceremony_power > MAX_POWER or ceremony_power < power:
            raise PtauError(f"{bf.path}: ceremonyPower {ceremony_power} is inconsistent with power {power}")
        for sid in (2, 3, 4, 5, 6, 12, 13, 14, 15):
            if not bf.has(sid):
                if sid <= 6:
                    raise PtauError(f"{bf.path}: section {sid} ({SECTION_NAMES[sid]}) is missing")
                continue
            want = expected_points(sid, power) * point_size(sid)
            got = bf.section_size(sid)
            if got < 0:
                bf.section(sid, SECTION_NAMES[sid])  # raises: repeated section
            if got != want:
                raise PtauError(
                    f"{bf.path}: section {sid} ({SECTION_NAMES[sid]}) is {got} bytes; power {power} needs "
                    f"{expected_points(sid, power)} points = {want} bytes"
                )
        return Ptau(path=bf.path, power=power, ceremony_power=ceremony_power, binfile=bf)
    except Exception:
        safe_close(bf)
        raise


def safe_close(bf: BinFile) -> None:
    """Close after a failed open; if a traceback still holds section views, leave the mapping
    to the garbage collector instead of masking the real error with a BufferError."""
    try:
        bf.close()
    except BufferError:
        pass
