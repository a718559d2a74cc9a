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
//! One burst at a time pins: a [`spread`] that starts while another runs (two pictures
//! exported at once) runs on the workers as the first left them, and never waits for it.
//! Linux only (elsewhere the work just runs); nothing is pinned when the process is
//! allowed a single core or fewer cores than the pool has workers.

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

#[cfg(target_os = "linux")]
mod linux {
    use std::mem::size_of;
    use std::sync::{Mutex, MutexGuard, TryLockError};

    /// Held by the [`Pinned`] that pinned the workers, until it gives them back.
    static PINNING: Mutex<()> = Mutex::new(());

    /// A thread's set of allowed cores.
    #[derive(Clone, Copy)]
    pub(super) struct Cores(libc::cpu_set_t);

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

        /// Makes this the calling thread's set (a failure leaves the thread as it was).
        fn apply(&self) {
            // SAFETY: reads `size_of::<cpu_set_t>()` bytes of a live set.
            unsafe {
                libc::sched_setaffinity(0, size_of::<libc::cpu_set_t>(), &self.0);
            }
        }
    }

    /// The pool's workers pinned, each to a core of its own, until dropped.
    pub(super) struct Pinned {
        /// Each worker's cores before, by worker index.
        before: Vec<Option<Cores>>,
        _only: MutexGuard<'static, ()>,
    }

    impl Pinned {
        /// `None` when another burst has the workers pinned, or they cannot be.
        pub(super) fn new() -> Option<Pinned> {
            let only = match PINNING.try_lock() {
                Ok(guard) => guard,
                // A panic while pinned has given the cores back already (the guard drops
                // after the restoring `drop` below).
                Err(TryLockError::Poisoned(e)) => e.into_inner(),
                Err(TryLockError::WouldBlock) => return None,
            };
            let cores = Cores::of_this_thread()?.list();
            if cores.len() < 2 || rayon::current_num_threads() > cores.len() {
                return None;
            }
            let before = rayon::broadcast(|worker| {
                let before = Cores::of_this_thread();
                if before.is_some() {
                    Cores::one(cores[worker.index() % cores.len()]).apply();
                }
                before
            });
            Some(Pinned {
                before,
                _only: only,
            })
        }
    }

    impl Drop for Pinned {
        fn drop(&mut self) {
            let before = &self.before;
            rayon::broadcast(|worker| {
                if let Some(Some(cores)) = before.get(worker.index()) {
                    cores.apply();
                }
            });
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
        for _ in 0..200 {
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
        let during = during.expect("pinned once in 200 tries");
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

    /// The calling thread's allowed cores.
    fn cores_of_this_thread() -> Vec<usize> {
        super::linux::Cores::of_this_thread()
            .map(|c| c.list())
            .unwrap_or_default()
    }
}
