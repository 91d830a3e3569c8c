"""Small prepared .ptau files made by the real snarkjs, cached once per test session.

snarkjs's powers of tau is slow (``prepare phase2`` dominates), so tests use small powers and
share each file: ``prepared_ptau(power, workdir)`` runs ``powersoftau new``, one ``contribute``
(random entropy: a genuine if small ceremony) and ``prepare phase2`` the first time it is asked
for a power and returns the cached path afterwards. The unprepared file is kept next to it for
tests of the "not prepared" error.
"""
from __future__ import annotations

import threading
from pathlib import Path

import peers

_lock = threading.Lock()


def prepared_ptau(power: int, workdir: Path) -> Path:
    out = workdir / f"pot{power}_final.ptau"
    with _lock:
        if out.exists():
            return out
        p0, p1 = workdir / f"pot{power}_0.ptau", workdir / f"pot{power}_1.ptau"
        peers.snarkjs("powersoftau", "new", "bn128", str(power), str(p0))
        peers.snarkjs("powersoftau", "contribute", str(p0), str(p1), "--name=zkvct tests", "-e=zkvct test entropy " + str(power))
        tmp = out.with_suffix(".tmp")
        peers.snarkjs("powersoftau", "prepare", "phase2", str(p1), str(tmp))
        tmp.rename(out)
        return out


def unprepared_ptau(power: int, workdir: Path) -> Path:
    prepared_ptau(power, workdir)
    return workdir / f"pot{power}_1.ptau"
