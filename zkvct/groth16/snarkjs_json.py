"""snarkjs's JSON text for points and files, without the pydantic models.

Writing a proof needs only these few functions; :mod:`.json_models` (which re-exports them)
adds the strict parsers and pydantic models for reading files from outside. Keeping them apart
lets ``zkvct groth16 prove`` write proof.json and public.json without importing pydantic, a
large share of the command's start-up.

snarkjs serialises points "projectively" as decimal strings: G1 ``[x, y, "1"]``, G2
``[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]``; the point at infinity is ``["0", "1", "0"]`` (G2:
``[["0","0"], ["1","0"], ["0","0"]]``). Files are ``JSON.stringify(obj, null, 1)`` with no trailing
newline, which :func:`dumps` reproduces byte for byte.
"""
from __future__ import annotations

import json
from typing import Any

from ..curve import G1Point, G2Point


def g1_to_json(p: G1Point) -> list[str]:
    if p.infinity:
        return ["0", "1", "0"]
    return [str(p.x), str(p.y), "1"]


def g2_to_json(p: G2Point) -> list[list[str]]:
    if p.infinity:
        return [["0", "0"], ["1", "0"], ["0", "0"]]
    return [[str(p.x[0]), str(p.x[1])], [str(p.y[0]), str(p.y[1])], ["1", "0"]]


def dumps(obj: Any) -> str:
    """Serialise like snarkjs (``JSON.stringify(obj, null, 1)``, no trailing newline)."""
    return json.dumps(obj, indent=1, ensure_ascii=False)


def proof_obj(a: G1Point, b: G2Point, c: G1Point) -> dict[str, Any]:
    """The proof.json object, keys in snarkjs's order."""
    return {"pi_a": g1_to_json(a), "pi_b": g2_to_json(b), "pi_c": g1_to_json(c), "protocol": "groth16", "curve": "bn128"}
