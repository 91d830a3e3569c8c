#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult,
};
use sha2::{Digest, Sha256};
use zkvct_groth16::ark::PrimeField;
use zkvct_groth16::{decimal, parse_public_inputs, verify, Fr, PreparedKey, Proof};

use crate::dates::{day_of, minus_years};
use crate::derive;
use crate::did::{did_hash_bytes, did_hash_decimal, parse_did, require_active, require_controller, Did};
use crate::error::ContractError;
use crate::msg::*;
use crate::roles::validate_roles;
use crate::state::*;

const CONTRACT_NAME: &str = "crates.io:zkvct-verifier";
const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");
const MAX_TRUSTED_ISSUERS: usize = 32;
const MAX_DESCRIPTION: usize = 256;
const MAX_DATE_TOLERANCE: u64 = 7;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(deps: DepsMut, _env: Env, _info: MessageInfo, msg: InstantiateMsg) -> Result<Response, ContractError> {
    let registry = deps.api.addr_validate(&msg.registry)?;
    // Reads the registry's address prefix once, which also proves the address is a CW1056 registry.
    let reg: cw1056::msg::ConfigResponse =
        deps.querier.query_wasm_smart(registry.as_str(), &cw1056::msg::QueryMsg::Config {})?;
    let tolerance = msg.date_tolerance_days.unwrap_or(1);
    if tolerance > MAX_DATE_TOLERANCE {
        return Err(invalid("date_tolerance_days", format!("{tolerance}; at most {MAX_DATE_TOLERANCE}")));
    }
    let delegate_type = msg.delegate_type.unwrap_or_else(|| "sigAuth".to_string());
    if delegate_type.is_empty() || delegate_type.len() > 32 {
        return Err(invalid("delegate_type", "expected 1-32 characters".into()));
    }
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(
        deps.storage,
        &Config {
            registry,
            address_prefix: reg.address_prefix,
            root_window_secs: msg.root_window_secs,
            delegate_type,
            date_tolerance_days: tolerance,
        },
    )?;
    Ok(Response::new().add_attribute("action", "instantiate"))
}

fn invalid(field: &str, reason: String) -> ContractError {
    ContractError::InvalidField { field: field.into(), reason }
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(deps: DepsMut, env: Env, info: MessageInfo, msg: ExecuteMsg) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::RegisterStatement {
            statement_id,
            owner_did,
            verification_key,
            roles,
            trusted_issuers,
            record_validity_secs,
            description,
        } => register(
            deps,
            env,
            info,
            statement_id,
            owner_did,
            verification_key,
            roles,
            trusted_issuers,
            record_validity_secs,
            description,
        ),
        ExecuteMsg::RevokeStatement { statement_id, version } => revoke(deps, env, info, statement_id, version),
        ExecuteMsg::AnchorRoot { issuer_did, root, retire_previous } => {
            anchor_root(deps, env, info, issuer_did, root, retire_previous)
        }
        ExecuteMsg::RetireRoot { issuer_did, root } => retire_root(deps, env, info, issuer_did, root),
        ExecuteMsg::RevokeCredential { issuer_did, holder_did } => revoke_credential(deps, env, info, issuer_did, holder_did),
        ExecuteMsg::Verify(req) => verify_tx(deps, env, info, req),
    }
}

fn check_statement_id(id: &str) -> Result<(), ContractError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(invalid("statement_id", format!("{id:?}: expected 1-64 characters from a-z 0-9 - _ .")))
    }
}

#[allow(clippy::too_many_arguments)]
fn register(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    statement_id: String,
    owner_did: String,
    vk: zkvct_groth16::SnarkjsVerificationKey,
    roles: Vec<InputRole>,
    trusted_issuers: Vec<String>,
    record_validity_secs: Option<u64>,
    description: Option<String>,
) -> Result<Response, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    check_statement_id(&statement_id)?;
    let owner = parse_did(&owner_did)?;
    require_controller(deps.as_ref(), &cfg, &owner, info.sender.as_str(), env.block.time.seconds())?;
    let info_prev = STATEMENTS.may_load(deps.storage, &statement_id)?;
    if let Some(prev) = &info_prev {
        if prev.owner_did != owner.did {
            return Err(ContractError::StatementOwnedByOther { statement_id, owner: prev.owner_did.clone() });
        }
    }
    if description.as_ref().is_some_and(|d| d.len() > MAX_DESCRIPTION) {
        return Err(invalid("description", format!("at most {MAX_DESCRIPTION} bytes")));
    }
    if trusted_issuers.len() > MAX_TRUSTED_ISSUERS {
        return Err(invalid("trusted_issuers", format!("{}; at most {MAX_TRUSTED_ISSUERS}", trusted_issuers.len())));
    }
    let mut issuers = Vec::with_capacity(trusted_issuers.len());
    for i in &trusted_issuers {
        let d = parse_did(i)?.did;
        if issuers.contains(&d) {
            return Err(invalid("trusted_issuers", format!("{d} is listed twice")));
        }
        issuers.push(d);
    }
    // The expensive part, done once: every point checked, e(alpha, beta) precomputed.
    let key = PreparedKey::from_snarkjs(&vk).map_err(|e| ContractError::InvalidKey(e.to_string()))?;
    validate_roles(&roles, key.n_public(), issuers.len())?;
    let version = info_prev.map(|p| p.latest_version + 1).unwrap_or(1);
    let bytes = key.to_bytes();
    // Kept exactly as registered for the verification_key query (the prepared form above cannot
    // give alpha and beta back; snarkjs's vk_alphabeta_12, unused here, is returned as given).
    VERIFICATION_KEYS.save(deps.storage, (&statement_id, version), &vk)?;
    VERSIONS.save(
        deps.storage,
        (&statement_id, version),
        &StatementVersion {
            owner_did: owner.did.clone(),
            key: bytes.into(),
            roles,
            trusted_issuers: issuers,
            record_validity_secs,
            description,
            registered_height: env.block.height,
        },
    )?;
    STATEMENTS.save(deps.storage, &statement_id, &StatementInfo { owner_did: owner.did.clone(), latest_version: version })?;
    Ok(Response::new()
        .add_attribute("action", "register_statement")
        .add_attribute("statement_id", statement_id)
        .add_attribute("version", version.to_string())
        .add_attribute("owner_did", owner.did)
        .add_attribute("n_public", key.n_public().to_string()))
}

fn revoke(deps: DepsMut, env: Env, info: MessageInfo, statement_id: String, version: Option<u32>) -> Result<Response, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let st = STATEMENTS
        .may_load(deps.storage, &statement_id)?
        .ok_or_else(|| ContractError::UnknownStatement { statement_id: statement_id.clone(), version })?;
    let owner = parse_did(&st.owner_did)?;
    require_controller(deps.as_ref(), &cfg, &owner, info.sender.as_str(), env.block.time.seconds())?;
    let versions: Vec<u32> = match version {
        Some(v) if v >= 1 && v <= st.latest_version => vec![v],
        Some(v) => return Err(ContractError::UnknownStatement { statement_id, version: Some(v) }),
        None => (1..=st.latest_version).collect(),
    };
    for v in &versions {
        if !REVOKED.has(deps.storage, (&statement_id, *v)) {
            REVOKED.save(deps.storage, (&statement_id, *v), &env.block.height)?;
        }
    }
    Ok(Response::new()
        .add_attribute("action", "revoke_statement")
        .add_attribute("statement_id", statement_id)
        .add_attribute("versions", versions.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(",")))
}

fn parse_root(root: &str) -> Result<(Fr, [u8; 32]), ContractError> {
    let f: Fr = decimal::parse_field(root, "root").map_err(|e| ContractError::InputNotCanonical(e.to_string()))?;
    Ok((f, decimal::to_be_bytes(&f.into_bigint())))
}

/// Whether a root is retired: by `retire_root`, or anchored before a `retire_previous`.
fn is_retired(root: &RootState, issuer: &IssuerState) -> bool {
    root.retired_height.is_some() || root.seq < issuer.retired_below
}

fn anchor_root(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    issuer_did: String,
    root: String,
    retire_previous: bool,
) -> Result<Response, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let issuer = parse_did(&issuer_did)?;
    require_controller(deps.as_ref(), &cfg, &issuer, info.sender.as_str(), now)?;
    let (_, key) = parse_root(&root)?;
    let mut st = ISSUERS.may_load(deps.storage, &issuer.identity)?.unwrap_or_default();
    if let Some(existing) = ROOTS.may_load(deps.storage, (&issuer.identity, &key))? {
        if is_retired(&existing, &st) {
            return Err(ContractError::RootRetired { root, issuer: issuer.did });
        }
    }
    let previous = st.current_root.clone();
    if let Some(prev) = &previous {
        if *prev != root {
            let (_, pk) = parse_root(prev)?;
            if let Some(mut s) = ROOTS.may_load(deps.storage, (&issuer.identity, &pk))? {
                s.replaced_at = Some(now);
                ROOTS.save(deps.storage, (&issuer.identity, &pk), &s)?;
            }
        }
    }
    let seq = st.next_seq;
    ROOTS.save(
        deps.storage,
        (&issuer.identity, &key),
        &RootState { anchored_at: now, replaced_at: None, seq, retired_height: None },
    )?;
    st.next_seq = seq + 1;
    if retire_previous {
        // One write retires every earlier root, however many there are.
        st.retired_below = seq;
    }
    st.current_root = Some(root.clone());
    ISSUERS.save(deps.storage, &issuer.identity, &st)?;
    Ok(Response::new()
        .add_attribute("action", "anchor_root")
        .add_attribute("issuer_did", issuer.did)
        .add_attribute("root", root)
        .add_attribute("previous_root", previous.unwrap_or_else(|| "none".into()))
        .add_attribute("retire_previous", retire_previous.to_string()))
}

fn retire_root(deps: DepsMut, env: Env, info: MessageInfo, issuer_did: String, root: String) -> Result<Response, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let issuer = parse_did(&issuer_did)?;
    require_controller(deps.as_ref(), &cfg, &issuer, info.sender.as_str(), env.block.time.seconds())?;
    let (_, key) = parse_root(&root)?;
    let mut s = ROOTS
        .may_load(deps.storage, (&issuer.identity, &key))?
        .ok_or_else(|| ContractError::UnknownRoot { root: root.clone(), issuer: issuer.did.clone() })?;
    if s.retired_height.is_none() {
        s.retired_height = Some(env.block.height);
        ROOTS.save(deps.storage, (&issuer.identity, &key), &s)?;
    }
    Ok(Response::new()
        .add_attribute("action", "retire_root")
        .add_attribute("issuer_did", issuer.did)
        .add_attribute("root", root))
}

fn revoke_credential(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    issuer_did: String,
    holder_did: String,
) -> Result<Response, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let issuer = parse_did(&issuer_did)?;
    let holder = parse_did(&holder_did)?;
    require_controller(deps.as_ref(), &cfg, &issuer, info.sender.as_str(), env.block.time.seconds())?;
    CREDENTIAL_REVOKED.save(deps.storage, (&issuer.identity, &holder.identity), &env.block.height)?;
    Ok(Response::new()
        .add_attribute("action", "revoke_credential")
        .add_attribute("issuer_did", issuer.did)
        .add_attribute("holder_did", holder.did))
}

/// What a successful verification records.
pub struct Verified {
    pub statement_id: String,
    pub version: u32,
    /// (scope, nullifier) as 32 bytes each, and the nullifier's decimal.
    pub nullifier: ([u8; 32], [u8; 32], String),
    pub proof_hash: [u8; 32],
    pub issuer: Did,
    pub relying_party: Did,
    pub holder: Option<Did>,
    /// Holder identity whose authorization nonce the transaction consumes, with the next value.
    pub nonce_used: Option<(String, u64)>,
    pub record_validity_secs: Option<u64>,
}

fn load_version(deps: Deps, statement_id: &str, version: Option<u32>) -> Result<(u32, StatementVersion), ContractError> {
    let unknown = || ContractError::UnknownStatement { statement_id: statement_id.to_string(), version };
    let st = STATEMENTS.may_load(deps.storage, statement_id)?.ok_or_else(unknown)?;
    let v = version.unwrap_or(st.latest_version);
    let sv = VERSIONS.may_load(deps.storage, (statement_id, v))?.ok_or_else(unknown)?;
    if REVOKED.has(deps.storage, (statement_id, v)) {
        return Err(ContractError::StatementRevoked { statement_id: statement_id.to_string(), version: v });
    }
    Ok((v, sv))
}

fn dec32(b: &[u8; 32]) -> String {
    decimal::to_decimal(&Fr::from_be_bytes_mod_order(b).into_bigint())
}

/// Every check of a verification (docs/protocol.md, "Verify"), cheapest first, the pairing
/// last. Reads state, writes nothing. `sender` is the transaction sender (the query's `sender`).
pub fn check_verify(deps: Deps, env: &Env, sender: Option<&str>, req: &VerifyRequest) -> Result<Verified, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let (version, sv) = load_version(deps, &req.statement_id, req.version)?;
    let expected = sv.roles.len();
    if req.public_inputs.len() != expected {
        return Err(ContractError::WrongInputCount { expected, got: req.public_inputs.len() });
    }
    let inputs = parse_public_inputs(&req.public_inputs).map_err(|e| ContractError::InputNotCanonical(e.to_string()))?;
    let proof = Proof::from_snarkjs(&req.proof).map_err(|e| ContractError::MalformedProof(e.to_string()))?;
    // The same bytes are never accepted twice, by anyone, for any statement. (Re-randomized
    // bytes pass this line; the nullifier and the challenge stop them.)
    let proof_hash = derive::proof_hash(&proof);
    if let Some(used) = PROOFS.may_load(deps.storage, &proof_hash)? {
        return Err(ContractError::ProofReplayed { proof_hash: derive::hex(&proof_hash), height: used.height });
    }
    let now = env.block.time.seconds();
    if now > req.request.expires_at {
        return Err(ContractError::RequestExpired { expires_at: req.request.expires_at, now });
    }
    let issuer = parse_did(&req.issuer_did)?;
    let rp = parse_did(&req.relying_party_did)?;

    let block_day = day_of(now);
    let tol = cfg.date_tolerance_days;
    let bytes = |i: usize| decimal::to_be_bytes(&inputs[i].into_bigint());
    let as_day = |i: usize, role: &str| -> Result<u64, ContractError> {
        let v = decimal::to_u64(&inputs[i].into_bigint());
        match v {
            Some(d) if d <= u32::MAX as u64 => Ok(d),
            _ => Err(ContractError::StaleDate {
                role: role.into(),
                value: req.public_inputs[i].clone(),
                block_day,
                tolerance: tol,
            }),
        }
    };

    let mut holder = None;
    let mut scope = [0u8; 32];
    let mut nullifier_at = 0;
    let mut today: Option<u64> = None;
    // today_days first: the cutoff is computed from it when present.
    for (i, role) in sv.roles.iter().enumerate() {
        if let InputRole::TodayDays = role {
            let d = as_day(i, "today_days")?;
            if d.abs_diff(block_day) > tol {
                return Err(ContractError::StaleDate {
                    role: "today_days".into(),
                    value: req.public_inputs[i].clone(),
                    block_day,
                    tolerance: tol,
                });
            }
            today = Some(d);
        }
    }
    for (i, role) in sv.roles.iter().enumerate() {
        match role {
            InputRole::TodayDays => {}
            InputRole::IssuerRoot | InputRole::RevocationRoot => {
                if !sv.trusted_issuers.contains(&issuer.did) {
                    return Err(ContractError::UntrustedIssuer {
                        issuer: issuer.did.clone(),
                        statement_id: req.statement_id.clone(),
                        version,
                    });
                }
                let root = bytes(i);
                let value = &req.public_inputs[i];
                let state = ROOTS.may_load(deps.storage, (&issuer.identity, &root))?.ok_or_else(|| {
                    ContractError::UnknownRoot { root: value.clone(), issuer: issuer.did.clone() }
                })?;
                let ist = ISSUERS.may_load(deps.storage, &issuer.identity)?.unwrap_or_default();
                if is_retired(&state, &ist) {
                    return Err(ContractError::RootRetired { root: value.clone(), issuer: issuer.did.clone() });
                }
                if matches!(role, InputRole::RevocationRoot) {
                    // a revoked credential's leaf is zero only in the newest tree
                    if ist.current_root.as_deref() != Some(value.as_str()) {
                        return Err(ContractError::RootNotCurrent { root: value.clone(), issuer: issuer.did.clone() });
                    }
                } else if let Some(replaced_at) = state.replaced_at {
                    if now > replaced_at.saturating_add(cfg.root_window_secs) {
                        return Err(ContractError::StaleRoot {
                            root: value.clone(),
                            issuer: issuer.did.clone(),
                            replaced_at,
                            window: cfg.root_window_secs,
                            now,
                        });
                    }
                }
                require_active(deps, &cfg, &issuer)?;
            }
            InputRole::CutoffDays { years } => {
                let v = as_day(i, "cutoff_days")?;
                let bases: Vec<u64> = match today {
                    Some(t) => vec![t],
                    None => (block_day.saturating_sub(tol)..=block_day + tol).collect(),
                };
                let expected: Vec<u64> = bases.iter().filter_map(|d| minus_years(*d, *years)).collect();
                if !expected.contains(&v) {
                    return Err(ContractError::BadCutoff { value: req.public_inputs[i].clone(), years: *years, expected });
                }
            }
            InputRole::Scope => {
                let derived = derive::scope(&rp.did, &req.statement_id);
                if derived != bytes(i) {
                    return Err(ContractError::ScopeMismatch {
                        value: req.public_inputs[i].clone(),
                        expected: dec32(&derived),
                        relying_party_did: rp.did.clone(),
                        statement_id: req.statement_id.clone(),
                    });
                }
                scope = derived;
            }
            InputRole::Nullifier => nullifier_at = i,
            InputRole::Challenge => {
                let derived = derive::challenge(&rp.did, &req.request);
                if derived != bytes(i) {
                    return Err(ContractError::ChallengeMismatch {
                        value: req.public_inputs[i].clone(),
                        expected: dec32(&derived),
                    });
                }
            }
            InputRole::HolderDidHash => {
                let did = parse_did(req.holder_did.as_deref().ok_or(ContractError::HolderDidRequired)?)?;
                if did_hash_bytes(&did) != bytes(i) {
                    return Err(ContractError::HolderDidMismatch {
                        value: req.public_inputs[i].clone(),
                        expected: did_hash_decimal(&did),
                        did: did.did,
                    });
                }
                holder = Some(did);
            }
            InputRole::Param { value } => {
                if *value != req.public_inputs[i] {
                    return Err(ContractError::ParamMismatch {
                        index: i,
                        value: req.public_inputs[i].clone(),
                        expected: value.clone(),
                    });
                }
            }
        }
    }
    let nf = bytes(nullifier_at);
    if let Some(used) = NULLIFIERS.may_load(deps.storage, (&req.statement_id, &scope, &nf))? {
        return Err(ContractError::NullifierUsed {
            nullifier: req.public_inputs[nullifier_at].clone(),
            statement_id: used.statement_id,
            height: used.height,
        });
    }
    let nonce_used = check_submitter(deps, env, &cfg, sender, req, &rp, holder.as_ref(), &proof_hash)?;

    let key = PreparedKey::from_trusted_bytes(&sv.key).map_err(|e| ContractError::InvalidKey(e.to_string()))?;
    match verify(&key, &proof, &inputs) {
        Ok(true) => {}
        Ok(false) => return Err(ContractError::ProofRejected),
        Err(e) => return Err(ContractError::MalformedProof(e.to_string())),
    }
    Ok(Verified {
        statement_id: req.statement_id.clone(),
        version,
        nullifier: (scope, nf, req.public_inputs[nullifier_at].clone()),
        proof_hash,
        issuer,
        relying_party: rp,
        holder,
        nonce_used,
        record_validity_secs: sv.record_validity_secs,
    })
}

/// Who may submit (docs/protocol.md, "Who may submit on chain"). DID-bound: the holder (the
/// sender controls `holder_did`), or the relying party (the sender controls
/// `relying_party_did`) carrying a holder authorization signed by a key that controls
/// `holder_did`, with the holder's current nonce. Unlinkable: the relying party. Returns the
/// holder nonce an accepted authorization consumes.
#[allow(clippy::too_many_arguments)]
fn check_submitter(
    deps: Deps,
    env: &Env,
    cfg: &Config,
    sender: Option<&str>,
    req: &VerifyRequest,
    rp: &Did,
    holder: Option<&Did>,
    proof_hash: &[u8; 32],
) -> Result<Option<(String, u64)>, ContractError> {
    let sender = sender.ok_or_else(|| {
        ContractError::SenderNotAuthorized("the submitter checks need a sender: pass `sender` in the verify query".into())
    })?;
    let now = env.block.time.seconds();
    let Some(holder) = holder else {
        if req.holder_did.is_some() || req.holder_authorization.is_some() {
            return Err(invalid(
                "holder_did",
                "the statement is unlinkable (no holder_did_hash input): omit holder_did and holder_authorization".into(),
            ));
        }
        return require_controller(deps, cfg, rp, sender, now).map(|_| None);
    };
    let Some(auth) = &req.holder_authorization else {
        require_controller(deps, cfg, holder, sender, now).map_err(|e| match e {
            ContractError::NotController { .. } => ContractError::SenderNotAuthorized(format!(
                "{sender} controls neither the holder DID {} (CW1056 owner or {} delegate) nor, with a holder authorization, the relying party DID",
                holder.did, cfg.delegate_type
            )),
            e => e,
        })?;
        return Ok(None);
    };
    require_controller(deps, cfg, rp, sender, now).map_err(|e| match e {
        ContractError::NotController { .. } => ContractError::SenderNotAuthorized(format!(
            "a holder authorization is submitted by the relying party: {sender} does not control {}",
            rp.did
        )),
        e => e,
    })?;
    let bad = |m: String| ContractError::AuthorizationInvalid(m);
    let (_, pk) = cw1056::address::parse_identity(&auth.public_key)
        .map_err(|_| bad(format!("public_key {:?} is not a compressed secp256k1 key in hex", auth.public_key)))?;
    if auth.signature.len() != 64 {
        return Err(bad(format!("signature has {} bytes; expected 64 (r || s)", auth.signature.len())));
    }
    let signer = cw1056::address::pubkey_address(&cfg.address_prefix, &pk);
    require_controller(deps, cfg, holder, &signer, now).map_err(|e| match e {
        ContractError::NotController { .. } => {
            bad(format!("the authorization key ({signer}) does not control the holder DID {}", holder.did))
        }
        e => e,
    })?;
    let sign_bytes = derive::authorization_sign_bytes(
        &env.block.chain_id,
        env.contract.address.as_str(),
        auth.nonce,
        &holder.did,
        &req.statement_id,
        &rp.did,
        &req.request.id,
        proof_hash,
    );
    let ok = deps
        .api
        .secp256k1_verify(&cw1056::signing::digest(&sign_bytes), &auth.signature, &pk)
        .unwrap_or(false);
    if !ok {
        return Err(bad("the signature does not verify over the authorization's sign bytes (query authorization_sign_bytes)".into()));
    }
    let current = AUTH_NONCES.may_load(deps.storage, &holder.identity)?.unwrap_or(0);
    if auth.nonce != current {
        return Err(ContractError::AuthorizationNonce { got: auth.nonce, expected: current });
    }
    Ok(Some((holder.identity.clone(), current + 1)))
}

fn verify_tx(deps: DepsMut, env: Env, info: MessageInfo, req: VerifyRequest) -> Result<Response, ContractError> {
    let v = check_verify(deps.as_ref(), &env, Some(info.sender.as_str()), &req)?;
    // Only now, with every check passed, does anything change.
    let used = NullifierUse { statement_id: v.statement_id.clone(), version: v.version, height: env.block.height };
    let (scope, nf, nf_dec) = &v.nullifier;
    NULLIFIERS.save(deps.storage, (&v.statement_id, scope, nf), &used)?;
    PROOFS.save(deps.storage, &v.proof_hash, &used)?;
    if let Some((identity, next)) = &v.nonce_used {
        AUTH_NONCES.save(deps.storage, identity, next)?;
    }
    let mut resp = Response::new()
        .add_attribute("action", "verify_zkvct")
        .add_attribute("statement_id", &v.statement_id)
        .add_attribute("version", v.version.to_string())
        .add_attribute("nullifier", nf_dec)
        .add_attribute("proof_hash", derive::hex(&v.proof_hash))
        .add_attribute("issuer_did", &v.issuer.did)
        .add_attribute("relying_party_did", &v.relying_party.did);
    if let Some(holder) = v.holder {
        let now = env.block.time.seconds();
        let record = Zkvct {
            statement_id: v.statement_id.clone(),
            version: v.version,
            issuer_did: v.issuer.did,
            relying_party_did: v.relying_party.did,
            holder_did: holder.did.clone(),
            verified_at: now,
            height: env.block.height,
            valid_until: v.record_validity_secs.map(|s| now.saturating_add(s)),
        };
        ZKVCTS.save(deps.storage, (&holder.identity, &v.statement_id), &record)?;
        resp = resp.add_attribute("holder_did", holder.did);
        if let Some(t) = record.valid_until {
            resp = resp.add_attribute("valid_until", t.to_string());
        }
    }
    Ok(resp)
}

/// Why a recorded zkVCT is not valid now, if it is not (docs/protocol.md, "Roots and revocation").
fn record_invalidity(deps: Deps, now: u64, r: &Zkvct) -> Result<Option<&'static str>, ContractError> {
    if REVOKED.has(deps.storage, (&r.statement_id, r.version)) {
        return Ok(Some("statement_revoked"));
    }
    let issuer = parse_did(&r.issuer_did)?;
    let holder = parse_did(&r.holder_did)?;
    // a record made in the revocation's own block counts as before it (the conservative side)
    if CREDENTIAL_REVOKED.may_load(deps.storage, (&issuer.identity, &holder.identity))?.is_some_and(|h| r.height <= h) {
        return Ok(Some("credential_revoked"));
    }
    if r.valid_until.is_some_and(|t| now >= t) {
        return Ok(Some("expired"));
    }
    Ok(None)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let now = env.block.time.seconds();
    Ok(match msg {
        QueryMsg::Config {} => {
            let c = CONFIG.load(deps.storage)?;
            to_json_binary(&ConfigResponse {
                registry: c.registry.into_string(),
                root_window_secs: c.root_window_secs,
                delegate_type: c.delegate_type,
                date_tolerance_days: c.date_tolerance_days,
            })?
        }
        QueryMsg::Statement { statement_id, version } => {
            let unknown = || ContractError::UnknownStatement { statement_id: statement_id.clone(), version };
            let st = STATEMENTS.may_load(deps.storage, &statement_id)?.ok_or_else(unknown)?;
            let v = version.unwrap_or(st.latest_version);
            let sv = VERSIONS.may_load(deps.storage, (&statement_id, v))?.ok_or_else(unknown)?;
            let key_hash: String = Sha256::digest(sv.key.as_slice()).iter().map(|b| format!("{b:02x}")).collect();
            to_json_binary(&StatementResponse {
                statement_id: statement_id.clone(),
                version: v,
                latest_version: st.latest_version,
                owner_did: sv.owner_did,
                n_public: sv.roles.len() as u32,
                roles: sv.roles,
                trusted_issuers: sv.trusted_issuers,
                record_validity_secs: sv.record_validity_secs,
                description: sv.description,
                registered_height: sv.registered_height,
                revoked_height: REVOKED.may_load(deps.storage, (&statement_id, v))?,
                key_hash,
            })?
        }
        QueryMsg::IssuerRoot { issuer_did, root } => {
            let cfg = CONFIG.load(deps.storage)?;
            let did = parse_did(&issuer_did)?;
            let (_, key) = parse_root(&root)?;
            let s = ROOTS.may_load(deps.storage, (&did.identity, &key))?;
            let ist = ISSUERS.may_load(deps.storage, &did.identity)?.unwrap_or_default();
            let retired = s.as_ref().is_some_and(|s| is_retired(s, &ist));
            let acceptable = !retired
                && s.as_ref().is_some_and(|s| match s.replaced_at {
                    None => true,
                    Some(t) => now <= t.saturating_add(cfg.root_window_secs),
                });
            to_json_binary(&RootResponse {
                anchored: s.is_some(),
                anchored_at: s.as_ref().map(|s| s.anchored_at),
                replaced_at: s.and_then(|s| s.replaced_at),
                retired,
                acceptable,
                current: ist.current_root.as_deref() == Some(root.as_str()),
            })?
        }
        QueryMsg::CurrentRoot { issuer_did } => {
            let did = parse_did(&issuer_did)?;
            let ist = ISSUERS.may_load(deps.storage, &did.identity)?.unwrap_or_default();
            to_json_binary(&CurrentRootResponse { root: ist.current_root })?
        }
        QueryMsg::Nullifier { statement_id, scope, nullifier } => {
            let (_, scope) = parse_root(&scope)?;
            let (_, nf) = parse_root(&nullifier)?;
            let u = NULLIFIERS.may_load(deps.storage, (&statement_id, &scope, &nf))?;
            to_json_binary(&NullifierResponse {
                used: u.is_some(),
                height: u.as_ref().map(|u| u.height),
                statement_id: u.map(|u| u.statement_id),
            })?
        }
        QueryMsg::Zkvct { holder_did, statement_id } => {
            let did = parse_did(&holder_did)?;
            let record = ZKVCTS.may_load(deps.storage, (&did.identity, &statement_id))?;
            let reason = match &record {
                None => Some("not_found"),
                Some(r) => record_invalidity(deps, now, r)?,
            };
            to_json_binary(&ZkvctResponse { valid: reason.is_none(), reason: reason.map(String::from), record })?
        }
        QueryMsg::Zkvcts { holder_did } => {
            let did = parse_did(&holder_did)?;
            let records = ZKVCTS
                .prefix(&did.identity)
                .range(deps.storage, None, None, Order::Ascending)
                .take(100)
                .map(|r| r.map(|(_, v)| v))
                .collect::<StdResult<Vec<_>>>()?;
            to_json_binary(&ZkvctsResponse { records })?
        }
        QueryMsg::Verify { request, sender } => {
            let r = match check_verify(deps, &env, sender.as_deref(), &request) {
                Ok(_) => VerifyResponse { valid: true, code: None, reason: None },
                Err(e) => VerifyResponse { valid: false, code: Some(e.code()), reason: Some(e.to_string()) },
            };
            to_json_binary(&r)?
        }
        QueryMsg::VerificationKey { statement_id, version } => {
            let unknown = || ContractError::UnknownStatement { statement_id: statement_id.clone(), version };
            let st = STATEMENTS.may_load(deps.storage, &statement_id)?.ok_or_else(unknown)?;
            let v = version.unwrap_or(st.latest_version);
            let vk = VERIFICATION_KEYS.may_load(deps.storage, (&statement_id, v))?.ok_or_else(unknown)?;
            to_json_binary(&VerificationKeyResponse { statement_id: statement_id.clone(), version: v, verification_key: vk })?
        }
        QueryMsg::AuthorizationNonce { holder_did } => {
            let did = parse_did(&holder_did)?;
            let nonce = AUTH_NONCES.may_load(deps.storage, &did.identity)?.unwrap_or(0);
            to_json_binary(&AuthorizationNonceResponse { holder_did: did.did, nonce })?
        }
        QueryMsg::AuthorizationSignBytes { request } => {
            let holder = parse_did(request.holder_did.as_deref().ok_or(ContractError::HolderDidRequired)?)?;
            let rp = parse_did(&request.relying_party_did)?;
            let proof = Proof::from_snarkjs(&request.proof).map_err(|e| ContractError::MalformedProof(e.to_string()))?;
            let proof_hash = derive::proof_hash(&proof);
            let nonce = AUTH_NONCES.may_load(deps.storage, &holder.identity)?.unwrap_or(0);
            let sign_bytes = derive::authorization_sign_bytes(
                &env.block.chain_id,
                env.contract.address.as_str(),
                nonce,
                &holder.did,
                &request.statement_id,
                &rp.did,
                &request.request.id,
                &proof_hash,
            );
            to_json_binary(&SignBytesResponse {
                nonce,
                digest: Binary::from(cw1056::signing::digest(&sign_bytes).to_vec()),
                sign_bytes: Binary::from(sign_bytes),
                proof_hash: derive::hex(&proof_hash),
            })?
        }
        QueryMsg::Proof { proof_hash } => {
            let h = cw1056::address::decode_hex(&proof_hash)
                .filter(|b| b.len() == 32)
                .ok_or_else(|| invalid("proof_hash", format!("{proof_hash:?}: expected 64 hex digits")))?;
            let u = PROOFS.may_load(deps.storage, &h)?;
            to_json_binary(&ProofResponse {
                used: u.is_some(),
                height: u.as_ref().map(|u| u.height),
                statement_id: u.map(|u| u.statement_id),
            })?
        }
        QueryMsg::DidHash { did } => {
            let d = parse_did(&did)?;
            to_json_binary(&DidHashResponse { hash: did_hash_decimal(&d), did: d.did })?
        }
    })
}
