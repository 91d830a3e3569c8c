//! Branch-free arithmetic on BN254 base-field elements in arkworks' own Montgomery form.
//!
//! Why not arkworks' `Fq` operators: its addition, subtraction and the last step of its
//! multiplication reduce with a data-dependent branch (`if self >= p { self -= p }`). For
//! uniformly random operands a sum exceeds p about half of the time, so in real formulas (G2
//! points, Miller-loop lines, Fq12 products, each full of Fq2 additions) the branch is wrong about
//! half of the time. A tight loop adding the same value is predicted well and hides this; the
//! formulas do not (`examples/tower_ops.rs`: Fq2 product 121 → 75 ns, G2 doubling 734 → 529 ns,
//! Fq12 product 2,789 → 1,863 ns on this EPYC). Here every reduction selects with a mask instead.
//! The representation is arkworks' (`Fq.0.0`, little-endian limbs, Montgomery form with
//! R = 2^256), so values cross between the two for free and the tests compare every operation
//! with arkworks'.
//!
//! The product is the "no-carry" CIOS Montgomery multiplication, valid because p's top limb is
//! below 2^63 − 1 (BN254's p < 2^254).

use ark_bn254::Fq;
use ark_ff::{BigInt, Fp};

/// p, little-endian limbs.
pub const P: [u64; 4] = [0x3c208c16d87cfd47, 0x97816a916871ca8d, 0xb85045b68181585d, 0x30644e72e131a029];
/// −p⁻¹ mod 2^64.
const P_INV: u64 = 0x87d20782e4866389;

#[allow(unused_unsafe)]
/// a + b + carry (carry 0 or 1), returning the sum's low word and setting carry to its high bit.
#[inline(always)]
fn adc(a: u64, b: u64, carry: &mut u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut out = 0;
        // SAFETY: plain register arithmetic (the intrinsic exists on every x86_64); `unsafe` for
        // toolchains before the intrinsics became safe functions
        *carry = unsafe { core::arch::x86_64::_addcarry_u64(*carry, a, b, &mut out) };
        out
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let t = a as u128 + b as u128 + *carry as u128;
        *carry = (t >> 64) as u8;
        t as u64
    }
}

#[allow(unused_unsafe)]
/// a − b − borrow (borrow 0 or 1), setting borrow to 1 when it wrapped.
#[inline(always)]
fn sbb(a: u64, b: u64, borrow: &mut u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut out = 0;
        // SAFETY: plain register arithmetic (the intrinsic exists on every x86_64); `unsafe` for
        // toolchains before the intrinsics became safe functions
        *borrow = unsafe { core::arch::x86_64::_subborrow_u64(*borrow, a, b, &mut out) };
        out
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let t = (a as u128).wrapping_sub(b as u128 + *borrow as u128);
        *borrow = ((t >> 64) as u64 & 1) as u8;
        t as u64
    }
}

/// All ones when the flag is set, else zero.
#[inline(always)]
fn mask(flag: u8) -> u64 {
    0u64.wrapping_sub(flag as u64)
}

/// a + b·c + carry, returning the low word and setting carry to the high word.
#[inline(always)]
fn mac(a: u64, b: u64, c: u64, carry: &mut u64) -> u64 {
    let t = a as u128 + (b as u128) * (c as u128) + *carry as u128;
    *carry = (t >> 64) as u64;
    t as u64
}

/// x − p if x ≥ p, else x, for x < 2p; by mask, not by branch.
#[inline(always)]
fn reduce_once(x: [u64; 4]) -> [u64; 4] {
    let mut borrow = 0;
    let y = [sbb(x[0], P[0], &mut borrow), sbb(x[1], P[1], &mut borrow), sbb(x[2], P[2], &mut borrow), sbb(x[3], P[3], &mut borrow)];
    // a borrow means x < p: keep x
    let keep_x = mask(borrow);
    [
        (x[0] & keep_x) | (y[0] & !keep_x),
        (x[1] & keep_x) | (y[1] & !keep_x),
        (x[2] & keep_x) | (y[2] & !keep_x),
        (x[3] & keep_x) | (y[3] & !keep_x),
    ]
}

#[inline(always)]
pub fn limbs(a: &Fq) -> [u64; 4] {
    a.0 .0
}

#[inline(always)]
pub fn from_limbs(x: [u64; 4]) -> Fq {
    Fp(BigInt(x), core::marker::PhantomData)
}

#[inline(always)]
pub fn add(a: &Fq, b: &Fq) -> Fq {
    let (a, b) = (limbs(a), limbs(b));
    let mut c = 0;
    // a + b < 2p < 2^255: no carry out
    let s = [adc(a[0], b[0], &mut c), adc(a[1], b[1], &mut c), adc(a[2], b[2], &mut c), adc(a[3], b[3], &mut c)];
    from_limbs(reduce_once(s))
}

#[inline(always)]
pub fn double(a: &Fq) -> Fq {
    add(a, a)
}

#[inline(always)]
pub fn sub(a: &Fq, b: &Fq) -> Fq {
    let (a, b) = (limbs(a), limbs(b));
    let mut borrow = 0;
    let d = [sbb(a[0], b[0], &mut borrow), sbb(a[1], b[1], &mut borrow), sbb(a[2], b[2], &mut borrow), sbb(a[3], b[3], &mut borrow)];
    // add p back where a < b
    let m = mask(borrow);
    let mut c = 0;
    from_limbs([adc(d[0], P[0] & m, &mut c), adc(d[1], P[1] & m, &mut c), adc(d[2], P[2] & m, &mut c), adc(d[3], P[3] & m, &mut c)])
}

#[inline(always)]
pub fn neg(a: &Fq) -> Fq {
    let x = limbs(a);
    let nonzero = ((x[0] | x[1] | x[2] | x[3]) != 0) as u64;
    let m = 0u64.wrapping_sub(nonzero);
    let mut borrow = 0;
    let d = [sbb(P[0], x[0], &mut borrow), sbb(P[1], x[1], &mut borrow), sbb(P[2], x[2], &mut borrow), sbb(P[3], x[3], &mut borrow)];
    from_limbs([d[0] & m, d[1] & m, d[2] & m, d[3] & m])
}

/// Montgomery product a·b·R⁻¹ mod p (no-carry CIOS, masked final subtraction).
#[inline(always)]
pub fn mul(a: &Fq, b: &Fq) -> Fq {
    let (a, b) = (limbs(a), limbs(b));
    let mut t = [0u64; 4];
    for i in 0..4 {
        let mut hi_a = 0;
        let t0 = mac(t[0], a[0], b[i], &mut hi_a);
        let m = t0.wrapping_mul(P_INV);
        let mut hi_c = 0;
        mac(t0, m, P[0], &mut hi_c);
        for j in 1..4 {
            let tj = mac(t[j], a[j], b[i], &mut hi_a);
            t[j - 1] = mac(tj, m, P[j], &mut hi_c);
        }
        t[3] = hi_c + hi_a;
    }
    from_limbs(reduce_once(t))
}

/// a + b as integers, not reduced (below 2p < 2^255 for field elements).
#[inline(always)]
pub fn add_unreduced(a: &Fq, b: &Fq) -> [u64; 4] {
    let (a, b) = (limbs(a), limbs(b));
    let mut c = 0;
    core::array::from_fn(|i| adc(a[i], b[i], &mut c))
}

/// The full 512-bit product a·b of two 4-limb values (no reduction), little-endian.
#[inline(always)]
pub fn mul_wide(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    let mut t = [0u64; 8];
    for i in 0..4 {
        let mut carry = 0;
        for j in 0..4 {
            t[i + j] = mac(t[i + j], a[i], b[j], &mut carry);
        }
        t[i + 4] = carry;
    }
    t
}

/// x + y on 512-bit values (no overflow for the callers' bounds).
#[inline(always)]
pub fn add_wide(x: &[u64; 8], y: &[u64; 8]) -> [u64; 8] {
    let mut c = 0;
    core::array::from_fn(|i| adc(x[i], y[i], &mut c))
}

/// x − y on 512-bit values (x ≥ y at the callers).
#[inline(always)]
pub fn sub_wide(x: &[u64; 8], y: &[u64; 8]) -> [u64; 8] {
    let mut b = 0;
    core::array::from_fn(|i| sbb(x[i], y[i], &mut b))
}

/// p², the offset that keeps a difference of two products non-negative.
pub const P_SQUARED: [u64; 8] = [
    0x3b5458a2275d69b1, 0xa602072d09eac101, 0x4a50189c6d96cadc, 0x04689e957a1242c8,
    0x26edfa5c34c6b38d, 0xb00b855116375606, 0x599a6f7c0348d21c, 0x0925c4b8763cbf9c,
];

/// Montgomery reduction t·R⁻¹ mod p of a 512-bit t < p·R: the result is below p.
#[inline(always)]
pub fn redc(t: &[u64; 8]) -> Fq {
    let mut t = *t;
    let mut top = 0u8; // carry beyond the limb being folded in
    for i in 0..4 {
        let m = t[i].wrapping_mul(P_INV);
        let mut carry = 0;
        mac(t[i], m, P[0], &mut carry);
        for j in 1..4 {
            t[i + j] = mac(t[i + j], m, P[j], &mut carry);
        }
        // add the row's carry and the previous row's overflow into limb i + 4
        let mut c = top;
        t[i + 4] = adc(t[i + 4], carry, &mut c);
        top = c;
    }
    // t < p·R + p·R, so t / R < 2p: one masked subtraction
    debug_assert_eq!(top, 0);
    from_limbs(reduce_once([t[4], t[5], t[6], t[7]]))
}

/// a² as the wide square (each cross product once, then doubled: 10 word products instead of
/// 16) and one Montgomery reduction; a² < p² < p·R, as `redc` requires.
#[inline(always)]
pub fn square(a: &Fq) -> Fq {
    redc(&square_wide(&limbs(a)))
}

/// The full 512-bit square of a 4-limb value (no reduction), little-endian.
#[inline(always)]
pub fn square_wide(x: &[u64; 4]) -> [u64; 8] {
    let mut t = [0u64; 8];
    // cross products x_i·x_j, i < j
    for i in 0..3 {
        let mut carry = 0;
        for j in i + 1..4 {
            t[i + j] = mac(t[i + j], x[i], x[j], &mut carry);
        }
        t[i + 4] = carry;
    }
    // doubled (the top bit of the cross sum is zero: it is below 2^511)
    for k in (1..8).rev() {
        t[k] = (t[k] << 1) | (t[k - 1] >> 63);
    }
    t[0] <<= 1;
    // plus the squares x_i² on the diagonal
    let mut c = 0u8;
    for i in 0..4 {
        let sq = (x[i] as u128) * (x[i] as u128);
        t[2 * i] = adc(t[2 * i], sq as u64, &mut c);
        t[2 * i + 1] = adc(t[2 * i + 1], (sq >> 64) as u64, &mut c);
    }
    debug_assert_eq!(c, 0);
    t
}

/// Every element replaced by its inverse (all must be non-zero) with one field inversion
/// (Montgomery's trick: prefix products, one inversion, a walk back; 3 products per element).
/// `prefix` is the caller's scratch space. From [`SIMD_INVERT_MIN`] elements on a CPU with
/// AVX-512 IFMA, eight interleaved chains (`simd::invert`) do the products.
pub fn batch_invert(values: &mut [Fq], prefix: &mut Vec<Fq>) {
    #[cfg(target_arch = "x86_64")]
    if values.len() >= SIMD_INVERT_MIN && crate::simd::enabled() {
        return crate::simd::invert::batch_invert(values);
    }
    batch_invert_portable(values, prefix)
}

/// Below this many elements the portable trick is used: the SIMD chains pay a fixed cost (eight
/// lane totals, their portable inversion) that a handful of elements does not repay.
pub const SIMD_INVERT_MIN: usize = 32;

/// Montgomery's trick one element at a time (any CPU).
pub fn batch_invert_portable(values: &mut [Fq], prefix: &mut Vec<Fq>) {
    prefix.clear();
    let mut run = Fq::from(1u64);
    for v in values.iter() {
        prefix.push(run);
        run = mul(&run, v);
    }
    let mut inv = ark_ff::Field::inverse(&run).expect("batch_invert: a zero element");
    for (v, before) in values.iter_mut().zip(prefix.iter()).rev() {
        let this = mul(&inv, before);
        inv = mul(&inv, v);
        *v = this;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ff::{Field, MontConfig, PrimeField, UniformRand, Zero};
    use ark_std::rand::{Rng, SeedableRng};

    fn edge_values() -> Vec<Fq> {
        let minus = |k: u64| -Fq::from(k);
        vec![Fq::zero(), Fq::from(1u64), Fq::from(2u64), minus(1), minus(2), Fq::from(1u64 << 63), minus(1u64 << 63)]
    }

    #[test]
    fn constants_are_ark_bn254s() {
        assert_eq!(BigInt(P), <ark_bn254::FqConfig as MontConfig<4>>::MODULUS);
        assert_eq!(BigInt(P), Fq::MODULUS);
        assert_eq!(P_INV, <ark_bn254::FqConfig as MontConfig<4>>::INV);
    }

    #[test]
    fn p_squared_is_p_times_p() {
        assert_eq!(mul_wide(&P, &P), P_SQUARED);
        assert_eq!(square_wide(&P), P_SQUARED);
    }

    #[test]
    fn wide_square_is_the_wide_product() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(6);
        let mut words: Vec<[u64; 4]> = (0..200).map(|_| [rng.gen(), rng.gen(), rng.gen(), rng.gen::<u64>() >> 1]).collect();
        words.extend([[u64::MAX; 4], [u64::MAX, u64::MAX, u64::MAX, u64::MAX >> 1], [0; 4], [1, 0, 0, 0], [u64::MAX, 0, u64::MAX, 0]]);
        for w in &words {
            assert_eq!(square_wide(w), mul_wide(w, w), "{w:?}");
        }
    }

    #[test]
    fn wide_product_then_reduction_is_the_montgomery_product() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(5);
        let top = from_limbs([P[0] - 1, P[1], P[2], P[3]]);
        let mut values: Vec<Fq> = (0..100).map(|_| Fq::rand(&mut rng)).collect();
        values.extend(edge_values());
        values.push(top);
        for a in &values {
            for b in values.iter().step_by(3) {
                assert_eq!(redc(&mul_wide(&limbs(a), &limbs(b))), *a * b);
            }
        }
        // the largest input the Fq2 product feeds it: p² + (p−1)² − 0 and (2p−2)²
        let two_p_minus_2 = [2 * (P[0] - 1), (P[1] << 1) | (P[0] >> 63), (P[2] << 1) | (P[1] >> 63), (P[3] << 1) | (P[2] >> 63)];
        let wide = mul_wide(&two_p_minus_2, &two_p_minus_2);
        let want = (top + top) * (top + top);
        assert_eq!(redc(&wide), want);
        assert_eq!(redc(&add_wide(&P_SQUARED, &mul_wide(&limbs(&top), &limbs(&top)))), top * top);
    }

    #[test]
    fn every_operation_equals_arkworks() {
        let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(7);
        let mut values = edge_values();
        values.extend((0..200).map(|_| Fq::rand(&mut rng)));
        // elements with extreme limbs: just below p, powers of two
        values.push(from_limbs([P[0] - 1, P[1], P[2], P[3]]));
        for _ in 0..50 {
            values.push(Fq::from(rng.gen::<u64>()));
        }
        for a in &values {
            assert_eq!(neg(a), -*a);
            assert_eq!(double(a), *a + a);
            assert_eq!(square(a), a.square());
            for b in values.iter().step_by(7) {
                assert_eq!(add(a, b), *a + b);
                assert_eq!(sub(a, b), *a - b);
                assert_eq!(mul(a, b), *a * b);
            }
        }
    }

    #[test]
    fn results_stay_canonical() {
        // the largest representative, p − 1 in Montgomery form
    let top = from_limbs([P[0] - 1, P[1], P[2], P[3]]);
        let r = add(&top, &top);
        assert!(r.0 < Fq::MODULUS);
        assert_eq!(r, top + top);
        assert_eq!(sub(&Fq::zero(), &top), from_limbs([1, 0, 0, 0]));
    assert_eq!(neg(&top), from_limbs([1, 0, 0, 0]));
        assert!(mul(&top, &top).0 < Fq::MODULUS);
    }
}
