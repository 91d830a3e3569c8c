//! The Groth16 prover and verifier, bit-compatible with snarkjs's `.zkey` layout.
//!
//! Prover (follows snarkjs `groth16_prove.js`):
//! 1. From `.zkey` section 4 (A and B coefficients) and the witness, evaluate A and B on the
//!    n-point domain H (one value per constraint row, including the rows snarkjs adds for the
//!    public inputs); C = A∘B pointwise.
//! 2. For each of A, B, C: inverse FFT on H, then FFT on the odd coset ω_{2n}·H (see `fft.rs`).
//! 3. H-values = A·B − C on the coset; MSM with section 9 (the odd Lagrange points of the 2n
//!    domain, divided by δ).
//! 4. MSMs of the witness with sections 5 (A), 6 (B in G1), 7 (B in G2) and 8 (C, private wires),
//!    then the blinding with r, s exactly as snarkjs adds it.
//!
//! Section 4 coefficients: snarkjs stores c·R² mod r as a normal-form integer (R = 2^256) and
//! multiplies the raw bytes with the raw (normal-form) witness bytes as if both were Montgomery
//! representations: (c·R²)·w·R⁻¹ is the Montgomery representation of c·w. We do the same with
//! `Fr::new_unchecked` on both raw values, so no conversion of the witness is needed.

use ark_bn254::{Bn254, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInt, One, PrimeField, Zero};
use rayon::prelude::*;

use crate::encoding::{
    g1_batch_from_lem, g1_from_lem, g2_batch_from_lem, g2_from_lem, limbs_le, scalars_bigint,
    Infinity, Trust, FR_BYTES, G1_BYTES, G2_BYTES,
};
use crate::{fft, msm};

pub struct ProvingKey<'a> {
    pub n_vars: usize,
    pub n_public: usize,
    pub domain_size: usize,
    pub coeffs: &'a [u8],
    pub a: &'a [u8],
    pub b1: &'a [u8],
    pub b2: &'a [u8],
    pub c: &'a [u8],
    pub h: &'a [u8],
    pub alpha1: &'a [u8],
    pub beta1: &'a [u8],
    pub beta2: &'a [u8],
    pub delta1: &'a [u8],
    pub delta2: &'a [u8],
}

pub struct Proof {
    pub a: G1Affine,
    pub b: G2Affine,
    pub c: G1Affine,
}

fn expect_len(buf: &[u8], want: usize, what: &str) -> Result<(), String> {
    if buf.len() != want {
        return Err(format!("{what}: expected {want} bytes, got {}", buf.len()));
    }
    Ok(())
}

fn one_g1(b: &[u8], what: &str, inf: Infinity) -> Result<G1Affine, String> {
    expect_len(b, G1_BYTES, what)?;
    g1_from_lem(b, inf).map_err(|e| format!("{what}: {e}"))
}

fn one_g2(b: &[u8], what: &str, inf: Infinity) -> Result<G2Affine, String> {
    expect_len(b, G2_BYTES, what)?;
    g2_from_lem(b, inf, Trust::Checked).map_err(|e| format!("{what}: {e}"))
}

fn section_g1(b: &[u8], n: usize, what: &str) -> Result<Vec<G1Affine>, String> {
    expect_len(b, n * G1_BYTES, what)?;
    g1_batch_from_lem(b, Infinity::Allow).map_err(|e| format!("{what}: {e}"))
}

fn section_g2(b: &[u8], n: usize, what: &str) -> Result<Vec<G2Affine>, String> {
    expect_len(b, n * G2_BYTES, what)?;
    g2_batch_from_lem(b, Infinity::Allow, Trust::Trusted).map_err(|e| format!("{what}: {e}"))
}

const COEF_BYTES: usize = 12 + FR_BYTES;

/// Evaluate A and B on the domain from section 4 (see module docs for the value encoding).
fn eval_ab(pk: &ProvingKey, witness_raw: &[BigInt<4>]) -> Result<(Vec<Fr>, Vec<Fr>), String> {
    let sec = pk.coeffs;
    if sec.len() < 4 {
        return Err("coefficients section: shorter than its 4-byte count".into());
    }
    let count = u32::from_le_bytes(sec[0..4].try_into().unwrap()) as usize;
    if sec.len() != 4 + count * COEF_BYTES {
        return Err(format!(
            "coefficients section: {} bytes, but {count} entries need {}",
            sec.len(),
            4 + count * COEF_BYTES
        ));
    }
    let entries = &sec[4..];
    // validate in parallel first, so the accumulation loops cannot fail half way
    if let Some(i) = entries.par_chunks_exact(COEF_BYTES).position_first(|e| {
        let m = u32::from_le_bytes(e[0..4].try_into().unwrap());
        let c = u32::from_le_bytes(e[4..8].try_into().unwrap()) as usize;
        let s = u32::from_le_bytes(e[8..12].try_into().unwrap()) as usize;
        m > 1 || c >= pk.domain_size || s >= pk.n_vars || BigInt::new(limbs_le(&e[12..44])) >= Fr::MODULUS
    }) {
        let e = &entries[i * COEF_BYTES..(i + 1) * COEF_BYTES];
        let m = u32::from_le_bytes(e[0..4].try_into().unwrap());
        let c = u32::from_le_bytes(e[4..8].try_into().unwrap());
        let s = u32::from_le_bytes(e[8..12].try_into().unwrap());
        return Err(format!(
            "coefficient {i}: matrix {m} (0 or 1 allowed), constraint {c} (< {} allowed), signal {s} (< {} allowed) or value >= r",
            pk.domain_size, pk.n_vars
        ));
    }
    let accumulate = |matrix: u32| {
        let mut out = vec![Fr::zero(); pk.domain_size];
        for e in entries.chunks_exact(COEF_BYTES) {
            if u32::from_le_bytes(e[0..4].try_into().unwrap()) != matrix {
                continue;
            }
            let c = u32::from_le_bytes(e[4..8].try_into().unwrap()) as usize;
            let s = u32::from_le_bytes(e[8..12].try_into().unwrap()) as usize;
            let coef = Fr::new_unchecked(BigInt::new(limbs_le(&e[12..44])));
            out[c] += coef * Fr::new_unchecked(witness_raw[s]);
        }
        out
    };
    Ok(rayon::join(|| accumulate(0), || accumulate(1)))
}

/// values on H -> values on the odd coset ω_{2n}·H
fn to_odd_coset(v: &mut Vec<Fr>) -> Result<(), String> {
    fft::fft_in_place(v, true)?;
    fft::coset_fft_in_place(v, false)
}

pub fn prove(pk: &ProvingKey, witness: &[u8], r: Fr, s: Fr) -> Result<Proof, String> {
    let n = pk.domain_size;
    if n == 0 || !n.is_power_of_two() {
        return Err(format!("domain size {n} is not a power of two"));
    }
    if pk.n_vars < pk.n_public + 1 {
        return Err(format!("{} variables cannot hold {} public signals and the constant", pk.n_vars, pk.n_public));
    }
    if n.trailing_zeros() > 28 {
        return Err(format!("domain size 2^{} exceeds the field's 2^28 limit", n.trailing_zeros()));
    }
    // every size is checked before anything is allocated or computed
    expect_len(witness, pk.n_vars * FR_BYTES, "witness")?;
    expect_len(pk.a, pk.n_vars * G1_BYTES, "A points")?;
    expect_len(pk.b1, pk.n_vars * G1_BYTES, "B1 points")?;
    expect_len(pk.b2, pk.n_vars * G2_BYTES, "B2 points")?;
    expect_len(pk.c, (pk.n_vars - pk.n_public - 1) * G1_BYTES, "C points")?;
    expect_len(pk.h, n * G1_BYTES, "H points")?;
    let w = scalars_bigint(witness).map_err(|e| format!("witness: {e}"))?;
    let alpha1 = one_g1(pk.alpha1, "alpha1", Infinity::Reject)?;
    let beta1 = one_g1(pk.beta1, "beta1", Infinity::Reject)?;
    let beta2 = one_g2(pk.beta2, "beta2", Infinity::Reject)?;
    let delta1 = one_g1(pk.delta1, "delta1", Infinity::Reject)?;
    let delta2 = one_g2(pk.delta2, "delta2", Infinity::Reject)?;
    let n_priv = pk.n_vars - pk.n_public - 1;

    // Polynomial part and point decoding run side by side.
    let (h_vals, points) = rayon::join(
        || -> Result<Vec<BigInt<4>>, String> {
            let (mut a, mut b) = eval_ab(pk, &w)?;
            let mut c: Vec<Fr> = a.par_iter().zip(b.par_iter()).map(|(x, y)| *x * y).collect();
            let ((ra, rb), rc) = rayon::join(
                || rayon::join(|| to_odd_coset(&mut a), || to_odd_coset(&mut b)),
                || to_odd_coset(&mut c),
            );
            ra?;
            rb?;
            rc?;
            Ok(a.par_iter()
                .zip(b.par_iter())
                .zip(c.par_iter())
                .map(|((x, y), z)| (*x * y - z).into_bigint())
                .collect())
        },
        || -> Result<_, String> {
            let ((a, b1), (c, h)) = rayon::join(
                || rayon::join(|| section_g1(pk.a, pk.n_vars, "A points"), || section_g1(pk.b1, pk.n_vars, "B1 points")),
                || rayon::join(|| section_g1(pk.c, n_priv, "C points"), || section_g1(pk.h, n, "H points")),
            );
            let b2 = section_g2(pk.b2, pk.n_vars, "B2 points")?;
            Ok((a?, b1?, c?, h?, b2))
        },
    );
    let h_vals = h_vals?;
    let (pa, pb1, pc, ph, pb2) = points?;

    let ((msm_a, msm_b1), ((msm_c, msm_h), msm_b2)) = rayon::join(
        || rayon::join(|| msm::msm(&pa, &w), || msm::msm(&pb1, &w)),
        || {
            rayon::join(
                || rayon::join(|| msm::msm(&pc, &w[pk.n_public + 1..]), || msm::msm(&ph, &h_vals)),
                || msm::msm(&pb2, &w),
            )
        },
    );

    let pi_a = msm_a + alpha1 + delta1 * r;
    let pi_b = msm_b2 + beta2 + delta2 * s;
    let pib1 = msm_b1 + beta1 + delta1 * s;
    let pi_c = msm_c + msm_h + pi_a * s + pib1 * r - delta1 * (r * s);
    let a = pi_a.into_affine();
    let c = pi_c.into_affine();
    Ok(Proof { a, b: pi_b.into_affine(), c })
}

pub struct VerifyingKey<'a> {
    pub alpha1: &'a [u8],
    pub beta2: &'a [u8],
    pub gamma2: &'a [u8],
    pub delta2: &'a [u8],
    pub ic: &'a [u8],
}

/// Full check of a proof: every point decoded with curve and subgroup checks, public inputs < r
/// and of the right count. Malformed input is an `Err`; a well-formed wrong proof is `Ok(false)`.
pub fn verify(vk: &VerifyingKey, pi_a: &[u8], pi_b: &[u8], pi_c: &[u8], publics: &[u8]) -> Result<bool, String> {
    let alpha1 = one_g1(vk.alpha1, "vk alpha1", Infinity::Reject)?;
    let beta2 = one_g2(vk.beta2, "vk beta2", Infinity::Reject)?;
    let gamma2 = one_g2(vk.gamma2, "vk gamma2", Infinity::Reject)?;
    let delta2 = one_g2(vk.delta2, "vk delta2", Infinity::Reject)?;
    if vk.ic.is_empty() || vk.ic.len() % G1_BYTES != 0 {
        return Err(format!("vk IC: {} bytes is not a positive number of 64-byte points", vk.ic.len()));
    }
    let ic = g1_batch_from_lem(vk.ic, Infinity::Allow).map_err(|e| format!("vk IC {e}"))?;
    let a = one_g1(pi_a, "proof pi_a", Infinity::Reject)?;
    let b = one_g2(pi_b, "proof pi_b", Infinity::Reject)?;
    let c = one_g1(pi_c, "proof pi_c", Infinity::Reject)?;
    if publics.len() % FR_BYTES != 0 {
        return Err(format!("public inputs: {} bytes is not a whole number of 32-byte scalars", publics.len()));
    }
    let n_pub = publics.len() / FR_BYTES;
    if n_pub + 1 != ic.len() {
        return Err(format!(
            "wrong number of public inputs: got {n_pub}, the verification key expects {}",
            ic.len() - 1
        ));
    }
    let pubs = scalars_bigint(publics).map_err(|e| format!("public input {}", e.trim_start_matches("scalar ")))?;
    let vk_x = ic[0].into_group() + G1Projective::msm_bigint(&ic[1..], &pubs);
    let ok = Bn254::multi_pairing(
        [(-a.into_group()).into_affine(), alpha1, vk_x.into_affine(), c],
        [b, beta2, gamma2, delta2],
    )
    .0
    .is_one();
    Ok(ok)
}

/// A uniformly random scalar from the OS (64 bytes reduced mod r: bias < 2^-250).
pub fn random_fr() -> Result<Fr, String> {
    let mut buf = [0u8; 64];
    getrandom::getrandom(&mut buf).map_err(|e| format!("OS randomness unavailable: {e}"))?;
    let f = Fr::from_le_bytes_mod_order(&buf);
    buf.fill(0);
    Ok(f)
}

