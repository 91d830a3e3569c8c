"""Real services as separate processes, for the demo pipeline and the end-to-end tests.

:class:`Services` starts each service from its own CLI command (``zkvct rp serve`` ...), on a
free 127.0.0.1 port it picks, with the service's output in ``logs/<name>.log``; it waits until
the service answers its health URL, and stops every process (SIGTERM, then SIGKILL) when the
``with`` block ends. Children also get SIGTERM if this process dies (Linux PDEATHSIG), so a
killed demo leaves nothing running.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import httpx

from ..chain.localnet import _set_pdeathsig, free_port
from ..errors import ZkvctError


class ServiceError(ZkvctError):
    """A service did not start, or died."""


def zkvct_command(*args: str) -> list[str]:
    """The zkvct CLI run by this interpreter (works from a venv without PATH set up)."""
    return [sys.executable, "-m", "zkvct", *args]


@dataclass
class Service:
    name: str
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, chars: int = 2000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


class Services:
    def __init__(self, log_dir: Path, env: dict[str, str] | None = None):
        self.log_dir = log_dir
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.running: dict[str, Service] = {}

    def start(self, name: str, argv: Sequence[str], *, port: int | None = None, health: str | None = "/healthz",
              timeout: float = 60.0, env: dict[str, str] | None = None, restarts: int = 1) -> Service:
        """Start ``argv`` (``{port}`` in it is replaced by the port) and wait for ``health``.

        A service that dies before it answers is started again ``restarts`` times, as a process
        supervisor would: every service here keeps its state in its database, so a restart loses
        nothing; the log keeps both runs."""
        try:
            return self._start(name, argv, port=port, health=health, timeout=timeout, env=env)
        except ServiceError:
            if restarts <= 0 or name not in self.running or self.running[name].proc.poll() is None:
                raise
            self.running.pop(name)
            return self.start(name, argv, port=port, health=health, timeout=timeout, env=env, restarts=restarts - 1)

    def start_many(self, specs: dict[str, tuple[Sequence[str], dict[str, Any]]]) -> dict[str, Service]:
        """Start several services at once (``name: (argv, start() keywords)``), then wait for each:
        their start-ups overlap instead of adding up. One that dies before it answers is started
        again as :meth:`start` does."""
        for name, (argv, kw) in specs.items():
            self._start(name, argv, **{"port": None, "timeout": 60.0, "env": None, **kw, "health": None})
        for name, (argv, kw) in specs.items():
            svc, health = self.running[name], kw.get("health", "/healthz")
            if health is None:
                continue
            try:
                self.wait_healthy(svc, health, kw.get("timeout", 60.0))
            except ServiceError:
                if svc.proc.poll() is None or kw.get("restarts", 1) <= 0:
                    raise
                self.running.pop(name)
                # a port this call picked is picked again: the likeliest death before the first answer is
                # another process taking the port between the pick and the bind
                self.start(name, argv, **{**kw, "port": kw.get("port"), "restarts": kw.get("restarts", 1) - 1})
        return {name: self.running[name] for name in specs}

    def _start(self, name: str, argv: Sequence[str], *, port: int | None, health: str | None, timeout: float,
               env: dict[str, str] | None) -> Service:
        port = port or free_port()
        args = [a.replace("{port}", str(port)) for a in argv]
        log = self.log_dir / f"{name}.log"
        fh = open(log, "ab")
        proc = subprocess.Popen(args, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**self.env, **(env or {})}, preexec_fn=_set_pdeathsig, start_new_session=True)
        fh.close()
        svc = Service(name, proc, port, log)
        self.running[name] = svc
        if health is not None:
            self.wait_healthy(svc, health, timeout)
        return svc

    def wait_healthy(self, svc: Service, path: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if svc.proc.poll() is not None:
                raise ServiceError(f"{svc.name} exited with code {svc.proc.returncode}:\n{svc.log_tail()}")
            try:
                if httpx.get(svc.url + path, timeout=2.0).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ServiceError(f"{svc.name} did not answer {path} within {timeout:g} s:\n{svc.log_tail()}")
            time.sleep(0.05)  # a refused connection costs nothing: poll often, answer fast

    def stop(self, name: str, sig: int = signal.SIGTERM, grace: float = 10.0) -> None:
        svc = self.running.pop(name, None)
        if svc is None:
            return
        for s, wait in ((sig, grace), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(svc.proc.pid, s)
            except ProcessLookupError:
                break
            try:
                svc.proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def kill(self, name: str) -> None:
        """SIGKILL, no grace: what a crash looks like."""
        self.stop(name, signal.SIGKILL, 5.0)

    def stop_all(self) -> None:
        for name in list(self.running)[::-1]:
            self.stop(name)

    def __enter__(self) -> "Services":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_all()
