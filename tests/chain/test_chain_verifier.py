"""The zkVCT verifier on the real chain, with snarkjs proofs (verifier_contract/fixtures).

Statements:
* ``one``  - fixtures/one_input (1 public input, role nullifier): proofs 7 and 8.
* ``age6`` - fixtures/age6 (6 public inputs). The fixture's dates were fixed when it was made, and
  the chain's clock moves on, so the two date inputs are registered as fixed ``param`` roles here
  (the date roles are the contract's own unit tests' business); the other four keep their real
  roles: issuer_root (anchored by a trusted issuer), scope, nullifier, holder_did_hash (the sender
  must control the holder DID). The pairing work, hence the gas, is that of any 6-input statement.

Rejected transactions are sent with a fixed gas limit so they land in a block: each is shown to
fail on chain, with its gas, and to have recorded nothing.
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
from zkvct.chain.messages import VerifyRequest, load_json, role
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
        proof = fx("age6", "proof_1.json")
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
def meta():
    return fx("age6", "meta.json")


@pytest.fixture(scope="module")
def deployed(chain, registry, wallets, meta, verifier_wasm):
    from zkvct.chain.messages import VerifierInstantiate

    alice = wallets["alice"]
    code_id, stored = chain.store(verifier_wasm, alice)
    init = VerifierInstantiate(registry=registry["address"], root_window_secs=3600)
    address, inst = chain.instantiate(code_id, init, alice, "zkvct verifier (tests)")
    GAS.update(store_verifier=stored.gas_used, instantiate_verifier=inst.gas_used,
               store_registry=registry["store_gas"], instantiate_registry=registry["instantiate_gas"])
    ver = VerifierContract(chain, address)
    holder = LocalWallet(PrivateKey(bytes.fromhex(meta["holder"]["sk"])), prefix="shareledger")
    assert did_of(holder) == meta["holder_did"]
    chain.ledger.send_tokens(holder.address(), 10**9, DENOM, alice).wait_to_complete(poll_period=0.05)
    r = ver.register_statement(alice, "one", did_of(alice), fx("one_input", "verification_key.json"),
                               [role("nullifier")], description="one public input")
    GAS["register_statement_1"] = r.gas_used
    roles = [role("issuer_root"), role("param", value=str(meta["cutoff_days"])),
             role("param", value=str(meta["today_days"])), role("scope"), role("nullifier"), role("holder_did_hash")]
    r = ver.register_statement(alice, "age6", did_of(alice), fx("age6", "verification_key.json"), roles,
                               trusted_issuers=[did_of(wallets["carol"])], record_validity_secs=86_400)
    GAS["register_statement_6"] = r.gas_used
    return {"ver": ver, "holder": holder, "code_id": code_id}


@pytest.fixture(scope="module")
def cli_env(localnet, deployed):
    info = localnet.info
    return ["--grpc", info.grpc_url, "--rpc", info.rpc_url, "--chain-id", info.chain_id,
            "--verifier", deployed["ver"].address]


def request(statement, proof, public, **kw):
    return VerifyRequest(statement_id=statement, proof=proof, public_inputs=public, **kw)


# -- tests -------------------------------------------------------------------------------------

def test_statement_registered(deployed):
    st = deployed["ver"].statement("age6")
    assert st["n_public"] == 6 and st["version"] == 1 and st["trusted_issuers"]
    assert deployed["ver"].statement("one")["n_public"] == 1


def test_register_needs_controller_of_owner_did(deployed, wallets):
    with pytest.raises(ContractError, match="unauthorized"):
        deployed["ver"].register_statement(wallets["bob"], "stolen", did_of(wallets["alice"]),
                                           fx("one_input", "verification_key.json"), [role("nullifier")])


@pytest.mark.parametrize("kind, reason", [
    ("a_off_curve", "malformed proof"),
    ("a_coordinate_ge_q", "malformed proof"),
    ("a_infinity", "malformed proof"),
    ("b_solidity_order", "malformed proof"),
    ("b_outside_subgroup", "malformed proof"),
    ("c_negated", "does not verify"),
    ("input_plus_r", "non-canonical"),
    ("input_plus_one", "does not verify"),
    ("extra_input", "wrong number of public inputs"),
    ("other_circuits_proof", "does not verify"),
])
def test_bad_proofs_rejected_on_chain_and_nothing_recorded(deployed, wallets, chain, kind, reason):
    ver = deployed["ver"]
    proof, public = fx("one_input", "proof_8.json"), fx("one_input", "public_8.json")
    assert ver.dry_run(request("one", proof, public), sender=str(wallets["dave"].address())).valid  # control
    bad_proof, bad_public = tampered(kind, proof, public)
    with pytest.raises(ContractError, match=reason) as info:
        ver.verify(wallets["dave"], request("one", bad_proof, bad_public), gas_limit=REJECT_GAS)
    err = info.value
    assert err.tx_hash and err.height and err.gas_used  # it is on chain, failed
    tx = chain.rpc.call("tx", hash="0x" + err.tx_hash)
    assert int(tx["tx_result"]["code"]) != 0
    assert not any(e["type"] == "wasm" for e in tx["tx_result"]["events"])  # no contract event survived
    assert not ver.nullifier("one", public[0]).used
    if kind == "input_plus_one":
        assert not ver.nullifier("one", bad_public[0]).used
    GAS[f"rejected_{kind}"] = err.gas_used


def test_one_input_accepted_via_cli_then_replays_rejected(deployed, cli_env, wallets, chain):
    ver = deployed["ver"]
    proof_path, public_path = FIX / "one_input" / "proof_7.json", FIX / "one_input" / "public_7.json"
    args = ["verify", "--on-chain", "--statement-id", "one", "--proof", str(proof_path), "--public", str(public_path),
            "--from", "dave", "--json", *cli_env]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    res = json.loads(out.stdout)
    assert res["accepted"] is True
    GAS["verify_1_input"] = res["gas_used"]
    GAS["inclusion_ms_verify_1"] = int(res["inclusion_s"] * 1000)
    nf = fx("one_input", "public_7.json")[0]
    used = ver.nullifier("one", nf)
    assert used.used and used.height == res["height"]
    # the same proof again: rejected by the CLI with the contract's reason, exit code 1
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 1, out.output
    assert "already used" in out.output
    # a re-randomised proof is a different byte string but the same nullifier: still rejected
    fresh = rerandomized(fx("one_input", "proof_7.json"))
    assert fresh["pi_a"] != fx("one_input", "proof_7.json")["pi_a"]
    assert ver.dry_run(request("one", fresh, [nf]), sender=str(wallets["eve"].address())).reason
    with pytest.raises(ContractError, match="already used") as info:
        ver.verify(wallets["eve"], request("one", fresh, [nf]), gas_limit=REJECT_GAS)
    GAS["rejected_replay_1_input"] = info.value.gas_used


def test_rerandomized_proof_is_valid_for_a_fresh_nullifier(deployed, wallets):
    """Control for the replay test: re-randomisation keeps a proof valid (so only the nullifier
    stopped it above)."""
    fresh = rerandomized(fx("one_input", "proof_8.json"))
    res = deployed["ver"].dry_run(request("one", fresh, fx("one_input", "public_8.json")),
                                  sender=str(wallets["eve"].address()))
    assert res.valid, res.reason


def test_six_inputs_roots_holder_and_records(deployed, cli_env, wallets, meta):
    ver, holder = deployed["ver"], deployed["holder"]
    carol, bob = wallets["carol"], wallets["bob"]
    p1, pub1 = fx("age6", "proof_1.json"), fx("age6", "public_1.json")
    p2, pub2 = fx("age6", "proof_2.json"), fx("age6", "public_2.json")
    issuer = did_of(carol)
    ask = dict(issuer_did=issuer, holder_did=meta["holder_did"])

    # root 1 anchored through the CLI by the trusted issuer (carol)
    out = CliRunner().invoke(cli, ["issuer", "anchor-root", "--issuer-did", issuer, "--root", pub1[0], "--from", "carol",
                                   "--json", *cli_env])
    assert out.exit_code == 0, out.output
    GAS["anchor_root"] = json.loads(out.stdout)["gas_used"]

    ok = ver.verify(holder, request("age6", p1, pub1, **ask))
    GAS["verify_6_inputs"] = ok.gas_used
    GAS["inclusion_ms_verify_6"] = int(ok.inclusion_s * 1000)
    assert ok.attribute("nullifier") == pub1[4]
    rec = ver.zkvct(meta["holder_did"], "age6")
    assert rec.valid and rec.record.height == ok.height and rec.record.issuer_did == issuer
    assert rec.record.valid_until == rec.record.verified_at + 86_400
    assert ver.nullifier("age6", pub1[4], scope=pub1[3]).used

    def rejected(sender, req, why, label):
        with pytest.raises(ContractError, match=why) as info:
            ver.verify(sender, req, gas_limit=REJECT_GAS)
        GAS[f"rejected_{label}"] = info.value.gas_used
        assert not ver.nullifier("age6", pub2[4], scope=pub2[3]).used

    # proof 2 claims a root nobody anchored yet
    rejected(holder, request("age6", p2, pub2, **ask), "never anchored", "unknown_root_6")
    # an untrusted issuer (bob) anchors that root for himself: still not accepted for this statement
    ver.anchor_root(bob, did_of(bob), pub2[0])
    rejected(holder, request("age6", p2, pub2, issuer_did=did_of(bob), holder_did=meta["holder_did"]),
             "not trusted", "untrusted_issuer_6")
    # the trusted issuer anchors it; a sender who does not control the holder DID is refused
    ver.anchor_root(carol, issuer, pub2[0])
    rejected(wallets["dave"], request("age6", p2, pub2, **ask), "unauthorized", "not_holder_6")
    # a holder DID the sender does control, but whose hash is not the proof's input
    rejected(wallets["dave"], request("age6", p2, pub2, issuer_did=issuer, holder_did=did_of(wallets["dave"])),
             "holder_did_hash = .* is not the hash of", "wrong_holder_did_6")
    # root 1 was replaced by root 2 but is still within the window: proof 1's replay fails on the nullifier
    rejected(holder, request("age6", p1, pub1, **ask), "already used", "replay_6")
    # everything in order: accepted
    ok2 = ver.verify(holder, request("age6", p2, pub2, **ask))
    assert ver.nullifier("age6", pub2[4], scope=pub2[3]).used
    assert ok2.height > ok.height
