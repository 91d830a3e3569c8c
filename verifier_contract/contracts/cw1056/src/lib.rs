//! CW1056: the did:shr identity registry.
//!
//! A singleton registry keyed by identity = the compressed secp256k1 public key (66 hex digits).
//! Every identity implicitly exists and is owned by the ShareLedger address of its key until the
//! owner changes it; owners add and revoke delegates and attributes; setting the owner to `None`
//! deactivates the identity for good. Each change emits a `wasm` event whose `previous_change`
//! points at the block of the identity's previous change, so a resolver can walk the history
//! backwards from `changed`. Every change also has a signed ("meta-transaction") variant, so a
//! relayer can pay the gas. See README.md for the exact sign bytes and the choices made where
//! ShareRing's texts disagree.
pub mod address;
pub mod contract;
mod error;
pub mod msg;
pub mod signing;
pub mod state;

pub use crate::error::ContractError;

#[cfg(test)]
mod tests;
