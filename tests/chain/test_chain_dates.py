"""Date roles against the chain's own clock: proofs made now (age_v2.py), for today's block date.

The statement keeps the real roles ``[issuer_root, cutoff_days(18), today_days, scope,
nullifier, challenge, holder_did_hash]``; a stale ``today`` and a too-short cutoff are proven
validly by the circuit and refused by the contract.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from zkvct.chain.client import ContractError
from zkvct.chain.contracts import VerifierContract, did_of
from zkvct.chain.messages import VerifierInstantiate

from age_v2 import age_roles, day_number, minus_years

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow, pytest.mark.interop]


def test_age_statement_with_block_dates(chain, registry, wallets, verifier_wasm, age_prover):
    alice, holder, issuer = wallets["alice"], wallets["carol"], wallets["dave"]
    code_id, _ = chain.store(verifier_wasm, alice)
    addr, _ = chain.instantiate(code_id, VerifierInstantiate(registry=registry["address"], root_window_secs=600),
                                alice, "zkvct verifier (dates)")
    ver = VerifierContract(chain, addr)
    ver.register_statement(alice, "age18", did_of(alice), age_prover.vk("bound"), age_roles(18, True),
                           trusted_issuers=[did_of(issuer)])

    block_time = chain.rpc.block_time(chain.rpc.latest_height())
    today = block_time.astimezone(timezone.utc).date()
    assert (datetime.now(timezone.utc).date() - today).days in (0, 1)
    ids = dict(rp_did=did_of(alice), statement_id="age18", holder_did=did_of(holder))

    def submit(p, **kw):
        ver.anchor_root(issuer, did_of(issuer), p.root)
        req = p.verify_request("age18", did_of(issuer), did_of(alice), did_of(holder))
        return ver.verify(holder, req, **kw)

    good = age_prover.prove("bound", today=today, serial=1, **ids)
    assert good.public[2] == str(day_number(today))
    ok = submit(good)
    rec = ver.zkvct(did_of(holder), "age18")
    assert rec.valid and rec.record.height == ok.height
    print(f"\nverify gas, 7 inputs with date roles: {ok.gas_used}")

    # a month-old "today": the circuit is satisfied, the contract refuses the stale date
    old = date.fromordinal(today.toordinal() - 30)
    stale = age_prover.prove("bound", today=old, serial=2, **ids)
    with pytest.raises(ContractError) as info:
        submit(stale, gas_limit=3_000_000)
    assert info.value.code == "today_out_of_range" and "is not within" in info.value.reason
    assert not ver.nullifier("age18", stale.public[4], scope=stale.public[3]).used

    # a cutoff of 17 years (someone aged 17 would pass it): the contract demands 18
    young = age_prover.prove("bound", today=today, serial=3, years=17, dob=minus_years(today, 17), **ids)
    with pytest.raises(ContractError) as info:
        submit(young, gas_limit=3_000_000)
    assert info.value.code == "cutoff_mismatch" and "is not 18 calendar years" in info.value.reason
    assert not ver.nullifier("age18", young.public[4], scope=young.public[3]).used
