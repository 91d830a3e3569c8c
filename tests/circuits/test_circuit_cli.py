"""``zkvct circuit ...`` and ``zkvct witness``, plus snarkjs reading what they write."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from circuits.statements import get_statement
from zkvct.cli.main import main
from zkvct.field import R


def run(*args):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_list_json():
    code, out = run("circuit", "list", "--json")
    assert code == 0
    names = {s["name"] for s in json.loads(out)["statements"]}
    assert {"age_gte", "residency_in", "residency_not_in", "accredited_investor", "not_expired", "not_revoked",
            "age_residency_valid"} <= names


def test_info_json_roles_and_params():
    code, out = run("circuit", "info", "age_gte", "--json")
    info = json.loads(out)
    assert code == 0 and info["stats"]["constraints"] <= 6000
    assert [s["role"] for s in info["public_signals"]] == get_statement("age_gte").public_roles
    code, out = run("circuit", "info", "residency_in", "-p", "depth=4", "-p", "countries=SG,FR", "--json")
    assert code == 0 and json.loads(out)["stats"]["constraints"] < 4000
    code, out = run("circuit", "info", "nope", "--json")
    assert code == 2 and "unknown statement" in json.loads(out)["error"]
    code, out = run("circuit", "info", "age_gte", "-p", "colour=3", "--json")
    assert code == 2 and "bad parameter" in json.loads(out)["error"]


def test_check_ok():
    code, out = run("circuit", "check", "not_expired", "-p", "depth=4", "--seed", "1", "--json")
    assert code == 0, out
    assert json.loads(out)["ok"] is True


@pytest.fixture()
def age_input(tmp_path):
    data = get_statement("age_gte").example_input()
    path = tmp_path / "input.json"
    path.write_text(json.dumps(data))
    return data, path


def test_witness_errors_name_the_input(tmp_path, age_input):
    data, _ = age_input
    cases = {
        "missing": ({k: v for k, v in data.items() if k != "cutoff_days"}, "missing input cutoff_days"),
        "range": (dict(data, dob_days=1 << 20), r"dob_days = 1048576 is out of range: allowed 0 <= dob_days < 2\^20"),
        "field": (dict(data, scope=str(R)), "scope = .* out of range: allowed 0 <= scope < r"),
        "shape": (dict(data, path=data["path"][:2]), "path: expected an array of length 20"),
    }
    import re

    for name, (bad, message) in cases.items():
        p = tmp_path / f"{name}.json"
        p.write_text(json.dumps(bad))
        code, out = run("witness", "age_gte", str(p), "-o", str(tmp_path / "w.wtns"), "--json")
        assert code == 2, (name, out)
        assert re.search(message, json.loads(out)["error"]), (name, out)
    p = tmp_path / "notjson.json"
    p.write_text("{")
    code, out = run("witness", "age_gte", str(p), "--json")
    assert code == 2 and "not valid JSON" in json.loads(out)["error"]


def test_witness_unsatisfied_is_rejected(tmp_path, age_input):
    data, _ = age_input
    p = tmp_path / "underage.json"
    p.write_text(json.dumps(dict(data, cutoff_days=data["dob_days"] - 1)))
    code, out = run("witness", "age_gte", str(p), "-o", str(tmp_path / "w.wtns"), "--json")
    assert code == 1 and json.loads(out)["satisfied"] is False


@pytest.mark.interop
def test_snarkjs_reads_compiled_statement_and_witness(npm_peers, tmp_path, age_input):
    _, inp = age_input
    code, out = run("circuit", "compile", "age_gte", "-o", str(tmp_path), "--json")
    assert code == 0, out
    files = json.loads(out)["files"]
    code, out = run("witness", "age_gte", str(inp), "-o", str(tmp_path / "age.wtns"),
                    "--public", str(tmp_path / "public.json"), "--json")
    assert code == 0, out
    info = npm_peers.snarkjs("r1cs", "info", files["r1cs"]).stdout
    assert f"# of Constraints: {json.loads(run('circuit', 'info', 'age_gte', '--json')[1])['stats']['constraints']}" in info
    assert "# of Public Inputs: 7" in info
    check = npm_peers.snarkjs("wtns", "check", files["r1cs"], str(tmp_path / "age.wtns"))
    assert "WITNESS IS CORRECT" in check.stdout
    # a tampered witness is refused by snarkjs as well
    from zkvct.formats.wtns_file import read_wtns, write_wtns

    w = read_wtns(tmp_path / "age.wtns").copy()
    w[-1, 0] ^= 1
    write_wtns(tmp_path / "bad.wtns", w)
    bad = npm_peers.snarkjs("wtns", "check", files["r1cs"], str(tmp_path / "bad.wtns"), check=False)
    assert "WITNESS IS CORRECT" not in bad.stdout
    # the symbol file names every wire the way snarkjs expects (label,wire,component,name)
    sym = (tmp_path / "age_gte.sym").read_text().splitlines()
    assert sym[0] == "1,1,0,main.issuer_root"
    printed = npm_peers.snarkjs("r1cs", "print", files["r1cs"], files["sym"]).stdout
    assert "main.credential" in printed
    assert json.loads((tmp_path / "public.json").read_text())[1] == str(get_statement("age_gte").example_input()["cutoff_days"])


def test_info_reports_parameters_for_registration():
    code, out = run("circuit", "info", "residency_in", "-p", "countries=SG", "-p", "depth=4", "--json")
    info = json.loads(out)
    assert code == 0
    from circuits.statements.residency import country_set

    assert info["parameters"]["countries"] == ["SG"]
    assert info["parameters"]["set_hash"] == str(country_set(["SG"])[2])
    code, out = run("circuit", "info", "age_gte", "-p", "years=21", "-p", "depth=4", "--json")
    assert json.loads(out)["parameters"]["years"] == 21
    code, out = run("circuit", "info", "residency_in", "-p", "countries=Sg", "--json")
    assert code == 2 and "ISO 3166" in json.loads(out)["error"]


@pytest.mark.slow
def test_check_all_shipped_statements():
    code, out = run("circuit", "check", "all", "--seed", "3", "--json")
    assert code == 0, out
    res = json.loads(out)
    assert res["ok"] and len(res["statements"]) == 7 and all(r["ok"] for r in res["statements"])
