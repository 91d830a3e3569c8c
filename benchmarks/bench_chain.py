"""On-chain figures on a local wasmd v0.40 node (issue 6): submit-to-inclusion time and gas.

Run with ``make bench`` (or ``.venv/bin/python -m pytest benchmarks/bench_chain.py
--benchmark-only``). Needs the wasmd build (scripts/build_wasmd.sh) and the contract artifacts
(scripts/build_contracts.sh). Gas is deterministic, so it is reported in ``extra_info`` of each
benchmark rather than timed. Block time: ``timeout_commit`` 200 ms.

* ``verify`` transactions of protocol v2's ``age_gte`` (depth 4, a dev-setup key: INSECURE, for
  measuring only), unlinkable (6 inputs, submitted by the relying party) and DID-bound (7 inputs,
  submitted by the holder; writes the zkVCT record). Each round registers the same key under a
  fresh statement id (the scope, hence the nullifier, is per statement) and proves, outside the
  timing, a fresh presentation for a request made at the block's time, so every timed round is a
  real accepted verification.
* a CW1056 ``set_attribute`` change (the cheapest state change: an event, one storage write).
* the verifier's ``verify`` dry-run query of the unlinkable statement (pairing in wasm, no transaction).
"""
from __future__ import annotations

import itertools
from datetime import timezone

import pytest

from circuits.statements import get_statement
from circuits.statements.credential import Registry as CredentialTree
from circuits.statements.credential import sample_credential
from zkvct.chain.client import ChainClient
from zkvct.chain.contracts import RegistryContract, VerifierContract, did_of
from zkvct.chain.keys import localnet_wallet
from zkvct.chain.localnet import Localnet, LocalnetError, find_wasmd, repo_root
from zkvct.chain.messages import Cw1056Instantiate, ProofRequest, VerifierInstantiate, VerifyRequest
from zkvct.credentials.derive import holder_did_hash
from zkvct.credentials.sample import sample_presentation, sample_request
from zkvct.credentials.verify import registration_roles
from zkvct.dsl import compile_circuit
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.prove import prove
from zkvct.groth16.setup import dev_setup

pytestmark = [pytest.mark.chain, pytest.mark.wasm]


class AgeWorld:
    """age_gte in both modes, keyed once; carol issues bob's credential and anchors the root."""

    def __init__(self, client, ver, work):
        self.client, self.ver, self.counter = client, ver, itertools.count()
        self.alice, self.bob, self.carol = (localnet_wallet(n) for n in ("alice", "bob", "carol"))
        self.keys = {}
        for mode, with_did in (("anon", False), ("bound", True)):
            st = get_statement("age_gte", depth=DEPTH, with_did=with_did)
            cc = compile_circuit(st)
            dev_setup(cc.r1cs, work / f"{mode}.zkey")
            self.keys[mode] = (st, cc, work / f"{mode}.zkey", export_verification_key(work / f"{mode}.zkey"))
        self.holder = did_of(self.bob)
        self.cred = sample_credential(holder_did_hash=holder_did_hash(self.holder), serial=1)
        self.tree = CredentialTree(DEPTH)
        self.tree.issue(self.cred)
        ver.anchor_root(self.carol, did_of(self.carol), str(self.tree.root))

    def fresh(self, mode: str) -> VerifyRequest:
        """Register the mode's key under a new statement id; a presentation of it for a request now."""
        st, cc, zkey, vk = self.keys[mode]
        sid = f"bench-{mode}-{next(self.counter)}"
        self.ver.register_statement(self.alice, sid, did_of(self.alice), vk.to_obj(),
                                    [r.to_wire() for r in registration_roles(st)], trusted_issuers=[did_of(self.carol)])
        t = self.client.rpc.block_time(self.client.rpc.latest_height()).astimezone(timezone.utc)
        p = sample_presentation(st, statement_id=sid, today=t.date().isoformat(), relying_party_did=did_of(self.alice),
                                holder_did=self.holder, issuer_did=did_of(self.carol),
                                request=sample_request(now=int(t.timestamp()), ttl_secs=900), registry=self.tree,
                                credential=self.cred)
        res = prove(zkey, cc.witness(p.input))
        return VerifyRequest(statement_id=sid, proof=res.proof.to_obj(), public_inputs=res.publics.to_obj(),
                             issuer_did=did_of(self.carol), relying_party_did=did_of(self.alice),
                             request=ProofRequest(**p.request.to_wire()), holder_did=self.holder if st.with_did else None)

    def submitter(self, mode: str):
        """The relying party submits an unlinkable proof; the holder a DID-bound one."""
        return self.alice if mode == "anon" else self.bob

ART = repo_root() / "verifier_contract" / "artifacts"
DEPTH = 4
ROUNDS = 8


@pytest.fixture(scope="module")
def env(tmp_path_factory):
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
        verifier = VerifierContract(client, ver)
        yield {"client": client, "registry": RegistryContract(client, reg), "verifier": verifier, "alice": alice,
               "age": AgeWorld(client, verifier, tmp_path_factory.mktemp("bench_chain"))}


@pytest.mark.parametrize("mode", ["anon", "bound"])
def test_bench_verify_tx_age_v2(benchmark, env, mode):
    age = env["age"]
    sender = age.submitter(mode)
    gas: list[int] = []
    inclusion: list[float] = []

    def setup():
        return (age.fresh(mode),), {}

    def submit(req):
        res = age.ver.verify(sender, req)
        gas.append(res.gas_used)
        inclusion.append(res.inclusion_s)

    benchmark.pedantic(submit, setup=setup, rounds=ROUNDS, iterations=1)
    benchmark.extra_info["public_inputs"] = 6 if mode == "anon" else 7
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
    age = env["age"]
    req = age.fresh("anon")
    res = benchmark.pedantic(age.ver.dry_run, args=(req, str(age.alice.address())), rounds=ROUNDS, iterations=1)
    assert res.valid, res.reason
