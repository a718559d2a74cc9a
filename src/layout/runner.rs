//! Running a layout off the UI thread.
//!
//! [`LayoutRunner::spawn`] moves a [`Settle`] (the settle schedule) to its own thread, which iterates in
//! slices of `frame` and publishes a [`Snapshot`] after each slice. The UI calls
//! [`LayoutRunner::latest`] every frame: it never blocks (a `try_lock` on a slot holding
//! the freshest snapshot), and only ever sees the newest picture, never a queue of stale
//! ones. Commands (pin, move, pause) travel over a channel and are applied between
//! slices. Once settled (by the schedule's rule, which always ends) or paused the thread
//! sleeps on the channel instead of spinning.
//! Dropping the runner stops the thread and joins it.

use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex, TryLockError};
use std::thread::JoinHandle;
use std::time::Duration;

use super::{LayoutError, Positions, Settle};
use crate::model::EntityId;

/// A published state of the layout.
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Positions sorted by entity id.
    pub positions: Positions,
    /// Iterations run since the engine was created.
    pub iterations: u64,
    /// Whether the layout had settled when this was taken.
    pub settled: bool,
    /// Sequence number, increasing by one per snapshot.
    pub generation: u64,
}

enum Command {
    Pin(EntityId, bool),
    Move(EntityId, [f32; 2]),
    Pause(bool),
    Stop,
}

/// A layout iterating on a background thread. See the module documentation.
pub struct LayoutRunner {
    commands: Sender<Command>,
    slot: Arc<Mutex<Option<Snapshot>>>,
    handle: Option<JoinHandle<Option<Settle>>>,
}

impl std::fmt::Debug for LayoutRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LayoutRunner").finish_non_exhaustive()
    }
}

impl LayoutRunner {
    /// Starts iterating `layout` on a new thread, publishing after every `frame` of work.
    pub fn spawn(layout: Settle, frame: Duration) -> Result<LayoutRunner, LayoutError> {
        LayoutRunner::spawn_with(move || Some(layout), frame)
    }

    /// [`LayoutRunner::spawn`], the engine built by `build` on the runner's own thread: a
    /// large graph's takes longer than a frame to set up. `build` returning `None` ends the
    /// thread without a snapshot.
    pub fn spawn_with(
        build: impl FnOnce() -> Option<Settle> + Send + 'static,
        frame: Duration,
    ) -> Result<LayoutRunner, LayoutError> {
        let (tx, rx) = mpsc::channel();
        let slot = Arc::new(Mutex::new(None));
        let worker_slot = Arc::clone(&slot);
        let handle = std::thread::Builder::new()
            .name("lading-layout".into())
            .spawn(move || build().map(|layout| work(layout, frame, rx, worker_slot)))
            .map_err(|e| LayoutError::Thread(e.to_string()))?;
        Ok(LayoutRunner {
            commands: tx,
            slot,
            handle: Some(handle),
        })
    }

    /// The newest snapshot not yet taken, if any. Never blocks: if the worker is
    /// publishing right now, returns `None` and the snapshot comes next frame.
    pub fn latest(&self) -> Option<Snapshot> {
        match self.slot.try_lock() {
            Ok(mut s) => s.take(),
            // A poisoned slot means the worker panicked mid-publish; its data is still a
            // whole snapshot (it is replaced in one assignment).
            Err(TryLockError::Poisoned(p)) => p.into_inner().take(),
            Err(TryLockError::WouldBlock) => None,
        }
    }

    /// Pins or unpins a node (pinned nodes stay put but still push and pull).
    pub fn set_pinned(&self, id: EntityId, pinned: bool) {
        // A send fails only when the worker is gone, and then there is nothing to tell it.
        let _ = self.commands.send(Command::Pin(id, pinned));
    }

    /// Moves a node (e.g. while dragging); wakes a settled layout.
    pub fn set_position(&self, id: EntityId, position: [f32; 2]) {
        let _ = self.commands.send(Command::Move(id, position));
    }

    /// Pauses or resumes iterating.
    pub fn set_paused(&self, paused: bool) {
        let _ = self.commands.send(Command::Pause(paused));
    }

    /// Stops the thread and hands the engine back (e.g. to warm-start or save from it).
    /// `None` if the worker panicked.
    pub fn stop(mut self) -> Option<Settle> {
        self.shutdown()
    }

    /// Tells the thread to stop and lets it finish on its own: the iteration it is in may
    /// take longer than a frame on a large graph, and nothing needs its engine back.
    pub fn stop_detached(mut self) {
        let _ = self.commands.send(Command::Stop);
        self.handle.take();
    }

    fn shutdown(&mut self) -> Option<Settle> {
        let _ = self.commands.send(Command::Stop);
        self.handle.take().and_then(|h| h.join().ok().flatten())
    }
}

impl Drop for LayoutRunner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn work(
    mut layout: Settle,
    frame: Duration,
    commands: Receiver<Command>,
    slot: Arc<Mutex<Option<Snapshot>>>,
) -> Settle {
    let mut paused = false;
    let mut generation = 0u64;
    let mut dirty = true;
    loop {
        // Apply whatever arrived; when idle, wait for something to arrive.
        let idle = paused || (layout.is_settled() && !dirty);
        let first = if idle {
            match commands.recv_timeout(Duration::from_millis(100)) {
                Ok(c) => Some(c),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return layout,
            }
        } else {
            match commands.try_recv() {
                Ok(c) => Some(c),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return layout,
            }
        };
        let mut next = first;
        while let Some(c) = next {
            match c {
                Command::Pin(id, p) => dirty |= layout.set_pinned(id, p),
                Command::Move(id, p) => dirty |= layout.set_position(id, p),
                Command::Pause(p) => paused = p,
                Command::Stop => return layout,
            }
            next = commands.try_recv().ok();
        }
        if !paused && !layout.is_settled() {
            layout.run_for(frame);
            dirty = true;
        }
        if dirty {
            generation += 1;
            let snapshot = Snapshot {
                positions: layout.positions(),
                iterations: layout.iterations(),
                settled: layout.is_settled(),
                generation,
            };
            match slot.lock() {
                Ok(mut s) => *s = Some(snapshot),
                Err(p) => *p.into_inner() = Some(snapshot),
            }
            dirty = false;
        }
    }
}
