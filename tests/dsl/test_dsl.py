"""The DSL and its compiler: signals, constraints, linear elimination, witness program, inputs."""
from __future__ import annotations


import pytest
from hypothesis import given, settings, strategies as st

from zkvct.dsl import Circuit, DslError, Input, InputError, compile_circuit, hint
from zkvct.dsl.hints import identity
from zkvct.field import R
from zkvct.formats.r1cs_file import read_r1cs
from zkvct.formats.wtns_file import read_wtns
from zkvct.field import fr_ints

fr = st.integers(min_value=0, max_value=R - 1)


@hint("test_dsl.two_copies")
def two_copies(inputs, n_out):
    """Always two values, whatever n_out asks (a broken hint)."""
    (v,) = inputs
    return [v, v]


@hint("test_dsl.affine")
def affine(inputs, n_out):
    """``u*k + v`` for inputs ``(u, v, k)``."""
    u, v, k = inputs
    return (u * k + v) % R


class Cubic(Circuit):
    """y == x^3 + x + 5 (the classic example), with a linear detour through hints."""

    name = "cubic"
    public = [Input("y", role="param")]
    private = [Input("x", bits=64)]

    def define(self, api, x):
        x3 = x.x * x.x * x.x
        t = api.hint(identity, x3 + x.x, name="t")  # a hint pinned by a linear constraint
        api.assert_equal(t, x3 + x.x)
        api.assert_equal(t + 5, x.y)


def test_cubic_compiles_small_and_satisfies():
    cc = compile_circuit(Cubic())
    # x*x and (x*x)*x are the only products; both linear constraints are substituted away
    assert cc.n_constraints == 2
    assert cc.r1cs.n_pub_in == 1 and cc.r1cs.n_prv_in == 1
    vals = cc.compute_vars({"y": 35, "x": 3})
    assert cc.first_unsatisfied(cc.wire_values(vals)) == -1
    bad = cc.compute_vars({"y": 36, "x": 3})
    assert cc.first_unsatisfied(cc.wire_values(bad)) >= 0


def test_unoptimized_keeps_linear_constraints():
    assert compile_circuit(Cubic(), optimize=False).n_constraints == 4


def test_constant_constraint_that_cannot_hold_is_an_error():
    class Bad(Circuit):
        name = "bad"
        public = [Input("a")]

        def define(self, api, x):
            api.assert_equal(api.constant(2), 3)

    with pytest.raises(DslError, match="can never hold"):
        compile_circuit(Bad())


def test_linear_contradiction_among_internals_is_an_error():
    class Bad(Circuit):
        name = "bad2"
        public = [Input("a")]

        def define(self, api, x):
            h = api.hint("dsl.identity", x.a, name="h")
            api.assert_equal(h, x.a)
            api.assert_equal(h, x.a + 1)

    with pytest.raises(DslError, match="can never hold"):
        compile_circuit(Bad())


def test_signal_arithmetic_and_constant_folding():
    class C(Circuit):
        name = "arith"
        public = [Input("a"), Input("b")]

        def define(self, api, x):
            s = (x.a + 3) * 2 - x.b
            assert s.terms == {1: 2, 2: R - 1, 0: 6}
            assert (api.constant(4) * api.constant(5)).constant_value() == 20
            assert (x.a - x.a).is_constant()
            with pytest.raises(TypeError):
                bool(x.a)
            api.assert_mul(x.a, x.b, x.a * x.b)

    cc = compile_circuit(C())
    assert cc.n_constraints == 2  # a*b product and the assert (not folded: both sides variable)


def test_hint_returning_wrong_count_is_reported():
    class C(Circuit):
        name = "hints"
        public = [Input("a")]

        def define(self, api, x):
            h = api.hint(two_copies, x.a, n_out=3)
            for s in h:
                api.assert_equal(s, x.a)

    cc = compile_circuit(C())
    with pytest.raises(DslError, match=r"\(test_dsl.two_copies\) returned 2 values, expected 3"):
        cc.compute_vars({"a": 1})


class Arrays(Circuit):
    name = "arrays"
    public = [Input("total", role="param")]
    private = [Input("m", shape=(2, 3), bits=8)]

    def define(self, api, x):
        acc = api.constant(0)
        for row in x.m:
            for v in row:
                acc = acc + api.mul(v, v)
        api.assert_equal(acc, x.total)


def test_input_parsing_accepts_circom_styles():
    cc = compile_circuit(Arrays())
    data = {"total": "91", "m": [[1, "2", "0x3"], [4, 5, "6"]]}
    vals = cc.compute_vars(data)
    assert cc.first_unsatisfied(cc.wire_values(vals)) == -1
    assert cc.public_signals(data) == [91]


@pytest.mark.parametrize("data, message", [
    ({"m": [[1, 2, 3], [4, 5, 6]]}, "missing input total"),
    ({"total": 1, "m": [[1, 2, 3], [4, 5, 6]], "extra": 1}, "unknown input"),
    ({"total": 1, "m": [[1, 2, 3], [4, 5]]}, r"m\[1\]: expected an array of length 3"),
    ({"total": 1, "m": [[1, 2, 3], [4, 5, 256]]}, r"m\[1\]\[2\] = 256 is out of range: allowed 0 <= m < 2\^8"),
    ({"total": R, "m": [[1, 2, 3], [4, 5, 6]]}, "total = .* out of range: allowed 0 <= total < r"),
    ({"total": -1, "m": [[1, 2, 3], [4, 5, 6]]}, "out of range"),
    ({"total": "12abc", "m": [[1, 2, 3], [4, 5, 6]]}, "not a decimal"),
    ({"total": True, "m": [[1, 2, 3], [4, 5, 6]]}, "boolean"),
    ({"total": [1], "m": [[1, 2, 3], [4, 5, 6]]}, "expected a single value"),
])
def test_input_errors_name_the_input_and_range(data, message):
    cc = compile_circuit(Arrays())
    with pytest.raises(InputError, match=message):
        cc.compute_vars(data)


def test_roles_and_interface():
    c = Arrays()
    assert c.public_roles == ["param"]
    info = c.interface()
    assert info["private_inputs"][0]["shape"] == [2, 3]
    assert info["private_inputs"][0]["bits"] == 8
    with pytest.raises(ValueError, match="role 'not a name' must be an identifier"):
        Input("x", role="not a name")


def test_export_r1cs_wtns_sym(tmp_path):
    cc = compile_circuit(Arrays())
    cc.write_r1cs(tmp_path / "a.r1cs")
    cc.write_sym(tmp_path / "a.sym")
    data = {"total": 91, "m": [[1, 2, 3], [4, 5, 6]]}
    w = cc.write_wtns(tmp_path / "a.wtns", data)
    back = read_r1cs(tmp_path / "a.r1cs")
    assert back.n_constraints == cc.n_constraints and back.n_wires == cc.n_wires
    assert back.n_pub_in == 1 and back.n_prv_in == 6
    for i in range(cc.n_constraints):
        assert back.a.row(i) == cc.r1cs.a.row(i)
        assert back.c.row(i) == cc.r1cs.c.row(i)
    assert fr_ints(read_wtns(tmp_path / "a.wtns")) == fr_ints(w)
    lines = (tmp_path / "a.sym").read_text().splitlines()
    assert lines[0] == "1,1,0,main.total"
    assert lines[1] == "2,2,0,main.m[0][0]"
    assert len(lines) == len(cc.var_names) - 1
    # every surviving wire has exactly one label naming it
    wires = [int(line.split(",")[1]) for line in lines]
    assert sorted(w for w in wires if w >= 0) == list(range(1, cc.n_wires))


# -- property: elimination preserves the solution set -----------------------------------------

@st.composite
def random_circuits(draw):
    """A random mix of products, hints pinned by linear constraints, and linear assertions."""
    n_ops = draw(st.integers(min_value=1, max_value=12))
    ops = draw(st.lists(st.tuples(st.sampled_from(["mul", "lin", "hint"]), fr, st.integers(0, 100), st.integers(0, 100)),
                        min_size=n_ops, max_size=n_ops))
    return ops


def _build(ops):
    class Rand(Circuit):
        name = "rand"
        public = [Input("out")]
        private = [Input("a"), Input("b")]

        def define(self, api, x):
            pool = [x.a, x.b]
            for kind, k, i, j in ops:
                p, q = pool[i % len(pool)], pool[j % len(pool)]
                if kind == "mul":
                    pool.append(api.mul(p + k, q))
                elif kind == "lin":
                    pool.append(p * k + q)
                else:
                    h = api.hint(affine, p, q, k)  # k enters as a constant input
                    api.assert_equal(h, p * k + q)
                    pool.append(h)
            api.assert_equal(pool[-1], x.out)

    return Rand()


@settings(max_examples=40, deadline=None)
@given(random_circuits(), fr, fr, fr)
def test_elimination_preserves_satisfiability(ops, a, b, noise):
    circ = _build(ops)
    opt, raw = compile_circuit(circ), compile_circuit(circ, optimize=False)
    assert opt.n_constraints <= raw.n_constraints
    # with out = 0 the last constraint's A side, (pool[-1] - out), evaluates to the honest output
    from zkvct.dsl.compiler import _eval
    out = _eval(raw.pre_constraints[-1][0], raw.compute_vars(inputs=[0, a, b]))
    for cc in (opt, raw):
        good = cc.compute_vars(inputs=[out, a, b])
        assert cc.first_unsatisfied(cc.wire_values(good)) == -1
        if noise != out:
            wrong = cc.compute_vars(inputs=[noise, a, b])
            assert cc.first_unsatisfied(cc.wire_values(wrong)) >= 0


# -- property: input.json parsing --------------------------------------------------------------

@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=-(2**300), max_value=2**300), st.sampled_from(["int", "dec", "hex"]))
def test_input_value_forms_parse_alike(v, form):
    cc = compile_circuit(Cubic())
    raw = {"int": v, "dec": str(v), "hex": (hex(v) if v >= 0 else "-" + hex(-v))}[form]
    data = {"y": raw, "x": 3}
    if 0 <= v < R and not (form == "hex" and v < 0):
        assert cc.input_values(data) == [v, 3]
    else:
        with pytest.raises(InputError, match="y"):
            cc.input_values(data)


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.text(max_size=12), st.floats(allow_nan=True), st.none(), st.dictionaries(st.text(max_size=2), st.integers(), max_size=2)))
def test_garbage_values_are_rejected_with_the_input_name(raw):
    cc = compile_circuit(Cubic())
    try:
        vals = cc.input_values({"y": raw, "x": 3})
    except InputError as exc:
        assert "y" in str(exc)
    else:  # only exact integers in range get through: ASCII decimal/hex text or an integral float
        assert isinstance(vals[0], int) and 0 <= vals[0] < R
        if isinstance(raw, str):
            assert raw.isascii() and int(raw.strip(), 0 if raw.strip().lower().startswith("0x") else 10) == vals[0]
        else:
            assert isinstance(raw, float) and raw.is_integer() and abs(raw) <= 2**53
