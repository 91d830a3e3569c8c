"""Assemble and run the issuer from its home directory (what ``zkvct issuer serve`` does)."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ...did import jws
from ...errors import ZkvctError
from .app import build_app
from .config import ChainSettings, IssuerConfig, admin_token, load_key
from .db import make_engine
from ...did.keycheck import ResolverKeyCheck
from .outbox import Anchorer, VerifierSink
from .registry import Issuer

log = logging.getLogger("zkvct.issuer")


@dataclass
class ChainParts:
    client: Any
    verifier: str
    resolver: Any


def connect_chain(settings: ChainSettings) -> ChainParts:
    """The chain client, the verifier address and a did:shr resolver for ``settings``."""
    from ...chain.deployment import connect, resolve_addresses
    from ...did.resolver import ContractRegistry, Resolver

    client, home = connect(settings.home, settings.grpc_url, settings.rpc_url, settings.chain_id)
    registry, verifier = resolve_addresses(home, settings.registry, settings.verifier)
    if not verifier:
        raise ZkvctError("the issuer's chain settings name no verifier contract (deploy one or pass --verifier)")
    resolver = None
    if registry and client.rpc is not None:
        resolver = Resolver(ContractRegistry(client, registry), client.rpc)
    return ChainParts(client, verifier, resolver)


def chain_wallet(key: Any) -> Any:
    """The issuer's did:shr key as the chain account that controls its DID (cosmpy wallet)."""
    from cosmpy.aerial.wallet import LocalWallet
    from cosmpy.crypto.keypairs import PrivateKey

    from ...chain.keys import BECH32_PREFIX

    return LocalWallet(PrivateKey(jws.private_key_bytes(key)), prefix=BECH32_PREFIX)


def assemble(home: Path, passphrase: str, *, allowed_hosts: set[str] | None = None,
             rate: float = 5.0, burst: int = 20) -> tuple[Any, Issuer, Anchorer | None, IssuerConfig]:
    """(app, issuer, anchorer, config) for the issuer living in ``home``."""
    cfg = IssuerConfig.load(home)
    key = load_key(home, passphrase, cfg)
    engine = make_engine(cfg.db_url)
    chain = connect_chain(cfg.chain) if cfg.chain else None
    key_check = ResolverKeyCheck(chain.resolver) if chain and chain.resolver else jws.offline_key_check
    issuer = Issuer(engine, key, depth=cfg.depth, key_check=key_check, public_url=cfg.public_url)
    issuer.init_db()
    anchorer = Anchorer(engine, issuer.did, VerifierSink(chain.client, chain.verifier, chain_wallet(key))) if chain else None
    app = build_app(issuer, admin_token=admin_token(home), anchorer=anchorer, epoch_s=cfg.epoch_s,
                    rate=rate, burst=burst, allowed_hosts=allowed_hosts)
    return app, issuer, anchorer, cfg


def serve(home: Path, passphrase: str, *, host: str = "127.0.0.1", port: int = 0,
          ready: Callable[[tuple[str, int]], None] | None = None, **kw: Any) -> None:
    from ...web.serve import ServeSettings, run

    app, _issuer, _anchorer, _cfg = assemble(home, passphrase, **kw)
    run(app, ServeSettings(host=host, port=port), ready)
