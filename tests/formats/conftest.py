"""Small valid files of every binary format, made once per session by this toolkit's own writers.

The hostile-input tests start from these and damage them; being valid first is what makes a
clean rejection of the damaged copy meaningful.
"""
from __future__ import annotations

import resource
from contextlib import contextmanager
from pathlib import Path

import pytest

from zkvct.formats.r1cs_file import write_r1cs
from zkvct.formats.wtns_file import write_wtns
from zkvct.groth16.setup import dev_setup
from zkvct.groth16.synthetic import chain_circuit


@pytest.fixture(scope="session")
def valid_files(tmp_path_factory) -> dict[str, Path]:
    """A .r1cs, .wtns and .zkey of a 3-constraint circuit and a prepared power-2 .ptau with one contribution."""
    from ceremony import phase1

    d = tmp_path_factory.mktemp("valid_formats")
    r1cs, witness = chain_circuit(3)
    write_r1cs(r1cs, d / "c.r1cs")
    write_wtns(d / "c.wtns", witness)
    dev_setup(r1cs, d / "c.zkey")
    phase1.new(2, d / "p0.ptau")
    phase1.contribute(d / "p0.ptau", d / "p1.ptau", name="formats tests", entropy="formats tests")
    phase1.prepare_phase2(d / "p1.ptau", d / "p.ptau")
    return {"r1cs": d / "c.r1cs", "wtns": d / "c.wtns", "zkey": d / "c.zkey", "ptau": d / "p.ptau"}


def _address_space_now() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize in /proc/self/status")


@pytest.fixture
def memory_cap():
    """The :func:`capped_memory` context manager, for tests that feed hostile sizes to a reader."""
    return capped_memory


@contextmanager
def capped_memory(headroom: int = 1 << 30):
    """Let this process grow by at most ``headroom`` bytes of address space while inside.

    A reader that sizes an allocation by a hostile header then fails at once with MemoryError
    (instead of swapping the machine or hanging), so the test sees the bug as a wrong exception.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space_now() + headroom
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
