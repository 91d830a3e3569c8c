use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Binary};
use cw_storage_plus::{Item, Map};

use crate::msg::{InputRole, Zkvct};

#[cw_serde]
pub struct Config {
    pub registry: Addr,
    /// Bech32 prefix of the registry (read from it at instantiation).
    pub address_prefix: String,
    pub root_window_secs: u64,
    pub delegate_type: String,
    pub date_tolerance_days: u64,
}

/// A registered statement version. Written once, never modified (revocation is kept apart).
#[cw_serde]
pub struct StatementVersion {
    pub owner_did: String,
    /// `zkvct_groth16::PreparedKey::to_bytes`: validated key with e(alpha, beta) precomputed.
    pub key: Binary,
    pub roles: Vec<InputRole>,
    pub trusted_issuers: Vec<String>,
    pub record_validity_secs: Option<u64>,
    pub description: Option<String>,
    pub registered_height: u64,
}

#[cw_serde]
pub struct StatementInfo {
    pub owner_did: String,
    pub latest_version: u32,
}

#[cw_serde]
pub struct RootState {
    pub anchored_at: u64,
    pub replaced_at: Option<u64>,
    /// Anchoring order within the issuer: roots below the issuer's `retired_below` are retired.
    pub seq: u64,
    /// Height of a `retire_root` of this root.
    pub retired_height: Option<u64>,
}

/// An issuer's roots as a whole: the current one, the next sequence number, and the sequence
/// number below which every root is retired (set by `anchor_root { retire_previous: true }`;
/// one write retires any number of earlier roots).
#[cw_serde]
#[derive(Default)]
pub struct IssuerState {
    pub current_root: Option<String>,
    pub next_seq: u64,
    pub retired_below: u64,
}

#[cw_serde]
pub struct NullifierUse {
    pub statement_id: String,
    pub version: u32,
    pub height: u64,
}

pub const CONFIG: Item<Config> = Item::new("config");
pub const STATEMENTS: Map<&str, StatementInfo> = Map::new("statements");
pub const VERSIONS: Map<(&str, u32), StatementVersion> = Map::new("versions");
/// (statement, version) -> height of revocation.
pub const REVOKED: Map<(&str, u32), u64> = Map::new("revoked");
/// (issuer identity, root as 32 big-endian bytes) -> anchoring state.
pub const ROOTS: Map<(&str, &[u8]), RootState> = Map::new("roots");
/// issuer identity -> its roots as a whole.
pub const ISSUERS: Map<&str, IssuerState> = Map::new("issuers");
/// (statement, scope as 32 bytes, nullifier as 32 bytes) -> first use. Keyed by statement too,
/// so two statements never block each other.
pub const NULLIFIERS: Map<(&str, &[u8], &[u8]), NullifierUse> = Map::new("nullifiers_v2");
/// proof_hash -> first acceptance (any statement).
pub const PROOFS: Map<&[u8], NullifierUse> = Map::new("proofs");
/// holder identity -> nonce its next authorization must carry.
pub const AUTH_NONCES: Map<&str, u64> = Map::new("auth_nonces");
/// (issuer identity, holder identity) -> height of the credential revocation.
pub const CREDENTIAL_REVOKED: Map<(&str, &str), u64> = Map::new("credential_revoked");
/// (statement, version) -> the verification key as registered (snarkjs JSON), for the
/// `verification_key` query.
pub const VERIFICATION_KEYS: Map<(&str, u32), zkvct_groth16::SnarkjsVerificationKey> = Map::new("verification_keys");
/// (holder identity, statement) -> latest zkVCT.
pub const ZKVCTS: Map<(&str, &str), Zkvct> = Map::new("zkvcts");
