#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    to_json_binary, Binary, Deps, DepsMut, Env, MessageInfo, Order, Response, StdResult,
};
use sha2::{Digest, Sha256};
use zkvct_groth16::ark::PrimeField;
use zkvct_groth16::{decimal, parse_public_inputs, verify, Fr, PreparedKey, Proof};

use crate::dates::{day_of, minus_years};
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
        ExecuteMsg::AnchorRoot { issuer_did, root } => anchor_root(deps, env, info, issuer_did, root),
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

fn anchor_root(deps: DepsMut, env: Env, info: MessageInfo, issuer_did: String, root: String) -> Result<Response, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let now = env.block.time.seconds();
    let issuer = parse_did(&issuer_did)?;
    require_controller(deps.as_ref(), &cfg, &issuer, info.sender.as_str(), now)?;
    let (_, key) = parse_root(&root)?;
    let previous = CURRENT_ROOT.may_load(deps.storage, &issuer.identity)?;
    if let Some(prev) = &previous {
        if *prev != root {
            let (_, pk) = parse_root(prev)?;
            ROOTS.update(deps.storage, (&issuer.identity, &pk), |s| -> StdResult<_> {
                let mut s = s.unwrap_or(RootState { anchored_at: now, replaced_at: None });
                s.replaced_at = Some(now);
                Ok(s)
            })?;
        }
    }
    ROOTS.save(deps.storage, (&issuer.identity, &key), &RootState { anchored_at: now, replaced_at: None })?;
    CURRENT_ROOT.save(deps.storage, &issuer.identity, &root)?;
    Ok(Response::new()
        .add_attribute("action", "anchor_root")
        .add_attribute("issuer_did", issuer.did)
        .add_attribute("root", root)
        .add_attribute("previous_root", previous.unwrap_or_else(|| "none".into())))
}

/// What a successful verification may record.
pub struct Verified {
    pub statement_id: String,
    pub version: u32,
    pub nullifier: Option<(Vec<u8>, Vec<u8>, String)>,
    pub issuer: Option<Did>,
    pub holder: Option<Did>,
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

/// Every check of a verification, cheapest first, the pairing last. Reads state, writes nothing.
pub fn check_verify(deps: Deps, env: &Env, sender: Option<&str>, req: &VerifyRequest) -> Result<Verified, ContractError> {
    let cfg = CONFIG.load(deps.storage)?;
    let (version, sv) = load_version(deps, &req.statement_id, req.version)?;
    let expected = sv.roles.len();
    if req.public_inputs.len() != expected {
        return Err(ContractError::WrongInputCount { expected, got: req.public_inputs.len() });
    }
    let inputs = parse_public_inputs(&req.public_inputs).map_err(|e| ContractError::InputNotCanonical(e.to_string()))?;
    let proof = Proof::from_snarkjs(&req.proof).map_err(|e| ContractError::MalformedProof(e.to_string()))?;

    let now = env.block.time.seconds();
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

    let mut issuer = None;
    let mut holder = None;
    let mut scope: Option<Vec<u8>> = None;
    let mut nullifier_at = None;
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
            InputRole::IssuerRoot => {
                let did = parse_did(req.issuer_did.as_deref().ok_or(ContractError::IssuerRequired)?)?;
                if !sv.trusted_issuers.contains(&did.did) {
                    return Err(ContractError::UntrustedIssuer {
                        issuer: did.did,
                        statement_id: req.statement_id.clone(),
                        version,
                    });
                }
                let root = bytes(i);
                let state = ROOTS.may_load(deps.storage, (&did.identity, &root))?.ok_or_else(|| {
                    ContractError::UnknownRoot { root: req.public_inputs[i].clone(), issuer: did.did.clone() }
                })?;
                if let Some(replaced_at) = state.replaced_at {
                    if now > replaced_at.saturating_add(cfg.root_window_secs) {
                        return Err(ContractError::StaleRoot {
                            root: req.public_inputs[i].clone(),
                            issuer: did.did,
                            replaced_at,
                            window: cfg.root_window_secs,
                            now,
                        });
                    }
                }
                require_active(deps, &cfg, &did)?;
                issuer = Some(did);
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
            InputRole::Scope => scope = Some(bytes(i).to_vec()),
            InputRole::Nullifier => nullifier_at = Some(i),
            InputRole::Challenge => {
                if let Some(expected) = &req.challenge {
                    let e: Fr = decimal::parse_field(expected, "challenge")
                        .map_err(|e| ContractError::InputNotCanonical(e.to_string()))?;
                    if e != inputs[i] {
                        return Err(ContractError::ChallengeMismatch {
                            value: req.public_inputs[i].clone(),
                            expected: expected.clone(),
                        });
                    }
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
                let sender = sender.ok_or(ContractError::SenderRequired)?;
                require_controller(deps, &cfg, &did, sender, now)?;
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
    let nullifier = match nullifier_at {
        Some(i) => {
            // Without a scope input the statement itself is the scope.
            let scope = scope.unwrap_or_else(|| default_scope(&req.statement_id));
            let nf = bytes(i).to_vec();
            if let Some(used) = NULLIFIERS.may_load(deps.storage, (&scope, &nf))? {
                return Err(ContractError::NullifierUsed {
                    nullifier: req.public_inputs[i].clone(),
                    statement_id: used.statement_id,
                    height: used.height,
                });
            }
            Some((scope, nf, req.public_inputs[i].clone()))
        }
        None => None,
    };

    let key = PreparedKey::from_trusted_bytes(&sv.key).map_err(|e| ContractError::InvalidKey(e.to_string()))?;
    match verify(&key, &proof, &inputs) {
        Ok(true) => {}
        Ok(false) => return Err(ContractError::ProofRejected),
        Err(e) => return Err(ContractError::MalformedProof(e.to_string())),
    }
    Ok(Verified {
        statement_id: req.statement_id.clone(),
        version,
        nullifier,
        issuer,
        holder,
        record_validity_secs: sv.record_validity_secs,
    })
}

/// Scope of nullifiers of a statement without a scope input: sha256("zkvct-scope:" || id).
pub fn default_scope(statement_id: &str) -> Vec<u8> {
    Sha256::digest(format!("zkvct-scope:{statement_id}").as_bytes()).to_vec()
}

fn verify_tx(deps: DepsMut, env: Env, info: MessageInfo, req: VerifyRequest) -> Result<Response, ContractError> {
    let v = check_verify(deps.as_ref(), &env, Some(info.sender.as_str()), &req)?;
    // Only now, with every check passed, does anything change.
    let mut resp = Response::new()
        .add_attribute("action", "verify_zkvct")
        .add_attribute("statement_id", &v.statement_id)
        .add_attribute("version", v.version.to_string());
    if let Some((scope, nf, nf_dec)) = &v.nullifier {
        NULLIFIERS.save(
            deps.storage,
            (scope, nf),
            &NullifierUse { statement_id: v.statement_id.clone(), version: v.version, height: env.block.height },
        )?;
        resp = resp.add_attribute("nullifier", nf_dec);
    }
    if let Some(issuer) = &v.issuer {
        resp = resp.add_attribute("issuer_did", &issuer.did);
    }
    if let Some(holder) = v.holder {
        let now = env.block.time.seconds();
        let record = Zkvct {
            statement_id: v.statement_id.clone(),
            version: v.version,
            issuer_did: v.issuer.map(|d| d.did),
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
            let acceptable = s.as_ref().is_some_and(|s| match s.replaced_at {
                None => true,
                Some(t) => now <= t.saturating_add(cfg.root_window_secs),
            });
            to_json_binary(&RootResponse {
                anchored: s.is_some(),
                anchored_at: s.as_ref().map(|s| s.anchored_at),
                replaced_at: s.and_then(|s| s.replaced_at),
                acceptable,
            })?
        }
        QueryMsg::CurrentRoot { issuer_did } => {
            let did = parse_did(&issuer_did)?;
            to_json_binary(&CurrentRootResponse { root: CURRENT_ROOT.may_load(deps.storage, &did.identity)? })?
        }
        QueryMsg::Nullifier { statement_id, scope, nullifier } => {
            let scope = match scope {
                Some(s) => parse_root(&s)?.1.to_vec(),
                None => default_scope(&statement_id),
            };
            let (_, nf) = parse_root(&nullifier)?;
            let u = NULLIFIERS.may_load(deps.storage, (&scope, &nf))?;
            to_json_binary(&NullifierResponse {
                used: u.is_some(),
                height: u.as_ref().map(|u| u.height),
                statement_id: u.map(|u| u.statement_id),
            })?
        }
        QueryMsg::Zkvct { holder_did, statement_id } => {
            let did = parse_did(&holder_did)?;
            let record = ZKVCTS.may_load(deps.storage, (&did.identity, &statement_id))?;
            let valid = record.as_ref().is_some_and(|r| r.valid_until.map_or(true, |t| now < t));
            to_json_binary(&ZkvctResponse { record, valid })?
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
                Ok(_) => VerifyResponse { valid: true, reason: None },
                Err(e) => VerifyResponse { valid: false, reason: Some(e.to_string()) },
            };
            to_json_binary(&r)?
        }
        QueryMsg::DidHash { did } => {
            let d = parse_did(&did)?;
            to_json_binary(&DidHashResponse { hash: did_hash_decimal(&d), did: d.did })?
        }
    })
}
