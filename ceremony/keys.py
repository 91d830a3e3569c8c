"""Contribution keys (τ, α, β) and their proofs of knowledge, as snarkjs builds them.

For each secret x the public key is s·G1, s·x·G1 (s a fresh random G1 point) and x·g2_sp, where
g2_sp = hashToG2(BLAKE2b(personalization ‖ challenge ‖ U(s·G1) ‖ U(s·x·G1))) binds the key to the
challenge it answers (personalization 0, 1, 2 for τ, α, β). The same-ratio check
e(s·G1, x·g2_sp) = e(s·x·G1, g2_sp) proves knowledge of x without revealing it.

Secrets: the key is drawn from a ChaCha stream seeded by BLAKE2b(64 bytes of OS entropy ‖ user
text), as snarkjs does, so a beacon (seeded from the public beacon value instead) reuses the same
code. Python ints cannot be wiped; the seed bytes and RNG state are overwritten after use and the
scalars are dropped as soon as the sections are updated (:meth:`SecretKey.wipe`).
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

from zkvct.curve import G1Point, G2Point

from .chacha import ChaCha
from .ptau_file import PubKey
from .sampling import fr_from_rng, g1_from_rng, hash_to_g2


def g2_sp(personalization: int, challenge: bytes, g1_s: G1Point, g1_sx: G1Point) -> G2Point:
    """snarkjs ``getG2sp``: the G2 base point bound to a challenge and a key's G1 part."""
    h = hashlib.blake2b(digest_size=64)
    h.update(bytes([personalization]))
    h.update(challenge)
    h.update(g1_s.to_uncompressed())
    h.update(g1_sx.to_uncompressed())
    return hash_to_g2(h.digest())


@dataclass
class SecretKey:
    """The toxic waste of one phase-1 contribution. Never serialised, never logged."""

    tau: int
    alpha: int
    beta: int

    def __repr__(self) -> str:  # keep secrets out of tracebacks and logs
        return "SecretKey(<secret>)"

    def wipe(self) -> None:
        self.tau = self.alpha = self.beta = 0


def _pubkey_part(x: int, personalization: int, challenge: bytes, rng: ChaCha) -> tuple[G1Point, G1Point, G2Point]:
    s = g1_from_rng(rng)
    sx = s.mul(x)
    spx = g2_sp(personalization, challenge, s, sx).mul(x)
    return s, sx, spx


def key_from_rng(rng: ChaCha, challenge: bytes) -> tuple[SecretKey, PubKey]:
    """snarkjs ``createPTauKey``: three scalars, then each key's G1 base and proof."""
    sk = SecretKey(fr_from_rng(rng), fr_from_rng(rng), fr_from_rng(rng))
    t = _pubkey_part(sk.tau, 0, challenge, rng)
    a = _pubkey_part(sk.alpha, 1, challenge, rng)
    b = _pubkey_part(sk.beta, 2, challenge, rng)
    pk = PubKey(t[0], t[1], a[0], a[1], b[0], b[1], t[2], a[2], b[2])
    return sk, pk


def random_key(challenge: bytes, entropy: str = "") -> tuple[SecretKey, PubKey]:
    """A fresh contribution key from OS randomness mixed with optional user text."""
    seed_material = bytearray(os.urandom(64))
    seed_material += entropy.encode("utf-8")
    digest = bytearray(hashlib.blake2b(bytes(seed_material), digest_size=64).digest())
    rng = ChaCha.from_bytes_be(digest)
    try:
        return key_from_rng(rng, challenge)
    finally:
        seed_material[:] = bytes(len(seed_material))
        digest[:] = bytes(len(digest))
        rng.wipe()


def beacon_rng(beacon_hash: bytes, num_iterations_exp: int) -> ChaCha:
    """snarkjs ``rngFromBeaconParams``: SHA-256 iterated 2^exp times, first 32 bytes seed ChaCha."""
    if not 10 <= num_iterations_exp <= 63:
        raise ValueError(f"beacon iteration exponent {num_iterations_exp} out of range; allowed 10..63")
    cur = bytes(beacon_hash)
    for _ in range(1 << num_iterations_exp):
        cur = hashlib.sha256(cur).digest()
    return ChaCha.from_bytes_be(cur)


def beacon_key(challenge: bytes, beacon_hash: bytes, num_iterations_exp: int) -> tuple[SecretKey, PubKey]:
    """The publicly reproducible key of a beacon contribution."""
    return key_from_rng(beacon_rng(beacon_hash, num_iterations_exp), challenge)
