//! Multi-scalar multiplication in G1 and G2: Pippenger with signed digits and *batch-affine*
//! bucket accumulation.
//!
//! Why not just arkworks' `msm_bigint`: it adds every point into a projective bucket (mixed
//! addition, about 11 field multiplications). Adding in affine coordinates costs about 6 when the
//! inversions of a whole batch of independent additions share one field inversion (Montgomery's
//! trick), which makes the MSMs of the prover ~1.5x cheaper. A bucket that already has a pending
//! addition in the current batch cannot take a second one: such a point goes into the bucket's
//! projective overflow accumulator instead (a plain mixed addition). Deferring it to a later batch
//! instead would go quadratic when few buckets are in use (small witness values, the top window).
//! Small inputs (where the batch overhead does not pay) use arkworks. All field and point
//! arithmetic here goes through the branch-free tower (`tower::ops::TowerField`,
//! `tower::curve`): the G2 MSM at 2^16 took 0.75× the time it took on arkworks' operators.
//!
//! Scalars stay in normal form as `BigInt`s, so witness bytes (the `.wtns` layout) go straight in.

use ark_bn254::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::VariableBaseMSM;
use ark_ff::{BigInt, Zero};
use rayon::prelude::*;

use crate::bucket::{self, BucketAdder};
use crate::tower::curve;
use crate::tower::ops::TowerField;

/// Below this many points arkworks' projective-bucket MSM is used.
pub const BATCH_AFFINE_MIN: usize = 256;

pub fn g1_msm_points(bases: &[G1Affine], scalars: &[BigInt<4>]) -> G1Projective {
    msm(bases, scalars)
}

pub fn g2_msm_points(bases: &[G2Affine], scalars: &[BigInt<4>]) -> G2Projective {
    msm(bases, scalars)
}

/// Σ scalars[i]·bases[i] (lengths must match; extra entries of the longer slice are ignored).
pub fn msm<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[BigInt<4>]) -> Projective<P>
where
    Projective<P>: VariableBaseMSM<MulBase = Affine<P>, ScalarField = P::ScalarField>,
    P::ScalarField: ark_ff::PrimeField<BigInt = BigInt<4>>,
    P::BaseField: TowerField,
{
    let n = bases.len().min(scalars.len());
    let (bases, scalars) = (&bases[..n], &scalars[..n]);
    if n >= BATCH_AFFINE_MIN {
        let short = scalars.par_iter().filter(|s| is_short(s)).count();
        if short * TRIVIAL_SPLIT_DIV >= n {
            return msm_split_trivial(bases, scalars);
        }
    }
    msm_general(bases, scalars, FULL_BITS)
}

/// Σ scalars[i]·bases[i] for scalars known to be < 2^bits (random-linear-combination checks
/// with short coefficients: fewer windows than `msm`, which assumes at least 64 bits).
pub fn msm_bits<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[BigInt<4>], bits: usize) -> Projective<P>
where
    Projective<P>: VariableBaseMSM<MulBase = Affine<P>, ScalarField = P::ScalarField>,
    P::ScalarField: ark_ff::PrimeField<BigInt = BigInt<4>>,
    P::BaseField: TowerField,
{
    let n = bases.len().min(scalars.len());
    msm_general(&bases[..n], &scalars[..n], bits.clamp(1, FULL_BITS))
}

/// Scalars are < r < 2^254.
pub(crate) const FULL_BITS: usize = 254;
/// Scalars below 2^64 ("short": counters, small constants, packed bits) need a quarter of the
/// windows.
const SHORT_BITS: usize = 64;

#[inline]
fn is_short(s: &BigInt<4>) -> bool {
    s.0[1] == 0 && s.0[2] == 0 && s.0[3] == 0
}

/// Pippenger (batch-affine above `BATCH_AFFINE_MIN` points, arkworks below), no pre-filtering;
/// every scalar must be below 2^bits.
fn msm_general<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[BigInt<4>], bits: usize) -> Projective<P>
where
    Projective<P>: VariableBaseMSM<MulBase = Affine<P>, ScalarField = P::ScalarField>,
    P::ScalarField: ark_ff::PrimeField<BigInt = BigInt<4>>,
    P::BaseField: TowerField,
{
    if bases.len() < BATCH_AFFINE_MIN {
        // arkworks sizes its windows by the largest scalar itself
        return <Projective<P> as VariableBaseMSM>::msm_bigint(bases, scalars);
    }
    msm_batch_affine_bits(bases, scalars, bits)
}

/// Split when at least 1/`TRIVIAL_SPLIT_DIV` of the scalars are short (< 2^64, 0 and 1 included).
const TRIVIAL_SPLIT_DIV: usize = 8;

#[inline]
fn is_trivial(s: &BigInt<4>) -> bool {
    s.0[1] == 0 && s.0[2] == 0 && s.0[3] == 0 && s.0[0] <= 1
}

/// Real witnesses are mostly 0 and 1 (bit decompositions, flags, the constant wire) and small
/// values. In the bucket method every 1 lands in the same bucket of window 0, so each costs a
/// projective overflow addition there *and* still pays for its digit recoding in every window;
/// and every window costs a fixed bucket reduction however few of its digits are non-zero. Here
/// zeros are dropped, ones are summed directly (one mixed addition each, parallel chunks), the
/// other scalars < 2^64 go through a Pippenger with only 64 bits of windows, and the full-size
/// rest through the full one, each with a window sized for its own count.
fn msm_split_trivial<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[BigInt<4>]) -> Projective<P>
where
    Projective<P>: VariableBaseMSM<MulBase = Affine<P>, ScalarField = P::ScalarField>,
    P::ScalarField: ark_ff::PrimeField<BigInt = BigInt<4>>,
    P::BaseField: TowerField,
{
    const CH: usize = 4096;
    type Part<P> = (Vec<Affine<P>>, Vec<BigInt<4>>);
    let parts: Vec<(Projective<P>, Part<P>, Part<P>)> = bases
        .par_chunks(CH)
        .zip(scalars.par_chunks(CH))
        .map(|(b, s)| {
            let mut ones = Projective::<P>::zero();
            let (mut short, mut full): (Part<P>, Part<P>) = Default::default();
            for (p, k) in b.iter().zip(s) {
                if is_trivial(k) {
                    if k.0[0] == 1 {
                        ones = curve::add_mixed(&ones, p);
                    }
                } else if is_short(k) {
                    short.0.push(*p);
                    short.1.push(*k);
                } else {
                    full.0.push(*p);
                    full.1.push(*k);
                }
            }
            (ones, short, full)
        })
        .collect();
    let gather = |pick: fn(&(Projective<P>, Part<P>, Part<P>)) -> &Part<P>| -> Part<P> {
        let len = parts.iter().map(|p| pick(p).0.len()).sum();
        let (mut b, mut s) = (Vec::with_capacity(len), Vec::with_capacity(len));
        for p in &parts {
            b.extend_from_slice(&pick(p).0);
            s.extend_from_slice(&pick(p).1);
        }
        (b, s)
    };
    let short = gather(|p| &p.1);
    let full = gather(|p| &p.2);
    let ones = parts.iter().fold(Projective::<P>::zero(), |acc, p| curve::add(&acc, &p.0));
    drop(parts);
    let (a, b) = rayon::join(
        || msm_general(&short.0, &short.1, SHORT_BITS),
        || msm_general(&full.0, &full.1, FULL_BITS),
    );
    curve::add(&curve::add(&ones, &a), &b)
}

fn window_bits(n: usize) -> usize {
    let log = usize::BITS as usize - n.leading_zeros() as usize; // ~log2(n) + 1
    ((log as f64) * 0.77).round().clamp(4.0, 16.0) as usize
}

/// Signed base-2^c digits, window-major: digits[j * n + i] for window j of scalar i.
/// Each digit is in [-2^(c-1)+1, 2^(c-1)]; with bits / c + 1 windows they cover at least bits + 1
/// bits, so the final carry of a scalar < 2^bits is absorbed by the top window.
pub(crate) fn signed_digits(scalars: &[BigInt<4>], c: usize, bits: usize) -> (Vec<i32>, usize) {
    let n = scalars.len();
    let windows = bits / c + 1;
    let mut digits = vec![0i32; windows * n];
    let half = 1i64 << (c - 1);
    let full = 1i64 << c;
    // parallel over chunks of scalars; each writes its column into every window row
    let ptr = digits.as_mut_ptr() as usize;
    scalars.par_chunks(1024).enumerate().for_each(|(k, chunk)| {
        let out = ptr as *mut i32;
        for (o, s) in chunk.iter().enumerate() {
            let i = k * 1024 + o;
            let mut carry = 0i64;
            for j in 0..windows {
                let bit = j * c;
                let limb = bit / 64;
                let shift = bit % 64;
                let mut v = if limb < 4 { s.0[limb] >> shift } else { 0 };
                if shift + c > 64 && limb + 1 < 4 {
                    v |= s.0[limb + 1] << (64 - shift);
                }
                let mut d = (v & ((1u64 << c) - 1)) as i64 + carry;
                if d > half {
                    d -= full;
                    carry = 1;
                } else {
                    carry = 0;
                }
                // SAFETY: every (j, i) cell is written by exactly one task.
                unsafe { *out.add(j * n + i) = d as i32 };
            }
            debug_assert_eq!(carry, 0);
        }
    });
    (digits, windows)
}

#[cfg(test)]
fn msm_batch_affine<P: SWCurveConfig<BaseField: TowerField>>(bases: &[Affine<P>], scalars: &[BigInt<4>]) -> Projective<P> {
    msm_batch_affine_bits(bases, scalars, FULL_BITS)
}

/// Batch-affine Pippenger for scalars < 2^bits.
fn msm_batch_affine_bits<P: SWCurveConfig<BaseField: TowerField>>(bases: &[Affine<P>], scalars: &[BigInt<4>], bits: usize) -> Projective<P> {
    let n = bases.len();
    let c = window_bits(n);
    let (digits, windows) = signed_digits(scalars, c, bits);
    #[cfg(target_arch = "x86_64")]
    let simd = simd_window_sums(bases, &digits, c, windows);
    #[cfg(not(target_arch = "x86_64"))]
    let simd: Option<Vec<Projective<P>>> = None;
    let sums: Vec<Projective<P>> = simd.unwrap_or_else(|| {
        (0..windows)
            .into_par_iter()
            .map(|j| window_sum(bases, &digits[j * n..(j + 1) * n], c))
            .collect()
    });
    let mut acc = Projective::<P>::zero();
    for s in sums.iter().rev() {
        for _ in 0..c {
            acc = curve::double(&acc);
        }
        acc = curve::add(&acc, s);
    }
    acc
}

/// The fewest points per window for which the eight-lane SIMD window sums (`simd::bucket`) are
/// used instead of the portable batched-affine ones (`bucket`), whose batch inversion itself runs
/// on IFMA (`simd::invert`). Measured on an AMD EPYC with AVX-512 IFMA, both paths on the same
/// digits, alternating (`cargo test --release --lib simd_crossover -- --ignored --nocapture`,
/// benchmarks/RESULTS.md "Session 9"): for G1 the portable path is faster at every size up to
/// 2^20 (SIMD 1.11–1.94× its time), so G1 never takes the SIMD window sums; for G2 the SIMD sums
/// are 1.35× at 2^16, 1.01× at 2^18, and 0.97–1.0× from 2^19.
pub(crate) const SIMD_MIN_POINTS_G2: usize = 1 << 19;

/// The windows' bucket sums on the eight-lane SIMD path (`simd::bucket`), for BN254's G2 when the
/// CPU has AVX-512 IFMA and the window has at least [`SIMD_MIN_POINTS_G2`] points; `None`
/// otherwise (the portable `window_sum` runs).
///
/// The MSM code is generic over the curve configuration while the SIMD path exists for concrete
/// ones, so the dispatch compares `TypeId`s and reinterprets the slices (a no-op: the types are
/// then identical).
#[cfg(target_arch = "x86_64")]
fn simd_window_sums<P: SWCurveConfig>(bases: &[Affine<P>], digits: &[i32], c: usize, windows: usize) -> Option<Vec<Projective<P>>> {
    use std::any::TypeId;
    fn run<Q: crate::simd::ladder::SimdCurve>(bases: &[Affine<Q>], digits: &[i32], c: usize, windows: usize) -> Vec<Projective<Q>> {
        let n = bases.len();
        let limbs = crate::simd::bucket::base_limbs(bases);
        (0..windows)
            .into_par_iter()
            .map(|j| crate::simd::bucket::window_sum(bases, &limbs, &digits[j * n..(j + 1) * n], c))
            .collect()
    }
    fn cast<A: 'static, B: 'static>(v: Vec<A>) -> Vec<B> {
        assert_eq!(TypeId::of::<A>(), TypeId::of::<B>());
        let mut v = std::mem::ManuallyDrop::new(v);
        // SAFETY: A and B are the same type (checked above).
        unsafe { Vec::from_raw_parts(v.as_mut_ptr() as *mut B, v.len(), v.capacity()) }
    }
    if !crate::simd::enabled() {
        return None;
    }
    if TypeId::of::<P>() == TypeId::of::<ark_bn254::g2::Config>() && bases.len() >= SIMD_MIN_POINTS_G2 {
        // SAFETY: P is g2::Config, so the slice types are identical.
        let b = unsafe { &*(bases as *const [Affine<P>] as *const [G2Affine]) };
        return Some(cast(run(b, digits, c, windows)));
    }
    None
}

/// Σ digits[i]·bases[i] for digits in [−2^(c−1)+1, 2^(c−1)]: one Pippenger window on its own
/// (SIMD where available). Random-linear-combination checks with short signed coefficients use it
/// directly, with c = coefficient bits + 1, so there is no carry and no near-empty top window.
pub fn signed_digit_sum<P: SWCurveConfig<BaseField: TowerField>>(bases: &[Affine<P>], digits: &[i32], c: usize) -> Projective<P> {
    assert!((2..=20).contains(&c), "window of {c} bits");
    assert_eq!(bases.len(), digits.len());
    #[cfg(target_arch = "x86_64")]
    if let Some(mut v) = simd_window_sums(bases, digits, c, 1) {
        return v.pop().expect("one window");
    }
    window_sum(bases, digits, c)
}

/// One window: accumulate ±bases into 2^(c-1) affine buckets, then their weighted sum
/// (`bucket`: batched affine additions, waiting points, the split reduction).
fn window_sum<P: SWCurveConfig<BaseField: TowerField>>(bases: &[Affine<P>], digits: &[i32], c: usize) -> Projective<P> {
    let n_buckets = 1usize << (c - 1);
    // a batch of a quarter of the buckets: one inversion per 2^(c−3) additions; the points that
    // find their bucket busy (about one in eight) wait for the next batch
    let mut acc = BucketAdder::new(bases, n_buckets, (n_buckets / 4).clamp(64, 2048));
    for (k, (d, p)) in digits.iter().zip(bases).enumerate() {
        if *d == 0 || p.infinity {
            continue;
        }
        acc.add(d.unsigned_abs() - 1, k, *d < 0);
    }
    bucket::weighted_sum(acc.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fr;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::{PrimeField, UniformRand};
    use ark_std::rand::{rngs::StdRng, Rng, SeedableRng};

    fn check<P: SWCurveConfig>(bases: &[Affine<P>], scalars: &[BigInt<4>])
    where
        Projective<P>: VariableBaseMSM<MulBase = Affine<P>, ScalarField = P::ScalarField>,
        P::ScalarField: PrimeField<BigInt = BigInt<4>>,
        P::BaseField: TowerField,
    {
        let want = <Projective<P> as VariableBaseMSM>::msm_bigint(bases, scalars);
        assert_eq!(msm_batch_affine(bases, scalars).into_affine(), want.into_affine());
    }

    #[test]
    fn batch_affine_matches_arkworks_with_repeats_and_negations() {
        let mut rng = StdRng::seed_from_u64(1);
        for &n in &[1usize, 2, 5, 300, 1500] {
            // few distinct points, many repeats and negations: exercises doubling and P + (-P)
            let distinct: Vec<_> = (0..7).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            let bases: Vec<G1Affine> = (0..n).map(|i| if i % 3 == 0 { -distinct[i % 7] } else { distinct[i % 7] }).collect();
            let scalars: Vec<BigInt<4>> = (0..n)
                .map(|i| match i % 5 { 0 => Fr::from(0u64), 1 => Fr::from(1u64), 2 => -Fr::from(1u64), _ => Fr::rand(&mut rng) }.into_bigint())
                .collect();
            check(&bases, &scalars);
            let same: Vec<BigInt<4>> = vec![Fr::from(12345u64).into_bigint(); n];
            check(&bases, &same);
            let g2: Vec<G2Affine> = (0..n.min(300)).map(|i| (G2Projective::generator() * Fr::from((i % 4) as u64 + 1)).into_affine()).collect();
            check(&g2, &scalars[..g2.len()]);
        }
    }

    /// `n` distinct points cheaply: a chain P, 3P, 7P, ... (additions, not n scalar multiplications).
    pub(super) fn chain_points<P: SWCurveConfig>(start: Projective<P>, n: usize) -> Vec<Affine<P>> {
        let mut acc = start;
        let v: Vec<Projective<P>> = (0..n).map(|_| { acc = acc + acc + start; acc }).collect();
        Projective::<P>::normalize_batch(&v)
    }

    #[test]
    fn msm_at_the_simd_threshold_matches_arkworks() {
        // The SIMD window sums take over only from SIMD_MIN_POINTS_G2 points of G2 (where a CPU
        // has IFMA): check the dispatch there, and the portable side one point below. 20-bit
        // scalars keep each MSM to two windows.
        let mut rng = StdRng::seed_from_u64(13);
        let g2 = chain_points(G2Projective::generator() * Fr::from(5u64), SIMD_MIN_POINTS_G2);
        for n in [SIMD_MIN_POINTS_G2 - 1, SIMD_MIN_POINTS_G2] {
            let s: Vec<BigInt<4>> = (0..n).map(|_| Fr::from(rng.gen_range(0u64..1 << 20)).into_bigint()).collect();
            let want = <G2Projective as VariableBaseMSM>::msm_bigint(&g2[..n], &s);
            assert_eq!(msm_bits(&g2[..n], &s, 20).into_affine(), want.into_affine(), "G2 n={n}");
        }
    }

    #[test]
    fn simd_and_portable_window_sums_agree() {
        #[cfg(target_arch = "x86_64")]
        {
            if !crate::simd::enabled() {
                return;
            }
            let mut rng = StdRng::seed_from_u64(12);
            let distinct: Vec<G1Affine> = (0..5).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            let distinct2: Vec<G2Affine> = (0..5).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            for &(n, c) in &[(40usize, 3usize), (700, 5), (3000, 9)] {
                // repeated and opposite points (doublings and cancellations inside buckets),
                // infinity, and few buckets (busy buckets send points to the overflow)
                let g1: Vec<G1Affine> = (0..n)
                    .map(|i| match i % 11 { 0 => G1Affine::identity(), k if k % 2 == 0 => -distinct[i % 5], _ => distinct[i % 5] })
                    .collect();
                let g2: Vec<G2Affine> = (0..n).map(|i| if i % 3 == 0 { -distinct2[i % 5] } else { distinct2[i % 5] }).collect();
                let half = 1i32 << (c - 1);
                let digits: Vec<i32> = (0..n).map(|_| rng.gen_range(-half + 1..=half)).collect();
                let want1 = window_sum(&g1, &digits, c);
                let got1 = crate::simd::bucket::window_sum(&g1, &crate::simd::bucket::base_limbs(&g1), &digits, c);
                assert_eq!(got1, want1, "G1 n={n} c={c}");
                let want2 = window_sum(&g2, &digits, c);
                let got2 = crate::simd::bucket::window_sum(&g2, &crate::simd::bucket::base_limbs(&g2), &digits, c);
                assert_eq!(got2, want2, "G2 n={n} c={c}");
                // the sorted (pairwise) accumulation on its own, also with few reachable buckets
                for span in [half, 3, 1] {
                    let small: Vec<i32> = digits.iter().map(|d| d % (span + 1)).collect();
                    let want = window_sum(&g1, &small, c);
                    let got = crate::simd::bucket::window_sum_sorted(&g1, &crate::simd::bucket::base_limbs(&g1), &small, c);
                    assert_eq!(got, want, "sorted G1 n={n} c={c} span={span}");
                    let want = window_sum(&g2, &small, c);
                    let got = crate::simd::bucket::window_sum_sorted(&g2, &crate::simd::bucket::base_limbs(&g2), &small, c);
                    assert_eq!(got, want, "sorted G2 n={n} c={c} span={span}");
                }
            }
        }
    }

    #[test]
    fn split_trivial_matches_arkworks() {
        let mut rng = StdRng::seed_from_u64(4);
        for &n in &[256usize, 300, 5000] {
            let g1: Vec<G1Affine> = (0..n).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            let g2: Vec<G2Affine> = (0..n.min(600)).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            // mixes: all zero, all one, mostly 0/1 with some small/large/r-1, a single non-trivial
            let mixes: Vec<Vec<BigInt<4>>> = vec![
                vec![BigInt::zero(); n],
                vec![Fr::from(1u64).into_bigint(); n],
                (0..n).map(|i| match i % 7 { 0 | 1 | 2 => Fr::from(0u64), 3 | 4 => Fr::from(1u64), 5 => Fr::from(i as u64), _ => if i % 2 == 0 { -Fr::from(1u64) } else { Fr::rand(&mut rng) } }.into_bigint()).collect(),
                (0..n).map(|i| if i == n / 2 { Fr::rand(&mut rng).into_bigint() } else { BigInt::from((i % 2) as u64) }).collect(),
            ];
            for s in &mixes {
                let want = <G1Projective as VariableBaseMSM>::msm_bigint(&g1, s);
                assert_eq!(msm(&g1, s).into_affine(), want.into_affine());
                let s2 = &s[..g2.len()];
                let want2 = <G2Projective as VariableBaseMSM>::msm_bigint(&g2, s2);
                assert_eq!(msm(&g2, s2).into_affine(), want2.into_affine());
            }
        }
    }

    /// Every window width's signed digits of `s` recompose to the scalars themselves.
    fn assert_digits_recompose(s: &[BigInt<4>], bits: usize) {
        for c in 4..=16 {
            let (d, w) = signed_digits(s, c, bits);
            for (i, sc) in s.iter().enumerate() {
                let mut acc = Fr::from(0u64);
                for j in (0..w).rev() {
                    acc *= Fr::from(1u64 << c);
                    let v = d[j * s.len() + i];
                    acc += if v >= 0 { Fr::from(v as u64) } else { -Fr::from((-v) as u64) };
                }
                assert_eq!(acc.into_bigint(), *sc, "c = {c}");
            }
        }
    }

    #[test]
    fn short_digits_recompose_and_short_msm_matches() {
        let mut rng = StdRng::seed_from_u64(9);
        let s: Vec<BigInt<4>> = (0..300u64)
            .map(|i| BigInt::from(match i % 4 { 0 => u64::MAX, 1 => u64::MAX - i, 2 => 1u64 << 63, _ => rng.gen::<u64>() }))
            .collect();
        assert_digits_recompose(&s, SHORT_BITS);
        let g1: Vec<G1Affine> = (0..300).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let want = <G1Projective as VariableBaseMSM>::msm_bigint(&g1, &s);
        assert_eq!(msm_batch_affine_bits(&g1, &s, SHORT_BITS).into_affine(), want.into_affine());
        assert_eq!(msm(&g1, &s).into_affine(), want.into_affine());
    }

    #[test]
    fn digits_recompose() {
        let mut rng = StdRng::seed_from_u64(2);
        let s: Vec<BigInt<4>> = (0..50).map(|_| Fr::rand(&mut rng).into_bigint()).chain([(-Fr::from(1u64)).into_bigint()]).collect();
        assert_digits_recompose(&s, FULL_BITS);
    }
}

/// Where the SIMD window sums start to pay ([`SIMD_MIN_POINTS_G2`]; never for G1 so far): both
/// paths on the same digits, alternating, median of 7, printed. A measurement, not a check:
/// `cargo test --release --lib simd_crossover -- --ignored --nocapture` on a CPU with IFMA.
#[cfg(all(test, target_arch = "x86_64"))]
mod simd_crossover {
    use super::*;
    use ark_bn254::{Fr, G1Projective, G2Projective};
    use ark_ec::PrimeGroup;
    use ark_ff::{PrimeField, UniformRand};
    use ark_std::rand::{rngs::StdRng, SeedableRng};
    use std::time::Instant;

    fn median(mut v: Vec<f64>) -> f64 {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    }

    fn time<P: crate::simd::ladder::SimdCurve + SWCurveConfig<BaseField: TowerField>>(group: &str, bases: &[Affine<P>]) {
        let mut rng = StdRng::seed_from_u64(7);
        let n = bases.len();
        let c = window_bits(n);
        let scalars: Vec<BigInt<4>> = (0..n).map(|_| Fr::rand(&mut rng).into_bigint()).collect();
        let (digits, _) = signed_digits(&scalars, c, FULL_BITS);
        let window = &digits[n..2 * n];
        let limbs = crate::simd::bucket::base_limbs(bases);
        let (mut simd, mut portable) = (vec![], vec![]);
        for _ in 0..7 {
            let t = Instant::now();
            let a = crate::simd::bucket::window_sum(bases, &limbs, window, c);
            simd.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let b = window_sum(bases, window, c);
            portable.push(t.elapsed().as_secs_f64());
            assert_eq!(a, b);
        }
        let (s, p) = (median(simd), median(portable));
        println!("{group} n=2^{} c={c}: simd {:.2} ms, portable {:.2} ms, simd/portable {:.3}", n.trailing_zeros(), s * 1e3, p * 1e3, s / p);
    }

    /// The eight-lane ladder against the portable GLV ladder on 4,096 scalar multiplications
    /// (what the ceremony's batches are made of), printed: why `batch.rs` keeps the lanes.
    #[test]
    #[ignore]
    fn simd_ladder_against_glv() {
        if !crate::simd::enabled() {
            println!("no AVX-512 IFMA here: nothing to compare");
            return;
        }
        let mut rng = StdRng::seed_from_u64(2);
        let ks: Vec<Fr> = (0..4096).map(|_| Fr::rand(&mut rng)).collect();
        let g1 = super::tests::chain_points(G1Projective::generator() * Fr::rand(&mut rng), ks.len());
        let g2 = super::tests::chain_points(G2Projective::generator() * Fr::rand(&mut rng), ks.len());
        let (mut s1, mut p1, mut s2, mut p2) = (vec![], vec![], vec![], vec![]);
        for _ in 0..7 {
            let t = Instant::now();
            let a = crate::simd::ladder::mul_many(&g1, &ks);
            s1.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let b = crate::glv::mul_many(&g1, &ks);
            p1.push(t.elapsed().as_secs_f64());
            assert_eq!(a, b);
            let t = Instant::now();
            let a = crate::simd::ladder::mul_many(&g2, &ks);
            s2.push(t.elapsed().as_secs_f64());
            let t = Instant::now();
            let b = crate::glv::mul_many(&g2, &ks);
            p2.push(t.elapsed().as_secs_f64());
            assert_eq!(a, b);
        }
        for (group, s, p) in [("G1", median(s1), median(p1)), ("G2", median(s2), median(p2))] {
            println!("{group} ladder, 4096 multiplications: simd {:.2} ms, glv {:.2} ms, simd/glv {:.3}", s * 1e3, p * 1e3, s / p);
        }
    }

    #[test]
    #[ignore]
    fn simd_crossover() {
        if !crate::simd::enabled() {
            println!("no AVX-512 IFMA here: nothing to compare");
            return;
        }
        let mut rng = StdRng::seed_from_u64(1);
        for log in 16..=20 {
            time("G1", &super::tests::chain_points(G1Projective::generator() * Fr::rand(&mut rng), 1 << log));
            time("G2", &super::tests::chain_points(G2Projective::generator() * Fr::rand(&mut rng), 1 << log));
        }
    }
}
