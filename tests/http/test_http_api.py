"""The wallet-facing HTTP API: prove and verify over real HTTP on 127.0.0.1, and refuse bad input."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from circuits.statements import get_statement
from zkvct.dsl import compile_circuit
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.setup import dev_setup
from zkvct.http_api import ProverService, RunningService, ServiceConfigError, load_config, load_statements

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
    with RunningService(ProverService(loaded)) as running:
        yield running.url, statement, vk, work


def _call(url: str, body=None, raw: bytes | None = None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_prove_then_verify_over_http(service, npm_peers, tmp_path):
    url, statement, vk, _ = service
    status, listing = _call(f"{url}/v1/statements")
    assert status == 200 and listing["statements"][0]["id"] == "age18"
    status, out = _call(f"{url}/v1/prove", {"statement": "age18", "input": statement.example_input()})
    assert status == 200, out
    assert len(out["publicSignals"]) == len(statement.public_roles)
    status, verdict = _call(f"{url}/v1/verify", {"verification_key": vk, "publicSignals": out["publicSignals"], "proof": out["proof"]})
    assert (status, verdict["ok"]) == (200, True)
    # the real snarkjs agrees with what the service returned
    (tmp_path / "vk.json").write_text(json.dumps(vk))
    (tmp_path / "public.json").write_text(json.dumps(out["publicSignals"]))
    (tmp_path / "proof.json").write_text(json.dumps(out["proof"]))
    assert "OK" in npm_peers.snarkjs("groth16", "verify", str(tmp_path / "vk.json"), str(tmp_path / "public.json"), str(tmp_path / "proof.json")).stdout
    # a tampered public input is rejected, not an error
    tampered = list(out["publicSignals"])
    tampered[1] = str(int(tampered[1]) + 1)
    status, verdict = _call(f"{url}/v1/verify", {"verification_key": vk, "publicSignals": tampered, "proof": out["proof"]})
    assert (status, verdict["ok"]) == (200, False)


def test_bad_requests_are_400_with_a_reason(service):
    url, statement, vk, _ = service
    status, err = _call(f"{url}/v1/prove", {"statement": "nope", "input": {}})
    assert status == 400 and "unknown statement 'nope'" in err["error"]
    bad = statement.example_input()
    bad["dob_days"] = 1 << 40  # out of the 20-bit date range
    status, err = _call(f"{url}/v1/prove", {"statement": "age18", "input": bad})
    assert status == 400 and "dob_days" in err["error"]
    young = statement.example_input()
    young["cutoff_days"] = int(young["dob_days"]) - 1  # born after the cutoff: no witness exists
    status, err = _call(f"{url}/v1/prove", {"statement": "age18", "input": young})
    assert status == 400
    assert str(statement.example_input()["holder_secret"]) not in err["error"]  # secrets never echoed
    status, err = _call(f"{url}/v1/prove", raw=b"{not json")
    assert status == 400 and "not valid JSON" in err["error"]
    status, err = _call(f"{url}/v1/verify", {"verification_key": vk, "publicSignals": ["1"], "proof": {}})
    assert status == 400
    status, err = _call(f"{url}/v1/nothing", {})
    assert status == 404


def test_config_errors_name_the_problem(service, tmp_path):
    _, _, _, work = service
    cfg = tmp_path / "c.json"
    cfg.write_text(json.dumps({"statements": [{"id": "x", "statement": "age_gte", "zkey": str(work / "age.zkey")}]}))
    with pytest.raises(ServiceConfigError, match="wires"):  # default depth 20 does not match the depth-4 key
        load_statements(load_config(cfg), tmp_path)
    cfg.write_text(json.dumps({"statements": []}))
    with pytest.raises(ServiceConfigError, match="statements"):
        load_config(cfg)
