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
/// issuer identity -> current root (decimal).
pub const CURRENT_ROOT: Map<&str, String> = Map::new("current_root");
/// (scope as 32 bytes, nullifier as 32 bytes) -> first use.
pub const NULLIFIERS: Map<(&[u8], &[u8]), NullifierUse> = Map::new("nullifiers");
/// (holder identity, statement) -> latest zkVCT.
pub const ZKVCTS: Map<(&str, &str), Zkvct> = Map::new("zkvcts");
