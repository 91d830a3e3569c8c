"""BN254 points handled one at a time, and the Fq/Fq2 arithmetic on their coordinates: the one curve module.

* :mod:`.fq2` - Fq square roots and signs, Fq2 arithmetic (square root included);
* :mod:`.points` - :class:`G1Point` / :class:`G2Point`: encodings (affine ints, LEM, uncompressed,
  py_ecc), checks (canonical, on curve, subgroup) and single-point arithmetic.

Bulk point work is the native core's; ceremony-specific sampling (ffjavascript's ``fromRng``,
snarkjs's ``hashToG2``) is :mod:`ceremony.sampling`, built on this package.
"""
from ..errors import PointError
from .fq2 import (
    F2_ONE, F2_ZERO, Fq2, f2_add, f2_inv, f2_is_negative, f2_is_square, f2_mul, f2_neg, f2_norm,
    f2_scale, f2_sqrt, f2_sub, fq_is_negative, fq_is_square, fq_sqrt,
)
from .points import (
    B2, G1_BYTES, G1_GENERATOR, G1Point, G2_BYTES, G2_GENERATOR, G2Point, fq_from_mont_le, fq_to_mont_le,
    g1_lem_array,
)

__all__ = [
    "PointError", "Fq2", "F2_ZERO", "F2_ONE", "f2_add", "f2_sub", "f2_neg", "f2_mul", "f2_scale", "f2_norm",
    "f2_inv", "f2_is_square", "f2_sqrt", "f2_is_negative", "fq_is_square", "fq_sqrt", "fq_is_negative",
    "B2", "G1_BYTES", "G2_BYTES", "G1Point", "G2Point", "G1_GENERATOR", "G2_GENERATOR",
    "fq_to_mont_le", "fq_from_mont_le", "g1_lem_array",
]
