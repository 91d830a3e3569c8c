"""The one reader and writer of snarkjs powers-of-tau files (``.ptau``): container and point sections.

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
  7  contributions              (ceremony transcript; decoded by ``ceremony.records``)
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
validated in bulk here (the Groth16 setup validates exactly the slices it uses, the ceremony's
verifier every point). Section 7 is opaque to this module: its records belong to the ceremony,
which passes its decoder as ``read_ptau(path, records=...)``; the ceremony writes new files with
:func:`ptau_writer` and :func:`encode_header`.
"""
from __future__ import annotations

import os
import struct
from dataclasses import dataclass, field
from typing import Any, Callable

from ..field import Q
from .binfile import G1_SIZE, G2_SIZE, BinFile, BinWriter, FormatError, encode_field, parse_bytes, read_binfile, read_field_header

PTAU_MAGIC = b"ptau"
PTAU_VERSION = 1
#: Bytes of one point of each group, by the names the ceremony kernels use.
POINT_SIZES = {"G1": G1_SIZE, "G2": G2_SIZE}
#: BN254's scalar field has 2-adicity 28: no domain above 2^28 exists.
MAX_POWER = 28
POINT_SECTIONS = (2, 3, 4, 5, 6)
LAGRANGE_SECTIONS = (12, 13, 14, 15)
_HEADER_TAIL = struct.Struct("<II")

SECTION_NAMES = {
    1: "header", 2: "tauG1", 3: "tauG2", 4: "alphaTauG1", 5: "betaTauG1", 6: "betaG2",
    7: "contributions", 12: "lagrange tauG1", 13: "lagrange tauG2", 14: "lagrange alphaTauG1",
    15: "lagrange betaTauG1",
}


class PtauError(FormatError):
    """A .ptau file is malformed, too small for a circuit, or not prepared for phase 2."""


def section_points(power: int) -> dict[int, tuple[str, int]]:
    """Group and point count of the point sections 2-6 in a file of this power."""
    n = 1 << power
    return {2: ("G1", 2 * n - 1), 3: ("G2", n), 4: ("G1", n), 5: ("G1", n), 6: ("G2", 1)}


def lagrange_points(power: int) -> dict[int, tuple[str, int]]:
    """Group and point count of the Lagrange sections 12-15 written by "prepare phase2"."""
    n = 1 << power
    return {12: ("G1", 4 * n - 1), 13: ("G2", 2 * n - 1), 14: ("G1", 2 * n - 1), 15: ("G1", 2 * n - 1)}


def expected_points(section_id: int, power: int) -> int:
    """How many points section ``section_id`` holds in a ptau of ``power``."""
    return {**section_points(power), **lagrange_points(power)}[section_id][1]


def point_size(section_id: int) -> int:
    return G2_SIZE if section_id in (3, 6, 13) else G1_SIZE


def encode_header(power: int, ceremony_power: int) -> bytes:
    """Section 1: the field prelude (n8, q), then power and ceremonyPower."""
    return encode_field(Q) + _HEADER_TAIL.pack(power, ceremony_power)


def ptau_writer(path: str | os.PathLike[str], n_sections: int) -> BinWriter:
    """An atomic writer for a new ``.ptau`` container (the caller writes the sections in order)."""
    return BinWriter(path, magic=PTAU_MAGIC, version=PTAU_VERSION, n_sections=n_sections)


@dataclass
class Ptau:
    """An open .ptau file: header values, zero-copy section views and, when the opener passed a
    records decoder, the decoded section 7 (close it, or use ``with``)."""

    path: str
    power: int
    ceremony_power: int
    binfile: BinFile
    contributions: Any = field(default_factory=list)

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
    def prepared(self) -> bool:
        """Whether "prepare phase2" added the Lagrange sections 12-15."""
        return all(self.binfile.has(s) for s in LAGRANGE_SECTIONS)

    def require_prepared(self) -> None:
        if not self.prepared:
            missing = [s for s in LAGRANGE_SECTIONS if not self.binfile.has(s)]
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
        if section_id not in LAGRANGE_SECTIONS:
            raise ValueError(f"section {section_id} is not a Lagrange section (12-15)")
        top = self.power + 1 if section_id == 12 else self.power
        if not 0 <= k <= top:
            raise PtauError(f"{self.path}: section {section_id} has no level 2^{k} (levels 2^0..2^{top})")
        self.require_prepared()
        size = point_size(section_id)
        n = 1 << k
        return self.section(section_id)[(n - 1) * size:(2 * n - 1) * size]

    def close(self) -> None:
        """Unmap the file (see :meth:`BinFile.close` for views still held elsewhere)."""
        self.binfile.close()

    def __enter__(self) -> "Ptau":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_sizes(bf: BinFile, power: int) -> None:
    """Every point section has exactly the points ``power`` implies (checked before any use)."""
    for sid, (grp, n) in section_points(power).items():
        _check_section_size(bf, sid, grp, n, power)
    present = [s for s in LAGRANGE_SECTIONS if bf.has(s)]
    if present and len(present) != len(LAGRANGE_SECTIONS):
        raise PtauError(f"{bf.path}: only some Lagrange sections present ({present}); a prepared file has all of 12-15")
    if present:
        for sid, (grp, n) in lagrange_points(power).items():
            _check_section_size(bf, sid, grp, n, power)


def _check_section_size(bf: BinFile, sid: int, grp: str, n: int, power: int) -> None:
    got = bf.section_size(sid)
    if got < 0:
        bf.section(sid, SECTION_NAMES[sid])  # raises: missing or repeated
    want = n * POINT_SIZES[grp]
    if got != want:
        raise PtauError(
            f"{bf.path}: section {sid} ({SECTION_NAMES[sid]}) is {got} bytes; {want} expected "
            f"({n} {grp} points at power {power})"
        )


def read_ptau(path: str | os.PathLike[str], *, records: Callable[[memoryview, str], Any] | None = None) -> Ptau:
    """Open a .ptau and check its header (q, power, ceremonyPower) and every point section's size.

    Points are not decoded here (see the module docstring). ``records``, if given, decodes
    section 7 (``records(payload, path)``) into :attr:`Ptau.contributions`.
    """
    return _open(read_binfile(path, magic=PTAU_MAGIC, versions=[PTAU_VERSION]), records)


def parse_ptau(data: bytes | memoryview, *, records: Callable[[memoryview, str], Any] | None = None) -> Ptau:
    """Like :func:`read_ptau` for bytes held in memory."""
    return _open(parse_bytes(data, magic=PTAU_MAGIC, versions=[PTAU_VERSION]), records)


def _open(bf: BinFile, records: Callable[[memoryview, str], Any] | None) -> Ptau:
    try:
        power, ceremony_power = read_field_header(
            bf, label="ptau", field="base field", symbol="q", prime=Q, tail=_HEADER_TAIL, error=PtauError,
            expected="BN254's base field q (only bn128 ptau files are supported)",
        )
        if not 1 <= power <= MAX_POWER:
            raise PtauError(f"{bf.path}: power {power} is out of range; allowed 1..{MAX_POWER}")
        if not power <= ceremony_power <= MAX_POWER:
            raise PtauError(f"{bf.path}: ceremonyPower {ceremony_power} must be between power {power} and {MAX_POWER}")
        _check_sizes(bf, power)
        contributions = records(bf.section(7, SECTION_NAMES[7]), bf.path) if records is not None else []
        return Ptau(path=bf.path, power=power, ceremony_power=ceremony_power, binfile=bf, contributions=contributions)
    except BaseException:
        bf.close()
        raise
