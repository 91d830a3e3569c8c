"""``zkvct.evm.mirror.sync`` from the real ShareLedger side: the protocol-v2 CosmWasm contract on
a local wasmd node, read through :class:`zkvct.evm.mirror.ContractSource`, copied to the zkVCT
registry on a real EVM (py-evm).

A DID-bound ``age_gte`` (7 inputs, records valid for a day) is registered on ShareLedger by alice,
trusting dave as its issuer; dave anchors, replaces, retires and revokes roots there. Each sync
must copy exactly what changed (key, roles, trusted issuers, record validity, roots, retirements,
the statement's revocation) and a sync with nothing to do must send no transaction at all.
"""
from __future__ import annotations

import pytest

from circuits.statements.credential import Registry as CredentialTree
from circuits.statements.credential import sample_credential
from shareledger import deploy_shareledger
from zkvct.credentials.derive import holder_did_hash
from zkvct.credentials.sample import sample_presentation, sample_request
from zkvct.credentials.verify import registration_roles
from zkvct.evm.mirror import sync
from zkvct.evm.registry import Registry, issuer_key, key_hash
from zkvct.groth16.json_models import VerificationKey
from zkvct.groth16.prove import prove

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]


@pytest.fixture(scope="module")
def mirror(shareledger_net, evm, compiled, age_bound):
    sl = deploy_shareledger(shareledger_net, "evm mirror")
    roles = [r.to_wire() for r in registration_roles(age_bound.statement)]
    sl.ver.register_statement(sl.wallets["alice"], age_bound.name, sl.did("alice"), age_bound.vk.to_obj(), roles,
                              trusted_issuers=[sl.did("dave")], record_validity_secs=86_400)
    reg = Registry.deploy(evm, compiled["ZkvctRegistry"], root_window_secs=3600)
    holder = sl.did("bob")
    tree = CredentialTree(age_bound.statement.depth)
    cred = sample_credential(holder_did_hash=holder_did_hash(holder), serial=1)
    tree.issue(cred)
    return {"sl": sl, "reg": reg, "tree": tree, "cred": cred, "holder": holder, "roots": []}


def _anchor(m, serial: int, retire_previous: bool = False) -> int:
    """dave issues one more credential and anchors the new root on ShareLedger."""
    m["tree"].issue(sample_credential(holder_did_hash=holder_did_hash(m["holder"]), serial=serial))
    root = m["tree"].root
    m["sl"].ver.anchor_root(m["sl"].wallets["dave"], m["sl"].did("dave"), str(root), retire_previous=retire_previous)
    m["roots"].append(root)
    return root


def _height(evm) -> int:
    return int(evm.tester.get_block_by_number("latest")["number"])


def _sync(m, sid):
    return [(a["action"], a.get("root") and int(a["root"]), a.get("retire_previous"))
            for a in sync(m["sl"].source(), m["reg"], [sid]).actions]


def test_first_sync_copies_key_roles_issuers_and_root(mirror, evm, age_bound):
    sl, reg, sid = mirror["sl"], mirror["reg"], age_bound.name
    r1 = _anchor(mirror, 2)
    assert _sync(mirror, sid) == [("register", None, None), ("anchor_root", r1, False)]
    st = reg.statement(sid)
    chain_vk = VerificationKey.parse(sl.ver.verification_key(sid).verification_key)
    assert st["exists"] and st["version"] == 1 and st["n_public"] == 7 and not st["revoked"]
    assert st["key_hash"] == key_hash(chain_vk) == key_hash(age_bound.vk)
    assert [bytes(k) for k in reg.handle.call("trustedIssuers", sid, 1)] == [issuer_key(sl.did("dave"))]
    assert reg.current_root(sl.did("dave")) == r1
    # the roles came across: a DID-bound presentation made for ShareLedger's rules is accepted
    # (the relayer submits: docs/evm.md), and its record carries the copied validity
    now, today = sl.block_now()
    p = sample_presentation(age_bound.statement, statement_id=sid, today=today, relying_party_did=sl.did("alice"),
                            holder_did=mirror["holder"], issuer_did=sl.did("dave"), request=sample_request(now=now),
                            registry=mirror["tree"], credential=mirror["cred"])
    res = prove(age_bound.zkey, age_bound.compiled.witness(p.input))
    w = {"statement_id": sid, "proof": res.proof.to_obj(), "public_inputs": res.publics.to_obj(),
         "issuer_did": sl.did("dave"), "relying_party_did": sl.did("alice"), "request": p.request.to_wire(),
         "holder_did": mirror["holder"]}
    assert reg.check(dict(w, holder_did=sl.did("eve"))) == "holder_did_mismatch"
    assert reg.check(w) is None
    reg.verify(w)
    rec = reg.record(holder_did_hash(mirror["holder"]), sid)
    assert rec["valid"] and rec["valid_until"] == rec["verified_at"] + 86_400


def test_a_second_sync_changes_nothing_and_sends_no_transaction(mirror, evm, age_bound):
    before = _height(evm)
    assert _sync(mirror, age_bound.name) == []
    assert _height(evm) == before


def test_replaced_and_retired_roots_follow_shareledger(mirror, evm, age_bound):
    sl, reg, sid, dave = mirror["sl"], mirror["reg"], age_bound.name, mirror["sl"].did("dave")
    r1 = mirror["roots"][0]
    r2 = _anchor(mirror, 3)
    assert _sync(mirror, sid) == [("anchor_root", r2, False)]
    assert reg.current_root(dave) == r2 and not reg.issuer_root(dave, r1)["retired"]  # still in its window
    # RetireRoot of the replaced root on ShareLedger
    sl.ver.retire_root(sl.wallets["dave"], dave, str(r1))
    assert sl.ver.issuer_root(dave, str(r1)).retired
    assert _sync(mirror, sid) == [("retire_root", r1, None)]
    assert reg.issuer_root(dave, r1)["retired"] and not reg.issuer_root(dave, r2)["retired"]
    # a revocation: the new root retires every earlier one
    r3 = _anchor(mirror, 4, retire_previous=True)
    assert _sync(mirror, sid) == [("anchor_root", r3, True)]
    assert reg.issuer_root(dave, r2)["retired"] and reg.issuer_root(dave, r3)["current"]
    before = _height(evm)
    assert _sync(mirror, sid) == [] and _height(evm) == before


def test_statement_revocation_follows_shareledger(mirror, evm, age_bound):
    sl, reg, sid = mirror["sl"], mirror["reg"], age_bound.name
    sl.ver.revoke_statement(sl.wallets["alice"], sid)
    assert _sync(mirror, sid) == [("revoke", None, None)]
    assert reg.statement(sid, 1)["revoked"]
    assert reg.record(holder_did_hash(mirror["holder"]), sid)["reason"] == "statement_revoked"
    before = _height(evm)
    assert _sync(mirror, sid) == [] and _height(evm) == before
