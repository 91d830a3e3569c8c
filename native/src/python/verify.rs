//! Bindings of verification against a prepared key: `PreparedVerifyingKey` (the key's points
//! checked once, e(α, β) and the lines of −γ, −δ precomputed), its single `verify` and its
//! `batch_verify` of many proofs of one statement (see `verify_batch.rs` for the soundness
//! argument of the random coefficients).

use pyo3::prelude::*;

use super::buffer::*;
use crate::groth16::VerifyingKey;
use crate::verify_batch;

/// A Groth16 verification key checked once and prepared for many verifications (LEM points:
/// alpha1 G1, beta2/gamma2/delta2 G2, ic_points n_public + 1 G1 points). Refuses a key with a
/// point off the curve, outside its subgroup or at infinity (IC points may be infinity), with a
/// `zkvct.errors` class naming it.
#[pyclass(frozen, module = "zkvct._native")]
pub struct PreparedVerifyingKey {
    key: verify_batch::PreparedVerifyingKey,
}

#[pymethods]
impl PreparedVerifyingKey {
    #[new]
    #[pyo3(signature = (alpha1, beta2, gamma2, delta2, ic_points))]
    fn new(
        py: Python<'_>,
        alpha1: &Bound<'_, PyAny>, beta2: &Bound<'_, PyAny>, gamma2: &Bound<'_, PyAny>, delta2: &Bound<'_, PyAny>,
        ic_points: &Bound<'_, PyAny>,
    ) -> PyResult<Self> {
        let views = [
            bytes_view(alpha1, "alpha1")?,
            bytes_view(beta2, "beta2")?,
            bytes_view(gamma2, "gamma2")?,
            bytes_view(delta2, "delta2")?,
            bytes_view(ic_points, "ic_points")?,
        ];
        let [alpha1, beta2, gamma2, delta2, ic] = views.each_ref().map(|v| v.slice());
        let vk = VerifyingKey { alpha1, beta2, gamma2, delta2, ic };
        let key = py.allow_threads(|| verify_batch::PreparedVerifyingKey::new(&vk))?;
        Ok(PreparedVerifyingKey { key })
    }

    /// How many public inputs each proof carries.
    #[getter]
    fn n_public(&self) -> usize {
        self.key.n_public()
    }

    /// One proof (LEM pi_a, pi_b, pi_c; publics n_public × 32-byte canonical scalars), every
    /// point fully checked. Malformed input raises; a well-formed wrong proof is `False`.
    fn verify(
        &self,
        py: Python<'_>,
        pi_a: &Bound<'_, PyAny>, pi_b: &Bound<'_, PyAny>, pi_c: &Bound<'_, PyAny>,
        publics: &Bound<'_, PyAny>,
    ) -> PyResult<bool> {
        let views = [
            bytes_view(pi_a, "pi_a")?,
            bytes_view(pi_b, "pi_b")?,
            bytes_view(pi_c, "pi_c")?,
            bytes_view(publics, "publics")?,
        ];
        let [a, b, c, p] = views.each_ref().map(|v| v.slice());
        let key = &self.key;
        py.allow_threads(|| key.verify(a, b, c, p)).map_err(PyErr::from)
    }

    /// N proofs of this statement in one pairing check with fresh 128-bit random coefficients
    /// from the OS. `proofs`: N × 256 bytes (pi_a | pi_b | pi_c, LEM); `publics`: N × n_public
    /// canonical 32-byte scalars. Returns None when every proof is valid (also for N = 0), else
    /// the index of the first invalid proof. Malformed input raises, the exception's `index`
    /// naming the proof.
    fn batch_verify(&self, py: Python<'_>, proofs: &Bound<'_, PyAny>, publics: &Bound<'_, PyAny>) -> PyResult<Option<usize>> {
        let (pv, sv) = (bytes_view(proofs, "proofs")?, bytes_view(publics, "publics")?);
        let (p, s) = (pv.slice(), sv.slice());
        let key = &self.key;
        py.allow_threads(|| key.batch_verify(p, s)).map_err(PyErr::from)
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PreparedVerifyingKey>()?;
    m.add("GROTH16_PROOF_BYTES", verify_batch::PROOF_BYTES)?;
    Ok(())
}
