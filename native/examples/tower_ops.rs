//! Per-operation costs of arkworks' field and curve operators against the branch-free tower
//! (`zkvct_native::tower`), single thread, on the same values:
//! `cargo run --release --example tower_ops`. Each row is a dependent chain (every result feeds
//! the next call), so it measures latency. The same operations in gnark-crypto:
//! `go run ./ops` in benchmarks/gnark.
use std::hint::black_box;
use std::time::Instant;

use ark_bn254::{Fq, Fq12, Fq2, Fr, G2Affine, G2Projective};
use ark_ec::{AdditiveGroup, CurveGroup, PrimeGroup};
use ark_ff::{CyclotomicMultSubgroup, Field, UniformRand};
use ark_std::rand::SeedableRng;
use zkvct_native::tower::{curve, fq, fq12, fq2};

fn ns<F: FnMut()>(iters: u64, mut f: F) -> f64 {
    let t = Instant::now();
    for _ in 0..iters {
        f();
    }
    t.elapsed().as_nanos() as f64 / iters as f64
}

fn row(what: &str, ark: f64, tower: f64) {
    println!("{what:<28} {ark:>9.1} {tower:>9.1} {:>7.2}", ark / tower);
}

fn main() {
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(1);
    println!("{:<28} {:>9} {:>9} {:>7}", "ns per operation", "arkworks", "tower", "gain");
    let (mut a, b) = (Fq::rand(&mut rng), Fq::rand(&mut rng));
    let ark = ns(10_000_000, || a = black_box(a + b));
    let tw = ns(10_000_000, || a = black_box(fq::add(&a, &b)));
    row("Fq add", ark, tw);
    let ark = ns(10_000_000, || a = black_box(a * b));
    let tw = ns(10_000_000, || a = black_box(fq::mul(&a, &b)));
    row("Fq mul", ark, tw);
    let (mut x, y) = (Fq2::rand(&mut rng), Fq2::rand(&mut rng));
    let ark = ns(5_000_000, || x = black_box(x * y));
    let tw = ns(5_000_000, || x = black_box(fq2::mul(&x, &y)));
    row("Fq2 mul", ark, tw);
    let ark = ns(5_000_000, || x = black_box(x.square()));
    let tw = ns(5_000_000, || x = black_box(fq2::square(&x)));
    row("Fq2 square", ark, tw);
    let mut p = G2Projective::generator() * Fr::rand(&mut rng);
    let q: G2Affine = (G2Projective::generator() * Fr::rand(&mut rng)).into_affine();
    let ark = ns(1_000_000, || p = black_box(p.double()));
    let tw = ns(1_000_000, || p = black_box(curve::double(&p)));
    row("G2 double", ark, tw);
    let ark = ns(1_000_000, || p = black_box(p + q));
    let tw = ns(1_000_000, || p = black_box(curve::add_mixed(&p, &q)));
    row("G2 mixed add", ark, tw);
    let (mut f, g) = (Fq12::rand(&mut rng), Fq12::rand(&mut rng));
    let ark = ns(200_000, || f = black_box(f * g));
    let tw = ns(200_000, || f = black_box(fq12::mul(&f, &g)));
    row("Fq12 mul", ark, tw);
    let ark = ns(200_000, || f = black_box(f.square()));
    let tw = ns(200_000, || f = black_box(fq12::square(&f)));
    row("Fq12 square", ark, tw);
    let ark = ns(200_000, || f = black_box(f.cyclotomic_square()));
    let tw = ns(200_000, || f = black_box(fq12::cyclotomic_square(&f)));
    row("Fq12 cyclotomic square", ark, tw);
}
