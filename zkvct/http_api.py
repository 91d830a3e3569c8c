"""A local HTTP prover/verifier service for wallets and relying parties.

A wallet app that is not written in Python talks to this service on the device (or in its
backend) over JSON. The service holds the proving keys of the statements it was configured
with, compiles each statement once at start-up, and checks that every key matches its circuit
before it serves anything.

Endpoints (all JSON):

* ``GET  /v1/statements``: the configured statements, their public inputs and roles.
* ``POST /v1/prove``: ``{"statement": ID, "input": {...}}`` (circom-style input.json) returns
  ``{"proof": ..., "publicSignals": [...]}`` exactly as snarkjs writes proof.json and public.json.
* ``POST /v1/verify``: ``{"verification_key": ..., "publicSignals": [...], "proof": ...}``
  returns ``{"ok": bool, "reason": str}``.

The request body of ``/v1/prove`` carries holder secrets. It is never logged and never written
to disk: the access log records only method, path and status, and the witness lives in memory.
Bad requests get HTTP 400 with ``{"error": ...}`` that names the field and the allowed range.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ZkvctError

#: Largest request body accepted (a depth-32 credential input is a few kB).
MAX_BODY_BYTES = 1 << 20


class ServiceConfigError(ZkvctError):
    """The service's configuration file is wrong (names the statement and the problem)."""


class StatementKey(BaseModel):
    """One statement the service proves: which circuit, with which parameters, and its key."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    statement: str
    params: dict[str, Any] = {}
    zkey: str


class ServiceConfig(BaseModel):
    """The JSON file given to ``zkvct serve``: ``{"statements": [StatementKey, ...]}``."""

    model_config = ConfigDict(extra="forbid")
    statements: list[StatementKey] = Field(min_length=1)


class ProveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement: str
    input: dict[str, Any]


class VerifyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    verification_key: dict[str, Any]
    public_signals: list[Any] = Field(alias="publicSignals")
    proof: dict[str, Any]


@dataclass
class LoadedStatement:
    """A statement ready to prove: compiled circuit, its key path, and its public interface."""

    key: StatementKey
    compiled: Any
    interface: dict[str, Any]


def load_config(path: str | os.PathLike[str]) -> ServiceConfig:
    try:
        raw = json.loads(Path(path).read_text())
    except json.JSONDecodeError as exc:
        raise ServiceConfigError(f"{path}: not valid JSON ({exc})") from None
    try:
        return ServiceConfig.model_validate(raw)
    except ValidationError as exc:
        raise ServiceConfigError(f"{path}: {_first_error(exc)}") from None


def load_statements(config: ServiceConfig, base_dir: Path) -> dict[str, LoadedStatement]:
    """Compile each configured statement and check its ``.zkey`` was made for that circuit."""
    from circuits.statements import get_statement

    from .dsl import compile_circuit
    from .formats.zkey import read_zkey

    loaded: dict[str, LoadedStatement] = {}
    for entry in config.statements:
        if entry.id in loaded:
            raise ServiceConfigError(f"statement id {entry.id!r} is configured twice")
        try:
            statement = get_statement(entry.statement, **entry.params)
        except TypeError as exc:
            raise ServiceConfigError(f"statement {entry.id!r}: bad params ({exc})") from None
        compiled = compile_circuit(statement)
        zkey_path = (base_dir / entry.zkey).resolve()
        with read_zkey(zkey_path, trusted=True) as zk:
            n_vars, n_public = zk.header.n_vars, zk.header.n_public
        if (n_vars, n_public) != (compiled.r1cs.n_wires, compiled.r1cs.n_public):
            raise ServiceConfigError(
                f"statement {entry.id!r}: {zkey_path} is for a circuit with {n_vars} wires and {n_public} public "
                f"signals, but {entry.statement} {entry.params} has {compiled.r1cs.n_wires} and {compiled.r1cs.n_public}"
            )
        resolved = entry.model_copy(update={"zkey": str(zkey_path)})
        loaded[entry.id] = LoadedStatement(resolved, compiled, statement.interface())
    return loaded


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "body"
    return f"{where}: {err['msg']}"


class ProverService:
    """The request logic, separate from HTTP so it can be called and tested directly."""

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

    def prove(self, body: Any) -> dict[str, Any]:
        from .groth16.prove import prove

        req = ProveRequest.model_validate(body)
        target = self.statements.get(req.statement)
        if target is None:
            raise ZkvctError(f"unknown statement {req.statement!r}; configured: {', '.join(sorted(self.statements))}")
        witness = target.compiled.witness(req.input)
        result = prove(target.key.zkey, witness, trusted_zkey=True)
        return {"proof": result.proof.to_obj(), "publicSignals": result.publics.to_obj()}

    def verify(self, body: Any) -> dict[str, Any]:
        from .groth16.json_models import Proof, PublicSignals, VerificationKey
        from .groth16.verify import verify

        req = VerifyRequest.model_validate(body)
        vk = VerificationKey.parse(req.verification_key, "verification_key")
        publics = PublicSignals.parse(req.public_signals, "publicSignals")
        proof = Proof.parse(req.proof, "proof")
        result = verify(vk, publics, proof)
        return {"ok": bool(result.ok), "reason": result.reason}


class _Handler(BaseHTTPRequestHandler):
    service: ProverService
    server_version = "zkvct"

    def log_message(self, fmt: str, *args: Any) -> None:  # access log: method, path, status only
        if os.environ.get("ZKVCT_HTTP_LOG"):
            super().log_message(fmt, *args)

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        if self.path == "/v1/statements":
            self._send(HTTPStatus.OK, self.service.list_statements())
        elif self.path == "/v1/health":
            self._send(HTTPStatus.OK, {"ok": True})
        else:
            self._send(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint {self.path}; try /v1/statements, /v1/prove, /v1/verify"})

    def do_POST(self) -> None:  # noqa: N802
        routes = {"/v1/prove": self.service.prove, "/v1/verify": self.service.verify}
        handler = routes.get(self.path)
        if handler is None:
            self._send(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint {self.path}; POST /v1/prove or /v1/verify"})
            return
        try:
            length = int(self.headers.get("Content-Length", "-1"))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_BODY_BYTES:
            self._send(HTTPStatus.BAD_REQUEST, {"error": f"a JSON body with Content-Length 0..{MAX_BODY_BYTES} is required"})
            return
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            self._send(HTTPStatus.BAD_REQUEST, {"error": f"body is not valid JSON: {exc}"})
            return
        try:
            self._send(HTTPStatus.OK, handler(body))
        except ValidationError as exc:
            self._send(HTTPStatus.BAD_REQUEST, {"error": _first_error(exc)})
        except (ZkvctError, ValueError) as exc:
            self._send(HTTPStatus.BAD_REQUEST, {"error": str(exc)})
        except Exception as exc:  # a bug: report it without echoing the request (it holds secrets)
            self._send(HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"internal error: {type(exc).__name__}"})


class RunningService:
    """A service listening on ``host:port`` in a background thread (``port=0`` picks a free one)."""

    def __init__(self, service: ProverService, host: str = "127.0.0.1", port: int = 0):
        handler = type("Handler", (_Handler,), {"service": service})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "RunningService":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()

    def __enter__(self) -> "RunningService":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
