"""A small progress display for long CLI steps, always on stderr (stdout stays for results).

On a terminal a spinner shows the current step and its elapsed time; otherwise (pipes, CI logs)
each step prints one line when it starts. ``--quiet`` style silence is the caller's choice
(``Progress(enabled=False)``).
"""
from __future__ import annotations

import itertools
import sys
import threading
import time
from typing import Callable

import click


class Progress:
    """Call with a step name to start that step; use as a context manager around the work."""

    def __init__(self, label: str, enabled: bool = True):
        self.label = label
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()
        self.step = ""
        self.t0 = self.t_step = time.perf_counter()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __call__(self, step: str) -> None:
        self.step, self.t_step = step, time.perf_counter()
        if self.enabled and not self.tty:
            click.echo(f"[{self.label}] {step} ...", err=True)

    def _spin(self) -> None:
        for ch in itertools.cycle("|/-\\"):
            if self._stop.wait(0.12):
                break
            el = time.perf_counter() - self.t_step
            sys.stderr.write(f"\r[{self.label}] {ch} {self.step} ({el:.1f} s)\033[K")
            sys.stderr.flush()

    def __enter__(self) -> "Progress":
        if self.tty:
            self._thread = threading.Thread(target=self._spin, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            sys.stderr.write("\r\033[K")
        if self.enabled and exc_type is None:
            click.echo(f"[{self.label}] done in {time.perf_counter() - self.t0:.2f} s", err=True)


def step_progress(label: str, enabled: bool) -> tuple[Progress, Callable[[str, int, int], None]]:
    """A stderr progress display and the ``(step, done, total)`` callback that long library calls
    (the ceremony's contribute/verify) report to: a new line per step, a percentage within it."""
    prog = Progress(label, enabled=enabled)
    last = {"step": None}

    def cb(step: str, done: int, total: int) -> None:
        pct = f"{100 * done // max(total, 1):3d}%"
        if step != last["step"]:
            last["step"] = step
            prog(f"{step} {pct}")
        else:
            prog.step = f"{step} {pct}"

    return prog, cb
