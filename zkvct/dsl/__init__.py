"""A small circuit DSL in the spirit of gnark: a circuit declares typed public/private inputs and
one ``define(api, x)`` function; signals are linear combinations with operator overloading, and
only multiplications (and explicit assertions) create constraints.

    class Square(Circuit):
        name = "square"
        public = [Input("y", role="param")]
        private = [Input("x", bits=64)]
        def define(self, api, x):
            api.assert_equal(x.x * x.x, x.y)

Gadgets (functions ``f(api, ...)``) use only the documented ``api`` methods: ``api.as_signal``
turns a signal-or-integer operand into a signal, ``api.constant`` makes a constant, and
``api.hint`` runs a hint registered by name with ``@hint("namespace.name")``
(:mod:`zkvct.dsl.hints`); see docs/circuits.md.

``compile_circuit(Square())`` gives a :class:`~zkvct.dsl.compiler.CompiledCircuit`: the project's
:class:`~zkvct.r1cs.R1CS` after linear-constraint elimination, a witness program, and exporters
for ``.r1cs`` / ``.wtns`` / ``.sym``.
"""
from .signal import Signal
from .builder import Builder, DslError
from .circuit import Circuit, Input, InputError
from .compiler import CompiledCircuit, compile_circuit
from .hints import Hint, HintError, get_hint, hint, register_hint, registered_hints

__all__ = [
    "Signal", "Builder", "DslError", "Circuit", "Input", "InputError", "CompiledCircuit", "compile_circuit",
    "Hint", "HintError", "hint", "register_hint", "get_hint", "registered_hints",
]
