//! zkVCT verifier: Groth16 (BN254) statements registered by did:shr identities, with a role for
//! every public input that tells the contract which check it needs (trusted fresh issuer root,
//! dates bound to block time, nullifier unused in its scope, holder DID controlled by the sender,
//! fixed parameters). A verification that passes every check and the pairing equation may record
//! a zkVCT for the holder's DID. See README.md for the protocol and the encodings.
pub mod contract;
pub mod dates;
pub mod derive;
pub mod did;
mod error;
pub mod msg;
pub mod roles;
#[cfg(not(target_arch = "wasm32"))]
pub mod schema;
pub mod state;

pub use crate::error::ContractError;

#[cfg(test)]
mod tests;
