"""The off-chain verifier against real proofs: the honest path, then one test per attack of
docs/threat-model.md. The tests named ``test_v2_attack_*`` describe presentations a v1 verifier
accepted (prover-chosen scope and challenge, replays across statements, proofs for another DID)."""
from __future__ import annotations

import pytest

from circuits.statements.credential import days
from zkvct.credentials.derive import challenge, holder_did_hash, proof_hash, scope
from zkvct.credentials.reasons import Reason
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, SAMPLE_ISSUER_DID, sample_did, sample_request
from zkvct.credentials.verify import day_of, verify_presentation
from zkvct.curve import G1Point
from zkvct.field import Q, R
from zkvct.groth16.json_models import Proof, g1_to_json, g2_to_json

from conftest import NOW, TODAY
from g16_badpoints import g1_off_curve, g2_not_in_subgroup

OTHER_RP = sample_did("another relying party")


def setup_view(view, keyed, p):
    view.register(keyed.registered())
    view.anchor(p.issuer_did, p.registry.root)


def accepted(keyed, view):
    p, res = keyed.present()
    setup_view(view, keyed, p)
    wire = keyed.wire(p, res)
    verdict = verify_presentation(wire, view)
    assert verdict.ok, verdict
    return p, res, wire, verdict


def test_sample_date_is_the_clock_date():
    assert day_of(NOW) == days(TODAY)


def test_honest_presentation_is_accepted(age_bound, view):
    p, res, wire, verdict = accepted(age_bound, view)
    assert verdict.scope == scope(p.relying_party_did, "age-18")
    assert verdict.proof_hash == proof_hash(res.proof)
    assert verdict.holder_did == p.holder_did


def test_unlinkable_presentation_needs_no_holder_did(age_anon, view):
    p, res, wire, verdict = accepted(age_anon, view)
    assert verdict.ok and verdict.holder_did is None
    assert str(holder_did_hash(p.holder_did)) not in wire["public_inputs"]


def test_unlinkable_presentation_refuses_a_holder_did(age_anon, view):
    """Naming a DID next to an unlinkable proof would record a claim the proof does not make."""
    p, res = age_anon.present()
    setup_view(view, age_anon, p)
    v = verify_presentation(age_anon.wire(p, res, holder_did=p.holder_did), view)
    assert v.reason is Reason.MALFORMED and "unlinkable" in v.detail


def test_v2_attack_replay_same_proof(age_bound, view):
    _, _, wire, verdict = accepted(age_bound, view)
    view.record(verdict)
    assert verify_presentation(wire, view).reason is Reason.PROOF_REPLAYED


def test_v2_attack_replay_rerandomized_proof(age_bound, view):
    """Groth16 is malleable: a fresh proof of the same witness has another hash. The nullifier
    (per credential, relying party and statement) still refuses it."""
    p, res, wire, verdict = accepted(age_bound, view)
    view.record(verdict)
    again = age_bound.prove(p.input)
    assert proof_hash(again.proof) != proof_hash(res.proof)
    assert verify_presentation(age_bound.wire(p, again), view).reason is Reason.NULLIFIER_USED


def test_v2_attack_prover_chosen_scope(age_bound, view):
    """v1 let the prover pick any scope, so one credential gave a fresh nullifier per scope. The
    proof below is valid for a scope of its choosing (another relying party's): refused."""
    p, res = age_bound.present(relying_party_did=OTHER_RP)
    setup_view(view, age_bound, p)
    wire = age_bound.wire(p, res, relying_party_did=sample_did("relying-party"))
    assert p.relying_party_did != wire["relying_party_did"]
    v = verify_presentation(wire, view)
    assert v.reason in (Reason.SCOPE_MISMATCH,), v


def test_v2_attack_prover_chosen_challenge(age_bound, view):
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    other_request = sample_request(now=NOW)
    v = verify_presentation(age_bound.wire(p, res, request=other_request.to_wire()), view)
    assert v.reason is Reason.CHALLENGE_MISMATCH
    assert challenge(p.relying_party_did, other_request) != challenge(p.relying_party_did, p.request)


def test_v2_attack_nullifier_namespaces_of_two_statements_differ(age_bound, not_revoked, view):
    """One credential, one relying party, two statements: two scopes, two nullifiers, two keys."""
    p1, res1 = age_bound.present()
    p2, res2 = not_revoked.present(credential=p1.credential, registry=p1.registry, request=p1.request)
    n1 = res1.publics.values[age_bound.statement.public_roles.index("nullifier")]
    n2 = res2.publics.values[not_revoked.statement.public_roles.index("nullifier")]
    assert p1.input["scope"] != p2.input["scope"] and n1 != n2
    for keyed, p, res in ((age_bound, p1, res1), (not_revoked, p2, res2)):
        view.register(keyed.registered())
    view.anchor(p1.issuer_did, p1.registry.root)
    for keyed, p, res in ((age_bound, p1, res1), (not_revoked, p2, res2)):
        v = verify_presentation(keyed.wire(p, res), view)
        assert v.ok, v
        view.record(v)


def test_v2_attack_proof_for_another_did(age_bound, view):
    """v1: holder_did_hash was only squared, so the prover could name any DID. In v2 the verifier
    compares it with the named DID, and the circuit ties it to the leaf (tests/circuits)."""
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    v = verify_presentation(age_bound.wire(p, res, holder_did=sample_did("someone else")), view)
    assert v.reason is Reason.HOLDER_DID_MISMATCH
    assert verify_presentation(age_bound.wire(p, res, holder_did=None), view).reason is Reason.HOLDER_DID_MISSING


@pytest.mark.parametrize("bad", [str(R), str(R + 5), str(2**256), "007", "-1", "1e3", 5])
def test_v2_attack_input_not_canonical(age_bound, view, bad):
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    wire = age_bound.wire(p, res)
    wire["public_inputs"][age_bound.statement.public_roles.index("nullifier")] = bad
    assert verify_presentation(wire, view).reason is Reason.INPUT_NOT_CANONICAL


def test_input_aliased_mod_r_is_refused(age_bound, view):
    """nullifier + r is the same field element: accepting it would give a second nullifier string."""
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    wire = age_bound.wire(p, res)
    i = age_bound.statement.public_roles.index("nullifier")
    wire["public_inputs"][i] = str(int(wire["public_inputs"][i]) + R)
    assert verify_presentation(wire, view).reason is Reason.INPUT_NOT_CANONICAL


def test_v2_attack_off_curve_proof_points(age_bound, view):
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    a, b, c = res.proof.points()
    bad_points = [
        Proof.from_points(g1_off_curve(a), b, c),
        Proof.from_points(a, b, g1_off_curve(c)),
        Proof.from_points(a, g2_not_in_subgroup(1)[0], c),
    ]
    for proof in bad_points:
        v = verify_presentation(age_bound.wire(p, res, proof=proof.to_obj()), view)
        assert v.reason is Reason.PROOF_MALFORMED, v
    above_q = dict(res.proof.to_obj(), pi_a=[str(a.x + Q), str(a.y), "1"])
    assert verify_presentation(age_bound.wire(p, res, proof=above_q), view).reason is Reason.PROOF_MALFORMED


def test_wrong_proof_is_invalid(age_bound, view):
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    a, b, c = res.proof.points()
    swapped = Proof.from_points(c, b, a).to_obj()
    assert verify_presentation(age_bound.wire(p, res, proof=swapped), view).reason is Reason.PROOF_INVALID


def test_v2_attack_revoked_credential_under_revocation_root(not_revoked, view):
    """The issuer revokes (zeroes the leaf, anchors the new root, retire_previous): the holder's
    proof under the old root is refused, and no proof under the new root exists (tests/circuits)."""
    p, res = not_revoked.present()
    setup_view(view, not_revoked, p)
    wire = not_revoked.wire(p, res)
    assert verify_presentation(wire, view).ok
    p.registry.revoke(p.credential.serial)
    view.anchor(p.issuer_did, p.registry.root)            # a plain new epoch: the old root is not current
    assert verify_presentation(wire, view).reason is Reason.ROOT_NOT_CURRENT
    view.anchor(p.issuer_did, p.registry.root, retire_previous=True)
    assert verify_presentation(wire, view).reason is Reason.ROOT_RETIRED


def test_issuer_roots_window_and_retirement(age_bound, view):
    p, res, wire, _ = accepted(age_bound, view)
    view.anchor(p.issuer_did, p.registry.root + 1)         # a newer epoch: the old root stays acceptable...
    assert verify_presentation(wire, view).ok
    view.clock += view.root_window_secs + 1                 # ...for the window only
    wire_late = dict(wire)
    v = verify_presentation(wire_late, view)
    assert v.reason in (Reason.ROOT_EXPIRED, Reason.REQUEST_EXPIRED)


def test_root_unknown_and_issuer_not_trusted(age_bound, view):
    p, res = age_bound.present()
    view.register(age_bound.registered())
    assert verify_presentation(age_bound.wire(p, res), view).reason is Reason.ROOT_UNKNOWN
    view.anchor(p.issuer_did, p.registry.root)
    rogue = sample_did("rogue issuer")
    view.anchor(rogue, p.registry.root)
    assert verify_presentation(age_bound.wire(p, res, issuer_did=rogue), view).reason is Reason.ISSUER_NOT_TRUSTED


def test_v2_attack_stale_today(age_bound, view):
    """An expired credential proves only with a today_days before its expiry: the verifier pins
    today_days to its own date."""
    p, res = age_bound.present(today="2026-11-10")
    setup_view(view, age_bound, p)
    assert verify_presentation(age_bound.wire(p, res), view).reason is Reason.TODAY_OUT_OF_RANGE


def test_request_expired(age_bound, view):
    p, res = age_bound.present(request=sample_request(now=NOW - 3600, ttl_secs=60))
    setup_view(view, age_bound, p)
    assert verify_presentation(age_bound.wire(p, res), view).reason is Reason.REQUEST_EXPIRED


def test_cutoff_mismatch(age_bound, view):
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    reg = age_bound.registered()
    view.register(type(reg)(reg.statement_id, 1, tuple(
        r if r.kind != "cutoff_days" else type(r)("cutoff_days", years=21) for r in reg.roles),
        reg.trusted_issuers, reg.verification_key))
    assert verify_presentation(age_bound.wire(p, res), view).reason is Reason.CUTOFF_MISMATCH


def test_statement_unknown_revoked_and_count(age_bound, view):
    p, res = age_bound.present()
    wire = age_bound.wire(p, res)
    assert verify_presentation(wire, view).reason is Reason.STATEMENT_UNKNOWN
    view.register(age_bound.registered(revoked=True))
    assert verify_presentation(wire, view).reason is Reason.STATEMENT_REVOKED
    view.register(age_bound.registered())
    short = dict(wire, public_inputs=wire["public_inputs"][:-1])
    assert verify_presentation(short, view).reason is Reason.WRONG_INPUT_COUNT


@pytest.mark.parametrize("field, value", [
    ("statement_id", ""), ("statement_id", 7), ("public_inputs", "1,2"), ("proof", None),
    ("request", {"id": "x", "nonce": "y"}), ("request", {"id": "x", "nonce": "y", "expires_at": -1}),
    ("relying_party_did", "did:shr:zz"), ("issuer_did", None),
])
def test_malformed_fields(age_bound, view, field, value):
    p, res = age_bound.present()
    setup_view(view, age_bound, p)
    v = verify_presentation(age_bound.wire(p, res, **{field: value}), view)
    assert v.reason is Reason.MALFORMED and not v.ok
    assert str(p.credential.holder_secret) not in v.detail
