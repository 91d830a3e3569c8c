"""``zkvct issuer`` as an operator runs it: init/serve/offer/revoke/status with --json, the sealed
key (never plain on disk, never in the log), and a wrong passphrase as a clear error."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from issuer_helpers import PASSPHRASE
from zkvct.did import jws
from zkvct.sealed import read_sealed
from zkvct.errors import ZkvctError
from zkvct.services.issuer.config import KEY_FILE, KEY_PURPOSE, init_home
from zkvct.demo.procs import zkvct_command


def cli(*args, passphrase=PASSPHRASE):
    proc = subprocess.run([sys.executable, "-m", "zkvct", *args, "--json"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "ZKVCT_ISSUER_PASSPHRASE": passphrase})
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, proc.stderr


def test_issuer_cli_round_trip(tmp_path, services):
    home = tmp_path / "iss"
    rc, out, _ = cli("issuer", "init", "--home", str(home), "--depth", "4", "--epoch-s", "3600")
    assert rc == 0 and out["issuer_did"].startswith(("did:shr:02", "did:shr:03"))
    key = jws.private_key_bytes(jws.private_key_from_bytes(read_sealed(home / KEY_FILE, PASSPHRASE, purpose=KEY_PURPOSE)))
    for path in home.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path
        data = path.read_bytes()
        assert key not in data and key.hex().encode() not in data and PASSPHRASE.encode() not in data
    rc, again, err = cli("issuer", "init", "--home", str(home))
    assert rc == 2 and "refusing to overwrite" in again["error"]

    bad = subprocess.run(zkvct_command("issuer", "serve", "--home", str(home), "--port", "0", "--json"),
                         capture_output=True, text=True, timeout=300,
                         env={**os.environ, "ZKVCT_ISSUER_PASSPHRASE": "wrong"})
    assert bad.returncode == 2 and "wrong passphrase" in bad.stdout and "Traceback" not in bad.stderr

    svc = services.start("issuer-cli", zkvct_command("issuer", "serve", "--home", str(home), "--port", "{port}"),
                         env={"ZKVCT_ISSUER_PASSPHRASE": PASSPHRASE}, timeout=120)
    rc, offer, _ = cli("issuer", "offer", "--home", str(home), "--url", svc.url, "--dob", "1990-05-17",
                       "--country", "SG", "--expiry", "2030-01-01")
    assert rc == 0 and len(offer["offer_id"]) >= 16
    rc, bad_offer, _ = cli("issuer", "offer", "--home", str(home), "--url", svc.url, "--dob", "1990-05-17",
                           "--country", "Singapore", "--expiry", "2030-01-01")
    assert rc == 2 and "country" in bad_offer["error"]
    rc, status, _ = cli("issuer", "status", "--home", str(home), "--url", svc.url)
    assert rc == 0 and status["registry"]["issued"] == 0
    rc, revoked, _ = cli("issuer", "revoke", "--home", str(home), "--url", svc.url, "3")
    assert rc == 2 and "no credential" in revoked["error"]
    log = svc.log.read_bytes()
    assert PASSPHRASE.encode() not in log and key.hex().encode() not in log


@pytest.mark.parametrize("depth", [1, 33, 2**32, -4, True, "20"])
def test_init_home_refuses_depths_outside_the_range(tmp_path, depth):
    """The Python API holds the depth to the range the CLI and the credential parser use
    (limits.MIN_DEPTH..MAX_DEPTH), before it writes a key."""
    with pytest.raises(ZkvctError, match="depth must be an integer 2..32"):
        init_home(tmp_path / "h", PASSPHRASE, depth=depth)
    assert not (tmp_path / "h").exists()
