"""Groth16 setup: a snarkjs-compatible ``.zkey`` from an R1CS and a prepared ``.ptau``.

This follows snarkjs 0.7.6 ``zkey_new.js`` step for step, so that ``snarkjs zkey verify`` accepts
the result (it rebuilds the key itself and demands byte-identical sections 3-7 and the same
circuit hash):

* ``nPublic`` = outputs + public inputs; the domain is ``n = 2^k`` with
  ``k = floor(log2(nConstraints + nPublic)) + 1``;
* nPublic + 1 extra constraints ``(1 * w_s) * 0 = 0`` for s = 0..nPublic (rows m..m+nPublic of
  A), which make the IC points linearly independent (the known fix for Groth16 malleability of
  public inputs);
* with ``L_i`` the ptau's Lagrange points for domain n (sections 12-15 at level k):
  ``A_w = sum_i A_iw L_i``, ``B1_w``/``B2_w`` likewise in G1/G2, and
  ``IC_w`` (w <= nPublic) / ``C_w`` (w > nPublic) = ``sum_i (A_iw betaL_i + B_iw alphaL_i + C_iw L_i)``;
  gamma = delta = 1 in a fresh key (phase 2 contributions change delta);
* ``H_i`` = the odd-index Lagrange points of the 2n domain (section 12 at level k + 1);
* section 4 lists A then B terms per constraint, then the extra rows, values as ``c * R^2 mod r``;
* the circuit hash: BLAKE2b-512 over the header points, then each point section (with a big-endian
  u32 count first) in snarkjs's order IC, H, C, A, B1, B2, all in "uncompressed" form; for H
  snarkjs hashes ``(tau^(i+n) - tau^i) * G1`` for i < n - 1 (from section 2), not the H section.

All point work runs in the native core (sparse linear combinations, encodings); Python only
builds index arrays with numpy.

:func:`dev_setup` is an INSECURE single-party setup for tests and benchmarks: it samples tau,
alpha, beta, gamma, delta in memory (never written anywhere) and builds the same sections from
them. Anyone who knew those values could forge proofs; it exists so tests need no ceremony.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import struct
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..errors import ZkvctError
from ..field import FR_BYTES, Q, R
from ..formats.ptau import Ptau, read_ptau
from ..formats.zkey import MPCParams, ZkeyHeader, encode_coeffs, write_zkey
from ..r1cs import R1CS

Progress = Callable[[str], None]


class SetupError(ZkvctError, ValueError):
    """The circuit and the ptau do not fit together (size, preparation, field)."""


def circuit_power(r1cs: R1CS) -> int:
    """snarkjs's domain exponent: ``floor(log2(nConstraints + nPublic)) + 1``."""
    total = r1cs.n_constraints + r1cs.n_public
    return max(total, 1).bit_length()


# ---------------------------------------------------------------------------------------------
# numpy helpers (index bookkeeping only; no per-point Python loops)

_ONE = (1).to_bytes(FR_BYTES, "little")
_Q_LIMBS = np.array([(Q >> (64 * i)) & ((1 << 64) - 1) for i in range(4)], dtype=np.uint64)


def g1_negate_lem(buf: bytes | memoryview) -> np.ndarray:
    """Negate LEM G1 points: y -> q - y on the raw Montgomery limbs ((-y)R = q - yR mod q).

    Vectorised 4-limb subtraction with borrow; infinity (all zeros) stays infinity.
    """
    pts = np.frombuffer(buf, dtype="<u8").reshape(-1, 8).copy()
    y = pts[:, 4:8]
    zero = ~np.any(pts != 0, axis=1)
    out = np.empty_like(y)
    borrow = np.zeros(y.shape[0], dtype=np.uint64)
    for i in range(4):  # four limbs, vectorised over all points
        qi = _Q_LIMBS[i]
        out[:, i] = qi - y[:, i] - borrow
        borrow = ((y[:, i] > qi) | ((y[:, i] == qi) & (borrow == 1))).astype(np.uint64)
    pts[:, 4:8] = np.where(zero[:, None], y, out)
    return pts.view(np.uint8).reshape(-1, 64)


def _csr_append_identity(offsets: np.ndarray, wires: np.ndarray, coeffs: np.ndarray, n_extra: int):
    """Append rows ``i`` = {wire i: 1} for i < n_extra to a CSR matrix."""
    nnz = int(offsets[-1])
    offs = np.concatenate([offsets.astype(np.uint64), nnz + np.arange(1, n_extra + 1, dtype=np.uint64)])
    ws = np.concatenate([wires.astype(np.uint32), np.arange(n_extra, dtype=np.uint32)])
    ones = np.tile(np.frombuffer(_ONE, dtype=np.uint8), (n_extra, 1))
    cs = np.concatenate([coeffs.reshape(-1, FR_BYTES), ones]) if nnz else ones
    return offs, ws, np.ascontiguousarray(cs)


def _csr_pad(offsets: np.ndarray, n_rows: int) -> np.ndarray:
    """Extend CSR row offsets with empty rows up to ``n_rows``."""
    have = offsets.shape[0] - 1
    if have > n_rows:
        raise SetupError(f"{have} rows do not fit a domain of {n_rows}")
    return np.concatenate([offsets.astype(np.uint64), np.full(n_rows - have, offsets[-1], dtype=np.uint64)])


def _csr_stack(parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]]):
    """Stack CSR matrices vertically (rows of the second follow the first...)."""
    offs, ws, cs = [np.zeros(1, dtype=np.uint64)], [], []
    base = 0
    for o, w, c in parts:
        offs.append(o[1:].astype(np.uint64) + np.uint64(base))
        ws.append(w.astype(np.uint32))
        cs.append(c.reshape(-1, FR_BYTES))
        base += int(o[-1])
    return np.concatenate(offs), np.concatenate(ws), np.ascontiguousarray(np.concatenate(cs))


def coeffs_times_r2(values: np.ndarray) -> np.ndarray:
    """``c * R^2 mod r`` for an (n, 32) array of canonical scalars (section 4's storage form).

    Circuits repeat few distinct coefficients, so the modular products are computed once per
    distinct value (np.unique) and scattered back with numpy indexing.
    """
    v = np.ascontiguousarray(values, dtype=np.uint8).reshape(-1, FR_BYTES)
    if v.shape[0] == 0:
        return v.copy()
    rows = v.view(np.dtype((np.void, FR_BYTES))).ravel()  # one opaque 32-byte key per row: fast sort
    uniq, inverse = np.unique(rows, return_inverse=True)
    r2 = pow(2, 512, R)
    raw = uniq.tobytes()
    conv = b"".join(
        (int.from_bytes(raw[i * FR_BYTES:(i + 1) * FR_BYTES], "little") * r2 % R).to_bytes(FR_BYTES, "little")
        for i in range(uniq.shape[0])
    )
    table = np.frombuffer(conv, dtype=np.uint8).reshape(-1, FR_BYTES)
    return np.ascontiguousarray(table[inverse.reshape(-1)])


def build_coeffs_section(r1cs: R1CS) -> bytes:
    """Section 4: per constraint its A terms then its B terms (file order), then the extra rows."""
    m, npub = r1cs.n_constraints, r1cs.n_public
    parts = []
    for mat_id, mat in ((0, r1cs.a), (1, r1cs.b)):
        counts = np.diff(mat.row_offsets.astype(np.int64))
        rows = np.repeat(np.arange(m, dtype=np.uint32), counts)
        parts.append((np.full(mat.nnz, mat_id, dtype=np.uint32), rows, mat.wires.astype(np.uint32), mat.coeffs.reshape(-1, FR_BYTES)))
    matrix = np.concatenate([parts[0][0], parts[1][0]])
    constraint = np.concatenate([parts[0][1], parts[1][1]])
    signal = np.concatenate([parts[0][2], parts[1][2]])
    values = np.concatenate([parts[0][3], parts[1][3]])
    order = np.lexsort((matrix, constraint))  # stable: keeps each LC's own term order
    extra = npub + 1
    matrix = np.concatenate([matrix[order], np.zeros(extra, dtype=np.uint32)])
    constraint = np.concatenate([constraint[order], np.arange(m, m + extra, dtype=np.uint32)])
    signal = np.concatenate([signal[order], np.arange(extra, dtype=np.uint32)])
    values = np.concatenate([values[order], np.tile(np.frombuffer(_ONE, dtype=np.uint8), (extra, 1))])
    return encode_coeffs(matrix, constraint, signal, coeffs_times_r2(values))


# ---------------------------------------------------------------------------------------------
# composition shared by the ptau setup and the dev setup

@dataclass
class Sources:
    """The point material a setup needs for domain n (all LEM bytes, n points each unless noted)."""

    lag_g1: bytes | memoryview
    lag_g2: bytes | memoryview
    lag_alpha_g1: bytes | memoryview
    lag_beta_g1: bytes | memoryview
    h_points: bytes | memoryview  # odd-index Lagrange points of the 2n domain
    tau_g1_2n: bytes | memoryview  # tau^i G1 for i < 2n - 1 (for the circuit hash)
    alpha1: bytes
    beta1: bytes
    beta2: bytes


@dataclass
class Composed:
    ic: bytes
    c: bytes
    a: bytes
    b1: bytes
    b2: bytes
    h: bytes
    coeffs: bytes


def compose(r1cs: R1CS, src: Sources, n: int, *, trusted: bool = False, progress: Progress | None = None) -> Composed:
    """Sections 3-9 from the Lagrange material (see module docstring)."""
    from .. import native

    say = progress or (lambda _s: None)
    npub, nvars, m = r1cs.n_public, r1cs.n_wires, r1cs.n_constraints
    if m + npub + 1 > n:
        raise SetupError(f"{m} constraints + {npub + 1} public rows do not fit the domain of size {n}")
    a_ext = _csr_append_identity(r1cs.a.row_offsets, r1cs.a.wires, r1cs.a.coeffs, npub + 1)
    # the extra rows sit at m..m+npub: insert them after the m constraint rows (already the case)
    say("A points")
    a = native.g1_sparse_lincomb(src.lag_g1, *a_ext, nvars)
    b_csr = (r1cs.b.row_offsets, r1cs.b.wires, r1cs.b.coeffs)
    say("B1 points")
    b1 = native.g1_sparse_lincomb(src.lag_g1, *b_csr, nvars)
    say("B2 points")
    b2 = native.g2_sparse_lincomb(src.lag_g2, *b_csr, nvars, trusted=trusted)
    say("IC and C points")
    stacked_points = b"".join(bytes(x) for x in (src.lag_beta_g1, src.lag_alpha_g1, src.lag_g1))
    stacked = _csr_stack([
        (_csr_pad(a_ext[0], n), a_ext[1], a_ext[2]),
        (_csr_pad(r1cs.b.row_offsets, n), r1cs.b.wires, r1cs.b.coeffs),
        (_csr_pad(r1cs.c.row_offsets, n), r1cs.c.wires, r1cs.c.coeffs),
    ])
    l_all = native.g1_sparse_lincomb(stacked_points, *stacked, nvars)
    ic, c = l_all[:64 * (npub + 1)], l_all[64 * (npub + 1):]
    say("coefficients")
    coeffs = build_coeffs_section(r1cs)
    return Composed(ic=ic, c=c, a=a, b1=b1, b2=b2, h=bytes(src.h_points), coeffs=coeffs)


def _g2_uncompressed_trusted(points: bytes) -> bytes:
    """LEM -> uncompressed for G2 points this process just computed (already in the subgroup).

    The native conversion's subgroup check on decode was ~80% of a setup's time; the trusted
    conversion skips it (coordinates and the curve equation are still checked).
    """
    from .. import native

    return native.lem_to_uncompressed("G2", points)


def circuit_hash(src: Sources, comp: Composed, n: int, gamma2: bytes, delta1: bytes, delta2: bytes) -> bytes:
    """snarkjs's csHash (BLAKE2b-512) of a fresh key; see the module docstring for the layout."""
    from .. import native

    hs = hashlib.blake2b(digest_size=64)
    hs.update(native.g1_to_uncompressed(src.alpha1))
    hs.update(native.g1_to_uncompressed(src.beta1))
    hs.update(native.g2_to_uncompressed(src.beta2))
    hs.update(native.g2_to_uncompressed(gamma2))
    hs.update(native.g1_to_uncompressed(delta1))
    hs.update(native.g2_to_uncompressed(delta2))

    def section(count: int, points: bytes, g2: bool = False) -> None:
        hs.update(struct.pack(">I", count))
        if count:
            hs.update(_g2_uncompressed_trusted(points) if g2 else native.g1_to_uncompressed(points))

    section(len(comp.ic) // 64, comp.ic)
    # H: (tau^(i+n) - tau^i) G1 for i < n - 1, as sums with negated points (coefficient 1 = adds)
    tau = memoryview(src.tau_g1_2n).cast("B")
    upper = bytes(tau[64 * n:64 * (2 * n - 1)])
    lower_neg = g1_negate_lem(tau[:64 * (n - 1)]).tobytes()
    k = n - 1
    offs = np.arange(2 * k + 1, dtype=np.uint64)
    wires = np.concatenate([np.arange(k, dtype=np.uint32), np.arange(k, dtype=np.uint32)])
    ones = np.tile(np.frombuffer(_ONE, dtype=np.uint8), (2 * k, 1))
    diffs = native.g1_sparse_lincomb(upper + lower_neg, offs, wires, ones, k) if k else b""
    section(k, diffs)
    section(len(comp.c) // 64, comp.c)
    section(len(comp.a) // 64, comp.a)
    section(len(comp.b1) // 64, comp.b1)
    section(len(comp.b2) // 128, comp.b2, g2=True)
    return hs.digest()


# ---------------------------------------------------------------------------------------------
# setup from a prepared ptau

def sources_from_ptau(ptau: Ptau, k: int) -> Sources:
    """Zero-copy slices of the ptau for domain 2^k (sections 12-15, 2, 4, 5, 6)."""
    ptau.require_prepared()
    n = 1 << k
    return Sources(
        lag_g1=ptau.lagrange(12, k),
        lag_g2=ptau.lagrange(13, k),
        lag_alpha_g1=ptau.lagrange(14, k),
        lag_beta_g1=ptau.lagrange(15, k),
        h_points=np.frombuffer(ptau.lagrange(12, k + 1), dtype=np.uint8).reshape(2 * n, 64)[1::2].tobytes(),
        tau_g1_2n=ptau.tau_g1()[:64 * (2 * n - 1)],
        alpha1=bytes(ptau.alpha_tau_g1()[:64]),
        beta1=bytes(ptau.beta_tau_g1()[:64]),
        beta2=bytes(ptau.beta_g2()[:128]),
    )


def setup(r1cs: R1CS, ptau_path: str | os.PathLike[str], zkey_path: str | os.PathLike[str], *, trusted_ptau: bool = False, progress: Progress | None = None) -> bytes:
    """Write a fresh Groth16 ``.zkey`` (no contributions); return its circuit hash (64 bytes).

    ``trusted_ptau`` skips the G2 subgroup checks on the ptau slices used (for a ptau that was
    verified with ``powersoftau verify``); G1 points are always checked (cheap).
    """
    from .. import native

    say = progress or (lambda _s: None)
    k = circuit_power(r1cs)
    with read_ptau(ptau_path) as ptau:
        ptau.require_prepared()
        ptau.require_power(k, f"{r1cs.n_constraints} constraints + {r1cs.n_public} public signals need a domain of 2^{k}")
        src = sources_from_ptau(ptau, k)
        say("checking ptau points")
        for buf, nm in ((src.alpha1, "alpha1"), (src.beta1, "beta1")):
            native.g1_validate(buf, False)
        native.g2_validate(src.beta2, False)
        if not trusted_ptau:
            native.g2_validate(src.lag_g2, True)
        comp = compose(r1cs, src, 1 << k, trusted=True, progress=progress)
        g1, g2 = native.g1_generator(), native.g2_generator()
        say("circuit hash")
        cs_hash = circuit_hash(src, comp, 1 << k, g2, g1, g2)
        header = ZkeyHeader(r1cs.n_wires, r1cs.n_public, 1 << k, src.alpha1, src.beta1, src.beta2, g2, g1, g2)
        say("writing zkey")
        write_zkey(zkey_path, header, ic=comp.ic, coeffs=comp.coeffs, a=comp.a, b1=comp.b1, b2=comp.b2,
                   c=comp.c, h=comp.h, mpc=MPCParams(cs_hash, []))
        del src
    return cs_hash


def setup_files(r1cs_path: str, ptau_path: str, zkey_path: str, **kw) -> bytes:
    from ..formats.r1cs_file import read_r1cs

    return setup(read_r1cs(r1cs_path), ptau_path, zkey_path, **kw)


# ---------------------------------------------------------------------------------------------
# INSECURE single-party setup (tests, benchmarks)

def _rand_fr() -> int:
    while True:
        v = secrets.randbelow(R)
        if v > 1:
            return v


def _fr_bytes(values: list[int]) -> bytes:
    return b"".join(v.to_bytes(FR_BYTES, "little") for v in values)


def dev_setup(r1cs: R1CS, zkey_path: str | os.PathLike[str], *, progress: Progress | None = None) -> bytes:
    """INSECURE: a one-party Groth16 setup whose toxic waste lives only in this process's memory.

    tau, alpha, beta, gamma, delta are sampled with :mod:`secrets`, used, and dropped; they are
    never logged or written. The key is only as trustworthy as this process: fine for tests and
    benchmarks, never for production (use a ptau from a ceremony and phase-2 contributions).
    Returns the key's circuit hash.
    """
    from .. import native

    say = progress or (lambda _s: None)
    k = circuit_power(r1cs)
    n = 1 << k
    tau, alpha, beta, gamma, delta = (_rand_fr() for _ in range(5))
    say("INSECURE dev setup: Lagrange basis")
    powers = [1] * (2 * n)
    for i in range(1, 2 * n):  # 2n scalar products, dev only (no points involved)
        powers[i] = powers[i - 1] * tau % R
    lag_n = native.fr_fft(_fr_bytes(powers[:n]), inverse=True)
    lag_2n = native.fr_fft(_fr_bytes(powers), inverse=True)
    odd = np.frombuffer(lag_2n, dtype=np.uint8).reshape(2 * n, 32)[1::2].tobytes()
    g1, g2 = native.g1_generator(), native.g2_generator()

    def scaled_g1(s: int) -> bytes:
        return native.g1_batch_mul(g1, s.to_bytes(32, "little"))

    def tile(p: bytes, count: int) -> bytes:
        return p * count

    inv_gamma, inv_delta = pow(gamma, -1, R), pow(delta, -1, R)
    say("INSECURE dev setup: points")
    src = Sources(
        lag_g1=native.g1_batch_mul(tile(g1, n), lag_n),
        lag_g2=native.g2_batch_mul(tile(g2, n), lag_n),
        lag_alpha_g1=native.g1_batch_mul(tile(scaled_g1(alpha), n), lag_n),
        lag_beta_g1=native.g1_batch_mul(tile(scaled_g1(beta), n), lag_n),
        h_points=native.g1_batch_mul(tile(scaled_g1(inv_delta), n), odd),
        tau_g1_2n=native.g1_scale_powers(tile(g1, 2 * n - 1), _ONE, tau.to_bytes(32, "little")),
        alpha1=scaled_g1(alpha),
        beta1=scaled_g1(beta),
        beta2=native.g2_batch_mul(g2, beta.to_bytes(32, "little")),
    )
    comp = compose(r1cs, src, n, trusted=True, progress=progress)
    say("INSECURE dev setup: gamma/delta")
    npub = r1cs.n_public
    comp.ic = native.g1_batch_mul(comp.ic, inv_gamma.to_bytes(32, "little") * (npub + 1))
    n_c = len(comp.c) // 64
    comp.c = native.g1_batch_mul(comp.c, inv_delta.to_bytes(32, "little") * n_c) if n_c else b""
    gamma2 = native.g2_batch_mul(g2, gamma.to_bytes(32, "little"))
    delta1 = scaled_g1(delta)
    delta2 = native.g2_batch_mul(g2, delta.to_bytes(32, "little"))
    del tau, alpha, beta, gamma, delta, inv_gamma, inv_delta, powers, lag_n, lag_2n, odd
    cs_hash = circuit_hash(src, comp, n, gamma2, delta1, delta2)
    header = ZkeyHeader(r1cs.n_wires, npub, n, src.alpha1, src.beta1, src.beta2, gamma2, delta1, delta2)
    write_zkey(zkey_path, header, ic=comp.ic, coeffs=comp.coeffs, a=comp.a, b1=comp.b1, b2=comp.b2,
               c=comp.c, h=comp.h, mpc=MPCParams(cs_hash, []))
    return cs_hash
