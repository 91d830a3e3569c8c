"""Ad-hoc readers for the few snarkjs containers the native tests need (kept independent of
zkvct.formats so a bug there cannot hide a bug in the native prover, and vice versa)."""
from __future__ import annotations

import struct
from pathlib import Path


def sections(path: Path, magic: bytes) -> dict[int, bytes]:
    data = Path(path).read_bytes()
    assert data[:4] == magic, f"{path}: magic {data[:4]!r}"
    (n_sections,) = struct.unpack_from("<I", data, 8)
    pos, out = 12, {}
    for _ in range(n_sections):
        sid, size = struct.unpack_from("<IQ", data, pos)
        pos += 12
        out[sid] = data[pos:pos + size]
        pos += size
    return out


def zkey(path: Path) -> dict:
    s = sections(path, b"zkey")
    h = s[2]
    n8q = struct.unpack_from("<I", h, 0)[0]
    o = 4 + n8q
    n8r = struct.unpack_from("<I", h, o)[0]
    o += 4 + n8r
    n_vars, n_public, domain_size = struct.unpack_from("<III", h, o)
    o += 12
    pts = {}
    for name, size in (("alpha1", 64), ("beta1", 64), ("beta2", 128), ("gamma2", 128), ("delta1", 64), ("delta2", 128)):
        pts[name] = h[o:o + size]
        o += size
    return dict(n_vars=n_vars, n_public=n_public, domain_size=domain_size, ic=s[3], coeffs=s[4],
                a=s[5], b1=s[6], b2=s[7], c=s[8], h=s[9], **pts)


def wtns(path: Path) -> bytes:
    s = sections(path, b"wtns")
    return s[2]
