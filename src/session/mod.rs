//! Sessions: everything the user made on a network, in a file that survives closing the
//! window, a crash, a new Lading and a re-import of the data.
//!
//! A [`Session`] is a plain serde value written as pretty JSON (readable, diffable; the
//! format is documented in `src/session-format.md`): the filter, positions, pins, hidden and
//! expanded entities, the selection, the view, label choices and the annotations. It names
//! its database by path and by a fingerprint of its content. Entities are named by their
//! stable key, never by row id. Every field has a default, so an older session opens in a
//! newer Lading; a session of a newer format version is refused with both versions named.
//!
//! [`Session::capture`] reads an [`Explorer`] and the window's choices; [`Session::restore`]
//! resolves the keys against the open database and reports the entities it names that are
//! gone ([`Restored::missing`]). What the session held about those entities (pins, hidden,
//! positions, annotations) is kept ([`Carried`]) and written back on the next save, so it
//! comes back with the data. Saving is atomic ([`crate::atomic`]); reading refuses files
//! over [`MAX_SESSION_BYTES`] before reading them. Plain Rust: nothing here knows egui.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::annotation::{Annotations, Callout, Target};
use crate::atomic::{WriteError, write_atomically};
use crate::explorer::{Doc, Explorer};
use crate::filter::{Filter, LinkKind};
use crate::layout::Positions;
use crate::model::EntityId;
use crate::scene::{SizeBy, View};
use crate::style::{Rgba, Theme};

pub mod files;
mod json;

/// The `format` field of every session file.
pub const FORMAT: &str = "lading-session";
/// The session format this Lading writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// Largest session file opened. A session with 100,000 positioned entities is about 6 MB.
pub const MAX_SESSION_BYTES: u64 = 64 * 1024 * 1024;
/// The file extension of sessions.
pub const EXTENSION: &str = "lading";

/// Why a session could not be opened or saved. Nothing changes in the window or on disk
/// in any of these cases.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("{path}: cannot read the session ({source})")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{path}: the file is {size_mb:.0} MB; a Lading session is at most {} MB, so this is not one",
        MAX_SESSION_BYTES / (1024 * 1024)
    )]
    TooLarge { path: PathBuf, size_mb: f64 },
    #[error("{path}: the session file is empty")]
    Empty { path: PathBuf },
    #[error(
        "{path}: the session file is cut short ({detail}); it is damaged or was not completely copied"
    )]
    Truncated { path: PathBuf, detail: String },
    #[error("{path}: not a Lading session (not JSON: {detail})")]
    NotJson { path: PathBuf, detail: String },
    #[error("{path}: not a Lading session ({detail})")]
    NotSession { path: PathBuf, detail: String },
    #[error(
        "{path}: made by a newer Lading (session format version {found}; this Lading reads up to version {supported}); open it with a newer Lading"
    )]
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// The database a session was made on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DatabaseRef {
    /// Path as the user opened it (absolute when it could be made so).
    pub path: String,
    /// [`crate::store::Store::content_fingerprint`] when the session was saved.
    pub fingerprint: String,
}

/// Which part of the network was on screen.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ViewState {
    /// The view followed the network (fit to window); `center` and `zoom` are then what it
    /// showed last.
    pub fit: bool,
    /// World point at the centre of the canvas.
    pub center: [f32; 2],
    /// Screen points per world unit.
    pub zoom: f32,
    /// Canvas size in screen points when saved.
    pub size: [f32; 2],
}

impl Default for ViewState {
    fn default() -> ViewState {
        ViewState {
            fit: true,
            center: [0.0, 0.0],
            zoom: 1.0,
            size: [800.0, 600.0],
        }
    }
}

impl ViewState {
    pub fn from_view(view: &View, fit: bool) -> ViewState {
        ViewState {
            fit,
            center: view.center,
            zoom: view.zoom,
            size: view.size,
        }
    }

    /// The view, if its numbers are usable (finite, positive zoom and size).
    pub fn to_view(&self) -> Option<View> {
        let ok = |x: f32| x.is_finite() && x > 0.0;
        (ok(self.zoom)
            && ok(self.size[0])
            && ok(self.size[1])
            && self.center[0].is_finite()
            && self.center[1].is_finite())
        .then_some(View {
            center: self.center,
            zoom: self.zoom,
            size: self.size,
            scale: 1.0,
        })
    }
}

/// How the network is drawn: label and size choices, legend, theme.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Display {
    pub labels: bool,
    pub legend: bool,
    pub size_by: SizeBy,
    pub theme: Theme,
}

impl Default for Display {
    fn default() -> Display {
        Display {
            labels: true,
            legend: true,
            size_by: SizeBy::Shipments,
            theme: Theme::Light,
        }
    }
}

/// A link named by its entities' keys.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LinkRef {
    pub source: String,
    pub target: String,
    pub kind: LinkKind,
}

/// A note on an entity or a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteRecord {
    pub on: Target,
    pub text: String,
}

/// A highlight colour on an entity or a link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HighlightRecord {
    pub on: Target,
    /// `#rrggbb`.
    pub color: String,
}

/// A callout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalloutRecord {
    pub id: u32,
    /// Top-left corner of the box, world coordinates.
    pub at: [f32; 2],
    pub text: String,
    /// The entity it points at, by key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
}

/// A session file. Field order is the order in the file: what a reader wants first at the
/// top, the long list of positions last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Session {
    /// Always [`FORMAT`].
    pub format: String,
    pub format_version: u32,
    /// "Lading 0.1.0": who wrote the file (informational).
    pub saved_by: String,
    pub database: DatabaseRef,
    pub filter: Filter,
    pub view: ViewState,
    pub display: Display,
    /// Entity keys.
    pub selection: BTreeSet<String>,
    pub selected_link: Option<LinkRef>,
    pub hidden: BTreeSet<String>,
    /// Expanded entities and how many neighbours each shows (`null`: all).
    pub expanded: BTreeMap<String, Option<usize>>,
    pub pinned: BTreeMap<String, [f32; 2]>,
    pub notes: Vec<NoteRecord>,
    pub highlights: Vec<HighlightRecord>,
    pub callouts: Vec<CalloutRecord>,
    /// Names of the entities the session refers to (except by position alone), so an
    /// entity missing from a changed database can still be named.
    pub names: BTreeMap<String, String>,
    /// Every shown entity's position, by key.
    pub positions: BTreeMap<String, [f32; 2]>,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            format: FORMAT.to_owned(),
            format_version: FORMAT_VERSION,
            saved_by: format!("Lading {}", env!("CARGO_PKG_VERSION")),
            database: DatabaseRef::default(),
            filter: Filter::default(),
            view: ViewState::default(),
            display: Display::default(),
            selection: BTreeSet::new(),
            selected_link: None,
            hidden: BTreeSet::new(),
            expanded: BTreeMap::new(),
            pinned: BTreeMap::new(),
            notes: Vec::new(),
            highlights: Vec::new(),
            callouts: Vec::new(),
            names: BTreeMap::new(),
            positions: BTreeMap::new(),
        }
    }
}

/// What a session held about entities the open database does not have: kept, and written
/// back on the next save, so it comes back with the data. (Annotations need no carrying:
/// they are keyed by key in the doc.)
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Carried {
    pub hidden: BTreeSet<String>,
    pub expanded: BTreeMap<String, Option<usize>>,
    pub pinned: BTreeMap<String, [f32; 2]>,
    pub positions: BTreeMap<String, [f32; 2]>,
    pub selection: BTreeSet<String>,
    pub names: BTreeMap<String, String>,
}

/// An entity a session names that the database lacks.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Missing {
    pub key: String,
    /// Its name when the session was saved (`None`: the session only had its position).
    pub name: Option<String>,
}

impl Missing {
    /// The name, or the key when the session did not record one.
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.key)
    }
}

/// A session resolved against the open database.
#[derive(Clone, Debug, PartialEq)]
pub struct Restored {
    pub doc: Doc,
    pub positions: Positions,
    pub selection: BTreeSet<EntityId>,
    pub selected_link: Option<(EntityId, EntityId, LinkKind)>,
    /// Entities the session names (pins, hidden, expanded, selection, focus, annotations)
    /// that are gone, sorted by name; then, in `missing_positions`, how many entities that
    /// only had a position are gone.
    pub missing: Vec<Missing>,
    pub missing_positions: usize,
    pub carried: Carried,
}

impl Restored {
    /// One sentence for the status line or a dialog; `None` when nothing is missing.
    pub fn missing_report(&self) -> Option<String> {
        if self.missing.is_empty() && self.missing_positions == 0 {
            return None;
        }
        let mut text = String::new();
        if !self.missing.is_empty() {
            let shown: Vec<&str> = self.missing.iter().take(12).map(Missing::label).collect();
            text.push_str(&format!(
                "{} {} in this session {} not in the database: {}",
                self.missing.len(),
                if self.missing.len() == 1 {
                    "entity"
                } else {
                    "entities"
                },
                if self.missing.len() == 1 { "is" } else { "are" },
                shown.join(", ")
            ));
            if self.missing.len() > shown.len() {
                text.push_str(&format!(" and {} more", self.missing.len() - shown.len()));
            }
            text.push('.');
        }
        if self.missing_positions > 0 {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&format!(
                "{} other positioned {} gone.",
                self.missing_positions,
                if self.missing_positions == 1 {
                    "entity is"
                } else {
                    "entities are"
                }
            ));
        }
        text.push_str(" Their notes and marks are kept in the session.");
        Some(text)
    }
}

/// The window's choices a session saves besides the explorer's state.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UiChoices {
    pub view: ViewState,
    pub display: Display,
}

fn finite(p: [f32; 2]) -> bool {
    p[0].is_finite() && p[1].is_finite()
}

impl Session {
    /// The session of an explorer, the window's choices and what an earlier session
    /// carried for entities the database lacks.
    pub fn capture(
        explorer: &Explorer,
        ui: &UiChoices,
        carried: &Carried,
        fingerprint: &str,
    ) -> Session {
        let index = explorer.index();
        let key = |id: EntityId| index.entity(id).map(|e| e.key.clone());
        let doc = explorer.doc();
        let mut s = Session {
            database: DatabaseRef {
                path: absolute(explorer.db_path()),
                fingerprint: fingerprint.to_owned(),
            },
            filter: doc.filter.clone(),
            view: ui.view,
            display: ui.display,
            ..Session::default()
        };
        s.selection = explorer
            .selection
            .iter()
            .filter_map(|&id| key(id))
            .collect();
        s.selection.extend(carried.selection.iter().cloned());
        s.selected_link = explorer.selected_link.and_then(|(a, b, kind)| {
            Some(LinkRef {
                source: key(a)?,
                target: key(b)?,
                kind,
            })
        });
        s.hidden = doc.hidden.iter().filter_map(|&id| key(id)).collect();
        s.hidden.extend(carried.hidden.iter().cloned());
        s.expanded = doc
            .expanded
            .iter()
            .filter_map(|(&id, &limit)| Some((key(id)?, limit)))
            .collect();
        s.expanded.extend(carried.expanded.clone());
        s.pinned = doc
            .pinned
            .iter()
            .filter(|(_, p)| finite(**p))
            .filter_map(|(&id, &p)| Some((key(id)?, p)))
            .collect();
        s.pinned.extend(carried.pinned.clone());
        s.positions = explorer
            .positions()
            .iter()
            .filter(|(_, p)| finite(*p))
            .filter_map(|(id, p)| Some((key(id)?, p)))
            .collect();
        for (k, p) in &carried.positions {
            s.positions.entry(k.clone()).or_insert(*p);
        }
        let a = &doc.annotations;
        s.notes = a
            .notes
            .iter()
            .map(|(on, text)| NoteRecord {
                on: on.clone(),
                text: text.clone(),
            })
            .collect();
        s.highlights = a
            .highlights
            .iter()
            .map(|(on, c)| HighlightRecord {
                on: on.clone(),
                color: c.hex(),
            })
            .collect();
        s.callouts = a
            .callouts
            .iter()
            .filter(|(_, c)| finite(c.at))
            .map(|(&id, c)| CalloutRecord {
                id,
                at: c.at,
                text: c.text.clone(),
                entity: c.entity.clone(),
            })
            .collect();
        // Names of everything referred to other than by position.
        let mut referred: BTreeSet<String> = BTreeSet::new();
        referred.extend(s.selection.iter().cloned());
        referred.extend(s.hidden.iter().cloned());
        referred.extend(s.expanded.keys().cloned());
        referred.extend(s.pinned.keys().cloned());
        if let Some(l) = &s.selected_link {
            referred.insert(l.source.clone());
            referred.insert(l.target.clone());
        }
        if let Some(f) = &s.filter.focus {
            referred.insert(f.key.clone());
        }
        for on in a.notes.keys().chain(a.highlights.keys()) {
            referred.extend(on.keys().into_iter().map(str::to_owned));
        }
        referred.extend(a.callouts.values().filter_map(|c| c.entity.clone()));
        for k in referred {
            let name = explorer
                .id_of_key(&k)
                .and_then(|id| index.entity(id))
                .map(|e| e.name.clone())
                .or_else(|| carried.names.get(&k).cloned());
            if let Some(name) = name {
                s.names.insert(k, name);
            }
        }
        s
    }

    /// Resolves the session against the explorer's database. Never fails: what cannot be
    /// resolved is reported in [`Restored::missing`] and kept in [`Restored::carried`].
    pub fn restore(&self, explorer: &Explorer) -> Restored {
        let id_of = |k: &str| explorer.id_of_key(k);
        let mut missing_keys: BTreeSet<String> = BTreeSet::new();
        let mut carried = Carried::default();
        let mut note_missing = |k: &str| {
            if id_of(k).is_none() {
                missing_keys.insert(k.to_owned());
                true
            } else {
                false
            }
        };
        let mut doc = Doc {
            filter: self.filter.clone(),
            ..Doc::default()
        };
        if let Some(f) = &self.filter.focus {
            note_missing(&f.key);
        }
        for k in &self.hidden {
            match id_of(k) {
                Some(id) => {
                    doc.hidden.insert(id);
                }
                None => {
                    note_missing(k);
                    carried.hidden.insert(k.clone());
                }
            }
        }
        for (k, &limit) in &self.expanded {
            match id_of(k) {
                Some(id) => {
                    doc.expanded.insert(id, limit);
                }
                None => {
                    note_missing(k);
                    carried.expanded.insert(k.clone(), limit);
                }
            }
        }
        for (k, &p) in &self.pinned {
            if !finite(p) {
                continue;
            }
            match id_of(k) {
                Some(id) => {
                    doc.pinned.insert(id, p);
                }
                None => {
                    note_missing(k);
                    carried.pinned.insert(k.clone(), p);
                }
            }
        }
        let mut selection = BTreeSet::new();
        for k in &self.selection {
            match id_of(k) {
                Some(id) => {
                    selection.insert(id);
                }
                None => {
                    note_missing(k);
                    carried.selection.insert(k.clone());
                }
            }
        }
        let selected_link = self.selected_link.as_ref().and_then(|l| {
            let (a, b) = (id_of(&l.source), id_of(&l.target));
            if a.is_none() {
                note_missing(&l.source);
            }
            if b.is_none() {
                note_missing(&l.target);
            }
            Some((a?, b?, l.kind))
        });
        let mut annotations = Annotations::default();
        for n in &self.notes {
            for k in n.on.keys() {
                note_missing(k);
            }
            annotations
                .notes
                .insert(n.on.clone(), crate::annotation::clean_text(&n.text));
        }
        for h in &self.highlights {
            // An unreadable colour falls back to the first highlight colour: the mark is
            // what matters.
            let colour =
                Rgba::from_hex(&h.color).unwrap_or(crate::annotation::HIGHLIGHT_COLOURS[0].1);
            for k in h.on.keys() {
                note_missing(k);
            }
            annotations.highlights.insert(h.on.clone(), colour);
        }
        for c in &self.callouts {
            if !finite(c.at) {
                continue;
            }
            if let Some(k) = &c.entity {
                note_missing(k);
            }
            annotations.callouts.insert(
                c.id,
                Callout {
                    at: c.at,
                    text: crate::annotation::clean_text(&c.text),
                    entity: c.entity.clone(),
                },
            );
        }
        doc.annotations = annotations;
        let mut missing_positions = 0;
        let positions = Positions::from_pairs(self.positions.iter().filter_map(|(k, &p)| {
            if !finite(p) {
                return None;
            }
            match id_of(k) {
                Some(id) => Some((id, p)),
                None => {
                    if !missing_keys.contains(k) {
                        missing_positions += 1;
                    }
                    carried.positions.insert(k.clone(), p);
                    None
                }
            }
        }));
        carried.names = missing_keys
            .iter()
            .filter_map(|k| Some((k.clone(), self.names.get(k)?.clone())))
            .collect();
        let mut missing: Vec<Missing> = missing_keys
            .into_iter()
            .map(|key| Missing {
                name: self.names.get(&key).cloned(),
                key,
            })
            .collect();
        missing.sort_by(|a, b| a.label().cmp(b.label()).then(a.key.cmp(&b.key)));
        Restored {
            doc,
            positions,
            selection,
            selected_link,
            missing,
            missing_positions,
            carried,
        }
    }

    /// The session as pretty JSON, with each position on one line.
    pub fn to_json(&self) -> String {
        json::to_pretty(self)
    }

    /// Writes the session atomically: the old file stays whole until the new one is
    /// complete and synced.
    pub fn save(&self, path: &Path) -> Result<(), SessionError> {
        let text = self.to_json();
        write_atomically(path, |w| w.write_all(text.as_bytes()))?;
        Ok(())
    }

    /// Reads a session file, refusing a file too large, not JSON, cut short, not a session,
    /// or of a newer format version, each with a clear error.
    pub fn load(path: &Path) -> Result<Session, SessionError> {
        let read_err = |source| SessionError::Read {
            path: path.to_path_buf(),
            source,
        };
        let file = std::fs::File::open(path).map_err(read_err)?;
        let size = file.metadata().map_err(read_err)?.len();
        if size > MAX_SESSION_BYTES {
            return Err(SessionError::TooLarge {
                path: path.to_path_buf(),
                size_mb: size as f64 / (1024.0 * 1024.0),
            });
        }
        let mut bytes = Vec::with_capacity(size as usize);
        // Read at most one byte past the limit, whatever the metadata said (a growing file).
        file.take(MAX_SESSION_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?;
        if bytes.len() as u64 > MAX_SESSION_BYTES {
            return Err(SessionError::TooLarge {
                path: path.to_path_buf(),
                size_mb: bytes.len() as f64 / (1024.0 * 1024.0),
            });
        }
        Session::from_slice(path, &bytes)
    }

    /// Parses a session from bytes; `path` names it in errors.
    pub fn from_slice(path: &Path, bytes: &[u8]) -> Result<Session, SessionError> {
        let p = || path.to_path_buf();
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(SessionError::Empty { path: p() });
        }
        // First only the header, so a newer version is named before its fields are read.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            format_version: Option<serde_json::Value>,
        }
        let header: Header = serde_json::from_slice(bytes).map_err(|e| classify(path, &e))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(SessionError::NotSession {
                path: p(),
                detail: match header.format {
                    Some(f) => format!("its format is {f:?}, not \"{FORMAT}\""),
                    None => format!("JSON without the \"format\": \"{FORMAT}\" field"),
                },
            });
        }
        let version = match header.format_version {
            None => FORMAT_VERSION,
            Some(v) => v
                .as_u64()
                .and_then(|v| u32::try_from(v).ok())
                .ok_or_else(|| SessionError::NotSession {
                    path: p(),
                    detail: format!("format_version {v} is not a version number"),
                })?,
        };
        if version > FORMAT_VERSION {
            return Err(SessionError::TooNew {
                path: p(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let mut session: Session =
            serde_json::from_slice(bytes).map_err(|e| SessionError::NotSession {
                path: p(),
                detail: e.to_string(),
            })?;
        // Older versions would be migrated here, field by field; version 1 is the first.
        session.format_version = FORMAT_VERSION;
        Ok(session)
    }
}

fn classify(path: &Path, e: &serde_json::Error) -> SessionError {
    use serde_json::error::Category;
    let path = path.to_path_buf();
    match e.classify() {
        Category::Eof => SessionError::Truncated {
            path,
            detail: e.to_string(),
        },
        Category::Syntax | Category::Io => SessionError::NotJson {
            path,
            detail: e.to_string(),
        },
        Category::Data => SessionError::NotSession {
            path,
            detail: e.to_string(),
        },
    }
}

/// A path as text, absolute when it can be made so.
fn absolute(path: &Path) -> String {
    // A team database's URL (already without its password) stays as it is.
    if path
        .to_str()
        .is_some_and(crate::store::db::pg::looks_like_url)
    {
        return path.display().to_string();
    }
    std::path::absolute(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

impl Explorer {
    /// Opens a restored session in this explorer: replaces the doc, positions and
    /// selection, clears the undo history, and holds the layout still when every shown
    /// entity has a saved position (so the picture is the one that was saved).
    pub fn open_restored(&mut self, restored: &Restored) {
        self.replace_all(
            restored.doc.clone(),
            restored.positions.clone(),
            restored.selection.clone(),
            restored.selected_link,
        );
    }
}
