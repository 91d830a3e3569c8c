"""`zkvct chain up|status|deploy|down` and the commands that use the recorded deployment."""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from zkvct.chain.localnet import LocalnetError, load_info
from zkvct.cli.main import main as cli

pytestmark = [pytest.mark.chain, pytest.mark.slow]



def run(*args):
    return CliRunner().invoke(cli, [*args])


def test_up_status_down(tmp_path, localnet):  # `localnet` only to share the wasmd availability check
    home = tmp_path / "net"
    out = run("chain", "up", "--home", str(home), "--block-ms", "200", "--json")
    assert out.exit_code == 0, out.output
    info = json.loads(out.stdout)
    pid = info["pid"]
    try:
        assert load_info(home).rpc_port == info["rpc_port"]
        again = run("chain", "up", "--home", str(home))
        assert again.exit_code == 2 and "already running" in again.output
        st = run("chain", "status", "--home", str(home), "--json")
        assert st.exit_code == 0 and json.loads(st.stdout)["height"] >= 1
    finally:
        down = run("chain", "down", "--home", str(home), "--json")
    assert down.exit_code == 0 and json.loads(down.stdout)["stopped"] is True
    assert not home.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(LocalnetError, match="no local node"):
        load_info(home)
    assert run("chain", "status", "--home", str(home)).exit_code == 2


@pytest.mark.wasm
def test_deploy_register_verify_through_recorded_deployment(tmp_path, localnet, age_prover):
    home = tmp_path / "net2"
    assert run("chain", "up", "--home", str(home), "--block-ms", "200").exit_code == 0
    try:
        out = run("chain", "deploy", "--home", str(home), "--json")
        assert out.exit_code == 0, out.output
        dep = json.loads(out.stdout)
        assert dep["registry"].startswith("shareledger1") and dep["verifier"] != dep["registry"]
        assert (home / "deployment.json").is_file()
        from zkvct.chain.contracts import did_of
        from zkvct.chain.keys import localnet_wallet

        owner = did_of(localnet_wallet("alice"))
        issuer = did_of(localnet_wallet("carol"))
        vk = tmp_path / "vk.json"
        vk.write_text(json.dumps(age_prover.vk("anon")))
        roles = ["issuer_root", "cutoff_days:18", "today_days", "scope", "nullifier", "challenge"]
        out = run("statement", "register", "--home", str(home), "--statement-id", "anon", "--owner-did", owner,
                  "--vk", str(vk), *[x for r in roles for x in ("--role", r)], "--trusted-issuer", issuer, "--json")
        assert out.exit_code == 0, out.output
        assert json.loads(out.stdout)["version"] == "1"
        bad_role = run("statement", "register", "--home", str(home), "--statement-id", "x", "--owner-did", owner,
                       "--vk", str(vk), "--role", "cutoff_days")
        assert bad_role.exit_code == 2 and "number of years" in bad_role.output
        key = run("statement", "key", "--home", str(home), "--statement-id", "anon", "--out", str(tmp_path / "k.json"))
        assert key.exit_code == 0, key.output
        assert json.loads((tmp_path / "k.json").read_text())["IC"] == age_prover.vk("anon")["IC"]
        from datetime import datetime, timezone

        p = age_prover.prove("anon", rp_did=owner, statement_id="anon", holder_did=did_of(localnet_wallet("bob")),
                             today=datetime.now(timezone.utc).date(), serial=5)
        (tmp_path / "proof.json").write_text(json.dumps(p.proof))
        (tmp_path / "public.json").write_text(json.dumps(p.public))
        out = run("issuer", "anchor-root", "--home", str(home), "--issuer-did", issuer, "--root", p.root,
                  "--from", "carol", "--json")
        assert out.exit_code == 0, out.output
        args = ["verify", "--on-chain", "--home", str(home), "--statement-id", "anon",
                "--proof", str(tmp_path / "proof.json"), "--public", str(tmp_path / "public.json"),
                "--issuer-did", issuer, "--relying-party-did", owner, "--request-id", p.request.id,
                "--request-nonce", p.request.nonce, "--expires-at", str(p.request.expires_at)]
        dry = run(*args, "--dry-run", "--json")
        assert dry.exit_code == 0 and json.loads(dry.stdout)["accepted"] is True, dry.output
        assert run(*args).exit_code == 0
        replay = run(*args, "--json")
        assert replay.exit_code == 1
        assert json.loads(replay.stdout)["reason"].startswith("proof_replayed: ")
        # the issuer retires the root (a revocation): the dry run now names root_retired
        out = run("issuer", "anchor-root", "--home", str(home), "--issuer-did", issuer, "--root", "42",
                  "--retire-previous", "--from", "carol", "--json")
        assert out.exit_code == 0 and json.loads(out.stdout)["retire_previous"] is True, out.output
        bob_addr = str(localnet_wallet("bob").address())
        out = run("did", "add-delegate", owner, "--type", "veriKey", "--delegate", bob_addr, "--validity", "3600",
                  "--home", str(home), "--json")
        assert out.exit_code == 0, out.output
        out = run("did", "set-attribute", owner, "--name", "did/svc/Hub", "--value", "https://hub.example", "--utf8",
                  "--validity", "3600", "--home", str(home))
        assert out.exit_code == 0, out.output
        stranger = run("did", "change-owner", owner, "--new-owner", bob_addr, "--from", "bob", "--home", str(home))
        assert stranger.exit_code == 1 and "unauthorized" in stranger.output
        res = run("did", "resolve", owner, "--home", str(home))
        assert res.exit_code == 0, res.output
        doc = json.loads(res.stdout)["didDocument"]
        assert doc["id"] == owner
        assert doc["verificationMethod"][2]["blockchainAccountId"] == f"cosmos:shareledger:{bob_addr}"
        assert doc["service"] == [{"id": f"{owner}#service-1", "type": "Hub", "serviceEndpoint": "https://hub.example"}]
    finally:
        run("chain", "down", "--home", str(home))
