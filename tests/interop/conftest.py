"""Session fixtures for Groth16 interop: circuits compiled by the real circom2, keys and proofs
made by the real snarkjs 0.7.6 (tests/peers), over a shared power-9 ptau."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

MUL_SRC = """pragma circom 2.0.0;
template Mul() {
    signal input a; signal input b; signal input c;
    signal output o;
    signal t;
    t <== a * b;
    o <== t * c + a;
}
component main {public [a]} = Mul();
"""

POSEIDON_CHAIN_SRC = """pragma circom 2.0.0;
include "circomlib/circuits/poseidon.circom";
template Chain(n) {
    signal input seed; signal input salt;
    signal output out;
    component h[n];
    signal acc[n + 1];
    acc[0] <== seed;
    for (var i = 0; i < n; i++) {
        h[i] = Poseidon(2);
        h[i].inputs[0] <== acc[i];
        h[i].inputs[1] <== salt;
        acc[i + 1] <== h[i].out;
    }
    out <== acc[n];
}
component main {public [salt]} = Chain(2);
"""


class Circuit:
    def __init__(self, workdir: Path, r1cs: Path, wtns: Path, inputs: dict):
        self.workdir, self.r1cs, self.wtns, self.inputs = workdir, r1cs, wtns, inputs


def _compile_o2(npm_peers, src: str, name: str, workdir: Path) -> dict:
    """circom2 with --O2 (full linear simplification, circomlib's published constraint counts:
    Poseidon(2) = 240), so two hashes fit the shared power-9 ptau."""
    import shutil

    workdir.mkdir(parents=True, exist_ok=True)
    if "circomlib/circuits/" in src:
        shutil.copytree(npm_peers.CIRCOMLIB, workdir / "circomlib_circuits", dirs_exist_ok=True)
        src = src.replace("circomlib/circuits/", "circomlib_circuits/")
    (workdir / f"{name}.circom").write_text(src)
    proc = npm_peers.run_node([str(npm_peers.CIRCOM2_CLI), f"{name}.circom", "--r1cs", "--wasm", "--O2", "-o", "."], cwd=workdir)
    if proc.returncode != 0 or not (workdir / f"{name}.r1cs").exists():
        raise AssertionError(f"circom2 failed on {name}.circom:\n{proc.stdout}\n{proc.stderr}")
    return {"r1cs": workdir / f"{name}.r1cs", "wasm": workdir / f"{name}_js" / f"{name}.wasm"}


def _build(npm_peers, workdir: Path, src: str, name: str, inputs: dict) -> Circuit:
    out = _compile_o2(npm_peers, src, name, workdir)
    wtns = npm_peers.circom_witness(out["wasm"], inputs, workdir / f"{name}.wtns")
    return Circuit(workdir, out["r1cs"], wtns, inputs)


@pytest.fixture(scope="session")
def mul_circuit(npm_peers, tmp_path_factory):
    return _build(npm_peers, tmp_path_factory.mktemp("mul"), MUL_SRC, "mul", {"a": "3", "b": "11", "c": "7"})


@pytest.fixture(scope="session")
def poseidon_circuit(npm_peers, tmp_path_factory):
    return _build(npm_peers, tmp_path_factory.mktemp("poseidon"), POSEIDON_CHAIN_SRC, "chain", {"seed": "12345", "salt": "777"})


class SnarkjsKeys:
    """snarkjs-made keys for the mul circuit: fresh (0), two contributions (2), plus a beacon (3)."""

    def __init__(self, d: Path):
        self.dir = d
        self.zkey0, self.zkey2, self.zkey3 = d / "mul_0000.zkey", d / "mul_0002.zkey", d / "mul_final.zkey"
        self.vk = d / "verification_key.json"
        self.proof, self.public = d / "proof.json", d / "public.json"


@pytest.fixture(scope="session")
def snarkjs_keys(npm_peers, mul_circuit, ptau9, tmp_path_factory):
    d = tmp_path_factory.mktemp("snarkjs_keys")
    k = SnarkjsKeys(d)
    sj = npm_peers.snarkjs
    sj("groth16", "setup", str(mul_circuit.r1cs), str(ptau9), str(k.zkey0))
    sj("zkey", "contribute", str(k.zkey0), str(d / "mul_0001.zkey"), "--name=alice", "-e=alice entropy")
    sj("zkey", "contribute", str(d / "mul_0001.zkey"), str(k.zkey2), "--name=bob", "-e=bob entropy")
    sj("zkey", "beacon", str(k.zkey2), str(k.zkey3), "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "10", "-n=final beacon")
    sj("zkey", "export", "verificationkey", str(k.zkey3), str(k.vk))
    sj("groth16", "prove", str(k.zkey3), str(mul_circuit.wtns), str(k.proof), str(k.public))
    return k


def load_json(p: Path):
    return json.loads(Path(p).read_text())
