"""``check_circuit`` finds the under-constrained patterns it claims to find."""
from __future__ import annotations

from zkvct.dsl import Circuit, Input, compile_circuit
from zkvct.dsl.check import check_circuit
from circuits.gadgets.bits import to_bits
from circuits.gadgets.is_zero import is_zero


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
        api.hint(lambda v: v + 1, x.a)  # computed, never constrained
        api.assert_mul(x.a, x.b, 6)

    rep = check_circuit(compile_circuit(_circuit(body)), [{"a": 2, "b": 3}])
    assert ("error", "unconstrained") in _kinds(rep)


def test_hint_defined_but_never_used_is_dangling():
    def body(api, x):
        h = api.hint(lambda u, v: u * v, x.a, x.b, name="prod")
        api.assert_mul(x.a, x.b, h)

    rep = check_circuit(compile_circuit(_circuit(body)))
    assert ("error", "hint_dangling") in _kinds(rep)


def test_hint_that_feeds_a_product_without_being_pinned_is_caught_by_tampering():
    def body(api, x):
        inv = api.hint(lambda v: pow(v, -1, 2**255), x.b, name="inv")  # "should" be 1/b, never checked
        api.assert_mul(api.mul(inv, x.a), 1, api.mul(x.a, inv))  # a tautology that uses inv
        api.assert_mul(x.a, x.b, 6)

    rep = check_circuit(compile_circuit(_circuit(body)), [{"a": 2, "b": 3}], seed=3)
    assert ("error", "hint_not_pinned") in _kinds(rep)
    assert not rep.ok


def test_bits_without_boolean_constraints_are_caught():
    def body(api, x):
        bits = api.hint(lambda v: [(v >> i) & 1 for i in range(4)], x.a, n_out=4, name="bits")
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
    rep2 = check_circuit(cc, [{"a": 7, "b": 0}, {"a": 0, "b": 0}], seed=2)
    assert rep2.ok
