"""Issuer fixtures (imported by tests/issuer and tests/wallet conftests): an issuer home (depth-4
registry, so dev-setup keys stay small) and the issuer as its own process (``zkvct issuer serve``)
on a free 127.0.0.1 port."""
from __future__ import annotations

import httpx
import pytest

from issuer_helpers import PASSPHRASE, make_home
from zkvct.demo.procs import Services, zkvct_command


@pytest.fixture
def issuer_home(tmp_path):
    return make_home(tmp_path / "issuer")


@pytest.fixture
def services(tmp_path):
    with Services(tmp_path / "logs", env={"ZKVCT_ISSUER_PASSPHRASE": PASSPHRASE}) as svcs:
        yield svcs


def start_issuer(services, home, name="issuer", port=None):
    return services.start(name, zkvct_command("issuer", "serve", "--home", str(home), "--port", "{port}",
                                              "--burst", "200", "--rate", "100"), port=port, timeout=120)


@pytest.fixture
def issuer_proc(services, issuer_home):
    svc = start_issuer(services, issuer_home)
    svc.home = issuer_home
    svc.admin = {"Authorization": "Bearer " + (issuer_home / "admin_token").read_text().strip()}
    return svc


def admin_offer(svc, **subject):
    body = {"subject": {"dob": "1990-05-17", "country": "SG", "expiry": "2030-01-01", **subject}}
    resp = httpx.post(svc.url + "/admin/offers", json=body, headers=svc.admin, timeout=60)
    assert resp.status_code == 200, resp.text
    return resp.json()["offer_id"]
