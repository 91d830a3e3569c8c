//! Eight BN254 base-field elements at once, on AVX-512 IFMA (`vpmadd52{lo,hi}uq`).
//!
//! Why: arkworks multiplies one Fq at a time with 64-bit limbs (about 19 ns here); IFMA does eight
//! 52-bit × 52-bit products per instruction, and a Montgomery product of eight lanes costs about
//! 3.8 ns per lane on this machine. The ceremony's work is hundreds of thousands of independent
//! scalar multiplications, so running eight of them in lockstep is where its speed comes from.
//!
//! Representation: lane value a is held as a·2^260 mod q (Montgomery form with R = 2^260) in five
//! 52-bit limbs, one `__m512i` per limb. Values are only weakly reduced:
//! * every public operation returns normalised limbs (each < 2^52) of a value < 2q;
//! * `mul` accepts inputs whose bounds multiply to less than 84·q² (R/q ≈ 84), so the `_nr`
//!   ("not reduced") sums below, which are < 8q, may feed it directly;
//! * `reduce` brings any normalised value < 2^258 back below 2q with one estimated quotient.
//!
//! Every function here needs the `avx512f`, `avx512dq` and `avx512ifma` CPU features; callers go
//! through `simd::enabled()` first.

use core::arch::x86_64::*;

use ark_bn254::Fq;
use ark_ff::{AdditiveGroup, BigInt, BigInteger, Field, PrimeField};

pub const MASK52: u64 = (1u64 << 52) - 1;

/// 4 × 64-bit little-endian limbs → 5 × 52-bit limbs.
pub const fn split52(m: &[u64; 4]) -> [u64; 5] {
    let mut out = [0u64; 5];
    let mut k = 0;
    while k < 5 {
        let bit = 52 * k;
        let (w, s) = (bit / 64, bit % 64);
        let mut v = m[w] >> s;
        if s > 12 && w + 1 < 4 {
            v |= m[w + 1] << (64 - s);
        }
        out[k] = v & MASK52;
        k += 1;
    }
    out
}

/// 5 × 52-bit limbs (each < 2^52, value < 2^256) → 4 × 64-bit limbs.
pub(crate) const fn join52(l: &[u64; 5]) -> [u64; 4] {
    let mut out = [0u64; 4];
    let mut k = 0;
    while k < 5 {
        let bit = 52 * k;
        let (w, s) = (bit / 64, bit % 64);
        out[w] |= l[k] << s;
        if s > 12 && w + 1 < 4 {
            out[w + 1] |= l[k] >> (64 - s);
        }
        k += 1;
    }
    out
}

const Q: [u64; 5] = split52(&Fq::MODULUS.0);

const fn times(k: u64) -> [u64; 5] {
    // k·q in normalised 52-bit limbs (k small)
    let mut out = [0u64; 5];
    let mut carry = 0u128;
    let mut j = 0;
    while j < 5 {
        let v = Q[j] as u128 * k as u128 + carry;
        out[j] = (v as u64) & MASK52;
        carry = v >> 52;
        j += 1;
    }
    out
}

const Q2: [u64; 5] = times(2);
const Q4: [u64; 5] = times(4);

/// -q^{-1} mod 2^52 (Montgomery's constant for R = 2^260).
const QINV: u64 = {
    let mut inv: u64 = 1;
    let mut i = 0;
    while i < 6 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(Q[0].wrapping_mul(inv)));
        i += 1;
    }
    inv.wrapping_neg() & MASK52
};

/// ⌊2^92 / (⌊q / 2^208⌋ + 1)⌋: with the top limb t of a value v, ⌊t·QEST / 2^92⌋ ≤ ⌊v/q⌋.
const QEST: u64 = {
    let top = (Q[4] + 1) as u128;
    ((1u128 << 92) / top) as u64
};

/// Eight lanes of Fq.
#[derive(Clone, Copy)]
pub struct F8(pub [__m512i; 5]);

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn splat(v: &[u64; 5]) -> [__m512i; 5] {
    [
        _mm512_set1_epi64(v[0] as i64),
        _mm512_set1_epi64(v[1] as i64),
        _mm512_set1_epi64(v[2] as i64),
        _mm512_set1_epi64(v[3] as i64),
        _mm512_set1_epi64(v[4] as i64),
    ]
}

/// Propagate carries (signed: a limb may be negative after a subtraction, the total may not).
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
fn normalise(mut t: [__m512i; 5]) -> [__m512i; 5] {
    let mask = _mm512_set1_epi64(MASK52 as i64);
    for j in 0..4 {
        t[j + 1] = _mm512_add_epi64(t[j + 1], _mm512_srai_epi64(t[j], 52));
        t[j] = _mm512_and_si512(t[j], mask);
    }
    t
}

impl F8 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn zero() -> Self {
        F8([_mm512_setzero_si512(); 5])
    }

    /// One (2^260 mod q) in every lane.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn one() -> Self {
        // arkworks' Montgomery R is 2^256 mod q; ours is 2^260 mod q, i.e. the raw limbs of 16
        const ONE: [u64; 5] = split52(&<Fq as ark_ff::Field>::ONE.0 .0);
        let r = F8(splat(&ONE));
        r.double().double().double().double()
    }

    /// Lane-wise Montgomery product a·b/2^260 (< 2q when bound(a)·bound(b) < 84q²).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn mul(&self, b: &F8) -> F8 {
        let z = _mm512_setzero_si512();
        let q = splat(&Q);
        let qinv = _mm512_set1_epi64(QINV as i64);
        let (a, b) = (&self.0, &b.0);
        let mut t = [z; 6];
        for i in 0..5 {
            let ai = a[i];
            for j in 0..5 {
                t[j] = _mm512_madd52lo_epu64(t[j], ai, b[j]);
                t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], ai, b[j]);
            }
            let m = _mm512_madd52lo_epu64(z, t[0], qinv);
            for j in 0..5 {
                t[j] = _mm512_madd52lo_epu64(t[j], m, q[j]);
                t[j + 1] = _mm512_madd52hi_epu64(t[j + 1], m, q[j]);
            }
            let carry = _mm512_srli_epi64(t[0], 52);
            t[0] = _mm512_add_epi64(t[1], carry);
            t[1] = t[2];
            t[2] = t[3];
            t[3] = t[4];
            t[4] = t[5];
            t[5] = z;
        }
        F8(normalise([t[0], t[1], t[2], t[3], t[4]]))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn square(&self) -> F8 {
        self.mul(self)
    }

    /// a + b, normalised but not reduced (< bound(a) + bound(b)): only as a `mul` input.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn add_nr(&self, b: &F8) -> F8 {
        let mut t = self.0;
        for j in 0..5 {
            t[j] = _mm512_add_epi64(t[j], b.0[j]);
        }
        F8(normalise(t))
    }

    /// a + 4q − b for b < 4q, normalised, not reduced (< bound(a) + 4q).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn sub_nr(&self, b: &F8) -> F8 {
        let q4 = splat(&Q4);
        let mut t = self.0;
        for j in 0..5 {
            t[j] = _mm512_sub_epi64(_mm512_add_epi64(t[j], q4[j]), b.0[j]);
        }
        F8(normalise(t))
    }

    /// A value < 2^258 brought below 2q: subtract k·q with k = an under-estimate of ⌊v/q⌋ that
    /// is off by at most one (from the top limb alone).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn reduce(&self) -> F8 {
        let z = _mm512_setzero_si512();
        let hi = _mm512_madd52hi_epu64(z, self.0[4], _mm512_set1_epi64(QEST as i64));
        let k = _mm512_srli_epi64(hi, 40);
        let q = splat(&Q);
        let mut t = self.0;
        for j in 0..5 {
            t[j] = _mm512_sub_epi64(t[j], _mm512_mullo_epi64(k, q[j]));
        }
        F8(normalise(t))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn add(&self, b: &F8) -> F8 {
        self.add_nr(b).reduce()
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn sub(&self, b: &F8) -> F8 {
        self.sub_nr(b).reduce()
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn double(&self) -> F8 {
        self.add(self)
    }

    /// c·a for a small constant c (≤ 10, so that c·2q stays below 2^258 for `reduce`), reduced.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn mul_small(&self, c: u64) -> F8 {
        debug_assert!(c <= 10);
        let cv = _mm512_set1_epi64(c as i64);
        let mut t = self.0;
        for j in 0..5 {
            t[j] = _mm512_mullo_epi64(t[j], cv);
        }
        F8(normalise(t)).reduce()
    }

    /// −a as 2q − a (a < 2q), reduced: the negation, kept non-negative.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn neg(&self) -> F8 {
        let q2 = splat(&Q2);
        let mut t = [_mm512_setzero_si512(); 5];
        for j in 0..5 {
            t[j] = _mm512_sub_epi64(q2[j], self.0[j]);
        }
        F8(normalise(t)).reduce()
    }

    /// Lanes whose value is ≡ 0 (mod q), for a value < 2q.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn is_zero(&self) -> __mmask8 {
        let q = splat(&Q);
        let mut zero: __mmask8 = 0xff;
        let mut is_q: __mmask8 = 0xff;
        for j in 0..5 {
            zero &= _mm512_cmpeq_epi64_mask(self.0[j], _mm512_setzero_si512());
            is_q &= _mm512_cmpeq_epi64_mask(self.0[j], q[j]);
        }
        zero | is_q
    }

    /// Lane-wise `if mask { b } else { a }`.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn select(mask: __mmask8, a: &F8, b: &F8) -> F8 {
        let mut t = a.0;
        for j in 0..5 {
            t[j] = _mm512_mask_blend_epi64(mask, a.0[j], b.0[j]);
        }
        F8(t)
    }

    /// Lane j reads the element at u64 offset `idx[j] + 5·0 … 5·4` limbs of `base`: the table of
    /// lane j's own point, stored as 52-bit limb rows (see `simd::ladder`).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn gather(base: *const u64, idx: __m512i) -> F8 {
        let mut t = [_mm512_setzero_si512(); 5];
        for j in 0..5 {
            let at = _mm512_add_epi64(idx, _mm512_set1_epi64(j as i64));
            t[j] = _mm512_i64gather_epi64::<8>(at, base as *const i64);
        }
        F8(t)
    }

    /// Lanes in `mask` write their limbs at u64 offset `idx[j] + 0 … 4` of `base` (the inverse of
    /// `gather`; the offsets of the written lanes must not overlap).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn scatter(&self, base: *mut u64, idx: __m512i, mask: __mmask8) {
        for j in 0..5 {
            let at = _mm512_add_epi64(idx, _mm512_set1_epi64(j as i64));
            _mm512_mask_i64scatter_epi64::<8>(base as *mut _, mask, at, self.0[j]);
        }
    }

    /// Write lane values as arkworks field elements (fully reduced).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn store(&self) -> [Fq; 8] {
        let mut limbs = [[0u64; 8]; 5];
        for (k, row) in limbs.iter_mut().enumerate() {
            unsafe { _mm512_storeu_si512(row.as_mut_ptr() as *mut _, self.0[k]) };
        }
        core::array::from_fn(|lane| from_limbs(&[limbs[0][lane], limbs[1][lane], limbs[2][lane], limbs[3][lane], limbs[4][lane]]))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn load(v: &[Fq; 8]) -> F8 {
        let mut limbs = [[0u64; 8]; 5];
        for (lane, x) in v.iter().enumerate() {
            let l = to_limbs(x);
            for k in 0..5 {
                limbs[k][lane] = l[k];
            }
        }
        F8(limbs.map(|row| unsafe { _mm512_loadu_si512(row.as_ptr() as *const _) }))
    }
}

/// An arkworks element as our 52-bit Montgomery limbs (a·2^260 mod q, fully reduced).
#[inline]
pub fn to_limbs(x: &Fq) -> [u64; 5] {
    // arkworks stores a·2^256 mod q; 16x is then stored as a·2^260 mod q
    let y = x.double().double().double().double();
    split52(&y.0 .0)
}

/// Our limbs (normalised, value < 2^256) back to an arkworks element.
#[inline]
pub fn from_limbs(l: &[u64; 5]) -> Fq {
    let mut v = BigInt::new(join52(l));
    while v >= Fq::MODULUS {
        v.sub_with_borrow(&Fq::MODULUS);
    }
    Fq::new_unchecked(v) * inv16()
}

fn inv16() -> Fq {
    use std::sync::OnceLock;
    static I: OnceLock<Fq> = OnceLock::new();
    *I.get_or_init(|| Fq::from(16u64).inverse().expect("16 is invertible"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{UniformRand, Zero};
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    fn cases(rng: &mut StdRng) -> Vec<[Fq; 8]> {
        let edge = [Fq::zero(), Fq::from(1u64), -Fq::from(1u64), -Fq::from(2u64), Fq::from(2u64), Fq::from(1u64 << 52), -Fq::from(1u64 << 52), Fq::from(3u64)];
        let mut v = vec![edge];
        for _ in 0..200 {
            v.push(core::array::from_fn(|_| Fq::rand(rng)));
        }
        v
    }

    #[test]
    fn arithmetic_matches_arkworks() {
        if !crate::simd::enabled() {
            eprintln!("AVX-512 IFMA not available: skipped");
            return;
        }
        let mut rng = StdRng::seed_from_u64(11);
        let all = cases(&mut rng);
        for w in all.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            unsafe {
                let (fa, fb) = (F8::load(a), F8::load(b));
                let m = fa.mul(&fb).store();
                let s = fa.add(&fb).store();
                let d = fa.sub(&fb).store();
                let n = fa.neg().store();
                let x3 = fa.mul_small(3).store();
                let x8 = fa.mul_small(8).store();
                let sq = fa.square().store();
                let z = fa.sub(&fa).is_zero();
                let nz = fa.is_zero();
                // chained and mixed unreduced inputs stay correct
                let chain = fa.add_nr(&fb).mul(&fb.sub_nr(&fa)).mul(&fa.mul(&fb)).store();
                for i in 0..8 {
                    assert_eq!(m[i], a[i] * b[i]);
                    assert_eq!(s[i], a[i] + b[i]);
                    assert_eq!(d[i], a[i] - b[i]);
                    assert_eq!(n[i], -a[i]);
                    assert_eq!(x3[i], a[i] * Fq::from(3u64));
                    assert_eq!(x8[i], a[i] * Fq::from(8u64));
                    assert_eq!(sq[i], a[i].square());
                    assert_eq!(chain[i], (a[i] + b[i]) * (b[i] - a[i]) * (a[i] * b[i]));
                    assert!(z & (1 << i) != 0);
                    assert_eq!(nz & (1 << i) != 0, a[i].is_zero());
                }
            }
        }
    }

    #[test]
    fn long_chains_stay_reduced() {
        if !crate::simd::enabled() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(12);
        let a: [Fq; 8] = core::array::from_fn(|_| Fq::rand(&mut rng));
        let b: [Fq; 8] = core::array::from_fn(|_| Fq::rand(&mut rng));
        unsafe {
            let (mut x, fb) = (F8::load(&a), F8::load(&b));
            let mut want = a;
            for _ in 0..2000 {
                x = x.mul(&fb).sub(&fb).double().add(&x.neg());
                for i in 0..8 {
                    want[i] = ((want[i] * b[i]) - b[i]).double() - want[i];
                }
            }
            assert_eq!(x.store(), want);
            assert_eq!(F8::one().store(), [Fq::from(1u64); 8]);
        }
    }
}
