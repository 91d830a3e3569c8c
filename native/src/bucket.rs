//! Pippenger's buckets in affine coordinates: accumulation with shared inversions, and the
//! weighted reduction Σ (i+1)·bucket_i.
//!
//! Why affine: adding two affine points costs about six field multiplications when a batch of
//! independent additions shares one inversion (Montgomery's trick), against about eleven for a
//! mixed projective addition.
//!
//! Why points that find their bucket busy wait for the next batch (`pending`) instead of being
//! added into a projective overflow accumulator at once: with 2^(c−1) buckets and batches of
//! 2^(c−1)/8 additions (the previous rule), about one point in nine found its bucket busy. Added
//! projectively, each cost a mixed addition plus, at the end, a full addition of its bucket's
//! accumulator: 17 % of a wallet-sized table MSM (5,860 points, c = 13) in the profile. Waiting
//! is bounded (at most half a batch's worth of points wait). When the queue is full because few
//! buckets are reachable (small scalars, the top window), the batch is performed early while it
//! still shares its inversion among enough additions, and only beyond that do points go to the
//! overflow: every window stays linear. Since waiting is cheap, batches are now twice as large
//! (half the inversions).
//!
//! Why the reduction splits the bucket index in two: the usual running sum
//! (`running += b_i; total += running`, from the top) is 2^c projective additions, half of them
//! full ones, in one dependent chain, so it cannot share inversions. Writing i + 1 = a·s + b + 1
//! (s ≈ √m for m buckets), Σ (i+1)·B_i = s·Σ_a a·U_a + Σ_b (b+1)·T_b, where U_a sums row a and T_b
//! column b of the buckets laid out as an (m/s) × s grid. The row and column sums are 2m
//! independent affine additions (pairwise trees, one inversion per tree level), and only the two
//! short weighted sums (about 4√m additions) are projective. At m = 4,096 that is about half the
//! cost of the running sum.

use ark_ec::short_weierstrass::{Affine, Projective, SWCurveConfig};
use ark_ec::CurveGroup;
use ark_ff::{One, Zero};

use crate::tower::curve;
use crate::tower::ops::{BatchInvertScratch, TowerField};

type F<P> = <P as ark_ec::CurveConfig>::BaseField;

/// acc[target(k)] += point(k) for every k < n (targets distinct), with one field inversion for
/// the whole batch. `den` and `scratch` are scratch space kept by the caller between batches.
/// Covers every case of the affine group law: identity on either side, doubling (same point),
/// and P + (−P) (the result is the identity).
///
/// The operands come from functions, so a batch names its points by their index in the MSM's
/// bases (8 bytes an entry) instead of carrying copies (80 bytes in G1, 144 in G2): copying them
/// into batches and queues was 3–5 % of a 2^16 proof (memmove in the profile).
#[inline(always)]
pub fn add_into<P, T, Q>(acc: &mut [Affine<P>], n: usize, target: T, point: Q, den: &mut Vec<F<P>>, scratch: &mut BatchInvertScratch)
where
    P: SWCurveConfig<BaseField: TowerField>,
    T: Fn(usize) -> usize,
    Q: Fn(usize) -> Affine<P>,
{
    if n == 0 {
        return;
    }
    // denominators: x2 − x1 (add), 2·y (double), 1 (an identity side, or P + (−P))
    den.clear();
    for k in 0..n {
        let (b, q) = (&acc[target(k)], point(k));
        den.push(if b.infinity || q.infinity {
            F::<P>::one()
        } else if b.x != q.x {
            F::<P>::t_sub(&q.x, &b.x)
        } else if b.y == q.y && !b.y.is_zero() {
            F::<P>::t_double(&b.y)
        } else {
            F::<P>::one()
        });
    }
    F::<P>::t_batch_invert(den, scratch);
    for (k, inv) in den.iter().enumerate() {
        let (i, q) = (target(k), point(k));
        let b = acc[i];
        if q.infinity {
            continue;
        }
        if b.infinity {
            acc[i] = q;
            continue;
        }
        let lambda = if b.x != q.x {
            F::<P>::t_mul(&F::<P>::t_sub(&q.y, &b.y), inv)
        } else if b.y == q.y && !b.y.is_zero() {
            // a = 0 on both curves (debug-checked in `tower::curve`)
            let x2 = F::<P>::t_square(&b.x);
            F::<P>::t_mul(&F::<P>::t_add(&F::<P>::t_double(&x2), &x2), inv)
        } else {
            acc[i] = Affine::<P>::identity();
            continue;
        };
        let x3 = F::<P>::t_sub(&F::<P>::t_sub(&F::<P>::t_square(&lambda), &b.x), &q.x);
        let y3 = F::<P>::t_sub(&F::<P>::t_mul(&lambda, &F::<P>::t_sub(&b.x, &x3)), &b.y);
        acc[i] = Affine::<P>::new_unchecked(x3, y3);
    }
}

/// The smallest batch performed before it is full, when the waiting points fill their queue: an
/// inversion (about 100 field products) shared by fewer additions costs more than adding the
/// point projectively (about five products more than in a batch).
const MIN_EARLY_BATCH: usize = 24;

/// The top bit of a point reference: the point is negated.
const NEGATED: u32 = 1 << 31;

/// bases[r] (negated when the reference says so).
#[inline(always)]
fn point_of<P: SWCurveConfig<BaseField: TowerField>>(bases: &[Affine<P>], r: u32) -> Affine<P> {
    let p = bases[(r & !NEGATED) as usize];
    if r & NEGATED != 0 {
        curve::neg_affine(&p)
    } else {
        p
    }
}

/// Affine buckets being filled with ± points of one slice of bases, batch by batch.
pub struct BucketAdder<'a, P: SWCurveConfig<BaseField: TowerField>> {
    /// Affine partial sums (identity while empty).
    buckets: Vec<Affine<P>>,
    bases: &'a [Affine<P>],
    /// Projective accumulators for points that found their bucket busy while `pending` was full.
    overflow: Vec<Projective<P>>,
    busy: Vec<bool>,
    /// (bucket, point reference) pairs: the additions of the current batch, and the waiting ones.
    batch: Vec<(u32, u32)>,
    batch_cap: usize,
    pending: Vec<(u32, u32)>,
    spare: Vec<(u32, u32)>,
    den: Vec<F<P>>,
    scratch: BatchInvertScratch,
}

impl<'a, P: SWCurveConfig<BaseField: TowerField>> BucketAdder<'a, P> {
    /// `n_buckets` buckets for sums of ± `bases`; a batch (one shared inversion) holds up to
    /// `batch_cap` additions.
    pub fn new(bases: &'a [Affine<P>], n_buckets: usize, batch_cap: usize) -> Self {
        assert!(bases.len() < NEGATED as usize, "{} bases: at most 2^31 can be referenced", bases.len());
        BucketAdder {
            buckets: vec![Affine::<P>::identity(); n_buckets],
            bases,
            overflow: vec![Projective::<P>::zero(); n_buckets],
            busy: vec![false; n_buckets],
            batch: Vec::with_capacity(batch_cap * 2),
            batch_cap,
            pending: Vec::with_capacity(batch_cap / 2 + 1),
            spare: Vec::with_capacity(batch_cap / 2 + 1),
            den: Vec::with_capacity(batch_cap * 2),
            scratch: BatchInvertScratch::default(),
        }
    }

    /// bucket[idx] += bases[k], or −bases[k] when `negate` (performed now, in the current batch,
    /// or after it).
    #[inline]
    pub fn add(&mut self, idx: u32, k: usize, negate: bool) {
        let r = k as u32 | if negate { NEGATED } else { 0 };
        let i = idx as usize;
        loop {
            if !self.busy[i] {
                if self.buckets[i].infinity {
                    self.buckets[i] = point_of(self.bases, r);
                } else {
                    self.busy[i] = true;
                    self.batch.push((idx, r));
                    if self.batch.len() >= self.batch_cap {
                        self.flush();
                    }
                }
                return;
            }
            if self.pending.len() < self.pending_cap() {
                self.pending.push((idx, r));
                return;
            }
            // Too many points wait: the batch cannot fill up (few buckets are reachable, as in
            // a top window). Perform it early while it is worth an inversion; otherwise add
            // projectively.
            if self.batch.len() < MIN_EARLY_BATCH {
                self.overflow[i] = curve::add_mixed(&self.overflow[i], &point_of(self.bases, r));
                return;
            }
            self.flush();
        }
    }

    /// At most this many points wait for a busy bucket (about one in eight of a batch does when
    /// the digits are spread over all buckets).
    #[inline(always)]
    fn pending_cap(&self) -> usize {
        self.batch_cap / 2
    }

    /// Perform the batch's additions, then offer the waiting points again (their buckets are
    /// free now; each is added to the next batch or waits again).
    fn flush(&mut self) {
        let (batch, bases) = (&self.batch, self.bases);
        add_into(&mut self.buckets, batch.len(), |k| batch[k].0 as usize, |k| point_of(bases, batch[k].1), &mut self.den, &mut self.scratch);
        for (idx, _) in &self.batch {
            self.busy[*idx as usize] = false;
        }
        self.batch.clear();
        let mut waiting = std::mem::take(&mut self.spare);
        std::mem::swap(&mut self.pending, &mut waiting);
        for (idx, r) in waiting.drain(..) {
            // not `add`: a full batch is flushed by the next `add` or by `finish`
            let i = idx as usize;
            if self.busy[i] {
                self.pending.push((idx, r));
            } else if self.buckets[i].infinity {
                self.buckets[i] = point_of(self.bases, r);
            } else {
                self.busy[i] = true;
                self.batch.push((idx, r));
            }
        }
        self.spare = waiting;
    }

    /// Every addition done: the affine buckets, each with its overflow (if any) folded in.
    pub fn finish(mut self) -> Vec<Affine<P>> {
        // Flush while a batch still advances many waiting points at once; the last few (the
        // same buckets over and over) are cheaper as projective additions than as batches of one.
        while !self.batch.is_empty() {
            if self.batch.len() * 8 < self.pending.len() || self.batch.len() < 4 {
                for (idx, r) in self.batch.drain(..).chain(self.pending.drain(..)) {
                    let i = idx as usize;
                    self.overflow[i] = curve::add_mixed(&self.overflow[i], &point_of(self.bases, r));
                }
                break;
            }
            self.flush();
        }
        let folded: Vec<(usize, Projective<P>)> = self
            .overflow
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.is_zero())
            .map(|(i, o)| (i, curve::add_mixed(o, &self.buckets[i])))
            .collect();
        let sums: Vec<Projective<P>> = folded.iter().map(|(_, p)| *p).collect();
        for ((i, _), a) in folded.iter().zip(Projective::<P>::normalize_batch(&sums)) {
            self.buckets[*i] = a;
        }
        self.buckets
    }
}

/// The sums of consecutive groups of `len` points (`len` a power of two dividing the count):
/// pairwise trees, one batch of affine additions (one inversion) per level.
pub fn group_sums<P: SWCurveConfig<BaseField: TowerField>>(mut points: Vec<Affine<P>>, len: usize) -> Vec<Affine<P>> {
    assert!(len.is_power_of_two() && points.len() % len == 0, "groups of {len} in {} points", points.len());
    let (mut targets, mut rights, mut den, mut scratch) = (Vec::new(), Vec::new(), Vec::new(), BatchInvertScratch::default());
    let mut len = len;
    while len > 1 {
        targets.clear();
        rights.clear();
        for i in (0..points.len()).step_by(2) {
            let right = points[i + 1];
            if right.infinity {
                continue;
            }
            if points[i].infinity {
                points[i] = right;
            } else {
                targets.push(i);
                rights.push(right);
            }
        }
        add_into(&mut points, targets.len(), |k| targets[k], |k| rights[k], &mut den, &mut scratch);
        // element 2t (the left of each pair, which now holds the pair's sum) moves to t
        for t in 0..points.len() / 2 {
            points[t] = points[2 * t];
        }
        points.truncate(points.len() / 2);
        len /= 2;
    }
    points
}

/// Σ (i+1)·buckets[i]: Pippenger's bucket reduction (see the module docs for the method).
pub fn weighted_sum<P: SWCurveConfig<BaseField: TowerField>>(buckets: Vec<Affine<P>>) -> Projective<P> {
    let m = buckets.len();
    if m < 64 || !m.is_power_of_two() {
        return running_sum(&buckets);
    }
    let s = 1usize << (m.trailing_zeros() / 2); // columns
    let rows = m / s;
    let mut by_column = vec![Affine::<P>::identity(); m];
    for (i, b) in buckets.iter().enumerate() {
        by_column[(i % s) * rows + i / s] = *b;
    }
    let row_sums = group_sums(buckets, s); // U_a, weight a·s
    let column_sums = group_sums(by_column, rows); // T_b, weight b + 1
    let mut high = running_sum(&row_sums[1..]); // Σ a·U_a
    for _ in 0..s.trailing_zeros() {
        high = curve::double(&high);
    }
    curve::add(&high, &running_sum(&column_sums))
}

/// Σ (k+1)·points[k] by the running sum from the top.
fn running_sum<P: SWCurveConfig<BaseField: TowerField>>(points: &[Affine<P>]) -> Projective<P> {
    let mut running = Projective::<P>::zero();
    let mut total = Projective::<P>::zero();
    for p in points.iter().rev() {
        if !p.infinity {
            running = curve::add_mixed(&running, p);
        }
        total = curve::add(&total, &running);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_bn254::{Fr, G1Affine, G1Projective, G2Affine, G2Projective};
    use ark_ec::PrimeGroup;
    use ark_ff::UniformRand;
    use ark_std::rand::{rngs::StdRng, Rng, SeedableRng};

    /// Σ (i+1)·b_i the slow way.
    fn weighted_reference<P: SWCurveConfig>(b: &[Affine<P>]) -> Projective<P> {
        b.iter().enumerate().map(|(i, p)| *p * P::ScalarField::from((i + 1) as u64)).sum()
    }

    /// Buckets with identities, repeats and opposite points (the cases of the group law).
    fn awkward<P: SWCurveConfig>(m: usize, gen: Projective<P>, rng: &mut StdRng) -> Vec<Affine<P>> {
        let few: Vec<Affine<P>> = (0..3).map(|_| (gen * P::ScalarField::rand(rng)).into_affine()).collect();
        (0..m)
            .map(|i| match rng.gen_range(0..6) {
                0 => Affine::<P>::identity(),
                1 => few[i % 3],
                2 => -few[i % 3],
                _ => (gen * P::ScalarField::rand(rng)).into_affine(),
            })
            .collect()
    }

    #[test]
    fn weighted_sum_matches_the_definition() {
        let mut rng = StdRng::seed_from_u64(21);
        for m in [1usize, 2, 7, 64, 128, 256, 1024] {
            let b = awkward(m, G1Projective::generator(), &mut rng);
            assert_eq!(weighted_sum(b.clone()), weighted_reference(&b), "G1 m = {m}");
        }
        for m in [64usize, 128] {
            let b: Vec<G2Affine> = awkward(m, G2Projective::generator(), &mut rng);
            assert_eq!(weighted_sum(b.clone()), weighted_reference(&b), "G2 m = {m}");
        }
        // all identical (every tree level doubles) and all identity
        let p = (G1Projective::generator() * Fr::from(5u64)).into_affine();
        assert_eq!(weighted_sum(vec![p; 256]), weighted_reference(&vec![p; 256]));
        assert!(weighted_sum(vec![G1Affine::identity(); 256]).is_zero());
    }

    #[test]
    fn bucket_adder_matches_plain_sums_with_busy_buckets() {
        let mut rng = StdRng::seed_from_u64(22);
        // few buckets and small batches: points wait, overflow, double and cancel
        for (n_buckets, cap, n) in [(4usize, 2usize, 500usize), (64, 8, 3000), (512, 64, 4000), (1, 4, 50)] {
            let pts = awkward(n, G1Projective::generator(), &mut rng);
            let mut adder = BucketAdder::new(&pts, n_buckets, cap);
            let mut want = vec![G1Projective::zero(); n_buckets];
            for (k, p) in pts.iter().enumerate() {
                let idx = if k % 3 == 0 { 0 } else { rng.gen_range(0..n_buckets) }; // one hot bucket
                let negate = k % 5 == 1;
                adder.add(idx as u32, k, negate);
                want[idx] += if negate { -*p } else { *p };
            }
            let got = adder.finish();
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert_eq!(*g, w.into_affine(), "bucket {i} of {n_buckets}, cap {cap}");
            }
        }
    }

    #[test]
    fn group_sums_match_plain_sums() {
        let mut rng = StdRng::seed_from_u64(23);
        let pts: Vec<G1Affine> = awkward(512, G1Projective::generator(), &mut rng);
        for len in [1usize, 2, 8, 64, 512] {
            let got = group_sums(pts.clone(), len);
            let want: Vec<G1Affine> = pts.chunks(len).map(|c| c.iter().map(|p| G1Projective::from(*p)).sum::<G1Projective>().into_affine()).collect();
            assert_eq!(got, want, "len = {len}");
        }
    }
}
