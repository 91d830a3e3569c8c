"""Verification against a prepared key: one statement, many proofs.

A relying party verifies many proofs of one statement. :func:`verify` re-checks the key's points
and recomputes e(α, β) on every call; :func:`prepare` does that once (natively: the key's points
checked for curve and subgroup membership, e(α, β) kept, the G2 lines of −γ and −δ
precomputed), so each later proof costs one Miller loop with two prepared pairs and a final
exponentiation.

:func:`verify_batch` checks N proofs of the statement in one multi-pairing: with coefficients
ρ_i drawn uniformly from [0, 2^64) by the operating system's random source after the proofs are
fixed, it checks Π D_i^{ρ_i} = 1 where D_i ∈ GT is proof i's defect (1 exactly when the proof is
valid). Every point is checked to lie in its prime-order group first, so GT has prime order r
and an invalid proof k (D_k ≠ 1) passes only if ρ_k hits the one residue mod r that cancels the
others: probability ≤ 2^-64 (2^64 equally likely values, distinct mod r), the project's bound. When the batch check fails
each proof is checked singly and the first bad one is named. (Full argument: docs/DESIGN.md,
"Batch verification", and native/src/verify_batch.rs.)

:func:`prepared_key_for` keeps recently used prepared keys, keyed by the SHA-256 of the fields
the key's points are read from, so :func:`zkvct.groth16.verify.verify` reuses them without its callers changing:
a different key has different bytes and never hits another key's entry.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..curve import G1Point, G2Point, g1_lem_array
from ..field import fr_array
from .json_models import Proof, PublicSignals, VerificationKey
from .verify_reference import VerifyResult

PAIRING_FAILED = "pairing check failed: the proof does not verify for these public signals"
"""The reason a well-formed proof is refused (shared with :func:`zkvct.groth16.verify.verify`)."""

CACHE_SIZE = 32
"""Prepared keys kept by :func:`prepared_key_for` (least recently used evicted first)."""


@dataclass(frozen=True)
class BatchResult:
    """``ok`` when every proof verifies; otherwise ``bad_index`` names the first proof refused
    (by position in the batch) and ``reason`` says why."""

    ok: bool
    bad_index: int | None = None
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


def public_values(publics: PublicSignals | Sequence[int]) -> list[int]:
    """The public signals as a list of ints, whichever form the caller holds."""
    return list(publics.values if isinstance(publics, PublicSignals) else publics)


def count_mismatch(got: int, n_public: int) -> str | None:
    """The reason a proof carries the wrong number of public signals, or None."""
    if got != n_public:
        return f"got {got} public signals, the verification key expects nPublic = {n_public}"
    return None


def proof_point_fault(a: G1Point, b: G2Point, c: G1Point) -> str | None:
    """The first of pi_a, pi_b, pi_c that is off the curve, outside its group or at infinity, as
    :func:`~zkvct.groth16.verify.verify` reports it ("pi_b: point 0: ..."); None if all are fine."""
    from .. import native

    for fn, p, what in ((native.g1_validate, a, "pi_a"), (native.g2_validate, b, "pi_b"), (native.g1_validate, c, "pi_c")):
        try:
            fn(p.to_lem(), False)
        except ValueError as exc:
            return f"{what}: {exc}"
    return None


def key_encodings(vk: VerificationKey) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """(alpha1, beta2, gamma2, delta2, IC) as the LEM bytes the native core reads."""
    return (vk.alpha1().to_lem(), vk.beta2().to_lem(), vk.gamma2().to_lem(), vk.delta2().to_lem(), g1_lem_array(vk.ic()))


def key_digest(vk: VerificationKey) -> bytes:
    """SHA-256 over the fields the key's points are read from (nPublic, α, β, γ, δ, IC as the
    JSON holds them). ``repr`` of these nested lists is unambiguous, and the points are a function
    of exactly these values, so equal digests mean equal points; hashing the text is cheaper than
    re-encoding the points on every verification. (vk_alphabeta_12 is not read by the verifier.)"""
    fields = (vk.nPublic, vk.vk_alpha_1, vk.vk_beta_2, vk.vk_gamma_2, vk.vk_delta_2, vk.IC)
    return hashlib.sha256(b"zkvct groth16 prepared key v1\0" + repr(fields).encode()).digest()


class PreparedKey:
    """A verification key checked once and prepared for many verifications.

    Building it refuses a key with a point off the curve, outside its subgroup or at infinity
    (``zkvct.errors.PointError`` naming the point); after that only the proofs are checked.
    """

    def __init__(self, vk: VerificationKey) -> None:
        from .. import native

        self.n_public: int = vk.nPublic
        self.digest: bytes = key_digest(vk)
        self.native = native.PreparedVerifyingKey(*key_encodings(vk))
        if self.native.n_public != self.n_public:  # the model guarantees len(IC) = nPublic + 1
            raise ValueError(f"IC holds {self.native.n_public + 1} points but nPublic = {self.n_public}")

    def verify_points(self, a: G1Point, b: G2Point, c: G1Point, publics: bytes) -> VerifyResult:
        """One proof given as points and its canonical publics (already counted and packed)."""
        try:
            ok = self.native.verify(a.to_lem(), b.to_lem(), c.to_lem(), publics)
        except ValueError as exc:
            # a malformed proof: name it exactly as the unprepared verifier does
            return VerifyResult(False, proof_point_fault(a, b, c) or str(exc))
        return VerifyResult(True) if ok else VerifyResult(False, PAIRING_FAILED)

    def verify(self, publics: PublicSignals | Sequence[int], proof: Proof) -> VerifyResult:
        """Verify one proof; same results and reasons as :func:`zkvct.groth16.verify.verify`."""
        values = public_values(publics)
        bad = count_mismatch(len(values), self.n_public)
        if bad:
            return VerifyResult(False, bad)
        try:
            pub = fr_array(values, "public signal")
        except ValueError as exc:
            return VerifyResult(False, str(exc))
        a, b, c = proof.points()
        return self.verify_points(a, b, c, pub.tobytes())


def prepare(vk: VerificationKey) -> PreparedKey:
    """Check ``vk`` once and precompute what every verification reuses (raises on a bad key)."""
    return PreparedKey(vk)


def verify_batch(prepared: PreparedKey, items: Iterable[tuple[Proof, PublicSignals | Sequence[int]]]) -> BatchResult:
    """Verify many ``(proof, publics)`` pairs of one statement in one pairing check.

    Returns ``BatchResult(True)`` when every proof is valid (an empty batch included). Otherwise
    ``bad_index`` names one refused proof: the lowest-index malformed one (a wrong count of public
    signals, a public signal >= r, a point off the curve / outside its group / at infinity),
    checked before any pairing; if none is malformed, the lowest-index proof whose pairing check
    fails (found by checking singly after the batch check failed). The random coefficients are
    drawn natively from the OS for every call (see the module docstring for the soundness bound).
    """
    proofs = bytearray()
    pubs = bytearray()
    fault: BatchResult | None = None  # the first proof whose publics are refused here
    for i, item in enumerate(items):
        if not isinstance(item, tuple) or len(item) != 2:
            raise ValueError(f"batch item {i}: expected a (proof, publics) pair, got {type(item).__name__}")
        proof, publics = item
        if not isinstance(proof, Proof):
            raise ValueError(f"batch item {i}: the proof must be a zkvct.groth16.json_models.Proof, got {type(proof).__name__}")
        if fault is not None:
            continue  # only the shape of the remaining items is checked
        values = public_values(publics)
        bad = count_mismatch(len(values), prepared.n_public)
        if bad:
            fault = BatchResult(False, i, f"proof {i}: {bad}")
            continue
        try:
            pub = fr_array(values, "public signal")
        except ValueError as exc:
            fault = BatchResult(False, i, f"proof {i}: {exc}")
            continue
        a, b, c = proof.points()
        proofs += a.to_lem()
        proofs += b.to_lem()
        proofs += c.to_lem()
        pubs += pub.tobytes()
    # with a refused public at index k, the proofs before k still go to the native checks, so the
    # result names the lowest-index malformed proof whichever check finds it
    try:
        first_bad = prepared.native.batch_verify(proofs, pubs)
    except ValueError as exc:
        return BatchResult(False, getattr(exc, "index", None), str(exc))
    if fault is not None:
        return fault
    if first_bad is None:
        return BatchResult(True)
    return BatchResult(False, first_bad, f"proof {first_bad}: {PAIRING_FAILED}")


_cache: "OrderedDict[bytes, PreparedKey]" = OrderedDict()
_cache_lock = threading.Lock()


def prepared_key_for(vk: VerificationKey) -> PreparedKey | None:
    """The prepared form of ``vk`` from the cache (built on first use), or None when the native
    core refuses the key (the caller then reports the fault its own way). Keyed by
    :func:`key_digest`: an entry is only ever used for the very same points."""
    digest = key_digest(vk)
    with _cache_lock:
        hit = _cache.get(digest)
        if hit is not None:
            _cache.move_to_end(digest)
            return hit
    try:
        prepared = PreparedKey(vk)
    except ValueError:
        return None
    with _cache_lock:
        _cache[digest] = prepared
        _cache.move_to_end(digest)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return prepared


def clear_prepared_cache() -> None:
    """Forget every cached prepared key (tests; a process that rotates keys often)."""
    with _cache_lock:
        _cache.clear()
