"""Residency in / not in a set of countries.

The set is a fixed-size list of ``SET_SLOTS`` country codes plus its length, committed to by one
public ``set_hash = sponge([length, c_0, ..., c_{K-1}])`` (role ``param``: the verifier registers
the hash of the list it accepts); slots at or past the length are padding and never match. Expiry is checked by the core.
"""
from __future__ import annotations

from zkvct.dsl import Input

from ..gadgets.set_membership import assert_in, assert_not_in
from ..gadgets.sponge import sponge, sponge_hash
from .base import CredentialStatement
from .credential import COUNTRY_BITS, country_code

SET_SLOTS = 8


def country_set(codes: list[str], slots: int = SET_SLOTS) -> tuple[list[int], int, int]:
    """(padded list, length, set_hash) for a list of alpha-2 codes."""
    if len(codes) > slots:
        raise ValueError(f"at most {slots} countries fit the set, got {len(codes)}")
    elems = [country_code(c) for c in codes] + [0] * (slots - len(codes))
    return elems, len(codes), sponge_hash([len(codes), *elems])


class _Residency(CredentialStatement):
    member: bool = True

    def __init__(self, slots: int = SET_SLOTS, countries: tuple[str, ...] = ("SG", "MY", "ID"), **kw):
        self.slots = slots
        if isinstance(countries, str):  # "SG" or "SG,MY" from the CLI
            countries = tuple(c for c in countries.split(",") if c)
        country_set(list(countries), slots)  # validates codes and the slot count now
        self.countries = tuple(countries)
        self.predicate_public = [Input("set_hash", role="param", doc="sponge([set_len, *set]) of the accepted list")]
        self.predicate_private = [
            Input("set", shape=(slots,), bits=COUNTRY_BITS, doc="country codes, zero-padded"),
            Input("set_len", bits=8, doc=f"number of used slots (0..{slots})"),
        ]
        super().__init__(**kw)

    def parameters(self):
        _, n, h = country_set(list(self.countries), self.slots)
        return {**super().parameters(), "slots": self.slots, "countries": list(self.countries), "set_hash": str(h)}

    def predicate(self, api, x) -> None:
        api.assert_equal(sponge(api, [x.set_len, *x.set], name="set_digest"), x.set_hash, name="set_hash")
        (assert_in if self.member else assert_not_in)(api, x.country, x.set, x.set_len, name="membership")

    def predicate_input(self, cred, reg, today):
        elems, n, h = country_set(list(self.countries), self.slots)
        return {"set_hash": str(h), "set": elems, "set_len": n}


class ResidencyIn(_Residency):
    name = "residency_in"
    description = "holder's country of residence is one of a committed list, credential not expired"
    member = True


class ResidencyNotIn(_Residency):
    name = "residency_not_in"
    description = "holder's country of residence is none of a committed list (e.g. sanctions), credential not expired"
    member = False

    def __init__(self, countries: tuple[str, ...] = ("KP", "IR"), **kw):
        super().__init__(countries=countries, **kw)
