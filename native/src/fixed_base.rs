//! Multiplication of one fixed G1 point by scalars, from a table precomputed once.
//!
//! Why: every verify computes vk_x = IC₀ + Σ_j p_j·IC_j against the same IC points. A GLV
//! multiplication costs about 50 µs here, on the longer of a verify's two threads (the one that
//! then runs the Miller loop of the prepared pairs). With the multiples d·2^(5i)·P for every
//! 5-bit window i and d = 1..16 stored (52 × 16 affine points, about 60 KB a point), a product
//! k·P is one mixed addition per signed digit of k: 52 additions and no doublings.

use ark_bn254::{Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup};
use ark_ff::{BigInt, PrimeField};

use crate::tower::curve;

/// Bits per window.
const WINDOW: usize = 5;
/// Table entries per window: the multiples 1..=2^(WINDOW − 1) (a digit's sign is a negation).
const ENTRIES: usize = 1 << (WINDOW - 1);
/// Windows covering any 256-bit scalar: 52 × 5 = 260 bits, so the last window's carry is zero.
const WINDOWS: usize = 256usize.div_ceil(WINDOW) + 1;

/// The multiples of one point, window by window: `rows[i][d − 1] = d·2^(WINDOW·i)·P`.
pub struct FixedBaseTable {
    rows: Vec<[G1Affine; ENTRIES]>,
}

/// The WINDOW bits of `k` starting at bit `at` (zero beyond the top).
fn window_bits(k: &BigInt<4>, at: usize) -> u64 {
    let (limb, shift) = (at / 64, at % 64);
    if limb >= 4 {
        return 0;
    }
    let mut v = k.0[limb] >> shift;
    if shift + WINDOW > 64 && limb + 1 < 4 {
        v |= k.0[limb + 1] << (64 - shift);
    }
    v & ((1 << WINDOW) - 1)
}

/// `k`'s signed digits in base 2^WINDOW, least significant first, each in [−2^(W−1), 2^(W−1)).
fn signed_digits(k: &BigInt<4>) -> [i8; WINDOWS] {
    let mut digits = [0i8; WINDOWS];
    let mut carry = 0u64;
    for (i, d) in digits.iter_mut().enumerate() {
        let v = window_bits(k, i * WINDOW) + carry;
        if v >= ENTRIES as u64 {
            *d = v as i8 - (1 << WINDOW) as i8;
            carry = 1;
        } else {
            *d = v as i8;
            carry = 0;
        }
    }
    debug_assert_eq!(carry, 0);
    digits
}

impl FixedBaseTable {
    /// All multiples of `p` (the identity gives a table of identities).
    pub fn new(p: &G1Affine) -> Self {
        let mut all: Vec<G1Projective> = Vec::with_capacity(WINDOWS * ENTRIES);
        let mut base = p.into_group();
        for _ in 0..WINDOWS {
            let mut m = base;
            for _ in 1..ENTRIES {
                all.push(m);
                m = curve::add(&m, &base);
            }
            all.push(m);
            // m = 2^(WINDOW − 1)·base; the next window's base is twice that
            base = curve::double(&m);
        }
        let affine = G1Projective::normalize_batch(&all);
        let rows = affine.chunks_exact(ENTRIES).map(|c| c.try_into().expect("a full window")).collect();
        FixedBaseTable { rows }
    }

    /// k·P for any 256-bit k (canonical scalars included).
    pub fn mul(&self, k: &BigInt<4>) -> G1Projective {
        let mut acc = G1Projective::default();
        for (row, &d) in self.rows.iter().zip(signed_digits(k).iter()) {
            if d > 0 {
                acc = curve::add_mixed(&acc, &row[d as usize - 1]);
            } else if d < 0 {
                acc = curve::add_mixed(&acc, &curve::neg_affine(&row[d.unsigned_abs() as usize - 1]));
            }
        }
        acc
    }

    /// k·P for a scalar field element.
    pub fn mul_fr(&self, k: &Fr) -> G1Projective {
        self.mul(&k.into_bigint())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::PrimeGroup;
    use ark_ff::{BigInteger, UniformRand, Zero};
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn products_equal_plain_multiplication() {
        let mut rng = StdRng::seed_from_u64(61);
        let p = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
        let table = FixedBaseTable::new(&p);
        let mut edge: Vec<Fr> = vec![Fr::zero(), Fr::from(1u64), Fr::from(15u64), Fr::from(16u64), Fr::from(31u64), -Fr::from(1u64)];
        edge.extend((0..20).map(|_| Fr::rand(&mut rng)));
        for k in edge {
            assert_eq!(table.mul_fr(&k), p * k, "k = {k}");
        }
        // any 256-bit integer, not only canonical scalars: k·P with k taken mod r
        let top = BigInt::<4>([u64::MAX; 4]);
        assert_eq!(table.mul(&top), p * Fr::from_le_bytes_mod_order(&top.to_bytes_le()));
    }

    #[test]
    fn identity_point_and_a_wrong_table_are_told_apart() {
        let table = FixedBaseTable::new(&G1Affine::identity());
        assert!(table.mul_fr(&Fr::from(12345u64)).is_zero());
        // one corrupted entry changes the products that use it: the test above can fail
        let p = G1Affine::generator();
        let mut bad = FixedBaseTable::new(&p);
        bad.rows[3][2] = (bad.rows[3][2] + p).into_affine();
        let k = Fr::from(3u64 << (3 * WINDOW));
        assert_ne!(bad.mul_fr(&k), p * k);
        assert_eq!(FixedBaseTable::new(&p).mul_fr(&k), p * k);
    }

    #[test]
    fn digits_rebuild_the_scalar() {
        let mut rng = StdRng::seed_from_u64(62);
        for _ in 0..50 {
            let k = Fr::rand(&mut rng).into_bigint();
            let d = signed_digits(&k);
            let back = d.iter().rev().fold(Fr::zero(), |acc, &di| acc * Fr::from(32u64) + Fr::from(di as i64));
            assert_eq!(back.into_bigint(), k);
            assert!(d.iter().all(|&x| (-16..16).contains(&x)));
        }
    }
}
