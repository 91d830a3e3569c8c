"""Phase 2 (per circuit, Groth16 ``.zkey``): contribute, beacon and verify, as snarkjs 0.7 does.

A contribution with secret δ multiplies δ·G1 and δ·G2 in the header by δ and divides the L (C)
and H sections by δ. Its record (section 10) holds δ_after·G1, the proof-of-knowledge key
s·G1, s·δ·G1, δ·g2_sp with g2_sp = hashToG2(transcript) and
``transcript = BLAKE2b(csHash ‖ pubkey(c_1) ‖ … ‖ pubkey(c_k) ‖ U(s·G1) ‖ U(s·δ·G1))``,
pubkey(c) = U(δ_after) ‖ U(s) ‖ U(s·δ) ‖ U(δ·g2_sp) ‖ transcript. The published contribution
hash is BLAKE2b(pubkey(new)).

Verification rebuilds the initial key from the ``.r1cs`` and the prepared ``.ptau`` with the
Groth16 setup (:func:`zkvct.groth16.setup.setup_files`), demands identical circuit-fixed parts,
walks the δ chain (transcript, proof of knowledge, ratio to the previous δ, beacon
reproduction), and checks L and H against the initial key with random linear combinations
(native MSMs) and one pairing equation each.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from zkvct.curve import G1_GENERATOR, G2_GENERATOR, G1Point, G2Point
from zkvct.errors import ZkvctError
from zkvct.field import R
from zkvct.formats.zkey import Contribution as ZContribution
from zkvct.formats.binfile import BinWriter
from zkvct.formats.contribution_params import truncate_name
from zkvct.formats.zkey import GROTH16_PROTOCOL_ID, ZKEY_MAGIC, ZKEY_VERSION, MPCParams, Zkey, ZkeyHeader, read_zkey

from . import kernels as K
from .chacha import ChaCha
from .keys import beacon_rng
from .phase1 import Progress
from .phase1_verify import same_ratio
from .sampling import fr_from_rng, g1_from_rng, hash_to_g2


class ZkeyInvalid(ZkvctError):
    """The zkey was read and a phase-2 check failed; the message says which."""


def hash_pubkey(h, c: ZContribution) -> None:
    """snarkjs ``hashPubKey``: the public part of one contribution, uncompressed, plus its transcript."""
    h.update(G1Point.from_lem_checked(c.delta_after).to_uncompressed())
    h.update(G1Point.from_lem_checked(c.g1_s).to_uncompressed())
    h.update(G1Point.from_lem_checked(c.g1_sx).to_uncompressed())
    h.update(G2Point.from_lem_checked(c.g2_spx).to_uncompressed())
    h.update(c.transcript)


def _accumulated(mpc: MPCParams, upto: int):
    h = hashlib.blake2b(digest_size=64)
    h.update(mpc.cs_hash)
    for c in mpc.contributions[:upto]:
        hash_pubkey(h, c)
    return h


def contribution_hash(c: ZContribution) -> bytes:
    h = hashlib.blake2b(digest_size=64)
    hash_pubkey(h, c)
    return h.digest()


@dataclass
class Phase2Result:
    contribution_hash: bytes
    contribution: ZContribution


def _apply(inp: str | Path, out: str | Path, rng: ChaCha, record: dict, progress: Progress) -> Phase2Result:
    # Only the points the secret touches need checking here (header points are always checked by
    # the reader; L and H below): A/B1/B2 are copied unchanged and the coordinator or
    # `zkey verify` checks the whole key. Skipping the B2 subgroup checks saves most of the time.
    with read_zkey(inp, trusted=True) as zk:
        for name, view in (("C (L)", zk.c), ("H", zk.h)):
            try:
                K.validate("G1", view, allow_infinity=True)
            except ValueError as exc:
                raise ZkeyInvalid(f"{inp}: section {name}: {exc}") from exc
        acc = _accumulated(zk.mpc, len(zk.mpc.contributions))
        delta = fr_from_rng(rng)
        g1_s = g1_from_rng(rng)
        g1_sx = g1_s.mul(delta)
        acc.update(g1_s.to_uncompressed())
        acc.update(g1_sx.to_uncompressed())
        transcript = acc.digest()
        g2_spx = hash_to_g2(transcript).mul(delta)
        delta1 = G1Point.from_lem_checked(zk.header.delta1).mul(delta)
        delta2 = G2Point.from_lem_checked(zk.header.delta2).mul(delta)
        inv = pow(delta, -1, R)
        delta = 0
        if progress:
            progress("L section", 0, 2)
        new_c = K.scale_powers("G1", zk.c, inv, 1) if len(zk.c) else b""
        if progress:
            progress("H section", 1, 2)
        new_h = K.scale_powers("G1", zk.h, inv, 1)
        inv = 0
        contrib = ZContribution(delta1.to_lem(), g1_s.to_lem(), g1_sx.to_lem(), g2_spx.to_lem(), transcript, **record)
        header = replace(zk.header, delta1=delta1.to_lem(), delta2=delta2.to_lem())
        mpc = MPCParams(zk.mpc.cs_hash, list(zk.mpc.contributions) + [contrib])
        _write_contributed(out, zk, header, mpc, new_c, new_h)
        if progress:
            progress("H section", 2, 2)
    return Phase2Result(contribution_hash(contrib), contrib)


def _write_contributed(out: str | Path, zk: Zkey, header: ZkeyHeader, mpc: MPCParams, c: bytes, h: bytes) -> None:
    """Write sections 1-10 in id order, as snarkjs' ``zkey contribute``/``beacon`` do (atomic)."""
    import struct

    payloads = {1: struct.pack("<I", GROTH16_PROTOCOL_ID), 2: header.encode(), 3: zk.ic, 4: zk.coeffs,
                5: zk.a, 6: zk.b1, 7: zk.b2, 8: c, 9: h, 10: mpc.encode()}
    with BinWriter(out, magic=ZKEY_MAGIC, version=ZKEY_VERSION, n_sections=10) as w:
        for sid in range(1, 11):
            w.section(sid, payloads[sid])


def contribute(inp: str | Path, out: str | Path, name: str = "", entropy: str = "", progress: Progress = None) -> Phase2Result:
    """Add a phase-2 contribution with fresh randomness (OS entropy mixed with ``entropy``)."""
    seed = bytearray(os.urandom(64)) + entropy.encode("utf-8")
    digest = bytearray(hashlib.blake2b(bytes(seed), digest_size=64).digest())
    rng = ChaCha.from_bytes_be(digest)
    seed[:] = bytes(len(seed))
    digest[:] = bytes(len(digest))
    try:
        return _apply(inp, out, rng, {"type": 0, "name": truncate_name(name) or None}, progress)
    finally:
        rng.wipe()


def beacon(inp: str | Path, out: str | Path, beacon_hash: bytes, num_iterations_exp: int, name: str = "", progress: Progress = None) -> Phase2Result:
    """Apply the final public beacon (reproducible by anyone from the beacon value)."""
    if not 1 <= len(beacon_hash) <= 255:
        raise ValueError(f"beacon hash must be 1..255 bytes, got {len(beacon_hash)}")
    rng = beacon_rng(beacon_hash, num_iterations_exp)
    record = {"type": 1, "name": truncate_name(name) or None, "num_iterations_exp": num_iterations_exp, "beacon_hash": bytes(beacon_hash)}
    return _apply(inp, out, rng, record, progress)


# ---------------------------------------------------------------- verification

def _rand_scalars(n: int) -> bytes:
    arr = np.zeros((n, 32), dtype=np.uint8)
    arr[:, :8] = np.frombuffer(os.urandom(8 * n), dtype=np.uint8).reshape(n, 8)
    return arr.tobytes()


def _same_ratio_sections(init: memoryview, cur: memoryview, delta2: G2Point) -> bool:
    """cur_i = init_i / δ for all i, checked as e(Σρ·init, G2) == e(Σρ·cur, δ·G2)."""
    n = len(init) // 64
    if n == 0:
        return len(cur) == 0
    rho = _rand_scalars(n)
    a = G1Point.from_lem_checked(K.msm("G1", init, rho, trusted=True), allow_infinity=True)  # both keys were read
    b = G1Point.from_lem_checked(K.msm("G1", cur, rho, trusted=True), allow_infinity=True)  # with validation
    return same_ratio(a, b, delta2, G2_GENERATOR)


def verify(zkey_path: str | Path, r1cs_path: str | Path, ptau_path: str | Path, progress: Progress = None) -> dict:
    """Verify a phase-2 ``.zkey`` against its circuit and the phase-1 ``.ptau``; raise :class:`ZkeyInvalid`."""
    with tempfile.TemporaryDirectory(prefix="zkvct-verify-") as tmp:
        init_path = rebuild_initial(r1cs_path, ptau_path, Path(tmp) / "init.zkey", progress)
        return verify_against(zkey_path, init_path, progress)


def rebuild_initial(r1cs_path: str | Path, ptau_path: str | Path, out: str | Path, progress: Progress = None) -> Path:
    """The initial key this circuit and phase-1 file produce (the Groth16 setup), written to ``out``:
    the reference every contribution is checked against. A verifier that checks several keys of
    one circuit (a coordinator, one upload after another) builds it once and keeps it."""
    from zkvct.groth16.setup import setup_files

    if progress:
        progress("rebuilding the initial key", 0, 1)
    setup_files(str(r1cs_path), str(ptau_path), str(out))
    return Path(out)


def verify_against(zkey_path: str | Path, initial_path: str | Path, progress: Progress = None) -> dict:
    """Verify a phase-2 ``.zkey`` against an initial key made by :func:`rebuild_initial` (trusted:
    the caller built it from the circuit and the verified phase-1 file); raise :class:`ZkeyInvalid`."""
    with read_zkey(initial_path, trusted=True) as init, read_zkey(zkey_path) as zk:
        return _verify(zk, init, progress)


def _verify(zk: Zkey, init: Zkey, progress: Progress) -> dict:
    h, hi = zk.header, init.header
    for f in ("n_vars", "n_public", "domain_size", "alpha1", "beta1", "beta2", "gamma2"):
        if getattr(h, f) != getattr(hi, f):
            raise ZkeyInvalid(f"header field {f} differs from the key this circuit and ptau produce")
    if zk.mpc.cs_hash != init.mpc.cs_hash:
        raise ZkeyInvalid("circuit hash differs: the key was not made for this circuit and ptau")
    for nm, a, b in (("IC", zk.ic, init.ic), ("coefficients", zk.coeffs, init.coeffs), ("A", zk.a, init.a), ("B1", zk.b1, init.b1), ("B2", zk.b2, init.b2)):
        if a != b:
            raise ZkeyInvalid(f"section {nm} differs from the key this circuit and ptau produce")
    acc = hashlib.blake2b(digest_size=64)
    acc.update(zk.mpc.cs_hash)
    cur_delta = G1_GENERATOR
    out = []
    for i, c in enumerate(zk.mpc.contributions, start=1):
        who = f"contribution #{i}" + (f" ({c.name})" if c.name else "")
        g1_s, g1_sx = G1Point.from_lem_checked(c.g1_s, f"{who} g1_s"), G1Point.from_lem_checked(c.g1_sx, f"{who} g1_sx")
        after = G1Point.from_lem_checked(c.delta_after, f"{who} deltaAfter")
        g2_spx = G2Point.from_lem_checked(c.g2_spx, f"{who} g2_spx")
        ours = acc.copy()
        ours.update(g1_s.to_uncompressed())
        ours.update(g1_sx.to_uncompressed())
        if ours.digest() != c.transcript:
            raise ZkeyInvalid(f"{who}: transcript hash does not match the previous contributions (wrong previous hash)")
        g2_sp = hash_to_g2(c.transcript)
        if not same_ratio(g1_s, g1_sx, g2_sp, g2_spx):
            raise ZkeyInvalid(f"{who}: invalid proof of knowledge of delta (wrong ratio)")
        if not same_ratio(cur_delta, after, g2_sp, g2_spx):
            raise ZkeyInvalid(f"{who}: delta does not follow from the previous delta with this key")
        if c.type == 1:
            if c.beacon_hash is None or c.num_iterations_exp is None:
                raise ZkeyInvalid(f"{who}: beacon record without its beacon hash or iteration exponent")
            rng = beacon_rng(c.beacon_hash, c.num_iterations_exp)
            prv = fr_from_rng(rng)
            exp_s = g1_from_rng(rng)
            if exp_s != g1_s or exp_s.mul(prv) != g1_sx:
                raise ZkeyInvalid(f"{who}: beacon key is not the one the beacon value reproduces")
        hash_pubkey(acc, c)
        cur_delta = after
        out.append({"index": i, "name": c.name or "", "type": "beacon" if c.type == 1 else "contribution",
                    "contribution_hash": contribution_hash(c).hex()})
    delta1 = G1Point.from_lem_checked(h.delta1, "header delta1")
    delta2 = G2Point.from_lem_checked(h.delta2, "header delta2")
    if delta1 != cur_delta:
        raise ZkeyInvalid("header delta1 is not the last contribution's deltaAfter")
    if not same_ratio(G1_GENERATOR, delta1, G2_GENERATOR, delta2):
        raise ZkeyInvalid("header delta1 and delta2 do not hold the same delta")
    if progress:
        progress("L and H sections", 0, 2)
    if len(zk.c) != len(init.c) or not _same_ratio_sections(init.c, zk.c, delta2):
        raise ZkeyInvalid("section C (L) is not the initial one divided by delta")
    if len(zk.h) != len(init.h) or not _same_ratio_sections(init.h, zk.h, delta2):
        raise ZkeyInvalid("section H is not the initial one divided by delta")
    return {"ok": True, "circuit_hash": zk.mpc.cs_hash.hex(), "contributions": out}
