//! snarkjs `verification_key.json` and the prepared (validated, precomputed) form that is stored.

use alloc::string::String;
use alloc::vec::Vec;
use ark_bn254::{Bn254, Fq12, G1Affine, G2Affine};
use ark_ec::pairing::Pairing;
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::proof::{check_meta, parse_g1, parse_g2};
use crate::Error;

/// Upper bound on public inputs a key may declare: keeps the stored key and the verification
/// cost bounded (each input costs one G1 scalar multiplication).
pub const MAX_PUBLIC_INPUTS: usize = 32;

/// `verification_key.json` as written by `snarkjs zkey export verificationkey` (Groth16).
/// `vk_alphabeta_12` is accepted and ignored: the contract recomputes `e(alpha, beta)` itself
/// rather than trusting a value it would have to check anyway.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
#[allow(non_snake_case)]
pub struct SnarkjsVerificationKey {
    pub protocol: String,
    pub curve: String,
    #[serde(rename = "nPublic")]
    pub n_public: u32,
    pub vk_alpha_1: Vec<String>,
    pub vk_beta_2: Vec<Vec<String>>,
    pub vk_gamma_2: Vec<Vec<String>>,
    pub vk_delta_2: Vec<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vk_alphabeta_12: Option<Vec<Vec<Vec<String>>>>,
    #[serde(rename = "IC")]
    pub ic: Vec<Vec<String>>,
}

/// A validated key with `e(alpha, beta)` precomputed and gamma, delta negated.
#[derive(Clone, Debug, PartialEq, Eq, CanonicalSerialize, CanonicalDeserialize)]
pub struct PreparedKey {
    pub alpha_beta: Fq12,
    pub gamma_neg: G2Affine,
    pub delta_neg: G2Affine,
    pub ic: Vec<G1Affine>,
}

impl PreparedKey {
    /// Validates a snarkjs key (every point canonical, affine, on curve, in subgroup, finite;
    /// `IC` length = nPublic + 1) and precomputes what verification needs.
    pub fn from_snarkjs(vk: &SnarkjsVerificationKey) -> Result<Self, Error> {
        check_meta(Some(&vk.protocol), Some(&vk.curve))?;
        let n = vk.n_public as usize;
        if n > MAX_PUBLIC_INPUTS {
            return Err(Error::Key(alloc::format!(
                "nPublic = {n}; at most {MAX_PUBLIC_INPUTS} public inputs are supported"
            )));
        }
        if vk.ic.len() != n + 1 {
            return Err(Error::Key(alloc::format!(
                "IC has {} points; a key with nPublic = {n} needs nPublic + 1 = {}",
                vk.ic.len(),
                n + 1
            )));
        }
        let alpha = parse_g1(&vk.vk_alpha_1, "vk_alpha_1")?;
        let beta = parse_g2(&vk.vk_beta_2, "vk_beta_2")?;
        let gamma = parse_g2(&vk.vk_gamma_2, "vk_gamma_2")?;
        let delta = parse_g2(&vk.vk_delta_2, "vk_delta_2")?;
        let ic = vk
            .ic
            .iter()
            .enumerate()
            .map(|(i, p)| parse_g1(p, &alloc::format!("IC[{i}]")))
            .collect::<Result<Vec<_>, _>>()?;
        let alpha_beta = Bn254::pairing(alpha, beta).0;
        Ok(PreparedKey { alpha_beta, gamma_neg: -gamma, delta_neg: -delta, ic })
    }

    /// Number of public inputs the key takes.
    pub fn n_public(&self) -> usize {
        self.ic.len() - 1
    }

    /// Compact binary form for storage (uncompressed points: decoding needs no square roots).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.uncompressed_size());
        // Writing into a Vec cannot fail.
        let _ = self.serialize_uncompressed(&mut out);
        out
    }

    /// Reads bytes written by [`PreparedKey::to_bytes`]. The points were validated before they
    /// were stored, so the checks are not repeated (the contract is the only writer).
    pub fn from_trusted_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let k = Self::deserialize_uncompressed_unchecked(bytes)
            .map_err(|e| Error::Encoding(alloc::format!("{e}")))?;
        if k.ic.is_empty() {
            return Err(Error::Encoding(String::from("empty IC")));
        }
        Ok(k)
    }
}
