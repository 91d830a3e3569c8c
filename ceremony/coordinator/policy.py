"""The rules a ceremony is run under, fixed at ``init`` and published in the transcript.

* ``min_contributors``: distinct contributor DIDs (the admin does not count) every track needs
  before it may be finalized; default 2, never below 1. Verifiers of the published ceremony
  apply their own minimum as well (:mod:`.transcript_verify`).
* admission: who may register. An allow-list of did:shr identities, single-use invite codes,
  or (explicitly) open registration; a ceremony must choose at least one.
* ``max_turns_per_did``: how many turns one DID may ever take (default 1); a DID whose turn
  timed out may not join again.
* ``max_beacon_exp``: the largest beacon iteration exponent finalize accepts. snarkjs allows
  10..63, but 2^63 hash iterations never end, so the coordinator caps it (default 24).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

SNARKJS_BEACON_EXP = (10, 63)


class PolicyError(ValueError):
    """A policy value is out of its allowed range (the message names both)."""


def _check(name: str, value: object, lo: float, hi: float, kind: type) -> None:
    if isinstance(value, bool) or not isinstance(value, kind) or not lo <= value <= hi:  # type: ignore[operator]
        raise PolicyError(f"{name} must be {'an integer' if kind is int else 'a number'} in {lo:g}..{hi:g}, got {value!r}")


@dataclass(frozen=True)
class CeremonyPolicy:
    min_contributors: int = 2
    turn_timeout: float = 3600.0
    max_turns_per_did: int = 1
    max_queue: int = 1000
    max_beacon_exp: int = 24
    allow: tuple[str, ...] = ()
    invites: bool = False
    open_registration: bool = False
    timestamp_window: float = 300.0

    def __post_init__(self) -> None:
        _check("min_contributors", self.min_contributors, 1, 1000, int)
        for name in ("turn_timeout", "timestamp_window"):
            v = getattr(self, name)
            if isinstance(v, int) and not isinstance(v, bool):
                object.__setattr__(self, name, float(v))
        _check("turn_timeout", self.turn_timeout, 1, 7 * 86400, float)
        _check("max_turns_per_did", self.max_turns_per_did, 1, 100, int)
        _check("max_queue", self.max_queue, 1, 1_000_000, int)
        _check("max_beacon_exp", self.max_beacon_exp, *SNARKJS_BEACON_EXP, int)
        _check("timestamp_window", self.timestamp_window, 1, 3600, float)
        if not (self.allow or self.invites or self.open_registration):
            raise PolicyError("choose who may register: an allow-list of DIDs (--allow), invite codes (--invites N) "
                              "or explicitly open registration (--open-registration)")

    def to_json(self) -> str:
        d = asdict(self)
        d["allow"] = list(self.allow)
        return json.dumps(d, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "CeremonyPolicy":
        d = json.loads(text)
        d["allow"] = tuple(d.get("allow", ()))
        return cls(**d)

    def public(self) -> dict:
        """What the transcript publishes (the allow-list is public: it names DIDs, not secrets)."""
        return {"min_contributors": self.min_contributors, "max_turns_per_did": self.max_turns_per_did,
                "turn_timeout": self.turn_timeout, "admission": self.admission(), "max_beacon_exp": self.max_beacon_exp}

    def admission(self) -> list[str]:
        return [m for m, on in (("allowlist", bool(self.allow)), ("invite", self.invites), ("open", self.open_registration)) if on]
