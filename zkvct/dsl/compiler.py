"""Compile a DSL circuit: linear-constraint elimination, wire layout, witness program, export.

Elimination (comparable to circom ``--O2``): every constraint whose A or B side is a constant is
linear, ``L(v) = 0``. Processing them in order, each is first rewritten with the substitutions
found so far; if it still mentions an internal variable (a product or hint output), the newest
such variable ``p`` is solved for (``p = -(L - c·p)/c``) and substituted everywhere, so the
constraint disappears (a gadget may name the variable to solve for with ``api.define_by``).
Public and private inputs are never eliminated. Substitutions are kept
fully reduced through a reverse index (``users[v]`` = substitutions mentioning ``v``), so the work
is proportional to the terms touched rather than quadratic in the circuit size. Remaining
quadratic constraints are rewritten once at the end.

The witness program still computes every variable (eliminated ones included: later steps may
read them); the witness vector keeps the surviving ones in circom's layout:
``1 | public inputs | private inputs | internal``.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..field import R
from ..r1cs import R1CS
from .builder import HINT, MUL, Builder, DslError
from .circuit import Circuit, InputError

LC = dict[int, int]


def _eval(terms: LC, vals: list[int]) -> int:
    return sum(c * vals[v] for v, c in terms.items()) % R


def _add_scaled(dst: LC, src: LC, k: int) -> None:
    for v, c in src.items():
        s = (dst.get(v, 0) + c * k) % R
        if s:
            dst[v] = s
        else:
            dst.pop(v, None)


class _Eliminator:
    def __init__(self, protected: int):
        self.sub: dict[int, LC] = {}
        self.users: dict[int, set[int]] = {}
        self.protected = protected  # vars < protected are the constant and the inputs

    def reduce(self, lc: LC) -> LC:
        sub = self.sub
        if not any(v in sub for v in lc):
            return dict(lc)
        acc: dict[int, int] = {}
        get = acc.get
        for v, c in lc.items():
            value = sub.get(v)
            if value is None:
                acc[v] = get(v, 0) + c
            else:
                for u, x in value.items():  # reduce mod r once at the end
                    acc[u] = get(u, 0) + c * x
        out: LC = {}
        for v, c in acc.items():
            c %= R
            if c:
                out[v] = c
        return out

    def eliminate(self, lc: LC, name: str, pivot: int | None = None) -> LC | None:
        """Absorb ``lc == 0``; return the reduced constraint if it must stay, else None.

        ``pivot`` (from ``api.define_by``) names the variable to solve for when it is still present.
        """
        lc = self.reduce(lc)
        if not lc:
            return None
        if all(v == 0 for v in lc):
            raise DslError(f"constraint {name} reduces to {lc[0]} = 0, which can never hold")
        if pivot is None or pivot not in lc or pivot < self.protected:
            pivot = max(lc)
        if pivot < self.protected:
            return lc
        c = lc.pop(pivot)
        k = (R - pow(c, -1, R)) % R  # -1/c
        value = {v: x * k % R for v, x in lc.items()}
        for user in self.users.pop(pivot, ()):
            target = self.sub[user]
            coeff = target.pop(pivot)
            before = set(target)
            _add_scaled(target, value, coeff)
            for v in set(target) - before:
                self.users.setdefault(v, set()).add(user)
            for v in before - set(target):
                if v in self.users:
                    self.users[v].discard(user)
        self.sub[pivot] = value
        for v in value:
            if v:
                self.users.setdefault(v, set()).add(pivot)
        return None


@dataclass
class CompiledCircuit:
    """A compiled circuit: R1CS in circom layout, names, and the witness program."""

    circuit: Circuit
    r1cs: R1CS
    #: final constraints as ``(A, B, C)`` dicts over *wire* indices (Python-side checks / tools)
    constraints: list[tuple[LC, LC, LC]]
    constraint_names: list[str]
    wire_var: list[int]           # wire -> variable
    var_wire: list[int]           # variable -> wire, or -1 when eliminated
    var_names: list[str]
    var_kind: list[str]
    steps: list[tuple]
    hint_vars: list[int]
    n_inputs: int                 # variables 1..n_inputs are the declared inputs (pub then prv)
    #: hint outputs defined as a linear combination of other variables (api.define_hint)
    defined_hints: set[int] = field(default_factory=set)
    pre_constraints: list[tuple[LC, LC, LC, str]] = field(repr=False, default_factory=list)
    compile_seconds: float = 0.0
    _hint_name_cache: dict[int, str] | None = field(default=None, repr=False, compare=False)

    @property
    def n_constraints(self) -> int:
        return self.r1cs.n_constraints

    @property
    def n_wires(self) -> int:
        return self.r1cs.n_wires

    # -- hints -----------------------------------------------------------------------------
    def hint_of(self, var: int) -> str:
        """Registered name of the hint that computes variable ``var`` ('' for other variables)."""
        return self._hint_names().get(var, "")

    def _hint_names(self) -> dict[int, str]:
        if self._hint_name_cache is None:
            self._hint_name_cache = {v: step[2].name for step in self.steps if step[0] == HINT for v in step[1]}
        return self._hint_name_cache

    def hint_usage(self) -> dict[str, int]:
        """How many times each registered hint is called by the witness program (name -> calls),
        the audit list of the unconstrained code this circuit relies on."""
        usage: dict[str, int] = {}
        for step in self.steps:
            if step[0] == HINT:
                usage[step[2].name] = usage.get(step[2].name, 0) + 1
        return dict(sorted(usage.items()))

    # -- witness ---------------------------------------------------------------------------
    def input_values(self, data: dict[str, Any]) -> list[int]:
        parsed = self.circuit.parse_input(data)
        flat: list[int] = []
        for inp in [*self.circuit.public, *self.circuit.private]:
            flat.extend(parsed[inp.name])
        return flat

    def compute_vars(self, data: dict[str, Any] | None = None, *, inputs: list[int] | None = None,
                     overrides: dict[int, int] | None = None, start_step: int = 0,
                     base: list[int] | None = None) -> list[int]:
        """Run the witness program; return the value of every variable (by variable id).

        ``overrides`` pins chosen hint outputs to given values (the soundness checker uses this to
        tamper); ``base``/``start_step`` resume from an earlier run.
        """
        if base is not None:
            vals = list(base)
        else:
            if inputs is None:
                inputs = self.input_values(data or {})
            vals = [0] * len(self.var_names)
            vals[0] = 1
            vals[1:1 + len(inputs)] = inputs
        ov = overrides or {}
        for step in self.steps[start_step:] if start_step else self.steps:
            if step[0] == MUL:
                _, out, a, b = step
                va = _eval(a, vals)
                vals[out] = va * (va if a is b else _eval(b, vals)) % R
            else:
                _, outs, h, ins = step
                try:
                    res = h.fn(tuple(_eval(t, vals) for t in ins), len(outs))
                except (ValueError, ZeroDivisionError, ArithmeticError) as exc:
                    raise InputError(f"witness hint {self.var_names[outs[0]]} ({h.name}) failed: {exc}") from exc
                if len(outs) == 1 and isinstance(res, int):
                    res = (res,)
                res = list(res)
                if len(res) != len(outs):
                    raise DslError(f"hint {self.var_names[outs[0]]} ({h.name}) returned {len(res)} values, "
                                   f"expected {len(outs)}")
                for v, x in zip(outs, res):
                    vals[v] = ov.get(v, x % R)
        return vals

    def wire_values(self, vals: list[int]) -> list[int]:
        return [vals[v] for v in self.wire_var]

    def witness(self, data: dict[str, Any]) -> np.ndarray:
        """The ``(n_wires, 32)`` uint8 witness (the .wtns layout) for an input.json object."""
        return pack(self.wire_values(self.compute_vars(data)))

    def public_signals(self, data: dict[str, Any]) -> list[int]:
        vals = self.compute_vars(data)
        return [vals[v] for v in self.wire_var[1:1 + self.r1cs.n_public]]

    def first_unsatisfied(self, wire_vals: list[int]) -> int:
        """Pure-Python constraint check over wire values (a twin of the native kernel)."""
        for i, (a, b, c) in enumerate(self.constraints):
            if _eval(a, wire_vals) * _eval(b, wire_vals) % R != _eval(c, wire_vals):
                return i
        return -1

    # -- export ----------------------------------------------------------------------------
    def write_r1cs(self, path: str | os.PathLike[str]) -> None:
        from ..formats.r1cs_file import write_r1cs

        write_r1cs(self.r1cs, path)

    def write_wtns(self, path: str | os.PathLike[str], data: dict[str, Any]) -> np.ndarray:
        from ..formats.wtns_file import write_wtns

        w = self.witness(data)
        write_wtns(path, w)
        return w

    def sym_text(self) -> str:
        """circom's ``.sym``: ``label,wire,component,name`` per variable (wire -1 if eliminated)."""
        lines = [f"{v},{self.var_wire[v]},0,{self.var_names[v]}" for v in range(1, len(self.var_names))]
        return "\n".join(lines) + "\n"

    def write_sym(self, path: str | os.PathLike[str]) -> None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(self.sym_text())

    def stats(self) -> dict[str, Any]:
        return {
            "name": self.circuit.name,
            "constraints": self.n_constraints,
            "wires": self.n_wires,
            "public_signals": self.r1cs.n_public,
            "private_inputs": self.r1cs.n_prv_in,
            "labels": len(self.var_names),
            "eliminated": sum(1 for w in self.var_wire if w < 0),
            "compile_seconds": round(self.compile_seconds, 4),
            "hints": self.hint_usage(),
        }


def pack(values: list[int]) -> np.ndarray:
    blob = b"".join(v.to_bytes(32, "little") for v in values)
    return np.frombuffer(blob, dtype=np.uint8).reshape(len(values), 32).copy()


def compile_circuit(circuit: Circuit, *, optimize: bool = True) -> CompiledCircuit:
    """Run ``circuit.define`` and compile the result (see module docstring)."""
    t0 = time.perf_counter()
    api = Builder()
    x = circuit.declare(api)
    n_pub = sum(i.size for i in circuit.public)
    n_prv = sum(i.size for i in circuit.private)
    circuit.define(api, x)
    n_inputs = n_pub + n_prv

    elim = _Eliminator(protected=1 + n_inputs)
    kept: list[tuple[LC, LC, LC, str]] = []
    for idx, (a, b, c, name) in enumerate(api.constraints):
        a_const = all(v == 0 for v in a)
        b_const = all(v == 0 for v in b)
        if optimize and (a_const or b_const):
            k = a.get(0, 0) if a_const else b.get(0, 0)
            other = b if a_const else a
            lin: LC = {}
            _add_scaled(lin, other, k)
            _add_scaled(lin, c, R - 1)
            rest = elim.eliminate(lin, name, api.pivots.get(idx))
            if rest is not None:
                kept.append((rest, {0: 1}, {}, name))
        else:
            kept.append((a, b, c, name))
    final = [(elim.reduce(a), elim.reduce(b), elim.reduce(c), name) for a, b, c, name in kept]
    final = [f for f in final if f[0] and f[1] or f[2]]  # drop 0*x = 0 leftovers

    n_vars = len(api.var_names)
    var_wire = [-1] * n_vars
    wire_var = list(range(0, 1 + n_inputs))
    for v in range(1 + n_inputs, n_vars):
        if v not in elim.sub:
            wire_var.append(v)
    for w, v in enumerate(wire_var):
        var_wire[v] = w

    def remap(lc: LC) -> LC:
        return {var_wire[v]: c for v, c in lc.items()}

    constraints = [(remap(a), remap(b), remap(c)) for a, b, c, _ in final]
    names = [n for *_, n in final]
    r1cs = R1CS.from_rows(
        n_wires=len(wire_var), n_pub_out=0, n_pub_in=n_pub, n_prv_in=n_prv, constraints=constraints,
        wire_to_label=np.asarray(wire_var, dtype=np.uint64), n_labels=n_vars,
        constraint_names=names, wire_names={w: api.var_names[v] for w, v in enumerate(wire_var)},
    )
    return CompiledCircuit(
        circuit=circuit, r1cs=r1cs, constraints=constraints, constraint_names=names, wire_var=wire_var,
        var_wire=var_wire, var_names=api.var_names, var_kind=api.var_kind, steps=api.steps,
        hint_vars=api.hint_vars, n_inputs=n_inputs, defined_hints=set(api.defined_hints),
        pre_constraints=api.constraints,
        compile_seconds=time.perf_counter() - t0,
    )
