//! Finding the entity a row names, in tiers, and creating companies for names no entity has.
//!
//! 1. **Identifier**: a registry number (INN, OGRN, USCC, …) an entity already has decides.
//! 2. **Exact**: the key, the name or an alias, ignoring case and spacing.
//! 3. **Strong match**: [`crate::names::compare`] against the candidates that share a blocking
//!    key; one clear best at or above [`AUTO_THRESHOLD`] with no conflicting identifier is that
//!    entity, and the new spelling is kept as its alias, with the file and the reasons.
//! 4. **Maybe**: a best at or above [`REVIEW_THRESHOLD`] creates a new entity and puts the pair
//!    in the review queue (`lading duplicates`, the window's Duplicates view).
//! 5. Otherwise a new `company`.
//!
//! Tiers 3 and 4 need every entity's names analysed; that index is built the first time a name
//! misses tiers 1 and 2, so an import whose names are all known pays nothing for it. Rows
//! name the entity that holds the matched name (a merged entity, possibly), and readers follow
//! merges, so an unmerge gives back what was imported under the merged entity's names.

use std::collections::{HashMap, HashSet};

use crate::store::db::{DbResult, Tx, params};
use rustc_hash::FxHashMap;

use super::{RowFailure, row_err};
use crate::model::{EntityId, normalize_name};
use crate::names::identifiers::Identifier;
use crate::names::{self, AUTO_THRESHOLD, Party, REVIEW_THRESHOLD, Sketch};
use crate::store::Canon;

/// A block key shared by more entities than this is too common to find candidates by (a word
/// like "plant" in a file of factories); names are then found through their other keys.
const MAX_BLOCK: usize = 2_000;
/// A best candidate must lead the second by this much to be taken automatically.
const CLEAR_LEAD: f64 = 0.05;

/// One name an import resolved other than by exact spelling: how, to what, and why.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Resolved {
    /// The name as the file spelled it.
    pub name: String,
    /// The entity it went to (tiers 1, 3), or the candidate to review (tier 4).
    pub key: String,
    pub entity: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// What went into each tier, with names (each distinct spelling once).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Resolution {
    /// Spellings found by key, name or alias as they are.
    pub exact: u64,
    pub by_identifier: Vec<Resolved>,
    pub strong: Vec<Resolved>,
    /// New entities created beside a possible match, now in the review queue.
    pub to_review: Vec<Resolved>,
}

/// The names index for tiers 3 and 4 (also used by the FtM import).
pub(super) struct Fuzzy {
    /// Live entities as parties, with their id.
    parties: Vec<(EntityId, Party)>,
    /// The parties in brief, to rule out most candidates without scoring them.
    sketches: Vec<Sketch>,
    /// Block key → positions in `parties`.
    blocks: HashMap<String, Vec<u32>>,
}

impl Fuzzy {
    /// Every live entity as a party: its names (and those merged into it), identifiers and
    /// country.
    pub fn load(tx: &Tx<'_>, canon: &Canon) -> DbResult<Fuzzy> {
        let mut names: HashMap<EntityId, Vec<String>> = HashMap::new();
        let mut country: HashMap<EntityId, String> = HashMap::new();
        let mut idents: HashMap<EntityId, Vec<Identifier>> = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT id, name, country FROM entity ORDER BY id")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let id = canon.of(r.get(0)?);
                names.entry(id).or_default().push(r.get(1)?);
                let c: String = r.get(2)?;
                if !c.is_empty() {
                    country.entry(id).or_insert(c);
                }
            }
            let mut stmt =
                tx.prepare("SELECT entity_id, name FROM alias ORDER BY entity_id, rowid")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let id = canon.of(r.get(0)?);
                names.entry(id).or_default().push(r.get(1)?);
            }
            let mut stmt = tx.prepare("SELECT entity_id, scheme, value FROM identifier")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let scheme: String = r.get(1)?;
                if let Some(scheme) = names::identifiers::Scheme::from_label(&scheme) {
                    idents
                        .entry(canon.of(r.get(0)?))
                        .or_default()
                        .push(Identifier {
                            scheme,
                            value: r.get(2)?,
                        });
                }
            }
        }
        let mut ids: Vec<EntityId> = names.keys().copied().collect();
        ids.sort_unstable();
        let mut fuzzy = Fuzzy {
            parties: Vec::with_capacity(ids.len()),
            sketches: Vec::with_capacity(ids.len()),
            blocks: HashMap::new(),
        };
        let none = Vec::new();
        for id in ids {
            let list: Vec<&str> = names[&id].iter().map(String::as_str).collect();
            let c = country.get(&id).map_or("", String::as_str);
            fuzzy.add(id, &list, idents.get(&id).unwrap_or(&none), c);
        }
        Ok(fuzzy)
    }

    /// The best candidate for `party` (named `names`) with its comparison, and the second
    /// best score.
    pub fn best(
        &self,
        party: &Party,
        names: &[&str],
        max_id: EntityId,
    ) -> (Option<(EntityId, names::Comparison)>, Option<f64>) {
        let me = Sketch::of(party);
        let mut scored: Vec<(f64, u32)> = self
            .candidates(names)
            .into_iter()
            .filter(|&i| {
                // A candidate that cannot reach a review decides nothing: as if absent.
                self.parties[i as usize].0 <= max_id
                    && self.sketches[i as usize].could_reach(&me, REVIEW_THRESHOLD)
            })
            .map(|i| (names::score(party, &self.parties[i as usize].1), i))
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let Some(&(_, first)) = scored.first() else {
            return (None, None);
        };
        let (id, other) = &self.parties[first as usize];
        (
            Some((*id, names::compare(party, other))),
            scored.get(1).map(|s| s.0),
        )
    }

    /// Whether `best` is taken automatically: at or above the automatic threshold and clearly
    /// ahead of the second.
    pub fn decisive(score: f64, second: Option<f64>) -> bool {
        score >= AUTO_THRESHOLD && score - second.unwrap_or(0.0) >= CLEAR_LEAD
    }

    pub fn add(&mut self, id: EntityId, names: &[&str], ids: &[Identifier], country: &str) {
        let at = self.parties.len() as u32;
        let mut keys: HashSet<String> = HashSet::new();
        for n in names {
            keys.extend(names::block_keys(&names::analyse(n)));
        }
        for k in keys {
            self.blocks.entry(k).or_default().push(at);
        }
        let party = Party::new(names, ids, country);
        self.sketches.push(Sketch::of(&party));
        self.parties.push((id, party));
    }

    /// Positions of the parties sharing a usable block key with `names`.
    fn candidates(&self, names: &[&str]) -> Vec<u32> {
        let mut keys: Vec<String> = Vec::new();
        for n in names {
            keys.extend(names::block_keys(&names::analyse(n)));
        }
        let mut out: Vec<u32> = Vec::new();
        let mut smallest: Option<&Vec<u32>> = None;
        for k in &keys {
            if let Some(list) = self.blocks.get(k) {
                if list.len() <= MAX_BLOCK {
                    out.extend(list);
                } else if smallest.is_none_or(|s| list.len() < s.len()) {
                    smallest = Some(list);
                }
            }
        }
        // Only common keys: look at the first entities of the rarest one, so a name made of
        // common words still finds its exact twin without scanning thousands.
        if out.is_empty()
            && let Some(list) = smallest
        {
            out.extend(list.iter().take(MAX_BLOCK));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Finds entities by identifier, key, name, alias or a strong match, and creates companies for
/// unknown names.
pub(super) struct Resolver {
    /// Normalised key, name or alias → entity that holds it. Keys win over names, names over
    /// aliases.
    pub by_name: HashMap<String, EntityId>,
    /// Raw text as it appeared in the file → entity, to skip resolving repeated names (only for
    /// names that came without identifiers).
    by_raw: FxHashMap<String, EntityId>,
    /// (scheme, value) → entity that holds it.
    by_identifier: HashMap<(String, String), EntityId>,
    /// Live entity → its identifiers (for conflicts).
    identifiers_of: HashMap<EntityId, Vec<Identifier>>,
    names_of: HashMap<EntityId, String>,
    keys_of: HashMap<EntityId, String>,
    canon: Canon,
    pub keys: HashSet<String>,
    pub created: Vec<String>,
    created_source: String,
    file_label: String,
    fuzzy: Option<Fuzzy>,
    pub report: Resolution,
    /// Normalised spellings this import matched by a strong match (a guess), and the entity.
    guessed: HashMap<String, EntityId>,
    /// Spellings split off their guess because a row made them its other party's, with the
    /// entity created for them.
    split: HashMap<String, EntityId>,
}

impl Resolver {
    pub fn load(tx: &Tx<'_>, file_label: &str) -> DbResult<Resolver> {
        let mut by_name = HashMap::new();
        let mut keys = HashSet::new();
        {
            let mut stmt = tx.prepare("SELECT entity_id, name FROM alias")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                by_name.insert(normalize_name(r.get_ref(1)?.as_str()?), r.get(0)?);
            }
        }
        let mut pointers = HashMap::new();
        let mut names_of = HashMap::new();
        let mut keys_of = HashMap::new();
        let mut stmt = tx.prepare("SELECT id, key, name, merged_into FROM entity")?;
        let mut rows = stmt.query(params![])?;
        let mut entity_keys = Vec::new();
        while let Some(r) = rows.next()? {
            let id: EntityId = r.get(0)?;
            let key: String = r.get(1)?;
            let name: String = r.get(2)?;
            if let Some(into) = r.get::<Option<EntityId>>(3)? {
                pointers.insert(id, into);
            }
            by_name.insert(normalize_name(&name), id);
            names_of.insert(id, name);
            keys_of.insert(id, key.clone());
            entity_keys.push((key, id));
        }
        for (key, id) in entity_keys {
            by_name.insert(normalize_name(&key), id);
            keys.insert(key);
        }
        let canon = Canon::from_pointers(&pointers);
        let mut by_identifier = HashMap::new();
        let mut identifiers_of: HashMap<EntityId, Vec<Identifier>> = HashMap::new();
        {
            let mut stmt = tx.prepare("SELECT scheme, value, entity_id FROM identifier")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let (scheme, value, id): (String, String, EntityId) =
                    (r.get(0)?, r.get(1)?, r.get(2)?);
                if let Some(s) = names::identifiers::Scheme::from_label(&scheme) {
                    identifiers_of
                        .entry(canon.of(id))
                        .or_default()
                        .push(Identifier {
                            scheme: s,
                            value: value.clone(),
                        });
                }
                by_identifier.entry((scheme, value)).or_insert(id);
            }
        }
        Ok(Resolver {
            by_name,
            by_raw: FxHashMap::default(),
            by_identifier,
            identifiers_of,
            names_of,
            keys_of,
            canon,
            keys,
            created: Vec::new(),
            created_source: format!("created by the import of {file_label}"),
            file_label: file_label.to_owned(),
            fuzzy: None,
            report: Resolution::default(),
            guessed: HashMap::new(),
            split: HashMap::new(),
        })
    }

    /// The entity with this key, name or alias as written (case and spacing ignored).
    pub fn find(&mut self, raw: &str) -> Option<EntityId> {
        if let Some(&id) = self.by_raw.get(raw) {
            return Some(id);
        }
        let id = *self.by_name.get(&normalize_name(raw))?;
        self.by_raw.insert(raw.to_owned(), id);
        self.report.exact += 1;
        Some(id)
    }

    /// The live entity a row id stands for.
    pub fn live(&self, id: EntityId) -> EntityId {
        self.canon.of(id)
    }

    /// The entity holding one of `ids`, and the identifier that decided.
    fn find_by_identifier<'i>(&self, ids: &'i [Identifier]) -> Option<(EntityId, &'i Identifier)> {
        ids.iter().find_map(|id| {
            self.by_identifier
                .get(&(id.scheme.as_str().to_owned(), id.value.clone()))
                .map(|&e| (e, id))
        })
    }

    /// An identifier of `ids` whose scheme the entity has with another value.
    fn conflict(&self, entity: EntityId, ids: &[Identifier]) -> Option<String> {
        let have = self.identifiers_of.get(&self.canon.of(entity))?;
        ids.iter().find_map(|id| {
            have.iter()
                .find(|h| h.scheme == id.scheme && h.value != id.value)
                .map(|h| {
                    format!(
                        "{} differs ({} here, {} on the entity)",
                        id.scheme, id.value, h.value
                    )
                })
        })
    }

    /// The entity `raw` (with the row's identifiers `ids`) names, through the tiers; a new
    /// `company` when none. `country` helps the comparison when the row has one.
    pub fn resolve(
        &mut self,
        tx: &Tx<'_>,
        raw: &str,
        ids: &[Identifier],
        field: &str,
    ) -> Result<EntityId, RowFailure> {
        self.resolve_entity(tx, raw, ids, "", field)
    }

    /// [`Resolver::resolve`] for a row that also gives the entity's country (an entities file):
    /// the comparison uses it, and a new entity gets it.
    pub fn resolve_entity(
        &mut self,
        tx: &Tx<'_>,
        raw: &str,
        ids: &[Identifier],
        country: &str,
        field: &str,
    ) -> Result<EntityId, RowFailure> {
        if ids.is_empty()
            && let Some(&id) = self.by_raw.get(raw)
        {
            return Ok(id);
        }
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(row_err(field, "empty: an entity name or key is required").into());
        }
        // 1. Identifier.
        if let Some((found, by)) = self.find_by_identifier(ids) {
            let by = by.to_string();
            let live = self.canon.of(found);
            self.note_name(tx, live, &name, &format!("same identifier {by}"))?;
            self.add_identifiers(tx, live, ids)?;
            self.report.by_identifier.push(self.resolved(
                &name,
                live,
                1.0,
                vec![format!("same identifier {by}")],
            ));
            return Ok(self.remember(raw, ids, found));
        }
        // 2. Exact key, name or alias.
        let exact = self.by_name.get(&normalize_name(&name)).copied();
        if let Some(found) = exact {
            match self.conflict(found, ids) {
                None => {
                    self.report.exact += 1;
                    self.add_identifiers(tx, self.canon.of(found), ids)?;
                    return Ok(self.remember(raw, ids, found));
                }
                Some(why) => {
                    // The same name with another registry number: a namesake, to review.
                    let id = self.create(tx, &name, ids, country)?;
                    let reasons = vec![format!("same name, but {why}")];
                    self.queue_review(tx, id, self.canon.of(found), 0.0, &reasons)?;
                    self.report.to_review.push(self.resolved(
                        &name,
                        self.canon.of(found),
                        0.0,
                        reasons,
                    ));
                    return Ok(self.remember(raw, ids, id));
                }
            }
        }
        // A name that is only a legal form or punctuation ("ООО", "---") names nobody.
        if names::match_key(&name).is_empty() {
            let message = format!(
                "{name:?} is only a legal form or punctuation: there is no name to find or create an entity by"
            );
            return Err(row_err(field, message).into());
        }
        // 3 and 4. Compare with the candidates.
        let (best, second) = self.best_match(tx, &name, ids, country)?;
        if let Some((found, cmp)) = &best
            && Fuzzy::decisive(cmp.score, second)
        {
            let live = self.canon.of(*found);
            self.guessed.insert(normalize_name(&name), live);
            self.note_name(tx, live, &name, &cmp.reasons.join("; "))?;
            self.add_identifiers(tx, live, ids)?;
            self.report
                .strong
                .push(self.resolved(&name, live, cmp.score, cmp.reasons.clone()));
            return Ok(self.remember(raw, ids, live));
        }
        let id = self.create(tx, &name, ids, country)?;
        if let Some((found, cmp)) = best
            && cmp.score >= REVIEW_THRESHOLD
        {
            let mut reasons = cmp.reasons;
            if cmp.score >= AUTO_THRESHOLD {
                reasons.push("another entity scores as high: not taken automatically".into());
            }
            self.queue_review(tx, id, found, cmp.score, &reasons)?;
            self.report
                .to_review
                .push(self.resolved(&name, found, cmp.score, reasons));
        }
        Ok(self.remember(raw, ids, id))
    }

    /// Whether `raw` found its entity by a strong match in this import (a guess, not a fact).
    pub fn was_guess(&self, raw: &str) -> bool {
        // Asked twice a row: most imports guess nothing, and then nothing is normalised.
        !self.guessed.is_empty() && self.guessed.contains_key(&normalize_name(raw))
    }

    /// A row names `raw` and `other` as its two parties, but `raw` was guessed to be `other`:
    /// the row says they are two. `raw` gets an entity of its own (one per spelling), the pair
    /// goes to the review queue, and the summary says so.
    pub fn split_off(
        &mut self,
        tx: &Tx<'_>,
        raw: &str,
        ids: &[Identifier],
        other: EntityId,
    ) -> Result<EntityId, RowFailure> {
        let norm = normalize_name(raw);
        if let Some(&id) = self.split.get(&norm) {
            return Ok(id);
        }
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = self.unique_key(&slug(&name));
        tx.prepare("INSERT INTO entity (key, name, kind, source) VALUES (?1, ?2, 'company', ?3)")?
            .execute(params![key, name, self.created_source])?;
        let id = tx.last_insert_rowid();
        self.keys.insert(key.clone());
        self.names_of.insert(id, name.clone());
        self.keys_of.insert(id, key);
        self.add_identifiers(tx, id, ids)?;
        self.created.push(name.clone());
        let other = self.canon.of(other);
        let reasons =
            vec!["a strong match, but a row ships between the two: kept apart".to_owned()];
        self.queue_review(tx, id, other, AUTO_THRESHOLD, &reasons)?;
        self.report
            .to_review
            .push(self.resolved(&name, other, AUTO_THRESHOLD, reasons));
        self.split.insert(norm, id);
        Ok(id)
    }

    /// The best candidate for `name` and the second-best score.
    #[allow(clippy::type_complexity)]
    fn best_match(
        &mut self,
        tx: &Tx<'_>,
        name: &str,
        ids: &[Identifier],
        country: &str,
    ) -> DbResult<(Option<(EntityId, names::Comparison)>, Option<f64>)> {
        if self.fuzzy.is_none() {
            self.fuzzy = Some(Fuzzy::load(tx, &self.canon)?);
        }
        let fuzzy = self.fuzzy.as_ref().expect("built above");
        let party = Party::new(&[name], ids, country);
        Ok(fuzzy.best(&party, &[name], EntityId::MAX))
    }

    fn resolved(&self, name: &str, entity: EntityId, score: f64, reasons: Vec<String>) -> Resolved {
        Resolved {
            name: name.to_owned(),
            key: self.keys_of.get(&entity).cloned().unwrap_or_default(),
            entity: self.names_of.get(&entity).cloned().unwrap_or_default(),
            score,
            reasons,
        }
    }

    fn remember(&mut self, raw: &str, ids: &[Identifier], id: EntityId) -> EntityId {
        if ids.is_empty() {
            self.by_raw.insert(raw.to_owned(), id);
        }
        id
    }

    /// Keeps a new spelling of a matched entity as its alias, with the file and the reason.
    fn note_name(
        &mut self,
        tx: &Tx<'_>,
        entity: EntityId,
        name: &str,
        reason: &str,
    ) -> DbResult<()> {
        let norm = normalize_name(name);
        if self.by_name.contains_key(&norm) {
            return Ok(());
        }
        tx.prepare(
            "INSERT INTO alias (entity_id, name, source, reason) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
        )?
        .execute(params![entity, name, self.file_label, reason])?;
        self.by_name.insert(norm, entity);
        Ok(())
    }

    /// Records identifiers the entity did not have yet.
    pub fn add_identifiers(
        &mut self,
        tx: &Tx<'_>,
        entity: EntityId,
        ids: &[Identifier],
    ) -> DbResult<()> {
        for id in ids {
            let key = (id.scheme.as_str().to_owned(), id.value.clone());
            if self.by_identifier.contains_key(&key) {
                continue;
            }
            tx.prepare(
                "INSERT INTO identifier (scheme, value, entity_id, source) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?
            .execute(params![key.0, key.1, entity, self.file_label])?;
            self.by_identifier.insert(key, entity);
            self.identifiers_of
                .entry(self.canon.of(entity))
                .or_default()
                .push(id.clone());
        }
        Ok(())
    }

    fn queue_review(
        &mut self,
        tx: &Tx<'_>,
        a: EntityId,
        b: EntityId,
        score: f64,
        reasons: &[String],
    ) -> DbResult<()> {
        if a == b {
            return Ok(());
        }
        let (lo, hi) = if a < b { (a, b) } else { (b, a) };
        tx.prepare(
            "INSERT INTO review (a_id, b_id, score, reasons, source) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (a_id, b_id) DO NOTHING",
        )?
        .execute(params![lo, hi, score, reasons.join("; "), self.file_label])?;
        Ok(())
    }

    /// Creates a `company` named `name` with the identifiers given.
    fn create(
        &mut self,
        tx: &Tx<'_>,
        name: &str,
        ids: &[Identifier],
        country: &str,
    ) -> DbResult<EntityId> {
        let key = self.unique_key(&slug(name));
        tx.prepare(
            "INSERT INTO entity (key, name, kind, country, source) VALUES (?1, ?2, 'company', ?3, ?4)",
        )?
        .execute(params![key, name, country, self.created_source])?;
        let id = tx.last_insert_rowid();
        self.register(&key, name, id);
        self.add_identifiers(tx, id, ids)?;
        self.created.push(name.to_owned());
        Ok(id)
    }

    /// Makes a new entity findable by key and name, and by the fuzzy index if it is built.
    pub fn register(&mut self, key: &str, name: &str, id: EntityId) {
        self.by_name.entry(normalize_name(name)).or_insert(id);
        self.by_name.insert(normalize_name(key), id);
        self.keys.insert(key.to_owned());
        self.names_of.insert(id, name.to_owned());
        self.keys_of.insert(id, key.to_owned());
        if let Some(f) = self.fuzzy.as_mut() {
            f.add(id, &[name], &[], "");
        }
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
