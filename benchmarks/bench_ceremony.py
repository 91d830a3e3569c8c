"""Ceremony benchmarks, zkvct next to snarkjs 0.7.6 on the SAME input files, in one run.

    .venv/bin/python -m pytest benchmarks/bench_ceremony.py --benchmark-only -s

Four operations (issue 4 targets on a 2-core machine):

* phase-1 contribute at power 16            (target <= 30 s and >= 10x faster than snarkjs)
* prepare phase 2 at power 14               (target <= 60 s)
* verify a power-16 transcript              (target <= 30 s)
* phase-2 contribute, 2^16-constraint circuit (target <= 10 s)

Each zkvct run is timed by pytest-benchmark (one round: the operations take seconds to minutes);
the snarkjs CLI is run on the same input right after and its wall time is stored in the
benchmark's ``extra_info`` (``snarkjs_s`` and ``speedup``) and printed. snarkjs's CLI start-up
(about 0.5 s) is included in its time; it is negligible at these sizes.

Sizes can be reduced for a quick look: ``ZKVCT_BENCH_P1_POWER`` (16), ``ZKVCT_BENCH_PREP_POWER``
(14), ``ZKVCT_BENCH_P2_POWER`` (16); ``ZKVCT_BENCH_SNARKJS=0`` skips the snarkjs runs (they take
tens of minutes at full size: prepare phase 2 dominates). Inputs are cached under
``benchmarks/.cache/ceremony``. Not part of the test suite (``testpaths = tests``).
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from ceremony import phase1, phase1_verify, phase2  # noqa: E402

CACHE = HERE / ".cache" / "ceremony"
P1 = int(os.environ.get("ZKVCT_BENCH_P1_POWER", "16"))
PREP = int(os.environ.get("ZKVCT_BENCH_PREP_POWER", "14"))
P2 = int(os.environ.get("ZKVCT_BENCH_P2_POWER", "16"))
WITH_SNARKJS = os.environ.get("ZKVCT_BENCH_SNARKJS", "1") != "0"


def _snarkjs(*args: str) -> float:
    import peers

    t0 = time.perf_counter()
    peers.snarkjs(*args, timeout=7200)
    return time.perf_counter() - t0


def _contributed(power: int) -> Path:
    """A power-``power`` ptau with one zkvct contribution (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"contributed{power}.ptau"
    if not out.exists():
        phase1.new(power, CACHE / f"new{power}.ptau")
        phase1.contribute(CACHE / f"new{power}.ptau", out, name="bench input")
    return out


def _record(benchmark, label: str, snarkjs_s: float | None) -> None:
    ours = benchmark.stats.stats.mean
    benchmark.extra_info["zkvct_s"] = round(ours, 2)
    if snarkjs_s is not None:
        benchmark.extra_info["snarkjs_s"] = round(snarkjs_s, 2)
        benchmark.extra_info["speedup"] = round(snarkjs_s / ours, 1)
        print(f"\n{label}: zkvct {ours:.2f} s, snarkjs {snarkjs_s:.2f} s, speedup {snarkjs_s / ours:.1f}x")
    else:
        print(f"\n{label}: zkvct {ours:.2f} s")


def test_phase1_contribute(benchmark, tmp_path) -> None:
    src = _contributed(P1)
    benchmark.pedantic(phase1.contribute, args=(src, tmp_path / "z.ptau"), kwargs={"name": "bench"}, rounds=1, iterations=1)
    js = _snarkjs("powersoftau", "contribute", str(src), str(tmp_path / "s.ptau"), "--name=bench", "-e=bench entropy") if WITH_SNARKJS else None
    _record(benchmark, f"phase-1 contribute, power {P1}", js)


def test_phase1_verify(benchmark) -> None:
    src = _contributed(P1)
    benchmark.pedantic(phase1_verify.verify, args=(src,), rounds=1, iterations=1)
    js = _snarkjs("powersoftau", "verify", str(src)) if WITH_SNARKJS else None
    _record(benchmark, f"phase-1 verify, power {P1}", js)


def test_prepare_phase2(benchmark, tmp_path) -> None:
    src = _contributed(PREP)
    benchmark.pedantic(phase1.prepare_phase2, args=(src, tmp_path / "z.ptau"), rounds=1, iterations=1)
    js = _snarkjs("powersoftau", "prepare", "phase2", str(src), str(tmp_path / "s.ptau")) if WITH_SNARKJS else None
    _record(benchmark, f"prepare phase 2, power {PREP}", js)
    if WITH_SNARKJS:  # same input, deterministic output: the two files must be identical
        assert (tmp_path / "z.ptau").read_bytes() == (tmp_path / "s.ptau").read_bytes()


def test_phase2_contribute(benchmark, tmp_path) -> None:
    from fixtures_groth16 import key_and_witness  # the Groth16 benchmarks' 2^k chain circuit keys

    zkey, _ = key_and_witness(P2)
    benchmark.pedantic(phase2.contribute, args=(zkey, tmp_path / "z.zkey"), kwargs={"name": "bench"}, rounds=1, iterations=1)
    js = _snarkjs("zkey", "contribute", str(zkey), str(tmp_path / "s.zkey"), "--name=bench", "-e=bench entropy") if WITH_SNARKJS else None
    _record(benchmark, f"phase-2 contribute, 2^{P2} constraints", js)
