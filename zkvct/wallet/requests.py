"""The wallet's side of a relying party's request: fetch, check, show, then prove or decline.

Everything that can be checked is checked *before* the holder is asked anything, and a request
that fails is refused with the reason, never shown as a consent screen:

* the token's signature by the relying party's did:shr (with the chain's owner record when the
  wallet has a chain), its version and expiry;
* ``scope`` and ``challenge`` are the values the verifier will derive (a request whose scope is
  not its signer's cannot harvest a pseudonym meant for another relying party);
* the statement is one this wallet has a key for, with the parameters the request states;
* the wallet's credential comes from an issuer the request trusts.

The consent summary says who asks, for which statement, and exactly what becomes public (the
public inputs by role); approving proves with the stored credential, and for an on-chain,
DID-bound task signs the holder authorization that lets the relying party submit on the
holder's behalf (docs/protocol.md).
"""
from __future__ import annotations

import base64
import time
from dataclasses import dataclass
from typing import Any

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ..credentials.derive import authorization_sign_bytes, proof_hash
from ..credentials.request_token import RequestError, check_request, parse_deep_link
from ..did import jws
from ..errors import ZkvctError
from ..groth16.json_models import Proof

from ..did.address import SECP256K1_N  # noqa: E402
MAX_TOKEN = 64 * 1024

_ROLE_TEXT = {
    "issuer_root": "which issuer registry your credential is in (not which entry)",
    "revocation_root": "the issuer's current registry root",
    "cutoff_days": "the date you were born on or before (the age threshold, not your birthday)",
    "today_days": "today's date",
    "scope": "a value fixed by this relying party and statement",
    "nullifier": "a pseudonym for you at this relying party for this statement (the same every time)",
    "challenge": "this request's challenge",
    "holder_did_hash": "the hash of your did:shr (your DID becomes known to the relying party)",
    "param": "a value fixed by the statement",
}


class RequestRefused(ZkvctError):
    """The wallet refuses a request before consent; ``code`` names the failed check."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class CheckedRequest:
    token: str
    payload: dict[str, Any]
    statement_key: dict[str, Any]
    credential_id: str
    issuer_did: str

    def summary(self) -> dict[str, Any]:
        p = self.payload
        reveals = [f"{r['role']}: {_ROLE_TEXT.get(r['role'], r['role'])}" for r in p.get("public_inputs", [])]
        return {"relying_party": p["iss"], "workflow": p.get("workflow"), "purpose": p.get("purpose"),
                "statement": p["statement_id"], "params": p.get("params", {}), "verification": p["verification"],
                "credential": self.credential_id, "issuer": self.issuer_did, "expires_in_s": p["exp"] - int(time.time()),
                "discloses_your_did": bool(p.get("did_bound")), "becomes_public": reveals}


def fetch(link_or_uri: str, *, client: httpx.Client | None = None) -> str:
    """The request token behind a deep link (or a plain request URL)."""
    uri = parse_deep_link(link_or_uri) if link_or_uri.startswith("zkvct:") else link_or_uri
    if not uri.startswith(("http://", "https://")):
        raise RequestRefused("bad_link", "give the request's zkvct:// link or its http(s) URL")
    http = client or httpx.Client(timeout=30)
    try:
        resp = http.get(uri)
    except httpx.HTTPError as e:
        raise RequestRefused("unreachable", f"cannot fetch the request: {type(e).__name__}") from None
    if resp.status_code != 200 or len(resp.content) > MAX_TOKEN:
        raise RequestRefused("unavailable", f"the relying party answered {resp.status_code} for the request")
    return resp.text.strip()


def check(wallet: Any, token: str, keys: dict[str, dict[str, Any]], *,
          key_check: jws.KeyCheck = jws.offline_key_check) -> CheckedRequest:
    """Every check that runs before consent (see the module docstring)."""
    try:
        p = check_request(token, key_check=key_check)
    except RequestError as e:
        raise RequestRefused(e.code, str(e)) from None
    entry = keys.get(p["statement_id"])
    if entry is None:
        raise RequestRefused("statement_unknown", f"this wallet has no key for statement {p['statement_id']!r}; "
                             f"known: {', '.join(sorted(keys)) or 'none'}")
    for name, value in (p.get("params") or {}).items():
        if name in entry.get("params", {}) and entry["params"][name] != value:
            raise RequestRefused("params_mismatch", f"the request asks {name}={value!r}, this wallet's key for "
                                 f"{p['statement_id']} proves {name}={entry['params'][name]!r}")
    trusted = set(p["trusted_issuers"])
    creds = [c for c in wallet.credentials() if c.get("issuer_did") in trusted]
    if not creds:
        raise RequestRefused("issuer_not_trusted", "none of this wallet's credentials comes from an issuer the "
                             "request trusts")
    return CheckedRequest(token, p, entry, creds[-1]["id"], creds[-1]["issuer_did"])


def _sign_low_s(key: ec.EllipticCurvePrivateKey, digest_input: bytes) -> bytes:
    der = key.sign(digest_input, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    if s > SECP256K1_N // 2:  # CosmWasm's secp256k1_verify takes the low-S form only
        s = SECP256K1_N - s
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def holder_authorization(wallet: Any, presentation: dict[str, Any], *, chain_id: str, verifier: str,
                         nonce: int) -> dict[str, Any]:
    """The holder's signature letting the relying party submit this proof on chain (CW1056 layout)."""
    digest = proof_hash(Proof.parse(presentation["proof"]))
    msg = authorization_sign_bytes(chain_id=chain_id, verifier=verifier, nonce=nonce, holder_did=wallet.did,
                                   statement_id=presentation["statement_id"],
                                   relying_party_did=presentation["relying_party_did"],
                                   request_id=presentation["request"]["id"], proof_hash_bytes=digest)
    sig = _sign_low_s(wallet._key, msg)
    return {"public_key": jws.compressed_public_key(wallet._key).hex(),
            "signature": base64.b64encode(sig).decode(), "nonce": nonce}


def approve(wallet: Any, req: CheckedRequest, *, nonce_of: Any = None,
            client: httpx.Client | None = None) -> dict[str, Any]:
    """Prove for the checked request and post the response; returns the relying party's answer.

    ``nonce_of(holder_did) -> int`` reads the holder's authorization nonce from the verifier (for
    on-chain, DID-bound tasks); without it such a task cannot be authorized and is refused.
    """
    from circuits.statements import get_statement

    p = req.payload
    entry = req.statement_key
    params = dict(entry.get("params", {}))
    statement = get_statement(entry["statement"], **params)
    request = {"id": p["id"], "nonce": p["nonce"], "expires_at": p["exp"]}
    presentation = wallet.prove_for_request(statement, p["iss"], request, zkey=entry["zkey"],
                                            statement_id=p["statement_id"], credential_id=req.credential_id,
                                            consent=lambda _ask: True)
    body: dict[str, Any] = {"proof": presentation["proof"], "public_inputs": presentation["public_inputs"],
                            "issuer_did": presentation["issuer_did"]}
    if p.get("did_bound"):
        body["holder_did"] = wallet.did
        if p["verification"] == "on-chain":
            chain = p.get("chain") or {}
            if nonce_of is None or not chain.get("verifier"):
                raise RequestRefused("no_chain", "an on-chain DID-bound request needs the wallet's chain connection "
                                     "(--chain-home) to authorize the submission")
            body["holder_authorization"] = holder_authorization(wallet, presentation, chain_id=chain["chain_id"],
                                                                verifier=chain["verifier"], nonce=nonce_of(wallet.did))
    http = client or httpx.Client(timeout=120)
    try:
        resp = http.post(p["response_uri"], json=body)
    except httpx.HTTPError as e:
        raise RequestRefused("unreachable", f"cannot reach the relying party: {type(e).__name__}") from None
    try:
        answer = resp.json()
    except ValueError:
        answer = {}
    if resp.status_code != 200:
        raise RequestRefused(str(answer.get("error", resp.status_code)),
                             f"the relying party refused the response: {answer.get('error')}: {answer.get('detail')}")
    return {"response": body, "answer": answer}


def deny(wallet: Any, req: CheckedRequest) -> None:
    """Record the holder's refusal in the consent log (nothing is sent)."""
    from circuits.statements import get_statement

    p = req.payload
    statement = get_statement(req.statement_key["statement"], **dict(req.statement_key.get("params", {})))
    try:
        wallet.prove_for_request(statement, p["iss"], {"id": p["id"], "nonce": p["nonce"], "expires_at": p["exp"]},
                                 zkey=req.statement_key["zkey"], statement_id=p["statement_id"],
                                 credential_id=req.credential_id, consent=lambda _ask: False)
    except ZkvctError:
        return


__all__ = ["CheckedRequest", "RequestRefused", "approve", "check", "deny", "fetch", "holder_authorization"]
