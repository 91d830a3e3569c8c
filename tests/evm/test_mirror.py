"""``zkvct.evm.mirror.sync`` against a real EVM registry: a first sync copies statements and
roots, a second sends nothing, later changes (new version, revocation, new root, retired root)
are copied exactly once, and a key that differs between the chains stops the sync.

The ShareLedger side here is :class:`PythonSource`: statements and roots kept in Python, so the
edge cases (a key that differs between the chains, a dry run) need no chain. The same sync from
the real CosmWasm contract on a wasmd node, through :class:`zkvct.evm.mirror.ContractSource`, is
test_mirror_chain.py."""
from __future__ import annotations

import dataclasses

import pytest

from zkvct.credentials.sample import SAMPLE_ISSUER_DID, sample_did
from zkvct.credentials.verify import registration_roles
from zkvct.evm.mirror import MirrorError, SourceStatement, sync
from zkvct.evm.registry import Registry

from sources import PythonSource

pytestmark = [pytest.mark.slow]

OTHER_ISSUER = sample_did("second-issuer")


@pytest.fixture(scope="module")
def setup(evm, compiled, age_anon, age_bound):
    reg = Registry.deploy(evm, compiled["ZkvctRegistry"], root_window_secs=600)
    src = PythonSource()
    src.statements["age-18-anon"] = [SourceStatement("age-18-anon", 1, tuple(registration_roles(age_anon.statement)),
                                                     (SAMPLE_ISSUER_DID,), age_anon.vk)]
    src.current[SAMPLE_ISSUER_DID] = 1111
    return reg, src


def test_first_sync_copies_then_second_sends_nothing(setup, age_anon):
    reg, src = setup
    first = sync(src, reg, ["age-18-anon"])
    assert [a["action"] for a in first.actions] == ["register", "anchor_root"]
    st = reg.statement("age-18-anon")
    assert st["exists"] and st["version"] == 1 and st["n_public"] == 6
    assert reg.current_root(SAMPLE_ISSUER_DID) == 1111
    assert sync(src, reg, ["age-18-anon"]).actions == []


def test_later_changes_are_copied_once(setup, age_bound):
    reg, src = setup
    v1 = src.statements["age-18-anon"][0]
    src.statements["age-18-anon"] = [dataclasses.replace(v1, revoked=True),
                                     dataclasses.replace(v1, version=2, verification_key=age_bound.vk,
                                                         roles=tuple(registration_roles(age_bound.statement)),
                                                         trusted_issuers=(SAMPLE_ISSUER_DID, OTHER_ISSUER))]
    src.current[SAMPLE_ISSUER_DID] = 2222
    src.retired.add((SAMPLE_ISSUER_DID, 1111))
    src.current[OTHER_ISSUER] = 3333
    planned = sync(src, reg, ["age-18-anon"], dry_run=True)
    assert reg.statement("age-18-anon")["version"] == 1  # a dry run sends nothing
    done = sync(src, reg, ["age-18-anon"])
    assert done.actions == planned.actions
    assert sorted(a["action"] for a in done.actions) == ["anchor_root", "anchor_root", "register", "revoke"]
    assert reg.statement("age-18-anon", 1)["revoked"] and reg.statement("age-18-anon")["version"] == 2
    assert reg.issuer_root(SAMPLE_ISSUER_DID, 1111)["retired"] and reg.current_root(SAMPLE_ISSUER_DID) == 2222
    assert reg.current_root(OTHER_ISSUER) == 3333
    assert sync(src, reg, ["age-18-anon"]).actions == []


def test_a_replaced_root_retired_later_is_retired_once(setup):
    reg, src = setup
    src.current[SAMPLE_ISSUER_DID] = 4444
    assert [a["action"] for a in sync(src, reg, ["age-18-anon"]).actions] == ["anchor_root"]
    assert 2222 in reg.live_roots(SAMPLE_ISSUER_DID) and not reg.issuer_root(SAMPLE_ISSUER_DID, 2222)["retired"]
    src.retired.add((SAMPLE_ISSUER_DID, 2222))  # RetireRoot on ShareLedger
    assert sync(src, reg, ["age-18-anon"]).actions == [
        {"action": "retire_root", "issuer_did": SAMPLE_ISSUER_DID, "root": "2222"}]
    assert reg.issuer_root(SAMPLE_ISSUER_DID, 2222)["retired"]
    assert sync(src, reg, ["age-18-anon"]).actions == []


def test_a_different_key_stops_the_sync(setup, age_anon):
    reg, src = setup
    saved = src.statements["age-18-anon"]
    src.statements["age-18-anon"] = [saved[0], dataclasses.replace(saved[1], verification_key=age_anon.vk)]
    try:
        with pytest.raises(MirrorError, match="another key"):
            sync(src, reg, ["age-18-anon"])
    finally:
        src.statements["age-18-anon"] = saved
    with pytest.raises(MirrorError, match="not registered"):
        sync(src, reg, ["nothing-here"])
