//! Bindings of the byte layouts: scalar and point validation, integer coordinates, the
//! snarkjs "uncompressed" form, the generators.

use ark_bn254::{G1Affine, G2Affine};
use ark_ec::AffineRepr;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyTuple};

use super::buffer::*;
use crate::encoding::{self as enc, Infinity, Trust};

fn int_limbs(v: &Bound<'_, PyAny>, what: &str) -> PyResult<[u64; 4]> {
    if !v.is_instance_of::<PyInt>() {
        return Err(verr(format!("{what}: expected an int, got {}", v.get_type().name()?)));
    }
    let b = v.call_method1("to_bytes", (32, "little")).map_err(|_| {
        verr(format!("{what}: integer out of range (allowed 0 <= {what} < q)"))
    })?;
    let b = b.downcast::<PyBytes>()?;
    Ok(enc::limbs_le(b.as_bytes()))
}

fn limbs_int<'py>(py: Python<'py>, l: &[u64; 4]) -> PyResult<Bound<'py, PyAny>> {
    let mut b = [0u8; 32];
    enc::put_limbs_le(l, &mut b);
    py.get_type::<PyInt>().call_method1("from_bytes", (PyBytes::new(py, &b), "little"))
}

/// Index of the first 32-byte scalar >= r, or -1.
#[pyfunction]
fn fr_first_non_canonical(py: Python<'_>, buf: &Bound<'_, PyAny>) -> PyResult<i64> {
    let v = bytes_view(buf, "scalars")?;
    let s = v.slice();
    let r = py.allow_threads(|| enc::fr_first_non_canonical(s)).map_err(PyErr::from)?;
    Ok(r.map(|i| i as i64).unwrap_or(-1))
}

/// Check every LEM G1 point (coords < q, on curve); raise ValueError naming the first bad one.
#[pyfunction]
#[pyo3(signature = (buf, allow_infinity=false))]
fn g1_validate(py: Python<'_>, buf: &Bound<'_, PyAny>, allow_infinity: bool) -> PyResult<()> {
    let v = bytes_view(buf, "points")?;
    let s = v.slice();
    py.allow_threads(|| enc::g1_validate(s, inf(allow_infinity))).map_err(PyErr::from)
}

/// Check every LEM G2 point (coords < q, on curve, in the prime-order subgroup).
#[pyfunction]
#[pyo3(signature = (buf, allow_infinity=false))]
fn g2_validate(py: Python<'_>, buf: &Bound<'_, PyAny>, allow_infinity: bool) -> PyResult<()> {
    let v = bytes_view(buf, "points")?;
    let s = v.slice();
    py.allow_threads(|| enc::g2_validate(s, inf(allow_infinity))).map_err(PyErr::from)
}

/// LEM G1 point -> (x, y) as ints in normal form; infinity -> (0, 0).
#[pyfunction]
fn g1_to_affine_ints<'py>(py: Python<'py>, point: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g1_from_lem(one_point(&v, enc::G1_BYTES, "G1 point")?, Infinity::Allow)
        .map_err(|f| point_err(f, "G1 point: "))?;
    let c = enc::g1_coords(&p);
    PyTuple::new(py, [limbs_int(py, &c[0])?, limbs_int(py, &c[1])?])
}

/// (x, y) ints -> LEM G1 point, checked (on curve); (0, 0) is infinity.
#[pyfunction]
fn g1_from_affine_ints<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, y: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let p = enc::g1_from_coords([int_limbs(x, "x")?, int_limbs(y, "y")?]).map_err(|f| point_err(f, "G1 point: "))?;
    Ok(PyBytes::new(py, &enc::g1_batch_to_lem(&[p])))
}

/// LEM G2 point -> ((x.c0, x.c1), (y.c0, y.c1)) ints; infinity -> zeros.
#[pyfunction]
fn g2_to_affine_ints<'py>(py: Python<'py>, point: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g2_from_lem(one_point(&v, enc::G2_BYTES, "G2 point")?, Infinity::Allow, Trust::Checked)
        .map_err(|f| point_err(f, "G2 point: "))?;
    let c = enc::g2_coords(&p);
    let x = PyTuple::new(py, [limbs_int(py, &c[0])?, limbs_int(py, &c[1])?])?;
    let y = PyTuple::new(py, [limbs_int(py, &c[2])?, limbs_int(py, &c[3])?])?;
    PyTuple::new(py, [x, y])
}

/// ((x.c0, x.c1), (y.c0, y.c1)) ints -> LEM G2 point, checked (curve + subgroup).
#[pyfunction]
fn g2_from_affine_ints<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, y: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let pair = |t: &Bound<'py, PyAny>, nm: &str| -> PyResult<[[u64; 4]; 2]> {
        let (a, b): (Bound<'py, PyAny>, Bound<'py, PyAny>) = t
            .extract()
            .map_err(|_| verr(format!("{nm}: expected a pair (c0, c1) of ints")))?;
        Ok([int_limbs(&a, &format!("{nm}.c0"))?, int_limbs(&b, &format!("{nm}.c1"))?])
    };
    let [x0, x1] = pair(x, "x")?;
    let [y0, y1] = pair(y, "y")?;
    let p = enc::g2_from_coords([x0, x1, y0, y1]).map_err(|f| point_err(f, "G2 point: "))?;
    Ok(PyBytes::new(py, &enc::g2_batch_to_lem(&[p])))
}

/// LEM -> snarkjs "uncompressed" (big-endian normal form) for n G1 points.
#[pyfunction]
fn g1_to_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g1_lem_to_uncompressed(s)).map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// snarkjs "uncompressed" -> LEM for n G1 points (checked).
#[pyfunction]
fn g1_from_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g1_uncompressed_to_lem(s)).map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// LEM -> snarkjs "uncompressed" for n G2 points (order x.c1‖x.c0‖y.c1‖y.c0, big-endian);
/// `trusted` skips the subgroup check (for points this process just computed).
#[pyfunction]
#[pyo3(signature = (points, trusted=false))]
fn g2_to_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g2_lem_to_uncompressed(s, trust(trusted))).map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// snarkjs "uncompressed" -> LEM for n G2 points (checked, including the subgroup).
#[pyfunction]
fn g2_from_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g2_uncompressed_to_lem(s)).map_err(PyErr::from)?;
    Ok(PyBytes::new(py, &out))
}

/// The standard generators (LEM): G1 = (1, 2); G2 = the EIP-197 / snarkjs generator.
#[pyfunction]
fn g1_generator<'py>(py: Python<'py>) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &enc::g1_batch_to_lem(&[G1Affine::generator()]))
}

#[pyfunction]
fn g2_generator<'py>(py: Python<'py>) -> Bound<'py, PyBytes> {
    PyBytes::new(py, &enc::g2_batch_to_lem(&[G2Affine::generator()]))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fr_first_non_canonical, m)?)?;
    m.add_function(wrap_pyfunction!(g1_validate, m)?)?;
    m.add_function(wrap_pyfunction!(g2_validate, m)?)?;
    m.add_function(wrap_pyfunction!(g1_to_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g1_from_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g2_to_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g2_from_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g1_to_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g1_from_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g2_to_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g2_from_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g1_generator, m)?)?;
    m.add_function(wrap_pyfunction!(g2_generator, m)?)?;
    Ok(())
}
