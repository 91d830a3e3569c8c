//! The BN254 final exponentiation f ↦ f^((q¹²−1)/r), with the hard part's three
//! exponentiations by the seed x done in compressed form.
//!
//! Why: after the Miller loop, a verify spends about a third of its time here, most of it in
//! the three f ↦ f^x of the hard part (62 squarings and 23 multiplications each, x's NAF having
//! 24 non-zero digits). arkworks squares with Granger–Scott (6 Fq2 multiplications a squaring).
//! Karabina ("Squaring in cyclotomic subgroups", Math. Comp. 2013) keeps only four of the six
//! Fq2 coordinates of a cyclotomic element: a squaring is then 6 Fq2 *squarings*, and the two
//! dropped coordinates are recovered ("decompressed") only where a multiplication needs them.
//! Here every f^(2^i) that x's NAF uses comes out of one chain of compressed squarings, and all
//! of them are decompressed together with a single Fq2 inversion (Montgomery's trick).
//!
//! # The formulas, in arkworks' tower
//!
//! Fq12 = Fq6[w]/(w² − v), Fq6 = Fq2[v]/(v³ − ξ), ξ = 9 + u; so w⁶ = ξ and with s = w³ (s² = ξ)
//! an element is f = A + B·w + C·w² with A, B, C in Fq4 = Fq2[s]. In arkworks' coordinates
//! (c0 = c00 + c01·v + c02·v², c1 = c10 + c11·v + c12·v²):
//!   A = c00 + c11·s,   B = c10 + c02·s = b0 + b1·s,   C = c01 + c12·s = e0 + e1·s.
//! For f in the cyclotomic subgroup, Granger–Scott's squaring is
//!   f² = (3A² − 2Ā) + (3s·C² + 2B̄)·w + (3B² − 2C̄)·w²      (bar: s ↦ −s),
//! and the B and C parts of f² depend on B and C only; that is the compressed squaring:
//!   b0' = 6ξ·e0·e1 + 2b0,  b1' = 3(e0² + ξe1²) − 2b1,  e0' = 3(b0² + ξb1²) − 2e0,  e1' = 6b0·b1 + 2e1.
//! Decompression: comparing f² with the plain square A² + … gives AB = sC² + B̄, and the norm
//! condition f·f^(q⁶) = 1 gives 2(b1·a0 − b0·a3) = ξe1² − e0²; together, with A = a0 + a3·s,
//!   a3 = (3e0² + ξe1² − 2b1) / (4b0)                 when b0 ≠ 0,
//!   a3 = 2e0·e1 / b1                                 when b0 = 0, b1 ≠ 0 (from AB's Fq2 part),
//!   a0 = ξ(2a3² + b0·e1 − 3b1·e0) + 1                 (the norm condition's Fq2 part).
//! B = 0 forces C = 0 and then f = 1 (the only element of the cyclotomic subgroup in Fq4: the
//! subgroup's order q⁴ − q² + 1 is prime to q⁴ − 1 but for the factor 3, and 3 does not divide it).
//!
//! The hard part's chain is arkworks' (Fuentes-Castañeda, Knapp, Rodríguez-Henríquez, "Faster
//! hashing to G2"), so the result equals `Bn254::final_exponentiation` bit for bit; the tests
//! compare the two on random Miller-loop outputs.

use ark_bn254::{Config, Fq12, Fq2, Fq6, Fq6Config};
use ark_ec::bn::BnConfig;
use ark_ff::fields::Fp6Config;
use ark_ff::{AdditiveGroup, CyclotomicMultSubgroup, Field, One, Zero};

/// The four kept coordinates of a cyclotomic element (names as in the module docs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compressed {
    b0: Fq2,
    b1: Fq2,
    e0: Fq2,
    e1: Fq2,
}

/// ξ·a (ξ = 9 + u, the Fq6 non-residue).
#[inline]
fn xi(a: Fq2) -> Fq2 {
    <Fq6Config as Fp6Config>::mul_fp2_by_nonresidue(a)
}

/// 3t − 2u, the shape of every compressed-squaring output.
#[inline]
fn three_minus_two(t: Fq2, u: &Fq2) -> Fq2 {
    (t - u).double() + t
}

impl Compressed {
    /// Drops the two coordinates of `f`'s A part (`f` must be in the cyclotomic subgroup for
    /// `decompress_all` to give it back).
    pub fn new(f: &Fq12) -> Self {
        Compressed { b0: f.c1.c0, b1: f.c0.c2, e0: f.c0.c1, e1: f.c1.c2 }
    }

    /// The compressed square (module docs): 6 Fq2 squarings, no multiplication.
    #[inline]
    pub fn square(&self) -> Self {
        let (e0s, e1s) = (self.e0.square(), self.e1.square());
        let e01 = (self.e0 + self.e1).square() - e0s - e1s; // 2·e0·e1
        let (b0s, b1s) = (self.b0.square(), self.b1.square());
        let b01 = (self.b0 + self.b1).square() - b0s - b1s; // 2·b0·b1
        let xi_e01 = xi(e01);
        Compressed {
            b0: (xi_e01 + self.b0).double() + xi_e01,
            b1: three_minus_two(e0s + xi(e1s), &self.b1),
            e0: three_minus_two(b0s + xi(b1s), &self.e0),
            e1: (b01 + self.e1).double() + b01,
        }
    }

    /// a3's numerator and denominator (module docs); (0, 1) for B = 0.
    fn a3_fraction(&self) -> (Fq2, Fq2) {
        if !self.b0.is_zero() {
            let e0s = self.e0.square();
            let num = e0s.double() + e0s + xi(self.e1.square()) - self.b1.double();
            (num, self.b0.double().double())
        } else if !self.b1.is_zero() {
            ((self.e0 * self.e1).double(), self.b1)
        } else {
            (Fq2::zero(), Fq2::one())
        }
    }

    /// The full element, given a3.
    fn with_a3(&self, a3: Fq2) -> Fq12 {
        let b1e0 = self.b1 * self.e0;
        let a0 = xi(a3.square().double() + self.b0 * self.e1 - b1e0.double() - b1e0) + Fq2::one();
        Fq12::new(Fq6::new(a0, self.e0, self.b1), Fq6::new(self.b0, a3, self.e1))
    }
}

/// Every element decompressed with one Fq2 inversion for all (Montgomery's trick).
pub fn decompress_all(cs: &[Compressed]) -> Vec<Fq12> {
    let (nums, mut dens): (Vec<Fq2>, Vec<Fq2>) = cs.iter().map(Compressed::a3_fraction).unzip();
    ark_ff::batch_inversion(&mut dens);
    cs.iter().zip(nums.iter().zip(&dens)).map(|(c, (n, d))| c.with_a3(*n * d)).collect()
}

/// The NAF digits of the BN seed x, least significant first (24 of the 63 are non-zero).
fn seed_naf() -> &'static [i8] {
    static NAF: std::sync::OnceLock<Vec<i8>> = std::sync::OnceLock::new();
    NAF.get_or_init(|| ark_ff::biginteger::arithmetic::find_naf(<Config as BnConfig>::X))
}

/// f^x for f in the cyclotomic subgroup: one chain of compressed squarings f, f², f⁴, …, the
/// powers x's NAF uses decompressed together, then multiplied (conjugated for a −1 digit, the
/// inverse in this subgroup).
pub fn cyclotomic_exp_by_x(f: &Fq12) -> Fq12 {
    let naf = seed_naf();
    let mut kept: Vec<(Compressed, i8)> = Vec::with_capacity(naf.len());
    let mut c = Compressed::new(f);
    // digit 0 is f itself, already whole
    debug_assert_eq!(naf[0], 1);
    for &d in &naf[1..] {
        c = c.square();
        if d != 0 {
            kept.push((c, d));
        }
    }
    let cs: Vec<Compressed> = kept.iter().map(|(c, _)| *c).collect();
    let mut acc = *f;
    for (g, (_, d)) in decompress_all(&cs).iter().zip(&kept) {
        if *d > 0 {
            acc *= g;
        } else {
            acc *= g.cyclotomic_inverse().expect("a cyclotomic element is non-zero");
        }
    }
    acc
}

/// f^(q⁶−1)(q²+1): the easy part; None for f = 0.
fn easy_part(f: &Fq12) -> Option<Fq12> {
    let inv = f.inverse()?;
    let mut r = f.cyclotomic_inverse().expect("f is non-zero") * inv; // f^(q⁶ − 1)
    let r0 = r;
    r.frobenius_map_in_place(2);
    Some(r * r0)
}

/// The hard part: r^(2x(6x² + 3x + 1)·(q⁴ − q² + 1)/r), arkworks' chain with exp-by-x compressed.
fn hard_part(r: Fq12) -> Fq12 {
    let exp_by_neg_x = |g: &Fq12| cyclotomic_exp_by_x(g).cyclotomic_inverse().expect("non-zero");
    let y0 = exp_by_neg_x(&r); // r^(−x)
    let y1 = y0.cyclotomic_square(); // r^(−2x)
    let y2 = y1.cyclotomic_square(); // r^(−4x)
    let y3 = y2 * y1; // r^(−6x)
    let y4 = exp_by_neg_x(&y3); // r^(6x²)
    let y5 = y4.cyclotomic_square(); // r^(12x²)
    let y6 = exp_by_neg_x(&y5).cyclotomic_inverse().unwrap(); // r^(12x³)
    let y3 = y3.cyclotomic_inverse().unwrap(); // r^(6x)
    let y8 = y6 * y4 * y3; // r^(12x³ + 6x² + 6x)
    let y9 = y8 * y1; // r^(12x³ + 6x² + 4x)
    let y11 = y8 * y4 * r; // r^(12x³ + 12x² + 6x + 1)
    let mut y12 = y9;
    y12.frobenius_map_in_place(1);
    let mut y8q2 = y8;
    y8q2.frobenius_map_in_place(2);
    let mut y15 = r.cyclotomic_inverse().unwrap() * y9; // r^(12x³ + 6x² + 4x − 1)
    y15.frobenius_map_in_place(3);
    y15 * y8q2 * y12 * y11
}

/// f^((q¹² − 1)/r) up to arkworks' fixed cofactor (the same value as `Bn254::final_exponentiation`);
/// None for f = 0, which no Miller loop of finite points yields.
pub fn final_exponentiation(f: &Fq12) -> Option<Fq12> {
    easy_part(f).map(hard_part)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Bn254, Fr, G1Projective, G2Projective};
    use ark_ec::pairing::{MillerLoopOutput, Pairing};
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    fn arkworks(f: Fq12) -> Fq12 {
        Bn254::final_exponentiation(MillerLoopOutput(f)).unwrap().0
    }

    #[test]
    fn equals_arkworks_on_miller_loop_outputs_and_random_elements() {
        let mut rng = StdRng::seed_from_u64(51);
        for _ in 0..4 {
            let p = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
            let q = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
            let f = Bn254::miller_loop(p, q).0;
            assert_eq!(final_exponentiation(&f), Some(arkworks(f)));
            // any non-zero element, not only Miller values
            let g = Fq12::rand(&mut rng);
            assert_eq!(final_exponentiation(&g), Some(arkworks(g)));
        }
    }

    #[test]
    fn identity_and_zero() {
        assert_eq!(final_exponentiation(&Fq12::one()), Some(Fq12::one()));
        assert_eq!(final_exponentiation(&Fq12::zero()), None);
        // an element of Fq (killed by the easy part) maps to 1 as well
        assert_eq!(final_exponentiation(&Fq12::from(7u64)), Some(Fq12::one()));
    }

    #[test]
    fn compressed_square_matches_the_full_square_and_decompresses() {
        let mut rng = StdRng::seed_from_u64(52);
        let g = easy_part(&Fq12::rand(&mut rng)).unwrap();
        let mut c = Compressed::new(&g);
        let mut full = g;
        let mut chain = Vec::new();
        for _ in 0..10 {
            c = c.square();
            full = full.cyclotomic_square();
            assert_eq!(c, Compressed::new(&full));
            chain.push((c, full));
        }
        let cs: Vec<Compressed> = chain.iter().map(|(c, _)| *c).collect();
        let back = decompress_all(&cs);
        for (b, (_, f)) in back.iter().zip(&chain) {
            assert_eq!(b, f);
        }
        assert_eq!(decompress_all(&[Compressed::new(&Fq12::one())]), vec![Fq12::one()]);
    }

    #[test]
    fn exp_by_x_matches_arkworks() {
        let mut rng = StdRng::seed_from_u64(53);
        let g = easy_part(&Fq12::rand(&mut rng)).unwrap();
        assert_eq!(cyclotomic_exp_by_x(&g), g.cyclotomic_exp(<Config as BnConfig>::X));
    }

    #[test]
    fn a_wrong_exponentiation_is_caught() {
        // the equality tests above must be able to fail: one extra squaring or a dropped digit
        // gives a different value
        let mut rng = StdRng::seed_from_u64(54);
        let g = easy_part(&Fq12::rand(&mut rng)).unwrap();
        let good = cyclotomic_exp_by_x(&g);
        assert_ne!(good.cyclotomic_square(), g.cyclotomic_exp(<Config as BnConfig>::X));
        assert_ne!(good * g, g.cyclotomic_exp(<Config as BnConfig>::X));
        let f = Fq12::rand(&mut rng);
        assert_ne!(final_exponentiation(&f).unwrap().square(), arkworks(f));
        // a decompression with the wrong sign of a3 does not give the element back
        let c = Compressed::new(&good);
        let (n, d) = c.a3_fraction();
        assert_ne!(c.with_a3(-(n * d.inverse().unwrap())), good);
        assert_eq!(c.with_a3(n * d.inverse().unwrap()), good);
    }
}
