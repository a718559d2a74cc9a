//! Finding entities by key, name or alias during an import, and creating companies for
//! names no entity has.

use std::collections::{HashMap, HashSet};

use rusqlite::{Transaction, params};
use rustc_hash::FxHashMap;

use super::{RowFailure, row_err};
use crate::model::{EntityId, normalize_name};

/// Finds entities by key, name or alias, and creates companies for unknown names.
pub(super) struct Resolver {
    /// Normalised key, name or alias → entity. Keys win over names, names over aliases.
    pub by_name: HashMap<String, EntityId>,
    /// Raw text as it appeared in the file → entity, to skip normalising repeated names.
    by_raw: FxHashMap<String, EntityId>,
    pub keys: HashSet<String>,
    pub created: Vec<String>,
    created_source: String,
}

impl Resolver {
    pub fn load(tx: &Transaction<'_>, file_label: &str) -> rusqlite::Result<Resolver> {
        let mut by_name = HashMap::new();
        let mut keys = HashSet::new();
        {
            let mut stmt = tx.prepare("SELECT entity_id, name FROM alias")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                by_name.insert(normalize_name(r.get_ref(1)?.as_str()?), r.get(0)?);
            }
        }
        let mut stmt = tx.prepare("SELECT id, key, name FROM entity")?;
        let mut rows = stmt.query([])?;
        let mut entity_keys = Vec::new();
        while let Some(r) = rows.next()? {
            let id: EntityId = r.get(0)?;
            let key: String = r.get(1)?;
            by_name.insert(normalize_name(r.get_ref(2)?.as_str()?), id);
            entity_keys.push((key, id));
        }
        for (key, id) in entity_keys {
            by_name.insert(normalize_name(&key), id);
            keys.insert(key);
        }
        Ok(Resolver {
            by_name,
            by_raw: FxHashMap::default(),
            keys,
            created: Vec::new(),
            created_source: format!("created by the import of {file_label}"),
        })
    }

    pub fn find(&mut self, raw: &str) -> Option<EntityId> {
        if let Some(&id) = self.by_raw.get(raw) {
            return Some(id);
        }
        let id = *self.by_name.get(&normalize_name(raw))?;
        self.by_raw.insert(raw.to_owned(), id);
        Some(id)
    }

    /// The entity named `raw`, creating a `company` entity when none has that name.
    pub fn resolve(
        &mut self,
        tx: &Transaction<'_>,
        raw: &str,
        field: &str,
    ) -> Result<EntityId, RowFailure> {
        if let Some(id) = self.find(raw) {
            return Ok(id);
        }
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(row_err(field, "empty: an entity name or key is required").into());
        }
        let key = self.unique_key(&slug(&name));
        tx.prepare_cached(
            "INSERT INTO entity (key, name, kind, source) VALUES (?1, ?2, 'company', ?3)",
        )?
        .execute(params![key, name, self.created_source])?;
        let id = tx.last_insert_rowid();
        self.register(&key, &name, id);
        self.by_raw.insert(raw.to_owned(), id);
        self.created.push(name);
        Ok(id)
    }

    pub fn register(&mut self, key: &str, name: &str, id: EntityId) {
        self.by_name.entry(normalize_name(name)).or_insert(id);
        self.by_name.insert(normalize_name(key), id);
        self.keys.insert(key.to_owned());
    }

    pub fn unique_key(&self, base: &str) -> String {
        let base = if base.is_empty() { "entity" } else { base };
        if !self.keys.contains(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|k| !self.keys.contains(k))
            .unwrap_or_else(|| base.to_owned())
    }
}

/// A key from a name: lower case, letters and digits of any script, words joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}
