"""The issuer against a real local wasmd chain: roots anchored by the issuer's did:shr
controller through the durable outbox, and a SIGKILL in the middle of anchoring that neither loses
the root nor anchors it twice."""
from __future__ import annotations

import os
import time
from pathlib import Path

import httpx
import pytest

from issuer_fixtures import admin_offer, start_issuer
from issuer_helpers import FAST_SCRYPT, PASSPHRASE, make_home
from zkvct.services.issuer.config import ChainSettings, IssuerConfig
from zkvct.wallet import Wallet

pytestmark = [pytest.mark.chain, pytest.mark.wasm, pytest.mark.slow]

from zkvct.chain.localnet import repo_root  # noqa: E402

ARTIFACTS = Path(os.environ.get("ZKVCT_WASM_DIR") or repo_root() / "verifier_contract" / "artifacts")


@pytest.fixture(scope="module")
def chain_home(tmp_path_factory):
    from zkvct.chain.client import ChainClient
    from zkvct.chain.deployment import deploy
    from zkvct.chain.keys import localnet_wallet
    from zkvct.chain.localnet import Localnet, LocalnetError, find_wasmd

    if os.environ.get("ZKVCT_SKIP_WASMD") == "1":
        pytest.skip("ZKVCT_SKIP_WASMD=1: this machine does not run the chain tests")
    try:
        find_wasmd()
    except LocalnetError as exc:
        pytest.fail(str(exc))
    home = tmp_path_factory.mktemp("issuer-chain") / "node"
    net = Localnet(home=home, timeout_commit_ms=200)
    net.start()
    try:
        client = ChainClient.from_localnet(net.info)
        deploy(client, localnet_wallet("alice"), registry_wasm=ARTIFACTS / "cw1056.wasm",
               verifier_wasm=ARTIFACTS / "zkvct_verifier.wasm").save(home)
        yield {"home": home, "client": client, "info": net.info}
    finally:
        net.stop()


def fund(client, address: str) -> None:
    from cosmpy.crypto.address import Address

    from zkvct.chain.keys import localnet_wallet

    client.ledger.send_tokens(Address(address), 10_000_000, client.network.fee_denomination,
                              localnet_wallet("bob")).wait_to_complete()


def anchors_of(client, root: str) -> int:
    return len(client.rpc.tx_search(f"wasm.action='anchor_root' AND wasm.root='{root}'"))


def test_anchor_survives_sigkill_and_happens_once(services, chain_home, tmp_path):
    from zkvct.did.identifier import parse_did

    home = make_home(tmp_path / "issuer", chain=ChainSettings(home=str(chain_home["home"])))
    cfg = IssuerConfig.load(home)
    fund(chain_home["client"], parse_did(cfg.did).address)
    svc = start_issuer(services, home)
    admin = {"Authorization": "Bearer " + (home / "admin_token").read_text().strip()}
    wallet = Wallet.create(tmp_path / "w.db", PASSPHRASE, scrypt=FAST_SCRYPT)
    svc.admin = admin
    wallet.accept_offer(svc.url, admin_offer(svc))  # the holder's DID is checked through the chain resolver
    root = httpx.get(svc.url + "/v1/registry", timeout=30).json()["root"]
    # close the epoch and kill the issuer while it is anchoring: the root is queued (committed) first
    try:
        httpx.post(svc.url + "/admin/epoch", headers=admin, timeout=0.3)
    except httpx.TimeoutException:
        pass
    services.kill("issuer")
    svc = start_issuer(services, home, port=svc.port)
    deadline = time.monotonic() + 120
    while True:
        info = httpx.get(svc.url + "/v1/registry", timeout=30).json()
        if info["anchored_root"] == root and info["pending_chain_work"] == 0:
            break
        assert time.monotonic() < deadline, info
        httpx.post(svc.url + "/admin/epoch", headers=admin, timeout=120)
    assert anchors_of(chain_home["client"], root) == 1
    current = chain_home["client"].query(_verifier(chain_home), {"current_root": {"issuer_did": cfg.did}})
    assert current["root"] == root
    # a further epoch with the same root sends nothing
    httpx.post(svc.url + "/admin/epoch", headers=admin, timeout=120)
    assert anchors_of(chain_home["client"], root) == 1


def _verifier(chain_home) -> str:
    from zkvct.chain.deployment import Deployment

    return Deployment.load(chain_home["home"]).verifier


def test_revocation_retires_earlier_roots_at_once(services, chain_home, tmp_path):
    if b"retire_previous" not in (ARTIFACTS / "zkvct_verifier.wasm").read_bytes():
        pytest.skip("the deployed verifier predates protocol v2's AnchorRoot.retire_previous (set ZKVCT_WASM_DIR)")
    from zkvct.did.identifier import parse_did

    home = make_home(tmp_path / "issuer", chain=ChainSettings(home=str(chain_home["home"])))
    cfg = IssuerConfig.load(home)
    fund(chain_home["client"], parse_did(cfg.did).address)
    svc = start_issuer(services, home)
    svc.admin = {"Authorization": "Bearer " + (home / "admin_token").read_text().strip()}
    wallet = Wallet.create(tmp_path / "w.db", PASSPHRASE, scrypt=FAST_SCRYPT)
    first = wallet.accept_offer(svc.url, admin_offer(svc))
    wallet.accept_offer(svc.url, admin_offer(svc))
    old = httpx.post(svc.url + "/admin/epoch", headers=svc.admin, timeout=120).json()["root"]
    verifier, client = _verifier(chain_home), chain_home["client"]
    status = client.query(verifier, {"issuer_root": {"issuer_did": cfg.did, "root": old}})
    assert status["anchored"] and status["acceptable"]
    revoked = httpx.post(f"{svc.url}/admin/credentials/{first['serial']}/revoke", headers=svc.admin, timeout=60).json()
    deadline = time.monotonic() + 120
    while httpx.get(svc.url + "/v1/registry", timeout=30).json()["pending_chain_work"]:
        assert time.monotonic() < deadline
        httpx.post(svc.url + "/admin/epoch", headers=svc.admin, timeout=120)
    status = client.query(verifier, {"issuer_root": {"issuer_did": cfg.did, "root": old}})
    assert status["retired"] and not status["acceptable"]
    assert client.query(verifier, {"current_root": {"issuer_did": cfg.did}})["root"] == revoked["root"]
    # the revoked holder's path no longer exists: its leaf is zero in the public registry
    with pytest.raises(Exception, match="revoked"):
        wallet.sync(first["id"])
