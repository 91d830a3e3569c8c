"""Phase 2 (.zkey): contribute / beacon / verify, two-way with snarkjs, and one test per attack."""
from __future__ import annotations

import dataclasses

import pytest
from ceremony_helpers import BEACON, g2_point_outside_subgroup

from zkvct.curve import G1_GENERATOR, G2_GENERATOR, G2Point
from ceremony import phase2
from ceremony.phase2 import ZkeyInvalid
from zkvct.formats.binfile import FormatError
from zkvct.formats.zkey import MPCParams, read_zkey, write_zkey_like

pytestmark = pytest.mark.interop


def _snarkjs_verify(npm_peers, circuit, path) -> str:
    proc = npm_peers.snarkjs("zkey", "verify", str(circuit["r1cs"]), str(circuit["ptau"]), str(path), check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "ZKey Ok!" in out, out
    return out


@pytest.fixture(scope="module")
def chain(circuit, npm_peers):
    """k0 (snarkjs setup) → k1 zkvct → k2 snarkjs → k3 zkvct beacon."""
    d = circuit["dir"]
    r1 = phase2.contribute(circuit["k0"], d / "k1.zkey", name="zk one")
    npm_peers.snarkjs("zkey", "contribute", str(d / "k1.zkey"), str(d / "k2.zkey"), "--name=js two", "-e=entropy")
    phase2.beacon(d / "k2.zkey", d / "k3.zkey", bytes.fromhex(BEACON), 10, name="Final")
    return {"k1": d / "k1.zkey", "k2": d / "k2.zkey", "k3": d / "k3.zkey", "h1": r1.contribution_hash}


def test_snarkjs_verifies_mixed_chain(npm_peers, circuit, chain) -> None:
    out = _snarkjs_verify(npm_peers, circuit, chain["k3"])
    # snarkjs prints each contribution hash as 4 lines of 4 words
    words = out.split("contribution #1 zk one:")[1].split()[:16]
    assert "".join(words) == chain["h1"].hex()


def test_zkvct_verifies_mixed_chain(circuit, chain) -> None:
    rep = phase2.verify(chain["k3"], circuit["r1cs"], circuit["ptau"])
    assert [c["name"] for c in rep["contributions"]] == ["zk one", "js two", "Final"]
    assert rep["contributions"][0]["contribution_hash"] == chain["h1"].hex()


def test_beacon_byte_identical_to_snarkjs(npm_peers, circuit, chain, tmp_path) -> None:
    npm_peers.snarkjs("zkey", "beacon", str(chain["k2"]), str(tmp_path / "s.zkey"), BEACON, "10", "-n=Final")
    assert (tmp_path / "s.zkey").read_bytes() == chain["k3"].read_bytes()


def test_initial_key_verifies(circuit) -> None:
    assert phase2.verify(circuit["k0"], circuit["r1cs"], circuit["ptau"])["contributions"] == []


def _edit(src, dst, **kw):
    with read_zkey(src) as zk:
        write_zkey_like(dst, zk, **{k: (v(zk) if callable(v) else v) for k, v in kw.items()})
    return dst


def _edit_last(src, dst, **fields):
    def mpc(zk):
        cs = list(zk.mpc.contributions)
        cs[-1] = dataclasses.replace(cs[-1], **fields)
        return MPCParams(zk.mpc.cs_hash, cs)
    return _edit(src, dst, mpc=mpc)


def test_wrong_ratio(circuit, chain, tmp_path) -> None:
    with read_zkey(chain["k1"]) as zk:
        spx = G2Point.from_lem_checked(zk.mpc.contributions[-1].g2_spx).add(G2_GENERATOR)
    _edit_last(chain["k1"], tmp_path / "r.zkey", g2_spx=spx.to_lem())
    with pytest.raises(ZkeyInvalid, match="invalid proof of knowledge of delta"):
        phase2.verify(tmp_path / "r.zkey", circuit["r1cs"], circuit["ptau"])


def test_wrong_previous_hash(circuit, chain, tmp_path) -> None:
    _edit_last(chain["k2"], tmp_path / "t.zkey", transcript=bytes(64))
    with pytest.raises(ZkeyInvalid, match=r"contribution #2 \(js two\): transcript hash .*wrong previous hash"):
        phase2.verify(tmp_path / "t.zkey", circuit["r1cs"], circuit["ptau"])


def test_reused_key(circuit, chain, tmp_path) -> None:
    """Contribution #2 replaced by a copy of #1's key material: its transcript no longer matches."""
    with read_zkey(chain["k2"]) as zk:
        first = zk.mpc.contributions[0]
    _edit_last(chain["k2"], tmp_path / "u.zkey", g1_s=first.g1_s, g1_sx=first.g1_sx, g2_spx=first.g2_spx, transcript=first.transcript)
    with pytest.raises(ZkeyInvalid, match="contribution #2"):
        phase2.verify(tmp_path / "u.zkey", circuit["r1cs"], circuit["ptau"])


def test_tampered_l_section(circuit, chain, tmp_path) -> None:
    def c(zk):
        raw = bytearray(zk.c)
        raw[:64] = G1_GENERATOR.mul(99).to_lem()
        return bytes(raw)
    _edit(chain["k1"], tmp_path / "l.zkey", c=c)
    with pytest.raises(ZkeyInvalid, match=r"section C \(L\) is not the initial one divided by delta"):
        phase2.verify(tmp_path / "l.zkey", circuit["r1cs"], circuit["ptau"])


def test_tampered_h_section(circuit, chain, tmp_path) -> None:
    def h(zk):
        raw = bytearray(zk.h)
        raw[64:128] = G1_GENERATOR.mul(5).to_lem()
        return bytes(raw)
    _edit(chain["k1"], tmp_path / "h.zkey", h=h)
    with pytest.raises(ZkeyInvalid, match="section H is not the initial one divided by delta"):
        phase2.verify(tmp_path / "h.zkey", circuit["r1cs"], circuit["ptau"])


def test_tampered_delta_in_header(circuit, chain, tmp_path) -> None:
    def header(zk):
        return dataclasses.replace(zk.header, delta2=G2_GENERATOR.mul(3).to_lem())
    _edit(chain["k1"], tmp_path / "d.zkey", header=header)
    with pytest.raises(ZkeyInvalid, match="delta1 and delta2 do not hold the same delta"):
        phase2.verify(tmp_path / "d.zkey", circuit["r1cs"], circuit["ptau"])


def test_point_outside_subgroup_in_record(circuit, chain, tmp_path) -> None:
    _edit_last(chain["k1"], tmp_path / "s.zkey", g2_spx=g2_point_outside_subgroup())
    with pytest.raises(FormatError, match="subgroup"):
        phase2.verify(tmp_path / "s.zkey", circuit["r1cs"], circuit["ptau"])


def test_key_for_another_circuit(circuit, chain, tmp_path, npm_peers) -> None:
    src = "pragma circom 2.0.0;\ntemplate N() { signal input a; signal output c; c <== a*a; }\ncomponent main = N();\n"
    other = npm_peers.compile_circom(src, "n", tmp_path, wasm=False, sym=False)
    with pytest.raises(ZkeyInvalid, match="differs from the key this circuit and ptau produce|circuit hash differs"):
        phase2.verify(chain["k1"], other["r1cs"], circuit["ptau"])


def test_forged_beacon(circuit, chain, tmp_path) -> None:
    _edit_last(chain["k3"], tmp_path / "b.zkey", beacon_hash=bytes.fromhex("ee" * 32))
    with pytest.raises(ZkeyInvalid, match="beacon key is not the one the beacon value reproduces"):
        phase2.verify(tmp_path / "b.zkey", circuit["r1cs"], circuit["ptau"])


def test_truncated_zkey(circuit, chain, tmp_path) -> None:
    (tmp_path / "t.zkey").write_bytes(chain["k1"].read_bytes()[:-10])
    with pytest.raises(FormatError, match="truncated"):
        phase2.verify(tmp_path / "t.zkey", circuit["r1cs"], circuit["ptau"])
