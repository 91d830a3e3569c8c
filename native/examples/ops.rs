//! Per-operation costs on this machine (single thread): field mul/square, group double/add,
//! GLV decomposition and one `mul_many` point. `cargo run --release --example ops`.
use std::hint::black_box;
use std::time::Instant;

use ark_bn254::{Fq, Fr, G1Affine, G1Projective, G2Affine, G2Projective, g1::Config as G1C};
use ark_ec::scalar_mul::glv::GLVConfig;
use ark_ec::{AdditiveGroup, CurveGroup, PrimeGroup};
use ark_ff::{Field, UniformRand};
use ark_std::rand::SeedableRng;

fn per<F: FnMut()>(label: &str, iters: u64, mut f: F) {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    println!("{label}: {:.1} ns", t.elapsed().as_nanos() as f64 / iters as f64);
}

fn main() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(1);
    let mut a = Fq::rand(&mut rng);
    let b = Fq::rand(&mut rng);
    per("Fq mul", 10_000_000, || a = black_box(a * b));
    per("Fq square", 10_000_000, || a = black_box(a.square()));
    let mut p = G1Projective::generator() * Fr::rand(&mut rng);
    let q: G1Affine = (G1Projective::generator() * Fr::rand(&mut rng)).into_affine();
    per("G1 double", 2_000_000, || { p.double_in_place(); black_box(&p); });
    per("G1 mixed add", 2_000_000, || { p += &q; black_box(&p); });
    let mut p2 = G2Projective::generator() * Fr::rand(&mut rng);
    let q2: G2Affine = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
    per("G2 double", 1_000_000, || { p2.double_in_place(); black_box(&p2); });
    per("G2 mixed add", 1_000_000, || { p2 += &q2; black_box(&p2); });
    let k = Fr::rand(&mut rng);
    per("GLV decomposition", 200_000, || { black_box(G1C::scalar_decomposition(black_box(k))); });
    let pts: Vec<G1Affine> = (0..256).map(|_| (G1Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
    let ks: Vec<Fr> = (0..256).map(|_| Fr::rand(&mut rng)).collect();
    per("G1 mul_many (256 points)", 40, || { black_box(zkvct_native::glv::mul_many(&pts, &ks)); });
    let pts2: Vec<G2Affine> = (0..256).map(|_| (G2Projective::generator() * Fr::rand(&mut rng)).into_affine()).collect();
    per("G2 mul_many (256 points)", 10, || { black_box(zkvct_native::glv::mul_many(&pts2, &ks)); });
    let n = 1 << 16;
    // distinct bases (repeats would send additions down the exceptional paths)
    let (s1, s2) = (G1Projective::generator() * Fr::rand(&mut rng), G2Projective::generator() * Fr::rand(&mut rng));
    let mut acc1 = s1;
    let mut acc2 = s2;
    let mut p1 = Vec::with_capacity(n);
    let mut p2 = Vec::with_capacity(n);
    for _ in 0..n {
        acc1 += s1;
        acc2 += s2;
        p1.push(acc1);
        p2.push(acc2);
    }
    let g1 = G1Projective::normalize_batch(&p1);
    let g2 = G2Projective::normalize_batch(&p2);
    let short: Vec<ark_ff::BigInt<4>> = (0..n).map(|i| ark_ff::BigInt::from((i as u64).wrapping_mul(0x9E3779B97F4A7C15))).collect();
    let full: Vec<ark_ff::BigInt<4>> = (0..n).map(|i| ark_ff::PrimeField::into_bigint(ks[i % 256] * Fr::from(i as u64 + 1))).collect();
    per("G1 MSM 2^16, 64-bit scalars (all threads)", 5, || { black_box(zkvct_native::msm::g1_msm_points(&g1, &short)); });
    per("G1 MSM 2^16, full scalars (all threads)", 5, || { black_box(zkvct_native::msm::g1_msm_points(&g1, &full)); });
    per("G2 MSM 2^16, 64-bit scalars (all threads)", 3, || { black_box(zkvct_native::msm::g2_msm_points(&g2, &short)); });
    per("G2 MSM 2^16, full scalars (all threads)", 3, || { black_box(zkvct_native::msm::g2_msm_points(&g2, &full)); });
    if zkvct_native::simd::enabled() {
        per("G1 simd mul_many (256 points)", 40, || { black_box(zkvct_native::simd::ladder::mul_many(&pts, &ks)); });
        per("G2 simd mul_many (256 points)", 10, || { black_box(zkvct_native::simd::ladder::mul_many(&pts2, &ks)); });
    }
}

#[allow(dead_code)]
fn simd_section() {}
