"""Two ``zkvct issuer serve`` processes on one real PostgreSQL database: holders redeem through
either replica, serials never collide, both serve the same tree, and a killed replica loses nothing."""
from __future__ import annotations

import threading

import httpx

from issuer_fixtures import admin_offer, start_issuer
from issuer_helpers import FAST_SCRYPT, PASSPHRASE, make_home
from zkvct.wallet import Wallet


def test_two_replicas_share_one_registry(services, tmp_path, pg_url):
    home = make_home(tmp_path / "issuer", db_url=pg_url)
    a = start_issuer(services, home, name="replica-a")
    b = start_issuer(services, home, name="replica-b")
    for svc in (a, b):
        svc.admin = {"Authorization": "Bearer " + (home / "admin_token").read_text().strip()}
    wallets = [Wallet.create(tmp_path / f"w{i}.db", PASSPHRASE, scrypt=FAST_SCRYPT) for i in range(6)]
    offers = [admin_offer(a if i % 2 else b) for i in range(6)]
    serials, errors = [], []

    def redeem(i):
        try:
            serials.append(wallets[i].accept_offer((a, b)[i % 2].url, offers[i])["serial"])
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=redeem, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(serials) == list(range(6))
    ra, rb = (httpx.get(s.url + "/v1/registry", timeout=30).json() for s in (a, b))
    assert ra["root"] == rb["root"] and ra["issued"] == rb["issued"] == 6
    services.kill("replica-a")
    assert wallets[0].sync(issuer_url=b.url)["synced"][0]["root"] == rb["root"]
