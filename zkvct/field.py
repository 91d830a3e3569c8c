"""BN254 field constants and canonical-encoding helpers.

Two fields matter: the scalar field ``r`` (circuit values, witness, public inputs) and the base
field ``q`` (curve coordinates). Every value that enters from outside is checked to be canonical
(``0 <= v < modulus``): a public input ``x`` and ``x + r`` would otherwise verify alike.

Bulk values (witness vectors, coefficient lists) travel as numpy ``uint8`` arrays of shape
``(n, 32)``: little-endian, normal (non-Montgomery) form, exactly the layout of circom's ``.wtns``
and of the native core's scalar buffers, so no conversion happens on the hot path.
"""
from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

#: Scalar field modulus of BN254 (circuit field).
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
#: Base field modulus of BN254 (curve coordinates).
Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
#: Montgomery radix used by snarkjs/ffjavascript and arkworks for 4x64-bit limbs.
MONT_R = 1 << 256
FR_BYTES = 32
FQ_BYTES = 32


class FieldError(ValueError):
    """A value is not a canonical element of the field it claims to be in."""


def check_fr(value: int, what: str = "value") -> int:
    """Return ``value`` if it is a canonical scalar (0 <= value < r), else raise naming it."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(f"{what} must be an integer, got {type(value).__name__}")
    if value < 0 or value >= R:
        raise FieldError(f"{what} = {value} is outside the scalar field: allowed 0 <= {what} < r ({R})")
    return value


def check_fq(value: int, what: str = "coordinate") -> int:
    """Return ``value`` if it is a canonical base-field element (0 <= value < q), else raise."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise FieldError(f"{what} must be an integer, got {type(value).__name__}")
    if value < 0 or value >= Q:
        raise FieldError(f"{what} = {value} is outside the base field: allowed 0 <= {what} < q ({Q})")
    return value


def parse_decimal_fr(text: str, what: str = "value") -> int:
    """Parse a decimal string (snarkjs JSON style) into a canonical scalar; reject anything else."""
    if not isinstance(text, str) or not text.isascii() or not text.isdigit():
        raise FieldError(f"{what} must be a decimal string of digits, got {text!r}")
    return check_fr(int(text), what)


def fr_array(values: Sequence[int] | Iterable[int], what: str = "value") -> np.ndarray:
    """Pack canonical scalars into the ``(n, 32)`` little-endian uint8 layout (validating each)."""
    vals = list(values)
    blob = b"".join(check_fr(v, f"{what}[{i}]").to_bytes(FR_BYTES, "little") for i, v in enumerate(vals))
    return np.frombuffer(blob, dtype=np.uint8).reshape(len(vals), FR_BYTES).copy()


def fr_ints(array: np.ndarray) -> list[int]:
    """Unpack an ``(n, 32)`` little-endian uint8 array into Python ints (for small/debug use)."""
    flat = np.ascontiguousarray(array, dtype=np.uint8).reshape(-1, FR_BYTES)
    raw = flat.tobytes()
    return [int.from_bytes(raw[i * FR_BYTES:(i + 1) * FR_BYTES], "little") for i in range(flat.shape[0])]


def first_non_canonical(array: np.ndarray, modulus: int = R) -> int:
    """Index of the first entry >= modulus in an ``(n, 32)`` LE array, or -1 when all are canonical.

    Vectorised with numpy: compares the four 64-bit limbs lexicographically from the top, so no
    Python loop runs over the vector.
    """
    flat = np.ascontiguousarray(array, dtype=np.uint8).reshape(-1, FR_BYTES)
    limbs = flat.view("<u8").reshape(-1, 4)
    mod_limbs = [(modulus >> (64 * k)) & ((1 << 64) - 1) for k in range(4)]
    greater = np.zeros(limbs.shape[0], dtype=bool)
    equal = np.ones(limbs.shape[0], dtype=bool)
    for k in (3, 2, 1, 0):  # four limbs, not a loop over the vector
        col = limbs[:, k]
        greater |= equal & (col > np.uint64(mod_limbs[k]))
        equal &= col == np.uint64(mod_limbs[k])
    bad = np.flatnonzero(greater | equal)
    return int(bad[0]) if bad.size else -1
