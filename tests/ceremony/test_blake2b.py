"""The ceremony's hash chain primitive: native resumable BLAKE2b vs the pure-Python oracle vs hashlib.

The ceremony hashes with ``zkvct.native.blake2b_update`` / ``blake2b_digest``; the 216-byte state
it exports is the snarkjs ``partialHash``. Three independent implementations must agree: the
native one, tests/blake2b_reference.py (pure Python) on the exported state byte for byte, and
hashlib on every digest.
"""
from __future__ import annotations

import hashlib
import struct

import pytest
from blake2b_reference import STATE_BYTES, Blake2b
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvct import native


def _native_hash(parts: list[bytes]) -> bytes:
    state = None
    for p in parts:
        state = native.blake2b_update(state, p)
    return state if state is not None else native.blake2b_update(None, b"")


@given(st.binary(max_size=1200), st.lists(st.integers(min_value=0, max_value=1200), max_size=6))
@settings(max_examples=150, deadline=None)
def test_native_reference_and_hashlib_agree_for_any_split(data: bytes, cuts: list[int]) -> None:
    points = sorted({min(c, len(data)) for c in cuts})
    bounds = [0] + points + [len(data)]
    parts = [data[a:b] for a, b in zip(bounds, bounds[1:])]
    ref = Blake2b()
    for p in parts:
        ref.update(p)
    state = _native_hash(parts)
    expected = hashlib.blake2b(data, digest_size=64).digest()
    assert state == ref.state()
    assert native.blake2b_digest(state) == ref.digest() == expected


@given(st.binary(max_size=900), st.binary(max_size=900))
@settings(max_examples=150, deadline=None)
def test_resume_across_implementations(head: bytes, tail: bytes) -> None:
    """A state exported by either implementation resumes identically in the other (partialHash)."""
    expected = hashlib.blake2b(head + tail, digest_size=64).digest()
    ref_state = Blake2b(head).state()
    nat_state = native.blake2b_update(None, head)
    assert len(nat_state) == STATE_BYTES and nat_state == ref_state
    assert native.blake2b_digest(native.blake2b_update(ref_state, tail)) == expected
    resumed = Blake2b.from_state(nat_state)
    resumed.update(tail)
    assert resumed.digest() == expected


def test_section_sized_input_matches_hashlib() -> None:
    """Whole-section updates (the hot path) over many blocks, starting from a 64-byte challenge."""
    challenge = hashlib.blake2b(b"challenge", digest_size=64).digest()
    section = bytes(range(256)) * 4099  # not a multiple of the block size
    state = native.blake2b_update(native.blake2b_update(None, challenge), section)
    assert native.blake2b_digest(state) == hashlib.blake2b(challenge + section, digest_size=64).digest()


@pytest.mark.parametrize("n", [0, 1, 127, 128, 129, 256, 257])
def test_state_layout_keeps_last_block_pending(n: int) -> None:
    """Like every BLAKE2, a full last block stays buffered (it may be the final one)."""
    state = native.blake2b_update(None, b"\x01" * n)
    assert state == Blake2b(b"\x01" * n).state()
    compressed = struct.unpack_from("<Q", state, 192)[0]
    pos = struct.unpack_from("<I", state, 200)[0]
    assert compressed + pos == n
    assert (pos == 0) == (n == 0)
    assert 0 <= pos <= 128 and compressed % 128 == 0
    assert state[204:] == bytes(12)


@pytest.mark.parametrize("resume", [
    lambda s: native.blake2b_update(s, b"x"),
    lambda s: native.blake2b_digest(s),
    lambda s: Blake2b.from_state(s),
])
def test_malformed_states_are_rejected(resume) -> None:
    good = bytearray(native.blake2b_update(None, b"abc"))
    with pytest.raises(ValueError, match="216 bytes"):
        resume(bytes(good[:-1]))
    bad = bytearray(good)
    struct.pack_into("<I", bad, 200, 129)
    with pytest.raises(ValueError, match="buffer position"):
        resume(bytes(bad))
    bad = bytearray(good)
    struct.pack_into("<Q", bad, 192, 5)
    with pytest.raises(ValueError, match="multiple of 128"):
        resume(bytes(bad))


@given(st.lists(st.binary(max_size=400), max_size=8))
@settings(max_examples=200, deadline=None)
def test_response_hash_state_equals_one_live_reference_object(parts: list[bytes]) -> None:
    """Chained native calls keep noble's stale buffer bytes (byte-identical partialHash in files)."""
    from ceremony.hashchain import ResponseHash

    live, ours = Blake2b(), ResponseHash()
    for p in parts:
        live.update(p)
        ours.update(p)
        assert ours.state() == live.state()
    assert ours.digest() == live.digest() == hashlib.blake2b(b"".join(parts), digest_size=64).digest()
