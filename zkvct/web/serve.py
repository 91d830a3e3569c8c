"""Run a service's ASGI app on uvicorn: bound to 127.0.0.1 by default, with timeouts.

uvicorn gives the keep-alive timeout, a header-size limit and a cap on open connections
(``limit_concurrency``, beyond which it answers 503). It has no deadline for a client that
connects and never finishes its request line and headers, so :func:`_guarded_h11` adds one
(``header_timeout``): a connection that has not produced a complete request by then is closed.
Body timeouts and the body size limit live in :mod:`.limits`.

:class:`ServerThread` runs the same server in a background thread for embedding and tests
(port 0 picks a free port).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 0
    max_connections: int = 256  # uvicorn limit_concurrency: open connections + tasks
    keep_alive_timeout: int = 5
    header_timeout: float = 10.0
    graceful_shutdown: int = 5
    access_log: bool = False  # method, path and status only when on; never bodies


def _guarded_h11(header_timeout: float) -> type[H11Protocol]:
    class GuardedH11(H11Protocol):
        """h11 protocol that closes a connection whose request headers do not arrive in time."""

        def connection_made(self, transport: Any) -> None:  # noqa: ANN401
            super().connection_made(transport)
            self._header_timer = self.loop.call_later(header_timeout, self._header_deadline)

        def _header_deadline(self) -> None:
            if self.cycle is None and not self.transport.is_closing():
                self.transport.close()

        def connection_lost(self, exc: Exception | None) -> None:
            self._header_timer.cancel()
            super().connection_lost(exc)

    return GuardedH11


def make_config(app: Any, s: ServeSettings) -> uvicorn.Config:
    return uvicorn.Config(app, host=s.host, port=s.port, http=_guarded_h11(s.header_timeout), lifespan="on",
                          limit_concurrency=s.max_connections, timeout_keep_alive=s.keep_alive_timeout,
                          timeout_graceful_shutdown=s.graceful_shutdown, access_log=s.access_log,
                          log_level="warning", proxy_headers=False, server_header=False)


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, ready: Callable[[tuple[str, int]], None] | None):
        super().__init__(config)
        self._ready = ready

    async def startup(self, sockets: Any = None) -> None:  # noqa: ANN401
        await super().startup(sockets)
        if self._ready and self.started:
            self._ready(self.bound_address())

    def bound_address(self) -> tuple[str, int]:
        sock = self.servers[0].sockets[0]
        host, port = sock.getsockname()[:2]
        return host, port


def run(app: Any, settings: ServeSettings, ready: Callable[[tuple[str, int]], None] | None = None) -> None:
    """Serve in the foreground until SIGINT/SIGTERM; ``ready(address)`` once listening."""
    _Server(make_config(app, settings), ready).run()


class ServerThread:
    """The app served from a background thread; ``url`` once started, ``stop()`` to end it."""

    def __init__(self, app: Any, settings: ServeSettings | None = None):
        self.settings = settings or ServeSettings()
        self.server = _Server(make_config(app, self.settings), None)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = ""

    def start(self, timeout: float = 30.0) -> "ServerThread":
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.01)
        host, port = self.server.bound_address()
        self.url = f"http://{host}:{port}"
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)

    def __enter__(self) -> "ServerThread":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["ServeSettings", "ServerThread", "run", "make_config"]
