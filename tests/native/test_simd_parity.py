"""The AVX-512 IFMA kernels and the portable ones give byte-identical results.

The native core picks its eight-lane SIMD path at run time (``zkvct._native.simd_enabled()``);
``ZKVCT_NATIVE_SIMD=0`` forces the portable GLV path. Every kernel the SIMD path serves (batch
multiplication, first·step^i scaling, G2 subgroup validation, group FFTs) runs here in two child
processes, one per path, on the same inputs; their outputs and error messages must be equal. The
Rust unit tests compare each path with arkworks' own arithmetic; this test pins the wiring.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from g16_badpoints import g2_not_in_subgroup
from zkvct import _native

SCRIPT = r"""
import hashlib, json, random, sys
from zkvct import _native as N
rng = random.Random(7)
R = 21888242871839275222246405745257275088548364400416034343698204186575808495617
def sc(v): return (v % R).to_bytes(32, "little")
n = 67  # eight-lane groups plus a ragged tail
g1 = N.g1_batch_mul(N.g1_generator() * n, b"".join(sc(rng.randrange(1, R)) for _ in range(n)))
g2 = N.g2_batch_mul(N.g2_generator() * n, b"".join(sc(rng.randrange(1, R)) for _ in range(n)))
g1 = g1[:64 * 5] + bytes(64) + g1[64 * 6:]          # infinity in the middle
ks = [0, 1, R - 1, 2, 15, 16, 2**64 - 1, 2**64] + [rng.randrange(R) for _ in range(n - 8)]
ksb = b"".join(sc(k) for k in ks)
bad = bytes.fromhex(sys.argv[1])
out = {
    "simd": N.simd_enabled(),
    "g1_batch_mul": N.g1_batch_mul(g1, ksb).hex(),
    "g2_batch_mul": N.g2_batch_mul(g2, ksb).hex(),
    "g1_scale": N.g1_scale_powers(g1, sc(rng.randrange(R)), sc(rng.randrange(R))).hex(),
    "g2_scale": N.g2_scale_powers(g2, sc(3), sc(rng.randrange(R))).hex(),
    "g1_ifft": N.g1_ifft(g1[:64 * 64]).hex(),
    "g2_ifft": N.g2_ifft(g2[:128 * 32]).hex(),
    "g2_fft": N.g2_fft(g2[:128 * 16]).hex(),
}
try:
    N.g2_validate(g2[:128 * 9] + bad + g2[128 * 10:])
    out["validate"] = "accepted"
except ValueError as exc:
    out["validate"] = str(exc)
print(json.dumps(out))
"""


def _run(bad: bytes, simd: bool) -> dict:
    env = dict(os.environ)
    if simd:
        env.pop("ZKVCT_NATIVE_SIMD", None)
    else:
        env["ZKVCT_NATIVE_SIMD"] = "0"
    res = subprocess.run([sys.executable, "-c", SCRIPT, bad.hex()], env=env, capture_output=True, text=True, timeout=600, check=True)
    return json.loads(res.stdout)


def test_simd_and_portable_paths_agree() -> None:
    if not _native.simd_enabled():
        pytest.skip("this CPU has no AVX-512 IFMA: only the portable path exists here")
    bad = g2_not_in_subgroup(1)[0].to_lem()
    fast, portable = _run(bad, True), _run(bad, False)
    assert fast.pop("simd") is True and portable.pop("simd") is False
    assert fast["validate"] == "point 9: not in the prime-order subgroup"
    for key in fast:
        assert fast[key] == portable[key], f"{key}: SIMD and portable results differ"
