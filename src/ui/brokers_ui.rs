//! View → Brokers: the entities trade goes through ([`crate::brokers`]): the articulation
//! points, whose removal cuts the trade network apart, and the entities with the highest
//! betweenness, the intermediaries an investigator looks for between sanctioned parties.
//!
//! The measures are worked out for the shown network when the window, the inspector or
//! "size by betweenness" first needs them, and again when the network changes: at once for a
//! small network, on a worker thread with a progress bar for a large one (the window goes on
//! drawing; a newer network cancels an older run).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;

use egui::RichText;
use rustc_hash::FxHashMap;

use super::app::LadingApp;
use crate::brokers::{Centrality, Progress, compute};
use crate::model::EntityId;

/// Networks up to this many entities are measured on the spot, between two frames.
const INLINE_UP_TO: usize = 2_000;
/// Rows listed in each part of the window.
const LISTED: usize = 25;

/// The window's state and the last result.
#[derive(Default)]
pub struct BrokersState {
    pub open: bool,
    /// The measures and the graph revision they are for.
    pub result: Option<(u64, Centrality)>,
    /// Betweenness by entity, for sizing nodes.
    pub betweenness: FxHashMap<EntityId, f64>,
    job: Option<Job>,
}

struct Job {
    revision: u64,
    progress: Arc<Progress>,
    handle: JoinHandle<Option<Centrality>>,
}

impl BrokersState {
    /// The measures, when they are for the graph revision `revision`.
    pub fn current(&self, revision: u64) -> Option<&Centrality> {
        self.result
            .as_ref()
            .filter(|(r, _)| *r == revision)
            .map(|(_, c)| c)
    }

    /// Progress of a run under way, 0–1.
    pub fn progress(&self) -> Option<f32> {
        self.job.as_ref().map(|j| j.progress.fraction())
    }

    fn store(&mut self, revision: u64, c: Centrality) {
        self.betweenness = c
            .entities
            .iter()
            .copied()
            .zip(c.betweenness.iter().copied())
            .collect();
        self.result = Some((revision, c));
    }
}

/// Whether anything on screen needs the measures now.
fn wanted(app: &LadingApp) -> bool {
    app.ui.brokers.open
        || app.ui.size_by == crate::scene::SizeBy::Betweenness
        || app
            .explorer
            .as_ref()
            .is_some_and(|e| e.selection.len() == 1)
}

/// Called every frame: starts a run when the measures are wanted and out of date, and picks
/// up a finished one.
pub fn poll(app: &mut LadingApp) {
    let want = wanted(app);
    let Some(explorer) = app.explorer.as_ref() else {
        return;
    };
    let revision = explorer.revision();
    let state = &mut app.ui.brokers;
    let finished = state.job.as_ref().is_some_and(|j| j.handle.is_finished());
    if finished
        && let Some(job) = state.job.take()
        && let Ok(Some(c)) = job.handle.join()
        && job.revision == revision
    {
        state.store(job.revision, c);
    }
    if state.current(revision).is_some() || !want {
        return;
    }
    if let Some(job) = &state.job {
        if job.revision == revision {
            return;
        }
        // A newer network: the old run's answer would be for a graph no longer shown.
        job.progress.cancel.store(true, Ordering::Relaxed);
    }
    let graph = explorer.graph();
    if graph.entities.len() <= INLINE_UP_TO {
        if let Some(c) = compute(graph, &Progress::default()) {
            state.store(revision, c);
        }
        return;
    }
    let graph = graph.clone();
    let progress = Arc::new(Progress::default());
    let worker = Arc::clone(&progress);
    match std::thread::Builder::new()
        .name("lading-brokers".into())
        .spawn(move || compute(&graph, &worker))
    {
        Ok(handle) => {
            state.job = Some(Job {
                revision,
                progress,
                handle,
            })
        }
        Err(e) => app.ui.status = format!("cannot measure brokers: {e}"),
    }
}

/// "0.132": betweenness, three decimals (below 0.001: "< 0.001").
pub fn betweenness_text(b: f64) -> String {
    if b > 0.0 && b < 0.001 {
        "< 0.001".to_owned()
    } else {
        format!("{b:.3}")
    }
}

/// The inspector's lines for one entity: its degree, weighted degree and betweenness.
pub fn inspector_lines(app: &LadingApp, ui: &mut egui::Ui, id: EntityId) {
    let Some(explorer) = app.explorer.as_ref() else {
        return;
    };
    let state = &app.ui.brokers;
    let Some(c) = state.current(explorer.revision()) else {
        if let Some(f) = state.progress() {
            ui.add(egui::ProgressBar::new(f).text("measuring brokers…"));
        }
        return;
    };
    let Some(slot) = c.slot(id) else {
        return;
    };
    ui.label(RichText::new("As a broker").strong());
    let rank = c
        .betweenness
        .iter()
        .filter(|&&b| b > c.betweenness[slot])
        .count()
        + 1;
    ui.label(format!(
        "{} · {} · {}",
        super::panels::count(u64::from(c.degree[slot]), "neighbour", "neighbours"),
        super::panels::count(c.shipments[slot], "shipment", "shipments"),
        super::panels::usd(c.value_usd[slot])
    ));
    ui.label(format!(
        "Betweenness {} (rank {} of {}){}",
        betweenness_text(c.betweenness[slot]),
        rank,
        c.entities.len(),
        if c.sampled { ", estimated" } else { "" }
    ))
    .on_hover_text(
        "The share of shortest paths between two other entities that go through this one",
    );
    if let Some((_, cut)) = c.cut_points.iter().find(|(e, _)| *e == id) {
        ui.label(
            RichText::new(format!(
                "Removing it cuts {} off from the rest",
                super::panels::count(*cut as u64, "entity", "entities")
            ))
            .color(super::canvas::color(app.style.sanction_ring)),
        );
    }
}

pub fn brokers_window(app: &mut LadingApp, ctx: &egui::Context) {
    if !app.ui.brokers.open {
        return;
    }
    let mut open = true;
    let mut chosen = None;
    egui::Window::new("Brokers")
        .open(&mut open)
        .default_pos([460.0, 120.0])
        .default_width(420.0)
        .show(ctx, |ui| {
            let Some(explorer) = app.explorer.as_ref() else {
                return;
            };
            ui.label(
                "Intermediaries of the shown network: entities whose removal cuts trade apart, \
                 and those most of the shortest paths between others go through.",
            );
            let state = &app.ui.brokers;
            let Some(c) = state.current(explorer.revision()) else {
                match state.progress() {
                    Some(f) => {
                        ui.add(
                            egui::ProgressBar::new(f)
                                .show_percentage()
                                .text("measuring"),
                        );
                    }
                    None => {
                        ui.spinner();
                    }
                }
                ctx.request_repaint_after(std::time::Duration::from_millis(100));
                return;
            };
            let name = |id: EntityId| {
                explorer
                    .index()
                    .entity(id)
                    .map_or_else(|| format!("#{id}"), |e| e.name.clone())
            };
            ui.add_space(4.0);
            ui.label(RichText::new("Removing one cuts the network apart").strong());
            if c.cut_points.is_empty() {
                ui.label(RichText::new("None: no single entity holds the network together").weak());
            }
            egui::ScrollArea::vertical()
                .id_salt("cut-points")
                .max_height(200.0)
                .show(ui, |ui| {
                    for &(id, cut) in c.cut_points.iter().take(LISTED) {
                        ui.horizontal(|ui| {
                            if ui.link(name(id)).clicked() {
                                chosen = Some(id);
                            }
                            ui.label(
                                RichText::new(format!(
                                    "cuts off {}",
                                    super::panels::count(cut as u64, "entity", "entities")
                                ))
                                .weak(),
                            );
                        });
                    }
                });
            ui.add_space(6.0);
            ui.label(
                RichText::new(format!(
                    "Highest betweenness{}",
                    if c.sampled {
                        format!(
                            " (estimated from {} sources)",
                            crate::brokers::SAMPLED_SOURCES
                        )
                    } else {
                        String::new()
                    }
                ))
                .strong(),
            );
            let top = c.top_betweenness(LISTED);
            if top.is_empty() {
                ui.label(RichText::new("None: no entity lies between two others").weak());
            }
            egui::ScrollArea::vertical()
                .id_salt("betweenness")
                .max_height(240.0)
                .show(ui, |ui| {
                    for (id, b) in top {
                        ui.horizontal(|ui| {
                            ui.label(RichText::new(betweenness_text(b)).monospace());
                            if ui.link(name(id)).clicked() {
                                chosen = Some(id);
                            }
                        });
                    }
                });
        });
    app.ui.brokers.open = open;
    if let Some(id) = chosen {
        app.go_to(id);
    }
}
