//! Witness check: the first constraint i with <A_i,w>·<B_i,w> != <C_i,w>, rows in parallel.
//!
//! Matrices arrive in CSR form (`zkvct/r1cs.py`): u64 row offsets, u32 wire per term, 32-byte
//! normal-form coefficient per term. Everything is bounds-checked before the arithmetic so a
//! malformed matrix gives an error naming the term, never a panic.

use ark_bn254::Fr;
use ark_ff::{PrimeField, Zero};
use rayon::prelude::*;

use crate::encoding::{scalar_bigint, FR_BYTES};
use crate::error::Error;

pub struct Csr<'a> {
    pub name: &'static str,
    pub offsets: Vec<u64>,
    pub wires: Vec<u32>,
    pub coeffs: &'a [u8],
}

impl Csr<'_> {
    fn check(&self, n_rows: usize, n_wires: usize) -> Result<(), Error> {
        let nm = self.name;
        if self.offsets.len() != n_rows + 1 {
            return Err(Error::Invalid(format!(
                "matrix {nm}: {} row offsets, expected {} (rows + 1)",
                self.offsets.len(),
                n_rows + 1
            )));
        }
        let nnz = self.wires.len();
        if self.coeffs.len() != nnz * FR_BYTES {
            return Err(Error::Length(format!(
                "matrix {nm}: {} coefficient bytes for {nnz} terms (want 32 per term)",
                self.coeffs.len()
            )));
        }
        if self.offsets[0] != 0 || self.offsets[n_rows] as usize != nnz {
            return Err(Error::Invalid(format!("matrix {nm}: row offsets must run from 0 to the term count {nnz}")));
        }
        if let Some(i) = self.offsets.windows(2).position(|w| w[0] > w[1]) {
            return Err(Error::Invalid(format!("matrix {nm}: row offsets decrease at row {i}")));
        }
        if let Some(t) = self.wires.par_iter().position_first(|&w| w as usize >= n_wires) {
            return Err(Error::Invalid(format!(
                "matrix {nm}: term {t} names wire {}, but the witness has {n_wires} values",
                self.wires[t]
            )));
        }
        if let Some(t) = self
            .coeffs
            .par_chunks_exact(FR_BYTES)
            .position_first(|c| scalar_bigint(c).is_err())
        {
            return Err(Error::Scalar { index: Some(t), message: format!("matrix {nm}: coefficient of term {t} is not < r") });
        }
        Ok(())
    }

    #[inline]
    fn dot(&self, row: usize, w: &[Fr]) -> Fr {
        let mut acc = Fr::zero();
        for t in self.offsets[row] as usize..self.offsets[row + 1] as usize {
            let c = Fr::from_bigint(scalar_bigint(&self.coeffs[t * 32..t * 32 + 32]).unwrap()).unwrap();
            acc += c * w[self.wires[t] as usize];
        }
        acc
    }
}

/// Index of the first unsatisfied row, or None when the witness satisfies every constraint.
pub fn first_unsatisfied(a: &Csr, b: &Csr, c: &Csr, witness: &[Fr]) -> Result<Option<usize>, Error> {
    let n_rows = a.offsets.len().saturating_sub(1);
    for m in [a, b, c] {
        m.check(n_rows, witness.len())?;
    }
    Ok((0..n_rows)
        .into_par_iter()
        .with_min_len(256)
        .position_first(|i| a.dot(i, witness) * b.dot(i, witness) != c.dot(i, witness)))
}
