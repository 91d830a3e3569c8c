//! Byte layouts at the Python boundary, decoded with every check a verifier needs.
//!
//! * scalars: 32 bytes little-endian, normal form, canonical (< r): the `.wtns` layout.
//! * "LEM" points: the `.zkey` / `.ptau` section layout. Each base-field coordinate is 32 bytes
//!   little-endian in Montgomery form with R = 2^256; G1 = x‖y, G2 = x.c0‖x.c1‖y.c0‖y.c1; the
//!   point at infinity is all zero bytes. arkworks keeps `Fq` in the same Montgomery form, so a
//!   coordinate decodes by copying limbs (after the `< q` check) with no multiplication.
//! * "uncompressed" points: what snarkjs hashes (wasmcurves `LEMtoU`): normal-form coordinates,
//!   big-endian. For G2 the 64-byte Fq2 element is byte-reversed as a whole, so the order is
//!   x.c1‖x.c0‖y.c1‖y.c0. Infinity encodes as all zeros; on decode, the 0x40 flag in the first
//!   byte (what `UtoLEM` tests) or all zeros both mean infinity.
//!
//! Why the checks matter: a coordinate >= q aliases a smaller one, an off-curve point breaks the
//! group law, and a G2 point outside the order-r subgroup (G2's cofactor is huge) enables
//! small-subgroup attacks on a verifier. `Trust::Trusted` skips only the subgroup check, for point
//! sections of an already verified `.zkey`/`.ptau`.

use ark_bn254::{Fq, Fq2, Fr, G1Affine, G2Affine};
use ark_ff::{BigInt, BigInteger, PrimeField, Zero};
use rayon::prelude::*;

use crate::error::{Error, PointFault};

pub const FR_BYTES: usize = 32;
pub const FQ_BYTES: usize = 32;
pub const G1_BYTES: usize = 64;
pub const G2_BYTES: usize = 128;

/// Whether decoded points get the (costly for G2) prime-order subgroup check.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Trust {
    /// outside data: coordinates < q, on the curve, in the subgroup
    Checked,
    /// a verified `.zkey`/`.ptau` section: coordinates < q and on the curve only
    Trusted,
}

/// How to treat the all-zero encoding.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Infinity {
    Allow,
    Reject,
}

#[inline]
pub fn limbs_le(bytes: &[u8]) -> [u64; 4] {
    let mut l = [0u64; 4];
    for (k, limb) in l.iter_mut().enumerate() {
        *limb = u64::from_le_bytes(bytes[8 * k..8 * k + 8].try_into().unwrap());
    }
    l
}

#[inline]
pub fn limbs_be(bytes: &[u8]) -> [u64; 4] {
    let mut l = [0u64; 4];
    for (k, limb) in l.iter_mut().enumerate() {
        let o = 32 - 8 * (k + 1);
        *limb = u64::from_be_bytes(bytes[o..o + 8].try_into().unwrap());
    }
    l
}

#[inline]
pub fn put_limbs_le(l: &[u64; 4], out: &mut [u8]) {
    for k in 0..4 {
        out[8 * k..8 * k + 8].copy_from_slice(&l[k].to_le_bytes());
    }
}

#[inline]
pub fn put_limbs_be(l: &[u64; 4], out: &mut [u8]) {
    for k in 0..4 {
        let o = 32 - 8 * (k + 1);
        out[o..o + 8].copy_from_slice(&l[k].to_be_bytes());
    }
}

/// Check a buffer holds whole items; `what` names the item ("point", "scalar").
pub fn check_len(buf: &[u8], item: usize, what: &str) -> Result<usize, Error> {
    if buf.len() % item != 0 {
        return Err(Error::Length(format!(
            "buffer of {} bytes is not a whole number of {}s ({} bytes each): truncated or misaligned",
            buf.len(),
            what,
            item
        )));
    }
    Ok(buf.len() / item)
}

// ---------------------------------------------------------------- scalars

/// A scalar in normal form as a BigInt, checked `< r`.
#[inline]
pub fn scalar_bigint(bytes: &[u8]) -> Result<BigInt<4>, Error> {
    let b = BigInt::new(limbs_le(bytes));
    if b >= Fr::MODULUS {
        return Err(Error::scalar());
    }
    Ok(b)
}

/// A scalar in normal form as a field element, checked `< r`.
#[inline]
pub fn scalar_fr(bytes: &[u8]) -> Result<Fr, Error> {
    Ok(Fr::from_bigint(scalar_bigint(bytes)?).unwrap())
}

pub fn put_fr(f: &Fr, out: &mut [u8]) {
    put_limbs_le(&f.into_bigint().0, out);
}

/// Index of the first scalar >= r, or None.
pub fn fr_first_non_canonical(buf: &[u8]) -> Result<Option<usize>, Error> {
    check_len(buf, FR_BYTES, "scalar")?;
    Ok(buf
        .par_chunks_exact(FR_BYTES)
        .position_first(|c| scalar_bigint(c).is_err()))
}

/// Decode scalars (normal form, canonical) into BigInts for MSM.
pub fn scalars_bigint(buf: &[u8]) -> Result<Vec<BigInt<4>>, Error> {
    check_len(buf, FR_BYTES, "scalar")?;
    let out: Vec<Option<BigInt<4>>> = buf
        .par_chunks_exact(FR_BYTES)
        .map(|c| scalar_bigint(c).ok())
        .collect();
    if let Some(i) = out.iter().position(|o| o.is_none()) {
        return Err(Error::scalar_at(i));
    }
    Ok(out.into_iter().map(|o| o.unwrap()).collect())
}

/// Decode scalars (normal form, canonical) into field elements.
pub fn scalars_fr(buf: &[u8]) -> Result<Vec<Fr>, Error> {
    Ok(scalars_bigint(buf)?
        .into_par_iter()
        .map(|b| Fr::from_bigint(b).unwrap())
        .collect())
}

pub fn frs_to_bytes(v: &[Fr]) -> Vec<u8> {
    let mut out = vec![0u8; v.len() * FR_BYTES];
    out.par_chunks_exact_mut(FR_BYTES)
        .zip(v.par_iter())
        .for_each(|(o, f)| put_fr(f, o));
    out
}

// ---------------------------------------------------------------- base field

/// A coordinate in Montgomery form (LEM), checked `< q`.
#[inline]
fn fq_mont(bytes: &[u8]) -> Option<Fq> {
    let b = BigInt::new(limbs_le(bytes));
    if b >= Fq::MODULUS {
        return None;
    }
    Some(Fq::new_unchecked(b))
}

/// A coordinate in normal form, checked `< q`.
#[inline]
fn fq_normal(limbs: [u64; 4]) -> Option<Fq> {
    Fq::from_bigint(BigInt::new(limbs))
}

#[inline]
fn put_fq_mont(f: &Fq, out: &mut [u8]) {
    put_limbs_le(&f.0 .0, out);
}

// ---------------------------------------------------------------- G1

fn finish_g1(x: Fq, y: Fq, inf: Infinity) -> Result<G1Affine, PointFault> {
    if x.is_zero() && y.is_zero() {
        return match inf {
            Infinity::Allow => Ok(G1Affine::identity()),
            Infinity::Reject => Err(PointFault::InfinityNotAllowed),
        };
    }
    let p = G1Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(PointFault::NotOnCurve);
    }
    // G1 has cofactor 1: on the curve means in the prime-order group.
    Ok(p)
}

pub fn g1_from_lem(b: &[u8], inf: Infinity) -> Result<G1Affine, PointFault> {
    let x = fq_mont(&b[0..32]).ok_or(PointFault::CoordinateNotReduced("x"))?;
    let y = fq_mont(&b[32..64]).ok_or(PointFault::CoordinateNotReduced("y"))?;
    finish_g1(x, y, inf)
}

pub fn g1_to_lem(p: &G1Affine, out: &mut [u8]) {
    if p.infinity {
        out[..G1_BYTES].fill(0);
    } else {
        put_fq_mont(&p.x, &mut out[0..32]);
        put_fq_mont(&p.y, &mut out[32..64]);
    }
}

pub fn g1_from_uncompressed(b: &[u8]) -> Result<G1Affine, PointFault> {
    if b[0] & 0x40 != 0 {
        if b[0] != 0x40 || b[1..G1_BYTES].iter().any(|&v| v != 0) {
            return Err(PointFault::InfinityFlagWithData);
        }
        return Ok(G1Affine::identity());
    }
    if b[0] & 0x80 != 0 {
        return Err(PointFault::CompressionFlag);
    }
    let x = fq_normal(limbs_be(&b[0..32])).ok_or(PointFault::CoordinateNotReduced("x"))?;
    let y = fq_normal(limbs_be(&b[32..64])).ok_or(PointFault::CoordinateNotReduced("y"))?;
    finish_g1(x, y, Infinity::Allow)
}

pub fn g1_to_uncompressed(p: &G1Affine, out: &mut [u8]) {
    if p.infinity {
        out[..G1_BYTES].fill(0);
    } else {
        put_limbs_be(&p.x.into_bigint().0, &mut out[0..32]);
        put_limbs_be(&p.y.into_bigint().0, &mut out[32..64]);
    }
}

// ---------------------------------------------------------------- G2

fn finish_g2(x: Fq2, y: Fq2, inf: Infinity, trust: Trust) -> Result<G2Affine, PointFault> {
    if x.is_zero() && y.is_zero() {
        return match inf {
            Infinity::Allow => Ok(G2Affine::identity()),
            Infinity::Reject => Err(PointFault::InfinityNotAllowed),
        };
    }
    let p = G2Affine::new_unchecked(x, y);
    if !p.is_on_curve() {
        return Err(PointFault::NotOnCurve);
    }
    if trust == Trust::Checked && !crate::subgroup::g2_in_subgroup(&p) {
        return Err(PointFault::NotInSubgroup);
    }
    Ok(p)
}

pub fn g2_from_lem(b: &[u8], inf: Infinity, trust: Trust) -> Result<G2Affine, PointFault> {
    let x0 = fq_mont(&b[0..32]).ok_or(PointFault::CoordinateNotReduced("x.c0"))?;
    let x1 = fq_mont(&b[32..64]).ok_or(PointFault::CoordinateNotReduced("x.c1"))?;
    let y0 = fq_mont(&b[64..96]).ok_or(PointFault::CoordinateNotReduced("y.c0"))?;
    let y1 = fq_mont(&b[96..128]).ok_or(PointFault::CoordinateNotReduced("y.c1"))?;
    finish_g2(Fq2::new(x0, x1), Fq2::new(y0, y1), inf, trust)
}

pub fn g2_to_lem(p: &G2Affine, out: &mut [u8]) {
    if p.infinity {
        out[..G2_BYTES].fill(0);
    } else {
        put_fq_mont(&p.x.c0, &mut out[0..32]);
        put_fq_mont(&p.x.c1, &mut out[32..64]);
        put_fq_mont(&p.y.c0, &mut out[64..96]);
        put_fq_mont(&p.y.c1, &mut out[96..128]);
    }
}

pub fn g2_from_uncompressed(b: &[u8]) -> Result<G2Affine, PointFault> {
    if b[0] & 0x40 != 0 {
        if b[0] != 0x40 || b[1..G2_BYTES].iter().any(|&v| v != 0) {
            return Err(PointFault::InfinityFlagWithData);
        }
        return Ok(G2Affine::identity());
    }
    if b[0] & 0x80 != 0 {
        return Err(PointFault::CompressionFlag);
    }
    // big-endian Fq2 = c1 ‖ c0
    let x1 = fq_normal(limbs_be(&b[0..32])).ok_or(PointFault::CoordinateNotReduced("x.c1"))?;
    let x0 = fq_normal(limbs_be(&b[32..64])).ok_or(PointFault::CoordinateNotReduced("x.c0"))?;
    let y1 = fq_normal(limbs_be(&b[64..96])).ok_or(PointFault::CoordinateNotReduced("y.c1"))?;
    let y0 = fq_normal(limbs_be(&b[96..128])).ok_or(PointFault::CoordinateNotReduced("y.c0"))?;
    finish_g2(Fq2::new(x0, x1), Fq2::new(y0, y1), Infinity::Allow, Trust::Checked)
}

pub fn g2_to_uncompressed(p: &G2Affine, out: &mut [u8]) {
    if p.infinity {
        out[..G2_BYTES].fill(0);
    } else {
        put_limbs_be(&p.x.c1.into_bigint().0, &mut out[0..32]);
        put_limbs_be(&p.x.c0.into_bigint().0, &mut out[32..64]);
        put_limbs_be(&p.y.c1.into_bigint().0, &mut out[64..96]);
        put_limbs_be(&p.y.c0.into_bigint().0, &mut out[96..128]);
    }
}

// ---------------------------------------------------------------- affine integer coordinates

/// Normal-form coordinate limbs (for conversion to Python ints); zeros for infinity.
pub fn g1_coords(p: &G1Affine) -> [[u64; 4]; 2] {
    if p.infinity {
        return [[0; 4]; 2];
    }
    [p.x.into_bigint().0, p.y.into_bigint().0]
}

pub fn g1_from_coords(c: [[u64; 4]; 2]) -> Result<G1Affine, PointFault> {
    let x = fq_normal(c[0]).ok_or(PointFault::CoordinateNotReduced("x"))?;
    let y = fq_normal(c[1]).ok_or(PointFault::CoordinateNotReduced("y"))?;
    finish_g1(x, y, Infinity::Allow)
}

/// (x.c0, x.c1, y.c0, y.c1) in normal form; zeros for infinity.
pub fn g2_coords(p: &G2Affine) -> [[u64; 4]; 4] {
    if p.infinity {
        return [[0; 4]; 4];
    }
    [
        p.x.c0.into_bigint().0,
        p.x.c1.into_bigint().0,
        p.y.c0.into_bigint().0,
        p.y.c1.into_bigint().0,
    ]
}

pub fn g2_from_coords(c: [[u64; 4]; 4]) -> Result<G2Affine, PointFault> {
    let x0 = fq_normal(c[0]).ok_or(PointFault::CoordinateNotReduced("x.c0"))?;
    let x1 = fq_normal(c[1]).ok_or(PointFault::CoordinateNotReduced("x.c1"))?;
    let y0 = fq_normal(c[2]).ok_or(PointFault::CoordinateNotReduced("y.c0"))?;
    let y1 = fq_normal(c[3]).ok_or(PointFault::CoordinateNotReduced("y.c1"))?;
    finish_g2(Fq2::new(x0, x1), Fq2::new(y0, y1), Infinity::Allow, Trust::Checked)
}

// ---------------------------------------------------------------- batches

/// Decode a whole LEM section in parallel; the error names the first bad point.
pub fn g1_batch_from_lem(buf: &[u8], inf: Infinity) -> Result<Vec<G1Affine>, Error> {
    check_len(buf, G1_BYTES, "G1 point")?;
    collect_first_err(
        buf.par_chunks_exact(G1_BYTES)
            .map(|c| g1_from_lem(c, inf))
            .collect(),
    )
}

pub fn g2_batch_from_lem(buf: &[u8], inf: Infinity, trust: Trust) -> Result<Vec<G2Affine>, Error> {
    check_len(buf, G2_BYTES, "G2 point")?;
    let decoded: Vec<Result<G2Affine, PointFault>> = buf
        .par_chunks_exact(G2_BYTES)
        .map(|c| g2_from_lem(c, inf, Trust::Trusted))
        .collect();
    if trust == Trust::Trusted {
        return collect_first_err(decoded);
    }
    // the subgroup check runs on the decoded points as a batch (SIMD where available); an error
    // still names the first bad point in file order, whichever check it failed
    let points: Vec<G2Affine> = decoded.iter().map(|r| r.unwrap_or_else(|_| G2Affine::identity())).collect();
    let inside = crate::subgroup::g2_batch_in_subgroup(&points);
    collect_first_err(
        decoded
            .into_iter()
            .zip(inside)
            .map(|(r, ok)| r.and_then(|p| if ok { Ok(p) } else { Err(PointFault::NotInSubgroup) }))
            .collect(),
    )
}

pub fn g1_batch_to_lem(pts: &[G1Affine]) -> Vec<u8> {
    let mut out = vec![0u8; pts.len() * G1_BYTES];
    out.par_chunks_exact_mut(G1_BYTES)
        .zip(pts.par_iter())
        .for_each(|(o, p)| g1_to_lem(p, o));
    out
}

pub fn g2_batch_to_lem(pts: &[G2Affine]) -> Vec<u8> {
    let mut out = vec![0u8; pts.len() * G2_BYTES];
    out.par_chunks_exact_mut(G2_BYTES)
        .zip(pts.par_iter())
        .for_each(|(o, p)| g2_to_lem(p, o));
    out
}

/// Validate every point of a LEM buffer; the error names the first bad one.
pub fn g1_validate(buf: &[u8], inf: Infinity) -> Result<(), Error> {
    check_len(buf, G1_BYTES, "G1 point")?;
    first_err(buf.par_chunks_exact(G1_BYTES).map(|c| g1_from_lem(c, inf).map(|_| ())))
}

pub fn g2_validate(buf: &[u8], inf: Infinity) -> Result<(), Error> {
    g2_batch_from_lem(buf, inf, Trust::Checked).map(|_| ())
}

/// Convert LEM -> uncompressed for n points (checked decode).
pub fn g1_lem_to_uncompressed(buf: &[u8]) -> Result<Vec<u8>, Error> {
    let pts = g1_batch_from_lem(buf, Infinity::Allow)?;
    let mut out = vec![0u8; buf.len()];
    out.par_chunks_exact_mut(G1_BYTES)
        .zip(pts.par_iter())
        .for_each(|(o, p)| g1_to_uncompressed(p, o));
    Ok(out)
}

pub fn g2_lem_to_uncompressed(buf: &[u8], trust: Trust) -> Result<Vec<u8>, Error> {
    let pts = g2_batch_from_lem(buf, Infinity::Allow, trust)?;
    let mut out = vec![0u8; buf.len()];
    out.par_chunks_exact_mut(G2_BYTES)
        .zip(pts.par_iter())
        .for_each(|(o, p)| g2_to_uncompressed(p, o));
    Ok(out)
}

pub fn g1_uncompressed_to_lem(buf: &[u8]) -> Result<Vec<u8>, Error> {
    check_len(buf, G1_BYTES, "G1 point")?;
    let pts = collect_first_err(
        buf.par_chunks_exact(G1_BYTES)
            .map(g1_from_uncompressed)
            .collect(),
    )?;
    Ok(g1_batch_to_lem(&pts))
}

pub fn g2_uncompressed_to_lem(buf: &[u8]) -> Result<Vec<u8>, Error> {
    check_len(buf, G2_BYTES, "G2 point")?;
    let pts = collect_first_err(
        buf.par_chunks_exact(G2_BYTES)
            .map(g2_from_uncompressed)
            .collect(),
    )?;
    Ok(g2_batch_to_lem(&pts))
}

fn collect_first_err<T>(v: Vec<Result<T, PointFault>>) -> Result<Vec<T>, Error> {
    if let Some(i) = v.iter().position(|r| r.is_err()) {
        let e = v.into_iter().nth(i).unwrap().err().unwrap();
        return Err(Error::point_at(i, e));
    }
    Ok(v.into_iter().map(|r| r.ok().unwrap()).collect())
}

fn first_err<I>(it: I) -> Result<(), Error>
where
    I: IndexedParallelIterator<Item = Result<(), PointFault>>,
{
    let v: Vec<Result<(), PointFault>> = it.collect();
    match v.iter().position(|r| r.is_err()) {
        Some(i) => Err(Error::point_at(i, v[i].unwrap_err())),
        None => Ok(()),
    }
}

/// Scalar from bytes given as `first`/`step`/`r`/`s` arguments.
pub fn single_scalar(b: &[u8], what: &str) -> Result<Fr, Error> {
    if b.len() != FR_BYTES {
        return Err(Error::expected_bytes(what, FR_BYTES, b.len()));
    }
    scalar_fr(b).map_err(|e| e.context(&format!("{what}: ")))
}

#[allow(dead_code)]
pub fn bigint_is_zero(b: &BigInt<4>) -> bool {
    b.is_zero()
}
