//! Bindings of the FFTs over Fr (plain and on snarkjs's odd coset) and over G1/G2 points.

use ark_ec::CurveGroup;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::buffer::*;
use crate::encoding::{self as enc, Infinity};
use crate::error::Error;
use crate::fft;

/// Radix-2 FFT (or inverse) over Fr on the domain of size len(values)/32.
#[pyfunction]
#[pyo3(signature = (values, inverse=false))]
fn fr_fft<'py>(py: Python<'py>, values: &Bound<'py, PyAny>, inverse: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(values, "values")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let mut f = enc::scalars_fr(s)?;
            fft::fft_in_place(&mut f, inverse)?;
            Ok::<_, Error>(enc::frs_to_bytes(&f))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// FFT (or inverse) on the coset g·H, g = `fr_coset_shift(n)` (snarkjs's odd coset ω_{2n}).
#[pyfunction]
#[pyo3(signature = (values, inverse=false))]
fn fr_coset_fft<'py>(py: Python<'py>, values: &Bound<'py, PyAny>, inverse: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(values, "values")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let mut f = enc::scalars_fr(s)?;
            fft::coset_fft_in_place(&mut f, inverse)?;
            Ok::<_, Error>(enc::frs_to_bytes(&f))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// The coset shift g used for a domain of size n (32-byte LE scalar).
#[pyfunction]
fn fr_coset_shift<'py>(py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyBytes>> {
    fft::domain(n).map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &enc::frs_to_bytes(&[fft::coset_shift(n)])))
}

/// The primitive n-th root of unity of the FFT domain of size n (32-byte LE scalar).
#[pyfunction]
fn fr_root_of_unity<'py>(py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyBytes>> {
    use ark_poly::EvaluationDomain;
    let d = fft::domain(n).map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &enc::frs_to_bytes(&[d.group_gen()])))
}

/// FFT (or inverse) over G1 points (LEM in/out, every point checked); the inverse maps [τ^j]G
/// to [L_i(τ)]G.
#[pyfunction]
#[pyo3(signature = (points, inverse=false))]
fn g1_fft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, inverse: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(s, Infinity::Allow)?;
            let mut proj: Vec<ark_bn254::G1Projective> = pts.iter().map(|p| (*p).into()).collect();
            fft::g1_fft_in_place(&mut proj, inverse)?;
            Ok::<_, Error>(enc::g1_batch_to_lem(&ark_bn254::G1Projective::normalize_batch(&proj)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// FFT (or inverse) over G2 points (LEM in/out); `trusted` skips the subgroup check on decode.
#[pyfunction]
#[pyo3(signature = (points, inverse=false, trusted=false))]
fn g2_fft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, inverse: bool, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(s, Infinity::Allow, trust(trusted))?;
            let mut proj: Vec<ark_bn254::G2Projective> = pts.iter().map(|p| (*p).into()).collect();
            fft::g2_fft_in_place(&mut proj, inverse)?;
            Ok::<_, Error>(enc::g2_batch_to_lem(&ark_bn254::G2Projective::normalize_batch(&proj)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// Inverse group FFT (Lagrange basis from powers of tau): `g1_fft(points, inverse=True)`.
#[pyfunction]
fn g1_ifft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    g1_fft(py, points, true)
}

#[pyfunction]
#[pyo3(signature = (points, trusted=false))]
fn g2_ifft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    g2_fft(py, points, true, trusted)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fr_fft, m)?)?;
    m.add_function(wrap_pyfunction!(fr_coset_fft, m)?)?;
    m.add_function(wrap_pyfunction!(fr_coset_shift, m)?)?;
    m.add_function(wrap_pyfunction!(fr_root_of_unity, m)?)?;
    m.add_function(wrap_pyfunction!(g1_fft, m)?)?;
    m.add_function(wrap_pyfunction!(g2_fft, m)?)?;
    m.add_function(wrap_pyfunction!(g1_ifft, m)?)?;
    m.add_function(wrap_pyfunction!(g2_ifft, m)?)?;
    Ok(())
}
