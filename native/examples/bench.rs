//! Quick timing of the kernels without Python: `cargo run --release --example bench [log_n]`.
//! (The pytest-benchmark suite in benchmarks/bench_native.py is the reported measurement; this is
//! for profiling the Rust side alone.)

use std::time::Instant;

use ark_bn254::{Fr, G1Projective, G2Projective};
use ark_ec::{CurveGroup, PrimeGroup};
use ark_ff::{PrimeField, UniformRand};
use ark_std::rand::{Rng, SeedableRng};
use zkvct_native::{encoding as enc, fft, groth16, msm};

fn main() {
    let log_n: u32 = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(16);
    let n = 1usize << log_n;
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(7);

    let step1 = G1Projective::generator() * Fr::rand(&mut rng);
    let step2 = G2Projective::generator() * Fr::rand(&mut rng);
    let (mut p1, mut p2) = (step1, step2);
    let mut g1 = Vec::with_capacity(n);
    let mut g2 = Vec::with_capacity(n);
    for _ in 0..n {
        p1 += step1 + step1;
        p2 += step2 + step2;
        g1.push(p1);
        g2.push(p2);
    }
    let g1 = G1Projective::normalize_batch(&g1);
    let g2 = G2Projective::normalize_batch(&g2);
    let scalars: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let big: Vec<_> = scalars.iter().map(|s| s.into_bigint()).collect();

    let mode = std::env::args().nth(2);
    if let Some(mode) = mode.clone().filter(|m| m != "prove") {
        for _ in 0..3 {
            match mode.as_str() {
                "ark1" => drop(<G1Projective as ark_ec::VariableBaseMSM>::msm_bigint(&g1, &big)),
                "ba1" => drop(msm::g1_msm_points(&g1, &big)),
                "ark2" => drop(<G2Projective as ark_ec::VariableBaseMSM>::msm_bigint(&g2, &big)),
                "ba2" => drop(msm::g2_msm_points(&g2, &big)),
                _ => panic!("mode"),
            }
        }
        return;
    }
    for _ in 0..(if mode.is_some() { 0 } else { 3 }) {
        let t = Instant::now();
        let _ = <G1Projective as ark_ec::VariableBaseMSM>::msm_bigint(&g1, &big);
        let a0 = t.elapsed();
        let t = Instant::now();
        let _ = <G2Projective as ark_ec::VariableBaseMSM>::msm_bigint(&g2, &big);
        let b0 = t.elapsed();
        println!("2^{log_n}: arkworks g1 msm {a0:?}  g2 msm {b0:?}");
        let t = Instant::now();
        let _ = msm::g1_msm_points(&g1, &big);
        let a = t.elapsed();
        let t = Instant::now();
        let _ = msm::g2_msm_points(&g2, &big);
        let b = t.elapsed();
        let mut v = scalars.clone();
        let t = Instant::now();
        fft::fft_in_place(&mut v, false).unwrap();
        let c = t.elapsed();
        println!("2^{log_n}: g1 msm {a:?}  g2 msm {b:?}  fft {c:?}");
    }

    // synthetic prover input: ~3 A and ~3 B terms per constraint, n_vars = n, domain n
    let n_public = 2;
    let n_vars = n;
    let mut coeffs = Vec::new();
    let mut count = 0u32;
    for m in 0..2u32 {
        for c in 0..n as u32 {
            for _ in 0..3 {
                coeffs.extend_from_slice(&m.to_le_bytes());
                coeffs.extend_from_slice(&c.to_le_bytes());
                coeffs.extend_from_slice(&(rng.gen_range(0..n_vars as u32)).to_le_bytes());
                let mut b = [0u8; 32];
                enc::put_fr(&Fr::rand(&mut rng), &mut b);
                coeffs.extend_from_slice(&b);
                count += 1;
            }
        }
    }
    let mut sec4 = count.to_le_bytes().to_vec();
    sec4.extend_from_slice(&coeffs);
    let g1b = enc::g1_batch_to_lem(&g1);
    let g2b = enc::g2_batch_to_lem(&g2);
    let wit = enc::frs_to_bytes(&scalars);
    let sections = groth16::Sections {
        n_vars,
        n_public,
        domain_size: n,
        coeffs: &sec4,
        a: &g1b,
        b1: &g1b,
        b2: &g2b,
        c: &g1b[..(n_vars - n_public - 1) * 64],
        h: &g1b,
        alpha1: &g1b[0..64],
        beta1: &g1b[64..128],
        beta2: &g2b[0..128],
        delta1: &g1b[128..192],
        delta2: &g2b[128..256],
    };
    let pk = groth16::ProvingKey::new(&sections, enc::Trust::Trusted).unwrap();
    for _ in 0..3 {
        let t = Instant::now();
        let _ = groth16::prove(&pk, &wit, Fr::from(3u64), Fr::from(5u64)).unwrap();
        println!("2^{log_n}: synthetic prove (random witness) {:?}", t.elapsed());
    }
}
