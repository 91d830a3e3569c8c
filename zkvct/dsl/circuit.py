"""Circuit declarations: typed public/private inputs with roles and allowed ranges.

A circuit subclasses :class:`Circuit`, lists its inputs, and implements ``define(api, x)`` where
``x.<name>`` is a :class:`~zkvct.dsl.signal.Signal` (or nested lists of them for array inputs).

Each public input may carry a *role*: an identifier naming what a verifier must do with that
value (a contract checks an ``issuer_root`` against its anchored roots, a ``challenge`` against
the request...). The DSL gives roles no meaning of its own, so it keeps no list of them: a family
of circuits declares its vocabulary in :attr:`Circuit.roles` (the credential statements use
``circuits/statements/roles.py``) and its inputs are checked against it. An input without a role
is a plain parameter (:data:`DEFAULT_ROLE`); :attr:`Circuit.public_roles` lists the roles in
public-signal order.

Each input also declares its allowed range, used to reject a bad ``input.json`` with a message
that names the input and the range (the circuit itself must still range-check whatever soundness
depends on).
"""
from __future__ import annotations

import abc

import itertools
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Iterator

from ..field import R

#: the role of a public input that declares none: a parameter the verifier supplies as is
DEFAULT_ROLE = "param"


class InputError(ValueError):
    """An input.json value is missing, malformed or out of its declared range."""


@dataclass(frozen=True)
class Input:
    """One declared input: scalar (``shape=()``) or array; ``bits`` bounds it to ``[0, 2^bits)``."""

    name: str
    shape: tuple[int, ...] = ()
    bits: int | None = None
    role: str | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        if self.role is not None and not (isinstance(self.role, str) and self.role.isidentifier()):
            raise ValueError(f"input {self.name}: role {self.role!r} must be an identifier such as 'issuer_root'")
        if not self.name.isidentifier():
            raise ValueError(f"input name {self.name!r} must be an identifier")

    @property
    def size(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    def element_names(self) -> Iterator[str]:
        """Flattened element names in circom's order: ``x``, ``x[0]``, ``x[0][1]`` ..."""
        if not self.shape:
            yield self.name
            return
        for idx in itertools.product(*(range(d) for d in self.shape)):
            yield self.name + "".join(f"[{i}]" for i in idx)

    def range_text(self) -> str:
        if self.bits is None:
            return f"0 <= {self.name} < r (the BN254 scalar field, {R})"
        return f"0 <= {self.name} < 2^{self.bits} ({1 << self.bits})"


def _nest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    if not shape:
        return flat[0]
    if len(shape) == 1:
        return list(flat)
    step = len(flat) // shape[0]
    return [_nest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _parse_value(raw: Any, where: str) -> int:
    if isinstance(raw, bool):
        raise InputError(f"input {where}: expected a number or a decimal string, got a boolean")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if not text.isascii():  # str.isdigit() also accepts non-ASCII digits
            raise InputError(f"input {where}: {raw!r} is not a decimal (or 0x-hex) integer")
        try:
            if text.lower().startswith("0x"):
                return int(text, 16)
            if text.startswith("-") and text[1:].isdigit() or text.isdigit():
                return int(text)
        except ValueError:
            pass
        raise InputError(f"input {where}: {raw!r} is not a decimal (or 0x-hex) integer")
    if isinstance(raw, float) and raw.is_integer() and abs(raw) <= 2**53:
        return int(raw)  # JSON numbers beyond 2^53 lose digits as floats: use decimal strings
    raise InputError(f"input {where}: expected an integer (number up to 2^53, or a decimal string), got {raw!r}")


def _flatten(raw: Any, shape: tuple[int, ...], where: str) -> list[Any]:
    if not shape:
        if isinstance(raw, list):
            raise InputError(f"input {where}: expected a single value, got an array")
        return [raw]
    if not isinstance(raw, list):
        raise InputError(f"input {where}: expected an array of length {shape[0]}, got {type(raw).__name__}")
    if len(raw) != shape[0]:
        raise InputError(f"input {where}: expected an array of length {shape[0]}, got {len(raw)} elements")
    out: list[Any] = []
    for i, item in enumerate(raw):
        out.extend(_flatten(item, shape[1:], f"{where}[{i}]"))
    return out


def _check_roles(owner: str, roles: tuple[str, ...] | None, inputs: list[Input]) -> None:
    if roles is None:
        return
    for inp in inputs:
        if inp.role is not None and inp.role != DEFAULT_ROLE and inp.role not in roles:
            allowed = ", ".join(dict.fromkeys([*roles, DEFAULT_ROLE]))
            raise ValueError(f"input {inp.name}: role {inp.role!r} is not one of {allowed} (the roles of {owner})")


class Circuit(abc.ABC):
    """Base class of every DSL circuit (see the module docstring)."""

    name: str = ""
    description: str = ""
    public: list[Input] = []
    private: list[Input] = []
    #: the role vocabulary of this family of circuits (``None``: any identifier); every input's
    #: role must be one of these, or :data:`DEFAULT_ROLE`, checked by :meth:`check_roles`
    roles: tuple[str, ...] | None = None

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        if cls.roles is not None:
            bad = [r for r in cls.roles if not (isinstance(r, str) and r.isidentifier())]
            if isinstance(cls.roles, str) or bad:
                raise TypeError(f"{cls.__name__}.roles must be a tuple of identifiers, got {cls.roles!r}")
        # inputs declared in the class body are checked now; ones built in __init__ at compile time
        _check_roles(cls.__name__, cls.roles, [*cls.public, *cls.private])

    @abc.abstractmethod
    def define(self, api, x) -> None:
        """Declare the constraints over the inputs ``x`` (a namespace of signals) through ``api``."""

    # -- declared interface ----------------------------------------------------------------
    def check_roles(self) -> None:
        """Raise ``ValueError`` naming the input, its role and the allowed roles when an input's
        role is outside :attr:`roles` (run by :meth:`declare`, i.e. on every compile)."""
        _check_roles(self.name or type(self).__name__, self.roles, [*self.public, *self.private])

    @property
    def public_roles(self) -> list[str]:
        """Role of each public signal, in public.json order (arrays expanded)."""
        self.check_roles()
        return [inp.role or DEFAULT_ROLE for inp in self.public for _ in range(inp.size)]

    @property
    def public_names(self) -> list[str]:
        return [n for inp in self.public for n in inp.element_names()]

    def interface(self) -> dict[str, Any]:
        """Machine-readable description (what ``zkvct circuit info --json`` prints)."""
        def desc(inp: Input) -> dict[str, Any]:
            d: dict[str, Any] = {"name": inp.name, "shape": list(inp.shape), "range": inp.range_text()}
            if inp.bits is not None:
                d["bits"] = inp.bits
            if inp.role:
                d["role"] = inp.role
            if inp.doc:
                d["doc"] = inp.doc
            return d

        return {
            "name": self.name,
            "description": self.description,
            "public_inputs": [desc(i) for i in self.public],
            "private_inputs": [desc(i) for i in self.private],
            "public_signals": [{"name": n, "role": r} for n, r in zip(self.public_names, self.public_roles)],
        }

    def example_input(self) -> dict[str, Any]:
        """A valid input (used by ``circuit check``, benchmarks and tests); statements override."""
        raise InputError(f"circuit {self.name or type(self).__name__} has no example input: give an input.json")

    # -- input.json -----------------------------------------------------------------------
    def parse_input(self, data: dict[str, Any]) -> dict[str, list[int]]:
        """Validate an input.json object: every declared input present, nothing extra, each value
        an integer within the declared range. Returns ``{name: flat list of ints}``."""
        if not isinstance(data, dict):
            raise InputError("input must be a JSON object mapping input names to values")
        declared = {i.name: i for i in [*self.public, *self.private]}
        unknown = sorted(set(data) - set(declared))
        if unknown:
            raise InputError(f"unknown input(s) {', '.join(unknown)}; circuit {self.name} takes: {', '.join(declared)}")
        out: dict[str, list[int]] = {}
        for name, inp in declared.items():
            if name not in data:
                raise InputError(f"missing input {name} ({'shape ' + str(list(inp.shape)) + ', ' if inp.shape else ''}allowed {inp.range_text()})")
            flat = _flatten(data[name], inp.shape, name)
            values = []
            for elem_name, raw in zip(inp.element_names(), flat):
                v = _parse_value(raw, elem_name)
                limit = R if inp.bits is None else 1 << inp.bits
                if not 0 <= v < limit:
                    raise InputError(f"input {elem_name} = {v} is out of range: allowed {inp.range_text()}")
                values.append(v)
            out[name] = values
        return out

    def declare(self, api) -> SimpleNamespace:
        """Create the input variables (public first, then private) and return the namespace."""
        self.check_roles()
        ns = SimpleNamespace()
        for kind, group in (("pub", self.public), ("prv", self.private)):
            for inp in group:
                flat = [api.input_var(kind, "main." + n) for n in inp.element_names()]
                setattr(ns, inp.name, _nest(flat, inp.shape))
        return ns
