"""Ceremony benchmarks, zkvct next to snarkjs 0.7.6 on the SAME input files, in one run.

    .venv/bin/python -m pytest benchmarks/bench_ceremony.py --benchmark-only -s

Four operations (issue 4 targets on a 2-core machine):

* phase-1 contribute at power 16            (target <= 30 s and >= 10x faster than snarkjs)
* prepare phase 2 at power 14               (target <= 60 s)
* verify a power-16 transcript              (target <= 30 s)
* phase-2 contribute, 2^16-constraint circuit (target <= 10 s)

Each zkvct run is timed by pytest-benchmark (one round: the operations take seconds to minutes),
and its CPU seconds (all threads) are recorded too, since the shared machine is rarely idle;
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
import resource
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


_CPU: dict[str, float] = {}


def _cpu(who: int) -> float:
    ru = resource.getrusage(who)
    return ru.ru_utime + ru.ru_stime


def _snarkjs(*args: str) -> float:
    """Wall seconds of one snarkjs CLI run (its CPU seconds go to ``_CPU["snarkjs"]``)."""
    import peers

    c0, t0 = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    peers.snarkjs(*args, timeout=7200)
    _CPU["snarkjs"] = _cpu(resource.RUSAGE_CHILDREN) - c0
    return time.perf_counter() - t0


def _measured(fn):
    """Wrap ``fn`` so its CPU seconds (all threads of this process) land in ``_CPU["zkvct"]``."""
    def run(*a, **kw):
        c0 = _cpu(resource.RUSAGE_SELF)
        try:
            return fn(*a, **kw)
        finally:
            _CPU["zkvct"] = _cpu(resource.RUSAGE_SELF) - c0
    return run


def _contributed(power: int) -> Path:
    """A power-``power`` ptau with one zkvct contribution (cached)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"contributed{power}.ptau"
    if not out.exists():
        phase1.new(power, CACHE / f"new{power}.ptau")
        phase1.contribute(CACHE / f"new{power}.ptau", out, name="bench input")
    return out


def _record(benchmark, label: str, snarkjs_s: float | None) -> None:
    from zkvct import native

    ours = benchmark.stats.stats.mean
    benchmark.extra_info["native_simd"] = native.simd_enabled()  # AVX-512 IFMA lanes in use
    benchmark.extra_info["zkvct_s"] = round(ours, 2)
    benchmark.extra_info["zkvct_cpu_s"] = round(_CPU.get("zkvct", 0.0), 2)
    line = f"\n{label} (native SIMD {'on' if native.simd_enabled() else 'off'}): zkvct {ours:.2f} s wall / {_CPU.get('zkvct', 0.0):.2f} s CPU"
    if snarkjs_s is not None:
        benchmark.extra_info["snarkjs_s"] = round(snarkjs_s, 2)
        benchmark.extra_info["snarkjs_cpu_s"] = round(_CPU.get("snarkjs", 0.0), 2)
        benchmark.extra_info["speedup"] = round(snarkjs_s / ours, 1)
        line += f"; snarkjs {snarkjs_s:.2f} s wall / {_CPU.get('snarkjs', 0.0):.2f} s CPU; speedup (wall) {snarkjs_s / ours:.1f}x"
    print(line)


def test_phase1_contribute(benchmark, tmp_path) -> None:
    src = _contributed(P1)
    benchmark.pedantic(_measured(phase1.contribute), args=(src, tmp_path / "z.ptau"), kwargs={"name": "bench"}, rounds=1, iterations=1)
    js = _snarkjs("powersoftau", "contribute", str(src), str(tmp_path / "s.ptau"), "--name=bench", "-e=bench entropy") if WITH_SNARKJS else None
    _record(benchmark, f"phase-1 contribute, power {P1}", js)


def test_phase1_verify(benchmark) -> None:
    src = _contributed(P1)
    benchmark.pedantic(_measured(phase1_verify.verify), args=(src,), rounds=1, iterations=1)
    js = _snarkjs("powersoftau", "verify", str(src)) if WITH_SNARKJS else None
    _record(benchmark, f"phase-1 verify, power {P1}", js)


def test_prepare_phase2(benchmark, tmp_path) -> None:
    src = _contributed(PREP)
    benchmark.pedantic(_measured(phase1.prepare_phase2), args=(src, tmp_path / "z.ptau"), rounds=1, iterations=1)
    js = _snarkjs("powersoftau", "prepare", "phase2", str(src), str(tmp_path / "s.ptau")) if WITH_SNARKJS else None
    _record(benchmark, f"prepare phase 2, power {PREP}", js)
    if WITH_SNARKJS:  # same input, deterministic output: the two files must be identical
        assert (tmp_path / "z.ptau").read_bytes() == (tmp_path / "s.ptau").read_bytes()


def test_phase2_contribute(benchmark, tmp_path) -> None:
    from fixtures_groth16 import key_and_witness  # the Groth16 benchmarks' 2^k chain circuit keys

    zkey, _ = key_and_witness(P2)
    benchmark.pedantic(_measured(phase2.contribute), args=(zkey, tmp_path / "z.zkey"), kwargs={"name": "bench"}, rounds=1, iterations=1)
    js = _snarkjs("zkey", "contribute", str(zkey), str(tmp_path / "s.zkey"), "--name=bench", "-e=bench entropy") if WITH_SNARKJS else None
    _record(benchmark, f"phase-2 contribute, 2^{P2} constraints", js)
