//! A multi-Miller loop for BN254 that computes the G2 line coefficients as it goes and splits the
//! pairs evenly across the rayon threads.
//!
//! arkworks' `multi_miller_loop` takes `G2Prepared` values (every line coefficient of the loop
//! stored in a `Vec`, about 90 × 3 Fq2 elements per point) and runs chunks of four pairs in
//! parallel, each chunk paying its own 64 Fq12 squarings. For a batch of proofs each B_i is used
//! once, so storing its coefficients only costs allocation and memory traffic; here the doubling
//! and addition steps of B_i (homogeneous projective coordinates, the line formulas of Costello,
//! Lange and Naehrig as refined in ePrint 2013/722, the same ones arkworks uses, so the Miller
//! values are identical) run inline, and the pairs are cut into two chunks per thread. The chunk
//! products meet before the caller's single final exponentiation. Keys' fixed points (−γ, −δ) keep
//! their precomputed `G2Prepared` lines.
//!
//! All Fq2 and Fq12 arithmetic goes through the branch-free tower (`tower`).
//!
//! Lines go into the accumulator two at a time (`ell_pair`): two sparse lines multiplied together
//! cost 6 Fq2 multiplications and give an element with five non-zero coefficients, which costs 17
//! to multiply in; one line at a time (`mul_by_034`) costs 13 each, 26 for two.

use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, Fq6, G1Affine, G2Affine};
use ark_ec::bn::{BnConfig, G2Prepared};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::{Field, One};

use crate::tower::{fq12, fq2};
use rayon::prelude::*;

/// Line coefficients (c0, c1, c2) of one step, D-type twist: evaluated at P as
/// f ← f · (c0·y_P + (c1·x_P + c2·v)·w) (see `at`, `mul_lines`).
type Line = (Fq2, Fq2, Fq2);

// the loop below multiplies the chunk products together before the last two (Frobenius) lines and
// never inverts f: both are only right for a positive seed and a D-type twist, BN254's case
const _: () = assert!(!<Config as BnConfig>::X_IS_NEGATIVE);

/// The running point R = (X : Y : Z) (homogeneous) of one pair, with its G1 point and Q.
struct Stepper {
    p: G1Affine,
    q: G2Affine,
    neg_q: G2Affine,
    x: Fq2,
    y: Fq2,
    z: Fq2,
}

fn two_inv() -> Fq {
    Fq::from(2u64).inverse().expect("2 is invertible")
}

impl Stepper {
    fn new(p: G1Affine, q: G2Affine) -> Self {
        Stepper { p, q, neg_q: -q, x: q.x, y: q.y, z: Fq2::one() }
    }

    /// R ← 2R and the tangent line at R.
    #[inline]
    fn double(&mut self, two_inv: &Fq) -> Line {
        let (x, y, z) = (&self.x, &self.y, &self.z);
        let xy_half = fq2::mul_by_fq(&fq2::mul(x, y), two_inv);
        let yy = fq2::square(y);
        let zz = fq2::square(z);
        let e = fq2::mul(&<ark_bn254::g2::Config as SWCurveConfig>::COEFF_B, &fq2::add(&fq2::double(&zz), &zz));
        let f = fq2::add(&fq2::double(&e), &e);
        let g = fq2::mul_by_fq(&fq2::add(&yy, &f), two_inv);
        let h = fq2::sub(&fq2::square(&fq2::add(y, z)), &fq2::add(&yy, &zz));
        let i = fq2::sub(&e, &yy);
        let xx = fq2::square(x);
        let ee = fq2::square(&e);
        self.x = fq2::mul(&xy_half, &fq2::sub(&yy, &f));
        self.y = fq2::sub(&fq2::square(&g), &fq2::add(&fq2::double(&ee), &ee));
        self.z = fq2::mul(&yy, &h);
        (fq2::neg(&h), fq2::add(&fq2::double(&xx), &xx), i)
    }

    /// R ← R + Q' (Q' affine) and the line through R and Q'.
    #[inline]
    fn add(&mut self, q: &G2Affine) -> Line {
        let theta = fq2::sub(&self.y, &fq2::mul(&q.y, &self.z));
        let lambda = fq2::sub(&self.x, &fq2::mul(&q.x, &self.z));
        let c = fq2::square(&theta);
        let d = fq2::square(&lambda);
        let e = fq2::mul(&lambda, &d);
        let f = fq2::mul(&self.z, &c);
        let g = fq2::mul(&self.x, &d);
        let h = fq2::sub(&fq2::add(&e, &f), &fq2::double(&g));
        self.x = fq2::mul(&lambda, &h);
        self.y = fq2::sub(&fq2::mul(&theta, &fq2::sub(&g, &h)), &fq2::mul(&e, &self.y));
        self.z = fq2::mul(&self.z, &e);
        let j = fq2::sub(&fq2::mul(&theta, &q.x), &fq2::mul(&lambda, &q.y));
        (lambda, fq2::neg(&theta), j)
    }
}

/// A line evaluated at its G1 point: the coefficients (d0, d3, d4) of d0 + (d3 + d4·v)·w.
#[inline]
fn at(line: &Line, p: &G1Affine) -> Line {
    let (c0, c1, c2) = line;
    (fq2::mul_by_fq(c0, &p.y), fq2::mul_by_fq(c1, &p.x), *c2)
}

/// f ← f · ℓ · m for two evaluated lines: ℓ·m first (Karatsuba, 6 Fq2 multiplications), then f
/// times that five-coefficient element (17), against 2 × 13 for two `mul_by_034`. With
/// w² = v, v³ = ξ: ℓ·m = (d0e0 + ξ·d4e4, d3e3, d3e4 + d4e3) + (d0e3 + d3e0, d0e4 + d4e0, 0)·w.
#[inline]
fn mul_two_lines(f: &mut Fq12, l: &Line, m: &Line) {
    let ((d0, d3, d4), (e0, e3, e4)) = (l, m);
    let (m00, m33, m44) = (fq2::mul(d0, e0), fq2::mul(d3, e3), fq2::mul(d4, e4));
    let cross = |a: &Fq2, b: &Fq2, c: &Fq2, d: &Fq2, ac: &Fq2, bd: &Fq2| {
        fq2::sub(&fq2::sub(&fq2::mul(&fq2::add(a, b), &fq2::add(c, d)), ac), bd)
    };
    let x34 = cross(d3, d4, e3, e4, &m33, &m44);
    let x03 = cross(d0, d3, e0, e3, &m00, &m33);
    let x04 = cross(d0, d4, e0, e4, &m00, &m44);
    let n0 = Fq6::new(fq2::add(&m00, &fq2::mul_by_nonresidue(&m44)), m33, x34);
    *f = fq12::mul_by_line_pair(f, &n0, &x03, &x04);
}

/// f ← f · Π lines, two at a time (a lone last one by `mul_by_034`).
#[inline]
fn mul_lines(f: &mut Fq12, lines: &[Line]) {
    let mut pairs = lines.chunks_exact(2);
    for two in &mut pairs {
        mul_two_lines(f, &two[0], &two[1]);
    }
    if let [(c0, c3, c4)] = pairs.remainder() {
        *f = fq12::mul_by_034(f, c0, c3, c4);
    }
}

/// π(Q) on the twist: the Frobenius of the coordinates times the twist constants.
fn frobenius(q: &G2Affine) -> G2Affine {
    let mut s = *q;
    s.x.frobenius_map_in_place(1);
    s.x *= &<Config as BnConfig>::TWIST_MUL_BY_Q_X;
    s.y.frobenius_map_in_place(1);
    s.y *= &<Config as BnConfig>::TWIST_MUL_BY_Q_Y;
    s
}

/// The Miller value of one chunk: its unprepared pairs stepped inline, its prepared pairs read
/// from their stored lines, all sharing one accumulator (one squaring per loop step).
fn chunk_loop(ps: &[G1Affine], qs: &[G2Affine], prepared: &[(G1Affine, &G2Prepared<Config>)]) -> Fq12 {
    let two_inv = two_inv();
    let mut steppers: Vec<Stepper> =
        ps.iter().zip(qs).filter(|(p, q)| !p.infinity && !q.infinity).map(|(p, q)| Stepper::new(*p, *q)).collect();
    let mut stored: Vec<(&G1Affine, std::slice::Iter<'_, Line>)> =
        prepared.iter().filter(|(p, q)| !p.infinity && !q.infinity).map(|(p, q)| (p, q.ell_coeffs.iter())).collect();
    let mut f = Fq12::one();
    // this step's evaluated lines, multiplied into f two at a time
    let mut lines: Vec<Line> = Vec::with_capacity(steppers.len() + stored.len());
    let loop_count = <Config as BnConfig>::ATE_LOOP_COUNT;
    for i in (1..loop_count.len()).rev() {
        if i != loop_count.len() - 1 {
            f = fq12::square(&f);
        }
        lines.clear();
        lines.extend(steppers.iter_mut().map(|s| at(&s.double(&two_inv), &s.p)));
        lines.extend(stored.iter_mut().map(|(p, it)| at(it.next().expect("a stored line per step"), p)));
        mul_lines(&mut f, &lines);
        let bit = loop_count[i - 1];
        if bit == 1 || bit == -1 {
            lines.clear();
            lines.extend(steppers.iter_mut().map(|s| {
                let q = if bit == 1 { s.q } else { s.neg_q };
                at(&s.add(&q), &s.p)
            }));
            lines.extend(stored.iter_mut().map(|(p, it)| at(it.next().expect("a stored line per step"), p)));
            mul_lines(&mut f, &lines);
        }
    }
    // the two Frobenius lines: R + π(Q), then R + (−π²(Q))
    lines.clear();
    for s in steppers.iter_mut() {
        let q1 = frobenius(&s.q);
        let mut q2 = frobenius(&q1);
        q2.y = -q2.y;
        lines.push(at(&s.add(&q1), &s.p));
        lines.push(at(&s.add(&q2), &s.p));
    }
    for (p, it) in stored.iter_mut() {
        for _ in 0..2 {
            lines.push(at(it.next().expect("a stored line per step"), p));
        }
    }
    mul_lines(&mut f, &lines);
    f
}

/// Π e'(P_i, Q_i) · Π e'(P'_j, prepared_j) before the final exponentiation (the same value as
/// arkworks' `multi_miller_loop` on the same pairs). The unprepared pairs are cut into two chunks
/// per rayon thread (so a thread whose core is busy elsewhere can be helped; each extra chunk
/// costs only its own 63 squarings); the prepared pairs (no point arithmetic) go with the last.
pub fn multi_miller_loop(ps: &[G1Affine], qs: &[G2Affine], prepared: &[(G1Affine, &G2Prepared<Config>)]) -> MillerLoopOutput<Bn254> {
    assert_eq!(ps.len(), qs.len(), "one G2 point per G1 point");
    let threads = rayon::current_num_threads().max(1);
    let chunks = (2 * threads).min(ps.len()).max(1);
    if chunks == 1 {
        // one chunk runs on the calling thread: handing it to the pool would only add a wake-up
        return MillerLoopOutput(chunk_loop(ps, qs, prepared));
    }
    let size = ps.len().div_ceil(chunks).max(1);
    let f = (0..chunks)
        .into_par_iter()
        .map(|k| {
            let lo = (k * size).min(ps.len());
            let hi = ((k + 1) * size).min(ps.len());
            let prep: &[(G1Affine, &G2Prepared<Config>)] = if k == chunks - 1 { prepared } else { &[] };
            chunk_loop(&ps[lo..hi], &qs[lo..hi], prep)
        })
        .reduce(Fq12::one, |a, b| fq12::mul(&a, &b));
    MillerLoopOutput(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Projective, G2Projective};
    use ark_ec::pairing::Pairing;
    use ark_ec::{CurveGroup, PrimeGroup};
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, SeedableRng};

    #[test]
    fn agrees_with_arkworks_multi_miller_loop() {
        let mut rng = StdRng::seed_from_u64(21);
        for n in [0usize, 1, 2, 3, 7] {
            let ps: Vec<G1Affine> = (0..n).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            let qs: Vec<G2Affine> = (0..n).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            let extra_p: Vec<G1Affine> = (0..2).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
            let extra_q: Vec<G2Prepared<Config>> =
                (0..2).map(|_| G2Prepared::from((G2Projective::generator() * Fr::rand(&mut rng)).into_affine())).collect();
            let prepared: Vec<(G1Affine, &G2Prepared<Config>)> = extra_p.iter().copied().zip(extra_q.iter()).collect();
            let got = multi_miller_loop(&ps, &qs, &prepared);
            let mut all_p = ps.clone();
            all_p.extend(&extra_p);
            let mut all_q: Vec<G2Prepared<Config>> = qs.iter().map(|q| G2Prepared::from(*q)).collect();
            all_q.extend(extra_q.iter().cloned());
            let want = Bn254::multi_miller_loop(all_p, all_q);
            assert_eq!(got.0, want.0, "n = {n}");
        }
    }

    #[test]
    fn identity_points_contribute_nothing() {
        let mut rng = StdRng::seed_from_u64(22);
        let p = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
        let q = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
        let with = multi_miller_loop(&[p, G1Affine::identity(), p], &[q, q, G2Affine::identity()], &[]);
        let without = multi_miller_loop(&[p], &[q], &[]);
        assert_eq!(with.0, without.0);
        assert_eq!(Bn254::final_exponentiation(without), Some(Bn254::pairing(p, q)));
    }
}
