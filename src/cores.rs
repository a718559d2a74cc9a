//! The thread pool's workers spread one to a core for a burst of parallel work.
//!
//! Why: after the pool has slept (the window idle, or `lading render`'s serial layout), the
//! kernel wakes its workers on the core each last ran on, which can be the same core for
//! all of them; an idle core then takes over one only when the scheduler next balances,
//! which on the two-core virtual machine this was measured on took up to 30 ms
//! (`perf sched timehist`: both workers on one core, taking 4 ms turns, for the first
//! 30 ms of a 140 ms render). [`spread`] pins each worker to a core of its own for the
//! work, and gives each back the cores it was allowed before when the work ends, panic
//! or not: nothing outside the work is pinned (the playback, whose main thread and
//! layout threads work beside the pool, ran slower with the pool pinned for good).
//!
//! The same packing slows the timeline's playback: a step comes every half second, the
//! machine idles in between, and the step's thread and the pool's worker beside it (the
//! screening) were woken on one core: at two steps a second a step took 11 ms (median) and
//! up to 16, with a millisecond a step waiting for a core. [`Apart`], held while the
//! timeline plays, keeps the thread that plays on one core and the pool's workers on the
//! others: 9.5 ms and up to 12.8 (`lading bench playback --pace 2`).
//!
//! One pinning at a time: a [`spread`] that starts while the workers are pinned (two
//! pictures exported at once, or one while the timeline plays) runs on the workers as they
//! are, and never waits. Linux only (elsewhere the work just runs); nothing is pinned when
//! the process is allowed a single core or fewer cores than the pool has workers.

/// Runs `work` with each of the current pool's workers pinned to a core of its own.
pub fn spread<R>(work: impl FnOnce() -> R) -> R {
    spread_and_tell(work).0
}

/// [`spread`], and whether this call pinned the workers.
fn spread_and_tell<R>(work: impl FnOnce() -> R) -> (R, bool) {
    #[cfg(target_os = "linux")]
    {
        let pinned = linux::Pinned::new();
        let did = pinned.is_some();
        let r = work();
        drop(pinned);
        (r, did)
    }
    #[cfg(not(target_os = "linux"))]
    (work(), false)
}

/// While held: the thread that made it on the core it runs on, and the current pool's
/// workers on the other cores; each gets its cores back when it is dropped (on any thread).
/// Neither making nor dropping it waits for the workers (see `ask_workers`).
pub struct Apart {
    #[cfg(target_os = "linux")]
    _pinned: Option<linux::Apart>,
}

impl Apart {
    /// Nothing is pinned when called from a pool's worker, or while the workers are
    /// pinned already.
    pub fn new() -> Apart {
        Apart {
            #[cfg(target_os = "linux")]
            _pinned: linux::Apart::new(None),
        }
    }

    /// Whether this pinned anything.
    pub fn pinned(&self) -> bool {
        #[cfg(target_os = "linux")]
        {
            self._pinned.is_some()
        }
        #[cfg(not(target_os = "linux"))]
        false
    }
}

impl Default for Apart {
    fn default() -> Apart {
        Apart::new()
    }
}

impl std::fmt::Debug for Apart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Apart")
            .field("pinned", &self.pinned())
            .finish()
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::mem::size_of;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    /// Set by the [`Pinned`] or [`Apart`] that pinned the workers, until it gives them back.
    static PINNING: AtomicBool = AtomicBool::new(false);

    /// Takes [`PINNING`]; false when another has it.
    fn take() -> bool {
        PINNING
            .compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_ok()
    }

    fn give_back() {
        PINNING.store(false, Ordering::Release);
    }

    /// A thread of this process, as the kernel numbers it.
    fn this_thread() -> libc::pid_t {
        // SAFETY: gettid has no arguments and cannot fail.
        unsafe { libc::gettid() }
    }

    /// A thread's set of allowed cores.
    #[derive(Clone, Copy)]
    pub(super) struct Cores(libc::cpu_set_t);

    impl std::fmt::Debug for Cores {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_list().entries(self.list()).finish()
        }
    }

    impl Cores {
        /// The calling thread's.
        pub(super) fn of_this_thread() -> Option<Cores> {
            // SAFETY: a zeroed cpu_set_t is an empty set, and the call writes at most
            // `size_of::<cpu_set_t>()` bytes into it.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                (libc::sched_getaffinity(0, size_of::<libc::cpu_set_t>(), &mut set) == 0)
                    .then_some(Cores(set))
            }
        }

        /// Just core `cpu`.
        fn one(cpu: usize) -> Cores {
            // SAFETY: as above; CPU_SET checks `cpu` against the set's size.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu, &mut set);
                Cores(set)
            }
        }

        pub(super) fn list(&self) -> Vec<usize> {
            (0..libc::CPU_SETSIZE as usize)
                // SAFETY: reads the set within its size.
                .filter(|&c| unsafe { libc::CPU_ISSET(c, &self.0) })
                .collect()
        }

        /// All of `cpus`.
        fn of(cpus: &[usize]) -> Cores {
            // SAFETY: as above.
            unsafe {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                for &cpu in cpus {
                    libc::CPU_SET(cpu, &mut set);
                }
                Cores(set)
            }
        }

        /// Makes this the calling thread's set (a failure leaves the thread as it was).
        fn apply(&self) {
            self.apply_to(0);
        }

        /// Makes this thread `tid`'s set (0: the calling thread's).
        fn apply_to(&self, tid: libc::pid_t) {
            // SAFETY: reads `size_of::<cpu_set_t>()` bytes of a live set.
            unsafe {
                libc::sched_setaffinity(tid, size_of::<libc::cpu_set_t>(), &self.0);
            }
        }
    }

    /// A pool: the one given, else the current one (the global one outside any pool).
    type Pool = Option<Arc<rayon::ThreadPool>>;

    fn workers(pool: &Pool) -> usize {
        pool.as_ref()
            .map_or_else(rayon::current_num_threads, |p| p.current_num_threads())
    }

    fn broadcast<R: Send>(
        pool: &Pool,
        op: impl Fn(rayon::BroadcastContext<'_>) -> R + Sync,
    ) -> Vec<R> {
        match pool {
            Some(p) => p.broadcast(op),
            None => rayon::broadcast(op),
        }
    }

    /// The cores this thread may run on, when there are two or more and no fewer than the
    /// pool's workers; and [`PINNING`] taken.
    fn cores_to_pin(pool: &Pool) -> Option<Vec<usize>> {
        let cores = Cores::of_this_thread()?.list();
        (cores.len() >= 2 && workers(pool) <= cores.len() && take()).then_some(cores)
    }

    /// Pins each of the pool's workers to the cores `to(worker index)` gives; their cores
    /// before, by worker index.
    fn pin_workers(pool: &Pool, to: impl Fn(usize) -> Cores + Sync) -> Vec<Option<Cores>> {
        broadcast(pool, |worker| {
            let before = Cores::of_this_thread();
            if before.is_some() {
                to(worker.index()).apply();
            }
            before
        })
    }

    fn unpin_workers(pool: &Pool, before: &[Option<Cores>]) {
        broadcast(pool, |worker| {
            if let Some(Some(cores)) = before.get(worker.index()) {
                cores.apply();
            }
        });
    }

    /// The pool's workers pinned, each to a core of its own, until dropped.
    pub(super) struct Pinned {
        /// Each worker's cores before, by worker index.
        before: Vec<Option<Cores>>,
    }

    impl Pinned {
        /// `None` when the workers are pinned already, or cannot be.
        pub(super) fn new() -> Option<Pinned> {
            let cores = cores_to_pin(&None)?;
            let before = pin_workers(&None, |i| Cores::one(cores[i % cores.len()]));
            Some(Pinned { before })
        }
    }

    impl Drop for Pinned {
        fn drop(&mut self) {
            unpin_workers(&None, &self.before);
            give_back();
        }
    }

    /// The thread that made it on its core, the pool's workers on the others, until dropped.
    pub(super) struct Apart {
        pool: Pool,
        /// That thread, and its cores before (the workers' too: a pool's threads start with
        /// the process's cores).
        thread: (libc::pid_t, Cores),
    }

    /// Asks each of the pool's workers to take `cores`, without waiting for them: a worker
    /// busy with a long job (the betweenness) takes them after it, and the window that
    /// starts or stops playing never waits for it. Each worker's asks are taken in order.
    fn ask_workers(pool: &Pool, cores: Cores) {
        let op = move |_: rayon::BroadcastContext<'_>| cores.apply();
        match pool {
            Some(p) => p.spawn_broadcast(op),
            None => rayon::spawn_broadcast(op),
        }
    }

    impl Apart {
        /// `pool`: the workers to keep apart (`None`: the global pool's).
        pub(super) fn new(pool: Pool) -> Option<Apart> {
            if rayon::current_thread_index().is_some() {
                return None;
            }
            let mine = Cores::of_this_thread()?;
            let cores = cores_to_pin(&pool)?;
            // SAFETY: sched_getcpu has no arguments; it returns -1 on failure.
            let now = unsafe { libc::sched_getcpu() };
            let here = usize::try_from(now)
                .ok()
                .filter(|c| cores.contains(c))
                .unwrap_or(cores[0]);
            let others: Vec<usize> = cores.iter().copied().filter(|&c| c != here).collect();
            Cores::one(here).apply();
            ask_workers(&pool, Cores::of(&others));
            Some(Apart {
                pool,
                thread: (this_thread(), mine),
            })
        }
    }

    impl Drop for Apart {
        fn drop(&mut self) {
            let (tid, cores) = self.thread;
            ask_workers(&self.pool, cores);
            cores.apply_to(tid);
            give_back();
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    #[test]
    fn the_workers_are_pinned_apart_during_the_work_and_set_free_after() {
        // A pool of this test's own (other tests use the global one), whose workers are
        // asked for their allowed cores before, during and after.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let allowed = || rayon::broadcast(|_| cores_of_this_thread());
        let before = pool.install(allowed);
        // Another test's picture may hold the pinning for a while: then this one runs
        // unpinned, and tries again.
        let mut during = None;
        for _ in 0..TRIES {
            let (cores, pinned) = pool.install(|| super::spread_and_tell(allowed));
            assert_eq!(
                pool.install(allowed),
                before,
                "every worker has its cores back"
            );
            if pinned {
                during = Some(cores);
                break;
            }
            assert_eq!(cores, before, "nothing pinned");
            if before[0].len() < 2 {
                return; // one core: nothing is ever pinned
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let during = during.expect("pinned once in a minute");
        let mut pinned: Vec<usize> = during
            .iter()
            .map(|c| {
                assert_eq!(c.len(), 1, "pinned to one core: {c:?}");
                c[0]
            })
            .collect();
        pinned.sort_unstable();
        pinned.dedup();
        assert_eq!(pinned.len(), 2, "each to a core of its own: {during:?}");
    }

    #[test]
    fn while_playing_the_thread_keeps_its_core_and_the_workers_take_the_others() {
        let pool = std::sync::Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap(),
        );
        let workers = || pool.broadcast(|_| cores_of_this_thread());
        let (mine, theirs) = (cores_of_this_thread(), workers());
        if mine.len() < 2 {
            return; // one core: nothing is ever pinned
        }
        // Another test's picture may hold the pinning for a while: try again.
        let mut apart = None;
        for _ in 0..TRIES {
            apart = super::linux::Apart::new(Some(pool.clone()));
            if apart.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        let apart = apart.expect("pinned once in a minute");
        // The workers take their cores when they come to it: a broadcast that waits comes
        // after.
        pool.broadcast(|_| ());
        let here = cores_of_this_thread();
        assert_eq!(here.len(), 1, "this thread on one core: {here:?}");
        for w in workers() {
            assert!(
                !w.is_empty() && !w.contains(&here[0]),
                "{w:?} against {here:?}"
            );
            assert_eq!(w.len(), mine.len() - 1, "on every other core: {w:?}");
        }
        // Nothing else pins while it is held.
        assert!(super::linux::Apart::new(Some(pool.clone())).is_none());
        drop(apart);
        assert_eq!(
            cores_of_this_thread(),
            mine,
            "this thread has its cores back"
        );
        assert_eq!(workers(), theirs, "every worker has its cores back");
    }

    /// How often a test tries to pin, 10 ms apart: for a minute (a window test that plays
    /// the timeline holds the pinning while it plays).
    const TRIES: usize = 6000;

    /// The calling thread's allowed cores.
    fn cores_of_this_thread() -> Vec<usize> {
        super::linux::Cores::of_this_thread()
            .map(|c| c.list())
            .unwrap_or_default()
    }
}
