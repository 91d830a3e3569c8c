"""Native proving, this tree's build against another build of the extension, alternating calls.

    .venv/bin/python benchmarks/ab_prove.py OTHER/_native.abi3.so ZKEY WTNS [--rounds 9]
                                            [--prepared] [--json]

Both builds are loaded in one process (``bench_verify.load_other_native``), each decodes the
same key, and their ``groth16_prove`` calls alternate, so a busy machine's load falls on both
alike: the ratio of the medians is what to read, not the absolute times. Without ``--prepared``
the fixed-base tables are switched off (one-shot proving, as gnark's row in bench_verify);
with it both keys build their tables first. Keys here: ``benchmarks/.cache/chain16.zkey`` (the
2^16 chain of ``bench_verify --constraints 65534``) and ``benchmarks/.cache/prove_small/
age_gte.zkey`` (``bench_prove_small``), each with its ``.wtns``. Timings only: not a test.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("other", help="the other build's _native.abi3.so")
    ap.add_argument("zkey")
    ap.add_argument("wtns")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--prepared", action="store_true", help="build both keys' fixed-base tables first")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    if not args.prepared:
        os.environ["ZKVCT_PROVER_TABLES_MB"] = "0"

    from bench_verify import load_other_native
    from zkvct import native
    from zkvct.formats.wtns_file import read_wtns_values
    from zkvct.formats.zkey import read_zkey

    other = load_other_native(args.other)
    witness = bytes(read_wtns_values(args.wtns))
    with read_zkey(args.zkey) as zk:
        h = zk.header
        kw = dict(n_vars=h.n_vars, n_public=h.n_public, domain_size=h.domain_size, coeffs=zk.coeffs,
                  a=zk.a, b1=zk.b1, b2=zk.b2, c=zk.c, h=zk.h, alpha1=h.alpha1, beta1=h.beta1,
                  beta2=h.beta2, delta1=h.delta1, delta2=h.delta2, trusted=True)
        mine, theirs = native.ProvingKey(**kw), other.ProvingKey(**kw)
    if args.prepared:
        mine.prepare(1 << 40)
        theirs.prepare(1 << 40)
    calls = {"this": lambda: native.groth16_prove(mine, witness),
             "other": lambda: other.groth16_prove(theirs, witness)}
    times: dict[str, list[float]] = {k: [] for k in calls}
    for f in calls.values():
        f()  # first call: page-in and allocator warm-up, not timed
    for _ in range(args.rounds):
        for name, f in calls.items():
            t0 = time.perf_counter()
            f()
            times[name].append(time.perf_counter() - t0)
    this, that = statistics.median(times["this"]), statistics.median(times["other"])
    result = {"prepared": args.prepared, "rounds": args.rounds, "this_s": this, "other_s": that,
              "ratio": this / that, "load": os.getloadavg()[0]}
    if args.json:
        print(json.dumps(result))
    else:
        print(f"prepared={args.prepared}: this {this * 1e3:.1f} ms, other {that * 1e3:.1f} ms, "
              f"this/other {this / that:.3f} (median of {args.rounds}, load {result['load']:.2f})")


if __name__ == "__main__":
    main()
