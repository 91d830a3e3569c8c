//! Multi-scalar multiplication in G1 and G2 (arkworks' parallel Pippenger with signed digits).
//!
//! Scalars stay in normal form as `BigInt`s, which is exactly what `msm_bigint` consumes, so the
//! witness bytes go straight from the `.wtns` layout into the MSM with no field conversion.

use ark_bn254::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::VariableBaseMSM;
use ark_ff::BigInt;

use crate::encoding::{
    g1_batch_from_lem, g2_batch_from_lem, scalars_bigint, Infinity, Trust,
};

pub fn g1_msm_points(bases: &[G1Affine], scalars: &[BigInt<4>]) -> G1Projective {
    debug_assert_eq!(bases.len(), scalars.len());
    G1Projective::msm_bigint(bases, scalars)
}

pub fn g2_msm_points(bases: &[G2Affine], scalars: &[BigInt<4>]) -> G2Projective {
    debug_assert_eq!(bases.len(), scalars.len());
    G2Projective::msm_bigint(bases, scalars)
}

fn check_counts(n_points: usize, n_scalars: usize) -> Result<(), String> {
    if n_points != n_scalars {
        return Err(format!(
            "MSM needs as many scalars as points: got {n_points} points and {n_scalars} scalars"
        ));
    }
    Ok(())
}

/// Σ s_i·P_i from LEM points and normal-form scalars; `trusted` skips the G2 subgroup check.
pub fn g1_msm(bases: &[u8], scalars: &[u8], _trusted: bool) -> Result<G1Projective, String> {
    let s = scalars_bigint(scalars)?;
    let p = g1_batch_from_lem(bases, Infinity::Allow)?;
    check_counts(p.len(), s.len())?;
    Ok(g1_msm_points(&p, &s))
}

pub fn g2_msm(bases: &[u8], scalars: &[u8], trusted: bool) -> Result<G2Projective, String> {
    let s = scalars_bigint(scalars)?;
    let trust = if trusted { Trust::Trusted } else { Trust::Checked };
    let p = g2_batch_from_lem(bases, Infinity::Allow, trust)?;
    check_counts(p.len(), s.len())?;
    Ok(g2_msm_points(&p, &s))
}
