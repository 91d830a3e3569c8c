"""Tiny wrapper turning a gadget call into a compiled circuit, for gadget tests."""
from __future__ import annotations

from zkvct.dsl import Circuit, Input, compile_circuit


def gadget_circuit(name, body, public=(), private=(), shapes=None):
    """Compile ``body(api, x)`` with scalar field inputs (``shapes`` gives array shapes by name)."""
    shapes = shapes or {}

    class G(Circuit):
        def define(self, api, x):
            body(api, x)

    G.name = name
    G.public = [Input(n, shape=shapes.get(n, ())) for n in public]
    G.private = [Input(n, shape=shapes.get(n, ())) for n in private]
    return compile_circuit(G())


def satisfied(cc, inputs: list[int] | None = None, data: dict | None = None, overrides=None) -> bool:
    """Does the honest witness program (optionally with hint overrides) satisfy every constraint?"""
    vals = cc.compute_vars(data, inputs=inputs, overrides=overrides)
    return cc.first_unsatisfied(cc.wire_values(vals)) == -1


def value_of(cc, vals, sig) -> int:
    from zkvct.dsl.compiler import _eval

    return _eval(sig.terms, vals)


def forged_satisfies(cc, inputs: list[int], changes: dict[int, int]) -> bool:
    """Edit the honest *witness vector* directly (variables that survive as wires) and re-check."""
    vals = cc.compute_vars(inputs=inputs)
    wires = cc.wire_values(vals)
    for var, value in changes.items():
        w = cc.var_wire[var]
        if w < 0:
            raise ValueError(f"{cc.var_names[var]} was eliminated; it is not a witness entry")
        wires[w] = value
    return cc.first_unsatisfied(wires) == -1
