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
    /// Every element replaced by its inverse (all non-zero), sharing one inversion.
    fn t_batch_invert(values: &mut [Self], scratch: &mut BatchInvertScratch);
}

/// Scratch space of `TowerField::t_batch_invert`, kept by the caller between batches.
#[derive(Default)]
pub struct BatchInvertScratch {
    norms: Vec<Fq>,
    prefix: Vec<Fq>,
}

/// The trait's methods forwarded to one tower module's functions (the batch inversion's scratch
/// use differs between the fields, so it is given).
macro_rules! tower_field {
    ($field:ty, $module:ident, |$values:ident, $scratch:ident| $invert:expr) => {
        impl TowerField for $field {
            #[inline(always)]
            fn t_add(a: &Self, b: &Self) -> Self {
                $module::add(a, b)
            }
            #[inline(always)]
            fn t_sub(a: &Self, b: &Self) -> Self {
                $module::sub(a, b)
            }
            #[inline(always)]
            fn t_double(a: &Self) -> Self {
                $module::double(a)
            }
            #[inline(always)]
            fn t_neg(a: &Self) -> Self {
                $module::neg(a)
            }
            #[inline(always)]
            fn t_mul(a: &Self, b: &Self) -> Self {
                $module::mul(a, b)
            }
            #[inline(always)]
            fn t_square(a: &Self) -> Self {
                $module::square(a)
            }
            #[inline(always)]
            fn t_batch_invert($values: &mut [Self], $scratch: &mut BatchInvertScratch) {
                $invert
            }
        }
    };
}

tower_field!(Fq, fq, |values, scratch| fq::batch_invert(values, &mut scratch.prefix));
tower_field!(Fq2, fq2, |values, scratch| fq2::batch_invert(values, &mut scratch.norms, &mut scratch.prefix));
