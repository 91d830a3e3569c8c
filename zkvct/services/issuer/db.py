"""The issuer's tables (SQLAlchemy Core; SQLite by default, PostgreSQL for several replicas).

Every state change of the issuer is one :func:`write_tx` transaction over these tables (the
write lock taken up front: ``BEGIN IMMEDIATE`` in SQLite, an advisory lock in PostgreSQL, so
replicas apply changes one at a time): serial allocation, the tree update, the credential row and
the outbox rows of a revocation commit together or not at all.
"""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.schema import Table

#: a field element in decimal (< 2^254: at most 77 digits)
FIELD = String(80)

metadata = MetaData()

meta = Table(
    "issuer_meta", metadata,
    Column("name", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

offers = Table(
    "issuer_offers", metadata,
    Column("id", String(64), primary_key=True),
    Column("subject", Text, nullable=False),  # JSON: dob, country, accredited_until, expiry (ISO dates)
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("redeemed_at", BigInteger),
    Column("serial", BigInteger),
)

credentials = Table(
    "issuer_credentials", metadata,
    Column("serial", BigInteger, primary_key=True, autoincrement=False),
    Column("offer_id", String(64), nullable=False, unique=True),
    Column("holder_did", String(200), nullable=False, index=True),
    Column("holder_commit", FIELD, nullable=False),
    Column("leaf", FIELD, nullable=False),
    Column("vc_id", String(80), nullable=False, unique=True),
    Column("vc_jws", Text, nullable=False),
    Column("issued_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger),
)

#: the registry tree: only nodes that differ from the empty subtree's hash are stored
nodes = Table(
    "issuer_tree_nodes", metadata,
    Column("level", Integer, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", FIELD, nullable=False),
)

#: proof-of-possession nonces already seen (single use), kept until the proof's exp has passed
pop_nonces = Table(
    "issuer_pop_nonces", metadata,
    Column("nonce", String(128), primary_key=True),
    Column("exp", BigInteger, nullable=False),
)

#: durable chain work: a row is written in the transaction that makes the work necessary and
#: marked done only after the chain has it (anchor_root, revoke_credential)
outbox = Table(
    "issuer_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("root", FIELD),
    Column("retire_previous", Boolean, nullable=False, default=False),
    Column("holder_did", String(200)),
    Column("created_at", BigInteger, nullable=False),
    Column("done_at", BigInteger),
    Column("tx_hash", String(80)),
    Column("height", BigInteger),
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text),
)


from ...web.db import make_engine, read_tx, write_tx  # noqa: F401  (the project's engine and transactions)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)
