use cosmwasm_std::StdError;
use thiserror::Error;

/// Every refusal names what was wrong and what is allowed.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("{0}")]
    Std(#[from] StdError),

    #[error("invalid identity {identity:?}: expected a compressed secp256k1 public key, 66 hex digits starting with 02 or 03 (optionally prefixed by 0x)")]
    InvalidIdentity { identity: String },

    #[error("invalid address {address:?}: {reason}")]
    InvalidAddress { address: String, reason: String },

    #[error("unauthorized: {sender} is not the owner of identity {identity} (owner: {owner})")]
    Unauthorized { sender: String, identity: String, owner: String },

    #[error("identity {identity} is deactivated (its owner was set to none); no further changes are possible")]
    Deactivated { identity: String },

    #[error("invalid {field}: {reason}")]
    InvalidField { field: String, reason: String },

    #[error("invalid signature: {reason}")]
    InvalidSignature { reason: String },
}
