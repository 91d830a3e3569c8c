"""``check_circuit`` finds the under-constrained patterns it claims to find."""
from __future__ import annotations

from zkvct.dsl import Circuit, Input, compile_circuit, hint
from zkvct.dsl.hints import bits_le
from zkvct.dsl.check import check_circuit
from circuits.gadgets.bits import to_bits
from circuits.gadgets.is_zero import is_zero


@hint("test_check.plus_one")
def plus_one(inputs, n_out):
    """``v + 1``: a value nothing constrains in the probes below."""
    (v,) = inputs
    return v + 1


@hint("test_check.product")
def product(inputs, n_out):
    """``u * v``."""
    u, v = inputs
    return u * v


@hint("test_check.wrong_inverse")
def wrong_inverse(inputs, n_out):
    """An "inverse" modulo the wrong number: nothing checks it, so any value passes."""
    (v,) = inputs
    return pow(v, -1, 2**255)


def _circuit(body, public=("a",), private=("b",)):
    class C(Circuit):
        name = "probe"

        def define(self, api, x):
            body(api, x)

    C.public = [Input(n) for n in public]
    C.private = [Input(n) for n in private]
    return C()


def _kinds(report):
    return {(f.level, f.kind) for f in report.findings}


def test_unused_private_input_is_an_error():
    cc = compile_circuit(_circuit(lambda api, x: api.assert_mul(x.a, x.a, 4)))
    rep = check_circuit(cc)
    assert ("error", "unused") in _kinds(rep)
    assert any("main.b" in f.subject for f in rep.errors)


def test_unconstrained_hint_is_an_error():
    def body(api, x):
        api.hint(plus_one, x.a)  # computed, never constrained
        api.assert_mul(x.a, x.b, 6)

    rep = check_circuit(compile_circuit(_circuit(body)), [{"a": 2, "b": 3}])
    assert ("error", "unconstrained") in _kinds(rep)


def test_hint_defined_but_never_used_is_dangling():
    def body(api, x):
        h = api.hint(product, x.a, x.b, name="prod")
        api.assert_mul(x.a, x.b, h)

    rep = check_circuit(compile_circuit(_circuit(body)))
    assert ("error", "hint_dangling") in _kinds(rep)
    (finding,) = [f for f in rep.errors if f.kind == "hint_dangling"]
    assert finding.hint == "test_check.product" and "(test_check.product)" in finding.message


def test_hint_that_feeds_a_product_without_being_pinned_is_caught_by_tampering():
    def body(api, x):
        inv = api.hint(wrong_inverse, x.b, name="inv")  # "should" be 1/b, never checked
        api.assert_mul(api.mul(inv, x.a), 1, api.mul(x.a, inv))  # a tautology that uses inv
        api.assert_mul(x.a, x.b, 6)

    rep = check_circuit(compile_circuit(_circuit(body)), [{"a": 2, "b": 3}], seed=3)
    assert ("error", "hint_not_pinned") in _kinds(rep)
    assert not rep.ok
    assert rep.as_dict()["errors"][0]["hint"] == "test_check.wrong_inverse"
    assert rep.as_dict()["hints"] == {"test_check.wrong_inverse": 1}


def test_bits_without_boolean_constraints_are_caught():
    def body(api, x):
        bits = api.hint(bits_le, x.a, n_out=4, name="bits")
        api.assert_equal(sum((b * (1 << i) for i, b in enumerate(bits)), api.constant(0)), x.a)
        api.assert_mul(bits[0], x.b, x.b)  # uses bit 0 downstream

    rep = check_circuit(compile_circuit(_circuit(body)), [{"a": 5, "b": 3}], seed=1)
    assert not rep.ok


def test_correct_gadgets_pass_and_iszero_inverse_is_inert():
    def body(api, x):
        to_bits(api, x.a, 8)
        z = is_zero(api, x.b)
        api.assert_mul(z, x.a, x.a)

    cc = compile_circuit(_circuit(body))
    rep = check_circuit(cc, [{"a": 7, "b": 0}], seed=2)
    assert rep.ok, rep.as_dict()
    assert ("info", "hint_inert") in _kinds(rep)
    assert {f.hint for f in rep.findings if f.kind == "hint_inert"} == {"dsl.inverse"}
    assert rep.hints == {"dsl.bits_le": 1, "dsl.inverse": 1}
    rep2 = check_circuit(cc, [{"a": 7, "b": 0}, {"a": 0, "b": 0}], seed=2)
    assert rep2.ok
