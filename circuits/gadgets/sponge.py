"""A Poseidon sponge for fixed-length arrays (width 3: capacity cell 0, rate 2).

The capacity cell starts at the array length (domain separation between lengths, so ``[a]`` and
``[a, 0]`` differ); each block of two elements (the last one zero-padded) is added to cells 1 and 2
and the state is permuted; the digest is cell 0. One block is exactly circomlibjs
``poseidon([x0, x1], length, 1)``, which the tests use as a cross-check. Cost: 240 constraints per
two elements (the Poseidon(16) alternative pays ~610 per 16 but cannot take longer arrays).
"""
from __future__ import annotations

from zkvct.field import R

from .poseidon import poseidon_permute, poseidon_permute_circuit

RATE = 2


def sponge_hash(values: list[int]) -> int:
    """Twin of :func:`sponge`."""
    if not values:
        raise ValueError("sponge: the array must not be empty")
    state = [len(values), 0, 0]
    for i in range(0, len(values), RATE):
        block = list(values[i:i + RATE]) + [0] * (RATE - len(values[i:i + RATE]))
        state = [state[0], (state[1] + block[0]) % R, (state[2] + block[1]) % R]
        state = poseidon_permute(state)
    return state[0]


def sponge(api, values: list, name: str = "sponge"):
    """In-circuit digest of a fixed-length list of signals."""
    if not values:
        raise ValueError("sponge: the array must not be empty")
    state = [api.constant(len(values)), api.constant(0), api.constant(0)]
    with api.scope(name):
        for j, i in enumerate(range(0, len(values), RATE)):
            block = list(values[i:i + RATE]) + [0] * (RATE - len(values[i:i + RATE]))
            state = [state[0], state[1] + block[0], state[2] + block[1]]
            with api.scope(f"b{j}"):
                state = poseidon_permute_circuit(api, state)
    return state[0]
