//! Groth16 verification against a prepared key, one proof at a time or many proofs of one
//! statement in a single pairing check.
//!
//! `groth16::verify` decodes and checks the verification key on every call and recomputes
//! e(α, β). A relying party verifies many proofs against one key, so `PreparedVerifyingKey` does
//! that work once (as arkworks' `prepare_verifying_key` does): the key's points are fully checked
//! (curve, subgroup, coordinates < q), e(α, β) is kept in GT, the G2 line coefficients of −γ and
//! −δ are precomputed, and the IC points are kept decoded. A proof then costs one Miller loop over
//! an unprepared B plus two prepared ones and one final exponentiation (`final_exp.rs`):
//!
//!   e(A, B) · e(vk_x, −γ) · e(C, −δ) == e(α, β),   vk_x = IC₀ + Σ_j p_j·IC_j.
//!
//! # Batch verification and why it is sound
//!
//! For N proofs (A_i, B_i, C_i) with publics p_i, write the defect of proof i as
//! D_i = e(A_i, B_i) · e(vk_x_i, −γ) · e(C_i, −δ) · e(α, β)⁻¹ ∈ GT. Proof i is valid iff D_i = 1.
//! The batch draws fresh coefficients ρ_i, uniform in [0, 2^64), from the operating system's
//! random source (`getrandom`) *after* the proofs are fixed, and checks Π D_i^{ρ_i} = 1, i.e.
//!
//!   Π e(ρ_i·A_i, B_i) · e(Σ ρ_i·vk_x_i, −γ) · e(Σ ρ_i·C_i, −δ) == e(α, β)^{Σ ρ_i}
//!
//! with one multi-Miller loop over N + 2 pairs and one final exponentiation. Every point is
//! checked to lie in its prime-order group first (B_i's subgroup check included), so every D_i
//! lies in the order-r group GT and D_i = g^{d_i} for a generator g. The check holds iff
//! Σ ρ_i·d_i ≡ 0 (mod r). If some proof k is invalid (d_k ≠ 0, so d_k is invertible mod r), then
//! for any fixed values of the other coefficients exactly one residue of ρ_k mod r satisfies the
//! relation; the 2^64 values ρ_k can take are distinct mod r (r > 2^253), so at most one of them
//! passes: the batch passes with probability at most 2^-64 (the bound the project requires, met
//! exactly), whatever the other proofs are. If all proofs are valid every D_i = 1 and the batch
//! always passes. (ρ_k = 0 is that one value when the others already cancel; it is allowed so
//! that the draw stays uniform over exactly 2^64 values.) 64-bit coefficients halve the scalar
//! work of ρ_i·A_i and Σ ρ_i·C_i against 128-bit ones.
//! Without the random coefficients (all ρ_i = 1) two invalid proofs with D_1·D_2 = 1 would pass
//! together; the unit tests build such a pair.
//!
//! When the batch check fails, every proof is checked singly (in parallel) and the first failing
//! index is reported, so the caller can name the bad proof.

use ark_bn254::{Bn254, Fq12, Fr, G1Affine, G1Projective, G2Affine};
use ark_ec::pairing::{Pairing, PairingOutput};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInt, BigInteger, PrimeField, Zero};
use rayon::prelude::*;

use crate::encoding::{g1_batch_from_lem, g1_from_lem, g2_from_lem, scalars_bigint, Infinity, Trust, FR_BYTES, G1_BYTES, G2_BYTES};
use crate::error::{Error, PointFault};
use crate::fixed_base::FixedBaseTable;
use crate::groth16::VerifyingKey;

type G2Prep = <Bn254 as Pairing>::G2Prepared;

/// Bytes of one proof in a batch buffer: pi_a (G1) | pi_b (G2) | pi_c (G1), LEM.
pub const PROOF_BYTES: usize = G1_BYTES + G2_BYTES + G1_BYTES;

/// One proof, decoded and fully checked (finite points, curve, B in the subgroup).
#[derive(Clone, Copy, Debug)]
pub struct DecodedProof {
    pub a: G1Affine,
    pub b: G2Affine,
    pub c: G1Affine,
}

/// A verification key checked once, with everything a verification reuses precomputed.
pub struct PreparedVerifyingKey {
    ic: Vec<G1Affine>,
    /// Tables of IC₁.. for a key with at most `FEW_PUBLICS` publics (else empty: vk_x is an MSM).
    ic_tables: Vec<FixedBaseTable>,
    alpha_beta: PairingOutput<Bn254>,
    neg_gamma: G2Prep,
    neg_delta: G2Prep,
}

fn key_g1(b: &[u8], what: &str) -> Result<G1Affine, Error> {
    if b.len() != G1_BYTES {
        return Err(Error::expected_bytes(what, G1_BYTES, b.len()));
    }
    g1_from_lem(b, Infinity::Reject).map_err(|f| Error::point(f).context(&format!("{what}: ")))
}

fn key_g2(b: &[u8], what: &str) -> Result<G2Affine, Error> {
    if b.len() != G2_BYTES {
        return Err(Error::expected_bytes(what, G2_BYTES, b.len()));
    }
    g2_from_lem(b, Infinity::Reject, Trust::Checked).map_err(|f| Error::point(f).context(&format!("{what}: ")))
}

/// A point fault of one proof of a batch: the error's index is the proof's position.
fn proof_fault(index: usize, what: &str, fault: PointFault) -> Error {
    Error::Point { fault, index: Some(index), message: format!("proof {index}: {what}: {fault}") }
}

/// Up to this many public inputs vk_x is a sum of table products (about 60 KB of table a public),
/// not an MSM.
const FEW_PUBLICS: usize = 8;

/// Bits of the batch coefficients ρ_i (see the module docs for the 2^-64 bound).
pub const RHO_BITS: usize = 64;

/// `n` coefficients uniform in [0, 2^64) from the operating system's random source.
pub fn random_coefficients(n: usize) -> Result<Vec<Fr>, Error> {
    let mut buf = vec![0u8; 8 * n];
    getrandom::getrandom(&mut buf).map_err(|e| Error::Randomness(format!("OS randomness unavailable: {e}")))?;
    Ok(buf.chunks_exact(8).map(|c| Fr::from(u64::from_le_bytes(c.try_into().unwrap()))).collect())
}

impl PreparedVerifyingKey {
    /// Check every point of the key once (α, β, γ, δ finite and in their groups; IC points on the
    /// curve, infinity allowed) and precompute e(α, β) and the lines of −γ and −δ.
    pub fn new(vk: &VerifyingKey) -> Result<Self, Error> {
        let alpha1 = key_g1(vk.alpha1, "vk alpha1")?;
        let beta2 = key_g2(vk.beta2, "vk beta2")?;
        let gamma2 = key_g2(vk.gamma2, "vk gamma2")?;
        let delta2 = key_g2(vk.delta2, "vk delta2")?;
        if vk.ic.is_empty() || vk.ic.len() % G1_BYTES != 0 {
            return Err(Error::Length(format!("vk IC: {} bytes is not a positive number of 64-byte points", vk.ic.len())));
        }
        let ic = g1_batch_from_lem(vk.ic, Infinity::Allow).map_err(|e| e.context("vk IC "))?;
        Ok(Self::from_points(alpha1, beta2, gamma2, delta2, ic))
    }

    /// From points the caller has already checked.
    pub fn from_points(alpha1: G1Affine, beta2: G2Affine, gamma2: G2Affine, delta2: G2Affine, ic: Vec<G1Affine>) -> Self {
        let alpha_beta = Bn254::pairing(alpha1, beta2);
        let neg_gamma = G2Prep::from(-gamma2);
        let neg_delta = G2Prep::from(-delta2);
        let ic_tables = if ic.len() - 1 <= FEW_PUBLICS { ic[1..].iter().map(FixedBaseTable::new).collect() } else { Vec::new() };
        PreparedVerifyingKey { ic, ic_tables, alpha_beta, neg_gamma, neg_delta }
    }

    /// How many public inputs a proof for this key carries.
    pub fn n_public(&self) -> usize {
        self.ic.len() - 1
    }

    /// vk_x = IC₀ + Σ_j p_j·IC_j. A verify has few publics: up to `FEW_PUBLICS` each product
    /// comes from its point's precomputed table (`fixed_base.rs`), with none of an MSM's fixed
    /// cost (buckets, a split across threads).
    fn vk_x(&self, publics: &[BigInt<4>]) -> G1Projective {
        if self.ic_tables.len() == publics.len() {
            return self.ic_tables.iter().zip(publics).fold(self.ic[0].into_group(), |acc, (t, s)| acc + t.mul(s));
        }
        self.ic[0].into_group() + G1Projective::msm_bigint(&self.ic[1..], publics)
    }

    /// The Miller value of the pair (A, B): B's lines are computed as the loop goes.
    fn ab_value(p: &DecodedProof) -> Fq12 {
        crate::miller::multi_miller_loop(&[p.a], &[p.b], &[]).0
    }

    /// The Miller value of the two prepared pairs (vk_x, −γ) and (C, −δ), vk_x included.
    fn prepared_value(&self, p: &DecodedProof, publics: &[BigInt<4>]) -> Fq12 {
        let vk_x = self.vk_x(publics).into_affine();
        crate::miller::multi_miller_loop(&[], &[], &[(vk_x, &self.neg_gamma), (p.c, &self.neg_delta)]).0
    }

    /// The Miller value of one proof's three pairs, its two parts on two threads.
    fn miller_value(&self, p: &DecodedProof, publics: &[BigInt<4>]) -> Fq12 {
        let (f_ab, f_rest) = rayon::join(|| Self::ab_value(p), || self.prepared_value(p, publics));
        f_ab * f_rest
    }

    /// The pairing check of one decoded proof with canonical publics (`n_public` of them).
    pub fn check(&self, p: &DecodedProof, publics: &[BigInt<4>]) -> bool {
        let f = self.miller_value(p, publics);
        crate::final_exp::final_exponentiation(&f) == Some(self.alpha_beta.0)
    }

    /// Decode and check one proof and its publics, then run the pairing check. Malformed input
    /// (a bad point, a public >= r, a wrong count) is an `Err`; a well-formed wrong proof `Ok(false)`.
    pub fn verify(&self, pi_a: &[u8], pi_b: &[u8], pi_c: &[u8], publics: &[u8]) -> Result<bool, Error> {
        let a = key_g1(pi_a, "proof pi_a")?;
        // coordinates and the curve equation here; B's subgroup check runs beside the final
        // exponentiation below, and its verdict is given before any pairing result
        if pi_b.len() != G2_BYTES {
            return Err(Error::expected_bytes("proof pi_b", G2_BYTES, pi_b.len()));
        }
        let b = g2_from_lem(pi_b, Infinity::Reject, Trust::Trusted)
            .map_err(|f| Error::point(f).context("proof pi_b: "))?;
        let c = key_g1(pi_c, "proof pi_c")?;
        if publics.len() % FR_BYTES != 0 {
            return Err(Error::Length(format!("public inputs: {} bytes is not a whole number of 32-byte scalars", publics.len())));
        }
        let n_pub = publics.len() / FR_BYTES;
        if n_pub != self.n_public() {
            return Err(Error::Length(format!(
                "wrong number of public inputs: got {n_pub}, the verification key expects {}",
                self.n_public()
            )));
        }
        let pubs = scalars_bigint(publics).map_err(|e| match e {
            Error::Scalar { index: Some(i), .. } => {
                Error::Scalar { index: Some(i), message: format!("public input {i}: not canonical (>= r)") }
            }
            other => other,
        })?;
        let proof = DecodedProof { a, b, c };
        // Two threads: the caller takes vk_x and the two prepared pairs while the helper of
        // `spin_join` takes the (A, B) pair, whose lines it computes as it goes, and then B's
        // subgroup check, so both halves last about as long; the final exponentiation follows on
        // the caller. (The rayon pool's hand-off costs more than a half here; see spin_join.rs.)
        // A B outside G2 only makes the pairing value meaningless, and the check's verdict is
        // given before any pairing result.
        let (f_rest, (f_ab, in_g2)) = crate::spin_join::join(
            || self.prepared_value(&proof, &pubs),
            || (Self::ab_value(&proof), crate::subgroup::g2_in_subgroup(&proof.b)),
        );
        let gt = crate::final_exp::final_exponentiation(&(f_ab * f_rest));
        if !in_g2 {
            return Err(Error::point(PointFault::NotInSubgroup).context("proof pi_b: "));
        }
        Ok(gt == Some(self.alpha_beta.0))
    }

    /// Decode a batch: `proofs` holds N × `PROOF_BYTES`, `publics` N × n_public canonical
    /// scalars. Errors name the first bad proof by index (the error's `index`).
    pub fn decode_batch(&self, proofs: &[u8], publics: &[u8]) -> Result<(Vec<DecodedProof>, Vec<BigInt<4>>), Error> {
        if proofs.len() % PROOF_BYTES != 0 {
            return Err(Error::Length(format!(
                "proofs: {} bytes is not a whole number of {PROOF_BYTES}-byte proofs (pi_a | pi_b | pi_c, LEM)",
                proofs.len()
            )));
        }
        let n = proofs.len() / PROOF_BYTES;
        let n_pub = self.n_public();
        if publics.len() != n * n_pub * FR_BYTES {
            return Err(Error::Length(format!(
                "public inputs: {} bytes, but {n} proofs with {n_pub} public inputs each need {} bytes",
                publics.len(),
                n * n_pub * FR_BYTES
            )));
        }
        // curve checks per proof in parallel; B's subgroup check as one batch (SIMD where available)
        let decoded: Vec<Result<DecodedProof, Error>> = proofs
            .par_chunks_exact(PROOF_BYTES)
            .enumerate()
            .map(|(i, p)| {
                let a = g1_from_lem(&p[..G1_BYTES], Infinity::Reject).map_err(|f| proof_fault(i, "pi_a", f))?;
                let b = g2_from_lem(&p[G1_BYTES..G1_BYTES + G2_BYTES], Infinity::Reject, Trust::Trusted)
                    .map_err(|f| proof_fault(i, "pi_b", f))?;
                let c = g1_from_lem(&p[G1_BYTES + G2_BYTES..], Infinity::Reject).map_err(|f| proof_fault(i, "pi_c", f))?;
                Ok(DecodedProof { a, b, c })
            })
            .collect();
        let bs: Vec<G2Affine> = decoded.iter().map(|r| r.as_ref().map(|p| p.b).unwrap_or_else(|_| G2Affine::identity())).collect();
        let inside = crate::subgroup::g2_batch_in_subgroup(&bs);
        let mut out = Vec::with_capacity(n);
        for (i, (r, ok)) in decoded.into_iter().zip(inside).enumerate() {
            let p = r?;
            if !ok {
                return Err(proof_fault(i, "pi_b", PointFault::NotInSubgroup));
            }
            out.push(p);
        }
        let pubs = scalars_bigint(publics).map_err(|e| match e {
            Error::Scalar { index: Some(k), .. } => {
                let (i, j) = (k / n_pub, k % n_pub);
                Error::Scalar { index: Some(i), message: format!("proof {i}: public input {j}: not canonical (>= r)") }
            }
            other => other,
        })?;
        Ok((out, pubs))
    }

    /// Π D_i^{ρ_i} == 1 for the given coefficients (see the module docs); one multi-Miller loop.
    pub fn batch_holds(&self, proofs: &[DecodedProof], publics: &[BigInt<4>], rho: &[Fr]) -> bool {
        let n_pub = self.n_public();
        assert_eq!(proofs.len(), rho.len());
        assert_eq!(publics.len(), proofs.len() * n_pub);
        if proofs.is_empty() {
            return true;
        }
        // Σ ρ_i·vk_x_i = (Σ ρ_i)·IC₀ + Σ_j (Σ_i ρ_i·p_ij)·IC_j: field sums, then one small MSM
        let sums = (0..proofs.len())
            .into_par_iter()
            .fold(
                || vec![Fr::zero(); n_pub + 1],
                |mut acc, i| {
                    acc[0] += rho[i];
                    for j in 0..n_pub {
                        acc[j + 1] += rho[i] * Fr::from_bigint(publics[i * n_pub + j]).expect("canonical public");
                    }
                    acc
                },
            )
            .reduce(
                || vec![Fr::zero(); n_pub + 1],
                |mut x, y| {
                    x.iter_mut().zip(y).for_each(|(a, b)| *a += b);
                    x
                },
            );
        let sum_bigints: Vec<BigInt<4>> = sums.iter().map(|s| s.into_bigint()).collect();
        let rho_bigints: Vec<BigInt<4>> = rho.iter().map(|r| r.into_bigint()).collect();
        let a_points: Vec<G1Affine> = proofs.iter().map(|p| p.a).collect();
        let b_points: Vec<G2Affine> = proofs.iter().map(|p| p.b).collect();
        let c_points: Vec<G1Affine> = proofs.iter().map(|p| p.c).collect();
        // coefficients drawn by `random_coefficients` have RHO_BITS bits; a caller's may be wider
        let rho_bits = rho_bigints.iter().map(|b| b.num_bits() as usize).max().unwrap_or(1);
        let (scaled_a, (vk_x_sum, c_sum)) = rayon::join(
            || crate::batch::g1_batch_mul(&a_points, rho),
            || {
                rayon::join(
                    || G1Projective::msm_bigint(&self.ic, &sum_bigints).into_affine(),
                    || crate::msm::msm_bits(&c_points, &rho_bigints, rho_bits).into_affine(),
                )
            },
        );
        // the B_i's lines are computed inside the loop (no stored G2Prepared), pairs split per thread
        let f = crate::miller::multi_miller_loop(
            &scaled_a,
            &b_points,
            &[(vk_x_sum, &self.neg_gamma), (c_sum, &self.neg_delta)],
        );
        crate::final_exp::final_exponentiation(&f.0) == Some((self.alpha_beta * sums[0]).0)
    }

    /// The index of the first invalid proof, checked singly (used after a failed batch check).
    pub fn first_invalid(&self, proofs: &[DecodedProof], publics: &[BigInt<4>]) -> Option<usize> {
        let n_pub = self.n_public();
        (0..proofs.len())
            .into_par_iter()
            .position_first(|i| !self.check(&proofs[i], &publics[i * n_pub..(i + 1) * n_pub]))
    }

    /// Verify a batch with fresh random coefficients: `Ok(None)` if every proof is valid (an
    /// empty batch included), `Ok(Some(i))` naming the first invalid proof, `Err` for malformed
    /// input (naming the proof by index).
    pub fn batch_verify(&self, proofs: &[u8], publics: &[u8]) -> Result<Option<usize>, Error> {
        let (decoded, pubs) = self.decode_batch(proofs, publics)?;
        if decoded.is_empty() {
            return Ok(None);
        }
        let rho = random_coefficients(decoded.len())?;
        if self.batch_holds(&decoded, &pubs, &rho) {
            return Ok(None);
        }
        match self.first_invalid(&decoded, &pubs) {
            Some(i) => Ok(Some(i)),
            // impossible: when every proof is valid each defect is 1 and the batch holds for any ρ
            None => Err(Error::Invalid("batch check failed although every proof verifies singly (internal error)".into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::G2Projective;
    use ark_ec::PrimeGroup;
    use ark_ff::{Field, UniformRand};
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    use crate::encoding::{g1_batch_to_lem, g2_batch_to_lem};

    /// A key from known toxic waste, and valid proofs made with the trapdoor (the simulator):
    /// A = a·G1, B = b·G2, C = (a·b − α·β − x·γ)/δ·G1 with vk_x = x·G1.
    struct Setup {
        alpha: Fr,
        beta: Fr,
        gamma: Fr,
        delta: Fr,
        ic: Vec<Fr>,
    }

    impl Setup {
        fn new(rng: &mut StdRng, n_pub: usize) -> Self {
            Setup {
                alpha: Fr::rand(rng),
                beta: Fr::rand(rng),
                gamma: Fr::rand(rng),
                delta: Fr::rand(rng),
                ic: (0..=n_pub).map(|_| Fr::rand(rng)).collect(),
            }
        }

        fn key(&self) -> PreparedVerifyingKey {
            let g1 = G1Projective::generator();
            let g2 = G2Projective::generator();
            PreparedVerifyingKey::from_points(
                (g1 * self.alpha).into_affine(),
                (g2 * self.beta).into_affine(),
                (g2 * self.gamma).into_affine(),
                (g2 * self.delta).into_affine(),
                self.ic.iter().map(|k| (g1 * k).into_affine()).collect(),
            )
        }

        fn lem_key(&self) -> (Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>, Vec<u8>) {
            let g1 = G1Projective::generator();
            let g2 = G2Projective::generator();
            (
                g1_batch_to_lem(&[(g1 * self.alpha).into_affine()]),
                g2_batch_to_lem(&[(g2 * self.beta).into_affine()]),
                g2_batch_to_lem(&[(g2 * self.gamma).into_affine()]),
                g2_batch_to_lem(&[(g2 * self.delta).into_affine()]),
                g1_batch_to_lem(&self.ic.iter().map(|k| (g1 * k).into_affine()).collect::<Vec<_>>()),
            )
        }

        fn prove(&self, rng: &mut StdRng, publics: &[Fr]) -> DecodedProof {
            let (a, b) = (Fr::rand(rng), Fr::rand(rng));
            let x = self.ic[0] + publics.iter().zip(&self.ic[1..]).map(|(p, k)| *p * k).sum::<Fr>();
            let c = (a * b - self.alpha * self.beta - x * self.gamma) * self.delta.inverse().unwrap();
            DecodedProof {
                a: (G1Projective::generator() * a).into_affine(),
                b: (G2Projective::generator() * b).into_affine(),
                c: (G1Projective::generator() * c).into_affine(),
            }
        }
    }

    fn batch(rng: &mut StdRng, s: &Setup, n: usize, n_pub: usize) -> (Vec<DecodedProof>, Vec<BigInt<4>>) {
        let mut proofs = Vec::new();
        let mut pubs = Vec::new();
        for _ in 0..n {
            let p: Vec<Fr> = (0..n_pub).map(|_| Fr::rand(rng)).collect();
            proofs.push(s.prove(rng, &p));
            pubs.extend(p.iter().map(|f| f.into_bigint()));
        }
        (proofs, pubs)
    }

    fn encode(proofs: &[DecodedProof], pubs: &[BigInt<4>]) -> (Vec<u8>, Vec<u8>) {
        let mut pb = Vec::new();
        for p in proofs {
            pb.extend(g1_batch_to_lem(&[p.a]));
            pb.extend(g2_batch_to_lem(&[p.b]));
            pb.extend(g1_batch_to_lem(&[p.c]));
        }
        let mut sb = vec![0u8; pubs.len() * FR_BYTES];
        for (i, b) in pubs.iter().enumerate() {
            crate::encoding::put_limbs_le(&b.0, &mut sb[i * FR_BYTES..(i + 1) * FR_BYTES]);
        }
        (pb, sb)
    }

    #[test]
    fn prepared_check_agrees_with_the_unprepared_verifier() {
        let mut rng = StdRng::seed_from_u64(11);
        let s = Setup::new(&mut rng, 2);
        let (alpha, beta, gamma, delta, ic) = s.lem_key();
        let vk = VerifyingKey { alpha1: &alpha, beta2: &beta, gamma2: &gamma, delta2: &delta, ic: &ic };
        let key = PreparedVerifyingKey::new(&vk).unwrap();
        let (proofs, pubs) = batch(&mut rng, &s, 2, 2);
        let (pb, sb) = encode(&proofs, &pubs);
        let (a, b, c) = (&pb[..64], &pb[64..192], &pb[192..256]);
        assert!(key.verify(a, b, c, &sb[..64]).unwrap());
        assert!(crate::groth16::verify(&vk, a, b, c, &sb[..64]).unwrap());
        // the publics of the other proof: both verifiers refuse
        assert!(!key.verify(a, b, c, &sb[64..]).unwrap());
        assert!(!crate::groth16::verify(&vk, a, b, c, &sb[64..]).unwrap());
        // a public >= r is an error naming it
        let mut bad = sb[..64].to_vec();
        bad[32..].fill(0xff);
        let e = key.verify(a, b, c, &bad).unwrap_err();
        assert!(matches!(e, Error::Scalar { index: Some(1), .. }), "{e:?}");
        assert!(key.verify(a, b, c, &sb[..32]).is_err());
    }

    #[test]
    fn single_verify_across_public_counts() {
        // 0 and 3 publics take the fixed-base tables, FEW_PUBLICS + 1 the MSM: each accepts its
        // valid proof and refuses it with one public changed
        let mut rng = StdRng::seed_from_u64(16);
        for n_pub in [0, 3, FEW_PUBLICS + 1] {
            let s = Setup::new(&mut rng, n_pub);
            let key = s.key();
            assert_eq!(key.ic_tables.len(), if n_pub <= FEW_PUBLICS { n_pub } else { 0 });
            let (proofs, pubs) = batch(&mut rng, &s, 1, n_pub);
            let (pb, sb) = encode(&proofs, &pubs);
            let (a, b, c) = (&pb[..64], &pb[64..192], &pb[192..256]);
            assert!(key.verify(a, b, c, &sb).unwrap(), "n_pub = {n_pub}");
            if n_pub > 0 {
                let mut other = sb.clone();
                other[0] ^= 1;
                assert!(!key.verify(a, b, c, &other).unwrap(), "n_pub = {n_pub}");
            }
        }
    }

    #[test]
    fn batch_of_valid_proofs_holds() {
        let mut rng = StdRng::seed_from_u64(12);
        for n_pub in [0, 1, 3] {
            let s = Setup::new(&mut rng, n_pub);
            let key = s.key();
            let (proofs, pubs) = batch(&mut rng, &s, 9, n_pub);
            let (pb, sb) = encode(&proofs, &pubs);
            assert_eq!(key.batch_verify(&pb, &sb).unwrap(), None);
            assert_eq!(key.batch_verify(&[], &[]).unwrap(), None);
        }
    }

    #[test]
    fn one_bad_proof_in_256_is_caught_and_named() {
        let mut rng = StdRng::seed_from_u64(13);
        let s = Setup::new(&mut rng, 2);
        let key = s.key();
        let (mut proofs, pubs) = batch(&mut rng, &s, 256, 2);
        proofs[137].c = (proofs[137].c + G1Affine::generator()).into_affine();
        let (pb, sb) = encode(&proofs, &pubs);
        assert_eq!(key.batch_verify(&pb, &sb).unwrap(), Some(137));
    }

    #[test]
    fn cancelling_defects_pass_without_coefficients_and_fail_with_them() {
        let mut rng = StdRng::seed_from_u64(14);
        let s = Setup::new(&mut rng, 1);
        let key = s.key();
        let (mut proofs, pubs) = batch(&mut rng, &s, 4, 1);
        // C_1 + X and C_2 − X: each invalid, but their defects multiply to 1
        let x = G1Affine::generator();
        proofs[1].c = (proofs[1].c + x).into_affine();
        proofs[2].c = (proofs[2].c - x).into_affine();
        let ones = vec![Fr::from(1u64); 4];
        assert!(key.batch_holds(&proofs, &pubs, &ones), "all-ones coefficients miss the pair");
        let rho = random_coefficients(4).unwrap();
        assert!(!key.batch_holds(&proofs, &pubs, &rho));
        let (pb, sb) = encode(&proofs, &pubs);
        assert_eq!(key.batch_verify(&pb, &sb).unwrap(), Some(1));
    }

    #[test]
    fn malformed_batches_name_the_proof() {
        let mut rng = StdRng::seed_from_u64(15);
        let s = Setup::new(&mut rng, 2);
        let key = s.key();
        let (proofs, pubs) = batch(&mut rng, &s, 5, 2);
        let (pb, sb) = encode(&proofs, &pubs);
        // a public >= r in proof 3 (its second input)
        let mut bad = sb.clone();
        bad[(3 * 2 + 1) * 32..(3 * 2 + 2) * 32].fill(0xff);
        match key.batch_verify(&pb, &bad).unwrap_err() {
            Error::Scalar { index: Some(3), message } => assert!(message.contains("proof 3: public input 1"), "{message}"),
            e => panic!("{e:?}"),
        }
        // pi_a of proof 2 off the curve
        let mut off = pb.clone();
        off[2 * PROOF_BYTES] ^= 1;
        match key.batch_verify(&off, &sb).unwrap_err() {
            Error::Point { index: Some(2), message, .. } => assert!(message.starts_with("proof 2: pi_a"), "{message}"),
            e => panic!("{e:?}"),
        }
        // lengths that do not pair up
        assert!(matches!(key.batch_verify(&pb, &sb[..sb.len() - 32]), Err(Error::Length(_))));
        assert!(matches!(key.batch_verify(&pb[..pb.len() - 1], &sb), Err(Error::Length(_))));
    }

    #[test]
    fn coefficients_are_64_bit_and_fresh() {
        let a = random_coefficients(256).unwrap();
        let b = random_coefficients(256).unwrap();
        assert!(a.iter().all(|r| r.into_bigint().0[1..].iter().all(|&l| l == 0)));
        // uniform 64-bit draws: some use the top bit (all 256 missing it has probability 2^-256)
        assert!(a.iter().any(|r| r.into_bigint().0[0] >> 63 == 1));
        assert_ne!(a, b);
    }
}

