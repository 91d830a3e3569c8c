"""Deploy, execute and query CosmWasm contracts over cosmpy, with errors that carry the reason.

Why a wrapper and not ``cosmpy.aerial.contract.LedgerContract`` alone: a rejected execution must
come back as one exception that says *what the contract said* (cosmpy gives a gRPC status or a raw
log), with the gas it burned; callers (tests, the CLI) need the full event list of a transaction
(cosmpy flattens it into ``{type: {key: value}}``) and the submit-to-inclusion time.

Gas: by default a transaction is simulated first (a rejection then costs nothing and raises
:class:`ContractError` with the reason). Pass ``gas_limit`` to skip the simulation and put the
transaction in a block even when it fails: the rejection is then on chain with its ``gas_used``
(the tests use this to measure what a rejected proof costs and to show nothing was recorded).
"""
from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import grpc
from cosmpy.aerial.client import LedgerClient
from cosmpy.aerial.client.utils import prepare_basic_transaction
from cosmpy.aerial.config import NetworkConfig
from cosmpy.aerial.contract.cosmwasm import (
    create_cosmwasm_execute_msg,
    create_cosmwasm_instantiate_msg,
    create_cosmwasm_store_code_msg,
)
from cosmpy.aerial.gas import SimulationGasStrategy
from cosmpy.aerial.exceptions import BroadcastError, NotFoundError
from cosmpy.aerial.tx import Transaction, TxFee
from cosmpy.aerial.wallet import Wallet
from cosmpy.crypto.address import Address
from cosmpy.protos.cosmwasm.wasm.v1.query_pb2 import QuerySmartContractStateRequest
from pydantic import BaseModel

from ..errors import ZkvctError
from .rpc import CometRpc, Event

#: wasmd's limit on stored code (ShareLedger runs the default).
MAX_WASM_BYTES = 800 * 1024


class ChainError(ZkvctError):
    """The chain could not be reached or refused a transaction for a non-contract reason."""


class ContractError(ChainError):
    """A contract refused a message. ``reason`` is the contract's own error text.

    ``gas_used``/``tx_hash``/``height`` are set when the refusal happened in a block (explicit gas
    limit); they are None when it was caught by simulation before anything was broadcast.
    """

    def __init__(self, reason: str, *, raw: str = "", gas_used: int | None = None,
                 tx_hash: str | None = None, height: int | None = None):
        where = f" (tx {tx_hash} at height {height}, gas used {gas_used})" if tx_hash else ""
        super().__init__(f"contract rejected the message: {reason}{where}")
        self.reason = reason
        self.raw = raw
        self.gas_used = gas_used
        self.tx_hash = tx_hash
        self.height = height

    @property
    def code(self) -> str:
        """The reason code of docs/protocol.md the contract's message starts with."""
        from .messages import reason_code

        return reason_code(self.reason)


_WASM_FAIL = re.compile(r"(?P<reason>.*?): (?:execute|instantiate|query|migrate|create) wasm contract failed", re.S)


#: a smart query's gRPC details put the contract's message after the marker, not before it:
#: "codespace wasm code 9: query wasm contract failed: statement_unknown: ..."
_WASM_QUERY_FAIL = re.compile(r"query wasm contract failed: (?P<reason>.+)", re.S)


def contract_reason(text: str) -> str:
    """Extract the contract's own message from a wasmd error string (raw log or gRPC details)."""
    q = _WASM_QUERY_FAIL.search(text)
    if q:
        text = q.group("reason")
    m = _WASM_FAIL.search(text)
    if m:
        # wasmd prefixes "failed to execute message; message index: N: "; keep what follows
        return re.split(r"message index: \d+: ", m.group("reason"))[-1].strip()
    text = re.sub(r"\s*\[[^\]]*\.go:\d+\]", "", text)  # strip Go source locations
    text = re.sub(r"\s*With gas wanted: .*", "", text, flags=re.S)
    return text.strip()


def to_msg_json(msg: BaseModel | Mapping[str, Any]) -> dict[str, Any]:
    """Message object -> JSON dict (pydantic models know their CosmWasm wire shape)."""
    if isinstance(msg, BaseModel):
        wire = getattr(msg, "to_wire", None)
        return wire() if callable(wire) else msg.model_dump(mode="json")
    return dict(msg)


@dataclass
class TxResult:
    """A transaction that made it into a block successfully."""

    hash: str
    height: int
    gas_used: int
    gas_wanted: int
    #: seconds from broadcast until the node reported the tx in a block (polled every 50 ms)
    inclusion_s: float
    events: tuple[Event, ...] = field(default_factory=tuple)

    def wasm_events(self, contract: str | None = None) -> list[Event]:
        """The ``wasm`` events (one per contract execution), optionally of one contract."""
        return [
            e for e in self.events
            if e.type == "wasm" and (contract is None or e.get("_contract_address") == contract)
        ]

    def attribute(self, key: str, contract: str | None = None) -> str | None:
        for ev in self.wasm_events(contract):
            value = ev.get(key)
            if value is not None:
                return value
        return None


class ChainClient:
    """One connection (cosmpy gRPC + optional CometBFT RPC) to a wasmd chain."""

    def __init__(self, network: NetworkConfig, rpc_url: str | None = None, gas_multiplier: float = 1.3,
                 poll_s: float = 0.05, timeout_s: float = 60.0):
        self.network = network
        self.ledger = LedgerClient(network)
        self.ledger.gas_strategy = SimulationGasStrategy(self.ledger, multiplier=gas_multiplier)
        self.rpc = CometRpc(rpc_url) if rpc_url else None
        self.gas_multiplier = gas_multiplier
        self.poll_s = poll_s
        self.timeout_s = timeout_s

    @classmethod
    def from_localnet(cls, info: Any, **kwargs: Any) -> "ChainClient":
        """Client for a :class:`zkvct.chain.localnet.LocalnetInfo`."""
        return cls(info.network_config(), rpc_url=info.rpc_url, **kwargs)

    # -- transactions ------------------------------------------------------------------------

    def submit(self, messages: list[Any], sender: Wallet, gas_limit: int | None = None, memo: str = "") -> TxResult:
        """Sign, broadcast and wait for inclusion; raise :class:`ContractError` on a refusal."""
        tx = Transaction()
        for m in messages:
            tx.add_message(m)
        # gas_limit None: cosmpy simulates (gas strategy below); a contract refusal surfaces here
        fee = TxFee(gas_limit=gas_limit)
        try:
            tx = prepare_basic_transaction(self.ledger, tx, sender, fee=fee, memo=memo)
        except grpc.RpcError as exc:
            raise self._simulation_error(exc) from None
        start = time.perf_counter()
        try:
            submitted = self.ledger.broadcast_tx(tx)
        except BroadcastError as exc:  # refused by CheckTx (ante handler), before any block
            if "wasm contract failed" in str(exc):
                raise ContractError(contract_reason(str(exc)), raw=str(exc)) from None
            raise ChainError(f"the node refused the transaction: {contract_reason(str(exc))}") from None
        except grpc.RpcError as exc:
            raise ChainError(f"broadcast failed: {_details(exc)}") from None
        resp = self._wait(submitted.tx_hash)
        inclusion = time.perf_counter() - start
        if resp.code != 0:
            raise ContractError(contract_reason(resp.raw_log), raw=resp.raw_log, gas_used=resp.gas_used,
                                tx_hash=resp.hash, height=resp.height)
        return TxResult(resp.hash, resp.height, resp.gas_used, resp.gas_wanted, inclusion, self._events(resp))

    def _wait(self, tx_hash: str):
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                return self.ledger.query_tx(tx_hash)
            except NotFoundError:
                pass
            if time.monotonic() > deadline:
                raise ChainError(f"transaction {tx_hash} not included after {self.timeout_s:.0f} s")
            time.sleep(self.poll_s)

    def _events(self, resp: Any) -> tuple[Event, ...]:
        """Full event list (repeats intact) from the node's RPC when known, else cosmpy's view."""
        if self.rpc is not None:
            raw = self.rpc.call("tx", hash="0x" + resp.hash, prove=False)
            return tuple(
                Event(e["type"], tuple((a.get("key") or "", a.get("value") or "") for a in e.get("attributes", [])))
                for e in raw["tx_result"]["events"]
            )
        return tuple(Event(t, tuple(kv.items())) for t, kv in resp.events.items())

    @staticmethod
    def _simulation_error(exc: grpc.RpcError) -> ChainError:
        details = _details(exc)
        if "wasm contract failed" in details:
            return ContractError(contract_reason(details), raw=details)
        return ChainError(f"simulation failed: {contract_reason(details)}")

    # -- contracts -----------------------------------------------------------------------------

    def store(self, wasm_path: str | Path, sender: Wallet) -> tuple[int, TxResult]:
        """Upload a contract; returns its code id."""
        path = Path(wasm_path)
        data = path.read_bytes()
        if data[:4] != b"\0asm":
            raise ValueError(f"{path}: not a wasm module (missing \\0asm magic)")
        if len(data) > MAX_WASM_BYTES:
            raise ValueError(f"{path}: {len(data)} bytes; wasmd accepts at most {MAX_WASM_BYTES}")
        res = self.submit([create_cosmwasm_store_code_msg(str(path), sender.address())], sender)
        code_id = None
        for ev in res.events:
            if ev.type == "store_code":
                code_id = ev.get("code_id")
        if code_id is None:
            raise ChainError(f"store transaction {res.hash} emitted no code_id")
        return int(code_id), res

    def instantiate(self, code_id: int, msg: BaseModel | Mapping[str, Any], sender: Wallet, label: str,
                    admin: str | None = None) -> tuple[str, TxResult]:
        """Instantiate ``code_id``; returns the new contract address."""
        m = create_cosmwasm_instantiate_msg(
            code_id, to_msg_json(msg), label, sender.address(),
            admin_address=Address(admin) if admin else None,
        )
        res = self.submit([m], sender)
        for ev in res.events:
            if ev.type == "instantiate" and ev.get("_contract_address"):
                return str(ev.get("_contract_address")), res
        raise ChainError(f"instantiate transaction {res.hash} emitted no contract address")

    def execute(self, contract: str, msg: BaseModel | Mapping[str, Any], sender: Wallet,
                gas_limit: int | None = None) -> TxResult:
        m = create_cosmwasm_execute_msg(sender.address(), Address(contract), to_msg_json(msg))
        return self.submit([m], sender, gas_limit=gas_limit)

    def query(self, contract: str, msg: BaseModel | Mapping[str, Any]) -> Any:
        """Smart query; returns the decoded JSON answer."""
        req = QuerySmartContractStateRequest(address=contract, query_data=json.dumps(to_msg_json(msg)).encode())
        try:
            resp = self.ledger.wasm.SmartContractState(req)
        except grpc.RpcError as exc:
            details = _details(exc)
            if "wasm contract failed" in details:
                raise ContractError(contract_reason(details), raw=details) from None
            raise ChainError(f"query to {contract} failed: {contract_reason(details)}") from None
        return json.loads(resp.data)

    def balance(self, address: str) -> int:
        return int(self.ledger.query_bank_balance(Address(address), self.network.fee_denomination))


def _details(exc: grpc.RpcError) -> str:
    try:
        return exc.details() or str(exc)  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001
        return str(exc)
