"""Where the zkVCT registry's gas goes: one DID-bound ``verify`` (7 inputs, nullifier + record) on
py-evm, with every opcode's gas summed by mnemonic for the registry's own frame (the verifier's
frame and the precompiles apart).

    PYTHONPATH=. .venv/bin/python benchmarks/evm_gas_trace.py [REGISTRY.sol]

Gas is deterministic; the figures back the accounting in benchmarks/RESULTS.md ("EVM"). The hook
wraps py-evm's opcode table for the one transaction and restores it after. An optional path
measures another version of the registry source (e.g. a candidate change) the same way.
"""
from __future__ import annotations

import collections
import datetime as _dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from circuits.statements import get_statement  # noqa: E402
from zkvct.credentials.derive import ProofRequest  # noqa: E402
from zkvct.credentials.sample import SAMPLE_ISSUER_DID, sample_presentation  # noqa: E402
from zkvct.credentials.verify import registration_roles  # noqa: E402
from zkvct.dsl import compile_circuit  # noqa: E402
from zkvct.evm.local import LocalEvm  # noqa: E402
from zkvct.evm.registry import (REGISTRY_FILE, SOURCE, Registry, compile_cached,  # noqa: E402
                                presentation_tuple, verifier_sources)
from zkvct.groth16.export import export_verification_key  # noqa: E402
from zkvct.groth16.prove import prove  # noqa: E402
from zkvct.groth16.setup import dev_setup  # noqa: E402

from bench_evm import machine  # noqa: E402  (this script's own folder)

CALLS = ("CALL", "STATICCALL", "DELEGATECALL")


def _mnemonic(op: int, fn) -> str:
    return getattr(fn, "mnemonic", None) or getattr(getattr(fn, "__wrapped__", None), "mnemonic", hex(op))


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    work = Path(tempfile.mkdtemp(prefix="evm_trace_"))
    evm = LocalEvm()
    now = evm.timestamp()
    today = _dt.datetime.fromtimestamp(now, _dt.timezone.utc).date().isoformat()
    st = get_statement("age_gte", depth=4)
    cc = compile_circuit(st)
    dev_setup(cc.r1cs, work / "k.zkey")
    vk = export_verification_key(work / "k.zkey")
    p = sample_presentation(st, statement_id="age-18", today=today, request=ProofRequest("r", "n", now + 3600))
    res = prove(work / "k.zkey", cc.witness(p.input))
    compiled = compile_cached({REGISTRY_FILE: source.read_text(), **verifier_sources([vk])})
    reg = Registry.deploy(evm, compiled["ZkvctRegistry"], root_window_secs=3600)
    reg.register_statement("age-18", 1, reg.deploy_verifier(vk, compiled), vk, registration_roles(st),
                           [SAMPLE_ISSUER_DID], record_validity_secs=86_400)
    reg.anchor_root(SAMPLE_ISSUER_DID, res.publics.values[0])
    wire = {"statement_id": "age-18", "proof": res.proof.to_obj(), "public_inputs": res.publics.to_obj(),
            "issuer_did": p.issuer_did, "relying_party_did": p.relying_party_did, "request": p.request.to_wire(),
            "holder_did": p.holder_did, "version": 1}

    table = evm.tester.backend.chain.get_vm().state.computation_class.opcodes
    saved = dict(table)
    reg_addr = bytes.fromhex(reg.address[2:])
    by_op: collections.Counter = collections.Counter()
    frames: collections.Counter = collections.Counter()

    def wrap(op, fn):
        name = _mnemonic(op, fn)

        def traced(computation):
            before = computation.get_gas_remaining()
            try:
                fn(computation=computation)
            finally:
                used = before - computation.get_gas_remaining()
                if name in CALLS and computation.children:
                    child = computation.children[-1]
                    target = int.from_bytes(child.msg.code_address, "big")
                    used -= child.get_gas_used()  # a contract's own opcodes are counted in its frame
                    if target < 0x100:
                        caller = "registry" if computation.msg.storage_address == reg_addr else "verifier"
                        frames[f"precompile 0x{target:02x} (from the {caller})"] += child.get_gas_used()
                if computation.msg.storage_address == reg_addr:
                    by_op[name] += used
                else:
                    frames["verifier frame (opcodes)"] += used

        return traced

    for op, fn in saved.items():
        table[op] = wrap(op, fn)
    try:
        receipt = reg.handle.transact("verify", presentation_tuple(wire))
    finally:
        table.clear()
        table.update(saved)
    data = reg.handle.calldata("verify", presentation_tuple(wire))
    calldata = sum(16 if b else 4 for b in data)
    print(f"machine: {machine()}")
    print(f"source {source}; tx gas {receipt.gas_used:,}, calldata {calldata:,} ({len(data)} bytes), "
          f"execution {receipt.gas_used - 21_000 - calldata:,}")
    print(f"registry frame: {sum(by_op.values()):,}")
    for name, gas in by_op.most_common():
        if gas >= 100:
            print(f"  {name:<14} {gas:>8,}")
    for name, gas in frames.items():
        print(f"{name}: {gas:,}")


if __name__ == "__main__":
    main()
