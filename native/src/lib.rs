//! zkvct-native: the BN254 kernels of zkvct (MSM, FFT, batch scalar multiplication, pairings,
//! snarkjs point encodings, the Groth16 prover/verifier), exposed to Python as `zkvct._native`.
//!
//! Modules have one job each; `python/` holds the bindings only (one file per kernel family). The contract (function names,
//! byte layouts) is documented in docs/DESIGN.md, "`zkvct._native` API".

pub mod batch;
pub mod blake2b;
pub mod bucket;
pub mod encoding;
pub mod error;
pub mod fft;
pub mod final_exp;
pub mod fixed_base;
pub mod glv;
pub mod groth16;
pub mod miller;
pub mod msm;
pub mod msm_table;
pub mod pairing;
mod python;
pub mod r1cs;
pub mod simd;
pub mod spin_join;
pub mod subgroup;
pub mod tower;
pub mod verify_batch;

use pyo3::prelude::*;

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    python::register(m)
}
