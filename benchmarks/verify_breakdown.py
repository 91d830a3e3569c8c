"""Where phase-1 verification spends its time, piece by piece (wall seconds, median of rounds).

    .venv/bin/python benchmarks/verify_breakdown.py [--power 16] [--rounds 3]

Input: the ceremony benchmark's cached contributed ptau (``benchmarks/.cache/ceremony``, made by
``bench_ceremony.py``; this script makes it if it is missing). Pieces, as ``phase1_verify.verify``
runs them: the contribution records (keys, pairings), validation of every section (the G2
subgroup batch test is in section 3), the combined consistency pass, and the hash chain over the
sections (which ``verify`` runs in a worker thread beside the consistency pass).
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from ceremony import kernels as K  # noqa: E402
from ceremony import phase1_verify as V  # noqa: E402
from ceremony.records import open_transcript  # noqa: E402
from zkvct.formats.ptau import section_points  # noqa: E402


def timed(fn, rounds: int) -> float:
    walls = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
    return statistics.median(walls)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--power", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    import bench_ceremony

    path = bench_ceremony._contributed(a.power)
    with open_transcript(path) as pt:
        last = pt.contributions[-1]
        spec = section_points(pt.power)
        rows = [
            ("whole verify", lambda: V.verify(path)),
            ("contribution records", lambda: [V.verify_contribution(c, V.initial_state(pt.ceremony_power)) for c in pt.contributions[:1]]),
        ]
        for sid, (grp, _) in spec.items():
            rows.append((f"validate section {sid} ({grp})", lambda sid=sid, grp=grp: K.validate(grp, pt.section(sid))))
        rows += [
            ("consistency pass", lambda: V._sections_consistent(pt, last)),
            ("hash chain", lambda: V._sections_hash(pt, last, spec)),
        ]
        for name, fn in rows:
            print(f"{name:32s} {timed(fn, a.rounds):7.3f} s")


if __name__ == "__main__":
    main()
