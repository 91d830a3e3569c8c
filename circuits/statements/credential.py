"""The credential core every statement proves (docs/protocol.md, version 2).

* Dates are whole days since 1900-01-01 (UTC), range-checked to ``DATE_BITS`` bits (2^20 days is
  ~2870 years), so no date can wrap around the field.
* ``holder_commit = Poseidon(holder_secret)``; the leaf is
  ``Poseidon(SCHEMA_V2, holder_commit, holder_did_hash, dob_days, country, accredited_until_days,
  expiry_days, salt)`` (``accredited_until_days = 0``: not accredited). ``holder_did_hash`` is in
  the leaf, so a credential speaks only for the DID it was issued to, whether the hash is public
  (DID-bound mode) or private (unlinkable mode).
* The issuer's registry is a binary Poseidon Merkle tree of depth ``REGISTRY_DEPTH`` whose leaf at
  index ``serial`` is the credential's leaf (0 once revoked); its roots are anchored on-chain.
* ``today_days < expiry_days`` in every statement: an expired credential proves nothing.
* ``nullifier = Poseidon(holder_secret, serial, scope)``; ``scope`` is derived by the verifier from
  (relying party, statement), so the nullifier namespace names the statement too.
* ``challenge`` is squared in-circuit. A public input is bound by the verification equation alone
  (it enters ``vk_x = IC_0 + sum x_i IC_i``), the square only keeps every public wire in at least
  one constraint, as circom-style tooling and our soundness checker expect.

This module also holds the plain-integer twin of the credential and registry, used for example
inputs. Deriving scope, challenge and the DID hash is the protocol layer's job
(``zkvct.credentials``, which sits above circuits and imports this module, never the reverse).
"""
from __future__ import annotations

import datetime as _dt
import secrets
from dataclasses import dataclass, field

from zkvct.dsl import Input
from zkvct.field import R

from ..gadgets.bits import to_bits
from ..gadgets.comparators import assert_lt
from ..gadgets.merkle import MerkleTree, merkle_root
from ..gadgets.poseidon import poseidon, poseidon_hash

#: Protocol version the statements implement (docs/protocol.md).
PROTOCOL_VERSION = 2
#: Schema id of zkvct's identity credential, a constant inside the circuit so that a leaf of another
#: schema (or of version 1, which had no holder DID) cannot be substituted.
SCHEMA_V2 = int.from_bytes(b"zkvct.identity.v2", "big")
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


def random_field() -> int:
    """A uniformly random field element (holder secrets, salts)."""
    return secrets.randbelow(R)


@dataclass
class Credential:
    """Twin of the in-circuit credential (all values plain ints)."""

    holder_secret: int
    serial: int
    holder_did_hash: int
    dob_days: int
    country: int
    accredited_until_days: int
    expiry_days: int
    salt: int = field(default_factory=random_field)

    @property
    def holder_commit(self) -> int:
        return poseidon_hash([self.holder_secret])

    @property
    def leaf(self) -> int:
        return leaf_hash(self.holder_commit, self.holder_did_hash, self.dob_days, self.country,
                         self.accredited_until_days, self.expiry_days, self.salt)

    def nullifier(self, scope: int) -> int:
        return poseidon_hash([self.holder_secret, self.serial, scope])


def leaf_hash(holder_commit: int, holder_did_hash: int, dob_days: int, country: int,
              accredited_until_days: int, expiry_days: int, salt: int) -> int:
    """The registry leaf of a credential; the issuer computes it from ``holder_commit`` alone."""
    return poseidon_hash([SCHEMA_V2, holder_commit, holder_did_hash, dob_days, country,
                          accredited_until_days, expiry_days, salt])


class Registry:
    """Twin of an issuer's registry tree (leaf at ``serial``; 0 once revoked)."""

    def __init__(self, depth: int = REGISTRY_DEPTH):
        self.tree = MerkleTree(depth)

    def issue(self, cred: Credential) -> None:
        self.tree.set(cred.serial, cred.leaf)

    def revoke(self, serial: int) -> None:
        self.tree.set(serial, 0)

    @property
    def root(self) -> int:
        return self.tree.root


def core_public(root_role: str = "issuer_root", with_did: bool = True) -> tuple[list[Input], list[Input]]:
    """(leading, trailing) public inputs of every statement, around the predicate's own."""
    root_doc = {"issuer_root": "a root of the issuer's registry tree, anchored on-chain",
                "revocation_root": "the issuer's current registry root (a revoked leaf is 0 there)"}[root_role]
    lead = [Input(root_role, role=root_role, doc=root_doc)]
    tail = [
        Input("today_days", bits=DATE_BITS, role="today_days", doc="current date, days since 1900-01-01"),
        Input("scope", role="scope", doc="h253(lp(tag), lp(relying_party_did), lp(statement_id)), derived by the verifier"),
        Input("nullifier", role="nullifier", doc="Poseidon(holder_secret, serial, scope)"),
        Input("challenge", role="challenge", doc="h253 of the relying party's request, derived by the verifier"),
    ]
    if with_did:
        tail.append(Input("holder_did_hash", role="holder_did_hash", doc="h253 of the holder's did:shr (in the leaf)"))
    return lead, tail


def core_private(depth: int = REGISTRY_DEPTH, with_did: bool = True) -> list[Input]:
    private = [
        Input("holder_secret", doc="the holder's secret key (never leaves the wallet)"),
        Input("serial", bits=depth, doc="credential serial = leaf index in the registry"),
        Input("dob_days", bits=DATE_BITS, doc="date of birth, days since 1900-01-01"),
        Input("country", bits=COUNTRY_BITS, doc="residency, ISO 3166 alpha-2 as a 16-bit integer"),
        Input("accredited_until_days", bits=DATE_BITS, doc="accredited-investor status end date (0: none)"),
        Input("expiry_days", bits=DATE_BITS, doc="credential expiry date"),
        Input("salt", doc="leaf blinding"),
        Input("path", shape=(depth,), doc="Merkle siblings from the leaf up"),
    ]
    if not with_did:
        private.insert(1, Input("holder_did_hash", doc="h253 of the holder's did:shr (private: unlinkable mode)"))
    return private


def credential_core(api, x, depth: int = REGISTRY_DEPTH, root_role: str = "issuer_root") -> None:
    """Constrain registry membership of a leaf bound to the holder's secret and DID, expiry,
    the nullifier and the challenge."""
    with api.scope("credential"):
        serial_bits = to_bits(api, x.serial, depth, name="serial_bits")
        holder_commit = poseidon(api, [x.holder_secret], name="holder_commit")
        leaf = poseidon(api, [SCHEMA_V2, holder_commit, x.holder_did_hash, x.dob_days, x.country,
                              x.accredited_until_days, x.expiry_days, x.salt], name="leaf")
        root = merkle_root(api, leaf, serial_bits, x.path, name="registry")
        api.assert_equal(root, getattr(x, root_role), name=root_role)
        assert_lt(api, x.today_days, x.expiry_days, DATE_BITS, name="today_lt_expiry")
        nullifier = poseidon(api, [x.holder_secret, x.serial, x.scope], name="nullifier_hash")
        api.assert_equal(nullifier, x.nullifier, name="nullifier")
        api.mul(x.challenge, x.challenge, name="challenge_sq")


def sample_credential(*, holder_did_hash: int, dob: str = "1990-05-17", country: str = "SG",
                      accredited_until: str | None = "2027-06-30", expiry: str = "2030-01-01",
                      serial: int = 5) -> Credential:
    """A credential with a fresh random holder secret and salt (nothing fixed, nothing reused)."""
    return Credential(holder_secret=random_field(), serial=serial, holder_did_hash=holder_did_hash,
                      dob_days=days(dob), country=country_code(country),
                      accredited_until_days=days(accredited_until) if accredited_until else 0,
                      expiry_days=days(expiry), salt=random_field())


def sample_registry(cred: Credential, depth: int = REGISTRY_DEPTH, others: tuple[int, ...] = (1, 2, 9)) -> Registry:
    """A registry holding ``cred`` and a few other holders' credentials (random secrets)."""
    reg = Registry(depth)
    for other in others:
        if other != cred.serial and other < (1 << depth):
            reg.issue(Credential(holder_secret=random_field(), serial=other, holder_did_hash=random_field() >> 2,
                                 dob_days=days("1980-01-01"), country=country_code("FR"), accredited_until_days=0,
                                 expiry_days=days("2031-01-01")))
    reg.issue(cred)
    return reg


def core_input(cred: Credential, reg: Registry, *, today_days: int, scope: int, challenge: int,
               root_role: str = "issuer_root") -> dict:
    """The input.json entries of :func:`credential_core` for ``cred`` in ``reg``."""
    return {
        root_role: str(reg.root),
        "today_days": today_days,
        "scope": str(scope),
        "nullifier": str(cred.nullifier(scope)),
        "challenge": str(challenge),
        "holder_did_hash": str(cred.holder_did_hash),
        "holder_secret": str(cred.holder_secret),
        "serial": cred.serial,
        "dob_days": cred.dob_days,
        "country": cred.country,
        "accredited_until_days": cred.accredited_until_days,
        "expiry_days": cred.expiry_days,
        "salt": str(cred.salt),
        "path": [str(s) for s in reg.tree.proof(cred.serial)],
    }
