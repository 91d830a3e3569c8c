//! Fq6 = Fq2[v]/(v³ − ξ), ξ = 9 + u, on the branch-free Fq2 (`fq2`). Same layout as arkworks'
//! `Fq6` (c0 + c1·v + c2·v²); the tests compare every operation with arkworks'.

use ark_bn254::{Fq2, Fq6};

use super::fq2;

#[inline(always)]
pub fn add(a: &Fq6, b: &Fq6) -> Fq6 {
    Fq6::new(fq2::add(&a.c0, &b.c0), fq2::add(&a.c1, &b.c1), fq2::add(&a.c2, &b.c2))
}

#[inline(always)]
pub fn sub(a: &Fq6, b: &Fq6) -> Fq6 {
    Fq6::new(fq2::sub(&a.c0, &b.c0), fq2::sub(&a.c1, &b.c1), fq2::sub(&a.c2, &b.c2))
}

#[inline(always)]
pub fn double(a: &Fq6) -> Fq6 {
    Fq6::new(fq2::double(&a.c0), fq2::double(&a.c1), fq2::double(&a.c2))
}

#[inline(always)]
pub fn neg(a: &Fq6) -> Fq6 {
    Fq6::new(fq2::neg(&a.c0), fq2::neg(&a.c1), fq2::neg(&a.c2))
}

/// a·v: (ξ·c2, c0, c1), Fq12's non-residue.
#[inline(always)]
pub fn mul_by_nonresidue(a: &Fq6) -> Fq6 {
    Fq6::new(fq2::mul_by_nonresidue(&a.c2), a.c0, a.c1)
}

/// Karatsuba over Fq2: six Fq2 products.
#[inline(always)]
pub fn mul(a: &Fq6, b: &Fq6) -> Fq6 {
    let v0 = fq2::mul(&a.c0, &b.c0);
    let v1 = fq2::mul(&a.c1, &b.c1);
    let v2 = fq2::mul(&a.c2, &b.c2);
    let t12 = fq2::mul(&fq2::add(&a.c1, &a.c2), &fq2::add(&b.c1, &b.c2));
    let t01 = fq2::mul(&fq2::add(&a.c0, &a.c1), &fq2::add(&b.c0, &b.c1));
    let t02 = fq2::mul(&fq2::add(&a.c0, &a.c2), &fq2::add(&b.c0, &b.c2));
    let c0 = fq2::add(&fq2::mul_by_nonresidue(&fq2::sub(&fq2::sub(&t12, &v1), &v2)), &v0);
    let c1 = fq2::add(&fq2::sub(&fq2::sub(&t01, &v0), &v1), &fq2::mul_by_nonresidue(&v2));
    let c2 = fq2::add(&fq2::sub(&fq2::sub(&t02, &v0), &v2), &v1);
    Fq6::new(c0, c1, c2)
}

/// Chung–Hasan SQR2: two Fq2 products and three squares.
#[inline(always)]
pub fn square(a: &Fq6) -> Fq6 {
    let s0 = fq2::square(&a.c0);
    let s1 = fq2::double(&fq2::mul(&a.c0, &a.c1));
    let s2 = fq2::square(&fq2::add(&fq2::sub(&a.c0, &a.c1), &a.c2));
    let s3 = fq2::double(&fq2::mul(&a.c1, &a.c2));
    let s4 = fq2::square(&a.c2);
    let c0 = fq2::add(&fq2::mul_by_nonresidue(&s3), &s0);
    let c1 = fq2::add(&fq2::mul_by_nonresidue(&s4), &s1);
    let c2 = fq2::sub(&fq2::sub(&fq2::add(&fq2::add(&s1, &s2), &s3), &s0), &s4);
    Fq6::new(c0, c1, c2)
}

/// a·(b0 + b1·v): five Fq2 products.
#[inline(always)]
pub fn mul_by_01(a: &Fq6, b0: &Fq2, b1: &Fq2) -> Fq6 {
    let v0 = fq2::mul(&a.c0, b0);
    let v1 = fq2::mul(&a.c1, b1);
    let t1 = fq2::mul(&fq2::add(&a.c1, &a.c2), b1);
    let c0 = fq2::add(&fq2::mul_by_nonresidue(&fq2::sub(&t1, &v1)), &v0);
    let t01 = fq2::mul(&fq2::add(&a.c0, &a.c1), &fq2::add(b0, b1));
    let c1 = fq2::sub(&fq2::sub(&t01, &v0), &v1);
    let t02 = fq2::mul(&fq2::add(&a.c0, &a.c2), b0);
    let c2 = fq2::add(&fq2::sub(&t02, &v0), &v1);
    Fq6::new(c0, c1, c2)
}

/// a·b0 for b0 in Fq2: three Fq2 products.
#[inline(always)]
pub fn mul_by_fq2(a: &Fq6, b0: &Fq2) -> Fq6 {
    Fq6::new(fq2::mul(&a.c0, b0), fq2::mul(&a.c1, b0), fq2::mul(&a.c2, b0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Fq12Config;
    use ark_ff::fields::Fp12Config;
    use ark_ff::{AdditiveGroup, Field, One, UniformRand, Zero};
    use ark_std::rand::SeedableRng;

    #[test]
    fn every_operation_equals_arkworks() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(13);
        let mut values: Vec<Fq6> = (0..40).map(|_| Fq6::rand(&mut rng)).collect();
        values.extend([Fq6::zero(), Fq6::one(), -Fq6::one()]);
        let (b0, b1) = (Fq2::rand(&mut rng), Fq2::rand(&mut rng));
        for a in &values {
            assert_eq!(square(a), a.square());
            assert_eq!(double(a), a.double());
            assert_eq!(neg(a), -*a);
            assert_eq!(mul_by_nonresidue(a), { let mut x = *a; Fq12Config::mul_fp6_by_nonresidue_in_place(&mut x); x });
            assert_eq!(mul_by_01(a, &b0, &b1), { let mut x = *a; x.mul_by_01(&b0, &b1); x });
            assert_eq!(mul_by_fq2(a, &b0), *a * Fq6::new(b0, Fq2::ZERO, Fq2::ZERO));
            for b in values.iter().step_by(3) {
                assert_eq!(mul(a, b), *a * b);
                assert_eq!(add(a, b), *a + b);
                assert_eq!(sub(a, b), *a - b);
            }
        }
    }
}
