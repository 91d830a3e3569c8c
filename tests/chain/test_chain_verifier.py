"""The zkVCT verifier (protocol v2) on the real chain, with proofs made now by snarkjs for the
toy circuits of verifier_contract/fixtures/circuits (see age_v2.py):

* ``age-anon``  - age_unlinkable (6 public inputs: root, cutoff, today, scope, nullifier,
  challenge); only the relying party (alice) submits.
* ``age-bound`` - age_bound (7 inputs, + holder_did_hash): the holder (bob) submits, or the
  relying party with the holder's signed authorization.

Issuer: carol. Attackers: dave, eve. Every attack of docs/protocol.md is refused with its own
reason code. Rejected transactions are sent with a fixed gas limit so they land in a block: each
is shown to fail on chain, with its gas, and to have recorded nothing.
"""
from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner
from cosmpy.aerial.wallet import LocalWallet
from cosmpy.crypto.keypairs import PrivateKey
from g16_badpoints import g2_not_in_subgroup
from py_ecc.optimized_bn128 import FQ, FQ2, curve_order, is_inf, is_on_curve, multiply, normalize
from py_ecc.optimized_bn128 import b2 as B2_TWIST

from zkvct.chain.client import ContractError
from zkvct.chain.contracts import VerifierContract, did_of
from zkvct.chain.localnet import DENOM, repo_root
from zkvct.chain.messages import load_json

from age_v2 import age_roles
from zkvct.cli.main import main as cli

pytestmark = [pytest.mark.chain, pytest.mark.wasm]

FIX = repo_root() / "verifier_contract" / "fixtures"
Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583
R = curve_order
REJECT_GAS = 3_000_000
GAS: dict[str, int] = {}


def fx(*parts):
    return load_json(FIX.joinpath(*parts))


# -- proof surgery (py_ecc; a handful of points, not a hot path) --------------------------------

def g1(p):
    return (FQ(int(p[0])), FQ(int(p[1])), FQ(1))


def g2(p):
    return (FQ2([int(p[0][0]), int(p[0][1])]), FQ2([int(p[1][0]), int(p[1][1])]), FQ2([1, 0]))


def g1_json(pt):
    x, y = normalize(pt)
    return [str(x.n), str(y.n), "1"]


def g2_json(pt):
    x, y = normalize(pt)
    return [[str(x.coeffs[0]), str(x.coeffs[1])], [str(y.coeffs[0]), str(y.coeffs[1])], ["1", "0"]]


def g2_outside_subgroup():
    """A point on the twist curve y^2 = x^3 + b2 whose order is not r (computed, then checked)."""
    pt = g2_not_in_subgroup(1, start=3)[0].to_py_ecc()
    assert is_on_curve(pt, B2_TWIST) and not is_inf(multiply(pt, R))
    return pt


def tampered(kind: str, proof: dict, public: list[str]) -> tuple[dict, list[str]]:
    proof, public = json.loads(json.dumps(proof)), list(public)
    if kind == "a_off_curve":
        proof["pi_a"][1] = str((int(proof["pi_a"][1]) + 1) % Q)
    elif kind == "a_coordinate_ge_q":
        proof["pi_a"][0] = str(int(proof["pi_a"][0]) + Q)
    elif kind == "a_infinity":
        proof["pi_a"] = ["0", "1", "0"]
    elif kind == "b_solidity_order":
        proof["pi_b"] = [list(reversed(proof["pi_b"][0])), list(reversed(proof["pi_b"][1])), ["1", "0"]]
    elif kind == "b_outside_subgroup":
        proof["pi_b"] = g2_json(g2_outside_subgroup())
    elif kind == "c_negated":
        x, y = int(proof["pi_c"][0]), int(proof["pi_c"][1])
        proof["pi_c"] = [str(x), str(Q - y), "1"]
    elif kind == "input_plus_r":
        public[0] = str(int(public[0]) + R)
    elif kind == "input_plus_one":
        public[0] = str(int(public[0]) + 1)
    elif kind == "extra_input":
        public.append("1")
    elif kind == "other_circuits_proof":
        proof = fx("age_bound", "proof_1.json")
    else:
        raise AssertionError(kind)
    return proof, public


def rerandomized(proof: dict) -> dict:
    """Groth16 malleability: (A/t, t*B, C) verifies like (A, B, C) for any t != 0."""
    t = 987654321123456789
    out = json.loads(json.dumps(proof))
    out["pi_a"] = g1_json(multiply(g1(proof["pi_a"]), pow(t, R - 2, R)))
    out["pi_b"] = g2_json(multiply(g2(proof["pi_b"]), t))
    return out


# -- fixtures ----------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def gas_report():
    """Print the gas figures gathered by this module (and save them to $ZKVCT_GAS_REPORT)."""
    yield
    print("\nzkVCT gas used:", json.dumps(GAS, indent=1, sort_keys=True))
    path = os.environ.get("ZKVCT_GAS_REPORT")
    if path:
        with open(path, "w") as fh:
            json.dump(GAS, fh, indent=1, sort_keys=True)


@pytest.fixture(scope="module")
def deployed(chain, registry, wallets, verifier_wasm, age_prover):
    from zkvct.chain.messages import VerifierInstantiate

    alice, carol = wallets["alice"], wallets["carol"]
    code_id, stored = chain.store(verifier_wasm, alice)
    init = VerifierInstantiate(registry=registry["address"], root_window_secs=3600)
    address, inst = chain.instantiate(code_id, init, alice, "zkvct verifier (tests)")
    GAS.update(store_verifier=stored.gas_used, instantiate_verifier=inst.gas_used,
               store_registry=registry["store_gas"], instantiate_registry=registry["instantiate_gas"])
    ver = VerifierContract(chain, address)
    r = ver.register_statement(alice, "age-anon", did_of(alice), age_prover.vk("anon"), age_roles(18, False),
                               trusted_issuers=[did_of(carol)], description="age >= 18, unlinkable")
    GAS["register_statement_6"] = r.gas_used
    r = ver.register_statement(alice, "age-bound", did_of(alice), age_prover.vk("bound"), age_roles(18, True),
                               trusted_issuers=[did_of(carol)], record_validity_secs=86_400)
    GAS["register_statement_7"] = r.gas_used
    return {"ver": ver, "code_id": code_id}


@pytest.fixture(scope="module")
def today(chain):
    from datetime import timezone

    return chain.rpc.block_time(chain.rpc.latest_height()).astimezone(timezone.utc).date()


@pytest.fixture(scope="module")
def party(wallets):
    """DIDs of the roles: relying party alice, holder bob, issuer carol."""
    return {"rp": did_of(wallets["alice"]), "holder": did_of(wallets["bob"]), "issuer": did_of(wallets["carol"])}


@pytest.fixture(scope="module")
def make(age_prover, party, today, deployed, wallets):
    """make(mode, serial, **kw) -> (Proved, VerifyRequest) for the statement of that mode, its root
    anchored by the issuer."""
    anchored = set()

    def _make(mode: str, serial: int, anchor: bool = True, **kw):
        statement = "age-bound" if mode == "bound" else "age-anon"
        p = age_prover.prove(mode, rp_did=party["rp"], statement_id=statement, holder_did=party["holder"],
                             today=today, serial=serial, **kw)
        if anchor and p.root not in anchored:
            deployed["ver"].anchor_root(wallets["carol"], party["issuer"], p.root)
            anchored.add(p.root)
        holder = party["holder"] if mode == "bound" else None
        return p, p.verify_request(statement, party["issuer"], party["rp"], holder)

    return _make


@pytest.fixture(scope="module")
def control(make):
    """One valid unlinkable proof the bad-proof cases are made from (never submitted as is)."""
    return make("anon", 100)


@pytest.fixture(scope="module")
def cli_env(localnet, deployed):
    info = localnet.info
    return ["--grpc", info.grpc_url, "--rpc", info.rpc_url, "--chain-id", info.chain_id,
            "--verifier", deployed["ver"].address]


def _nullifier_used(ver, req):
    try:
        return ver.nullifier(req.statement_id, req.public_inputs[4], scope=req.public_inputs[3]).used
    except (ContractError, IndexError):  # inputs not canonical / too few: nothing to look up
        return None


def refused(ver, sender, req, code, label=None):
    """The verification lands in a block, fails with ``code``, and records nothing."""
    before = _nullifier_used(ver, req)
    with pytest.raises(ContractError) as info:
        ver.verify(sender, req, gas_limit=REJECT_GAS)
    err = info.value
    assert err.code == code, err.reason
    assert err.tx_hash and err.height and err.gas_used
    if label:
        GAS[f"rejected_{label}"] = err.gas_used
    assert _nullifier_used(ver, req) == before
    return err


# -- tests -------------------------------------------------------------------------------------

def test_statements_registered_and_keys_readable(deployed, age_prover):
    ver = deployed["ver"]
    st = ver.statement("age-anon")
    assert st["n_public"] == 6 and st["version"] == 1 and st["trusted_issuers"]
    assert ver.statement("age-bound")["n_public"] == 7
    vk = ver.verification_key("age-bound")
    assert vk.version == 1 and vk.verification_key == age_prover.vk("bound")


def test_register_refuses_wrong_roles_and_strangers(deployed, wallets, age_prover):
    ver, alice = deployed["ver"], wallets["alice"]
    with pytest.raises(ContractError) as info:
        ver.register_statement(wallets["bob"], "stolen", did_of(alice), age_prover.vk("anon"), age_roles(18, False),
                               trusted_issuers=[did_of(wallets["carol"])])
    assert info.value.code == "sender_not_authorized"
    no_challenge = age_roles(18, False)[:5] + [{"param": {"value": "1"}}]
    with pytest.raises(ContractError) as info:
        ver.register_statement(alice, "x", did_of(alice), age_prover.vk("anon"), no_challenge,
                               trusted_issuers=[did_of(wallets["carol"])])
    assert info.value.code == "roles_invalid"


@pytest.mark.parametrize("kind, code", [
    ("a_off_curve", "proof_malformed"),
    ("a_coordinate_ge_q", "proof_malformed"),
    ("a_infinity", "proof_malformed"),
    ("b_solidity_order", "proof_malformed"),
    ("b_outside_subgroup", "proof_malformed"),
    ("c_negated", "proof_invalid"),
    ("input_plus_r", "input_not_canonical"),
    ("extra_input", "wrong_input_count"),
    ("other_circuits_proof", "proof_invalid"),
])
def test_bad_proofs_rejected_on_chain_and_nothing_recorded(deployed, wallets, chain, control, kind, code):
    ver, alice = deployed["ver"], wallets["alice"]
    p, req = control
    assert ver.dry_run(req, sender=str(alice.address())).valid  # control
    bad_proof, bad_public = tampered(kind, p.proof, p.public)
    err = refused(ver, alice, req.model_copy(update={"proof": bad_proof, "public_inputs": bad_public}), code,
                  label=kind)
    tx = chain.rpc.call("tx", hash="0x" + err.tx_hash)
    assert int(tx["tx_result"]["code"]) != 0
    assert not any(e["type"] == "wasm" for e in tx["tx_result"]["events"])  # no contract event survived


def test_unlinkable_proof_by_the_relying_party_and_its_gas(deployed, wallets, make):
    ver = deployed["ver"]
    p, req = make("anon", 1)
    refused(ver, wallets["bob"], req, "sender_not_authorized", "unlinkable_by_holder")
    ok = ver.verify(wallets["alice"], req)
    GAS["verify_6_inputs"] = ok.gas_used
    GAS["inclusion_ms_verify_6"] = int(ok.inclusion_s * 1000)
    assert ok.gas_used <= 300_000, f"a 6-input verification used {ok.gas_used} SDK gas (budget 300k)"
    assert ver.nullifier("age-anon", p.public[4], scope=p.public[3]).used
    assert ver.proof_used(ok.attribute("proof_hash")).used
    # the same bytes again, by anyone: proof_replayed; re-randomized bytes: nullifier_used
    refused(ver, wallets["alice"], req, "proof_replayed", "replay_6")
    fresh = rerandomized(p.proof)
    refused(ver, wallets["alice"], req.model_copy(update={"proof": fresh}), "nullifier_used", "rerandomized_6")


def test_rerandomized_proof_is_valid_for_a_fresh_nullifier(deployed, wallets, make):
    """Control for the replay test: re-randomisation keeps a proof valid (so only the nullifier
    stopped it above)."""
    p, req = make("anon", 2)
    res = deployed["ver"].dry_run(req.model_copy(update={"proof": rerandomized(p.proof)}),
                                  sender=str(wallets["alice"].address()))
    assert res.valid, res.reason


def test_holder_submits_through_the_cli_and_the_record_is_kept(deployed, cli_env, wallets, make, party, tmp_path):
    ver = deployed["ver"]
    p, req = make("bound", 10)
    proof_path, public_path = tmp_path / "proof.json", tmp_path / "public.json"
    proof_path.write_text(json.dumps(p.proof))
    public_path.write_text(json.dumps(p.public))
    args = ["verify", "--on-chain", "--statement-id", "age-bound", "--proof", str(proof_path), "--public",
            str(public_path), "--issuer-did", party["issuer"], "--relying-party-did", party["rp"],
            "--request-id", p.request.id, "--request-nonce", p.request.nonce, "--expires-at", str(p.request.expires_at),
            "--holder-did", party["holder"], "--from", "bob", "--json", *cli_env]
    dry = CliRunner().invoke(cli, args + ["--dry-run"])
    assert dry.exit_code == 0, dry.output
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    res = json.loads(out.stdout)
    GAS["verify_7_inputs"] = res["gas_used"]
    rec = ver.zkvct(party["holder"], "age-bound")
    assert rec.valid and rec.record.height == res["height"] and rec.record.issuer_did == party["issuer"]
    assert rec.record.relying_party_did == party["rp"]
    assert rec.record.valid_until == rec.record.verified_at + 86_400
    # the same proof again: the CLI exits 1 with the contract's reason and its code
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1, again.output
    assert json.loads(again.stdout)["reason"].startswith("proof_replayed: ")


def test_relying_party_submits_with_the_holders_authorization(deployed, wallets, make, party):
    from age_v2 import authorization_for_nonce

    ver, alice, bob = deployed["ver"], wallets["alice"], wallets["bob"]
    p, req = make("bound", 11)
    refused(ver, alice, req, "sender_not_authorized", "rp_without_authorization")
    nonce = ver.authorization_nonce(party["holder"])
    auth = ver.authorize(bob.signer(), req)
    assert auth.nonce == nonce
    # a forged authorization: eve signs for bob
    forged = ver.authorize(wallets["eve"].signer(), req)
    refused(ver, alice, req.model_copy(update={"holder_authorization": forged}), "authorization_invalid", "forged_auth")
    # bob's signature under bob's key name, but over another request
    other = ver.authorize(bob.signer(), req.model_copy(update={"request": req.request.model_copy(update={"id": "x"})}))
    refused(ver, alice, req.model_copy(update={"holder_authorization": other}), "authorization_invalid")
    # the right signature with a nonce that is not the current one
    ahead = authorization_for_nonce(ver.client, ver, bob.signer(), req, nonce + 1)
    refused(ver, alice, req.model_copy(update={"holder_authorization": ahead}), "authorization_nonce", "wrong_nonce")
    # eve holds a valid authorization but is not the relying party
    refused(ver, wallets["eve"], req.model_copy(update={"holder_authorization": auth}), "sender_not_authorized")
    ok = ver.verify(alice, req.model_copy(update={"holder_authorization": auth}))
    GAS["verify_7_inputs_with_authorization"] = ok.gas_used
    assert ver.authorization_nonce(party["holder"]) == nonce + 1
    assert ver.zkvct(party["holder"], "age-bound").record.height == ok.height


def test_attacks_on_the_request_and_the_holder(deployed, wallets, make, party, age_prover, today):
    ver, alice, bob, dave = deployed["ver"], wallets["alice"], wallets["bob"], wallets["dave"]
    p, req = make("bound", 20)
    # a proof for another DID: dave names his own DID
    refused(ver, dave, req.model_copy(update={"holder_did": did_of(dave)}), "holder_did_mismatch", "other_did")
    # dave submits bob's proof as himself
    refused(ver, dave, req, "sender_not_authorized", "not_holder")
    # another relying party (dave) presents the proof made for alice's request as made for him
    refused(ver, bob, req.model_copy(update={"relying_party_did": did_of(dave)}), "scope_mismatch", "other_rp")
    # a challenge the prover chose: the request fields do not derive it
    chosen = req.request.model_copy(update={"nonce": "chosen"})
    refused(ver, bob, req.model_copy(update={"request": chosen}), "challenge_mismatch", "chosen_challenge")
    # an expired request (the proof is valid for it: the challenge matches)
    p_old, old = make("bound", 21, expires_at=int(p.request.expires_at) - 7200)
    refused(ver, bob, old, "request_expired", "expired_request")
    # a reused nullifier: the same credential proven again for a new request of the same RP
    ver.verify(bob, req)
    p_again, again = make("bound", 20)
    assert p_again.public[4] == p.public[4] and p_again.public[5] != p.public[5]
    refused(ver, bob, again, "nullifier_used", "reused_nullifier")


def test_roots_retire_and_credentials_revoke(deployed, wallets, make, party):
    ver, alice, bob, carol = deployed["ver"], wallets["alice"], wallets["bob"], wallets["carol"]
    # one root retired at once
    p, req = make("anon", 30)
    ver.retire_root(carol, party["issuer"], p.root)
    assert ver.issuer_root(party["issuer"], p.root).retired
    refused(ver, alice, req, "root_retired", "retired_root")
    # a revocation: a new root with retire_previous; every earlier root is refused at once
    p1, req1 = make("anon", 31)
    assert ver.dry_run(req1, sender=str(alice.address())).valid
    res = ver.anchor_root(carol, party["issuer"], "123456789", retire_previous=True)
    GAS["anchor_root_retire_previous"] = res.gas_used
    refused(ver, alice, req1, "root_retired", "retired_by_revocation")
    # a revoked credential record: accepted first, then reported not valid
    p2, req2 = make("bound", 32)
    ver.verify(bob, req2)
    assert ver.zkvct(party["holder"], "age-bound").valid
    with pytest.raises(ContractError) as info:
        ver.revoke_credential(wallets["eve"], party["issuer"], party["holder"])
    assert info.value.code == "sender_not_authorized"
    ver.revoke_credential(carol, party["issuer"], party["holder"])
    z = ver.zkvct(party["holder"], "age-bound")
    assert not z.valid and z.reason == "credential_revoked"
