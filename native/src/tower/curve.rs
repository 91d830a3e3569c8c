//! Jacobian point arithmetic for BN254's G1 and G2 (y² = x³ + b, a = 0) on the tower's
//! branch-free fields, in arkworks' `Projective` representation (x = X/Z², y = Y/Z³, Z = 0 for
//! the identity), so results compare equal to arkworks' and mix with them.
//!
//! Why: arkworks' G2 doubling took 661 ns here against gnark's 408, and the same formula on the
//! tower's Fq2 takes about 500 (`examples/tower_ops.rs`): the difference is the field arithmetic
//! underneath (see `fq.rs`). The MSM's bucket overflow and window sums, the GLV ladders and the
//! seed multiplication of the G2 subgroup test run these formulas millions of times.
//! Formulas: dbl-2009-l, madd-2007-bl and add-2007-bl (Explicit-Formulas Database, a = 0).

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ff::{One, Zero};

use super::ops::TowerField;

/// 2·P.
#[inline]
pub fn double<P: SWCurveConfig>(p: &Projective<P>) -> Projective<P>
where
    P::BaseField: TowerField,
{
    debug_assert!(P::COEFF_A.is_zero());
    type F<P> = <P as ark_ec::CurveConfig>::BaseField;
    if p.z.is_zero() {
        return *p;
    }
    let a = F::<P>::t_square(&p.x);
    let b = F::<P>::t_square(&p.y);
    let c = F::<P>::t_square(&b);
    let xb = F::<P>::t_add(&p.x, &b);
    let d = F::<P>::t_double(&F::<P>::t_sub(&F::<P>::t_sub(&F::<P>::t_square(&xb), &a), &c));
    let e = F::<P>::t_add(&F::<P>::t_double(&a), &a);
    let f = F::<P>::t_square(&e);
    let z3 = F::<P>::t_double(&F::<P>::t_mul(&p.y, &p.z));
    let x3 = F::<P>::t_sub(&f, &F::<P>::t_double(&d));
    let c8 = F::<P>::t_double(&F::<P>::t_double(&F::<P>::t_double(&c)));
    let y3 = F::<P>::t_sub(&F::<P>::t_mul(&e, &F::<P>::t_sub(&d, &x3)), &c8);
    Projective::new_unchecked(x3, y3, z3)
}

/// P + Q for an affine Q.
#[inline]
pub fn add_mixed<P: SWCurveConfig>(p: &Projective<P>, q: &Affine<P>) -> Projective<P>
where
    P::BaseField: TowerField,
{
    type F<P> = <P as ark_ec::CurveConfig>::BaseField;
    if q.infinity {
        return *p;
    }
    if p.z.is_zero() {
        return Projective::new_unchecked(q.x, q.y, F::<P>::one());
    }
    let z1z1 = F::<P>::t_square(&p.z);
    let u2 = F::<P>::t_mul(&q.x, &z1z1);
    let s2 = F::<P>::t_mul(&q.y, &F::<P>::t_mul(&p.z, &z1z1));
    let h = F::<P>::t_sub(&u2, &p.x);
    let r = F::<P>::t_double(&F::<P>::t_sub(&s2, &p.y));
    if h.is_zero() {
        return if r.is_zero() { double(p) } else { Projective::zero() };
    }
    let hh = F::<P>::t_square(&h);
    let i = F::<P>::t_double(&F::<P>::t_double(&hh));
    let j = F::<P>::t_mul(&h, &i);
    let v = F::<P>::t_mul(&p.x, &i);
    let x3 = F::<P>::t_sub(&F::<P>::t_sub(&F::<P>::t_square(&r), &j), &F::<P>::t_double(&v));
    let y3 = F::<P>::t_sub(&F::<P>::t_mul(&r, &F::<P>::t_sub(&v, &x3)), &F::<P>::t_double(&F::<P>::t_mul(&p.y, &j)));
    let z3 = F::<P>::t_sub(&F::<P>::t_sub(&F::<P>::t_square(&F::<P>::t_add(&p.z, &h)), &z1z1), &hh);
    Projective::new_unchecked(x3, y3, z3)
}

/// P + Q.
#[inline]
pub fn add<P: SWCurveConfig>(p: &Projective<P>, q: &Projective<P>) -> Projective<P>
where
    P::BaseField: TowerField,
{
    type F<P> = <P as ark_ec::CurveConfig>::BaseField;
    if p.z.is_zero() {
        return *q;
    }
    if q.z.is_zero() {
        return *p;
    }
    let z1z1 = F::<P>::t_square(&p.z);
    let z2z2 = F::<P>::t_square(&q.z);
    let u1 = F::<P>::t_mul(&p.x, &z2z2);
    let u2 = F::<P>::t_mul(&q.x, &z1z1);
    let s1 = F::<P>::t_mul(&p.y, &F::<P>::t_mul(&q.z, &z2z2));
    let s2 = F::<P>::t_mul(&q.y, &F::<P>::t_mul(&p.z, &z1z1));
    let h = F::<P>::t_sub(&u2, &u1);
    let r = F::<P>::t_double(&F::<P>::t_sub(&s2, &s1));
    if h.is_zero() {
        return if r.is_zero() { double(p) } else { Projective::zero() };
    }
    let i = F::<P>::t_square(&F::<P>::t_double(&h));
    let j = F::<P>::t_mul(&h, &i);
    let v = F::<P>::t_mul(&u1, &i);
    let x3 = F::<P>::t_sub(&F::<P>::t_sub(&F::<P>::t_square(&r), &j), &F::<P>::t_double(&v));
    let y3 = F::<P>::t_sub(&F::<P>::t_mul(&r, &F::<P>::t_sub(&v, &x3)), &F::<P>::t_double(&F::<P>::t_mul(&s1, &j)));
    let zz = F::<P>::t_sub(&F::<P>::t_sub(&F::<P>::t_square(&F::<P>::t_add(&p.z, &q.z)), &z1z1), &z2z2);
    let z3 = F::<P>::t_mul(&zz, &h);
    Projective::new_unchecked(x3, y3, z3)
}

/// −Q for an affine Q, the conditional negation the signed-digit loops need.
#[inline]
pub fn neg_affine<P: SWCurveConfig>(q: &Affine<P>) -> Affine<P>
where
    P::BaseField: TowerField,
{
    if q.infinity {
        *q
    } else {
        Affine::new_unchecked(q.x, P::BaseField::t_neg(&q.y))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::{AdditiveGroup, CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    fn agree<P: SWCurveConfig>(points: &[Projective<P>])
    where
        P::BaseField: TowerField,
    {
        let zero = Projective::<P>::zero();
        for a in points {
            assert_eq!(double(a), a.double());
            let a_aff = a.into_affine();
            assert_eq!(neg_affine(&a_aff), -a_aff);
            for b in points {
                let b_aff = b.into_affine();
                assert_eq!(add(a, b), *a + b, "add");
                assert_eq!(add_mixed(a, &b_aff), *a + b_aff, "mixed add");
            }
            // the special cases: identity either side, P + P, P + (−P)
            assert_eq!(add(&zero, a), *a);
            assert_eq!(add(a, &zero), *a);
            assert_eq!(add_mixed(&zero, &a_aff), *a);
            assert_eq!(add_mixed(a, &Affine::<P>::identity()), *a);
            assert_eq!(add_mixed(a, &a_aff), a.double());
            assert!(add_mixed(a, &(-a_aff)).is_zero());
            assert!(add(a, &(-*a)).is_zero());
            assert_eq!(add(a, a), a.double());
        }
        assert!(double(&zero).is_zero());
    }

    #[test]
    fn g1_and_g2_formulas_equal_arkworks() {
        let mut rng = StdRng::seed_from_u64(23);
        let g1: Vec<G1Projective> = (0..12).map(|_| G1Projective::generator() * Fr::rand(&mut rng)).collect();
        let g2: Vec<G2Projective> = (0..12).map(|_| G2Projective::generator() * Fr::rand(&mut rng)).collect();
        agree(&g1);
        agree(&g2);
        // a point with Z ≠ 1 on the mixed side's left
        let p: G2Projective = g2[0].double() + g2[1];
        let q: G2Affine = g2[2].into_affine();
        assert_eq!(add_mixed(&p, &q), p + q);
        let p1: G1Projective = g1[0].double() + g1[1];
        let q1: G1Affine = g1[2].into_affine();
        assert_eq!(add_mixed(&p1, &q1), p1 + q1);
    }
}
