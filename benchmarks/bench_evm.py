"""Gas on a real EVM (py-evm, Prague rules): our generated Groth16 verifier against snarkjs's
exported verifier for the same key (1 and 6 public inputs), and the zkVCT registry's full
``verify`` against the bare verifier of the same key, all in one EVM run.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_evm.py [--json OUT]

Keys come from zkvct's INSECURE dev setup (a benchmark needs no ceremony): the synthetic chain
circuit (1 public input) and the protocol-v2 age statements at depth 4 (unlinkable: 6 inputs;
DID-bound: 7). Proofs by zkvct. Gas is the transaction's ``gas_used`` (intrinsic 21,000 and
calldata included) and the execution alone (minus 21,000 and the calldata at 4/16 gas per
byte); both are deterministic, one run is enough. The registry is called with an explicit version
(reading "latest" costs one more cold storage read, 2,100 gas).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from circuits.statements import get_statement  # noqa: E402
from zkvct.credentials.derive import ProofRequest  # noqa: E402
from zkvct.credentials.sample import SAMPLE_ISSUER_DID, sample_presentation  # noqa: E402
from zkvct.credentials.verify import registration_roles  # noqa: E402
from zkvct.dsl import compile_circuit  # noqa: E402
from zkvct.evm.calldata import evm_proof  # noqa: E402
from zkvct.evm.local import LocalEvm  # noqa: E402
from zkvct.evm.registry import Registry, compile_cached, presentation_tuple, registry_source, verifier_contract_name, verifier_sources  # noqa: E402
from zkvct.groth16.export import export_verification_key  # noqa: E402
from zkvct.groth16.prove import prove  # noqa: E402
from zkvct.groth16.setup import dev_setup  # noqa: E402
from zkvct.groth16.synthetic import chain_circuit  # noqa: E402

import peers  # noqa: E402


def machine() -> str:
    """CPU model, cores and load: gas does not depend on them, but every figure names its machine."""
    cpu = platform.processor()
    for line in Path("/proc/cpuinfo").read_text().splitlines() if Path("/proc/cpuinfo").exists() else []:
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return f"{cpu}, {os.cpu_count()} cores, load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_evm_"))
    evm = LocalEvm()
    now = evm.timestamp()
    today = _dt.datetime.fromtimestamp(now, _dt.timezone.utc).date().isoformat()

    r1cs, witness = chain_circuit(8, x0=5)
    dev_setup(r1cs, work / "one.zkey")
    one_vk = export_verification_key(work / "one.zkey")
    one_res = prove(work / "one.zkey", witness)

    statements = {}
    for sid, kw in (("age-18-anon", {"with_did": False}), ("age-18", {})):
        st = get_statement("age_gte", depth=4, **kw)
        cc = compile_circuit(st)
        dev_setup(cc.r1cs, work / f"{sid}.zkey")
        vk = export_verification_key(work / f"{sid}.zkey")
        req = ProofRequest(id=f"bench-{sid}", nonce="n-" + sid, expires_at=now + 3600)
        p = sample_presentation(st, statement_id=sid, today=today, request=req)
        res = prove(work / f"{sid}.zkey", cc.witness(p.input))
        statements[sid] = (st, vk, p, res)

    sources = {"ZkvctRegistry.sol": registry_source()}
    sources.update(verifier_sources([one_vk] + [s[1] for s in statements.values()]))
    snark_files = {}
    for name, zkey in (("one", work / "one.zkey"), ("age-18-anon", work / "age-18-anon.zkey")):
        out = work / f"snarkjs_{name}.sol"
        peers.snarkjs("zkey", "export", "solidityverifier", str(zkey), str(out))
        fname = f"Snarkjs_{name.replace('-', '_')}.sol"
        sources[fname] = out.read_text()
        snark_files[name] = fname
    compiled = compile_cached(sources)

    figures: dict[str, int] = {}
    execution: dict[str, int] = {}

    def record(label, handle, fn, *fargs):
        """Transaction gas, and the execution alone (gas used - 21,000 - calldata at 4/16 per byte)."""
        data = handle.calldata(fn, *fargs)
        figures[label] = handle.transact(fn, *fargs).gas_used
        execution[label] = figures[label] - 21_000 - sum(16 if b else 4 for b in data)

    def bare(label, vk, res, snark_file):
        ep = evm_proof(res.proof, res.publics)
        ours = evm.deploy(compiled[verifier_contract_name(vk)])
        record(f"{label}: ours verifyProof", ours, "verifyProof", *ep.verify_proof_args())
        if snark_file:
            theirs = evm.deploy(compiled[f"{snark_file}:Groth16Verifier"])
            record(f"{label}: snarkjs verifyProof", theirs, "verifyProof", *ep.verify_proof_args())
        return ours

    bare("1 input", one_vk, one_res, snark_files["one"])
    st6, vk6, p6, res6 = statements["age-18-anon"]
    bare("6 inputs", vk6, res6, snark_files["age-18-anon"])
    st7, vk7, p7, res7 = statements["age-18"]
    bare("7 inputs (DID-bound)", vk7, res7, None)

    reg = Registry.deploy(evm, compiled["ZkvctRegistry"], root_window_secs=3600)
    for sid, (st, vk, p, res) in statements.items():
        addr = reg.deploy_verifier(vk, compiled)
        reg.register_statement(sid, 1, addr, vk, registration_roles(st), [SAMPLE_ISSUER_DID],
                               record_validity_secs=86_400)
        reg.anchor_root(SAMPLE_ISSUER_DID, res.publics.values[0])
    # the first anchored root was replaced by the second: still inside the window
    for sid, label in (("age-18-anon", "6 inputs: registry verify (nullifier)"),
                       ("age-18", "7 inputs (DID-bound): registry verify (nullifier + record)")):
        st, vk, p, res = statements[sid]
        wire = {"statement_id": sid, "proof": res.proof.to_obj(), "public_inputs": res.publics.to_obj(),
                "issuer_did": p.issuer_did, "relying_party_did": p.relying_party_did, "request": p.request.to_wire(),
                "holder_did": p.holder_did if st.with_did else None, "version": 1}
        record(label, reg.handle, "verify", presentation_tuple(wire))
    for n, reg_label, bare_label in (
            ("6 inputs", "6 inputs: registry verify (nullifier)", "6 inputs: ours verifyProof"),
            ("7 inputs DID-bound", "7 inputs (DID-bound): registry verify (nullifier + record)",
             "7 inputs (DID-bound): ours verifyProof")):
        figures[f"registry verify - bare verifier, {n}"] = figures[reg_label] - figures[bare_label]
        execution[f"registry verify - bare verifier, {n}"] = execution[reg_label] - execution[bare_label]
    solc = next(iter(compiled.values())).solc_version
    print(f"machine: {machine()}")
    print(f"solc {solc}, py-evm (eth-tester PyEVMBackend, Prague), optimizer 200 runs, evmVersion cancun, "
          "registry via IR, verifiers legacy pipeline")
    print(f"{'':<66} {'tx gas':>9} {'execution':>10}")
    for k, v in figures.items():
        print(f"{k:<66} {v:>9,} {execution[k]:>10,}")
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": machine(), "solc": solc, "gas": figures, "execution": execution}, indent=1))


if __name__ == "__main__":
    main()
