//! Binding that reports which kernel implementation runs.

use pyo3::prelude::*;

/// Whether the eight-lane AVX-512 IFMA kernels run in this process (CPU support, and
/// `ZKVCT_NATIVE_SIMD` not set to 0). Reported by the benchmarks; results never depend on it.
#[pyfunction]
fn simd_enabled() -> bool {
    crate::simd::enabled()
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(simd_enabled, m)?)?;
    Ok(())
}
