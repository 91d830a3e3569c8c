"""The native crate's own Rust unit tests, run as part of the suite.

They compare every fast path of `native/` with arkworks' plain arithmetic: the eight-lane AVX-512
IFMA field and ladder (`simd::*`, which skip themselves on a CPU without IFMA), the batch-affine
MSM, GLV-wNAF multiplication, the group FFT against the DFT's definition, the batched G2 subgroup
check against arkworks' own. The Python-level tests cover the bindings; these cover the kernels
with inputs the bindings never produce (crafted digits, exceptional additions).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CRATE = Path(__file__).resolve().parents[2] / "native"


def test_native_rust_unit_tests_pass() -> None:
    cargo = shutil.which("cargo") or str(Path.home() / ".cargo" / "bin" / "cargo")
    if not Path(cargo).exists() and not shutil.which(cargo):
        pytest.fail("cargo not found: the native crate needs a Rust toolchain (rustup)")
    env = dict(os.environ)
    env.pop("ZKVCT_NATIVE_SIMD", None)
    proc = subprocess.run(
        [cargo, "test", "--release", "--lib", "--locked", "--manifest-path", str(CRATE / "Cargo.toml")],
        env=env, capture_output=True, text=True, timeout=1800,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    m = re.search(r"test result: ok\. (\d+) passed; 0 failed", out)
    assert m and int(m.group(1)) >= 20, out[-2000:]
    for name in ("simd::fq8::tests::arithmetic_matches_arkworks", "simd::ladder::tests::g2_matches_arkworks",
                 "subgroup::tests::batch_agrees_with_single_checks", "fft::group_tests::group_fft_matches_the_definition"):
        assert f"test {name} ... ok" in out, f"{name} did not run"
