//! Fast G2 subgroup membership for BN254.
//!
//! A point P on the twist E'(Fq2) lies in the order-r subgroup G2 iff
//!     [x+1]P + ψ([x]P) + ψ²([x]P) == ψ³([2x]P)
//! where x = 4965661367192848881 is the BN seed and ψ is the untwist-Frobenius-twist
//! endomorphism ψ(x, y) = (conj(x)·ξ^((q-1)/3), conj(y)·ξ^((q-1)/2)), ξ = 9 + u
//! (Dai, Lin, Zhao, Zhou, "Fast subgroup membership testings for G1, G2 and GT on
//! pairing-friendly curves", ePrint 2022/348; the theorem needs x ≢ 4 (mod 13) and
//! x ≢ 92 (mod 97), which hold: see the test). It costs one 63-bit multiplication instead of the
//! 128-bit one of arkworks' ψ(P) == [6x²]P test (ePrint 2022/352), and validating G2 sections
//! (B2 of a .zkey, τ·G2 of a .ptau) is dominated by this check.

use std::sync::OnceLock;

use ark_bn254::{Fq, Fq2, G2Affine, G2Projective};
use ark_ec::CurveGroup;
use ark_ff::{BigInt, BigInteger, Field, PrimeField, Zero};

use crate::tower::{curve, fq2};

/// The BN254 seed x (positive).
pub const SEED: u64 = 4965661367192848881;

fn psi_coeffs() -> &'static (Fq2, Fq2) {
    static C: OnceLock<(Fq2, Fq2)> = OnceLock::new();
    C.get_or_init(|| {
        let xi = Fq2::new(Fq::from(9u64), Fq::from(1u64));
        let q_minus_1: BigInt<4> = {
            let mut m = Fq::MODULUS;
            m.sub_with_borrow(&BigInt::from(1u64));
            m
        };
        let mut third = q_minus_1;
        // (q - 1) / 3 and (q - 1) / 2 by long division on the limbs
        let div = |v: &mut BigInt<4>, d: u64| {
            let mut rem: u128 = 0;
            for limb in v.0.iter_mut().rev() {
                let cur = (rem << 64) | (*limb as u128);
                *limb = (cur / d as u128) as u64;
                rem = cur % d as u128;
            }
            assert_eq!(rem, 0, "q - 1 is divisible by 6");
        };
        div(&mut third, 3);
        let mut half = q_minus_1;
        div(&mut half, 2);
        (xi.pow(third.0), xi.pow(half.0))
    })
}

/// ψ on Jacobian coordinates: conjugation is a field automorphism, so it commutes with Z.
fn psi(p: &G2Projective) -> G2Projective {
    let (c0, c1) = psi_coeffs();
    let mut x = p.x;
    let mut y = p.y;
    let mut z = p.z;
    x.conjugate_in_place();
    y.conjugate_in_place();
    z.conjugate_in_place();
    G2Projective::new_unchecked(fq2::mul(&x, c0), fq2::mul(&y, c1), z)
}

/// [SEED]·P by width-5 wNAF (a plain integer multiplication: no endomorphism shortcuts, which
/// would only be valid inside the subgroup being tested).
fn mul_seed(p: &G2Projective) -> G2Projective {
    let digits = BigInt::<4>::from(SEED).find_wnaf(5).expect("valid window");
    let mut table = [*p; 8];
    let p2 = curve::double(p);
    for j in 1..8 {
        table[j] = curve::add(&table[j - 1], &p2);
    }
    let mut res = G2Projective::zero();
    for &d in digits.iter().rev() {
        res = curve::double(&res);
        if d > 0 {
            res = curve::add(&res, &table[(d as usize) / 2]);
        } else if d < 0 {
            res = curve::add(&res, &-table[((-d) as usize) / 2]);
        }
    }
    res
}

/// True iff the on-curve point `p` is in the prime-order subgroup G2.
pub fn g2_in_subgroup(p: &G2Affine) -> bool {
    if p.infinity {
        return true;
    }
    let pp = G2Projective::from(*p);
    relation_holds(&pp, &mul_seed(&pp))
}

/// The test's relation, given P and [x]·P.
fn relation_holds(pp: &G2Projective, xp: &G2Projective) -> bool {
    let psi_xp = psi(xp);
    let lhs = curve::add(&curve::add(&curve::add(xp, pp), &psi_xp), &psi(&psi_xp));
    let rhs = psi(&psi(&psi(&curve::double(xp))));
    lhs == rhs
}

/// `g2_in_subgroup` for every point. Large batches first try the random-linear-combination test
/// `rlc_all_in_subgroup` (a few short-scalar MSMs instead of one 63-bit multiplication per point);
/// when it passes every point is in G2, and when it fails the points are checked one by one, so
/// the result (and an error naming the first bad point) is the same either way.
pub fn g2_batch_in_subgroup(pts: &[G2Affine]) -> Vec<bool> {
    if pts.len() >= RLC_MIN && rlc_all_in_subgroup(pts) {
        return vec![true; pts.len()];
    }
    g2_each_in_subgroup(pts)
}

/// The per-point test on every point, in parallel; [x]·P runs eight points at a time on the SIMD
/// ladder where the CPU has it (a lane it flags is decided by `g2_in_subgroup` itself).
pub fn g2_each_in_subgroup(pts: &[G2Affine]) -> Vec<bool> {
    use rayon::prelude::*;
    pts.par_chunks(crate::batch::chunk_len(pts.len())).flat_map_iter(chunk_in_subgroup).collect()
}

/// Below this many points the per-point test is cheaper than the MSMs of the batch test.
const RLC_MIN: usize = 2048;

/// The cofactor of G2 in E'(Fq2): h = 2q − r = 10069 · 5864401 · 1875725156269 · h4 (h4 a 178-bit
/// prime), squarefree and prime to r (checked in the tests). Its small factors set the trials.
pub const COFACTOR_SMALL_PRIMES: [u64; 3] = [10069, 5864401, 1875725156269];

/// Signed short coefficients of the four short trials: uniform in [−2^14 + 1, 2^14] (2^15 values).
const SHORT_TRIAL_BITS: usize = 15;
const SHORT_TRIALS: usize = 4;

/// True when every point is (with overwhelming probability) in G2: five independent trials, each
/// with fresh random coefficients ρ_i from the OS, check Σ ρ_i·P_i ∈ G2. One trial takes ρ_i in
/// [0, 2^64) (a short-scalar MSM), four take ρ_i uniform in [−2^14 + 1, 2^14] (one signed
/// Pippenger window of 15 bits: `msm::signed_digit_sum`).
///
/// Why it is sound: E'(Fq2) = G2 × H with |H| = h squarefree and prime to r, so P_i = G_i + C_i
/// and Σ ρ_i·P_i ∈ G2 iff Σ ρ_i·C_i = 0. If some C_k ≠ 0, take a prime ℓ | ord(C_k); in the
/// (cyclic, order ℓ) ℓ-part of H the sum vanishes only if ρ_k hits one residue mod ℓ, probability
/// ≤ ⌈N/ℓ⌉/N for ρ_k uniform over N consecutive integers. For ℓ = 10069 (the smallest) that is
/// 2^-13.3 for the 64-bit trial and 4/2^15 = 2^-13 for each short one: 2^-65 for all five. For
/// ℓ = 5864401 and 1875725156269 the short trials give 2^-15 each and the 64-bit one 2^-22.5 and
/// 2^-40.8; for the 178-bit factor the 64-bit trial alone gives 2^-64. (One trial would not do:
/// it misses an order-10069 component with probability about 1/10069.)
pub fn rlc_all_in_subgroup(pts: &[G2Affine]) -> bool {
    use rayon::prelude::*;
    let n = pts.len();
    let wide_trial = || {
        let mut raw = vec![0u8; n * 8];
        getrandom::getrandom(&mut raw).expect("OS randomness");
        let wide: Vec<BigInt<4>> = raw.chunks_exact(8).map(|c| BigInt::new([u64::from_le_bytes(c.try_into().unwrap()), 0, 0, 0])).collect();
        g2_in_subgroup(&crate::msm::msm_bits(pts, &wide, 64).into_affine())
    };
    let short_trial = |_| {
        let half = 1i32 << (SHORT_TRIAL_BITS - 1);
        let mut raw = vec![0u8; n * 2];
        getrandom::getrandom(&mut raw).expect("OS randomness");
        let digits: Vec<i32> = raw
            .chunks_exact(2)
            .map(|c| (u16::from_le_bytes([c[0], c[1]]) as i32 & ((1 << SHORT_TRIAL_BITS) - 1)) - half + 1)
            .collect();
        g2_in_subgroup(&crate::msm::signed_digit_sum(pts, &digits, SHORT_TRIAL_BITS).into_affine())
    };
    // the short trials are one Pippenger window each: run them side by side
    let (wide_ok, short_ok) = rayon::join(wide_trial, || (0..SHORT_TRIALS).into_par_iter().all(short_trial));
    wide_ok && short_ok
}

fn chunk_in_subgroup(c: &[G2Affine]) -> Vec<bool> {
    #[cfg(target_arch = "x86_64")]
    if crate::simd::enabled() {
        let xps = crate::simd::ladder::mul_u64_many(c, SEED);
        return c
            .iter()
            .zip(xps)
            .map(|(p, xp)| match xp {
                _ if p.infinity => true,
                Some(xp) => relation_holds(&G2Projective::from(*p), &xp),
                None => g2_in_subgroup(p),
            })
            .collect();
    }
    c.iter().map(g2_in_subgroup).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G2Affine};
    use ark_ec::{AffineRepr, CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn seed_conditions_of_the_theorem_hold() {
        assert_ne!(SEED % 13, 4);
        assert_ne!(SEED % 97, 92);
    }

    #[test]
    fn psi_acts_as_q_on_g2() {
        // on G2, ψ is multiplication by q mod r (= 6x² mod r for BN curves)
        let mut rng = StdRng::seed_from_u64(9);
        let p = G2Projective::generator() * Fr::rand(&mut rng);
        let q_mod_r = Fr::from_le_bytes_mod_order(&Fq::MODULUS.to_bytes_le());
        assert_eq!(psi(&p), p * q_mod_r);
        assert_eq!(mul_seed(&p), p * Fr::from(SEED));
    }

    #[test]
    fn cofactor_factorisation_is_what_the_batch_test_assumes() {
        // h = 2q − r = arkworks' G2 cofactor; the small primes divide it once each
        let mut h = num_from_limbs(<ark_bn254::g2::Config as ark_ec::CurveConfig>::COFACTOR);
        let two_q_minus_r = num_from_limbs(&Fq::MODULUS.0) * 2u32 - num_from_limbs(&Fr::MODULUS.0);
        assert_eq!(h, two_q_minus_r);
        for l in COFACTOR_SMALL_PRIMES {
            assert_eq!(&h % l, 0u32.into());
            h /= l;
            assert_ne!(&h % l, 0u32.into(), "{l} divides h twice");
        }
        assert_eq!(h.bits(), 178);
    }

    fn num_from_limbs(l: &[u64]) -> num_bigint::BigUint {
        let mut v = num_bigint::BigUint::from(0u32);
        for limb in l.iter().rev() {
            v = (v << 64) + *limb;
        }
        v
    }

    #[test]
    fn batch_test_catches_a_component_of_the_smallest_order() {
        let mut rng = StdRng::seed_from_u64(11);
        let mut pts: Vec<G2Affine> = (0..3000).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        assert!(rlc_all_in_subgroup(&pts));
        assert!(g2_batch_in_subgroup(&pts).iter().all(|&b| b));
        // T of order exactly 10069: [r·h/10069]·P for a random twist point P
        let mut t = G2Projective::zero();
        while t.is_zero() {
            let x = Fq2::rand(&mut rng);
            if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
                let h = num_from_limbs(<ark_bn254::g2::Config as ark_ec::CurveConfig>::COFACTOR);
                let k = h / COFACTOR_SMALL_PRIMES[0] * num_from_limbs(&Fr::MODULUS.0);
                t = G2Projective::from(p).mul_bigint(k.to_u64_digits());
            }
        }
        assert!(t.mul_bigint([COFACTOR_SMALL_PRIMES[0]]).is_zero(), "T has order 10069");
        pts[1234] = (G2Projective::from(pts[1234]) + t).into_affine();
        assert!(!rlc_all_in_subgroup(&pts));
        let each = g2_batch_in_subgroup(&pts);
        assert_eq!(each.iter().position(|&b| !b), Some(1234));
        assert_eq!(each.iter().filter(|&&b| !b).count(), 1);
    }

    #[test]
    fn batch_agrees_with_single_checks() {
        let mut rng = StdRng::seed_from_u64(10);
        let mut pts = Vec::new();
        while pts.len() < 40 {
            // random points of the twist: mostly outside G2; every third one cleared into it
            let x = Fq2::rand(&mut rng);
            if let Some(p) = G2Affine::get_point_from_x_unchecked(x, false) {
                pts.push(if pts.len() % 3 == 0 { p.clear_cofactor() } else { p });
            }
        }
        pts.push(G2Affine::identity());
        let batch = g2_batch_in_subgroup(&pts);
        for (p, got) in pts.iter().zip(batch) {
            assert_eq!(got, p.is_in_correct_subgroup_assuming_on_curve());
            assert_eq!(got, g2_in_subgroup(p));
        }
    }

    #[test]
    fn agrees_with_arkworks_on_subgroup_and_non_subgroup_points() {
        let mut rng = StdRng::seed_from_u64(10);
        let mut outside = 0;
        for _ in 0..60 {
            let inside = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
            assert!(g2_in_subgroup(&inside));
            // a random point on the twist (almost never in G2), and its sum with a G2 point
            let x = Fq2::rand(&mut rng);
            if let Some(q) = G2Affine::get_point_from_x_unchecked(x, false) {
                let want = q.is_in_correct_subgroup_assuming_on_curve();
                assert_eq!(g2_in_subgroup(&q), want);
                let mixed = (q.into_group() + inside).into_affine();
                assert_eq!(g2_in_subgroup(&mixed), mixed.is_in_correct_subgroup_assuming_on_curve());
                // a cofactor multiple lands in G2 (and is detected as such)
                let cleared = q.clear_cofactor();
                assert!(g2_in_subgroup(&cleared));
                if !want {
                    outside += 1;
                }
            }
        }
        assert!(outside > 10, "the test must actually see non-subgroup points");
    }
}
