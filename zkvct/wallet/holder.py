"""The holder's wallet: keys from one recoverable seed, credentials, sync, proofs, consent log.

Keys. A 32-byte seed (kept sealed in the store; shown once at creation for backup) gives both
secrets: ``holder_secret = HKDF-SHA256(seed, info="zkvct/holder-secret/v2", 64 bytes) mod r``
(docs/protocol.md, :func:`zkvct.credentials.derive.holder_secret_from_seed`), and the did:shr
key ``HKDF-SHA256(seed, info="zkvct/did-key/v1", 48 bytes) mod (n-1) + 1``, so restoring the seed
restores the DID and every credential's opening.

Issuance. :meth:`Wallet.accept_offer` signs a proof of possession (ES256K JWS by the DID key over
``{offer_id, holder_did, holder_commit, nonce, aud, iat, exp}``; only ``holder_commit`` leaves the
wallet), checks the issuer's signature on the returned VC and that the VC opens to a leaf for
*this* holder (its commitment and DID hash), and stores it sealed.

Proving. :meth:`Wallet.prove_for_request` answers a relying party's request: scope and challenge
are derived from the relying party's DID, the statement id and the request (never chosen here),
the Merkle path comes from :meth:`Wallet.sync`, and the consent hook decides before any proof
is made; every decision goes to the consent log.
"""
from __future__ import annotations

import datetime as _dt
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from circuits.statements.credential import Credential

from ..credentials.credential import holder_commit
from ..credentials.derive import ProofRequest, challenge, holder_did_hash, holder_secret_from_seed, scope
from ..did import jws
from ..services.issuer.credential import VC_JWS_TYP, CredentialFormatError, parse_opening
from ..services.issuer.registry import POP_TYP
from .store import WalletError, WalletStore
from .sync import SyncedPath, sync_path

from ..did.address import SECP256K1_N  # noqa: E402
DID_KEY_INFO = b"zkvct/did-key/v1"
SEED_BYTES = 32
POP_LIFETIME_S = 120


def did_key_from_seed(seed: bytes) -> ec.EllipticCurvePrivateKey:
    okm = HKDF(algorithm=hashes.SHA256(), length=48, salt=None, info=DID_KEY_INFO).derive(seed)
    return ec.derive_private_key(int.from_bytes(okm, "big") % (SECP256K1_N - 1) + 1, ec.SECP256K1())


class ConsentDeclined(WalletError):
    """The holder (the consent hook) said no; nothing was proved."""


@dataclass(frozen=True)
class ConsentRequest:
    """What the consent hook is asked: who wants which statement, from which credential."""

    relying_party_did: str
    statement_id: str
    statement: str
    request: ProofRequest
    credential_id: str
    issuer_did: str
    discloses_holder_did: bool


ConsentHook = Callable[[ConsentRequest], bool]

_COMPILED: dict[tuple[str, str], Any] = {}


def compiled_statement(statement: Any) -> Any:
    """The compiled circuit of ``statement`` (compiled once per process and parameters)."""
    from ..dsl import compile_circuit

    key = (statement.name, repr(sorted(statement.parameters().items())))
    if key not in _COMPILED:
        _COMPILED[key] = compile_circuit(statement)
    return _COMPILED[key]


class Wallet:
    """A holder's wallet over an encrypted :class:`WalletStore`."""

    def __init__(self, store: WalletStore, *, http: Callable[[str], httpx.Client] | None = None):
        self.store = store
        seed = store.seed()
        self._holder_secret = holder_secret_from_seed(seed)
        self._key = did_key_from_seed(seed)
        self.did = jws.did_of(self._key)
        self._http = http or (lambda base: httpx.Client(base_url=base, timeout=60))

    def __repr__(self) -> str:
        return f"Wallet({self.did})"

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str, *, seed: bytes | None = None,
               scrypt: dict[str, int] | None = None) -> "Wallet":
        """A new wallet (fresh seed, or ``seed`` to restore one)."""
        seed = os.urandom(SEED_BYTES) if seed is None else seed
        if len(seed) < 16:
            raise WalletError("a wallet seed has at least 16 bytes")
        return cls(WalletStore.create(path, passphrase, seed, scrypt))

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str) -> "Wallet":
        return cls(WalletStore.open(path, passphrase))

    def close(self) -> None:
        self.store.close()

    def seed_hex(self) -> str:
        """The recovery seed (show it to the holder once, for backup)."""
        return self.store.seed().hex()

    @property
    def holder_commit(self) -> int:
        return holder_commit(self._holder_secret)

    # -- issuance --------------------------------------------------------------------------

    def proof_of_possession(self, offer_id: str, issuer_did: str, now: int | None = None) -> str:
        now = int(time.time()) if now is None else now
        claims = {"offer_id": offer_id, "holder_did": self.did, "holder_commit": str(self.holder_commit),
                  "nonce": secrets.token_urlsafe(24), "aud": issuer_did, "iat": now, "exp": now + POP_LIFETIME_S}
        return jws.sign(claims, self._key, self.did, POP_TYP)

    def accept_offer(self, issuer_url: str, offer_id: str) -> dict[str, Any]:
        """Redeem ``offer_id`` at the issuer; check and store the credential. Returns its summary."""
        with self._http(issuer_url) as client:
            info = _json(client.get(f"/v1/offers/{offer_id}"), "read the offer")
            issuer_did = info["issuer_did"]
            pop = self.proof_of_possession(offer_id, issuer_did)
            issued = _json(client.post(f"/v1/offers/{offer_id}/redeem", json={"proof": pop}), "redeem the offer")
        return self.store_credential(issued.get("credential"), issuer_url=issuer_url, expected_issuer=issuer_did)

    def store_credential(self, token: Any, *, issuer_url: str | None = None, expected_issuer: str | None = None,
                         key_check: jws.KeyCheck = jws.offline_key_check) -> dict[str, Any]:
        """Check a VC JWS (issuer signature, opening for this holder) and keep it."""
        try:
            signed = jws.verify(token, typ=VC_JWS_TYP, key_check=key_check)
        except jws.JwsError as exc:
            raise WalletError(f"the credential's signature does not check: {exc}") from None
        vc = signed.payload
        try:
            opening = parse_opening(vc)
        except CredentialFormatError as exc:
            raise WalletError(f"malformed credential: {exc}") from None
        if vc["issuer"] != signed.did or (expected_issuer and signed.did != expected_issuer):
            raise WalletError("the credential's issuer is not the DID that signed it (or not the offer's issuer)")
        if vc["credentialSubject"]["id"] != self.did or opening["holderDidHash"] != holder_did_hash(self.did):
            raise WalletError(f"the credential is for {vc['credentialSubject']['id']}, not this wallet's {self.did}")
        if opening["holderCommit"] != self.holder_commit:
            raise WalletError("the credential does not commit to this wallet's holder secret")
        record = {"vc_jws": token, "issuer_did": signed.did, "issuer_url": issuer_url, "opening": _wire(opening),
                  "path": None}
        self.store.add_credential(vc["id"], signed.did, opening["serial"], record)
        return self._summary(vc["id"], record)

    @staticmethod
    def _summary(cred_id: str, record: dict[str, Any]) -> dict[str, Any]:
        vc = jws.unverified_payload(record["vc_jws"])  # verified before it was stored
        subject = vc["credentialSubject"]
        return {"id": cred_id, "issuer_did": record["issuer_did"], "serial": record["opening"]["serial"],
                "date_of_birth": subject.get("dateOfBirth"), "country": subject.get("country"),
                "accredited_until": subject.get("accreditedUntil"), "valid_until": vc.get("validUntil"),
                "synced_root": record["path"]["root"] if record.get("path") else None}

    def credentials(self) -> list[dict[str, Any]]:
        return [self._summary(rec.pop("id"), rec) for rec in self.store.credentials()]

    # -- sync --------------------------------------------------------------------------------

    def sync(self, cred_id: str | None = None, issuer_url: str | None = None) -> dict[str, Any]:
        """Refresh the Merkle path of one credential (default: every credential)."""
        ids = [cred_id] if cred_id else [c["id"] for c in self.credentials()]
        done = []
        for cid in ids:
            record = self.store.credential(cid)
            url = issuer_url or record.get("issuer_url")
            if not url:
                raise WalletError(f"credential {cid}: no issuer URL known; pass issuer_url")
            op = record["opening"]
            with self._http(url) as client:
                path = sync_path(client, int(op["serial"]), int(op["leaf"]), int(op["registryDepth"]))
            record["path"] = {"root": str(path.root), "siblings": [str(s) for s in path.siblings]}
            self.store.update_credential(cid, record)
            done.append({"id": cid, "root": str(path.root)})
        return {"synced": done}

    # -- proving -----------------------------------------------------------------------------

    def prove_for_request(self, statement: Any, rp_did: str, request: ProofRequest | dict[str, Any], *,
                          zkey: str | os.PathLike[str], statement_id: str | None = None,
                          credential_id: str | None = None, today: str | None = None,
                          consent: ConsentHook | None = None) -> dict[str, Any]:
        """Prove ``statement`` for ``rp_did``'s ``request``; returns the presentation (wire form).

        ``consent`` is asked first (the relying-party request inspection of the wallet UI plugs in
        here); a refusal is logged and raises :class:`ConsentDeclined`.
        """
        from ..groth16.prove import ProveError, prove

        if isinstance(request, dict):
            request = ProofRequest(id=str(request["id"]), nonce=str(request["nonce"]), expires_at=int(request["expires_at"]))
        if request.expires_at <= time.time():
            raise WalletError("the request has expired; ask the relying party for a new one")
        statement_id = statement_id or statement.name
        cid, record = self._pick(credential_id)
        ask = ConsentRequest(relying_party_did=rp_did, statement_id=statement_id, statement=statement.name,
                             request=request, credential_id=cid, issuer_did=record["issuer_did"],
                             discloses_holder_did=bool(statement.with_did))
        entry = {"relying_party_did": rp_did, "statement_id": statement_id, "request_id": request.id,
                 "credential_id": cid}
        if consent is not None and not consent(ask):
            self.store.log_consent({**entry, "decision": "declined"})
            raise ConsentDeclined(f"the holder declined to prove {statement_id} to {rp_did}")
        if not record.get("path"):
            raise WalletError(f"credential {cid} has no Merkle path yet; run sync first")
        op = record["opening"]
        if int(op["registryDepth"]) != statement.depth:
            raise WalletError(f"the statement's circuit has depth {statement.depth}, the credential's registry "
                              f"{op['registryDepth']}")
        cred = Credential(holder_secret=self._holder_secret, serial=int(op["serial"]),
                          holder_did_hash=int(op["holderDidHash"]), dob_days=int(op["dobDays"]),
                          country=int(op["country"]), accredited_until_days=int(op["accreditedUntilDays"]),
                          expiry_days=int(op["expiryDays"]), salt=int(op["salt"]))
        path = SyncedPath(int(record["path"]["root"]), cred.serial, tuple(int(s) for s in record["path"]["siblings"]),
                          statement.depth)
        today = today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()
        data = statement.statement_input(cred, path.registry(), today=today, scope=scope(rp_did, statement_id),
                                         challenge=challenge(rp_did, request))
        compiled = compiled_statement(statement)
        try:
            # an unsatisfied predicate shows up as a witness the circuit rejects (the prover's self-check)
            result = prove(zkey, compiled.witness(data), trusted_zkey=True)
        except (ProveError, ValueError, ArithmeticError) as exc:
            self.store.log_consent({**entry, "decision": "unprovable"})
            raise WalletError(f"this credential does not satisfy {statement_id} ({exc.__class__.__name__}): "
                              "nothing was proved") from None
        self.store.log_consent({**entry, "decision": "proved"})
        return {"statement_id": statement_id, "proof": result.proof.to_obj(),
                "public_inputs": [str(v) for v in result.publics.values], "issuer_did": record["issuer_did"],
                "relying_party_did": rp_did, "request": request.to_wire(),
                "holder_did": self.did if statement.with_did else None}

    def _pick(self, credential_id: str | None) -> tuple[str, dict[str, Any]]:
        if credential_id:
            return credential_id, self.store.credential(credential_id)
        creds = list(self.store.credentials())
        if not creds:
            raise WalletError("the wallet holds no credential; accept an offer first")
        newest = creds[-1]
        return newest.pop("id"), newest

    def consent_log(self) -> list[dict[str, Any]]:
        return self.store.consent_log()


def _wire(opening: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if k in ("salt", "holderCommit", "holderDidHash", "leaf") else v) for k, v in opening.items()}


def _json(resp: httpx.Response, what: str) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        data = {}
    if resp.status_code != 200:
        raise WalletError(f"the issuer refused to {what} ({resp.status_code} {data.get('error')}): {data.get('detail')}")
    if not isinstance(data, dict):
        raise WalletError(f"the issuer's answer to {what} is not a JSON object")
    return data
