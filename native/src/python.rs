//! PyO3 bindings only: buffer access, argument checks, GIL release, error mapping.
//!
//! Every function accepts any C-contiguous buffer (bytes, bytearray, memoryview, numpy arrays)
//! and returns `bytes`. Heavy work runs inside `py.allow_threads` on rayon's pool. Core errors are
//! strings naming the index and the problem; they surface as `ValueError`.

use ark_bn254::{G1Affine, G2Affine};
use ark_ec::{AffineRepr, CurveGroup};
use pyo3::buffer::{Element, PyBuffer};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyInt, PyTuple};

use crate::encoding::{self as enc, Infinity, Trust};
use crate::{batch, blake2b, fft, groth16, msm, pairing, r1cs};

fn verr(e: String) -> PyErr {
    PyValueError::new_err(e)
}

/// A borrowed view of a Python buffer; the slice stays valid while `self` lives.
struct View<T: Element> {
    buf: PyBuffer<T>,
}

impl<T: Element> View<T> {
    fn new(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Self> {
        let buf = PyBuffer::<T>::get(obj).map_err(|e| {
            PyValueError::new_err(format!("{what}: not a buffer of the expected item type ({e})"))
        })?;
        if !buf.is_c_contiguous() {
            return Err(PyValueError::new_err(format!("{what}: buffer must be C-contiguous")));
        }
        Ok(View { buf })
    }

    fn slice(&self) -> &[T] {
        let n = self.buf.item_count();
        if n == 0 {
            return &[];
        }
        // SAFETY: C-contiguous buffer of n items of T, kept alive (and export-locked) by self.buf.
        unsafe { std::slice::from_raw_parts(self.buf.buf_ptr() as *const T, n) }
    }
}

fn bytes_view(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<View<u8>> {
    View::<u8>::new(obj, what)
}

/// u64 array: a uint64 buffer, or raw little-endian bytes.
fn u64_vec(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u64>> {
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
fn u32_vec(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u32>> {
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

fn inf(allow: bool) -> Infinity {
    if allow {
        Infinity::Allow
    } else {
        Infinity::Reject
    }
}

fn trust(trusted: bool) -> Trust {
    if trusted {
        Trust::Trusted
    } else {
        Trust::Checked
    }
}

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

// ------------------------------------------------------------------ scalars and validation

/// Index of the first 32-byte scalar >= r, or -1.
#[pyfunction]
fn fr_first_non_canonical(py: Python<'_>, buf: &Bound<'_, PyAny>) -> PyResult<i64> {
    let v = bytes_view(buf, "scalars")?;
    let s = v.slice();
    let r = py.allow_threads(|| enc::fr_first_non_canonical(s)).map_err(verr)?;
    Ok(r.map(|i| i as i64).unwrap_or(-1))
}

/// Check every LEM G1 point (coords < q, on curve); raise ValueError naming the first bad one.
#[pyfunction]
#[pyo3(signature = (buf, allow_infinity=false))]
fn g1_validate(py: Python<'_>, buf: &Bound<'_, PyAny>, allow_infinity: bool) -> PyResult<()> {
    let v = bytes_view(buf, "points")?;
    let s = v.slice();
    py.allow_threads(|| enc::g1_validate(s, inf(allow_infinity))).map_err(verr)
}

/// Check every LEM G2 point (coords < q, on curve, in the prime-order subgroup).
#[pyfunction]
#[pyo3(signature = (buf, allow_infinity=false))]
fn g2_validate(py: Python<'_>, buf: &Bound<'_, PyAny>, allow_infinity: bool) -> PyResult<()> {
    let v = bytes_view(buf, "points")?;
    let s = v.slice();
    py.allow_threads(|| enc::g2_validate(s, inf(allow_infinity))).map_err(verr)
}

// ------------------------------------------------------------------ MSM

/// Σ s_i·P_i over G1 (LEM points, normal-form scalars) -> 64-byte LEM point.
#[pyfunction]
#[pyo3(signature = (bases, scalars, trusted=false))]
fn g1_msm<'py>(py: Python<'py>, bases: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (b, s) = (bytes_view(bases, "bases")?, bytes_view(scalars, "scalars")?);
    let (bs, ss) = (b.slice(), s.slice());
    let out = py
        .allow_threads(|| msm::g1_msm(bs, ss, trusted).map(|p| enc::g1_batch_to_lem(&[p.into_affine()])))
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// Σ s_i·P_i over G2 -> 128-byte LEM point. `trusted` skips the subgroup check of the bases.
#[pyfunction]
#[pyo3(signature = (bases, scalars, trusted=false))]
fn g2_msm<'py>(py: Python<'py>, bases: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (b, s) = (bytes_view(bases, "bases")?, bytes_view(scalars, "scalars")?);
    let (bs, ss) = (b.slice(), s.slice());
    let out = py
        .allow_threads(|| msm::g2_msm(bs, ss, trusted).map(|p| enc::g2_batch_to_lem(&[p.into_affine()])))
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

// ------------------------------------------------------------------ FFT

/// Radix-2 FFT (or inverse) over Fr on the domain of size len(values)/32.
#[pyfunction]
#[pyo3(signature = (values, inverse=false))]
fn fr_fft<'py>(py: Python<'py>, values: &Bound<'py, PyAny>, inverse: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(values, "values")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let mut f = enc::scalars_fr(s)?;
            fft::fft_in_place(&mut f, inverse)?;
            Ok::<_, String>(enc::frs_to_bytes(&f))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// FFT (or inverse) on the coset g·H, g = `fr_coset_shift(n)` (snarkjs's odd coset ω_{2n}).
#[pyfunction]
#[pyo3(signature = (values, inverse=false))]
fn fr_coset_fft<'py>(py: Python<'py>, values: &Bound<'py, PyAny>, inverse: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(values, "values")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let mut f = enc::scalars_fr(s)?;
            fft::coset_fft_in_place(&mut f, inverse)?;
            Ok::<_, String>(enc::frs_to_bytes(&f))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// The coset shift g used for a domain of size n (32-byte LE scalar).
#[pyfunction]
fn fr_coset_shift<'py>(py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyBytes>> {
    fft::domain(n).map_err(verr)?;
    Ok(PyBytes::new(py, &enc::frs_to_bytes(&[fft::coset_shift(n)])))
}

/// The primitive n-th root of unity of the FFT domain of size n (32-byte LE scalar).
#[pyfunction]
fn fr_root_of_unity<'py>(py: Python<'py>, n: usize) -> PyResult<Bound<'py, PyBytes>> {
    use ark_poly::EvaluationDomain;
    let d = fft::domain(n).map_err(verr)?;
    Ok(PyBytes::new(py, &enc::frs_to_bytes(&[d.group_gen()])))
}

/// FFT (or inverse) over G1 points (LEM in/out); the inverse maps [τ^j]G to [L_i(τ)]G.
#[pyfunction]
#[pyo3(signature = (points, inverse=false, trusted=false))]
fn g1_fft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, inverse: bool, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let _ = trusted;
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(s, Infinity::Allow)?;
            let mut proj: Vec<ark_bn254::G1Projective> = pts.iter().map(|p| (*p).into()).collect();
            fft::g1_fft_in_place(&mut proj, inverse)?;
            Ok::<_, String>(enc::g1_batch_to_lem(&ark_bn254::G1Projective::normalize_batch(&proj)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// FFT (or inverse) over G2 points (LEM in/out); `trusted` skips the subgroup check on decode.
#[pyfunction]
#[pyo3(signature = (points, inverse=false, trusted=false))]
fn g2_fft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, inverse: bool, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(s, Infinity::Allow, trust(trusted))?;
            let mut proj: Vec<ark_bn254::G2Projective> = pts.iter().map(|p| (*p).into()).collect();
            fft::g2_fft_in_place(&mut proj, inverse)?;
            Ok::<_, String>(enc::g2_batch_to_lem(&ark_bn254::G2Projective::normalize_batch(&proj)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// Inverse group FFT (Lagrange basis from powers of tau): `g1_fft(points, inverse=True)`.
#[pyfunction]
#[pyo3(signature = (points, trusted=false))]
fn g1_ifft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    g1_fft(py, points, true, trusted)
}

#[pyfunction]
#[pyo3(signature = (points, trusted=false))]
fn g2_ifft<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    g2_fft(py, points, true, trusted)
}

// ------------------------------------------------------------------ batch operations

fn check_same(n_points: usize, n_scalars: usize) -> Result<(), String> {
    if n_points != n_scalars {
        return Err(format!("got {n_points} points and {n_scalars} scalars; they must match"));
    }
    Ok(())
}

/// P_i·s_i for every i (LEM in, LEM out).
#[pyfunction]
#[pyo3(signature = (points, scalars, trusted=false))]
fn g1_batch_mul<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let _ = trusted; // G1 has no subgroup check to skip
    let (p, s) = (bytes_view(points, "points")?, bytes_view(scalars, "scalars")?);
    let (ps, ss) = (p.slice(), s.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(ps, Infinity::Allow)?;
            let sc = enc::scalars_fr(ss)?;
            check_same(pts.len(), sc.len())?;
            Ok::<_, String>(enc::g1_batch_to_lem(&batch::g1_batch_mul(&pts, &sc)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
#[pyo3(signature = (points, scalars, trusted=false))]
fn g2_batch_mul<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, scalars: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (p, s) = (bytes_view(points, "points")?, bytes_view(scalars, "scalars")?);
    let (ps, ss) = (p.slice(), s.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(ps, Infinity::Allow, trust(trusted))?;
            let sc = enc::scalars_fr(ss)?;
            check_same(pts.len(), sc.len())?;
            Ok::<_, String>(enc::g2_batch_to_lem(&batch::g2_batch_mul(&pts, &sc)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// P_i·(first·step^i) for every i: one ceremony update of a powers-of-tau section.
#[pyfunction]
#[pyo3(signature = (points, first, step, trusted=false))]
fn g1_scale_powers<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, first: &Bound<'py, PyAny>, step: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let _ = trusted;
    let p = bytes_view(points, "points")?;
    let f = enc::single_scalar(bytes_view(first, "first")?.slice(), "first").map_err(verr)?;
    let st = enc::single_scalar(bytes_view(step, "step")?.slice(), "step").map_err(verr)?;
    let ps = p.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(ps, Infinity::Allow)?;
            let sc = batch::powers(f, st, pts.len());
            Ok::<_, String>(enc::g1_batch_to_lem(&batch::g1_batch_mul(&pts, &sc)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
#[pyo3(signature = (points, first, step, trusted=false))]
fn g2_scale_powers<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, first: &Bound<'py, PyAny>, step: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let p = bytes_view(points, "points")?;
    let f = enc::single_scalar(bytes_view(first, "first")?.slice(), "first").map_err(verr)?;
    let st = enc::single_scalar(bytes_view(step, "step")?.slice(), "step").map_err(verr)?;
    let ps = p.slice();
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(ps, Infinity::Allow, trust(trusted))?;
            let sc = batch::powers(f, st, pts.len());
            Ok::<_, String>(enc::g2_batch_to_lem(&batch::g2_batch_mul(&pts, &sc)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

fn lincomb_inputs(
    row_offsets: &Bound<'_, PyAny>,
    wires: &Bound<'_, PyAny>,
) -> PyResult<(Vec<u64>, Vec<u32>)> {
    Ok((u64_vec(row_offsets, "row_offsets")?, u32_vec(wires, "wires")?))
}

/// out[w] = Σ_{rows i} coeff(i,w)·points[i] for w < n_out (CSR rows index the points).
#[pyfunction]
#[pyo3(signature = (points, row_offsets, wires, coeffs, n_out, trusted=false))]
fn g1_sparse_lincomb<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, row_offsets: &Bound<'py, PyAny>, wires: &Bound<'py, PyAny>, coeffs: &Bound<'py, PyAny>, n_out: usize, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let _ = trusted;
    let (offs, ws) = lincomb_inputs(row_offsets, wires)?;
    let (p, c) = (bytes_view(points, "points")?, bytes_view(coeffs, "coeffs")?);
    let (ps, cs) = (p.slice(), c.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g1_batch_from_lem(ps, Infinity::Allow)?;
            check_rows(&offs, pts.len())?;
            if n_out > MAX_OUT {
                return Err(format!("n_out = {n_out} exceeds the supported maximum {MAX_OUT}"));
            }
            let co = enc::scalars_bigint(cs).map_err(|e| format!("coefficients: {e}"))?;
            let cols = batch::transpose(&offs, &ws, &co, n_out)?;
            Ok::<_, String>(enc::g1_batch_to_lem(&batch::g1_sparse_lincomb(&pts, &cols)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

#[pyfunction]
#[pyo3(signature = (points, row_offsets, wires, coeffs, n_out, trusted=false))]
fn g2_sparse_lincomb<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, row_offsets: &Bound<'py, PyAny>, wires: &Bound<'py, PyAny>, coeffs: &Bound<'py, PyAny>, n_out: usize, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let (offs, ws) = lincomb_inputs(row_offsets, wires)?;
    let (p, c) = (bytes_view(points, "points")?, bytes_view(coeffs, "coeffs")?);
    let (ps, cs) = (p.slice(), c.slice());
    let out = py
        .allow_threads(|| {
            let pts = enc::g2_batch_from_lem(ps, Infinity::Allow, trust(trusted))?;
            check_rows(&offs, pts.len())?;
            if n_out > MAX_OUT {
                return Err(format!("n_out = {n_out} exceeds the supported maximum {MAX_OUT}"));
            }
            let co = enc::scalars_bigint(cs).map_err(|e| format!("coefficients: {e}"))?;
            let cols = batch::transpose(&offs, &ws, &co, n_out)?;
            Ok::<_, String>(enc::g2_batch_to_lem(&batch::g2_sparse_lincomb(&pts, &cols)))
        })
        .map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// Largest output count accepted by the sparse linear combinations (2^28 wires).
const MAX_OUT: usize = 1 << 28;

fn check_rows(offs: &[u64], n_points: usize) -> Result<(), String> {
    if offs.is_empty() {
        return Err("row_offsets must have rows + 1 entries (at least 1)".into());
    }
    if offs.len() - 1 > n_points {
        return Err(format!("{} rows but only {n_points} points", offs.len() - 1));
    }
    Ok(())
}

// ------------------------------------------------------------------ R1CS

/// First constraint index with A·B != C, or -1 (CSR matrices as in zkvct/r1cs.py).
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn r1cs_first_unsatisfied(
    py: Python<'_>,
    a_offsets: &Bound<'_, PyAny>, a_wires: &Bound<'_, PyAny>, a_coeffs: &Bound<'_, PyAny>,
    b_offsets: &Bound<'_, PyAny>, b_wires: &Bound<'_, PyAny>, b_coeffs: &Bound<'_, PyAny>,
    c_offsets: &Bound<'_, PyAny>, c_wires: &Bound<'_, PyAny>, c_coeffs: &Bound<'_, PyAny>,
    witness: &Bound<'_, PyAny>,
) -> PyResult<i64> {
    let (ac, bc, cc, wv) = (
        bytes_view(a_coeffs, "A coeffs")?,
        bytes_view(b_coeffs, "B coeffs")?,
        bytes_view(c_coeffs, "C coeffs")?,
        bytes_view(witness, "witness")?,
    );
    let a = r1cs::Csr { name: "A", offsets: u64_vec(a_offsets, "A offsets")?, wires: u32_vec(a_wires, "A wires")?, coeffs: ac.slice() };
    let b = r1cs::Csr { name: "B", offsets: u64_vec(b_offsets, "B offsets")?, wires: u32_vec(b_wires, "B wires")?, coeffs: bc.slice() };
    let c = r1cs::Csr { name: "C", offsets: u64_vec(c_offsets, "C offsets")?, wires: u32_vec(c_wires, "C wires")?, coeffs: cc.slice() };
    let ws = wv.slice();
    let r = py
        .allow_threads(|| {
            let w = enc::scalars_fr(ws).map_err(|e| format!("witness: {e}"))?;
            r1cs::first_unsatisfied(&a, &b, &c, &w)
        })
        .map_err(verr)?;
    Ok(r.map(|i| i as i64).unwrap_or(-1))
}

// ------------------------------------------------------------------ pairing

/// Π e(g1_i, g2_i) == 1, after full validation of every point (infinity allowed).
#[pyfunction]
fn pairing_product_is_one(py: Python<'_>, g1s: &Bound<'_, PyAny>, g2s: &Bound<'_, PyAny>) -> PyResult<bool> {
    let (a, b) = (bytes_view(g1s, "g1s")?, bytes_view(g2s, "g2s")?);
    let (as_, bs) = (a.slice(), b.slice());
    py.allow_threads(|| {
        let p = enc::g1_batch_from_lem(as_, Infinity::Allow).map_err(|e| format!("g1s {e}"))?;
        let q = enc::g2_batch_from_lem(bs, Infinity::Allow, Trust::Checked).map_err(|e| format!("g2s {e}"))?;
        if p.len() != q.len() {
            return Err(format!("{} G1 points but {} G2 points; they must pair up", p.len(), q.len()));
        }
        Ok(pairing::product_is_one(&p, &q))
    })
    .map_err(verr)
}

// ------------------------------------------------------------------ single-point conversions

fn one_point<'a>(v: &'a View<u8>, size: usize, what: &str) -> PyResult<&'a [u8]> {
    let s = v.slice();
    if s.len() != size {
        return Err(verr(format!("{what}: expected {size} bytes, got {}", s.len())));
    }
    Ok(s)
}

/// LEM G1 point -> (x, y) as ints in normal form; infinity -> (0, 0).
#[pyfunction]
fn g1_to_affine_ints<'py>(py: Python<'py>, point: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g1_from_lem(one_point(&v, enc::G1_BYTES, "G1 point")?, Infinity::Allow)
        .map_err(|e| verr(format!("G1 point: {e}")))?;
    let c = enc::g1_coords(&p);
    PyTuple::new(py, [limbs_int(py, &c[0])?, limbs_int(py, &c[1])?])
}

/// (x, y) ints -> LEM G1 point, checked (on curve); (0, 0) is infinity.
#[pyfunction]
fn g1_from_affine_ints<'py>(py: Python<'py>, x: &Bound<'py, PyAny>, y: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let p = enc::g1_from_coords([int_limbs(x, "x")?, int_limbs(y, "y")?]).map_err(|e| verr(format!("G1 point: {e}")))?;
    Ok(PyBytes::new(py, &enc::g1_batch_to_lem(&[p])))
}

/// k·P by plain double-and-add over every bit of k, for integers of any length (arkworks'
/// `mul_bigint` takes at most four limbs) and points outside the prime-order subgroup.
fn mul_any_bits<P: ark_ec::short_weierstrass::SWCurveConfig>(p: ark_ec::short_weierstrass::Affine<P>, limbs: &[u64]) -> ark_ec::short_weierstrass::Projective<P> {
    use ark_ec::AdditiveGroup;
    use ark_ff::Zero;
    let mut acc = ark_ec::short_weierstrass::Projective::<P>::zero();
    for limb in limbs.iter().rev() {
        for bit in (0..64).rev() {
            acc.double_in_place();
            if (limb >> bit) & 1 == 1 {
                acc += &p;
            }
        }
    }
    acc
}

/// Little-endian bytes of any length -> u64 limbs (the scalar of `gX_mul_any`).
fn le_limbs(b: &[u8]) -> Vec<u64> {
    b.chunks(8)
        .map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(w)
        })
        .collect()
}

/// k·P for one on-curve G1 point (LEM) and any non-negative integer k (little-endian bytes, any
/// length): the ceremony's one-point key arithmetic, natively (py_ecc needs ~80 ms per G2 product).
#[pyfunction]
fn g1_mul_any<'py>(py: Python<'py>, point: &Bound<'py, PyAny>, k: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g1_from_lem(one_point(&v, enc::G1_BYTES, "G1 point")?, Infinity::Allow)
        .map_err(|e| verr(format!("G1 point: {e}")))?;
    let kv = bytes_view(k, "k")?;
    let limbs = le_limbs(kv.slice());
    let r = py.allow_threads(|| mul_any_bits(p, &limbs)).into_affine();
    let mut out = vec![0u8; enc::G1_BYTES];
    enc::g1_to_lem(&r, &mut out);
    Ok(PyBytes::new(py, &out))
}

/// k·P for one point of the G2 twist (LEM; on the curve, the subgroup is *not* required: this
/// is what clears the cofactor of a hashed point) and any non-negative integer k.
#[pyfunction]
fn g2_mul_any<'py>(py: Python<'py>, point: &Bound<'py, PyAny>, k: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g2_from_lem(one_point(&v, enc::G2_BYTES, "G2 point")?, Infinity::Allow, Trust::Trusted)
        .map_err(|e| verr(format!("G2 point: {e}")))?;
    let kv = bytes_view(k, "k")?;
    let limbs = le_limbs(kv.slice());
    let r = py.allow_threads(|| mul_any_bits(p, &limbs)).into_affine();
    let mut out = vec![0u8; enc::G2_BYTES];
    enc::g2_to_lem(&r, &mut out);
    Ok(PyBytes::new(py, &out))
}

/// LEM G2 point -> ((x.c0, x.c1), (y.c0, y.c1)) ints; infinity -> zeros.
#[pyfunction]
fn g2_to_affine_ints<'py>(py: Python<'py>, point: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyTuple>> {
    let v = bytes_view(point, "point")?;
    let p = enc::g2_from_lem(one_point(&v, enc::G2_BYTES, "G2 point")?, Infinity::Allow, Trust::Checked)
        .map_err(|e| verr(format!("G2 point: {e}")))?;
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
    let p = enc::g2_from_coords([x0, x1, y0, y1]).map_err(|e| verr(format!("G2 point: {e}")))?;
    Ok(PyBytes::new(py, &enc::g2_batch_to_lem(&[p])))
}

/// LEM -> snarkjs "uncompressed" (big-endian normal form) for n G1 points.
#[pyfunction]
#[pyo3(signature = (points, trusted=false))]
fn g1_to_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let _ = trusted; // G1: nothing to skip
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g1_lem_to_uncompressed(s)).map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// snarkjs "uncompressed" -> LEM for n G1 points (checked).
#[pyfunction]
fn g1_from_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g1_uncompressed_to_lem(s)).map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// LEM -> snarkjs "uncompressed" for n G2 points (order x.c1‖x.c0‖y.c1‖y.c0, big-endian);
/// `trusted` skips the subgroup check (for points this process just computed).
#[pyfunction]
#[pyo3(signature = (points, trusted=false))]
fn g2_to_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>, trusted: bool) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g2_lem_to_uncompressed(s, trust(trusted))).map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// snarkjs "uncompressed" -> LEM for n G2 points (checked, including the subgroup).
#[pyfunction]
fn g2_from_uncompressed<'py>(py: Python<'py>, points: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let v = bytes_view(points, "points")?;
    let s = v.slice();
    let out = py.allow_threads(|| enc::g2_uncompressed_to_lem(s)).map_err(verr)?;
    Ok(PyBytes::new(py, &out))
}

/// Whether the eight-lane AVX-512 IFMA kernels run in this process (CPU support, and
/// `ZKVCT_NATIVE_SIMD` not set to 0). Reported by the benchmarks; results never depend on it.
#[pyfunction]
fn simd_enabled() -> bool {
    crate::simd::enabled()
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

// ------------------------------------------------------------------ BLAKE2b with snarkjs state

/// Continue BLAKE2b-512 from a 216-byte snarkjs "partialHash" state over `data`; `state=None`
/// starts a fresh hash. Returns the new 216-byte state.
#[pyfunction]
#[pyo3(signature = (state, data))]
fn blake2b_update<'py>(py: Python<'py>, state: Option<&Bound<'py, PyAny>>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let mut st = match state {
        Some(s) => blake2b::State::from_bytes(bytes_view(s, "state")?.slice()).map_err(verr)?,
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
        Some(s) => blake2b::State::from_bytes(bytes_view(s, "state")?.slice()).map_err(verr)?,
        None => blake2b::State::new(),
    };
    Ok(PyBytes::new(py, &st.digest()))
}

// ------------------------------------------------------------------ Groth16

/// The whole snarkjs-compatible Groth16 prover; returns (pi_a, pi_b, pi_c) as LEM bytes.
#[pyfunction]
#[pyo3(signature = (n_vars, n_public, domain_size, coeffs_section, a_points, b1_points, b2_points, c_points, h_points, alpha1, beta1, beta2, delta1, delta2, witness, r=None, s=None))]
#[allow(clippy::too_many_arguments)]
fn groth16_prove<'py>(
    py: Python<'py>,
    n_vars: usize, n_public: usize, domain_size: usize,
    coeffs_section: &Bound<'py, PyAny>,
    a_points: &Bound<'py, PyAny>, b1_points: &Bound<'py, PyAny>, b2_points: &Bound<'py, PyAny>,
    c_points: &Bound<'py, PyAny>, h_points: &Bound<'py, PyAny>,
    alpha1: &Bound<'py, PyAny>, beta1: &Bound<'py, PyAny>, beta2: &Bound<'py, PyAny>,
    delta1: &Bound<'py, PyAny>, delta2: &Bound<'py, PyAny>,
    witness: &Bound<'py, PyAny>,
    r: Option<&Bound<'py, PyAny>>, s: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let views = [
        bytes_view(coeffs_section, "coeffs_section")?,
        bytes_view(a_points, "a_points")?,
        bytes_view(b1_points, "b1_points")?,
        bytes_view(b2_points, "b2_points")?,
        bytes_view(c_points, "c_points")?,
        bytes_view(h_points, "h_points")?,
        bytes_view(alpha1, "alpha1")?,
        bytes_view(beta1, "beta1")?,
        bytes_view(beta2, "beta2")?,
        bytes_view(delta1, "delta1")?,
        bytes_view(delta2, "delta2")?,
        bytes_view(witness, "witness")?,
    ];
    let blind = |v: Option<&Bound<'py, PyAny>>, nm: &str| -> PyResult<ark_bn254::Fr> {
        match v {
            Some(o) => enc::single_scalar(bytes_view(o, nm)?.slice(), nm).map_err(verr),
            None => groth16::random_fr().map_err(verr),
        }
    };
    let (rr, ss) = (blind(r, "r")?, blind(s, "s")?);
    let sl: Vec<&[u8]> = views.iter().map(|v| v.slice()).collect();
    let pk = groth16::ProvingKey {
        n_vars, n_public, domain_size,
        coeffs: sl[0], a: sl[1], b1: sl[2], b2: sl[3], c: sl[4], h: sl[5],
        alpha1: sl[6], beta1: sl[7], beta2: sl[8], delta1: sl[9], delta2: sl[10],
    };
    let wit = sl[11];
    let proof = py.allow_threads(|| groth16::prove(&pk, wit, rr, ss)).map_err(verr)?;
    let a = PyBytes::new(py, &enc::g1_batch_to_lem(&[proof.a]));
    let b = PyBytes::new(py, &enc::g2_batch_to_lem(&[proof.b]));
    let c = PyBytes::new(py, &enc::g1_batch_to_lem(&[proof.c]));
    PyTuple::new(py, [a, b, c])
}

/// Native Groth16 verification with full validation (ValueError on malformed input).
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
    py.allow_threads(|| groth16::verify(&vk, sl[5], sl[6], sl[7], sl[8])).map_err(verr)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(fr_first_non_canonical, m)?)?;
    m.add_function(wrap_pyfunction!(g1_validate, m)?)?;
    m.add_function(wrap_pyfunction!(g2_validate, m)?)?;
    m.add_function(wrap_pyfunction!(g1_msm, m)?)?;
    m.add_function(wrap_pyfunction!(g2_msm, m)?)?;
    m.add_function(wrap_pyfunction!(fr_fft, m)?)?;
    m.add_function(wrap_pyfunction!(fr_coset_fft, m)?)?;
    m.add_function(wrap_pyfunction!(fr_coset_shift, m)?)?;
    m.add_function(wrap_pyfunction!(fr_root_of_unity, m)?)?;
    m.add_function(wrap_pyfunction!(g1_fft, m)?)?;
    m.add_function(wrap_pyfunction!(g2_fft, m)?)?;
    m.add_function(wrap_pyfunction!(g1_ifft, m)?)?;
    m.add_function(wrap_pyfunction!(g2_ifft, m)?)?;
    m.add_function(wrap_pyfunction!(g1_batch_mul, m)?)?;
    m.add_function(wrap_pyfunction!(g2_batch_mul, m)?)?;
    m.add_function(wrap_pyfunction!(g1_scale_powers, m)?)?;
    m.add_function(wrap_pyfunction!(g2_scale_powers, m)?)?;
    m.add_function(wrap_pyfunction!(g1_sparse_lincomb, m)?)?;
    m.add_function(wrap_pyfunction!(g2_sparse_lincomb, m)?)?;
    m.add_function(wrap_pyfunction!(r1cs_first_unsatisfied, m)?)?;
    m.add_function(wrap_pyfunction!(pairing_product_is_one, m)?)?;
    m.add_function(wrap_pyfunction!(g1_to_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g1_from_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g2_to_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g2_from_affine_ints, m)?)?;
    m.add_function(wrap_pyfunction!(g1_to_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g1_from_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g2_to_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(g2_from_uncompressed, m)?)?;
    m.add_function(wrap_pyfunction!(simd_enabled, m)?)?;
    m.add_function(wrap_pyfunction!(g1_mul_any, m)?)?;
    m.add_function(wrap_pyfunction!(g2_mul_any, m)?)?;
    m.add_function(wrap_pyfunction!(g1_generator, m)?)?;
    m.add_function(wrap_pyfunction!(g2_generator, m)?)?;
    m.add_function(wrap_pyfunction!(blake2b_update, m)?)?;
    m.add_function(wrap_pyfunction!(blake2b_digest, m)?)?;
    m.add_function(wrap_pyfunction!(groth16_prove, m)?)?;
    m.add_function(wrap_pyfunction!(groth16_verify, m)?)?;
    // the names the brief used, as aliases of the DESIGN.md names
    for (alias, name) in [
        ("g1_lem_to_ints", "g1_to_affine_ints"),
        ("g1_ints_to_lem", "g1_from_affine_ints"),
        ("g2_lem_to_ints", "g2_to_affine_ints"),
        ("g2_ints_to_lem", "g2_from_affine_ints"),
    ] {
        m.add(alias, m.getattr(name)?)?;
    }
    Ok(())
}
