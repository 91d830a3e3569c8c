"""Build the did:shr DID document and resolution result from a CW1056 event history (pure).

This module does no I/O: :mod:`zkvct.did.resolver` fetches the history and block times from the
chain; here they are interpreted exactly as the method spec (seeds/002, "Read (Resolve)") says,
which follows the ERC-1056 / ethr-did-resolver model:

* ``#controller``: an ``EcdsaSecp256k1RecoveryMethod2020`` with ``blockchainAccountId``
  ``cosmos:shareledger:<owner address>``, referenced from ``authentication`` and ``assertionMethod``.
  ``#controllerKey`` (``EcdsaSecp256k1VerificationKey2019``, ``publicKeyHex``) only for the
  public-key form, and only while the owner is still that key's own address.
* Events are replayed oldest first, only those at or below the requested block (``versionId``).
  Every delegate event and every ``did/pub/...`` attribute event advances the delegate counter,
  every ``did/svc/...`` attribute event the service counter, *whether it adds, revokes or has
  expired*, so ``#delegate-N`` / ``#service-N`` never change meaning across updates.
* An add is live while ``valid_to > now``; ``now`` is the time of the block being resolved (the
  latest block, or the ``versionId`` block). A later event with the same (type/name, delegate/value)
  replaces or revokes it.
* Delegates: ``veriKey`` -> verificationMethod + assertionMethod; ``sigAuth`` ->
  verificationMethod + authentication (the spec's text; other delegate types are counted only).
* ``did/pub/<Secp256k1|RSA|Ed25519|X25519>/<veriKey|sigAuth|enc>[/<hex|base64|base58>]``: a key
  entry (``enc`` -> keyAgreement); ``did/svc/<Type>``: a service whose endpoint is the value's
  UTF-8 text (JSON when it parses as JSON).
* Owner set to none: deactivated. The document is the empty one of the spec's Delete section.

Deliberate readings (also in docs/chain.md): the spec says "validTo >= now"; here it is ``>``, the
rule of the contract's ``valid_delegate`` query, so a revocation (``valid_to`` = its block time)
takes effect in its own block instead of lingering for one version. Key-algorithm / purpose pairs
that name no usable key type (an X25519 signing key, a key-agreement Ed25519/RSA/Secp256k1 key) are
counted but not published.
"""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

from .address import address_from_key
from .events import ChangeEvent
from .identifier import ShrDid

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
CONTEXT = [DID_CONTEXT, "https://w3id.org/security/suites/secp256k1recovery-2020/v2"]
CONTENT_TYPE = "application/did+ld+json"
ACCOUNT_NAMESPACE = "cosmos:shareledger:"
RECOVERY_METHOD = "EcdsaSecp256k1RecoveryMethod2020"

_PUB = re.compile(r"did/pub/(Secp256k1|RSA|Ed25519|X25519)/(veriKey|sigAuth|enc)(?:/(hex|base64|base58))?")
_SVC = re.compile(r"did/svc/(\w+)")

#: (algorithm, purpose) -> verification method type; pairs absent here are not published.
KEY_TYPES = {
    ("Secp256k1", "veriKey"): "EcdsaSecp256k1VerificationKey2019",
    ("Secp256k1", "sigAuth"): "EcdsaSecp256k1VerificationKey2019",
    ("Ed25519", "veriKey"): "Ed25519VerificationKey2018",
    ("Ed25519", "sigAuth"): "Ed25519VerificationKey2018",
    ("RSA", "veriKey"): "RsaVerificationKey2018",
    ("RSA", "sigAuth"): "RsaVerificationKey2018",
    ("X25519", "enc"): "X25519KeyAgreementKey2019",
}

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58_encode(data: bytes) -> str:
    """Bitcoin-alphabet base58 (leading zero bytes become '1')."""
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, r = divmod(n, 58)
        out.append(_B58[r])
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + "".join(reversed(out))


def iso_seconds(t: datetime) -> str:
    """ISO 8601 UTC without sub-second part, e.g. ``2021-03-22T18:14:29Z`` (spec: ``updated``)."""
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _account_id(address: str) -> str:
    return ACCOUNT_NAMESPACE + address


def _key_entry(did: str, n: int, event: ChangeEvent) -> tuple[dict[str, Any], str] | None:
    m = _PUB.fullmatch(event.name)
    if m is None:
        return None
    algorithm, purpose, encoding = m.group(1), m.group(2), m.group(3) or "hex"
    vm_type = KEY_TYPES.get((algorithm, purpose))
    if vm_type is None:
        return None
    raw = bytes.fromhex(event.value)
    entry: dict[str, Any] = {"id": f"{did}#delegate-{n}", "type": vm_type, "controller": did}
    if encoding == "hex":
        entry["publicKeyHex"] = raw.hex()
    elif encoding == "base64":
        entry["publicKeyBase64"] = base64.b64encode(raw).decode()
    else:
        entry["publicKeyBase58"] = base58_encode(raw)
    return entry, purpose


def _service_entry(did: str, n: int, event: ChangeEvent) -> dict[str, Any] | None:
    m = _SVC.fullmatch(event.name)
    if m is None:
        return None
    try:
        text = bytes.fromhex(event.value).decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        endpoint: Any = json.loads(text)
        if not isinstance(endpoint, (dict, list, str)):
            endpoint = text
    except ValueError:
        endpoint = text
    return {"id": f"{did}#service-{n}", "type": m.group(1), "serviceEndpoint": endpoint}


def build_resolution(
    did: ShrDid,
    history: Sequence[ChangeEvent],
    *,
    now: int,
    block_times: Mapping[int, datetime],
    version_id: int | None = None,
) -> dict[str, Any]:
    """The W3C DID resolution result for ``did`` given its full event ``history`` (oldest first).

    ``now`` (Unix seconds) is the time of the block resolved at: the latest block, or block
    ``version_id``. ``block_times`` must hold the time of every block in ``history``.
    """
    name = did.did
    controller = did.address
    deactivated = False
    version = 0
    next_version: int | None = None
    delegate_n = 0
    service_n = 0
    vms: dict[tuple[str, str, str], dict[str, Any]] = {}
    auth: dict[tuple[str, str, str], str] = {}
    assertion: dict[tuple[str, str, str], str] = {}
    agreement: dict[tuple[str, str, str], str] = {}
    services: dict[tuple[str, str, str], dict[str, Any]] = {}

    ordered = sorted(history, key=lambda e: e.height)  # stable: keeps in-block order
    for event in ordered:
        if version_id is not None and event.height > version_id:
            if next_version is None or event.height < next_version:
                next_version = event.height
            continue
        version = max(version, event.height)
        if deactivated:
            continue  # the contract refuses changes after deactivation; ignore any anyway
        if event.kind == "owner":
            if event.owner is None:
                deactivated = True
            else:
                controller = event.owner
            continue

        is_pub = event.kind == "delegate" or event.name.startswith("did/pub/")
        is_svc = event.kind == "attribute" and event.name.startswith("did/svc/")
        if is_pub:
            delegate_n += 1
        elif is_svc:
            service_n += 1
        else:
            continue  # an attribute outside the DID document (spec: only keys and services)
        key = event.key
        for table in (vms, auth, assertion, agreement, services):
            table.pop(key, None)
        if event.valid_to <= now:
            continue  # a revocation, or an add that has expired at this point in time

        if event.kind == "delegate":
            if event.delegate_type not in ("veriKey", "sigAuth"):
                continue
            vm_id = f"{name}#delegate-{delegate_n}"
            vms[key] = {
                "id": vm_id, "type": RECOVERY_METHOD, "controller": name,
                "blockchainAccountId": _account_id(event.delegate),
            }
            (assertion if event.delegate_type == "veriKey" else auth)[key] = vm_id
        elif is_pub:
            made = _key_entry(name, delegate_n, event)
            if made is None:
                continue
            entry, purpose = made
            vms[key] = entry
            {"veriKey": assertion, "sigAuth": auth, "enc": agreement}[purpose][key] = entry["id"]
        else:
            svc = _service_entry(name, service_n, event)
            if svc is not None:
                services[key] = svc

    metadata: dict[str, Any] = {}
    if version:
        metadata["versionId"] = str(version)
        metadata["updated"] = iso_seconds(block_times[version])
    if next_version is not None:
        metadata["nextVersionId"] = str(next_version)
        metadata["nextUpdate"] = iso_seconds(block_times[next_version])
    if deactivated:
        metadata["deactivated"] = True
        document: dict[str, Any] = {
            "@context": DID_CONTEXT, "id": name,
            "verificationMethod": [], "assertionMethod": [], "authentication": [],
        }
        return resolution_result(document, metadata)

    controller_id = f"{name}#controller"
    verification = [{
        "id": controller_id, "type": RECOVERY_METHOD, "controller": name,
        "blockchainAccountId": _account_id(controller),
    }]
    if did.public_key is not None and controller == address_from_key(did.public_key):
        verification.append({
            "id": f"{name}#controllerKey", "type": "EcdsaSecp256k1VerificationKey2019",
            "controller": name, "publicKeyHex": did.public_key.hex(),
        })
    verification.extend(vms.values())
    document = {
        "@context": list(CONTEXT),
        "id": name,
        "verificationMethod": verification,
        "authentication": [controller_id, *auth.values()],
        "assertionMethod": [controller_id, *assertion.values()],
    }
    if agreement:
        document["keyAgreement"] = list(agreement.values())
    if services:
        document["service"] = list(services.values())
    return resolution_result(document, metadata)


def resolution_result(document: dict[str, Any] | None, metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "didDocument": document,
        "didDocumentMetadata": metadata,
        "didResolutionMetadata": {"contentType": CONTENT_TYPE},
    }


def error_result(error: str, message: str) -> dict[str, Any]:
    """A failed resolution (W3C codes: ``invalidDid``, ``notFound``, ``methodNotSupported``, ...)."""
    return {
        "didDocument": None,
        "didDocumentMetadata": {},
        "didResolutionMetadata": {"error": error, "message": message},
    }
