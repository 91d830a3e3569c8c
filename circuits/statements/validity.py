"""Date-bound statements: accredited investor (with expiry), not expired, not revoked."""
from __future__ import annotations

from zkvct.dsl import Input

from ..gadgets.comparators import assert_lt
from ..gadgets.smt import SparseMerkleTree, smt_exclusion
from .base import CredentialStatement
from .credential import DATE_BITS, days

TODAY = Input("today_days", bits=DATE_BITS, role="today_days", doc="current date, days since 1900-01-01")


class NotExpired(CredentialStatement):
    name = "not_expired"
    description = "the credential's expiry date is after today_days"
    predicate_public = [TODAY]

    def predicate(self, api, x) -> None:
        assert_lt(api, x.today_days, x.expiry_days, DATE_BITS, name="today_lt_expiry")

    def predicate_input(self, cred, reg, today):
        return {"today_days": days(today)}


class AccreditedInvestor(CredentialStatement):
    name = "accredited_investor"
    description = "holder's accredited-investor status and the credential are both valid after today_days"
    predicate_public = [TODAY]

    def predicate(self, api, x) -> None:
        # accredited_until_days = 0 (never accredited) fails since today_days >= 0
        assert_lt(api, x.today_days, x.accredited_until_days, DATE_BITS, name="today_lt_accredited_until")
        assert_lt(api, x.today_days, x.expiry_days, DATE_BITS, checked=True, name="today_lt_expiry")

    def predicate_input(self, cred, reg, today):
        return {"today_days": days(today)}


REVOCATION_DEPTH = 20


class NotRevoked(CredentialStatement):
    """Non-revocation against the issuer's revocation list, an iden3 sparse Merkle tree keyed by
    serial (so a proof may use an older, still-trusted registry root while the revocation root
    must be the latest: the contract checks both as ``issuer_root`` roles, the second for freshness)."""

    name = "not_revoked"
    description = "the credential's serial is absent from the issuer's revocation tree"

    def __init__(self, revocation_depth: int = REVOCATION_DEPTH, **kw):
        self.revocation_depth = revocation_depth
        self.predicate_public = [Input("revocation_root", role="issuer_root",
                                       doc="root of the issuer's iden3 revocation SMT (must be the latest)")]
        self.predicate_private = [
            Input("rev_siblings", shape=(revocation_depth,), doc="SMT siblings from the root down, zero-padded"),
            Input("rev_old_key", doc="key found at the end of the path (or 0)"),
            Input("rev_old_value", doc="its value (or 0)"),
            Input("rev_is_old0", bits=1, doc="1 when the path ends in an empty slot"),
        ]
        super().__init__(**kw)

    def parameters(self):
        return {**super().parameters(), "revocation_depth": self.revocation_depth}

    def predicate(self, api, x) -> None:
        smt_exclusion(api, x.revocation_root, x.serial, x.rev_old_key, x.rev_old_value, x.rev_is_old0,
                      x.rev_siblings, key_bits=self.depth, name="revocation")

    def predicate_input(self, cred, reg, today, revoked: tuple[int, ...] = (3, 7, 12, 13)):
        smt = SparseMerkleTree()
        for s in revoked:
            smt.insert(s, 1)
        f = smt.find(cred.serial)
        if f["found"]:
            raise ValueError(f"credential {cred.serial} is revoked")
        sib = f["siblings"] + [0] * (self.revocation_depth - len(f["siblings"]))
        return {"revocation_root": str(smt.root), "rev_siblings": [str(s) for s in sib],
                "rev_old_key": str(f["old_key"]), "rev_old_value": str(f["old_value"]),
                "rev_is_old0": 1 if f["is_old0"] else 0}
