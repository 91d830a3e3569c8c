"""The one door to the native core (``zkvct._native``, Rust): the library imports this module,
never the extension itself, so the boundary has a single place to read and to change.

Two kinds of names live here:

* the kernels themselves, one name each, re-exported unchanged (signatures in
  ``zkvct/_native.pyi``, byte layouts in ``native/README.md``): every buffer argument takes bytes,
  bytearray, memoryview or a C-contiguous numpy array; results are ``bytes``;
* group-generic helpers (``"G1"``/``"G2"`` picks the kernel) for code that treats both groups
  alike, as the ceremony does. Only G2 has a subgroup check to skip, so ``trusted`` reaches the
  G2 kernels only.

Refusals are the typed exceptions of :mod:`zkvct.errors` (``PointError``, ``ScalarError``,
``EncodingLengthError``, ``DomainSizeError``; all ``ValueError``), or ``ValueError`` for other
malformed arguments.
"""
from __future__ import annotations

from zkvct import _native as _core
from zkvct.field import R

# ---------------------------------------------------------------- the kernels, one name each

fr_first_non_canonical = _core.fr_first_non_canonical
g1_validate = _core.g1_validate
g2_validate = _core.g2_validate
g1_msm = _core.g1_msm
g2_msm = _core.g2_msm
fr_fft = _core.fr_fft
fr_coset_fft = _core.fr_coset_fft
fr_coset_shift = _core.fr_coset_shift
fr_root_of_unity = _core.fr_root_of_unity
g1_fft = _core.g1_fft
g2_fft = _core.g2_fft
g1_ifft = _core.g1_ifft
g2_ifft = _core.g2_ifft
g1_batch_mul = _core.g1_batch_mul
g2_batch_mul = _core.g2_batch_mul
g1_scale_powers = _core.g1_scale_powers
g2_scale_powers = _core.g2_scale_powers
g1_sparse_lincomb = _core.g1_sparse_lincomb
g2_sparse_lincomb = _core.g2_sparse_lincomb
g1_mul_any = _core.g1_mul_any
g2_mul_any = _core.g2_mul_any
r1cs_first_unsatisfied = _core.r1cs_first_unsatisfied
pairing_product_is_one = _core.pairing_product_is_one
g1_to_affine_ints = _core.g1_to_affine_ints
g1_from_affine_ints = _core.g1_from_affine_ints
g2_to_affine_ints = _core.g2_to_affine_ints
g2_from_affine_ints = _core.g2_from_affine_ints
g1_to_uncompressed = _core.g1_to_uncompressed
g1_from_uncompressed = _core.g1_from_uncompressed
g2_to_uncompressed = _core.g2_to_uncompressed
g2_from_uncompressed = _core.g2_from_uncompressed
g1_generator = _core.g1_generator
g2_generator = _core.g2_generator
blake2b_update = _core.blake2b_update
blake2b_digest = _core.blake2b_digest
ProvingKey = _core.ProvingKey
groth16_prove = _core.groth16_prove
groth16_verify = _core.groth16_verify
PreparedVerifyingKey = _core.PreparedVerifyingKey
GROTH16_PROOF_BYTES = _core.GROTH16_PROOF_BYTES
simd_enabled = _core.simd_enabled

# ---------------------------------------------------------------- group-generic helpers

SIZES = {"G1": 64, "G2": 128}
"""Bytes per LEM point of each group."""


def point_count(group: str, buf: bytes | memoryview) -> int:
    """How many LEM points ``buf`` holds; ValueError if it is not a whole number of them."""
    size = SIZES[group]
    n = len(buf)
    if n % size:
        raise ValueError(f"{group} buffer of {n} bytes is not a whole number of {size}-byte points")
    return n // size


def _scalar_bytes(v: int, what: str) -> bytearray:
    if not 0 <= v < R:
        raise ValueError(f"{what} must be a canonical scalar (< r)")
    return bytearray(v.to_bytes(32, "little"))


def scale_powers(group: str, points: bytes | memoryview, first: int, step: int) -> bytes:
    """P_i · first·step^i for every point (the contribution update of a section).

    The factors are toxic waste: they are encoded into buffers this function wipes afterwards
    (passed as-is, no ``bytes()`` copy). The points are fully checked (G2 subgroup included).
    """
    first_b, step_b = _scalar_bytes(first, "first"), _scalar_bytes(step, "step")
    try:
        if group == "G1":
            return g1_scale_powers(points, first_b, step_b)
        return g2_scale_powers(points, first_b, step_b)
    finally:
        first_b[:] = bytes(32)
        step_b[:] = bytes(32)


def lem_to_uncompressed(group: str, buf: bytes | memoryview) -> bytes:
    """LEM → the big-endian "uncompressed" form that snarkjs hashes (infinity → zero bytes).

    Only for points the caller has already validated or just computed: the G2 subgroup check is
    skipped (``trusted=True``); coordinates and the curve equation are still checked natively.
    """
    point_count(group, buf)
    if group == "G1":
        return g1_to_uncompressed(buf)
    return g2_to_uncompressed(buf, trusted=True)


def msm(group: str, bases: bytes | memoryview, scalars: bytes | memoryview, *, trusted: bool = False) -> bytes:
    """Σ s_i·P_i (scalars 32-byte little-endian, canonical); LEM result.

    ``trusted=True`` only for G2 bases this process has just validated with :func:`validate`
    (the native MSM would otherwise re-run the subgroup check on every base); G1 has none.
    """
    if group == "G1":
        return g1_msm(bases, scalars)
    return g2_msm(bases, scalars, trusted)


def validate(group: str, buf: bytes | memoryview, allow_infinity: bool = False) -> None:
    """Raise PointError naming the first point that is off-curve, outside the subgroup or not reduced."""
    if group == "G1":
        g1_validate(buf, allow_infinity)
    else:
        g2_validate(buf, allow_infinity)


def ifft(group: str, points: bytes | memoryview) -> bytes:
    """Inverse DFT in the group: L_i = (1/n) Σ_j ω^{-ij} P_j, ω the snarkjs root of order n.

    This turns τ^j·G into the Lagrange basis L_i(τ)·G for the domain of size n (a power of two).
    The points come from a file, so they are fully validated (G2 subgroup included) natively.
    """
    point_count(group, points)
    return g1_ifft(points) if group == "G1" else g2_ifft(points)
