//! Bindings of the multi-scalar multiplications: decode the bases (with the checks `trusted`
//! asks for) and the scalars, then `msm::msm`.

use ark_ec::CurveGroup;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::buffer::*;
use crate::encoding::{self as enc, Infinity};
use crate::error::Error;
use crate::msm;

fn check_counts(n_points: usize, n_scalars: usize) -> Result<(), Error> {
    if n_points != n_scalars {
        return Err(Error::Invalid(format!(
            "MSM needs as many scalars as points: got {n_points} points and {n_scalars} scalars"
        )));
    }
    Ok(())
}

/// Σ s_i·P_i over G1 (LEM points, normal-form scalars) -> 64-byte LEM point. Every base is
/// checked (coordinates < q, on the curve); G1 has cofactor 1, so there is no subgroup check to
/// skip and no `trusted` flag.
#[pyfunction]
fn g1_msm<'py>(py: Python<'py>, bases: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let (b, s) = (bytes_view(bases, "bases")?, bytes_view(scalars, "scalars")?);
    let (bs, ss) = (b.slice(), s.slice());
    let out = py
        .allow_threads(|| {
            let s = enc::scalars_bigint(ss)?;
            let p = enc::g1_batch_from_lem(bs, Infinity::Allow)?;
            check_counts(p.len(), s.len())?;
            Ok::<_, Error>(enc::g1_batch_to_lem(&[msm::g1_msm_points(&p, &s).into_affine()]))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// Σ s_i·P_i over G2 -> 128-byte LEM point. `trusted` skips the subgroup check of the bases
/// (coordinates and the curve equation are still checked).
#[pyfunction]
#[pyo3(signature = (bases, scalars, trusted=false))]
fn g2_msm<'py>(py: Python<'py>, bases: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (b, s) = (bytes_view(bases, "bases")?, bytes_view(scalars, "scalars")?);
    let (bs, ss) = (b.slice(), s.slice());
    let out = py
        .allow_threads(|| {
            let s = enc::scalars_bigint(ss)?;
            let p = enc::g2_batch_from_lem(bs, Infinity::Allow, trust(trusted))?;
            check_counts(p.len(), s.len())?;
            Ok::<_, Error>(enc::g2_batch_to_lem(&[msm::g2_msm_points(&p, &s).into_affine()]))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(g1_msm, m)?)?;
    m.add_function(wrap_pyfunction!(g2_msm, m)?)?;
    Ok(())
}
