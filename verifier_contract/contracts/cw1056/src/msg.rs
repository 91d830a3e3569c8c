use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::Binary;

#[cw_serde]
pub struct InstantiateMsg {
    /// Bech32 prefix of account addresses; `"shareledger"` when omitted.
    pub address_prefix: Option<String>,
}

/// The signature of a meta-transaction: `signer` is the compressed secp256k1 public key (hex) of
/// the identity's current owner, `signature` the 64-byte `r || s` over
/// `sha256(sign bytes)` (see [`crate::signing`]).
#[cw_serde]
pub struct MetaSignature {
    pub signer: String,
    pub signature: Binary,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// Sets a new owner; `None` deactivates the identity permanently.
    ChangeOwner { identity: String, new_owner: Option<String> },
    /// Adds (or refreshes) a delegate valid for `validity` seconds from the block time.
    AddDelegate { identity: String, delegate_type: String, delegate: String, validity: u64 },
    /// Revokes a delegate: its validity ends at the current block time.
    RevokeDelegate { identity: String, delegate_type: String, delegate: String },
    /// Publishes an attribute (hex value) valid for `validity` seconds (event only, no storage).
    SetAttribute { identity: String, name: String, value: String, validity: u64 },
    /// Publishes the revocation of an attribute (event with `valid_to` = 0).
    RevokeAttribute { identity: String, name: String, value: String },

    ChangeOwnerSigned { identity: String, new_owner: Option<String>, auth: MetaSignature },
    AddDelegateSigned {
        identity: String,
        delegate_type: String,
        delegate: String,
        validity: u64,
        auth: MetaSignature,
    },
    RevokeDelegateSigned { identity: String, delegate_type: String, delegate: String, auth: MetaSignature },
    SetAttributeSigned { identity: String, name: String, value: String, validity: u64, auth: MetaSignature },
    RevokeAttributeSigned { identity: String, name: String, value: String, auth: MetaSignature },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(IdentityOwnerResponse)]
    IdentityOwner { identity: String },
    #[returns(ValidDelegateResponse)]
    ValidDelegate { identity: String, delegate_type: String, delegate: String },
    #[returns(ChangedResponse)]
    Changed { identity: String },
    #[returns(NonceResponse)]
    Nonce { identity: String },
    /// The exact bytes a meta-transaction signer hashes (sha256) and signs, for the next nonce.
    #[returns(SignBytesResponse)]
    SignBytes { identity: String, action: SignedAction },
    #[returns(ConfigResponse)]
    Config {},
}

/// A change as it is signed (the fields of the `*Signed` messages without `auth`).
#[cw_serde]
pub enum SignedAction {
    ChangeOwner { new_owner: Option<String> },
    AddDelegate { delegate_type: String, delegate: String, validity: u64 },
    RevokeDelegate { delegate_type: String, delegate: String },
    SetAttribute { name: String, value: String, validity: u64 },
    RevokeAttribute { name: String, value: String },
}

#[cw_serde]
pub struct IdentityOwnerResponse {
    /// Current owner; `None` when deactivated.
    pub owner: Option<String>,
    pub deactivated: bool,
}

#[cw_serde]
pub struct ValidDelegateResponse {
    pub valid: bool,
    /// End of validity (seconds since the Unix epoch) when the delegate was ever added.
    pub valid_to: Option<u64>,
}

#[cw_serde]
pub struct ChangedResponse {
    /// Block height of the latest change; `None` when the identity never changed.
    pub height: Option<u64>,
}

#[cw_serde]
pub struct NonceResponse {
    pub nonce: u64,
}

#[cw_serde]
pub struct SignBytesResponse {
    pub nonce: u64,
    pub sign_bytes: Binary,
    /// sha256(sign_bytes): the 32-byte digest the secp256k1 signature is made over.
    pub digest: Binary,
}

#[cw_serde]
pub struct ConfigResponse {
    pub address_prefix: String,
}
