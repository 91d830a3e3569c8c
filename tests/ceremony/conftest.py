"""Fixtures for the ceremony tests: small snarkjs-made transcripts, shared per session."""
from __future__ import annotations

from pathlib import Path

import pytest
from ceremony_helpers import BEACON, POWER


@pytest.fixture(scope="session")
def snarkjs_chain(tmp_path_factory, npm_peers) -> dict[str, Path]:
    """snarkjs: new → contribute → contribute → beacon → prepare phase2, at power 4."""
    d = tmp_path_factory.mktemp("snarkjs_ptau")
    s = npm_peers.snarkjs
    s("powersoftau", "new", "bn128", str(POWER), str(d / "s0.ptau"))
    s("powersoftau", "contribute", str(d / "s0.ptau"), str(d / "s1.ptau"), "--name=bob", "-e=entropy one")
    s("powersoftau", "contribute", str(d / "s1.ptau"), str(d / "s2.ptau"), "--name=carol", "-e=entropy two")
    s("powersoftau", "beacon", str(d / "s2.ptau"), str(d / "s3.ptau"), BEACON, "10", "-n=Final Beacon")
    s("powersoftau", "prepare", "phase2", str(d / "s3.ptau"), str(d / "s4.ptau"))
    return {k: d / f"{k}.ptau" for k in ("s0", "s1", "s2", "s3", "s4")}


@pytest.fixture(scope="session")
def zkvct_chain(tmp_path_factory) -> dict[str, Path]:
    """zkvct: new → contribute → contribute → beacon → prepare phase2, at power 4."""
    from ceremony import phase1

    d = tmp_path_factory.mktemp("zkvct_ptau")
    phase1.new(POWER, d / "z0.ptau")
    phase1.contribute(d / "z0.ptau", d / "z1.ptau", name="alice", entropy="a")
    phase1.contribute(d / "z1.ptau", d / "z2.ptau", name="dave")
    phase1.beacon(d / "z2.ptau", d / "z3.ptau", bytes.fromhex(BEACON), 10, name="Final Beacon")
    phase1.prepare_phase2(d / "z3.ptau", d / "z4.ptau")
    return {k: d / f"{k}.ptau" for k in ("z0", "z1", "z2", "z3", "z4")}


@pytest.fixture
def work(tmp_path) -> Path:
    return tmp_path


CIRCUIT = """pragma circom 2.0.0;
template M() { signal input a; signal input b; signal output c; signal t; t <== a*b; c <== t*a + b; }
component main {public [a]} = M();
"""


@pytest.fixture(scope="session")
def circuit(tmp_path_factory, npm_peers, zkvct_chain) -> dict[str, Path]:
    """A tiny circom circuit, its snarkjs initial zkey on zkvct's power-4 prepared ptau."""
    d = tmp_path_factory.mktemp("phase2")
    out = npm_peers.compile_circom(CIRCUIT, "m", d, wasm=False, sym=False)
    npm_peers.snarkjs("groth16", "setup", str(out["r1cs"]), str(zkvct_chain["z4"]), str(d / "k0.zkey"))
    return {"r1cs": out["r1cs"], "ptau": zkvct_chain["z4"], "k0": d / "k0.zkey", "dir": d}
