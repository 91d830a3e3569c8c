"""Date roles against the chain's own clock: proofs made now, for today's block date.

The committed age6 fixture proofs carry the date they were made on, so this test makes fresh ones:
circom2 compiles fixtures/circuits/age6.circom, zkvct's (insecure, in-memory) dev setup makes the
key, snarkjs exports the verification key and proves (``groth16 fullprove``) with inputs for the
current block date. The statement keeps the real roles
``[issuer_root, cutoff_days(18), today_days, scope, nullifier, holder_did_hash]``.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timezone

import pytest

from circuits.gadgets.poseidon import poseidon_hash
from zkvct.chain.client import ContractError
from zkvct.chain.contracts import VerifierContract, did_of
from zkvct.chain.localnet import repo_root
from zkvct.chain.messages import VerifierInstantiate, VerifyRequest, role

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow, pytest.mark.interop]

CIRCUIT = repo_root() / "verifier_contract" / "fixtures" / "circuits" / "age6.circom"
EPOCH_1900 = date(1900, 1, 1)


def day_number(d: date) -> int:
    return (d - EPOCH_1900).days


def minus_years(d: date, years: int) -> date:
    """Same month and day ``years`` earlier; 29 February -> 28 February in a common year."""
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def did_hash(did: str) -> int:
    return int.from_bytes(hashlib.sha256(did.encode()).digest(), "big") & ((1 << 253) - 1)


@pytest.fixture(scope="module")
def circuit(tmp_path_factory, npm_peers):
    from zkvct.formats.r1cs_file import read_r1cs
    from zkvct.groth16.setup import dev_setup

    work = tmp_path_factory.mktemp("age6")
    src = re.sub(r'include "([a-z]+\.circom)";', r'include "circomlib/circuits/\1";', CIRCUIT.read_text())
    out = npm_peers.compile_circom(src, "age6", work, sym=False)
    zkey = work / "age6.zkey"
    dev_setup(read_r1cs(out["r1cs"]), zkey)
    vk = work / "vk.json"
    npm_peers.snarkjs("zkey", "export", "verificationkey", str(zkey), str(vk))
    return {"work": work, "wasm": out["wasm"], "zkey": zkey, "vk": json.loads(vk.read_text())}


def prove(npm_peers, circuit, name: str, **inputs) -> tuple[dict, list[str]]:
    work = circuit["work"]
    inp = work / f"{name}.input.json"
    inp.write_text(json.dumps({k: str(v) for k, v in inputs.items()}))
    proof, public = work / f"{name}.proof.json", work / f"{name}.public.json"
    npm_peers.snarkjs("groth16", "fullprove", str(inp), str(circuit["wasm"]), str(circuit["zkey"]), str(proof), str(public))
    return json.loads(proof.read_text()), json.loads(public.read_text())


def credential(today: date, years: int, dob: date, serial: int, holder: str, scope: int = 777) -> dict:
    secret, salt, sibling = 424242424242, 99, 55
    leaf = poseidon_hash([day_number(dob), secret, serial, salt])
    return {
        "issuer_root": poseidon_hash([leaf, sibling]), "cutoff_days": day_number(minus_years(today, years)),
        "today_days": day_number(today), "scope": scope, "nullifier": poseidon_hash([secret, serial, scope]),
        "holder_did_hash": did_hash(holder), "dob_days": day_number(dob), "holder_secret": secret,
        "serial": serial, "salt": salt, "sibling": sibling,
    }


def test_age_statement_with_block_dates(chain, registry, wallets, verifier_wasm, circuit, npm_peers):
    alice, holder, issuer = wallets["alice"], wallets["carol"], wallets["dave"]
    code_id, _ = chain.store(verifier_wasm, alice)
    addr, _ = chain.instantiate(code_id, VerifierInstantiate(registry=registry["address"], root_window_secs=600),
                                alice, "zkvct verifier (dates)")
    ver = VerifierContract(chain, addr)
    roles = [role("issuer_root"), role("cutoff_days", years=18), role("today_days"), role("scope"), role("nullifier"),
             role("holder_did_hash")]
    ver.register_statement(alice, "age18", did_of(alice), circuit["vk"], roles, trusted_issuers=[did_of(issuer)])

    block_time = chain.rpc.block_time(chain.rpc.latest_height())
    today = block_time.astimezone(timezone.utc).date()
    assert (datetime.now(timezone.utc).date() - today).days in (0, 1)
    holder_did = did_of(holder)
    ask = dict(issuer_did=did_of(issuer), holder_did=holder_did)

    good = credential(today, 18, date(2000, 1, 1), serial=1, holder=holder_did)
    proof, public = prove(npm_peers, circuit, "good", **good)
    assert public[2] == str(day_number(today))
    ver.anchor_root(issuer, did_of(issuer), public[0])
    ok = ver.verify(holder, VerifyRequest(statement_id="age18", proof=proof, public_inputs=public, **ask))
    rec = ver.zkvct(holder_did, "age18")
    assert rec.valid and rec.record.height == ok.height
    print(f"\nverify gas, 6 inputs with date roles: {ok.gas_used}")

    # a month-old "today": the circuit is satisfied, the contract refuses the stale date
    old = today.replace(day=1) if today.day > 7 else date.fromordinal(today.toordinal() - 30)
    stale = credential(old, 18, date(2000, 1, 1), serial=2, holder=holder_did)
    proof, public = prove(npm_peers, circuit, "stale", **stale)
    ver.anchor_root(issuer, did_of(issuer), public[0])
    with pytest.raises(ContractError, match="today_days = .* is not within"):
        ver.verify(holder, VerifyRequest(statement_id="age18", proof=proof, public_inputs=public, **ask),
                   gas_limit=3_000_000)
    assert not ver.nullifier("age18", public[4], scope=public[3]).used

    # a cutoff of 17 years (someone aged 17 would pass it): the contract demands 18
    young = credential(today, 17, minus_years(today, 17), serial=3, holder=holder_did)
    proof, public = prove(npm_peers, circuit, "young", **young)
    ver.anchor_root(issuer, did_of(issuer), public[0])
    with pytest.raises(ContractError, match="cutoff_days = .* is not 18 calendar years"):
        ver.verify(holder, VerifyRequest(statement_id="age18", proof=proof, public_inputs=public, **ask),
                   gas_limit=3_000_000)
    assert not ver.nullifier("age18", public[4], scope=public[3]).used
