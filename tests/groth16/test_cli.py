"""`zkvct groth16 setup|prove|verify` and `zkvct zkey export verificationkey` end to end."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zkvct.cli.main import main
from zkvct.formats.r1cs_file import write_r1cs
from zkvct.formats.wtns_file import write_wtns
from zkvct.groth16.synthetic import chain_circuit

pytestmark = pytest.mark.interop  # uses the snarkjs-made ptau


@pytest.fixture(scope="module")
def files(tmp_path_factory, ptau9):
    d = tmp_path_factory.mktemp("cli")
    r1cs, witness = chain_circuit(30, x0=9)
    write_r1cs(r1cs, d / "c.r1cs")
    write_wtns(d / "c.wtns", witness)
    return d, ptau9


def run(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in res.output
    return res


def test_full_flow_json(files):
    d, ptau = files
    res = run("groth16", "setup", d / "c.r1cs", ptau, d / "c.zkey", "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] and out["domain_size"] == 32 and len(out["circuit_hash"]) == 128
    assert run("zkey", "export", "verificationkey", d / "c.zkey", d / "vk.json").exit_code == 0
    res = run("groth16", "prove", d / "c.zkey", d / "c.wtns", d / "proof.json", d / "public.json", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["public_signals"] == ["9"]
    for extra in ([], ["--reference"]):
        res = run("groth16", "verify", d / "vk.json", d / "public.json", d / "proof.json", "--json", *extra)
        assert res.exit_code == 0, res.output
        assert json.loads(res.stdout)["valid"] is True


def test_rejected_proof_exit_1(files):
    d, _ = files
    (d / "other_public.json").write_text('[\n "10"\n]')
    res = run("groth16", "verify", d / "vk.json", d / "other_public.json", d / "proof.json", "--json")
    assert res.exit_code == 1
    assert json.loads(res.stdout)["valid"] is False


@pytest.mark.parametrize(
    "args,needle",
    [
        (("groth16", "verify", "missing.json", "public.json", "proof.json"), "file not found"),
        (("groth16", "verify", "vk.json", "proof.json", "public.json"), "public signals must be a JSON list"),
        (("groth16", "prove", "c.wtns", "c.wtns", "p.json", "q.json"), "not a .zkey file"),
        (("groth16", "prove", "c.zkey", "c.zkey", "p.json", "q.json"), "not a .wtns file"),
        (("groth16", "setup", "c.r1cs", "c.zkey", "x.zkey"), "not a .ptau file"),
        (("zkey", "export", "verificationkey", "c.r1cs", "x.json"), "not a .zkey file"),
    ],
)
def test_bad_input_exit_2(files, args, needle, monkeypatch):
    d, _ = files
    monkeypatch.chdir(d)
    res = run(*args, "--json")
    assert res.exit_code == 2, res.output
    assert needle in json.loads(res.stdout)["error"]


def test_prove_with_wrong_witness_exit_2(files):
    d, _ = files
    r1cs, witness = chain_circuit(30, x0=9)
    witness[5, 0] ^= 1
    write_wtns(d / "bad.wtns", witness)
    res = run("groth16", "prove", d / "c.zkey", d / "bad.wtns", d / "p.json", d / "q.json")
    assert res.exit_code == 2
    assert "does not satisfy" in res.output
    assert not (d / "p.json").exists()

