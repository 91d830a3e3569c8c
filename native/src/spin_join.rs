//! `join(a, b)` for calls that last well under a millisecond: `a` on the calling thread, `b` on
//! one dedicated, briefly spinning helper thread.
//!
//! A prepared Groth16 verification is two halves of about 0.25 ms each (two Miller loops, then
//! the final exponentiation beside B's subgroup check). Handing a half to the rayon pool from a
//! thread outside it (Python's) costs more than it saves on a small VM: the job goes through the
//! pool's injector, a sleeping worker must be woken, the caller blocks on a condition variable and
//! must be woken in turn, and the pool's other worker wakes too, so three threads compete for two
//! vCPUs. Measured on the 2-vCPU EPYC, the medians of `bench_verify.py --threads 2` came out
//! bimodal (0.85 / 1.35 ms) around a 0.55 ms ideal.
//!
//! Here the hand-off is one atomic store the helper is already polling: after each job the
//! helper spins for a short while (`ZKVCT_SPIN_JOIN_US`, default 200 µs) before it parks, so
//! back-to-back calls find it awake, and the caller waits for the helper's half by spinning too
//! (both halves are about equally long). The cost is that spin time: at most one core for 200 µs
//! after a burst of calls, then nothing. Throughput work (batch verification, proving) keeps using
//! rayon; this is only for latency-bound single calls.
//!
//! One helper serves the whole process: a caller that finds it taken (another thread's verify),
//! or a process limited to one thread (`RAYON_NUM_THREADS=1`), runs both halves itself, in order.

use std::cell::UnsafeCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::OnceLock;
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

const IDLE: u8 = 0;
const POSTED: u8 = 1;
const DONE: u8 = 2;
const PANICKED: u8 = 3;

/// Default spin of the helper after a job, in microseconds (see the module docs).
pub const DEFAULT_SPIN_US: u64 = 200;

type Job = NonNull<dyn FnMut() + Send>;

/// The one hand-off slot between callers and the helper thread.
struct Helper {
    /// A caller holds the helper (from posting its job until it has taken the result).
    taken: AtomicBool,
    /// IDLE → POSTED (caller) → DONE or PANICKED (helper) → IDLE (caller).
    state: AtomicU8,
    /// The helper is parked or about to park: a poster must unpark it.
    sleeping: AtomicBool,
    /// The posted job; written by the caller before POSTED, read by the helper after it.
    job: UnsafeCell<Option<Job>>,
    spin: Duration,
    thread: OnceLock<Thread>,
}

// SAFETY: `job` is written only by the caller that holds `taken`, before it publishes POSTED
// (SeqCst), and read only by the helper after it has seen POSTED; the caller does not touch it
// again until it has seen DONE/PANICKED. The pointee is `Send`.
unsafe impl Sync for Helper {}

static HELPER: OnceLock<Option<&'static Helper>> = OnceLock::new();

fn spin_from_env() -> Duration {
    let us = std::env::var("ZKVCT_SPIN_JOIN_US").ok().and_then(|v| v.trim().parse::<u64>().ok());
    Duration::from_micros(us.unwrap_or(DEFAULT_SPIN_US).min(100_000))
}

/// The process's helper, started on first use; `None` where one thread is all the process may
/// use, or the thread could not be spawned (then every join runs inline).
fn helper() -> Option<&'static Helper> {
    *HELPER.get_or_init(|| {
        if rayon::current_num_threads() < 2 {
            return None;
        }
        let h: &'static Helper = Box::leak(Box::new(Helper {
            taken: AtomicBool::new(false),
            state: AtomicU8::new(IDLE),
            sleeping: AtomicBool::new(false),
            job: UnsafeCell::new(None),
            spin: spin_from_env(),
            thread: OnceLock::new(),
        }));
        let t = thread::Builder::new().name("zkvct-spin-join".into()).spawn(move || h.serve()).ok()?;
        h.thread.set(t.thread().clone()).ok()?;
        Some(h)
    })
}

impl Helper {
    /// The helper thread's loop: wait (spin, then park) for a job, run it, report.
    fn serve(&self) {
        loop {
            self.wait_posted();
            // SAFETY: POSTED was published after the job was written (see `Sync` above).
            let job = unsafe { (*self.job.get()).take() };
            let outcome = match job {
                Some(mut f) => catch_unwind(AssertUnwindSafe(|| unsafe { (f.as_mut())() })),
                None => Ok(()),
            };
            self.state.store(if outcome.is_ok() { DONE } else { PANICKED }, Ordering::SeqCst);
        }
    }

    fn wait_posted(&self) {
        let mut since = Instant::now();
        let mut spins = 0u32;
        while self.state.load(Ordering::Acquire) != POSTED {
            std::hint::spin_loop();
            spins = spins.wrapping_add(1);
            if spins % 64 == 0 && since.elapsed() >= self.spin {
                self.sleeping.store(true, Ordering::SeqCst);
                // a poster that stored POSTED before our `sleeping` store is seen here; one after
                // it sees `sleeping` and unparks (park returns at once if that came first)
                if self.state.load(Ordering::SeqCst) != POSTED {
                    thread::park();
                }
                self.sleeping.store(false, Ordering::SeqCst);
                since = Instant::now();
            }
        }
    }

    /// Wait for the posted job's end, then free the helper for the next caller.
    fn collect(&self) -> bool {
        let mut spins = 0u32;
        let ok = loop {
            match self.state.load(Ordering::Acquire) {
                DONE => break true,
                PANICKED => break false,
                _ => {}
            }
            if spins < 1 << 16 {
                std::hint::spin_loop();
                spins += 1;
            } else {
                thread::yield_now(); // the helper was descheduled: let it run
            }
        };
        self.state.store(IDLE, Ordering::SeqCst);
        self.taken.store(false, Ordering::Release);
        ok
    }
}

/// Waits for the helper even when the caller's half unwinds, so the job's borrows stay valid.
struct Collect {
    helper: &'static Helper,
    collected: bool,
}

impl Collect {
    fn finish(mut self) -> bool {
        self.collected = true;
        self.helper.collect()
    }
}

impl Drop for Collect {
    fn drop(&mut self) {
        if !self.collected {
            self.helper.collect();
        }
    }
}

/// Run `a` here and `b` on the helper thread at the same time, and return both results
/// (`b` runs here after `a` when the helper is busy or absent). A panic in either half is
/// resumed on the caller after both have finished.
pub fn join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
    let Some(h) = helper() else { return (a(), b()) };
    if h.taken.compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        return (a(), b());
    }
    let mut b = Some(b);
    let mut rb: Option<RB> = None;
    let mut job = || rb = Some((b.take().expect("the job runs once"))());
    let job_ref: &mut (dyn FnMut() + Send + '_) = &mut job;
    // SAFETY: the lifetime is erased only for the hand-off; `Collect` below does not return (even
    // on unwinding) before the helper has reported the job's end, so the borrow outlives its use.
    let job_ptr: Job = unsafe { std::mem::transmute::<NonNull<dyn FnMut() + Send + '_>, Job>(NonNull::from(job_ref)) };
    unsafe { *h.job.get() = Some(job_ptr) };
    h.state.store(POSTED, Ordering::SeqCst);
    if h.sleeping.load(Ordering::SeqCst) {
        if let Some(t) = h.thread.get() {
            t.unpark();
        }
    }
    let wait = Collect { helper: h, collected: false };
    let ra = a();
    if !wait.finish() {
        resume_unwind(Box::new("a spin_join job panicked on the helper thread"));
    }
    (ra, rb.expect("the helper ran the job"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::mpsc;

    /// Run `f` on its own thread and fail (instead of hanging the suite) if it takes over 60 s:
    /// a broken hand-off shows up as a caller waiting for ever.
    fn within_a_minute(f: impl FnOnce() + Send + 'static) {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            f();
            let _ = tx.send(());
        });
        rx.recv_timeout(Duration::from_secs(60)).expect("a join hung (or its thread panicked)");
    }

    #[test]
    fn both_halves_run_and_return_their_results() {
        for i in 0..2_000u64 {
            let data: Vec<u64> = (0..100).map(|k| k * i).collect();
            let (x, y) = join(|| data[..50].iter().sum::<u64>(), || data[50..].iter().sum::<u64>());
            assert_eq!(x + y, data.iter().sum::<u64>());
        }
    }

    #[test]
    fn concurrent_callers_all_get_their_own_results() {
        within_a_minute(concurrent_callers);
    }

    fn concurrent_callers() {
        let ran = AtomicUsize::new(0);
        std::thread::scope(|s| {
            for t in 0..4u64 {
                let ran = &ran;
                s.spawn(move || {
                    for i in 0..500u64 {
                        let (x, y) = join(|| t * 1000 + i, || {
                            ran.fetch_add(1, Ordering::Relaxed);
                            (t, i)
                        });
                        assert_eq!((x, y), (t * 1000 + i, (t, i)));
                    }
                });
            }
        });
        assert_eq!(ran.load(Ordering::Relaxed), 2_000);
    }

    #[test]
    fn a_parked_helper_is_woken() {
        within_a_minute(|| {
            // longer than the default spin, so the helper parks between the calls
            for _ in 0..3 {
                std::thread::sleep(Duration::from_millis(2));
                let (x, y) = join(|| 1, || 2);
                assert_eq!((x, y), (1, 2));
            }
        });
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_caller_and_the_helper_survives() {
        let r = catch_unwind(|| join(|| 1, || -> u32 { panic!("boom") }));
        assert!(r.is_err());
        assert_eq!(join(|| 3, || 4), (3, 4));
    }
}
