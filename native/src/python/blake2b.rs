//! Bindings of BLAKE2b-512 resumable from snarkjs's 216-byte "partialHash" state.

use pyo3::prelude::*;
use pyo3::types::PyBytes;

use super::buffer::*;
use crate::blake2b;

/// Continue BLAKE2b-512 from a 216-byte snarkjs "partialHash" state over `data`; `state=None`
/// starts a fresh hash. Returns the new 216-byte state.
#[pyfunction]
#[pyo3(signature = (state, data))]
fn blake2b_update<'py>(py: Python<'py>, state: Option<&Bound<'py, PyAny>>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut st = match state {
        Some(s) => blake2b::State::from_bytes(bytes_view(s, "state")?.slice()).map_err(PyErr::from)?,
        None => blake2b::State::new(),
    };
    let d = bytes_view(data, "data")?;
    let ds = d.slice();
    let out = py.allow_threads(|| {
        st.update(ds);
        st.to_bytes()
    });
    Ok(PyBytes::new(py, &out))
}

/// The 64-byte BLAKE2b-512 digest of a 216-byte state (`None`: of the empty input).
#[pyfunction]
#[pyo3(signature = (state=None))]
fn blake2b_digest<'py>(py: Python<'py>, state: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyBytes>> {
    let st = match state {
        Some(s) => blake2b::State::from_bytes(bytes_view(s, "state")?.slice()).map_err(PyErr::from)?,
        None => blake2b::State::new(),
    };
    Ok(PyBytes::new(py, &st.digest()))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(blake2b_update, m)?)?;
    m.add_function(wrap_pyfunction!(blake2b_digest, m)?)?;
    Ok(())
}
