//! The Duplicates view (View → Duplicates): pairs of entities that may be one company, best
//! first, each shown side by side (names in their scripts, identifiers, country, owners and
//! holdings, listings, shipments) with the matcher's score and reasons, and three answers:
//! Merge (choosing which entity stays, with an optional reason), Not the same, Skip.
//!
//! The pairs come from [`crate::identity::review_list`] (what `lading duplicates` prints),
//! worked out on a worker thread with its own connection, since it can take seconds; the
//! window shows a spinner meanwhile. Merge and Not the same are explorer commands: a merge is
//! one undo step, and the explorer reads its data again after it keeping the session.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::thread::JoinHandle;

use egui::{RichText, ScrollArea};

use super::LadingApp;
use crate::explorer::{Command, MergeRequest};
use crate::identity::{Pair, SearchStats};
use crate::index::ShipmentIndex;
use crate::model::EntityId;
use crate::store::Store;
use crate::text::inert;

/// Shipments (sent, received) by entity.
type Counts = HashMap<EntityId, (u64, u64)>;

/// What the worker found.
pub struct Found {
    pub pairs: Vec<Pair>,
    /// Identifiers of the entities in the pairs, as "INN 0323018510".
    pub identifiers: HashMap<EntityId, Vec<String>>,
    pub stats: SearchStats,
    pub seconds: f64,
}

/// The view's state while it is open.
pub struct DuplicatesView {
    job: Option<JoinHandle<Result<Found, String>>>,
    pub found: Option<Found>,
    pub error: Option<String>,
    /// The pair shown, by its keys.
    selected: Option<(String, String)>,
    /// Pairs skipped in this window (they come back next time the view is opened).
    skipped: HashSet<(String, String)>,
    /// Pairs answered "not the same" since the search ran.
    apart: HashSet<(String, String)>,
    /// Keep the pair's second entity rather than its first.
    keep_second: bool,
    why: String,
    /// Shipments sent and received per entity of the shown pair, with the explorer revision
    /// they were counted at.
    counts: Option<(u64, Counts)>,
}

impl DuplicatesView {
    /// Starts the search on the database at `db`.
    pub fn start(db: PathBuf) -> DuplicatesView {
        let job = std::thread::Builder::new()
            .name("lading-duplicates".into())
            .spawn(move || search(&db))
            .map_err(|e| format!("cannot start the search: {e}"));
        let (job, error) = match job {
            Ok(job) => (Some(job), None),
            Err(e) => (None, Some(e)),
        };
        DuplicatesView {
            job,
            found: None,
            error,
            selected: None,
            skipped: HashSet::new(),
            apart: HashSet::new(),
            keep_second: false,
            why: String::new(),
            counts: None,
        }
    }

    /// Whether the search is still running.
    pub fn searching(&self) -> bool {
        self.job.is_some()
    }

    fn poll(&mut self) {
        if !self.job.as_ref().is_some_and(|j| j.is_finished()) {
            return;
        }
        match self.job.take().map(|j| j.join()) {
            Some(Ok(Ok(found))) => self.found = Some(found),
            Some(Ok(Err(e))) => self.error = Some(e),
            _ => self.error = Some("the search stopped unexpectedly".into()),
        }
    }

    /// The pairs still to answer: both entities live (a merge takes one away; its undo brings
    /// it back), neither skipped nor answered "not the same".
    pub fn open_pairs<'a>(&'a self, index: &'a ShipmentIndex) -> Vec<&'a Pair> {
        let Some(found) = &self.found else {
            return Vec::new();
        };
        found
            .pairs
            .iter()
            .filter(|p| {
                let keys = (p.a.key.clone(), p.b.key.clone());
                index.entity(p.ids.0).is_some()
                    && index.entity(p.ids.1).is_some()
                    && !self.skipped.contains(&keys)
                    && !self.apart.contains(&keys)
            })
            .collect()
    }
}

/// The worker: candidates, pairs, and the identifiers of the entities in them.
fn search(db: &std::path::Path) -> Result<Found, String> {
    let started = std::time::Instant::now();
    let store = Store::open(db).map_err(|e| e.to_string())?;
    let candidates = store.identity_candidates().map_err(|e| e.to_string())?;
    let (pairs, stats) =
        crate::identity::review_list_of(&store, &candidates, crate::names::REVIEW_THRESHOLD)
            .map_err(|e| e.to_string())?;
    let wanted: HashSet<EntityId> = pairs.iter().flat_map(|p| [p.ids.0, p.ids.1]).collect();
    let identifiers = candidates
        .iter()
        .filter(|c| wanted.contains(&c.id))
        .map(|c| (c.id, c.identifiers.iter().map(|i| i.to_string()).collect()))
        .collect();
    Ok(Found {
        pairs,
        identifiers,
        stats,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Opens the view and starts a search (View → Duplicates).
pub fn open(app: &mut LadingApp) {
    match app.explorer.as_ref() {
        Some(e) => app.ui.duplicates = Some(DuplicatesView::start(e.db_path().to_path_buf())),
        None => app.error = Some("Open a database first.".into()),
    }
}

/// What a click in the view asks for.
enum Answer {
    Select(String, String),
    Merge(MergeRequest),
    NotSame(String, String),
    Skip(String, String),
    SearchAgain,
}

pub fn duplicates_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(view) = app.ui.duplicates.as_mut() else {
        return;
    };
    view.poll();
    if view.searching() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
    let mut open = true;
    let mut answer = None;
    egui::Window::new("Duplicates")
        .open(&mut open)
        .default_pos([300.0, 50.0])
        .default_size([860.0, 560.0])
        .resizable(true)
        .show(ctx, |ui| {
            let Some(explorer) = app.explorer.as_ref() else {
                ui.label("Open a database first.");
                return;
            };
            answer = draw(view, explorer, ui);
        });
    match answer {
        Some(Answer::Select(a, b)) => {
            view.selected = Some((a, b));
            view.keep_second = false;
            view.why.clear();
        }
        Some(Answer::Skip(a, b)) => {
            view.skipped.insert((a, b));
            view.selected = None;
        }
        Some(Answer::NotSame(a, b)) => {
            let why = std::mem::take(&mut view.why);
            view.apart.insert((a.clone(), b.clone()));
            view.selected = None;
            app.send(Command::NotSame { a, b, why });
        }
        Some(Answer::Merge(request)) => {
            view.why.clear();
            view.selected = None;
            app.send(Command::Merge(request));
        }
        Some(Answer::SearchAgain) => open_again(app),
        None => {}
    }
    if !open {
        app.ui.duplicates = None;
    }
}

fn open_again(app: &mut LadingApp) {
    open(app);
}

fn draw(
    view: &mut DuplicatesView,
    explorer: &crate::explorer::Explorer,
    ui: &mut egui::Ui,
) -> Option<Answer> {
    let mut answer = None;
    if let Some(e) = &view.error {
        ui.colored_label(ui.visuals().error_fg_color, inert(e));
        return None;
    }
    if view.searching() {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label("Looking for entities that may be one…");
        });
        return None;
    }
    let index = explorer.index();
    let pairs = view.open_pairs(index);
    let Some(found) = &view.found else {
        return None;
    };
    ui.horizontal(|ui| {
        ui.label(format!(
            "{} {} to review · {} entities searched in {:.1} s, {} pairs compared",
            pairs.len(),
            if pairs.len() == 1 { "pair" } else { "pairs" },
            found.stats.entities,
            found.seconds,
            found.stats.pairs_compared
        ));
        if ui.button("Search again").clicked() {
            answer = Some(Answer::SearchAgain);
        }
    });
    ui.separator();
    if pairs.is_empty() {
        ui.label(format!(
            "No pairs left at or above {:.2}. A merge can be undone with Ctrl+Z.",
            crate::names::REVIEW_THRESHOLD
        ));
        return answer;
    }
    let keys = |p: &Pair| (p.a.key.clone(), p.b.key.clone());
    let shown: &Pair = view
        .selected
        .as_ref()
        .and_then(|sel| pairs.iter().find(|p| keys(p) == *sel))
        .copied()
        .unwrap_or(pairs[0]);
    let shown_keys = keys(shown);
    let shown = shown.clone();
    let pair_labels: Vec<(String, (String, String))> = pairs
        .iter()
        .map(|p| {
            (
                format!(
                    "{:.2}  {}  ≈  {}",
                    p.score,
                    inert(&p.a.name),
                    inert(&p.b.name)
                ),
                keys(p),
            )
        })
        .collect();
    ui.columns(2, |cols| {
        cols[0].label(RichText::new("Pairs, best first").strong());
        ScrollArea::vertical()
            .id_salt("dup-list")
            .max_height(cols[0].available_height() - 8.0)
            .show(&mut cols[0], |ui| {
                for (label, k) in &pair_labels {
                    let selected = *k == shown_keys;
                    if ui.selectable_label(selected, label).clicked() && !selected {
                        answer = Some(Answer::Select(k.0.clone(), k.1.clone()));
                    }
                }
            });
        let ui = &mut cols[1];
        ScrollArea::vertical().id_salt("dup-pair").show(ui, |ui| {
            if let Some(a) = pair_view(view, explorer, &shown, ui) {
                answer = Some(a);
            }
        });
    });
    answer
}

/// One pair side by side, with the answers.
fn pair_view(
    view: &mut DuplicatesView,
    explorer: &crate::explorer::Explorer,
    pair: &Pair,
    ui: &mut egui::Ui,
) -> Option<Answer> {
    let index = explorer.index();
    let counts = shipment_counts(view, explorer, [pair.ids.0, pair.ids.1]);
    ui.label(RichText::new(format!("Score {:.3}", pair.score)).strong());
    let (a, b) = (&pair.a, &pair.b);
    ui.label("Keep");
    ui.radio_value(&mut view.keep_second, false, inert(&a.name).into_owned());
    ui.radio_value(&mut view.keep_second, true, inert(&b.name).into_owned());
    ui.horizontal(|ui| {
        let label = ui.label("Why (optional)");
        ui.add(egui::TextEdit::singleline(&mut view.why).desired_width(240.0))
            .labelled_by(label.id);
    });
    let mut answer = None;
    ui.horizontal(|ui| {
        if ui.button("Merge").clicked() {
            let (keep, other) = if view.keep_second { (b, a) } else { (a, b) };
            answer = Some(Answer::Merge(MergeRequest {
                keep: keep.key.clone(),
                other: other.key.clone(),
                why: view.why.trim().to_owned(),
                score: Some(pair.score),
                reasons: pair.reasons.join("; "),
            }));
        }
        if ui.button("Not the same").clicked() {
            answer = Some(Answer::NotSame(a.key.clone(), b.key.clone()));
        }
        if ui.button("Skip").clicked() {
            answer = Some(Answer::Skip(a.key.clone(), b.key.clone()));
        }
    });
    ui.separator();
    for r in &pair.reasons {
        ui.label(format!("• {}", inert(r)));
    }
    ui.add_space(4.0);
    let found = view.found.as_ref();
    egui::Grid::new("dup-sides")
        .num_columns(2)
        .striped(true)
        .min_col_width(180.0)
        .show(ui, |ui| {
            for (i, id) in [pair.ids.0, pair.ids.1].into_iter().enumerate() {
                let Some(e) = index.entity(id) else {
                    ui.label("(merged away)");
                    continue;
                };
                ui.vertical(|ui| {
                    ui.label(RichText::new(inert(&e.name)).strong());
                    ui.label(RichText::new(format!("{} · {}", e.key, e.kind.label())).weak());
                    for alias in &e.aliases {
                        ui.label(format!("also: {}", inert(alias)));
                    }
                    let ids = found
                        .and_then(|f| f.identifiers.get(&id))
                        .map(|v| v.join(", "))
                        .unwrap_or_default();
                    ui.label(format!(
                        "identifiers: {}",
                        if ids.is_empty() { "none" } else { &ids }
                    ));
                    ui.label(format!(
                        "country: {}",
                        if e.country.is_empty() {
                            "unknown"
                        } else {
                            &e.country
                        }
                    ));
                    let names = |ids: Vec<EntityId>| -> String {
                        let v: Vec<String> = ids
                            .iter()
                            .filter_map(|o| index.entity(*o).map(|x| inert(&x.name).into_owned()))
                            .collect();
                        if v.is_empty() {
                            "none".into()
                        } else {
                            v.join(", ")
                        }
                    };
                    ui.label(format!("owners: {}", names(index.owners_of(id))));
                    ui.label(format!("owns: {}", names(index.owned_by(id))));
                    let listings: Vec<String> = index
                        .listings_of(id)
                        .iter()
                        .map(|s| format!("{} since {}", inert(&s.authority), s.listed_on.iso()))
                        .collect();
                    ui.label(format!(
                        "listings: {}",
                        if listings.is_empty() {
                            "none".into()
                        } else {
                            listings.join(", ")
                        }
                    ));
                    let (sent, received) = counts.get(&id).copied().unwrap_or((0, 0));
                    ui.label(format!("shipments: {sent} sent, {received} received"));
                });
                if i == 1 {
                    ui.end_row();
                }
            }
        });
    answer
}

/// Shipments sent and received by each of `ids`, counted once per data revision.
fn shipment_counts(
    view: &mut DuplicatesView,
    explorer: &crate::explorer::Explorer,
    ids: [EntityId; 2],
) -> Counts {
    let revision = explorer.revision();
    if let Some((r, counts)) = &view.counts
        && *r == revision
        && ids.iter().all(|id| counts.contains_key(id))
    {
        return counts.clone();
    }
    let index = explorer.index();
    let positions: Vec<Option<u32>> = ids.iter().map(|&id| index.position_of(id)).collect();
    let mut counts: Counts = ids.iter().map(|&id| (id, (0, 0))).collect();
    for (p, &(s, c)) in index.pairs.iter().enumerate() {
        let shipments = index.pair_range(p).len() as u64;
        for (i, pos) in positions.iter().enumerate() {
            if *pos == Some(s)
                && let Some(n) = counts.get_mut(&ids[i])
            {
                n.0 += shipments;
            }
            if *pos == Some(c)
                && let Some(n) = counts.get_mut(&ids[i])
            {
                n.1 += shipments;
            }
        }
    }
    view.counts = Some((revision, counts.clone()));
    counts
}
