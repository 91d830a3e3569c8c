"""The wallet-facing prover API over real HTTP on 127.0.0.1: prove, verify, and refuse bad or hostile requests."""
from __future__ import annotations

import json
import os
import socket
import stat
import threading
import time

import httpx
import pytest

from circuits.statements import get_statement
from zkvct.dsl import compile_circuit
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.setup import dev_setup
from zkvct.services.prover.app import RunningService
from zkvct.services.prover.config import ServiceConfigError, load_config, load_statements
from zkvct.services.prover.service import ProverService
from zkvct.web.auth import load_or_create_token

DEPTH = 4  # a shallow registry keeps the key small; the circuit is otherwise the shipped one


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    work = tmp_path_factory.mktemp("http")
    statement = get_statement("age_gte", depth=DEPTH)
    compiled = compile_circuit(statement)
    dev_setup(compiled.r1cs, work / "age.zkey")  # INSECURE single-party key: tests only
    vk = export_verification_key(work / "age.zkey").to_obj()
    config = work / "service.json"
    config.write_text(json.dumps({"statements": [
        {"id": "age18", "statement": "age_gte", "params": {"years": 18, "depth": DEPTH}, "zkey": "age.zkey"}]}))
    loaded = load_statements(load_config(config), work)
    token = load_or_create_token(work / "prover.token")
    with RunningService(ProverService(loaded), token, allowed_origins={"http://wallet.localhost"}) as running:
        yield running.url, statement, vk, work, token, running


def _call(url: str, token: str | None, body=None, raw: bytes | None = None, headers: dict | None = None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    hdrs = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {}), **(headers or {})}
    r = httpx.request("POST" if data is not None else "GET", url, content=data, headers=hdrs, timeout=120)
    return r.status_code, r.json()


def test_prove_then_verify_over_http(service, npm_peers, tmp_path):
    url, statement, vk, _, token, _ = service
    status, listing = _call(f"{url}/v1/statements", token)
    assert status == 200 and listing["statements"][0]["id"] == "age18"
    status, out = _call(f"{url}/v1/prove", token, {"statement": "age18", "input": statement.example_input()})
    assert status == 200, out
    assert len(out["publicSignals"]) == len(statement.public_roles)
    status, verdict = _call(f"{url}/v1/verify", token, {"verification_key": vk, "publicSignals": out["publicSignals"], "proof": out["proof"]})
    assert (status, verdict["ok"]) == (200, True)
    # the real snarkjs agrees with what the service returned
    (tmp_path / "vk.json").write_text(json.dumps(vk))
    (tmp_path / "public.json").write_text(json.dumps(out["publicSignals"]))
    (tmp_path / "proof.json").write_text(json.dumps(out["proof"]))
    assert "OK" in npm_peers.snarkjs("groth16", "verify", str(tmp_path / "vk.json"), str(tmp_path / "public.json"), str(tmp_path / "proof.json")).stdout
    # a tampered public input is rejected, not an error
    tampered = list(out["publicSignals"])
    tampered[1] = str(int(tampered[1]) + 1)
    status, verdict = _call(f"{url}/v1/verify", token, {"verification_key": vk, "publicSignals": tampered, "proof": out["proof"]})
    assert (status, verdict["ok"]) == (200, False)


def test_bad_requests_are_4xx_with_a_reason(service):
    url, statement, vk, _, token, _ = service
    status, err = _call(f"{url}/v1/prove", token, {"statement": "nope", "input": {}})
    assert status == 404 and "unknown statement" in err["detail"]
    status, err = _call(f"{url}/v1/prove", token, raw=b"{not json")
    assert status == 400 and err["error"] == "invalid_request"
    status, err = _call(f"{url}/v1/prove", token, {"statement": "age18"})
    assert status == 400 and "input: Field required" in err["detail"]
    status, err = _call(f"{url}/v1/verify", token, {"verification_key": vk, "publicSignals": ["1"], "proof": {}})
    assert status == 400
    status, err = _call(f"{url}/v1/nothing", token, {})
    assert status == 404


def test_errors_name_the_field_and_range_but_never_echo_private_values(service):
    """Issue 13: the old API answered ``input dob_days = 1099511627776 is out of range``."""
    url, statement, _, _, token, _ = service
    secret_values = {"dob_days": 1 << 40, "holder_secret": str((1 << 300) + 12345), "salt": "-987654321"}
    for field, value in secret_values.items():
        bad = statement.example_input()
        bad[field] = value
        status, err = _call(f"{url}/v1/prove", token, {"statement": "age18", "input": bad})
        assert status == 400 and field in err["detail"] and "allowed" in err["detail"], err
        assert str(value) not in json.dumps(err)
        for v in statement.example_input().values():  # nor any other private input
            if isinstance(v, (int, str)) and len(str(v)) >= 4:
                assert str(v) not in json.dumps(err)
    bad = statement.example_input()
    bad["holder_secret"] = "not-a-number-SECRETSECRET"
    status, err = _call(f"{url}/v1/prove", token, {"statement": "age18", "input": bad})
    assert status == 400 and "holder_secret" in err["detail"] and "SECRETSECRET" not in json.dumps(err)


def test_bearer_token_required(service):
    url, statement, _, work, token, _ = service
    assert stat.S_IMODE(os.stat(work / "prover.token").st_mode) == 0o600
    for hdr in (None, "Bearer wrong", "Basic " + token, "Bearer " + token[:-1]):
        r = httpx.post(f"{url}/v1/prove", json={"statement": "age18", "input": statement.example_input()},
                       headers={"Authorization": hdr} if hdr else {})
        assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    assert httpx.get(f"{url}/v1/statements").status_code == 401
    assert httpx.get(f"{url}/v1/health").json() == {"ok": True}


def test_host_and_origin_checked(service):
    url, statement, _, _, token, _ = service
    auth = {"Authorization": f"Bearer {token}"}
    r = httpx.get(f"{url}/v1/statements", headers={**auth, "Host": "attacker.example"})
    assert r.status_code == 421 and r.json()["error"] == "host_not_allowed"
    r = httpx.get(f"{url}/v1/statements", headers={**auth, "Origin": "https://attacker.example"})
    assert r.status_code == 403 and r.json()["error"] == "origin_not_allowed"
    r = httpx.get(f"{url}/v1/statements", headers={**auth, "Origin": "http://wallet.localhost", "Host": "localhost"})
    assert r.status_code == 200


def test_stalled_bodies_neither_pile_up_threads_nor_hang(service):
    """Issue 13: 200 stalled bodies made 205 threads and never timed out."""
    url, _, _, _, token, running = service
    host, port = url.split("//")[1].split(":")
    before = threading.active_count()
    socks = []
    for _ in range(200):
        s = socket.create_connection((host, int(port)), timeout=30)
        s.sendall(f"POST /v1/prove HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: 5000\r\n\r\n{{\"st".encode())
        socks.append(s)
    time.sleep(1.0)
    assert threading.active_count() - before <= 8  # the server runs in this process: its threads are ours
    r = httpx.get(f"{url}/v1/health", timeout=10)  # still answering while 200 bodies stall
    assert r.status_code == 200
    t0 = time.time()
    answered = 0
    for s in socks:
        s.settimeout(max(1.0, 45 - (time.time() - t0)))
        try:
            head = s.recv(200)
        except OSError:
            head = b""
        answered += head.startswith(b"HTTP/1.1 408") or head.startswith(b"HTTP/1.1 503")
        s.close()
    assert answered == len(socks) and time.time() - t0 < 45


def test_config_errors_name_the_problem(service, tmp_path):
    work = service[3]
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"statements": [{"id": "x", "statement": "age_gte", "zkey": str(work / "age.zkey")}]}))
    with pytest.raises(ServiceConfigError, match="wires"):  # default depth 20 does not match the depth-4 key
        load_statements(load_config(cfg), tmp_path)
    cfg.write_text(json.dumps({"statements": []}))
    with pytest.raises(ServiceConfigError, match="statements"):
        load_config(cfg)


def test_zkvct_serve_cli_makes_a_private_token_and_requires_it(service, tmp_path):
    """``zkvct serve`` as its own process: token file made at first start (0600), reused after."""
    import socket
    import subprocess
    import sys

    work = service[3]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cli = "import sys; from zkvct.cli.main import main; sys.argv = ['zkvct'] + sys.argv[1:]; main()"
    token_file = tmp_path / "tok"
    proc = subprocess.Popen([sys.executable, "-c", cli, "serve", str(work / "service.json"), "--port", str(port),
                             "--token-file", str(token_file), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while True:
            try:
                if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.time() < deadline, proc.stderr.read() if proc.poll() is not None else "no start"
            time.sleep(0.2)
        assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
        token = token_file.read_text().strip()
        assert httpx.get(url + "/v1/statements").status_code == 401
        assert httpx.get(url + "/v1/statements", headers={"Authorization": f"Bearer {token}"}).json()["statements"][0]["id"] == "age18"
        assert "/v1/prove" in httpx.get(url + "/openapi.json").json()["paths"]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert json.loads(out)["token_file"] == str(token_file) and token not in out  # the token itself is never printed
