"""The issuer's home directory: configuration, sealed did:shr key, admin token.

Layout (all files 0600, the directory 0700)::

    issuer.json         {"did", "db_url", "depth", "public_url", "epoch_s", "chain": {...} | null}
    issuer_key.sealed   the did:shr private key, AES-256-GCM under scrypt(passphrase)
    admin_token         bearer token of the /admin endpoints

The key is unsealed into memory at start-up only; the passphrase comes from an environment
variable or a file (never argv, never logged).
"""
from __future__ import annotations

import json
import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from ...did import jws
from ...errors import ZkvctError
from ...sealed import read_sealed, write_sealed
from .limits import MAX_DEPTH, MIN_DEPTH

CONFIG_FILE = "issuer.json"
KEY_FILE = "issuer_key.sealed"
TOKEN_FILE = "admin_token"
KEY_PURPOSE = "zkvct/issuer-key/v1"
PASSPHRASE_ENV = "ZKVCT_ISSUER_PASSPHRASE"


@dataclass
class ChainSettings:
    """Where the issuer anchors: a ``zkvct chain up`` home, or explicit endpoints + addresses."""

    home: str | None = None
    grpc_url: str | None = None
    rpc_url: str | None = None
    chain_id: str | None = None
    verifier: str | None = None
    registry: str | None = None


@dataclass
class IssuerConfig:
    did: str
    db_url: str
    depth: int = 20
    public_url: str | None = None
    epoch_s: float = 60.0
    chain: ChainSettings | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, home: Path) -> None:
        _write_private(home / CONFIG_FILE, json.dumps(asdict(self), indent=2).encode(), replace=True)

    @classmethod
    def load(cls, home: Path) -> "IssuerConfig":
        path = home / CONFIG_FILE
        if not path.is_file():
            raise ZkvctError(f"{home} is not an issuer home (no {CONFIG_FILE}); run `zkvct issuer init` first")
        raw = json.loads(path.read_text())
        chain = raw.pop("chain", None)
        return cls(**raw, chain=ChainSettings(**chain) if chain else None)


def _write_private(path: Path, data: bytes, replace: bool = False) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if replace else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def init_home(home: Path, passphrase: str, *, db_url: str | None = None, depth: int = 20,
              public_url: str | None = None, epoch_s: float = 60.0, chain: ChainSettings | None = None,
              key: ec.EllipticCurvePrivateKey | None = None) -> IssuerConfig:
    """Create a new issuer home: a fresh (or given) did:shr key sealed under ``passphrase``."""
    home = Path(home)
    if isinstance(depth, bool) or not isinstance(depth, int) or not MIN_DEPTH <= depth <= MAX_DEPTH:
        raise ZkvctError(f"the registry depth must be an integer {MIN_DEPTH}..{MAX_DEPTH}, not {depth!r}")
    if (home / CONFIG_FILE).exists() or (home / KEY_FILE).exists():
        raise ZkvctError(f"{home} already holds an issuer; refusing to overwrite its key")
    home.mkdir(parents=True, exist_ok=True)
    os.chmod(home, 0o700)
    key = key or jws.new_private_key()
    write_sealed(home / KEY_FILE, jws.private_key_bytes(key), passphrase, purpose=KEY_PURPOSE)
    _write_private(home / TOKEN_FILE, secrets.token_urlsafe(32).encode())
    cfg = IssuerConfig(did=jws.did_of(key), db_url=db_url or f"sqlite:///{(home / 'issuer.db').resolve()}", depth=depth,
                       public_url=public_url, epoch_s=epoch_s, chain=chain)
    cfg.save(home)
    return cfg


def load_key(home: Path, passphrase: str, cfg: IssuerConfig) -> ec.EllipticCurvePrivateKey:
    key = jws.private_key_from_bytes(read_sealed(Path(home) / KEY_FILE, passphrase, purpose=KEY_PURPOSE))
    if jws.did_of(key) != cfg.did:
        raise ZkvctError(f"the sealed key is for {jws.did_of(key)}, but {CONFIG_FILE} names {cfg.did}")
    return key


def admin_token(home: Path) -> str:
    path = Path(home) / TOKEN_FILE
    if path.stat().st_mode & 0o077:
        raise ZkvctError(f"{path} is readable by others; chmod 600 it")
    return path.read_text().strip()
