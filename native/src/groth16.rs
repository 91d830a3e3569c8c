//! The Groth16 prover and verifier, bit-compatible with snarkjs's `.zkey` layout.
//!
//! `ProvingKey::new` decodes and checks the raw sections once (the section-4 terms split by
//! matrix, every point section in affine form); `prove` then only computes, so one key serves any
//! number of proofs.
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
use crate::error::Error;
use crate::msm_table::MsmTable;
use crate::{fft, msm};
use ark_bn254::G2Projective;
use std::sync::OnceLock;

/// The raw `.zkey` pieces a proving key is built from, borrowed (e.g. from a memory-mapped file):
/// the header counts, section 4 (coefficients, with its 4-byte count), sections 5-9 (A, B1, B2,
/// C, H points, LEM) and the header points.
pub struct Sections<'a> {
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

/// One section-4 entry of one matrix: constraint row, signal, and the stored value c·R² mod r
/// (kept raw: see the module docs).
#[derive(Clone, Copy)]
struct Term {
    row: u32,
    signal: u32,
    value: BigInt<4>,
}

/// A proving key decoded and checked once, so any number of proofs reuse it without touching the
/// file again: the coefficient terms split by matrix and every point section in affine form.
pub struct ProvingKey {
    pub n_vars: usize,
    pub n_public: usize,
    pub domain_size: usize,
    a_terms: Vec<Term>,
    b_terms: Vec<Term>,
    a: Vec<G1Affine>,
    b1: Vec<G1Affine>,
    b2: Vec<G2Affine>,
    c: Vec<G1Affine>,
    h: Vec<G1Affine>,
    alpha1: G1Affine,
    beta1: G1Affine,
    beta2: G2Affine,
    delta1: G1Affine,
    delta2: G2Affine,
    /// Fixed-base tables of the five point sections, once `prepare` built them.
    tables: OnceLock<Tables>,
}

/// The point sections as fixed-base tables (`msm_table.rs`): the same MSMs, ~1.5x faster.
struct Tables {
    a: MsmTable<ark_bn254::g1::Config>,
    b1: MsmTable<ark_bn254::g1::Config>,
    b2: MsmTable<ark_bn254::g2::Config>,
    c: MsmTable<ark_bn254::g1::Config>,
    h: MsmTable<ark_bn254::g1::Config>,
}

pub struct Proof {
    pub a: G1Affine,
    pub b: G2Affine,
    pub c: G1Affine,
}

fn expect_len(buf: &[u8], want: usize, what: &str) -> Result<(), Error> {
    if buf.len() != want {
        return Err(Error::expected_bytes(what, want, buf.len()));
    }
    Ok(())
}

fn one_g1(b: &[u8], what: &str, inf: Infinity) -> Result<G1Affine, Error> {
    expect_len(b, G1_BYTES, what)?;
    g1_from_lem(b, inf).map_err(|f| Error::point(f).context(&format!("{what}: ")))
}

fn one_g2(b: &[u8], what: &str, inf: Infinity) -> Result<G2Affine, Error> {
    expect_len(b, G2_BYTES, what)?;
    g2_from_lem(b, inf, Trust::Checked).map_err(|f| Error::point(f).context(&format!("{what}: ")))
}

fn section_g1(b: &[u8], what: &str) -> Result<Vec<G1Affine>, Error> {
    g1_batch_from_lem(b, Infinity::Allow).map_err(|e| e.context(&format!("{what}: ")))
}

fn section_g2(b: &[u8], what: &str, trust: Trust) -> Result<Vec<G2Affine>, Error> {
    g2_batch_from_lem(b, Infinity::Allow, trust).map_err(|e| e.context(&format!("{what}: ")))
}

const COEF_BYTES: usize = 12 + FR_BYTES;

/// Section 4 -> the A and B terms, every entry checked (matrix, row, signal, value < r).
fn decode_terms(sec: &[u8], domain_size: usize, n_vars: usize) -> Result<(Vec<Term>, Vec<Term>), Error> {
    if sec.len() < 4 {
        return Err(Error::Length("coefficients section: shorter than its 4-byte count".into()));
    }
    let count = u32::from_le_bytes(sec[0..4].try_into().unwrap()) as usize;
    if sec.len() != 4 + count * COEF_BYTES {
        return Err(Error::Length(format!(
            "coefficients section: {} bytes, but {count} entries need {}",
            sec.len(),
            4 + count * COEF_BYTES
        )));
    }
    let entries = &sec[4..];
    // validate in parallel first, so the accumulation loops cannot fail half way
    if let Some(i) = entries.par_chunks_exact(COEF_BYTES).position_first(|e| {
        let m = u32::from_le_bytes(e[0..4].try_into().unwrap());
        let c = u32::from_le_bytes(e[4..8].try_into().unwrap()) as usize;
        let s = u32::from_le_bytes(e[8..12].try_into().unwrap()) as usize;
        m > 1 || c >= domain_size || s >= n_vars || BigInt::new(limbs_le(&e[12..44])) >= Fr::MODULUS
    }) {
        let e = &entries[i * COEF_BYTES..(i + 1) * COEF_BYTES];
        let m = u32::from_le_bytes(e[0..4].try_into().unwrap());
        let c = u32::from_le_bytes(e[4..8].try_into().unwrap());
        let s = u32::from_le_bytes(e[8..12].try_into().unwrap());
        return Err(Error::Invalid(format!(
            "coefficient {i}: matrix {m} (0 or 1 allowed), constraint {c} (< {domain_size} allowed), signal {s} (< {n_vars} allowed) or value >= r"
        )));
    }
    let terms = |matrix: u32| -> Vec<Term> {
        entries
            .chunks_exact(COEF_BYTES)
            .filter(|e| u32::from_le_bytes(e[0..4].try_into().unwrap()) == matrix)
            .map(|e| Term {
                row: u32::from_le_bytes(e[4..8].try_into().unwrap()),
                signal: u32::from_le_bytes(e[8..12].try_into().unwrap()),
                value: BigInt::new(limbs_le(&e[12..44])),
            })
            .collect()
    };
    Ok(rayon::join(|| terms(0), || terms(1)))
}

impl ProvingKey {
    /// Decode and check every section once. The point sections are checked for coordinates < q
    /// and the curve equation; `Trust::Checked` adds the G2 subgroup check of B2 (skip it only for
    /// a key whose sections were already validated, as the `.zkey` reader does). Header points are
    /// always fully checked and must not be infinity.
    pub fn new(k: &Sections, trust: Trust) -> Result<Self, Error> {
        let n = k.domain_size;
        if n == 0 || !n.is_power_of_two() {
            return Err(Error::Domain(format!("domain size {n} is not a power of two")));
        }
        if k.n_vars < k.n_public + 1 {
            return Err(Error::Invalid(format!(
                "{} variables cannot hold {} public signals and the constant",
                k.n_vars, k.n_public
            )));
        }
        if n.trailing_zeros() > 28 {
            return Err(Error::Domain(format!("domain size 2^{} exceeds the field's 2^28 limit", n.trailing_zeros())));
        }
        let n_priv = k.n_vars - k.n_public - 1;
        // every size is checked before anything is decoded
        expect_len(k.a, k.n_vars * G1_BYTES, "A points")?;
        expect_len(k.b1, k.n_vars * G1_BYTES, "B1 points")?;
        expect_len(k.b2, k.n_vars * G2_BYTES, "B2 points")?;
        expect_len(k.c, n_priv * G1_BYTES, "C points")?;
        expect_len(k.h, n * G1_BYTES, "H points")?;
        let alpha1 = one_g1(k.alpha1, "alpha1", Infinity::Reject)?;
        let beta1 = one_g1(k.beta1, "beta1", Infinity::Reject)?;
        let beta2 = one_g2(k.beta2, "beta2", Infinity::Reject)?;
        let delta1 = one_g1(k.delta1, "delta1", Infinity::Reject)?;
        let delta2 = one_g2(k.delta2, "delta2", Infinity::Reject)?;
        let (terms, points) = rayon::join(
            || decode_terms(k.coeffs, n, k.n_vars),
            || {
                let ((a, b1), (c, h)) = rayon::join(
                    || rayon::join(|| section_g1(k.a, "A points"), || section_g1(k.b1, "B1 points")),
                    || rayon::join(|| section_g1(k.c, "C points"), || section_g1(k.h, "H points")),
                );
                let b2 = section_g2(k.b2, "B2 points", trust);
                Ok::<_, Error>((a?, b1?, c?, h?, b2?))
            },
        );
        let (a_terms, b_terms) = terms?;
        let (a, b1, c, h, b2) = points?;
        Ok(ProvingKey {
            n_vars: k.n_vars,
            n_public: k.n_public,
            domain_size: n,
            a_terms,
            b_terms,
            a,
            b1,
            b2,
            c,
            h,
            alpha1,
            beta1,
            beta2,
            delta1,
            delta2,
            tables: OnceLock::new(),
        })
    }

    /// Bytes the fixed-base tables of this key take (what `prepare` would allocate).
    pub fn table_bytes(&self) -> usize {
        let g1 = [self.a.len(), self.b1.len(), self.c.len(), self.h.len()]
            .iter()
            .map(|&n| MsmTable::<ark_bn254::g1::Config>::size_for(n))
            .sum::<usize>();
        g1 + MsmTable::<ark_bn254::g2::Config>::size_for(self.b2.len())
    }

    /// Build the fixed-base tables (once; later calls return at once). Proofs already running
    /// finish without them; every later proof uses them. The proof is the same either way.
    pub fn prepare(&self) {
        self.tables.get_or_init(|| {
            let ((a, b1), ((c, h), b2)) = rayon::join(
                || rayon::join(|| MsmTable::new(&self.a), || MsmTable::new(&self.b1)),
                || {
                    rayon::join(
                        || rayon::join(|| MsmTable::new(&self.c), || MsmTable::new(&self.h)),
                        || MsmTable::new(&self.b2),
                    )
                },
            );
            Tables { a, b1, b2, c, h }
        });
    }

    pub fn is_prepared(&self) -> bool {
        self.tables.get().is_some()
    }
}

fn msm_g1(table: Option<&MsmTable<ark_bn254::g1::Config>>, bases: &[G1Affine], scalars: &[BigInt<4>]) -> G1Projective {
    match table {
        Some(t) => t.msm(scalars),
        None => msm::msm(bases, scalars),
    }
}

fn msm_g2(table: Option<&MsmTable<ark_bn254::g2::Config>>, bases: &[G2Affine], scalars: &[BigInt<4>]) -> G2Projective {
    match table {
        Some(t) => t.msm(scalars),
        None => msm::msm(bases, scalars),
    }
}

/// Evaluate A and B on the domain from the section-4 terms (see module docs for the value encoding).
fn eval_ab(pk: &ProvingKey, witness_raw: &[BigInt<4>]) -> (Vec<Fr>, Vec<Fr>) {
    let accumulate = |terms: &[Term]| {
        let mut out = vec![Fr::zero(); pk.domain_size];
        for t in terms {
            let coef = Fr::new_unchecked(t.value);
            out[t.row as usize] += coef * Fr::new_unchecked(witness_raw[t.signal as usize]);
        }
        out
    };
    rayon::join(|| accumulate(&pk.a_terms), || accumulate(&pk.b_terms))
}

/// values on H -> values on the odd coset ω_{2n}·H
fn to_odd_coset(v: &mut Vec<Fr>) -> Result<(), Error> {
    fft::fft_in_place(v, true)?;
    fft::coset_fft_in_place(v, false)
}

/// The coefficients of h = (A·B − C)/Z, as values on the odd coset (what the H section's points
/// pair with, as in snarkjs).
fn quotient_values(pk: &ProvingKey, w: &[BigInt<4>]) -> Result<Vec<BigInt<4>>, Error> {
    let (mut a, mut b) = eval_ab(pk, w);
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
}

/// One proof from a decoded key, a witness (`n_vars` canonical 32-byte scalars) and the blinding.
pub fn prove(pk: &ProvingKey, witness: &[u8], r: Fr, s: Fr) -> Result<Proof, Error> {
    expect_len(witness, pk.n_vars * FR_BYTES, "witness")?;
    let w = scalars_bigint(witness).map_err(|e| e.context("witness: "))?;

    // The quotient h needs the FFTs; the A, B1, B2 and C MSMs need only the witness. Running the
    // two strands side by side lets work stealing fill the FFT phase's idle core (three
    // transforms on two threads) with MSM work, instead of a barrier between the phases.
    let t = pk.tables.get();
    let (quotient, ((msm_a, msm_b1), (msm_c, msm_b2))) = rayon::join(
        || -> Result<G1Projective, Error> {
            let h_vals = quotient_values(pk, &w)?;
            Ok(msm_g1(t.map(|t| &t.h), &pk.h, &h_vals))
        },
        || {
            rayon::join(
                || rayon::join(|| msm_g1(t.map(|t| &t.a), &pk.a, &w), || msm_g1(t.map(|t| &t.b1), &pk.b1, &w)),
                || {
                    rayon::join(
                        || msm_g1(t.map(|t| &t.c), &pk.c, &w[pk.n_public + 1..]),
                        || msm_g2(t.map(|t| &t.b2), &pk.b2, &w),
                    )
                },
            )
        },
    );
    let msm_h = quotient?;

    let pi_a = msm_a + pk.alpha1 + pk.delta1 * r;
    let pi_b = msm_b2 + pk.beta2 + pk.delta2 * s;
    let pib1 = msm_b1 + pk.beta1 + pk.delta1 * s;
    let pi_c = msm_c + msm_h + pi_a * s + pib1 * r - pk.delta1 * (r * s);
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
pub fn verify(vk: &VerifyingKey, pi_a: &[u8], pi_b: &[u8], pi_c: &[u8], publics: &[u8]) -> Result<bool, Error> {
    let alpha1 = one_g1(vk.alpha1, "vk alpha1", Infinity::Reject)?;
    let beta2 = one_g2(vk.beta2, "vk beta2", Infinity::Reject)?;
    let gamma2 = one_g2(vk.gamma2, "vk gamma2", Infinity::Reject)?;
    let delta2 = one_g2(vk.delta2, "vk delta2", Infinity::Reject)?;
    if vk.ic.is_empty() || vk.ic.len() % G1_BYTES != 0 {
        return Err(Error::Length(format!("vk IC: {} bytes is not a positive number of 64-byte points", vk.ic.len())));
    }
    let ic = g1_batch_from_lem(vk.ic, Infinity::Allow).map_err(|e| e.context("vk IC "))?;
    let a = one_g1(pi_a, "proof pi_a", Infinity::Reject)?;
    let b = one_g2(pi_b, "proof pi_b", Infinity::Reject)?;
    let c = one_g1(pi_c, "proof pi_c", Infinity::Reject)?;
    if publics.len() % FR_BYTES != 0 {
        return Err(Error::Length(format!("public inputs: {} bytes is not a whole number of 32-byte scalars", publics.len())));
    }
    let n_pub = publics.len() / FR_BYTES;
    if n_pub + 1 != ic.len() {
        return Err(Error::Length(format!(
            "wrong number of public inputs: got {n_pub}, the verification key expects {}",
            ic.len() - 1
        )));
    }
    let pubs = scalars_bigint(publics).map_err(|e| match e {
        Error::Scalar { index: Some(i), .. } => {
            Error::Scalar { index: Some(i), message: format!("public input {i}: not canonical (>= r)") }
        }
        other => other,
    })?;
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
pub fn random_fr() -> Result<Fr, Error> {
    let mut buf = [0u8; 64];
    getrandom::getrandom(&mut buf).map_err(|e| Error::Randomness(format!("OS randomness unavailable: {e}")))?;
    let f = Fr::from_le_bytes_mod_order(&buf);
    buf.fill(0);
    Ok(f)
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{g1_batch_to_lem, g2_batch_to_lem};
    use ark_bn254::G2Affine;

    /// A two-wire key with generator points: enough to exercise decoding once and proving twice.
    fn sections_bytes() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
        (g1_batch_to_lem(&[G1Affine::generator()]), g2_batch_to_lem(&[G2Affine::generator()]), 0u32.to_le_bytes().to_vec())
    }

    #[test]
    fn key_is_decoded_once_and_serves_many_proofs() {
        let (g1, g2, coeffs) = sections_bytes();
        let (g1x2, g2x2) = (g1.repeat(2), g2.repeat(2));
        let k = Sections {
            n_vars: 2, n_public: 0, domain_size: 2, coeffs: &coeffs,
            a: &g1x2, b1: &g1x2, b2: &g2x2, c: &g1, h: &g1x2,
            alpha1: &g1, beta1: &g1, beta2: &g2, delta1: &g1, delta2: &g2,
        };
        let key = ProvingKey::new(&k, Trust::Checked).unwrap();
        let mut w = vec![0u8; 64];
        w[0] = 1;
        w[32] = 5;
        let p1 = prove(&key, &w, Fr::from(3u64), Fr::from(4u64)).unwrap();
        let p2 = prove(&key, &w, Fr::from(3u64), Fr::from(4u64)).unwrap();
        assert_eq!((p1.a, p1.b, p1.c), (p2.a, p2.b, p2.c));
        assert!(matches!(prove(&key, &w[..32], Fr::one(), Fr::one()), Err(Error::Length(_))));

        let short_h = Sections { h: &g1, ..k };
        let e = ProvingKey::new(&short_h, Trust::Checked).err().unwrap();
        assert_eq!(e.to_string(), "H points: expected 128 bytes, got 64");
        let mut bad = g1x2.clone();
        bad[64 + 3] ^= 1;
        let off_curve = Sections { a: &bad, ..k };
        let e = ProvingKey::new(&off_curve, Trust::Checked).err().unwrap();
        assert!(matches!(e, Error::Point { index: Some(1), .. }), "{e}");
        assert!(e.to_string().starts_with("A points: point 1: "));
    }
}
