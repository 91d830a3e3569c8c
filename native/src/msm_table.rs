//! MSM over bases that do not change between calls (a proving key's sections), with every
//! base's window shifts precomputed. (`fixed_base.rs` is the one-point counterpart: a
//! table for multiplying a single point, as the verifier's IC points need.)
//!
//! Pippenger over c-bit windows costs, per window, one addition per non-zero digit plus a bucket
//! reduction of about 2·2^(c−1) additions (`bucket::weighted_sum`), then c doublings to move to the
//! next window. For the few thousand points of a wallet's statement the reductions were a quarter
//! of the MSM with the projective running sum (the split reduction of `bucket.rs` counts about
//! half as many field products),
//! and they are why c must stay small. When the bases are fixed, the table
//! `T[j·n + i] = 2^(c·j)·P_i` turns all windows into one: Σ_j Σ_i d_ij·2^(cj)·P_i = Σ_k d_k·T_k,
//! a single bucket accumulation over n·w table points with one reduction and no doublings, so c
//! can grow until the (single) reduction and the number of windows balance.
//!
//! The table costs about 254 doublings per base to build and n·w affine points of memory; it pays
//! off from the second proof with a key, which is why it is built on request
//! (`ProvingKey::prepare`) and only within a memory budget.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::CurveGroup;
use ark_ff::{BigInt, Zero};
use rayon::prelude::*;

use crate::msm::{signed_digit_sum, signed_digits, FULL_BITS};

/// Window width of the tables: with one reduction per MSM the optimum is wider than Pippenger's.
/// It minimises n·w additions into buckets plus the one reduction (2^(c−1) buckets, each about
/// four bucket additions' worth: projective, two per bucket); the weight 4 fits the measurements
/// of `examples/msm_table.rs` at n = 100, 3,961 (G2), 5,860 and 8,192. With the cheaper split
/// reduction the same choices (c = 13 at 5,860, 12 for G2 at 3,961) were still the fastest or tied
/// when re-measured (session 8), so the weight stayed.
pub fn table_window(n: usize) -> usize {
    (4..=16usize)
        .min_by_key(|&c| n.saturating_mul(FULL_BITS / c + 1).saturating_add(4 << (c - 1)))
        .expect("a non-empty range")
}

/// `2^(c·j)·P_i` for every window j of a full-size scalar, window-major, in affine form.
pub struct MsmTable<P: SWCurveConfig> {
    c: usize,
    n: usize,
    windows: usize,
    points: Vec<Affine<P>>,
}

impl<P: SWCurveConfig<BaseField: crate::tower::ops::TowerField>> MsmTable<P> {
    /// Build the table for `bases` (window width from the count, see [`table_window`]).
    pub fn new(bases: &[Affine<P>]) -> Self {
        Self::with_window(bases, table_window(bases.len()))
    }

    pub fn with_window(bases: &[Affine<P>], c: usize) -> Self {
        assert!((2..=20).contains(&c), "window of {c} bits");
        let n = bases.len();
        let windows = FULL_BITS / c + 1; // as `signed_digits` lays them out
        // base-major while building (each base's chain of shifts is sequential), then transposed
        let mut by_base: Vec<Projective<P>> = vec![Projective::<P>::zero(); n * windows];
        by_base.par_chunks_mut(windows).zip(bases.par_iter()).for_each(|(row, p)| {
            let mut q: Projective<P> = (*p).into();
            for (j, slot) in row.iter_mut().enumerate() {
                if j > 0 {
                    for _ in 0..c {
                        q = crate::tower::curve::double(&q);
                    }
                }
                *slot = q;
            }
        });
        let affine: Vec<Affine<P>> = by_base
            .par_chunks(4096)
            .flat_map_iter(|chunk| Projective::<P>::normalize_batch(chunk))
            .collect();
        let mut points = vec![Affine::<P>::identity(); n * windows];
        points.par_chunks_mut(n.max(1)).enumerate().for_each(|(j, row)| {
            for (i, slot) in row.iter_mut().enumerate() {
                *slot = affine[i * windows + j];
            }
        });
        MsmTable { c, n, windows, points }
    }

    /// Bytes a table for `n` bases takes (for a caller's memory budget, before building it).
    pub fn size_for(n: usize) -> usize {
        n * (FULL_BITS / table_window(n) + 1) * std::mem::size_of::<Affine<P>>()
    }

    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Bytes the table holds (for the caller's memory budget).
    pub fn size_bytes(&self) -> usize {
        self.points.len() * std::mem::size_of::<Affine<P>>()
    }

    /// Σ scalars[i]·bases[i] for canonical scalars (< r); missing scalars count as zero and
    /// extra ones are ignored, as for `msm::msm`.
    pub fn msm(&self, scalars: &[BigInt<4>]) -> Projective<P> {
        let n = self.n;
        if n == 0 {
            return Projective::<P>::zero();
        }
        let padded;
        let scalars = if scalars.len() >= n {
            &scalars[..n]
        } else {
            padded = [scalars, &vec![BigInt::<4>::zero(); n - scalars.len()]].concat();
            &padded[..]
        };
        let (digits, windows) = signed_digits(scalars, self.c, FULL_BITS);
        debug_assert_eq!(windows, self.windows);
        // Window-major digits against window-major table rows: one thread's share of the windows
        // is one contiguous run of both, summed into one bucket set (SIMD where the CPU has it).
        let per = windows.div_ceil(rayon::current_num_threads().max(1)).max(1) * n;
        self.points
            .par_chunks(per)
            .zip(digits.par_chunks(per))
            .map(|(points, ds)| signed_digit_sum(points, ds, self.c))
            .reduce(Projective::<P>::zero, |a, b| a + b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::VariableBaseMSM;
    use ark_ff::{PrimeField, UniformRand};
    use ark_std::test_rng;

    fn scalars(n: usize, rng: &mut impl ark_std::rand::Rng) -> Vec<BigInt<4>> {
        (0..n)
            .map(|i| match i % 7 {
                0 => BigInt::from(0u64),
                1 => BigInt::from(1u64),
                2 => BigInt::from(u64::MAX),
                3 => (-Fr::from(1u64)).into_bigint(), // r - 1: the carry reaches the top window
                _ => Fr::rand(rng).into_bigint(),
            })
            .collect()
    }

    #[test]
    fn g1_table_msm_matches_arkworks() {
        let mut rng = test_rng();
        for (n, c) in [(1usize, 6usize), (37, 7), (700, 10), (1500, 12)] {
            let mut bases: Vec<G1Affine> = (0..n).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
            if n > 3 {
                bases[3] = G1Affine::identity(); // keys hold infinity for unused wires
            }
            let s = scalars(n, &mut rng);
            let want = G1Projective::msm_bigint(&bases, &s);
            assert_eq!(MsmTable::with_window(&bases, c).msm(&s), want, "n = {n}, c = {c}");
            assert_eq!(MsmTable::new(&bases).msm(&s), want, "n = {n}, default window");
        }
    }

    #[test]
    fn g2_table_msm_matches_arkworks() {
        let mut rng = test_rng();
        let n = 300;
        let bases: Vec<G2Affine> = (0..n).map(|_| G2Projective::rand(&mut rng).into_affine()).collect();
        let s = scalars(n, &mut rng);
        assert_eq!(MsmTable::new(&bases).msm(&s), G2Projective::msm_bigint(&bases, &s));
    }

    #[test]
    fn fewer_scalars_than_bases_and_a_wrong_table_is_caught() {
        let mut rng = test_rng();
        let bases: Vec<G1Affine> = (0..100).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
        let s = scalars(60, &mut rng);
        let table = MsmTable::new(&bases);
        assert_eq!(table.msm(&s), G1Projective::msm_bigint(&bases[..60], &s));
        // a table built for other bases gives another sum (the test above can fail)
        let other = MsmTable::new(&bases[1..]);
        assert_ne!(other.msm(&s), G1Projective::msm_bigint(&bases[..60], &s));
    }
}
