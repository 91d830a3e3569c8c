"""BN254 field constants and canonical-encoding helpers.

Two fields matter: the scalar field ``r`` (circuit values, witness, public inputs) and the base
field ``q`` (curve coordinates). Every value that enters from outside is checked to be canonical
(``0 <= v < modulus``): a public input ``x`` and ``x + r`` would otherwise verify alike.

Bulk values (witness vectors, coefficient lists) travel as numpy ``uint8`` arrays of shape
``(n, 32)``: little-endian, normal (non-Montgomery) form, exactly the layout of circom's ``.wtns``
and of the native core's scalar buffers, so no conversion happens on the hot path.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

if TYPE_CHECKING:  # numpy is imported where an array is built: a one-shot command that reads
    import numpy as np  # bytes and hands them to the native core never pays its ~80 ms import

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


def fr_array(values: Sequence[int] | Iterable[int], what: str = "value") -> "np.ndarray":
    """Pack canonical scalars into the ``(n, 32)`` little-endian uint8 layout (validating each)."""
    import numpy as np

    vals = list(values)
    blob = b"".join(check_fr(v, f"{what}[{i}]").to_bytes(FR_BYTES, "little") for i, v in enumerate(vals))
    return np.frombuffer(blob, dtype=np.uint8).reshape(len(vals), FR_BYTES).copy()


def _le_bytes(values: "np.ndarray | bytes | bytearray | memoryview") -> bytes | bytearray | memoryview:
    """The values' bytes, in order: bytes-like objects as they are, arrays made contiguous."""
    if isinstance(values, (bytes, bytearray)):
        return values
    if isinstance(values, memoryview):
        return values.cast("B") if values.c_contiguous else values.tobytes()
    import numpy as np

    return np.ascontiguousarray(values, dtype=np.uint8).reshape(-1)


def fr_ints(values: "np.ndarray | bytes | bytearray | memoryview") -> list[int]:
    """Unpack ``(n, 32)`` little-endian values (an array or their bytes) into Python ints (small/debug use)."""
    raw = bytes(_le_bytes(values))
    if len(raw) % FR_BYTES:
        raise FieldError(f"{len(raw)} bytes is not a whole number of {FR_BYTES}-byte field elements")
    return [int.from_bytes(raw[i:i + FR_BYTES], "little") for i in range(0, len(raw), FR_BYTES)]


def first_non_canonical(values: "np.ndarray | bytes | bytearray | memoryview") -> int:
    """Index of the first of the ``(n, 32)`` little-endian values that is >= r, or -1 when all are < r.

    One definition, in the native core (a single pass over the buffer); this accepts the
    ``(n, 32)`` arrays of the Python API and the raw bytes of a file section alike.
    """
    from . import native

    raw = _le_bytes(values)
    if len(raw) % FR_BYTES:
        raise FieldError(f"{len(raw)} bytes is not a whole number of {FR_BYTES}-byte field elements")
    return native.fr_first_non_canonical(raw)
