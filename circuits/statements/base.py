"""Base class of the statement circuits: the credential core plus one predicate."""
from __future__ import annotations

import abc

from typing import Any

from zkvct.dsl import Circuit, Input

from .credential import REGISTRY_DEPTH, core_private, core_public, credential_core, sample_world
from .roles import CREDENTIAL_ROLES


class CredentialStatement(Circuit):
    """A statement over one registry credential.

    Subclasses set ``name``/``description``, list their extra public inputs in ``predicate_public``
    (placed after ``issuer_root``) and extra private ones in ``predicate_private``, and implement
    ``predicate(api, x)`` and ``predicate_input(cred, world) -> dict``.
    """

    roles = CREDENTIAL_ROLES
    predicate_public: list[Input] = []
    predicate_private: list[Input] = []

    def __init__(self, depth: int = REGISTRY_DEPTH, with_did: bool = True):
        self.depth = depth
        self.with_did = with_did
        lead, tail = core_public(with_did)
        self.public = [*lead, *self.predicate_public, *tail]
        self.private = [*core_private(depth), *self.predicate_private]

    def define(self, api, x) -> None:
        credential_core(api, x, self.depth)
        with api.scope(self.name):
            self.predicate(api, x)

    @abc.abstractmethod
    def predicate(self, api, x) -> None:
        """Constrain the statement's own predicate over the credential fields in ``x``."""

    def predicate_input(self, cred, reg, today: str) -> dict[str, Any]:
        return {}

    def parameters(self) -> dict[str, Any]:
        """Compile-time parameters (what a verifier registers next to the key): subclasses extend."""
        return {"registry_depth": self.depth, "with_did": self.with_did}

    def interface(self) -> dict[str, Any]:
        return {**super().interface(), "parameters": self.parameters()}

    def example_input(self, **world: Any) -> dict[str, Any]:
        today = world.pop("today", "2026-11-21")
        cred, reg, data = sample_world(today=today, depth=self.depth, **world)
        data.update(self.predicate_input(cred, reg, today))
        if not self.with_did:
            data.pop("holder_did_hash")
        return data
