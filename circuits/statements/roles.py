"""The role vocabulary of the credential statements: what a verifier does with each public signal.

A role tells the verifier contract (and the relying party) which check a public input gets; the
DSL only checks that every input of a :class:`~circuits.statements.base.CredentialStatement` uses
one of these names (``zkvct.dsl`` itself knows no credential concepts).
"""
from __future__ import annotations

CREDENTIAL_ROLES: tuple[str, ...] = (
    "issuer_root",       # a registry root the issuer anchored on-chain
    "cutoff_days",       # a date bound derived from the verifier's clock (age >= N)
    "today_days",        # the verifier's today, days since 1900-01-01
    "scope",             # the relying party's scope the nullifier is bound to
    "nullifier",         # one per credential and scope
    "challenge",         # the relying party's request nonce
    "holder_did_hash",   # hash of the holder's DID (0: unlinkable presentation)
    "param",             # a statement parameter the verifier supplies as is (set_hash)
    "revocation_root",   # the root of the issuer's revocation tree, anchored on-chain
)
