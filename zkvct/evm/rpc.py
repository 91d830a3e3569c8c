"""An EVM chain over Ethereum JSON-RPC (Hedera's JSON-RPC relay, Cronos, any EVM node), with the
interface of :class:`zkvct.evm.local.LocalEvm` so the registry client and the mirror run on either.

Transactions are legacy (type 0) transactions signed locally with eth-account and sent raw: the
relayer's key stays in this process (read from an environment variable by the CLI, never from
the command line or a file). Gas is estimated by the node and given a 25 % margin.
"""
from __future__ import annotations

import time
from typing import Any, Sequence

import httpx
from eth_abi import encode

from ..errors import ZkvctError
from .local import ContractHandle, Receipt, Reverted, decode_revert
from .solc import Compiled


class EvmRpcError(ZkvctError, RuntimeError):
    """The node could not be reached or answered an error that is not a revert."""


class RpcEvm:
    def __init__(self, url: str, private_key: str | None = None, *, timeout: float = 30.0,
                 receipt_timeout: float = 120.0):
        from eth_account import Account

        self.url, self.receipt_timeout = url, receipt_timeout
        self.http = httpx.Client(timeout=timeout)
        self.account = Account.from_key(private_key) if private_key else None
        self._id = 0
        self.chain_id = int(self._rpc("eth_chainId"), 16)

    @property
    def default_sender(self) -> str:
        if self.account is None:
            raise EvmRpcError("no signing key: give the relayer's key (--evm-key-env VAR)")
        return self.account.address

    def _rpc(self, method: str, *params: Any) -> Any:
        self._id += 1
        try:
            resp = self.http.post(self.url, json={"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)})
            resp.raise_for_status()
            body = resp.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise EvmRpcError(f"EVM node {self.url}: {method} failed: {exc}") from None
        if "error" in body:
            err = body["error"] or {}
            data = err.get("data")
            if isinstance(data, str) and data.startswith("0x") and ("revert" in str(err.get("message", "")).lower()
                                                                   or err.get("code") == 3):
                raw = bytes.fromhex(data[2:])
                raise Reverted(decode_revert(raw), raw)
            raise EvmRpcError(f"EVM node {self.url}: {method}: {err.get('message', err)}")
        return body.get("result")

    def timestamp(self) -> int:
        return int(self._rpc("eth_getBlockByNumber", "latest", False)["timestamp"], 16)

    def call(self, to: str, data: bytes, sender: str | None = None, gas: int | None = None) -> bytes:
        tx = {"to": to, "data": "0x" + data.hex()}
        if sender or self.account:
            tx["from"] = sender or self.default_sender
        out = self._rpc("eth_call", tx, "latest")
        return bytes.fromhex(out[2:]) if out else b""

    def _send(self, to: str | None, data: bytes, gas: int | None) -> dict:
        frm = self.default_sender
        tx: dict[str, Any] = {"from": frm, "data": "0x" + data.hex()}
        if to:
            tx["to"] = to
        if gas is None:
            gas = int(int(self._rpc("eth_estimateGas", tx), 16) * 1.25) + 10_000
        signed = self.account.sign_transaction({
            "nonce": int(self._rpc("eth_getTransactionCount", frm, "pending"), 16),
            "gasPrice": int(self._rpc("eth_gasPrice"), 16), "gas": gas, "to": to or b"", "value": 0,
            "data": data, "chainId": self.chain_id})
        raw = getattr(signed, "raw_transaction", None) or signed.rawTransaction
        tx_hash = self._rpc("eth_sendRawTransaction", "0x" + bytes(raw).hex())
        deadline = time.monotonic() + self.receipt_timeout
        while True:
            rcpt = self._rpc("eth_getTransactionReceipt", tx_hash)
            if rcpt is not None:
                break
            if time.monotonic() > deadline:
                raise EvmRpcError(f"transaction {tx_hash} not mined within {self.receipt_timeout:.0f} s")
            time.sleep(0.5)
        if int(rcpt["status"], 16) != 1:
            if to:
                self.call(to, data)  # raises Reverted with the reason, when the replay reverts too
            raise Reverted("transaction reverted", gas_used=int(rcpt["gasUsed"], 16))
        return rcpt

    def deploy(self, compiled: Compiled, ctor_types: Sequence[str] = (), ctor_args: Sequence[Any] = (),
               sender: str | None = None, gas: int | None = None) -> ContractHandle:
        data = compiled.bytecode + (encode(list(ctor_types), list(ctor_args)) if ctor_types else b"")
        rcpt = self._send(None, data, gas)
        return ContractHandle(self, rcpt["contractAddress"], compiled.abi)  # type: ignore[arg-type]

    def at(self, address: str, abi: list) -> ContractHandle:
        return ContractHandle(self, address, abi)  # type: ignore[arg-type]

    def transact(self, to: str, data: bytes, sender: str | None = None, gas: int | None = None) -> Receipt:
        rcpt = self._send(to, data, gas)
        return Receipt(bytes.fromhex(rcpt["transactionHash"][2:]), int(rcpt["gasUsed"], 16), list(rcpt.get("logs", [])))


__all__ = ["EvmRpcError", "RpcEvm"]
