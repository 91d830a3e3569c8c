//! Bindings of the independent scalar multiplications: per-point products, powers scaling,
//! sparse linear combinations, one point times an integer of any length.

use ark_ec::CurveGroup;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::buffer::*;
use crate::batch;
use crate::encoding::{self as enc, Infinity, Trust};
use crate::error::Error;

fn check_same(n_points: usize, n_scalars: usize) -> Result<(), Error> {
    if n_points != n_scalars {
        return Err(Error::Invalid(format!("got {n_points} points and {n_scalars} scalars; they must match")));
    }
    Ok(())
}

/// P_i·s_i for every i (LEM in, LEM out).
#[pyfunction]
fn g1_batch_mul<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let (p, s) = (bytes_view(points, "points")?, bytes_view(scalars, "scalars")?);
    let (ps, ss) = (p.slice(), s.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(ps, Infinity::Allow)?;
            let sc = enc::scalars_fr(ss)?;
            check_same(pts.len(), sc.len())?;
            Ok::<_, Error>(enc::g1_batch_to_lem(&batch::g1_batch_mul(&pts, &sc)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
#[pyo3(signature = (points, scalars, trusted=false))]
fn g2_batch_mul<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (p, s) = (bytes_view(points, "points")?, bytes_view(scalars, "scalars")?);
    let (ps, ss) = (p.slice(), s.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(ps, Infinity::Allow, trust(trusted))?;
            let sc = enc::scalars_fr(ss)?;
            check_same(pts.len(), sc.len())?;
            Ok::<_, Error>(enc::g2_batch_to_lem(&batch::g2_batch_mul(&pts, &sc)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// P_i·(first·step^i) for every i: one ceremony update of a powers-of-tau section.
#[pyfunction]
fn g1_scale_powers<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, first: &Bound<'py, PyAny>, step: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let p = bytes_view(points, "points")?;
    let f = enc::single_scalar(bytes_view(first, "first")?.slice(), "first").map_err(PyErr::from)?;
    let st = enc::single_scalar(bytes_view(step, "step")?.slice(), "step").map_err(PyErr::from)?;
    let ps = p.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(ps, Infinity::Allow)?;
            let sc = batch::powers(f, st, pts.len());
            Ok::<_, Error>(enc::g1_batch_to_lem(&batch::g1_batch_mul(&pts, &sc)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
#[pyo3(signature = (points, first, step, trusted=false))]
fn g2_scale_powers<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, first: &Bound<'py, PyAny>, step: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let p = bytes_view(points, "points")?;
    let f = enc::single_scalar(bytes_view(first, "first")?.slice(), "first").map_err(PyErr::from)?;
    let st = enc::single_scalar(bytes_view(step, "step")?.slice(), "step").map_err(PyErr::from)?;
    let ps = p.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(ps, Infinity::Allow, trust(trusted))?;
            let sc = batch::powers(f, st, pts.len());
            Ok::<_, Error>(enc::g2_batch_to_lem(&batch::g2_batch_mul(&pts, &sc)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

fn lincomb_inputs(
    row_offsets: &Bound<'_, PyAny>,
    wires: &Bound<'_, PyAny>,
) -> PyResult<(Vec<u64>, Vec<u32>)> {
    Ok((u64_vec(row_offsets, "row_offsets")?, u32_vec(wires, "wires")?))
}

/// out[w] = Σ_{rows i} coeff(i,w)·points[i] for w < n_out (CSR rows index the points).
#[pyfunction]
fn g1_sparse_lincomb<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, row_offsets: &Bound<'py, PyAny>, wires: &Bound<'py, PyAny>, coeffs: &Bound<'py, PyAny>, n_out: usize) -> PyResult<Bound<'py, PyBytes>> {
    let (offs, ws) = lincomb_inputs(row_offsets, wires)?;
    let (p, c) = (bytes_view(points, "points")?, bytes_view(coeffs, "coeffs")?);
    let (ps, cs) = (p.slice(), c.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(ps, Infinity::Allow)?;
            let cols = lincomb_columns(&offs, &ws, cs, pts.len(), n_out)?;
            Ok::<_, Error>(enc::g1_batch_to_lem(&batch::g1_sparse_lincomb(&pts, &cols)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
#[pyo3(signature = (points, row_offsets, wires, coeffs, n_out, trusted=false))]
fn g2_sparse_lincomb<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, row_offsets: &Bound<'py, PyAny>, wires: &Bound<'py, PyAny>, coeffs: &Bound<'py, PyAny>, n_out: usize, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (offs, ws) = lincomb_inputs(row_offsets, wires)?;
    let (p, c) = (bytes_view(points, "points")?, bytes_view(coeffs, "coeffs")?);
    let (ps, cs) = (p.slice(), c.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(ps, Infinity::Allow, trust(trusted))?;
            let cols = lincomb_columns(&offs, &ws, cs, pts.len(), n_out)?;
            Ok::<_, Error>(enc::g2_batch_to_lem(&batch::g2_sparse_lincomb(&pts, &cols)))
        })
        .map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// Largest output count accepted by the sparse linear combinations (2^28 wires).
const MAX_OUT: usize = 1 << 28;

/// The CSR rows (one per point) checked and transposed into the output columns.
fn lincomb_columns(offs: &[u64], ws: &[u32], coeffs: &[u8], n_points: usize, n_out: usize) -> Result<batch::Columns, Error> {
    check_rows(offs, n_points)?;
    if n_out > MAX_OUT {
        return Err(Error::Invalid(format!("n_out = {n_out} exceeds the supported maximum {MAX_OUT}")));
    }
    let co = enc::scalars_bigint(coeffs).map_err(|e| e.context("coefficients: "))?;
    Ok(batch::transpose(offs, ws, &co, n_out)?)
}

fn check_rows(offs: &[u64], n_points: usize) -> Result<(), Error> {
    if offs.is_empty() {
        return Err(Error::Invalid("row_offsets must have rows + 1 entries (at least 1)".into()));
    }
    if offs.len() - 1 > n_points {
        return Err(Error::Invalid(format!("{} rows but only {n_points} points", offs.len() - 1)));
    }
    Ok(())
}

/// k·P by plain double-and-add over every bit of k, for integers of any length (arkworks'
/// `mul_bigint` takes at most four limbs) and points outside the prime-order subgroup.
fn mul_any_bits<P: ark_ec::short_weierstrass::SWCurveConfig>(p: ark_ec::short_weierstrass::Affine<P>, limbs: &[u64]) -> ark_ec::short_weierstrass::Projective<P> {
    use ark_ec::AdditiveGroup;
    use ark_ff::Zero;
    let mut acc = ark_ec::short_weierstrass::Projective::<P>::zero();
    for limb in limbs.iter().rev() {
        for bit in (0..64).rev() {
            acc.double_in_place();
            if (limb >> bit) & 1 == 1 {
                acc += &p;
            }
        }
    }
    acc
}

/// Little-endian bytes of any length -> u64 limbs (the scalar of `gX_mul_any`).
fn le_limbs(b: &[u8]) -> Vec<u64> {
    b.chunks(8)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(w)
        })
        .collect()
}

/// k·P for one on-curve G1 point (LEM) and any non-negative integer k (little-endian bytes, any
/// length): the ceremony's one-point key arithmetic, natively (py_ecc needs ~80 ms per G2 product).
#[pyfunction]
fn g1_mul_any<'py>(py: Python<'py>, point: &Bound<'py, PyAny>, k: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g1_from_lem(one_point(&v, enc::G1_BYTES, "G1 point")?, Infinity::Allow)
        .map_err(|f| point_err(f, "G1 point: "))?;
    let kv = bytes_view(k, "k")?;
    let limbs = le_limbs(kv.slice());
    let r = py.allow_threads(|| mul_any_bits(p, &limbs)).into_affine();
    let mut out = vec![0u8; enc::G1_BYTES];
    enc::g1_to_lem(&r, &mut out);
    Ok(PyBytes::new(py, &out))
}

/// k·P for one point of the G2 twist (LEM; on the curve, the subgroup is *not* required: this
/// is what clears the cofactor of a hashed point) and any non-negative integer k.
#[pyfunction]
fn g2_mul_any<'py>(py: Python<'py>, point: &Bound<'py, PyAny>, k: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g2_from_lem(one_point(&v, enc::G2_BYTES, "G2 point")?, Infinity::Allow, Trust::Trusted)
        .map_err(|f| point_err(f, "G2 point: "))?;
    let kv = bytes_view(k, "k")?;
    let limbs = le_limbs(kv.slice());
    let r = py.allow_threads(|| mul_any_bits(p, &limbs)).into_affine();
    let mut out = vec![0u8; enc::G2_BYTES];
    enc::g2_to_lem(&r, &mut out);
    Ok(PyBytes::new(py, &out))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(g1_batch_mul, m)?)?;
    m.add_function(wrap_pyfunction!(g2_batch_mul, m)?)?;
    m.add_function(wrap_pyfunction!(g1_scale_powers, m)?)?;
    m.add_function(wrap_pyfunction!(g2_scale_powers, m)?)?;
    m.add_function(wrap_pyfunction!(g1_sparse_lincomb, m)?)?;
    m.add_function(wrap_pyfunction!(g2_sparse_lincomb, m)?)?;
    m.add_function(wrap_pyfunction!(g1_mul_any, m)?)?;
    m.add_function(wrap_pyfunction!(g2_mul_any, m)?)?;
    Ok(())
}
