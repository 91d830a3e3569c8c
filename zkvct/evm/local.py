"""A real EVM in this process: py-evm (Prague rules, its own BN254 precompiles) behind eth-tester.

The tests and the benchmarks start one per session, and ``zkvct mirror devnode`` serves one over
JSON-RPC. Contracts are deployed from solc output and called with
ABI-encoded data (eth-abi); a refusal is reported as :class:`Reverted` carrying the contract's
reason (the ``Refused(string)`` custom error, ``Error(string)``, or the raw revert data).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from eth_abi import decode, encode
from eth_utils import function_signature_to_4byte_selector
from eth_utils.abi import collapse_if_tuple

from ..errors import ZkvctError
from .solc import Compiled

GAS_LIMIT = 15_000_000
REFUSED_SELECTOR = function_signature_to_4byte_selector("Refused(string)")
ERROR_SELECTOR = function_signature_to_4byte_selector("Error(string)")


class Reverted(ZkvctError, RuntimeError):
    """The call or transaction reverted; ``reason`` is the decoded reason, ``data`` the raw bytes."""

    def __init__(self, reason: str, data: bytes = b"", gas_used: int | None = None):
        super().__init__(reason)
        self.reason, self.data, self.gas_used = reason, data, gas_used


def decode_revert(data: bytes) -> str:
    """``Refused(string)`` / ``Error(string)`` -> the string; anything else -> hex."""
    for sel in (REFUSED_SELECTOR, ERROR_SELECTOR):
        if data[:4] == sel:
            try:
                return decode(["string"], data[4:])[0]
            except Exception:  # noqa: BLE001 - malformed revert data is reported raw
                break
    return "0x" + data.hex() if data else "reverted without data"


@dataclass(frozen=True)
class Receipt:
    tx_hash: bytes
    gas_used: int
    logs: list


def _types(inputs: list[dict]) -> list[str]:
    return [collapse_if_tuple(dict(i)) for i in inputs]


class ContractHandle:
    """A deployed contract: encode a call by function name from its ABI."""

    def __init__(self, evm: "LocalEvm", address: str, abi: list):
        self.evm, self.address, self.abi = evm, address, abi
        self._fns = {f["name"]: f for f in abi if f.get("type") == "function"}

    def _fn(self, name: str) -> dict:
        try:
            return self._fns[name]
        except KeyError:
            raise ZkvctError(f"the contract has no function {name!r}") from None

    def calldata(self, name: str, *args: Any) -> bytes:
        fn = self._fn(name)
        types = _types(fn["inputs"])
        sel = function_signature_to_4byte_selector(f"{name}({','.join(types)})")
        return sel + encode(types, list(args))

    def call(self, name: str, *args: Any, sender: str | None = None) -> Any:
        """eth_call: the decoded outputs (one value unwrapped)."""
        out = self.evm.call(self.address, self.calldata(name, *args), sender=sender)
        vals = decode(_types(self._fn(name)["outputs"]), out)
        return vals[0] if len(vals) == 1 else vals

    def transact(self, name: str, *args: Any, sender: str | None = None, gas: int = GAS_LIMIT) -> Receipt:
        return self.evm.transact(self.address, self.calldata(name, *args), sender=sender, gas=gas)


class LocalEvm:
    """One in-process chain (eth-tester's PyEVMBackend, auto-mining: one block per transaction)."""

    def __init__(self) -> None:
        from eth_tester import EthereumTester, PyEVMBackend

        self.tester = EthereumTester(PyEVMBackend())
        self.accounts: list[str] = list(self.tester.get_accounts())
        self.chain_id = int(self.tester.backend.chain.chain_id)

    @property
    def default_sender(self) -> str:
        return self.accounts[0]

    def timestamp(self) -> int:
        """The timestamp the next block will have (what ``block.timestamp`` reads in a call)."""
        return int(self.tester.get_block_by_number("pending")["timestamp"])

    def set_next_timestamp(self, ts: int) -> None:
        self.tester.time_travel(ts)

    def deploy(self, compiled: Compiled, ctor_types: Sequence[str] = (), ctor_args: Sequence[Any] = (),
               sender: str | None = None, gas: int = GAS_LIMIT) -> ContractHandle:
        data = compiled.bytecode + (encode(list(ctor_types), list(ctor_args)) if ctor_types else b"")
        tx = self.tester.send_transaction({"from": sender or self.default_sender, "gas": gas, "data": "0x" + data.hex()})
        rcpt = self.tester.get_transaction_receipt(tx)
        if rcpt["status"] != 1 or not rcpt["contract_address"]:
            raise Reverted(f"deploying {compiled.name} failed", gas_used=rcpt["gas_used"])
        return ContractHandle(self, rcpt["contract_address"], compiled.abi)

    def at(self, address: str, abi: list) -> ContractHandle:
        return ContractHandle(self, address, abi)

    def call(self, to: str, data: bytes, sender: str | None = None, gas: int = GAS_LIMIT) -> bytes:
        """eth_call against the pending block; a revert raises :class:`Reverted` with its reason."""
        from eth.exceptions import Revert
        from eth.vm.spoof import SpoofTransaction
        from eth_tester.backends.pyevm.main import _execute_and_revert_transaction

        backend = self.tester.backend
        frm = bytes.fromhex((sender or self.default_sender)[2:])
        tx = backend._get_normalized_and_unsigned_evm_transaction(
            {"from": frm, "to": bytes.fromhex(to[2:]), "gas": gas, "value": 0, "data": data}, "latest")
        comp = _execute_and_revert_transaction(backend.chain, SpoofTransaction(tx, from_=frm), "latest")
        if comp.is_error:
            err = comp._error
            raw = err.args[0] if isinstance(err, Revert) and err.args and isinstance(err.args[0], bytes) else b""
            raise Reverted(decode_revert(raw) if raw else str(err), raw)
        return bytes(comp.output)

    def transact(self, to: str, data: bytes, sender: str | None = None, gas: int = GAS_LIMIT) -> Receipt:
        """Send and mine; a reverted transaction raises :class:`Reverted` with the reason a replay
        as a call gives (the receipt carries no revert data)."""
        tx = self.tester.send_transaction({"from": sender or self.default_sender, "to": to, "gas": gas,
                                           "data": "0x" + data.hex()})
        rcpt = self.tester.get_transaction_receipt(tx)
        if rcpt["status"] != 1:
            try:  # the receipt has no revert data: replay as a call on the state it left
                self.call(to, data, sender=sender, gas=gas)
            except Reverted as why:
                raise Reverted(why.reason, why.data, gas_used=rcpt["gas_used"]) from None
            raise Reverted("transaction reverted", gas_used=rcpt["gas_used"])
        return Receipt(bytes.fromhex(tx[2:]) if isinstance(tx, str) else bytes(tx), int(rcpt["gas_used"]), list(rcpt["logs"]))


__all__ = ["GAS_LIMIT", "Reverted", "Receipt", "decode_revert", "ContractHandle", "LocalEvm"]
