"""age >= N: the credential's date of birth is on or before ``cutoff_days``.

The verifier (or contract, from block time) checks ``cutoff_days`` = ``today_days`` minus N calendar
years, so one circuit serves every N. Both dates are range-checked to 20 bits before the
comparison, so a date past the cutoff by any amount (2^k, r - 1) cannot wrap around. Expiry is
checked by the core, like in every statement.
"""
from __future__ import annotations

from zkvct.dsl import Input

from ..gadgets.comparators import assert_le
from .base import CredentialStatement
from .credential import DATE_BITS, cutoff_days


class AgeAtLeast(CredentialStatement):
    name = "age_gte"
    description = "holder was born on or before cutoff_days (age >= N with cutoff = today - N years), credential not expired"
    predicate_public = [Input("cutoff_days", bits=DATE_BITS, role="cutoff_days",
                              doc="today minus N years, days since 1900-01-01")]

    def __init__(self, years: int = 18, **kw):
        self.years = years
        super().__init__(**kw)

    def parameters(self):
        # N is not in the circuit: the verifier derives cutoff_days = today - N years
        return {**super().parameters(), "years": self.years}

    def predicate(self, api, x) -> None:
        assert_le(api, x.dob_days, x.cutoff_days, DATE_BITS, name="dob_le_cutoff")

    def predicate_input(self, cred, reg, today):
        return {"cutoff_days": cutoff_days(today, self.years)}
