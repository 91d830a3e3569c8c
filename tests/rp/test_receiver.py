"""The stock webhook receiver: records verified deliveries once, refuses forged and stale ones."""
from __future__ import annotations

import json
import time

import httpx

from zkvct import webhook
from zkvct.services.rp.receiver import create_receiver_app
from zkvct.web.serve import ServerThread

SECRET = b"receiver-secret-0123456789"


def _post(url, body: bytes, headers):
    return httpx.post(url + "/webhook", content=body, headers={"content-type": "application/json", **headers})


def test_receiver_records_once_and_refuses_forgeries(tmp_path):
    log = tmp_path / "deliveries.jsonl"
    with ServerThread(create_receiver_app(SECRET, log)) as srv:
        body = json.dumps({"age_verified": True}).encode()
        h = webhook.sign(SECRET, "dlv_a", body)
        assert _post(srv.url, body, h).json() == {"ok": True, "duplicate": False}
        assert _post(srv.url, body, h).json() == {"ok": True, "duplicate": True}  # a retry after a lost 200
        forged = dict(h, **{webhook.SIGNATURE_HEADER: "sha256=" + "00" * 32})
        assert _post(srv.url, body, forged).status_code == 401
        stale = webhook.sign(SECRET, "dlv_b", body, timestamp=int(time.time()) - 3600)
        r = _post(srv.url, body, stale)
        assert r.status_code == 401 and r.json()["error"] == "stale_timestamp"
        other = webhook.sign(b"another-secret-0123456789", "dlv_c", body)
        assert _post(srv.url, body, other).status_code == 401
    lines = [json.loads(x) for x in log.read_text().splitlines()]
    assert [x["delivery_id"] for x in lines] == ["dlv_a"] and lines[0]["body"] == {"age_verified": True}
    assert oct(log.stat().st_mode & 0o777) == "0o600"


def test_receiver_remembers_ids_across_restart(tmp_path):
    log = tmp_path / "d.jsonl"
    body = b'{"x":1}'
    h = webhook.sign(SECRET, "dlv_r", body)
    with ServerThread(create_receiver_app(SECRET, log)) as srv:
        assert _post(srv.url, body, h).json()["duplicate"] is False
    with ServerThread(create_receiver_app(SECRET, log)) as srv:
        assert _post(srv.url, body, h).json()["duplicate"] is True
