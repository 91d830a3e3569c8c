//! Canonical decimal strings <-> 256-bit integers.
//!
//! snarkjs writes every number (coordinates, public signals) as a decimal string. A verifier must
//! read exactly one spelling per value: otherwise `x` and `x + r`, or `"07"` and `"7"`, would be
//! different strings for the same field element and anything keyed on them (nullifiers, roots)
//! could be replayed under a second spelling. So the only accepted form is: ASCII digits, no sign,
//! no leading zero (except the single digit `"0"`), value below the modulus the caller names.

use alloc::string::String;
use ark_ff::{BigInt, PrimeField};

use crate::Error;

/// Largest number of decimal digits a 256-bit value can have (2^256 has 78 digits).
const MAX_DIGITS: usize = 78;

/// Parses a canonical decimal string into a 256-bit little-endian limb array.
///
/// `what` names the value in the error (e.g. `"public input 3"`).
pub fn parse_u256(s: &str, what: &str) -> Result<BigInt<4>, Error> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return Err(Error::Decimal(alloc::format!("{what}: empty string; expected a decimal integer")));
    }
    if bytes.len() > MAX_DIGITS {
        return Err(Error::Decimal(alloc::format!(
            "{what}: {} digits; a 256-bit value has at most {MAX_DIGITS}",
            bytes.len()
        )));
    }
    if bytes.len() > 1 && bytes[0] == b'0' {
        return Err(Error::Decimal(alloc::format!(
            "{what}: leading zero in {s:?}; only the canonical spelling is accepted"
        )));
    }
    let mut limbs = [0u64; 4];
    for (i, &c) in bytes.iter().enumerate() {
        if !c.is_ascii_digit() {
            return Err(Error::Decimal(alloc::format!(
                "{what}: character {i} of {s:?} is not a digit 0-9"
            )));
        }
        // limbs = limbs * 10 + digit, with the carry out of the top limb meaning overflow.
        let mut carry = (c - b'0') as u128;
        for limb in limbs.iter_mut() {
            let v = (*limb as u128) * 10 + carry;
            *limb = v as u64;
            carry = v >> 64;
        }
        if carry != 0 {
            return Err(Error::Decimal(alloc::format!("{what}: {s} does not fit in 256 bits")));
        }
    }
    Ok(BigInt::new(limbs))
}

/// Parses a canonical decimal string into a prime-field element, rejecting values >= modulus.
pub fn parse_field<F: PrimeField<BigInt = BigInt<4>>>(s: &str, what: &str) -> Result<F, Error> {
    let v = parse_u256(s, what)?;
    F::from_bigint(v).ok_or_else(|| {
        Error::NotCanonical(alloc::format!(
            "{what}: {s} is not below the field modulus {}",
            to_decimal(&F::MODULUS)
        ))
    })
}

/// Writes a 256-bit value as its canonical decimal string.
pub fn to_decimal(v: &BigInt<4>) -> String {
    let mut limbs = v.0;
    let mut digits = alloc::vec::Vec::with_capacity(MAX_DIGITS);
    loop {
        // Divide the whole number by 10, keeping the remainder.
        let mut rem: u128 = 0;
        for limb in limbs.iter_mut().rev() {
            let cur = (rem << 64) | (*limb as u128);
            *limb = (cur / 10) as u64;
            rem = cur % 10;
        }
        digits.push(b'0' + rem as u8);
        if limbs.iter().all(|&l| l == 0) {
            break;
        }
    }
    digits.reverse();
    // Only ASCII digits were pushed.
    String::from_utf8(digits).unwrap_or_default()
}

/// 32-byte big-endian encoding of a 256-bit value (storage keys, hashes).
pub fn to_be_bytes(v: &BigInt<4>) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, limb) in v.0.iter().enumerate() {
        out[32 - 8 * (i + 1)..32 - 8 * i].copy_from_slice(&limb.to_be_bytes());
    }
    out
}

/// The value if it fits in a u64 (dates, counters), else None.
pub fn to_u64(v: &BigInt<4>) -> Option<u64> {
    if v.0[1] == 0 && v.0[2] == 0 && v.0[3] == 0 {
        Some(v.0[0])
    } else {
        None
    }
}
