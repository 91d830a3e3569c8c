"""Prove and verify for the HTTP API, separate from HTTP so it can be called and tested directly.

The body of a prove request carries holder secrets. Nothing here logs it or writes it to disk,
and no error message repeats a submitted value: :func:`redact` removes every value of the
request's input from a message (the circuit's errors say ``input dob_days = 123 is out of
range: allowed ...``; the client gets ``input dob_days is out of range: allowed ...``), so errors
name the field and the allowed range only.
"""
from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from zkvct.errors import ZkvctError
from zkvct.web.errors import ServiceError

from .config import LoadedStatement

#: ``NAME = VALUE is`` / ``NAME: 'VALUE' is`` as the circuit input errors phrase it
_ECHO = re.compile(r"(input [A-Za-z_][A-Za-z0-9_.\[\]]*)(?: = \S+|: '[^']*'|: \S+)(?= is | has )")
#: values this short cannot be secrets and would collide with range numbers in messages
_MIN_REDACT = 4


def _scalars(value: Any) -> set[str]:
    out: set[str] = set()
    stack = [value]
    seen = 0
    while stack and seen < 100_000:
        v = stack.pop()
        seen += 1
        if isinstance(v, dict):
            stack.extend(v.values())  # keys are field names, which errors must keep
        elif isinstance(v, (list, tuple)):
            stack.extend(v)
        elif isinstance(v, bool) or v is None:
            continue
        elif isinstance(v, (int, float, str)):
            s = str(v)
            out.add(s)
            if isinstance(v, int):
                out.add(hex(v))
    return {s for s in out if len(s) >= _MIN_REDACT}


def redact(message: str, submitted: Any) -> str:
    """``message`` without any value that occurs in ``submitted``."""
    message = _ECHO.sub(r"\1", message)
    for s in sorted(_scalars(submitted), key=len, reverse=True):
        if s in message:
            message = message.replace(s, "<redacted>")
    return message


class ProveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement: str = Field(min_length=1, max_length=64, description="a configured statement id (GET /v1/statements)")
    input: dict[str, Any] = Field(description="circom-style input.json for the statement's circuit; holder secrets, never logged")


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    verification_key: dict[str, Any]
    public_signals: list[Any] = Field(alias="publicSignals", max_length=10_000)
    proof: dict[str, Any]


class ProverService:
    def __init__(self, statements: dict[str, LoadedStatement]):
        self.statements = statements

    def list_statements(self) -> dict[str, Any]:
        return {
            "statements": [
                {"id": sid, "statement": s.key.statement, "params": s.key.params,
                 "public_signals": s.interface.get("public_signals"), "public_inputs": s.interface.get("public_inputs")}
                for sid, s in self.statements.items()
            ]
        }

    def prove(self, req: ProveRequest) -> dict[str, Any]:
        from zkvct.groth16.prove import prove

        target = self.statements.get(req.statement)
        if target is None:
            raise ServiceError(404, "unknown_statement", f"unknown statement; configured: {', '.join(sorted(self.statements))}")
        try:
            witness = target.compiled.witness(req.input)
            result = prove(target.key.zkey, witness, trusted_zkey=True)
        except (ZkvctError, ValueError, TypeError, OverflowError) as exc:
            raise ServiceError(400, "bad_input", redact(str(exc), req.input)) from None
        return {"proof": result.proof.to_obj(), "publicSignals": result.publics.to_obj()}

    def verify(self, req: VerifyRequest) -> dict[str, Any]:
        from zkvct.groth16.json_models import Proof, PublicSignals, VerificationKey
        from zkvct.groth16.verify import verify

        try:
            vk = VerificationKey.parse(req.verification_key, "verification_key")
            publics = PublicSignals.parse(req.public_signals, "publicSignals")
            proof = Proof.parse(req.proof, "proof")
            result = verify(vk, publics, proof)
        except (ZkvctError, ValueError, TypeError, OverflowError) as exc:
            raise ServiceError(400, "bad_input", str(exc)) from None
        return {"ok": bool(result.ok), "reason": result.reason}
