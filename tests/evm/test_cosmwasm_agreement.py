"""Three verifiers, one verdict: snarkjs's exported Solidity verifier, ours (bare and inside the
zkVCT registry) on a real EVM, and the protocol-v2 CosmWasm contract on a real wasmd node judge
the same proofs of the same key alike.

The statement is protocol v2's ``age_gte``, unlinkable (root, cutoff, today, scope, nullifier,
challenge), registered on ShareLedger with its own roles; the EVM registry gets it, and the
issuer's roots, only through ``zkvct mirror sync`` (zkvct.evm.mirror with ContractSource). Every
presentation answers a request made now by the relying party (alice, who also submits), for
credentials in one issuer tree whose root the issuer (carol) anchored on ShareLedger.

The corpus (corpus.KINDS: off-curve, >= q, infinity, B's coordinate order, B outside the
subgroup, a negated C, an input >= r or changed, an extra input, another circuit's proof) is
judged by all of them: the CosmWasm dry run and the registry's ``check`` give the same reason
code, our verifier's ``check`` the same code, snarkjs's verifier says false. Then the registry
rules neither bare verifier can see: a replayed proof, a used nullifier and a stale (retired)
root, where the two registries agree and both bare verifiers accept the (valid) proof.
"""
from __future__ import annotations

import pytest
from eth_abi.exceptions import EncodingError

from conftest import proof_words, snarkjs_prove
from corpus import KINDS, tampered
from shareledger import deploy_shareledger
from circuits.statements.credential import Registry as CredentialTree
from circuits.statements.credential import sample_credential
from zkvct.credentials.derive import holder_did_hash
from zkvct.credentials.sample import SAMPLE_HOLDER_DID, sample_presentation, sample_request
from zkvct.credentials.verify import registration_roles
from zkvct.evm.calldata import words_from_json
from zkvct.evm.mirror import sync
from zkvct.evm.registry import Registry, compile_cached, verifier_contract_name
from zkvct.evm.verifier_sol import CODE_REASONS
from zkvct.groth16.prove import prove

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow, pytest.mark.interop]


class World:
    """ShareLedger (the CosmWasm contract), the EVM registry mirrored from it, the bare verifiers."""

    def __init__(self, sl, reg, ours, theirs, key, tree, creds):
        self.sl, self.reg, self.ours, self.theirs = sl, reg, ours, theirs
        self.key, self.tree, self.creds = key, tree, creds
        self.rp, self.issuer = sl.did("alice"), sl.did("carol")
        self.sid = key.name

    def present(self, credential) -> tuple[dict, dict]:
        """(the wire presentation with zkvct's proof, the witness) for a fresh request of alice's."""
        now, today = self.sl.block_now()
        request = sample_request(now=now, ttl_secs=900)
        p = sample_presentation(self.key.statement, statement_id=self.sid, today=today, relying_party_did=self.rp,
                                issuer_did=self.issuer, request=request, registry=self.tree, credential=credential)
        witness = self.key.compiled.witness(p.input)
        res = prove(self.key.zkey, witness)
        return self.wire(res.proof.to_obj(), res.publics.to_obj(), request), witness

    def wire(self, proof: dict, public: list[str], request) -> dict:
        return {"statement_id": self.sid, "proof": proof, "public_inputs": public, "issuer_did": self.issuer,
                "relying_party_did": self.rp, "request": request.to_wire() if hasattr(request, "to_wire") else request,
                "holder_did": None}

    # the four judges: None for accepted, else the reason (snarkjs's: True/False)
    def cosmwasm(self, w: dict) -> str | None:
        from zkvct.chain.messages import VerifyRequest

        res = self.sl.ver.dry_run(VerifyRequest(**w), sender=str(self.sl.wallets["alice"].address()))
        return None if res.valid else res.code

    def registry(self, w: dict) -> str | None:
        return self.reg.check(w)

    def ours_bare(self, w: dict) -> str | None:
        return CODE_REASONS[self.ours.call("check", list(words_from_json(w["proof"])),
                                           [int(x) for x in w["public_inputs"]])]

    def snarkjs_bare(self, w: dict) -> bool:
        a, b, c = proof_words(w["proof"])
        try:
            return bool(self.theirs.call("verifyProof", a, b, c, [int(x) for x in w["public_inputs"]]))
        except EncodingError:  # uint[6] cannot carry seven inputs: the typed call does not exist
            return False


@pytest.fixture(scope="module")
def world(shareledger_net, evm, compiled, age_anon, npm_peers):
    sl = deploy_shareledger(shareledger_net, "evm agreement")
    alice, carol = sl.wallets["alice"], sl.wallets["carol"]
    roles = [r.to_wire() for r in registration_roles(age_anon.statement)]
    sl.ver.register_statement(alice, age_anon.name, sl.did("alice"), age_anon.vk.to_obj(), roles,
                              trusted_issuers=[sl.did("carol")])
    tree = CredentialTree(age_anon.statement.depth)
    creds = [sample_credential(holder_did_hash=holder_did_hash(SAMPLE_HOLDER_DID), serial=s) for s in (1, 2, 3)]
    for cred in creds:
        tree.issue(cred)
    sl.ver.anchor_root(carol, sl.did("carol"), str(tree.root))
    reg = Registry.deploy(evm, compiled["ZkvctRegistry"], root_window_secs=3600)
    done = sync(sl.source(), reg, [age_anon.name])
    assert [a["action"] for a in done.actions] == ["register", "anchor_root"]
    snarkjs_sol = age_anon.workdir / "snarkjs_age_verifier.sol"
    npm_peers.snarkjs("zkey", "export", "solidityverifier", str(age_anon.zkey), str(snarkjs_sol))
    theirs = evm.deploy(compile_cached({"SnarkjsAgeVerifier.sol": snarkjs_sol.read_text()})
                        ["SnarkjsAgeVerifier.sol:Groth16Verifier"])
    ours = evm.deploy(compiled[verifier_contract_name(age_anon.vk)])
    return World(sl, reg, ours, theirs, age_anon, tree, creds)


def test_valid_proofs_from_zkvct_and_snarkjs_accepted_by_all(world, npm_peers):
    w, witness = world.present(world.creds[0])
    proof, public = snarkjs_prove(npm_peers, world.key, witness, "agreement-snarkjs")
    assert public == w["public_inputs"]
    for pres in (w, world.wire(proof, public, w["request"])):
        assert world.snarkjs_bare(pres) is True
        assert world.ours_bare(pres) is None
        assert world.registry(pres) is None
        assert world.cosmwasm(pres) is None


def test_bad_proof_corpus_same_verdict_everywhere(world, age_bound):
    w, _ = world.present(world.creds[0])
    other = prove(age_bound.zkey, age_bound.compiled.witness(
        sample_presentation(age_bound.statement, statement_id=age_bound.name).input)).proof.to_obj()
    nullifier = world.key.statement.public_names.index("nullifier")
    got, want = {}, {}
    for kind, (reason, _) in KINDS.items():
        proof, public = tampered(kind, w["proof"], w["public_inputs"], other, index=nullifier)
        bad = dict(w, proof=proof, public_inputs=public)
        got[kind] = {"cosmwasm": world.cosmwasm(bad), "registry": world.registry(bad), "ours": world.ours_bare(bad),
                     "snarkjs": world.snarkjs_bare(bad)}
        want[kind] = {"cosmwasm": reason, "registry": reason, "ours": reason, "snarkjs": False}
    assert got == want


def test_replayed_nullifier_and_stale_root_agree(world):
    sl, alice, carol = world.sl, world.sl.wallets["alice"], world.sl.wallets["carol"]
    from zkvct.chain.messages import VerifyRequest

    w, _ = world.present(world.creds[1])
    sl.ver.verify(alice, VerifyRequest(**w))
    world.reg.verify(w)
    # the same proof again, and the same credential for a new request of the same relying party
    again, _ = world.present(world.creds[1])
    n = world.key.statement.public_names.index("nullifier")
    assert again["public_inputs"][n] == w["public_inputs"][n]  # the same nullifier
    for pres, reason in ((w, "proof_replayed"), (again, "nullifier_used")):
        assert (world.cosmwasm(pres), world.registry(pres)) == (reason, reason)
        assert world.ours_bare(pres) is None and world.snarkjs_bare(pres) is True
    # a proof against a root the issuer has since retired (a revocation on ShareLedger, mirrored)
    stale, _ = world.present(world.creds[2])
    assert world.registry(stale) is None and world.cosmwasm(stale) is None
    world.tree.revoke(world.creds[0].serial)
    sl.ver.anchor_root(carol, world.issuer, str(world.tree.root), retire_previous=True)
    assert [(a["action"], a.get("retire_previous")) for a in sync(sl.source(), world.reg, [world.sid]).actions] == [
        ("anchor_root", True)]
    assert (world.cosmwasm(stale), world.registry(stale)) == ("root_retired", "root_retired")
    assert world.ours_bare(stale) is None and world.snarkjs_bare(stale) is True
