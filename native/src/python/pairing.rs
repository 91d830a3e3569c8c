//! Binding of the multi-pairing product check.

use pyo3::prelude::*;

use super::buffer::*;
use crate::encoding::{self as enc, Infinity, Trust};
use crate::error::Error;
use crate::pairing;

/// Π e(g1_i, g2_i) == 1, after full validation of every point (infinity allowed).
#[pyfunction]
fn pairing_product_is_one(py: Python<'_>, g1s: &Bound<'_, PyAny>, g2s: &Bound<'_, PyAny>) -> PyResult<bool> {
    let (a, b) = (bytes_view(g1s, "g1s")?, bytes_view(g2s, "g2s")?);
    let (as_, bs) = (a.slice(), b.slice());
    py.allow_threads(|| {
        let p = enc::g1_batch_from_lem(as_, Infinity::Allow).map_err(|e| e.context("g1s "))?;
        let q = enc::g2_batch_from_lem(bs, Infinity::Allow, Trust::Checked).map_err(|e| e.context("g2s "))?;
        if p.len() != q.len() {
            return Err(Error::Invalid(format!("{} G1 points but {} G2 points; they must pair up", p.len(), q.len())));
        }
        Ok(pairing::product_is_one(&p, &q))
    })
    .map_err(PyErr::from)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(pairing_product_is_one, m)?)?;
    Ok(())
}
