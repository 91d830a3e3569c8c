"""The resumable BLAKE2b against hashlib, and its 216-byte state dump (snarkjs partialHash)."""
from __future__ import annotations

import hashlib
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony.blake2b import STATE_BYTES, Blake2b


@given(st.binary(max_size=1200), st.lists(st.integers(min_value=0, max_value=1200), max_size=6))
@settings(max_examples=150, deadline=None)
def test_digest_matches_hashlib_for_any_split(data: bytes, cuts: list[int]) -> None:
    h = Blake2b()
    points = sorted({min(c, len(data)) for c in cuts})
    prev = 0
    for c in points + [len(data)]:
        h.update(data[prev:c])
        prev = c
    assert h.digest() == hashlib.blake2b(data, digest_size=64).digest()


@given(st.binary(max_size=900), st.binary(max_size=900))
@settings(max_examples=150, deadline=None)
def test_resume_from_state_equals_one_pass(head: bytes, tail: bytes) -> None:
    state = Blake2b(head).state()
    assert len(state) == STATE_BYTES
    resumed = Blake2b.from_state(state)
    resumed.update(tail)
    assert resumed.digest() == hashlib.blake2b(head + tail, digest_size=64).digest()


@pytest.mark.parametrize("n", [0, 1, 127, 128, 129, 256, 257])
def test_state_layout_keeps_last_block_pending(n: int) -> None:
    """Like every BLAKE2, a full last block stays buffered (it may be the final one)."""
    state = Blake2b(b"\x01" * n).state()
    compressed = struct.unpack_from("<Q", state, 192)[0]
    pos = struct.unpack_from("<I", state, 200)[0]
    assert compressed + pos == n
    assert (pos == 0) == (n == 0)
    assert 0 <= pos <= 128 and compressed % 128 == 0
    assert state[204:] == bytes(12)


def test_malformed_states_are_rejected() -> None:
    good = bytearray(Blake2b(b"abc").state())
    with pytest.raises(ValueError, match="216 bytes"):
        Blake2b.from_state(bytes(good[:-1]))
    bad = bytearray(good)
    struct.pack_into("<I", bad, 200, 129)
    with pytest.raises(ValueError, match="buffer position"):
        Blake2b.from_state(bytes(bad))
    bad = bytearray(good)
    struct.pack_into("<Q", bad, 192, 5)
    with pytest.raises(ValueError, match="multiple of 128"):
        Blake2b.from_state(bytes(bad))
