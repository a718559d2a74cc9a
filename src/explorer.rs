//! The explorer's state and the commands that change it.
//!
//! One plain-Rust value holds what the user is doing: the database, the filter and the graph
//! it gives, positions by entity id, pins, hidden and expanded entities, the selection and a
//! path, and the undo history. The UI reads it and sends it [`Command`]s; tests drive it
//! headless. [`Explorer::apply`] is the one place that changes it, and the place that
//! records undo.
//!
//! What can be undone is the [`Doc`]: everything a session saves except the selection and
//! the viewport, including the annotations ([`crate::annotation`]). The graph is derived from the doc (filter, then expansions, then hidden
//! entities removed) and rebuilt whenever the doc changes; the layout then continues from
//! the current positions, so the picture does not jump.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::annotation::{Annotations, Callout, Target};
use crate::filter::{Filter, FilteredGraph, Focus, LinkKind};
use crate::graph::EntityGraph;
use crate::index::ShipmentIndex;
use crate::layout::{LayoutRunner, Positions, Settle};
use crate::model::{EntityId, EntityKind, Shipment};
use crate::screening::Screening;
use crate::store::{Store, StoreError};

mod background;
mod derive;
mod identity;
mod layout;
mod playing;
mod shown;

pub use identity::MergeRequest;
pub(crate) use shown::side_by_side;

/// Neighbours shown at once by an expansion before the UI asks.
pub const EXPAND_ASK_ABOVE: usize = 50;

/// The undoable part of the state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Doc {
    pub filter: Filter,
    pub hidden: BTreeSet<EntityId>,
    /// Entities whose neighbours were expanded, with at most how many neighbours (`None`:
    /// all). A limit of 0 reveals the entity itself.
    pub expanded: BTreeMap<EntityId, Option<usize>>,
    /// Pinned entities and where.
    pub pinned: BTreeMap<EntityId, [f32; 2]>,
    /// Notes, callouts and highlights, by entity key (kept for entities the database lacks).
    pub annotations: Annotations,
}

/// What the user can do.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    SetFilter(Filter),
    Hide(Vec<EntityId>),
    UnhideAll,
    /// Moves an entity and pins it there.
    Place(EntityId, [f32; 2]),
    Pin(EntityId),
    Unpin(EntityId),
    /// Shows an entity's neighbours that the filter hides, at most `limit` (by shipments).
    Expand {
        id: EntityId,
        limit: Option<usize>,
    },
    Collapse(EntityId),
    /// Shows a group's members on their own, where the group was (by the group's owner).
    OpenGroup(EntityId),
    /// Folds an opened group back (by the group's owner).
    CloseGroup(EntityId),
    /// Shows an entity even when the filter does not (search results).
    Reveal(EntityId),
    /// Only this entity's k-hop neighbourhood (`None`: everything again).
    Focus(Option<(EntityId, u32)>),
    Select {
        ids: Vec<EntityId>,
        additive: bool,
    },
    SelectLink(EntityId, EntityId, LinkKind),
    ClearSelection,
    /// Finds and shows the shortest path over ownership and trade links.
    FindPath(EntityId, EntityId),
    ClearPath,
    /// Adds or replaces the note on an entity or link (empty text removes it).
    SetNote(Target, String),
    RemoveNote(Target),
    /// Adds a callout; it gets the next free id.
    AddCallout(Callout),
    MoveCallout(u32, [f32; 2]),
    EditCallout(u32, String),
    RemoveCallout(u32),
    /// Sets (`Some`) or clears (`None`) a highlight colour.
    SetHighlight(Target, Option<crate::style::Rgba>),
    /// Merges two entities in the database (one undo step: undo splits them again) and
    /// reloads the data, keeping the session.
    Merge(MergeRequest),
    /// Records in the database that two entities (by key) are not the same, with why.
    NotSame {
        a: String,
        b: String,
        why: String,
    },
    Undo,
    Redo,
}

/// What a command did, for the status line.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Done,
    Nothing,
    NoPath,
    Message(String),
}

/// How the layout runs.
enum Engine {
    None,
    /// Stepped by the caller (headless, tests).
    Sync(Box<Settle>),
    /// On its own thread (the window).
    Background(LayoutRunner),
}

/// Lower-cased names, aliases and keys for search; entity ids by key (a merged entity's key
/// names the entity it became, so sessions keyed by it open).
#[allow(clippy::type_complexity)]
fn lookups(
    index: &ShipmentIndex,
) -> (
    Vec<(EntityId, String, bool)>,
    std::collections::HashMap<String, EntityId>,
) {
    let search_terms = index
        .entities()
        .iter()
        .flat_map(|e| {
            std::iter::once((e.id, e.name.to_lowercase(), true))
                .chain(e.aliases.iter().map(|a| (e.id, a.to_lowercase(), false)))
                .chain(std::iter::once((e.id, e.key.to_lowercase(), false)))
        })
        .collect();
    let key_ids = index
        .merged_keys()
        .map(|(k, id)| (k.to_owned(), id))
        .chain(index.entities().iter().map(|e| (e.key.clone(), e.id)))
        .collect();
    (search_terms, key_ids)
}

/// The explorer.
pub struct Explorer {
    db_path: PathBuf,
    store: Store,
    /// Shared with the canvas's scene worker, which draws large networks off the UI thread.
    index: std::sync::Arc<ShipmentIndex>,
    doc: Doc,
    graph: std::sync::Arc<FilteredGraph>,
    /// The graph for queries (paths), built when first asked for after a change: dragging
    /// the date range rebuilds the graph every frame and queries none.
    entity_graph: std::cell::OnceCell<EntityGraph>,
    positions: Positions,
    pub selection: BTreeSet<EntityId>,
    pub selected_link: Option<(EntityId, EntityId, LinkKind)>,
    pub path: Vec<EntityId>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    engine: Engine,
    background: bool,
    settled: bool,
    /// Increases whenever the graph changes.
    revision: u64,
    /// Lower-cased names and aliases for search: (entity, text, is the main name).
    search_terms: Vec<(EntityId, String, bool)>,
    /// Entity ids by stable key (sessions and annotations name entities by key).
    key_ids: std::collections::HashMap<String, EntityId>,
    /// Increases whenever the doc changes (unsaved-changes mark, autosave).
    generation: u64,
    /// The screening of the current graph and filter, worked out when first asked for.
    screening: std::cell::OnceCell<Screening>,
    /// Which group each entity rolls up into under the filter's grouping (or, without
    /// one, under grouping by state owner), worked out when first asked for.
    owners: std::cell::OnceCell<crate::rollup::Owners>,
    /// The filter's per-pair totals (detailed: with part types per pair and the shipments
    /// after listing), kept between rebuilds so the timeline playing forward adds each
    /// step's shipments instead of counting the range again; brought to `doc.filter` at
    /// every rebuild, so the screening and `shown` read them as they are.
    totals: std::cell::RefCell<crate::filter::RunningTotals>,
    /// Graphs derived on another thread during live filter changes (`background.rs`).
    filtering: Filtering,
    /// What the graph shows, for the revision it was worked out for.
    #[allow(clippy::type_complexity)]
    shown: std::cell::RefCell<Option<(u64, Filter, std::sync::Arc<crate::scene::Shown>)>>,
    /// While the timeline plays: the sizes held and the layout held still (`playing.rs`).
    playing: Option<playing::Playing>,
    /// While the timeline plays: the playing thread on its core, the pool's on the others
    /// (`cores.rs`).
    cores_apart: Option<crate::cores::Apart>,
    /// A step placed entities the played range did not show (the layout goes on after).
    placed_while_playing: bool,
}

/// The state of deriving graphs on another thread.
#[derive(Default)]
struct Filtering {
    worker: Option<background::GraphWorker>,
    /// A derivation is on the other thread (with the running totals).
    in_flight: bool,
    /// The doc has changed since the derivation in flight was sent.
    wanted: bool,
    /// How long the last derivation took, in milliseconds.
    last_ms: f64,
}

const UNDO_LIMIT: usize = 200;

/// Over this many entities, the window's layout is set up on the layout's own thread.
const LARGE_LAYOUT: usize = 5_000;

/// One undo step: the doc as it was, and the merge made in the database with it, if any.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    doc: Doc,
    merge: Option<MergeRequest>,
}

impl std::fmt::Debug for Explorer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Explorer")
            .field("db_path", &self.db_path)
            .field("doc", &self.doc)
            .finish_non_exhaustive()
    }
}

impl Explorer {
    /// Opens a store and shows everything. The layout runs synchronously until
    /// [`Explorer::run_in_background`] is called.
    pub fn new(store: Store) -> Result<Explorer, StoreError> {
        let index = ShipmentIndex::build(store.load_dataset()?);
        let (search_terms, key_ids) = lookups(&index);
        let mut explorer = Explorer {
            db_path: store.path().to_path_buf(),
            store,
            index: std::sync::Arc::new(index),
            doc: Doc::default(),
            graph: std::sync::Arc::default(),
            entity_graph: std::cell::OnceCell::new(),
            positions: Positions::default(),
            selection: BTreeSet::new(),
            selected_link: None,
            path: Vec::new(),
            undo: Vec::new(),
            redo: Vec::new(),
            engine: Engine::None,
            background: false,
            settled: false,
            revision: 0,
            search_terms,
            key_ids,
            generation: 0,
            screening: std::cell::OnceCell::new(),
            owners: std::cell::OnceCell::new(),
            totals: std::cell::RefCell::new(crate::filter::RunningTotals::detailed()),
            filtering: Filtering::default(),
            shown: std::cell::RefCell::new(None),
            playing: None,
            cores_apart: None,
            placed_while_playing: false,
        };
        explorer.rebuild();
        Ok(explorer)
    }

    /// The filter a window opens with on this data: the sourced records alone when the
    /// database holds both sourced and synthetic shipments (the story first, the made-up
    /// world one switch away); everything otherwise.
    pub fn story_filter(index: &ShipmentIndex) -> Filter {
        let (synthetic, all) = index.synthetic_shipments();
        Filter {
            provenance: (synthetic > 0 && synthetic < all)
                .then(|| BTreeSet::from([crate::provenance::SOURCED.to_owned()])),
            ..Filter::default()
        }
    }

    /// Opens on the story ([`Explorer::story_filter`]) as the starting state: no undo step.
    pub fn open_on_story(&mut self) {
        let filter = Explorer::story_filter(&self.index);
        if filter != self.doc.filter {
            // The state the window starts from, as `new` makes it: not a change to save.
            self.doc.filter = filter;
            self.rebuild();
        }
    }

    /// Which group an entity rolls up into: under the filter's grouping, else by state owner.
    pub fn owners(&self) -> &crate::rollup::Owners {
        self.owners.get_or_init(|| {
            let by = self
                .doc
                .filter
                .group_by
                .unwrap_or(crate::rollup::GroupBy::StateOwner);
            crate::rollup::Owners::new(&self.index, &self.doc.filter, by)
        })
    }

    /// The owner naming the group `id` rolls up into, when grouping is on (`id` itself
    /// when it follows no owner).
    pub fn group_of(&self, id: EntityId) -> Option<EntityId> {
        self.doc.filter.group_by?;
        self.owners().group_of(&self.index, id)
    }

    pub fn db_path(&self) -> &Path {
        &self.db_path
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn index(&self) -> &ShipmentIndex {
        &self.index
    }

    pub fn doc(&self) -> &Doc {
        &self.doc
    }

    pub fn filter(&self) -> &Filter {
        &self.doc.filter
    }

    pub fn graph(&self) -> &FilteredGraph {
        &self.graph
    }

    /// The index and the graph, shared: what a scene built on another thread reads.
    pub fn shared(&self) -> (std::sync::Arc<ShipmentIndex>, std::sync::Arc<FilteredGraph>) {
        (
            std::sync::Arc::clone(&self.index),
            std::sync::Arc::clone(&self.graph),
        )
    }

    /// A scene's input for what the explorer shows now (its index, filter, graph and
    /// positions), in `style` through `view`; the caller sets the rest.
    pub fn scene_input<'a>(
        &'a self,
        style: &'a crate::style::Style,
        view: crate::scene::View,
    ) -> crate::scene::SceneInput<'a> {
        crate::scene::SceneInput::new(
            self.index(),
            self.filter(),
            self.graph(),
            self.positions(),
            style,
            view,
        )
    }

    pub fn entity_graph(&self) -> &EntityGraph {
        self.entity_graph
            .get_or_init(|| EntityGraph::from_filtered(&self.graph))
    }

    pub fn positions(&self) -> &Positions {
        &self.positions
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn is_settled(&self) -> bool {
        self.settled
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Replaces the whole doc (opening a session), as one undoable step.
    pub fn set_doc(&mut self, doc: Doc) {
        self.record();
        self.doc = doc;
        self.rebuild();
    }

    /// Replaces everything (opening a session): doc, positions, selection; clears the undo
    /// history. When every shown entity has a position the layout is held still, so the
    /// picture is exactly the given one; otherwise it continues from these positions.
    pub fn replace_all(
        &mut self,
        doc: Doc,
        positions: Positions,
        selection: BTreeSet<EntityId>,
        selected_link: Option<(EntityId, EntityId, LinkKind)>,
    ) {
        self.undo.clear();
        self.redo.clear();
        self.generation += 1;
        self.doc = doc;
        self.positions = positions;
        self.path.clear();
        self.screening = std::cell::OnceCell::new();
        self.owners = std::cell::OnceCell::new();
        let graph = self.derive_graph();
        let all_placed = graph
            .entities
            .iter()
            .all(|&id| self.positions.get(id).is_some());
        if all_placed {
            // The picture is the given one: no layout to start.
            self.graph = std::sync::Arc::new(graph);
            self.entity_graph = std::cell::OnceCell::new();
            self.revision += 1;
            self.hold_layout();
        } else {
            // A fresh layout from the given positions.
            self.graph = std::sync::Arc::new(FilteredGraph {
                entities: vec![EntityId::MIN],
                ..FilteredGraph::default()
            });
            self.rebuild();
        }
        let shown = &self.graph.entities;
        self.selection = selection
            .into_iter()
            .filter(|id| shown.binary_search(id).is_ok())
            .collect();
        self.selected_link = selected_link.filter(|(a, b, kind)| {
            self.graph
                .links
                .iter()
                .any(|l| l.source == *a && l.target == *b && l.kind == *kind)
        });
    }

    /// Replaces positions (opening a session), keeping pins where the doc says.
    pub fn set_positions(&mut self, positions: Positions) {
        self.positions = positions;
        self.restart_layout();
    }

    /// Applies a command.
    pub fn apply(&mut self, command: Command) -> Outcome {
        match command {
            Command::SetFilter(filter) => {
                if filter == self.doc.filter {
                    return Outcome::Nothing;
                }
                self.change(|doc| doc.filter = filter)
            }
            Command::Hide(ids) => {
                let ids: Vec<EntityId> = ids
                    .into_iter()
                    .filter(|id| !self.doc.hidden.contains(id))
                    .collect();
                if ids.is_empty() {
                    return Outcome::Nothing;
                }
                self.change(|doc| doc.hidden.extend(ids))
            }
            Command::UnhideAll => {
                if self.doc.hidden.is_empty() {
                    return Outcome::Nothing;
                }
                self.change(|doc| doc.hidden.clear())
            }
            Command::Place(id, at) => {
                if !at[0].is_finite() || !at[1].is_finite() {
                    return Outcome::Nothing;
                }
                self.record();
                self.doc.pinned.insert(id, at);
                self.positions.set(id, at);
                self.push_pin(id, Some(at));
                Outcome::Done
            }
            Command::Pin(id) => {
                let Some(at) = self.positions.get(id) else {
                    return Outcome::Nothing;
                };
                self.record();
                self.doc.pinned.insert(id, at);
                self.push_pin(id, Some(at));
                Outcome::Done
            }
            Command::Unpin(id) => {
                if !self.doc.pinned.contains_key(&id) {
                    return Outcome::Nothing;
                }
                self.record();
                self.doc.pinned.remove(&id);
                self.push_pin(id, None);
                Outcome::Done
            }
            Command::Expand { id, limit } => self.change(|doc| {
                doc.hidden.remove(&id);
                doc.expanded.insert(id, limit);
            }),
            Command::Collapse(id) => {
                if !self.doc.expanded.contains_key(&id) {
                    return Outcome::Nothing;
                }
                self.change(|doc| {
                    doc.expanded.remove(&id);
                })
            }
            Command::OpenGroup(id) | Command::CloseGroup(id) => {
                let open = matches!(command, Command::OpenGroup(_));
                let Some(key) = self.index.entity(id).map(|e| e.key.clone()) else {
                    return Outcome::Nothing;
                };
                let mut filter = self.doc.filter.clone();
                let changed = if open {
                    self.graph.groups.contains_key(&id) && filter.open_groups.insert(key)
                } else {
                    filter.open_groups.remove(&key)
                };
                if !changed {
                    return Outcome::Nothing;
                }
                self.apply(Command::SetFilter(filter))
            }
            Command::Reveal(id) => {
                if self.graph.entities.binary_search(&id).is_ok() {
                    return Outcome::Nothing;
                }
                self.change(|doc| {
                    doc.hidden.remove(&id);
                    doc.expanded.entry(id).or_insert(Some(0));
                })
            }
            Command::Focus(focus) => {
                let focus = focus.and_then(|(id, depth)| {
                    self.index.entity(id).map(|e| Focus {
                        key: e.key.clone(),
                        depth,
                    })
                });
                let filter = Filter {
                    focus,
                    ..self.doc.filter.clone()
                };
                self.apply(Command::SetFilter(filter))
            }
            Command::Select { ids, additive } => {
                if !additive {
                    self.selection.clear();
                }
                self.selected_link = None;
                for id in ids {
                    if additive && !self.selection.insert(id) {
                        self.selection.remove(&id);
                    } else {
                        self.selection.insert(id);
                    }
                }
                Outcome::Done
            }
            Command::SelectLink(a, b, kind) => {
                self.selection.clear();
                self.selected_link = Some((a, b, kind));
                Outcome::Done
            }
            Command::ClearSelection => {
                self.selection.clear();
                self.selected_link = None;
                Outcome::Done
            }
            Command::FindPath(a, b) => match self.entity_graph().shortest_path(a, b, None) {
                Some(path) => {
                    self.path = path;
                    Outcome::Done
                }
                None => {
                    self.path.clear();
                    Outcome::NoPath
                }
            },
            Command::ClearPath => {
                self.path.clear();
                Outcome::Done
            }
            Command::SetNote(target, text) => {
                let text = crate::annotation::clean_text(&text);
                if text.trim().is_empty() {
                    return self.apply(Command::RemoveNote(target));
                }
                if self.doc.annotations.notes.get(&target) == Some(&text) {
                    return Outcome::Nothing;
                }
                self.change_annotations(|a| {
                    a.notes.insert(target, text);
                })
            }
            Command::RemoveNote(target) => {
                if !self.doc.annotations.notes.contains_key(&target) {
                    return Outcome::Nothing;
                }
                self.change_annotations(|a| {
                    a.notes.remove(&target);
                })
            }
            Command::AddCallout(mut callout) => {
                if !callout.at[0].is_finite() || !callout.at[1].is_finite() {
                    return Outcome::Nothing;
                }
                callout.text = crate::annotation::clean_text(&callout.text);
                self.change_annotations(|a| {
                    let id = a.next_callout_id();
                    a.callouts.insert(id, callout);
                })
            }
            Command::MoveCallout(id, at) => {
                if !at[0].is_finite() || !at[1].is_finite() {
                    return Outcome::Nothing;
                }
                match self.doc.annotations.callouts.get(&id) {
                    Some(c) if c.at != at => self.change_annotations(|a| {
                        if let Some(c) = a.callouts.get_mut(&id) {
                            c.at = at;
                        }
                    }),
                    _ => Outcome::Nothing,
                }
            }
            Command::EditCallout(id, text) => {
                let text = crate::annotation::clean_text(&text);
                match self.doc.annotations.callouts.get(&id) {
                    Some(c) if c.text != text => self.change_annotations(|a| {
                        if let Some(c) = a.callouts.get_mut(&id) {
                            c.text = text;
                        }
                    }),
                    _ => Outcome::Nothing,
                }
            }
            Command::RemoveCallout(id) => {
                if !self.doc.annotations.callouts.contains_key(&id) {
                    return Outcome::Nothing;
                }
                self.change_annotations(|a| {
                    a.callouts.remove(&id);
                })
            }
            Command::SetHighlight(target, colour) => {
                if self.doc.annotations.highlights.get(&target) == colour.as_ref() {
                    return Outcome::Nothing;
                }
                self.change_annotations(|a| match colour {
                    Some(c) => {
                        a.highlights.insert(target, c);
                    }
                    None => {
                        a.highlights.remove(&target);
                    }
                })
            }
            Command::Merge(request) => self.merge(request),
            Command::NotSame { a, b, why } => self.not_same(&a, &b, &why),
            Command::Undo => match self.undo.pop() {
                Some(Step { doc, merge }) => {
                    let message = match &merge {
                        Some(m) => match self.undo_merge(m) {
                            Ok(message) => Some(message),
                            Err(message) => {
                                self.undo.push(Step { doc, merge });
                                return Outcome::Message(message);
                            }
                        },
                        None => None,
                    };
                    let current = std::mem::replace(&mut self.doc, doc);
                    self.redo.push(Step {
                        doc: current,
                        merge,
                    });
                    self.generation += 1;
                    self.after_doc_swap();
                    message.map_or(Outcome::Done, Outcome::Message)
                }
                None => Outcome::Nothing,
            },
            Command::Redo => match self.redo.pop() {
                Some(Step { doc, merge }) => {
                    let message = match &merge {
                        Some(m) => match self.redo_merge(m) {
                            Ok(message) => Some(message),
                            Err(message) => {
                                self.redo.push(Step { doc, merge });
                                return Outcome::Message(message);
                            }
                        },
                        None => None,
                    };
                    let current = std::mem::replace(&mut self.doc, doc);
                    self.undo.push(Step {
                        doc: current,
                        merge,
                    });
                    self.generation += 1;
                    self.after_doc_swap();
                    message.map_or(Outcome::Done, Outcome::Message)
                }
                None => Outcome::Nothing,
            },
        }
    }

    /// Starts a gesture (dragging a node or the date range): the state now is what one undo
    /// returns to, however many live updates follow.
    pub fn begin_gesture(&mut self) {
        self.record();
    }

    /// Ends a gesture; drops its undo step when the gesture changed nothing.
    pub fn end_gesture(&mut self) {
        if self
            .undo
            .last()
            .is_some_and(|s| s.merge.is_none() && s.doc == self.doc)
        {
            self.undo.pop();
        }
    }

    /// Moves an entity during a drag, without an undo step of its own.
    pub fn drag_to(&mut self, id: EntityId, at: [f32; 2]) {
        if !at[0].is_finite() || !at[1].is_finite() {
            return;
        }
        self.doc.pinned.insert(id, at);
        self.positions.set(id, at);
        self.push_pin(id, Some(at));
        self.generation += 1;
    }

    /// Changes the filter during a gesture, without an undo step of its own.
    pub fn set_filter_live(&mut self, filter: Filter) {
        if filter != self.doc.filter {
            self.generation += 1;
            self.doc.filter = filter;
            self.rederive();
        }
    }

    /// Changes a callout's or a note's text during a gesture (typing), without an undo step
    /// of its own: the gesture's [`Explorer::begin_gesture`] is the step.
    pub fn edit_annotations_live(&mut self, edit: impl FnOnce(&mut Annotations)) {
        edit(&mut self.doc.annotations);
        self.generation += 1;
    }

    /// Moves a callout during a drag, without an undo step of its own.
    pub fn drag_callout_to(&mut self, id: u32, at: [f32; 2]) {
        if at[0].is_finite()
            && at[1].is_finite()
            && let Some(c) = self.doc.annotations.callouts.get_mut(&id)
        {
            c.at = at;
            self.generation += 1;
        }
    }

    /// A counter that increases whenever the doc changes: compare two readings to know
    /// whether anything changed in between.
    pub fn doc_generation(&self) -> u64 {
        self.generation
    }

    /// Holds the layout still (a session was just opened: the picture is the saved one);
    /// the next change to the graph starts it again.
    pub fn hold_layout(&mut self) {
        self.engine = Engine::None;
        self.settled = true;
    }

    /// The entity with this key in the open database.
    pub fn id_of_key(&self, key: &str) -> Option<EntityId> {
        self.key_ids.get(key).copied()
    }

    fn change_annotations(&mut self, edit: impl FnOnce(&mut Annotations)) -> Outcome {
        // Annotations do not change the graph: no rebuild, no layout restart.
        self.record();
        edit(&mut self.doc.annotations);
        Outcome::Done
    }

    fn record(&mut self) {
        self.generation += 1;
        self.undo.push(Step {
            doc: self.doc.clone(),
            merge: None,
        });
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
    }

    fn change(&mut self, edit: impl FnOnce(&mut Doc)) -> Outcome {
        self.record();
        edit(&mut self.doc);
        self.rederive();
        Outcome::Done
    }

    fn after_doc_swap(&mut self) {
        for (&id, &at) in &self.doc.pinned {
            self.positions.set(id, at);
        }
        self.rederive();
    }

    /// The graph the doc gives (see [`derive::graph`]), counted with the kept totals.
    fn derive_graph(&self) -> FilteredGraph {
        derive::graph(&self.index, &self.doc, &mut self.totals.borrow_mut())
    }

    /// Neighbours of `id` that expanding it would add, with their shipments, busiest first.
    pub fn unshown_neighbours(&self, id: EntityId) -> Vec<(EntityId, u64)> {
        let extra = derive::expansion(&self.index, &self.doc.filter, id, None, &self.graph);
        let mut out: Vec<(EntityId, u64)> = extra
            .links
            .iter()
            .filter_map(|l| {
                let other = if l.source == id { l.target } else { l.source };
                (self.graph.entities.binary_search(&other).is_err())
                    .then_some((other, u64::from(l.shipments)))
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        out.dedup_by_key(|(e, _)| *e);
        out
    }

    fn rebuild(&mut self) {
        // The filter may have changed even when the graph did not (authorities, dates).
        self.screening = std::cell::OnceCell::new();
        self.owners = std::cell::OnceCell::new();
        let started = std::time::Instant::now();
        let graph = self.derive_graph();
        self.filtering.last_ms = started.elapsed().as_secs_f64() * 1e3;
        // This graph is the doc's: a derivation still in flight is for an older one.
        self.filtering.wanted = false;
        self.install(graph);
    }

    /// Makes `graph` the explorer's: a new revision, the selection and path kept where
    /// they are still shown, and the layout continued, when it differs from the last.
    fn install(&mut self, graph: FilteredGraph) {
        if graph != *self.graph {
            let old = std::mem::replace(&mut self.graph, std::sync::Arc::new(graph));
            self.seed_group_positions(&old);
            self.entity_graph = std::cell::OnceCell::new();
            self.revision += 1;
            let shown = &self.graph.entities;
            self.selection.retain(|id| shown.binary_search(id).is_ok());
            if self.path.iter().any(|id| shown.binary_search(id).is_err()) {
                self.path.clear();
            }
            if self.playing.is_some() {
                self.place_new_entities();
            } else {
                self.restart_layout();
            }
        } else {
            // Pins may have changed even when the graph did not.
            for (&id, &at) in &self.doc.pinned.clone() {
                self.push_pin(id, Some(at));
            }
        }
    }

    /// Places entities that a group opening or closing brings in where the group was: an
    /// opened group's members around its place, a closed group at its members' centre. So
    /// the picture changes in place.
    fn seed_group_positions(&mut self, old: &FilteredGraph) {
        self.take_positions();
        let mut placed = Vec::new();
        for (&group, members) in &old.groups {
            let Some(at) = self.positions.get(group) else {
                continue;
            };
            let new: Vec<EntityId> = members
                .iter()
                .copied()
                .filter(|&m| self.graph.entities.binary_search(&m).is_ok())
                .filter(|&m| m != group && self.positions.get(m).is_none())
                .collect();
            let ring = 6.0 + 4.0 * (new.len() as f32).sqrt();
            for (i, &m) in new.iter().enumerate() {
                let angle = i as f32 / new.len().max(1) as f32 * std::f32::consts::TAU;
                placed.push((m, [at[0] + ring * angle.cos(), at[1] + ring * angle.sin()]));
            }
        }
        for (&group, members) in &self.graph.groups {
            if self.positions.get(group).is_some() {
                continue;
            }
            let known: Vec<[f32; 2]> = members
                .iter()
                .filter_map(|&m| self.positions.get(m))
                .collect();
            if !known.is_empty() {
                let k = known.len() as f32;
                let sum = known
                    .iter()
                    .fold([0.0, 0.0], |a, p| [a[0] + p[0], a[1] + p[1]]);
                placed.push((group, [sum[0] / k, sum[1] / k]));
            }
        }
        for (id, at) in placed {
            self.positions.set(id, at);
        }
    }

    /// The ownership chain of an entity up to its state owner (first owner at each step).
    pub fn ownership_chain(&self, id: EntityId) -> Vec<EntityId> {
        let mut chain = vec![id];
        let mut current = id;
        while let Some(&owner) = self.index.owners_of(current).first() {
            if chain.contains(&owner) {
                break;
            }
            chain.push(owner);
            if self
                .index
                .entity(owner)
                .is_some_and(|e| e.kind == EntityKind::StateOwner)
            {
                break;
            }
            current = owner;
        }
        chain
    }

    /// Entities whose name, alias or key contains `query` (any case, any script): name
    /// prefixes first, then other prefixes, then substrings; at most `limit`.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(EntityId, String)> {
        let q = query.trim().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        let mut hits: Vec<(u8, EntityId, &str)> = Vec::new();
        for (id, text, main) in &self.search_terms {
            if let Some(pos) = text.find(&q) {
                let rank = match (pos == 0, *main) {
                    (true, true) => 0,
                    (true, false) => 1,
                    (false, true) => 2,
                    (false, false) => 3,
                };
                hits.push((rank, *id, text));
            }
        }
        hits.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut seen = BTreeSet::new();
        hits.into_iter()
            .filter(|(_, id, _)| seen.insert(*id))
            .take(limit)
            .filter_map(|(_, id, _)| self.index.entity(id).map(|e| (id, e.name.clone())))
            .collect()
    }

    /// The shipments behind a link, or an entity's, that pass the filter: full records.
    pub fn shipments(
        &self,
        shipper: Option<EntityId>,
        consignee: Option<EntityId>,
    ) -> Result<Vec<Shipment>, StoreError> {
        // A group stands for its members.
        let shippers = shipper.map(|id| self.graph.members(id));
        let consignees = consignee.map(|id| self.graph.members(id));
        let ids = self.doc.filter.matching_shipments_among(
            &self.index,
            shippers.as_deref(),
            consignees.as_deref(),
        );
        self.store.shipments_by_id(&ids)
    }
}
