//! Jacobian point formulas on eight lanes (short Weierstrass, a = 0: BN254's G1 and G2), generic
//! over the lane field (`F8` for G1, `F2x8` for G2).
//!
//! Points are (X, Y, Z) with x = X/Z², y = Y/Z³, as arkworks' `Projective`, so a lane converts
//! to arkworks without any arithmetic. The mixed addition reports the lanes where it hit an
//! exceptional case (the two inputs share x: doubling or opposite points); the ladder recomputes
//! those lanes on the portable path instead of paying for complete formulas on every lane.

use core::arch::x86_64::__mmask8;

use super::fq2x8::F2x8;
use super::fq8::F8;

/// The operations the formulas need, with `fq8`'s contract (normalised, < 2q).
pub trait LaneField: Copy {
    unsafe fn one() -> Self;
    unsafe fn mul(&self, b: &Self) -> Self;
    unsafe fn square(&self) -> Self;
    unsafe fn add(&self, b: &Self) -> Self;
    unsafe fn sub(&self, b: &Self) -> Self;
    unsafe fn double(&self) -> Self;
    unsafe fn mul_small(&self, c: u64) -> Self;
    unsafe fn neg(&self) -> Self;
    unsafe fn is_zero(&self) -> __mmask8;
    unsafe fn select(mask: __mmask8, a: &Self, b: &Self) -> Self;
    unsafe fn gather(base: *const u64, idx: core::arch::x86_64::__m512i) -> Self;
    unsafe fn scatter(&self, base: *mut u64, idx: core::arch::x86_64::__m512i, mask: __mmask8);
}

macro_rules! lane_field {
    ($t:ty) => {
        impl LaneField for $t {
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn one() -> Self {
                <$t>::one()
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn mul(&self, b: &Self) -> Self {
                <$t>::mul(self, b)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn square(&self) -> Self {
                <$t>::square(self)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn add(&self, b: &Self) -> Self {
                <$t>::add(self, b)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn sub(&self, b: &Self) -> Self {
                <$t>::sub(self, b)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn double(&self) -> Self {
                <$t>::double(self)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn mul_small(&self, c: u64) -> Self {
                <$t>::mul_small(self, c)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn neg(&self) -> Self {
                <$t>::neg(self)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn is_zero(&self) -> __mmask8 {
                <$t>::is_zero(self)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn select(mask: __mmask8, a: &Self, b: &Self) -> Self {
                <$t>::select(mask, a, b)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn gather(base: *const u64, idx: core::arch::x86_64::__m512i) -> Self {
                <$t>::gather(base, idx)
            }
            #[inline]
            #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
            unsafe fn scatter(&self, base: *mut u64, idx: core::arch::x86_64::__m512i, mask: __mmask8) {
                <$t>::scatter(self, base, idx, mask)
            }
        }
    };
}

lane_field!(F8);
lane_field!(F2x8);

/// Eight Jacobian points.
#[derive(Clone, Copy)]
pub struct Jac<F: LaneField> {
    pub x: F,
    pub y: F,
    pub z: F,
}

impl<F: LaneField> Jac<F> {
    /// 2·P (dbl-2009-l with D = 4·X·Y²): 3 products and 4 squarings. A lane at infinity (Z = 0)
    /// stays at Z = 0; the ladder tracks infinity with a mask anyway.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn double(&self) -> Self {
        let a = self.x.square();
        let b = self.y.square();
        let c = b.square();
        let d = self.x.mul(&b).mul_small(4);
        let e = a.mul_small(3);
        let f = e.square();
        let x3 = f.sub(&d.double());
        let y3 = e.mul(&d.sub(&x3)).sub(&c.mul_small(8));
        let z3 = self.y.mul(&self.z).double();
        Jac { x: x3, y: y3, z: z3 }
    }

    /// P + (x2, y2) for an affine second operand (madd-2007-bl with Z3 = 2·Z1·H): 8 products and
    /// 3 squarings. Returns the sum and the lanes where H = 0 (same x: the formula is invalid).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn add_affine(&self, x2: &F, y2: &F) -> (Self, __mmask8) {
        let z1z1 = self.z.square();
        let u2 = x2.mul(&z1z1);
        let s2 = y2.mul(&self.z.mul(&z1z1));
        let h = u2.sub(&self.x);
        let hh = h.square();
        let i = hh.mul_small(4);
        let j = h.mul(&i);
        let rr = s2.sub(&self.y).double();
        let v = self.x.mul(&i);
        let x3 = rr.square().sub(&j).sub(&v.double());
        let y3 = rr.mul(&v.sub(&x3)).sub(&self.y.mul(&j).double());
        let z3 = self.z.mul(&h).double();
        (Jac { x: x3, y: y3, z: z3 }, h.is_zero())
    }

    /// P + Q for two Jacobian operands (add-2007-bl with Z3 = 2·Z1·Z2·H): 12 products and 4
    /// squarings. Returns the sum and the lanes where H = 0 (equal x: the formula is invalid).
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn add(&self, o: &Self) -> (Self, __mmask8) {
        let z1z1 = self.z.square();
        let z2z2 = o.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = o.x.mul(&z1z1);
        let s1 = self.y.mul(&o.z.mul(&z2z2));
        let s2 = o.y.mul(&self.z.mul(&z1z1));
        let h = u2.sub(&u1);
        let i = h.double().square();
        let j = h.mul(&i);
        let rr = s2.sub(&s1).double();
        let v = u1.mul(&i);
        let x3 = rr.square().sub(&j).sub(&v.double());
        let y3 = rr.mul(&v.sub(&x3)).sub(&s1.mul(&j).double());
        let z3 = self.z.mul(&o.z).mul(&h).double();
        (Jac { x: x3, y: y3, z: z3 }, h.is_zero())
    }

    /// self += (x, y) in the lanes of `mask`; a lane still at infinity (its bit in `inf`) takes
    /// the point itself and leaves `inf`. Returns the lanes that met an exceptional addition.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn add_affine_where(&mut self, inf: &mut __mmask8, mask: __mmask8, x: &F, y: &F) -> __mmask8 {
        let mut bad = 0;
        let upd = mask & !*inf;
        if upd != 0 {
            let (sum, h_zero) = self.add_affine(x, y);
            bad = upd & h_zero;
            *self = Jac::select(upd, self, &sum);
        }
        let fresh = mask & *inf;
        if fresh != 0 {
            *self = Jac::select(fresh, self, &Jac { x: *x, y: *y, z: F::one() });
            *inf &= !mask;
        }
        bad
    }

    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
    pub unsafe fn select(mask: __mmask8, a: &Self, b: &Self) -> Self {
        Jac { x: F::select(mask, &a.x, &b.x), y: F::select(mask, &a.y, &b.y), z: F::select(mask, &a.z, &b.z) }
    }
}
