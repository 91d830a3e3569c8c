use cosmwasm_schema::cw_serde;
use cw_storage_plus::{Item, Map};

#[cw_serde]
pub struct Config {
    pub address_prefix: String,
}

pub const CONFIG: Item<Config> = Item::new("config");
/// Owner changes: absent = default owner (the key's own address); `Some(None)` = deactivated.
pub const OWNERS: Map<&str, Option<String>> = Map::new("owners");
/// (identity, delegate_type, delegate) -> valid_to (seconds since the Unix epoch).
pub const DELEGATES: Map<(&str, &str, &str), u64> = Map::new("delegates");
/// identity -> block height of its latest change.
pub const CHANGED: Map<&str, u64> = Map::new("changed");
/// identity -> number of meta-transactions accepted so far (the next one must sign this value).
pub const NONCES: Map<&str, u64> = Map::new("nonces");
