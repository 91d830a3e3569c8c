"""The prover service's configuration: which statements it proves, with which keys.

``zkvct serve CONFIG`` reads JSON ``{"statements": [{"id", "statement", "params", "zkey"}]}``;
each statement is compiled once at start-up and its ``.zkey`` checked against the circuit
(wire and public-signal counts) before anything is served.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from zkvct.errors import ZkvctError
from zkvct.web.app import describe_validation


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
        raise ServiceConfigError(f"{path}: {describe_validation(exc.errors())}") from None


def load_statements(config: ServiceConfig, base_dir: Path) -> dict[str, LoadedStatement]:
    """Compile each configured statement and check its ``.zkey`` was made for that circuit."""
    from circuits.statements import get_statement
    from zkvct.dsl import compile_circuit
    from zkvct.formats.zkey import read_zkey

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
