//! Many independent scalar multiplications: P_i·s_i, P_i·(first·step^i) (ceremony updates), and
//! sparse linear combinations out[w] = Σ_i coeff(i,w)·P_i (setup from Lagrange points).
//!
//! Each product uses the GLV endomorphism with wNAF recoding (`glv.rs`), the projective results are
//! normalised to affine with one batched inversion per chunk, and everything runs on rayon.

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::CurveGroup;
use ark_ff::{BigInt, BigInteger, Field, One, PrimeField, Zero};
use rayon::prelude::*;

use crate::glv;

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

pub fn g1_batch_mul(points: &[G1Affine], scalars: &[Fr]) -> Vec<G1Affine> {
    let proj: Vec<G1Projective> = points
        .par_iter()
        .zip(scalars.par_iter())
        .map(|(p, s)| g1_mul(p, *s))
        .collect();
    normalize_g1(&proj)
}

pub fn g2_batch_mul(points: &[G2Affine], scalars: &[Fr]) -> Vec<G2Affine> {
    let proj: Vec<G2Projective> = points
        .par_iter()
        .zip(scalars.par_iter())
        .map(|(p, s)| g2_mul(p, *s))
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

/// Columns with this many terms or more use an MSM; below, GLV products (or adds for coeff 1).
const MSM_THRESHOLD: usize = 16;

macro_rules! lincomb_impl {
    ($name:ident, $aff:ty, $proj:ty, $mul:ident, $norm:ident) => {
        pub fn $name(points: &[$aff], cols: &Columns) -> Vec<$aff> {
            let n_out = cols.offsets.len() - 1;
            let one = Fr::one().into_bigint();
            let proj: Vec<$proj> = (0..n_out)
                .into_par_iter()
                .map(|w| {
                    let (lo, hi) = (cols.offsets[w], cols.offsets[w + 1]);
                    let rows = &cols.rows[lo..hi];
                    let cs = &cols.coeffs[lo..hi];
                    if hi - lo >= MSM_THRESHOLD {
                        let bases: Vec<$aff> = rows.iter().map(|&r| points[r as usize]).collect();
                        crate::msm::msm(&bases, cs)
                    } else {
                        let mut acc = <$proj>::zero();
                        for (&r, c) in rows.iter().zip(cs) {
                            let p = &points[r as usize];
                            if *c == one {
                                acc += p;
                            } else if !c.is_zero() {
                                acc += $mul(p, Fr::from_bigint(*c).unwrap());
                            }
                        }
                        acc
                    }
                })
                .collect();
            $norm(&proj)
        }
    };
}

lincomb_impl!(g1_sparse_lincomb, G1Affine, G1Projective, g1_mul, normalize_g1);
lincomb_impl!(g2_sparse_lincomb, G2Affine, G2Projective, g2_mul, normalize_g2);
