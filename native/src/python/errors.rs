//! The core's `Error` kinds as Python exception classes of `zkvct.errors` (each a `ValueError`
//! subclass, so callers that catch `ValueError` keep working). The exception gets an `index`
//! attribute: the position of the offending point or scalar in its buffer, or `None`.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use crate::error::{Error, PointFault};

pyo3::import_exception!(zkvct.errors, PointError);
pyo3::import_exception!(zkvct.errors, ScalarError);
pyo3::import_exception!(zkvct.errors, EncodingLengthError);
pyo3::import_exception!(zkvct.errors, DomainSizeError);

impl From<Error> for PyErr {
    fn from(e: Error) -> PyErr {
        let msg = e.to_string();
        let (err, index) = match e {
            Error::Point { index, .. } => (PointError::new_err(msg), index),
            Error::Scalar { index, .. } => (ScalarError::new_err(msg), index),
            Error::Length(_) => (EncodingLengthError::new_err(msg), None),
            Error::Domain(_) => (DomainSizeError::new_err(msg), None),
            Error::Invalid(_) | Error::Randomness(_) => return PyValueError::new_err(msg),
        };
        Python::with_gil(|py| match err.value(py).setattr("index", index) {
            Ok(()) => err,
            Err(failed) => failed,
        })
    }
}

/// One point failing `fault`, named by `prefix` ("G1 point: ").
pub fn point_err(fault: PointFault, prefix: &str) -> PyErr {
    Error::point(fault).context(prefix).into()
}
