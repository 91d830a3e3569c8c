"""Before/after timing of the native kernels touched by the performance pass (wall and CPU).

Usage: ``.venv/bin/python benchmarks/native_pass.py [--native PATH_TO_SO] [--rounds N]``.
``--native`` loads another build of ``zkvct._native`` (e.g. a copy of the .so from before a
change) so both builds run the very same inputs on the same machine; without it the installed
module is used. CPU time (``time.process_time``, all threads) is printed beside wall time
because the shared development machine is loaded: CPU time is the steadier figure.

Inputs (deterministic, seed 1):
* prove 2^16: the cached ``benchmarks/.cache/chain16.zkey`` (made by bench_groth16's fixtures)
  with two witnesses: the chain witness (every value a full-size field element: worst case) and a
  circuit-like one (70 % zeros and ones, 15 % small, 15 % full-size). The prover does not check
  satisfiability, so both time exactly the prover's work.
* setup: ``zkvct.groth16.setup.setup`` of the age_gte statement (5.7k constraints) and of the
  2^16 chain circuit from the cached bench ptau (``trusted_ptau``), this module swapped in.
* scale (``--only scale``): g1/g2_scale_powers and g2_validate on 2^16 tiled points.
* sparse lincomb: a setup-shaped 8192-row CSR with circuit-like coefficients (1, r-1, small
  constants, 2^k, random) and the constant wire in a long column; G1 and G2.
"""
from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from zkvct.field import R  # noqa: E402

DISTINCT = 1024


def load_native(path: str | None):
    if path is None:
        import zkvct._native as nat

        return nat
    loader = importlib.machinery.ExtensionFileLoader("zkvct._native", path)
    spec = importlib.util.spec_from_loader("zkvct._native", loader)
    mod = importlib.util.module_from_spec(spec)
    loader.exec_module(mod)
    return mod


def scalars_bytes(vals: list[int]) -> bytes:
    return b"".join(v.to_bytes(32, "little") for v in vals)


def timed(fn, rounds: int) -> tuple[float, float]:
    walls, cpus = [], []
    fn()  # warm-up
    for _ in range(rounds):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def circuit_like_witness(n: int, rng: np.random.Generator) -> bytes:
    kind = rng.random(n)
    vals = []
    for i, k in enumerate(kind):
        if i == 0:
            vals.append(1)
        elif k < 0.35:
            vals.append(0)
        elif k < 0.70:
            vals.append(1)
        elif k < 0.85:
            vals.append(int(rng.integers(2, 2**32)))
        else:
            vals.append(int.from_bytes(rng.bytes(32), "little") % R)
    return scalars_bytes(vals)


def bench_prove(nat, rounds: int, rng) -> None:
    from zkvct.formats.wtns_file import read_wtns  # noqa: PLC0415
    from zkvct.formats.zkey import read_zkey  # noqa: PLC0415

    zkey = HERE / ".cache" / "chain16.zkey"
    if not zkey.exists():
        print("prove: benchmarks/.cache/chain16.zkey missing (run benchmarks/bench_groth16.py once)")
        return
    chain = np.ascontiguousarray(read_wtns(HERE / ".cache" / "chain16.wtns"), dtype=np.uint8).tobytes()
    with read_zkey(zkey, trusted=True) as zk:
        h = zk.header
        args = (h.n_vars, h.n_public, h.domain_size, zk.coeffs, zk.a, zk.b1, zk.b2, zk.c, zk.h,
                h.alpha1, h.beta1, h.beta2, h.delta1, h.delta2)
        blind = {"r": (3).to_bytes(32, "little"), "s": (5).to_bytes(32, "little")}

        def prove_once(wit):
            # builds since the typed key: decode the key and prove, the same work as one positional call before
            if hasattr(nat, "ProvingKey"):
                names = ("n_vars", "n_public", "domain_size", "coeffs", "a", "b1", "b2", "c", "h",
                         "alpha1", "beta1", "beta2", "delta1", "delta2")
                return nat.groth16_prove(nat.ProvingKey(**dict(zip(names, args)), trusted=True), wit, **blind)
            return nat.groth16_prove(*args, wit, **blind)

        for name, wit in (("chain witness (full-size values)", chain),
                          ("circuit-like witness (70% 0/1)", circuit_like_witness(h.n_vars, rng))):
            w, c = timed(lambda: prove_once(wit), rounds)
            print(f"prove 2^16, {name}: wall {w:.3f} s, cpu {c:.3f} s")


def lincomb_input(rng, rows: int):
    """Setup-shaped CSR: per row 1-4 terms, coefficients as real circuits have them."""
    offs, wires, coeffs = [0], [], []
    n_out = rows
    for r in range(rows):
        terms = int(rng.integers(1, 5))
        for t in range(terms):
            wire = 0 if (t == 0 and rng.random() < 0.3) else int(rng.integers(1, n_out))
            k = rng.random()
            if k < 0.55:
                c = 1
            elif k < 0.80:
                c = R - 1
            elif k < 0.90:
                c = int(rng.integers(2, 2**20))
            elif k < 0.95:
                c = pow(2, int(rng.integers(64, 253)), R)
            else:
                c = int.from_bytes(rng.bytes(32), "little") % R
            wires.append(wire)
            coeffs.append(c)
        offs.append(len(wires))
    return (
        np.array(offs, dtype=np.uint64),
        np.array(wires, dtype=np.uint32),
        scalars_bytes(coeffs),
        n_out,
    )


def bench_lincomb(nat, rounds: int, rng) -> None:
    rows = 8192
    g1 = nat.g1_batch_mul(nat.g1_generator() * DISTINCT, scalars_bytes([int(rng.integers(1, 2**62)) for _ in range(DISTINCT)]))
    g2 = nat.g2_batch_mul(nat.g2_generator() * DISTINCT, scalars_bytes([int(rng.integers(1, 2**62)) for _ in range(DISTINCT)]))
    p1, p2 = g1 * (rows // DISTINCT), g2 * (rows // DISTINCT)
    offs, wires, coeffs, n_out = lincomb_input(rng, rows)
    w, c = timed(lambda: nat.g1_sparse_lincomb(p1, offs, wires, coeffs, n_out), rounds)
    print(f"g1_sparse_lincomb {rows} rows: wall {w:.3f} s, cpu {c:.3f} s")
    w, c = timed(lambda: nat.g2_sparse_lincomb(p2, offs, wires, coeffs, n_out, trusted=True), rounds)
    print(f"g2_sparse_lincomb {rows} rows: wall {w:.3f} s, cpu {c:.3f} s")


def bench_setup(nat, rounds: int) -> None:
    """Groth16 setup of the age_gte statement (5.7k constraints) from the bench ptau."""
    sys.modules["zkvct._native"] = nat
    import zkvct
    import zkvct.native

    zkvct._native = nat
    for name in dir(nat):  # the facade bound the installed build's kernels at import: rebind them
        if not name.startswith("_") and hasattr(zkvct.native, name):
            setattr(zkvct.native, name, getattr(nat, name))
    sys.path.insert(0, str(HERE))
    import tempfile  # noqa: PLC0415

    from circuits.statements import get_statement  # noqa: PLC0415
    from dev_ptau import bench_ptau  # noqa: PLC0415
    from zkvct.dsl import compile_circuit  # noqa: PLC0415
    from zkvct.groth16.setup import setup  # noqa: PLC0415

    from zkvct.groth16.synthetic import chain_circuit  # noqa: PLC0415

    ptau = bench_ptau(16, [12, 14, 16], HERE / ".cache")
    circuits = [("age_gte", compile_circuit(get_statement("age_gte")).r1cs), ("chain 2^16", chain_circuit(2**16 - 2)[0])]
    for name, r1cs in circuits:
        with tempfile.TemporaryDirectory() as d:
            w, c = timed(lambda: setup(r1cs, ptau, Path(d) / "k.zkey", trusted_ptau=True), rounds)
        print(f"setup {name} ({r1cs.n_constraints} constraints): wall {w:.3f} s, cpu {c:.3f} s")


def bench_scale(nat, rounds: int) -> None:
    """Ceremony kernels on 2^16 points: scale by first·step^i (G1, G2 trusted), G2 validation."""
    n = 1 << 16
    k = b"".join((i + 7).to_bytes(32, "little") for i in range(DISTINCT))
    g1 = nat.g1_batch_mul(nat.g1_generator() * DISTINCT, k) * (n // DISTINCT)
    g2 = nat.g2_batch_mul(nat.g2_generator() * DISTINCT, k) * (n // DISTINCT)
    first, step = (123456789).to_bytes(32, "little"), (2**200 + 12345).to_bytes(32, "little")
    for name, fn in (("g1_scale_powers 2^16", lambda: nat.g1_scale_powers(g1, first, step)),
                     ("g2_scale_powers 2^16 (trusted)", lambda: nat.g2_scale_powers(g2, first, step, trusted=True)),
                     ("g2_validate 2^16", lambda: nat.g2_validate(g2))):
        w, c = timed(fn, rounds)
        print(f"{name}: wall {w:.3f} s, cpu {c:.3f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--native", help="path of a zkvct._native .so to load instead of the installed one")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", choices=["prove", "lincomb", "setup", "scale"])
    a = ap.parse_args()
    nat = load_native(a.native)
    print(f"module: {nat.__file__}")
    if a.only in (None, "lincomb"):
        bench_lincomb(nat, a.rounds, np.random.default_rng(1))
    if a.only in (None, "setup"):
        bench_setup(nat, a.rounds)
    if a.only == "scale":  # slow (~20 s CPU per build): only on request
        bench_scale(nat, a.rounds)
    if a.only in (None, "prove"):
        bench_prove(nat, a.rounds, np.random.default_rng(1))


if __name__ == "__main__":
    main()
