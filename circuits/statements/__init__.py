"""Identity statement circuits and their registry (name -> class).

Every statement exposes ``public_roles`` (one role per public signal, public.json order) and
``interface()`` (names, ranges, roles, docs) for the contract / chain tooling.
"""
from __future__ import annotations

from .age import AgeAtLeast
from .multi import AgeResidencyValid
from .residency import ResidencyIn, ResidencyNotIn
from .validity import AccreditedInvestor, NotExpired, NotRevoked

STATEMENTS = {
    cls.name: cls
    for cls in (AgeAtLeast, ResidencyIn, ResidencyNotIn, AccreditedInvestor, NotExpired, NotRevoked, AgeResidencyValid)
}


def get_statement(name: str, **params):
    """Instantiate a statement by name (``age_gte``, ``residency_in``, ...) with its parameters."""
    try:
        cls = STATEMENTS[name]
    except KeyError:
        raise ValueError(f"unknown statement {name!r}; known: {', '.join(sorted(STATEMENTS))}") from None
    return cls(**params)


__all__ = ["STATEMENTS", "get_statement", "AgeAtLeast", "ResidencyIn", "ResidencyNotIn", "AccreditedInvestor",
           "NotExpired", "NotRevoked", "AgeResidencyValid"]
