"""Native BLAKE2b over snarkjs's 216-byte resumable state vs hashlib and tests/blake2b_reference.py."""
from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings, strategies as st

import zkvct._native as nat

chunks = st.lists(st.binary(max_size=300), max_size=6)


@settings(max_examples=80, deadline=None)
@given(chunks)
def test_digest_matches_hashlib_across_arbitrary_chunking(parts):
    state = None
    for p in parts:
        state = nat.blake2b_update(state, p)
    assert nat.blake2b_digest(state) == hashlib.blake2b(b"".join(parts), digest_size=64).digest()


@settings(max_examples=60, deadline=None)
@given(chunks)
def test_state_dumps_are_byte_identical_to_the_python_implementation(parts):
    from blake2b_reference import Blake2b

    py = Blake2b()
    state = nat.blake2b_update(None, b"")
    assert state == py.state()
    for p in parts:
        py.update(p)
        state = nat.blake2b_update(state, p)
        assert state == py.state()
        # resuming the Python object from the native state continues identically
        assert Blake2b.from_state(state).digest() == nat.blake2b_digest(state)


def test_empty_and_block_boundaries():
    assert nat.blake2b_digest(None) == hashlib.blake2b(b"", digest_size=64).digest()
    for n in (127, 128, 129, 255, 256, 257, 128 * 40):
        data = bytes(range(256)) * (n // 256 + 1)
        data = data[:n]
        assert nat.blake2b_digest(nat.blake2b_update(None, data)) == hashlib.blake2b(data, digest_size=64).digest()


def test_malformed_states_are_rejected():
    good = nat.blake2b_update(None, b"abc")
    with pytest.raises(ValueError, match="must be 216 bytes"):
        nat.blake2b_update(good[:-1], b"")
    bad = bytearray(good)
    bad[200:204] = (129).to_bytes(4, "little")
    with pytest.raises(ValueError, match="buffer position 129"):
        nat.blake2b_digest(bytes(bad))
    bad = bytearray(good)
    bad[192:200] = (5).to_bytes(8, "little")
    with pytest.raises(ValueError, match="not a multiple of 128"):
        nat.blake2b_update(bytes(bad), b"x")
