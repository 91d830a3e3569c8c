"""Helpers that forge or damage ``.ptau`` files for the attack tests."""
from __future__ import annotations

import shutil
from pathlib import Path

from g16_badpoints import g2_not_in_subgroup
from zkvct.curve import G1Point
from zkvct.formats.binfile import BinWriter, read_binfile

from ceremony.ptau_file import encode_contributions, open_ptau


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
    with open_ptau(src) as pt:
        contribs = list(pt.contributions)
    edit(contribs)
    return rewrite(src, dst, {7: encode_contributions(contribs)})


def g2_point_outside_subgroup() -> bytes:
    """LEM bytes of a point on the twist curve that is not in the order-r subgroup."""
    return g2_not_in_subgroup(1)[0].to_lem()


def g1_point_off_curve() -> bytes:
    return G1Point(1, 3).to_lem()


BEACON = "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
POWER = 4


def copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst
