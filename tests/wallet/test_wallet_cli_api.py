"""``zkvct wallet`` as a user runs it: CLI verbs with --json, and the local HTTP API as its own
process (127.0.0.1, 0600 bearer token file, loopback Host only)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx

from issuer_fixtures import admin_offer
from issuer_helpers import PASSPHRASE
from zkvct.did import jws
from zkvct.demo.procs import zkvct_command

RP = jws.did_of(jws.new_private_key())


def cli(*args, env=None, operands=()):
    """Run ``zkvct ARGS --json [-- OPERANDS]``: returns the exit code, the JSON output and stderr."""
    proc = subprocess.run([sys.executable, "-m", "zkvct", *args, "--json", *(("--", *operands) if operands else ())], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "ZKVCT_WALLET_PASSPHRASE": PASSPHRASE, **(env or {})})
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, proc.stderr


def test_cli_and_local_api(issuer_proc, services, tmp_path, age_key):
    wallet = tmp_path / "w.db"
    rc, out, _ = cli("wallet", "init", "--wallet", str(wallet))
    assert rc == 0 and out["did"].startswith("did:shr:") and len(out["recovery_seed"]) == 64
    rc, out, err = cli("wallet", "show", "--wallet", str(wallet), env={"ZKVCT_WALLET_PASSPHRASE": "wrong"})
    assert rc == 2 and "wrong passphrase" in out["error"] and "Traceback" not in err
    # an id that begins with "-" (not one of ours: ours begin with "offer_") reaches the issuer after "--"
    rc, out, err = cli("wallet", "accept", "--wallet", str(wallet), "--issuer", issuer_proc.url, operands=["-" + "a" * 20])
    assert rc == 2 and "404 offer_unknown" in out["error"] and "Traceback" not in err, (out, err)
    rc, out, err = cli("wallet", "accept", "--wallet", str(wallet), "--issuer", issuer_proc.url, admin_offer(issuer_proc))
    assert rc == 0 and out["credential"]["serial"] == 0, (out, err)
    rc, out, err = cli("wallet", "sync", "--wallet", str(wallet))
    assert rc == 0 and len(out["synced"]) == 1, (out, err)

    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps({"age-18": {"statement": "age_gte", "params": {"years": 18, "depth": 4},
                                           "zkey": str(age_key["zkey"])}}))
    svc = services.start("wallet", zkvct_command("wallet", "serve", "--wallet", str(wallet), "--port", "{port}",
                                                 "--keys", str(keys)),
                         env={"ZKVCT_WALLET_PASSPHRASE": PASSPHRASE}, timeout=120)
    token_file = tmp_path / "w.db.token"
    assert token_file.stat().st_mode & 0o077 == 0
    auth = {"Authorization": "Bearer " + token_file.read_text().strip()}
    assert httpx.get(svc.url + "/v1/wallet", timeout=30).status_code == 401
    assert httpx.get(svc.url + "/v1/wallet", headers={**auth, "Host": "evil.example"}, timeout=30).status_code == 421
    assert httpx.get(svc.url + "/v1/wallet", headers={**auth, "Origin": "https://evil.example"}, timeout=30).status_code == 403
    info = httpx.get(svc.url + "/v1/wallet", headers=auth, timeout=30).json()
    assert info["statements"] == ["age-18"] and len(info["credentials"]) == 1
    request = {"id": "r1", "nonce": "n" * 16, "expires_at": int(time.time()) + 600}
    bad = httpx.post(svc.url + "/v1/prove", headers=auth, timeout=30,
                     json={"statement_id": "nope", "relying_party_did": RP, "request": request})
    assert bad.status_code == 400 and bad.json()["error"] == "statement_unknown"
    resp = httpx.post(svc.url + "/v1/prove", headers=auth, timeout=600,
                      json={"statement_id": "age-18", "relying_party_did": RP, "request": request})
    assert resp.status_code == 200, resp.text
    assert resp.json()["statement_id"] == "age-18" and len(resp.json()["public_inputs"]) == 7
    consent = httpx.get(svc.url + "/v1/consent", headers=auth, timeout=30).json()["consent"]
    assert consent[-1]["decision"] == "proved" and consent[-1]["relying_party_did"] == RP
