"""``zkvct rp deliver``, the webhook delivery process that ``zkvct rp serve`` runs beside itself:
killed with SIGKILL while deliveries are in flight, then started again on the same home, it
delivers every result of the outbox once, each with the delivery id it was enqueued under.

Real processes and files: ``zkvct rp init`` makes the home, the outbox rows are written into its
SQLite database in the transaction shape the response endpoint uses (:func:`delivery.enqueue`), the
delivery process is the CLI command, and the webhook endpoint checks every signature. The serve
side (accepting responses, waking this process, restarting it) is in test_rp_deliver_supervised.py.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest

from rp_scripted_endpoint import Script, serve
from zkvct.demo.procs import Services, zkvct_command
from zkvct.services.rp import delivery
from zkvct.services.rp.schema import create_all, deliveries
from zkvct.web.db import make_engine, read_tx, sqlite_url, write_tx

import sqlalchemy as sa

PASSPHRASE = "deliver-test-passphrase-0123"
N = 12
SLOW_SECS = 0.3
LEASE_SECS = 2


def _init_home(tmp_path, svc):
    home = tmp_path / "rp"
    init = subprocess.run(zkvct_command("rp", "init", "--home", str(home), "--public-url", "http://127.0.0.1:9",
                                        "--json"), env=svc.env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    return home


def test_killed_delivery_process_delivers_everything_once_back(tmp_path):
    with Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        home = _init_home(tmp_path, svc)
        secret = (home / "webhook.secret").read_bytes().strip()
        engine = make_engine(sqlite_url(home / "rp.db"))
        create_all(engine)
        script = Script(secret, [("sleep", SLOW_SECS)] * 10_000)
        argv = zkvct_command("rp", "deliver", "--home", str(home), "--lease-secs", str(LEASE_SECS), "--json")
        with serve(script) as hook_url:
            with write_tx(engine) as conn:
                expected = {delivery.enqueue(conn, request_id=f"req_{i}", url=hook_url,
                                             payload={"zkvct": {"request_id": f"req_{i}"}, "n": i})
                            for i in range(N)}
            svc.start("deliver", argv, health=None)
            deadline = time.time() + 30
            while len(script.calls) < 2 and time.time() < deadline:
                time.sleep(0.02)
            assert len(script.calls) >= 2, svc.running["deliver"].log_tail()
            svc.kill("deliver")  # a POST is in flight: its row stays leased by the dead process
            cut_at = len(script.accepted)
            assert cut_at < N, "everything was delivered before the kill: the test proves nothing"
            with read_tx(engine) as conn:
                pending = conn.execute(sa.select(sa.func.count()).select_from(deliveries)
                                       .where(deliveries.c.status == "pending")).scalar()
            assert pending >= N - cut_at - 1
            svc.start("deliver", argv, health=None)
            deadline = time.time() + 60
            while not expected <= {d.delivery_id for d in script.accepted} and time.time() < deadline:
                time.sleep(0.1)
            log_tail = svc.running["deliver"].log_tail()
            svc.stop("deliver")
    got = [d.delivery_id for d in script.accepted]
    assert set(got) == expected, log_tail
    assert len(got) == len(set(got))  # the receiver took each once (a repeat after the kill is a replay)
    for d in script.accepted:
        assert d.delivery_id in expected and json.loads(d.body)["zkvct"]["request_id"].startswith("req_")
    with read_tx(engine) as conn:
        statuses = set(conn.execute(sa.select(deliveries.c.status)).scalars())
    assert statuses == {"delivered"}


def test_delivery_process_wakes_on_the_pipe_and_stops_when_serve_is_gone(tmp_path):
    """The wake-up: with a 30 s poll, a byte on the pipe starts the pass at once; closing the
    write end (the serving processes are gone) ends the process."""
    with Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        home = _init_home(tmp_path, svc)
        secret = (home / "webhook.secret").read_bytes().strip()
        engine = make_engine(sqlite_url(home / "rp.db"))
        create_all(engine)
        script = Script(secret, [])
        read_fd, write_fd = os.pipe()
        with serve(script) as hook_url:
            proc = subprocess.Popen(zkvct_command("rp", "deliver", "--home", str(home), "--every", "30",
                                                  "--wake-fd", str(read_fd), "--json"),
                                    pass_fds=(read_fd,), env=svc.env, stdout=subprocess.PIPE, text=True)
            os.close(read_fd)
            try:
                time.sleep(3.0)  # started, first pass done, now waiting on the pipe (or the 30 s poll)
                with write_tx(engine) as conn:
                    did = delivery.enqueue(conn, request_id="req_w", url=hook_url, payload={"zkvct": {"request_id": "req_w"}})
                t0 = time.time()
                os.write(write_fd, b"!")
                while not script.accepted and time.time() - t0 < 10:
                    time.sleep(0.01)
                waited = time.time() - t0
                assert [d.delivery_id for d in script.accepted] == [did]
                assert waited < 5, f"the wake-up did not start a pass ({waited:.1f} s)"
                os.close(write_fd)
                out, _ = proc.communicate(timeout=15)
            finally:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.wait()
    assert proc.returncode == 0
    assert json.loads(out)["stopped"] is True


@pytest.mark.parametrize("wake", [False, True], ids=["polling", "wake-fd"])
def test_a_burst_of_stop_signals_stops_the_delivery_process(tmp_path, wake):
    """SIGTERM twice or more is the normal case: the kernel's parent-death signal when serve dies,
    then the service's group stop. A handler that takes a lock (``threading.Event.set``) deadlocks
    when the next signal lands while it holds it, and the process outlives its serve for ever; a
    burst of signals must stop it like one does."""
    with Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        home = _init_home(tmp_path, svc)
        argv = zkvct_command("rp", "deliver", "--home", str(home), "--every", "0.01", "--json")
        pass_fds: tuple[int, ...] = ()
        write_fd = None
        if wake:
            read_fd, write_fd = os.pipe()
            argv += ["--wake-fd", str(read_fd)]
            pass_fds = (read_fd,)
        proc = subprocess.Popen(argv, pass_fds=pass_fds, env=svc.env, stdout=subprocess.PIPE, text=True)
        if wake:
            os.close(read_fd)
        try:
            time.sleep(3.0)  # started, its handlers installed, polling
            assert proc.poll() is None, "the delivery process did not start"
            t0 = time.time()
            try:
                while time.time() - t0 < 1.0:  # as fast as os.kill goes: signals land inside handlers
                    for _ in range(100):
                        os.kill(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass  # gone (a zombie still takes signals, so this is rare)
            try:
                out, _ = proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                pytest.fail("a burst of SIGTERM left the delivery process running (a handler deadlocked?)")
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
            if write_fd is not None:
                os.close(write_fd)
    # it stopped: through its handler (status 0, its last line says so), or by a signal that came
    # after the interpreter had put the default action back on its way out
    assert proc.returncode in (0, -signal.SIGTERM), proc.returncode
    if proc.returncode == 0:
        assert json.loads(out)["stopped"] is True


def test_one_stop_signal_ends_a_long_poll_at_once(tmp_path):
    """Without a wake fd the process sleeps ``--every`` seconds between passes; a SIGTERM must not
    wait for the sleep to run out (an interrupted sleep resumes after the handler)."""
    with Services(tmp_path / "logs", env={"ZKVCT_RP_PASSPHRASE": PASSPHRASE}) as svc:
        home = _init_home(tmp_path, svc)
        proc = subprocess.Popen(zkvct_command("rp", "deliver", "--home", str(home), "--every", "30", "--json"),
                                env=svc.env, stdout=subprocess.PIPE, text=True)
        try:
            time.sleep(3.0)  # started, first pass done, now in its 30 s poll
            assert proc.poll() is None, "the delivery process did not start"
            t0 = time.time()
            proc.send_signal(signal.SIGTERM)
            out, _ = proc.communicate(timeout=20)
            waited = time.time() - t0
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    assert proc.returncode == 0 and json.loads(out)["stopped"] is True
    assert waited < 5, f"the stop waited for the poll ({waited:.1f} s)"
