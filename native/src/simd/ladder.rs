//! k_i·P_i for many points, eight lanes in lockstep.
//!
//! Each scalar is split by the GLV endomorphism into two ~128-bit halves, and each half is recoded
//! in signed fixed windows of 4 bits (digits −8..7, every window position used by every lane), so
//! all lanes run the same schedule: four doublings, then one mixed addition per half. Tables hold
//! the affine multiples 1..8 of ±P and of ±φ(P) per lane (built on the portable path with one
//! shared inversion per call) and each lane gathers its own entry. Lanes at infinity are tracked
//! with a mask; lanes that meet an exceptional addition (never for random scalars, but possible
//! for crafted ones) are recomputed on the portable path, so the result is always exact.

use core::arch::x86_64::*;

use ark_bn254::{Fq, Fq2, Fr};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::{AdditiveGroup, CurveGroup};
use ark_ff::{BigInteger, PrimeField, Zero};


use super::fq2x8::F2x8;
use super::fq8::{from_limbs, to_limbs, F8};
use super::jacobian::{Jac, LaneField};

/// A curve whose coordinates have an eight-lane SIMD field.
pub trait SimdCurve: GLVConfig<ScalarField = Fr, BaseField: crate::tower::ops::TowerField> {
    type L: LaneField;
    /// u64 limbs of one coordinate in the table (5 for Fq, 10 for Fq2).
    const LIMBS: usize;
    fn put(v: &Self::BaseField, out: &mut [u64]);
    /// The inverse of `put` (accepts any normalised value < 2q).
    fn get(limbs: &[u64]) -> Self::BaseField;
    /// An affine point as x‖y limbs into `out[..2·LIMBS]` (the layout every gather reads).
    fn put_point(p: &Affine<Self>, out: &mut [u64]) {
        Self::put(&p.x, &mut out[..Self::LIMBS]);
        Self::put(&p.y, &mut out[Self::LIMBS..2 * Self::LIMBS]);
    }
    unsafe fn store(v: &Self::L) -> [Self::BaseField; 8];
    unsafe fn load(v: &[Self::BaseField; 8]) -> Self::L;
}

impl SimdCurve for ark_bn254::g1::Config {
    type L = F8;
    const LIMBS: usize = 5;
    fn put(v: &Fq, out: &mut [u64]) {
        out[..5].copy_from_slice(&to_limbs(v));
    }
    fn get(limbs: &[u64]) -> Fq {
        from_limbs(&[limbs[0], limbs[1], limbs[2], limbs[3], limbs[4]])
    }
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    unsafe fn store(v: &F8) -> [Fq; 8] {
        v.store()
    }
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    unsafe fn load(v: &[Fq; 8]) -> F8 {
        F8::load(v)
    }
}

impl SimdCurve for ark_bn254::g2::Config {
    type L = F2x8;
    const LIMBS: usize = 10;
    fn put(v: &Fq2, out: &mut [u64]) {
        out[..5].copy_from_slice(&to_limbs(&v.c0));
        out[5..10].copy_from_slice(&to_limbs(&v.c1));
    }
    fn get(limbs: &[u64]) -> Fq2 {
        Fq2::new(ark_bn254::g1::Config::get(&limbs[..5]), ark_bn254::g1::Config::get(&limbs[5..10]))
    }
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    unsafe fn store(v: &F2x8) -> [Fq2; 8] {
        v.store()
    }
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    unsafe fn load(v: &[Fq2; 8]) -> F2x8 {
        F2x8::load(v)
    }
}

const WINDOW: usize = 4;
const ENTRIES: usize = 1 << (WINDOW - 1); // |digit| ∈ 1..=8

/// Signed fixed-window digits (−8..7) of k, least significant first, `n` windows.
fn recode(k: &[u64; 4], n: usize) -> Vec<i8> {
    let mut out = vec![0i8; n];
    let mut carry = 0u64;
    for (i, d) in out.iter_mut().enumerate() {
        let bit = i * WINDOW;
        let nib = if bit < 256 { (k[bit / 64] >> (bit % 64)) & 0xf } else { 0 } + carry;
        if nib >= 8 {
            *d = nib as i8 - 16;
            carry = 1;
        } else {
            *d = nib as i8;
            carry = 0;
        }
    }
    debug_assert_eq!(carry, 0);
    out
}

/// One lane's job after the portable preparation.
struct Prepared {
    /// digits[window] for half 1 and half 2
    d1: Vec<i8>,
    d2: Vec<i8>,
}

/// k_i·P_i; `ps` and `ks` have equal length. Requires `simd::enabled()`.
pub fn mul_many<P: SimdCurve>(ps: &[Affine<P>], ks: &[Fr]) -> Vec<Projective<P>>
where
    P::BaseField: Copy,
{
    assert!(super::enabled(), "SIMD kernels are not available on this CPU");
    assert_eq!(ps.len(), ks.len());
    let n = ps.len();
    // multiples 1..8 of every point, normalised together (one inversion)
    let mut mults: Vec<Projective<P>> = Vec::with_capacity(n * ENTRIES);
    for p in ps {
        let p1 = Projective::<P>::from(*p);
        let p2 = p1.double();
        let p3 = p2 + p;
        let p4 = p2.double();
        let p5 = p4 + p;
        let p6 = p3.double();
        let p7 = p6 + p;
        let p8 = p4.double();
        mults.extend_from_slice(&[p1, p2, p3, p4, p5, p6, p7, p8]);
    }
    let aff = Projective::<P>::normalize_batch(&mults);
    drop(mults);

    let l = P::LIMBS;
    let per_lane_entry = 2 * l; // x then y
    let mut out = Vec::with_capacity(n);
    let mut table = vec![0u64; 2 * ENTRIES * 8 * per_lane_entry];
    for g in (0..n).step_by(8) {
        let lanes = (n - g).min(8);
        table.iter_mut().for_each(|v| *v = 0);
        let mut prep: Vec<Option<Prepared>> = Vec::with_capacity(8);
        let mut windows = 0usize;
        let mut decomposed = Vec::with_capacity(8);
        for lane in 0..8 {
            if lane >= lanes || ps[g + lane].infinity || ks[g + lane].is_zero() {
                decomposed.push(None);
                continue;
            }
            let ((s1, k1), (s2, k2)) = P::scalar_decomposition(ks[g + lane]);
            let (k1, k2) = (k1.into_bigint(), k2.into_bigint());
            let bits = k1.num_bits().max(k2.num_bits()) as usize;
            windows = windows.max(bits / WINDOW + 2);
            decomposed.push(Some((s1, k1, s2, k2)));
        }
        for (lane, dec) in decomposed.iter().enumerate() {
            let Some((s1, k1, s2, k2)) = dec else {
                prep.push(None);
                continue;
            };
            for e in 0..ENTRIES {
                let a = aff[(g + lane) * ENTRIES + e];
                let b1 = if *s1 { a } else { -a };
                let e2 = P::endomorphism_affine(&a);
                let b2 = if *s2 { e2 } else { -e2 };
                for (h, b) in [b1, b2].iter().enumerate() {
                    let at = ((h * ENTRIES + e) * 8 + lane) * per_lane_entry;
                    P::put_point(b, &mut table[at..at + 2 * l]);
                }
            }
            prep.push(Some(Prepared { d1: recode(&k1.0, windows), d2: recode(&k2.0, windows) }));
        }
        let (acc, inf, bad) = unsafe { ladder::<P>(&table, &prep, windows) };
        let (xs, ys, zs) = unsafe { (P::store(&acc.x), P::store(&acc.y), P::store(&acc.z)) };
        for lane in 0..lanes {
            let i = g + lane;
            let r = if prep[lane].is_none() || inf & (1 << lane) != 0 {
                Projective::<P>::zero()
            } else if bad & (1 << lane) != 0 {
                crate::glv::mul(&Projective::<P>::from(ps[i]), ks[i])
            } else {
                Projective::<P>::new_unchecked(xs[lane], ys[lane], zs[lane])
            };
            out.push(r);
        }
    }
    out
}

#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn ladder<P: SimdCurve>(table: &[u64], prep: &[Option<Prepared>], windows: usize) -> (Jac<P::L>, u8, u8) {
    let l = P::LIMBS as i64;
    let one = P::L::one();
    let mut acc = Jac { x: one, y: one, z: P::L::one() };
    let mut inf: u8 = 0xff;
    let mut bad: u8 = 0;
    for w in (0..windows).rev() {
        if inf != 0xff {
            for _ in 0..WINDOW {
                acc = acc.double();
            }
        }
        for h in 0..2 {
            let mut idx = [0i64; 8];
            let (mut nz, mut neg) = (0u8, 0u8);
            for (lane, p) in prep.iter().enumerate() {
                let e = match p {
                    Some(p) => {
                        let d = if h == 0 { p.d1[w] } else { p.d2[w] };
                        if d != 0 {
                            nz |= 1 << lane;
                        }
                        if d < 0 {
                            neg |= 1 << lane;
                        }
                        (d.unsigned_abs().max(1) - 1) as i64
                    }
                    None => 0,
                };
                idx[lane] = (((h as i64 * ENTRIES as i64 + e) * 8 + lane as i64) * 2) * l;
            }
            if nz == 0 {
                continue;
            }
            let iv = _mm512_loadu_si512(idx.as_ptr() as *const _);
            let x = P::L::gather(table.as_ptr(), iv);
            let y0 = P::L::gather(table.as_ptr(), _mm512_add_epi64(iv, _mm512_set1_epi64(l)));
            let y = P::L::select(neg, &y0, &y0.neg());
            bad |= acc.add_affine_where(&mut inf, nz, &x, &y);
        }
    }
    (acc, inf, bad)
}

/// k·P_i for one small public scalar k (u64) and many points, by NAF double-and-add with the
/// point itself as the only table entry: the subgroup check's [x]·P. Returns `None` for a lane
/// whose addition met an exceptional case, which only happens for points outside the prime-order
/// subgroup (acc = ±P means (m ∓ 1)·P = 0 for some m < k); the caller then decides that lane on
/// the portable path. Points at infinity give the identity.
pub fn mul_u64_many<P: SimdCurve>(ps: &[Affine<P>], k: u64) -> Vec<Option<Projective<P>>>
where
    P::BaseField: Copy,
{
    assert!(super::enabled(), "SIMD kernels are not available on this CPU");
    assert!(k >= 2, "k must be at least 2");
    let naf = ark_ff::BigInt::<4>::from(k).find_wnaf(2).expect("valid window");
    let l = P::LIMBS;
    let mut out = Vec::with_capacity(ps.len());
    let mut table = vec![0u64; 8 * 2 * l];
    for g in (0..ps.len()).step_by(8) {
        let lanes = (ps.len() - g).min(8);
        // pad short groups and infinity lanes with a finite lane's point (outputs ignored)
        let Some(filler) = ps[g..g + lanes].iter().find(|p| !p.infinity) else {
            out.extend((0..lanes).map(|_| Some(Projective::<P>::zero())));
            continue;
        };
        for lane in 0..8 {
            let p = match ps.get(g + lane) {
                Some(p) if lane < lanes && !p.infinity => p,
                _ => filler,
            };
            let at = lane * 2 * l;
            P::put_point(p, &mut table[at..at + 2 * l]);
        }
        let (acc, bad) = unsafe { ladder_u64::<P>(&table, &naf) };
        let (xs, ys, zs) = unsafe { (P::store(&acc.x), P::store(&acc.y), P::store(&acc.z)) };
        for lane in 0..lanes {
            out.push(if ps[g + lane].infinity {
                Some(Projective::<P>::zero())
            } else if bad & (1 << lane) != 0 {
                None
            } else {
                Some(Projective::<P>::new_unchecked(xs[lane], ys[lane], zs[lane]))
            });
        }
    }
    out
}

#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn ladder_u64<P: SimdCurve>(table: &[u64], naf: &[i64]) -> (Jac<P::L>, u8) {
    let l = P::LIMBS as i64;
    let lane_stride = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let iv = _mm512_mullo_epi64(lane_stride, _mm512_set1_epi64(2 * l));
    let x = P::L::gather(table.as_ptr(), iv);
    let y = P::L::gather(table.as_ptr(), _mm512_add_epi64(iv, _mm512_set1_epi64(l)));
    let minus_y = y.neg();
    let top = naf.iter().rposition(|&d| d != 0).expect("k > 0");
    let mut acc = Jac { x, y, z: P::L::one() };
    let mut bad: u8 = 0;
    for &d in naf[..top].iter().rev() {
        acc = acc.double();
        if d != 0 {
            let (sum, h_zero) = acc.add_affine(&x, if d > 0 { &y } else { &minus_y });
            bad |= h_zero;
            acc = sum;
        }
    }
    (acc, bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::PrimeGroup;
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    fn scalars(rng: &mut StdRng) -> Vec<Fr> {
        let mut ks: Vec<Fr> = (0..37).map(|_| Fr::rand(rng)).collect();
        ks.extend([
            Fr::from(0u64),
            Fr::from(1u64),
            -Fr::from(1u64),
            Fr::from(2u64),
            Fr::from(7u64),
            Fr::from(8u64),
            Fr::from(15u64),
            Fr::from(16u64),
            -Fr::from(16u64),
            Fr::from(u64::MAX),
            Fr::from_bigint(Fr::MODULUS_MINUS_ONE_DIV_TWO).unwrap(),
        ]);
        ks
    }

    /// mul_many against arkworks on random points, with an infinity lane and (G1) a repeated point.
    fn check_against_arkworks<P: SimdCurve>(seed: u64, infinity_at: usize, repeat: bool)
    where
        P::BaseField: Copy,
    {
        let mut rng = StdRng::seed_from_u64(seed);
        let ks = scalars(&mut rng);
        let mut ps: Vec<Affine<P>> = ks.iter().map(|_| (Projective::<P>::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        ps[infinity_at] = Affine::<P>::identity();
        if repeat {
            ps[9] = ps[10];
        }
        let got = mul_many(&ps, &ks);
        for i in 0..ks.len() {
            assert_eq!(got[i], ps[i] * ks[i], "lane {i}");
        }
    }

    #[test]
    fn g1_matches_arkworks() {
        if crate::simd::enabled() {
            check_against_arkworks::<ark_bn254::g1::Config>(31, 4, true);
        }
    }

    #[test]
    fn g2_matches_arkworks() {
        if crate::simd::enabled() {
            check_against_arkworks::<ark_bn254::g2::Config>(32, 5, false);
        }
    }

    #[test]
    fn one_point_in_every_lane_with_structured_scalars() {
        if !crate::simd::enabled() {
            return;
        }
        // every lane holds the same point and the scalars i·2^60 (GLV halves with long runs of
        // zero digits): lanes start at different windows and share identical tables. (The
        // exceptional-addition flag itself is exercised by `exceptional_addition_is_flagged`.)
        let mut rng = StdRng::seed_from_u64(33);
        let p = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
        let ks: Vec<Fr> = (0..64u64).map(|i| Fr::from(i) * Fr::from(1u64 << 60)).collect();
        let ps = vec![p; ks.len()];
        let got = mul_many(&ps, &ks);
        for i in 0..ks.len() {
            assert_eq!(got[i], p * ks[i]);
        }
    }

    #[test]
    fn fixed_u64_multiple_matches_arkworks() {
        if !crate::simd::enabled() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(34);
        let mut ps: Vec<G2Affine> = (0..21).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        ps[3] = G2Affine::identity();
        for k in [2u64, 3, 0x44E992B44A6909F1, u64::MAX] {
            let got = mul_u64_many(&ps, k);
            for i in 0..ps.len() {
                assert_eq!(got[i].expect("no exceptional lane for subgroup points"), ps[i] * Fr::from(k), "k = {k}, lane {i}");
            }
        }
        let g1: Vec<G1Affine> = (0..9).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let got = mul_u64_many(&g1, 12345);
        for i in 0..g1.len() {
            assert_eq!(got[i].unwrap(), g1[i] * Fr::from(12345u64));
        }
    }

    #[test]
    fn exceptional_addition_is_flagged() {
        if !crate::simd::enabled() {
            return;
        }
        // half 1 and half 2 tables both hold multiples of the same P (instead of P and φ(P)), and
        // both halves add P in the same window: the second addition meets acc = P.
        let mut rng = StdRng::seed_from_u64(35);
        let p = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
        let l = 5;
        let mut table = vec![0u64; 2 * ENTRIES * 8 * 2 * l];
        for h in 0..2 {
            for e in 0..ENTRIES {
                let m = (p * Fr::from(e as u64 + 1)).into_affine();
                for lane in 0..8 {
                    let at = ((h * ENTRIES + e) * 8 + lane) * 2 * l;
                    table[at..at + 5].copy_from_slice(&to_limbs(&m.x));
                    table[at + 5..at + 10].copy_from_slice(&to_limbs(&m.y));
                }
            }
        }
        let prep: Vec<Option<Prepared>> = (0..8)
            .map(|lane| Some(Prepared { d1: vec![1, 0], d2: vec![if lane % 2 == 0 { 1 } else { 2 }, 0] }))
            .collect();
        let (_, inf, bad) = unsafe { ladder::<ark_bn254::g1::Config>(&table, &prep, 2) };
        assert_eq!(inf, 0);
        assert_eq!(bad, 0b0101_0101, "lanes adding P to P are flagged, lanes adding 2P are not");
    }
}
