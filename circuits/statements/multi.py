"""Several predicates over one credential in one proof: age >= N and residency in a set (expiry is in the core)."""
from __future__ import annotations

from zkvct.dsl import Input

from ..gadgets.comparators import assert_le
from ..gadgets.set_membership import assert_in
from ..gadgets.sponge import sponge
from .base import CredentialStatement
from .credential import COUNTRY_BITS, DATE_BITS, cutoff_days
from .residency import SET_SLOTS, country_set


class AgeResidencyValid(CredentialStatement):
    name = "age_residency_valid"
    description = "age >= N (dob <= cutoff_days) AND residency in a committed list AND not expired at today_days"

    def __init__(self, years: int = 18, slots: int = SET_SLOTS, countries: tuple[str, ...] = ("SG", "MY", "ID"), **kw):
        if isinstance(countries, str):  # "SG" or "SG,MY" from the CLI
            countries = tuple(c for c in countries.split(",") if c)
        country_set(list(countries), slots)  # validates codes and the slot count now
        self.years, self.slots, self.countries = years, slots, tuple(countries)
        self.predicate_public = [
            Input("cutoff_days", bits=DATE_BITS, role="cutoff_days", doc="today minus N years"),
            Input("set_hash", role="param", doc="sponge([set_len, *set]) of the accepted list"),
        ]
        self.predicate_private = [
            Input("set", shape=(slots,), bits=COUNTRY_BITS, doc="country codes, zero-padded"),
            Input("set_len", bits=8, doc=f"number of used slots (0..{slots})"),
        ]
        super().__init__(**kw)

    def parameters(self):
        _, n, h = country_set(list(self.countries), self.slots)
        return {**super().parameters(), "years": self.years, "slots": self.slots,
                "countries": list(self.countries), "set_hash": str(h)}

    def predicate(self, api, x) -> None:
        assert_le(api, x.dob_days, x.cutoff_days, DATE_BITS, name="dob_le_cutoff")
        api.assert_equal(sponge(api, [x.set_len, *x.set], name="set_digest"), x.set_hash, name="set_hash")
        assert_in(api, x.country, x.set, x.set_len, name="membership")

    def predicate_input(self, cred, reg, today):
        elems, n, h = country_set(list(self.countries), self.slots)
        return {"cutoff_days": cutoff_days(today, self.years), "set_hash": str(h), "set": elems, "set_len": n}
