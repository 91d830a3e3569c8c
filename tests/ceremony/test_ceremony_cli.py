"""The ceremony CLI end to end (click runner): exit codes, --json output, network and file modes."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from ceremony_helpers import BEACON

from ceremony.coordinator import signing
from ceremony.coordinator.server import RunningServer
from zkvct.cli.main import main


def run(*args: str) -> tuple[int, dict | str]:
    res = CliRunner().invoke(main, list(args), catch_exceptions=False)
    out = res.stdout
    try:
        return res.exit_code, json.loads(out)
    except ValueError:
        return res.exit_code, out + res.stderr


def test_powersoftau_cli_round_trip(tmp_path) -> None:
    code, out = run("powersoftau", "new", "3", str(tmp_path / "0.ptau"), "--json")
    assert code == 0 and len(out["first_challenge"]) == 128
    code, out = run("powersoftau", "contribute", str(tmp_path / "0.ptau"), str(tmp_path / "1.ptau"), "--name", "cli", "--json")
    assert code == 0 and len(out["contribution_hash"]) == 128
    code, out = run("powersoftau", "beacon", str(tmp_path / "1.ptau"), str(tmp_path / "2.ptau"), BEACON, "10", "--json")
    assert code == 0
    code, out = run("powersoftau", "prepare-phase2", str(tmp_path / "2.ptau"), str(tmp_path / "3.ptau"), "--json")
    assert code == 0
    code, out = run("powersoftau", "verify", str(tmp_path / "3.ptau"), "--json")
    assert code == 0 and out["prepared_phase2"] and [c["type"] for c in out["contributions"]] == ["contribution", "beacon"]
    code, out = run("powersoftau", "truncate", str(tmp_path / "3.ptau"), str(tmp_path / "t_"), "--json")
    assert code == 0 and len(out["files"]) == 2


def test_verify_exit_codes(tmp_path) -> None:
    run("powersoftau", "new", "2", str(tmp_path / "0.ptau"))
    code, out = run("powersoftau", "verify", str(tmp_path / "0.ptau"), "--json")
    assert code == 1 and "no contributions" in out["reason"]
    (tmp_path / "x.ptau").write_bytes(b"ptau" + bytes(3))
    code, out = run("powersoftau", "verify", str(tmp_path / "x.ptau"), "--json")
    assert code == 2 and "too short" in out["error"]
    code, out = run("powersoftau", "beacon", str(tmp_path / "0.ptau"), str(tmp_path / "b.ptau"), "zz", "10", "--json")
    assert code == 2 and "not hexadecimal" in out["error"]


def test_zkey_cli(tmp_path, circuit) -> None:
    code, out = run("zkey", "contribute", str(circuit["k0"]), str(tmp_path / "k1.zkey"), "--name", "c", "--json")
    assert code == 0
    code, out = run("zkey", "verify", str(circuit["r1cs"]), str(circuit["ptau"]), str(tmp_path / "k1.zkey"), "--json")
    assert code == 0 and out["contributions"][0]["name"] == "c"
    code, out = run("zkey", "verify", str(circuit["r1cs"]), str(circuit["ptau"]), str(circuit["k0"]), "--json")
    assert code == 0 and out["contributions"] == []


def test_ceremony_cli_network_and_file_modes(tmp_path, circuit) -> None:
    code, admin = run("ceremony", "keygen", str(tmp_path / "admin.key"), "--json")
    assert code == 0 and admin["did"].startswith("did:shr:")
    run("powersoftau", "new", "3", str(tmp_path / "start.ptau"))
    code, out = run("ceremony", "init", str(tmp_path / "c"), "--name", "cli", "--admin-did", admin["did"],
                    "--ptau", f"p1={tmp_path / 'start.ptau'}",
                    "--circuit", f"m={circuit['k0']},{circuit['r1cs']},{circuit['ptau']}", "--invites", "2", "--json")
    assert code == 0 and out["tracks"] == ["p1", "m"] and len(out["invites"]) == 2
    srv = RunningServer(tmp_path / "c")
    try:
        for who, invite in zip(("alice", "bob"), out["invites"]):
            run("ceremony", "keygen", str(tmp_path / f"{who}.key"))
            code, res = run("ceremony", "contribute", "--coordinator", srv.url, "--key", str(tmp_path / f"{who}.key"),
                            "--invite", invite, "--poll", "0.05", "--json")
            assert code == 0 and sorted(r["track"] for r in res["receipts"]) == ["m", "p1"]
            assert res["did"] == signing.did_of(signing.load_key(tmp_path / f"{who}.key", os.environ["ZKVCT_CEREMONY_PASSPHRASE"]))
        code, st = run("ceremony", "status", "--coordinator", srv.url, "--json")
        assert code == 0 and {t["name"]: t["seq"] for t in st["tracks"]} == {"m": 2, "p1": 2}
        code, out = run("ceremony", "finalize", "--coordinator", srv.url, "--key", str(tmp_path / "admin.key"), "--beacon", BEACON, "--json")
        assert code == 0 and out["finalized"]
        code, out = run("ceremony", "verify", str(tmp_path / "c" / "final"), "--json")
        assert code == 0 and out["tracks"]["p1"]["contributions"] == 2
        code, out = run("ceremony", "verify", str(tmp_path / "c" / "final"), "--min-contributors", "3", "--json")
        assert code == 1 and "at least 3" in out["reason"]
    finally:
        srv.stop()
    # file mode picks phase 1 or phase 2 from the file itself
    code, out = run("ceremony", "contribute", str(tmp_path / "start.ptau"), str(tmp_path / "f.ptau"), "--json")
    assert code == 0
    code, out = run("ceremony", "contribute", str(circuit["k0"]), str(tmp_path / "f.zkey"), "--json")
    assert code == 0
    code, out = run("ceremony", "contribute", str(tmp_path / "start.ptau"), "--json")
    assert code == 2


def test_keygen_seals_the_key_and_refuses_without_a_passphrase(tmp_path, monkeypatch):
    """Participant keys never rest on disk in the clear (DEVELOPERS.md: secrets)."""
    runner = CliRunner()
    res = runner.invoke(main, ["ceremony", "keygen", str(tmp_path / "k.key"), "--json"])
    assert res.exit_code == 0, res.output
    text = (tmp_path / "k.key").read_text()
    key = signing.load_key(tmp_path / "k.key", os.environ["ZKVCT_CEREMONY_PASSPHRASE"])
    assert key.to_string().hex() not in text and '"AES-256-GCM"' in text
    assert oct((tmp_path / "k.key").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(signing.SignatureError, match="wrong passphrase"):
        signing.load_key(tmp_path / "k.key", "another passphrase")
    monkeypatch.delenv("ZKVCT_CEREMONY_PASSPHRASE")
    res = runner.invoke(main, ["ceremony", "keygen", str(tmp_path / "k2.key")])
    assert res.exit_code == 2 and not (tmp_path / "k2.key").exists()
