"""The ChaCha20-based deterministic RNG of ffjavascript (``ffjavascript/src/chacha.js``).

snarkjs derives several ceremony values from it, so they must be reproduced bit for bit:

* ``hashToG2`` (the ``g2_sp`` point of every proof of knowledge) seeds it with the first 32 bytes
  of a BLAKE2b hash, read as eight big-endian u32 words;
* a beacon's keys come from it, seeded with the iterated SHA-256 of the beacon value;
* a contributor's keys come from it, seeded with BLAKE2b(OS entropy || user text).

The generator is the ChaCha20 block function (10 double rounds) with the 8-word seed as key, a
zero nonce and the 32-bit block counter in word 12 (carrying into words 13-15); every block yields
16 u32 words in order. ``next_u64`` is ``(u32 << 32) | u32`` (first word high), and ``next_bool``
is the low bit of the next word.
"""
from __future__ import annotations

_M32 = 0xFFFFFFFF


def _quarter(st: list[int], a: int, b: int, c: int, d: int) -> None:
    st[a] = (st[a] + st[b]) & _M32
    x = st[d] ^ st[a]
    st[d] = ((x << 16) | (x >> 16)) & _M32
    st[c] = (st[c] + st[d]) & _M32
    x = st[b] ^ st[c]
    st[b] = ((x << 12) | (x >> 20)) & _M32
    st[a] = (st[a] + st[b]) & _M32
    x = st[d] ^ st[a]
    st[d] = ((x << 8) | (x >> 24)) & _M32
    st[c] = (st[c] + st[d]) & _M32
    x = st[b] ^ st[c]
    st[b] = ((x << 7) | (x >> 25)) & _M32


class ChaCha:
    """ffjavascript-compatible ChaCha RNG seeded with eight u32 words."""

    def __init__(self, seed: list[int] | tuple[int, ...]):
        if len(seed) != 8 or any(not 0 <= w <= _M32 for w in seed):
            raise ValueError("ChaCha seed must be eight unsigned 32-bit words")
        self._state = [0x61707865, 0x3320646E, 0x79622D32, 0x6B206574, *seed, 0, 0, 0, 0]
        self._buf: list[int] = []
        self._idx = 16

    @classmethod
    def from_bytes_be(cls, seed32: bytes | bytearray) -> "ChaCha":
        """Seed from the first 32 bytes, read as eight big-endian u32 words (snarkjs' convention)."""
        if len(seed32) < 32:
            raise ValueError("ChaCha seed needs 32 bytes")
        return cls([int.from_bytes(seed32[4 * i:4 * i + 4], "big") for i in range(8)])

    def _update(self) -> None:
        st = self._state
        x = list(st)
        for _ in range(10):
            _quarter(x, 0, 4, 8, 12)
            _quarter(x, 1, 5, 9, 13)
            _quarter(x, 2, 6, 10, 14)
            _quarter(x, 3, 7, 11, 15)
            _quarter(x, 0, 5, 10, 15)
            _quarter(x, 1, 6, 11, 12)
            _quarter(x, 2, 7, 8, 13)
            _quarter(x, 3, 4, 9, 14)
        self._buf = [(x[i] + st[i]) & _M32 for i in range(16)]
        self._idx = 0
        for k in (12, 13, 14, 15):  # 128-bit block counter, as ffjavascript carries it
            st[k] = (st[k] + 1) & _M32
            if st[k] != 0:
                break

    def next_u32(self) -> int:
        if self._idx == 16:
            self._update()
        v = self._buf[self._idx]
        self._idx += 1
        return v

    def next_u64(self) -> int:
        hi = self.next_u32()
        return (hi << 32) | self.next_u32()

    def next_bool(self) -> bool:
        return (self.next_u32() & 1) == 1

    def wipe(self) -> None:
        """Forget the key stream (the seed is secret for a contributor's RNG)."""
        for i in range(16):
            self._state[i] = 0
        self._buf = [0] * 16
        self._idx = 16
