//! Public-input roles: validated once at registration, applied to every verification.
use zkvct_groth16::decimal;
use zkvct_groth16::Fr;

use crate::msg::InputRole;
use crate::ContractError;

/// Longest `years` a cutoff may subtract.
pub const MAX_CUTOFF_YEARS: u32 = 150;

pub fn name(r: &InputRole) -> &'static str {
    match r {
        InputRole::IssuerRoot => "issuer_root",
        InputRole::RevocationRoot => "revocation_root",
        InputRole::CutoffDays { .. } => "cutoff_days",
        InputRole::TodayDays => "today_days",
        InputRole::Scope => "scope",
        InputRole::Nullifier => "nullifier",
        InputRole::Challenge => "challenge",
        InputRole::HolderDidHash => "holder_did_hash",
        InputRole::Param { .. } => "param",
    }
}

/// Position of the (single) input with a given role.
pub fn position(roles: &[InputRole], pred: impl Fn(&InputRole) -> bool) -> Option<usize> {
    roles.iter().position(pred)
}

/// Checks a role list against the key and the trusted-issuer list (docs/protocol.md): one role
/// per input, each role at most once, exactly one root role (`issuer_root` or
/// `revocation_root`), one `scope`, one `nullifier`, one `challenge`, at least one trusted issuer.
pub fn validate_roles(roles: &[InputRole], n_public: usize, n_trusted_issuers: usize) -> Result<(), ContractError> {
    let bad = |m: String| Err(ContractError::InvalidRoles(m));
    if roles.len() != n_public {
        return bad(format!("{} roles for a key with {n_public} public inputs; give one role per input", roles.len()));
    }
    for (i, r) in roles.iter().enumerate() {
        let n = name(r);
        if roles[..i].iter().any(|o| name(o) == n) {
            return bad(format!("role {n} appears more than once (input {i}); each role at most once"));
        }
        match r {
            InputRole::CutoffDays { years } if *years == 0 || *years > MAX_CUTOFF_YEARS => {
                return bad(format!("cutoff_days years = {years}; expected 1..={MAX_CUTOFF_YEARS}"));
            }
            InputRole::Param { value } => {
                decimal::parse_field::<Fr>(value, &format!("param value of input {i}"))
                    .map_err(|e| ContractError::InvalidRoles(e.to_string()))?;
            }
            _ => {}
        }
    }
    let has = |n: &str| roles.iter().any(|r| name(r) == n);
    if has("issuer_root") == has("revocation_root") {
        return bad("a statement needs exactly one root input: issuer_root or revocation_root".into());
    }
    for required in ["scope", "nullifier", "challenge"] {
        if !has(required) {
            return bad(format!("a statement needs one {required} input (roles: {})", roles.iter().map(name).collect::<Vec<_>>().join(", ")));
        }
    }
    if n_trusted_issuers == 0 {
        return bad("a root input needs at least one trusted issuer".into());
    }
    Ok(())
}
