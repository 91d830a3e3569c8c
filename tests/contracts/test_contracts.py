"""The CosmWasm contracts of verifier_contract/ seen from the Python side.

The contracts' own suites are Rust (unit + cw-multi-test contract tests, and the built .wasm in
cosmwasm-vm); these tests run them so `make test` covers them, and pin the cross-language facts
the Python prover and chain client rely on: the holder DID hash and the snarkjs fixtures.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = ROOT / "verifier_contract"
FIXTURES = WORKSPACE / "fixtures"
ARTIFACTS = WORKSPACE / "artifacts"
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617


def holder_did_hash(did: str) -> int:
    """The verifier's definition: sha256 of the canonical DID, big-endian, low 253 bits."""
    return int.from_bytes(hashlib.sha256(did.encode()).digest(), "big") & ((1 << 253) - 1)


def cargo() -> str:
    exe = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    if not Path(exe).exists():
        pytest.fail("cargo not found: the contract tests need a Rust toolchain (rustup)")
    return exe


def run_cargo(*args: str, timeout: int = 1800) -> str:
    env = dict(os.environ, CARGO_BUILD_JOBS=os.environ.get("CARGO_BUILD_JOBS", "2"))
    proc = subprocess.run([cargo(), *args], cwd=WORKSPACE, env=env, capture_output=True, text=True, timeout=timeout)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    return out


def test_v2_fixtures_carry_the_derived_scope_challenge_and_did_hash():
    """make_inputs.js (JavaScript) derived the v2 fixtures' scope and challenge; the chain tests'
    Python derivation (tests/chain/age_v2.py) and the contract's (Rust, its own test) agree."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "chain"))
    from age_v2 import challenge_of, scope_of

    from zkvct.chain.messages import ProofRequest

    meta = json.loads((FIXTURES / "v2_meta.json").read_text())
    for circuit in ("age_bound", "age_unlinkable"):
        st = meta["statements"][circuit]
        assert str(scope_of(meta["relying_party_did"], st["statement_id"])) == st["scope"]
        for n in (1, 2):
            public = json.loads((FIXTURES / circuit / f"public_{n}.json").read_text())
            req = ProofRequest(**meta["requests"][f"{circuit}_{n}"])
            assert public[3] == st["scope"]
            assert public[5] == str(challenge_of(meta["relying_party_did"], req))
            if circuit == "age_bound":
                assert public[6] == str(holder_did_hash(meta["holder_did"])) == meta["holder_did_hash"]
            else:
                assert len(public) == 6


def test_holder_did_hash_matches_fixture():
    meta = json.loads((FIXTURES / "age6" / "meta.json").read_text())
    public = json.loads((FIXTURES / "age6" / "public_1.json").read_text())
    h = holder_did_hash(meta["holder_did"])
    assert h < R
    assert str(h) == meta["holder_did_hash"] == public[5]
    assert meta["holder_did"] == "did:shr:" + meta["holder"]["pubkey"]
    # a different DID gives a different input, so a proof cannot be moved to another holder
    assert holder_did_hash(meta["issuer_did"]) != h


def test_fixture_dates_are_the_documented_encoding():
    import datetime as dt

    meta = json.loads((FIXTURES / "age6" / "meta.json").read_text())
    epoch = dt.date(1900, 1, 1)
    today = epoch + dt.timedelta(days=meta["today_days"])
    cutoff = epoch + dt.timedelta(days=meta["cutoff_days"])
    assert (today.month, today.day) == (cutoff.month, cutoff.day)
    assert today.year - cutoff.year == meta["cutoff_years"]
    block = dt.datetime.fromtimestamp(meta["block_time_seconds"], dt.timezone.utc).date()
    assert block == today


@pytest.mark.interop
@pytest.mark.parametrize("circuit,n", [("one_input", 7), ("one_input", 8), ("age6", 1), ("age6", 2),
                                       ("age_bound", 1), ("age_bound", 2), ("age_unlinkable", 1), ("age_unlinkable", 2)])
@pytest.mark.parametrize("prover", ["", "zkvct_"])
def test_fixtures_verify_with_snarkjs(npm_peers, circuit, n, prover):
    """Both the snarkjs-made and the zkvct-made fixture proofs pass snarkjs's verifier."""
    d = FIXTURES / circuit
    proc = npm_peers.snarkjs("groth16", "verify", str(d / "verification_key.json"), str(d / f"public_{prover}{n}.json"),
                             str(d / f"proof_{prover}{n}.json"))
    assert "OK" in proc.stdout


def test_tampered_fixture_fails_with_snarkjs(npm_peers, tmp_path):
    """The check above can fail: snarkjs rejects a fixture proof with other public inputs."""
    d = FIXTURES / "one_input"
    proc = npm_peers.snarkjs("groth16", "verify", str(d / "verification_key.json"), str(d / "public_8.json"),
                             str(d / "proof_7.json"), check=False)
    assert "OK" not in proc.stdout


@pytest.mark.slow
def test_contract_unit_and_multitest_suites():
    out = run_cargo("test", "--workspace", "--exclude", "zkvct-vm-tests")
    assert "test result: FAILED" not in out
    assert out.count("test result: ok") >= 3  # groth16, cw1056, zkvct-verifier


@pytest.mark.slow
@pytest.mark.wasm
def test_built_wasm_in_cosmwasm_vm():
    for name in ("cw1056.wasm", "zkvct_verifier.wasm"):
        if not (ARTIFACTS / name).exists():
            pytest.fail(f"{ARTIFACTS / name} is missing: run `bash scripts/build_contracts.sh`")
    assert (ARTIFACTS / "zkvct_verifier.wasm").stat().st_size <= 430 * 1024  # see benchmarks/RESULTS.md
    gas_file = ARTIFACTS / "gas.json"
    gas_file.unlink(missing_ok=True)
    out = run_cargo("test", "-p", "zkvct-vm-tests", "--", "--nocapture")
    assert "test result: ok" in out
    gas = json.loads(gas_file.read_text())
    for k in ("verify_tx_6_inputs", "verify_tx_7_inputs", "verify_query_6_inputs", "register_statement_6_inputs",
              "verify_tx_7_inputs_rp_with_authorization", "anchor_root_retire_previous"):
        assert gas[k]["sdk_gas"] > 0, k
    # more inputs cost more (one G1 scalar multiplication each, plus the role checks)
    assert gas["verify_tx_7_inputs"]["vm_gas"] > gas["verify_tx_6_inputs"]["vm_gas"]
