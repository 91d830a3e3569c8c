"""Helpers that forge or damage ``.ptau`` files for the attack tests."""
from __future__ import annotations

import shutil
from pathlib import Path

from zkvct.formats.binfile import BinWriter, read_binfile

from ceremony import curve as C
from ceremony.records import encode_contributions, open_transcript


def sections_of(path: Path) -> list[tuple[int, bytes]]:
    with read_binfile(path, magic=b"ptau", versions=(1,)) as bf:
        out = []
        for sid, ranges in sorted(bf.sections.items(), key=lambda kv: kv[1][0][0]):
            for start, size in ranges:
                out.append((sid, bytes(bf.data[start:start + size])))
        return out


def rewrite(src: Path, dst: Path, replace: dict[int, bytes]) -> Path:
    secs = sections_of(src)
    with BinWriter(dst, magic=b"ptau", version=1, n_sections=len(secs)) as w:
        for sid, payload in secs:
            w.section(sid, replace.get(sid, payload))
    return dst


def section(src: Path, sid: int) -> bytes:
    return dict(sections_of(src))[sid]


def with_contributions(src: Path, dst: Path, edit) -> Path:
    """Decode section 7, let ``edit(list)`` change it, write the result to ``dst``."""
    with open_transcript(src) as pt:
        contribs = list(pt.contributions)
    edit(contribs)
    return rewrite(src, dst, {7: encode_contributions(contribs)})


def g2_point_outside_subgroup() -> bytes:
    """LEM bytes of a point on the twist curve that is not in the order-r subgroup."""
    x0 = 1
    while True:
        x = (x0, 0)
        rhs = C.f2_add(C.f2_mul(C.f2_mul(x, x), x), C.B2)
        if C.f2_is_square(rhs):
            p = (x, C.f2_sqrt(rhs))
            if C.g2_on_curve(p) and not C.g2_in_subgroup(p):
                return C.g2_to_lem(p)
        x0 += 1


def g1_point_off_curve() -> bytes:
    return C.g1_to_lem((1, 3))


BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
POWER = 4


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst
