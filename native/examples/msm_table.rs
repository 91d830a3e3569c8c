//! Fixed-base table MSM against the per-call Pippenger at a wallet statement's sizes.
//! `cargo run --release --example msm_table [n_g1] [n_g2]` (defaults: age_gte's 5,860 and 3,961).
use std::time::Instant;

use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
use ark_ec::CurveGroup;
use ark_ff::{BigInt, PrimeField, UniformRand};
use ark_std::test_rng;
use zkvct_native::msm_table::{table_window, MsmTable};
use zkvct_native::msm;

fn median(mut f: impl FnMut(), rounds: usize) -> f64 {
    let mut t: Vec<f64> = (0..rounds)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[rounds / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (n1, n2) = (args.first().copied().unwrap_or(5860), args.get(1).copied().unwrap_or(3961));
    let mut rng = test_rng();
    let g1: Vec<G1Affine> = (0..n1).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
    let g2: Vec<G2Affine> = (0..n2).map(|_| G2Projective::rand(&mut rng).into_affine()).collect();
    let s: Vec<BigInt<4>> = (0..n1.max(n2)).map(|_| Fr::rand(&mut rng).into_bigint()).collect();
    println!("threads {}", rayon::current_num_threads());
    let base = median(|| { std::hint::black_box(msm::msm(&g1, &s)); }, 15);
    println!("G1 n={n1}: pippenger {base:.2} ms");
    for c in [table_window(n1) - 1, table_window(n1), table_window(n1) + 1, table_window(n1) + 2] {
        let t0 = Instant::now();
        let table = MsmTable::with_window(&g1, c);
        let build = t0.elapsed().as_secs_f64() * 1e3;
        let t = median(|| { std::hint::black_box(table.msm(&s)); }, 15);
        println!("  table c={c}: {t:.2} ms ({:.2}x), build {build:.0} ms, {} MB", base / t, table.size_bytes() >> 20);
    }
    let base = median(|| { std::hint::black_box(msm::msm(&g2, &s)); }, 9);
    println!("G2 n={n2}: pippenger {base:.2} ms");
    for c in [table_window(n2) - 1, table_window(n2), table_window(n2) + 1] {
        let t0 = Instant::now();
        let table = MsmTable::with_window(&g2, c);
        let build = t0.elapsed().as_secs_f64() * 1e3;
        let t = median(|| { std::hint::black_box(table.msm(&s)); }, 9);
        println!("  table c={c}: {t:.2} ms ({:.2}x), build {build:.0} ms, {} MB", base / t, table.size_bytes() >> 20);
    }
}
