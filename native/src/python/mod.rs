//! PyO3 bindings only: buffer access, argument checks, GIL release, error mapping.
//!
//! One file per kernel family; each registers its own functions (and classes) into the module.
//! Every function accepts any C-contiguous buffer (bytes, bytearray, memoryview, numpy arrays)
//! and returns `bytes`. Heavy work runs inside `py.allow_threads` on rayon's pool.

use pyo3::prelude::*;

mod batch;
mod blake2b;
mod buffer;
mod encoding;
mod errors;
mod fft;
mod groth16;
mod msm;
mod pairing;
mod r1cs;
mod simd;
mod verify;

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    encoding::register(m)?;
    msm::register(m)?;
    fft::register(m)?;
    batch::register(m)?;
    pairing::register(m)?;
    r1cs::register(m)?;
    blake2b::register(m)?;
    groth16::register(m)?;
    verify::register(m)?;
    simd::register(m)
}
