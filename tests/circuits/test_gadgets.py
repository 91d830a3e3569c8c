"""Gadgets against their off-circuit twins (hypothesis), including wrapped / out-of-range values."""
from __future__ import annotations

import pytest
from hypothesis import assume, given, settings, strategies as st

from circuits.gadgets import bits as gbits
from circuits.gadgets import comparators as cmp
from circuits.gadgets import is_zero as iz
from circuits.gadgets import merkle, set_membership as sm, smt, sponge
from circuits.gadgets.poseidon import poseidon, poseidon_hash
from circuits.gadgets.range_check import assert_range, in_range
from zkvct.field import R

from harness import forged_satisfies, gadget_circuit, satisfied

fr = st.integers(min_value=0, max_value=R - 1)
N = 16
small = st.integers(min_value=0, max_value=(1 << N) - 1)
anyval = st.one_of(small, fr, st.sampled_from([R - 1, R - 2, 1 << N, (1 << N) + 1, R - (1 << N)]))

# -- bits and range ----------------------------------------------------------------------------

RANGE = gadget_circuit("range", lambda api, x: assert_range(api, x.v, N), private=["v"])


@settings(max_examples=60, deadline=None)
@given(anyval)
def test_range_check_matches_twin(v):
    assert satisfied(RANGE, inputs=[v]) == in_range(v, N)


@settings(max_examples=30, deadline=None)
@given(small, st.integers(0, N - 1))
def test_forged_bits_fail(v, i):
    """Flip one bit, or make one bit 2 and compensate with another: the witness must not satisfy."""
    bit_vars = [k for k in RANGE.hint_vars if "bits[" in RANGE.var_names[k]]
    honest = RANGE.compute_vars(inputs=[v])
    i = min(i, N - 2)  # the top bit is substituted away by the sum constraint: not a witness entry
    assert not forged_satisfies(RANGE, [v], {bit_vars[i]: 1 - honest[bit_vars[i]]})
    assert not forged_satisfies(RANGE, [v], {bit_vars[i]: (honest[bit_vars[i]] + R - 1) % R})
    if i + 1 < N - 1 and honest[bit_vars[i]] == 0 and honest[bit_vars[i + 1]] == 1:
        # 2*2^i == 2^(i+1): same sum, but a non-boolean bit
        assert not forged_satisfies(RANGE, [v], {bit_vars[i]: 2, bit_vars[i + 1]: 0})


def test_to_bits_refuses_aliasing_widths():
    with pytest.raises(ValueError, match="253"):
        gadget_circuit("wide", lambda api, x: gbits.to_bits(api, x.v, 254), private=["v"])


@given(small)
def test_bits_twin_roundtrip(v):
    assert gbits.bits2num(gbits.num2bits(v, N)) == v


# -- comparators -------------------------------------------------------------------------------

def _lt_body(api, x):
    api.assert_equal(cmp.less_than(api, x.a, x.b, N), x.out)


LT = gadget_circuit("lt", _lt_body, public=["out"], private=["a", "b"])
LE_ASSERT = gadget_circuit("le", lambda api, x: cmp.assert_le(api, x.a, x.b, N), private=["a", "b"])
LT_ASSERT = gadget_circuit("lta", lambda api, x: cmp.assert_lt(api, x.a, x.b, N), private=["a", "b"])


@settings(max_examples=80, deadline=None)
@given(anyval, anyval)
def test_less_than_matches_twin_and_rejects_wrapped_inputs(a, b):
    if in_range(a, N) and in_range(b, N):
        expected = cmp.less_than_value(a, b, N)
        assert satisfied(LT, inputs=[expected, a, b])
        assert not satisfied(LT, inputs=[1 - expected, a, b])
    else:
        with pytest.raises(ValueError):
            cmp.less_than_value(a, b, N)
        assert not satisfied(LT, inputs=[0, a, b]) and not satisfied(LT, inputs=[1, a, b])


@settings(max_examples=80, deadline=None)
@given(anyval, anyval)
def test_assert_le_lt(a, b):
    ok = in_range(a, N) and in_range(b, N)
    assert satisfied(LE_ASSERT, inputs=[a, b]) == (ok and a <= b)
    assert satisfied(LT_ASSERT, inputs=[a, b]) == (ok and a < b)


@pytest.mark.parametrize("k", [0, 1, 5, 15, 16, 17, 64, 200, 252])
def test_past_the_bound_by_two_to_the_k(k):
    b = 1000
    a = (b + (1 << k)) % R
    assert not satisfied(LE_ASSERT, inputs=[a, b])
    assert not satisfied(LE_ASSERT, inputs=[b, (b - (1 << k)) % R]) or (b - (1 << k)) >= b
    assert not satisfied(LE_ASSERT, inputs=[(b + R - 1) % R, b]) or (b + R - 1) % R <= b


# -- IsZero / IsEqual ----------------------------------------------------------------------------

EQ = gadget_circuit("eq", lambda api, x: api.assert_equal(iz.is_equal(api, x.a, x.b), x.out),
                    public=["out"], private=["a", "b"])


@settings(max_examples=50, deadline=None)
@given(fr, st.one_of(fr, st.just(None)))
def test_is_equal(a, b):
    b = a if b is None else b
    expected = iz.is_equal_value(a, b)
    assert satisfied(EQ, inputs=[expected, a, b])
    assert not satisfied(EQ, inputs=[1 - expected, a, b])
    inv = next(v for v in EQ.hint_vars if EQ.var_names[v].endswith(".inv"))
    # a wrong inverse never turns "different" into "equal"
    if expected == 0:
        assert not satisfied(EQ, inputs=[expected, a, b], overrides={inv: 0})
        # claim "equal" with any inverse written into the witness: no value works
        for forged_inv in (0, 1, (a - b) % R, R - 1):
            assert not forged_satisfies(EQ, [1, a, b], {inv: forged_inv})


# -- Poseidon ------------------------------------------------------------------------------------

def test_poseidon_reference_vectors():
    assert poseidon_hash([1, 2]) == 0x115CC0F5E7D690413DF64C6B9662E9CF2A3617F2743245519E19607A4417189A
    assert poseidon_hash([1, 2, 3, 4]) == 0x299C867DB6C1FDD79DCEFA40E4510B9837E60EBB1CE0663DBAA525DF65250465


_POSEIDON_CC: dict[int, object] = {}


def _poseidon_cc(n):
    if n not in _POSEIDON_CC:
        _POSEIDON_CC[n] = gadget_circuit(f"p{n}", lambda api, x: api.assert_equal(poseidon(api, x.x), x.h),
                                         public=["h"], private=["x"], shapes={"x": (n,)})
    return _POSEIDON_CC[n]


@pytest.mark.parametrize("n", range(1, 17))
def test_poseidon_circuit_matches_twin(n):
    cc = _poseidon_cc(n)
    xs = [(i * 7919 + 3) % R for i in range(n)]
    h = poseidon_hash(xs)
    assert satisfied(cc, inputs=[h, *xs])
    assert not satisfied(cc, inputs=[(h + 1) % R, *xs])


def test_poseidon2_budget():
    assert _poseidon_cc(2).n_constraints <= 240


@settings(max_examples=15, deadline=None)
@given(st.lists(fr, min_size=2, max_size=2))
def test_poseidon2_property(xs):
    assert satisfied(_poseidon_cc(2), inputs=[poseidon_hash(xs), *xs])


def test_poseidon_rejects_bad_widths():
    with pytest.raises(ValueError):
        poseidon_hash([])
    with pytest.raises(ValueError):
        poseidon_hash([0] * 17)
    with pytest.raises(ValueError):
        poseidon_hash([R])


# -- sponge --------------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_sponge_circuit_matches_twin(n):
    cc = gadget_circuit(f"sp{n}", lambda api, x: api.assert_equal(sponge.sponge(api, x.v), x.h),
                        public=["h"], private=["v"], shapes={"v": (n,)})
    vs = list(range(5, 5 + n))
    assert satisfied(cc, inputs=[sponge.sponge_hash(vs), *vs])
    assert not satisfied(cc, inputs=[sponge.sponge_hash(vs[:-1] + [0]) if n > 1 else 0, *vs])


def test_sponge_length_separates():
    assert sponge.sponge_hash([3]) != sponge.sponge_hash([3, 0])
    assert sponge.sponge_hash([1, 2]) == poseidon_hash([1, 2], init_state=2)


# -- Merkle --------------------------------------------------------------------------------------

DEPTH = 6


def _merkle_body(api, x):
    bits = gbits.to_bits(api, x.index, DEPTH)
    api.assert_equal(merkle.merkle_root(api, x.leaf, bits, x.path), x.root)


MERKLE = gadget_circuit("merkle", _merkle_body, public=["root"], private=["leaf", "index", "path"],
                        shapes={"path": (DEPTH,)})


@settings(max_examples=10, deadline=None)
@given(st.dictionaries(st.integers(0, (1 << DEPTH) - 1), st.integers(1, R - 1), min_size=1, max_size=6), st.data())
def test_merkle_inclusion(leaves, data):
    tree = merkle.MerkleTree(DEPTH)
    for i, v in leaves.items():
        tree.set(i, v)
    idx = data.draw(st.sampled_from(sorted(leaves)))
    path = tree.proof(idx)
    assert merkle.root_from_proof(leaves[idx], idx, path) == tree.root
    assert satisfied(MERKLE, inputs=[tree.root, leaves[idx], idx, *path])
    other = (idx + 1) % (1 << DEPTH)
    assume(tree._get(0, other) != leaves[idx])
    assert not satisfied(MERKLE, inputs=[tree.root, leaves[idx], other, *path])  # wrong index
    assert not satisfied(MERKLE, inputs=[(tree.root + 1) % R, leaves[idx], idx, *path])  # tampered root


# -- set membership ------------------------------------------------------------------------------

K = 4


def _set_body(member):
    def body(api, x):
        (sm.assert_in if member else sm.assert_not_in)(api, x.v, x.s, x.n)
    return body


SET_IN = gadget_circuit("in", _set_body(True), private=["v", "s", "n"], shapes={"s": (K,)})
SET_OUT = gadget_circuit("out", _set_body(False), private=["v", "s", "n"], shapes={"s": (K,)})


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 5), st.lists(st.integers(0, 5), min_size=K, max_size=K), st.integers(0, K + 2))
def test_set_membership(v, elems, n):
    if n > K:
        assert not satisfied(SET_IN, inputs=[v, *elems, n]) and not satisfied(SET_OUT, inputs=[v, *elems, n])
        return
    member = sm.set_contains(v, elems, n)
    assert satisfied(SET_IN, inputs=[v, *elems, n]) == member
    assert satisfied(SET_OUT, inputs=[v, *elems, n]) == (not member)


def test_zero_padding_never_matches():
    elems = [7, 9, 0, 0]
    assert not satisfied(SET_IN, inputs=[0, *elems, 2])
    assert satisfied(SET_OUT, inputs=[0, *elems, 2])
    # a length past the list (to reach the padding) is rejected too
    assert not satisfied(SET_IN, inputs=[0, *elems, K + 1])
    assert not satisfied(SET_IN, inputs=[0, *elems, R - 1])


# -- SMT (iden3) ---------------------------------------------------------------------------------

SMT_DEPTH = 8


def _smt_in(api, x):
    smt.smt_inclusion(api, x.root, x.key, x.value, x.sib, key_bits=16)


def _smt_out(api, x):
    smt.smt_exclusion(api, x.root, x.key, x.old_key, x.old_value, x.is_old0, x.sib, key_bits=16)


SMT_IN = gadget_circuit("smt_in", _smt_in, public=["root"], private=["key", "value", "sib"], shapes={"sib": (SMT_DEPTH,)})
SMT_OUT = gadget_circuit("smt_out", _smt_out, public=["root"],
                         private=["key", "old_key", "old_value", "is_old0", "sib"], shapes={"sib": (SMT_DEPTH,)})


def _pad(s):
    return s + [0] * (SMT_DEPTH - len(s))


@settings(max_examples=12, deadline=None)
@given(st.dictionaries(st.integers(0, 255), st.integers(0, 1000), min_size=1, max_size=10), st.integers(0, 255))
def test_smt_inclusion_and_exclusion(leaves, probe):
    tree = smt.SparseMerkleTree()
    for k, v in leaves.items():
        tree.insert(k, v)
    root = tree.root
    k = sorted(leaves)[probe % len(leaves)]
    f = tree.find(k)
    assert f["found"] and len(f["siblings"]) <= SMT_DEPTH
    assert smt.root_from_siblings(k, smt.leaf_hash(k, leaves[k]), f["siblings"]) == root
    assert satisfied(SMT_IN, inputs=[root, k, leaves[k], *_pad(f["siblings"])])
    assert not satisfied(SMT_IN, inputs=[root, k, leaves[k] + 1, *_pad(f["siblings"])])
    # exclusion of a present key must fail in both forms
    assert not satisfied(SMT_OUT, inputs=[root, k, k, leaves[k], 0, *_pad(f["siblings"])])
    assert not satisfied(SMT_OUT, inputs=[root, k, 0, 0, 1, *_pad(f["siblings"])])
    if probe not in leaves:
        g = tree.find(probe)
        ins = [root, probe, g["old_key"], g["old_value"], 1 if g["is_old0"] else 0, *_pad(g["siblings"])]
        assert satisfied(SMT_OUT, inputs=ins)
        assert not satisfied(SMT_IN, inputs=[root, probe, 0, *_pad(g["siblings"])])


# -- Baby Jubjub ---------------------------------------------------------------------------------

from circuits.gadgets import babyjub as bj  # noqa: E402

scalar = st.integers(min_value=0, max_value=bj.SUBORDER - 1)


def test_base8_has_prime_order():
    assert bj.on_curve(bj.BASE8) and bj.mul(bj.BASE8, bj.SUBORDER) == bj.IDENTITY
    assert bj.mul(bj.BASE8, bj.SUBORDER - 1) == ((R - bj.BASE8[0]) % R, bj.BASE8[1])  # -P = (-x, y)


@settings(max_examples=20, deadline=None)
@given(scalar, scalar)
def test_babyjub_twin_group_law(k1, k2):
    p, q = bj.mul(bj.BASE8, k1), bj.mul(bj.BASE8, k2)
    assert bj.on_curve(p) and bj.on_curve(q)
    assert bj.add(p, q) == bj.mul(bj.BASE8, (k1 + k2) % bj.SUBORDER)
    assert bj.add(p, bj.IDENTITY) == p


def _bj_body(api, x):
    s = bj.add_circuit(api, (x.px, x.py), (x.qx, x.qy))
    api.assert_equal(s[0], x.sx)
    api.assert_equal(s[1], x.sy)
    bits = gbits.to_bits(api, x.k, 8)
    m = bj.mul_any(api, bits, (x.px, x.py))
    api.assert_equal(m[0], x.mx)
    api.assert_equal(m[1], x.my)
    f = bj.mul_fixed(api, bits, bj.BASE8)
    api.assert_equal(f[0], x.fx)
    api.assert_equal(f[1], x.fy)


BJ = gadget_circuit("bj", _bj_body, public=["sx", "sy", "mx", "my", "fx", "fy"], private=["px", "py", "qx", "qy", "k"])


@settings(max_examples=10, deadline=None)
@given(scalar, scalar, st.integers(0, 255))
def test_babyjub_circuit_matches_twin(k1, k2, k):
    p, q = bj.mul(bj.BASE8, k1), bj.mul(bj.BASE8, k2)
    s, m, f = bj.add(p, q), bj.mul(p, k), bj.mul(bj.BASE8, k)
    assert satisfied(BJ, inputs=[*s, *m, *f, *p, *q, k])
    assert not satisfied(BJ, inputs=[s[0], (s[1] + 1) % R, *m, *f, *p, *q, k])


@pytest.mark.parametrize("n", [1, 2, 3])
def test_poseidon_defined_hints_are_pinned(n):
    """The S-box input variables (api.define_hint) cannot be changed: tamper every one of them."""
    from zkvct.dsl.check import check_circuit

    cc = _poseidon_cc(n)
    xs = list(range(3, 3 + n))
    rep = check_circuit(cc, [{"h": poseidon_hash(xs), "x": xs}], seed=n, trials=1, tamper_defined=True)
    assert rep.ok, rep.as_dict()["errors"]
    assert rep.hints_checked == len(cc.hint_vars) and len(cc.defined_hints) > 60
