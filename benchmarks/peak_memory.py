"""Peak memory (and time) of one Groth16 prove at 2^k constraints (default 2^20), in a child process.

    .venv/bin/python benchmarks/peak_memory.py [--power 20]

A real 2^20 key needs a 2^20 ceremony ptau, which this machine cannot make in reasonable time, so
the key here has the exact layout and sizes of a 2^20 zkvct/snarkjs key for the synthetic chain
circuit (real coefficient section from the R1CS) but placeholder points (the generators). The
prover does the same work on it (FFTs, five MSMs over the same sizes); only the proof is
meaningless, so it runs with ``self_check=False``. The child's peak RSS (ru_maxrss, which counts
the memory-mapped key pages it touched) is reported.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"


def build(k: int) -> tuple[Path, Path]:
    from zkvct import native
    from zkvct.formats.wtns_file import write_wtns
    from zkvct.formats.zkey import MPCParams, ZkeyHeader, write_zkey
    from zkvct.groth16.setup import build_coeffs_section, circuit_power
    from zkvct.groth16.synthetic import chain_circuit

    zkey, wtns = CACHE / f"placeholder{k}.zkey", CACHE / f"placeholder{k}.wtns"
    if zkey.exists() and wtns.exists():
        return zkey, wtns
    CACHE.mkdir(exist_ok=True)
    r1cs, witness = chain_circuit(2 ** k - 2)
    n = 1 << circuit_power(r1cs)
    g1, g2 = native.g1_generator(), native.g2_generator()
    nv, npub = r1cs.n_wires, r1cs.n_public
    header = ZkeyHeader(nv, npub, n, g1, g1, g2, g2, g1, g2)
    write_zkey(zkey, header, ic=g1 * (npub + 1), coeffs=build_coeffs_section(r1cs), a=g1 * nv, b1=g1 * nv,
               b2=g2 * nv, c=g1 * (nv - npub - 1), h=g1 * n, mpc=MPCParams(bytes(64), []))
    write_wtns(wtns, witness)
    return zkey, wtns


def child(zkey: str, wtns: str) -> None:
    from zkvct.formats.wtns_file import read_wtns
    from zkvct.formats.zkey import read_zkey
    from zkvct.groth16.prove import prove_with_key

    w = read_wtns(wtns)
    with read_zkey(zkey, trusted=True) as zk:
        t0 = time.perf_counter()
        prove_with_key(zk, w, self_check=False)
        dt = time.perf_counter() - t0
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"prove_s": dt, "peak_rss_mib": peak_kib / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--power", type=int, default=20)
    ap.add_argument("--child", nargs=2)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    zkey, wtns = build(args.power)
    out = subprocess.run([sys.executable, __file__, "--child", str(zkey), str(wtns)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(out.stderr)
    res = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"2^{args.power} prove: {res['prove_s']:.2f} s, peak RSS {res['peak_rss_mib']:.0f} MiB "
          f"(key {zkey.stat().st_size / 2**20:.0f} MiB, placeholder points)")


if __name__ == "__main__":
    main()
