"""The `make demo` pipeline (issue 12), timed end to end; one command, run on a quiet machine:

    .venv/bin/python benchmarks/bench_demo.py [--out DIR] [--runs N] [--prepare-split]

Prints the machine (CPU model, cores, whether AVX-512 IFMA is there), the load average before and
after each run, the commit, the total and every step's time (steps 2a, 3 and 4a run beside step 1),
and from the run's timeline (``demo.json``): the slowest processes and waits with their CPU
seconds, and the CPU the services used; all the CPU the run used (the demo and every process it
started) and that divided by the cores: the demo is CPU-bound on 2 cores, so that quotient is a
floor no reordering can beat; and step 1 (the ceremony) in detail, with the coordinator's own work
inside the requests (its upload checks, the beacons, phase 1's preparation for phase 2).
Target: <= 60 s after set-up on the 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def machine() -> str:
    model, ifma = platform.processor() or "?", False
    try:
        info = Path("/proc/cpuinfo").read_text()
        model = next((ln.split(":", 1)[1].strip() for ln in info.splitlines() if ln.startswith("model name")), model)
        ifma = "avx512ifma" in info
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, AVX-512 IFMA {'yes' if ifma else 'no'}"


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def commit() -> str:
    res = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return res.stdout.strip() + ("+dirty" if dirty else "")


def report(summary: dict, top: int) -> None:
    print(f"  total {summary['seconds']:.1f} s")
    for s in sorted(summary["steps"], key=lambda s: s["start"]):
        beside = f"  (beside {s['beside']})" if s.get("beside") else ""
        print(f"  [{s['step']:>2}] {s['seconds']:6.1f} s  t={s['start']:6.1f}..{s['end']:6.1f}  {s['title']}{beside}")
    entries = [e for e in summary["timeline"] if not e["what"].startswith("stop ")]
    print(f"  slowest {top} (wall s, CPU s, what, thread):")
    for e in sorted(entries, key=lambda e: -e["seconds"])[:top]:
        cpu = f"{e['cpu_s']:6.2f}" if "cpu_s" in e else "     -"
        print(f"    {e['seconds']:6.2f} {cpu}  {e['kind']:7} {e['what'][:58]:58} {e['thread']}")
    cli = [e for e in summary["timeline"] if e["kind"] == "cli"]
    print(f"  {len(cli)} CLI processes: {sum(e['seconds'] for e in cli):.1f} s wall, "
          f"{sum(e.get('cpu_s', 0) for e in cli):.1f} s CPU")
    for e in summary["timeline"]:
        if e["what"].startswith("stop ") and e.get("cpu_s_total") is not None:
            print(f"  service {e['what'][5:]}: {e['cpu_s_total']:.1f} s CPU in all")
    if "demo_process_cpu_s" in summary.get("facts", {}):
        print(f"  the demo process itself (its threads, polls, HTTP calls): {summary['facts']['demo_process_cpu_s']:.1f} s CPU")


def step1(summary: dict) -> None:
    """Step 1's critical path: what the ceremony thread and the contributors ran, in order, with
    the coordinator's own work inside those requests (from its receipts and finalize answer)."""
    step = next((s for s in summary["steps"] if s["step"] == "1"), None)
    if step is None:
        return
    print(f"  step 1 in detail (t = start .. end, wall s, CPU s of the process):")
    for e in summary["timeline"]:
        if step["start"] <= e["start"] <= step["end"] and e["thread"] not in ("beside-ceremony",) \
                and not e["thread"].startswith(("holder", "issue")):
            cpu = f"{e['cpu_s']:6.2f}" if "cpu_s" in e else "     -"
            print(f"    {e['start']:6.1f} .. {e['end']:6.1f} {e['seconds']:6.2f} {cpu}  {e['what'][:56]:56} {e['thread']}")
    for name, work in summary.get("facts", {}).get("ceremony_work", {}).items():
        parts = ", ".join(f"{what} {secs:.2f} s" for what, secs in work.items() if secs is not None)
        print(f"    coordinator {name}: {parts}")


def prepare_split(ptau: Path) -> None:
    """What phase 1's "prepare phase 2" spends per Lagrange section and power, in CPU seconds
    (all threads of this process), on the run's published phase-1 file: the Groth16 setup of a
    circuit of domain 2^p reads only power p; snarkjs's file format holds every power 0..P (and
    P+1 for tau in G1)."""
    sys.path.insert(0, str(REPO))
    from ceremony import kernels as K
    from ceremony.records import open_transcript

    names = {2: "tau G1 (12)", 3: "tau G2 (13)", 4: "alpha tau G1 (14)", 5: "beta tau G1 (15)"}
    with open_transcript(ptau) as src:
        power = src.power
        print(f"  prepare phase 2 of {ptau} (power {power}), CPU s per section: powers 0..{power - 1} | "
              f"power {power} | power {power + 1}")
        totals = [0.0, 0.0, 0.0]
        for sid, name in names.items():
            grp = "G2" if sid == 3 else "G1"
            size, data = K.SIZES[grp], src.section(sid)
            spent = [0.0, 0.0, 0.0]
            for p in range(power + 2 if sid == 2 else power + 1):
                n = 1 << p
                pts = bytes(data[:(n - 1) * size]) + bytes(size) if p == power + 1 else bytes(data[:n * size])
                c0 = time.process_time()
                K.ifft(grp, pts)
                spent[min(p - power + 1, 2) if p >= power else 0] += time.process_time() - c0
            totals = [a + b for a, b in zip(totals, spent)]
            print(f"    {name:18} {spent[0]:6.2f} | {spent[1]:6.2f} | {spent[2]:6.2f}")
        print(f"    {'all':18} {totals[0]:6.2f} | {totals[1]:6.2f} | {totals[2]:6.2f}   (load now {load()})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="/tmp/zkvct-bench-demo")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--prepare-split", action="store_true",
                    help="after the run, time phase 1's prepare phase 2 per section and power on its published file")
    args = ap.parse_args()
    print(f"machine: {machine()}; commit {commit()}; python {platform.python_version()}")
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for i in range(args.runs):
        before, t0 = load(), time.perf_counter()
        cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        res = subprocess.run([sys.executable, "-m", "zkvct", "demo", "--out", args.out, "--json"], env=env,
                             capture_output=True, text=True, cwd=REPO)
        wall = time.perf_counter() - t0
        cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
        print(f"run {i + 1}: load before {before}, after {load()}; {wall:.1f} s including start-up and clean-up")
        # every process the demo started (services and the node included) was waited for, so this is
        # all the CPU the demo used: on this many cores no schedule can finish sooner than CPU / cores
        print(f"  CPU (user + system, the demo and every process it started): {cpu:.1f} s; "
              f"/ {os.cpu_count()} cores = {cpu / (os.cpu_count() or 1):.1f} s, the floor for the wall time")
        if res.returncode != 0:
            print(res.stdout[-2000:], res.stderr[-4000:])
            return 1
        summary = json.loads(res.stdout)
        report(summary, args.top)
        step1(summary)
        if args.prepare_split:
            prepare_split(Path(args.out) / "ceremony" / "phase1" / "final" / "pot.ptau")
    return 0


if __name__ == "__main__":
    sys.exit(main())
