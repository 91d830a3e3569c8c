"""The off-chain verifier: every check of docs/protocol.md ("Verify"), in the contract's order,
with the contract's reason codes.

A relying-party service backs :class:`ChainView` with its own database (nullifiers and proof hashes
it accepted) plus chain queries (statements, roots): :class:`zkvct.credentials.chain_view.ContractView`
reads everything from the verifier contract. The order is the contract's (cheap checks first, the
pairing last) so that the same presentation gets the same first refusal on and off chain:

statement_unknown/statement_revoked, wrong_input_count, input_not_canonical, proof_malformed,
proof_replayed, request_expired, today_out_of_range, then each public input in order (root:
issuer_not_trusted, root_unknown, root_retired, root_not_current | root_expired; cutoff_mismatch;
scope_mismatch; challenge_mismatch; holder_did_missing/holder_did_mismatch; param_mismatch),
nullifier_used, (an unlinkable statement given a holder DID: malformed), proof_invalid.

Who submits (``sender_not_authorized``, ``authorization_*``) is an on-chain question: off chain the
relying party is the verifier, so those checks belong to the contract alone.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Mapping, Protocol, Sequence

from circuits.statements.credential import EPOCH, cutoff_days
from circuits.statements.roles import ROOT_ROLES
from zkvct.did.identifier import DidError
from zkvct.field import R
from zkvct.groth16.json_models import Proof, VerificationKey
from zkvct.groth16.verify import verify as groth16_verify

from .derive import ProofRequest, canonical_did, challenge, holder_did_hash, proof_hash, scope
from .reasons import Reason

_DECIMAL = re.compile(r"0|[1-9][0-9]{0,79}")
_ROOT_ROLES = ROOT_ROLES


# -- roles ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Role:
    """One registered input role: ``kind`` plus ``years`` (cutoff_days) or ``value`` (param)."""

    kind: str
    years: int | None = None
    value: str | None = None

    @classmethod
    def from_wire(cls, obj: Any) -> "Role":
        """The contract's JSON: ``"scope"``, ``{"cutoff_days": {"years": 18}}``, ``{"param": {"value": "7"}}``."""
        if isinstance(obj, str):
            return cls(obj)
        if isinstance(obj, Mapping) and len(obj) == 1:
            (kind, body), = obj.items()
            if kind == "cutoff_days":
                return cls(kind, years=int(body["years"]))
            if kind == "param":
                return cls(kind, value=str(body["value"]))
        raise ValueError(f"unknown input role {obj!r}")

    def to_wire(self) -> Any:
        if self.kind == "cutoff_days":
            return {"cutoff_days": {"years": self.years}}
        if self.kind == "param":
            return {"param": {"value": self.value}}
        return self.kind


def registration_roles(statement: Any) -> list[Role]:
    """The role list a statement circuit is registered with: its ``public_roles`` with the years of
    ``cutoff_days`` and the value of each ``param`` (``set_hash``) filled in from its parameters."""
    params = statement.parameters()
    out = []
    for name, kind in zip(statement.public_names, statement.public_roles):
        if kind == "cutoff_days":
            out.append(Role(kind, years=int(params["years"])))
        elif kind == "param":
            if name not in params:
                raise ValueError(f"statement {statement.name}: no registered value for param input {name!r}")
            out.append(Role(kind, value=str(params[name])))
        else:
            out.append(Role(kind))
    return out


# -- what the verifier reads -------------------------------------------------------------------------

@dataclass(frozen=True)
class RegisteredStatement:
    statement_id: str
    version: int
    roles: tuple[Role, ...]
    trusted_issuers: tuple[str, ...]
    verification_key: VerificationKey
    revoked: bool = False


@dataclass(frozen=True)
class RootStatus:
    """An issuer root as the verifier knows it (``replaced_at``: Unix seconds, None while current)."""

    anchored: bool
    retired: bool = False
    current: bool = False
    replaced_at: int | None = None


class ChainView(Protocol):
    """What :func:`verify_presentation` needs to know: the registered statement, the issuer's roots,
    which nullifiers and proof hashes were accepted, the clock and the two tolerances."""

    root_window_secs: int
    date_tolerance_days: int

    def now(self) -> int:
        """Unix seconds of the reference clock (block time on chain, server time off chain)."""

    def statement(self, statement_id: str, version: int | None) -> RegisteredStatement | None: ...

    def root_status(self, issuer_did: str, root: int) -> RootStatus: ...

    def nullifier_used(self, statement_id: str, scope: int, nullifier: int) -> bool: ...

    def proof_used(self, proof_hash: bytes) -> bool: ...


# -- the presentation and the verdict ------------------------------------------------------------------

@dataclass(frozen=True)
class Presentation:
    """A verification request as a relying party receives it (JSON-shaped fields, not yet trusted)."""

    statement_id: Any
    proof: Any
    public_inputs: Any
    issuer_did: Any
    relying_party_did: Any
    request: Any
    holder_did: Any = None
    version: Any = None

    @classmethod
    def from_wire(cls, obj: Mapping[str, Any]) -> "Presentation":
        known = {"statement_id", "proof", "public_inputs", "issuer_did", "relying_party_did", "request",
                 "holder_did", "version"}
        return cls(**{k: obj.get(k) for k in known})


@dataclass(frozen=True)
class Verdict:
    """``ok`` or the first refusal (``reason`` + a detail naming the value). On acceptance it carries
    what the relying party must record: the (statement, scope, nullifier) and the proof hash."""

    ok: bool
    reason: Reason | None = None
    detail: str = ""
    statement_id: str | None = None
    version: int | None = None
    scope: int | None = None
    nullifier: int | None = None
    proof_hash: bytes | None = None
    holder_did: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.ok


class _Refused(Exception):
    def __init__(self, reason: Reason, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


def _need(cond: bool, reason: Reason, detail: str) -> None:
    if not cond:
        raise _Refused(reason, detail)


def _request(obj: Any) -> ProofRequest:
    if isinstance(obj, ProofRequest):
        return obj
    ok = (isinstance(obj, Mapping) and isinstance(obj.get("id"), str) and isinstance(obj.get("nonce"), str)
          and isinstance(obj.get("expires_at"), int) and not isinstance(obj.get("expires_at"), bool)
          and 0 <= obj["expires_at"] < 2**64)
    _need(ok, Reason.MALFORMED, "request must be {id: string, nonce: string, expires_at: Unix seconds (u64)}")
    return ProofRequest(obj["id"], obj["nonce"], obj["expires_at"])


def _did(value: Any, what: str) -> str:
    _need(isinstance(value, str), Reason.MALFORMED, f"{what} must be a did:shr string")
    try:
        return canonical_did(value)
    except DidError as exc:
        raise _Refused(Reason.MALFORMED, f"{what}: {exc}") from None


def day_of(unix_secs: int) -> int:
    """Days since 1900-01-01 of a Unix time (UTC)."""
    return (_dt.datetime.fromtimestamp(unix_secs, _dt.timezone.utc).date() - EPOCH).days


def _minus_years(day: int, years: int) -> int | None:
    try:
        return cutoff_days(EPOCH + _dt.timedelta(days=day), years)
    except (ValueError, OverflowError):
        return None


def _validate_points(proof: Proof) -> None:
    from zkvct import native as _native  # the native facade

    a, b, c = proof.points()
    for fn, point, what in ((_native.g1_validate, a, "pi_a"), (_native.g2_validate, b, "pi_b"),
                            (_native.g1_validate, c, "pi_c")):
        try:
            fn(point.to_lem(), False)
        except ValueError as exc:
            raise _Refused(Reason.PROOF_MALFORMED, f"{what}: {exc}") from None


@dataclass(frozen=True)
class Checked:
    """A presentation that passed every check but the pairing: what the pairing needs (the key,
    the public inputs as integers, the parsed proof) and the verdict to give if it holds. A service
    that verifies many presentations collects these and checks all their pairings at once
    (:func:`zkvct.groth16.batch.verify_batch`); :func:`verify_presentation` checks one."""

    verification_key: VerificationKey
    values: tuple[int, ...]
    proof: Proof
    verdict: Verdict


def check_presentation(presentation: Presentation | Mapping[str, Any], view: ChainView) -> Checked | Verdict:
    """Every check of :func:`verify_presentation` except the pairing, in the same order: a
    :class:`Checked` to pair, or the refusing :class:`Verdict` (never raises for bad input).
    A refusal here is the one :func:`verify_presentation` gives; a :class:`Checked` whose pairing
    fails is refused with ``proof_invalid`` (:data:`PAIRING_REFUSAL`)."""
    p = presentation if isinstance(presentation, Presentation) else Presentation.from_wire(presentation)
    try:
        return _check(p, view)
    except _Refused as refusal:
        return Verdict(False, refusal.reason, refusal.detail)


PAIRING_REFUSAL = (Reason.PROOF_INVALID, "the pairing check fails for these public inputs")
"""The refusal of a presentation whose checks pass but whose pairing does not."""


def verify_presentation(presentation: Presentation | Mapping[str, Any], view: ChainView) -> Verdict:
    """Run every check; return the verdict (never raises for bad input)."""
    checked = check_presentation(presentation, view)
    if isinstance(checked, Verdict):
        return checked
    if not groth16_verify(checked.verification_key, list(checked.values), checked.proof).ok:
        return Verdict(False, *PAIRING_REFUSAL)
    return checked.verdict


def _check(p: Presentation, view: ChainView) -> Checked:
    # malformed: the shape of every field
    _need(isinstance(p.statement_id, str) and bool(p.statement_id), Reason.MALFORMED, "statement_id must be a non-empty string")
    _need(p.version is None or (isinstance(p.version, int) and not isinstance(p.version, bool) and p.version >= 0),
          Reason.MALFORMED, "version must be a non-negative integer or absent")
    _need(isinstance(p.public_inputs, Sequence) and not isinstance(p.public_inputs, (str, bytes)),
          Reason.MALFORMED, "public_inputs must be a list of decimal strings")
    _need(isinstance(p.proof, Mapping), Reason.MALFORMED, "proof must be a snarkjs proof object")
    _need(p.holder_did is None or isinstance(p.holder_did, str), Reason.MALFORMED, "holder_did must be a string or absent")
    request = _request(p.request)

    st = view.statement(p.statement_id, p.version)
    _need(st is not None, Reason.STATEMENT_UNKNOWN,
          f"no statement {p.statement_id!r}" + (f" version {p.version}" if p.version is not None else ""))
    _need(not st.revoked, Reason.STATEMENT_REVOKED, f"statement {st.statement_id!r} version {st.version} is revoked")

    n = len(st.roles)
    _need(len(p.public_inputs) == n == st.verification_key.nPublic, Reason.WRONG_INPUT_COUNT,
          f"got {len(p.public_inputs)} public inputs, statement {st.statement_id!r} takes {n}")
    values: list[int] = []
    for i, text in enumerate(p.public_inputs):
        ok = isinstance(text, str) and _DECIMAL.fullmatch(text) is not None and int(text) < R
        _need(ok, Reason.INPUT_NOT_CANONICAL,
              f"public input {i} = {str(text)[:90]!r} is not a canonical decimal below r")
        values.append(int(text))

    try:
        proof = Proof.parse(dict(p.proof))
    except ValueError as exc:
        raise _Refused(Reason.PROOF_MALFORMED, str(exc)) from None
    _validate_points(proof)
    digest = proof_hash(proof)
    _need(not view.proof_used(digest), Reason.PROOF_REPLAYED, f"proof {digest.hex()} was accepted before")

    now = view.now()
    _need(now <= request.expires_at, Reason.REQUEST_EXPIRED,
          f"request {request.id!r} expired at {request.expires_at}s (now {now}s)")
    issuer = _did(p.issuer_did, "issuer_did")
    rp = _did(p.relying_party_did, "relying_party_did")

    block_day, tol = day_of(now), view.date_tolerance_days
    today = None
    for i, role in enumerate(st.roles):
        if role.kind == "today_days":
            _need(abs(values[i] - block_day) <= tol, Reason.TODAY_OUT_OF_RANGE,
                  f"today_days = {values[i]} is not within {tol} day(s) of {block_day}")
            today = values[i]

    derived_scope, nullifier, holder = None, None, None
    for i, role in enumerate(st.roles):
        v = values[i]
        if role.kind in _ROOT_ROLES:
            trusted = set()
            for t in st.trusted_issuers:
                try:
                    trusted.add(canonical_did(t))
                except DidError:
                    continue
            _need(issuer in trusted, Reason.ISSUER_NOT_TRUSTED,
                  f"{issuer} is not a trusted issuer of {st.statement_id!r} version {st.version}")
            rs = view.root_status(issuer, v)
            _need(rs.anchored, Reason.ROOT_UNKNOWN, f"root {v} was never anchored by {issuer}")
            _need(not rs.retired, Reason.ROOT_RETIRED, f"root {v} of {issuer} is retired")
            if role.kind == "revocation_root":
                _need(rs.current, Reason.ROOT_NOT_CURRENT, f"root {v} is not the current root of {issuer}")
            elif rs.replaced_at is not None:
                _need(now <= rs.replaced_at + view.root_window_secs, Reason.ROOT_EXPIRED,
                      f"root {v} was replaced at {rs.replaced_at}s, acceptable for {view.root_window_secs}s (now {now}s)")
        elif role.kind == "cutoff_days":
            bases = [today] if today is not None else range(block_day - tol, block_day + tol + 1)
            expected = [d for d in (_minus_years(b, role.years) for b in bases) if d is not None]
            _need(v in expected, Reason.CUTOFF_MISMATCH,
                  f"cutoff_days = {v} is not {role.years} years before an accepted date ({expected})")
        elif role.kind == "scope":
            derived_scope = scope(rp, p.statement_id)
            _need(v == derived_scope, Reason.SCOPE_MISMATCH,
                  f"scope = {v}; for {rp} and statement {p.statement_id!r} it is {derived_scope}")
        elif role.kind == "challenge":
            expected_challenge = challenge(rp, request)
            _need(v == expected_challenge, Reason.CHALLENGE_MISMATCH,
                  f"challenge = {v}; request {request.id!r} derives {expected_challenge}")
        elif role.kind == "holder_did_hash":
            _need(p.holder_did is not None, Reason.HOLDER_DID_MISSING, "a DID-bound statement needs holder_did")
            holder = _did(p.holder_did, "holder_did")
            _need(v == holder_did_hash(holder), Reason.HOLDER_DID_MISMATCH,
                  f"holder_did_hash = {v} is not the hash of {holder}")
        elif role.kind == "param":
            _need(str(v) == role.value, Reason.PARAM_MISMATCH, f"public input {i} = {v}; the statement fixes {role.value}")
        elif role.kind == "nullifier":
            nullifier = v
    _need(derived_scope is not None and nullifier is not None, Reason.STATEMENT_UNKNOWN,
          f"statement {st.statement_id!r} has no scope or nullifier role: not a protocol v2 statement")
    _need(not view.nullifier_used(p.statement_id, derived_scope, nullifier), Reason.NULLIFIER_USED,
          f"nullifier {nullifier} was accepted before for {p.statement_id!r} at this relying party")
    _need(holder is not None or p.holder_did is None, Reason.MALFORMED,
          f"statement {st.statement_id!r} is unlinkable (no holder_did_hash input): omit holder_did")

    return Checked(st.verification_key, tuple(values), proof,
                   Verdict(True, statement_id=st.statement_id, version=st.version, scope=derived_scope,
                           nullifier=nullifier, proof_hash=digest, holder_did=holder))


__all__ = ["Role", "registration_roles", "RegisteredStatement", "RootStatus", "ChainView", "Presentation", "Verdict",
           "Checked", "PAIRING_REFUSAL", "day_of", "check_presentation", "verify_presentation"]
