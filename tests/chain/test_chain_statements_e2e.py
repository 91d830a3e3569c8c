"""Protocol v2 end to end on the real chain, for every shipped statement, through the project's
own path: the statement circuit (circuits/statements, depth-20 issuer tree) compiled by the DSL,
keys from the project's setup (zkvct.groth16.setup.dev_setup: an INSECURE in-memory setup, the one
the test suites use), the statement registered with its own role list
(zkvct.credentials.verify.registration_roles), the holder's credential leaf issued into the
issuer's tree (circuits.statements.credential.Registry) and its root anchored, the input built
with the derived scope and challenge (zkvct.credentials.sample), the proof made by zkvct's prover,
and the verification accepted on chain.

Then each attack of docs/protocol.md against the age statement, refused with its own reason code.

Parties (public test keys): relying party alice, holder bob, issuer carol; dave and eve attack.
One chain (session) and one compiled key per statement (module) serve every test here.
"""
from __future__ import annotations

import base64
import copy
from datetime import timezone

import pytest

from circuits.statements import STATEMENTS, get_statement
from circuits.statements.credential import Registry, sample_credential
from zkvct.chain.client import ContractError
from zkvct.chain.contracts import VerifierContract, did_of
from zkvct.chain.messages import ProofRequest, VerifierInstantiate, VerifyRequest
from zkvct.credentials import derive
from zkvct.credentials.reasons import Reason
from zkvct.credentials.sample import sample_presentation, sample_request
from zkvct.credentials.verify import registration_roles
from zkvct.dsl import compile_circuit
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.json_models import Proof
from zkvct.groth16.prove import prove
from zkvct.groth16.setup import dev_setup

from age_v2 import authorization_for_nonce

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

REJECT_GAS = 3_000_000
SHIPPED = ("age_gte", "residency_in", "residency_not_in", "accredited_investor", "not_expired", "not_revoked",
           "age_residency_valid")


class Keyed:
    """One statement: compiled, keyed, registered under ``statement_id``."""

    def __init__(self, name: str, work):
        self.statement = get_statement(name)
        self.statement_id = name
        self.compiled = compile_circuit(self.statement)
        self.zkey = work / f"{name}.zkey"
        dev_setup(self.compiled.r1cs, self.zkey)
        self.vk = export_verification_key(self.zkey)


@pytest.fixture(scope="module")
def world(chain, registry, wallets, verifier_wasm, tmp_path_factory):
    alice, bob, carol = wallets["alice"], wallets["bob"], wallets["carol"]
    code_id, _ = chain.store(verifier_wasm, alice)
    address, _ = chain.instantiate(code_id, VerifierInstantiate(registry=registry["address"], root_window_secs=3600),
                                   alice, "zkvct verifier (e2e)")
    ver = VerifierContract(chain, address)
    work = tmp_path_factory.mktemp("statements")
    keyed = {}
    for name in SHIPPED:
        k = keyed[name] = Keyed(name, work)
        roles = [r.to_wire() for r in registration_roles(k.statement)]
        ver.register_statement(alice, k.statement_id, did_of(alice), k.vk.to_obj(), roles,
                               trusted_issuers=[did_of(carol)], record_validity_secs=86_400)
    # the holder's credential, issued into the issuer's depth-20 tree with other holders' leaves
    holder_did = did_of(bob)
    cred = sample_credential(holder_did_hash=derive.holder_did_hash(holder_did), serial=5)
    tree = Registry()
    tree.issue(cred)
    for serial in (1, 2, 9):
        tree.issue(sample_credential(holder_did_hash=derive.holder_did_hash(did_of(wallets["dave"])), serial=serial))
    ver.anchor_root(carol, did_of(carol), str(tree.root))
    return {"ver": ver, "keyed": keyed, "cred": cred, "tree": tree, "rp": did_of(alice), "holder": holder_did,
            "issuer": did_of(carol), "chain": chain}


def block_now(chain) -> tuple[int, str]:
    t = chain.rpc.block_time(chain.rpc.latest_height()).astimezone(timezone.utc)
    return int(t.timestamp()), t.date().isoformat()


def present(world, name: str, *, rp: str | None = None, request=None, holder: str | None = None, credential=None,
            **input_over):
    """(VerifyRequest, proof obj) for a fresh request of the relying party (``input_over`` replaces
    public-input values before proving: a prover's choice)."""
    k, chain = world["keyed"][name], world["chain"]
    now, today = block_now(chain)
    rp = rp or world["rp"]
    request = request or sample_request(now=now, ttl_secs=900)
    p = sample_presentation(k.statement, statement_id=k.statement_id, today=today, relying_party_did=rp,
                            holder_did=holder or world["holder"], issuer_did=world["issuer"], request=request,
                            registry=world["tree"], credential=credential or world["cred"])
    data = {**p.input, **input_over}
    res = prove(k.zkey, k.compiled.witness(data))
    req = VerifyRequest(statement_id=k.statement_id, proof=res.proof.to_obj(), public_inputs=res.publics.to_obj(),
                        issuer_did=world["issuer"], relying_party_did=rp,
                        request=ProofRequest(**request.to_wire()),
                        holder_did=(holder or world["holder"]) if k.statement.with_did else None)
    return req, res


def refused(ver, sender, req, code):
    with pytest.raises(ContractError) as info:
        ver.verify(sender, req, gas_limit=REJECT_GAS)
    assert info.value.code == code, info.value.reason
    assert code in {r.value for r in Reason} | {"did_deactivated"}
    assert info.value.tx_hash, "the refusal is on chain"
    return info.value


def test_every_shipped_statement_is_accepted_on_chain(world, wallets):
    assert set(SHIPPED) == set(STATEMENTS), "a statement was added: put it through the chain here too"
    ver, bob = world["ver"], wallets["bob"]
    for name in SHIPPED:
        k = world["keyed"][name]
        assert ver.verification_key(name).verification_key == k.vk.to_obj()
        req, res = present(world, name)
        ok = ver.verify(bob, req)
        # the contract's proof hash is the protocol package's
        assert ok.attribute("proof_hash") == derive.proof_hash(Proof.parse(res.proof.to_obj())).hex()
        assert ok.attribute("nullifier") == req.public_inputs[k.statement.public_names.index("nullifier")]
        rec = ver.zkvct(world["holder"], name)
        assert rec.valid and rec.record.height == ok.height, name
        print(f"\n{name}: {len(req.public_inputs)} public inputs, verify gas {ok.gas_used}")


def test_attacks_are_refused_with_their_own_reason(world, wallets):
    ver, alice, bob, dave, eve = world["ver"], wallets["alice"], wallets["bob"], wallets["dave"], wallets["eve"]
    name = "age_gte"
    # a second credential of bob's (its own nullifier), issued into the tree and anchored
    cred2 = sample_credential(holder_did_hash=derive.holder_did_hash(world["holder"]), serial=6)
    world["tree"].issue(cred2)
    ver.anchor_root(wallets["carol"], world["issuer"], str(world["tree"].root))

    def present2(**kw):
        return present(world, name, credential=cred2, **kw)

    # a proof for another DID: dave names his own DID; and dave submitting bob's proof as himself
    req, _ = present2()
    refused(ver, dave, req.model_copy(update={"holder_did": did_of(dave)}), "holder_did_mismatch")
    refused(ver, dave, req, "sender_not_authorized")
    # another relying party's scope: the proof made for alice, presented as made for dave
    refused(ver, bob, req.model_copy(update={"relying_party_did": did_of(dave)}), "scope_mismatch")
    # a challenge chosen by the prover (validly proven, not derived from the request)
    chosen, _ = present2(challenge=123456789)
    refused(ver, bob, chosen, "challenge_mismatch")
    # the off-chain verifier reading this contract (zkvct.credentials.chain_view.ContractView, at
    # the block's time) refuses these the same way
    from zkvct.credentials.chain_view import ContractView
    from zkvct.credentials.verify import verify_presentation

    view = ContractView(ver, now=lambda: block_now(world["chain"])[0])
    assert verify_presentation(req.to_wire(), view).ok
    for bad, code in ((chosen, "challenge_mismatch"),
                      (req.model_copy(update={"relying_party_did": did_of(dave)}), "scope_mismatch"),
                      (req.model_copy(update={"holder_did": did_of(dave)}), "holder_did_mismatch")):
        verdict = verify_presentation(bad.to_wire(), view)
        assert (verdict.ok, str(verdict.reason)) == (False, code), verdict
    # an expired request, correctly answered
    now, _ = block_now(world["chain"])
    old, _ = present2(request=derive.ProofRequest("old", "n", now - 60))
    refused(ver, bob, old, "request_expired")

    # the relying party submits: without authorization, with forged ones, with a wrong nonce
    refused(ver, alice, req, "sender_not_authorized")
    forged = ver.authorize(eve.signer(), req)
    refused(ver, alice, req.model_copy(update={"holder_authorization": forged}), "authorization_invalid")
    good = ver.authorize(bob.signer(), req)
    # the contract's sign bytes are the protocol package's
    sb = ver.authorization_sign_bytes(req)
    proof_hash = derive.proof_hash(Proof.parse(req.proof.to_wire()))
    assert base64.b64decode(sb.sign_bytes) == derive.authorization_sign_bytes(
        chain_id=world["chain"].network.chain_id, verifier=ver.address, nonce=good.nonce, holder_did=world["holder"],
        statement_id=name, relying_party_did=world["rp"], request_id=req.request.id, proof_hash_bytes=proof_hash)
    wrong_nonce = authorization_for_nonce(world["chain"], ver, bob.signer(), req, good.nonce + 1)
    refused(ver, alice, req.model_copy(update={"holder_authorization": wrong_nonce}), "authorization_nonce")
    refused(ver, eve, req.model_copy(update={"holder_authorization": good}), "sender_not_authorized")
    ver.verify(alice, req.model_copy(update={"holder_authorization": good}))
    assert ver.authorization_nonce(world["holder"]) == good.nonce + 1

    # a replayed proof; the same credential for a new request of the same relying party
    refused(ver, bob, req, "proof_replayed")
    again, _ = present2()
    refused(ver, bob, again, "nullifier_used")


def test_revocation_retires_roots_and_records(world, wallets):
    """Runs last in this module: the issuer revokes bob's credential."""
    ver, bob, carol = world["ver"], wallets["bob"], wallets["carol"]
    assert ver.zkvct(world["holder"], "not_expired").valid
    tree = world["tree"]
    before = copy.deepcopy(tree)  # the holder's view of the tree before the revocation
    # the issuer zeroes the leaf, anchors the new root retiring every earlier one, and revokes the records
    tree.revoke(world["cred"].serial)
    assert tree.root != before.root
    ver.anchor_root(carol, world["issuer"], str(tree.root), retire_previous=True)
    ver.revoke_credential(carol, world["issuer"], world["holder"])
    assert ver.issuer_root(world["issuer"], str(before.root)).retired
    z = ver.zkvct(world["holder"], "not_expired")
    assert not z.valid and z.reason == "credential_revoked"
    # a proof against the old root (the holder kept its old path) is refused at once, inside the
    # root window, before its (used) nullifier is even looked at
    world["tree"] = before
    stale, _ = present(world, "not_expired")
    assert stale.public_inputs[0] == str(before.root)
    refused(ver, bob, stale, "root_retired")
