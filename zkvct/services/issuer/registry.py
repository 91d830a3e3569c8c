"""The issuer's state changes: offers, redemption, revocation, epochs. One transaction each.

Every mutation runs in :func:`.db.write_tx` (the write lock is taken first), so two replicas on
one PostgreSQL database, or two threads on one SQLite file, apply them one at a time: the serial
allocation, the tree update, the credential row and (for a revocation) the outbox rows commit
together or not at all. A refused request raises an :class:`IssuerError` before anything is
written, so a refusal changes nothing.
"""
from __future__ import annotations

import datetime as _dt
import json
import re
import secrets
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ...credentials.credential import REGISTRY_DEPTH, days
from ...credentials.derive import canonical_did
from ...did import jws
from ...did.identifier import DidError
from ...errors import ZkvctError
from ...field import R
from . import db
from .credential import VC_JWS_TYP, build_vc, country_int
from .tree import TreeStore

POP_TYP = "zkvct-pop+jwt"
#: longest lifetime a proof of possession may claim, and the clock skew tolerated on iat
POP_MAX_LIFETIME_S = 300
OFFER_MAX_TTL_S = 30 * 86_400
_NONCE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
_OFFER_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
OFFER_ID_PREFIX = "offer_"


def new_offer_id() -> str:
    """A fresh offer id: ``offer_`` and 192 random bits in hex (54 characters, within ``_OFFER_ID``).

    Why the prefix and hex rather than bare base64url: the id is handed to ``zkvct wallet accept
    OFFER_ID`` and pasted into shells, and one base64url id in 64 begins with ``-``, which a
    command line reads as an option (CI once failed that way). A fixed letter prefix can never.
    """
    return OFFER_ID_PREFIX + secrets.token_hex(24)


class IssuerError(ZkvctError):
    """A refused request: ``status`` is the HTTP status, ``code`` a stable machine-readable reason."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Subject:
    """What an offer attests: ISO dates and an ISO 3166 alpha-2 country."""

    dob: str
    country: str
    expiry: str
    accredited_until: str | None = None

    def validated(self) -> "Subject":
        for name in ("dob", "expiry") + (("accredited_until",) if self.accredited_until else ()):
            value = getattr(self, name)
            try:
                day = _dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                raise IssuerError(400, "malformed", f"{name} must be an ISO date YYYY-MM-DD, got {value!r}") from None
            if not 0 <= days(day) < 1 << 20:
                raise IssuerError(400, "malformed", f"{name} must be between 1900-01-01 and 4770-12-31")
        try:
            country_int(self.country)
        except ZkvctError as exc:
            raise IssuerError(400, "malformed", str(exc)) from None
        if self.expiry <= self.dob:
            raise IssuerError(400, "malformed", "expiry must be after dob")
        return self

    def to_json(self) -> dict[str, Any]:
        return {"dob": self.dob, "country": self.country, "expiry": self.expiry, "accredited_until": self.accredited_until}


def _now() -> int:
    return int(time.time())


def _iso(ts: int) -> str:
    return _dt.datetime.fromtimestamp(ts, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Issuer:
    """The issuer's logic over its database (no HTTP here)."""

    def __init__(self, engine: Engine, key: ec.EllipticCurvePrivateKey, *, depth: int = REGISTRY_DEPTH,
                 key_check: jws.KeyCheck = jws.offline_key_check, public_url: str | None = None,
                 clock: Callable[[], int] = _now):
        self.engine = engine
        self.key = key
        self.did = jws.did_of(key)
        self.tree = TreeStore(depth)
        self.depth = depth
        self.key_check = key_check
        self.public_url = public_url.rstrip("/") if public_url else None
        self.clock = clock

    # -- setup -----------------------------------------------------------------------------

    def init_db(self) -> None:
        db.create_schema(self.engine)
        with self.engine.begin() as conn:
            have = {r[0]: r[1] for r in conn.execute(select(db.meta.c.name, db.meta.c.value))}
            wanted = {"lock": "0", "anchor_lock": "0", "next_serial": "0", "depth": str(self.depth), "issuer_did": self.did}
            for name, value in wanted.items():
                if name not in have:
                    conn.execute(db.meta.insert().values(name=name, value=value))
            for name in ("depth", "issuer_did"):
                if name in have and have[name] != wanted[name]:
                    raise ZkvctError(f"the database belongs to another issuer configuration: {name} is "
                                     f"{have[name]!r} there, {wanted[name]!r} here")

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """A transaction that holds the issuer's write lock from its first statement (db.write_tx)."""
        with db.write_tx(self.engine) as conn:
            yield conn

    @staticmethod
    def _meta(conn: Connection, name: str) -> str:
        return conn.execute(select(db.meta.c.value).where(db.meta.c.name == name)).scalar_one()

    # -- offers ----------------------------------------------------------------------------

    def create_offer(self, subject: Subject, ttl_s: int = 7 * 86_400) -> dict[str, Any]:
        subject = subject.validated()
        if not 60 <= ttl_s <= OFFER_MAX_TTL_S:
            raise IssuerError(400, "malformed", f"ttl_s must be 60..{OFFER_MAX_TTL_S} seconds")
        now = self.clock()
        offer_id = new_offer_id()
        with self.engine.begin() as conn:
            conn.execute(db.offers.insert().values(id=offer_id, subject=json.dumps(subject.to_json()),
                                                   created_at=now, expires_at=now + ttl_s))
        return {"offer_id": offer_id, "issuer_did": self.did, "expires_at": now + ttl_s, "subject": subject.to_json()}

    def offer_info(self, offer_id: str) -> dict[str, Any]:
        """What a holder may see before redeeming: the issuer, the attribute names, the deadline."""
        with self.engine.connect() as conn:
            row = self._offer(conn, offer_id)
        return {"offer_id": row.id, "issuer_did": self.did, "aud": self.did, "expires_at": row.expires_at,
                "redeemed": row.redeemed_at is not None, "attributes": sorted(k for k, v in json.loads(row.subject).items() if v)}

    def _offer(self, conn: Connection, offer_id: str):
        if not isinstance(offer_id, str) or not _OFFER_ID.match(offer_id):
            raise IssuerError(404, "offer_unknown", "no such offer")
        row = conn.execute(select(db.offers).where(db.offers.c.id == offer_id)).first()
        if row is None:
            raise IssuerError(404, "offer_unknown", "no such offer")
        return row

    # -- redemption ------------------------------------------------------------------------

    def check_pop(self, offer_id: str, token: Any) -> dict[str, Any]:
        """Verify a proof of possession for ``offer_id``; returns its claims. Writes nothing.

        The JWS is signed by a key that controls ``holder_did`` (``kid``; checked by
        ``key_check``: on a chain, the DID's resolved document), names this offer and this issuer
        (``aud``), and lives at most :data:`POP_MAX_LIFETIME_S`; its nonce is single-use (checked
        and recorded by :meth:`redeem` in the issuing transaction).
        """
        now = self.clock()
        try:
            signed = jws.verify(token, typ=POP_TYP, key_check=self.key_check, now=now,
                                require=("offer_id", "holder_did", "holder_commit", "nonce", "aud", "iat", "exp"))
        except jws.JwsError as exc:
            status, code = (401, "pop_expired") if exc.code == "expired" else (401, "pop_invalid")
            if exc.code == "key_not_authorized":
                code = "pop_not_controller"
            raise IssuerError(status, code, f"proof of possession: {exc}") from None
        claims = signed.payload
        want = {"offer_id", "holder_did", "holder_commit", "nonce", "aud", "iat", "exp"}
        if set(claims) != want:
            raise IssuerError(400, "pop_invalid", f"proof of possession claims must be exactly {sorted(want)}")
        if claims["holder_did"] != signed.did:
            raise IssuerError(401, "pop_invalid", "the proof of possession's holder_did is not its signer (kid)")
        try:
            canonical_did(claims["holder_did"])
        except (DidError, TypeError) as exc:
            raise IssuerError(400, "pop_invalid", f"holder_did: {exc}") from None
        if claims["offer_id"] != offer_id:
            raise IssuerError(401, "pop_invalid", "the proof of possession is for another offer")
        if claims["aud"] != self.did:
            raise IssuerError(401, "pop_invalid", f"the proof of possession's aud must be this issuer's DID {self.did}")
        if claims["exp"] <= now:
            raise IssuerError(401, "pop_expired", "the proof of possession has expired (exp)")
        if not 0 < claims["exp"] - claims["iat"] <= POP_MAX_LIFETIME_S:
            raise IssuerError(400, "pop_invalid", f"exp - iat must be 1..{POP_MAX_LIFETIME_S} seconds")
        if not isinstance(claims["nonce"], str) or not _NONCE.match(claims["nonce"]):
            raise IssuerError(400, "pop_invalid", "nonce must be 16..128 characters of base64url")
        hc = claims["holder_commit"]
        if not isinstance(hc, str) or not hc.isdigit() or len(hc) > 78 or not 0 < int(hc) < R:
            raise IssuerError(400, "pop_invalid", "holder_commit must be a decimal field element 0 < x < r")
        return claims

    def redeem(self, offer_id: str, token: Any) -> dict[str, Any]:
        """Issue the credential of ``offer_id`` to the holder that signed ``token``.

        Returns ``{"credential": <VC JWS>, "vc": <VC JSON>, "serial": n}``. A retry of a redeemed
        offer by the same holder and commitment, with a fresh proof, returns the same credential
        (a lost response loses nothing); anything else is refused.
        """
        claims = self.check_pop(offer_id, token)
        now = self.clock()
        try:
            with self._write() as conn:
                offer = self._offer(conn, offer_id)
                conn.execute(db.pop_nonces.delete().where(db.pop_nonces.c.exp < now - jws.CLOCK_SKEW_SECS))
                used = conn.execute(select(db.pop_nonces.c.nonce).where(db.pop_nonces.c.nonce == claims["nonce"])).first()
                if used is not None:
                    raise IssuerError(409, "pop_replayed", "this proof of possession was already used (nonce seen)")
                if offer.redeemed_at is not None:
                    prior = conn.execute(select(db.credentials).where(db.credentials.c.offer_id == offer_id)).first()
                    if prior is not None and prior.holder_did == claims["holder_did"] and prior.holder_commit == claims["holder_commit"]:
                        conn.execute(db.pop_nonces.insert().values(nonce=claims["nonce"], exp=claims["exp"]))
                        return self._issued(prior)
                    raise IssuerError(409, "offer_redeemed", "this offer was already redeemed")
                if offer.expires_at <= now:
                    raise IssuerError(410, "offer_expired", "this offer has expired; ask the issuer for a new one")
                serial = int(self._meta(conn, "next_serial"))
                if serial >= self.tree.capacity():
                    raise IssuerError(409, "registry_full",
                                      f"the registry holds 2^{self.depth} credentials and is full; no serial is left")
                subject = json.loads(offer.subject)
                salt = secrets.randbelow(R - 1) + 1
                holder_commit = int(claims["holder_commit"])
                vc_id = f"urn:uuid:{uuid.uuid4()}"
                vc = build_vc(vc_id=vc_id, issuer_did=self.did, holder_did=claims["holder_did"], issued_at=_iso(now),
                              subject=subject, serial=serial, salt=salt, holder_commit=holder_commit,
                              depth=self.depth, registry_url=self.public_url and self.public_url + "/v1/registry")
                leaf = int(vc["credentialSubject"]["zkvctOpening"]["leaf"])
                vc_jws = jws.sign(vc, self.key, self.did, VC_JWS_TYP)
                self.tree.set_leaf(conn, serial, leaf)
                conn.execute(db.credentials.insert().values(
                    serial=serial, offer_id=offer_id, holder_did=claims["holder_did"], holder_commit=claims["holder_commit"],
                    leaf=str(leaf), vc_id=vc_id, vc_jws=vc_jws, issued_at=now))
                conn.execute(update(db.offers).where(db.offers.c.id == offer_id).values(redeemed_at=now, serial=serial))
                conn.execute(update(db.meta).where(db.meta.c.name == "next_serial").values(value=str(serial + 1)))
                conn.execute(db.pop_nonces.insert().values(nonce=claims["nonce"], exp=claims["exp"]))
                return {"credential": vc_jws, "vc": vc, "serial": serial}
        except IntegrityError:
            raise IssuerError(409, "pop_replayed", "this proof of possession or offer was used concurrently") from None

    @staticmethod
    def _issued(row) -> dict[str, Any]:
        vc = jws.unverified_payload(row.vc_jws)  # our own signed record, read back
        return {"credential": row.vc_jws, "vc": vc, "serial": int(row.serial)}

    # -- revocation and epochs -------------------------------------------------------------

    def revoke(self, serial: int) -> dict[str, Any]:
        """Zero the leaf and queue an anchor that retires every earlier root (and RevokeCredential)."""
        now = self.clock()
        with self._write() as conn:
            row = conn.execute(select(db.credentials).where(db.credentials.c.serial == serial)).first()
            if row is None:
                raise IssuerError(404, "credential_unknown", f"no credential with serial {serial}")
            if row.revoked_at is not None:
                raise IssuerError(409, "already_revoked", f"credential {serial} was revoked at {row.revoked_at}")
            root = self.tree.set_leaf(conn, serial, 0)
            conn.execute(update(db.credentials).where(db.credentials.c.serial == serial).values(revoked_at=now))
            conn.execute(db.outbox.insert().values(kind="anchor_root", root=str(root), retire_previous=True,
                                                   created_at=now, attempts=0))
            conn.execute(db.outbox.insert().values(kind="revoke_credential", holder_did=row.holder_did,
                                                   retire_previous=False, created_at=now, attempts=0))
        return {"serial": serial, "revoked_at": now, "root": str(root)}

    def close_epoch(self) -> dict[str, Any]:
        """Queue the current root for anchoring unless it is already the last one queued."""
        now = self.clock()
        with self._write() as conn:
            root = str(self.tree.root(conn))
            last = conn.execute(select(db.outbox.c.root).where(db.outbox.c.kind == "anchor_root")
                                .order_by(db.outbox.c.id.desc()).limit(1)).scalar()
            if last == root:
                return {"root": root, "queued": False}
            conn.execute(db.outbox.insert().values(kind="anchor_root", root=root, retire_previous=False,
                                                   created_at=now, attempts=0))
        return {"root": root, "queued": True}

    # -- public reads ------------------------------------------------------------------------

    def registry_info(self) -> dict[str, Any]:
        with self.engine.connect() as conn:
            root = self.tree.root(conn)
            size = int(self._meta(conn, "next_serial"))
            anchored = conn.execute(select(db.outbox.c.root, db.outbox.c.done_at, db.outbox.c.height)
                                    .where(db.outbox.c.kind == "anchor_root", db.outbox.c.done_at.is_not(None))
                                    .order_by(db.outbox.c.id.desc()).limit(1)).first()
            pending = conn.execute(select(func.count()).select_from(db.outbox).where(db.outbox.c.done_at.is_(None))).scalar_one()
        return {"issuer_did": self.did, "depth": self.depth, "root": str(root), "issued": size,
                "anchored_root": anchored.root if anchored else None,
                "anchored_height": anchored.height if anchored else None, "pending_chain_work": pending}

    def level_nodes(self, level: int, after: int, limit: int) -> dict[str, Any]:
        if not 0 <= level <= self.depth:
            raise IssuerError(400, "malformed", f"level must be 0..{self.depth}")
        with self.engine.connect() as conn:
            nodes = self.tree.level_nodes(conn, level, after, limit)
            root = self.tree.root(conn)
        return {"level": level, "root": str(root), "nodes": [[i, str(h)] for i, h in nodes],
                "next_after": nodes[-1][0] if len(nodes) == limit else None}

    def credential_status(self, serial: int) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = conn.execute(select(db.credentials.c.serial, db.credentials.c.revoked_at, db.credentials.c.issued_at)
                               .where(db.credentials.c.serial == serial)).first()
        if row is None:
            raise IssuerError(404, "credential_unknown", f"no credential with serial {serial}")
        return {"serial": serial, "issued_at": row.issued_at, "revoked": row.revoked_at is not None}
