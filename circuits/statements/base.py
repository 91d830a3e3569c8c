"""Base class of the statement circuits: the credential core plus one predicate."""
from __future__ import annotations

import secrets
from typing import Any

from zkvct.dsl import Circuit, Input

from .credential import (REGISTRY_DEPTH, Credential, Registry, core_input, core_private, core_public,
                         credential_core, days, sample_credential, sample_registry)
from .roles import ROLES


class CredentialStatement(Circuit):
    """A statement over one registry credential.

    Public inputs, in order: ``root, <predicate_public>, today_days, scope, nullifier, challenge,
    [holder_did_hash]`` (docs/protocol.md). Subclasses set ``name``/``description``, the root's role
    (``root_role``), their extra public inputs in ``predicate_public`` and private ones in
    ``predicate_private``, and implement ``predicate(api, x)`` and ``predicate_input(cred, reg, today)``.
    ``with_did=False`` is the unlinkable mode: ``holder_did_hash`` becomes private (still in the leaf).
    """

    root_role: str = "issuer_root"
    roles = ROLES
    predicate_public: list[Input] = []
    predicate_private: list[Input] = []

    def __init__(self, depth: int = REGISTRY_DEPTH, with_did: bool = True):
        self.depth = depth
        self.with_did = with_did
        lead, tail = core_public(self.root_role, with_did)
        self.public = [*lead, *self.predicate_public, *tail]
        self.private = [*core_private(depth, with_did), *self.predicate_private]

    def define(self, api, x) -> None:
        credential_core(api, x, self.depth, self.root_role)
        with api.scope(self.name):
            self.predicate(api, x)

    def predicate(self, api, x) -> None:
        """Constrain the statement's own predicate over the credential fields in ``x`` (the core
        already checks membership, expiry, nullifier and challenge)."""

    def predicate_input(self, cred: Credential, reg: Registry, today: str) -> dict[str, Any]:
        return {}

    def parameters(self) -> dict[str, Any]:
        """Compile-time parameters (what a verifier registers next to the key): subclasses extend."""
        return {"registry_depth": self.depth, "with_did": self.with_did}

    def interface(self) -> dict[str, Any]:
        return {**super().interface(), "parameters": self.parameters()}

    def statement_input(self, cred: Credential, reg: Registry, *, today: str, scope: int, challenge: int) -> dict[str, Any]:
        """input.json for ``cred`` in ``reg`` under the given (verifier-derived) scope and challenge."""
        data = core_input(cred, reg, today_days=days(today), scope=scope, challenge=challenge,
                          root_role=self.root_role)
        data.update(self.predicate_input(cred, reg, today))
        return data

    def example_input(self, **world: Any) -> dict[str, Any]:
        """A valid input with a fresh random holder secret and salt on every call.

        ``scope``, ``challenge`` and ``holder_did_hash`` may be given (``zkvct.credentials.sample``
        derives them as the protocol does); absent, they are random 253-bit stand-ins, since this
        layer must not import the protocol layer that derives them.
        """
        today = world.pop("today", "2026-11-21")
        scope = world.pop("scope", None)
        challenge = world.pop("challenge", None)
        did_hash = world.pop("holder_did_hash", None)
        cred = sample_credential(holder_did_hash=secrets.randbits(253) if did_hash is None else did_hash, **world)
        reg = sample_registry(cred, self.depth)
        return self.statement_input(cred, reg, today=today,
                                    scope=secrets.randbits(253) if scope is None else scope,
                                    challenge=secrets.randbits(253) if challenge is None else challenge)
