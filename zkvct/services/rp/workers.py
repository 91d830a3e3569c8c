"""``zkvct rp serve --workers N``: N relying-party processes answering on one port.

One process runs Python on one core at a time (the GIL): HTTP parsing, request models and the
protocol checks of its batches. On a machine with more cores, N worker processes share one
listening socket (the kernel hands each new connection to one of them) and one database: every
decision is in the database (conditional updates, primary keys, leases), exactly as for replicas
on several machines, so any worker may take any response. SQLite is correct for workers on one
machine (writers take its lock in turn, WAL lets readers go on). SQLite alone would make a writer
that finds the lock taken sleep in its busy handler (1 to 100 ms between tries), which made two
workers slower than one; the writer gate of :mod:`zkvct.web.db` (``flock``) wakes the next writer
at once, and two workers on one SQLite file now beat one on the 2-core machine
(benchmarks/RESULTS.md, session 5). PostgreSQL's advisory lock does the same across machines.

The parent binds the socket, then forks the workers before it has started any thread or touched
the native core, so each child starts clean and builds its own app (engine, chain clients,
batcher) with ``build_app``; one webhook delivery process serves all of them (``helper``, see
:mod:`.deliver_process`). The parent only supervises: it forwards SIGINT and
SIGTERM, and restarts a worker that dies (after a pause; its in-flight work is settled by the
database's leases and the crash recovery).
"""
from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import time
from typing import Any, Callable

import uvicorn

from zkvct.web.serve import ServeSettings, make_config

log = logging.getLogger("zkvct.rp.workers")

RESTART_PAUSE_SECS = 1.0
PR_SET_PDEATHSIG = 1


def listening_socket(host: str, port: int, backlog: int = 2048) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    sock.set_inheritable(True)
    return sock


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel sends this worker SIGKILL when the supervisor dies, even by SIGKILL, so
    no orphaned worker keeps the port or the database after its supervisor is gone."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the supervisor died before prctl took effect
        os._exit(1)


def _child(build_app: Callable[[], Any], settings: ServeSettings, sock: socket.socket, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent)
    code = 0
    try:
        uvicorn.Server(make_config(build_app(), settings)).run(sockets=[sock])
    except BaseException as e:  # noqa: BLE001  (say why, never a traceback with secrets)
        log.error("worker %d stopped: %s", os.getpid(), type(e).__name__)
        code = 1
    os._exit(code)


def _fork(build_app: Callable[[], Any], settings: ServeSettings, sock: socket.socket) -> int:
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        _child(build_app, settings, sock, parent)
    return pid


def serve_workers(build_app: Callable[[], Any], settings: ServeSettings, workers: int,
                  helper: Callable[[], Any] | None = None) -> int:
    """Serve ``build_app()`` from ``workers`` forked processes on one socket until SIGINT/SIGTERM.
    ``helper`` starts one more supervised process (the webhook delivery process) and returns its
    Popen; it is restarted like a worker and stopped with them."""
    if workers < 1:
        raise ValueError("workers must be at least 1")
    sock = listening_socket(settings.host, settings.port)
    stopping = False
    children: set[int] = set()
    helpers: dict[int, Any] = {}  # pid -> its Popen (kept so it is not collected while running)

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children) + list(helpers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    for _ in range(workers):
        children.add(_fork(build_app, settings, sock))
    if helper is not None:
        proc = helper()
        helpers[proc.pid] = proc
    while children or helpers:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if pid in helpers:
            del helpers[pid]
            if not stopping:
                log.warning("helper process %d exited (status %d); starting another", pid, status)
                time.sleep(RESTART_PAUSE_SECS)
                if not stopping:
                    proc = helper()
                    helpers[proc.pid] = proc
            continue
        if pid not in children:
            continue
        children.discard(pid)
        if not stopping:
            log.warning("worker %d exited (status %d); starting another", pid, status)
            time.sleep(RESTART_PAUSE_SECS)
            if not stopping:
                children.add(_fork(build_app, settings, sock))
    sock.close()
    return 0
