"""The credential protocol shared by every statement (shared/docs/architecture.md).

* Dates are whole days since 1900-01-01 (UTC); they are range-checked to ``DATE_BITS`` bits
  (2^20 days is ~2870 years), so no date can wrap around the field.
* ``holder_commit = Poseidon(holder_secret)``; the credential commitment is
  ``Poseidon(SCHEMA, holder_commit, dob_days, country, accredited_until_days, expiry_days, salt)``
  (``accredited_until_days = 0``: not accredited).
* The issuer's registry is a binary Poseidon Merkle tree of depth ``REGISTRY_DEPTH`` whose leaf at
  index ``serial`` is the commitment (0 once revoked); its root is anchored on-chain.
* ``nullifier = Poseidon(holder_secret, serial, scope)``: one per credential and scope, unlinkable
  across scopes.
* ``challenge`` and ``holder_did_hash`` are squared in-circuit so each is really constrained.

:func:`credential_core` constrains all of that and returns the attribute signals for the predicate.
"""
from __future__ import annotations

import datetime as _dt
import secrets
from dataclasses import dataclass, field

from zkvct.dsl import Input
from zkvct.field import R

from ..gadgets.bits import to_bits
from ..gadgets.merkle import MerkleTree, merkle_root
from ..gadgets.poseidon import poseidon, poseidon_hash

#: Schema id of zkvct's identity credential (a constant inside the circuit, so a credential of
#: another schema with the same layout cannot be substituted). "zkvct.identity.v1" as an integer.
SCHEMA = int.from_bytes(b"zkvct.identity.v1", "big")
REGISTRY_DEPTH = 20
DATE_BITS = 20
COUNTRY_BITS = 16
EPOCH = _dt.date(1900, 1, 1)


def days(date: _dt.date | str) -> int:
    """Days since 1900-01-01 of a date (or ISO ``YYYY-MM-DD`` string)."""
    if isinstance(date, str):
        date = _dt.date.fromisoformat(date)
    return (date - EPOCH).days


def cutoff_days(today: _dt.date | str, years: int) -> int:
    """``today`` minus ``years`` calendar years (Feb 29 -> Feb 28), in days since 1900-01-01."""
    if isinstance(today, str):
        today = _dt.date.fromisoformat(today)
    try:
        back = today.replace(year=today.year - years)
    except ValueError:
        back = today.replace(year=today.year - years, day=28)
    return days(back)


def country_code(alpha2: str) -> int:
    """ISO 3166 alpha-2 code as a 16-bit integer (``"SG"`` -> 0x5347)."""
    if len(alpha2) != 2 or not alpha2.isalpha() or not alpha2.isupper():
        raise ValueError(f"country must be an ISO 3166 alpha-2 code like 'SG', got {alpha2!r}")
    return int.from_bytes(alpha2.encode(), "big")


@dataclass
class Credential:
    """Twin of the in-circuit credential (all values plain ints)."""

    holder_secret: int
    serial: int
    dob_days: int
    country: int
    accredited_until_days: int
    expiry_days: int
    salt: int = field(default_factory=lambda: secrets.randbelow(R))

    @property
    def holder_commit(self) -> int:
        return poseidon_hash([self.holder_secret])

    @property
    def commitment(self) -> int:
        return poseidon_hash([SCHEMA, self.holder_commit, self.dob_days, self.country,
                              self.accredited_until_days, self.expiry_days, self.salt])

    def nullifier(self, scope: int) -> int:
        return poseidon_hash([self.holder_secret, self.serial, scope])


class Registry:
    """Twin of an issuer's registry tree."""

    def __init__(self, depth: int = REGISTRY_DEPTH):
        self.tree = MerkleTree(depth)

    def issue(self, cred: Credential) -> None:
        self.tree.set(cred.serial, cred.commitment)

    def revoke(self, serial: int) -> None:
        self.tree.set(serial, 0)

    @property
    def root(self) -> int:
        return self.tree.root


def core_public(with_did: bool = True) -> tuple[list[Input], list[Input]]:
    """(leading, trailing) public inputs every statement has."""
    lead = [Input("issuer_root", role="issuer_root", doc="root of the issuer's registry tree, anchored on-chain")]
    tail = [
        Input("scope", role="scope", doc="relying-party scope the nullifier is bound to"),
        Input("nullifier", role="nullifier", doc="Poseidon(holder_secret, serial, scope)"),
        Input("challenge", role="challenge", doc="relying party's request nonce (squared in-circuit)"),
    ]
    if with_did:
        tail.append(Input("holder_did_hash", role="holder_did_hash",
                          doc="hash of the holder's did:shr (0 for an unlinkable presentation); squared in-circuit"))
    return lead, tail


def core_private(depth: int = REGISTRY_DEPTH) -> list[Input]:
    return [
        Input("holder_secret", doc="the holder's secret key (never leaves the wallet)"),
        Input("serial", bits=depth, doc="credential serial = leaf index in the registry"),
        Input("dob_days", bits=DATE_BITS, doc="date of birth, days since 1900-01-01"),
        Input("country", bits=COUNTRY_BITS, doc="residency, ISO 3166 alpha-2 as a 16-bit integer"),
        Input("accredited_until_days", bits=DATE_BITS, doc="accredited-investor status end date (0: none)"),
        Input("expiry_days", bits=DATE_BITS, doc="credential expiry date"),
        Input("salt", doc="commitment blinding"),
        Input("path", shape=(depth,), doc="Merkle siblings from the leaf up"),
    ]


def credential_core(api, x, depth: int = REGISTRY_DEPTH) -> None:
    """Constrain registry membership, holder-secret knowledge, nullifier, challenge (and DID)."""
    with api.scope("credential"):
        serial_bits = to_bits(api, x.serial, depth, name="serial_bits")
        holder_commit = poseidon(api, [x.holder_secret], name="holder_commit")
        commitment = poseidon(api, [SCHEMA, holder_commit, x.dob_days, x.country, x.accredited_until_days,
                                    x.expiry_days, x.salt], name="commitment")
        root = merkle_root(api, commitment, serial_bits, x.path, name="registry")
        api.assert_equal(root, x.issuer_root, name="issuer_root")
        nullifier = poseidon(api, [x.holder_secret, x.serial, x.scope], name="nullifier_hash")
        api.assert_equal(nullifier, x.nullifier, name="nullifier")
        api.mul(x.challenge, x.challenge, name="challenge_sq")
        if hasattr(x, "holder_did_hash"):
            api.mul(x.holder_did_hash, x.holder_did_hash, name="holder_did_sq")


def sample_world(today: str = "2026-11-21", dob: str = "1990-05-17", country: str = "SG",
                 accredited_until: str | None = "2027-06-30", expiry: str = "2030-01-01",
                 serial: int = 5, depth: int = REGISTRY_DEPTH) -> tuple[Credential, Registry, dict]:
    """A registry with a few credentials and the holder's; returns (credential, registry, core input)."""
    reg = Registry(depth)
    for other in (1, 2, 9):
        reg.issue(Credential(holder_secret=1000 + other, serial=other, dob_days=days("1980-01-01"),
                             country=country_code("FR"), accredited_until_days=0, expiry_days=days("2031-01-01"),
                             salt=other * 7))
    cred = Credential(holder_secret=0x1234567890ABCDEF, serial=serial, dob_days=days(dob),
                      country=country_code(country),
                      accredited_until_days=days(accredited_until) if accredited_until else 0,
                      expiry_days=days(expiry), salt=0x5A17)
    reg.issue(cred)
    scope = 42
    data = core_input(cred, reg, scope=scope, challenge=0xC0FFEE, holder_did_hash=0xD1D)
    return cred, reg, data


def core_input(cred: Credential, reg: Registry, *, scope: int, challenge: int, holder_did_hash: int = 0) -> dict:
    """The input.json entries of :func:`credential_core` for ``cred`` in ``reg``."""
    return {
        "issuer_root": str(reg.root),
        "scope": str(scope),
        "nullifier": str(cred.nullifier(scope)),
        "challenge": str(challenge),
        "holder_did_hash": str(holder_did_hash),
        "holder_secret": str(cred.holder_secret),
        "serial": cred.serial,
        "dob_days": cred.dob_days,
        "country": cred.country,
        "accredited_until_days": cred.accredited_until_days,
        "expiry_days": cred.expiry_days,
        "salt": str(cred.salt),
        "path": [str(s) for s in reg.tree.proof(cred.serial)],
    }
