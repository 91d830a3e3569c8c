//! Groth16 verification over BN254 for snarkjs-format keys and proofs.
//!
//! (std only because schemars needs it; the code itself uses core + alloc.)
//!
//! One crate serves the CosmWasm verifier (compiled to MVP wasm) and native tests, so the rules
//! for reading untrusted keys and proofs live in one place:
//!
//! * every number is a canonical decimal string below its modulus (see [`decimal`]);
//! * every point is affine (`z = "1"`), on the curve and in the prime-order subgroup (G2 has a
//!   large cofactor, so its subgroup check matters); the point at infinity is refused everywhere,
//!   including `IC[i]`, because an infinite `IC[i]` means public input `i` is not constrained;
//! * public inputs are field elements below r (x and x + r would otherwise verify alike).
//!
//! A key is validated once ([`PreparedKey::from_snarkjs`]) and stored in a compact binary form
//! that already holds `e(alpha, beta)` and `-gamma`, `-delta`, so a verification is one
//! three-pair Miller loop and one final exponentiation.


extern crate alloc;

pub mod decimal;
mod error;
mod key;
mod proof;

pub use error::Error;
pub use key::{PreparedKey, SnarkjsVerificationKey};
pub use proof::{Proof, SnarkjsProof};

pub use ark_bn254::{Fq, Fr, G1Affine, G2Affine};

/// Re-exports for callers that need field conversions without naming arkworks crates.
pub mod ark {
    pub use ark_ff::{BigInt, BigInteger, PrimeField};
}

use ark_bn254::{Bn254, G1Projective};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::PrimeField;

/// Parses public signals (decimal strings) into scalars, refusing any value >= r.
pub fn parse_public_inputs(signals: &[alloc::string::String]) -> Result<alloc::vec::Vec<Fr>, Error> {
    signals
        .iter()
        .enumerate()
        .map(|(i, s)| decimal::parse_field::<Fr>(s, &alloc::format!("public input {i}")))
        .collect()
}

/// Checks a parsed proof against a prepared key and public inputs.
///
/// Returns `Err` for a wrong number of inputs, `Ok(false)` when the pairing equation fails.
pub fn verify(key: &PreparedKey, proof: &Proof, inputs: &[Fr]) -> Result<bool, Error> {
    if inputs.len() + 1 != key.ic.len() {
        return Err(Error::InputCount { expected: key.ic.len() - 1, got: inputs.len() });
    }
    // vk_x = IC[0] + sum x_i IC[i]; the GLV scalar multiplication of ark-bn254 halves the doublings.
    let mut acc: G1Projective = key.ic[0].into_group();
    for (x, base) in inputs.iter().zip(key.ic[1..].iter()) {
        let bits = x.into_bigint();
        if bits.0.iter().all(|&l| l == 0) {
            continue;
        }
        acc += *base * x;
    }
    let vk_x = acc.into_affine();
    // e(A, B) * e(vk_x, -gamma) * e(C, -delta) == e(alpha, beta)
    let ml = Bn254::multi_miller_loop(
        [proof.a, vk_x, proof.c],
        [proof.b, key.gamma_neg, key.delta_neg],
    );
    let Some(out) = Bn254::final_exponentiation(ml) else {
        return Ok(false);
    };
    Ok(out.0 == key.alpha_beta)
}

#[cfg(test)]
mod tests;
