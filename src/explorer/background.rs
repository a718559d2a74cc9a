//! The graph derived on another thread while the user drags the date range or the timeline
//! plays over a large database.
//!
//! Over 3,000,000 shipments a new date range takes the filter a few hundred milliseconds (the
//! per-pair totals are counted again when the range's start moves). In the window, once a
//! derivation has taken longer than [`BACKGROUND_AFTER_MS`], a live filter change
//! ([`super::Explorer::set_filter_live`]) sends the doc, the shared index and the running
//! totals to this thread and returns at once; the canvas keeps drawing the last graph. The
//! thread also works out what the new graph shows ([`Shown`]) and its screening (the links
//! shipped after a listing, which the canvas marks). When the graph comes back, [`super::Explorer::poll_graph`] installs it as a synchronous rebuild
//! would (same graph, to the bit: the same function counts it), or, when the doc has moved on
//! meanwhile, sends the newest doc. One derivation is in flight at a time and the newest doc
//! wins, so a fast drag never queues up work.
//!
//! Headless use (tests, the command line) and small databases derive in place, as before.
//!
//! The thread's side is [`GraphWorker`]; the explorer's side (when to send a job, installing
//! what comes back) is the `impl Explorer` at the end of this file.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Instant;

use super::{Doc, Explorer, derive};
use crate::filter::{FilteredGraph, RunningTotals};
use crate::index::ShipmentIndex;
use crate::scene::Shown;
use crate::screening::Screening;
use crate::style::CountryColors;

/// A derivation that took longer than this (milliseconds) sends the next live change to the
/// background thread: half of a 60 Hz frame.
pub const BACKGROUND_AFTER_MS: f64 = 8.0;

/// What the thread derives a graph from: the doc's graph-making part and the running totals,
/// lent to the thread and given back with the graph.
pub(super) struct Job {
    pub index: Arc<ShipmentIndex>,
    pub doc: Doc,
    pub totals: RunningTotals,
    /// The countries' colours held while playing (`playing.rs`), for what the graph shows.
    pub held: Option<Arc<CountryColors>>,
}

/// A derived graph, with the doc it was derived from, what it shows, and the totals back.
pub(super) struct Done {
    pub doc: Doc,
    pub graph: FilteredGraph,
    pub shown: Arc<Shown>,
    pub screening: Screening,
    pub totals: RunningTotals,
    /// The colours `shown` was worked out with (the job's).
    pub held: Option<Arc<CountryColors>>,
    pub ms: f64,
}

/// The thread and its channels; dropping it ends the thread.
pub(super) struct GraphWorker {
    jobs: Sender<Job>,
    done: Receiver<Done>,
}

impl GraphWorker {
    pub fn start() -> std::io::Result<GraphWorker> {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (done_tx, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("lading-filter".into())
            .spawn(move || {
                while let Ok(mut job) = job_rx.recv() {
                    let t = Instant::now();
                    let graph = derive::graph(&job.index, &job.doc, &mut job.totals);
                    // Both only read the graph and the totals: side by side.
                    let (index, filter, totals) = (&job.index, &job.doc.filter, &job.totals);
                    let held = job.held.as_deref();
                    let (shown, screening) = super::side_by_side(
                        || Shown::from_totals_holding(index, filter, &graph, totals, held),
                        || super::shown::screening_of(index, filter, &graph, totals),
                    );
                    let done = Done {
                        doc: job.doc,
                        graph,
                        shown: Arc::new(shown),
                        screening,
                        totals: job.totals,
                        held: job.held,
                        ms: t.elapsed().as_secs_f64() * 1e3,
                    };
                    if done_tx.send(done).is_err() {
                        return;
                    }
                }
            })?;
        Ok(GraphWorker { jobs, done })
    }

    /// Sends a job; gives it back when the thread has gone.
    pub fn send(&self, job: Job) -> Result<(), Box<Job>> {
        self.jobs.send(job).map_err(|e| Box::new(e.0))
    }

    /// The derived graph, when it is ready.
    pub fn try_done(&self) -> Option<Done> {
        self.done.try_recv().ok()
    }

    /// Waits for the derived graph (a headless caller that must have it).
    pub fn wait(&self) -> Option<Done> {
        self.done.recv().ok()
    }
}

impl Explorer {
    /// Derives the graph the doc now gives: on the filter thread when the window runs one
    /// and the last derivation took longer than a frame can spare (the graph follows a frame
    /// or more later, see [`Explorer::poll_graph`]), else here and now.
    pub(super) fn rederive(&mut self) {
        if self.background && self.filtering.last_ms > BACKGROUND_AFTER_MS {
            self.filtering.wanted = true;
            if !self.filtering.in_flight {
                self.send_graph_job();
            }
        } else {
            self.rebuild();
        }
    }

    /// Whether a graph is being derived on another thread (the window says "Filtering…").
    pub fn is_filtering(&self) -> bool {
        self.filtering.in_flight || self.filtering.wanted
    }

    /// Sends the doc to the filter thread, lending it the running totals; derives in place
    /// when the thread cannot be started.
    fn send_graph_job(&mut self) {
        if self.filtering.worker.is_none() {
            self.filtering.worker = GraphWorker::start().ok();
        }
        let Some(worker) = &self.filtering.worker else {
            self.rebuild();
            return;
        };
        let job = Job {
            index: std::sync::Arc::clone(&self.index),
            doc: self.doc.clone(),
            totals: self.totals.take(),
            held: self.held_countries().cloned(),
        };
        match worker.send(job) {
            Ok(()) => {
                self.filtering.in_flight = true;
                self.filtering.wanted = false;
            }
            Err(job) => {
                *self.totals.borrow_mut() = job.totals;
                self.filtering.worker = None;
                self.rebuild();
            }
        }
    }

    /// Called every frame by the window: installs a graph derived on the filter thread
    /// when it is for the current doc, or sends the newest doc when that has moved on.
    /// Returns whether the graph changed. `wait`: block until the derivation in flight is
    /// back (benchmarks).
    pub fn poll_graph(&mut self, wait: bool) -> bool {
        if !self.filtering.in_flight {
            return false;
        }
        let Some(worker) = &self.filtering.worker else {
            return false;
        };
        let done = if wait {
            worker.wait()
        } else {
            worker.try_done()
        };
        let Some(done) = done else {
            return false;
        };
        self.filtering.in_flight = false;
        self.filtering.last_ms = done.ms;
        *self.totals.borrow_mut() = done.totals;
        let d = &self.doc;
        if (&done.doc.filter, &done.doc.expanded, &done.doc.hidden)
            == (&d.filter, &d.expanded, &d.hidden)
        {
            let before = self.revision;
            self.screening = std::cell::OnceCell::new();
            self.owners = std::cell::OnceCell::new();
            self.install(done.graph);
            // Worked out for this graph and filter on the filter thread.
            let _ = self.screening.set(done.screening);
            // Kept when worked out with the colours held now (a job sent before play began
            // or after it ended assigned others).
            let held_now = self.held_countries();
            let same_colours = match (&done.held, held_now) {
                (None, None) => true,
                (Some(a), Some(b)) => std::sync::Arc::ptr_eq(a, b),
                _ => false,
            };
            if self.revision != before && same_colours {
                *self.shown.borrow_mut() = Some((self.revision, done.doc.filter, done.shown));
            }
            self.revision != before
        } else {
            if self.filtering.wanted {
                self.send_graph_job();
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::date::Day;
    use crate::explorer::Explorer;
    use crate::filter::Filter;
    use crate::store::Store;

    fn sample() -> Explorer {
        let mut store = Store::in_memory().unwrap();
        crate::sample::import_sample(&mut store).unwrap();
        Explorer::new(store).unwrap()
    }

    fn year(y: i16) -> Filter {
        Filter {
            from: Day::from_ymd(y, 1, 1),
            to: Day::from_ymd(y, 12, 31),
            ..Filter::default()
        }
    }

    #[test]
    fn a_graph_derived_on_the_filter_thread_is_the_one_derived_in_place() {
        let mut background = sample();
        background.run_in_background();
        let mut in_place = sample();
        background.begin_gesture();
        for y in [2020, 2022, 2021] {
            // As after a slow derivation: the next live change goes to the filter thread.
            background.filtering.last_ms = 1e9;
            background.set_filter_live(year(y));
            assert!(background.is_filtering(), "{y}: derived in place");
            assert_eq!(background.filter(), &year(y));
            while background.is_filtering() {
                background.poll_graph(true);
            }
            in_place.set_filter_live(year(y));
            assert_eq!(background.graph(), in_place.graph(), "{y}");
            assert_eq!(*background.shown(), *in_place.shown(), "{y}");
            assert_eq!(background.screening(), in_place.screening(), "{y}");
        }
        background.end_gesture();
    }

    #[test]
    fn while_playing_the_filter_thread_holds_the_colours_as_in_place() {
        let mut background = sample();
        background.run_in_background();
        let mut in_place = sample();
        let range = background.shown().countries.clone();
        background.begin_playback();
        in_place.begin_playback();
        background.begin_gesture();
        for y in [2020, 2021, 2022] {
            background.filtering.last_ms = 1e9;
            background.set_filter_live(year(y));
            assert!(background.is_filtering(), "{y}: derived in place");
            while background.is_filtering() {
                background.poll_graph(true);
            }
            in_place.set_filter_live(year(y));
            assert_eq!(*background.shown(), *in_place.shown(), "{y}");
            assert_eq!(background.shown().countries, range, "{y}");
        }
        background.end_gesture();
        background.end_playback();
    }

    #[test]
    fn a_stale_layout_snapshot_never_moves_a_pinned_entity() {
        let mut explorer = sample();
        explorer.run_in_background();
        let id = explorer.graph().entities[0];
        // As the layout thread would publish it before reading the drag.
        let stale = explorer.positions().clone();
        let to = [1.0e4, -2.0e4];
        assert_ne!(stale.get(id), Some(to));
        explorer.begin_gesture();
        explorer.drag_to(id, to);
        explorer.end_gesture();
        explorer.adopt(stale);
        assert_eq!(explorer.positions().get(id), Some(to));
    }

    #[test]
    fn changes_made_while_a_graph_is_derived_are_derived_next_and_none_is_lost() {
        let mut explorer = sample();
        explorer.run_in_background();
        explorer.filtering.last_ms = 1e9;
        explorer.begin_gesture();
        explorer.set_filter_live(year(2020));
        // Two more changes while the first is on the other thread: only the newest counts.
        explorer.set_filter_live(year(2021));
        explorer.set_filter_live(year(2022));
        while explorer.is_filtering() {
            explorer.poll_graph(true);
        }
        explorer.end_gesture();
        let mut in_place = sample();
        in_place.set_filter_live(year(2022));
        assert_eq!(explorer.graph(), in_place.graph());
        // A change derived in place while one is in flight wins over the late one.
        explorer.filtering.last_ms = 1e9;
        explorer.set_filter_live(year(2020));
        assert!(explorer.is_filtering());
        explorer.filtering.last_ms = 0.0;
        explorer.set_filter_live(year(2021));
        while explorer.filtering.in_flight {
            explorer.poll_graph(true);
        }
        assert!(!explorer.is_filtering());
        in_place.set_filter_live(year(2021));
        assert_eq!(explorer.graph(), in_place.graph());
    }

    #[test]
    fn commands_that_change_the_graph_derive_it_on_the_filter_thread_too() {
        use crate::explorer::Command;
        let mut background = sample();
        background.run_in_background();
        let mut in_place = sample();
        let busiest = in_place
            .graph()
            .entities
            .iter()
            .copied()
            .max_by_key(|&id| {
                in_place
                    .graph()
                    .links
                    .iter()
                    .filter(|l| l.source == id || l.target == id)
                    .count()
            })
            .unwrap();
        for command in [
            Command::Hide(vec![busiest]),
            Command::Undo,
            Command::Redo,
            Command::UnhideAll,
        ] {
            let what = format!("{command:?}");
            background.filtering.last_ms = 1e9;
            let before = background.graph().clone();
            background.apply(command.clone());
            assert!(background.is_filtering(), "{what}: derived in place");
            // The graph follows when the filter thread is done, not before.
            assert_eq!(*background.graph(), before, "{what}");
            while background.is_filtering() {
                background.poll_graph(true);
            }
            in_place.apply(command);
            assert_eq!(background.graph(), in_place.graph(), "{what}");
        }
        assert!(background.graph().entities.contains(&busiest));
    }
}
