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

pub fn domain(n: usize) -> Result<Radix2EvaluationDomain<Fr>, String> {
    if n == 0 || !n.is_power_of_two() {
        return Err(format!("FFT size must be a power of two >= 1, got {n}"));
    }
    if n.trailing_zeros() > Fr::TWO_ADICITY {
        return Err(format!("FFT size 2^{} exceeds the field's 2^28 limit", n.trailing_zeros()));
    }
    Radix2EvaluationDomain::<Fr>::new(n).ok_or_else(|| format!("no radix-2 domain of size {n}"))
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
pub fn fft_in_place(v: &mut Vec<Fr>, inverse: bool) -> Result<(), String> {
    let d = domain(v.len())?;
    if inverse {
        d.ifft_in_place(v);
    } else {
        d.fft_in_place(v);
    }
    Ok(())
}

/// In-place FFT on the coset g·H (forward: coefficients -> values at g·ω^i; inverse: back).
pub fn coset_fft_in_place(v: &mut Vec<Fr>, inverse: bool) -> Result<(), String> {
    let n = v.len();
    let d = domain(n)?
        .get_coset(coset_shift(n))
        .ok_or("coset shift is not invertible")?;
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
// computes). Every butterfly twiddle is a scalar multiplication, done with the GLV endomorphism.

use ark_bn254::{G1Projective, G2Projective};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::Projective;
use ark_ff::{BigInt, PrimeField, Zero};
use std::ops::{Add, AddAssign, MulAssign, Sub, SubAssign};

/// A group element whose `*= scalar` is `glv::mul` (the FFT's twiddle multiplications).
struct Glv<P: GLVConfig>(Projective<P>);

// manual impls: derives would demand the same traits of the config type P
impl<P: GLVConfig> Clone for Glv<P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P: GLVConfig> Copy for Glv<P> {}
impl<P: GLVConfig> std::fmt::Debug for Glv<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
impl<P: GLVConfig> PartialEq for Glv<P> {
    fn eq(&self, o: &Self) -> bool {
        self.0 == o.0
    }
}

impl<P: GLVConfig> Add for Glv<P> {
    type Output = Self;
    fn add(self, o: Self) -> Self {
        Glv(self.0 + o.0)
    }
}
impl<P: GLVConfig> Sub for Glv<P> {
    type Output = Self;
    fn sub(self, o: Self) -> Self {
        Glv(self.0 - o.0)
    }
}
impl<P: GLVConfig> AddAssign for Glv<P> {
    fn add_assign(&mut self, o: Self) {
        self.0 += o.0;
    }
}
impl<P: GLVConfig> SubAssign for Glv<P> {
    fn sub_assign(&mut self, o: Self) {
        self.0 -= o.0;
    }
}
impl<P: GLVConfig> Zero for Glv<P> {
    fn zero() -> Self {
        Glv(Projective::<P>::zero())
    }
    fn is_zero(&self) -> bool {
        self.0.is_zero()
    }
}
impl<P: GLVConfig<ScalarField = Fr>> MulAssign<Fr> for Glv<P>
where
    Fr: PrimeField<BigInt = BigInt<4>>,
{
    fn mul_assign(&mut self, s: Fr) {
        self.0 = crate::glv::mul(&self.0, s);
    }
}

fn group_fft<P: GLVConfig<ScalarField = Fr>>(v: &mut [Projective<P>], inverse: bool) -> Result<(), String> {
    let d = domain(v.len())?;
    let mut w: Vec<Glv<P>> = v.iter().map(|p| Glv(*p)).collect();
    if inverse {
        d.ifft_in_place(&mut w);
    } else {
        d.fft_in_place(&mut w);
    }
    for (o, p) in v.iter_mut().zip(w) {
        *o = p.0;
    }
    Ok(())
}

/// In-place FFT / inverse FFT of G1 elements.
pub fn g1_fft_in_place(v: &mut [G1Projective], inverse: bool) -> Result<(), String> {
    group_fft(v, inverse)
}

/// In-place FFT / inverse FFT of G2 elements.
pub fn g2_fft_in_place(v: &mut [G2Projective], inverse: bool) -> Result<(), String> {
    group_fft(v, inverse)
}
