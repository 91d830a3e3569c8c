"""Groth16 verification side by side, in one run: zkvct unprepared, prepared, batched, and gnark.

    .venv/bin/python benchmarks/bench_verify.py [--threads 2] [--batch 256] [--constraints 1024]
                                                [--rounds 200] [--prove-rounds 3] [--prepared-prove]
                                                [--no-gnark] [--json]
                                                [--against OTHER/_native.abi3.so]

Rows (median wall time over ``--rounds``; batch rows over ``max(5, rounds // 20)`` batches):

* zkvct native verify, unprepared: ``groth16_verify`` on LEM bytes, which checks the key's points
  and computes e(α, β) on every call (the path before prepared keys);
* zkvct library ``verify()``: the JSON models in, the cached prepared key used (what a service
  calls);
* zkvct prepared verify: ``PreparedVerifyingKey.verify`` on LEM bytes;
* zkvct batch verify at N = ``--batch``: ``batch_verify`` on LEM buffers, and the library
  ``verify_batch`` from JSON proofs, as proofs per second;
* with ``--against OTHER.so``: prepared verify and batch verify of this tree's build and of the
  other build (loaded beside it in the same process) on the same proofs, call by call in
  alternation, so a busy machine's load falls on both alike; the ratio of the medians is printed;
* gnark verify (and prove) from ``benchmarks/gnark`` (go.mod pins gnark and gnark-crypto): built
  with ``go build`` into ``benchmarks/.cache/gnark`` on first use. It proves its own circuit of
  the same shape (one public input, ``--constraints`` multiplications); verification cost does
  not depend on the circuit size. Skipped, with the reason printed, where Go is missing or the
  module proxy is unreachable.

Proving (issue 15's "prove at 2^16 and 2^20" rows): ``--constraints 65534 --batch 8`` proves a
2^16-domain chain on both sides (the batch rows need ``--batch`` proofs made first, so keep it
small there). zkvct's first prove row is one-shot, like gnark's (automatic fixed-base tables are
switched off); ``--prepared-prove`` adds a row with the key's tables built first (their memory
and build time printed): what a prover that keeps its key pays per proof.

``--threads`` sets both RAYON_NUM_THREADS (zkvct's native pool) and GOMAXPROCS (gnark), so both
sides use the same cores. The table starts with the machine (CPU model, cores, load average,
SIMD path) because the numbers mean little without it: run on a quiet machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GNARK_SRC = HERE / "gnark"
GNARK_CACHE = HERE / ".cache" / "gnark"


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--threads", type=int, default=None, help="cores for both zkvct and gnark (default: all)")
    ap.add_argument("--batch", type=int, default=256, help="proofs per batch")
    ap.add_argument("--constraints", type=int, default=1024, help="constraints of the chain circuit")
    ap.add_argument("--rounds", type=int, default=200, help="timed single verifications")
    ap.add_argument("--prove-rounds", type=int, default=3, help="timed proofs (each side)")
    ap.add_argument("--prepared-prove", action="store_true",
                    help="also time zkvct proving with a prepared key (fixed-base tables, whatever their size)")
    ap.add_argument("--no-gnark", action="store_true", help="skip the gnark peer")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--against", type=Path, default=None,
                    help="another build of zkvct/_native.abi3.so: its prepared and batch verify are timed "
                         "interleaved with this tree's, on the same proofs, and the ratios printed")
    return ap.parse_args()


def median_time(fn, rounds: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def machine_info(threads: int | None) -> dict:
    from zkvct import native

    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cpu": model,
        "logical_cpus": os.cpu_count(),
        "threads": threads or os.cpu_count(),
        "load_average_1m": round(load[0], 2) if load else None,
        "simd": bool(native.simd_enabled()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def gnark_binary() -> Path | str:
    """The gnark peer, built once (again when its sources change); a reason string where it
    cannot be built."""
    go = shutil.which("go")
    if go is None:
        return "Go is not installed (https://go.dev/dl/); gnark rows left out"
    GNARK_CACHE.mkdir(parents=True, exist_ok=True)
    binary = GNARK_CACHE / "gnark_peer"
    sources = [GNARK_SRC / n for n in ("main.go", "go.mod", "go.sum")]
    if not binary.exists() or binary.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        env = dict(os.environ, GOFLAGS="-mod=readonly -buildvcs=false")
        try:
            proc = subprocess.run([go, "build", "-o", str(binary), "."], cwd=GNARK_SRC, env=env,
                                  capture_output=True, text=True, timeout=1800)
        except subprocess.TimeoutExpired:
            return "go build timed out"
        if proc.returncode != 0:
            tail = proc.stderr.strip().splitlines()[-3:]
            return "go build failed (module proxy unreachable?): " + " | ".join(tail)
    return binary


def gnark_peer(threads: int | None, constraints: int, rounds: int, prove_rounds: int = 3) -> dict:
    """Build (once) and run the gnark peer; {"skipped": reason} where it cannot run."""
    binary = gnark_binary()
    if isinstance(binary, str):
        return {"skipped": binary}
    env = dict(os.environ)
    if threads:
        env["GOMAXPROCS"] = str(threads)
    proc = subprocess.run([str(binary), "-constraints", str(constraints), "-verify-rounds", str(rounds),
                           "-prove-rounds", str(prove_rounds)], env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return {"skipped": f"gnark peer failed: {proc.stderr.strip()[-500:]}"}
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "version": out["gnark"],
        "constraints": out["constraints"],
        "gomaxprocs": out["gomaxprocs"],
        "verify_s": statistics.median(out["verify_s"]),
        "prove_s": statistics.median(out["prove_s"]),
    }


def load_other_native(path: Path):
    """Another build of the extension, loaded beside this tree's (a distinct module name)."""
    import importlib.machinery
    import importlib.util

    name = "zkvct_baseline._native"  # the last part must stay `_native`: it names the init symbol
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, str(path), loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def interleaved(fa, fb, rounds: int) -> tuple[float, float]:
    """Medians of fa and fb timed in alternation (ABAB...), after one warm-up call of each."""
    fa(), fb()
    ta, tb = [], []
    for _ in range(rounds):
        for f, out in ((fa, ta), (fb, tb)):
            t0 = time.perf_counter()
            f()
            out.append(time.perf_counter() - t0)
    return statistics.median(ta), statistics.median(tb)


def zkvct_rows(constraints: int, batch_n: int, rounds: int, against: Path | None = None,
               prove_rounds: int = 3, prepared_prove: bool = False) -> dict:
    from zkvct import native
    from zkvct.curve import G1Point, G2Point, g1_lem_array
    from zkvct.field import fr_array
    from zkvct.formats.zkey import read_zkey
    from zkvct.groth16.batch import prepare, verify_batch
    from zkvct.groth16.export import verification_key
    from zkvct.groth16.json_models import Proof
    from zkvct.groth16.prove import proving_key
    from zkvct.groth16.setup import dev_setup
    from zkvct.groth16.synthetic import chain_circuit
    from zkvct.groth16.verify import verify

    r1cs, witness = chain_circuit(constraints, x0=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "chain.zkey"
        dev_setup(r1cs, path)
        with read_zkey(path) as zk:
            vk = verification_key(zk)
            key = proving_key(zk)
            # one-shot proving, as gnark's row: no fixed-base tables (a key's second proof would
            # otherwise start building them in the background, within ZKVCT_PROVER_TABLES_MB)
            saved = os.environ.get("ZKVCT_PROVER_TABLES_MB")
            os.environ["ZKVCT_PROVER_TABLES_MB"] = "0"
            try:
                prove_s = median_time(lambda: native.groth16_prove(key, witness), prove_rounds, warmup=1)
            finally:
                if saved is None:
                    os.environ.pop("ZKVCT_PROVER_TABLES_MB", None)
                else:
                    os.environ["ZKVCT_PROVER_TABLES_MB"] = saved
            prepared_rows = {}
            if prepared_prove:
                pkey = proving_key(zk)
                t0 = time.perf_counter()
                pkey.prepare(1 << 40)
                prepared_rows = {"table_build_s": time.perf_counter() - t0, "table_bytes": pkey.table_bytes,
                                 "prove_prepared_s": median_time(lambda: native.groth16_prove(pkey, witness),
                                                                 prove_rounds, warmup=1)}
                del pkey
            lem = [native.groth16_prove(key, witness) for _ in range(batch_n)]
    items = [(Proof.from_points(G1Point.from_lem(a, "pi_a"), G2Point.from_lem(b, "pi_b"), G1Point.from_lem(c, "pi_c")), [3])
             for a, b, c in lem]
    pub = fr_array([3]).tobytes()
    a, b, c = lem[0]
    vk_lem = (vk.alpha1().to_lem(), vk.beta2().to_lem(), vk.gamma2().to_lem(), vk.delta2().to_lem(), g1_lem_array(vk.ic()))
    prepared = prepare(vk)
    assert native.groth16_verify(*vk_lem, a, b, c, pub) and prepared.native.verify(a, b, c, pub)
    proofs_buf = b"".join(a + b + c for a, b, c in lem)
    pubs_buf = pub * batch_n
    assert prepared.native.batch_verify(proofs_buf, pubs_buf) is None
    assert verify_batch(prepared, items).ok
    batch_rounds = max(5, rounds // 20)
    ab = {}
    if against is not None:
        other = load_other_native(against).PreparedVerifyingKey(*vk_lem)
        assert other.batch_verify(proofs_buf, pubs_buf) is None and other.verify(a, b, c, pub)
        ab["against"] = str(against)
        ab["prepared_s"], ab["prepared_other_s"] = interleaved(
            lambda: prepared.native.verify(a, b, c, pub), lambda: other.verify(a, b, c, pub), rounds)
        ab["batch_s"], ab["batch_other_s"] = interleaved(
            lambda: prepared.native.batch_verify(proofs_buf, pubs_buf), lambda: other.batch_verify(proofs_buf, pubs_buf),
            max(10, rounds // 10))
    return {
        "against": ab,
        "prove_s": prove_s,
        **prepared_rows,
        "unprepared_s": median_time(lambda: native.groth16_verify(*vk_lem, a, b, c, pub), rounds),
        "library_s": median_time(lambda: verify(vk, [3], items[0][0]), rounds),
        "prepared_s": median_time(lambda: prepared.native.verify(a, b, c, pub), rounds),
        "batch_native_s": median_time(lambda: prepared.native.batch_verify(proofs_buf, pubs_buf), batch_rounds, warmup=1),
        "batch_library_s": median_time(lambda: verify_batch(prepared, items), batch_rounds, warmup=1),
    }


def table(info: dict, z: dict, g: dict, batch_n: int, constraints: int) -> str:
    lines = [
        "Groth16 verification side by side (BN254, one public input)",
        f"machine: {info['cpu']}, {info['logical_cpus']} logical CPUs, threads used {info['threads']}, "
        f"load average {info['load_average_1m']}, SIMD {'on' if info['simd'] else 'off'}, "
        f"Python {info['python']}, {info['platform']}",
        "",
        f"{'what':<52} {'median':>12} {'per second':>12}",
    ]

    def row(name: str, seconds: float, per: float | None = None) -> None:
        per = per if per is not None else 1.0 / seconds
        lines.append(f"{name:<52} {seconds * 1e3:>9.3f} ms {per:>12,.0f}")

    row("zkvct native verify, unprepared key", z["unprepared_s"])
    row("zkvct library verify() (cached prepared key)", z["library_s"])
    row("zkvct prepared verify", z["prepared_s"])
    row(f"zkvct batch verify, N = {batch_n} (whole batch; proofs/s)", z["batch_native_s"], batch_n / z["batch_native_s"])
    row(f"zkvct library verify_batch, N = {batch_n} (from JSON)", z["batch_library_s"], batch_n / z["batch_library_s"])
    if "skipped" in g:
        lines.append(f"{'gnark verify':<52} skipped: {g['skipped']}")
    else:
        row(f"gnark {g['version']} verify (GOMAXPROCS {g['gomaxprocs']})", g["verify_s"])
    lines.append("")
    lines.append(f"proving, {constraints}-constraint chain circuit:")
    row("zkvct native prove (one-shot key)", z["prove_s"])
    if "prove_prepared_s" in z:
        row(f"zkvct prove, prepared key ({z['table_bytes'] / 2**20:,.0f} MiB, {z['table_build_s']:.1f} s once)",
            z["prove_prepared_s"])
    if "skipped" not in g:
        row(f"gnark prove ({g['constraints']} constraints)", g["prove_s"])
    if z.get("against"):
        ab = z["against"]
        lines.append("")
        lines.append(f"interleaved with {ab['against']} (same proofs, alternating calls):")
        lines.append(f"  prepared verify  {ab['prepared_s'] * 1e3:8.3f} ms  vs {ab['prepared_other_s'] * 1e3:8.3f} ms"
                     f"  ratio {ab['prepared_s'] / ab['prepared_other_s']:.3f}")
        lines.append(f"  batch verify N={batch_n}  {ab['batch_s'] * 1e3:8.3f} ms  vs {ab['batch_other_s'] * 1e3:8.3f} ms"
                     f"  ratio {ab['batch_s'] / ab['batch_other_s']:.3f}"
                     f"  ({batch_n / ab['batch_s']:,.0f} vs {batch_n / ab['batch_other_s']:,.0f} proofs/s)")
    if info.get("load_average_1m_after") is not None:
        lines.append("")
        lines.append(f"load average (1 min) at the start {info['load_average_1m']}, at the end {info['load_average_1m_after']}")
    if "skipped" not in g:
        lines.append("")
        lines.append(f"zkvct prepared verify takes {z['prepared_s'] / g['verify_s']:.2f}x gnark's time"
                     f" ({'at or below' if z['prepared_s'] <= g['verify_s'] else 'above'} gnark's)")
    return "\n".join(lines)


def main() -> None:
    args = parse_args()
    if args.threads:
        # before zkvct's native pool starts: it reads this once
        os.environ["RAYON_NUM_THREADS"] = str(args.threads)
    sys.path.insert(0, str(ROOT))
    info = machine_info(args.threads)
    z = zkvct_rows(args.constraints, args.batch, args.rounds, args.against, args.prove_rounds, args.prepared_prove)
    g = {"skipped": "--no-gnark"} if args.no_gnark else gnark_peer(args.threads, args.constraints, args.rounds, args.prove_rounds)
    # the figures mean little on a busy machine: the load at the end too, not only at the start
    info["load_average_1m_after"] = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    if args.json:
        print(json.dumps({"machine": info, "zkvct": z, "gnark": g, "batch": args.batch, "constraints": args.constraints}, indent=2))
    else:
        print(table(info, z, g, args.batch, args.constraints))


if __name__ == "__main__":
    main()
