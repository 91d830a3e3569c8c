"""``zkvct mirror devnode``: the in-process py-evm chain served over Ethereum JSON-RPC on 127.0.0.1.

For rehearsing a relay and for the tests of ``zkvct mirror deploy|sync``: a real EVM (py-evm,
Prague rules) that the CLI reaches exactly as it reaches Hedera's or Cronos's JSON-RPC. It
answers the methods :class:`zkvct.evm.rpc.RpcEvm` uses; a revert is the geth-style error
``{code: 3, message: "execution reverted: <reason>", data: <revert data>}``. Its ten funded
accounts are eth-tester's well-known test keys (worthless, like the localnet's test keys).
"""
from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from .local import LocalEvm, Reverted


class RpcRequest(BaseModel):
    jsonrpc: str = "2.0"
    id: Any = None
    method: str
    params: list[Any] = []


def _hex(v: int) -> str:
    return hex(int(v))


def _tx_fields(tx: dict) -> dict:
    out = {k: tx[k] for k in ("from", "to", "data") if tx.get(k)}
    if "gas" in tx:
        out["gas"] = int(tx["gas"], 16) if isinstance(tx["gas"], str) else int(tx["gas"])
    return out


def create_app(evm: LocalEvm | None = None) -> FastAPI:
    evm = evm or LocalEvm()
    t = evm.tester
    lock = threading.Lock()  # py-evm is not thread-safe; FastAPI runs sync handlers in a pool
    app = FastAPI(title="zkvct EVM devnode")

    def receipt(h: str):
        try:
            r = t.get_transaction_receipt(h)
        except Exception:  # noqa: BLE001 - eth-tester raises TransactionNotFound
            return None
        return {"transactionHash": h, "status": _hex(r["status"]), "gasUsed": _hex(r["gas_used"]),
                "contractAddress": r["contract_address"], "blockNumber": _hex(r["block_number"]),
                "logs": [{"address": lg["address"], "topics": [x if isinstance(x, str) else "0x" + bytes(x).hex()
                                                               for x in lg["topics"]],
                          "data": lg["data"] if isinstance(lg["data"], str) else "0x" + bytes(lg["data"]).hex()}
                         for lg in r["logs"]]}

    def handle(method: str, params: list) -> Any:
        if method == "eth_chainId":
            return _hex(evm.chain_id)
        if method == "eth_blockNumber":
            return _hex(t.get_block_by_number("latest")["number"])
        if method == "eth_getBlockByNumber":
            b = t.get_block_by_number(params[0] if params else "latest")
            return {"number": _hex(b["number"]), "timestamp": _hex(b["timestamp"]), "hash": b["hash"]}
        if method == "eth_gasPrice":
            return _hex(2 * int(t.get_block_by_number("pending")["base_fee_per_gas"]))
        if method == "eth_getTransactionCount":
            return _hex(t.get_nonce(params[0]))
        if method == "eth_getCode":
            return t.get_code(params[0])
        if method == "eth_getBalance":
            return _hex(t.get_balance(params[0]))
        if method == "eth_estimateGas":
            if params[0].get("to"):  # a call first: a revert then comes back with its reason
                evm.call(params[0]["to"], bytes.fromhex(params[0].get("data", "0x")[2:]), sender=params[0].get("from"))
            return _hex(t.estimate_gas(dict(_tx_fields(params[0]), **{"from": params[0].get("from", evm.default_sender)})))
        if method == "eth_call":
            tx = params[0]
            data = bytes.fromhex(tx.get("data", "0x")[2:])
            return "0x" + evm.call(tx["to"], data, sender=tx.get("from")).hex()
        if method == "eth_sendRawTransaction":
            return t.send_raw_transaction(params[0])
        if method == "eth_getTransactionReceipt":
            return receipt(params[0])
        raise LookupError(method)

    @app.get("/health")
    def health() -> dict:
        return {"ok": True, "chain_id": evm.chain_id}

    @app.post("/")
    def rpc(req: RpcRequest) -> dict:
        base = {"jsonrpc": "2.0", "id": req.id}
        try:
            with lock:
                return {**base, "result": handle(req.method, req.params)}
        except Reverted as exc:
            return {**base, "error": {"code": 3, "message": f"execution reverted: {exc.reason}",
                                      "data": "0x" + exc.data.hex()}}
        except LookupError:
            return {**base, "error": {"code": -32601, "message": f"method {req.method!r} is not served by the devnode"}}
        except Exception as exc:  # noqa: BLE001 - a JSON-RPC error, never a 5xx
            msg = str(exc) or exc.__class__.__name__
            if "revert" in msg.lower():
                return {**base, "error": {"code": 3, "message": f"execution reverted: {msg}", "data": "0x"}}
            return {**base, "error": {"code": -32000, "message": msg[:500]}}

    return app


__all__ = ["create_app"]
