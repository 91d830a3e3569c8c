"""Poseidon parameters for BN254 (circomlib's choice), generated here from first principles.

circomlib's constants come from the Poseidon authors' reference script
(``generate_parameters_grain.sage 1 0 254 t 8 R_P p``): an 80-bit Grain LFSR seeded with the
parameter set, whose output bits (with Grain's self-shrinking step) give the round constants by
rejection sampling below ``p`` and then the Cauchy MDS matrix ``M[i][j] = 1 / (x_i + y_j)``.
We run the same generator so the constants are derived, not pasted; the tests compare the
result against circomlibjs's published constants file.
"""
from __future__ import annotations

from functools import lru_cache

from zkvct.field import R

#: Full rounds (all S-boxes) and partial rounds by t = 2..17 (index t - 2), from circomlib.
N_ROUNDS_F = 8
N_ROUNDS_P = (56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68)
FIELD_BITS = 254


def _shrink_table() -> tuple[tuple[int, int], ...]:
    """Grain's self-shrinking step for 8 raw bits (4 pairs, first raw bit in the lowest position):
    (the emitted bits, first emitted as the most significant; how many)."""
    table = []
    for raw in range(256):
        value = count = 0
        for i in range(4):
            if (raw >> (2 * i)) & 1:  # a first bit of 1 emits the second, a 0 discards it
                value, count = (value << 1) | ((raw >> (2 * i + 1)) & 1), count + 1
        table.append((value, count))
    return tuple(table)


_SHRINK = _shrink_table()


class _Grain:
    """The 80-bit Grain LFSR of the reference script (taps 62, 51, 38, 23, 13, 0).

    The register is one integer (bit i = the i-th oldest bit): x[n+80] = x[n] ^ x[n+13] ^
    x[n+23] ^ x[n+38] ^ x[n+51] ^ x[n+62], so 16 new bits depend only on bits already there and are
    computed in one go (16 <= 80 - 62); the self-shrinking step then takes them a byte at a time
    from a table. Same bit stream as stepping one bit at a time, ~20x fewer Python operations:
    every process that hashes with Poseidon derives these constants once."""

    CHUNK = 16

    def __init__(self, t: int, r_f: int, r_p: int) -> None:
        seed = (
            format(1, "02b")        # field: prime field
            + format(0, "04b")      # S-box: x^alpha
            + format(FIELD_BITS, "012b")
            + format(t, "012b")
            + format(r_f, "010b")
            + format(r_p, "010b")
            + "1" * 30
        )
        self.state = sum(int(c) << i for i, c in enumerate(seed))
        self.out = self.n_out = 0  # shrunk bits not yet used, the oldest most significant
        for _ in range(160 // self.CHUNK):  # the reference discards the first 160 bits
            self._raw()

    def _raw(self) -> int:
        """The next 16 register bits (the first in the lowest position)."""
        s = self.state
        new = (s ^ (s >> 13) ^ (s >> 23) ^ (s >> 38) ^ (s >> 51) ^ (s >> 62)) & 0xFFFF
        self.state = (s >> 16) | (new << 64)
        return new

    def integer(self, n_bits: int) -> int:
        while self.n_out < n_bits:
            raw = self._raw()
            for byte in (raw & 0xFF, raw >> 8):
                value, count = _SHRINK[byte]
                self.out, self.n_out = (self.out << count) | value, self.n_out + count
        rest = self.n_out - n_bits
        value, self.out, self.n_out = self.out >> rest, self.out & ((1 << rest) - 1), rest
        return value

    def field_element_rejecting(self) -> int:
        while True:
            v = self.integer(FIELD_BITS)
            if v < R:
                return v


@lru_cache(maxsize=None)
def poseidon_params(t: int) -> tuple[tuple[int, ...], tuple[tuple[int, ...], ...]]:
    """Return ``(round_constants, mds)`` for state width ``t`` (2..17), as circomlib uses them.

    ``round_constants`` holds ``(8 + R_P) * t`` values, round-major; ``mds`` is ``t x t``.
    """
    if not 2 <= t <= 17:
        raise ValueError(f"Poseidon width t = {t} is not supported: allowed 2 <= t <= 17 (1..16 inputs)")
    r_p = N_ROUNDS_P[t - 2]
    g = _Grain(t, N_ROUNDS_F, r_p)
    constants = tuple(g.field_element_rejecting() for _ in range((N_ROUNDS_F + r_p) * t))
    while True:
        xy = [g.integer(FIELD_BITS) % R for _ in range(2 * t)]
        if len(set(xy)) != 2 * t:
            continue
        xs, ys = xy[:t], xy[t:]
        if any((x + y) % R == 0 for x in xs for y in ys):
            continue
        mds = tuple(tuple(pow(x + y, -1, R) for y in ys) for x in xs)
        return constants, mds
