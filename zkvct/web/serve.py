"""Run a service's ASGI app on uvicorn: bound to 127.0.0.1 by default, with timeouts.

uvicorn gives the keep-alive timeout, a header-size limit and a cap on open connections
(``limit_concurrency``, beyond which it answers 503). It has no deadline for a client that
connects and never finishes its request line and headers, so :func:`guarded_protocol` adds one
(``header_timeout``): a connection that has not produced a complete request by then is closed.
Body timeouts and the body size limit live in :mod:`.limits`.

The HTTP parser and the event loop are chosen by ``ServeSettings.http`` / ``.loop``. The loop's
default ``"auto"`` takes uvloop when it is installed (uvicorn's ``[standard]`` extras), else
asyncio. The parser's default is h11, the strict one; ``"httptools"`` (llhttp, in C; ``"auto"``:
httptools when installed) parses a request in a fraction of h11's pure-Python time
(benchmarks/RESULTS.md, "Relying party over HTTP, session 5") and gets the same header deadline
plus :class:`_StrictRequestLine`, which refuses what h11 refuses and llhttp accepts (HTTP/0.9,
absolute-form targets, a missing or repeated Host). One leniency is left: llhttp reads
``GET  /path HTTP/1.1`` (two spaces) as ``GET /path``, where h11 answers 400; the bad-input corpus
(tests/http) names it, which is why h11 stays the default.

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
    http: HttpParser = "h11"  # "httptools": faster, see the module docstring; "auto": httptools when installed
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


class _StrictRequestLine:
    """Mixed into uvicorn's httptools protocol: refuse (400, connection closed) what h11 refuses
    and llhttp lets through: an HTTP version other than 1.0/1.1 (a bare ``GET /path`` is read as
    HTTP/0.9), a target that is not origin-form (``GET http://evil/...``; ``*`` only for
    OPTIONS), and a Host header missing (HTTP/1.1) or repeated. Raising from a parser callback
    makes httptools raise its parser error, on which uvicorn answers 400 and closes."""

    def on_headers_complete(self) -> None:
        version = self.parser.get_http_version()  # type: ignore[attr-defined]
        url: bytes = self.url  # type: ignore[attr-defined]
        hosts = sum(1 for name, _ in self.headers if name == b"host")  # type: ignore[attr-defined]
        origin_form = url.startswith(b"/") or (url == b"*" and self.parser.get_method() == b"OPTIONS")  # type: ignore[attr-defined]
        if version not in ("1.0", "1.1") or not origin_form or hosts > 1 or (version == "1.1" and hosts != 1):
            raise ValueError("malformed request line or Host header")
        super().on_headers_complete()  # type: ignore[misc]


def guarded_protocol(parser: Literal["h11", "httptools"], header_timeout: float) -> type:
    """uvicorn's protocol class for ``parser`` with the header deadline (and, for httptools, the
    request-line and Host checks h11 makes itself)."""
    if parser == "httptools":
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        bases: tuple[type, ...] = (_HeaderDeadline, _StrictRequestLine, HttpToolsProtocol)
    else:
        bases = (_HeaderDeadline, H11Protocol)
    return type(f"Guarded{bases[-1].__name__}", bases, {"header_timeout": header_timeout})


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
