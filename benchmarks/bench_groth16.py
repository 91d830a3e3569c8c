"""Groth16 benchmarks (pytest-benchmark): setup, prove, verify at 2^12, 2^14, 2^16; MSMs at 2^16.

Run: ``.venv/bin/python -m pytest benchmarks/bench_groth16.py --benchmark-only`` (from the repo
root; the first run builds an INSECURE bench ptau and keys under benchmarks/.cache, several
minutes). Circuits: see fixtures_groth16.py. For snarkjs on the same files see side_by_side.py.

What each benchmark times:
* ``setup``: zkvct.groth16.setup.setup from the bench ptau (ptau G2 points trusted: the bench
  ptau is made in-process; a real run would also check them), writing the .zkey;
* ``prove``: the native prover on an open key (zero-copy sections), no self-check; and
  ``prove_full``: the library call a user makes (read + validate the key, prove, self-verify);
* ``verify_native`` / ``verify_reference``: one proof (1 public input), JSON models in memory;
* ``msm_g1`` / ``msm_g2``: 2^16-term MSMs on the key's A / B2 points with the witness as scalars.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fixtures_groth16 import SIZES, circuit, key_and_witness, ptau_path  # noqa: E402
from zkvct import native  # noqa: E402
from zkvct.formats.wtns_file import read_wtns  # noqa: E402
from zkvct.formats.zkey import read_zkey  # noqa: E402
from zkvct.groth16.export import verification_key  # noqa: E402
from zkvct.groth16.prove import prove, prove_with_key  # noqa: E402
from zkvct.groth16.setup import setup  # noqa: E402
from zkvct.groth16.verify import verify  # noqa: E402
from zkvct.groth16.verify_reference import verify_reference  # noqa: E402


@pytest.fixture(scope="module", params=SIZES, ids=[f"2^{k}" for k in SIZES])
def size(request):
    return request.param


@pytest.fixture(scope="module")
def material(size):
    zkey, wtns = key_and_witness(size)
    zk = read_zkey(zkey, trusted=True)
    witness = read_wtns(wtns)
    yield size, zkey, zk, witness
    zk.close()


def test_setup(benchmark, size, tmp_path):
    r1cs, _ = circuit(size)
    ptau = ptau_path()
    out = tmp_path / "k.zkey"
    benchmark.pedantic(setup, args=(r1cs, ptau, out), kwargs={"trusted_ptau": True}, rounds=1 if size >= 16 else 3, iterations=1)
    benchmark.extra_info["constraints"] = r1cs.n_constraints


def test_prove(benchmark, material):
    size, _, zk, witness = material
    res = benchmark.pedantic(prove_with_key, args=(zk, witness), kwargs={"self_check": False}, rounds=5, iterations=1, warmup_rounds=1)
    assert res.publics.values


def test_prove_full(benchmark, material):
    size, zkey, _, witness = material
    benchmark.pedantic(prove, args=(zkey, witness), rounds=3 if size < 16 else 2, iterations=1)


def test_verify_native(benchmark, material):
    _, _, zk, witness = material
    res = prove_with_key(zk, witness)
    vk = verification_key(zk)
    out = benchmark(verify, vk, res.publics, res.proof)
    assert out.ok


def test_verify_reference(benchmark, material):
    size, _, zk, witness = material
    if size != SIZES[0]:
        pytest.skip("size-independent: measured once")
    res = prove_with_key(zk, witness)
    vk = verification_key(zk)
    out = benchmark.pedantic(verify_reference, args=(vk, res.publics, res.proof), rounds=3, iterations=1)
    assert out.ok


@pytest.mark.parametrize("group", ["g1", "g2"])
def test_msm_2_16(benchmark, group):
    zkey, wtns = key_and_witness(16)
    with read_zkey(zkey, trusted=True) as zk:
        bases = bytes(zk.a) if group == "g1" else bytes(zk.b2)
    scalars = np.ascontiguousarray(read_wtns(wtns))
    benchmark.pedantic(native.msm, args=(group.upper(), bases, scalars), kwargs={"trusted": True}, rounds=5, iterations=1,
                       warmup_rounds=1)
    benchmark.extra_info["terms"] = scalars.shape[0]
