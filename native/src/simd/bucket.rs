//! The bucket accumulation of Pippenger's MSM (one window) on eight lanes.
//!
//! Same algorithm as the portable `msm::window_sum`: points go into affine buckets, and a batch of
//! pending "bucket += point" additions shares one field inversion (Montgomery's trick). Here the
//! batch is processed eight additions at a time: denominators, the eight running products (one
//! per lane), the walk back and λ, x3, y3 are lane-wise IFMA arithmetic on coordinates gathered
//! from (and scattered back to) 52-bit-limb copies of the bases and buckets; only the eight lane
//! totals are inverted in scalar code (one shared inversion). A bucket with an addition already
//! pending in the batch sends the point to its projective overflow (as the portable code), and
//! the rare additions whose two x coordinates agree (doubling, or P + (−P)) are finished in scalar
//! code after the batch.

use core::arch::x86_64::*;

use ark_ec::short_weierstrass::{Affine, Projective};
use ark_ec::PrimeGroup;
use ark_ff::Zero;

use super::jacobian::Jac;

use super::jacobian::LaneField;
use super::ladder::SimdCurve;

/// Every base as x‖y in 52-bit Montgomery limbs (2·LIMBS u64 per point), for the gathers.
pub fn base_limbs<P: SimdCurve>(bases: &[Affine<P>]) -> Vec<u64> {
    let l = P::LIMBS;
    let mut out = vec![0u64; bases.len() * 2 * l];
    for (p, o) in bases.iter().zip(out.chunks_exact_mut(2 * l)) {
        if !p.infinity {
            P::put_point(p, o);
        }
    }
    out
}

struct Buckets<'a, P: SimdCurve> {
    bases: &'a [Affine<P>],
    base_limbs: &'a [u64],
    /// bucket coordinates, same layout as `base_limbs` (values < 2q, not canonical)
    limbs: Vec<u64>,
    filled: Vec<bool>,
    busy: Vec<bool>,
    overflow: Vec<Projective<P>>,
    /// pending additions: (bucket, base, negate the base)
    batch: Vec<(u32, u32, bool)>,
}

/// Σ_b (b+1)·bucket_b of one window whose signed digits (one per base) are `digits`.
pub fn window_sum<P: SimdCurve>(bases: &[Affine<P>], base_limbs: &[u64], digits: &[i32], c: usize) -> Projective<P> {
    let n_buckets = 1usize << (c - 1);
    let cap = (n_buckets / 8).clamp(64, 1024);
    // buckets this window's digits can reach: with fewer than ~4 per pending addition, most
    // points would meet a busy bucket, so sort by bucket instead
    let usable = digits.iter().map(|d| d.unsigned_abs() as usize).max().unwrap_or(0);
    if usable < 4 * cap {
        return window_sum_sorted(bases, base_limbs, digits, c);
    }
    let l = P::LIMBS;
    let mut s = Buckets::<P> {
        bases,
        base_limbs,
        limbs: vec![0u64; n_buckets * 2 * l],
        filled: vec![false; n_buckets],
        busy: vec![false; n_buckets],
        overflow: vec![Projective::<P>::zero(); n_buckets],
        batch: Vec::with_capacity(cap),
    };
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 || bases[i].infinity {
            continue;
        }
        let (b, neg) = (d.unsigned_abs() as usize - 1, d < 0);
        if s.busy[b] {
            s.overflow[b] += &if neg { -bases[i] } else { bases[i] };
        } else if !s.filled[b] {
            let p = if neg { -bases[i] } else { bases[i] };
            P::put_point(&p, &mut s.limbs[b * 2 * l..(b + 1) * 2 * l]);
            s.filled[b] = true;
        } else {
            s.busy[b] = true;
            s.batch.push((b as u32, i as u32, neg));
            if s.batch.len() >= cap {
                unsafe { flush(&mut s) };
            }
        }
    }
    unsafe { flush(&mut s) };
    reduce_buckets::<P>(&s.limbs, &s.filled) + reduce_overflow(&s.overflow)
}

/// Σ_b (b+1)·B_b over the filled affine buckets: on eight lanes, or on the portable path if a
/// lane met an exceptional addition (repeated or opposite points).
fn reduce_buckets<P: SimdCurve>(limbs: &[u64], filled: &[bool]) -> Projective<P> {
    unsafe { reduce_filled::<P>(limbs, filled) }.unwrap_or_else(|| {
        let mut running = Projective::<P>::zero();
        let mut total = Projective::<P>::zero();
        for b in (0..filled.len()).rev() {
            if filled[b] {
                running += &point_at::<P>(limbs, b);
            }
            total += &running;
        }
        total
    })
}

/// q − v on the 52-bit limbs of a canonical Fq value (each 5-limb half of an Fq2 one): the y of
/// a negated base. v = 0 gives q, which the lane arithmetic accepts (values below 2q).
fn negate_limbs(v: &mut [u64]) {
    use super::fq8::{split52, MASK52};
    let q = split52(&<ark_bn254::Fq as ark_ff::PrimeField>::MODULUS.0);
    for half in v.chunks_exact_mut(5) {
        let mut borrow = 0i64;
        for j in 0..5 {
            let d = q[j] as i64 - half[j] as i64 - borrow;
            borrow = (d < 0) as i64;
            half[j] = (d + (borrow << 52)) as u64 & MASK52;
        }
    }
}

/// A window whose digits use few buckets (the top window of a full-size MSM holds only a few
/// bits) would send most points to the projective overflow. Here the points are sorted by bucket
/// and each bucket's list is summed pairwise, round after round; every round is one batch of
/// independent affine additions, so there are no conflicts at all.
pub fn window_sum_sorted<P: SimdCurve>(bases: &[Affine<P>], base_limbs: &[u64], digits: &[i32], c: usize) -> Projective<P> {
    let n_buckets = 1usize << (c - 1);
    let pl = 2 * P::LIMBS;
    let mut start = vec![0usize; n_buckets + 1];
    for (i, &d) in digits.iter().enumerate() {
        if d != 0 && !bases[i].infinity {
            start[d.unsigned_abs() as usize] += 1;
        }
    }
    for b in 0..n_buckets {
        start[b + 1] += start[b];
    }
    let m = start[n_buckets];
    let mut len: Vec<usize> = (0..n_buckets).map(|b| start[b + 1] - start[b]).collect();
    let mut w = vec![0u64; m * pl];
    let mut fill = start.clone();
    for (i, &d) in digits.iter().enumerate() {
        if d == 0 || bases[i].infinity {
            continue;
        }
        let b = d.unsigned_abs() as usize - 1;
        let k = fill[b];
        fill[b] += 1;
        w[k * pl..(k + 1) * pl].copy_from_slice(&base_limbs[i * pl..(i + 1) * pl]);
        if d < 0 {
            negate_limbs(&mut w[k * pl + P::LIMBS..(k + 1) * pl]);
        }
    }
    let mut inf = vec![false; m];
    let mut w2 = vec![0u64; m * pl];
    let mut inf2 = vec![false; m];
    loop {
        let mut jobs: Vec<Job> = Vec::new();
        let mut copies: Vec<(usize, usize)> = Vec::new();
        for b in 0..n_buckets {
            let (s0, n) = (start[b], len[b]);
            if n < 2 {
                if n == 1 {
                    copies.push((s0, s0));
                }
                continue;
            }
            for j in 0..n / 2 {
                let (a, c2, dst) = (s0 + 2 * j, s0 + 2 * j + 1, s0 + j);
                if inf[a] || inf[c2] {
                    copies.push((if inf[a] { c2 } else { a }, dst));
                } else {
                    jobs.push(Job { a: a as u32, b: c2 as u32, neg: false, dst: dst as u32 });
                }
            }
            if n % 2 == 1 {
                copies.push((s0 + n - 1, s0 + n / 2));
            }
            len[b] = n.div_ceil(2);
        }
        if jobs.is_empty() && copies.iter().all(|&(a, d)| a == d) {
            break;
        }
        for v in inf2.iter_mut() {
            *v = false;
        }
        for chunk in jobs.chunks(1024) {
            let same = unsafe { add_batch::<P>(w.as_ptr(), w.as_ptr(), w2.as_mut_ptr(), chunk) };
            for k in same {
                let j = chunk[k];
                let sum = Projective::<P>::from(point_at::<P>(&w, j.a as usize)) + point_at::<P>(&w, j.b as usize);
                if sum.is_zero() {
                    inf2[j.dst as usize] = true;
                } else {
                    put_point::<P>(&mut w2, j.dst as usize, &sum.into());
                }
            }
        }
        for (src, dst) in copies {
            w2[dst * pl..(dst + 1) * pl].copy_from_slice(&w[src * pl..(src + 1) * pl]);
            inf2[dst] = inf[src];
        }
        std::mem::swap(&mut w, &mut w2);
        std::mem::swap(&mut inf, &mut inf2);
    }
    let mut limbs = vec![0u64; n_buckets * pl];
    let mut filled = vec![false; n_buckets];
    for b in 0..n_buckets {
        if len[b] == 1 && !inf[start[b]] {
            limbs[b * pl..(b + 1) * pl].copy_from_slice(&w[start[b] * pl..(start[b] + 1) * pl]);
            filled[b] = true;
        }
    }
    reduce_buckets::<P>(&limbs, &filled)
}

/// Σ_b (b+1)·O_b over the projective overflow accumulators, visiting only the non-empty ones:
/// between two of them the running sum is constant, so it is added (gap)·times at once.
fn reduce_overflow<P: SimdCurve>(overflow: &[Projective<P>]) -> Projective<P> {
    let mut running = Projective::<P>::zero();
    let mut total = Projective::<P>::zero();
    let mut prev: Option<usize> = None;
    for b in (0..overflow.len()).rev() {
        if overflow[b].is_zero() {
            continue;
        }
        if let Some(p) = prev {
            total += running.mul_bigint([(p - b) as u64]);
        }
        running += overflow[b];
        prev = Some(b);
    }
    if let Some(p) = prev {
        total += running.mul_bigint([(p + 1) as u64]);
    }
    total
}

/// Σ_b (b+1)·B_b over the filled affine buckets, on eight lanes: lane s runs the running-sum
/// reduction over the segment [s·m, (s+1)·m) (m = buckets / 8), giving T_s = Σ (b − s·m + 1)·B_b
/// and R_s = Σ B_b over its segment; then Σ_b (b+1)·B_b = Σ_s T_s + m·Σ_s s·R_s. `None` if a
/// lane met an exceptional addition.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn reduce_filled<P: SimdCurve>(limbs: &[u64], filled_flags: &[bool]) -> Option<Projective<P>> {
    let n_buckets = filled_flags.len();
    let m = n_buckets / 8;
    if m == 0 {
        return None;
    }
    let l = P::LIMBS as i64;
    let one = P::L::one();
    let mut run = Jac { x: one, y: one, z: one };
    let mut tot = run;
    let (mut run_inf, mut tot_inf, mut bad) = (0xffu8, 0xffu8, 0u8);
    let lanes = _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0);
    let seg = _mm512_mullo_epi64(lanes, _mm512_set1_epi64(m as i64));
    for k in (0..m).rev() {
        let mut filled = 0u8;
        for lane in 0..8 {
            if filled_flags[lane * m + k] {
                filled |= 1 << lane;
            }
        }
        if filled != 0 {
            let idx = _mm512_mullo_epi64(_mm512_add_epi64(seg, _mm512_set1_epi64(k as i64)), _mm512_set1_epi64(2 * l));
            let x = P::L::gather(limbs.as_ptr(), idx);
            let y = P::L::gather(limbs.as_ptr(), _mm512_add_epi64(idx, _mm512_set1_epi64(l)));
            bad |= run.add_affine_where(&mut run_inf, filled, &x, &y);
        }
        let live = !run_inf;
        let upd = live & !tot_inf;
        if upd != 0 {
            let (sum, hz) = tot.add(&run);
            bad |= upd & hz;
            tot = Jac::select(upd, &tot, &sum);
        }
        let fresh = live & tot_inf;
        if fresh != 0 {
            tot = Jac::select(fresh, &tot, &run);
            tot_inf &= !live;
        }
        if bad != 0 {
            return None;
        }
    }
    let lane_points = |j: &Jac<P::L>, inf: u8| -> Vec<Projective<P>> {
        let (xs, ys, zs) = (P::store(&j.x), P::store(&j.y), P::store(&j.z));
        (0..8)
            .map(|i| if inf & (1 << i) != 0 { Projective::<P>::zero() } else { Projective::<P>::new_unchecked(xs[i], ys[i], zs[i]) })
            .collect()
    };
    let (tots, runs) = (lane_points(&tot, tot_inf), lane_points(&run, run_inf));
    let mut total = Projective::<P>::zero();
    let mut weighted = Projective::<P>::zero();
    for i in 0..8 {
        total += tots[i];
        weighted += runs[i].mul_bigint([i as u64]);
    }
    Some(total + weighted.mul_bigint([m as u64]))
}

fn bucket_affine<P: SimdCurve>(s: &Buckets<P>, b: usize) -> Affine<P> {
    point_at::<P>(&s.limbs, b)
}

/// One independent affine addition of a batch: dst ← a + (±b), each an index of a point (x‖y,
/// 2·LIMBS u64) in its array.
#[derive(Clone, Copy)]
struct Job {
    a: u32,
    b: u32,
    neg: bool,
    dst: u32,
}

/// One group of eight additions, gathered.
struct Group<F> {
    ax: F,
    ay: F,
    bx: F,
    by: F,
    den: F,
    prefix: F,
    dst_idx: __m512i,
    write: __mmask8,
}

/// Run a batch of independent affine additions eight at a time: the denominators' eight running
/// products (one per lane) share one inversion. `dst` may be `a_src` (every gather of the batch
/// happens before the first scatter). Returns the jobs whose two x coordinates agreed (doubling
/// or P + (−P)); they are not written, the caller finishes them.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn add_batch<P: SimdCurve>(a_src: *const u64, b_src: *const u64, dst: *mut u64, jobs: &[Job]) -> Vec<usize> {
    let l = P::LIMBS as i64;
    let stride = _mm512_set1_epi64(2 * l);
    let yoff = _mm512_set1_epi64(l);
    let one = P::L::one();
    let mut groups: Vec<Group<P::L>> = Vec::with_capacity(jobs.len().div_ceil(8));
    let mut same: Vec<usize> = Vec::new();
    let mut acc = one;
    for (g, chunk) in jobs.chunks(8).enumerate() {
        let (mut ai, mut bi, mut di) = ([0i64; 8], [0i64; 8], [0i64; 8]);
        let (mut live, mut neg) = (0u8, 0u8);
        for (lane, j) in chunk.iter().enumerate() {
            ai[lane] = j.a as i64;
            bi[lane] = j.b as i64;
            di[lane] = j.dst as i64;
            live |= 1 << lane;
            if j.neg {
                neg |= 1 << lane;
            }
        }
        let ao = _mm512_mullo_epi64(_mm512_loadu_si512(ai.as_ptr() as *const _), stride);
        let bo = _mm512_mullo_epi64(_mm512_loadu_si512(bi.as_ptr() as *const _), stride);
        let dst_idx = _mm512_mullo_epi64(_mm512_loadu_si512(di.as_ptr() as *const _), stride);
        let ax = P::L::gather(a_src, ao);
        let ay = P::L::gather(a_src, _mm512_add_epi64(ao, yoff));
        let bx = P::L::gather(b_src, bo);
        let by0 = P::L::gather(b_src, _mm512_add_epi64(bo, yoff));
        let by = P::L::select(neg, &by0, &by0.neg());
        let d = bx.sub(&ax);
        let same_x = d.is_zero() & live;
        for lane in 0..8 {
            if same_x & (1 << lane) != 0 {
                same.push(g * 8 + lane);
            }
        }
        let den = P::L::select(same_x | !live, &d, &one);
        let prefix = acc;
        acc = acc.mul(&den);
        groups.push(Group { ax, ay, bx, by, den, prefix, dst_idx, write: live & !same_x });
    }
    let mut totals = P::store(&acc);
    ark_ff::batch_inversion(&mut totals);
    let mut inv = P::load(&totals);
    for g in groups.iter().rev() {
        let inv_g = inv.mul(&g.prefix);
        inv = inv.mul(&g.den);
        let lambda = g.by.sub(&g.ay).mul(&inv_g);
        let x3 = lambda.square().sub(&g.ax).sub(&g.bx);
        let y3 = lambda.mul(&g.ax.sub(&x3)).sub(&g.ay);
        x3.scatter(dst, g.dst_idx, g.write);
        y3.scatter(dst, _mm512_add_epi64(g.dst_idx, yoff), g.write);
    }
    same
}

fn point_at<P: SimdCurve>(limbs: &[u64], i: usize) -> Affine<P> {
    let l = P::LIMBS;
    let at = i * 2 * l;
    Affine::<P>::new_unchecked(P::get(&limbs[at..at + l]), P::get(&limbs[at + l..at + 2 * l]))
}

fn put_point<P: SimdCurve>(limbs: &mut [u64], i: usize, p: &Affine<P>) {
    let l = P::LIMBS;
    let at = i * 2 * l;
    P::put_point(p, &mut limbs[at..at + 2 * l]);
}

/// Perform every pending "bucket += point" of the batch.
#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn flush<P: SimdCurve>(s: &mut Buckets<P>) {
    if s.batch.is_empty() {
        return;
    }
    let jobs: Vec<Job> = s.batch.iter().map(|&(b, q, neg)| Job { a: b, b: q, neg, dst: b }).collect();
    let same = add_batch::<P>(s.limbs.as_ptr(), s.base_limbs.as_ptr(), s.limbs.as_mut_ptr(), &jobs);
    // exceptional additions (same x): doubling or cancellation, in scalar code
    for k in same {
        let (b, q, ng) = s.batch[k];
        let (b, q) = (b as usize, q as usize);
        let p = if ng { -s.bases[q] } else { s.bases[q] };
        let sum = Projective::<P>::from(bucket_affine(s, b)) + p;
        if sum.is_zero() {
            s.filled[b] = false;
        } else {
            put_point::<P>(&mut s.limbs, b, &sum.into());
        }
    }
    for &(b, _, _) in &s.batch {
        s.busy[b as usize] = false;
    }
    s.batch.clear();
}
