//! What one scene lends the next: work that depends on nothing a playback step changes, kept
//! between builds by whoever builds scenes in a row (the window's scene worker, the canvas,
//! `lading bench playback`).
//!
//! Today that is each label's text laid out: its shapes (lines and width) depend only on the entity's
//! name (and, for a group, how many it holds), the text size and whether it is set bold, so a
//! label tried at every step (1,500 candidates on a crowded screen, most of them then finding
//! no free place) is broken into lines and measured once. A scene built with a `Reuse` is the
//! same as one built without, to the bit (`tests/story.rs` compares them step by step). What is
//! kept is for one index (`ShipmentIndex::generation`): another database, or the same read
//! again after a merge, starts it afresh.

use rustc_hash::FxHashMap;

use crate::model::EntityId;

/// Above this many kept texts the store starts again (a long session of many databases or
/// sizes must not grow it without end).
const MAX_TEXTS: usize = 200_000;

/// A label's text laid out: the shapes it may take (see `labels::prepare`); `None` for a name
/// too long for two lines.
pub(super) type LaidOut = Option<Shapes>;

/// A label's lines and its widest line.
pub(super) type Shape = (Vec<String>, f32);

/// The shapes a label may take: the preferred one, and a narrower one on two lines for a
/// one-line name. Held inline, not in a list of its own: a crowded playback step looks up
/// 1,500 labels' first shape, and a list's extra pointer cost it a cache miss each.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Shapes {
    pub first: Shape,
    pub narrow: Option<Shape>,
}

impl Shapes {
    /// The shapes, the preferred first.
    pub fn iter(&self) -> impl Iterator<Item = &Shape> {
        std::iter::once(&self.first).chain(self.narrow.as_ref())
    }

    pub fn len(&self) -> usize {
        1 + usize::from(self.narrow.is_some())
    }

    /// The `k`-th shape of [`Shapes::iter`] (the first past the end).
    pub fn get(&self, k: usize) -> &Shape {
        match (k, &self.narrow) {
            (1, Some(n)) => n,
            _ => &self.first,
        }
    }
}

/// (entity, members of its group or `u32::MAX`, text size's bits, bold).
type TextKey = (EntityId, u32, u32, bool);

fn key(id: EntityId, members: Option<usize>, size: f32, bold: bool) -> TextKey {
    let members = members.map_or(u32::MAX, |m| u32::try_from(m).unwrap_or(u32::MAX - 1));
    (id, members, size.to_bits(), bold)
}

/// See the module documentation.
#[derive(Debug, Default)]
pub struct Reuse {
    /// The index the kept work is for (`ShipmentIndex::generation`): another database, or
    /// the same one read again, gives entity ids other names.
    index: u64,
    texts: FxHashMap<TextKey, LaidOut>,
}

impl Reuse {
    /// Keeps what is kept only if it was for this index; else starts again.
    pub(super) fn for_index(&mut self, generation: u64) {
        if self.index != generation {
            self.index = generation;
            self.texts.clear();
        }
    }

    /// The label text of `id` laid out, from the store or by `lay_out` (then kept).
    pub(super) fn label_text(
        &mut self,
        id: EntityId,
        members: Option<usize>,
        size: f32,
        bold: bool,
        lay_out: impl FnOnce() -> LaidOut,
    ) -> &LaidOut {
        if self.texts.len() >= MAX_TEXTS {
            self.texts.clear();
        }
        self.texts
            .entry(key(id, members, size, bold))
            .or_insert_with(lay_out)
    }

    /// Whether the label text of `id` is kept laid out so.
    pub(super) fn has(&self, id: EntityId, members: Option<usize>, size: f32, bold: bool) -> bool {
        self.texts.contains_key(&key(id, members, size, bold))
    }

    /// Keeps `laid_out` as the label text of `id` laid out so (unless kept already; nothing
    /// once the store is full, where [`Reuse::label_text`] starts it afresh).
    pub(super) fn keep(
        &mut self,
        id: EntityId,
        members: Option<usize>,
        size: f32,
        bold: bool,
        laid_out: LaidOut,
    ) {
        if self.texts.len() >= MAX_TEXTS {
            return;
        }
        self.texts
            .entry(key(id, members, size, bold))
            .or_insert(laid_out);
    }

    /// How many laid-out texts are kept (tests).
    pub fn texts_kept(&self) -> usize {
        self.texts.len()
    }
}
