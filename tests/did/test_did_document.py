"""DID documents built from synthetic CW1056 histories (pure: no node).

The events here use the exact attribute layout of contracts/cw1056 (see zkvct/did/events.py); the
chain tests (tests/chain) replay the same kinds of history through the real contract.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zkvct.did.address import address_from_key
from zkvct.did.document import build_resolution
from zkvct.did.events import ChangeEvent, EventError, parse_change_event
from zkvct.did.identifier import parse_did

KEY = "02457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0d9"
DID = f"did:shr:{KEY}"
OWN = "shareledger1zq5e4w2w552t4slmclezsuxu5jupmpu52ut6vd"
OTHER = address_from_key(bytes.fromhex("02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71"))
DELEGATE = address_from_key(bytes.fromhex("03f0bf43b327637380656afe0acbc778ebd8ab2165494a0ca84ebf840076ad7330"))
T0 = datetime(2026, 11, 21, 12, 0, 0, tzinfo=timezone.utc)


def t(height: int) -> datetime:
    """Synthetic block time: one block per 5 s from T0 at height 0."""
    return T0 + timedelta(seconds=5 * height)


def ts(height: int) -> int:
    return int(t(height).timestamp())


class History:
    """Scripted CW1056 history with the contract's previous_change bookkeeping."""

    def __init__(self) -> None:
        self.events: list[ChangeEvent] = []
        self.last = 0

    def _add(self, height: int, **kw) -> ChangeEvent:
        e = ChangeEvent(identity=KEY, height=height, previous_change=self.last, **kw)
        self.last = height
        self.events.append(e)
        return e

    def owner(self, h, owner):
        return self._add(h, kind="owner", owner=owner)

    def delegate(self, h, dtype, who, validity):
        return self._add(h, kind="delegate", delegate_type=dtype, delegate=who, valid_to=ts(h) + validity)

    def revoke_delegate(self, h, dtype, who):
        return self._add(h, kind="delegate", delegate_type=dtype, delegate=who, valid_to=ts(h))

    def attribute(self, h, name, value_hex, validity):
        return self._add(h, kind="attribute", name=name, value=value_hex, valid_to=ts(h) + validity)

    def revoke_attribute(self, h, name, value_hex):
        return self._add(h, kind="attribute", name=name, value=value_hex, valid_to=0)

    def resolve(self, at: int, version: int | None = None, did: str = DID):
        times = {e.height: t(e.height) for e in self.events}
        return build_resolution(parse_did(did), self.events, now=ts(at), block_times=times, version_id=version)


def ids(result, section="verificationMethod"):
    return [e["id"].split("#")[1] if isinstance(e, dict) else e.split("#")[1]
            for e in result["didDocument"].get(section, [])]


def test_default_document_is_the_specs():
    res = History().resolve(at=100)
    assert res["didResolutionMetadata"] == {"contentType": "application/did+ld+json"}
    assert res["didDocumentMetadata"] == {}
    # The spec's example, except blockchainAccountId: the spec prints "cosmos:shareledger:1zq5...",
    # which drops the address's own prefix; CAIP-10 "cosmos:shareledger:" + the full address is used.
    assert res["didDocument"] == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/secp256k1recovery-2020/v2"],
        "id": DID,
        "verificationMethod": [
            {"id": f"{DID}#controller", "type": "EcdsaSecp256k1RecoveryMethod2020", "controller": DID,
             "blockchainAccountId": f"cosmos:shareledger:{OWN}"},
            {"id": f"{DID}#controllerKey", "type": "EcdsaSecp256k1VerificationKey2019", "controller": DID,
             "publicKeyHex": KEY},
        ],
        "authentication": [f"{DID}#controller"],
        "assertionMethod": [f"{DID}#controller"],
    }


def test_spec_id_stability_example():
    """The spec's worked example of #delegate-N / #service-N ids, step by step."""
    h = History()
    day = 86400
    h.attribute(10, "did/pub/Secp256k1/veriKey/hex", "02" + "11" * 32, day)       # delegate-1
    h.attribute(11, "did/pub/Ed25519/veriKey/base58", "22" * 32, day)              # delegate-2
    h.delegate(12, "veriKey", DELEGATE, 60)                                          # delegate-3 (short-lived)
    h.attribute(13, "did/svc/HubService", "https://hubs.example".encode().hex(), day)  # service-1
    r = h.resolve(at=14)
    assert ids(r) == ["controller", "controllerKey", "delegate-1", "delegate-2", "delegate-3"]
    assert ids(r, "service") == ["service-1"]
    h.revoke_attribute(15, "did/pub/Secp256k1/veriKey/hex", "02" + "11" * 32)       # event 4 of delegates
    h.delegate(16, "sigAuth", OTHER, day)                                            # delegate-5
    r = h.resolve(at=17)
    assert ids(r) == ["controller", "controllerKey", "delegate-2", "delegate-3", "delegate-5"]
    # delegate-3 expires 60 s after block 12 (block 24 is 60 s later: still valid at "> now"? no)
    r = h.resolve(at=24)
    assert ids(r) == ["controller", "controllerKey", "delegate-2", "delegate-5"]
    assert ids(r, "service") == ["service-1"]
    assert r["didDocument"]["authentication"] == [f"{DID}#controller", f"{DID}#delegate-5"]
    assert r["didDocument"]["assertionMethod"] == [f"{DID}#controller", f"{DID}#delegate-2"]
    assert r["didDocumentMetadata"] == {"versionId": "16", "updated": "2026-11-21T12:01:20Z"}


def test_spec_key_encodings_and_service():
    """The spec's three key examples and its service example, value for value."""
    h = History()
    h.attribute(10, "did/pub/Secp256k1/veriKey/hex",
                "02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71", 1000)
    h.attribute(11, "did/pub/Ed25519/veriKey/base58",
                "b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71", 1000)
    h.attribute(12, "did/pub/X25519/enc/base64",
                "302a300506032b656e032100118557777ffb078774371a52b00fed75561dcf975e61c47553e664a617661052", 1000)
    h.attribute(13, "did/svc/HubService", "68747470733a2f2f687562732e75706f72742e6d65", 1000)
    doc = h.resolve(at=14)["didDocument"]
    vms = doc["verificationMethod"][2:]
    assert vms == [
        {"id": f"{DID}#delegate-1", "type": "EcdsaSecp256k1VerificationKey2019", "controller": DID,
         "publicKeyHex": "02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71"},
        {"id": f"{DID}#delegate-2", "type": "Ed25519VerificationKey2018", "controller": DID,
         "publicKeyBase58": "DV4G2kpBKjE6zxKor7Cj21iL9x9qyXb6emqjszBXcuhz"},
        {"id": f"{DID}#delegate-3", "type": "X25519KeyAgreementKey2019", "controller": DID,
         "publicKeyBase64": "MCowBQYDK2VuAyEAEYVXd3/7B4d0NxpSsA/tdVYdz5deYcR1U+ZkphdmEFI="},
    ]
    assert doc["keyAgreement"] == [f"{DID}#delegate-3"]
    assert doc["assertionMethod"] == [f"{DID}#controller", f"{DID}#delegate-1", f"{DID}#delegate-2"]
    assert doc["service"] == [{"id": f"{DID}#service-1", "type": "HubService", "serviceEndpoint": "https://hubs.uport.me"}]


def test_json_service_endpoint_and_ignored_attributes():
    h = History()
    h.attribute(10, "did/svc/Messaging", '{"uri":"https://m.example","accept":["didcomm/v2"]}'.encode().hex(), 100)
    h.attribute(11, "email", "61", 100)                           # not a DID document attribute
    h.attribute(12, "did/pub/X25519/veriKey/hex", "33" * 32, 100)  # counted, not published
    h.attribute(13, "did/pub/Secp256k1/sigAuth", "02" + "44" * 32, 100)  # default encoding: hex
    doc = h.resolve(at=14)["didDocument"]
    assert doc["service"][0]["serviceEndpoint"] == {"uri": "https://m.example", "accept": ["didcomm/v2"]}
    assert ids({"didDocument": doc}) == ["controller", "controllerKey", "delegate-2"]
    assert doc["verificationMethod"][2]["publicKeyHex"] == "02" + "44" * 32
    assert doc["authentication"] == [f"{DID}#controller", f"{DID}#delegate-2"]


def test_owner_change_drops_controller_key_and_back():
    h = History()
    h.owner(10, OTHER)
    doc = h.resolve(at=11)["didDocument"]
    assert ids({"didDocument": doc}) == ["controller"]
    assert doc["verificationMethod"][0]["blockchainAccountId"] == f"cosmos:shareledger:{OTHER}"
    h.owner(12, OWN)
    assert ids(h.resolve(at=13)) == ["controller", "controllerKey"]
    # historical: at block 11 the other owner held it
    r = h.resolve(at=11, version=11)
    assert ids(r) == ["controller"]
    assert r["didDocumentMetadata"]["versionId"] == "10"
    assert r["didDocumentMetadata"]["nextVersionId"] == "12"
    assert r["didDocumentMetadata"]["nextUpdate"] == "2026-11-21T12:01:00Z"


def test_deactivation_shape():
    h = History()
    h.delegate(10, "veriKey", DELEGATE, 1000)
    h.owner(11, None)
    r = h.resolve(at=12)
    assert r == {
        "didDocument": {"@context": "https://www.w3.org/ns/did/v1", "id": DID,
                        "verificationMethod": [], "assertionMethod": [], "authentication": []},
        "didDocumentMetadata": {"versionId": "11", "updated": "2026-11-21T12:00:55Z", "deactivated": True},
        "didResolutionMetadata": {"contentType": "application/did+ld+json"},
    }
    # before deactivation the delegate was there
    before = h.resolve(at=10, version=10)
    assert "deactivated" not in before["didDocumentMetadata"]
    assert ids(before) == ["controller", "controllerKey", "delegate-1"]


def test_version_uses_block_time_of_version_for_validity():
    h = History()
    h.delegate(10, "veriKey", DELEGATE, 30)    # valid until t(16)
    h.owner(40, OTHER)
    assert ids(h.resolve(at=15, version=15)) == ["controller", "controllerKey", "delegate-1"]
    assert ids(h.resolve(at=16, version=16)) == ["controller", "controllerKey"]  # valid_to == now: expired
    r = h.resolve(at=15, version=15)
    assert r["didDocumentMetadata"] == {"versionId": "10", "updated": "2026-11-21T12:00:50Z",
                                        "nextVersionId": "40", "nextUpdate": "2026-11-21T12:03:20Z"}
    # before any change: no versionId, but the next one is announced
    r = h.resolve(at=5, version=5)
    assert r["didDocumentMetadata"] == {"nextVersionId": "10", "nextUpdate": "2026-11-21T12:00:50Z"}


def test_revocation_takes_effect_in_its_block_and_readd_gets_new_id():
    h = History()
    h.delegate(10, "sigAuth", DELEGATE, 1000)
    h.revoke_delegate(11, "sigAuth", DELEGATE)
    assert ids(h.resolve(at=11, version=11)) == ["controller", "controllerKey"]
    h.delegate(12, "sigAuth", DELEGATE, 1000)
    assert ids(h.resolve(at=12)) == ["controller", "controllerKey", "delegate-3"]


def test_two_changes_in_one_block():
    h = History()
    h.delegate(10, "veriKey", DELEGATE, 1000)
    h.delegate(10, "veriKey", OTHER, 1000)  # previous_change == 10 (the contract's bookkeeping)
    assert h.events[1].previous_change == 10
    assert ids(h.resolve(at=11)) == ["controller", "controllerKey", "delegate-1", "delegate-2"]


def test_address_form_has_no_controller_key():
    r = History().resolve(at=5, did=f"did:shr:sbt:{OWN}")
    assert ids(r) == ["controller"]
    assert r["didDocument"]["id"] == f"did:shr:sbt:{OWN}"


# -- the stability property --------------------------------------------------------------------

ops = st.lists(
    st.tuples(
        st.sampled_from(["add_d", "rev_d", "add_k", "rev_k", "add_s", "rev_s", "owner"]),
        st.integers(0, 2),            # which delegate / key / service
        st.integers(1, 40),           # validity in seconds
        st.integers(0, 2),            # blocks to advance before this op
    ),
    max_size=25,
)


@given(ops)
@settings(max_examples=150, deadline=None)
def test_ids_are_stable_across_updates(script):
    """An entry present in two consecutive versions keeps its id and content; ids are never reused
    for different material; every reference points at an existing entry."""
    h = History()
    height = 10
    whos = [DELEGATE, OTHER, OWN]
    owners = [OTHER, OWN]
    previous = None
    seen: dict[str, object] = {}
    for n, (op, i, validity, step) in enumerate(script):
        height += step
        if op == "add_d":
            h.delegate(height, ["veriKey", "sigAuth", "veriKey"][i], whos[i], validity)
        elif op == "rev_d":
            h.revoke_delegate(height, ["veriKey", "sigAuth", "veriKey"][i], whos[i])
        elif op == "add_k":
            h.attribute(height, "did/pub/Ed25519/veriKey/base58", f"{i:02x}" * 32, validity)
        elif op == "rev_k":
            h.revoke_attribute(height, "did/pub/Ed25519/veriKey/base58", f"{i:02x}" * 32)
        elif op == "add_s":
            h.attribute(height, f"did/svc/S{i}", f"https://s{i}".encode().hex(), validity)
        elif op == "rev_s":
            h.revoke_attribute(height, f"did/svc/S{i}", f"https://s{i}".encode().hex())
        else:
            h.owner(height, owners[i % 2])
        doc = h.resolve(at=height)["didDocument"]
        entries = {e["id"]: e for e in doc["verificationMethod"] + doc.get("service", [])}
        for eid, entry in entries.items():
            if eid.endswith(("#controller", "#controllerKey")):
                continue
            if eid in seen:
                assert seen[eid] == entry, "an id now names different material"
            seen[eid] = entry
            if previous is not None and eid in previous:
                assert previous[eid] == entry
        for section in ("authentication", "assertionMethod", "keyAgreement"):
            for ref in doc.get(section, []):
                assert ref in entries
        previous = entries


# -- event parsing -----------------------------------------------------------------------------

def test_parse_events_from_contract_attributes():
    attrs = [("_contract_address", "x"), ("signer", OWN), ("nonce", "0"), ("action", "change_did_delegate"),
             ("identity", KEY), ("delegate_type", "veriKey"), ("delegate", DELEGATE), ("valid_to", "1800000000"),
             ("previous_change", "41")]
    e = parse_change_event(attrs, 57)
    assert (e.kind, e.delegate, e.valid_to, e.previous_change, e.height) == ("delegate", DELEGATE, 1800000000, 41, 57)
    e = parse_change_event([("action", "change_did_owner"), ("identity", KEY), ("owner", "none"),
                            ("deactivated", "true"), ("previous_change", "0")], 9)
    assert e.kind == "owner" and e.owner is None
    assert parse_change_event([("action", "instantiate"), ("address_prefix", "shareledger")], 3) is None


@pytest.mark.parametrize("attrs, why", [
    ([("action", "change_did_owner"), ("identity", KEY), ("previous_change", "0")], "no 'owner'"),
    ([("action", "change_did_owner"), ("identity", KEY), ("owner", OWN), ("previous_change", "-1")], "not a u64"),
    ([("action", "change_did_owner"), ("identity", KEY), ("owner", OWN), ("previous_change", "99")], "later block"),
    ([("action", "change_did_attribute"), ("identity", KEY), ("name", "did/svc/X"), ("value", "0xab"),
      ("valid_to", "0"), ("previous_change", "0")], "not lower-case hex"),
    ([("action", "change_did_delegate"), ("identity", KEY), ("delegate_type", "veriKey"), ("delegate", OWN),
      ("valid_to", str(2**64)), ("previous_change", "0")], "not a u64"),
])
def test_malformed_events(attrs, why):
    with pytest.raises(EventError, match=why):
        parse_change_event(attrs, 50)
