//! What the explorer's graph shows (part types per link, countries' colours, sources) and
//! its screening, from the running totals, worked out side by side on two cores and kept
//! until the graph or the filter changes.

use super::Explorer;
use crate::filter::{Filter, FilteredGraph};
use crate::index::ShipmentIndex;
use crate::screening::Screening;

/// The screening of a graph: from the running totals when they hold the details (kept step
/// by step), not a pass over the shipments; else with one.
pub(super) fn screening_of(
    index: &ShipmentIndex,
    filter: &Filter,
    graph: &FilteredGraph,
    totals: &crate::filter::RunningTotals,
) -> Screening {
    match totals.details(index) {
        Some(d) => Screening::with_after_listing(index, filter, graph, d.after_listing_all()),
        None => Screening::build(index, filter, graph),
    }
}

/// `a` on this thread and `b` on the other core, at once: without the hand-over both jobs
/// of `rayon::join` take when called from outside rayon's threads.
pub(crate) fn side_by_side<A, B>(a: impl FnOnce() -> A, b: impl FnOnce() -> B + Send) -> (A, B)
where
    B: Send,
{
    let mut got_b = None;
    let got_a = rayon::in_place_scope(|scope| {
        scope.spawn(|_| got_b = Some(b()));
        a()
    });
    match got_b {
        Some(got_b) => (got_a, got_b),
        // The scope waits for its job: `b` has run.
        None => unreachable!("a scope returns after its jobs"),
    }
}

impl Explorer {
    /// Listed entities of the shown network and links shipped after a listing.
    pub fn screening(&self) -> &Screening {
        if self.screening.get().is_none() && self.kept_shown().is_none() {
            // Both are wanted for a new graph (the canvas marks the screening's links and
            // draws what the graph shows): worked out side by side.
            self.shown_and_screening();
        }
        self.screening.get_or_init(|| {
            screening_of(
                &self.index,
                &self.doc.filter,
                &self.graph,
                &self.totals.borrow(),
            )
        })
    }

    /// What the graph shows and its screening, worked out side by side on the two cores
    /// (both only read the graph and the totals) and kept.
    pub(super) fn shown_and_screening(&self) -> std::sync::Arc<crate::scene::Shown> {
        let totals = self.totals.borrow();
        let (index, filter, graph, totals_now) =
            (&*self.index, &self.doc.filter, &self.graph, &*totals);
        let held = self.held_countries().map(|c| &**c);
        let (shown, screening) = side_by_side(
            || crate::scene::Shown::from_totals_holding(index, filter, graph, totals_now, held),
            || screening_of(index, filter, graph, totals_now),
        );
        drop(totals);
        let _ = self.screening.set(screening);
        let shown = std::sync::Arc::new(shown);
        let filter = self.doc.filter.clone();
        *self.shown.borrow_mut() = Some((self.revision, filter, std::sync::Arc::clone(&shown)));
        shown
    }

    /// What the graph shows, when kept for the current graph and filter.
    pub(super) fn kept_shown(&self) -> Option<std::sync::Arc<crate::scene::Shown>> {
        match &*self.shown.borrow() {
            Some((revision, filter, shown))
                if *revision == self.revision && *filter == self.doc.filter =>
            {
                Some(std::sync::Arc::clone(shown))
            }
            _ => None,
        }
    }

    /// What the graph shows (part types per link, countries' colours, sources), from the
    /// running totals: the same as [`crate::scene::Shown::compute`], without a pass over the
    /// shipments. Kept until the graph or the filter changes; a graph derived on the filter
    /// thread comes with it.
    pub fn shown(&self) -> std::sync::Arc<crate::scene::Shown> {
        if let Some(kept) = self.kept_shown() {
            return kept;
        }
        if self.screening.get().is_none() {
            return self.shown_and_screening();
        }
        let shown = std::sync::Arc::new(self.count_shown_from(&self.totals.borrow()));
        let filter = self.doc.filter.clone();
        *self.shown.borrow_mut() = Some((self.revision, filter, std::sync::Arc::clone(&shown)));
        shown
    }

    /// What the graph shows, from `totals` (this explorer's), with the colours held while
    /// playing.
    pub(super) fn count_shown_from(
        &self,
        totals: &crate::filter::RunningTotals,
    ) -> crate::scene::Shown {
        crate::scene::Shown::from_totals_holding(
            &self.index,
            &self.doc.filter,
            &self.graph,
            totals,
            self.held_countries().map(|c| &**c),
        )
    }
}
