"""Poseidon over BN254, bit-exact with circomlib / circomlibjs (1..16 inputs, optional initial
state and several outputs as in circomlib's ``PoseidonEx``).

Permutation: ``t = inputs + 1``, state ``[init, in_1..in_k]``; each round adds the round
constants, applies ``x^5`` (to every cell in the 4 first and 4 last rounds, to cell 0 in the
partial rounds) and multiplies by the MDS matrix. In-circuit the S-box is 3 constraints
(``x², x⁴, x⁵``) and everything else is linear, so it costs 3 per S-box; the cell-0 S-box of the first
round acts on a constant and folds away: Poseidon(2) = 3·(8·3 + 57) - 3 = 240 constraints.
"""
from __future__ import annotations

from zkvct.field import R

from .poseidon_params import N_ROUNDS_F, N_ROUNDS_P, poseidon_params


def _check_width(n_inputs: int) -> int:
    if not 1 <= n_inputs <= 16:
        raise ValueError(f"Poseidon takes 1..16 inputs, got {n_inputs}")
    return n_inputs + 1


def poseidon_permute(state: list[int]) -> list[int]:
    """Twin of the permutation on a width-t state of ints."""
    t = len(state)
    consts, mds = poseidon_params(t)
    r_p = N_ROUNDS_P[t - 2]
    half = N_ROUNDS_F // 2
    s = [v % R for v in state]
    for rnd in range(N_ROUNDS_F + r_p):
        base = rnd * t
        s = [(v + consts[base + i]) % R for i, v in enumerate(s)]
        if rnd < half or rnd >= half + r_p:
            s = [pow(v, 5, R) for v in s]
        else:
            s[0] = pow(s[0], 5, R)
        s = [sum(m * v for m, v in zip(row, s)) % R for row in mds]
    return s


def poseidon_hash(inputs: list[int], init_state: int = 0, n_out: int = 1):
    """Twin of circomlibjs ``poseidon(inputs, initState, nOut)``: an int, or a list if n_out > 1."""
    _check_width(len(inputs))
    for i, v in enumerate(inputs):
        if not 0 <= v < R:
            raise ValueError(f"Poseidon input {i} = {v} is not a field element (0 <= x < r)")
    out = poseidon_permute([init_state, *inputs])
    return out[0] if n_out == 1 else out[:n_out]


def _sbox(api, x):
    x = api._lift(x)
    if x.is_constant():
        return api.constant(pow(x.constant_value(), 5, R))
    x2 = api.mul(x, x, name="x2")
    x4 = api.mul(x2, x2, name="x4")
    return api.mul(x4, x, name="x5")


def poseidon_permute_circuit(api, state: list) -> list:
    """In-circuit permutation of a width-t list of signals (returns the t output signals)."""
    t = len(state)
    consts, mds = poseidon_params(t)
    r_p = N_ROUNDS_P[t - 2]
    half = N_ROUNDS_F // 2
    s = [api._lift(v) for v in state]
    for rnd in range(N_ROUNDS_F + r_p):
        base = rnd * t
        s = [v + consts[base + i] for i, v in enumerate(s)]
        with api.scope(f"r{rnd}"):
            if rnd < half or rnd >= half + r_p:
                s = [_sbox(api, v) for v in s]
            else:
                s[0] = _sbox(api, s[0])
        s = [api.lincomb(zip(row, s)) for row in mds]
    return s


def poseidon(api, inputs: list, init_state=0, n_out: int = 1, name: str = "poseidon"):
    """In-circuit Poseidon hash of 1..16 signals; a signal, or a list when ``n_out > 1``."""
    _check_width(len(inputs))
    with api.scope(name):
        out = poseidon_permute_circuit(api, [init_state, *inputs])
    return out[0] if n_out == 1 else out[:n_out]
