"""The coordinator's tables (SQLAlchemy Core; the same schema on SQLite and PostgreSQL).

``meta`` holds the ceremony's identity and policy (name, random id, admin DID, minimum number
of contributors, turn limits, admission mode); ``participants`` the registered DIDs; ``invites``
the SHA-256 of each invite code (never the code) and who used it; ``queue`` one row per turn;
``tracks`` the current state of each file being built; ``contributions`` every accepted one;
``nonces`` the nonces seen inside the replay window.
"""
from __future__ import annotations

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

meta = Table("meta", metadata, Column("key", String(64), primary_key=True), Column("value", Text, nullable=False))

participants = Table(
    "participants", metadata,
    Column("did", String(128), primary_key=True),
    Column("pubkey", String(66), nullable=False),
    Column("registered_at", Float, nullable=False),
    Column("admitted_by", String(16), nullable=False),  # allowlist | invite | open
)

invites = Table(
    "invites", metadata,
    Column("code_sha256", String(64), primary_key=True),
    Column("used_by", String(128), nullable=True),
    Column("used_at", Float, nullable=True),
)

queue = Table(
    "queue", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("did", String(128), ForeignKey("participants.did"), nullable=False),
    Column("joined_at", Float, nullable=False),
    Column("status", String(16), nullable=False),
    Column("started_at", Float, nullable=True),
    Column("deadline", Float, nullable=True),
    CheckConstraint("status IN ('waiting', 'active', 'done', 'timed_out')", name="queue_status"),
)

tracks = Table(
    "tracks", metadata,
    Column("name", String(64), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("state_file", Text, nullable=False),
    Column("r1cs", Text, nullable=True),
    Column("ptau", Text, nullable=True),
    Column("phase1", Text, nullable=True),  # JSON: the verified phase-1 transcript behind a zkey track
    CheckConstraint("kind IN ('ptau', 'zkey')", name="track_kind"),
)

contributions = Table(
    "contributions", metadata,
    Column("track", String(64), ForeignKey("tracks.name"), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("queue_id", Integer, nullable=False),
    Column("did", String(128), nullable=False),
    Column("contribution_hash", String(128), nullable=False),
    Column("attestation", String(128), nullable=False),
    Column("state_file", Text, nullable=False),
    Column("accepted_at", Float, nullable=False),
)

nonces = Table(
    "nonces", metadata,
    Column("did", String(128), primary_key=True),
    Column("nonce", String(32), primary_key=True),
    Column("ts", Float, nullable=False),
)
