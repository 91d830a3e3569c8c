"""Shared fixtures of the Groth16 benchmarks: synthetic circuits, bench ptau, keys (cached).

A "2^k constraints" circuit here is the synthetic chain with ``2^k - 2`` constraints and one
public input, so that constraints + public rows fill exactly the domain 2^k (snarkjs's rule
``floor(log2(m + nPublic)) + 1`` would otherwise round 2^k constraints up to a 2^(k+1) domain).
Files are cached under ``benchmarks/.cache`` (git-ignored); delete it to regenerate.
"""
from __future__ import annotations

from pathlib import Path

from dev_ptau import bench_ptau
from zkvct.formats.wtns_file import write_wtns
from zkvct.groth16.setup import setup
from zkvct.groth16.synthetic import chain_circuit

CACHE = Path(__file__).resolve().parent / ".cache"
SIZES = (12, 14, 16)


def ptau_path() -> Path:
    return bench_ptau(max(SIZES), list(SIZES), CACHE)


def circuit(k: int):
    return chain_circuit(2 ** k - 2)


def key_and_witness(k: int) -> tuple[Path, Path]:
    """(zkey, wtns) paths for size 2^k, created by zkvct's setup on first use."""
    zkey, wtns = CACHE / f"chain{k}.zkey", CACHE / f"chain{k}.wtns"
    if not zkey.exists() or not wtns.exists():
        r1cs, witness = circuit(k)
        setup(r1cs, ptau_path(), zkey, trusted_ptau=True)
        write_wtns(wtns, witness)
    return zkey, wtns
