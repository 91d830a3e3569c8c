"""The documented any-language webhook recipe (zkvct/webhook.py) holds outside Python: the Go
receiver of benchmarks/loadgen, written from the recipe alone, accepts what the relying party's
deliverer signs and refuses a tampered body, another secret, a stale timestamp and a wrong
prefix; a repeated delivery id is answered 200 but counted once. Skipped where Go is missing."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from zkvct import webhook

SRC = Path(__file__).resolve().parents[2] / "benchmarks" / "loadgen"
SECRET = b"go-receiver-test-secret-0123456789"


@pytest.fixture(scope="module")
def receiver(tmp_path_factory):
    go = shutil.which("go")
    if go is None:
        pytest.skip("Go is not installed")
    work = tmp_path_factory.mktemp("loadgen")
    binary = work / "loadgen"
    built = subprocess.run([go, "build", "-o", str(binary), "."], cwd=SRC, capture_output=True, text=True,
                           timeout=600, env={**os.environ, "GOFLAGS": "-mod=readonly -buildvcs=false"})
    assert built.returncode == 0, built.stderr
    (work / "secret").write_bytes(SECRET + b"\n")
    proc = subprocess.Popen([str(binary), "receive", "-secret-file", str(work / "secret"), "-tolerance", "60"],
                            stdout=subprocess.PIPE, text=True)
    try:
        yield json.loads(proc.stdout.readline())["listening"]
    finally:
        proc.terminate()
        proc.wait(10)


def _post(base: str, body: bytes, headers: dict) -> int:
    return httpx.post(base + "/hook", content=body, headers={"content-type": "application/json", **headers},
                      timeout=10).status_code


def test_go_receiver_checks_the_recipe(receiver):
    body = json.dumps({"zkvct": {"request_id": "req_1"}, "accepted": True}).encode()
    good = webhook.sign(SECRET, "dlv_go_1", body)
    assert _post(receiver, body, good) == 200
    assert _post(receiver, body, good) == 200  # the same delivery again: a replay, not a second result
    assert _post(receiver, body[:-1] + b" }", good) == 401
    assert _post(receiver, body, webhook.sign(b"another-secret-0123456789abcdef", "dlv_go_2", body)) == 401
    assert _post(receiver, body, webhook.sign(SECRET, "dlv_go_3", body, timestamp=int(time.time()) - 3600)) == 401
    swapped = {**webhook.sign(SECRET, "dlv_go_4", body), webhook.DELIVERY_HEADER: "dlv_go_5"}
    assert _post(receiver, body, swapped) == 401
    bare = dict(good)
    bare[webhook.SIGNATURE_HEADER] = bare[webhook.SIGNATURE_HEADER].removeprefix("sha256=")
    assert _post(receiver, body, bare) == 401
    stats = httpx.get(receiver + "/stats", timeout=10).json()
    assert stats == {"accepted": 1, "replayed": 1, "rejected": 5}
