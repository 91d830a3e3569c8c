"""did:shr on the real chain: a scripted CW1056 history, resolved at every version.

The identity is a key of its own ("subject", funded here, so no other test's identity is touched);
its account owns it by default. The history:

    h1  set_attribute  did/pub/Secp256k1/veriKey/hex          -> #delegate-1
    h2  add_delegate   veriKey carol (1 h)                      -> #delegate-2
    h3  set_attribute  did/svc/HubService                       -> #service-1
    h4  add_delegate   sigAuth dave (a few seconds)             -> #delegate-3
    h5  revoke_attribute the key of h1                          (delegate event 4)
    h6  add_delegate_signed sigAuth eve, relayed by alice       -> #delegate-5
        ... wait until dave's delegation has expired ...
    h7  change_owner -> carol   (no more #controllerKey)
    h8  change_owner -> none    (by carol: deactivated)
"""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from zkvct.chain.contracts import RegistryContract, did_of
from zkvct.chain.keys import localnet_wallet
from zkvct.chain.localnet import DENOM
from zkvct.chain.rpc import CometRpc
from zkvct.cli.main import main as cli
from zkvct.did.document import iso_seconds
from zkvct.did.resolver import ContractRegistry, Resolver

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

KEY_VALUE = "02b97c30de767f084ce3080168ee293053ba33b235d7116a3263d29f1450936b71"
HUB = "https://hub.example/zkvct"
SHORT = 6  # seconds of dave's delegation


@pytest.fixture(scope="module")
def history(localnet, chain, registry, wallets):
    reg = RegistryContract(chain, registry["address"])
    alice, carol = wallets["alice"], wallets["carol"]
    bob = localnet_wallet("did-history-subject")  # the subject: deactivated at the end
    chain.ledger.send_tokens(bob.address(), 10**9, DENOM, alice).wait_to_complete(poll_period=0.05)
    ident = bob.public_key().public_key_bytes.hex()
    addr = {n: str(w.address()) for n, w in wallets.items()}
    addr["subject"] = str(bob.address())
    h = {}
    gas = {}
    r = reg.set_attribute(bob, ident, "did/pub/Secp256k1/veriKey/hex", KEY_VALUE, 3600); h[1] = r.height; gas["set_attribute"] = r.gas_used
    r = reg.add_delegate(bob, ident, "veriKey", addr["carol"], 3600); h[2] = r.height; gas["add_delegate"] = r.gas_used
    r = reg.set_attribute(bob, ident, "did/svc/HubService", HUB.encode().hex(), 3600); h[3] = r.height
    r = reg.add_delegate(bob, ident, "sigAuth", addr["dave"], SHORT); h[4] = r.height
    dave_valid_to = reg.valid_delegate(ident, "sigAuth", addr["dave"]).valid_to
    r = reg.revoke_attribute(bob, ident, "did/pub/Secp256k1/veriKey/hex", KEY_VALUE); h[5] = r.height
    gas["revoke_attribute"] = r.gas_used
    r = reg.add_delegate_signed(alice, bob.signer(), ident, "sigAuth", addr["eve"], 3600); h[6] = r.height
    gas["add_delegate_signed"] = r.gas_used
    rpc = CometRpc(localnet.info.rpc_url)
    deadline = time.monotonic() + 60
    while int(rpc.block_time(rpc.latest_height()).timestamp()) < dave_valid_to:
        assert time.monotonic() < deadline, "block time did not advance past the delegation's end"
        time.sleep(0.3)
    r = reg.change_owner(bob, ident, addr["carol"]); h[7] = r.height; gas["change_owner"] = r.gas_used
    latest_before_deactivation = Resolver(ContractRegistry(chain, reg.address), rpc).resolve(did_of(bob))
    valid_carol = reg.valid_delegate(ident, "veriKey", addr["carol"]).valid
    valid_dave = reg.valid_delegate(ident, "sigAuth", addr["dave"]).valid
    r = reg.change_owner(carol, ident, None); h[8] = r.height
    print(f"\nCW1056 gas used: {gas}")
    return {
        "did": did_of(bob), "ident": ident, "h": h, "addr": addr, "reg": reg, "rpc": rpc,
        "resolver": Resolver(ContractRegistry(chain, reg.address), rpc), "dave_valid_to": dave_valid_to,
        "before_deactivation": latest_before_deactivation, "valid_carol": valid_carol, "valid_dave": valid_dave,
    }


def _frag(entries):
    return [(e if isinstance(e, str) else e["id"]).split("#", 1)[1] for e in entries]


def _at(hist, n):
    return hist["resolver"].resolve(f"{hist['did']}?versionId={hist['h'][n]}")


def test_heights_are_increasing_and_linked(history):
    h = history["h"]
    assert all(h[i] <= h[i + 1] for i in range(1, 8))
    events = history["resolver"].history(history["ident"])
    assert [e.height for e in events] == [h[i] for i in range(1, 9)]
    assert [e.kind for e in events] == ["attribute", "delegate", "attribute", "delegate", "attribute",
                                        "delegate", "owner", "owner"]
    assert events[0].previous_change == 0
    for prev, cur in zip(events, events[1:]):
        assert cur.previous_change == prev.height


def test_version_before_any_change_is_the_default_document(history):
    did, h = history["did"], history["h"]
    r = history["resolver"].resolve(f"{did}?versionId={h[1] - 1}")
    doc = r["didDocument"]
    assert _frag(doc["verificationMethod"]) == ["controller", "controllerKey"]
    assert doc["verificationMethod"][0]["blockchainAccountId"] == f"cosmos:shareledger:{history['addr']['subject']}"
    rpc = history["rpc"]
    assert r["didDocumentMetadata"] == {"nextVersionId": str(h[1]), "nextUpdate": iso_seconds(rpc.block_time(h[1]))}


def test_version_h4_has_three_delegates_and_a_service(history):
    r = _at(history, 4)
    doc, meta = r["didDocument"], r["didDocumentMetadata"]
    did, addr, h = history["did"], history["addr"], history["h"]
    assert _frag(doc["verificationMethod"]) == ["controller", "controllerKey", "delegate-1", "delegate-2", "delegate-3"]
    vm = {e["id"].split("#")[1]: e for e in doc["verificationMethod"]}
    assert vm["delegate-1"] == {"id": f"{did}#delegate-1", "type": "EcdsaSecp256k1VerificationKey2019",
                                "controller": did, "publicKeyHex": KEY_VALUE}
    assert vm["delegate-2"]["blockchainAccountId"] == f"cosmos:shareledger:{addr['carol']}"
    assert vm["delegate-3"]["blockchainAccountId"] == f"cosmos:shareledger:{addr['dave']}"
    assert _frag(doc["assertionMethod"]) == ["controller", "delegate-1", "delegate-2"]
    assert _frag(doc["authentication"]) == ["controller", "delegate-3"]
    assert doc["service"] == [{"id": f"{did}#service-1", "type": "HubService", "serviceEndpoint": HUB}]
    assert meta["versionId"] == str(h[4]) and meta["nextVersionId"] == str(h[5])
    assert meta["updated"] == iso_seconds(history["rpc"].block_time(h[4]))


def test_version_h6_revocation_and_signed_delegate(history):
    doc = _at(history, 6)["didDocument"]
    frags = _frag(doc["verificationMethod"])
    still_valid = history["rpc"].block_time(history["h"][6]).timestamp() < history["dave_valid_to"]
    expected = ["controller", "controllerKey", "delegate-2"] + (["delegate-3"] if still_valid else []) + ["delegate-5"]
    assert frags == expected  # delegate-1 revoked at h5; the signed add is #delegate-5 (revocation counted)
    vm = {e["id"].split("#")[1]: e for e in doc["verificationMethod"]}
    assert vm["delegate-5"]["blockchainAccountId"] == f"cosmos:shareledger:{history['addr']['eve']}"


def test_version_h7_new_owner_and_expiry(history):
    r = _at(history, 7)
    doc = r["didDocument"]
    # dave's sigAuth delegation expired before h7; ownership moved to carol: no controllerKey
    assert _frag(doc["verificationMethod"]) == ["controller", "delegate-2", "delegate-5"]
    assert doc["verificationMethod"][0]["blockchainAccountId"] == f"cosmos:shareledger:{history['addr']['carol']}"
    assert r["didDocumentMetadata"]["nextVersionId"] == str(history["h"][8])


def test_latest_before_deactivation_agrees_with_contract_queries(history):
    doc = history["before_deactivation"]["didDocument"]
    accounts = {e.get("blockchainAccountId", "").rsplit(":", 1)[-1] for e in doc["verificationMethod"]}
    assert (history["addr"]["carol"] in accounts) == history["valid_carol"] is True
    assert (history["addr"]["dave"] in accounts) == history["valid_dave"] is False


def test_latest_is_deactivated(history):
    r = history["resolver"].resolve(history["did"])
    h8 = history["h"][8]
    assert r["didDocument"] == {"@context": "https://www.w3.org/ns/did/v1", "id": history["did"],
                                "verificationMethod": [], "assertionMethod": [], "authentication": []}
    assert r["didDocumentMetadata"] == {"versionId": str(h8), "updated": iso_seconds(history["rpc"].block_time(h8)),
                                        "deactivated": True}
    owner = history["reg"].owner(history["ident"])
    assert owner.owner is None and owner.deactivated


def test_deactivated_identity_refuses_changes(history, wallets):
    from zkvct.chain.client import ContractError

    with pytest.raises(ContractError, match="deactivated"):
        history["reg"].add_delegate(wallets["carol"], history["ident"], "veriKey", history["addr"]["dave"], 60)


def test_untouched_identity_and_version_above_head(history, wallets):
    res = history["resolver"].resolve(did_of(wallets["eve"]))
    assert _frag(res["didDocument"]["verificationMethod"]) == ["controller", "controllerKey"]
    assert res["didDocumentMetadata"] == {}
    far = history["rpc"].latest_height() + 10_000
    err = history["resolver"].resolve(f"{history['did']}?versionId={far}")
    assert err["didResolutionMetadata"]["error"] == "notFound" and err["didDocument"] is None
    bad = history["resolver"].resolve("did:shr:0x1234")
    assert bad["didResolutionMetadata"]["error"] == "invalidDid"


def test_cli_resolve_matches_library(history, localnet):
    info = localnet.info
    url = f"{history['did']}?versionId={history['h'][4]}"
    args = ["did", "resolve", url, "--grpc", info.grpc_url, "--rpc", info.rpc_url, "--chain-id", info.chain_id,
            "--registry", history["reg"].address, "--json"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    import json

    assert json.loads(out.stdout) == _at(history, 4)
    out = CliRunner().invoke(cli, args[:2] + [url + "#delegate-2"] + args[3:])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["blockchainAccountId"].endswith(history["addr"]["carol"])


def test_two_changes_in_one_transaction(chain, registry, wallets, localnet):
    """Two registry messages in one tx: the second event's previous_change is its own block, and
    the walk still finds both (and stops at the earlier block)."""
    from cosmpy.aerial.contract.cosmwasm import create_cosmwasm_execute_msg
    from cosmpy.crypto.address import Address

    from zkvct.chain import messages as m

    subject = localnet_wallet("did-batch-subject")
    chain.ledger.send_tokens(subject.address(), 10**9, DENOM, wallets["alice"]).wait_to_complete(poll_period=0.05)
    reg = RegistryContract(chain, registry["address"])
    ident = subject.public_key().public_key_bytes.hex()
    first = reg.add_delegate(subject, ident, "veriKey", str(wallets["carol"].address()), 3600)
    msgs = [
        m.AddDelegate(identity=ident, delegate_type="sigAuth", delegate=str(wallets["dave"].address()), validity=3600),
        m.SetAttribute(identity=ident, name="did/svc/Batch", value="https://batch".encode().hex(), validity=3600),
    ]
    batch = chain.submit([create_cosmwasm_execute_msg(subject.address(), Address(reg.address), x.to_wire()) for x in msgs],
                         subject)
    assert len(batch.wasm_events(reg.address)) == 2
    resolver = Resolver(ContractRegistry(chain, reg.address), CometRpc(localnet.info.rpc_url))
    events = resolver.history(ident)
    assert [(e.height, e.previous_change) for e in events] == [
        (first.height, 0), (batch.height, first.height), (batch.height, batch.height)]
    doc = resolver.resolve(did_of(subject))["didDocument"]
    assert _frag(doc["verificationMethod"]) == ["controller", "controllerKey", "delegate-1", "delegate-2"]
    assert _frag(doc["service"]) == ["service-1"]
    assert _frag(doc["authentication"]) == ["controller", "delegate-2"]
