//! Lockstep SIMD kernels: eight independent BN254 scalar multiplications at a time on AVX-512
//! IFMA (`fq8` → `fq2x8` → `jacobian` → `ladder`).
//!
//! Everything here is an accelerator for work the portable code in `glv.rs`/`batch.rs` already
//! does: `enabled()` is checked at run time, and a CPU without AVX-512 IFMA (or a process with
//! `ZKVCT_NATIVE_SIMD=0` in its environment) takes the portable path. Tests compare both paths.

use std::sync::OnceLock;

#[cfg(target_arch = "x86_64")]
pub mod bucket;
#[cfg(target_arch = "x86_64")]
pub mod fq8;
#[cfg(target_arch = "x86_64")]
pub mod fq2x8;
#[cfg(target_arch = "x86_64")]
pub mod invert;
#[cfg(target_arch = "x86_64")]
pub mod jacobian;
#[cfg(target_arch = "x86_64")]
pub mod ladder;

/// Whether the SIMD kernels may run here: the CPU has AVX-512 F/DQ/IFMA and the environment does
/// not say `ZKVCT_NATIVE_SIMD=0`. Decided once per process.
pub fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| {
        if std::env::var("ZKVCT_NATIVE_SIMD").map(|v| v == "0").unwrap_or(false) {
            return false;
        }
        cpu_has_ifma()
    })
}

#[cfg(target_arch = "x86_64")]
fn cpu_has_ifma() -> bool {
    is_x86_feature_detected!("avx512f") && is_x86_feature_detected!("avx512dq") && is_x86_feature_detected!("avx512ifma")
}

#[cfg(not(target_arch = "x86_64"))]
fn cpu_has_ifma() -> bool {
    false
}
