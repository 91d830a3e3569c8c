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

use ark_bn254::{Bn254, Config, Fq, Fq12, Fq2, G1Affine, G2Affine};
use ark_ec::bn::{BnConfig, G2Prepared};
use ark_ec::pairing::MillerLoopOutput;
use ark_ec::short_weierstrass::SWCurveConfig;
use ark_ff::{AdditiveGroup, Field, One};
use rayon::prelude::*;

/// Line coefficients (c0, c1, c2) of one step, D-type twist: evaluated at P as
/// f ← f · (c0·y_P + c1·x_P·w + c2·w·v) via `mul_by_034`.
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

/// f ← f · ℓ(P) for a line of the D-type twist.
#[inline]
fn ell(f: &mut Fq12, line: &Line, p: &G1Affine) {
    let (mut c0, mut c1, c2) = *line;
    c0.mul_assign_by_fp(&p.y);
    c1.mul_assign_by_fp(&p.x);
    f.mul_by_034(&c0, &c1, &c2);
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
    let loop_count = <Config as BnConfig>::ATE_LOOP_COUNT;
    for i in (1..loop_count.len()).rev() {
        if i != loop_count.len() - 1 {
            f.square_in_place();
        }
        for s in steppers.iter_mut() {
            let line = s.double(&two_inv);
            ell(&mut f, &line, &s.p);
        }
        for (p, lines) in stored.iter_mut() {
            ell(&mut f, lines.next().expect("a stored line per step"), p);
        }
        let bit = loop_count[i - 1];
        if bit == 1 || bit == -1 {
            for s in steppers.iter_mut() {
                let q = if bit == 1 { s.q } else { s.neg_q };
                let line = s.add(&q);
                ell(&mut f, &line, &s.p);
            }
            for (p, lines) in stored.iter_mut() {
                ell(&mut f, lines.next().expect("a stored line per step"), p);
            }
        }
    }
    // the two Frobenius lines: R + π(Q), then R + (−π²(Q))
    for s in steppers.iter_mut() {
        let q1 = frobenius(&s.q);
        let mut q2 = frobenius(&q1);
        q2.y = -q2.y;
        let line = s.add(&q1);
        ell(&mut f, &line, &s.p);
        let line = s.add(&q2);
        ell(&mut f, &line, &s.p);
    }
    for (p, lines) in stored.iter_mut() {
        for _ in 0..2 {
            ell(&mut f, lines.next().expect("a stored line per step"), p);
        }
    }
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
