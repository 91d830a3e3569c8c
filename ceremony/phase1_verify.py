"""Verify a whole phase-1 transcript (``.ptau``), with a distinct reason for every failure.

Checks, in order (a superset of snarkjs ``powersoftau verify``):

1. structure: header, section sizes, contribution records (points decoded, on curve, in the
   subgroup; parameters well formed) - :func:`ceremony.ptau_file.open_ptau`;
2. for every contribution, against the previous one (or the generator-filled start): a beacon's
   keys must be the ones its beacon value reproduces; each key's proof of knowledge
   e(s, x·g2_sp) = e(s·x, g2_sp) with g2_sp bound to the previous challenge; and the
   accumulated τ·G1, τ·G2, α·G1, β·G1, β·G2 must follow from the previous ones by the same keys
   (same-ratio pairing checks);
3. every point of sections 2-6 valid (coordinates < q, on curve, prime-order subgroup, not infinity);
4. the sections are consistent powers of the final τ, α and β (random 64-bit ρ_i, native MSMs;
   see :func:`_sections_consistent`: every G1 section is checked against one combination
   Y = Σ ρ_i·Q_i of the τ·G2 section; when that fails, the per-section ratio checks
   R1 = Σ ρ_i·P_i, R2 = Σ ρ_i·P_{i+1}, e(R1, τ·G2) = e(R2, G2) name the section at fault);
5. the first points equal the generator and the last contribution's values;
6. the last record's next-challenge hash equals the hash of its response and the sections;
7. Lagrange sections (if present) agree with the powers at a random point per domain size.
"""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ThreadPoolExecutor
import numpy as np
from dataclasses import dataclass, field
from pathlib import Path

from zkvct.curve import G1_GENERATOR, G2_GENERATOR, G1Point, G2Point
from zkvct.errors import ZkvctError
from zkvct.field import R

from . import kernels as K
from .keys import beacon_key, g2_sp
from .phase1 import Progress, first_challenge_hash
from .ptau_file import Contribution, Ptau, open_ptau, section_points


class TranscriptInvalid(ZkvctError):
    """The transcript was read and a check failed; the message says which and where."""


@dataclass
class _Prev:
    tau_g1: G1Point
    tau_g2: G2Point
    alpha_g1: G1Point
    beta_g1: G1Point
    beta_g2: G2Point
    next_challenge: bytes


@dataclass
class Phase1Report:
    path: str
    power: int
    ceremony_power: int
    prepared: bool
    contributions: list[dict] = field(default_factory=list)
    next_challenge: str = ""

    def as_dict(self) -> dict:
        return {
            "ok": True, "file": self.path, "power": self.power, "ceremony_power": self.ceremony_power,
            "prepared_phase2": self.prepared, "contributions": self.contributions,
            "next_challenge": self.next_challenge,
        }


def same_ratio(a1: G1Point, b1: G1Point, a2: G2Point, b2: G2Point) -> bool:
    """b1/a1 == b2/a2 in the exponent: e(a1, b2) == e(b1, a2); infinity never passes."""
    if a1.infinity or b1.infinity or a2.infinity or b2.infinity:
        return False
    g1s = a1.to_lem() + b1.neg().to_lem()
    g2s = b2.to_lem() + a2.to_lem()
    return K.pairing_product_is_one(g1s, g2s)


def initial_state(ceremony_power: int) -> _Prev:
    return _Prev(G1_GENERATOR, G2_GENERATOR, G1_GENERATOR, G1_GENERATOR, G2_GENERATOR, first_challenge_hash(ceremony_power))


def verify_contribution(cur: Contribution, prev: _Prev) -> None:
    """Check one record against its predecessor; raise :class:`TranscriptInvalid` naming the failure."""
    who = f"contribution #{cur.index}" + (f" ({cur.name})" if cur.name else "")
    k = cur.key
    if cur.type == 1:
        assert cur.beacon_hash is not None and cur.num_iterations_exp is not None
        _, bk = beacon_key(prev.next_challenge, cur.beacon_hash, cur.num_iterations_exp)
        for f in k.G1_FIELDS + k.G2_FIELDS:
            if getattr(k, f) != getattr(bk, f):
                raise TranscriptInvalid(f"{who}: beacon key {f} is not the one the beacon value reproduces")
    sps = {
        "tau": g2_sp(0, prev.next_challenge, k.tau_g1_s, k.tau_g1_sx),
        "alpha": g2_sp(1, prev.next_challenge, k.alpha_g1_s, k.alpha_g1_sx),
        "beta": g2_sp(2, prev.next_challenge, k.beta_g1_s, k.beta_g1_sx),
    }
    for name in ("tau", "alpha", "beta"):
        if not same_ratio(getattr(k, f"{name}_g1_s"), getattr(k, f"{name}_g1_sx"), sps[name], getattr(k, f"{name}_g2_spx")):
            raise TranscriptInvalid(
                f"{who}: invalid proof of knowledge for {name} (wrong ratio, or the key answers a different previous challenge)"
            )
    checks = [
        ("tau*G1", same_ratio(prev.tau_g1, cur.tau_g1, sps["tau"], k.tau_g2_spx)),
        ("tau*G2", same_ratio(k.tau_g1_s, k.tau_g1_sx, prev.tau_g2, cur.tau_g2)),
        ("alpha*G1", same_ratio(prev.alpha_g1, cur.alpha_g1, sps["alpha"], k.alpha_g2_spx)),
        ("beta*G1", same_ratio(prev.beta_g1, cur.beta_g1, sps["beta"], k.beta_g2_spx)),
        ("beta*G2", same_ratio(k.beta_g1_s, k.beta_g1_sx, prev.beta_g2, cur.beta_g2)),
    ]
    for what, ok in checks:
        if not ok:
            raise TranscriptInvalid(f"{who}: {what} does not follow from the previous contribution with this key")


def _rand_scalars(n: int) -> bytes:
    """n random 64-bit scalars as 32-byte LE words (soundness error 2^-64 per check)."""
    arr = np.zeros((n, 32), dtype=np.uint8)
    arr[:, :8] = np.frombuffer(os.urandom(8 * n), dtype=np.uint8).reshape(n, 8)
    return arr.tobytes()


def _powers_consistent(grp: str, data: memoryview, other: G1Point | G2Point) -> bool:
    """Random linear combination check that consecutive points share one ratio (the final τ).

    ``data`` must have been validated (on curve, subgroup) by the caller."""
    size = K.SIZES[grp]
    n = len(data) // size
    if n < 2:
        return True
    rho = _rand_scalars(n - 1)
    r1 = K.msm(grp, data[:(n - 1) * size], rho, trusted=True)  # the caller validated the section
    r2 = K.msm(grp, data[size:], rho, trusted=True)
    if grp == "G1":
        ok = same_ratio(G1Point.from_lem_checked(r1, allow_infinity=True), G1Point.from_lem_checked(r2, allow_infinity=True), G2_GENERATOR, other)
    else:
        ok = same_ratio(G1_GENERATOR, other, G2Point.from_lem_checked(r1, allow_infinity=True), G2Point.from_lem_checked(r2, allow_infinity=True))
    return ok


_SECTION_NAMES = {2: "tau*G1", 3: "tau*G2", 4: "alpha*tau*G1", 5: "beta*tau*G1"}


def _sections_consistent(pt: Ptau, last: Contribution) -> bool:
    """All of sections 2-5 are powers of the last contribution's τ (times α, β), in one pass.

    With n = 2^power, fresh 64-bit ρ_0..ρ_{n-1} and Y = Σ ρ_i·Q_i over the τ·G2 section Q, five
    pairing checks (discrete logs in brackets; T = τ·G1 section, A = α·τ, B = β·τ):
    e(Σ ρ_i·T_i, G2) = e(G1, Y)            [t_i = q_i for i < n]
    e(Σ ρ_i·T_{i+1}, G2) = e(τ·G1, Y)       [t_{i+1} = τ·t_i for i < n, so t_i = τ^i for i ≤ n]
    e(Σ ρ_j·T_{n+j}, G2) = e(T_n, Y')      [t_{n+j} = τ^{n+j}, j < n−1; Y' drops ρ_{n−1}·Q_{n−1}]
    e(Σ ρ_i·A_i, G2) = e(α·G1, Y)           [a_i = α·τ^i]
    e(Σ ρ_i·B_i, G2) = e(β·G1, Y)           [b_i = β·τ^i]
    (t_0 = 1, and τ·G1, α·G1, β·G1 and the first points are pinned by the record and the checks
    that follow.) Each is a random linear test of a vector of errors fixed before ρ is drawn, so
    it misses a wrong point with probability ≤ 2^-64, sharing ρ or not. It does the work of 5n G1
    and n G2 point-scalar products, where the per-section ratio checks need 8n and 2n. Y is a
    point of G2 because section 3 passed the subgroup check.
    """
    n = 1 << pt.power
    g1, g2 = K.SIZES["G1"], K.SIZES["G2"]
    rho = _rand_scalars(n)
    tau_g1, tau_g2 = pt.section(2), pt.section(3)
    y = G2Point.from_lem_checked(K.msm("G2", tau_g2[:n * g2], rho, trusted=True), allow_infinity=True)
    rho_last = int.from_bytes(rho[-32:], "little")
    q_last = G2Point.from_lem_checked(tau_g2[(n - 1) * g2:n * g2])
    y_drop = y.add(q_last.mul((R - rho_last) % R))
    t_n = G1Point.from_lem_checked(tau_g1[n * g1:(n + 1) * g1])

    def comb(data: bytes | memoryview, count: int) -> G1Point:
        return G1Point.from_lem_checked(K.msm("G1", data, rho[:count * 32], trusted=True), allow_infinity=True)

    checks = [
        (comb(tau_g1[:n * g1], n), G1_GENERATOR, y),
        (comb(tau_g1[g1:(n + 1) * g1], n), last.tau_g1, y),
        (comb(tau_g1[n * g1:(2 * n - 1) * g1], n - 1), t_n, y_drop),
        (comb(pt.section(4), n), last.alpha_g1, y),
        (comb(pt.section(5), n), last.beta_g1, y),
    ]
    # e(m, G2) == e(base, y): same_ratio(base, m, G2, y) checks e(base, y) == e(m, G2)
    return all(same_ratio(base, m, G2_GENERATOR, yy) for m, base, yy in checks)


def _sections_hash(pt: Ptau, last: Contribution, spec: dict) -> bytes:
    """BLAKE2b(response hash ‖ U(sections 2-6)): the next challenge the last record must hold."""
    nxt = hashlib.blake2b(last.response_hash(), digest_size=64)
    chunk = 1 << 16
    for sid, (grp, n) in spec.items():
        data, size = pt.section(sid), K.SIZES[grp]
        for off in range(0, n, chunk):  # points validated by the caller: trusted conversion
            nxt.update(K.lem_to_uncompressed(grp, data[off * size:min(n, off + chunk) * size]))
    return nxt.digest()


def _check_firsts(pt: Ptau, last: Contribution) -> None:
    """The first points are the generators and the last contribution's values."""
    dec1 = lambda sid, i: G1Point.from_lem_checked(pt.section(sid)[64 * i:64 * i + 64])  # noqa: E731
    dec2 = lambda sid, i: G2Point.from_lem_checked(pt.section(sid)[128 * i:128 * i + 128])  # noqa: E731
    firsts = [
        (dec1(2, 0) == G1_GENERATOR, "section 2: first point must be the G1 generator"),
        (dec1(2, 1) == last.tau_g1, "section 2: tau*G1 differs from the last contribution's value"),
        (dec2(3, 0) == G2_GENERATOR, "section 3: first point must be the G2 generator"),
        (dec2(3, 1) == last.tau_g2, "section 3: tau*G2 differs from the last contribution's value"),
        (dec1(4, 0) == last.alpha_g1, "section 4: alpha*G1 differs from the last contribution's value"),
        (dec1(5, 0) == last.beta_g1, "section 5: beta*G1 differs from the last contribution's value"),
        (dec2(6, 0) == last.beta_g2, "section 6: beta*G2 differs from the last contribution's value"),
    ]
    for ok, msg in firsts:
        if not ok:
            raise TranscriptInvalid(msg)


def _blame_section(pt: Ptau, last: Contribution) -> None:
    """The combined check failed: run the per-section ratio checks to name the section at fault."""
    for sid in (2, 3, 4, 5):
        grp = "G2" if sid == 3 else "G1"
        other = last.tau_g1 if sid == 3 else last.tau_g2
        if not _powers_consistent(grp, pt.section(sid), other):
            raise TranscriptInvalid(f"section {sid} ({_SECTION_NAMES[sid]}): the points are not successive powers of the final tau")
    _check_firsts(pt, last)  # e.g. a section rescaled as a whole: its first point is off
    raise TranscriptInvalid(
        "sections 2-5: each is a sequence of powers, but they are not the powers of the final tau, alpha and beta"
    )


def verify(path: str | Path, progress: Progress = None) -> Phase1Report:
    """Verify a ``.ptau`` end to end; return a report or raise :class:`TranscriptInvalid`."""
    with open_ptau(path) as pt:
        return _verify(pt, progress)


def _verify(pt: Ptau, progress: Progress) -> Phase1Report:
    contribs = pt.contributions
    if not contribs:
        raise TranscriptInvalid(f"{pt.path}: has no contributions; an untouched accumulator is not usable")
    prev = initial_state(pt.ceremony_power)
    summary = []
    for i, cur in enumerate(contribs):
        if progress:
            progress("contributions", i, len(contribs))
        verify_contribution(cur, prev)
        summary.append({
            "index": cur.index, "name": cur.name, "type": "beacon" if cur.type == 1 else "contribution",
            "response_hash": cur.response_hash().hex(), "next_challenge": cur.next_challenge.hex(),
            **({"beacon_hash": cur.beacon_hash.hex(), "num_iterations_exp": cur.num_iterations_exp} if cur.type == 1 else {}),
        })
        prev = _Prev(cur.tau_g1, cur.tau_g2, cur.alpha_g1, cur.beta_g1, cur.beta_g2, cur.next_challenge)
    last = contribs[-1]

    spec = section_points(pt.power)
    for sid, (grp, n) in spec.items():
        if progress:
            progress(f"section {sid}", 0, n)
        try:
            K.validate(grp, pt.section(sid), allow_infinity=False)
        except ValueError as exc:
            raise TranscriptInvalid(f"section {sid}: {exc}") from exc
    if progress:
        progress("powers", 0, 1)
    # the hash chain (native conversion + BLAKE2b, both without the GIL) runs beside the MSMs
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashed = pool.submit(_sections_hash, pt, last, spec)
        consistent = _sections_consistent(pt, last)
        next_challenge = hashed.result()
    if not consistent:
        _blame_section(pt, last)  # raises, naming the section
    _check_firsts(pt, last)
    if pt.power == pt.ceremony_power and next_challenge != last.next_challenge:
        raise TranscriptInvalid(
            "the sections do not hash to the last contribution's next challenge (points changed after it was made)"
        )
    if pt.prepared:
        _verify_lagrange(pt, progress)
    return Phase1Report(pt.path, pt.power, pt.ceremony_power, pt.prepared, summary, next_challenge.hex())


def _verify_lagrange(pt: Ptau, progress: Progress) -> None:
    """Σ ρ_j·τ^j·G == Σ FFT(ρ)_i·L_i for random ρ, for every domain size of every section."""
    for old, new in ((2, 12), (3, 13), (4, 14), (5, 15)):
        grp = "G2" if old == 3 else "G1"
        size = K.SIZES[grp]
        try:
            K.validate(grp, pt.section(new), allow_infinity=True)
        except ValueError as exc:
            raise TranscriptInvalid(f"section {new}: {exc}") from exc
        top = pt.power + 1 if old == 2 else pt.power
        offset = 0
        for p in range(top + 1):
            n = 1 << p
            rho = bytearray(_rand_scalars(n))
            if old == 2 and p == pt.power + 1:
                rho[-32:] = bytes(32)
                powers = bytes(pt.section(old)[:(n - 1) * size]) + bytes(size)
            else:
                powers = pt.section(old)[:n * size]
            lhs = K.msm(grp, powers, bytes(rho), trusted=True)  # sections 2-5 and 12-15 validated above
            rhs = K.msm(grp, pt.section(new)[offset * size:(offset + n) * size], K.fr_fft(bytes(rho)), trusted=True)
            if lhs != rhs:
                raise TranscriptInvalid(f"section {new}: Lagrange points for domain size 2^{p} do not match section {old}")
            offset += n
            if progress:
                progress(f"section {new}", p, top)
