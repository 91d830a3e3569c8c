"""The relying party's tables (SQLAlchemy Core; SQLite by default, PostgreSQL for replicas).

Uniqueness does the safety work, so two replicas on one database cannot both accept:

* ``responses.request_id`` is unique among accepted responses (a request is answered once);
* ``accepted_nullifiers (statement_id, scope, nullifier)`` and ``accepted_proofs.proof_hash`` are
  primary keys (one acceptance per credential, relying party and statement; no proof twice);
* an accepted response, its nullifier, its proof hash and its webhook delivery are written in one
  transaction, so an accepted result is never without its delivery.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

workflows = sa.Table(
    "workflows", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

requests = sa.Table(
    "requests", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("workflow_id", sa.String(64), sa.ForeignKey("workflows.id"), nullable=False, index=True),
    sa.Column("task_node", sa.String(128), nullable=False),
    sa.Column("statement_id", sa.String(128), nullable=False),
    sa.Column("nonce", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
    sa.Column("verification", sa.String(16), nullable=False),
    sa.Column("token", sa.Text, nullable=False),  # the signed request (compact JWS)
    # open -> submitting (on-chain, leased) -> answered; open on a refusal; expired is computed
    sa.Column("status", sa.String(16), nullable=False, index=True),
    sa.Column("lease_until", sa.Float, nullable=False, default=0.0),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    # while submitting on chain: the checked response and its verdict, so a crash loses nothing
    sa.Column("pending", sa.JSON),
    sa.Column("created_at", sa.Float, nullable=False),
)

responses = sa.Table(
    "responses", metadata,
    sa.Column("request_id", sa.String(64), sa.ForeignKey("requests.id"), primary_key=True),
    sa.Column("statement_id", sa.String(128), nullable=False),
    sa.Column("issuer_did", sa.String(200), nullable=False),
    sa.Column("holder_did", sa.String(200)),
    sa.Column("nullifier", sa.String(80), nullable=False),
    sa.Column("proof_hash", sa.String(64), nullable=False),
    sa.Column("tx_hash", sa.String(80)),
    sa.Column("delivery_id", sa.String(64)),
    sa.Column("answered_at", sa.Float, nullable=False),
)

refusals = sa.Table(
    "refusals", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("request_id", sa.String(64), nullable=False, index=True),
    sa.Column("reason", sa.String(64), nullable=False),
    sa.Column("detail", sa.String(512), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)

accepted_nullifiers = sa.Table(
    "accepted_nullifiers", metadata,
    sa.Column("statement_id", sa.String(128), primary_key=True),
    sa.Column("scope", sa.String(80), primary_key=True),
    sa.Column("nullifier", sa.String(80), primary_key=True),
    sa.Column("request_id", sa.String(64), nullable=False),
)

accepted_proofs = sa.Table(
    "accepted_proofs", metadata,
    sa.Column("proof_hash", sa.String(64), primary_key=True),
    sa.Column("request_id", sa.String(64), nullable=False),
)

deliveries = sa.Table(
    "deliveries", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("request_id", sa.String(64), nullable=False, index=True),
    sa.Column("url", sa.String(2048), nullable=False),
    sa.Column("body", sa.LargeBinary, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, index=True),  # pending | delivered | failed
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("next_attempt_at", sa.Float, nullable=False),
    sa.Column("lease_until", sa.Float, nullable=False, default=0.0),
    sa.Column("last_status", sa.Integer),
    sa.Column("last_error", sa.String(512)),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("delivered_at", sa.Float),
)


# one row per chain account: the replica that may submit with it now (see chain.SubmitLease)
submit_leases = sa.Table(
    "submit_leases", metadata,
    sa.Column("account", sa.String(80), primary_key=True),
    sa.Column("holder", sa.String(64), nullable=False),
    sa.Column("lease_until", sa.Float, nullable=False),
)


def create_all(engine: sa.Engine) -> None:
    metadata.create_all(engine)
