"""proof.json, public.json and verification_key.json exactly as snarkjs 0.7.6 writes them.

snarkjs serialises points "projectively" as decimal strings: G1 ``[x, y, "1"]``, G2
``[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]``; the point at infinity is ``["0", "1", "0"]`` (G2:
``[["0","0"], ["1","0"], ["0","0"]]``). Files are ``JSON.stringify(obj, null, 1)`` with no trailing
newline, which :func:`dumps` reproduces byte for byte.

Parsing is strict because these files come from outside: every number must be a canonical
decimal string (digits only, no sign, no leading zeros, no whitespace), coordinates < q, public
signals < r, and only the affine form ``z = 1`` (or the infinity encoding where a key allows it)
is accepted. Curve and subgroup membership is *not* decided here: the verifiers do that (the
native one in bulk, the reference one with py_ecc), so a parsed model may still hold an invalid
point, and :meth:`Proof.points` etc. hand back typed points for them to check.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from ..curve import G1Point, G2Point
from ..errors import ZkvctError
from ..field import Q, R
from .snarkjs_json import dumps, g1_to_json, g2_to_json, proof_obj  # the writers live there (no pydantic)

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
#: Longest decimal we parse (q has 77 digits); stops absurd inputs before int() sees them.
_MAX_DIGITS = 80


class JsonFormatError(ZkvctError, ValueError):
    """A snarkjs JSON file is malformed; the message names the field and what is allowed."""


def _decimal(text: Any, what: str, modulus: int, modulus_name: str) -> int:
    if not isinstance(text, str):
        raise ValueError(f"{what} must be a decimal string, got {type(text).__name__}")
    if len(text) > _MAX_DIGITS or not _DECIMAL.fullmatch(text):
        shown = text if len(text) <= 90 else text[:40] + "..." + text[-10:]
        raise ValueError(f"{what} must be a canonical decimal string (digits only, no sign or leading zeros), got {shown!r}")
    v = int(text)
    if v >= modulus:
        raise ValueError(f"{what} = {v} is not < {modulus_name}")
    return v


def _fq(text: Any, what: str) -> int:
    return _decimal(text, what, Q, "q (the base-field modulus)")


def _fr(text: Any, what: str) -> int:
    return _decimal(text, what, R, "r (the scalar-field modulus)")


def g1_from_json(obj: Any, what: str, allow_infinity: bool = False) -> G1Point:
    """``[x, y, z]`` decimal strings -> :class:`G1Point` (z must be "1", or "0" for infinity)."""
    if not isinstance(obj, list) or len(obj) != 3:
        raise ValueError(f"{what} must be a list of 3 decimal strings [x, y, z]")
    x, y, z = (_fq(v, f"{what}[{i}]") for i, v in enumerate(obj))
    if z == 0:
        if not allow_infinity:
            raise ValueError(f"{what} is the point at infinity (z = 0), which is not allowed here")
        if (x, y) != (0, 1):
            raise ValueError(f"{what}: the point at infinity must be written [\"0\", \"1\", \"0\"]")
        return G1Point.identity()
    if z != 1:
        raise ValueError(f"{what}[2] must be \"1\" (affine form as snarkjs writes it), got {obj[2]!r}")
    return G1Point(x, y)


def _fq2(obj: Any, what: str) -> tuple[int, int]:
    if not isinstance(obj, list) or len(obj) != 2:
        raise ValueError(f"{what} must be a list of 2 decimal strings [c0, c1]")
    return _fq(obj[0], f"{what}[0]"), _fq(obj[1], f"{what}[1]")


def g2_from_json(obj: Any, what: str, allow_infinity: bool = False) -> G2Point:
    """``[[x0,x1],[y0,y1],[z0,z1]]`` -> :class:`G2Point` (z must be ["1","0"], or zero for infinity)."""
    if not isinstance(obj, list) or len(obj) != 3:
        raise ValueError(f"{what} must be a list of 3 Fq2 pairs [[x0,x1],[y0,y1],[z0,z1]]")
    x, y, z = (_fq2(v, f"{what}[{i}]") for i, v in enumerate(obj))
    if z == (0, 0):
        if not allow_infinity:
            raise ValueError(f"{what} is the point at infinity (z = 0), which is not allowed here")
        if (x, y) != ((0, 0), (1, 0)):
            raise ValueError(f"{what}: the point at infinity must be written [[\"0\",\"0\"],[\"1\",\"0\"],[\"0\",\"0\"]]")
        return G2Point.identity()
    if z != (1, 0):
        raise ValueError(f"{what}[2] must be [\"1\", \"0\"] (affine form as snarkjs writes it)")
    return G2Point(x, y)


def _load(path: str | Path, what: str) -> Any:
    p = Path(path)
    raw = p.read_bytes()
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise JsonFormatError(f"{p}: not valid JSON for a {what}: {exc}") from None


def _parse(model: type[BaseModel], data: Any, origin: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        raise JsonFormatError(f"{origin}: {loc}: {msg}") from None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Proof(_Strict):
    """proof.json: ``pi_a`` (G1), ``pi_b`` (G2), ``pi_c`` (G1), protocol, curve."""

    pi_a: list[Any]
    pi_b: list[Any]
    pi_c: list[Any]
    protocol: Literal["groth16"]
    curve: Literal["bn128"]

    @field_validator("pi_a", "pi_c")
    @classmethod
    def _g1(cls, v: Any, info: Any) -> Any:
        g1_from_json(v, info.field_name)
        return v

    @field_validator("pi_b")
    @classmethod
    def _g2(cls, v: Any, info: Any) -> Any:
        g2_from_json(v, info.field_name)
        return v

    def points(self) -> tuple[G1Point, G2Point, G1Point]:
        return (g1_from_json(self.pi_a, "pi_a"), g2_from_json(self.pi_b, "pi_b"), g1_from_json(self.pi_c, "pi_c"))

    @classmethod
    def from_points(cls, a: G1Point, b: G2Point, c: G1Point) -> "Proof":
        return cls(**proof_obj(a, b, c))

    def to_obj(self) -> dict[str, Any]:
        return {"pi_a": self.pi_a, "pi_b": self.pi_b, "pi_c": self.pi_c, "protocol": self.protocol, "curve": self.curve}

    def dumps(self) -> str:
        return dumps(self.to_obj())

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.dumps())

    @classmethod
    def parse(cls, data: Any, origin: str = "proof") -> "Proof":
        return _parse(cls, data, origin)

    @classmethod
    def load(cls, path: str | Path) -> "Proof":
        return cls.parse(_load(path, "Groth16 proof"), str(path))


class PublicSignals(_Strict):
    """public.json: a list of decimal strings, each < r (outputs first, then public inputs)."""

    values: list[int]

    @model_validator(mode="before")
    @classmethod
    def _from_list(cls, data: Any) -> Any:
        if isinstance(data, dict) and set(data) == {"values"}:
            return data
        if not isinstance(data, list):
            raise ValueError("public signals must be a JSON list of decimal strings")
        return {"values": [_fr(v, f"public signal {i}") for i, v in enumerate(data)]}

    def to_obj(self) -> list[str]:
        return [str(v) for v in self.values]

    def dumps(self) -> str:
        return dumps(self.to_obj())

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.dumps())

    @classmethod
    def parse(cls, data: Any, origin: str = "public signals") -> "PublicSignals":
        return _parse(cls, data, origin)

    @classmethod
    def load(cls, path: str | Path) -> "PublicSignals":
        return cls.parse(_load(path, "public signals list"), str(path))


def _fq12_shape(v: Any) -> None:
    """vk_alphabeta_12 is Fq12 as 2 x 3 x Fq2 decimal pairs (ffjavascript's tower layout)."""
    if not (isinstance(v, list) and len(v) == 2 and all(isinstance(a, list) and len(a) == 3 for a in v)):
        raise ValueError("vk_alphabeta_12 must be 2 lists of 3 Fq2 pairs")
    for i, six in enumerate(v):
        for j, pair in enumerate(six):
            _fq2(pair, f"vk_alphabeta_12[{i}][{j}]")


class VerificationKey(_Strict):
    """verification_key.json (Groth16) in snarkjs's key order."""

    protocol: Literal["groth16"]
    curve: Literal["bn128"]
    nPublic: int
    vk_alpha_1: list[Any]
    vk_beta_2: list[Any]
    vk_gamma_2: list[Any]
    vk_delta_2: list[Any]
    vk_alphabeta_12: list[Any]
    IC: list[Any]

    @field_validator("nPublic", mode="before")
    @classmethod
    def _npub(cls, v: Any) -> Any:
        if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v > 1 << 24:
            raise ValueError(f"nPublic must be a non-negative integer, got {v!r}")
        return v

    @field_validator("vk_alpha_1")
    @classmethod
    def _g1(cls, v: Any) -> Any:
        g1_from_json(v, "vk_alpha_1")
        return v

    @field_validator("vk_beta_2", "vk_gamma_2", "vk_delta_2")
    @classmethod
    def _g2(cls, v: Any, info: Any) -> Any:
        g2_from_json(v, info.field_name)
        return v

    @field_validator("vk_alphabeta_12")
    @classmethod
    def _ab(cls, v: Any) -> Any:
        _fq12_shape(v)
        return v

    @field_validator("IC")
    @classmethod
    def _ic(cls, v: Any) -> Any:
        for i, p in enumerate(v):
            g1_from_json(p, f"IC[{i}]", allow_infinity=True)
        return v

    @model_validator(mode="after")
    def _counts(self) -> "VerificationKey":
        if len(self.IC) != self.nPublic + 1:
            raise ValueError(f"IC has {len(self.IC)} points but nPublic = {self.nPublic} needs nPublic + 1 = {self.nPublic + 1}")
        return self

    # typed accessors
    def alpha1(self) -> G1Point:
        return g1_from_json(self.vk_alpha_1, "vk_alpha_1")

    def beta2(self) -> G2Point:
        return g2_from_json(self.vk_beta_2, "vk_beta_2")

    def gamma2(self) -> G2Point:
        return g2_from_json(self.vk_gamma_2, "vk_gamma_2")

    def delta2(self) -> G2Point:
        return g2_from_json(self.vk_delta_2, "vk_delta_2")

    def ic(self) -> list[G1Point]:
        return [g1_from_json(p, f"IC[{i}]", allow_infinity=True) for i, p in enumerate(self.IC)]

    def to_obj(self) -> dict[str, Any]:
        return {
            "protocol": self.protocol,
            "curve": self.curve,
            "nPublic": self.nPublic,
            "vk_alpha_1": self.vk_alpha_1,
            "vk_beta_2": self.vk_beta_2,
            "vk_gamma_2": self.vk_gamma_2,
            "vk_delta_2": self.vk_delta_2,
            "vk_alphabeta_12": self.vk_alphabeta_12,
            "IC": self.IC,
        }

    def dumps(self) -> str:
        return dumps(self.to_obj())

    def write(self, path: str | Path) -> None:
        Path(path).write_text(self.dumps())

    @classmethod
    def parse(cls, data: Any, origin: str = "verification key") -> "VerificationKey":
        return _parse(cls, data, origin)

    @classmethod
    def load(cls, path: str | Path) -> "VerificationKey":
        return cls.parse(_load(path, "Groth16 verification key"), str(path))


def fq12_to_json(coeffs: list[int]) -> list[list[list[str]]]:
    """py_ecc FQ12 coefficients (basis w^0..w^11, w^12 = 18 w^6 - 82) -> ffjavascript's tower JSON.

    The tower is Fq12 = Fq6[w]/(w^2 - v), Fq6 = Fq2[v]/(v^3 - (9+u)), Fq2 = Fq[u]/(u^2 + 1), and
    py_ecc's w satisfies w^6 = 9 + u. Writing u = w^6 - 9 and v = w^2, the tower element
    ``sum_{j,k} (x_jk + y_jk u) v^k w^j`` has w-coefficients ``a[2k+j] = x_jk - 9 y_jk`` and
    ``a[2k+j+6] = y_jk``, which this inverts.
    """
    out: list[list[list[str]]] = []
    for j in range(2):
        six = []
        for k in range(3):
            y = coeffs[2 * k + j + 6] % Q
            x = (coeffs[2 * k + j] + 9 * y) % Q
            six.append([str(x), str(y)])
        out.append(six)
    return out
