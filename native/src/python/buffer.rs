//! Borrowing Python buffers as slices, and the small argument conversions every family shares.

use pyo3::buffer::{Element, PyBuffer};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

pub use super::errors::point_err;
use crate::encoding::{Infinity, Trust};
use crate::error::Error;

/// A malformed argument the binding itself refuses (not a buffer, wrong Python type).
pub fn verr(e: String) -> PyErr {
    PyValueError::new_err(e)
}

/// A borrowed view of a Python buffer; the slice stays valid while `self` lives.
pub struct View<T: Element> {
    buf: PyBuffer<T>,
}

impl<T: Element> View<T> {
    pub fn new(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let buf = PyBuffer::<T>::get(obj).map_err(|e| {
            PyValueError::new_err(format!("{what}: not a buffer of the expected item type ({e})"))
        })?;
        if !buf.is_c_contiguous() {
            return Err(PyValueError::new_err(format!("{what}: buffer must be C-contiguous")));
        }
        Ok(View { buf })
    }

    pub fn slice(&self) -> &[T] {
        let n = self.buf.item_count();
        if n == 0 {
            return &[];
        }
        // SAFETY: C-contiguous buffer of n items of T, kept alive (and export-locked) by self.buf.
        unsafe { std::slice::from_raw_parts(self.buf.buf_ptr() as *const T, n) }
    }
}

pub fn bytes_view(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<View<u8>> {
    View::<u8>::new(obj, what)
}

/// u64 array: a uint64 buffer, or raw little-endian bytes.
pub fn u64_vec(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u64>> {
    if let Ok(v) = View::<u64>::new(obj, what) {
        return Ok(v.slice().to_vec());
    }
    let b = bytes_view(obj, what)?;
    let s = b.slice();
    if s.len() % 8 != 0 {
        return Err(verr(format!("{what}: {} bytes is not a whole number of uint64 values", s.len())));
    }
    Ok(s.chunks_exact(8).map(|c| u64::from_le_bytes(c.try_into().unwrap())).collect())
}

/// u32 array: a uint32 buffer, or raw little-endian bytes.
pub fn u32_vec(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u32>> {
    if let Ok(v) = View::<u32>::new(obj, what) {
        return Ok(v.slice().to_vec());
    }
    let b = bytes_view(obj, what)?;
    let s = b.slice();
    if s.len() % 4 != 0 {
        return Err(verr(format!("{what}: {} bytes is not a whole number of uint32 values", s.len())));
    }
    Ok(s.chunks_exact(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect())
}

/// Exactly one point's bytes (`size` = 64 for G1, 128 for G2).
pub fn one_point<'a>(v: &'a View<u8>, size: usize, what: &str) -> PyResult<&'a [u8]> {
    let s = v.slice();
    if s.len() != size {
        return Err(Error::expected_bytes(what, size, s.len()).into());
    }
    Ok(s)
}

pub fn inf(allow: bool) -> Infinity {
    if allow {
        Infinity::Allow
    } else {
        Infinity::Reject
    }
}

pub fn trust(trusted: bool) -> Trust {
    if trusted {
        Trust::Trusted
    } else {
        Trust::Checked
    }
}
