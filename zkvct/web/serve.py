"""Run a service's ASGI app on uvicorn: bound to 127.0.0.1 by default, with timeouts.

uvicorn gives the keep-alive timeout, a header-size limit and a cap on open connections
(``limit_concurrency``, beyond which it answers 503). It has no deadline for a client that
connects and never finishes its request line and headers, so :func:`guarded_protocol` adds one
(``header_timeout``): a connection that has not produced a complete request by then is closed.
Body timeouts and the body size limit live in :mod:`.limits`.

The HTTP parser and the event loop are chosen by ``ServeSettings.http`` / ``.loop``; ``"auto"``
takes httptools and uvloop when they are installed (uvicorn's ``[standard]`` extras) and h11 /
asyncio otherwise. httptools (llhttp, in C) parses a request in a fraction of h11's pure-Python
time, which is most of the HTTP cost of a small POST (benchmarks/RESULTS.md, relying party,
session 5). Both parsers get the same header deadline, so the choice never drops the slowloris
protection.

:class:`ServerThread` runs the same server in a background thread for embedding and tests
(port 0 picks a free port).
"""
from __future__ import annotations

import importlib.util
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Literal

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

HttpParser = Literal["auto", "h11", "httptools"]
EventLoop = Literal["auto", "asyncio", "uvloop"]


@dataclass
class ServeSettings:
    host: str = "127.0.0.1"
    port: int = 0
    max_connections: int = 256  # uvicorn limit_concurrency: open connections + tasks
    keep_alive_timeout: int = 5
    header_timeout: float = 10.0
    graceful_shutdown: int = 5
    access_log: bool = False  # method, path and status only when on; never bodies
    http: HttpParser = "auto"  # auto: httptools when installed, else h11
    loop: EventLoop = "auto"  # auto: uvloop when installed, else asyncio


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def resolve_http(choice: HttpParser) -> Literal["h11", "httptools"]:
    """The parser ``choice`` means here; naming httptools when it is not installed is an error."""
    if choice == "auto":
        return "httptools" if _installed("httptools") else "h11"
    if choice == "httptools" and not _installed("httptools"):
        raise ValueError("http='httptools' needs the httptools package (uvicorn[standard]); use 'h11' or 'auto'")
    if choice not in ("h11", "httptools"):
        raise ValueError(f"unknown HTTP parser {choice!r}; allowed: auto, h11, httptools")
    return choice


def resolve_loop(choice: EventLoop) -> Literal["asyncio", "uvloop"]:
    if choice == "auto":
        return "uvloop" if _installed("uvloop") else "asyncio"
    if choice == "uvloop" and not _installed("uvloop"):
        raise ValueError("loop='uvloop' needs the uvloop package (uvicorn[standard]); use 'asyncio' or 'auto'")
    if choice not in ("asyncio", "uvloop"):
        raise ValueError(f"unknown event loop {choice!r}; allowed: auto, asyncio, uvloop")
    return choice


class _HeaderDeadline:
    """Mixed into a uvicorn HTTP protocol: close a connection whose first request's headers have
    not all arrived ``header_timeout`` seconds after it opened. Both uvicorn protocols set
    ``self.cycle`` once a request's headers are complete, so "no cycle yet" means "still waiting
    for headers"; later requests on a kept-alive connection are bounded by the keep-alive timeout."""

    header_timeout: float = 10.0

    def connection_made(self, transport: Any) -> None:  # noqa: ANN401
        super().connection_made(transport)  # type: ignore[misc]
        self._header_timer = self.loop.call_later(self.header_timeout, self._header_deadline)  # type: ignore[attr-defined]

    def _header_deadline(self) -> None:
        if self.cycle is None and not self.transport.is_closing():  # type: ignore[attr-defined]
            self.transport.close()  # type: ignore[attr-defined]

    def connection_lost(self, exc: Exception | None) -> None:
        self._header_timer.cancel()
        super().connection_lost(exc)  # type: ignore[misc]


def guarded_protocol(parser: Literal["h11", "httptools"], header_timeout: float) -> type:
    """uvicorn's protocol class for ``parser`` with the header deadline."""
    if parser == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as base
    else:
        base = H11Protocol
    return type(f"Guarded{base.__name__}", (_HeaderDeadline, base), {"header_timeout": header_timeout})


def make_config(app: Any, s: ServeSettings) -> uvicorn.Config:
    parser = resolve_http(s.http)
    return uvicorn.Config(app, host=s.host, port=s.port, http=guarded_protocol(parser, s.header_timeout),
                          loop=resolve_loop(s.loop), lifespan="on",
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


__all__ = ["ServeSettings", "ServerThread", "run", "make_config", "guarded_protocol", "resolve_http", "resolve_loop"]
