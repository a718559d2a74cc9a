//! Merging entities from the window: a merge is one undo step of the explorer.
//!
//! The database records a merge as a judgement ([`crate::store::Store::merge`]); undoing it
//! in the window splits the two again ([`crate::store::Store::unmerge`], recorded with the
//! reason "undo in the window") and redoing it merges them again, so the record of who
//! decided what stays complete. After each, the explorer reads its data again in place: the
//! doc, positions, selection and undo history stay.

use super::{Explorer, Outcome, Step, UNDO_LIMIT, lookups};
use crate::index::ShipmentIndex;
use crate::store::StoreError;
use crate::store::identity::{Decision, current_user};

/// Two entities to merge, by key, with the user's reason and the matcher's score and reasons
/// when the pair was suggested.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MergeRequest {
    /// The entity that stays.
    pub keep: String,
    /// The entity merged into it.
    pub other: String,
    pub why: String,
    pub score: Option<f64>,
    pub reasons: String,
}

impl MergeRequest {
    fn decision(&self) -> Decision {
        Decision {
            why: self.why.clone(),
            who: current_user(),
            score: self.score,
            reasons: self.reasons.clone(),
        }
    }
}

impl Explorer {
    pub(super) fn merge(&mut self, request: MergeRequest) -> Outcome {
        let out = match self
            .store
            .merge(&request.keep, &request.other, &request.decision(), false)
        {
            Ok(out) => out,
            Err(e) => return Outcome::Message(format!("Not merged: {e}")),
        };
        self.generation += 1;
        self.undo.push(Step {
            doc: self.doc.clone(),
            merge: Some(request),
        });
        if self.undo.len() > UNDO_LIMIT {
            self.undo.remove(0);
        }
        self.redo.clear();
        let message = format!(
            "Merged {} into {}: {} shipments, {} ownership links, {} listings, {} names and {} identifiers now show on it (Ctrl+Z splits them again)",
            out.merged,
            out.kept,
            out.shipments,
            out.ownership,
            out.listings,
            out.names,
            out.identifiers
        );
        match self.reload_data() {
            Ok(()) => Outcome::Message(message),
            Err(e) => {
                Outcome::Message(format!("{message}; but reading the data again failed: {e}"))
            }
        }
    }

    /// Splits a merge made in the window (Undo).
    pub(super) fn undo_merge(&mut self, m: &MergeRequest) -> Result<String, String> {
        let from = self
            .store
            .unmerge(&m.other, &Decision::by_current_user("undo in the window"))
            .map_err(|e| format!("Cannot undo the merge: {e}"))?;
        self.reload_data().map_err(|e| {
            format!(
                "Split {} from {from}, but reading the data again failed: {e}",
                m.other
            )
        })?;
        Ok(format!(
            "Undo: {} is its own entity again (split from {from})",
            m.other
        ))
    }

    /// Merges again what an undo split (Redo).
    pub(super) fn redo_merge(&mut self, m: &MergeRequest) -> Result<String, String> {
        self.store
            .merge(&m.keep, &m.other, &m.decision(), false)
            .map_err(|e| format!("Cannot redo the merge: {e}"))?;
        self.reload_data().map_err(|e| {
            format!(
                "Merged {} into {}, but reading the data again failed: {e}",
                m.other, m.keep
            )
        })?;
        Ok(format!("Redo: merged {} into {}", m.other, m.keep))
    }

    pub(super) fn not_same(&mut self, a: &str, b: &str, why: &str) -> Outcome {
        match self
            .store
            .judge_not_same(a, b, &Decision::by_current_user(why))
        {
            Ok(_) => Outcome::Message(format!(
                "Recorded: {a} and {b} are not the same; they will not be suggested again"
            )),
            Err(e) => Outcome::Message(format!("Not recorded: {e}")),
        }
    }

    /// Reads the data again from the database (after a merge or a split), keeping the doc,
    /// positions, selection and undo history. Ids of entities merged away drop out of the
    /// graph; their keys name the entity they became.
    pub fn reload_data(&mut self) -> Result<(), StoreError> {
        let index = ShipmentIndex::build(self.store.load_dataset()?);
        let (search_terms, key_ids) = lookups(&index);
        self.index = std::sync::Arc::new(index);
        self.search_terms = search_terms;
        self.key_ids = key_ids;
        self.entity_graph = std::cell::OnceCell::new();
        // Names and counts may have changed even where the graph did not.
        self.revision += 1;
        self.rebuild();
        Ok(())
    }
}
