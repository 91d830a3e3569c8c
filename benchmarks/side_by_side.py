"""zkvct vs snarkjs 0.7.6 proving (and verifying) on the SAME .zkey/.wtns, in one run.

    .venv/bin/python benchmarks/side_by_side.py [--sizes 12 14 16] [--rounds 3] [--json]

For each size, the key (zkvct setup from the bench ptau, see fixtures_groth16.py) and witness
are written once; then snarkjs runs in-process via ``snarkjs_bench.js`` (files preloaded into
memory, curve built before timing: start-up not counted) and zkvct runs in this process. Both
use all cores of the machine. Reported: median seconds and the ratio snarkjs / zkvct.
zkvct is timed two ways: the prover alone on an open key (like snarkjs, which does not check the
key's points) and the full library call (read + validate the key, prove, self-verify).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from fixtures_groth16 import key_and_witness  # noqa: E402
from zkvct.formats.wtns_file import read_wtns  # noqa: E402
from zkvct.formats.zkey import read_zkey  # noqa: E402
from zkvct.groth16.export import verification_key  # noqa: E402
from zkvct.groth16.prove import prove, prove_with_key  # noqa: E402
from zkvct.groth16.verify import verify  # noqa: E402


def _median_time(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def run_size(k: int, rounds: int) -> dict:
    zkey, wtns = key_and_witness(k)
    env = dict(os.environ, NODE_PATH=str(ROOT / "tests" / "peers" / "node_modules"))
    proc = subprocess.run(["node", str(HERE / "snarkjs_bench.js"), str(zkey), str(wtns), str(rounds)],
                          capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"snarkjs failed at 2^{k}: {proc.stderr[-2000:]}")
    sj = json.loads(proc.stdout.strip().splitlines()[-1])
    witness = read_wtns(wtns)
    with read_zkey(zkey, trusted=True) as zk:
        prove_with_key(zk, witness, self_check=False)  # warm-up (page cache, thread pool)
        z_prove = _median_time(lambda: prove_with_key(zk, witness, self_check=False), rounds)
        res = prove_with_key(zk, witness)
        vk = verification_key(zk)
    z_full = _median_time(lambda: prove(zkey, witness), max(1, rounds // 2))
    z_verify = _median_time(lambda: verify(vk, res.publics, res.proof), 20)
    s_prove, s_verify = statistics.median(sj["prove_s"]), statistics.median(sj["verify_s"])
    return {
        "size": f"2^{k}", "constraints": 2 ** k - 2, "snarkjs_valid": sj["valid"],
        "snarkjs_prove_s": s_prove, "zkvct_prove_s": z_prove, "zkvct_prove_full_s": z_full,
        "speedup_prove": s_prove / z_prove,
        "snarkjs_verify_s": s_verify, "zkvct_verify_s": z_verify, "speedup_verify": s_verify / z_verify,
        "cores": os.cpu_count(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[12, 14, 16])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = [run_size(k, args.rounds) for k in args.sizes]
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'size':>6} {'snarkjs prove':>14} {'zkvct prove':>12} {'(full call)':>12} {'x':>6} {'snarkjs verify':>15} {'zkvct verify':>13} {'x':>6}")
    for r in rows:
        print(f"{r['size']:>6} {r['snarkjs_prove_s']:>13.3f}s {r['zkvct_prove_s']:>11.3f}s {r['zkvct_prove_full_s']:>11.3f}s "
              f"{r['speedup_prove']:>6.1f} {r['snarkjs_verify_s'] * 1e3:>13.1f}ms {r['zkvct_verify_s'] * 1e3:>11.2f}ms {r['speedup_verify']:>6.1f}")


if __name__ == "__main__":
    main()
