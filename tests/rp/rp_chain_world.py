"""The on-chain world the relying-party chain tests and benchmarks share: a real wasmd node
(Localnet), the contracts deployed, ``age_gte`` registered unlinkable (``with_did=False``, depth 7,
a dev-setup key: INSECURE, tests only), N credentials issued in one issuer tree whose root the
issuer anchored, and a funded relying-party key. Also the workflow document and the provers."""
from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from circuits.statements import get_statement
from circuits.statements.credential import Registry, sample_credential
from zkvct.chain.client import ChainClient
from zkvct.chain.contracts import VerifierContract, did_of
from zkvct.chain.deployment import deploy
from zkvct.chain.keys import localnet_wallet
from zkvct.chain.localnet import LocalnetError, find_wasmd
from zkvct.credentials.verify import registration_roles
from zkvct.did import jws
from zkvct.did.identifier import parse_did
from zkvct.dsl import compile_circuit
from zkvct.formats.zkey import read_zkey
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.prove import prove_with_key
from zkvct.groth16.setup import dev_setup
from zkvct.services.rp.requests import RelyingParty

from rp_helpers import today

DEPTH = 7
SEED = json.loads((Path(__file__).parent / "link_age_workflow.json").read_text())


def wasmd_or_skip() -> None:
    if os.environ.get("ZKVCT_SKIP_WASMD") == "1":
        pytest.skip("ZKVCT_SKIP_WASMD=1: this machine does not run the chain tests")
    try:
        find_wasmd()
    except LocalnetError as exc:
        pytest.fail(str(exc))


def onchain_world(tmp_path: Path, net, n: int, home: Path | None = None) -> dict:
    """On the running Localnet ``net``: deploy (recorded in ``home`` when given), register
    unlinkable age_gte (depth 7), issue ``n`` credentials, anchor the root, fund a fresh
    relying-party key. The tests here and benchmarks/bench_rp.py share it."""
    client = ChainClient.from_localnet(net.info)
    operator, issuer = localnet_wallet("alice"), localnet_wallet("carol")
    dep = deploy(client, operator)
    if home is not None:
        dep.save(home)
    contract = VerifierContract(client, dep.verifier)
    st = get_statement("age_gte", depth=DEPTH, with_did=False)
    cc = compile_circuit(st)
    zkey_path = tmp_path / "age_unlinkable.zkey"
    dev_setup(cc.r1cs, zkey_path)
    roles = [r.to_wire() for r in registration_roles(st)]
    contract.register_statement(operator, "age_gte", did_of(operator), export_verification_key(zkey_path).to_obj(),
                                roles, trusted_issuers=[did_of(issuer)], record_validity_secs=86_400)
    reg = Registry(DEPTH)
    creds = [sample_credential(holder_did_hash=i + 1, serial=i) for i in range(n)]
    for c in creds:
        reg.issue(c)
    contract.anchor_root(issuer, did_of(issuer), str(reg.root))
    key = jws.new_private_key()
    rp_did = jws.did_of(key)
    client.ledger.send_tokens(parse_did(rp_did).address, 10**12, "nshr", operator).wait_to_complete()
    return {"client": client, "contract": contract, "statement": st, "compiled": cc, "zkey": read_zkey(zkey_path),
            "registry": reg, "creds": creds, "rp": RelyingParty(rp_did, key), "key": key, "issuer": did_of(issuer)}


def workflow(hook_url: str, verification: str) -> dict:
    doc = copy.deepcopy(SEED)
    for node in doc["nodes"]:
        if node["id"] == "delivery_webhook-1":
            node["data"]["config"]["url"] = hook_url
        if node["id"] == "age_verification-1":
            node["data"]["config"]["verification"] = verification
    return doc


def prove_answers(world: dict, tokens: list[dict]) -> list[dict]:
    """One response body per request, each from its own credential (no holder DID: unlinkable)."""
    st, cc, zk, reg = world["statement"], world["compiled"], world["zkey"], world["registry"]
    bodies = []
    for cred, req in zip(world["creds"], tokens):
        data = st.statement_input(cred, reg, today=today(), scope=int(req["scope"]), challenge=int(req["challenge"]))
        res = prove_with_key(zk, cc.witness(data), self_check=False)
        bodies.append({"proof": res.proof.to_obj(), "public_inputs": [str(v) for v in res.publics.values],
                       "issuer_did": world["issuer"]})
    return bodies




def init_rp_home(rp_home: Path, world: dict, chain_home: Path, port: int, env: dict) -> tuple[dict, bytes]:
    """`zkvct rp init` of a relying-party home that trusts ``world``'s issuer on the chain at
    ``chain_home`` and will serve on ``port``, as a real process; returns the admin headers and
    the webhook secret it wrote (the chain-backed service tests all start this way)."""
    import subprocess

    from zkvct.demo.procs import zkvct_command

    init = subprocess.run(zkvct_command("rp", "init", "--home", str(rp_home), "--public-url",
                                        f"http://127.0.0.1:{port}", "--trusted-issuer", world["issuer"],
                                        "--chain-home", str(chain_home), "--json"),
                          env=env, capture_output=True, text=True, timeout=120)
    assert init.returncode == 0, init.stderr
    admin = {"authorization": "Bearer " + (rp_home / "admin.token").read_text().strip()}
    return admin, (rp_home / "webhook.secret").read_bytes().strip()
