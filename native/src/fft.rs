//! Radix-2 FFTs over BN254's scalar field, on the same domains snarkjs uses.
//!
//! Roots of unity: arkworks' `Fr` has generator 5 and two-adic root 5^t (t = (r-1)/2^28);
//! ffjavascript computes `w[28] = nqr^t` with nqr = 5 (the smallest non-residue) and squares down,
//! so both libraries pick the same n-th root of unity ω_n and the same evaluation order
//! (value i is at ω_n^i).
//!
//! Coset: the Groth16 prover of snarkjs evaluates on the *odd* points of the 2n domain, i.e. the
//! coset g·H with g = ω_{2n} (a primitive 2n-th root of unity); at n = 2^28, where no 2n-th root
//! exists, snarkjs uses g = 25 (`Fr.shift` = nqr²). `coset_shift(n)` returns exactly that g, and
//! `fr_coset_fft` / the prover use it. The section 9 ("H") points of a `.zkey` are the Lagrange
//! points on these odd positions, which is why the shift has to match bit for bit.

use ark_bn254::Fr;
use ark_ff::{FftField, Field};
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};

use crate::error::Error;

pub fn domain(n: usize) -> Result<Radix2EvaluationDomain<Fr>, Error> {
    if n == 0 || !n.is_power_of_two() {
        return Err(Error::Domain(format!("FFT size must be a power of two >= 1, got {n}")));
    }
    if n.trailing_zeros() > Fr::TWO_ADICITY {
        return Err(Error::Domain(format!("FFT size 2^{} exceeds the field's 2^28 limit", n.trailing_zeros())));
    }
    Radix2EvaluationDomain::<Fr>::new(n).ok_or_else(|| Error::Domain(format!("no radix-2 domain of size {n}")))
}

/// The coset shift g of snarkjs's prover for a domain of size n (see module docs).
pub fn coset_shift(n: usize) -> Fr {
    if n.trailing_zeros() == Fr::TWO_ADICITY {
        Fr::from(25u64)
    } else {
        Fr::get_root_of_unity(2 * n as u64).expect("2n-th root of unity exists below 2^28")
    }
}

/// In-place FFT / inverse FFT on H.
pub fn fft_in_place(v: &mut Vec<Fr>, inverse: bool) -> Result<(), Error> {
    let d = domain(v.len())?;
    if inverse {
        d.ifft_in_place(v);
    } else {
        d.fft_in_place(v);
    }
    Ok(())
}

/// In-place FFT on the coset g·H (forward: coefficients -> values at g·ω^i; inverse: back).
pub fn coset_fft_in_place(v: &mut Vec<Fr>, inverse: bool) -> Result<(), Error> {
    let n = v.len();
    let d = domain(n)?
        .get_coset(coset_shift(n))
        .ok_or_else(|| Error::Domain("coset shift is not invertible".into()))?;
    if inverse {
        d.ifft_in_place(v);
    } else {
        d.fft_in_place(v);
    }
    Ok(())
}

#[allow(dead_code)]
pub fn root_of_unity(n: usize) -> Option<Fr> {
    Fr::get_root_of_unity(n as u64).filter(|w| w.pow([n as u64]) == Fr::ONE)
}

// ------------------------------------------------------------------ FFTs over the curve groups
//
// The same radix-2 transform with group elements as coefficients: the inverse transform turns
// powers of tau [τ^j]·G into the Lagrange basis [L_i(τ)]·G of the domain (what "prepare phase2"
// computes). Every butterfly twiddle is a full scalar multiplication, so the transform runs level
// by level: the points of one level that need a twiddle are normalised together and multiplied
// as one batch (`batch::mul_chunk_*`: eight lanes at a time on AVX-512 IFMA), then the
// butterflies' additions run in parallel. Twiddle 1 (the first butterfly of every block) costs
// nothing. The result is the textbook DFT on ark-poly's domain (the same roots as snarkjs).

use ark_bn254::{G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::CurveGroup;
use rayon::prelude::*;

use crate::tower::curve;

/// A group whose batches of scalar multiplications go through `batch::mul_chunk_*`.
pub trait BatchGroup: SWCurveConfig<ScalarField = Fr, BaseField: crate::tower::ops::TowerField> {
    fn mul_chunk(p: &[Affine<Self>], s: &[Fr]) -> Vec<Projective<Self>>;
}

impl BatchGroup for ark_bn254::g1::Config {
    fn mul_chunk(p: &[G1Affine], s: &[Fr]) -> Vec<G1Projective> {
        crate::batch::mul_chunk_g1(p, s)
    }
}

impl BatchGroup for ark_bn254::g2::Config {
    fn mul_chunk(p: &[G2Affine], s: &[Fr]) -> Vec<G2Projective> {
        crate::batch::mul_chunk_g2(p, s)
    }
}

const NORMALISE_CHUNK: usize = 1024;

/// s_i·P_i for projective inputs: normalised in parallel chunks, then multiplied in batches.
fn mul_projective<P: BatchGroup>(points: &[Projective<P>], scalars: &[Fr]) -> Vec<Projective<P>> {
    let aff: Vec<Affine<P>> = points
        .par_chunks(NORMALISE_CHUNK)
        .flat_map_iter(|c| Projective::<P>::normalize_batch(c))
        .collect();
    let len = crate::batch::chunk_len(aff.len());
    aff.par_chunks(len)
        .zip(scalars.par_chunks(len))
        .flat_map_iter(|(p, s)| P::mul_chunk(p, s))
        .collect()
}

fn bit_reverse<T>(v: &mut [T]) {
    let n = v.len();
    let bits = n.trailing_zeros();
    if bits == 0 {
        return;
    }
    for i in 0..n {
        let j = i.reverse_bits() >> (usize::BITS - bits);
        if i < j {
            v.swap(i, j);
        }
    }
}

fn group_fft<P: BatchGroup>(v: &mut [Projective<P>], inverse: bool) -> Result<(), Error> {
    let n = v.len();
    let d = domain(n)?;
    let root = if inverse { d.group_gen_inv } else { d.group_gen };
    bit_reverse(v);
    let mut len = 2;
    while len <= n {
        let half = len / 2;
        let w_len = root.pow([(n / len) as u64]);
        let twiddles = crate::batch::powers(Fr::ONE, w_len, half);
        if inverse && len == n {
            // the last level of an inverse transform takes the 1/n scaling with it: both halves
            // are multiplied (lo by 1/n, hi by ω^j/n), n products in place of the n/2 − 1 twiddle
            // products plus n scaling products of a separate pass; the points are the same
            last_level_scaled(v, &twiddles, d.size_inv);
            return Ok(());
        }
        // the points that meet twiddle j ≥ 1, block-major: block b, j → b·(half − 1) + j − 1
        let per_block = half - 1;
        let mut products: Vec<Projective<P>> = Vec::new();
        if per_block > 0 {
            let tw = &twiddles;
            let (pts, scs): (Vec<Projective<P>>, Vec<Fr>) = v
                .chunks(len)
                .flat_map(|block| (1..half).map(move |j| (block[half + j], tw[j])))
                .unzip();
            products = mul_projective(&pts, &scs);
        }
        v.par_chunks_mut(len).enumerate().for_each(|(b, block)| {
            let (lo, hi) = block.split_at_mut(half);
            for j in 0..half {
                let t = if j == 0 { hi[0] } else { products[b * per_block + j - 1] };
                let u = lo[j];
                lo[j] = curve::add(&u, &t);
                hi[j] = curve::add(&u, &-t);
            }
        });
        len *= 2;
    }
    Ok(())
}

/// The last butterfly level (one block of size n) with the inverse transform's 1/n folded in:
/// lo_j ← lo_j/n + (ω^j/n)·hi_j and hi_j ← lo_j/n − (ω^j/n)·hi_j.
fn last_level_scaled<P: BatchGroup>(v: &mut [Projective<P>], twiddles: &[Fr], size_inv: Fr) {
    let half = v.len() / 2;
    let scalars: Vec<Fr> = std::iter::repeat(size_inv).take(half).chain(twiddles.iter().map(|w| *w * size_inv)).collect();
    let products = mul_projective(v, &scalars);
    let (lo, hi) = products.split_at(half);
    let (out_lo, out_hi) = v.split_at_mut(half);
    out_lo.par_iter_mut().zip(out_hi.par_iter_mut()).enumerate().for_each(|(j, (l, h))| {
        *l = curve::add(&lo[j], &hi[j]);
        *h = curve::add(&lo[j], &-hi[j]);
    });
}

/// In-place FFT / inverse FFT of G1 elements.
pub fn g1_fft_in_place(v: &mut [G1Projective], inverse: bool) -> Result<(), Error> {
    group_fft(v, inverse)
}

/// In-place FFT / inverse FFT of G2 elements.
pub fn g2_fft_in_place(v: &mut [G2Projective], inverse: bool) -> Result<(), Error> {
    group_fft(v, inverse)
}

#[cfg(test)]
mod group_tests {
    use super::*;
    use ark_ec::PrimeGroup;
    use ark_ff::{UniformRand, Zero};
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    /// The DFT by its definition: out_i = (1/n if inverse) Σ_j ω^{±ij} v_j.
    fn naive<G: PrimeGroup<ScalarField = Fr>>(v: &[G], inverse: bool) -> Vec<G> {
        let n = v.len();
        let d = domain(n).unwrap();
        let root = if inverse { d.group_gen_inv } else { d.group_gen };
        (0..n)
            .map(|i| {
                let mut acc = G::zero();
                for (j, p) in v.iter().enumerate() {
                    acc += *p * root.pow([(i * j) as u64]);
                }
                if inverse {
                    acc * d.size_inv
                } else {
                    acc
                }
            })
            .collect()
    }

    #[test]
    fn group_fft_matches_the_definition() {
        let mut rng = StdRng::seed_from_u64(41);
        for n in [1usize, 2, 4, 8, 32] {
            let g1: Vec<G1Projective> = (0..n).map(|_| G1Projective::generator() * Fr::rand(&mut rng)).collect();
            let g2: Vec<G2Projective> = (0..n).map(|_| G2Projective::generator() * Fr::rand(&mut rng)).collect();
            for inverse in [false, true] {
                let mut a = g1.clone();
                g1_fft_in_place(&mut a, inverse).unwrap();
                assert_eq!(a, naive(&g1, inverse), "G1 n={n} inverse={inverse}");
                let mut b = g2.clone();
                g2_fft_in_place(&mut b, inverse).unwrap();
                assert_eq!(b, naive(&g2, inverse), "G2 n={n} inverse={inverse}");
            }
            // infinity among the inputs
            let mut z = g1.clone();
            z[0] = G1Projective::zero();
            let mut zz = z.clone();
            g1_fft_in_place(&mut zz, true).unwrap();
            assert_eq!(zz, naive(&z, true));
        }
    }
}
