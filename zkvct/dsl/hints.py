"""Named witness hints: the only code a circuit runs outside its constraints.

A hint computes values the prover needs but the constraints merely check (an inverse, the bits of
a number, a point's coordinates after a division). Like gnark's ``solver.RegisterHint``, each hint
is a plain function registered under a stable, dotted name::

    from zkvct.dsl import hint

    @hint("smt.levels")
    def smt_levels(inputs, n_out):
        ...

and a gadget calls it with ``api.hint(smt_levels, *signals, n_out=k)`` (or by name). Why names
rather than lambdas: the name identifies what computed a witness value in ``zkvct circuit check``
findings and in ``CompiledCircuit.hint_usage()``, it survives a refactor of the Python that
implements it, and an audit can list every piece of unconstrained code a circuit relies on.

Calling convention (the same for every hint): ``fn(inputs, n_out)`` gets the input values as a
tuple of ints in ``[0, r)`` and the number of outputs the caller asked for; it returns one int
(``n_out == 1``) or a sequence of ``n_out`` ints, reduced mod r by the caller. It raises
``ValueError``/``ArithmeticError`` for inputs it cannot handle (reported as a witness error).

The generic hints every circuit may use live here; gadget-specific ones live in their gadget
module (``circuits/gadgets/smt.py``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from ..field import R

HintFn = Callable[[tuple[int, ...], int], "int | Sequence[int]"]

#: a hint name: dotted lowercase identifiers, e.g. ``dsl.inverse`` or ``smt.levels``
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+")


class HintError(ValueError):
    """A hint is misnamed, registered twice under one name, or unknown."""


@dataclass(frozen=True)
class Hint:
    """A registered hint: its stable name and the function computing its outputs."""

    name: str
    fn: HintFn = field(repr=False, compare=False)
    doc: str = field(default="", compare=False)

    def __call__(self, inputs: Sequence[int], n_out: int = 1) -> int | Sequence[int]:
        return self.fn(tuple(inputs), n_out)


_REGISTRY: dict[str, Hint] = {}


def _same_function(a: HintFn, b: HintFn) -> bool:
    # a module reloaded (tests, importlib.reload) registers a new function object for the same code
    return a is b or (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)


def register_hint(name: str, fn: HintFn) -> Hint:
    """Register ``fn`` under ``name`` (see the module docstring) and return its :class:`Hint`."""
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise HintError(f"hint name {name!r} must be dotted lowercase identifiers like 'dsl.inverse' "
                        f"or 'smt.levels' (a namespace, a dot, a name)")
    if getattr(fn, "__name__", "") == "<lambda>":
        raise HintError(f"hint {name}: register a named function, not a lambda")
    known = _REGISTRY.get(name)
    if known is not None and not _same_function(known.fn, fn):
        raise HintError(f"hint name {name} is already registered by {known.fn.__module__}.{known.fn.__qualname__}")
    h = Hint(name, fn, (fn.__doc__ or "").strip().split("\n")[0])
    _REGISTRY[name] = h
    return h


def hint(name: str) -> Callable[[HintFn], Hint]:
    """Decorator form of :func:`register_hint`: ``@hint("dsl.inverse")`` over ``def f(inputs, n_out)``."""
    def deco(fn: HintFn) -> Hint:
        return register_hint(name, fn)
    return deco


def get_hint(name: str) -> Hint:
    """The hint registered as ``name`` (:class:`HintError` naming the known ones otherwise)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise HintError(f"no hint is registered as {name!r}; known: {', '.join(sorted(_REGISTRY))}") from None


def registered_hints() -> dict[str, Hint]:
    """A copy of the registry (name -> hint), for listings and audits."""
    return dict(_REGISTRY)


def resolve_hint(h: Hint | str) -> Hint:
    """``api.hint``'s view of its first argument: a registered :class:`Hint` or its name."""
    if isinstance(h, Hint):
        known = _REGISTRY.get(h.name)
        if known is None or not _same_function(known.fn, h.fn):
            raise HintError(f"hint {h.name} is not the one registered under that name")
        return h
    if isinstance(h, str):
        return get_hint(h)
    what = getattr(h, "__name__", type(h).__name__)
    raise HintError(f"api.hint takes a hint registered with @hint('namespace.name') or its name, not {what}; "
                    f"register the function so its name shows in `zkvct circuit check`")


# -- the generic hints -----------------------------------------------------------------------

@hint("dsl.identity")
def identity(inputs: tuple[int, ...], n_out: int) -> int:
    """The input itself (gives a linear combination its own variable: ``api.wire``, Poseidon)."""
    (v,) = inputs
    return v


@hint("dsl.inverse")
def inverse(inputs: tuple[int, ...], n_out: int) -> int:
    """``1/v`` in the field, and 0 for ``v = 0`` (IsZero, ``api.assert_nonzero``)."""
    (v,) = inputs
    return pow(v, -1, R) if v else 0


@hint("dsl.div")
def div(inputs: tuple[int, ...], n_out: int) -> int:
    """``n/d`` in the field, and 0 for ``d = 0`` (the constraint ``q*d = n`` then decides)."""
    n, d = inputs
    return n * pow(d, -1, R) % R if d else 0


@hint("dsl.bits_le")
def bits_le(inputs: tuple[int, ...], n_out: int) -> list[int]:
    """The ``n_out`` low bits of the input, least significant first."""
    (v,) = inputs
    return [(v >> i) & 1 for i in range(n_out)]
