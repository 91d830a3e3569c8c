"""Webhook delivery in its own OS process (``zkvct rp deliver``), woken by the accepting processes.

Why a process of its own: in one process the delivery thread (httpx POSTs, signing, the outbox's
SQL) shares the GIL with the event loop and the response batcher; under load the batcher got about
a third of it (benchmarks/RESULTS.md, "Relying party over HTTP, session 5"). In its own process
the delivery work runs on the other core instead of queueing behind the batcher's.

Nothing changes about what is durable: the outbox rows (:mod:`.delivery`) stay the one source of
truth, written in the transaction that accepts a response. The wake-up is only a hint, so it may
be lost without losing a delivery: the accepting process writes one byte to a local socket
(:class:`WakePipe`, non-blocking; a full buffer means the reader is already due to wake), and the
delivery loop (:func:`deliver_forever`) runs a pass when it is readable and otherwise every
``every`` seconds (retries that came due, rows another replica or a dead process left).

:class:`DeliverySupervisor` is what ``zkvct rp serve`` uses: it starts the delivery command with the
wake socket's reading end, restarts it when it exits (after a pause), and stops it with the service. A row a
killed delivery process held comes back when its lease runs out, with the same delivery id.
"""
from __future__ import annotations

import ctypes
import logging
import os
import select
import signal
import socket
import subprocess
import threading
import time
from typing import Callable, Sequence

from .delivery import Deliverer

log = logging.getLogger("zkvct.rp.deliver")

RESTART_PAUSE_SECS = 1.0
PR_SET_PDEATHSIG = 1


class WakePipe:
    """A local stream socket pair: the accepting processes share the writing end (inherited over
    ``fork``, or pickled into a ``spawn``-ed process by :mod:`multiprocessing`) and the delivery
    process gets the reading end (``pass_fds``). A pipe would do the same, but a socket can also
    be handed to a spawned process, which the benchmark's worker processes are."""

    def __init__(self) -> None:
        self.reader, self.writer = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.reader.set_inheritable(True)

    @property
    def read_fd(self) -> int:
        return self.reader.fileno()

    def wake(self) -> None:
        send_wake(self.writer)

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


def send_wake(writer: socket.socket) -> None:
    """One byte on the wake socket, never blocking: when its buffer is full the reader has
    wake-ups waiting; when the reader is gone, the next delivery process polls the outbox."""
    try:
        writer.send(b"!", socket.MSG_DONTWAIT | socket.MSG_NOSIGNAL)
    except (BlockingIOError, BrokenPipeError, ConnectionResetError):
        pass


def die_with_parent(parent: int, sig: int = signal.SIGTERM) -> None:
    """Linux: have the kernel signal this process when the process that started it dies (even by
    SIGKILL), so no delivery process outlives its ``serve``."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # it died before prctl took effect
        os._exit(1)


class StopFlag:
    """"Stop" as a plain attribute, set from a signal handler. A handler must take no lock: Python
    runs it between two bytecodes of the main thread, so a ``threading.Event.set`` in it, hit by a
    second SIGTERM (the kernel's parent-death signal, then the service's group stop) while the
    first one holds the event's lock, waits for itself for ever (seen: a delivery process that
    outlived its serve, stuck in ``Condition.__enter__`` under six nested handlers)."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float) -> bool:
        # in slices: a sleep interrupted by a signal resumes after the handler (PEP 475), so one
        # long sleep would hold a stop for up to `--every` (60 s at most) seconds
        deadline = time.monotonic() + timeout
        while not self._set and (left := deadline - time.monotonic()) > 0:
            time.sleep(min(left, 0.05))
        return self._set


def deliver_forever(deliverer: Deliverer, every: float, stop: threading.Event | StopFlag,
                    wake_fd: int | None = None) -> None:
    """Drain the outbox until ``stop`` is set: a pass whenever ``wake_fd`` is readable, at least one
    every ``every`` seconds, and passes back to back while there is work. When the writing
    end is gone (every accepting process exited) the loop stops: its ``serve`` is gone."""
    while not stop.is_set():
        try:
            busy = deliverer.run_once()
        except Exception as e:  # a database hiccup must not kill the loop; the rows stay pending
            log.warning("delivery pass failed: %s", type(e).__name__)
            busy = 0
        if busy:
            continue
        if wake_fd is None:
            stop.wait(every)
            continue
        try:
            ready, _, _ = select.select([wake_fd], [], [], every)
        except InterruptedError:
            continue
        if ready:
            if not os.read(wake_fd, 4096):
                log.info("the accepting processes are gone; delivery stops")
                return


class DeliverySupervisor:
    """Runs ``argv`` (the delivery command) with the wake socket's reading end as its ``--wake-fd`` and
    keeps it running: a thread waits for it and starts another after a pause if it exits."""

    def __init__(self, argv: Callable[[int], Sequence[str]], pipe: WakePipe, *, env: dict[str, str] | None = None,
                 pause: float = RESTART_PAUSE_SECS):
        self.argv, self.pipe, self.env, self.pause = argv, pipe, env, pause
        self.proc: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rp-delivery-supervisor", daemon=True)

    def spawn(self) -> subprocess.Popen:
        self.proc = subprocess.Popen(list(self.argv(self.pipe.read_fd)), pass_fds=(self.pipe.read_fd,),
                                     env=self.env, stdin=subprocess.DEVNULL)
        return self.proc

    def _run(self) -> None:
        # spawned from this thread: the child's PDEATHSIG follows this thread, which lives as
        # long as the service
        while not self._stop.is_set():
            proc = self.spawn()
            if self._stop.is_set():  # stop() ran while this one started
                proc.terminate()
            code = proc.wait()
            if self._stop.is_set():
                return
            log.warning("delivery process %d exited (status %d); starting another", proc.pid, code)
            self._stop.wait(self.pause)

    def start(self) -> None:
        self._thread.start()

    def stop(self, grace: float = 10.0) -> None:
        self._stop.set()
        proc = self.proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        self._thread.join(grace)
