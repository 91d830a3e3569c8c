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
//! A caller that finishes its half before the helper has *started* the posted one (the helper
//! was parked, or descheduled on a busy machine) takes the job back and runs it itself, so a
//! join is never much slower than running both halves in order; only a job the helper is
//! already running is waited for (spinning briefly, then yielding the core to it).

use std::cell::UnsafeCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::OnceLock;
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

const IDLE: u8 = 0;
const POSTED: u8 = 1;
const RUNNING: u8 = 2;
const DONE: u8 = 3;
const PANICKED: u8 = 4;

/// How long a caller spins for a running job before it yields its core at each check.
const WAIT_SPIN: Duration = Duration::from_micros(100);

/// Default spin of the helper after a job, in microseconds (see the module docs).
pub const DEFAULT_SPIN_US: u64 = 200;

type Job = NonNull<dyn FnMut() + Send>;

/// The one hand-off slot between callers and the helper thread.
struct Helper {
    /// A caller holds the helper (from posting its job until it has taken the result).
    taken: AtomicBool,
    /// IDLE → POSTED (caller) → RUNNING (helper) → DONE or PANICKED (helper) → IDLE (caller);
    /// or POSTED → IDLE when the caller takes its job back before the helper started it.
    state: AtomicU8,
    /// The helper is parked or about to park: a poster must unpark it.
    sleeping: AtomicBool,
    /// The posted job; written by the caller before POSTED, read by the helper after it.
    job: UnsafeCell<Option<Job>>,
    spin: Duration,
    thread: OnceLock<Thread>,
}

// SAFETY: `job` is written only by the caller that holds `taken`, before it publishes POSTED
// (SeqCst), and read only by the helper after its POSTED → RUNNING exchange succeeded; the caller
// does not touch it again until it has seen DONE/PANICKED, or its own POSTED → IDLE exchange
// succeeded (then the helper never reads it). The pointee is `Send`.
unsafe impl Sync for Helper {}

static HELPER: OnceLock<Option<&'static Helper>> = OnceLock::new();

fn spin_from_env() -> Duration {
    let us = std::env::var("ZKVCT_SPIN_JOIN_US").ok().and_then(|v| v.trim().parse::<u64>().ok());
    Duration::from_micros(us.unwrap_or(DEFAULT_SPIN_US).min(100_000))
}

/// The process's helper, started on first use; `None` where one thread is all the process may
/// use, or the thread could not be spawned (then every join runs inline).
fn helper() -> Option<&'static Helper> {
    *HELPER.get_or_init(|| if rayon::current_num_threads() < 2 { None } else { spawn_helper(spin_from_env()) })
}

/// A helper thread of its own (the process's one, or a test's private one), living for ever.
fn spawn_helper(spin: Duration) -> Option<&'static Helper> {
    let h: &'static Helper = Box::leak(Box::new(Helper {
        taken: AtomicBool::new(false),
        state: AtomicU8::new(IDLE),
        sleeping: AtomicBool::new(false),
        job: UnsafeCell::new(None),
        spin,
        thread: OnceLock::new(),
    }));
    let t = thread::Builder::new().name("zkvct-spin-join".into()).spawn(move || h.serve()).ok()?;
    h.thread.set(t.thread().clone()).ok()?;
    Some(h)
}

impl Helper {
    /// The helper thread's loop: wait (spin, then park) for a job, claim it, run it, report.
    fn serve(&self) {
        loop {
            self.wait_posted();
            if self.state.compare_exchange(POSTED, RUNNING, Ordering::SeqCst, Ordering::SeqCst).is_err() {
                continue; // the caller took it back
            }
            // SAFETY: the job was written before POSTED, and the exchange made it ours (see `Sync`).
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

    /// After the caller's half: take the job back if the helper has not started it (returns
    /// `Reclaimed`, and the caller runs it), or wait for its end; then free the helper.
    fn collect(&self) -> Outcome {
        let since = Instant::now();
        let outcome = loop {
            match self.state.load(Ordering::Acquire) {
                DONE => break Outcome::Done,
                PANICKED => break Outcome::Panicked,
                POSTED => {
                    if self.state.compare_exchange(POSTED, IDLE, Ordering::SeqCst, Ordering::SeqCst).is_ok() {
                        // SAFETY: the helper never claimed it, so nobody else reads the slot
                        unsafe { *self.job.get() = None };
                        self.taken.store(false, Ordering::Release);
                        return Outcome::Reclaimed;
                    }
                }
                _ => {
                    if since.elapsed() < WAIT_SPIN {
                        std::hint::spin_loop();
                    } else {
                        thread::yield_now(); // the helper was descheduled mid-job: let it run
                    }
                }
            }
        };
        self.state.store(IDLE, Ordering::SeqCst);
        self.taken.store(false, Ordering::Release);
        outcome
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Done,
    Panicked,
    Reclaimed,
}

/// Waits for the helper even when the caller's half unwinds, so the job's borrows stay valid.
struct Collect {
    helper: &'static Helper,
    collected: bool,
}

impl Collect {
    fn finish(mut self) -> Outcome {
        self.collected = true;
        self.helper.collect()
    }
}

impl Drop for Collect {
    fn drop(&mut self) {
        // unwinding out of the caller's half: a job taken back is simply not run
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
    match helper() {
        Some(h) => join_on(h, a, b),
        None => (a(), b()),
    }
}

/// [`join`] on a given helper.
fn join_on<A, B, RA, RB>(h: &'static Helper, a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA,
    B: FnOnce() -> RB + Send,
    RB: Send,
{
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
    match wait.finish() {
        Outcome::Done => {}
        Outcome::Reclaimed => job(),
        Outcome::Panicked => resume_unwind(Box::new("a spin_join job panicked on the helper thread")),
    }
    (ra, rb.expect("the job ran"))
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

    /// A helper of the test's own: tests run on parallel threads, and the process's helper is
    /// also taken by the verify tests, so assertions on *which* thread ran a half need their own.
    fn private() -> &'static Helper {
        spawn_helper(Duration::from_micros(DEFAULT_SPIN_US)).expect("a helper thread")
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
            let h = private();
            let here = std::thread::current().id();
            let mut on_helper = 0;
            for _ in 0..5 {
                // longer than the spin, so the helper parks; then a caller's half long enough
                // (3 ms) for the woken helper to claim the other one
                std::thread::sleep(Duration::from_millis(2));
                let t = Instant::now();
                let ((), on) = join_on(
                    h,
                    || {
                        while t.elapsed() < Duration::from_millis(3) {
                            std::hint::spin_loop();
                        }
                    },
                    || std::thread::current().id(),
                );
                on_helper += usize::from(on != here);
            }
            assert!(on_helper > 0, "a parked helper never woke for a job");
        });
    }

    #[test]
    fn a_job_the_helper_has_not_started_is_taken_back_and_a_long_half_is_shared() {
        within_a_minute(|| {
            let h = private();
            let here = std::thread::current().id();
            // the helper parked (a sleep longer than its spin), the caller's half empty: the caller
            // is done long before the helper wakes, so it runs the job itself
            let mut taken_back = 0;
            for _ in 0..50 {
                std::thread::sleep(Duration::from_millis(1));
                let ((), (v, on)) = join_on(h, || (), || (7, std::thread::current().id()));
                assert_eq!(v, 7);
                taken_back += usize::from(on == here);
            }
            assert!(taken_back > 0, "no job was taken back from a parked helper");
            // a caller's half of 2 ms: the helper has time to wake and run the other half
            let mut shared = 0;
            for _ in 0..20 {
                let spin = |d: Duration| {
                    let t = Instant::now();
                    while t.elapsed() < d {
                        std::hint::spin_loop();
                    }
                };
                let ((), on) = join_on(h, || spin(Duration::from_millis(2)), || std::thread::current().id());
                shared += usize::from(on != here);
            }
            assert!(shared > 0, "the helper never ran a job");
        });
    }

    #[test]
    fn a_panic_on_the_helper_reaches_the_caller_and_the_helper_survives() {
        let r = catch_unwind(|| join(|| 1, || -> u32 { panic!("boom") }));
        assert!(r.is_err());
        assert_eq!(join(|| 3, || 4), (3, 4));
    }
}
