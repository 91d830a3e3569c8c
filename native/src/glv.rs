//! Single scalar multiplications for batch work (ceremony updates, setup, group FFTs).
//!
//! arkworks' `glv_mul_projective` splits k into two ~128-bit halves but then walks all 256 bit
//! positions of each half one bit at a time (about 255 doublings and 96 additions). Here each
//! half is recoded in width-5 wNAF, leading zeros are skipped and the 8 odd multiples of both
//! bases are precomputed: about 128 doublings and 45 additions, roughly twice as fast.

use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::CurveGroup;
use ark_ff::{BigInt, BigInteger, PrimeField, Zero};

use crate::tower::curve;
use crate::tower::ops::TowerField;

const W: usize = 5;
const TABLE: usize = 1 << (W - 2); // odd multiples 1, 3, ..., 15

fn odd_multiples<P: GLVConfig<BaseField: TowerField>>(b: Projective<P>) -> [Projective<P>; TABLE] {
    let mut t = [b; TABLE];
    let b2 = curve::double(&b);
    for j in 1..TABLE {
        t[j] = curve::add(&t[j - 1], &b2);
    }
    t
}

#[inline]
fn apply<P: GLVConfig<BaseField: TowerField>>(res: &mut Projective<P>, d: i64, t: &[Projective<P>; TABLE]) {
    if d > 0 {
        *res = curve::add(res, &t[(d as usize) / 2]);
    } else if d < 0 {
        *res = curve::add(res, &-t[((-d) as usize) / 2]);
    }
}

/// k·p with the GLV endomorphism and wNAF recoding.
pub fn mul<P: GLVConfig<BaseField: TowerField>>(p: &Projective<P>, k: P::ScalarField) -> Projective<P>
where
    P::ScalarField: PrimeField<BigInt = BigInt<4>>,
{
    if p.is_zero() || k.is_zero() {
        return Projective::<P>::zero();
    }
    let ((s1, k1), (s2, k2)) = P::scalar_decomposition(k);
    let mut b1 = *p;
    let mut b2 = P::endomorphism(p);
    if !s1 {
        b1 = -b1;
    }
    if !s2 {
        b2 = -b2;
    }
    let n1 = k1.into_bigint().find_wnaf(W).expect("valid window");
    let n2 = k2.into_bigint().find_wnaf(W).expect("valid window");
    let t1 = odd_multiples(b1);
    let t2 = odd_multiples(b2);
    let len = n1.len().max(n2.len());
    let mut res = Projective::<P>::zero();
    for i in (0..len).rev() {
        res = curve::double(&res);
        apply(&mut res, n1.get(i).copied().unwrap_or(0), &t1);
        apply(&mut res, n2.get(i).copied().unwrap_or(0), &t2);
    }
    res
}

/// k_i·p_i for a batch of points (the batch kernels call this per chunk). Same recoding as
/// `mul`, but the odd-multiple tables of the whole batch are normalised to affine with one shared
/// inversion, so the ladder uses mixed additions (about 30 % cheaper than the projective ones of
/// `mul`); the endomorphism table is then just φ of the affine table.
pub fn mul_many<P: GLVConfig<BaseField: TowerField>>(ps: &[Affine<P>], ks: &[P::ScalarField]) -> Vec<Projective<P>>
where
    P::ScalarField: PrimeField<BigInt = BigInt<4>>,
{
    let mut tables: Vec<Projective<P>> = Vec::with_capacity(ps.len() * TABLE);
    for p in ps {
        tables.extend_from_slice(&odd_multiples(Projective::<P>::from(*p)));
    }
    let aff = Projective::<P>::normalize_batch(&tables);
    drop(tables);
    ps.iter()
        .zip(ks)
        .enumerate()
        .map(|(i, (p, k))| {
            if p.infinity || k.is_zero() {
                return Projective::<P>::zero();
            }
            let ((s1, k1), (s2, k2)) = P::scalar_decomposition(*k);
            let mut t1 = [Affine::<P>::identity(); TABLE];
            let mut t2 = [Affine::<P>::identity(); TABLE];
            for (j, a) in aff[i * TABLE..(i + 1) * TABLE].iter().enumerate() {
                t1[j] = if s1 { *a } else { -*a };
                let e = P::endomorphism_affine(a);
                t2[j] = if s2 { e } else { -e };
            }
            let n1 = k1.into_bigint().find_wnaf(W).expect("valid window");
            let n2 = k2.into_bigint().find_wnaf(W).expect("valid window");
            let len = n1.len().max(n2.len());
            let mut res = Projective::<P>::zero();
            for i in (0..len).rev() {
                res = curve::double(&res);
                apply_affine(&mut res, n1.get(i).copied().unwrap_or(0), &t1);
                apply_affine(&mut res, n2.get(i).copied().unwrap_or(0), &t2);
            }
            res
        })
        .collect()
}

#[inline]
fn apply_affine<P: GLVConfig<BaseField: TowerField>>(res: &mut Projective<P>, d: i64, t: &[Affine<P>; TABLE]) {
    if d > 0 {
        *res = curve::add_mixed(res, &t[(d as usize) / 2]);
    } else if d < 0 {
        *res = curve::add_mixed(res, &curve::neg_affine(&t[((-d) as usize) / 2]));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Projective, G2Projective};
    use ark_ec::PrimeGroup;
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn matches_plain_multiplication() {
        let mut rng = StdRng::seed_from_u64(3);
        let mut ks: Vec<Fr> = (0..40).map(|_| Fr::rand(&mut rng)).collect();
        ks.extend([Fr::from(0u64), Fr::from(1u64), -Fr::from(1u64), Fr::from(2u64), Fr::from(15u64), Fr::from(16u64)]);
        for k in ks {
            let p1 = G1Projective::generator() * Fr::rand(&mut rng);
            assert_eq!(mul(&p1, k), p1 * k);
            let p2 = G2Projective::generator() * Fr::rand(&mut rng);
            assert_eq!(mul(&p2, k), p2 * k);
            assert!(mul(&G1Projective::zero(), k).is_zero());
        }
    }

    #[test]
    fn mul_many_matches_plain_multiplication() {
        let mut rng = StdRng::seed_from_u64(4);
        let mut ks: Vec<Fr> = (0..30).map(|_| Fr::rand(&mut rng)).collect();
        ks.extend([Fr::from(0u64), Fr::from(1u64), -Fr::from(1u64), Fr::from(2u64), Fr::from(15u64), Fr::from(16u64)]);
        let mut p1: Vec<_> = ks.iter().map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let mut p2: Vec<_> = ks.iter().map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        p1[3] = ark_bn254::G1Affine::identity();
        p2[5] = ark_bn254::G2Affine::identity();
        p1[7] = p1[8]; // equal points in one batch
        let r1 = mul_many(&p1, &ks);
        let r2 = mul_many(&p2, &ks);
        for i in 0..ks.len() {
            assert_eq!(r1[i], p1[i] * ks[i]);
            assert_eq!(r2[i], p2[i] * ks[i]);
        }
    }
}
