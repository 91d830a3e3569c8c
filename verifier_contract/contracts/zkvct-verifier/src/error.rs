use cosmwasm_std::StdError;
use thiserror::Error;

/// Every refusal names what was wrong and what is allowed.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("invalid {field}: {reason}")]
    InvalidField { field: String, reason: String },

    #[error("invalid DID {did:?}: expected did:shr:<66 hex digits of a compressed secp256k1 public key>")]
    InvalidDid { did: String },

    #[error("unauthorized: {sender} is neither the CW1056 owner nor a valid {delegate_type} delegate of {did}")]
    NotController { sender: String, did: String, delegate_type: String },

    #[error("{did} is deactivated in the CW1056 registry")]
    DidDeactivated { did: String },

    #[error("statement {statement_id:?} belongs to {owner}; only its controller can add versions or revoke")]
    StatementOwnedByOther { statement_id: String, owner: String },

    #[error("invalid verification key: {0}")]
    InvalidKey(String),

    #[error("invalid roles: {0}")]
    InvalidRoles(String),

    #[error("unknown statement {statement_id:?} version {version:?}")]
    UnknownStatement { statement_id: String, version: Option<u32> },

    #[error("statement {statement_id:?} version {version} is revoked")]
    StatementRevoked { statement_id: String, version: u32 },

    #[error("wrong number of public inputs: statement takes {expected}, got {got}")]
    WrongInputCount { expected: usize, got: usize },

    #[error("non-canonical public input: {0}")]
    InputNotCanonical(String),

    #[error("malformed proof: {0}")]
    MalformedProof(String),

    #[error("proof does not verify: the pairing check failed")]
    ProofRejected,

    #[error("issuer {issuer} is not trusted by statement {statement_id:?} version {version}")]
    UntrustedIssuer { issuer: String, statement_id: String, version: u32 },

    #[error("issuer_root input needs the issuer DID in the message (field issuer_did)")]
    IssuerRequired,

    #[error("root {root} was never anchored by {issuer}")]
    UnknownRoot { root: String, issuer: String },

    #[error("root {root} of {issuer} was replaced at {replaced_at}s; roots stay acceptable for {window}s after replacement (now {now}s)")]
    StaleRoot { root: String, issuer: String, replaced_at: u64, window: u64, now: u64 },

    #[error("{role} = {value} is not within {tolerance} day(s) of the block date {block_day} (days since 1900-01-01)")]
    StaleDate { role: String, value: String, block_day: u64, tolerance: u64 },

    #[error("cutoff_days = {value} is not {years} calendar years before an accepted date (expected one of {expected:?})")]
    BadCutoff { value: String, years: u32, expected: Vec<u64> },

    #[error("nullifier {nullifier} was already used in its scope (statement {statement_id:?}, height {height})")]
    NullifierUsed { nullifier: String, statement_id: String, height: u64 },

    #[error("holder_did_hash input needs the holder DID in the message (field holder_did)")]
    HolderDidRequired,

    #[error("holder_did_hash = {value} is not the hash of {did} ({expected})")]
    HolderDidMismatch { value: String, did: String, expected: String },

    #[error("challenge input {value} differs from the expected challenge {expected}")]
    ChallengeMismatch { value: String, expected: String },

    #[error("public input {index} (param) = {value}; the statement fixes it to {expected}")]
    ParamMismatch { index: usize, value: String, expected: String },

    #[error("holder binding needs a sender: pass `sender` in the verify query")]
    SenderRequired,
}
