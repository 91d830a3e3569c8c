"""INSECURE, benchmark-only ``.ptau`` files for Groth16 setups at 2^12 .. 2^16.

snarkjs needs many minutes of ``prepare phase2`` above power ~12 on this machine, so the setup
benchmarks use a ptau made here from a tau sampled in memory (never written; the file is only as
trustworthy as this process, i.e. not at all: never use it outside benchmarks).

To keep generation affordable, only what ``zkvct.groth16.setup`` reads for the benchmarked
domain sizes is filled: the tau powers (section 2), the first point of sections 4 and 5
(alpha, beta), beta*G2 (section 6), and the Lagrange levels ``levels`` of sections 13-15 plus
``levels`` and ``levels + 1`` of section 12. Every other point is the point at infinity (all zero
bytes): the file has the exact layout and sizes of a prepared ptau of ``power``, so the setup runs
the same code path and reads the same amount of data as with a real one, but the file is
useless for any other domain size. Section 7 records no contributions.

The Lagrange points are ``L_i(tau) * G`` with ``L_i(tau)`` from an inverse FFT of the tau powers
(scalars), multiplied onto the generators by the native batch multiplication.
"""
from __future__ import annotations

import secrets
import struct
from pathlib import Path


from zkvct import native
from zkvct.field import Q, R
from zkvct.formats.binfile import BinWriter


def _fr(values: list[int]) -> bytes:
    return b"".join(v.to_bytes(32, "little") for v in values)


def write_bench_ptau(path: str | Path, power: int, levels: list[int]) -> None:
    """Write the partial INSECURE ptau described in the module docstring."""
    tau, alpha, beta = (secrets.randbelow(R - 2) + 2 for _ in range(3))
    g1, g2 = native.g1_generator(), native.g2_generator()
    top = max(levels) + 1
    n_tau = 2 ** (power + 1) - 1
    powers = [1] * (2 ** top)
    for i in range(1, len(powers)):  # scalars only, benchmark fixture generation
        powers[i] = powers[i - 1] * tau % R

    def lag_scalars(k: int) -> bytes:
        return native.fr_fft(_fr(powers[: 2 ** k]), inverse=True)

    def section_levels(max_level: int, want: set[int], g: bytes, size: int, scale: int = 1) -> bytes:
        base = native.g1_batch_mul(g, scale.to_bytes(32, "little")) if size == 64 else g
        out = bytearray()
        for k in range(max_level + 1):
            if k in want:
                out += native.g1_batch_mul(base * 2 ** k, lag_scalars(k)) if size == 64 else native.g2_batch_mul(base * 2 ** k, lag_scalars(k))
            else:
                out += bytes(size * 2 ** k)
        return bytes(out)

    want = set(levels)
    tau_g1 = native.g1_scale_powers(g1 * (2 ** top - 1), (1).to_bytes(32, "little"), tau.to_bytes(32, "little"))
    sections = {
        1: struct.pack("<I", 32) + Q.to_bytes(32, "little") + struct.pack("<II", power, power),
        2: tau_g1 + bytes(64 * (n_tau - (2 ** top - 1))),
        3: bytes(128 * 2 ** power),
        4: native.g1_batch_mul(g1, alpha.to_bytes(32, "little")) + bytes(64 * (2 ** power - 1)),
        5: native.g1_batch_mul(g1, beta.to_bytes(32, "little")) + bytes(64 * (2 ** power - 1)),
        6: native.g2_batch_mul(g2, beta.to_bytes(32, "little")),
        7: struct.pack("<I", 0),
        12: section_levels(power + 1, want | {k + 1 for k in want}, g1, 64),
        13: section_levels(power, want, g2, 128),
        14: section_levels(power, want, g1, 64, alpha),
        15: section_levels(power, want, g1, 64, beta),
    }
    del tau, alpha, beta, powers
    with BinWriter(path, magic=b"ptau", version=1, n_sections=len(sections)) as w:
        for sid in (1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15):
            w.section(sid, sections[sid])


def bench_ptau(power: int, levels: list[int], cache: Path) -> Path:
    """Cached path of a bench ptau (created on first use under ``cache``)."""
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"bench_p{power}_{'-'.join(map(str, sorted(levels)))}.ptau"
    if not path.exists():
        write_bench_ptau(path, power, levels)
    return path


if __name__ == "__main__":
    import sys
    import time

    p = int(sys.argv[1]) if len(sys.argv) > 1 else 12
    t = time.perf_counter()
    out = bench_ptau(p, [p], Path(__file__).parent / ".cache")
    print(f"{out} in {time.perf_counter() - t:.1f} s")
