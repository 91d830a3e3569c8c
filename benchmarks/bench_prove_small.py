"""Fixed costs of small proofs: age_gte, zkvct vs snarkjs 0.7.6 on the SAME .zkey/.wtns, in one run.

    .venv/bin/python benchmarks/bench_prove_small.py [--rounds 7] [--json]

Issue 15's targets: in-process proving of age_gte >= 10x snarkjs, and the ``zkvct groth16
prove`` command <= 0.25x the ``snarkjs groth16 prove`` command's time. The key is an INSECURE
dev key of the compiled age_gte statement (``dev_setup``; written once under
benchmarks/.cache/prove_small, with the example input's witness): the same files for both
provers. Both use all cores of the machine.

Rows (median seconds over ``--rounds``):

* in-process, snarkjs: ``snarkjs.groth16.prove`` on files preloaded into memory, curve built
  before timing (``snarkjs_bench.js``: start-up not counted);
* in-process, zkvct, prover alone: ``prove_loaded(key, w, self_check=False)`` on a loaded key
  (what snarkjs's row does: no key checks, no self-verification);
* in-process, zkvct, library call: ``prove(zkey_path, w)`` as a wallet calls it repeatedly
  (hash the file, key from the per-process cache, prove, self-verify);
* in-process, zkvct, cold: the same call with the key cache emptied first (read, check, decode);
* interleaved: one snarkjs proof (a ``snarkjs_bench.js serve`` process kept running), then one
  zkvct proof (prover alone, unprepared key), then one with the prepared key, round after round,
  so all three see the same phase of a machine whose speed drifts by up to 1.6x within minutes
  (the rows above time each prover's rounds in one block, minutes apart): the ratio to quote;
* command, snarkjs: ``node snarkjs/build/cli.cjs groth16 prove ZKEY WTNS PROOF PUBLIC``;
* command, zkvct: ``python -m zkvct groth16 prove ...`` with this user's record of the checked
  key (the first, unrecorded run is timed separately as "first run"), and ``--recheck-zkey``.

After the table, the shares of one library call (hash, native prove, self-check, Python) and of
a cold key load (parse and header checks, native decode and point checks) are printed: the
profile RESULTS.md describes. Not part of the test suite; run it on a quiet machine.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache" / "prove_small"
NODE_MODULES = ROOT / "tests" / "peers" / "node_modules"
SNARKJS_CLI = NODE_MODULES / "snarkjs" / "build" / "cli.cjs"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from side_by_side import _median_time as median_time  # noqa: E402


def fixture() -> tuple[Path, Path]:
    """age_gte's dev key and witness (made once)."""
    zkey, wtns = CACHE / "age_gte.zkey", CACHE / "age_gte.wtns"
    if zkey.exists() and wtns.exists():
        return zkey, wtns
    from circuits.statements import get_statement
    from zkvct.dsl import compile_circuit
    from zkvct.formats.wtns_file import write_wtns
    from zkvct.groth16.setup import dev_setup

    CACHE.mkdir(parents=True, exist_ok=True)
    st = get_statement("age_gte")
    cc = compile_circuit(st)
    write_wtns(wtns, cc.witness(st.example_input()))
    dev_setup(cc.r1cs, zkey)
    return zkey, wtns


def machine() -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    from zkvct import native

    return {
        "cpu": cpu, "cores": os.cpu_count(), "load_avg_1m": os.getloadavg()[0], "python": platform.python_version(),
        "node": node, "snarkjs": json.loads((NODE_MODULES / "snarkjs" / "package.json").read_text())["version"],
        "simd": native.simd_enabled(), "platform": platform.platform(),
    }


def in_process(zkey: Path, wtns: Path, rounds: int) -> dict:
    from zkvct import native
    from zkvct.formats.wtns_file import read_wtns
    from zkvct.formats.zkey import parse_zkey
    from zkvct.groth16.keycache import KEYS, file_digest
    from zkvct.groth16.prove import prove, prove_loaded

    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    proc = subprocess.run(["node", str(HERE / "snarkjs_bench.js"), str(zkey), str(wtns), str(rounds)],
                          capture_output=True, text=True, env=env, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"snarkjs failed: {proc.stderr[-2000:]}")
    sj = json.loads(proc.stdout.strip().splitlines()[-1])
    if not sj["valid"]:
        raise SystemExit("snarkjs's own proof did not verify")

    w = read_wtns(wtns)
    auto_tables = os.environ.get("ZKVCT_PROVER_TABLES_MB")
    os.environ["ZKVCT_PROVER_TABLES_MB"] = "0"  # the unprepared key first; prepared figures at the end
    key = KEYS.load(zkey)
    prove(zkey, w)  # warm-up: page cache, thread pool
    out = {
        "snarkjs_s": statistics.median(sj["prove_s"]),
        "prover_alone_s": median_time(lambda: prove_loaded(key, w, self_check=False), rounds),
        "library_call_s": median_time(lambda: prove(zkey, w), rounds),
    }

    def cold():
        KEYS.clear()
        prove(zkey, w)

    out["cold_call_s"] = median_time(cold, max(3, rounds // 2))
    # shares of one library call and of a cold key load
    pa, pb, pc = native.groth16_prove(key.native, w)
    pubs = w[1:key.n_public + 1]
    parts = {
        "hash the key file (SHA-256)": median_time(lambda: file_digest(zkey), rounds),
        "native prove": median_time(lambda: native.groth16_prove(key.native, w), rounds),
        "self-check (native verify)": median_time(
            lambda: native.groth16_verify(key.alpha1, key.beta2, key.gamma2, key.delta2, key.ic, pa, pb, pc, pubs), rounds),
    }
    parts["Python (witness checks, JSON models)"] = max(0.0, out["library_call_s"] - sum(parts.values()))
    data = zkey.read_bytes()

    def parse_only():
        with parse_zkey(data, trusted=True):
            pass

    def decode(trusted: bool):
        with parse_zkey(data, trusted=True) as zk:
            h = zk.header
            native.ProvingKey(n_vars=h.n_vars, n_public=h.n_public, domain_size=h.domain_size, coeffs=zk.coeffs,
                              a=zk.a, b1=zk.b1, b2=zk.b2, c=zk.c, h=zk.h, alpha1=h.alpha1, beta1=h.beta1,
                              beta2=h.beta2, delta1=h.delta1, delta2=h.delta2, trusted=trusted)

    t_parse = median_time(parse_only, rounds)
    t_trusted = median_time(lambda: decode(True), rounds)
    t_full = median_time(lambda: decode(False), rounds)
    out["call_shares"] = parts
    out["native_prove"] = native_breakdown(data, w, rounds)
    out["cold_load"] = {
        "read file": median_time(zkey.read_bytes, rounds),
        "parse + header/IC/coefficient/contribution checks": t_parse,
        "native decode + coordinate/curve checks": max(0.0, t_trusted - t_parse),
        "G2 subgroup check of B2": max(0.0, t_full - t_trusted),
    }
    # a prover that keeps its key builds the fixed-base tables once (automatically from the
    # key's second proof; here explicitly, timed)
    t0 = time.perf_counter()
    key.native.prepare()
    out["prepare_s"], out["table_bytes"] = time.perf_counter() - t0, key.native.table_bytes
    out["prepared_prover_s"] = median_time(lambda: prove_loaded(key, w, self_check=False), rounds)
    KEYS.load(zkey).native.prepare()
    out["prepared_library_call_s"] = median_time(lambda: prove(zkey, w), rounds)
    out["interleaved"] = interleaved(zkey, wtns, max(rounds, 9))
    if auto_tables is None:
        del os.environ["ZKVCT_PROVER_TABLES_MB"]
    else:
        os.environ["ZKVCT_PROVER_TABLES_MB"] = auto_tables
    return out


def interleaved(zkey: Path, wtns: Path, rounds: int) -> dict:
    """snarkjs, zkvct and zkvct with a prepared key, one proof each per round (medians)."""
    from zkvct.formats.wtns_file import read_wtns
    from zkvct.groth16.keycache import build_key
    from zkvct.groth16.prove import prove_loaded

    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    w = read_wtns(wtns)
    data = zkey.read_bytes()
    plain, prepared = build_key(data, "<plain>", trusted=True), build_key(data, "<prepared>", trusted=True)
    prepared.native.prepare()
    times: dict[str, list[float]] = {"snarkjs_s": [], "zkvct_s": [], "zkvct_prepared_s": []}
    with subprocess.Popen(["node", str(HERE / "snarkjs_bench.js"), str(zkey), str(wtns), "serve"], env=env,
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as node:
        assert node.stdin is not None and node.stdout is not None
        first = node.stdout.readline()
        if not first or not json.loads(first).get("ready"):
            raise SystemExit("snarkjs_bench.js serve did not start (its error is above)")
        for _ in range(rounds + 1):  # the first round warms both up and is dropped
            node.stdin.write("prove\n")
            node.stdin.flush()
            line = node.stdout.readline()
            if not line:
                raise SystemExit("snarkjs_bench.js serve exited while proving (its error is above)")
            answer = json.loads(line)
            if not answer["valid"]:
                raise SystemExit("snarkjs's own proof did not verify")
            times["snarkjs_s"].append(answer["prove_s"])
            for name, key in (("zkvct_s", plain), ("zkvct_prepared_s", prepared)):
                t0 = time.perf_counter()
                prove_loaded(key, w, self_check=False)
                times[name].append(time.perf_counter() - t0)
        node.stdin.close()
    return {k: statistics.median(v[1:]) for k, v in times.items()}


def native_breakdown(data: bytes, w, rounds: int) -> dict:
    """Proxies for the phases of one native proof: the five MSMs and the six FFTs, run alone
    through the facade's kernels on the key's own sections (H with random canonical scalars).
    What the sum leaves of a whole proof is the rest: A/B evaluation, pointwise products,
    conversions and allocation."""
    import numpy as np

    from zkvct import native
    from zkvct.formats.zkey import parse_zkey
    from zkvct.groth16.keycache import build_key

    key = build_key(data, "<bench>", trusted=True)
    rng = np.random.default_rng(7)
    with parse_zkey(data, trusted=True) as zk:
        n, npub = zk.header.domain_size, zk.header.n_public
        hs = rng.integers(0, 256, size=(n, 32), dtype=np.uint8)
        hs[:, 31] &= 0x1F  # < 2^253 < r
        wb, hb, wc = w.tobytes(), hs.tobytes(), w[npub + 1:].tobytes()
        sects = {name: bytes(getattr(zk, name)) for name in ("a", "b1", "b2", "c", "h")}
    total = median_time(lambda: native.groth16_prove(key.native, w), rounds)
    parts = {
        "MSM A (G1)": median_time(lambda: native.g1_msm(sects["a"], wb), rounds),
        "MSM B1 (G1)": median_time(lambda: native.g1_msm(sects["b1"], wb), rounds),
        "MSM B2 (G2)": median_time(lambda: native.g2_msm(sects["b2"], wb, True), rounds),
        "MSM C (G1, private wires)": median_time(lambda: native.g1_msm(sects["c"], wc), rounds),
        "MSM H (G1, domain)": median_time(lambda: native.g1_msm(sects["h"], hb), rounds),
        f"6 FFTs of size {n} (3 iFFT + 3 coset FFT)": median_time(
            lambda: [native.fr_fft(hb, inverse=i % 2 == 0) for i in range(6)], rounds),
    }
    parts["rest (evaluation, products, conversions, allocation)"] = max(0.0, total - sum(parts.values()))
    return parts


def commands(zkey: Path, wtns: Path, rounds: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        dp = Path(d)
        env = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(dp / "xdg"))
        zk_cmd = [sys.executable, "-m", "zkvct", "groth16", "prove", str(zkey), str(wtns), str(dp / "p.json"), str(dp / "q.json")]
        sj_cmd = ["node", str(SNARKJS_CLI), "groth16", "prove", str(zkey), str(wtns), str(dp / "sp.json"), str(dp / "sq.json")]

        def run(cmd):
            subprocess.run(cmd, check=True, capture_output=True, env=env, timeout=600)

        t0 = time.perf_counter()
        run(zk_cmd)  # first run: full check, writes the record
        first = time.perf_counter() - t0
        run(sj_cmd)  # warm the page cache for snarkjs too
        out = {
            "snarkjs_s": median_time(lambda: run(sj_cmd), rounds),
            "zkvct_s": median_time(lambda: run(zk_cmd), rounds),
            "zkvct_recheck_s": median_time(lambda: run(zk_cmd + ["--recheck-zkey"]), rounds),
            "zkvct_first_run_s": first,
            "python_startup_s": median_time(lambda: run([sys.executable, "-c", "pass"]), rounds),
        }
        if (dp / "sq.json").read_text().split() != (dp / "q.json").read_text().split():
            raise SystemExit("snarkjs and zkvct wrote different public signals")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    zkey, wtns = fixture()
    res = {"machine": machine(), "in_process": in_process(zkey, wtns, args.rounds), "command": commands(zkey, wtns, args.rounds)}
    res["machine"]["load_avg_1m_after"] = os.getloadavg()[0]
    if args.json:
        print(json.dumps(res, indent=2))
        return
    m, ip, cm = res["machine"], res["in_process"], res["command"]
    print(f"machine: {m['cpu']}, {m['cores']} cores, SIMD {m['simd']}, load {m['load_avg_1m']:.1f} -> "
          f"{m['load_avg_1m_after']:.1f}; Python {m['python']}, node {m['node']}, snarkjs {m['snarkjs']}")
    print(f"age_gte ({zkey.stat().st_size / 1e6:.1f} MB key), median of {args.rounds}")
    print(f"{'':34} {'snarkjs':>9} {'zkvct':>9} {'ratio':>7}  target")
    rows = [
        ("in-process, prover alone", ip["snarkjs_s"], ip["prover_alone_s"], ">= 10x"),
        ("in-process, library call (cached)", ip["snarkjs_s"], ip["library_call_s"], ">= 10x"),
        ("in-process, prepared key, prover", ip["snarkjs_s"], ip["prepared_prover_s"], ">= 10x"),
        ("in-process, prepared key, library", ip["snarkjs_s"], ip["prepared_library_call_s"], ">= 10x"),
        ("in-process, cold (key read+check)", ip["snarkjs_s"], ip["cold_call_s"], ""),
        ("interleaved, prover alone", ip["interleaved"]["snarkjs_s"], ip["interleaved"]["zkvct_s"], ">= 10x"),
        ("interleaved, prepared key, prover", ip["interleaved"]["snarkjs_s"], ip["interleaved"]["zkvct_prepared_s"], ">= 10x"),
        ("command (checked-key record)", cm["snarkjs_s"], cm["zkvct_s"], "<= 0.25"),
        ("command --recheck-zkey", cm["snarkjs_s"], cm["zkvct_recheck_s"], ""),
        ("command, first run", cm["snarkjs_s"], cm["zkvct_first_run_s"], ""),
    ]
    for name, s, z, target in rows:
        ratio = f"{s / z:6.1f}x" if name.startswith(("in-process", "interleaved")) else f"{z / s:6.2f} "
        print(f"{name:34} {s:8.3f}s {z:8.3f}s {ratio}  {target}")
    print(f"(python interpreter start-up alone: {cm['python_startup_s']:.3f} s; preparing the key's fixed-base "
          f"tables: {ip['prepare_s']:.2f} s once, {ip['table_bytes'] / 2**20:.0f} MB)")
    for title, parts in (("one library call", ip["call_shares"]), ("one native prove (kernels run alone)", ip["native_prove"]),
                         ("one cold key load", ip["cold_load"])):
        total = sum(parts.values())
        print(f"\nshares of {title} ({total:.3f} s):")
        for k, v in parts.items():
            print(f"  {k:52} {v:7.4f} s {100 * v / total:5.1f}%")


if __name__ == "__main__":
    main()
