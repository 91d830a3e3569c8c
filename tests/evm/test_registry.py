"""The zkVCT registry on a real EVM: the protocol's checks (docs/protocol.md) with the CosmWasm
contract's reason codes, and the same verdicts as zkvct's off-chain verifier."""
from __future__ import annotations

import datetime as _dt

import pytest

from conftest import snarkjs_prove
from corpus import rerandomized
from zkvct.credentials.derive import ProofRequest, holder_did_hash
from zkvct.credentials.sample import SAMPLE_ISSUER_DID, sample_did, sample_presentation
from zkvct.credentials.verify import registration_roles
from zkvct.evm.local import Reverted
from zkvct.evm.registry import Registry, key_hash, verifier_contract_name
from zkvct.field import R, Q
from zkvct.groth16.prove import prove

pytestmark = [pytest.mark.slow]

WINDOW = 600


@pytest.fixture(scope="module")
def reg(evm, compiled, age_anon, age_bound):
    registry = Registry.deploy(evm, compiled["ZkvctRegistry"], root_window_secs=WINDOW, date_tolerance_days=1)
    for key, validity in ((age_anon, 0), (age_bound, 86_400)):
        addr = registry.deploy_verifier(key.vk, compiled)
        registry.register_statement(key.name, 1, addr, key.vk, registration_roles(key.statement), [SAMPLE_ISSUER_DID],
                                    record_validity_secs=validity)
    return registry


def today_iso(evm) -> str:
    return (_dt.datetime.fromtimestamp(evm.timestamp(), _dt.timezone.utc).date()).isoformat()


def present(evm, key, **kw):
    """A fresh presentation for the EVM's date and its zkvct proof, as the wire dict."""
    now = evm.timestamp()
    kw.setdefault("request", ProofRequest(id=f"req-{now}", nonce=f"n-{now}-{id(kw)}", expires_at=now + 3600))
    p = sample_presentation(key.statement, statement_id=key.name, today=today_iso(evm), **kw)
    res = prove(key.zkey, key.compiled.witness(p.input))
    return p, wire(key, p, res.proof.to_obj(), res.publics.to_obj())


def ensure_root(reg, w):
    """Anchor the presentation's issuer root unless it is known (each sample is a fresh tree)."""
    root = int(w["public_inputs"][0])
    if not reg.issuer_root(SAMPLE_ISSUER_DID, root)["anchored"]:
        reg.anchor_root(SAMPLE_ISSUER_DID, root)
    return root


def wire(key, p, proof, public, **over):
    obj = {"statement_id": p.statement_id, "proof": proof, "public_inputs": public, "issuer_did": p.issuer_did,
           "relying_party_did": p.relying_party_did, "request": p.request.to_wire(),
           "holder_did": p.holder_did if key.statement.with_did else None}
    obj.update(over)
    return obj




@pytest.fixture(scope="module")
def anon(evm, reg, age_anon):
    p, w = present(evm, age_anon)
    reg.anchor_root(SAMPLE_ISSUER_DID, int(w["public_inputs"][0]))
    return p, w


def test_registered(reg, age_anon, age_bound):
    st = reg.statement(age_anon.name)
    assert st["exists"] and st["version"] == 1 and st["n_public"] == 6 and not st["revoked"]
    assert st["key_hash"] == key_hash(age_anon.vk)
    assert reg.statement(age_bound.name)["n_public"] == 7
    assert not reg.statement("nope")["exists"]


def test_statement_and_root_writes_need_a_relayer(evm, reg, age_anon):
    stranger = evm.accounts[3]
    for call in (lambda: reg.anchor_root(SAMPLE_ISSUER_DID, 12345, sender=stranger),
                 lambda: reg.retire_root(SAMPLE_ISSUER_DID, 12345, sender=stranger),
                 lambda: reg.register_statement("x", 1, reg.address, age_anon.vk, [], [], sender=stranger)):
        with pytest.raises(Reverted, match="sender_not_authorized"):
            call()


def test_cheap_refusals_before_the_pairing(evm, reg, anon, age_anon):
    p, w = anon
    words_bad_a = dict(w["proof"], pi_a=[w["proof"]["pi_a"][0], str((int(w["proof"]["pi_a"][1]) + 1) % Q), "1"])
    cases = {
        "statement_unknown": dict(w, statement_id="no-such-statement"),
        "wrong_input_count": dict(w, public_inputs=w["public_inputs"] + ["1"]),
        "input_not_canonical": dict(w, public_inputs=[str(int(w["public_inputs"][0]) + R)] + w["public_inputs"][1:]),
        "proof_malformed": dict(w, proof=words_bad_a),
        "request_expired": dict(w, request=dict(w["request"], expires_at=evm.timestamp() - 10)),
        "issuer_not_trusted": dict(w, issuer_did=sample_did("someone-else")),
        "root_unknown": dict(w, public_inputs=["424242"] + w["public_inputs"][1:]),
        "scope_mismatch": dict(w, relying_party_did=sample_did("other-rp")),
        "challenge_mismatch": dict(w, request=dict(w["request"], nonce="another")),
        "today_out_of_range": dict(w, public_inputs=w["public_inputs"][:2] + [str(int(w["public_inputs"][2]) + 3)]
                                   + w["public_inputs"][3:]),
        "cutoff_mismatch": dict(w, public_inputs=w["public_inputs"][:1] + [str(int(w["public_inputs"][1]) + 1)]
                                + w["public_inputs"][2:]),
        "malformed": None,
    }
    cases.pop("malformed")
    for reason, pres in cases.items():
        assert reg.check(pres) == reason, reason


def test_verifier_refusals_reach_the_registry(evm, reg, age_anon):
    """B outside the subgroup (the pairing precompile refuses it) and a pairing that fails: the
    registry reports the verifier's proof_malformed / proof_invalid, after every other check."""
    from corpus import tampered

    p, w = present(evm, age_anon)
    ensure_root(reg, w)
    bad_b, _ = tampered("b_outside_subgroup", w["proof"], w["public_inputs"], {})
    assert reg.check(dict(w, proof=bad_b)) == "proof_malformed"
    ge_q, _ = tampered("a_coordinate_ge_q", w["proof"], w["public_inputs"], {})
    assert reg.check(dict(w, proof=ge_q)) == "proof_malformed"
    neg_c, _ = tampered("c_negated", w["proof"], w["public_inputs"], {})
    assert reg.check(dict(w, proof=neg_c)) == "proof_invalid"


def test_accept_zkvct_proof_then_replays_refused(evm, reg, anon, age_anon):
    p, w = anon
    assert reg.check(w) is None
    reg.verify(w)
    nullifier, scope = int(w["public_inputs"][4]), int(w["public_inputs"][3])
    assert reg.nullifier_proof(age_anon.name, scope, nullifier) != b"\0" * 32
    # the same proof: proof_replayed; a re-randomized copy (new proof hash): nullifier_used
    assert reg.check(w) == "proof_replayed"
    assert reg.check(dict(w, proof=rerandomized(w["proof"]))) == "nullifier_used"
    with pytest.raises(Reverted):
        reg.verify(w)


def test_snarkjs_proof_accepted(evm, reg, age_anon, npm_peers):
    p, _ = present(evm, age_anon)
    proof, public = snarkjs_prove(npm_peers, age_anon, age_anon.compiled.witness(p.input), "registry-snarkjs")
    w = wire(age_anon, p, proof, public)
    ensure_root(reg, w)
    reg.verify(w)
    assert reg.check(w) == "proof_replayed"


def test_did_bound_record_made_by_a_relayer(evm, reg, age_bound):
    p, w = present(evm, age_bound)
    ensure_root(reg, w)
    assert reg.check(dict(w, holder_did=None)) == "holder_did_missing"
    assert reg.check(dict(w, holder_did=sample_did("not-the-holder"))) == "holder_did_mismatch"
    assert reg.check(w, sender=evm.accounts[4]) == "sender_not_authorized"
    reg.verify(w)
    rec = reg.record(holder_did_hash(p.holder_did), age_bound.name)
    assert rec["exists"] and rec["valid"] and rec["version"] == 1 and rec["valid_until"] == rec["verified_at"] + 86_400
    assert not reg.record(holder_did_hash(sample_did("nobody")), age_bound.name)["exists"]


def test_stale_retired_and_replaced_roots(evm, reg, age_anon):
    """root replaced: still accepted within the window, root_expired after it; retired at once."""
    p1, w1 = present(evm, age_anon)
    r1 = ensure_root(reg, w1)
    p2, w2 = present(evm, age_anon)
    r2 = int(w2["public_inputs"][0])
    assert r1 != r2  # every sample presentation is a fresh tree
    reg.anchor_root(SAMPLE_ISSUER_DID, r2)
    assert reg.current_root(SAMPLE_ISSUER_DID) == r2
    assert reg.issuer_root(SAMPLE_ISSUER_DID, r1)["replaced_at"] is not None
    assert reg.check(w1) is None  # within the window (the pairing runs: the answer is "valid")
    evm.set_next_timestamp(evm.timestamp() + WINDOW + 5)
    evm.tester.mine_blocks(1)
    fresh_w1 = dict(w1, request=dict(w1["request"]))
    assert reg.check(fresh_w1) == "root_expired"
    reg.retire_root(SAMPLE_ISSUER_DID, r2)
    assert reg.check(w2) == "root_retired"
    with pytest.raises(Reverted, match="root_known"):
        reg.anchor_root(SAMPLE_ISSUER_DID, r2)


def test_revoked_statement(evm, reg, age_anon, anon):
    p, w = anon
    reg.handle.transact("revokeStatement", age_anon.name, 1)
    assert reg.check(w) == "statement_revoked"
    assert reg.statement(age_anon.name)["revoked"]


# -- the registry's arithmetic against zkvct's (hypothesis) ----------------------------------------

from hypothesis import HealthCheck, example, given, settings, strategies as hs  # noqa: E402

from circuits.statements.credential import EPOCH, cutoff_days  # noqa: E402
from zkvct.credentials.derive import challenge, scope  # noqa: E402

_fixture_ok = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@_fixture_ok
@given(day=hs.integers(0, 110_000), years=hs.integers(0, 120))
@example(day=(_dt.date(2024, 2, 29) - _dt.date(1900, 1, 1)).days, years=1)   # 29 Feb -> 28 Feb
@example(day=(_dt.date(2024, 2, 29) - _dt.date(1900, 1, 1)).days, years=4)   # 29 Feb -> 29 Feb
@example(day=(_dt.date(2000, 3, 1) - _dt.date(1900, 1, 1)).days, years=100)  # 1900 is not a leap year
def test_minus_years_matches_python(reg, day, years):
    want = cutoff_days(EPOCH + _dt.timedelta(days=day), years) if (EPOCH + _dt.timedelta(days=day)).year - years >= 1900 else None
    got = reg.handle.call("minusYears", day, years)
    if want is not None:
        assert got == want


@_fixture_ok
@given(label=hs.text(min_size=1, max_size=12), rid=hs.text(max_size=40), nonce=hs.text(max_size=40),
       expires=hs.integers(0, 2**64 - 1))
def test_scope_and_challenge_match_python(reg, label, rid, nonce, expires):
    rp = sample_did("rp-" + label)
    assert reg.handle.call("deriveScope", rp, label) == scope(rp, label)
    assert reg.handle.call("deriveChallenge", rp, rid, nonce, expires) == challenge(rp, ProofRequest(rid, nonce, expires))
