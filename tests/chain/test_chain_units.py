"""Pure parts of zkvct.chain (no node): config editing, message shapes, signer selection, errors."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from zkvct.chain import messages as m
from zkvct.chain.client import ContractError, contract_reason
from zkvct.chain.deployment import wallet_from
from zkvct.chain.keys import localnet_mnemonic, localnet_wallet
from zkvct.chain.localnet import LocalnetError, set_toml_values
from zkvct.errors import ZkvctError


def test_set_toml_values_by_section(tmp_path):
    p = tmp_path / "c.toml"
    p.write_text('moniker = "x"\n[rpc]\nladdr = "tcp://0.0.0.0:1"\n[p2p]\nladdr = "tcp://0.0.0.0:2"\n')
    set_toml_values(p, {("rpc", "laddr"): "tcp://127.0.0.1:5", ("", "moniker"): "y", ("p2p", "laddr"): "z"})
    assert p.read_text() == 'moniker = "y"\n[rpc]\nladdr = "tcp://127.0.0.1:5"\n[p2p]\nladdr = "z"\n'
    with pytest.raises(LocalnetError, match=r"\('api', 'enable'\)"):
        set_toml_values(p, {("api", "enable"): True})


def test_wire_shapes_follow_cw_serde():
    assert m.ChangeOwner(identity="ab", new_owner=None).to_wire() == {"change_owner": {"identity": "ab", "new_owner": None}}
    assert m.Changed(identity="ab").to_wire() == {"changed": {"identity": "ab"}}
    assert m.ConfigQuery().to_wire() == {"config": {}}
    roles = [m.role("issuer_root"), m.role("cutoff_days", years=18), m.role("param", value="7")]
    wire = m.RegisterStatement(statement_id="s", owner_did="d", verification_key={
        "protocol": "groth16", "curve": "bn128", "nPublic": 3, "vk_alpha_1": [], "vk_beta_2": [], "vk_gamma_2": [],
        "vk_delta_2": [], "IC": []}, roles=roles, trusted_issuers=[]).to_wire()["register_statement"]
    assert wire["roles"] == ["issuer_root", {"cutoff_days": {"years": 18}}, {"param": {"value": "7"}}]
    assert wire["verification_key"]["nPublic"] == 3 and "IC" in wire["verification_key"]
    req = m.VerifyRequest(statement_id="s", proof={"pi_a": ["1"], "pi_b": [["2"]], "pi_c": ["3"]}, public_inputs=["4"],
                          issuer_did="i", relying_party_did="r",
                          request=m.ProofRequest(id="q", nonce="n", expires_at=5))
    wire = m.Verify(request=req).to_wire()["verify"]
    assert wire["public_inputs"] == ["4"] and wire["request"] == {"id": "q", "nonce": "n", "expires_at": 5}
    assert wire["holder_did"] is None and wire["holder_authorization"] is None
    assert m.VerifyQuery(request=req, sender="me").to_wire()["verify"]["sender"] == "me"
    assert m.AnchorRoot(issuer_did="i", root="1", retire_previous=True).to_wire() == {
        "anchor_root": {"issuer_did": "i", "root": "1", "retire_previous": True}}


def test_message_models_reject_bad_shapes():
    with pytest.raises(ValidationError):
        m.AddDelegate(identity="a", delegate_type="veriKey", delegate="b", validity=-1)
    with pytest.raises(ValidationError):
        m.AddDelegate(identity="a", delegate_type="veriKey", delegate="b", validity=2**64)
    with pytest.raises(ValidationError):
        m.SnarkjsProof(pi_a=["1"], pi_b=[["1"]], pi_c=["1"], extra="x")
    with pytest.raises(ValueError, match="unknown input role 'age'"):
        m.role("age")


def test_contract_reason_extraction():
    raw = ("failed to execute message; message index: 0: nullifier_used: nullifier 5 was already used for "
           "statement \"one\" in this scope (height 42): execute wasm contract failed")
    reason = contract_reason(raw)
    assert reason == 'nullifier_used: nullifier 5 was already used for statement "one" in this scope (height 42)'
    assert ContractError(reason).code == "nullifier_used"
    sim = ("rpc error: failed to execute message; message index: 0: proof_invalid: the pairing check failed: "
           "execute wasm contract failed [CosmWasm/wasmd@v0.40.0/x/wasm/keeper/keeper.go:395] With gas wanted: "
           "'18446744073709551615' and gas used: '150000' : unknown request")
    assert contract_reason(sim) == "proof_invalid: the pairing check failed"
    assert ContractError(contract_reason(sim)).code == "proof_invalid"
    assert contract_reason("account sequence mismatch [x/auth/ante.go:1]") == "account sequence mismatch"
    query = 'codespace wasm code 9: query wasm contract failed: statement_unknown: unknown statement "age_gte" version None'
    assert contract_reason(query) == 'statement_unknown: unknown statement "age_gte" version None'
    assert ContractError(contract_reason(query)).code == "statement_unknown"


def test_signer_selection(monkeypatch):
    assert str(wallet_from("bob", None).address()) == str(localnet_wallet("bob").address())
    monkeypatch.setenv("ZK_MN", localnet_mnemonic("carol"))
    assert str(wallet_from(None, "ZK_MN").address()) == str(localnet_wallet("carol").address())
    monkeypatch.setenv("ZK_PK", "0x" + localnet_wallet("dave").signer().private_key_hex)
    assert str(wallet_from(None, None, "ZK_PK").address()) == str(localnet_wallet("dave").address())
    monkeypatch.setenv("ZK_BAD", "12ab")
    with pytest.raises(ZkvctError, match="64 hex digits"):
        wallet_from(None, None, "ZK_BAD")
    monkeypatch.setenv("ZK_BADMN", "not a mnemonic at all")
    with pytest.raises(ZkvctError, match="not valid") as info:
        wallet_from(None, "ZK_BADMN")
    assert "not a mnemonic" not in str(info.value)  # the secret is never echoed
    with pytest.raises(ZkvctError, match="either"):
        wallet_from(None, "ZK_MN", "ZK_PK")


def test_test_mnemonics_are_deterministic_and_distinct():
    assert localnet_mnemonic("alice") == localnet_mnemonic("alice")
    assert len(localnet_mnemonic("alice").split()) == 24
    assert len({localnet_mnemonic(n) for n in ("alice", "bob", "carol", "dave", "eve")}) == 5


def test_verify_cli_needs_the_request_and_authorize_needs_the_key_from_the_environment(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from zkvct.cli.main import main as cli

    proof, public = tmp_path / "proof.json", tmp_path / "public.json"
    proof.write_text('{"pi_a": [], "pi_b": [], "pi_c": []}')
    public.write_text('["1"]')
    base = ["--statement-id", "s", "--proof", str(proof), "--public", str(public), "--issuer-did", "did:shr:x"]
    # the relying party and the request are required: the contract derives scope and challenge from them
    out = CliRunner().invoke(cli, ["verify", "--on-chain", *base])
    assert out.exit_code == 2 and "--relying-party-did" in out.output
    monkeypatch.delenv("ZK_HOLDER_KEY", raising=False)
    out = CliRunner().invoke(cli, ["verify-authorize", *base, "--relying-party-did", "did:shr:y", "--request-id", "r",
                                   "--request-nonce", "n", "--expires-at", "5", "--holder-did", "did:shr:z",
                                   "--private-key-env", "ZK_HOLDER_KEY", "--out", str(tmp_path / "a.json")])
    assert out.exit_code == 2 and "ZK_HOLDER_KEY is not set" in out.output
    assert not (tmp_path / "a.json").exists()
