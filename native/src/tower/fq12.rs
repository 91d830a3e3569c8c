//! Fq12 = Fq6[w]/(w² − v) on the branch-free Fq6 (`fq6`): the pairing's target field, for the
//! Miller loop's accumulator and the final exponentiation. Same layout as arkworks' `Fq12`
//! (c0 + c1·w); the tests compare every operation with arkworks'.

use ark_bn254::{Fq12, Fq2, Fq6};

use super::{fq2, fq6};

/// Karatsuba over Fq6: three Fq6 products.
#[inline]
pub fn mul(a: &Fq12, b: &Fq12) -> Fq12 {
    let v0 = fq6::mul(&a.c0, &b.c0);
    let v1 = fq6::mul(&a.c1, &b.c1);
    let s = fq6::mul(&fq6::add(&a.c0, &a.c1), &fq6::add(&b.c0, &b.c1));
    Fq12::new(fq6::add(&v0, &fq6::mul_by_nonresidue(&v1)), fq6::sub(&fq6::sub(&s, &v0), &v1))
}

/// Complex squaring: two Fq6 products.
#[inline]
pub fn square(a: &Fq12) -> Fq12 {
    let v0 = fq6::mul(&a.c0, &a.c1);
    let t = fq6::mul(&fq6::add(&a.c0, &a.c1), &fq6::add(&a.c0, &fq6::mul_by_nonresidue(&a.c1)));
    let c0 = fq6::sub(&fq6::sub(&t, &v0), &fq6::mul_by_nonresidue(&v0));
    Fq12::new(c0, fq6::double(&v0))
}

/// The inverse of an element of the cyclotomic subgroup: its conjugate.
#[inline]
pub fn conjugate(a: &Fq12) -> Fq12 {
    Fq12::new(a.c0, fq6::neg(&a.c1))
}

/// (z0 + z1·y)² for one Fq4 = Fq2[y]/(y² − ξ) component of the cyclotomic squaring.
#[inline(always)]
fn fq4_square(z0: &Fq2, z1: &Fq2) -> (Fq2, Fq2) {
    let t = fq2::mul(z0, z1);
    let s = fq2::mul(&fq2::add(z0, z1), &fq2::add(&fq2::mul_by_nonresidue(z1), z0));
    (fq2::sub(&fq2::sub(&s, &t), &fq2::mul_by_nonresidue(&t)), fq2::double(&t))
}

/// 3·t − 2·z
#[inline(always)]
fn three_minus_two(t: &Fq2, z: &Fq2) -> Fq2 {
    fq2::add(&fq2::double(&fq2::sub(t, z)), t)
}

/// 3·t + 2·z
#[inline(always)]
fn three_plus_two(t: &Fq2, z: &Fq2) -> Fq2 {
    fq2::add(&fq2::double(&fq2::add(t, z)), t)
}

/// Squaring in the cyclotomic subgroup (Granger–Scott): three Fq4 squarings, 6 Fq2 products.
/// Only right for elements of that subgroup (after the final exponentiation's easy part).
#[inline]
pub fn cyclotomic_square(a: &Fq12) -> Fq12 {
    // arkworks' naming of the six coefficients
    let (r0, r4, r3) = (&a.c0.c0, &a.c0.c1, &a.c0.c2);
    let (r2, r1, r5) = (&a.c1.c0, &a.c1.c1, &a.c1.c2);
    let (t0, t1) = fq4_square(r0, r1);
    let (t2, t3) = fq4_square(r2, r3);
    let (t4, t5) = fq4_square(r4, r5);
    let z0 = three_minus_two(&t0, r0);
    let z1 = three_plus_two(&t1, r1);
    let z2 = three_plus_two(&fq2::mul_by_nonresidue(&t5), r2);
    let z3 = three_minus_two(&t4, r3);
    let z4 = three_minus_two(&t2, r4);
    let z5 = three_plus_two(&t3, r5);
    Fq12::new(Fq6::new(z0, z4, z3), Fq6::new(z2, z1, z5))
}

/// a·(c0 + (c3 + c4·v)·w), a line of the D-type twist: 13 Fq2 products.
#[inline]
pub fn mul_by_034(a: &Fq12, c0: &Fq2, c3: &Fq2, c4: &Fq2) -> Fq12 {
    let x = fq6::mul_by_fq2(&a.c0, c0);
    let y = fq6::mul_by_01(&a.c1, c3, c4);
    let e = fq6::mul_by_01(&fq6::add(&a.c0, &a.c1), &fq2::add(c0, c3), c4);
    Fq12::new(fq6::add(&fq6::mul_by_nonresidue(&y), &x), fq6::sub(&fq6::sub(&e, &x), &y))
}

/// a·(n0 + (n3 + n4·v)·w) for a full n0 (the product of two lines): 17 Fq2 products.
#[inline]
pub fn mul_by_line_pair(a: &Fq12, n0: &Fq6, n3: &Fq2, n4: &Fq2) -> Fq12 {
    let x = fq6::mul(&a.c0, n0);
    let y = fq6::mul_by_01(&a.c1, n3, n4);
    let e = fq6::mul(&fq6::add(&a.c0, &a.c1), &Fq6::new(fq2::add(&n0.c0, n3), fq2::add(&n0.c1, n4), n0.c2));
    Fq12::new(fq6::add(&x, &fq6::mul_by_nonresidue(&y)), fq6::sub(&fq6::sub(&e, &x), &y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::Bn254;
    use ark_ec::pairing::Pairing;
    use ark_ff::{AdditiveGroup, CyclotomicMultSubgroup, Field, One, UniformRand};
    use ark_std::rand::SeedableRng;

    #[test]
    fn every_operation_equals_arkworks() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(17);
        let mut values: Vec<Fq12> = (0..24).map(|_| Fq12::rand(&mut rng)).collect();
        values.push(Fq12::one());
        let (c0, c3, c4) = (Fq2::rand(&mut rng), Fq2::rand(&mut rng), Fq2::rand(&mut rng));
        let n0 = Fq6::rand(&mut rng);
        for a in &values {
            assert_eq!(square(a), a.square());
            assert_eq!(conjugate(a), { let mut x = *a; x.conjugate_in_place(); x });
            assert_eq!(mul_by_034(a, &c0, &c3, &c4), { let mut x = *a; x.mul_by_034(&c0, &c3, &c4); x });
            let pair = Fq12::new(n0, Fq6::new(c3, c4, Fq2::ZERO));
            assert_eq!(mul_by_line_pair(a, &n0, &c3, &c4), *a * pair);
            for b in values.iter().step_by(3) {
                assert_eq!(mul(a, b), *a * b);
            }
        }
    }

    #[test]
    fn cyclotomic_square_equals_arkworks_in_the_subgroup() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(19);
        for _ in 0..8 {
            let g = Bn254::pairing(ark_bn254::G1Projective::rand(&mut rng), ark_bn254::G2Projective::rand(&mut rng)).0;
            assert_eq!(cyclotomic_square(&g), { let mut x = g; x.cyclotomic_square_in_place(); x });
            assert_eq!(cyclotomic_square(&g), g.square());
        }
    }
}
