"""Phase 1 (universal powers of tau): new, contribute, beacon, prepare phase 2, truncate.

File-for-file compatible with snarkjs 0.7 (``powersoftau_*.js``); verification lives in
:mod:`ceremony.phase1_verify`.

Hash chain. The first challenge is BLAKE2b(BLAKE2b("") ‖ U(initial sections)). A contribution
with key k answering challenge c writes
``response = BLAKE2b(c ‖ C(new sections 2..6) ‖ U(pubkey))`` (C = compressed form) and
``next_challenge = BLAKE2b(response ‖ U(new sections 2..6))``; the record keeps the BLAKE2b
state reached just before the public key so a verifier can recompute ``response`` without the
sections.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from zkvct.curve import G1_GENERATOR, G2_GENERATOR, G1Point, G2Point
from zkvct.field import R
from zkvct.formats.binfile import BinWriter, FormatError

from . import kernels as K
from .hashchain import ResponseHash
from .keys import SecretKey, beacon_key, random_key
from .ptau_file import (
    MAGIC, MAX_POWER, VERSION, Contribution, PubKey, Ptau, encode_contributions, encode_header,
    lagrange_points, open_ptau, section_points, truncate_name,
)

Progress = Optional[Callable[[str, int, int], None]]
#: points per native call while updating a section (bounds memory at large powers)
CHUNK_POINTS = 1 << 16


class CeremonyError(FormatError):
    """An operation cannot run on this input (reduced file, wrong power...)."""


def first_challenge_hash(power: int) -> bytes:
    """BLAKE2b of the blank-contribution hash and the generator-filled sections (snarkjs)."""
    n = 1 << power
    g1 = G1_GENERATOR.to_uncompressed()
    g2 = G2_GENERATOR.to_uncompressed()
    h = hashlib.blake2b(digest_size=64)
    h.update(hashlib.blake2b(b"", digest_size=64).digest())

    def repeat(block: bytes, count: int) -> None:
        batch = 1 << 14
        big = block * batch
        for _ in range(count // batch):
            h.update(big)
        h.update(block * (count % batch))

    repeat(g1, 2 * n - 1)
    repeat(g2, n)
    repeat(g1, n)
    repeat(g1, n)
    h.update(g2)
    return h.digest()


def new(power: int, out: str | Path, progress: Progress = None) -> bytes:
    """Write the empty accumulator (every point the generator); return the first challenge hash."""
    if not 1 <= power <= MAX_POWER:
        raise CeremonyError(f"power {power} out of range; allowed 1..{MAX_POWER}")
    g1 = G1_GENERATOR.to_lem()
    g2 = G2_GENERATOR.to_lem()
    with BinWriter(out, magic=MAGIC, version=VERSION, n_sections=7) as w:
        w.section(1, encode_header(power, power))
        for sid, (grp, count) in section_points(power).items():
            unit = g1 if grp == "G1" else g2
            w.begin(sid)
            done = 0
            while done < count:
                k = min(CHUNK_POINTS, count - done)
                w.write(unit * k)
                done += k
            w.end()
            if progress:
                progress(f"section {sid}", count, count)
        w.section(7, encode_contributions([]))
    return first_challenge_hash(power)


def last_challenge(ptau: Ptau) -> bytes:
    if ptau.contributions:
        return ptau.contributions[-1].next_challenge
    return first_challenge_hash(ptau.power)


@dataclass
class ContributionResult:
    response_hash: bytes
    next_challenge: bytes
    contribution: Contribution


def _apply(src: Ptau, out: str | Path, sk: SecretKey, pk: PubKey, record: dict, progress: Progress) -> ContributionResult:
    """Scale every section by the key, hash as snarkjs does, append the record, write atomically."""
    if src.power != src.ceremony_power:
        raise CeremonyError(f"{src.path} was truncated (power {src.power} < ceremony power {src.ceremony_power}); contribute to the full file")
    challenge = last_challenge(src)
    power = src.power
    response = ResponseHash(challenge)  # native BLAKE2b; its state is the record's partialHash
    # (section, first factor, step factor): τ sections start at 1, α/β sections at α/β
    plan = [(2, 1, sk.tau), (3, 1, sk.tau), (4, sk.alpha, sk.tau), (5, sk.beta, sk.tau), (6, sk.beta, sk.tau)]
    # U(points) is hashed again once the response hash is known; spool it (a power-28 file has GBs)
    uncompressed = tempfile.SpooledTemporaryFile(max_size=256 << 20)
    firsts: dict[int, bytes] = {}
    with BinWriter(out, magic=MAGIC, version=VERSION, n_sections=7) as w:
        w.section(1, encode_header(power, power))
        for sid, first, step in plan:
            grp, count = section_points(power)[sid]
            size = K.SIZES[grp]
            data = src.section(sid)
            w.begin(sid)
            factor = first
            done = 0
            while done < count:
                k = min(CHUNK_POINTS, count - done)
                chunk = K.scale_powers(grp, data[done * size:(done + k) * size], factor, step)
                w.write(chunk)
                if done == 0:
                    firsts[sid] = chunk[:2 * size]
                u = K.lem_to_uncompressed(grp, chunk)
                response.update(K.uncompressed_to_compressed(grp, u))
                uncompressed.write(u)
                factor = factor * pow(step, k, R) % R
                done += k
                if progress:
                    progress(f"section {sid}", done, count)
            w.end()
        factor = 0
        sk.wipe()
        partial = response.state()
        response.update(pk.to_uncompressed())
        response_hash = response.digest()
        nxt = hashlib.blake2b(response_hash, digest_size=64)
        uncompressed.seek(0)
        while chunk := uncompressed.read(16 << 20):
            nxt.update(chunk)
        uncompressed.close()
        next_challenge = nxt.digest()
        contrib = Contribution(
            tau_g1=G1Point.from_lem_checked(firsts[2][64:128]),
            tau_g2=G2Point.from_lem_checked(firsts[3][128:256]),
            alpha_g1=G1Point.from_lem_checked(firsts[4][:64]),
            beta_g1=G1Point.from_lem_checked(firsts[5][:64]),
            beta_g2=G2Point.from_lem_checked(firsts[6][:128]),
            key=pk,
            partial_hash=partial,
            next_challenge=next_challenge,
            index=len(src.contributions) + 1,
            **record,
        )
        w.section(7, encode_contributions(list(src.contributions) + [contrib]))
    return ContributionResult(response_hash, next_challenge, contrib)


def contribute(inp: str | Path, out: str | Path, name: str = "", entropy: str = "", progress: Progress = None) -> ContributionResult:
    """Add a contribution with fresh randomness (OS entropy mixed with ``entropy``)."""
    with open_ptau(inp) as src:
        sk, pk = random_key(last_challenge(src), entropy)
        try:
            return _apply(src, out, sk, pk, {"type": 0, "name": truncate_name(name)}, progress)
        finally:
            sk.wipe()


def parse_beacon_hash(text: str) -> bytes:
    t = text[2:] if text.startswith("0x") else text
    try:
        raw = bytes.fromhex(t)
    except ValueError as exc:
        raise CeremonyError(f"beacon hash {text!r} is not hexadecimal") from exc
    if not 1 <= len(raw) <= 255:
        raise CeremonyError(f"beacon hash must be 1..255 bytes, got {len(raw)}")
    return raw


def beacon(inp: str | Path, out: str | Path, beacon_hash: bytes, num_iterations_exp: int, name: str = "", progress: Progress = None) -> ContributionResult:
    """Add the final, publicly reproducible beacon contribution."""
    if not 10 <= num_iterations_exp <= 63:
        raise CeremonyError(f"beacon iteration exponent {num_iterations_exp} out of range; allowed 10..63")
    if not 1 <= len(beacon_hash) <= 255:
        raise CeremonyError(f"beacon hash must be 1..255 bytes, got {len(beacon_hash)}")
    with open_ptau(inp) as src:
        sk, pk = beacon_key(last_challenge(src), beacon_hash, num_iterations_exp)
        record = {"type": 1, "name": truncate_name(name), "num_iterations_exp": num_iterations_exp, "beacon_hash": bytes(beacon_hash)}
        return _apply(src, out, sk, pk, record, progress)


def prepare_phase2(inp: str | Path, out: str | Path, progress: Progress = None) -> None:
    """Append the Lagrange sections 12-15 (group inverse FFT of every prefix of size 2^p)."""
    with open_ptau(inp) as src:
        power = src.power
        with BinWriter(out, magic=MAGIC, version=VERSION, n_sections=11) as w:
            w.section(1, encode_header(power, src.ceremony_power))
            for sid in (2, 3, 4, 5, 6, 7):
                w.section(sid, src.section(sid))
            for old, new_id in ((2, 12), (3, 13), (4, 14), (5, 15)):
                grp = "G2" if old == 3 else "G1"
                size = K.SIZES[grp]
                data = src.section(old)
                top = power + 1 if old == 2 else power
                w.begin(new_id)
                for p in range(top + 1):
                    n = 1 << p
                    if old == 2 and p == power + 1:  # τ^(2n-1) does not exist: pad with infinity
                        pts = bytes(data[:(n - 1) * size]) + bytes(size)
                    else:
                        pts = data[:n * size]
                    w.write(K.ifft(grp, pts))
                    if progress:
                        progress(f"section {new_id}", p, top)
                w.end()


def truncate(inp: str | Path, template: str) -> list[str]:
    """Write ``<template>NN.ptau`` for every power 1..power-1 (needs a prepared file), as snarkjs."""
    written = []
    with open_ptau(inp) as src:
        if not src.prepared:
            raise CeremonyError(f"{src.path} has no Lagrange sections; run prepare-phase2 before truncate")
        for p in range(1, src.power):
            path = f"{template}{p:02d}.ptau"
            pts, lag = section_points(p), lagrange_points(p)
            with BinWriter(path, magic=MAGIC, version=VERSION, n_sections=11) as w:
                w.section(1, encode_header(p, src.ceremony_power))
                for sid, (grp, n) in pts.items():
                    w.section(sid, src.section(sid)[:n * K.SIZES[grp]])
                w.section(7, src.section(7))
                for sid, (grp, n) in lag.items():
                    w.section(sid, src.section(sid)[:n * K.SIZES[grp]])
            written.append(path)
    return written


def copy_file(src: str | Path, dst: str | Path) -> None:
    """Atomic copy (temp file + rename), used by the coordinator to publish states."""
    tmp = Path(str(dst) + ".tmp")
    shutil.copyfile(src, tmp)
    tmp.replace(dst)
