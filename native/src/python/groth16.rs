//! Bindings of the Groth16 prover and verifier. The prover takes a `ProvingKey` object: the
//! `.zkey` sections decoded and checked once, reusable for any number of proofs.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyTuple};

use super::buffer::*;
use crate::encoding as enc;
use crate::groth16;

/// A Groth16 proving key decoded from the raw `.zkey` sections (named arguments, LEM layout; see
/// native/README.md). Built once, it holds every point in affine form and the section-4 terms,
/// so `groth16_prove` only computes. `trusted=True` skips the G2 subgroup check of B2 (for a key
/// whose sections were already validated, e.g. by `read_zkey`); coordinates and the curve
/// equation are always checked, and the header points fully.
///
/// A key used for a second proof builds its fixed-base tables in the background (`prepare`;
/// ~1.5x faster MSMs) when they fit in `ZKVCT_PROVER_TABLES_MB` (default 256, 0 = never): a
/// one-shot command never pays for them, a prover that keeps the key does from then on.
#[pyclass(frozen, module = "zkvct._native")]
pub struct ProvingKey {
    key: Arc<groth16::ProvingKey>,
    proofs: AtomicUsize,
}

/// The automatic tables' memory budget in bytes (`ZKVCT_PROVER_TABLES_MB`, default 256).
fn auto_table_budget() -> usize {
    std::env::var("ZKVCT_PROVER_TABLES_MB")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(256)
        .saturating_mul(1 << 20)
}

#[pymethods]
impl ProvingKey {
    #[new]
    #[pyo3(signature = (*, n_vars, n_public, domain_size, coeffs, a, b1, b2, c, h, alpha1, beta1, beta2, delta1, delta2, trusted=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        n_vars: usize, n_public: usize, domain_size: usize,
        coeffs: &Bound<'_, PyAny>,
        a: &Bound<'_, PyAny>, b1: &Bound<'_, PyAny>, b2: &Bound<'_, PyAny>,
        c: &Bound<'_, PyAny>, h: &Bound<'_, PyAny>,
        alpha1: &Bound<'_, PyAny>, beta1: &Bound<'_, PyAny>, beta2: &Bound<'_, PyAny>,
        delta1: &Bound<'_, PyAny>, delta2: &Bound<'_, PyAny>,
        trusted: bool,
    ) -> PyResult<Self> {
        let views = [
            bytes_view(coeffs, "coeffs")?,
            bytes_view(a, "a")?,
            bytes_view(b1, "b1")?,
            bytes_view(b2, "b2")?,
            bytes_view(c, "c")?,
            bytes_view(h, "h")?,
            bytes_view(alpha1, "alpha1")?,
            bytes_view(beta1, "beta1")?,
            bytes_view(beta2, "beta2")?,
            bytes_view(delta1, "delta1")?,
            bytes_view(delta2, "delta2")?,
        ];
        let [coeffs, a, b1, b2, c, h, alpha1, beta1, beta2, delta1, delta2] = views.each_ref().map(|v| v.slice());
        let sections = groth16::Sections {
            n_vars, n_public, domain_size, coeffs, a, b1, b2, c, h, alpha1, beta1, beta2, delta1, delta2,
        };
        let key = py.allow_threads(|| groth16::ProvingKey::new(&sections, trust(trusted)))?;
        Ok(ProvingKey { key: Arc::new(key), proofs: AtomicUsize::new(0) })
    }

    /// Build the fixed-base tables now (blocking, without the GIL) unless they would take more
    /// than `max_bytes`; returns whether the key is prepared.
    #[pyo3(signature = (max_bytes=None))]
    fn prepare(&self, py: Python<'_>, max_bytes: Option<usize>) -> bool {
        if max_bytes.is_some_and(|m| self.key.table_bytes() > m) {
            return self.key.is_prepared();
        }
        py.allow_threads(|| self.key.prepare());
        true
    }

    /// Whether the fixed-base tables are built.
    #[getter]
    fn prepared(&self) -> bool {
        self.key.is_prepared()
    }

    /// Bytes the fixed-base tables take (or would take).
    #[getter]
    fn table_bytes(&self) -> usize {
        self.key.table_bytes()
    }

    #[getter]
    fn n_vars(&self) -> usize {
        self.key.n_vars
    }

    #[getter]
    fn n_public(&self) -> usize {
        self.key.n_public
    }

    #[getter]
    fn domain_size(&self) -> usize {
        self.key.domain_size
    }
}

/// One snarkjs-compatible Groth16 proof; returns (pi_a, pi_b, pi_c) as LEM bytes. `r`/`s` fix
/// the blinding (32-byte scalars, tests only); by default they come from the OS.
#[pyfunction]
#[pyo3(signature = (key, witness, r=None, s=None))]
fn groth16_prove<'py>(
    py: Python<'py>,
    key: &Bound<'py, ProvingKey>,
    witness: &Bound<'py, PyAny>,
    r: Option<&Bound<'py, PyAny>>,
    s: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let wv = bytes_view(witness, "witness")?;
    let blind = |v: Option<&Bound<'py, PyAny>>, nm: &str| -> PyResult<ark_bn254::Fr> {
        Ok(match v {
            Some(o) => enc::single_scalar(bytes_view(o, nm)?.slice(), nm)?,
            None => groth16::random_fr()?,
        })
    };
    let (rr, ss) = (blind(r, "r")?, blind(s, "s")?);
    let this = key.get();
    let pk = &this.key;
    let wit = wv.slice();
    let proof = py.allow_threads(|| groth16::prove(pk, wit, rr, ss))?;
    if this.proofs.fetch_add(1, Ordering::Relaxed) == 1 && !pk.is_prepared() && pk.table_bytes() <= auto_table_budget() {
        let pk = Arc::clone(pk);
        rayon::spawn(move || pk.prepare()); // no Python in it: safe to be cut off at exit
    }
    let a = PyBytes::new(py, &enc::g1_batch_to_lem(&[proof.a]));
    let b = PyBytes::new(py, &enc::g2_batch_to_lem(&[proof.b]));
    let c = PyBytes::new(py, &enc::g1_batch_to_lem(&[proof.c]));
    PyTuple::new(py, [a, b, c])
}

/// Native Groth16 verification with full validation (a `zkvct.errors` class or ValueError on
/// malformed input); a well-formed wrong proof is `False`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn groth16_verify(
    py: Python<'_>,
    alpha1: &Bound<'_, PyAny>, beta2: &Bound<'_, PyAny>, gamma2: &Bound<'_, PyAny>, delta2: &Bound<'_, PyAny>,
    ic_points: &Bound<'_, PyAny>,
    pi_a: &Bound<'_, PyAny>, pi_b: &Bound<'_, PyAny>, pi_c: &Bound<'_, PyAny>,
    publics: &Bound<'_, PyAny>,
) -> PyResult<bool> {
    let views = [
        bytes_view(alpha1, "alpha1")?,
        bytes_view(beta2, "beta2")?,
        bytes_view(gamma2, "gamma2")?,
        bytes_view(delta2, "delta2")?,
        bytes_view(ic_points, "ic_points")?,
        bytes_view(pi_a, "pi_a")?,
        bytes_view(pi_b, "pi_b")?,
        bytes_view(pi_c, "pi_c")?,
        bytes_view(publics, "publics")?,
    ];
    let sl: Vec<&[u8]> = views.iter().map(|v| v.slice()).collect();
    let vk = groth16::VerifyingKey { alpha1: sl[0], beta2: sl[1], gamma2: sl[2], delta2: sl[3], ic: sl[4] };
    py.allow_threads(|| groth16::verify(&vk, sl[5], sl[6], sl[7], sl[8])).map_err(PyErr::from)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ProvingKey>()?;
    m.add_function(wrap_pyfunction!(groth16_prove, m)?)?;
    m.add_function(wrap_pyfunction!(groth16_verify, m)?)?;
    Ok(())
}
