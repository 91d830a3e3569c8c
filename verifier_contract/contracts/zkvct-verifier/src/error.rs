use cosmwasm_std::StdError;
use thiserror::Error;

/// Every refusal names what was wrong and what is allowed. Its message starts with the reason
/// code of docs/protocol.md (`<code>: <detail>`), so a refusal on chain and one off chain read
/// alike and clients can map the code without parsing prose; [`ContractError::code`] gives it.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("malformed: {0}")]
    Std(#[from] StdError),

    #[error("malformed: invalid {field}: {reason}")]
    InvalidField { field: String, reason: String },

    #[error("malformed: invalid DID {did:?}: expected did:shr:<66 hex digits of a compressed secp256k1 public key>")]
    InvalidDid { did: String },

    #[error("sender_not_authorized: {sender} is neither the CW1056 owner nor a valid {delegate_type} delegate of {did}")]
    NotController { sender: String, did: String, delegate_type: String },

    #[error("did_deactivated: {did} is deactivated in the CW1056 registry")]
    DidDeactivated { did: String },

    #[error("statement_owned_by_other: statement {statement_id:?} belongs to {owner}; only its controller can add versions or revoke")]
    StatementOwnedByOther { statement_id: String, owner: String },

    #[error("key_invalid: invalid verification key: {0}")]
    InvalidKey(String),

    #[error("roles_invalid: {0}")]
    InvalidRoles(String),

    #[error("statement_unknown: unknown statement {statement_id:?} version {version:?}")]
    UnknownStatement { statement_id: String, version: Option<u32> },

    #[error("statement_revoked: statement {statement_id:?} version {version} is revoked")]
    StatementRevoked { statement_id: String, version: u32 },

    #[error("wrong_input_count: statement takes {expected} public inputs, got {got}")]
    WrongInputCount { expected: usize, got: usize },

    #[error("input_not_canonical: {0}")]
    InputNotCanonical(String),

    #[error("proof_malformed: {0}")]
    MalformedProof(String),

    #[error("proof_invalid: the pairing check failed")]
    ProofRejected,

    #[error("proof_replayed: a proof with hash {proof_hash} was accepted at height {height}; a proof's bytes are accepted once")]
    ProofReplayed { proof_hash: String, height: u64 },

    #[error("issuer_not_trusted: issuer {issuer} is not trusted by statement {statement_id:?} version {version}")]
    UntrustedIssuer { issuer: String, statement_id: String, version: u32 },

    #[error("root_unknown: root {root} was never anchored by {issuer}")]
    UnknownRoot { root: String, issuer: String },

    #[error("root_retired: root {root} of {issuer} was retired")]
    RootRetired { root: String, issuer: String },

    #[error("root_expired: root {root} of {issuer} was replaced at {replaced_at}s; roots stay acceptable for {window}s after replacement (now {now}s)")]
    StaleRoot { root: String, issuer: String, replaced_at: u64, window: u64, now: u64 },

    #[error("root_not_current: revocation root {root} is not the current root of {issuer}")]
    RootNotCurrent { root: String, issuer: String },

    #[error("today_out_of_range: {role} = {value} is not within {tolerance} day(s) of the block date {block_day} (days since 1900-01-01)")]
    StaleDate { role: String, value: String, block_day: u64, tolerance: u64 },

    #[error("cutoff_mismatch: cutoff_days = {value} is not {years} calendar years before an accepted date (expected one of {expected:?})")]
    BadCutoff { value: String, years: u32, expected: Vec<u64> },

    #[error("scope_mismatch: scope input {value} is not the scope of {relying_party_did} for statement {statement_id:?} ({expected})")]
    ScopeMismatch { value: String, expected: String, relying_party_did: String, statement_id: String },

    #[error("challenge_mismatch: challenge input {value} is not the challenge derived from the request ({expected})")]
    ChallengeMismatch { value: String, expected: String },

    #[error("request_expired: the request expired at {expires_at}s (block time {now}s)")]
    RequestExpired { expires_at: u64, now: u64 },

    #[error("nullifier_used: nullifier {nullifier} was already used for statement {statement_id:?} in this scope (height {height})")]
    NullifierUsed { nullifier: String, statement_id: String, height: u64 },

    #[error("holder_did_missing: a DID-bound statement needs the holder DID in the message (field holder_did)")]
    HolderDidRequired,

    #[error("holder_did_mismatch: holder_did_hash = {value} is not the hash of {did} ({expected})")]
    HolderDidMismatch { value: String, did: String, expected: String },

    #[error("param_mismatch: public input {index} (param) = {value}; the statement fixes it to {expected}")]
    ParamMismatch { index: usize, value: String, expected: String },

    #[error("sender_not_authorized: {0}")]
    SenderNotAuthorized(String),

    #[error("authorization_invalid: {0}")]
    AuthorizationInvalid(String),

    #[error("authorization_nonce: the authorization carries nonce {got}; the holder's current nonce is {expected}")]
    AuthorizationNonce { got: u64, expected: u64 },
}

impl ContractError {
    /// The reason code (docs/protocol.md): the message up to its first colon.
    pub fn code(&self) -> String {
        let s = self.to_string();
        s.split(':').next().unwrap_or("malformed").to_string()
    }
}
