"""Typed messages for the two contracts of ``verifier_contract/`` (their JSON wire shapes).

The schemas belong to the contracts (``contracts/cw1056/src/msg.rs``,
``contracts/zkvct-verifier/src/msg.rs``), exported as JSON schema under
``verifier_contract/schema/`` (cosmwasm-schema); these pydantic models are written by hand and
``tests/chain/test_chain_schema.py`` checks them against that schema variant by variant and field
by field, so the contract stays the one definition. Python callers get a type error naming the
field instead of a serde error from the chain. ``cw_serde`` enums are
externally tagged with snake_case names: ``{"add_delegate": {...}}``; ``Option`` fields travel as
``null``. The contract remains the authority on validity (curve points, canonical inputs,
authorisation): the models only check shapes and integer ranges, so deliberately bad proofs can
still be sent to show that the contract rejects them.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

U64 = Field(ge=0, le=2**64 - 1)
U32 = Field(ge=0, le=2**32 - 1)


class _Wire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    #: cw_serde variant name (snake_case); empty for plain structs (instantiate messages)
    variant: ClassVar[str] = ""

    def to_wire(self) -> dict[str, Any]:
        body = self.model_dump(mode="json", by_alias=True)
        return {self.variant: body} if self.variant else body


# ----------------------------------------------------------------------------------------------
# CW1056 did:shr registry


class Cw1056Instantiate(_Wire):
    address_prefix: str | None = None


class MetaSignature(_Wire):
    """Meta-transaction signature: ``signer`` = compressed key hex, ``signature`` = base64 r||s."""

    signer: str
    signature: str


class ChangeOwner(_Wire):
    variant: ClassVar[str] = "change_owner"
    identity: str
    new_owner: str | None


class AddDelegate(_Wire):
    variant: ClassVar[str] = "add_delegate"
    identity: str
    delegate_type: str
    delegate: str
    validity: int = U64


class RevokeDelegate(_Wire):
    variant: ClassVar[str] = "revoke_delegate"
    identity: str
    delegate_type: str
    delegate: str


class SetAttribute(_Wire):
    variant: ClassVar[str] = "set_attribute"
    identity: str
    name: str
    value: str
    validity: int = U64


class RevokeAttribute(_Wire):
    variant: ClassVar[str] = "revoke_attribute"
    identity: str
    name: str
    value: str


class ChangeOwnerSigned(ChangeOwner):
    variant: ClassVar[str] = "change_owner_signed"
    auth: MetaSignature


class AddDelegateSigned(AddDelegate):
    variant: ClassVar[str] = "add_delegate_signed"
    auth: MetaSignature


class RevokeDelegateSigned(RevokeDelegate):
    variant: ClassVar[str] = "revoke_delegate_signed"
    auth: MetaSignature


class SetAttributeSigned(SetAttribute):
    variant: ClassVar[str] = "set_attribute_signed"
    auth: MetaSignature


class RevokeAttributeSigned(RevokeAttribute):
    variant: ClassVar[str] = "revoke_attribute_signed"
    auth: MetaSignature


class IdentityOwner(_Wire):
    variant: ClassVar[str] = "identity_owner"
    identity: str


class ValidDelegate(_Wire):
    variant: ClassVar[str] = "valid_delegate"
    identity: str
    delegate_type: str
    delegate: str


class Changed(_Wire):
    variant: ClassVar[str] = "changed"
    identity: str


class Nonce(_Wire):
    variant: ClassVar[str] = "nonce"
    identity: str


class SignedActionChangeOwner(_Wire):
    variant: ClassVar[str] = "change_owner"
    new_owner: str | None


class SignedActionAddDelegate(_Wire):
    variant: ClassVar[str] = "add_delegate"
    delegate_type: str
    delegate: str
    validity: int = U64


class SignedActionRevokeDelegate(_Wire):
    variant: ClassVar[str] = "revoke_delegate"
    delegate_type: str
    delegate: str


class SignedActionSetAttribute(_Wire):
    variant: ClassVar[str] = "set_attribute"
    name: str
    value: str
    validity: int = U64


class SignedActionRevokeAttribute(_Wire):
    variant: ClassVar[str] = "revoke_attribute"
    name: str
    value: str


#: CW1056 ``SignedAction``: what a meta-transaction signature covers (``sign_bytes`` query).
SIGNED_ACTIONS = {c.variant: c for c in (SignedActionChangeOwner, SignedActionAddDelegate, SignedActionRevokeDelegate,
                                         SignedActionSetAttribute, SignedActionRevokeAttribute)}


class SignBytes(_Wire):
    """CW1056 ``sign_bytes``: ``action`` is a SignedAction in wire form, ``{"add_delegate": {...}}``."""

    variant: ClassVar[str] = "sign_bytes"
    identity: str
    action: dict[str, Any]


class RegistryConfig(_Wire):
    variant: ClassVar[str] = "config"


class IdentityOwnerResponse(BaseModel):
    owner: str | None = None
    deactivated: bool


class ChangedResponse(BaseModel):
    height: int | None = None


class ValidDelegateResponse(BaseModel):
    valid: bool
    valid_to: int | None = None


# ----------------------------------------------------------------------------------------------
# zkVCT verifier


class SnarkjsProof(_Wire):
    """``proof.json`` as snarkjs writes it (decimal strings, projective with z = 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pi_a: list[str]
    pi_b: list[list[str]]
    pi_c: list[str]
    protocol: str | None = None
    curve: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class SnarkjsVerificationKey(_Wire):
    """``verification_key.json`` (Groth16) as written by ``snarkjs zkey export verificationkey``."""

    protocol: str
    curve: str
    n_public: int = Field(alias="nPublic", ge=0, le=2**32 - 1)
    vk_alpha_1: list[str]
    vk_beta_2: list[list[str]]
    vk_gamma_2: list[list[str]]
    vk_delta_2: list[list[str]]
    vk_alphabeta_12: list[list[list[str]]] | None = None
    ic: list[list[str]] = Field(alias="IC")

    def to_wire(self) -> dict[str, Any]:
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class VerifierInstantiate(_Wire):
    registry: str
    root_window_secs: int = U64
    delegate_type: str | None = None
    date_tolerance_days: int | None = Field(default=None, ge=0, le=2**64 - 1)


# InputRole: unit variants are bare strings, struct variants {"cutoff_days": {"years": 18}}.
SimpleRole = Literal["issuer_root", "revocation_root", "today_days", "scope", "nullifier", "challenge",
                     "holder_did_hash"]


class CutoffDays(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    years: int = U32


class CutoffDaysRole(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cutoff_days: CutoffDays


class ParamValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: str


class ParamRole(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    param: ParamValue


InputRole = Union[SimpleRole, CutoffDaysRole, ParamRole]


def role(name: str, **kw: Any) -> Any:
    """Build an input role: ``role("nullifier")``, ``role("cutoff_days", years=18)``,
    ``role("param", value="7")``."""
    if name == "cutoff_days":
        return CutoffDaysRole(cutoff_days=CutoffDays(**kw))
    if name == "param":
        return ParamRole(param=ParamValue(**kw))
    allowed = SimpleRole.__args__  # type: ignore[attr-defined]
    if name not in allowed or kw:
        raise ValueError(f"unknown input role {name!r}; allowed: {', '.join(allowed)}, cutoff_days(years), param(value)")
    return name


class RegisterStatement(_Wire):
    variant: ClassVar[str] = "register_statement"
    statement_id: str
    owner_did: str
    verification_key: SnarkjsVerificationKey
    roles: list[InputRole]
    trusted_issuers: list[str]
    record_validity_secs: int | None = Field(default=None, ge=0, le=2**64 - 1)
    description: str | None = None


class RevokeStatement(_Wire):
    variant: ClassVar[str] = "revoke_statement"
    statement_id: str
    version: int | None = Field(default=None, ge=0, le=2**32 - 1)


class AnchorRoot(_Wire):
    """Anchor the issuer's current root; ``retire_previous`` (a revocation) retires every earlier
    root of the issuer at once."""

    variant: ClassVar[str] = "anchor_root"
    issuer_did: str
    root: str
    retire_previous: bool


class RetireRoot(_Wire):
    variant: ClassVar[str] = "retire_root"
    issuer_did: str
    root: str


class RevokeCredential(_Wire):
    """The holder's records made under this issuer until now are reported not valid."""

    variant: ClassVar[str] = "revoke_credential"
    issuer_did: str
    holder_did: str


class ProofRequest(_Wire):
    """The relying party's request (the challenge is derived from it); ``expires_at`` in Unix s."""

    id: str
    nonce: str
    expires_at: int = U64


class HolderAuthorization(_Wire):
    """The holder's signed consent that the relying party submits the proof: compressed key hex,
    base64 r||s over sha256(sign bytes) (query ``authorization_sign_bytes``), the holder's nonce."""

    public_key: str
    signature: str
    nonce: int = U64


class VerifyRequest(_Wire):
    statement_id: str
    version: int | None = Field(default=None, ge=0, le=2**32 - 1)
    proof: SnarkjsProof
    public_inputs: list[str]
    issuer_did: str
    relying_party_did: str
    request: ProofRequest
    holder_did: str | None = None
    holder_authorization: HolderAuthorization | None = None


class Verify(_Wire):
    """Execute ``verify`` (newtype variant: ``{"verify": {<VerifyRequest>}}``)."""

    variant: ClassVar[str] = "verify"
    request: VerifyRequest

    def to_wire(self) -> dict[str, Any]:
        return {"verify": self.request.to_wire()}


class StatementQuery(_Wire):
    variant: ClassVar[str] = "statement"
    statement_id: str
    version: int | None = None


class IssuerRootQuery(_Wire):
    variant: ClassVar[str] = "issuer_root"
    issuer_did: str
    root: str


class CurrentRootQuery(_Wire):
    variant: ClassVar[str] = "current_root"
    issuer_did: str


class NullifierQuery(_Wire):
    variant: ClassVar[str] = "nullifier"
    statement_id: str
    scope: str
    nullifier: str


class VerificationKeyQuery(_Wire):
    variant: ClassVar[str] = "verification_key"
    statement_id: str
    version: int | None = None


class AuthorizationNonceQuery(_Wire):
    variant: ClassVar[str] = "authorization_nonce"
    holder_did: str


class AuthorizationSignBytesQuery(_Wire):
    variant: ClassVar[str] = "authorization_sign_bytes"
    request: VerifyRequest


class ProofQuery(_Wire):
    variant: ClassVar[str] = "proof"
    proof_hash: str


class ZkvctQuery(_Wire):
    variant: ClassVar[str] = "zkvct"
    holder_did: str
    statement_id: str


class ZkvctsQuery(_Wire):
    variant: ClassVar[str] = "zkvcts"
    holder_did: str


class VerifyQuery(_Wire):
    """Dry run of ``verify`` (no state change); ``sender`` stands in for the tx sender."""

    variant: ClassVar[str] = "verify"
    request: VerifyRequest
    sender: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return {"verify": {"request": self.request.to_wire(), "sender": self.sender}}


class DidHashQuery(_Wire):
    variant: ClassVar[str] = "did_hash"
    did: str


class ConfigQuery(_Wire):
    variant: ClassVar[str] = "config"


#: Every execute and query message by contract and variant: the schema test walks these.
CW1056_EXECUTE = {c.variant: c for c in (ChangeOwner, AddDelegate, RevokeDelegate, SetAttribute, RevokeAttribute,
                                         ChangeOwnerSigned, AddDelegateSigned, RevokeDelegateSigned,
                                         SetAttributeSigned, RevokeAttributeSigned)}
CW1056_QUERY = {c.variant: c for c in (IdentityOwner, ValidDelegate, Changed, Nonce, SignBytes, RegistryConfig)}
VERIFIER_EXECUTE = {c.variant: c for c in (RegisterStatement, RevokeStatement, AnchorRoot, RetireRoot,
                                           RevokeCredential, Verify)}


class NullifierResponse(BaseModel):
    used: bool
    statement_id: str | None = None
    height: int | None = None


class ZkvctRecord(BaseModel):
    statement_id: str
    version: int
    issuer_did: str
    relying_party_did: str
    holder_did: str
    verified_at: int
    height: int
    valid_until: int | None = None


class ZkvctResponse(BaseModel):
    record: ZkvctRecord | None = None
    valid: bool
    #: ``not_found`` / ``statement_revoked`` / ``credential_revoked`` / ``expired`` when not valid
    reason: str | None = None


class VerifyResponse(BaseModel):
    valid: bool
    #: the reason code of docs/protocol.md when rejected
    code: str | None = None
    reason: str | None = None


class VerificationKeyResponse(BaseModel):
    statement_id: str
    version: int
    verification_key: dict[str, Any]


class AuthorizationNonceResponse(BaseModel):
    holder_did: str
    nonce: int


class SignBytesResponse(BaseModel):
    nonce: int
    sign_bytes: str
    digest: str
    proof_hash: str


class ProofResponse(BaseModel):
    used: bool
    statement_id: str | None = None
    height: int | None = None


class RootResponse(BaseModel):
    anchored: bool
    anchored_at: int | None = None
    replaced_at: int | None = None
    retired: bool
    acceptable: bool
    current: bool


#: Verifier query variant -> (query model, response model or None where the answer is used raw).
VERIFIER_QUERY = {
    "config": (ConfigQuery, None),
    "statement": (StatementQuery, None),
    "issuer_root": (IssuerRootQuery, RootResponse),
    "current_root": (CurrentRootQuery, None),
    "nullifier": (NullifierQuery, NullifierResponse),
    "verification_key": (VerificationKeyQuery, VerificationKeyResponse),
    "authorization_nonce": (AuthorizationNonceQuery, AuthorizationNonceResponse),
    "authorization_sign_bytes": (AuthorizationSignBytesQuery, SignBytesResponse),
    "proof": (ProofQuery, ProofResponse),
    "zkvct": (ZkvctQuery, ZkvctResponse),
    "zkvcts": (ZkvctsQuery, None),
    "verify": (VerifyQuery, VerifyResponse),
    "did_hash": (DidHashQuery, None),
}


#: The reason codes of docs/protocol.md ("Verify") a verification is refused with, plus the
#: contract's codes for what the table does not cover (registration and DID state).
REASON_CODES = (
    "malformed", "wrong_input_count", "input_not_canonical", "proof_malformed", "proof_invalid",
    "statement_unknown", "statement_revoked", "issuer_not_trusted", "root_unknown", "root_retired",
    "root_expired", "root_not_current", "today_out_of_range", "cutoff_mismatch", "scope_mismatch",
    "challenge_mismatch", "request_expired", "nullifier_used", "proof_replayed", "holder_did_missing",
    "holder_did_mismatch", "sender_not_authorized", "authorization_invalid", "authorization_nonce",
    # contract-only
    "param_mismatch", "did_deactivated", "statement_owned_by_other", "key_invalid", "roles_invalid",
)


def reason_code(reason: str) -> str:
    """The reason code a contract refusal starts with (``"nullifier_used: ..."`` ->
    ``"nullifier_used"``); ``"malformed"`` for a message the contract did not word (a serde
    error from the chain is a malformed message)."""
    head = reason.split(":", 1)[0].strip()
    return head if head in REASON_CODES else "malformed"


def load_json(path: str | Path) -> Any:
    """Read a JSON file (snarkjs proof / public / verification key)."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)
