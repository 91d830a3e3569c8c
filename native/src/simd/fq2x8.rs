//! Eight lanes of Fq2 = Fq[u]/(u² + 1) (the field of BN254's G2 coordinates) over `F8`.
//!
//! Same contract as `fq8`: results are normalised and < 2q per component. Products use
//! Karatsuba (three base products); the sums fed to them are left unreduced (< 4q), which the
//! Montgomery product accepts.

use core::arch::x86_64::*;

use ark_bn254::{Fq, Fq2};

use super::fq8::F8;

#[derive(Clone, Copy)]
pub struct F2x8 {
    pub c0: F8,
    pub c1: F8,
}

impl F2x8 {
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn one() -> Self {
        F2x8 { c0: F8::one(), c1: F8::zero() }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn mul(&self, b: &F2x8) -> F2x8 {
        let v0 = self.c0.mul(&b.c0);
        let v1 = self.c1.mul(&b.c1);
        let s = self.c0.add_nr(&self.c1).mul(&b.c0.add_nr(&b.c1));
        F2x8 { c0: v0.sub(&v1), c1: s.sub_nr(&v0).sub(&v1) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn square(&self) -> F2x8 {
        // (a + bu)² = (a + b)(a − b) + 2ab·u
        let c0 = self.c0.add_nr(&self.c1).mul(&self.c0.sub_nr(&self.c1));
        let ab = self.c0.mul(&self.c1);
        F2x8 { c0, c1: ab.double() }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn add(&self, b: &F2x8) -> F2x8 {
        F2x8 { c0: self.c0.add(&b.c0), c1: self.c1.add(&b.c1) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn sub(&self, b: &F2x8) -> F2x8 {
        F2x8 { c0: self.c0.sub(&b.c0), c1: self.c1.sub(&b.c1) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn double(&self) -> F2x8 {
        F2x8 { c0: self.c0.double(), c1: self.c1.double() }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn mul_small(&self, c: u64) -> F2x8 {
        F2x8 { c0: self.c0.mul_small(c), c1: self.c1.mul_small(c) }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn neg(&self) -> F2x8 {
        F2x8 { c0: self.c0.neg(), c1: self.c1.neg() }
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn is_zero(&self) -> __mmask8 {
        self.c0.is_zero() & self.c1.is_zero()
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn select(mask: __mmask8, a: &F2x8, b: &F2x8) -> F2x8 {
        F2x8 { c0: F8::select(mask, &a.c0, &b.c0), c1: F8::select(mask, &a.c1, &b.c1) }
    }

    /// Lane j reads c0 at u64 offset idx[j] and c1 five limbs further.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn gather(base: *const u64, idx: __m512i) -> F2x8 {
        let c0 = F8::gather(base, idx);
        let c1 = F8::gather(base, _mm512_add_epi64(idx, _mm512_set1_epi64(5)));
        F2x8 { c0, c1 }
    }

    /// Lanes in `mask` write c0 at offset idx[j] and c1 five limbs further.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn scatter(&self, base: *mut u64, idx: __m512i, mask: __mmask8) {
        self.c0.scatter(base, idx, mask);
        self.c1.scatter(base, _mm512_add_epi64(idx, _mm512_set1_epi64(5)), mask);
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn store(&self) -> [Fq2; 8] {
        let (a, b) = (self.c0.store(), self.c1.store());
        core::array::from_fn(|i| Fq2::new(a[i], b[i]))
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub fn load(v: &[Fq2; 8]) -> F2x8 {
        let c0: [Fq; 8] = core::array::from_fn(|i| v[i].c0);
        let c1: [Fq; 8] = core::array::from_fn(|i| v[i].c1);
        F2x8 { c0: F8::load(&c0), c1: F8::load(&c1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{AdditiveGroup, Field, UniformRand, Zero};
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn arithmetic_matches_arkworks() {
        if !crate::simd::enabled() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(21);
        for round in 0..100 {
            let mut a: [Fq2; 8] = core::array::from_fn(|_| Fq2::rand(&mut rng));
            let b: [Fq2; 8] = core::array::from_fn(|_| Fq2::rand(&mut rng));
            if round == 0 {
                a[0] = Fq2::zero();
                a[1] = Fq2::ONE;
                a[2] = -Fq2::ONE;
                a[3] = Fq2::new(Fq::zero(), -Fq::ONE);
            }
            unsafe {
                let (fa, fb) = (F2x8::load(&a), F2x8::load(&b));
                let (m, s, d, sq, n) = (fa.mul(&fb).store(), fa.add(&fb).store(), fa.sub(&fb).store(), fa.square().store(), fa.neg().store());
                let (x3, dd, z) = (fa.mul_small(3).store(), fa.double().store(), fa.is_zero());
                for i in 0..8 {
                    assert_eq!(m[i], a[i] * b[i]);
                    assert_eq!(s[i], a[i] + b[i]);
                    assert_eq!(d[i], a[i] - b[i]);
                    assert_eq!(sq[i], a[i].square());
                    assert_eq!(n[i], -a[i]);
                    assert_eq!(x3[i], a[i] * Fq2::from(3u64));
                    assert_eq!(dd[i], a[i].double());
                    assert_eq!(z & (1 << i) != 0, a[i].is_zero());
                }
            }
        }
    }
}
