"""The W3C Verifiable Credential (Data Model 2.0) the issuer signs, and its checks.

Secured as VC-JOSE-COSE: the credential JSON is the payload of a compact JWS (ES256K, ``typ``
``vc+jwt``, ``cty`` ``vc``) signed with the issuer's did:shr key, ``kid`` = ``<issuer
did>#controllerKey``. The ``credentialSubject`` carries the attributes in readable form and, under
``zkvctOpening``, the exact integers the holder needs to open its registry leaf in a proof:
serial, salt, holder_did_hash and the day-encoded attributes. The holder secret is never in it:
the issuer only saw ``holder_commit``.
"""
from __future__ import annotations

from typing import Any

from ...credentials.credential import country_code, days, leaf_hash
from ...credentials.derive import holder_did_hash
from ...errors import ZkvctError
from ...field import R
from .limits import MAX_DEPTH, MIN_DEPTH

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
VC_TYPE = "ZkvctIdentityCredential"
VC_JWS_TYP = "vc+jwt"
SCHEMA_NAME = "zkvct.identity.v2"


STATUS_TYPE = "ZkvctRegistryLeaf"
"""``credentialStatus.type`` of a credential that names its registry entry."""


class CredentialFormatError(ZkvctError):
    """A credential that is not a well-formed zkvct VC (names the field)."""


def build_vc(*, vc_id: str, issuer_did: str, holder_did: str, issued_at: str, subject: dict[str, Any],
             serial: int, salt: int, holder_commit: int, depth: int, registry_url: str | None) -> dict[str, Any]:
    """The credential JSON for one redeemed offer (``subject``: ISO dates and the country code)."""
    opening = {
        "schema": SCHEMA_NAME,
        "serial": serial,
        "salt": str(salt),
        "holderCommit": str(holder_commit),
        "holderDidHash": str(holder_did_hash(holder_did)),
        "dobDays": days(subject["dob"]),
        "country": country_int(subject["country"]),
        "accreditedUntilDays": days(subject["accredited_until"]) if subject.get("accredited_until") else 0,
        "expiryDays": days(subject["expiry"]),
        "registryDepth": depth,
    }
    opening["leaf"] = str(leaf_of_opening(opening))
    cred_subject: dict[str, Any] = {
        "id": holder_did,
        "dateOfBirth": subject["dob"],
        "country": subject["country"],
        "zkvctOpening": opening,
    }
    if subject.get("accredited_until"):
        cred_subject["accreditedUntil"] = subject["accredited_until"]
    vc: dict[str, Any] = {
        "@context": [VC_CONTEXT],
        "id": vc_id,
        "type": ["VerifiableCredential", VC_TYPE],
        "issuer": issuer_did,
        "validFrom": issued_at,
        "validUntil": subject["expiry"] + "T00:00:00Z",
        "credentialSubject": cred_subject,
    }
    if registry_url:
        vc["credentialStatus"] = {"id": f"{registry_url}#{serial}", "type": STATUS_TYPE,
                                  "statusListIndex": str(serial)}
    return vc


def country_int(alpha2: str) -> int:
    """ISO 3166 alpha-2 as the 16-bit integer the circuits use (``"SG"`` -> 0x5347)."""
    if not isinstance(alpha2, str) or not alpha2.isascii():
        raise CredentialFormatError(f"country must be an ISO 3166 alpha-2 code like 'SG', got {alpha2!r}")
    try:
        return country_code(alpha2)
    except ValueError as exc:
        raise CredentialFormatError(str(exc)) from None


def leaf_of_opening(opening: dict[str, Any]) -> int:
    return leaf_hash(int(opening["holderCommit"]), int(opening["holderDidHash"]), int(opening["dobDays"]),
                     int(opening["country"]), int(opening["accreditedUntilDays"]), int(opening["expiryDays"]),
                     int(opening["salt"]))



_OPENING_INTS = ("serial", "dobDays", "country", "accreditedUntilDays", "expiryDays", "registryDepth")
_OPENING_FIELDS = ("salt", "holderCommit", "holderDidHash", "leaf")


def _check_status(vc: dict[str, Any], serial: int) -> None:
    """The leaf does not commit to the serial (it is the leaf's place in the registry tree; the
    depth is the other such value, range-checked by the caller), so where the credential names its registry entry (``credentialStatus``,
    written by an issuer with a public URL) the two must agree: otherwise a credential could point
    a verifier's revocation lookup at another holder's leaf."""
    if "credentialStatus" not in vc:
        return
    status = vc["credentialStatus"]
    if not isinstance(status, dict) or status.get("type") != STATUS_TYPE:
        raise CredentialFormatError(f"credentialStatus must be an object of type {STATUS_TYPE!r}")
    entry, index = status.get("id"), status.get("statusListIndex")
    if index != str(serial) or not isinstance(entry, str) or not entry.endswith(f"#{serial}"):
        raise CredentialFormatError("credentialStatus must name the opening's serial (id ending in "
                                    "'#<serial>' and statusListIndex '<serial>')")


def parse_opening(vc: Any) -> dict[str, Any]:
    """Check the shape of a zkvct VC and return its opening with integers (raises naming the field)."""
    if not isinstance(vc, dict):
        raise CredentialFormatError("a credential must be a JSON object")
    ctx = vc.get("@context")
    if not isinstance(ctx, list) or not ctx or ctx[0] != VC_CONTEXT:
        raise CredentialFormatError(f"@context must be a list starting with {VC_CONTEXT!r}")
    if not isinstance(vc.get("type"), list) or VC_TYPE not in vc["type"] or "VerifiableCredential" not in vc["type"]:
        raise CredentialFormatError(f"type must contain 'VerifiableCredential' and {VC_TYPE!r}")
    for name in ("id", "issuer", "validFrom", "validUntil"):
        if not isinstance(vc.get(name), str) or not vc[name]:
            raise CredentialFormatError(f"{name} must be a non-empty string")
    subject = vc.get("credentialSubject")
    if not isinstance(subject, dict) or not isinstance(subject.get("id"), str):
        raise CredentialFormatError("credentialSubject must be an object with the holder's DID as id")
    opening = subject.get("zkvctOpening")
    if not isinstance(opening, dict) or opening.get("schema") != SCHEMA_NAME:
        raise CredentialFormatError(f"credentialSubject.zkvctOpening must be an object with schema {SCHEMA_NAME!r}")
    out: dict[str, Any] = {"schema": SCHEMA_NAME}
    for name in _OPENING_INTS:
        value = opening.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0 or value >= 1 << 32:
            raise CredentialFormatError(f"zkvctOpening.{name} must be a non-negative integer below 2^32")
        out[name] = value
    for name in _OPENING_FIELDS:
        value = opening.get(name)
        if not isinstance(value, str) or not value.isdigit() or len(value) > 78 or int(value) >= R:
            raise CredentialFormatError(f"zkvctOpening.{name} must be a decimal field element (< r)")
        out[name] = int(value)
    if not MIN_DEPTH <= out["registryDepth"] <= MAX_DEPTH:
        # checked before 1 << depth: a depth near 2^32 would make that shift a 512 MB integer
        raise CredentialFormatError(f"zkvctOpening.registryDepth must be between {MIN_DEPTH} and {MAX_DEPTH}")
    if out["serial"] >= 1 << out["registryDepth"]:
        raise CredentialFormatError("zkvctOpening.serial is outside the registry tree")
    _check_status(vc, out["serial"])
    try:
        subject_hash = holder_did_hash(subject["id"])
    except ValueError as exc:  # DidError: not a canonical did:shr
        raise CredentialFormatError(f"credentialSubject.id: {exc}") from None
    if out["holderDidHash"] != subject_hash:
        raise CredentialFormatError("zkvctOpening.holderDidHash is not the hash of credentialSubject.id")
    if leaf_of_opening(opening) != out["leaf"]:
        raise CredentialFormatError("zkvctOpening.leaf does not match the opening's values")
    return out
