"""CW1056 change events, as the registry contract emits them, parsed into typed records.

The registry (``verifier_contract/contracts/cw1056``) adds its attributes to the standard ``wasm``
event of the execution, in this order::

    [signer, nonce]            only for signed meta-transactions
    action                     change_did_owner | change_did_delegate | change_did_attribute
    identity                   the compressed public key, lower-case hex without 0x
    owner [deactivated=true]   change_did_owner: new owner address, or "none" + deactivated
    delegate_type delegate valid_to          change_did_delegate (valid_to in Unix seconds)
    name value valid_to                      change_did_attribute (value: lower-case hex;
                                             valid_to = 0 revokes)
    previous_change            block of the identity's previous change, 0 for none

``valid_to`` is a timestamp in seconds (the did:shr spec's choice; the contract follows it). A
delegate revocation is an event with ``valid_to`` = the block time.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal

from ..errors import ZkvctError

ACTIONS = ("change_did_owner", "change_did_delegate", "change_did_attribute")
NO_OWNER = "none"


class EventError(ZkvctError):
    """A registry event is malformed (missing or invalid attribute)."""


@dataclass(frozen=True)
class ChangeEvent:
    """One CW1056 change of one identity, at block ``height``.

    ``kind`` selects the meaningful fields: ``owner`` (None = deactivated) for ``"owner"``;
    ``delegate_type``, ``delegate``, ``valid_to`` for ``"delegate"``; ``name``, ``value`` (hex),
    ``valid_to`` for ``"attribute"``.
    """

    kind: Literal["owner", "delegate", "attribute"]
    height: int
    identity: str
    previous_change: int
    owner: str | None = None
    delegate_type: str = ""
    delegate: str = ""
    name: str = ""
    value: str = ""
    valid_to: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        """What a later event must match to replace or revoke this one (ERC-1056 resolvers key
        entries by event name, delegate type / attribute name, and delegate / value)."""
        if self.kind == "delegate":
            return ("delegate", self.delegate_type, self.delegate)
        if self.kind == "attribute":
            return ("attribute", self.name, self.value)
        return ("owner", "", "")


def _uint(attrs: dict[str, str], key: str, action: str) -> int:
    raw = attrs.get(key)
    if raw is None:
        raise EventError(f"{action} event has no {key!r} attribute")
    if not re.fullmatch(r"0|[1-9][0-9]{0,19}", raw) or int(raw) >= 2**64:
        raise EventError(f"{action} event: {key}={raw!r} is not a u64 decimal")
    return int(raw)


def _text(attrs: dict[str, str], key: str, action: str) -> str:
    raw = attrs.get(key)
    if raw is None or raw == "":
        raise EventError(f"{action} event has no {key!r} attribute")
    return raw


def parse_change_event(attributes: Iterable[tuple[str, str]], height: int) -> ChangeEvent | None:
    """Turn the attributes of one ``wasm`` event into a :class:`ChangeEvent`.

    Returns None when the event is not a CW1056 change (other actions, e.g. instantiate). Raises
    :class:`EventError` for a change event with a missing or malformed attribute.
    """
    attrs: dict[str, str] = {}
    for k, v in attributes:
        attrs.setdefault(k, v)  # first occurrence wins: one execution = one change
    action = attrs.get("action")
    if action not in ACTIONS:
        return None
    identity = _text(attrs, "identity", action)
    prev = _uint(attrs, "previous_change", action)
    if prev > height:  # equal when the identity changed twice in one block
        raise EventError(f"{action} event at block {height}: previous_change={prev} is a later block")
    if action == "change_did_owner":
        owner = _text(attrs, "owner", action)
        return ChangeEvent("owner", height, identity, prev, owner=None if owner == NO_OWNER else owner)
    if action == "change_did_delegate":
        return ChangeEvent(
            "delegate", height, identity, prev,
            delegate_type=_text(attrs, "delegate_type", action),
            delegate=_text(attrs, "delegate", action),
            valid_to=_uint(attrs, "valid_to", action),
        )
    value = _text(attrs, "value", action)
    if not re.fullmatch(r"(?:[0-9a-f]{2})+", value):
        raise EventError(f"{action} event: value {value[:40]!r} is not lower-case hex bytes")
    return ChangeEvent(
        "attribute", height, identity, prev,
        name=_text(attrs, "name", action), value=value, valid_to=_uint(attrs, "valid_to", action),
    )
