#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Response, StdResult, Storage,
};

use crate::address::{decode_hex, parse_identity, pubkey_address, validate_address, validate_prefix};
use crate::error::ContractError;
use crate::msg::{
    ChangedResponse, ConfigResponse, ExecuteMsg, IdentityOwnerResponse, InstantiateMsg, MetaSignature,
    NonceResponse, QueryMsg, SignBytesResponse, SignedAction, ValidDelegateResponse,
};
use crate::signing::{digest, sign_bytes};
use crate::state::{Config, CHANGED, CONFIG, DELEGATES, NONCES, OWNERS};

const CONTRACT_NAME: &str = "crates.io:cw1056";
const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

pub const DEFAULT_PREFIX: &str = "shareledger";
/// Longest delegate type (ERC-1056 uses bytes32 names such as `veriKey`, `sigAuth`).
pub const MAX_DELEGATE_TYPE_LEN: usize = 32;
/// Longest attribute name (e.g. `did/pub/Secp256k1/veriKey/hex`, `did/svc/HubService`).
pub const MAX_ATTRIBUTE_NAME_LEN: usize = 128;
/// Longest attribute value, in hex digits (1 KiB of data).
pub const MAX_ATTRIBUTE_VALUE_HEX: usize = 2048;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(deps: DepsMut, _env: Env, _info: MessageInfo, msg: InstantiateMsg) -> Result<Response, ContractError> {
    let address_prefix = msg.address_prefix.unwrap_or_else(|| DEFAULT_PREFIX.to_string());
    validate_prefix(&address_prefix)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &Config { address_prefix: address_prefix.clone() })?;
    Ok(Response::new().add_attribute("action", "instantiate").add_attribute("address_prefix", address_prefix))
}

/// Who asks for a change: the transaction sender, or a meta-transaction signature.
enum Actor<'a> {
    Sender(&'a str),
    Signed(&'a MetaSignature),
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> Result<Response, ContractError> {
    let sender = info.sender.as_str();
    let (identity, action, actor) = match msg {
        ExecuteMsg::ChangeOwner { identity, new_owner } => {
            (identity, SignedAction::ChangeOwner { new_owner }, None)
        }
        ExecuteMsg::AddDelegate { identity, delegate_type, delegate, validity } => {
            (identity, SignedAction::AddDelegate { delegate_type, delegate, validity }, None)
        }
        ExecuteMsg::RevokeDelegate { identity, delegate_type, delegate } => {
            (identity, SignedAction::RevokeDelegate { delegate_type, delegate }, None)
        }
        ExecuteMsg::SetAttribute { identity, name, value, validity } => {
            (identity, SignedAction::SetAttribute { name, value, validity }, None)
        }
        ExecuteMsg::RevokeAttribute { identity, name, value } => {
            (identity, SignedAction::RevokeAttribute { name, value }, None)
        }
        ExecuteMsg::ChangeOwnerSigned { identity, new_owner, auth } => {
            (identity, SignedAction::ChangeOwner { new_owner }, Some(auth))
        }
        ExecuteMsg::AddDelegateSigned { identity, delegate_type, delegate, validity, auth } => {
            (identity, SignedAction::AddDelegate { delegate_type, delegate, validity }, Some(auth))
        }
        ExecuteMsg::RevokeDelegateSigned { identity, delegate_type, delegate, auth } => {
            (identity, SignedAction::RevokeDelegate { delegate_type, delegate }, Some(auth))
        }
        ExecuteMsg::SetAttributeSigned { identity, name, value, validity, auth } => {
            (identity, SignedAction::SetAttribute { name, value, validity }, Some(auth))
        }
        ExecuteMsg::RevokeAttributeSigned { identity, name, value, auth } => {
            (identity, SignedAction::RevokeAttribute { name, value }, Some(auth))
        }
    };
    let actor = match &actor {
        Some(auth) => Actor::Signed(auth),
        None => Actor::Sender(sender),
    };
    apply(deps, &env, &identity, action, actor)
}

/// Checks and normalizes the fields of an action (addresses, names, hex values).
fn normalize(prefix: &str, action: SignedAction) -> Result<SignedAction, ContractError> {
    Ok(match action {
        SignedAction::ChangeOwner { new_owner } => SignedAction::ChangeOwner {
            new_owner: new_owner.map(|o| validate_address(prefix, &o)).transpose()?,
        },
        SignedAction::AddDelegate { delegate_type, delegate, validity } => SignedAction::AddDelegate {
            delegate_type: check_name("delegate_type", delegate_type, MAX_DELEGATE_TYPE_LEN)?,
            delegate: validate_address(prefix, &delegate)?,
            validity,
        },
        SignedAction::RevokeDelegate { delegate_type, delegate } => SignedAction::RevokeDelegate {
            delegate_type: check_name("delegate_type", delegate_type, MAX_DELEGATE_TYPE_LEN)?,
            delegate: validate_address(prefix, &delegate)?,
        },
        SignedAction::SetAttribute { name, value, validity } => SignedAction::SetAttribute {
            name: check_name("name", name, MAX_ATTRIBUTE_NAME_LEN)?,
            value: check_hex_value(&value)?,
            validity,
        },
        SignedAction::RevokeAttribute { name, value } => SignedAction::RevokeAttribute {
            name: check_name("name", name, MAX_ATTRIBUTE_NAME_LEN)?,
            value: check_hex_value(&value)?,
        },
    })
}

fn check_name(field: &str, s: String, max: usize) -> Result<String, ContractError> {
    if s.is_empty() || s.len() > max || !s.bytes().all(|c| c.is_ascii_graphic()) {
        return Err(ContractError::InvalidField {
            field: field.into(),
            reason: format!("{s:?}: expected 1-{max} printable ASCII characters without spaces"),
        });
    }
    Ok(s)
}

/// Attribute values travel as hex (the did:shr spec): normalized to lowercase without `0x`.
fn check_hex_value(v: &str) -> Result<String, ContractError> {
    let hex = v.strip_prefix("0x").unwrap_or(v).to_ascii_lowercase();
    if hex.is_empty() || hex.len() > MAX_ATTRIBUTE_VALUE_HEX || decode_hex(&hex).is_none() {
        return Err(ContractError::InvalidField {
            field: "value".into(),
            reason: format!("expected 1-{} bytes as an even number of hex digits (optionally 0x-prefixed)", MAX_ATTRIBUTE_VALUE_HEX / 2),
        });
    }
    Ok(hex)
}

/// Current owner: `Ok(Some(addr))`, or `Ok(None)` when the identity was deactivated.
pub fn owner_of(storage: &dyn Storage, prefix: &str, identity: &str, pubkey: &[u8]) -> StdResult<Option<String>> {
    Ok(match OWNERS.may_load(storage, identity)? {
        None => Some(pubkey_address(prefix, pubkey)),
        Some(owner) => owner,
    })
}

fn apply(deps: DepsMut, env: &Env, identity: &str, action: SignedAction, actor: Actor) -> Result<Response, ContractError> {
    let prefix = CONFIG.load(deps.storage)?.address_prefix;
    let (identity, pubkey) = parse_identity(identity)?;
    let action = normalize(&prefix, action)?;
    let Some(owner) = owner_of(deps.storage, &prefix, &identity, &pubkey)? else {
        return Err(ContractError::Deactivated { identity });
    };

    let mut resp = Response::new();
    match actor {
        Actor::Sender(sender) => {
            if sender != owner {
                return Err(ContractError::Unauthorized { sender: sender.into(), identity, owner });
            }
        }
        Actor::Signed(auth) => {
            let (_, signer_pk) = parse_identity(&auth.signer).map_err(|_| ContractError::InvalidSignature {
                reason: format!("signer {:?} is not a compressed secp256k1 public key in hex", auth.signer),
            })?;
            let signer = pubkey_address(&prefix, &signer_pk);
            if signer != owner {
                return Err(ContractError::Unauthorized { sender: signer, identity, owner });
            }
            if auth.signature.len() != 64 {
                return Err(ContractError::InvalidSignature {
                    reason: format!("{} bytes; expected 64 (r || s)", auth.signature.len()),
                });
            }
            let nonce = NONCES.may_load(deps.storage, &identity)?.unwrap_or(0);
            let bytes = sign_bytes(&env.block.chain_id, env.contract.address.as_str(), nonce, &identity, &action);
            let ok = deps
                .api
                .secp256k1_verify(&digest(&bytes), &auth.signature, &signer_pk)
                .map_err(|e| ContractError::InvalidSignature { reason: e.to_string() })?;
            if !ok {
                return Err(ContractError::InvalidSignature {
                    reason: format!("does not verify for signer {} over the sign bytes with nonce {nonce}", auth.signer),
                });
            }
            NONCES.save(deps.storage, &identity, &(nonce + 1))?;
            resp = resp.add_attribute("signer", signer).add_attribute("nonce", nonce.to_string());
        }
    }

    let now = env.block.time.seconds();
    let previous = CHANGED.may_load(deps.storage, &identity)?.unwrap_or(0);
    CHANGED.save(deps.storage, &identity, &env.block.height)?;
    let resp = match action {
        SignedAction::ChangeOwner { new_owner } => {
            OWNERS.save(deps.storage, &identity, &new_owner)?;
            let r = resp.add_attribute("action", "change_did_owner").add_attribute("identity", &identity);
            match new_owner {
                Some(o) => r.add_attribute("owner", o),
                None => r.add_attribute("owner", "none").add_attribute("deactivated", "true"),
            }
        }
        SignedAction::AddDelegate { delegate_type, delegate, validity } => {
            let valid_to = now.checked_add(validity).ok_or_else(|| ContractError::InvalidField {
                field: "validity".into(),
                reason: format!("{validity} seconds from now overflows a u64 timestamp"),
            })?;
            DELEGATES.save(deps.storage, (&identity, &delegate_type, &delegate), &valid_to)?;
            delegate_event(resp, &identity, &delegate_type, &delegate, valid_to)
        }
        SignedAction::RevokeDelegate { delegate_type, delegate } => {
            DELEGATES.save(deps.storage, (&identity, &delegate_type, &delegate), &now)?;
            delegate_event(resp, &identity, &delegate_type, &delegate, now)
        }
        SignedAction::SetAttribute { name, value, validity } => {
            let valid_to = now.checked_add(validity).ok_or_else(|| ContractError::InvalidField {
                field: "validity".into(),
                reason: format!("{validity} seconds from now overflows a u64 timestamp"),
            })?;
            attribute_event(resp, &identity, &name, &value, valid_to)
        }
        SignedAction::RevokeAttribute { name, value } => attribute_event(resp, &identity, &name, &value, 0),
    };
    Ok(resp.add_attribute("previous_change", previous.to_string()))
}

fn delegate_event(r: Response, identity: &str, delegate_type: &str, delegate: &str, valid_to: u64) -> Response {
    r.add_attribute("action", "change_did_delegate")
        .add_attribute("identity", identity)
        .add_attribute("delegate_type", delegate_type)
        .add_attribute("delegate", delegate)
        .add_attribute("valid_to", valid_to.to_string())
}

fn attribute_event(r: Response, identity: &str, name: &str, value: &str, valid_to: u64) -> Response {
    r.add_attribute("action", "change_did_attribute")
        .add_attribute("identity", identity)
        .add_attribute("name", name)
        .add_attribute("value", value)
        .add_attribute("valid_to", valid_to.to_string())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let prefix = CONFIG.load(deps.storage)?.address_prefix;
    Ok(match msg {
        QueryMsg::IdentityOwner { identity } => {
            let (identity, pk) = parse_identity(&identity)?;
            let owner = owner_of(deps.storage, &prefix, &identity, &pk)?;
            to_json_binary(&IdentityOwnerResponse { deactivated: owner.is_none(), owner })?
        }
        QueryMsg::ValidDelegate { identity, delegate_type, delegate } => {
            let (identity, pk) = parse_identity(&identity)?;
            let valid_to = DELEGATES.may_load(deps.storage, (&identity, &delegate_type, &delegate))?;
            // A deactivated identity has no valid delegates, whatever was stored before.
            let active = owner_of(deps.storage, &prefix, &identity, &pk)?.is_some();
            let valid = active && valid_to.is_some_and(|t| t > env.block.time.seconds());
            to_json_binary(&ValidDelegateResponse { valid, valid_to })?
        }
        QueryMsg::Changed { identity } => {
            let (identity, _) = parse_identity(&identity)?;
            to_json_binary(&ChangedResponse { height: CHANGED.may_load(deps.storage, &identity)? })?
        }
        QueryMsg::Nonce { identity } => {
            let (identity, _) = parse_identity(&identity)?;
            to_json_binary(&NonceResponse { nonce: NONCES.may_load(deps.storage, &identity)?.unwrap_or(0) })?
        }
        QueryMsg::SignBytes { identity, action } => {
            let (identity, _) = parse_identity(&identity)?;
            let action = normalize(&prefix, action)?;
            let nonce = NONCES.may_load(deps.storage, &identity)?.unwrap_or(0);
            let bytes = sign_bytes(&env.block.chain_id, env.contract.address.as_str(), nonce, &identity, &action);
            let d = digest(&bytes);
            to_json_binary(&SignBytesResponse { nonce, sign_bytes: bytes.into(), digest: d.to_vec().into() })?
        }
        QueryMsg::Config {} => to_json_binary(&ConfigResponse { address_prefix: prefix })?,
    })
}

