//! snarkjs proof JSON and the point decoding shared with keys.

use alloc::string::String;
use alloc::vec::Vec;
use ark_bn254::{Fq, Fq2, G1Affine, G2Affine};
use ark_ec::AffineRepr;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::decimal::parse_field;
use crate::Error;

/// A proof as snarkjs writes `proof.json`: affine points with a third coordinate `"1"`.
/// G2 coordinates are `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]` (not the Solidity swap).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct SnarkjsProof {
    pub pi_a: Vec<String>,
    pub pi_b: Vec<Vec<String>>,
    pub pi_c: Vec<String>,
    /// `"groth16"` when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// `"bn128"` when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curve: Option<String>,
}

/// A decoded, validated proof.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proof {
    pub a: G1Affine,
    pub b: G2Affine,
    pub c: G1Affine,
}

impl Proof {
    /// Decodes and validates every point (canonical, affine, on curve, in subgroup, finite).
    pub fn from_snarkjs(p: &SnarkjsProof) -> Result<Self, Error> {
        check_meta(p.protocol.as_deref(), p.curve.as_deref())?;
        Ok(Proof {
            a: parse_g1(&p.pi_a, "proof pi_a")?,
            b: parse_g2(&p.pi_b, "proof pi_b")?,
            c: parse_g1(&p.pi_c, "proof pi_c")?,
        })
    }
}

pub(crate) fn check_meta(protocol: Option<&str>, curve: Option<&str>) -> Result<(), Error> {
    if let Some(proto) = protocol {
        if proto != "groth16" {
            return Err(Error::Key(alloc::format!("protocol {proto:?} is not supported; only \"groth16\"")));
        }
    }
    if let Some(curve) = curve {
        if curve != "bn128" && curve != "bn254" {
            return Err(Error::Key(alloc::format!("curve {curve:?} is not supported; only \"bn128\" (BN254)")));
        }
    }
    Ok(())
}

/// Decodes `[x, y, "1"]` into a G1 point. BN254 G1 has cofactor 1, so on-curve means in-subgroup;
/// the subgroup check is still run (it is free) to keep the rule uniform.
pub(crate) fn parse_g1(c: &[String], what: &str) -> Result<G1Affine, Error> {
    if c.len() != 3 && c.len() != 2 {
        return Err(Error::Point(alloc::format!(
            "{what}: {} coordinates; expected [x, y, \"1\"]",
            c.len()
        )));
    }
    if c.len() == 3 && c[2] != "1" {
        return Err(Error::Point(alloc::format!(
            "{what}: z = {:?}; only affine points (z = \"1\") are accepted, and never the point at infinity",
            c[2]
        )));
    }
    let x: Fq = parse_field(&c[0], &alloc::format!("{what}.x"))?;
    let y: Fq = parse_field(&c[1], &alloc::format!("{what}.y"))?;
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(Error::Point(alloc::format!("{what}: not on the BN254 G1 curve")));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(Error::Point(alloc::format!("{what}: not in the prime-order subgroup")));
    }
    debug_assert!(!p.is_zero());
    Ok(p)
}

/// Decodes `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]` into a G2 point with the full subgroup check.
pub(crate) fn parse_g2(c: &[Vec<String>], what: &str) -> Result<G2Affine, Error> {
    if c.len() != 3 && c.len() != 2 {
        return Err(Error::Point(alloc::format!(
            "{what}: {} coordinates; expected [[x.c0, x.c1], [y.c0, y.c1], [\"1\", \"0\"]]",
            c.len()
        )));
    }
    for (k, name) in c.iter().zip(["x", "y", "z"]) {
        if k.len() != 2 {
            return Err(Error::Point(alloc::format!(
                "{what}.{name}: {} components; an Fq2 element has 2 (c0, c1)",
                k.len()
            )));
        }
    }
    if c.len() == 3 && (c[2][0] != "1" || c[2][1] != "0") {
        return Err(Error::Point(alloc::format!(
            "{what}: z = {:?}; only affine points (z = [\"1\", \"0\"]) are accepted, and never the point at infinity",
            c[2]
        )));
    }
    let x = Fq2::new(
        parse_field(&c[0][0], &alloc::format!("{what}.x.c0"))?,
        parse_field(&c[0][1], &alloc::format!("{what}.x.c1"))?,
    );
    let y = Fq2::new(
        parse_field(&c[1][0], &alloc::format!("{what}.y.c0"))?,
        parse_field(&c[1][1], &alloc::format!("{what}.y.c1"))?,
    );
    let p = G2Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(Error::Point(alloc::format!("{what}: not on the BN254 G2 twist curve")));
    }
    if !p.is_in_correct_subgroup_assuming_on_curve() {
        return Err(Error::Point(alloc::format!(
            "{what}: on the twist curve but not in the prime-order subgroup"
        )));
    }
    Ok(p)
}
