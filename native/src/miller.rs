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
//! Lines go into the accumulator two at a time (`ell_pair`): two sparse lines multiplied together
//! cost 6 Fq2 multiplications and give an element with five non-zero coefficients, which costs 17
//! to multiply in; one line at a time (`mul_by_034`) costs 13 each, 26 for two.

use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, Fq6, Fq6Config, G1Affine, G2Affine};
use ark_ec::bn::{BnConfig, G2Prepared};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::fields::Fp6Config;
use ark_ff::{AdditiveGroup, Field, One};
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
        let mut xy_half = self.x * self.y;
        xy_half.mul_assign_by_fp(two_inv);
        let yy = self.y.square();
        let zz = self.z.square();
        let e = <ark_bn254::g2::Config as SWCurveConfig>::COEFF_B * (zz.double() + zz);
        let f = e.double() + e;
        let mut g = yy + f;
        g.mul_assign_by_fp(two_inv);
        let h = (self.y + self.z).square() - (yy + zz);
        let i = e - yy;
        let xx = self.x.square();
        let ee = e.square();
        self.x = xy_half * (yy - f);
        self.y = g.square() - (ee.double() + ee);
        self.z = yy * h;
        (-h, xx.double() + xx, i)
    }

    /// R ← R + Q' (Q' affine) and the line through R and Q'.
    #[inline]
    fn add(&mut self, q: &G2Affine) -> Line {
        let theta = self.y - q.y * self.z;
        let lambda = self.x - q.x * self.z;
        let c = theta.square();
        let d = lambda.square();
        let e = lambda * d;
        let f = self.z * c;
        let g = self.x * d;
        let h = e + f - g.double();
        self.x = lambda * h;
        self.y = theta * (g - h) - e * self.y;
        self.z *= e;
        let j = theta * q.x - lambda * q.y;
        (lambda, -theta, j)
    }
}

/// A line evaluated at its G1 point: the coefficients (d0, d3, d4) of d0 + (d3 + d4·v)·w.
#[inline]
fn at(line: &Line, p: &G1Affine) -> Line {
    let (mut c0, mut c1, c2) = *line;
    c0.mul_assign_by_fp(&p.y);
    c1.mul_assign_by_fp(&p.x);
    (c0, c1, c2)
}

/// f ← f · ℓ · m for two evaluated lines: ℓ·m first (Karatsuba, 6 Fq2 multiplications), then f
/// times that five-coefficient element (17), against 2 × 13 for two `mul_by_034`. With
/// w² = v, v³ = ξ: ℓ·m = (d0e0 + ξ·d4e4, d3e3, d3e4 + d4e3) + (d0e3 + d3e0, d0e4 + d4e0, 0)·w.
#[inline]
fn mul_two_lines(f: &mut Fq12, l: &Line, m: &Line) {
    let ((d0, d3, d4), (e0, e3, e4)) = (l, m);
    let (m00, m33, m44) = (*d0 * e0, *d3 * e3, *d4 * e4);
    let x34 = (*d3 + d4) * (*e3 + e4) - m33 - m44;
    let x03 = (*d0 + d3) * (*e0 + e3) - m00 - m33;
    let x04 = (*d0 + d4) * (*e0 + e4) - m00 - m44;
    let n0 = Fq6::new(m00 + <Fq6Config as Fp6Config>::mul_fp2_by_nonresidue(m44), m33, x34);
    let (n3, n4) = (x03, x04);
    // Karatsuba over Fq6: (f0 + f1·w)(n0 + n1·w), n1 = (n3, n4, 0)
    let a = f.c0 * n0;
    let mut b = f.c1;
    b.mul_by_01(&n3, &n4);
    let e = (f.c0 + f.c1) * (n0 + Fq6::new(n3, n4, Fq2::ZERO));
    let b_v = Fq6::new(<Fq6Config as Fp6Config>::mul_fp2_by_nonresidue(b.c2), b.c0, b.c1);
    f.c1 = e - a - b;
    f.c0 = a + b_v;
}

/// f ← f · Π lines, two at a time (a lone last one by `mul_by_034`).
#[inline]
fn mul_lines(f: &mut Fq12, lines: &[Line]) {
    let mut pairs = lines.chunks_exact(2);
    for two in &mut pairs {
        mul_two_lines(f, &two[0], &two[1]);
    }
    if let [(c0, c3, c4)] = pairs.remainder() {
        f.mul_by_034(c0, c3, c4);
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
            f.square_in_place();
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
        .reduce(Fq12::one, |a, b| a * b);
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
