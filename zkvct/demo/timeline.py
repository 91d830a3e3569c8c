"""The demo's timeline: every subprocess, service start and wait, with when it ran and its CPU.

The pipeline overlaps work (the chain and issuer start beside the ceremony, refusals run side by
side), so step totals alone do not say where the time goes. Each entry here is one thing the
demo did: ``start``/``end`` in seconds from the start of the run, ``seconds`` of wall time, the
``thread`` that waited for it and, for a child process, the CPU seconds it used (user + system,
from ``wait4``), so that a slow run on a loaded machine can be told from slow work.
"""
from __future__ import annotations

import os
import subprocess
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, Iterator, Sequence


@dataclass
class Timeline:
    t0: float = field(default_factory=time.perf_counter)
    entries: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def add(self, kind: str, what: str, start: float, end: float, **extra: Any) -> None:
        entry = {"kind": kind, "what": what, "start": round(start, 3), "end": round(end, 3),
                 "seconds": round(end - start, 3), "thread": threading.current_thread().name, **extra}
        with self.lock:
            self.entries.append(entry)

    @contextmanager
    def span(self, kind: str, what: str, **extra: Any) -> Iterator[dict[str, Any]]:
        """Time the block; keys put in the yielded dict land in the entry."""
        start, more = self.now(), dict(extra)
        try:
            yield more
        finally:
            self.add(kind, what, start, self.now(), **more)

    def sorted(self) -> list[dict[str, Any]]:
        with self.lock:
            return sorted(self.entries, key=lambda e: (e["start"], e["end"]))


def run_measured(argv: Sequence[str], *, env: dict[str, str], timeout: float, stdout: IO[bytes], stderr: IO[bytes],
                 **popen: Any) -> tuple[int, float]:
    """Run ``argv`` to the end; (exit code, CPU seconds it used). Killed after ``timeout`` s.

    ``wait4`` reaps the child and gives its own resource usage, which ``getrusage(RUSAGE_CHILDREN)``
    cannot when several children run at once."""
    proc = subprocess.Popen(list(argv), stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env, **popen)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, round(usage.ru_utime + usage.ru_stime, 3)


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a running process has used so far, from /proc; None if gone."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 3)
