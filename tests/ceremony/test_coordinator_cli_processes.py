"""A participant's whole path over HTTP with the real CLI, every actor its own process.

The coordinator (``zkvct ceremony serve``), two participants, the admin and a verifier are
separate ``zkvct`` processes talking over 127.0.0.1: keygen, register (with an invite code),
join, wait with a progress display (a third participant holds the turn meanwhile), contribute, receipt, finalize, verify the published
ceremony, and check the receipts against it.
"""
from __future__ import annotations

import json
import subprocess
import sys
import time

import httpx
import pytest
from zkvct.chain.localnet import free_port as _free_port

pytestmark = pytest.mark.slow

CLI = "import sys; from zkvct.cli.main import main; sys.argv = ['zkvct'] + sys.argv[1:]; main()"


def zkvct(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, timeout=timeout)


def zkvct_json(*args: str) -> dict:
    res = zkvct(*args, "--json")
    assert res.returncode == 0, res.stderr + res.stdout
    return json.loads(res.stdout)


def test_participant_path_with_separate_processes(tmp_path, circuit):
    admin = zkvct_json("ceremony", "keygen", str(tmp_path / "admin.key"))
    assert zkvct("powersoftau", "new", "3", str(tmp_path / "start.ptau")).returncode == 0
    init = zkvct_json("ceremony", "init", str(tmp_path / "c"), "--name", "cli-path", "--admin-did", admin["did"],
                      "--ptau", f"p1={tmp_path / 'start.ptau'}", "--circuit", f"m={circuit['k0']},{circuit['r1cs']},{circuit['ptau']}",
                      "--invites", "3", "--turn-timeout", "300")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-c", CLI, "ceremony", "serve", str(tmp_path / "c"), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while True:
            try:
                httpx.get(url + "/api/status", timeout=2)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.time() < deadline, "coordinator did not start"
                time.sleep(0.1)
        assert "/api/contribute/{track}" in httpx.get(url + "/openapi.json").json()["paths"]
        dids = [zkvct_json("ceremony", "keygen", str(tmp_path / f"{who}.key"))["did"] for who in ("alice", "bob")]
        # carol holds the turn while alice (human output: progress on stderr) and bob (--json) queue up
        from ceremony.coordinator import signing
        from ceremony.coordinator.client import Client

        carol = Client(url, signing.new_key(tmp_path / "carol.key"), invite=init["invites"][2])
        carol.register()
        assert carol.join()["your_turn"]
        procs = [subprocess.Popen([sys.executable, "-c", CLI, "ceremony", "contribute", "--coordinator", url, "--key",
                                   str(tmp_path / f"{who}.key"), "--invite", code, "--name", who, "--poll", "0.2", *extra],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for who, code, extra in (("alice", init["invites"][0], []), ("bob", init["invites"][1], ["--json"]))]
        while httpx.get(url + "/api/status").json()["waiting"] < 2:
            assert all(p.poll() is None for p in procs)
            time.sleep(0.1)
        carol.contribute(poll=0.05)  # her turn: then alice and bob in the order they joined
        outs = [p.communicate(timeout=300) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        (a_out, a_err), (b_out, _) = outs
        assert "[ceremony contribute] joining the queue" in a_err
        assert "contribution hash (publish it)" in a_out
        bob = json.loads(b_out)
        assert bob["did"] == dids[1] and sorted(r["track"] for r in bob["receipts"]) == ["m", "p1"]
        assert "waiting for the turn: position" in a_err  # the progress display showed her place in the queue
        st = zkvct_json("ceremony", "status", "--coordinator", url, "--key", str(tmp_path / "alice.key"))
        assert {t["name"]: t["seq"] for t in st["tracks"]} == {"m": 3, "p1": 3} and st["position"] is None
        # a third key without an invite is refused with a clear message and exit code 2
        zkvct("ceremony", "keygen", str(tmp_path / "eve.key"))
        eve = zkvct("ceremony", "contribute", "--coordinator", url, "--key", str(tmp_path / "eve.key"), "--json")
        assert eve.returncode == 2 and "registration refused" in json.loads(eve.stdout)["error"]
        fin = zkvct_json("ceremony", "finalize", "--coordinator", url, "--key", str(tmp_path / "admin.key"), "--beacon", "ab" * 32)
        assert fin["finalized"]
    finally:
        server.terminate()
        server.communicate(timeout=30)
    rep = zkvct_json("ceremony", "verify", str(tmp_path / "c" / "final"))
    assert rep["tracks"]["p1"]["dids"] == [c["did"] for c in fin["contributions"] if c["track"] == "p1"]
    assert set(rep["tracks"]["m"]["dids"]) == set(dids) | {carol.did}
    recorded = {(c["track"], c["seq"], c["contribution_hash"]) for c in fin["contributions"]}
    assert {(r["track"], r["seq"], r["contribution_hash"]) for r in bob["receipts"]} <= recorded
    bad = zkvct("ceremony", "verify", str(tmp_path / "c" / "final"), "--min-contributors", "4", "--json")
    assert bad.returncode == 1 and "at least 4" in json.loads(bad.stdout)["reason"]
