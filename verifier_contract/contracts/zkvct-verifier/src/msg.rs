use cosmwasm_schema::{cw_serde, QueryResponses};
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

/// What the contract checks for one public input.
#[cw_serde]
pub enum InputRole {
    /// Credential-tree root: anchored by an issuer the statement trusts, current or replaced
    /// less than `root_window_secs` ago.
    IssuerRoot,
    /// `date − years` calendar years, where date is the `today_days` input if the statement has
    /// one, else any date within the tolerance of the block date.
    CutoffDays { years: u32 },
    /// Days since 1900-01-01, within the tolerance of the block date.
    TodayDays,
    /// Nullifier scope (the nullifier is recorded per scope).
    Scope,
    /// Must be unused in its scope; recorded by a successful transaction.
    Nullifier,
    /// Checked against the `challenge` of the message when one is given.
    Challenge,
    /// Must equal the hash of `holder_did`, a DID the sender controls (see README).
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
    AnchorRoot { issuer_did: String, root: String },
    /// Verifies a proof; on success records the nullifier and, with a holder DID, the zkVCT.
    Verify(VerifyRequest),
}

#[cw_serde]
pub struct VerifyRequest {
    pub statement_id: String,
    /// Latest version when omitted.
    pub version: Option<u32>,
    pub proof: SnarkjsProof,
    /// Public signals as snarkjs writes `public.json` (decimal strings).
    pub public_inputs: Vec<String>,
    /// Issuer whose root the `issuer_root` input claims.
    pub issuer_did: Option<String>,
    /// Holder DID for `holder_did_hash`; the sender must control it.
    pub holder_did: Option<String>,
    /// Expected value of the `challenge` input.
    pub challenge: Option<String>,
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
    Nullifier { statement_id: String, scope: Option<String>, nullifier: String },
    #[returns(ZkvctResponse)]
    Zkvct { holder_did: String, statement_id: String },
    #[returns(ZkvctsResponse)]
    Zkvcts { holder_did: String },
    /// Dry run of `Verify`: every check, no state change. `sender` stands for the transaction
    /// sender in the holder check.
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
    /// Acceptable now (current, or replaced within the window).
    pub acceptable: bool,
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
    pub issuer_did: Option<String>,
    pub holder_did: String,
    pub verified_at: u64,
    pub height: u64,
    pub valid_until: Option<u64>,
}

#[cw_serde]
pub struct ZkvctResponse {
    pub record: Option<Zkvct>,
    /// Recorded and not expired.
    pub valid: bool,
}

#[cw_serde]
pub struct ZkvctsResponse {
    pub records: Vec<Zkvct>,
}

#[cw_serde]
pub struct VerifyResponse {
    pub valid: bool,
    /// Why it was rejected.
    pub reason: Option<String>,
}

#[cw_serde]
pub struct DidHashResponse {
    pub did: String,
    pub hash: String,
}
