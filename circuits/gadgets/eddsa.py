"""EdDSA-Poseidon on Baby Jubjub, verifiable against circomlibjs's ``signPoseidon``.

Verification (as circomlibjs ``verifyPoseidon``): ``S < l``, ``h = Poseidon(R8x, R8y, Ax, Ay, M)``,
and ``S·B8 == R8 + (8h)·A``. The circuit also checks that A and R8 are on the curve and that A is
not of small order (``8·A`` is not the identity), decomposes ``S`` in 252 bits with ``S < l``
proven, and decomposes ``h`` in 254 bits *strictly* (below r, so ``h`` and ``h + r`` cannot both
be used).

Signing in the twin takes a secret scalar (not circomlibjs's BLAKE-512-derived key format); the
nonce is derived deterministically with BLAKE2b from the key and message. Its signatures verify in
circomlibjs and circomlibjs's verify in the twin and the circuit (tests/circuits).
"""
from __future__ import annotations

import hashlib

from zkvct.dsl.hints import bits_le
from zkvct.field import R

from . import babyjub as bj
from .bits import to_bits
from .poseidon import poseidon, poseidon_hash


def public_key(secret: int) -> tuple[int, int]:
    if not 0 < secret < bj.SUBORDER:
        raise ValueError("EdDSA secret scalar must be in 1..l-1")
    return bj.mul(bj.BASE8, secret)


def sign(secret: int, msg: int) -> tuple[tuple[int, int], int]:
    """Twin signer: returns ``(R8, S)``."""
    if not 0 <= msg < R:
        raise ValueError("message must be a field element")
    a = public_key(secret)
    seed = hashlib.blake2b(secret.to_bytes(32, "little") + msg.to_bytes(32, "little"), digest_size=64,
                           person=b"zkvct-eddsa-r").digest()
    r = int.from_bytes(seed, "little") % bj.SUBORDER
    r8 = bj.mul(bj.BASE8, r)
    h = poseidon_hash([r8[0], r8[1], a[0], a[1], msg])
    s = (r + 8 * h * secret) % bj.SUBORDER  # A = secret·B8, so S·B8 = R8 + 8h·A
    return r8, s


def verify(a: tuple[int, int], msg: int, r8: tuple[int, int], s: int) -> bool:
    """Twin verifier (same checks as the circuit)."""
    if not (bj.on_curve(a) and bj.on_curve(r8)) or not 0 <= s < bj.SUBORDER or not 0 <= msg < R:
        return False
    if bj.mul(a, 8) == bj.IDENTITY:
        return False
    h = poseidon_hash([r8[0], r8[1], a[0], a[1], msg])
    return bj.mul(bj.BASE8, s) == bj.add(r8, bj.mul(bj.mul(a, 8), h))


def assert_bits_lt_const(api, bits: list, c: int, name: str = "lt_const") -> None:
    """Constrain the number with little-endian ``bits`` to be < constant ``c`` (~1.5 per bit)."""
    with api.scope(name):
        lt = api.constant(0)
        eq = api.constant(1)
        for i in range(len(bits) - 1, -1, -1):
            b = api.as_signal(bits[i])
            if (c >> i) & 1:
                lt = lt + api.mul(eq, 1 - b, name=f"lt{i}")
                eq = api.mul(eq, b, name=f"eq{i}") if i else eq
            else:
                eq = api.mul(eq, 1 - b, name=f"eq{i}") if i else eq
        api.assert_equal(lt, 1, name="less")


def eddsa_poseidon_verify(api, ax, ay, r8x, r8y, s, msg, name: str = "eddsa") -> None:
    """Constrain ``(R8, S)`` to be a valid signature of ``msg`` under public key ``(Ax, Ay)``."""
    with api.scope(name):
        s_bits = to_bits(api, s, 252, name="s_bits")
        assert_bits_lt_const(api, s_bits, bj.SUBORDER, name="s_lt_l")
        bj.assert_on_curve(api, (ax, ay), name="a_on_curve")
        bj.assert_on_curve(api, (r8x, r8y), name="r8_on_curve")
        a2 = bj.add_circuit(api, (ax, ay), (ax, ay), name="a2")
        a4 = bj.add_circuit(api, a2, a2, name="a4")
        a8 = bj.add_circuit(api, a4, a4, name="a8")
        api.assert_nonzero(a8[0], name="a_not_small_order")
        h = poseidon(api, [r8x, r8y, ax, ay, msg], name="h")
        # strict 254-bit decomposition: bits below r, so h has exactly one
        h_bits = api.hint(bits_le, h, n_out=254, name="h_bits")
        total = api.constant(0)
        for i, b in enumerate(h_bits):
            api.assert_bool(b, name=f"h_bits[{i}]_bool")
            total = total + b * (1 << i)
        api.assert_equal(total, h, name="h_bits_sum")
        assert_bits_lt_const(api, h_bits, R, name="h_lt_r")
        left = bj.mul_fixed(api, s_bits, bj.BASE8, name="sb8")
        ha8 = bj.mul_any(api, h_bits, a8, name="ha8")
        right = bj.add_circuit(api, (r8x, r8y), ha8, name="r_plus")
        api.assert_equal(left[0], right[0], name="x_equal")
        api.assert_equal(left[1], right[1], name="y_equal")
