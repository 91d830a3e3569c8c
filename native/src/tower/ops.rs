//! One interface over the tower's branch-free Fq and Fq2, so the curve code (`curve`) and the
//! generic MSM serve G1 (over Fq) and G2 (over Fq2) with the same source.

use ark_bn254::{Fq, Fq2};
use ark_ff::Field;

use super::{fq, fq2};

/// A base field of a BN254 curve with the tower's arithmetic.
pub trait TowerField: Field {
    fn t_add(a: &Self, b: &Self) -> Self;
    fn t_sub(a: &Self, b: &Self) -> Self;
    fn t_double(a: &Self) -> Self;
    fn t_neg(a: &Self) -> Self;
    fn t_mul(a: &Self, b: &Self) -> Self;
    fn t_square(a: &Self) -> Self;
}

impl TowerField for Fq {
    #[inline(always)]
    fn t_add(a: &Self, b: &Self) -> Self {
        fq::add(a, b)
    }
    #[inline(always)]
    fn t_sub(a: &Self, b: &Self) -> Self {
        fq::sub(a, b)
    }
    #[inline(always)]
    fn t_double(a: &Self) -> Self {
        fq::double(a)
    }
    #[inline(always)]
    fn t_neg(a: &Self) -> Self {
        fq::neg(a)
    }
    #[inline(always)]
    fn t_mul(a: &Self, b: &Self) -> Self {
        fq::mul(a, b)
    }
    #[inline(always)]
    fn t_square(a: &Self) -> Self {
        fq::square(a)
    }
}

impl TowerField for Fq2 {
    #[inline(always)]
    fn t_add(a: &Self, b: &Self) -> Self {
        fq2::add(a, b)
    }
    #[inline(always)]
    fn t_sub(a: &Self, b: &Self) -> Self {
        fq2::sub(a, b)
    }
    #[inline(always)]
    fn t_double(a: &Self) -> Self {
        fq2::double(a)
    }
    #[inline(always)]
    fn t_neg(a: &Self) -> Self {
        fq2::neg(a)
    }
    #[inline(always)]
    fn t_mul(a: &Self, b: &Self) -> Self {
        fq2::mul(a, b)
    }
    #[inline(always)]
    fn t_square(a: &Self) -> Self {
        fq2::square(a)
    }
}
