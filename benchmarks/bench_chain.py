"""On-chain figures on a local wasmd v0.40 node (issue 6): submit-to-inclusion time and gas.

Run with ``make bench`` (or ``.venv/bin/python -m pytest benchmarks/bench_chain.py
--benchmark-only``). Needs the wasmd build (scripts/build_wasmd.sh) and the contract artifacts
(scripts/build_contracts.sh). Gas is deterministic, so it is reported in ``extra_info`` of each
benchmark rather than timed. Block time: ``timeout_commit`` 200 ms.

* ``verify`` transactions of the 1-input fixture statement: each round verifies the same snarkjs
  proof against a fresh statement (same key; a statement without a scope input is its own nullifier
  scope), so every round is a real accepted verification.
* a CW1056 ``set_attribute`` change (the cheapest state change: an event, one storage write).
* the verifier's ``verify`` dry-run query (pairing in wasm, no transaction).
"""
from __future__ import annotations

import itertools

import pytest

from zkvct.chain.client import ChainClient
from zkvct.chain.contracts import RegistryContract, VerifierContract, did_of
from zkvct.chain.keys import localnet_wallet
from zkvct.chain.localnet import Localnet, LocalnetError, find_wasmd, repo_root
from zkvct.chain.messages import Cw1056Instantiate, VerifierInstantiate, VerifyRequest, load_json, role

pytestmark = [pytest.mark.chain, pytest.mark.wasm]

ART = repo_root() / "verifier_contract" / "artifacts"
FIX = repo_root() / "verifier_contract" / "fixtures"
ROUNDS = 8


@pytest.fixture(scope="module")
def env():
    try:
        find_wasmd()
    except LocalnetError as exc:
        pytest.skip(str(exc))
    for name in ("cw1056.wasm", "zkvct_verifier.wasm"):
        if not (ART / name).is_file():
            pytest.skip(f"{ART / name} missing: run scripts/build_contracts.sh")
    with Localnet(timeout_commit_ms=200) as net:
        client = ChainClient.from_localnet(net.info)
        alice = localnet_wallet("alice")
        reg_code, _ = client.store(ART / "cw1056.wasm", alice)
        reg, _ = client.instantiate(reg_code, Cw1056Instantiate(), alice, "registry")
        ver_code, _ = client.store(ART / "zkvct_verifier.wasm", alice)
        ver, _ = client.instantiate(ver_code, VerifierInstantiate(registry=reg, root_window_secs=3600), alice, "verifier")
        yield {"client": client, "registry": RegistryContract(client, reg), "verifier": VerifierContract(client, ver),
               "alice": alice}


def test_bench_verify_tx_1_input(benchmark, env):
    ver, alice = env["verifier"], env["alice"]
    vk = load_json(FIX / "one_input" / "verification_key.json")
    proof, public = load_json(FIX / "one_input" / "proof_7.json"), load_json(FIX / "one_input" / "public_7.json")
    counter = itertools.count()
    gas: list[int] = []
    inclusion: list[float] = []

    def setup():
        sid = f"bench-{next(counter)}"
        ver.register_statement(alice, sid, did_of(alice), vk, [role("nullifier")])
        return (VerifyRequest(statement_id=sid, proof=proof, public_inputs=public),), {}

    def submit(req):
        res = ver.verify(alice, req)
        gas.append(res.gas_used)
        inclusion.append(res.inclusion_s)

    benchmark.pedantic(submit, setup=setup, rounds=ROUNDS, iterations=1)
    benchmark.extra_info["gas_used"] = sorted(set(gas))
    benchmark.extra_info["inclusion_s"] = [round(x, 3) for x in inclusion]


def test_bench_cw1056_change_tx(benchmark, env):
    reg = env["registry"]
    bob = localnet_wallet("bob")
    ident = bob.public_key().public_key_bytes.hex()
    counter = itertools.count()
    gas: list[int] = []

    def submit():
        res = reg.set_attribute(bob, ident, "did/svc/Bench", f"{next(counter):04x}", 3600)
        gas.append(res.gas_used)

    benchmark.pedantic(submit, rounds=ROUNDS, iterations=1)
    benchmark.extra_info["gas_used"] = sorted(set(gas))


def test_bench_verify_dry_run_query(benchmark, env):
    ver, alice = env["verifier"], env["alice"]
    ver.register_statement(alice, "bench-query", did_of(alice), load_json(FIX / "one_input" / "verification_key.json"),
                           [role("nullifier")])
    req = VerifyRequest(statement_id="bench-query", proof=load_json(FIX / "one_input" / "proof_8.json"),
                        public_inputs=load_json(FIX / "one_input" / "public_8.json"))
    res = benchmark.pedantic(ver.dry_run, args=(req, str(alice.address())), rounds=ROUNDS, iterations=1)
    assert res.valid, res.reason
