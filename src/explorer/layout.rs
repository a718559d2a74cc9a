//! The explorer's layout: started again from the current positions when the graph changes
//! (with the doc's pins), run on the window's background thread or synchronously for tests
//! and headless runs, and read back as positions with every pin where the user put it.

use std::time::Duration;

use super::{Engine, Explorer, LARGE_LAYOUT};
use crate::layout::{
    LayoutGraph, LayoutRunner, LayoutSettings, Positions, Settle, Start, WeightPolicy,
};
use crate::model::EntityId;

impl Explorer {
    pub(super) fn layout_settings(&self) -> LayoutSettings {
        LayoutSettings {
            // The window uses both cores; headless runs use one, so they repeat exactly.
            threads: if self.background { 0 } else { 1 },
            ..LayoutSettings::explorer()
        }
    }

    /// Starts the layout again from the current positions (new entities beside their
    /// neighbours), with the doc's pins.
    pub(super) fn restart_layout(&mut self) {
        self.take_positions();
        for (&id, &at) in &self.doc.pinned {
            self.positions.set(id, at);
        }
        if self.background && self.graph.entities.len() > LARGE_LAYOUT {
            self.restart_layout_off_thread();
            return;
        }
        let input = LayoutGraph::from_filtered(&self.graph, &WeightPolicy::default());
        let start = if self.positions.is_empty() {
            Start::Random
        } else {
            Start::Warm(&self.positions)
        };
        let mut engine = match Settle::new(&input, self.layout_settings(), start) {
            Ok(engine) => engine,
            Err(_) => {
                self.engine = Engine::None;
                return;
            }
        };
        for &id in self.doc.pinned.keys() {
            engine.set_pinned(id, true);
        }
        engine.positions_into(&mut self.positions);
        self.settled = false;
        if let Engine::Background(old) = std::mem::replace(&mut self.engine, Engine::None) {
            old.stop_detached();
        }
        self.engine = if self.background {
            match LayoutRunner::spawn(engine, Duration::from_millis(12)) {
                Ok(runner) => Engine::Background(runner),
                Err(_) => Engine::None,
            }
        } else {
            Engine::Sync(Box::new(engine))
        };
    }

    /// [`Explorer::restart_layout`] for a large graph in the window: the layout's input and
    /// engine are built on the layout's thread, and the old layout is told to stop without
    /// waiting for the iteration it is in (each takes longer than a frame there). Entities
    /// new to the graph are drawn from the layout's first snapshot.
    fn restart_layout_off_thread(&mut self) {
        if let Engine::Background(old) = std::mem::replace(&mut self.engine, Engine::None) {
            old.stop_detached();
        }
        let graph = std::sync::Arc::clone(&self.graph);
        let positions = self.positions.clone();
        let pinned: Vec<EntityId> = self.doc.pinned.keys().copied().collect();
        let settings = self.layout_settings();
        let build = move || {
            let input = LayoutGraph::from_filtered(&graph, &WeightPolicy::default());
            let start = if positions.is_empty() {
                Start::Random
            } else {
                Start::Warm(&positions)
            };
            let mut engine = Settle::new(&input, settings, start).ok()?;
            for &id in &pinned {
                engine.set_pinned(id, true);
            }
            Some(engine)
        };
        self.settled = false;
        self.engine = match LayoutRunner::spawn_with(build, Duration::from_millis(12)) {
            Ok(runner) => Engine::Background(runner),
            Err(_) => Engine::None,
        };
    }

    /// Takes the freshest positions from a background layout.
    pub(super) fn take_positions(&mut self) {
        if let Engine::Background(runner) = &self.engine
            && let Some(snapshot) = runner.latest()
        {
            self.settled = snapshot.settled;
            self.adopt(snapshot.positions);
        }
    }

    /// Takes a layout snapshot's positions, with every pin where the user put it: the
    /// snapshot may have been computed before the layout thread read the latest pin or move
    /// (a drag), and a pinned entity never moves, so the pin is always the truth.
    pub(super) fn adopt(&mut self, positions: Positions) {
        self.positions = positions;
        for (&id, &at) in &self.doc.pinned {
            self.positions.set(id, at);
        }
    }

    pub(super) fn push_pin(&mut self, id: EntityId, at: Option<[f32; 2]>) {
        match &mut self.engine {
            Engine::Sync(engine) => {
                if let Some(p) = at {
                    engine.set_position(id, p);
                }
                engine.set_pinned(id, at.is_some());
            }
            Engine::Background(runner) => {
                if let Some(p) = at {
                    runner.set_position(id, p);
                }
                runner.set_pinned(id, at.is_some());
            }
            Engine::None => {}
        }
        self.settled = false;
    }

    /// Moves the layout to a background thread (the window calls this once).
    pub fn run_in_background(&mut self) {
        self.background = true;
        self.restart_layout();
    }

    /// Called every frame by the window: picks up the background layout's positions.
    /// Returns whether positions changed.
    pub fn poll_layout(&mut self) -> bool {
        let Engine::Background(runner) = &self.engine else {
            return false;
        };
        match runner.latest() {
            Some(snapshot) => {
                let changed = !self.settled || !snapshot.settled;
                self.settled = snapshot.settled;
                self.adopt(snapshot.positions);
                changed
            }
            None => false,
        }
    }

    /// Runs a synchronous layout for up to `budget`; returns whether it has settled.
    pub fn step_layout(&mut self, budget: Duration) -> bool {
        if let Engine::Sync(engine) = &mut self.engine {
            engine.run_for(budget);
            engine.positions_into(&mut self.positions);
            self.settled = engine.is_settled();
        }
        self.settled
    }

    /// Runs a synchronous layout until it settles or `max_iterations` pass.
    pub fn settle(&mut self, max_iterations: u64) {
        if let Engine::Sync(engine) = &mut self.engine {
            let mut left = max_iterations;
            while left > 0 && !engine.is_settled() {
                engine.step();
                left -= 1;
            }
            engine.positions_into(&mut self.positions);
            self.settled = engine.is_settled();
        }
    }
}
