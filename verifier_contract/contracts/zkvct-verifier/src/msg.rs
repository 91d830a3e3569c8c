use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Binary;
use zkvct_groth16::{SnarkjsProof, SnarkjsVerificationKey};

#[cw_serde]
pub struct InstantiateMsg {
    /// Address of the CW1056 did:shr registry.
    pub registry: String,
    /// How long (seconds) a replaced issuer root stays acceptable.
    pub root_window_secs: u64,
    /// Delegate type (CW1056) that may act for a DID besides its owner; `"sigAuth"` when omitted.
    pub delegate_type: Option<String>,
    /// Tolerance (days) between date inputs and the block date; 1 when omitted, at most 7.
    pub date_tolerance_days: Option<u64>,
}

/// What the contract checks for one public input (docs/protocol.md, "Public inputs"). A
/// statement has exactly one root role, one `scope`, one `nullifier`, one `challenge`; every
/// role at most once.
#[cw_serde]
pub enum InputRole {
    /// Credential-tree root: anchored by an issuer the statement trusts, not retired, current or
    /// replaced less than `root_window_secs` ago.
    IssuerRoot,
    /// Revocation root (`not_revoked`): the issuer's current root, not retired (a revoked
    /// credential's leaf is zero there).
    RevocationRoot,
    /// `date − years` calendar years, where date is the `today_days` input if the statement has
    /// one, else any date within the tolerance of the block date.
    CutoffDays { years: u32 },
    /// Days since 1900-01-01, within the tolerance of the block date.
    TodayDays,
    /// `h253(lp("zkvct/scope/v2") ‖ lp(relying_party_did) ‖ lp(statement_id))`.
    Scope,
    /// Must be unused for (statement, scope); recorded by a successful transaction.
    Nullifier,
    /// `h253(lp("zkvct/challenge/v2") ‖ lp(relying_party_did) ‖ lp(request.id) ‖ lp(request.nonce)
    /// ‖ u64be(request.expires_at))`: mandatory, derived from the request.
    Challenge,
    /// DID-bound mode: must equal the hash of `holder_did`.
    HolderDidHash,
    /// Fixed by the statement (decimal string).
    Param { value: String },
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Registers a new version of a statement (version 1 creates it). The sender must control
    /// `owner_did`; later versions must come from the same DID.
    RegisterStatement {
        statement_id: String,
        owner_did: String,
        verification_key: SnarkjsVerificationKey,
        roles: Vec<InputRole>,
        /// did:shr identities whose anchored roots this version accepts.
        trusted_issuers: Vec<String>,
        /// Lifetime of recorded zkVCTs (seconds); records never expire when omitted.
        record_validity_secs: Option<u64>,
        description: Option<String>,
    },
    /// Revokes one version, or every version when `version` is omitted.
    RevokeStatement { statement_id: String, version: Option<u32> },
    /// Anchors the issuer's current credential-tree root; the sender must control `issuer_did`.
    /// With `retire_previous` (a revocation) every earlier root of the issuer is retired at once.
    AnchorRoot { issuer_did: String, root: String, retire_previous: bool },
    /// Retires one root of the issuer at once.
    RetireRoot { issuer_did: String, root: String },
    /// Reports the holder's zkVCT records made under this issuer before now as not valid.
    RevokeCredential { issuer_did: String, holder_did: String },
    /// Verifies a proof; on success records the proof hash, the nullifier and, in DID-bound
    /// mode, the zkVCT.
    Verify(VerifyRequest),
}

/// The relying party's request the proof answers (its challenge is derived from it).
#[cw_serde]
pub struct ProofRequest {
    pub id: String,
    pub nonce: String,
    /// Unix seconds; the request is refused after this time (`request_expired`).
    pub expires_at: u64,
}

/// The holder's consent that the relying party submits this proof for it: a secp256k1
/// signature (64-byte r‖s, base64) over sha256 of the CW1056-layout sign bytes
/// (`QueryMsg::AuthorizationSignBytes`), by a key that controls `holder_did`.
#[cw_serde]
pub struct HolderAuthorization {
    /// Compressed secp256k1 public key, 66 hex digits.
    pub public_key: String,
    pub signature: Binary,
    /// Must equal the holder DID's current authorization nonce in this verifier.
    pub nonce: u64,
}

#[cw_serde]
pub struct VerifyRequest {
    pub statement_id: String,
    /// Latest version when omitted.
    pub version: Option<u32>,
    pub proof: SnarkjsProof,
    /// Public signals as snarkjs writes `public.json` (decimal strings).
    pub public_inputs: Vec<String>,
    /// Issuer whose root the root input claims.
    pub issuer_did: String,
    /// The relying party the proof was made for (scope and challenge derive from it).
    pub relying_party_did: String,
    pub request: ProofRequest,
    /// DID-bound mode: the holder DID whose hash is the `holder_did_hash` input.
    pub holder_did: Option<String>,
    /// DID-bound mode, submitted by the relying party: the holder's signed consent.
    pub holder_authorization: Option<HolderAuthorization>,
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(StatementResponse)]
    Statement { statement_id: String, version: Option<u32> },
    #[returns(RootResponse)]
    IssuerRoot { issuer_did: String, root: String },
    #[returns(CurrentRootResponse)]
    CurrentRoot { issuer_did: String },
    #[returns(NullifierResponse)]
    Nullifier { statement_id: String, scope: String, nullifier: String },
    /// The statement version's verification key as it was registered (snarkjs JSON).
    #[returns(VerificationKeyResponse)]
    VerificationKey { statement_id: String, version: Option<u32> },
    /// The nonce the holder's next authorization must carry.
    #[returns(AuthorizationNonceResponse)]
    AuthorizationNonce { holder_did: String },
    /// The exact bytes (and their sha256) a holder signs to authorize a relying party to submit
    /// `request` (with its current nonce).
    #[returns(SignBytesResponse)]
    AuthorizationSignBytes { request: VerifyRequest },
    /// Whether a proof with this hash (hex, docs/protocol.md `proof_hash`) was accepted.
    #[returns(ProofResponse)]
    Proof { proof_hash: String },
    #[returns(ZkvctResponse)]
    Zkvct { holder_did: String, statement_id: String },
    #[returns(ZkvctsResponse)]
    Zkvcts { holder_did: String },
    /// Dry run of `Verify`: every check, no state change. `sender` stands for the transaction
    /// sender in the submitter check.
    #[returns(VerifyResponse)]
    Verify { request: VerifyRequest, sender: Option<String> },
    /// `holder_did_hash` of a DID, as the decimal public input.
    #[returns(DidHashResponse)]
    DidHash { did: String },
}

#[cw_serde]
pub struct ConfigResponse {
    pub registry: String,
    pub root_window_secs: u64,
    pub delegate_type: String,
    pub date_tolerance_days: u64,
}

#[cw_serde]
pub struct StatementResponse {
    pub statement_id: String,
    pub version: u32,
    pub latest_version: u32,
    pub owner_did: String,
    pub n_public: u32,
    pub roles: Vec<InputRole>,
    pub trusted_issuers: Vec<String>,
    pub record_validity_secs: Option<u64>,
    pub description: Option<String>,
    pub registered_height: u64,
    /// Block height of revocation, if revoked.
    pub revoked_height: Option<u64>,
    /// sha256 of the stored prepared key (hex), to compare keys across versions.
    pub key_hash: String,
}

#[cw_serde]
pub struct RootResponse {
    pub anchored: bool,
    pub anchored_at: Option<u64>,
    pub replaced_at: Option<u64>,
    /// Retired (directly, or by a later `anchor_root` with `retire_previous`).
    pub retired: bool,
    /// Acceptable now as an `issuer_root` (not retired; current, or replaced within the window).
    pub acceptable: bool,
    /// The issuer's current root (what a `revocation_root` must be).
    pub current: bool,
}

#[cw_serde]
pub struct CurrentRootResponse {
    pub root: Option<String>,
}

#[cw_serde]
pub struct NullifierResponse {
    pub used: bool,
    pub statement_id: Option<String>,
    pub height: Option<u64>,
}

#[cw_serde]
pub struct Zkvct {
    pub statement_id: String,
    pub version: u32,
    pub issuer_did: String,
    pub relying_party_did: String,
    pub holder_did: String,
    pub verified_at: u64,
    pub height: u64,
    pub valid_until: Option<u64>,
}

#[cw_serde]
pub struct ZkvctResponse {
    pub record: Option<Zkvct>,
    /// Recorded, its statement version not revoked, the credential not revoked, not expired.
    pub valid: bool,
    /// Why not valid: `not_found`, `statement_revoked`, `credential_revoked` or `expired`.
    pub reason: Option<String>,
}

#[cw_serde]
pub struct ZkvctsResponse {
    pub records: Vec<Zkvct>,
}

#[cw_serde]
pub struct VerifyResponse {
    pub valid: bool,
    /// The reason code of docs/protocol.md (`nullifier_used`, ...) when rejected.
    pub code: Option<String>,
    /// The contract's message (`<code>: <detail>`) when rejected.
    pub reason: Option<String>,
}

#[cw_serde]
pub struct VerificationKeyResponse {
    pub statement_id: String,
    pub version: u32,
    pub verification_key: SnarkjsVerificationKey,
}

#[cw_serde]
pub struct AuthorizationNonceResponse {
    pub holder_did: String,
    pub nonce: u64,
}

#[cw_serde]
pub struct SignBytesResponse {
    pub nonce: u64,
    pub sign_bytes: Binary,
    /// sha256(sign_bytes), what the secp256k1 signature is made over.
    pub digest: Binary,
    /// Hex of the proof hash the authorization names.
    pub proof_hash: String,
}

#[cw_serde]
pub struct ProofResponse {
    pub used: bool,
    pub statement_id: Option<String>,
    pub height: Option<u64>,
}

#[cw_serde]
pub struct DidHashResponse {
    pub did: String,
    pub hash: String,
}
