//! Binding of the R1CS satisfaction check.

use pyo3::prelude::*;

use super::buffer::*;
use crate::encoding as enc;
use crate::r1cs;

/// First constraint index with A·B != C, or -1 (CSR matrices as in zkvct/r1cs.py).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn r1cs_first_unsatisfied(
    py: Python<'_>,
    a_offsets: &Bound<'_, PyAny>, a_wires: &Bound<'_, PyAny>, a_coeffs: &Bound<'_, PyAny>,
    b_offsets: &Bound<'_, PyAny>, b_wires: &Bound<'_, PyAny>, b_coeffs: &Bound<'_, PyAny>,
    c_offsets: &Bound<'_, PyAny>, c_wires: &Bound<'_, PyAny>, c_coeffs: &Bound<'_, PyAny>,
    witness: &Bound<'_, PyAny>,
) -> PyResult<i64> {
    let (ac, bc, cc, wv) = (
        bytes_view(a_coeffs, "A coeffs")?,
        bytes_view(b_coeffs, "B coeffs")?,
        bytes_view(c_coeffs, "C coeffs")?,
        bytes_view(witness, "witness")?,
    );
    let a = r1cs::Csr { name: "A", offsets: u64_vec(a_offsets, "A offsets")?, wires: u32_vec(a_wires, "A wires")?, coeffs: ac.slice() };
    let b = r1cs::Csr { name: "B", offsets: u64_vec(b_offsets, "B offsets")?, wires: u32_vec(b_wires, "B wires")?, coeffs: bc.slice() };
    let c = r1cs::Csr { name: "C", offsets: u64_vec(c_offsets, "C offsets")?, wires: u32_vec(c_wires, "C wires")?, coeffs: cc.slice() };
    let ws = wv.slice();
    let r = py
        .allow_threads(|| {
            let w = enc::scalars_fr(ws).map_err(|e| e.context("witness: "))?;
            r1cs::first_unsatisfied(&a, &b, &c, &w)
        })
        .map_err(PyErr::from)?;
    Ok(r.map(|i| i as i64).unwrap_or(-1))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(r1cs_first_unsatisfied, m)?)?;
    Ok(())
}
