//! did:shr identifiers, the holder DID hash, and control checks against the CW1056 registry.
//!
//! Canonical DID: `did:shr:<66 lowercase hex digits>` (the compressed secp256k1 key; an optional
//! `0x` and upper case are accepted on input and normalized away). Token-type forms
//! (`did:shr:sbt:...`) are not accepted: a zkVCT is bound to the identity itself.
//!
//! `holder_did_hash = int(sha256(canonical DID as UTF-8), big-endian) mod 2^253`: the low 253
//! bits, so the value is always below r (2^253 < r < 2^254) and needs no reduction. SHA-256 is a
//! host-speed hash for clients and costs little in wasm; the circuit never computes it, it only
//! carries it as a public input, so Poseidon would buy nothing here.
use cosmwasm_std::{from_json, Deps, QuerierWrapper};
use sha2::{Digest, Sha256};
use zkvct_groth16::decimal;
use zkvct_groth16::Fr;

use crate::state::Config;
use crate::ContractError;

/// A parsed did:shr: the canonical string and the registry identity (key hex).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Did {
    pub did: String,
    pub identity: String,
}

pub fn parse_did(s: &str) -> Result<Did, ContractError> {
    let err = || ContractError::InvalidDid { did: s.to_string() };
    let rest = s.strip_prefix("did:shr:").ok_or_else(err)?;
    let (identity, _) = cw1056::address::parse_identity(rest).map_err(|_| err())?;
    Ok(Did { did: format!("did:shr:{identity}"), identity })
}

/// The 32-byte big-endian holder DID hash (sha256 with the top three bits cleared).
pub fn did_hash_bytes(did: &Did) -> [u8; 32] {
    let mut h: [u8; 32] = Sha256::digest(did.did.as_bytes()).into();
    h[0] &= 0x1f;
    h
}

/// The holder DID hash as a field element.
pub fn did_hash(did: &Did) -> Fr {
    use ark_ff_compat::from_be;
    from_be(&did_hash_bytes(did))
}

/// The holder DID hash as the decimal string a prover puts in `public.json`.
pub fn did_hash_decimal(did: &Did) -> String {
    use ark_ff_compat::to_bigint;
    decimal::to_decimal(&to_bigint(&did_hash(did)))
}

mod ark_ff_compat {
    use zkvct_groth16::Fr;
    use zkvct_groth16::ark::{BigInt, PrimeField};

    pub fn from_be(b: &[u8; 32]) -> Fr {
        Fr::from_be_bytes_mod_order(b)
    }
    pub fn to_bigint(f: &Fr) -> BigInt<4> {
        f.into_bigint()
    }
}

/// The DID's current CW1056 owner (`None` when deactivated), read from the registry's storage
/// with raw queries: a smart query would load the registry's wasm and cost the instance fee
/// (60k SDK gas on a non-pinned contract), a raw read costs one storage read. The key layout is
/// `cw1056::state`, part of the registry's interface in this workspace.
pub fn registry_owner(q: &QuerierWrapper, cfg: &Config, did: &Did) -> Result<Option<String>, ContractError> {
    let key = cw1056::state::OWNERS.key(did.identity.as_str());
    match q.query_wasm_raw(cfg.registry.as_str(), key.to_vec())? {
        None => {
            let (_, pk) = cw1056::address::parse_identity(&did.identity)
                .map_err(|_| ContractError::InvalidDid { did: did.did.clone() })?;
            Ok(Some(cw1056::address::pubkey_address(&cfg.address_prefix, &pk)))
        }
        Some(raw) => Ok(from_json::<Option<String>>(&raw)?),
    }
}

/// Fails unless `sender` is the DID's CW1056 owner or a delegate of the configured type valid at
/// `now`, and the DID is not deactivated.
pub fn require_controller(deps: Deps, cfg: &Config, did: &Did, sender: &str, now: u64) -> Result<(), ContractError> {
    let Some(owner) = registry_owner(&deps.querier, cfg, did)? else {
        return Err(ContractError::DidDeactivated { did: did.did.clone() });
    };
    if owner == sender {
        return Ok(());
    }
    let key = cw1056::state::DELEGATES.key((did.identity.as_str(), cfg.delegate_type.as_str(), sender));
    let valid = match deps.querier.query_wasm_raw(cfg.registry.as_str(), key.to_vec())? {
        Some(raw) => from_json::<u64>(&raw)? > now,
        None => false,
    };
    if valid {
        Ok(())
    } else {
        Err(ContractError::NotController {
            sender: sender.to_string(),
            did: did.did.clone(),
            delegate_type: cfg.delegate_type.clone(),
        })
    }
}

/// Fails when the DID is deactivated in the registry.
pub fn require_active(deps: Deps, cfg: &Config, did: &Did) -> Result<(), ContractError> {
    if registry_owner(&deps.querier, cfg, did)?.is_none() {
        return Err(ContractError::DidDeactivated { did: did.did.clone() });
    }
    Ok(())
}
