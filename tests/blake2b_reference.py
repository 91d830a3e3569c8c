"""Pure-Python BLAKE2b-512 with snarkjs's exportable 216-byte state: the *test oracle* for the native one.

The ceremony hashes with the native ``zkvct.native.blake2b_update`` / ``blake2b_digest``. This
independent implementation (RFC 7693 compression written out in Python, too slow for the hot
path: ~1.6 MB/s) stays here so the tests can compare native vs this reference vs ``hashlib`` and
check the exported state layout byte for byte. hashlib cannot export or import the state.

The 216-byte layout is the one snarkjs 0.7 writes and reads as a ``.ptau`` contribution's
"partialHash" (its ``misc.toPartialHash`` / ``fromPartialHash`` on top of @noble/hashes):

====== ======================================================================
bytes  content
====== ======================================================================
0-127  the block buffer: ``pos`` pending bytes, then stale bytes of earlier blocks (ignored)
128-191 h[0..7], eight little-endian u64 chaining words
192-199 number of bytes already compressed (little-endian u64)
200-203 ``pos``: bytes waiting in the buffer (little-endian u32)
204-215 zero
====== ======================================================================

Like every BLAKE2 implementation, the last block is kept uncompressed until more data arrives
(it must be compressed with the "final" flag), so ``pos`` is in 1..128 whenever data was hashed.
``_compress`` is generated once at import time with the message schedule unrolled.
"""
from __future__ import annotations

import struct

_MASK = 0xFFFFFFFFFFFFFFFF
_IV = (
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
)
_SIGMA = (
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
    (11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4),
    (7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8),
    (9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13),
    (2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9),
    (12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11),
    (13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10),
    (6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5),
    (10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0),
    (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
    (14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3),
)
_BLOCK = 128
STATE_BYTES = 216
_WORDS = struct.Struct("<16Q")


def _generate_compress() -> str:
    """Source of ``_compress(h, block, offset, t, last)`` with all 12 rounds unrolled."""
    lines = [
        "def _compress(h, block, offset, t, last):",
        "    m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15 = _unpack(block, offset)",
        "    v0, v1, v2, v3, v4, v5, v6, v7 = h",
        f"    v8, v9, v10, v11 = {_IV[0]}, {_IV[1]}, {_IV[2]}, {_IV[3]}",
        f"    v12 = {_IV[4]} ^ (t & {_MASK})",
        f"    v13 = {_IV[5]} ^ (t >> 64)",
        f"    v14 = {_IV[6]} ^ {_MASK} if last else {_IV[6]}",
        f"    v15 = {_IV[7]}",
    ]

    def g(a: int, b: int, c: int, d: int, x: int, y: int) -> None:
        va, vb, vc, vd = f"v{a}", f"v{b}", f"v{c}", f"v{d}"
        lines.extend([
            f"    {va} = ({va} + {vb} + m{x}) & {_MASK}",
            f"    z = {vd} ^ {va}; {vd} = ((z >> 32) | (z << 32)) & {_MASK}",
            f"    {vc} = ({vc} + {vd}) & {_MASK}",
            f"    z = {vb} ^ {vc}; {vb} = ((z >> 24) | (z << 40)) & {_MASK}",
            f"    {va} = ({va} + {vb} + m{y}) & {_MASK}",
            f"    z = {vd} ^ {va}; {vd} = ((z >> 16) | (z << 48)) & {_MASK}",
            f"    {vc} = ({vc} + {vd}) & {_MASK}",
            f"    z = {vb} ^ {vc}; {vb} = ((z >> 63) | (z << 1)) & {_MASK}",
        ])

    for s in _SIGMA:
        g(0, 4, 8, 12, s[0], s[1])
        g(1, 5, 9, 13, s[2], s[3])
        g(2, 6, 10, 14, s[4], s[5])
        g(3, 7, 11, 15, s[6], s[7])
        g(0, 5, 10, 15, s[8], s[9])
        g(1, 6, 11, 12, s[10], s[11])
        g(2, 7, 8, 13, s[12], s[13])
        g(3, 4, 9, 14, s[14], s[15])
    lines.append(
        "    return (h[0] ^ v0 ^ v8, h[1] ^ v1 ^ v9, h[2] ^ v2 ^ v10, h[3] ^ v3 ^ v11,"
        " h[4] ^ v4 ^ v12, h[5] ^ v5 ^ v13, h[6] ^ v6 ^ v14, h[7] ^ v7 ^ v15)"
    )
    return "\n".join(lines) + "\n"


_namespace: dict[str, object] = {"_unpack": _WORDS.unpack_from}
exec(compile(_generate_compress(), "<blake2b-compress>", "exec"), _namespace)  # generated, no input
_compress = _namespace["_compress"]


class Blake2b:
    """Unkeyed BLAKE2b with a 64-byte digest, resumable through :meth:`state` / :meth:`from_state`."""

    digest_size = 64

    def __init__(self, data: bytes | bytearray | memoryview = b"") -> None:
        # parameter block: digest length 64, key length 0, fanout 1, depth 1
        self._h = (_IV[0] ^ 0x01010040,) + _IV[1:]
        self._t = 0  # bytes compressed so far
        self._buf = bytearray(_BLOCK)
        self._pos = 0
        self._finished = False
        if data:
            self.update(data)

    def update(self, data: bytes | bytearray | memoryview) -> "Blake2b":
        if self._finished:
            raise ValueError("BLAKE2b: update after digest")
        mv = memoryview(data).cast("B")
        n = len(mv)
        i = 0
        h = self._h
        buf = self._buf
        while i < n:
            if self._pos == _BLOCK:  # a full block is only compressed once more data follows
                self._t += _BLOCK
                h = _compress(h, buf, 0, self._t, False)
                self._pos = 0
            if self._pos == 0:
                # whole blocks straight from the input, keeping the last one back
                full = (n - i - 1) // _BLOCK
                if full > 0:
                    t = self._t
                    for off in range(i, i + full * _BLOCK, _BLOCK):
                        t += _BLOCK
                        h = _compress(h, mv, off, t, False)
                    self._t = t
                    i += full * _BLOCK
            take = min(_BLOCK - self._pos, n - i)
            buf[self._pos:self._pos + take] = mv[i:i + take]
            self._pos += take
            i += take
        self._h = h
        return self

    def copy(self) -> "Blake2b":
        other = Blake2b.__new__(Blake2b)
        other._h, other._t, other._buf = self._h, self._t, bytearray(self._buf)
        other._pos, other._finished = self._pos, self._finished
        return other

    def digest(self) -> bytes:
        """The 64-byte digest (the object stays usable for further ``digest`` calls only)."""
        buf = bytearray(self._buf)
        buf[self._pos:] = bytes(_BLOCK - self._pos)
        h = _compress(self._h, buf, 0, self._t + self._pos, True)
        return struct.pack("<8Q", *h)

    def hexdigest(self) -> str:
        return self.digest().hex()

    def state(self) -> bytes:
        """The 216-byte snarkjs ``partialHash`` dump of the current state."""
        out = bytearray(STATE_BYTES)
        out[:_BLOCK] = self._buf  # bytes past pos are stale, exactly as @noble/hashes leaves them
        struct.pack_into("<8Q", out, 128, *self._h)
        struct.pack_into("<Q", out, 192, self._t)
        struct.pack_into("<I", out, 200, self._pos)
        return bytes(out)

    @classmethod
    def from_state(cls, state: bytes | bytearray | memoryview) -> "Blake2b":
        """Resume from a 216-byte ``partialHash``; raise ValueError if it is malformed."""
        raw = bytes(state)
        if len(raw) != STATE_BYTES:
            raise ValueError(f"BLAKE2b partial state must be {STATE_BYTES} bytes, got {len(raw)}")
        pos = struct.unpack_from("<I", raw, 200)[0]
        if pos > _BLOCK:
            raise ValueError(f"BLAKE2b partial state: buffer position {pos} exceeds the block size {_BLOCK}")
        t = struct.unpack_from("<Q", raw, 192)[0]
        if t % _BLOCK:
            raise ValueError(f"BLAKE2b partial state: compressed byte count {t} is not a multiple of {_BLOCK}")
        obj = cls()
        obj._h = struct.unpack_from("<8Q", raw, 128)
        obj._t = t
        obj._buf = bytearray(raw[:_BLOCK])
        obj._buf[pos:] = bytes(_BLOCK - pos)
        obj._pos = pos
        return obj

