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
            P::put(&p.x, &mut o[..l]);
            P::put(&p.y, &mut o[l..]);
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
            P::put(&p.x, &mut s.limbs[b * 2 * l..b * 2 * l + l]);
            P::put(&p.y, &mut s.limbs[b * 2 * l + l..(b + 1) * 2 * l]);
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
    let filled_sum = unsafe { reduce_filled(&s) }.unwrap_or_else(|| {
        // a lane met an exceptional addition (repeated or opposite points): portable reduction
        let mut running = Projective::<P>::zero();
        let mut total = Projective::<P>::zero();
        for b in (0..n_buckets).rev() {
            if s.filled[b] {
                running += &bucket_affine(&s, b);
            }
            total += &running;
        }
        total
    });
    filled_sum + reduce_overflow(&s.overflow)
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
unsafe fn reduce_filled<P: SimdCurve>(s: &Buckets<P>) -> Option<Projective<P>> {
    let n_buckets = s.filled.len();
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
            if s.filled[lane * m + k] {
                filled |= 1 << lane;
            }
        }
        if filled != 0 {
            let idx = _mm512_mullo_epi64(_mm512_add_epi64(seg, _mm512_set1_epi64(k as i64)), _mm512_set1_epi64(2 * l));
            let x = P::L::gather(s.limbs.as_ptr(), idx);
            let y = P::L::gather(s.limbs.as_ptr(), _mm512_add_epi64(idx, _mm512_set1_epi64(l)));
            let upd = filled & !run_inf;
            if upd != 0 {
                let (sum, hz) = run.add_affine(&x, &y);
                bad |= upd & hz;
                run = Jac::select(upd, &run, &sum);
            }
            let fresh = filled & run_inf;
            if fresh != 0 {
                run = Jac::select(fresh, &run, &Jac { x, y, z: one });
                run_inf &= !filled;
            }
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
    let l = P::LIMBS;
    let at = b * 2 * l;
    Affine::<P>::new_unchecked(P::get(&s.limbs[at..at + l]), P::get(&s.limbs[at + l..at + 2 * l]))
}

/// One group of eight pending additions, gathered.
struct Group<F> {
    bx: F,
    by: F,
    qx: F,
    qy: F,
    den: F,
    prefix: F,
    bucket_idx: __m512i,
    live: __mmask8,
    same_x: __mmask8,
}

#[target_feature(enable = "avx512f,avx512dq,avx512ifma")]
unsafe fn flush<P: SimdCurve>(s: &mut Buckets<P>) {
    if s.batch.is_empty() {
        return;
    }
    let l = P::LIMBS as i64;
    let one = P::L::one();
    let mut groups: Vec<Group<P::L>> = Vec::with_capacity(s.batch.len().div_ceil(8));
    let mut acc = one;
    for chunk in s.batch.chunks(8) {
        let (mut bidx, mut qidx) = ([0i64; 8], [0i64; 8]);
        let (mut live, mut neg) = (0u8, 0u8);
        for (lane, &(b, q, ng)) in chunk.iter().enumerate() {
            bidx[lane] = b as i64 * 2 * l;
            qidx[lane] = q as i64 * 2 * l;
            live |= 1 << lane;
            if ng {
                neg |= 1 << lane;
            }
        }
        let bi = _mm512_loadu_si512(bidx.as_ptr() as *const _);
        let qi = _mm512_loadu_si512(qidx.as_ptr() as *const _);
        let yoff = _mm512_set1_epi64(l);
        let bx = P::L::gather(s.limbs.as_ptr(), bi);
        let by = P::L::gather(s.limbs.as_ptr(), _mm512_add_epi64(bi, yoff));
        let qx = P::L::gather(s.base_limbs.as_ptr(), qi);
        let qy0 = P::L::gather(s.base_limbs.as_ptr(), _mm512_add_epi64(qi, yoff));
        let qy = P::L::select(neg, &qy0, &qy0.neg());
        let d = qx.sub(&bx);
        let same_x = d.is_zero() & live;
        let den = P::L::select(same_x | !live, &d, &one);
        let prefix = acc;
        acc = acc.mul(&den);
        groups.push(Group { bx, by, qx, qy, den, prefix, bucket_idx: bi, live, same_x });
    }
    // invert the eight lane totals with one shared inversion
    let mut totals = P::store(&acc);
    ark_ff::batch_inversion(&mut totals);
    let mut inv = P::load(&totals);
    for g in groups.iter().rev() {
        let inv_g = inv.mul(&g.prefix);
        inv = inv.mul(&g.den);
        let lambda = g.qy.sub(&g.by).mul(&inv_g);
        let x3 = lambda.square().sub(&g.bx).sub(&g.qx);
        let y3 = lambda.mul(&g.bx.sub(&x3)).sub(&g.by);
        let write = g.live & !g.same_x;
        x3.scatter(s.limbs.as_mut_ptr(), g.bucket_idx, write);
        y3.scatter(s.limbs.as_mut_ptr(), _mm512_add_epi64(g.bucket_idx, _mm512_set1_epi64(l)), write);
    }
    // exceptional additions (same x): doubling or cancellation, in scalar code
    for (k, g) in groups.iter().enumerate() {
        if g.same_x == 0 {
            continue;
        }
        for lane in 0..8 {
            if g.same_x & (1 << lane) == 0 {
                continue;
            }
            let (b, q, ng) = s.batch[k * 8 + lane];
            let (b, q) = (b as usize, q as usize);
            let p = if ng { -s.bases[q] } else { s.bases[q] };
            let sum = Projective::<P>::from(bucket_affine(s, b)) + p;
            if sum.is_zero() {
                s.filled[b] = false;
            } else {
                let a: Affine<P> = sum.into();
                let at = b * 2 * P::LIMBS;
                P::put(&a.x, &mut s.limbs[at..at + P::LIMBS]);
                P::put(&a.y, &mut s.limbs[at + P::LIMBS..at + 2 * P::LIMBS]);
            }
        }
    }
    for &(b, _, _) in &s.batch {
        s.busy[b as usize] = false;
    }
    s.batch.clear();
}
