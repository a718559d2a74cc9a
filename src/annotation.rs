//! What the user wrote and marked on the network: notes on entities and links, free text
//! callouts on the canvas, highlight colours.
//!
//! Annotations name entities by their stable key (the database's own identifier for a
//! company), never by row id, so they survive re-importing the data; an annotation on an
//! entity the open database does not hold is kept untouched and comes back with the data.
//! They live in the explorer's undoable [`crate::explorer::Doc`] and are saved in sessions.
//! Plain Rust: nothing here knows egui or SQLite.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::filter::LinkKind;
use crate::model::EntityId;
use crate::scene::{CalloutMark, Marks};
use crate::style::Rgba;

/// Longest note or callout text kept, in characters (a note is prose, not a data store).
pub const MAX_TEXT_CHARS: usize = 20_000;

/// What a note or a highlight is attached to: an entity or a link, by entity keys.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Entity(String),
    Link {
        source: String,
        target: String,
        kind: LinkKind,
    },
}

impl Target {
    /// Every entity key the target names.
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Target::Entity(k) => vec![k.as_str()],
            Target::Link { source, target, .. } => vec![source.as_str(), target.as_str()],
        }
    }
}

/// A free text box on the canvas, optionally pointing at an entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Callout {
    /// Top-left corner of the box, in world coordinates (moves with the network).
    pub at: [f32; 2],
    /// Multi-line text.
    pub text: String,
    /// The entity the callout points at, by key.
    pub entity: Option<String>,
}

/// Every annotation of a session. Ordered maps, so saving is deterministic.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Annotations {
    pub notes: BTreeMap<Target, String>,
    pub highlights: BTreeMap<Target, Rgba>,
    /// Callouts by id (ids are never reused within a session).
    pub callouts: BTreeMap<u32, Callout>,
}

impl Annotations {
    pub fn is_empty(&self) -> bool {
        self.notes.is_empty() && self.highlights.is_empty() && self.callouts.is_empty()
    }

    /// The id the next callout gets.
    pub fn next_callout_id(&self) -> u32 {
        self.callouts
            .keys()
            .next_back()
            .map_or(1, |k| k.saturating_add(1))
    }
}

/// The highlight colours offered in the window (colour-blind safe, distinct from the
/// selection and path colours).
pub const HIGHLIGHT_COLOURS: [(&str, Rgba); 5] = [
    ("Yellow", Rgba::rgb(0xf5, 0xc2, 0x11)),
    ("Orange", Rgba::rgb(0xe6, 0x7e, 0x22)),
    ("Magenta", Rgba::rgb(0xc2, 0x18, 0x8f)),
    ("Green", Rgba::rgb(0x2e, 0xa0, 0x43)),
    ("Cyan", Rgba::rgb(0x17, 0xa2, 0xb8)),
];

/// Trims a user text to [`MAX_TEXT_CHARS`], normalises line ends to `\n` and marks control
/// characters (an escape sequence in a session file made elsewhere): the door for notes and
/// callouts, typed or loaded (see [`crate::text::mark_controls`]).
pub fn clean_text(text: &str) -> String {
    let t = crate::text::mark_controls(text).into_owned();
    if t.chars().count() > MAX_TEXT_CHARS {
        t.chars().take(MAX_TEXT_CHARS).collect()
    } else {
        t
    }
}

/// Annotations resolved against the open database: entity ids for keys, what the scene's
/// [`crate::scene::Marks`] take. Annotations on entities the database lacks are left out.
#[derive(Clone, Debug, Default)]
pub struct Resolved<'a> {
    pub highlights: BTreeMap<EntityId, Rgba>,
    pub noted: BTreeSet<EntityId>,
    pub link_highlights: BTreeMap<(EntityId, EntityId, LinkKind), Rgba>,
    pub noted_links: BTreeSet<(EntityId, EntityId, LinkKind)>,
    pub callouts: Vec<CalloutMark<'a>>,
}

impl<'a> Resolved<'a> {
    /// Resolves keys with `id_of`.
    pub fn new(annotations: &'a Annotations, id_of: impl Fn(&str) -> Option<EntityId>) -> Self {
        let link = |source: &str, target: &str, kind: LinkKind| {
            Some((id_of(source)?, id_of(target)?, kind))
        };
        let mut r = Resolved::default();
        for (target, &colour) in &annotations.highlights {
            match target {
                Target::Entity(k) => {
                    if let Some(id) = id_of(k) {
                        r.highlights.insert(id, colour);
                    }
                }
                Target::Link {
                    source,
                    target,
                    kind,
                } => {
                    if let Some(l) = link(source, target, *kind) {
                        r.link_highlights.insert(l, colour);
                    }
                }
            }
        }
        for target in annotations.notes.keys() {
            match target {
                Target::Entity(k) => {
                    if let Some(id) = id_of(k) {
                        r.noted.insert(id);
                    }
                }
                Target::Link {
                    source,
                    target,
                    kind,
                } => {
                    if let Some(l) = link(source, target, *kind) {
                        r.noted_links.insert(l);
                    }
                }
            }
        }
        r.callouts = annotations
            .callouts
            .iter()
            .map(|(&id, c)| CalloutMark {
                id,
                at: c.at,
                text: &c.text,
                entity: c.entity.as_deref().and_then(&id_of),
                entity_key: c.entity.as_deref(),
            })
            .collect();
        r
    }

    /// The scene marks for these annotations (selection, path and pins left empty).
    pub fn marks(&self) -> Marks<'_> {
        Marks {
            highlights: Some(&self.highlights),
            noted: Some(&self.noted),
            link_highlights: Some(&self.link_highlights),
            noted_links: Some(&self.noted_links),
            callouts: &self.callouts,
            ..Marks::default()
        }
    }
}
