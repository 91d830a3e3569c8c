//! Many independent scalar multiplications: P_i·s_i, P_i·(first·step^i) (ceremony updates), and
//! sparse linear combinations out[w] = Σ_i coeff(i,w)·P_i (setup from Lagrange points).
//!
//! Each product uses the GLV endomorphism with wNAF recoding (`glv.rs`), the projective results are
//! normalised to affine with one batched inversion per chunk, and everything runs on rayon.

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::{BigInt, BigInteger, Field, PrimeField, Zero};
use rayon::prelude::*;

use crate::glv;
use crate::tower::curve;
use crate::tower::ops::TowerField;

const CHUNK: usize = 1024;

pub fn g1_mul(p: &G1Affine, s: Fr) -> G1Projective {
    glv::mul(&G1Projective::from(*p), s)
}

pub fn g2_mul(p: &G2Affine, s: Fr) -> G2Projective {
    glv::mul(&G2Projective::from(*p), s)
}

fn normalize_g1(v: &[G1Projective]) -> Vec<G1Affine> {
    v.par_chunks(CHUNK).flat_map_iter(|c| G1Projective::normalize_batch(c)).collect()
}

fn normalize_g2(v: &[G2Projective]) -> Vec<G2Affine> {
    v.par_chunks(CHUNK).flat_map_iter(|c| G2Projective::normalize_batch(c)).collect()
}

/// Points per `mul_chunk_*` call: their tables (8 affine points each) share one inversion.
pub(crate) const MUL_CHUNK: usize = 256;

/// Points per parallel chunk for a batch of `n` per-point jobs (products, subgroup tests): at most
/// `MUL_CHUNK`, but small enough that every thread gets work (with fixed chunks of 256 a batch of
/// 256 ran on one core), two chunks per thread so a busy core can be helped, and a multiple of 8
/// (the SIMD lanes).
pub(crate) fn chunk_len(n: usize) -> usize {
    let per_chunk = n.div_ceil(2 * rayon::current_num_threads().max(1));
    per_chunk.next_multiple_of(8).clamp(8, MUL_CHUNK)
}

/// k_i·P_i for one chunk: eight lanes at a time on AVX-512 IFMA where the CPU has it
/// (`simd::ladder`), else the portable GLV ladder. Both give the same points (tests compare them).
pub fn mul_chunk_g1(p: &[G1Affine], s: &[Fr]) -> Vec<G1Projective> {
    #[cfg(target_arch = "x86_64")]
    if crate::simd::enabled() {
        return crate::simd::ladder::mul_many(p, s);
    }
    glv::mul_many(p, s)
}

/// As `mul_chunk_g1`, for G2.
pub fn mul_chunk_g2(p: &[G2Affine], s: &[Fr]) -> Vec<G2Projective> {
    #[cfg(target_arch = "x86_64")]
    if crate::simd::enabled() {
        return crate::simd::ladder::mul_many(p, s);
    }
    glv::mul_many(p, s)
}

pub fn g1_batch_mul(points: &[G1Affine], scalars: &[Fr]) -> Vec<G1Affine> {
    let len = chunk_len(points.len());
    let proj: Vec<G1Projective> = points
        .par_chunks(len)
        .zip(scalars.par_chunks(len))
        .flat_map_iter(|(p, s)| mul_chunk_g1(p, s))
        .collect();
    normalize_g1(&proj)
}

pub fn g2_batch_mul(points: &[G2Affine], scalars: &[Fr]) -> Vec<G2Affine> {
    let len = chunk_len(points.len());
    let proj: Vec<G2Projective> = points
        .par_chunks(len)
        .zip(scalars.par_chunks(len))
        .flat_map_iter(|(p, s)| mul_chunk_g2(p, s))
        .collect();
    normalize_g2(&proj)
}

/// first·step^i for i in 0..n, computed in parallel chunks (each chunk starts from a `pow`).
pub fn powers(first: Fr, step: Fr, n: usize) -> Vec<Fr> {
    let mut out = vec![Fr::zero(); n];
    out.par_chunks_mut(CHUNK).enumerate().for_each(|(k, chunk)| {
        let mut cur = first * step.pow([(k * CHUNK) as u64]);
        for v in chunk.iter_mut() {
            *v = cur;
            cur *= step;
        }
    });
    out
}

/// CSR matrix (rows = input points) transposed into per-output-column term lists.
pub struct Columns {
    /// offsets into `rows`/`coeffs`, length n_out + 1
    pub offsets: Vec<usize>,
    pub rows: Vec<u32>,
    pub coeffs: Vec<BigInt<4>>,
}

/// Transpose CSR (row_offsets over rows, wire per term, coefficient per term) by counting sort.
pub fn transpose(
    row_offsets: &[u64],
    wires: &[u32],
    coeffs: &[BigInt<4>],
    n_out: usize,
) -> Result<Columns, String> {
    let nnz = wires.len();
    if coeffs.len() != nnz {
        return Err(format!("{} wires but {} coefficients", nnz, coeffs.len()));
    }
    if row_offsets.is_empty() || row_offsets[0] != 0 || *row_offsets.last().unwrap() as usize != nnz {
        return Err(format!("row offsets must start at 0 and end at the term count {nnz}"));
    }
    if let Some(i) = row_offsets.windows(2).position(|w| w[0] > w[1]) {
        return Err(format!("row offsets decrease at row {i}"));
    }
    let mut counts = vec![0usize; n_out + 1];
    for (t, &w) in wires.iter().enumerate() {
        if w as usize >= n_out {
            return Err(format!("term {t}: wire {w} is out of range (n_out = {n_out})"));
        }
        counts[w as usize + 1] += 1;
    }
    for i in 0..n_out {
        counts[i + 1] += counts[i];
    }
    let offsets = counts.clone();
    let mut fill = counts;
    let mut rows = vec![0u32; nnz];
    let mut cs = vec![BigInt::<4>::zero(); nnz];
    for r in 0..row_offsets.len() - 1 {
        for t in row_offsets[r] as usize..row_offsets[r + 1] as usize {
            let w = wires[t] as usize;
            let pos = fill[w];
            fill[w] += 1;
            rows[pos] = r as u32;
            cs[pos] = coeffs[t];
        }
    }
    Ok(Columns { offsets, rows, coeffs: cs })
}

/// Columns with this many terms or more use an MSM; below, term-by-term products.
const MSM_THRESHOLD: usize = 16;

/// A coefficient c as a signed magnitude: (negate, |c|) with |c| = min(c, r − c), so r − 1 (the
/// −1 that every subtraction in a circuit produces) becomes (true, 1) and −k becomes (true, k).
#[inline]
pub(crate) fn signed_coeff(c: &BigInt<4>) -> (bool, BigInt<4>) {
    let half = Fr::MODULUS_MINUS_ONE_DIV_TWO;
    if *c > half {
        let mut m = Fr::MODULUS;
        m.sub_with_borrow(c);
        (true, m)
    } else {
        (false, *c)
    }
}

/// k·p for a magnitude below 2^64 by left-to-right double-and-add with mixed additions: 2, 3,
/// 2^k (the small constants of range checks and packing) cost a handful of group operations
/// instead of a full 128-bit GLV ladder.
#[inline]
fn small_mul<P: SWCurveConfig<BaseField: TowerField>>(p: &Affine<P>, k: u64) -> Projective<P> {
    let mut acc = Projective::<P>::zero();
    if k == 0 {
        return acc;
    }
    let top = 63 - k.leading_zeros();
    acc = curve::add_mixed(&acc, p);
    for bit in (0..top).rev() {
        acc = curve::double(&acc);
        if (k >> bit) & 1 == 1 {
            acc = curve::add_mixed(&acc, p);
        }
    }
    acc
}

/// c·p for any canonical coefficient: ±1 by addition, |c| < 2^64 by `small_mul`, else GLV.
#[inline]
fn coeff_mul<P: GLVConfig<ScalarField = Fr, BaseField: TowerField>>(p: &Affine<P>, c: &BigInt<4>) -> Projective<P> {
    if c.is_zero() {
        return Projective::<P>::zero();
    }
    let (neg, m) = signed_coeff(c);
    let r = if m.0[1] == 0 && m.0[2] == 0 && m.0[3] == 0 {
        small_mul(p, m.0[0])
    } else {
        return glv::mul(&Projective::<P>::from(*p), Fr::from_bigint(*c).expect("canonical coefficient"));
    };
    if neg {
        -r
    } else {
        r
    }
}

/// One output column: Σ coeff·points[row]. Long columns go to the MSM with every coefficient
/// reduced to its signed magnitude (the base negated instead), so −1 and −k become the cheap
/// scalars 1 and k: the MSM then adds the ±1 terms directly and its high windows stay empty.
fn column<P: GLVConfig<ScalarField = Fr>>(points: &[Affine<P>], rows: &[u32], cs: &[BigInt<4>]) -> Projective<P>
where
    Projective<P>: VariableBaseMSM<MulBase = Affine<P>, ScalarField = Fr>,
    P::BaseField: TowerField,
{
    if rows.len() >= MSM_THRESHOLD {
        let mut bases = Vec::with_capacity(rows.len());
        let mut scalars = Vec::with_capacity(rows.len());
        for (&r, c) in rows.iter().zip(cs) {
            if c.is_zero() {
                continue;
            }
            let (neg, m) = signed_coeff(c);
            let p = points[r as usize];
            bases.push(if neg { -p } else { p });
            scalars.push(m);
        }
        crate::msm::msm(&bases, &scalars)
    } else {
        let mut acc = Projective::<P>::zero();
        for (&r, c) in rows.iter().zip(cs) {
            let p = &points[r as usize];
            if *c == ONE {
                acc = curve::add_mixed(&acc, p);
            } else {
                acc = curve::add(&acc, &coeff_mul(p, c));
            }
        }
        acc
    }
}

const ONE: BigInt<4> = BigInt::new([1, 0, 0, 0]);

macro_rules! lincomb_impl {
    ($name:ident, $aff:ty, $proj:ty, $norm:ident) => {
        /// out[w] = Σ_rows coeff·points[row], parallel over the output columns.
        pub fn $name(points: &[$aff], cols: &Columns) -> Vec<$aff> {
            let n_out = cols.offsets.len() - 1;
            let proj: Vec<$proj> = (0..n_out)
                .into_par_iter()
                .with_min_len(16)
                .map(|w| {
                    let (lo, hi) = (cols.offsets[w], cols.offsets[w + 1]);
                    column(points, &cols.rows[lo..hi], &cols.coeffs[lo..hi])
                })
                .collect();
            $norm(&proj)
        }
    };
}

lincomb_impl!(g1_sparse_lincomb, G1Affine, G1Projective, normalize_g1);
lincomb_impl!(g2_sparse_lincomb, G2Affine, G2Projective, normalize_g2);

#[cfg(test)]
mod tests {
    use super::*;
    use ark_ec::PrimeGroup;
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, Rng, SeedableRng};

    fn coeff_cases(rng: &mut StdRng) -> Vec<Fr> {
        vec![
            Fr::from(0u64),
            Fr::from(1u64),
            -Fr::from(1u64),
            Fr::from(2u64),
            -Fr::from(2u64),
            Fr::from(3u64),
            Fr::from(1u64 << 32),
            Fr::from(u64::MAX),
            -Fr::from(u64::MAX),
            Fr::from(u64::MAX) + Fr::from(1u64), // 2^64: just past the small path
            -(Fr::from(u64::MAX) + Fr::from(1u64)),
            Fr::rand(rng),
            Fr::from_bigint(Fr::MODULUS_MINUS_ONE_DIV_TWO).unwrap(),
            Fr::from_bigint(Fr::MODULUS_MINUS_ONE_DIV_TWO).unwrap() + Fr::from(1u64),
        ]
    }

    #[test]
    fn coeff_mul_matches_plain_multiplication() {
        let mut rng = StdRng::seed_from_u64(5);
        let p1 = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
        let p2 = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
        for c in coeff_cases(&mut rng) {
            assert_eq!(coeff_mul(&p1, &c.into_bigint()), p1 * c, "G1 coefficient {c}");
            assert_eq!(coeff_mul(&p2, &c.into_bigint()), p2 * c, "G2 coefficient {c}");
            assert!(coeff_mul(&G1Affine::identity(), &c.into_bigint()).is_zero());
        }
    }

    #[test]
    fn lincomb_matches_naive_short_and_long_columns() {
        let mut rng = StdRng::seed_from_u64(6);
        let n_rows = 40;
        let pts1: Vec<G1Affine> = (0..n_rows).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let pts2: Vec<G2Affine> = (0..n_rows).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
        let cases = coeff_cases(&mut rng);
        // column 0 long (every row), column 1 short, column 2 empty, column 3 long and mostly ±1
        let mut offs = vec![0u64];
        let (mut wires, mut coeffs) = (Vec::new(), Vec::new());
        for r in 0..n_rows {
            wires.push(0u32);
            coeffs.push(cases[rng.gen_range(0..cases.len())].into_bigint());
            if r % 5 == 0 {
                wires.push(1);
                coeffs.push(cases[r % cases.len()].into_bigint());
            }
            wires.push(3);
            coeffs.push(if r % 4 == 0 { Fr::rand(&mut rng) } else if r % 2 == 0 { -Fr::from(1u64) } else { Fr::from(1u64) }.into_bigint());
            offs.push(wires.len() as u64);
        }
        let cols = transpose(&offs, &wires, &coeffs, 4).unwrap();
        let got1 = g1_sparse_lincomb(&pts1, &cols);
        let got2 = g2_sparse_lincomb(&pts2, &cols);
        for w in 0..4 {
            let (mut want1, mut want2) = (G1Projective::zero(), G2Projective::zero());
            for r in 0..n_rows {
                for t in offs[r] as usize..offs[r + 1] as usize {
                    if wires[t] as usize == w {
                        let c = Fr::from_bigint(coeffs[t]).unwrap();
                        want1 += pts1[r] * c;
                        want2 += pts2[r] * c;
                    }
                }
            }
            assert_eq!(got1[w], want1.into_affine(), "G1 column {w}");
            assert_eq!(got2[w], want2.into_affine(), "G2 column {w}");
        }
    }
}
