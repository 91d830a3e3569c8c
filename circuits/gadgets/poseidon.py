"""Poseidon over BN254, bit-exact with circomlib / circomlibjs (1..16 inputs, optional initial
state and several outputs as in circomlib's ``PoseidonEx``).

Permutation: ``t = inputs + 1``, state ``[init, in_1..in_k]``; each round adds the round
constants, applies ``x^5`` (to every cell in the 4 first and 4 last rounds, to cell 0 in the
partial rounds) and multiplies by the MDS matrix. In-circuit the S-box is 3 constraints
(``x², x⁴, x⁵``) and everything else is linear, so it costs 3 per S-box; the cell-0 S-box of the first
round acts on a constant and folds away: Poseidon(2) = 3·(8·3 + 57) - 3 = 240 constraints.
Each S-box input is a fresh variable defined by a linear constraint that the compiler solves for a
previous S-box output (see ``_sbox_input``), which keeps the matrices as sparse as circom's.
"""
from __future__ import annotations

from zkvct.dsl.hints import identity
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


def _substitute(api, lc, var: int, value):
    """``lc`` with variable ``var`` replaced by the signal ``value``."""
    c = lc.terms.get(var)
    if not c:
        return lc
    terms = dict(lc.terms)
    del terms[var]
    get = terms.get
    for v, x in value.terms.items():
        s = (get(v, 0) + c * x) % R
        if s:
            terms[v] = s
        else:
            terms.pop(v, None)
    return type(lc)(api, terms)


def _sbox_input(api, a, pending: list[int], state: list, name: str):
    """Replace the S-box input ``a`` (a long combination) by one new variable ``w``.

    ``w = a`` is recorded with ``api.define_by`` so the compiler solves it for a pending S-box
    output ``y`` of the previous round that occurs in ``a``; the gadget substitutes ``y`` in its own
    state right away. After elimination the long combination appears once, in the C side of ``y``'s
    constraint ``x4 * w_prev = y``, and the three constraints reading ``w`` see a single term: the
    layout circom --O2 produces, with the same number of constraints. Without a pending output in
    ``a`` (first round) the combination is used as is.
    """
    cands = [v for v in pending if v in a.terms]
    if a.is_constant() or not cands:
        return a
    y = max(cands)
    coeff = a.terms[y]
    w = api.hint(identity, a, name=name)
    rest = dict(a.terms)
    del rest[y]
    inv = pow(coeff, -1, R)
    value = api.lincomb([(inv, w), (R - inv, type(a)(api, rest))])  # y = (w - rest) / coeff
    api.define_hint(w, a, type(a)(api, {y: 1}), name=name + "_def")
    pending.remove(y)
    for j, s in enumerate(state):
        state[j] = _substitute(api, s, y, value)
    return w


def poseidon_permute_circuit(api, state: list) -> list:
    """In-circuit permutation of a width-t list of signals (returns the t output signals)."""
    t = len(state)
    consts, mds = poseidon_params(t)
    r_p = N_ROUNDS_P[t - 2]
    half = N_ROUNDS_F // 2
    s = [api.as_signal(v) for v in state]
    pending: list[int] = []  # S-box output variables not yet used to absorb an input definition
    for rnd in range(N_ROUNDS_F + r_p):
        base = rnd * t
        s = [v + consts[base + i] for i, v in enumerate(s)]
        full = rnd < half or rnd >= half + r_p
        with api.scope(f"r{rnd}"):
            outs = []
            for i in (range(t) if full else (0,)):
                s[i] = _sbox_input(api, s[i], pending, s, name=f"in{i}")
                x = s[i]
                if x.is_constant():
                    outs.append((i, api.constant(pow(x.constant_value(), 5, R))))
                    continue
                x2 = api.mul(x, x, name=f"x2_{i}")
                x4 = api.mul(x2, x2, name=f"x4_{i}")
                y = api.mul(x4, x, name=f"x5_{i}")
                outs.append((i, y))
            for i, y in outs:
                s[i] = y
                if not y.is_constant():
                    pending.append(next(iter(y.terms)))
        s = [api.lincomb(zip(row, s)) for row in mds]
    return s


def poseidon(api, inputs: list, init_state=0, n_out: int = 1, name: str = "poseidon"):
    """In-circuit Poseidon hash of 1..16 signals; a signal, or a list when ``n_out > 1``."""
    _check_width(len(inputs))
    with api.scope(name):
        out = poseidon_permute_circuit(api, [init_state, *inputs])
    return out[0] if n_out == 1 else out[:n_out]
