"""The ``api`` object a circuit's ``define`` receives: allocates variables, records constraints
and the witness program (the ordered steps that compute every variable from the inputs).

Variables are numbered in creation order (0 is the constant 1). The compiler later renumbers the
survivors into circom's wire layout; names (``main.scope.x``) feed the ``.sym`` file and error
messages.
"""
from __future__ import annotations

import contextlib
from typing import Iterator

from ..field import R
from .hints import Hint, HintError, identity, inverse, resolve_hint
from .signal import Operand, Signal

LC = dict[int, int]

# witness-program step kinds
MUL, HINT = 0, 1


class DslError(ValueError):
    """A circuit definition is wrong (unsatisfiable constant constraint, bad hint, misuse)."""


class Builder:
    """Collects variables, constraints and witness steps while ``define`` runs."""

    def __init__(self) -> None:
        self.var_names: list[str] = ["one"]
        self.var_kind: list[str] = ["one"]  # one | pub | prv | mul | hint
        self.constraints: list[tuple[LC, LC, LC, str]] = []
        self.steps: list[tuple] = []
        self.hint_vars: list[int] = []
        #: constraint index -> variable the eliminator must solve that linear constraint for
        self.pivots: dict[int, int] = {}
        #: hint outputs that equal a linear combination of other variables by a recorded constraint
        self.defined_hints: set[int] = set()
        self._scope: list[str] = ["main"]
        self._counter = 0

    # -- naming ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix the names of variables and constraints created inside (``main.merkle[3].left``)."""
        self._scope.append(name)
        try:
            yield
        finally:
            self._scope.pop()

    def _name(self, name: str | None) -> str:
        if name is None:
            self._counter += 1
            name = f"_{self._counter}"
        return ".".join(self._scope) + "." + name

    def _new_var(self, kind: str, name: str | None) -> int:
        self.var_names.append(self._name(name) if kind in ("mul", "hint") else name)  # inputs arrive named
        self.var_kind.append(kind)
        return len(self.var_names) - 1

    def as_signal(self, x: Operand) -> Signal:
        """``x`` as a :class:`Signal` of this circuit: a signal is returned as is, an integer
        becomes the constant ``x mod r``.

        Gadgets call it on an operand that may be either (``api.as_signal(a) - b`` works when
        both ``a`` and ``b`` are plain integers, where ``a - b`` would not be a signal). A signal of
        another circuit, a bool or a non-integer is a :class:`DslError`.
        """
        if isinstance(x, Signal):
            if x.api is not self:
                raise DslError("signal belongs to another circuit")
            return x
        if isinstance(x, bool) or not isinstance(x, int):
            raise DslError(f"a circuit operand is a signal or an integer, not {type(x).__name__}")
        return Signal(self, {0: x % R} if x % R else {})

    def input_var(self, kind: str, full_name: str) -> Signal:
        v = self._new_var(kind, full_name)
        return Signal(self, {v: 1})

    # -- constants -------------------------------------------------------------------------
    def constant(self, k: int) -> Signal:
        """The constant ``k mod r`` as a signal (no variable, no constraint)."""
        if isinstance(k, Signal):
            raise DslError("api.constant takes an integer; use api.as_signal for a signal-or-integer operand")
        return self.as_signal(k)

    @property
    def one(self) -> Signal:
        return self.as_signal(1)

    def lincomb(self, pairs) -> Signal:
        """``sum k_i * s_i`` for constant ``k_i`` in one pass (no intermediate signals)."""
        acc: dict[int, int] = {}
        get = acc.get
        for k, sig in pairs:
            if isinstance(sig, Signal):
                for v, c in sig.terms.items():
                    acc[v] = get(v, 0) + k * c
            else:
                acc[0] = get(0, 0) + k * sig
        out = {}
        for v, c in acc.items():
            c %= R
            if c:
                out[v] = c
        return Signal(self, out)

    # -- constraints -----------------------------------------------------------------------
    def _constraint(self, a: Signal, b: Signal, c: Signal, name: str | None) -> None:
        if a.is_constant() and b.is_constant() and c.is_constant():
            if a.constant_value() * b.constant_value() % R != c.constant_value():
                raise DslError(f"constraint {self._name(name)} is between constants and can never hold")
            return
        self.constraints.append((a.terms, b.terms, c.terms, self._name(name or "c")))

    def mul(self, a: Operand, b: Operand, name: str | None = None) -> Signal:
        """``a * b`` as a new variable with one constraint (no constraint when a side is constant)."""
        a, b = self.as_signal(a), self.as_signal(b)
        if a.is_constant():
            return b.scale(a.constant_value())
        if b.is_constant():
            return a.scale(b.constant_value())
        v = self._new_var("mul", name)
        out = Signal(self, {v: 1})
        self.steps.append((MUL, v, a.terms, b.terms))
        self.constraints.append((a.terms, b.terms, out.terms, self.var_names[v]))
        return out

    def assert_mul(self, a: Operand, b: Operand, c: Operand, name: str | None = None) -> None:
        """Constrain ``a * b == c``."""
        self._constraint(self.as_signal(a), self.as_signal(b), self.as_signal(c), name)

    def assert_equal(self, a: Operand, b: Operand, name: str | None = None) -> None:
        """Constrain ``a == b`` (a linear constraint; the compiler may substitute it away)."""
        diff = self.as_signal(a) - self.as_signal(b)
        self._constraint(diff, self.one, self.as_signal(0), name or "eq")

    def define_by(self, var: Signal, a: Operand, b: Operand, name: str | None = None) -> None:
        """Constrain ``a == b`` and have the compiler eliminate *this* constraint by solving it for
        ``var`` (a product variable occurring in it), rather than for the newest variable.

        Gadgets use it to steer where a long linear combination ends up after elimination (see
        the Poseidon gadget): the result is the same system up to substitution, so soundness does
        not depend on the choice, only the number of non-zero terms does.
        """
        (v,) = var.terms  # a single variable
        self.pivots[len(self.constraints)] = v
        self.assert_equal(a, b, name=name)

    def define_hint(self, w: Signal, lc: Operand, solve_for: Signal, name: str | None = None) -> None:
        """Record ``w == lc`` for a hint output ``w`` that merely names ``lc`` (eliminated by solving
        for ``solve_for``). ``w`` is then pinned exactly when the variables of ``lc`` are, so the
        tampering check skips it (it still gets the structural checks)."""
        (hv,) = w.terms
        self.defined_hints.add(hv)
        self.define_by(solve_for, w, lc, name=name)

    def assert_bool(self, x: Operand, name: str | None = None) -> None:
        """Constrain ``x * (x - 1) == 0``."""
        x = self.as_signal(x)
        self._constraint(x, x - 1, self.as_signal(0), name or "bool")

    def assert_nonzero(self, x: Operand, name: str | None = None) -> None:
        """Constrain ``x != 0`` by exhibiting its inverse."""
        x = self.as_signal(x)
        inv = self.hint(inverse, x, name=(name or "nz") + "_inv")
        self.assert_mul(x, inv, 1, name=name or "nonzero")

    def select(self, cond: Operand, if_true: Operand, if_false: Operand, name: str | None = None) -> Signal:
        """``cond ? if_true : if_false`` for a boolean ``cond`` (the caller constrains it boolean)."""
        t, f = self.as_signal(if_true), self.as_signal(if_false)
        return f + self.mul(cond, t - f, name=name)

    # -- hints -----------------------------------------------------------------------------
    def hint(self, fn: Hint | str, *inputs: Operand, n_out: int = 1,
             name: str | None = None) -> Signal | list[Signal]:
        """New variables computed outside the constraints by the registered hint ``fn`` (a
        :class:`~zkvct.dsl.hints.Hint` made with ``@hint("ns.name")``, or that name).

        The caller MUST constrain them (``zkvct circuit check`` tampers with every hint output to
        find ones that are not pinned down, and names the hint in its findings). The hint gets the
        input values and ``n_out`` (see :mod:`zkvct.dsl.hints`); lambdas are refused so every
        piece of unconstrained code has a stable name.
        """
        try:
            fn = resolve_hint(fn)
        except HintError as exc:
            raise DslError(str(exc)) from None
        if not isinstance(n_out, int) or isinstance(n_out, bool) or n_out < 1:
            raise DslError(f"hint {fn.name}: n_out must be a positive integer, got {n_out!r}")
        ins = [self.as_signal(x).terms for x in inputs]
        base = name or "hint"
        outs = tuple(self._new_var("hint", base if n_out == 1 else f"{base}[{i}]") for i in range(n_out))
        self.hint_vars.extend(outs)
        self.steps.append((HINT, outs, fn, ins))
        sigs = [Signal(self, {v: 1}) for v in outs]
        return sigs[0] if n_out == 1 else sigs

    def wire(self, x: Operand, name: str | None = None) -> Signal:
        """Materialise a linear combination as its own variable (one linear constraint)."""
        x = self.as_signal(x)
        if x.is_constant():
            return x
        w = self.hint(identity, x, name=name or "wire")
        self.assert_equal(w, x, name=(name or "wire") + "_def")
        return w
