"""The reason codes of docs/protocol.md ("Verify"): one definition, shared by the off-chain
verifier, the services and the tests; the contract answers the same strings in ``code``."""
from __future__ import annotations

from enum import Enum


class Reason(str, Enum):
    """Why a presentation was refused (the value is the wire code)."""

    MALFORMED = "malformed"
    WRONG_INPUT_COUNT = "wrong_input_count"
    INPUT_NOT_CANONICAL = "input_not_canonical"
    PROOF_MALFORMED = "proof_malformed"
    PROOF_INVALID = "proof_invalid"
    STATEMENT_UNKNOWN = "statement_unknown"
    STATEMENT_REVOKED = "statement_revoked"
    ISSUER_NOT_TRUSTED = "issuer_not_trusted"
    ROOT_UNKNOWN = "root_unknown"
    ROOT_RETIRED = "root_retired"
    ROOT_EXPIRED = "root_expired"
    ROOT_NOT_CURRENT = "root_not_current"
    TODAY_OUT_OF_RANGE = "today_out_of_range"
    CUTOFF_MISMATCH = "cutoff_mismatch"
    SCOPE_MISMATCH = "scope_mismatch"
    CHALLENGE_MISMATCH = "challenge_mismatch"
    REQUEST_EXPIRED = "request_expired"
    NULLIFIER_USED = "nullifier_used"
    PROOF_REPLAYED = "proof_replayed"
    HOLDER_DID_MISSING = "holder_did_missing"
    HOLDER_DID_MISMATCH = "holder_did_mismatch"
    PARAM_MISMATCH = "param_mismatch"
    SENDER_NOT_AUTHORIZED = "sender_not_authorized"
    AUTHORIZATION_INVALID = "authorization_invalid"
    AUTHORIZATION_NONCE = "authorization_nonce"

    def __str__(self) -> str:
        return self.value


__all__ = ["Reason"]
