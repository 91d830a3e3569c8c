"""``prepare phase 2`` (``ceremony.phase1.prepare_phase2``) at powers 12 and 13, this tree against
a baseline tree, in one run.

    .venv/bin/python benchmarks/bench_prepare_phase2.py [--powers 12 13] [--rounds 1]
                                                       [--baseline /path/to/other/checkout]

Input per power: a fresh accumulator (``phase1.new``) with one contribution
(``phase1.contribute``), made once under ``benchmarks/.cache/prepare_phase2`` (the points are
real powers of a random tau, so the group FFTs do the work they do in a ceremony). Each timing
runs in its own process with ``PYTHONPATH`` set to the tree measured, so the baseline uses its
own ``zkvct._native`` build; the outputs of both trees are compared byte for byte. The table
starts with the machine and the load average: on a shared machine give ratios from one run.
"""
from __future__ import annotations

import argparse
import filecmp
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache" / "prepare_phase2"

_TIMED = """
import sys, time
from ceremony import phase1
t0 = time.perf_counter()
phase1.prepare_phase2(sys.argv[1], sys.argv[2])
print(time.perf_counter() - t0)
"""


def contributed_ptau(power: int) -> Path:
    """The cached one-contribution accumulator of ``power`` (made with this tree's code)."""
    out = CACHE / f"pot{power}_1.ptau"
    if not out.exists():
        sys.path.insert(0, str(ROOT))
        from ceremony import phase1

        CACHE.mkdir(parents=True, exist_ok=True)
        p0 = CACHE / f"pot{power}_0.ptau"
        phase1.new(power, p0)
        phase1.contribute(p0, out, name="bench", entropy=os.urandom(32).hex())
        p0.unlink()
    return out


def timed(tree: Path, src: Path, dst: Path) -> float:
    env = dict(os.environ, PYTHONPATH=str(tree))
    res = subprocess.run([sys.executable, "-c", _TIMED, str(src), str(dst)], env=env, cwd=tree,
                         capture_output=True, text=True, check=True)
    return float(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--powers", type=int, nargs="+", default=[12, 13])
    ap.add_argument("--rounds", type=int, default=1, help="timings per tree and power (the minimum is shown)")
    ap.add_argument("--baseline", type=Path, default=None, help="another checkout (with its built _native) to compare with")
    args = ap.parse_args()
    cpu = next((ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines()
                if ln.startswith("model name")), platform.processor())
    print(f"machine: {cpu}, {os.cpu_count()} logical CPUs, load average {os.getloadavg()[0]:.2f} "
          f"(RAYON_NUM_THREADS={os.environ.get('RAYON_NUM_THREADS', 'all')})")
    trees = [("this tree", ROOT)] + ([("baseline", args.baseline.resolve())] if args.baseline else [])
    for power in args.powers:
        src = contributed_ptau(power)
        with tempfile.TemporaryDirectory() as tmp:
            outs, best = {}, {}
            for _ in range(args.rounds):  # interleaved, so both trees see the same load
                for name, tree in trees:
                    outs[name] = Path(tmp) / f"{name.replace(' ', '_')}.ptau"
                    t = timed(tree, src, outs[name])
                    best[name] = min(best.get(name, t), t)
            same = "" if len(outs) < 2 else (", outputs identical" if filecmp.cmp(*outs.values(), shallow=False)
                                             else ", OUTPUTS DIFFER")
            row = "  ".join(f"{name} {best[name]:7.2f} s" for name, _ in trees)
            ratio = f"  (this/baseline {best['this tree'] / best['baseline']:.2f})" if len(trees) > 1 else ""
            print(f"prepare phase 2, power {power:2d}:  {row}{ratio}{same}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
