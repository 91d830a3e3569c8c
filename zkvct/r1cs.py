"""The R1CS model shared by the circuit compiler, the circom file readers and the prover.

Wire layout (circom's): wire 0 is the constant 1, then public outputs, public inputs, private
inputs, then internal wires. A constraint says ``<A_i, w> * <B_i, w> = <C_i, w>``.

Each of A, B, C is a :class:`SparseMatrix` in CSR form held by numpy arrays, so whole matrices
cross into the native core without a Python loop: ``row_offsets`` (uint64, n_constraints + 1),
``wires`` (uint32, nnz) and ``coeffs`` (uint8, (nnz, 32): little-endian, normal form, < r).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from .field import FR_BYTES, R, first_non_canonical

#: One linear combination as Python data: ``{wire: coefficient}``.
LinearCombination = dict[int, int]


class R1CSError(ValueError):
    """An R1CS is malformed (bad wire index, non-canonical coefficient, wrong shapes)."""


class WitnessError(ValueError):
    """A witness does not fit or does not satisfy an R1CS; the message names the first problem."""


@dataclass(frozen=True)
class SparseMatrix:
    """Rows of linear combinations in CSR form (see module docstring)."""

    row_offsets: np.ndarray
    wires: np.ndarray
    coeffs: np.ndarray

    @property
    def n_rows(self) -> int:
        return int(self.row_offsets.shape[0]) - 1

    @property
    def nnz(self) -> int:
        return int(self.wires.shape[0])

    @classmethod
    def from_rows(cls, rows: Sequence[LinearCombination]) -> "SparseMatrix":
        """Build from ``[{wire: coeff}, ...]``; coefficients are reduced mod r, zero terms dropped."""
        offsets = np.zeros(len(rows) + 1, dtype=np.uint64)
        wires: list[int] = []
        blob = bytearray()
        for i, row in enumerate(rows):
            for wire, coeff in sorted(row.items()):
                c = coeff % R
                if c == 0:
                    continue
                wires.append(wire)
                blob += c.to_bytes(FR_BYTES, "little")
            offsets[i + 1] = len(wires)
        return cls(
            row_offsets=offsets,
            wires=np.asarray(wires, dtype=np.uint32),
            coeffs=np.frombuffer(bytes(blob), dtype=np.uint8).reshape(len(wires), FR_BYTES).copy(),
        )

    def row(self, i: int) -> LinearCombination:
        """Row ``i`` as ``{wire: coeff}`` (for messages and small tools, not hot paths)."""
        lo, hi = int(self.row_offsets[i]), int(self.row_offsets[i + 1])
        raw = self.coeffs[lo:hi].tobytes()
        return {
            int(self.wires[lo + k]): int.from_bytes(raw[k * FR_BYTES:(k + 1) * FR_BYTES], "little")
            for k in range(hi - lo)
        }

    def validate(self, n_wires: int, name: str) -> None:
        if self.row_offsets.dtype != np.uint64 or self.wires.dtype != np.uint32 or self.coeffs.dtype != np.uint8:
            raise R1CSError(f"matrix {name}: wrong dtypes (want uint64 offsets, uint32 wires, uint8 coeffs)")
        if self.coeffs.shape != (self.nnz, FR_BYTES):
            raise R1CSError(f"matrix {name}: coeffs must have shape ({self.nnz}, 32), got {self.coeffs.shape}")
        if self.row_offsets[0] != 0 or self.row_offsets[-1] != self.nnz or np.any(np.diff(self.row_offsets.astype(np.int64)) < 0):
            raise R1CSError(f"matrix {name}: row offsets are not a non-decreasing 0..nnz sequence")
        if self.nnz and int(self.wires.max()) >= n_wires:
            bad = int(np.flatnonzero(self.wires >= n_wires)[0])
            raise R1CSError(f"matrix {name}: term {bad} names wire {int(self.wires[bad])}, but the circuit has {n_wires} wires")
        bad = first_non_canonical(self.coeffs)
        if bad >= 0:
            raise R1CSError(f"matrix {name}: coefficient of term {bad} is not < r")


@dataclass
class R1CS:
    """A rank-1 constraint system over BN254's scalar field, laid out like circom's ``.r1cs``."""

    n_wires: int
    n_pub_out: int
    n_pub_in: int
    n_prv_in: int
    a: SparseMatrix
    b: SparseMatrix
    c: SparseMatrix
    #: label id of each wire (circom's wire -> signal map); defaults to the identity.
    wire_to_label: np.ndarray | None = None
    n_labels: int | None = None
    prime: int = R
    #: optional human-readable names of constraints / wires, for error messages.
    constraint_names: list[str] | None = field(default=None, repr=False)
    wire_names: dict[int, str] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.prime != R:
            raise R1CSError(f"unsupported prime {self.prime}: only BN254's scalar field r = {R} is allowed")
        if self.n_wires < 1 + self.n_public + self.n_prv_in:
            raise R1CSError(
                f"{self.n_wires} wires cannot hold the constant, {self.n_public} public and {self.n_prv_in} private inputs"
            )
        if not (self.a.n_rows == self.b.n_rows == self.c.n_rows):
            raise R1CSError(f"A, B, C have {self.a.n_rows}, {self.b.n_rows}, {self.c.n_rows} rows; they must match")
        for name, m in (("A", self.a), ("B", self.b), ("C", self.c)):
            m.validate(self.n_wires, name)
        if self.wire_to_label is None:
            self.wire_to_label = np.arange(self.n_wires, dtype=np.uint64)
        if self.n_labels is None:
            self.n_labels = int(self.wire_to_label.max()) + 1 if self.n_wires else 0

    @property
    def n_constraints(self) -> int:
        return self.a.n_rows

    @property
    def n_public(self) -> int:
        """Public signals: outputs then inputs (the order of public.json)."""
        return self.n_pub_out + self.n_pub_in

    def wire_name(self, wire: int) -> str:
        if self.wire_names and wire in self.wire_names:
            return f"w{wire} ({self.wire_names[wire]})"
        return f"w{wire}"

    def constraint_name(self, i: int) -> str:
        if self.constraint_names and i < len(self.constraint_names) and self.constraint_names[i]:
            return f"constraint {i} ({self.constraint_names[i]})"
        return f"constraint {i}"

    @classmethod
    def from_rows(
        cls,
        *,
        n_wires: int,
        n_pub_out: int,
        n_pub_in: int,
        n_prv_in: int,
        constraints: Sequence[tuple[LinearCombination, LinearCombination, LinearCombination]],
        **kwargs,
    ) -> "R1CS":
        """Build from ``[(A_i, B_i, C_i), ...]`` with each side a ``{wire: coeff}`` dict."""
        return cls(
            n_wires=n_wires,
            n_pub_out=n_pub_out,
            n_pub_in=n_pub_in,
            n_prv_in=n_prv_in,
            a=SparseMatrix.from_rows([c[0] for c in constraints]),
            b=SparseMatrix.from_rows([c[1] for c in constraints]),
            c=SparseMatrix.from_rows([c[2] for c in constraints]),
            **kwargs,
        )


def check_witness(r1cs: R1CS, witness: np.ndarray) -> None:
    """Raise :class:`WitnessError` naming the first unsatisfied constraint; return if all hold.

    The dot products run in the native core (one pass over the CSR arrays, no Python loop).
    """
    from . import native

    w = np.ascontiguousarray(witness, dtype=np.uint8)
    if w.ndim != 2 or w.shape[1] != FR_BYTES:
        raise WitnessError(f"witness must have shape (n_wires, 32), got {w.shape}")
    if w.shape[0] != r1cs.n_wires:
        raise WitnessError(f"witness has {w.shape[0]} values but the circuit has {r1cs.n_wires} wires")
    bad = first_non_canonical(w)
    if bad >= 0:
        raise WitnessError(f"witness value of {r1cs.wire_name(bad)} is not < r")
    if w[0].tobytes() != (1).to_bytes(FR_BYTES, "little"):
        raise WitnessError("witness wire 0 must be the constant 1")
    first = native.r1cs_first_unsatisfied(
        r1cs.a.row_offsets, r1cs.a.wires, r1cs.a.coeffs,
        r1cs.b.row_offsets, r1cs.b.wires, r1cs.b.coeffs,
        r1cs.c.row_offsets, r1cs.c.wires, r1cs.c.coeffs,
        w,
    )
    if first >= 0:
        terms = sorted(set(r1cs.a.row(first)) | set(r1cs.b.row(first)) | set(r1cs.c.row(first)))
        names = ", ".join(r1cs.wire_name(t) for t in terms[:8]) + (" ..." if len(terms) > 8 else "")
        raise WitnessError(f"witness does not satisfy {r1cs.constraint_name(first)}: A*B != C (wires involved: {names})")
