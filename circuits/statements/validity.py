"""Date- and status-bound statements: not expired, accredited investor, not revoked.

Every statement already proves ``today_days < expiry_days`` in the core, so ``not_expired`` is the
core alone. ``not_revoked`` is the core against the issuer's *current* root (role
``revocation_root``): revoking a credential sets its leaf to 0 and anchors a new root, so a
membership proof under the current root is a non-revocation proof, with no second tree.
"""
from __future__ import annotations

from ..gadgets.comparators import assert_lt
from .base import CredentialStatement
from .credential import DATE_BITS


class NotExpired(CredentialStatement):
    name = "not_expired"
    description = "the credential is in the issuer's registry and its expiry date is after today_days"


class AccreditedInvestor(CredentialStatement):
    name = "accredited_investor"
    description = "holder's accredited-investor status and the credential are both valid after today_days"

    def predicate(self, api, x) -> None:
        # accredited_until_days = 0 (never accredited) fails since today_days >= 0
        assert_lt(api, x.today_days, x.accredited_until_days, DATE_BITS, name="today_lt_accredited_until")


class NotRevoked(CredentialStatement):
    name = "not_revoked"
    description = "the credential is in the issuer's current registry (not revoked) and not expired"
    root_role = "revocation_root"
