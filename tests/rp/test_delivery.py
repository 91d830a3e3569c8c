"""Durable webhook delivery: retries as specified, same delivery id, nothing lost."""
from __future__ import annotations

import json
import random

import httpx
import pytest
import sqlalchemy as sa

from zkvct import webhook
from zkvct.services.rp import delivery as dl
from zkvct.services.rp.schema import create_all
from zkvct.web.db import make_engine, sqlite_url

from rp_scripted_endpoint import Script, free_port, serve

SECRET = b"rp-webhook-secret-0123456789"


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(sqlite_url(tmp_path / "rp.db"))
    create_all(eng)
    return eng


def _enqueue(engine, url, payload=None, now=1000.0):
    with engine.begin() as conn:
        return dl.enqueue(conn, request_id="req_1", url=url, payload=payload or {"age_verified": True}, now=now)


def _row(engine, did):
    with engine.connect() as conn:
        return conn.execute(sa.select(dl.deliveries).where(dl.deliveries.c.id == did)).one()


def _deliverer(engine, **kw):
    kw.setdefault("policy", dl.RetryPolicy(base_secs=1, cap_secs=8, max_attempts=5, timeout_secs=1.0))
    return dl.Deliverer(engine, SECRET, rng=random.Random(7), **kw)


def test_delivered_once_signed_and_verifiable(engine):
    script = Script(SECRET, [200])
    with serve(script) as url:
        did = _enqueue(engine, url, {"age_verified": True, "verifiedAt": "2026-12-07T00:00:00Z"})
        import time
        assert _deliverer(engine).run_once(now=time.time()) == 1
    assert [d.delivery_id for d in script.accepted] == [did]
    assert json.loads(script.accepted[0].body) == {"age_verified": True, "verifiedAt": "2026-12-07T00:00:00Z"}
    assert _row(engine, did).status == "delivered"


@pytest.mark.parametrize("answers", [[500, 200], [503, 502, 200], [408, 200], [429, 200]])
def test_retryable_statuses_retry_with_same_id(engine, answers):
    import time
    script = Script(SECRET, answers)
    with serve(script) as url:
        did = _enqueue(engine, url, now=time.time())
        d = _deliverer(engine)
        t = time.time()
        for _ in range(len(answers)):
            d.run_once(now=t)
            t = _row(engine, did).next_attempt_at if _row(engine, did).status == "pending" else t
    ids = {c["headers"][webhook.DELIVERY_HEADER] for c in script.calls}
    assert ids == {did} and len(script.calls) == len(answers)
    assert _row(engine, did).status == "delivered" and len(script.accepted) == 1


def test_retry_after_is_honoured(engine):
    import time
    script = Script(SECRET, [("retry-after", 429, "120"), 200])
    with serve(script) as url:
        did = _enqueue(engine, url, now=time.time())
        t0 = time.time()
        _deliverer(engine).run_once(now=t0)
        row = _row(engine, did)
        assert row.status == "pending" and row.next_attempt_at >= t0 + 120
        assert _deliverer(engine).run_once(now=t0 + 60) == 0  # not due yet
        assert _deliverer(engine).run_once(now=row.next_attempt_at) == 1
    assert _row(engine, did).status == "delivered"


def test_endpoint_down_then_up_loses_nothing(engine):
    import time
    down = f"http://127.0.0.1:{free_port()}/hook"
    did = _enqueue(engine, down, now=time.time())
    d = _deliverer(engine)
    d.run_once(now=time.time())
    row = _row(engine, did)
    assert row.status == "pending" and row.attempts == 1 and "ConnectError" in row.last_error
    script = Script(SECRET, [200])
    with serve(script) as url:
        with engine.begin() as conn:
            conn.execute(dl.deliveries.update().values(url=url))
        d.run_once(now=row.next_attempt_at)
    assert [x.delivery_id for x in script.accepted] == [did]


def test_slow_endpoint_times_out_and_is_retried(engine):
    import time
    script = Script(SECRET, [("sleep", 2.0), 200])
    with serve(script) as url:
        did = _enqueue(engine, url, now=time.time())
        d = _deliverer(engine)
        d.run_once(now=time.time())
        row = _row(engine, did)
        assert row.status == "pending" and "Timeout" in row.last_error
        d.run_once(now=row.next_attempt_at)
    assert _row(engine, did).status == "delivered"
    assert {c["headers"][webhook.DELIVERY_HEADER] for c in script.calls} == {did}


def test_gives_up_after_max_attempts_and_redeliver_requeues(engine):
    import time
    script = Script(SECRET, [500] * 5 + [200])
    with serve(script) as url:
        did = _enqueue(engine, url, now=time.time())
        d = _deliverer(engine)
        t = time.time()
        for _ in range(5):
            d.run_once(now=t)
            t = _row(engine, did).next_attempt_at
        assert _row(engine, did).status == "failed"
        assert dl.redeliver(engine, did) is True
        d.run_once(now=time.time())
    assert _row(engine, did).status == "delivered"
    assert [x["id"] for x in dl.list_deliveries(engine, status="delivered")] == [did]
    assert dl.redeliver(engine, "dlv_nope") is False


def test_permanent_4xx_fails_without_retry(engine):
    import time
    script = Script(SECRET, [400])
    with serve(script) as url:
        did = _enqueue(engine, url, now=time.time())
        _deliverer(engine).run_once(now=time.time())
    row = _row(engine, did)
    assert row.status == "failed" and row.attempts == 1 and row.last_status == 400


def test_lease_stops_two_workers_sending_the_same_row(engine):
    did = _enqueue(engine, "http://127.0.0.1:9/hook", now=1000.0)
    a, b = _deliverer(engine), _deliverer(engine)
    assert [r.id for r in a._claim(10, 1000.0)] == [did]
    assert b._claim(10, 1000.0) == []
    assert [r.id for r in b._claim(10, 1000.0 + 61)] == [did]  # lease expired: the row is not lost


@pytest.mark.parametrize("value, expect", [("5", 5.0), ("0", 0.0), ("999999", 3600.0), ("soon", None),
                                           ("", None), ("-3", None)])
def test_parse_retry_after(value, expect):
    assert dl.parse_retry_after(value, 0.0) == expect


def test_parse_retry_after_http_date():
    assert dl.parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", 40.0) == 60.0


def test_backoff_is_jittered_and_capped():
    p = dl.RetryPolicy(base_secs=1, cap_secs=30)
    rng = random.Random(1)
    delays = [p.delay(k, None, rng) for k in range(20)]
    assert all(0 <= x <= 30 for x in delays) and len(set(delays)) == 20
    assert p.delay(0, 100.0, rng) >= 100.0


def test_short_secret_refused_at_start(engine):
    with pytest.raises(webhook.WebhookError):
        dl.Deliverer(engine, b"short")
