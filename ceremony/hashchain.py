"""The response-hash chain of a contribution on the native BLAKE2b, with snarkjs's exact partialHash.

A ``.ptau`` contribution record stores the 216-byte BLAKE2b state reached after the previous
challenge and the new compressed points (snarkjs's "partialHash", the @noble/hashes state dump).
The hashing runs natively (``zkvct._native.blake2b_update``), one call per chunk of points.

Why the 128-byte shadow buffer: bytes 0-127 of the dump are noble's block buffer, whose bytes past
``pos`` are *stale* leftovers of earlier blocks. They do not affect any hash, but snarkjs writes
them, and the file must be byte-identical to snarkjs's. ``blake2b_update`` resumes from the state
with the stale bytes zeroed, so a chain of calls only keeps the stale bytes written by the last
call. :class:`ResponseHash` therefore replays the buffer writes of BLAKE2b's update (at most three
slice copies per call, no compression) and puts the stale bytes back into the exported state.
"""
from __future__ import annotations

from zkvct import _native

_BLOCK = 128


class ResponseHash:
    """Resumable BLAKE2b-512 whose :meth:`state` is byte-identical to the snarkjs partialHash."""

    def __init__(self, data: bytes | bytearray | memoryview = b"") -> None:
        self._state = _native.blake2b_update(None, b"")
        self._shadow = bytearray(_BLOCK)  # noble's block buffer, stale bytes included
        self._pos = 0
        if data:
            self.update(data)

    def update(self, data: bytes | bytearray | memoryview) -> None:
        self._state = _native.blake2b_update(self._state, data)
        self._replay_buffer_writes(memoryview(data).cast("B"))

    def _replay_buffer_writes(self, mv: memoryview) -> None:
        """The buffer copies of BLAKE2b update (same control flow as the native one), no hashing."""
        n, i, pos = len(mv), 0, self._pos
        while i < n:
            if pos == _BLOCK:  # the full buffer is compressed once more data follows
                pos = 0
            if pos == 0:  # whole blocks are compressed straight from the input, the last kept back
                i += (n - i - 1) // _BLOCK * _BLOCK
            take = min(_BLOCK - pos, n - i)
            self._shadow[pos:pos + take] = mv[i:i + take]
            pos += take
            i += take
        self._pos = pos

    def state(self) -> bytes:
        """The 216-byte partialHash: the native state with the stale buffer bytes restored."""
        out = bytearray(self._state)
        pos = int.from_bytes(out[200:204], "little")
        if pos != self._pos:  # the replay must follow the native update exactly
            raise RuntimeError(f"BLAKE2b buffer replay is at {self._pos}, native state at {pos}")
        out[pos:_BLOCK] = self._shadow[pos:]
        return bytes(out)

    def digest(self) -> bytes:
        return _native.blake2b_digest(self._state)
