"""The two byte encodings every derivation of docs/protocol.md is built from.

``lp`` length-prefixes each variable-length field (``u32be(len) ‖ bytes``), so two different field
lists never produce the same byte string (``("ab", "c")`` vs ``("a", "bc")``); ``h253`` maps bytes to
an integer below 2^253 < r, so the result is already a canonical public input (no reduction, no
bias worth speaking of).
"""
from __future__ import annotations

import hashlib

H253_BITS = 253
_U32_MAX = 2**32 - 1
_U64_MAX = 2**64 - 1


def lp(value: str | bytes) -> bytes:
    """``u32be(len(x)) ‖ x`` for raw bytes or a string (encoded as UTF-8)."""
    raw = value.encode("utf-8") if isinstance(value, str) else bytes(value)
    if len(raw) > _U32_MAX:
        raise ValueError(f"a length-prefixed field holds at most {_U32_MAX} bytes, got {len(raw)}")
    return len(raw).to_bytes(4, "big") + raw


def u64be(value: int) -> bytes:
    """An unsigned 64-bit big-endian integer (request expiry, nonces)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= _U64_MAX:
        raise ValueError(f"expected an integer in [0, 2^64 - 1], got {value!r}")
    return value.to_bytes(8, "big")


def h253(data: bytes) -> int:
    """``int(sha256(data), big-endian) mod 2^253``: a canonical BN254 scalar."""
    return int.from_bytes(hashlib.sha256(data).digest(), "big") & ((1 << H253_BITS) - 1)


__all__ = ["H253_BITS", "lp", "u64be", "h253"]
