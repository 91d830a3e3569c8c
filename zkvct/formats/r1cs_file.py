"""circom's constraint file ``.r1cs`` (version 1), read into and written from :class:`zkvct.r1cs.R1CS`.

Sections: 1 header (u32 n8, prime, u32 nWires, u32 nPubOut, u32 nPubIn, u32 nPrvIn, u64 nLabels,
u32 nConstraints); 2 constraints (for each: A, B, C as u32 term count then terms of u32 wire +
n8-byte coefficient, little-endian normal form); 3 wire -> label map (u64 per wire). Sections 4
and 5 (PLONK custom gates) are rejected: Groth16 cannot use them.

The reader walks linear combinations only to find where each one starts; wire indices and
coefficients are then gathered with numpy in bulk.
"""
from __future__ import annotations

import os
import struct

import numpy as np

from ..field import FR_BYTES, R, first_non_canonical
from ..r1cs import R1CS, R1CSError, SparseMatrix
from .binfile import BinWriter, FormatError, encode_field, parse_bytes, read_binfile, read_field_header, require_fits

R1CS_MAGIC = b"r1cs"
R1CS_VERSION = 1
_HEADER_TAIL = struct.Struct("<IIIIQI")
_TERM = 4 + FR_BYTES


def _parse_header(bf) -> tuple[int, int, int, int, int, int]:
    return read_field_header(
        bf, label="r1cs", field="scalar field", symbol="r", prime=R, tail=_HEADER_TAIL,
        expected=f"BN254's scalar field r = {R} (compile with --prime bn128)",
    )


def _parse_constraints(path: str, payload: memoryview, n_constraints: int, n_wires: int):
    """Split the constraints section into three CSR matrices."""
    data = np.frombuffer(payload, dtype=np.uint8)
    total = len(data)
    # every linear combination takes at least its 4-byte term count: bound the count by the
    # section before sizing the index arrays by it
    require_fits(path, "nConstraints", n_constraints, total // 12, f"the constraints section is {total} bytes and each constraint needs at least 12")
    n_lcs = 3 * n_constraints
    starts = np.empty(n_lcs, dtype=np.int64)  # byte offset of each LC's first term
    counts = np.empty(n_lcs, dtype=np.int64)
    pos = 0
    unpack = struct.Struct("<I").unpack_from
    for k in range(n_lcs):  # one step per linear combination (3 per constraint), ints only
        if pos + 4 > total:
            raise FormatError(f"{path}: constraints section truncated in constraint {k // 3}")
        (n_terms,) = unpack(payload, pos)
        starts[k] = pos + 4
        counts[k] = n_terms
        pos += 4 + n_terms * _TERM
        if pos > total:
            raise FormatError(f"{path}: constraints section truncated in constraint {k // 3} ({n_terms} terms declared)")
    if pos != total:
        raise FormatError(f"{path}: constraints section has {total - pos} bytes beyond {n_constraints} constraints")
    matrices = []
    for which in range(3):  # A, B, C
        lc_counts = counts[which::3]
        lc_starts = starts[which::3]
        offsets = np.zeros(n_constraints + 1, dtype=np.uint64)
        offsets[1:] = np.cumsum(lc_counts)
        nnz = int(offsets[-1])
        # byte offset of every term: LC start + index within LC * term size
        term_lc = np.repeat(np.arange(n_constraints), lc_counts)
        within = np.arange(nnz, dtype=np.int64) - offsets[:-1].astype(np.int64)[term_lc]
        term_pos = lc_starts[term_lc] + within * _TERM
        wire_bytes = data[term_pos[:, None] + np.arange(4)]
        wires = wire_bytes.copy().view("<u4").reshape(nnz).astype(np.uint32)
        coeffs = data[term_pos[:, None] + 4 + np.arange(FR_BYTES)].astype(np.uint8)
        if nnz and int(wires.max()) >= n_wires:
            bad = int(np.flatnonzero(wires >= n_wires)[0])
            raise FormatError(f"{path}: a term of constraint {int(term_lc[bad])} names wire {int(wires[bad])}; the circuit has {n_wires} wires")
        bad = first_non_canonical(coeffs)
        if bad >= 0:
            raise FormatError(f"{path}: a coefficient in constraint {int(term_lc[bad])} is not < r")
        matrices.append(SparseMatrix(row_offsets=offsets, wires=wires, coeffs=np.ascontiguousarray(coeffs)))
    return matrices


def _decode(bf) -> R1CS:
    for custom in (4, 5):
        if bf.has(custom):
            raise FormatError(f"{bf.path}: has custom-gate section {custom} (PLONK); Groth16 needs a plain R1CS")
    n_wires, n_pub_out, n_pub_in, n_prv_in, n_labels, n_constraints = _parse_header(bf)
    a, b, c = _parse_constraints(bf.path, bf.section(2, "constraints"), n_constraints, n_wires)
    labels = None
    if bf.has(3):
        payload = bf.section(3, "wire to label map")
        if len(payload) != 8 * n_wires:
            raise FormatError(f"{bf.path}: wire map has {len(payload)} bytes; {n_wires} wires need {8 * n_wires}")
        labels = np.frombuffer(payload, dtype="<u8").astype(np.uint64)
    else:
        # R1CS then builds the identity map, 8 bytes per declared wire: only wires the
        # constraints can name (plus the constant) are backed by the file
        terms = a.nnz + b.nnz + c.nnz
        require_fits(bf.path, "nWires", n_wires, terms + 1, f"without a wire map (section 3) every wire but the constant must appear in one of the {terms} terms")
    try:
        return R1CS(
            n_wires=n_wires, n_pub_out=n_pub_out, n_pub_in=n_pub_in, n_prv_in=n_prv_in,
            a=a, b=b, c=c, wire_to_label=labels, n_labels=n_labels,
        )
    except R1CSError as exc:
        raise FormatError(f"{bf.path}: {exc}") from None


def read_r1cs(path: str | os.PathLike[str]) -> R1CS:
    """Read and validate a circom ``.r1cs`` file."""
    with read_binfile(path, magic=R1CS_MAGIC, versions=[R1CS_VERSION]) as bf:
        return _decode(bf)


def parse_r1cs(data: bytes) -> R1CS:
    """Like :func:`read_r1cs` for bytes held in memory."""
    return _decode(parse_bytes(data, magic=R1CS_MAGIC, versions=[R1CS_VERSION]))


def _lc_bytes(m: SparseMatrix) -> list[bytes]:
    """Serialized LCs of every row of ``m`` (count + terms)."""
    nnz = m.nnz
    terms = np.empty((nnz, _TERM), dtype=np.uint8)
    terms[:, :4] = m.wires.astype("<u4").view(np.uint8).reshape(nnz, 4)
    terms[:, 4:] = m.coeffs
    blob = terms.tobytes()
    offs = m.row_offsets.astype(np.int64)
    return [
        struct.pack("<I", int(offs[i + 1] - offs[i])) + blob[int(offs[i]) * _TERM:int(offs[i + 1]) * _TERM]
        for i in range(m.n_rows)
    ]


def write_r1cs(r1cs: R1CS, path: str | os.PathLike[str]) -> None:
    """Write ``r1cs`` as circom ``.r1cs`` v1 (atomically), readable by snarkjs and circom tools."""
    a_rows, b_rows, c_rows = _lc_bytes(r1cs.a), _lc_bytes(r1cs.b), _lc_bytes(r1cs.c)
    constraints = b"".join(x for triple in zip(a_rows, b_rows, c_rows) for x in triple)
    header = (
        encode_field(R)
        + _HEADER_TAIL.pack(r1cs.n_wires, r1cs.n_pub_out, r1cs.n_pub_in, r1cs.n_prv_in, int(r1cs.n_labels), r1cs.n_constraints)
    )
    labels = np.ascontiguousarray(r1cs.wire_to_label, dtype="<u8").tobytes()
    with BinWriter(path, magic=R1CS_MAGIC, version=R1CS_VERSION, n_sections=3) as out:
        # circom's order (constraints, header, map), so a round trip is byte-identical
        out.section(2, constraints)
        out.section(1, header)
        out.section(3, labels)
