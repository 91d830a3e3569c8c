"""Proving against gnark with the proofs alternating: one gnark proof, then one zkvct proof.

    .venv/bin/python benchmarks/ab_gnark_prove.py [--constraints 65534] [--rounds 9]
                                                  [--threads 2] [--prepared] [--json]

Why: ``bench_verify.py`` times gnark's proofs in one block and zkvct's in another, a minute
apart, and this machine's speed drifts by up to 1.6x within minutes, so its prove ratio moves
from run to run. Here gnark's peer (``benchmarks/gnark``, pinned by its go.mod) runs with
``-serve``: it sets up its chain circuit once and proves once per line it reads, while zkvct
proves the same shape of circuit (one public input, ``--constraints`` multiplications) between
gnark's proofs. The ratio of the medians is the figure to quote. zkvct proves one-shot (no
fixed-base tables, as gnark); ``--prepared`` adds a row with the key's tables built first.
Both sides use ``--threads`` cores (RAYON_NUM_THREADS, GOMAXPROCS). Timings only: not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--constraints", type=int, default=65534)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--prepared", action="store_true", help="also prove with the key's fixed-base tables")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if args.threads:
        os.environ["RAYON_NUM_THREADS"] = str(args.threads)
    os.environ["ZKVCT_PROVER_TABLES_MB"] = "0"  # one-shot, as gnark; --prepared builds its own

    from bench_verify import gnark_binary
    from zkvct import native
    from zkvct.formats.zkey import read_zkey
    from zkvct.groth16.prove import proving_key
    from zkvct.groth16.setup import dev_setup
    from zkvct.groth16.synthetic import chain_circuit

    binary = gnark_binary()
    if isinstance(binary, str):
        raise SystemExit(f"gnark peer unavailable: {binary}")
    r1cs, witness = chain_circuit(args.constraints, x0=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chain.zkey"
        dev_setup(r1cs, path)
        with read_zkey(path) as zk:
            key = proving_key(zk)
            prepared = proving_key(zk) if args.prepared else None
    if prepared is not None:
        prepared.prepare(1 << 40)
    calls = {"zkvct_s": lambda: native.groth16_prove(key, witness)}
    if prepared is not None:
        calls["zkvct_prepared_s"] = lambda: native.groth16_prove(prepared, witness)
    env = dict(os.environ)
    if args.threads:
        env["GOMAXPROCS"] = str(args.threads)
    times: dict[str, list[float]] = {"gnark_s": [], **{k: [] for k in calls}}
    with subprocess.Popen([str(binary), "-constraints", str(args.constraints), "-serve"], env=env,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as gnark:
        assert gnark.stdin is not None and gnark.stdout is not None
        first = gnark.stdout.readline()
        if not first:
            raise SystemExit("gnark's peer exited during set-up (its error is above)")
        ready = json.loads(first)
        for _ in range(args.rounds + 1):  # the first round warms up and is dropped
            gnark.stdin.write("prove\n")
            gnark.stdin.flush()
            answer = gnark.stdout.readline()
            if not answer:
                raise SystemExit("gnark's peer exited while proving (its error is above)")
            times["gnark_s"].append(json.loads(answer)["prove_s"])
            for name, f in calls.items():
                t0 = time.perf_counter()
                f()
                times[name].append(time.perf_counter() - t0)
        gnark.stdin.close()
    med = {k: statistics.median(v[1:]) for k, v in times.items()}
    result = {"constraints": args.constraints, "gnark": ready.get("gnark"), "gnark_constraints": ready.get("constraints"),
              "threads": args.threads, "rounds": args.rounds, "load": os.getloadavg()[0], **med,
              **{f"{k[:-2]}_over_gnark": v / med["gnark_s"] for k, v in med.items() if k != "gnark_s"}}
    if args.json:
        print(json.dumps(result))
        return
    print(f"prove, {args.constraints}-constraint chain, alternating, median of {args.rounds} "
          f"(gnark {ready.get('gnark')}, load {result['load']:.2f}):")
    print(f"  gnark            {med['gnark_s'] * 1e3:9.1f} ms")
    for k in calls:
        print(f"  {k[:-2]:<16} {med[k] * 1e3:9.1f} ms   {med[k] / med['gnark_s']:.3f}x gnark")


if __name__ == "__main__":
    main()
