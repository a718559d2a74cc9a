//! The explorer while the timeline plays: sizes held to the whole range's maxima, the
//! countries' colours held to the range's, and positions held still, as the animated export
//! does (`export/animate.rs`). A node that grows
//! on screen grew in trade, and the network changes in place without the layout moving it;
//! it also makes an unchanged node or link the same from step to step, which the scene's
//! reuse (`scene/reuse.rs`) relies on.
//!
//! [`Explorer::begin_playback`] takes the maxima and the colours from the graph shown when
//! play starts (the range being played) and stops the layout; a step's `Shown` then takes
//! the held colours instead of assigning them again (a country keeps its colour from step
//! to step); [`Explorer::end_playback`] lets it go on.
//! Between the two, a new graph does not restart the layout: an entity without a position
//! (one a step brings in that the range did not show) is put at its placed neighbours' centre,
//! or at the middle of the picture.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::{Engine, Explorer};
use crate::filter::FilteredGraph;
use crate::model::EntityId;
use crate::scene::SizeBy;
use crate::style::CountryColors;

/// What playing holds fixed.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Playing {
    /// `scene::size_maxima` of the whole range's graph: shipments, value, degree.
    maxima: [(f64, f64); 3],
    /// The range's countries' colours (its `Shown`'s), for every step.
    countries: Arc<CountryColors>,
    /// Whether the layout was still settling when play began (it goes on at the end).
    was_settling: bool,
}

impl Explorer {
    /// Starts holding sizes and positions for a playback of the range now shown.
    pub fn begin_playback(&mut self) {
        let graph = &self.graph;
        let maxima = [SizeBy::Shipments, SizeBy::Value, SizeBy::Degree]
            .map(|by| crate::scene::size_maxima(graph, by));
        let countries = Arc::new(self.shown().countries.clone());
        self.take_positions();
        let was_settling = !self.settled;
        if let Engine::Background(old) = std::mem::replace(&mut self.engine, Engine::None) {
            old.stop_detached();
        }
        self.settled = true;
        // Steps come on a timer with the machine idle in between: see `cores.rs`.
        self.cores_apart = Some(crate::cores::Apart::new());
        self.playing = Some(Playing {
            maxima,
            countries,
            was_settling,
        });
    }

    /// Stops holding them; the layout goes on if it had not settled or a step placed
    /// entities the range did not show.
    pub fn end_playback(&mut self) {
        self.cores_apart = None;
        if let Some(playing) = self.playing.take()
            && (playing.was_settling || self.placed_while_playing)
        {
            self.restart_layout();
        }
        self.placed_while_playing = false;
        // What the graph shows is assigned its own colours again.
        *self.shown.get_mut() = None;
    }

    /// Whether the timeline is playing (sizes and positions held).
    pub fn is_playing(&self) -> bool {
        self.playing.is_some()
    }

    /// The countries' colours held while playing: the played range's.
    pub(super) fn held_countries(&self) -> Option<&Arc<CountryColors>> {
        self.playing.as_ref().map(|p| &p.countries)
    }

    /// The sizes a scene measures against while playing: the whole range's largest trade
    /// link and node metric for `by`. `None` when not playing, and for betweenness (it is
    /// the range's own and worked out elsewhere; sizes then follow each step's largest).
    pub fn playback_size_max(&self, by: SizeBy) -> Option<(f64, f64)> {
        let playing = self.playing.as_ref()?;
        match by {
            SizeBy::Shipments => Some(playing.maxima[0]),
            SizeBy::Value => Some(playing.maxima[1]),
            SizeBy::Degree => Some(playing.maxima[2]),
            SizeBy::Betweenness => None,
        }
    }

    /// While playing, in place of a layout restart: positions stay; entities without one
    /// get their placed neighbours' centre, or the picture's middle.
    pub(super) fn place_new_entities(&mut self) {
        let missing = missing(&self.graph, &self.positions);
        if missing.is_empty() {
            return;
        }
        self.placed_while_playing = true;
        let middle = self.positions.bounds().map_or([0.0, 0.0], |(lo, hi)| {
            [(lo[0] + hi[0]) / 2.0, (lo[1] + hi[1]) / 2.0]
        });
        let mut sums: FxHashMap<EntityId, ([f32; 2], f32)> =
            missing.iter().map(|&id| (id, ([0.0, 0.0], 0.0))).collect();
        for l in &self.graph.links {
            for (a, b) in [(l.source, l.target), (l.target, l.source)] {
                if let Some(sum) = sums.get_mut(&a)
                    && let Some(p) = self.positions.get(b)
                {
                    sum.0 = [sum.0[0] + p[0], sum.0[1] + p[1]];
                    sum.1 += 1.0;
                }
            }
        }
        for (k, id) in missing.into_iter().enumerate() {
            let (sum, n) = sums[&id];
            // A small offset each, so entities placed at one point are not drawn as one.
            let nudge = 4.0 * (1.0 + k as f32).sqrt();
            let angle = k as f32 * 2.399_963; // the golden angle
            let at = if n > 0.0 {
                [sum[0] / n, sum[1] / n]
            } else {
                middle
            };
            self.positions.set(
                id,
                [at[0] + nudge * angle.cos(), at[1] + nudge * angle.sin()],
            );
        }
    }
}

/// The graph's entities without a position (both lists sorted by id: one walk).
fn missing(graph: &FilteredGraph, positions: &crate::layout::Positions) -> Vec<EntityId> {
    let mut placed = positions.iter().map(|(id, _)| id).peekable();
    let mut out = Vec::new();
    for &id in &graph.entities {
        while placed.next_if(|&p| p < id).is_some() {}
        if placed.peek() != Some(&id) {
            out.push(id);
        }
    }
    out
}
