"""Helpers shared by the issuer and wallet tests (plain functions, no fixtures)."""
from __future__ import annotations

import secrets
import time
from pathlib import Path

from zkvct.did import jws
from zkvct.services.issuer.config import init_home
from zkvct.services.issuer.registry import POP_TYP

DEPTH = 4
PASSPHRASE = "correct horse battery staple"
FAST_SCRYPT = {"n": 1 << 12, "r": 8, "p": 1}  # tests only: the store's cost is recorded in it


def make_home(path: Path, depth: int = DEPTH, **kw):
    init_home(path, PASSPHRASE, depth=depth, epoch_s=kw.pop("epoch_s", 3600), **kw)
    return path


def pop(key, offer_id: str, aud: str, *, did: str | None = None, holder_commit: int = 12345, now: int | None = None,
        lifetime: int = 120, nonce: str | None = None, **over) -> str:
    """A proof of possession signed by ``key`` (for ``did``, default the key's own DID)."""
    now = int(time.time()) if now is None else now
    did = did or jws.did_of(key)
    claims = {"offer_id": offer_id, "holder_did": did, "holder_commit": str(holder_commit),
              "nonce": nonce or secrets.token_urlsafe(16), "aud": aud, "iat": now, "exp": now + lifetime}
    claims.update(over)
    return jws.sign(claims, key, did, POP_TYP)
