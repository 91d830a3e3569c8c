//! The BN254 final exponentiation f ↦ f^((q¹²−1)/r), with a cheaper exponentiation by the
//! seed x in the hard part.
//!
//! Why: after the Miller loop a verify spends about a third of its time here, most of it in the
//! three g ↦ g^x of the hard part. arkworks raises to x by its NAF: 62 cyclotomic squarings and
//! 23 Fq12 multiplications (the NAF has 24 non-zero digits), and a multiplication costs about
//! 2.5 squarings. A width-4 signed window (digits ±1, ±3, ±5, ±7, each followed by at least three
//! zeros) needs 14 non-zero digits: with the table g, g³, g⁵, g⁷ (one squaring, three
//! multiplications) that is 63 squarings and 16 multiplications instead of 62 and 23.
//!
//! Tried and dropped (measured with `examples/verify_breakdown.rs`): Karabina's compressed
//! squarings (6 Fq2 squarings instead of Granger–Scott's 6 multiplications; 0.50 against
//! 0.79 µs a squaring here) with every f^(2^i) of x's NAF decompressed together after one chain
//! (one batched Fq2 inversion). Decompressing costs about 0.7 µs for each of the 24 digits,
//! which eats the squarings' gain: 0.113 ms an exponentiation against arkworks' 0.101 ms. It
//! pays where an exponent has few non-zero digits; x has too many.
//!
//! Every Fq12 product and squaring goes through the branch-free tower (`tower::fq12`), about 1.5×
//! faster than arkworks' operators here (`examples/tower_ops.rs`).
//!
//! The hard part's chain is arkworks' (Fuentes-Castañeda, Knapp, Rodríguez-Henríquez, "Faster
//! hashing to G2"), so the result equals `Bn254::final_exponentiation` bit for bit; the tests
//! compare the two on random Miller-loop outputs and random elements.

use ark_bn254::{Config, Fq12};
use ark_ec::bn::BnConfig;
use ark_ff::Field;

use crate::tower::fq12::{conjugate, cyclotomic_square, mul};

/// Width of the signed window: digits are odd, |d| < 2^(WINDOW − 1).
const WINDOW: u32 = 4;

/// The width-`w` signed-window digits of `k`, least significant first: every non-zero digit is
/// odd with |d| < 2^(w−1) and is followed by at least w − 1 zero digits; Σ dᵢ·2ⁱ = k.
pub fn signed_window_digits(mut k: u128, w: u32) -> Vec<i8> {
    let modulus = 1i128 << w;
    let mut digits = Vec::with_capacity(130);
    while k != 0 {
        if k & 1 == 1 {
            let mut d = (k % modulus as u128) as i128;
            if d >= modulus / 2 {
                d -= modulus;
            }
            digits.push(d as i8);
            k = (k as i128 - d) as u128;
        } else {
            digits.push(0);
        }
        k >>= 1;
    }
    digits
}

/// x's digits (computed once).
fn seed_digits() -> &'static [i8] {
    static DIGITS: std::sync::OnceLock<Vec<i8>> = std::sync::OnceLock::new();
    DIGITS.get_or_init(|| {
        let x = <Config as BnConfig>::X;
        assert_eq!(x.len(), 1, "BN254's seed fits one limb");
        signed_window_digits(x[0] as u128, WINDOW)
    })
}

/// g^x for g in the cyclotomic subgroup (where the inverse is the conjugate), by x's signed
/// window digits, most significant first.
pub fn cyclotomic_exp_by_x(g: &Fq12) -> Fq12 {
    // table[k] = g^(2k + 1)
    let g2 = cyclotomic_square(g);
    let mut table = [*g; 1 << (WINDOW - 2)];
    for k in 1..table.len() {
        table[k] = mul(&table[k - 1], &g2);
    }
    let entry = |d: i8| {
        let t = &table[(d.unsigned_abs() / 2) as usize];
        if d > 0 { *t } else { conjugate(t) }
    };
    let digits = seed_digits();
    let top = *digits.last().expect("x is non-zero");
    let mut acc = entry(top);
    for &d in digits.iter().rev().skip(1) {
        acc = cyclotomic_square(&acc);
        if d != 0 {
            acc = mul(&acc, &entry(d));
        }
    }
    acc
}

/// f^(q⁶−1)(q²+1): the easy part; None for f = 0.
fn easy_part(f: &Fq12) -> Option<Fq12> {
    let inv = f.inverse()?;
    let mut r = mul(&conjugate(f), &inv); // f^(q⁶ − 1)
    let r0 = r;
    r.frobenius_map_in_place(2);
    Some(mul(&r, &r0))
}

/// The hard part: r^(2x(6x² + 3x + 1)·(q⁴ − q² + 1)/r), arkworks' chain with exp-by-x compressed.
fn hard_part(r: Fq12) -> Fq12 {
    // in the cyclotomic subgroup the inverse is the conjugate
    let exp_by_neg_x = |g: &Fq12| conjugate(&cyclotomic_exp_by_x(g));
    let y0 = exp_by_neg_x(&r); // r^(−x)
    let y1 = cyclotomic_square(&y0); // r^(−2x)
    let y2 = cyclotomic_square(&y1); // r^(−4x)
    let y3 = mul(&y2, &y1); // r^(−6x)
    let y4 = exp_by_neg_x(&y3); // r^(6x²)
    let y5 = cyclotomic_square(&y4); // r^(12x²)
    let y6 = conjugate(&exp_by_neg_x(&y5)); // r^(12x³)
    let y3 = conjugate(&y3); // r^(6x)
    let y8 = mul(&mul(&y6, &y4), &y3); // r^(12x³ + 6x² + 6x)
    let y9 = mul(&y8, &y1); // r^(12x³ + 6x² + 4x)
    let y11 = mul(&mul(&y8, &y4), &r); // r^(12x³ + 12x² + 6x + 1)
    let mut y12 = y9;
    y12.frobenius_map_in_place(1);
    let mut y8q2 = y8;
    y8q2.frobenius_map_in_place(2);
    let mut y15 = mul(&conjugate(&r), &y9); // r^(12x³ + 6x² + 4x − 1)
    y15.frobenius_map_in_place(3);
    mul(&mul(&mul(&y15, &y8q2), &y12), &y11)
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
    use ark_ff::{CyclotomicMultSubgroup, One, UniformRand, Zero};
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
    fn window_digits_rebuild_the_number_and_keep_their_gaps() {
        let x = <Config as BnConfig>::X[0] as u128;
        for (k, w) in [(x, 4), (x, 2), (x, 5), (1, 4), (0xffff_ffff_ffff_ffff, 4), (12345, 3)] {
            let d = signed_window_digits(k, w);
            let back: i128 = d.iter().enumerate().map(|(i, &di)| (di as i128) << i).sum();
            assert_eq!(back, k as i128, "k = {k}, w = {w}");
            for (i, &di) in d.iter().enumerate() {
                if di != 0 {
                    assert!(di % 2 != 0 && (di.unsigned_abs() as u32) < (1 << (w - 1)), "digit {di}");
                    assert!(d[i + 1..].iter().take(w as usize - 1).all(|&z| z == 0), "gap after digit {i}");
                }
            }
        }
        // x: 14 non-zero digits at width 4, against 24 in its NAF
        assert_eq!(seed_digits().iter().filter(|&&d| d != 0).count(), 14);
    }

    #[test]
    fn exp_by_x_matches_arkworks() {
        let mut rng = StdRng::seed_from_u64(53);
        let g = easy_part(&Fq12::rand(&mut rng)).unwrap();
        assert_eq!(cyclotomic_exp_by_x(&g), g.cyclotomic_exp(<Config as BnConfig>::X));
    }

    #[test]
    fn a_wrong_exponentiation_is_caught() {
        // the equality tests above must be able to fail: one extra squaring, one digit more, or
        // the final exponentiation of another element give a different value
        let mut rng = StdRng::seed_from_u64(54);
        let g = easy_part(&Fq12::rand(&mut rng)).unwrap();
        let good = cyclotomic_exp_by_x(&g);
        let want = g.cyclotomic_exp(<Config as BnConfig>::X);
        assert_eq!(good, want);
        assert_ne!(good.cyclotomic_square(), want);
        assert_ne!(good * g, want);
        let f = Fq12::rand(&mut rng);
        assert_ne!(final_exponentiation(&f).unwrap().square(), arkworks(f));
        assert_ne!(final_exponentiation(&(f + Fq12::one())), Some(arkworks(f)));
    }
}
