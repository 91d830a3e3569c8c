"""Statement circuits (protocol v2): compile, satisfy, pass ``circuit check``, meet budgets, refuse
adversarial witnesses. The tests marked "v2 attack" describe witnesses that satisfied the v1
circuits (see docs/threat-model.md) and must not satisfy v2."""
from __future__ import annotations

import pytest

from circuits.statements import STATEMENTS, get_statement
from circuits.statements.credential import (Credential, Registry, core_input, country_code, cutoff_days, days)
from circuits.statements.roles import ROOT_ROLES
from circuits.statements.residency import country_set
from zkvct.dsl import compile_circuit
from zkvct.dsl.check import check_circuit
from circuits.statements.roles import CREDENTIAL_ROLES as ROLES
from zkvct.field import R
from zkvct.r1cs import WitnessError, check_witness
from zkvct.dsl.compiler import pack

_CC: dict[str, object] = {}


def compiled(name):
    if name not in _CC:
        _CC[name] = compile_circuit(get_statement(name))
    return _CC[name]


def flat(cc, data) -> list[int]:
    """input.json -> flat input list WITHOUT the range checks (adversarial values allowed)."""
    out: list[int] = []

    def walk(v):
        if isinstance(v, list):
            for item in v:
                walk(item)
        else:
            out.append(int(v, 0) if isinstance(v, str) else int(v))

    for inp in [*cc.circuit.public, *cc.circuit.private]:
        walk(data[inp.name])
    return out


def native_ok(cc, inputs=None, data=None, wire_edits=None) -> bool:
    """Build the witness (honest program, optional direct wire edits) and ask the native checker."""
    vals = cc.compute_vars(data, inputs=inputs)
    wires = cc.wire_values(vals)
    for w, v in (wire_edits or {}).items():
        wires[w] = v % R
    try:
        check_witness(cc.r1cs, pack(wires))
    except WitnessError:
        assert cc.first_unsatisfied(wires) >= 0  # the Python twin of the kernel agrees
        return False
    assert cc.first_unsatisfied(wires) == -1
    return True


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statement_satisfied_by_example(name):
    cc = compiled(name)
    assert native_ok(cc, data=cc.circuit.example_input())
    roles = cc.circuit.public_roles
    assert len(roles) == cc.r1cs.n_public and set(roles) <= set(ROLES)
    assert roles[0] in ROOT_ROLES and sum(r in ROOT_ROLES for r in roles) == 1
    assert roles[-5:] == ["today_days", "scope", "nullifier", "challenge", "holder_did_hash"]
    for role in set(roles) - {"param"}:
        assert roles.count(role) == 1, role


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statement_passes_soundness_check(name):
    cc = compiled(name)
    rep = check_circuit(cc, [cc.circuit.example_input()], seed=7)
    assert rep.ok, rep.as_dict()["errors"]
    assert rep.hints_checked == len([v for v in cc.hint_vars if v not in cc.defined_hints]) > 0


def test_budgets():
    assert compiled("age_gte").n_constraints <= 6000
    assert len(compiled("age_gte").circuit.public_roles) == 7


def test_roles_of_age():
    assert get_statement("age_gte").public_roles == [
        "issuer_root", "cutoff_days", "today_days", "scope", "nullifier", "challenge", "holder_did_hash"]
    assert get_statement("age_gte", with_did=False).public_roles == [
        "issuer_root", "cutoff_days", "today_days", "scope", "nullifier", "challenge"]
    assert get_statement("not_revoked").public_roles == [
        "revocation_root", "today_days", "scope", "nullifier", "challenge", "holder_did_hash"]


def test_example_inputs_use_fresh_secrets():
    st = get_statement("not_expired", depth=4)
    a, b = st.example_input(), st.example_input()
    for name in ("holder_secret", "salt", "scope", "challenge", "holder_did_hash"):
        assert a[name] != b[name], name


# -- adversarial: age ----------------------------------------------------------------------------

TODAY = "2026-11-21"
CUTOFF = cutoff_days(TODAY, 18)


DID_HASH = 4242


def _world(dob_days: int, country: int = country_code("SG"), acc: int = 0, exp: int = days("2030-01-01"),
           did_hash: int = DID_HASH):
    reg = Registry()
    cred = Credential(holder_secret=777, serial=11, holder_did_hash=did_hash, dob_days=dob_days, country=country,
                      accredited_until_days=acc, expiry_days=exp, salt=99)
    reg.issue(cred)
    return cred, reg, core_input(cred, reg, today_days=days(TODAY), scope=5, challenge=31337)


def _age_data(dob_days, cutoff=CUTOFF):
    cred, reg, data = _world(dob_days)
    data["cutoff_days"] = cutoff
    return data


def test_age_honest_boundary():
    cc = compiled("age_gte")
    assert native_ok(cc, inputs=flat(cc, _age_data(CUTOFF)))          # exactly 18 today
    assert not native_ok(cc, inputs=flat(cc, _age_data(CUTOFF + 1)))  # 18 tomorrow


@pytest.mark.parametrize("k", [0, 1, 10, 19, 20, 21, 64, 128, 252, 253])
def test_age_dob_past_cutoff_by_2k(k):
    cc = compiled("age_gte")
    assert not native_ok(cc, inputs=flat(cc, _age_data((CUTOFF + (1 << k)) % R)))


@pytest.mark.parametrize("dob, cutoff", [
    (R - 1, CUTOFF),                  # dob = -1 in the field
    (R - 1 - CUTOFF, CUTOFF),         # cutoff - dob = 2*cutoff + 1 mod r: small only if the comparator wraps
    ((1 << 20) + CUTOFF - 1, CUTOFF),  # dob - 2^20 is below the cutoff: caught by the 20-bit range check
    (CUTOFF + 5, R - 1),              # a "cutoff" at the top of the field
    (CUTOFF + 5, CUTOFF + 5 + R - 1),  # cutoff wrapped to just below dob
    (CUTOFF + 5, (1 << 20) + CUTOFF + 5),  # cutoff above the date range
])
def test_age_wraparound(dob, cutoff):
    cc = compiled("age_gte")
    assert not native_ok(cc, inputs=flat(cc, _age_data(dob % R, cutoff % R)))


def test_age_forged_comparison_bits():
    """Under-age credential, then edit the comparison's bit wires directly: still unsatisfied."""
    cc = compiled("age_gte")
    ins = flat(cc, _age_data(CUTOFF + 3))
    bits = [cc.var_wire[v] for v in cc.hint_vars if "dob_le_cutoff_diff" in cc.var_names[v] and cc.var_wire[v] >= 0]
    assert bits
    for value in (0, 1, R - 1):
        assert not native_ok(cc, inputs=ins, wire_edits={w: value for w in bits})


def test_age_tampered_root_and_nullifier_and_scope():
    cc = compiled("age_gte")
    good = _age_data(CUTOFF - 100)
    assert native_ok(cc, inputs=flat(cc, good))
    for field, delta in (("issuer_root", 1), ("nullifier", 1), ("scope", 1), ("holder_secret", 1)):
        bad = dict(good)
        bad[field] = (int(bad[field]) + delta) % R
        assert not native_ok(cc, inputs=flat(cc, bad)), field
    # a nullifier computed for another scope
    cred, reg, _ = _world(CUTOFF - 100)
    bad = dict(good, nullifier=cred.nullifier(6))
    assert not native_ok(cc, inputs=flat(cc, bad))
    # a credential that is not in the registry (another salt)
    other = Credential(holder_secret=777, serial=11, holder_did_hash=DID_HASH, dob_days=CUTOFF - 100,
                       country=country_code("SG"), accredited_until_days=0, expiry_days=days("2030-01-01"), salt=100)
    assert not native_ok(cc, inputs=flat(cc, dict(good, salt=other.salt)))


def test_unconstrained_challenge_cannot_be_swapped():
    """Edit the challenge (and the holder DID) wire of a valid witness: the square no longer matches."""
    cc = compiled("age_gte")
    ins = flat(cc, _age_data(CUTOFF - 100))
    names = cc.circuit.public_names
    for name in ("challenge", "holder_did_hash"):
        w = 1 + names.index(name)
        assert not native_ok(cc, inputs=ins, wire_edits={w: 31338})


def test_revoked_credential_fails():
    cc = compiled("age_gte")
    cred, reg, data = _world(CUTOFF - 100)
    data["cutoff_days"] = CUTOFF
    reg.revoke(cred.serial)
    data.update(core_input(cred, reg, today_days=days(TODAY), scope=5, challenge=31337))
    assert not native_ok(cc, inputs=flat(cc, data))


# -- v2 attacks: the holder DID is in the leaf ------------------------------------------------------

@pytest.mark.parametrize("with_did", [True, False])
def test_v2_attack_proof_for_another_did(with_did):
    """v1 only squared holder_did_hash, so one credential proved for any DID. In v2 the hash is in
    the leaf: another DID's hash (public or private) does not open the registry root."""
    cc = compile_circuit(get_statement("age_gte", with_did=with_did))
    good = _age_data(CUTOFF - 100)
    assert native_ok(cc, inputs=flat(cc, good))
    for other in (DID_HASH + 1, 0, 2**253 - 1):
        assert not native_ok(cc, inputs=flat(cc, dict(good, holder_did_hash=other))), other


def test_v2_the_leaf_commits_the_did_hash():
    a, _, _ = _world(CUTOFF - 100)
    b, _, _ = _world(CUTOFF - 100, did_hash=DID_HASH + 1)
    assert a.leaf != b.leaf and a.nullifier(5) == b.nullifier(5)


# -- v2 attacks: every statement checks expiry ------------------------------------------------------

@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_v2_attack_expired_credential(name):
    """v1's age_gte and residency_* never looked at expiry_days: an expired credential proved."""
    cc = compiled(name)
    st = cc.circuit
    today = days(TODAY)
    for exp, ok in ((today + 1, True), (today, False), (today - 400, False)):
        cred, reg, data = _world(days("1990-01-01"), acc=today + 30, exp=exp)
        data = st.statement_input(cred, reg, today=TODAY, scope=5, challenge=31337)
        assert native_ok(cc, inputs=flat(cc, data)) == ok, (name, exp)


def test_v2_attack_expired_today_cannot_wrap():
    cc = compiled("age_gte")
    cred, reg, _ = _world(CUTOFF - 100, exp=days(TODAY) - 1)
    data = cc.circuit.statement_input(cred, reg, today=TODAY, scope=5, challenge=31337)
    for today in (0, days(TODAY) - (1 << 20), R - 1):  # a "today" before expiry only by wrapping
        bad = dict(data, today_days=today % R)
        if today == 0:
            assert native_ok(cc, inputs=flat(cc, bad))  # a stale date proves; the verifier checks today_days
        else:
            assert not native_ok(cc, inputs=flat(cc, bad)), today


# -- adversarial: residency ----------------------------------------------------------------------

def _res_data(country: int, codes=("SG", "MY"), length=None, slots=8):
    _, reg, data = _world(days("1990-01-01"), country=country)
    elems, n, h = country_set(list(codes), slots)
    if length is not None:
        n = length
    from circuits.gadgets.sponge import sponge_hash
    data.update({"set": elems, "set_len": n, "set_hash": sponge_hash([n, *elems])})
    return data


def test_residency_in_and_not_in():
    cin, cout = compiled("residency_in"), compiled("residency_not_in")
    sg, fr_ = country_code("SG"), country_code("FR")
    assert native_ok(cin, inputs=flat(cin, _res_data(sg)))
    assert not native_ok(cin, inputs=flat(cin, _res_data(fr_)))
    assert native_ok(cout, inputs=flat(cout, _res_data(fr_)))
    assert not native_ok(cout, inputs=flat(cout, _res_data(sg)))


def test_padded_zero_is_not_a_member():
    cin, cout = compiled("residency_in"), compiled("residency_not_in")
    assert not native_ok(cin, inputs=flat(cin, _res_data(0)))
    assert native_ok(cout, inputs=flat(cout, _res_data(0)))
    # a length covering the padding (or past the slots) does not help either
    assert not native_ok(cin, inputs=flat(cin, _res_data(0, length=9)))
    assert not native_ok(cin, inputs=flat(cin, _res_data(0, length=R - 1)))


def test_residency_set_hash_binds_the_list():
    cin = compiled("residency_in")
    data = _res_data(country_code("FR"))
    data["set"] = [country_code("FR")] + data["set"][1:]  # swap the list, keep the registered hash
    assert not native_ok(cin, inputs=flat(cin, data))


# -- adversarial: dates ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["not_expired", "accredited_investor"])
def test_expired_and_wrapped_today(name):
    cc = compiled(name)
    today = days(TODAY)
    for exp, acc, ok in [
        (today + 1, today + 1, True),
        (today, today + 10, False),        # expires today
        (today + 10, today, name == "not_expired"),  # accreditation ended today
        (today + 10, 0, name == "not_expired"),      # never accredited
    ]:
        _, _, data = _world(days("1990-01-01"), acc=acc, exp=exp)
        assert data["today_days"] == today
        assert native_ok(cc, inputs=flat(cc, data)) == ok, (exp, acc)
    _, _, data = _world(days("1990-01-01"), acc=today + 5, exp=today + 5)
    for wrapped in (R - 1, (today - (1 << 20)) % R, today + 5 + (1 << 20), today + 5):
        data["today_days"] = wrapped % R
        assert not native_ok(cc, inputs=flat(cc, data))


def test_v2_attack_revoked_credential_under_revocation_root():
    """not_revoked proves membership under the issuer's *current* root (role revocation_root): once
    the leaf is zeroed, no opening of the credential reaches that root."""
    cc = compiled("not_revoked")
    st = cc.circuit
    cred, reg, _ = _world(days("1990-01-01"))
    before = st.statement_input(cred, reg, today=TODAY, scope=5, challenge=31337)
    assert native_ok(cc, inputs=flat(cc, before))
    reg.revoke(cred.serial)
    after = st.statement_input(cred, reg, today=TODAY, scope=5, challenge=31337)
    assert after["revocation_root"] != before["revocation_root"]
    assert not native_ok(cc, inputs=flat(cc, after))
    # the old path against the new root fails too
    assert not native_ok(cc, inputs=flat(cc, dict(before, revocation_root=after["revocation_root"])))


def test_multi_predicate_each_predicate_matters():
    cc = compiled("age_residency_valid")
    good = cc.circuit.example_input()
    assert native_ok(cc, data=good)
    assert not native_ok(cc, inputs=flat(cc, dict(good, cutoff_days=good["dob_days"] - 1)))
    assert not native_ok(cc, inputs=flat(cc, dict(good, today_days=good["expiry_days"])))
    data = cc.circuit.example_input(country="FR")
    assert not native_ok(cc, inputs=flat(cc, data))
