//! Montgomery's batch inversion as eight interleaved chains on AVX-512 IFMA.
//!
//! Why: the bucket additions (`bucket.rs`) invert one batch of denominators per step, and the
//! trick's three products per element were a quarter of a 2^16 prove on the IFMA machine
//! (`perf`, session 9). Element i goes to lane i mod 8, so the eight lanes are eight independent
//! prefix-product chains that `F8::mul` advances together; only the eight lane totals are inverted
//! one at a time (with the portable trick: one field inversion).
//!
//! No conversion per element. Values are loaded with their arkworks limbs as they are (a·2^256),
//! which `F8` reads as a/16 in its Montgomery form (R = 2^260). The lane totals T are read back the
//! same way, so the portable inverse sees 16·T and returns 1/(16·T), which `F8` reads as 1/(256·T).
//! Walking back, element i gets 1/(256 · a_i/16) = 1/(16·a_i), whose limbs are exactly arkworks'
//! form of 1/a_i. The factors 16 cancel, and a value is never multiplied by a constant.

use core::arch::x86_64::*;
use std::cell::RefCell;

use ark_bn254::Fq;
use ark_ff::{BigInt, BigInteger, Field, PrimeField};

use super::fq8::{join52, split52, F8};

/// Eight lanes' five 52-bit limbs, as `F8` holds them, in plain memory.
type Lanes = [[u64; 8]; 5];

thread_local! {
    /// The prefix products of the current call (one `Lanes` per eight elements), kept per thread
    /// between calls: the bucket adder inverts thousands of batches per MSM.
    static PREFIX: RefCell<Vec<Lanes>> = const { RefCell::new(Vec::new()) };
}

/// Every element replaced by its inverse, as `tower::fq::batch_invert` (all must be non-zero: a
/// zero panics with the same message). The caller checks `simd::enabled()`.
pub fn batch_invert(values: &mut [Fq]) {
    assert!(super::enabled(), "simd::invert::batch_invert needs AVX-512 IFMA");
    // SAFETY: the CPU has avx512f/dq/ifma (asserted above).
    PREFIX.with(|cell| unsafe { batch_invert_ifma(values, &mut cell.borrow_mut()) })
}

#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn batch_invert_ifma(values: &mut [Fq], prefix: &mut Vec<Lanes>) {
    prefix.clear();
    let mut run = F8::one();
    for chunk in values.chunks(8) {
        prefix.push(to_lanes(&run));
        run = run.mul(&load_raw(chunk));
    }
    let mut totals = [Fq::ONE; 8];
    store_raw(&run, &mut totals);
    crate::tower::fq::batch_invert_portable(&mut totals, &mut Vec::with_capacity(8));
    let mut inv = load_raw(&totals);
    for (chunk, before) in values.chunks_mut(8).zip(prefix.iter()).rev() {
        let v = load_raw(chunk);
        let this = inv.mul(&from_lanes(before));
        inv = inv.mul(&v);
        store_raw(&this, chunk);
    }
}

/// Up to eight elements' arkworks limbs into the lanes, unchanged; missing lanes get one.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn load_raw(chunk: &[Fq]) -> F8 {
    let mut lanes: Lanes = [[0; 8]; 5];
    for lane in 0..8 {
        let limbs = split52(&chunk.get(lane).unwrap_or(&Fq::ONE).0 .0);
        for k in 0..5 {
            lanes[k][lane] = limbs[k];
        }
    }
    from_lanes(&lanes)
}

/// The lanes (normalised, value < 2q) back into up to eight arkworks elements, fully reduced.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn store_raw(x: &F8, out: &mut [Fq]) {
    let lanes = to_lanes(x);
    for (lane, slot) in out.iter_mut().enumerate().take(8) {
        let mut v = BigInt::new(join52(&core::array::from_fn(|k| lanes[k][lane])));
        if v >= Fq::MODULUS {
            v.sub_with_borrow(&Fq::MODULUS);
        }
        *slot = Fq::new_unchecked(v);
    }
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn to_lanes(x: &F8) -> Lanes {
    let mut lanes: Lanes = [[0; 8]; 5];
    for (row, v) in lanes.iter_mut().zip(x.0.iter()) {
        _mm512_storeu_si512(row.as_mut_ptr() as *mut _, *v);
    }
    lanes
}

#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn from_lanes(lanes: &Lanes) -> F8 {
    F8(lanes.map(|row| _mm512_loadu_si512(row.as_ptr() as *const _)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{UniformRand, Zero};
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn matches_the_portable_trick_for_every_length_and_edge_value() {
        if !crate::simd::enabled() {
            return;
        }
        let mut rng = StdRng::seed_from_u64(21);
        let minus = |k: u64| -Fq::from(k);
        let edges = [Fq::from(1u64), Fq::from(2u64), Fq::from(16u64), minus(1), minus(2), minus(16), Fq::from(1u64 << 63)];
        for n in (0..=40).chain([63, 64, 65, 1000, 4099]) {
            let mut values: Vec<Fq> = (0..n).map(|i| if i % 5 == 0 { edges[i % edges.len()] } else { Fq::rand(&mut rng) }).collect();
            let want: Vec<Fq> = values.iter().map(|v| v.inverse().unwrap()).collect();
            batch_invert(&mut values);
            assert_eq!(values, want, "n = {n}");
            // fully reduced limbs, as arkworks' own operations expect
            assert!(values.iter().all(|v| v.0 < Fq::MODULUS));
        }
    }

    #[test]
    fn a_zero_element_panics_as_the_portable_trick_does() {
        if !crate::simd::enabled() {
            return;
        }
        let mut values: Vec<Fq> = (1..=20u64).map(Fq::from).collect();
        values[13] = Fq::zero();
        let err = std::panic::catch_unwind(move || batch_invert(&mut values)).expect_err("a zero must panic");
        let msg = err.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| err.downcast_ref::<String>().cloned());
        assert!(msg.unwrap_or_default().contains("a zero element"));
    }
}
