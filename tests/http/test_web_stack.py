"""zkvct.web on a real uvicorn server over 127.0.0.1: limits, errors, auth, databases."""
from __future__ import annotations

import os
import socket
import stat
import threading
import time

import httpx
import pytest
from fastapi import Header, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from zkvct.web import auth, db
from zkvct.web.app import create_app, install_guards
from zkvct.web.limits import read_small_body
from zkvct.web.serve import ServerThread, ServeSettings

SECRET = "hunter2-very-secret-value"


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")
    secret: str = Field(min_length=1, max_length=64)
    n: int = Field(ge=0, le=10)


def make_app(token: str, max_body: int = 1024, max_active: int = 4):
    app = create_app("test", "web stack test app")
    release = threading.Event()

    @app.post("/echo")
    async def echo(request: Request, authorization: str | None = Header(None)):
        auth.check_bearer(authorization, token)
        body = Body.model_validate_json(await read_small_body(request, max_body))
        return {"n": body.n}

    @app.get("/slow")
    def slow():
        release.wait(10)
        return {"ok": True}

    app.state.release = release
    install_guards(app, max_body=max_body, allowed_hosts=None, allowed_origins={"http://wallet.local"},
                   max_active=max_active, queue_timeout=0.5, body_idle_timeout=1.0, threads=4)
    return app


@pytest.fixture
def served(tmp_path):
    token = auth.load_or_create_token(tmp_path / "svc.token")
    app = make_app(token)
    with ServerThread(app, ServeSettings(header_timeout=1.0)) as srv:
        yield srv, token, app


def _raw(url: str, data: bytes, wait: float = 5.0, first_only: bool = False) -> bytes:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as s:
        s.sendall(data)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
                if b"\r\n\r\n" in out and first_only:
                    break
        except TimeoutError:
            pass
        return out


def test_token_file_is_0600_and_reused(tmp_path):
    t1 = auth.load_or_create_token(tmp_path / "a" / "tok")
    assert stat.S_IMODE(os.stat(tmp_path / "a" / "tok").st_mode) == 0o600
    assert auth.load_or_create_token(tmp_path / "a" / "tok") == t1 and len(t1) >= 32
    os.chmod(tmp_path / "a" / "tok", 0o644)
    with pytest.raises(Exception, match="readable by other users"):
        auth.load_or_create_token(tmp_path / "a" / "tok")


def test_bearer_and_validation_errors(served):
    srv, token, _ = served
    good = {"Authorization": f"Bearer {token}"}
    assert httpx.post(srv.url + "/echo", json={"secret": "x", "n": 3}, headers=good).json() == {"n": 3}
    r = httpx.post(srv.url + "/echo", json={"secret": "x", "n": 3}, headers={"Authorization": "Bearer " + "x" * 43})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = httpx.post(srv.url + "/echo", json={"secret": SECRET, "n": 99}, headers=good)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"
    assert "n:" in r.json()["detail"] and "10" in r.json()["detail"] and SECRET not in r.text
    r = httpx.post(srv.url + "/echo", content=b'{"secret": "' + SECRET.encode() + b'", "n": "x', headers=good)
    assert r.status_code == 400 and SECRET not in r.text
    r = httpx.get(srv.url + "/nothing")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


@pytest.mark.parametrize("length", [b"-1", b"abc", b"1e3", b"+5", b"99999999999999999999999"])
def test_malformed_content_length_refused_before_reading(served, length):
    srv, token, _ = served
    resp = _raw(srv.url, b"POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length + b"\r\n\r\n", wait=3)
    assert resp.startswith(b"HTTP/1.1 4"), resp[:80]


def test_oversized_bodies_refused_while_streaming(served):
    srv, token, _ = served
    r = httpx.post(srv.url + "/echo", content=b"x" * 5000, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 413

    def chunks():
        for _ in range(50):
            yield b"y" * 100
    r = httpx.post(srv.url + "/echo", content=chunks(), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 413 and r.json()["error"] == "body_too_large"


def test_stalled_body_and_stalled_headers_time_out(served):
    srv, token, _ = served
    t0 = time.time()
    head = b"POST /echo HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() + b"\r\nContent-Length: 100\r\n\r\n{"
    resp = _raw(srv.url, head, wait=5, first_only=True)
    assert b" 408 " in resp.split(b"\r\n")[0] and time.time() - t0 < 4
    t0 = time.time()
    assert _raw(srv.url, b"GET /ech", wait=5) == b"" and time.time() - t0 < 4  # closed by the header timeout


def test_origin_guard(served):
    srv, token, _ = served
    h = {"Authorization": f"Bearer {token}"}
    r = httpx.post(srv.url + "/echo", json={"secret": "x", "n": 1}, headers={**h, "Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["error"] == "origin_not_allowed"
    assert httpx.post(srv.url + "/echo", json={"secret": "x", "n": 1}, headers={**h, "Origin": "http://wallet.local"}).status_code == 200


def test_host_guard(tmp_path):
    app = create_app("h", "host guard")
    app.get("/x")(lambda: {"ok": True})
    install_guards(app, max_body=10, allowed_hosts={"127.0.0.1"})
    with ServerThread(app) as srv:
        port = srv.url.rsplit(":", 1)[1]
        assert httpx.get(f"http://127.0.0.1:{port}/x", headers={"Host": "127.0.0.1"}).status_code == 200
        r = httpx.get(f"http://127.0.0.1:{port}/x", headers={"Host": "rebind.evil.example"})
        assert r.status_code == 421 and r.json()["error"] == "host_not_allowed"


def test_concurrency_is_bounded(served):
    srv, _, app = served
    results = []

    def call():
        results.append(httpx.get(srv.url + "/slow", timeout=15).status_code)
    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(1.5)
    app.state.release.set()
    for t in threads:
        t.join()
    assert results.count(200) == 4 and results.count(503) == 4  # 4 slots, the rest refused after 0.5 s
    assert threading.active_count() < 40


def _table():
    md = MetaData()
    return md, Table("t", md, Column("id", Integer, primary_key=True), Column("v", String(20)))


def test_sqlite_wal_and_reads_do_not_wait_for_writers(tmp_path):
    engine = db.make_engine(db.sqlite_url(tmp_path / "x.db"))
    md, t = _table()
    md.create_all(engine)
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with db.write_tx(engine) as w:
        w.execute(insert(t).values(v="a"))
    other = db.make_engine(db.sqlite_url(tmp_path / "x.db"), busy_timeout_ms=200)
    with db.write_tx(engine) as w:  # a writer holds the lock...
        w.execute(insert(t).values(v="b"))
        t0 = time.time()
        with db.read_tx(other) as r:  # ...and a reader still reads the committed snapshot at once
            assert [row.v for row in r.execute(select(t))] == ["a"]
        assert time.time() - t0 < 0.15
        with pytest.raises(Exception, match="locked"):
            with db.write_tx(other) as w2:
                w2.execute(insert(t).values(v="c"))


def test_postgresql_engine(pg_url):
    engine = db.make_engine(pg_url)
    md, t = _table()
    md.create_all(engine)
    with db.write_tx(engine) as w:
        w.execute(insert(t).values(v="pg"))
    with db.read_tx(engine) as r:
        assert r.execute(select(t.c.v)).scalar_one() == "pg"
        with pytest.raises(Exception, match="read-only"):
            r.execute(insert(t).values(v="no"))
    engine.dispose()


PARSERS = ["h11", pytest.param("httptools", marks=pytest.mark.skipif(
    not __import__("importlib.util").util.find_spec("httptools"), reason="httptools (uvicorn[standard]) not installed"))]


@pytest.mark.parametrize("parser", PARSERS)
def test_each_parser_keeps_the_header_deadline_and_refuses_malformed_request_lines(tmp_path, parser):
    """Both HTTP parsers a service may run on: a connection that never finishes its headers is
    closed, and what h11 refuses on its own (HTTP/0.9, absolute-form target, missing or repeated
    Host) is a 400 on httptools too (zkvct.web.serve._StrictRequestLine)."""
    token = auth.load_or_create_token(tmp_path / "svc.token")
    app = make_app(token)
    app.get("/ping")(lambda: {"ok": True})
    with ServerThread(app, ServeSettings(header_timeout=1.0, http=parser)) as srv:
        assert httpx.get(srv.url + "/ping").status_code == 200
        assert httpx.get(srv.url + "/nothing").status_code == 404  # a well-formed request is answered
        t0 = time.time()
        assert _raw(srv.url, b"GET /ech", wait=5) == b"" and time.time() - t0 < 4
        host = b"Host: 127.0.0.1\r\n"
        # an absolute-form target never reaches a route as if it were the path (h11: 404, httptools: 400)
        resp = _raw(srv.url, b"GET http://evil/ping HTTP/1.1\r\n" + host + b"\r\n", wait=3)
        assert resp[9:10] == b"4", resp[:60]
        for bad in (b"GET /nothing\r\n" + host + b"\r\n",
                    b"GET /nothing HTTP/1.1\r\n\r\n",
                    b"GET /nothing HTTP/1.1\r\n" + host + host + b"\r\n"):
            resp = _raw(srv.url, bad, wait=3)
            assert resp.startswith(b"HTTP/1.1 400") or resp.startswith(b"HTTP/1.0 400"), (bad, resp[:60])
