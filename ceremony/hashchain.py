"""The response-hash chain of a contribution, on the native BLAKE2b.

A ``.ptau`` contribution record stores the 216-byte BLAKE2b state reached after the previous
challenge and the new compressed points (snarkjs's "partialHash", the @noble/hashes state dump).
The native ``blake2b_update`` resumes from and returns exactly that dump, stale buffer bytes
included, so the state after any chain of calls is byte-identical to the one snarkjs writes.
"""
from __future__ import annotations

from zkvct import native


class ResponseHash:
    """Resumable BLAKE2b-512 whose :meth:`state` is the snarkjs partialHash."""

    def __init__(self, data: bytes | bytearray | memoryview = b"") -> None:
        self._state = native.blake2b_update(None, data)

    def update(self, data: bytes | bytearray | memoryview) -> None:
        self._state = native.blake2b_update(self._state, data)

    def state(self) -> bytes:
        return bytes(self._state)

    def digest(self) -> bytes:
        return native.blake2b_digest(self._state)
