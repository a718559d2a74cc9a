//! The writing side of an import: resolves entities and inserts rows, in the open
//! transaction. Runs on the thread that owns the connection.

use crate::store::db::{DbResult, Engine, Stmt, Tx, Value, params};
use rustc_hash::FxHashMap;

use super::fields::{Field, IdRole, ImportKind};
use super::parse::{Columns, PreparedShipment};
use super::resolver::Resolver;
use super::values::{parse_bool, parse_country, parse_share};
use super::{RowFailure, row_err};
use crate::date::Day;
use crate::model::{EntityKind, normalize_name};
use crate::parts::OTHER;

const INSERT_SHIPMENT: &str =
    "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                      quantity, unit, value_usd, source_ref, source, ref_key, extra)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

const INSERT_SHIPMENT_IF_NEW: &str = "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                      quantity, unit, value_usd, source_ref, source, ref_key, extra)
     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13
     WHERE NOT EXISTS (SELECT 1 FROM shipment WHERE ref_key = ?12 AND source = ?11 AND source_ref = ?10)";

/// PostgreSQL's: the unique index `shipment_dedup` decides (see `pg_schema`).
const INSERT_SHIPMENT_UNLESS_THERE: &str =
    "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                      quantity, unit, value_usd, source_ref, source, ref_key, extra)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
     ON CONFLICT DO NOTHING";

/// Where rows go.
pub(super) struct Sink<'t, 'o> {
    tx: &'t Tx<'t>,
    columns: &'o Columns<'o>,
    pub resolver: Resolver,
    /// When the shipment table was empty at the start: each deduplication key inserted since,
    /// with the row that has it. The key's index is then dropped for the import (rows go in
    /// unindexed, and [`Sink::finish`] builds the index once, sorted, which is cheaper than
    /// a million random insertions into it): a repeated key is checked on the rows by rowid.
    keys_seen: Option<FxHashMap<i64, i64>>,
    /// Further rows with a key already in `keys_seen` (different strings, one hash).
    key_collisions: FxHashMap<i64, Vec<i64>>,
    /// On PostgreSQL: shipment rows, in COPY's text format, waiting to be staged.
    staged: Option<super::super::team::Stage>,
    probe_row: Stmt<'t>,
    insert_shipment: Stmt<'t>,
    insert_shipment_if_new: Stmt<'t>,
}

impl<'t, 'o> Sink<'t, 'o> {
    pub fn new(
        tx: &'t Tx<'t>,
        columns: &'o Columns<'o>,
        file_label: &str,
        rows_hint: usize,
    ) -> DbResult<Sink<'t, 'o>> {
        // On PostgreSQL the deduplication index stays: other people may be importing into the
        // same table, and the database, not this import, keeps each record once.
        let team = tx.engine() == Engine::Postgres;
        let empty_table = columns.options.kind == ImportKind::Shipments
            && !team
            && tx.query_row(
                "SELECT NOT EXISTS (SELECT 1 FROM shipment)",
                params![],
                |r| r.get::<bool>(0),
            )?;
        let keys_seen = empty_table.then(|| {
            let mut set = FxHashMap::default();
            set.reserve(rows_hint);
            set
        });
        if empty_table {
            tx.execute_batch("DROP INDEX IF EXISTS shipment_ref_key")?;
        }
        Ok(Sink {
            tx,
            columns,
            resolver: Resolver::load(tx, file_label)?,
            keys_seen,
            staged: (team && columns.options.kind == ImportKind::Shipments)
                .then(super::super::team::Stage::default),
            key_collisions: FxHashMap::default(),
            probe_row: tx
                .prepare("SELECT source = ?1 AND source_ref = ?2 FROM shipment WHERE id = ?3")?,
            insert_shipment: tx.prepare(INSERT_SHIPMENT)?,
            insert_shipment_if_new: tx.prepare(if team {
                INSERT_SHIPMENT_UNLESS_THERE
            } else {
                INSERT_SHIPMENT_IF_NEW
            })?,
        })
    }

    /// Writes one row; returns whether it added a record (false: it was already there).
    /// `shipment` holds the parsed fields of a shipment row (unused for other kinds).
    pub fn row(
        &mut self,
        r: &csv::StringRecord,
        shipment: &PreparedShipment,
    ) -> Result<bool, RowFailure> {
        match self.columns.options.kind {
            ImportKind::Shipments => self.shipment(r, shipment),
            ImportKind::Entities => self.entity(r),
            ImportKind::Ownership => self.ownership(r),
            ImportKind::Sanctions => self.sanction(r),
        }
    }

    fn shipment(
        &mut self,
        r: &csv::StringRecord,
        p: &PreparedShipment,
    ) -> Result<bool, RowFailure> {
        let c = self.columns;
        let shipper_raw = c.get(r, Field::Shipper);
        let consignee_raw = c.get(r, Field::Consignee);
        let shipper_ids = c.identifiers(r, IdRole::Shipper)?;
        let consignee_ids = c.identifiers(r, IdRole::Consignee)?;
        if let Some(same) = shipper_ids.iter().find(|id| consignee_ids.contains(id)) {
            let message = format!("{same} is also the shipper's: a shipment needs two parties");
            return Err(row_err(Field::Consignee.name(), message).into());
        }
        // Check before creating entities, so a rejected row creates none.
        let shipper_found = self.resolver.find(shipper_raw);
        let consignee_found = self.resolver.find(consignee_raw);
        let shipper_known = shipper_found.map(|id| self.resolver.live(id));
        let consignee_known = consignee_found.map(|id| self.resolver.live(id));
        let guessed =
            self.resolver.was_guess(shipper_raw) || self.resolver.was_guess(consignee_raw);
        if shipper_known.is_some() && shipper_known == consignee_known && !guessed
            || shipper_known.is_none()
                && consignee_known.is_none()
                && normalize_name(shipper_raw) == normalize_name(consignee_raw)
        {
            let message =
                format!("{consignee_raw:?} is also the shipper: a shipment needs two parties");
            return Err(row_err(Field::Consignee.name(), message).into());
        }
        // A name found as written and no identifier to add: `resolve` would find the same.
        let shipper = match shipper_found {
            Some(id) if shipper_ids.is_empty() => id,
            _ => {
                self.resolver
                    .resolve(self.tx, shipper_raw, &shipper_ids, Field::Shipper.name())?
            }
        };
        let consignee = match consignee_found {
            Some(id) if consignee_ids.is_empty() && consignee_raw != shipper_raw => id,
            _ => self.resolver.resolve(
                self.tx,
                consignee_raw,
                &consignee_ids,
                Field::Consignee.name(),
            )?,
        };
        let (mut shipper, mut consignee) = (shipper, consignee);
        if self.resolver.live(shipper) == self.resolver.live(consignee) {
            // Two spellings taken for one entity by a guess; the row says they are two.
            if self.resolver.was_guess(consignee_raw) {
                consignee =
                    self.resolver
                        .split_off(self.tx, consignee_raw, &consignee_ids, shipper)?;
            } else if self.resolver.was_guess(shipper_raw) {
                shipper = self
                    .resolver
                    .split_off(self.tx, shipper_raw, &shipper_ids, consignee)?;
            } else {
                let message = format!(
                    "{consignee_raw:?} is the same entity as the shipper {shipper_raw:?}: a shipment needs two parties"
                );
                return Err(row_err(Field::Consignee.name(), message).into());
            }
        }
        // When the table started empty, every key in it was inserted by this import and is in
        // `keys_seen`: a new key needs no probe. A repeated key (a duplicate, or rarely a hash
        // collision) is checked exactly, on the strings of the rows that have it.
        let source = c.source(r);
        let source_ref = p
            .synthesised_ref
            .as_deref()
            .unwrap_or_else(|| c.get(r, Field::SourceRef));
        if let Some(seen) = &self.keys_seen
            && let Some(&first) = seen.get(&p.ref_key)
        {
            let more = self.key_collisions.get(&p.ref_key).into_iter().flatten();
            for &row in std::iter::once(&first).chain(more) {
                let same: bool = self
                    .probe_row
                    .query_row(params![source, source_ref, row], |r| r.get(0))?;
                if same {
                    return Ok(false);
                }
            }
        }
        if let Some(stage) = self.staged.as_mut() {
            // Counted as added; `finish` takes back the ones the table already held.
            stage.push(
                self.tx,
                &[
                    Value::Text(&p.date_iso),
                    Value::Integer(shipper),
                    Value::Integer(consignee),
                    Value::Text(if p.part.is_empty() { OTHER } else { &p.part }),
                    Value::Text(c.get(r, Field::Description)),
                    Value::Text(c.get(r, Field::HsCode)),
                    p.quantity.map_or(Value::Null, Value::Real),
                    Value::Text(c.get(r, Field::Unit)),
                    p.value_usd.map_or(Value::Null, Value::Real),
                    Value::Text(source_ref),
                    Value::Text(source),
                    Value::Integer(p.ref_key),
                    Value::Text(&c.extra(r)),
                ],
            )?;
            return Ok(true);
        }
        let stmt = if self.keys_seen.is_some() {
            &mut self.insert_shipment
        } else {
            &mut self.insert_shipment_if_new
        };
        let added = stmt.execute(params![
            p.date_iso,
            shipper,
            consignee,
            if p.part.is_empty() { OTHER } else { &*p.part },
            c.get(r, Field::Description),
            c.get(r, Field::HsCode),
            p.quantity,
            c.get(r, Field::Unit),
            p.value_usd,
            source_ref,
            source,
            p.ref_key,
            c.extra(r),
        ])?;
        if let Some(seen) = self.keys_seen.as_mut() {
            let row = self.tx.last_insert_rowid();
            if let Some(&first) = seen.get(&p.ref_key) {
                debug_assert_ne!(first, row);
                self.key_collisions.entry(p.ref_key).or_default().push(row);
            } else {
                seen.insert(p.ref_key, row);
            }
        }
        Ok(added > 0)
    }

    /// Builds the deduplication index again if this import dropped it (before the commit: a
    /// rolled-back import gives it back with everything else).
    /// Returns how many rows counted as added were already there (PostgreSQL's staged rows).
    pub fn finish(&mut self) -> DbResult<u64> {
        if let Some(stage) = self.staged.as_mut() {
            return stage.finish(self.tx);
        }
        if self.keys_seen.is_some() {
            self.tx
                .execute_batch(crate::store::schema::SHIPMENT_INDEXES)?;
        }
        Ok(0)
    }

    fn entity(&mut self, r: &csv::StringRecord) -> Result<bool, RowFailure> {
        let name = self
            .columns
            .get(r, Field::Name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            return Err(row_err(Field::Name.name(), "empty: an entity needs a name").into());
        }
        let kind_text = self.columns.get(r, Field::Kind);
        let kind = EntityKind::parse(kind_text).ok_or_else(|| {
            row_err(
                Field::Kind.name(),
                format!("{kind_text:?} is not one of state_owner, subsidiary, plant, company"),
            )
        })?;
        let country = parse_country(self.columns.get(r, Field::Country))
            .map_err(|m| row_err(Field::Country.name(), m))?;
        let state_owned = parse_bool(self.columns.get(r, Field::StateOwned))
            .map_err(|m| row_err(Field::StateOwned.name(), m))?;
        let aliases: Vec<&str> = self
            .columns
            .get(r, Field::Aliases)
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .collect();
        let source = self.columns.source(r).to_owned();
        let ids = self.columns.identifiers(r, IdRole::Entity)?;
        let extra = self.columns.extra(r);
        let given_key = self.columns.get(r, Field::Key);
        // A row with a key is that entity; without one, the name (or an identifier) finds it.
        let existing = if given_key.is_empty() {
            self.resolver.find(&name)
        } else {
            self.resolver
                .keys
                .contains(given_key)
                .then(|| self.resolver.find(given_key))
                .flatten()
        };
        let (id, added) = match existing {
            Some(id) => {
                self.tx
                    .prepare(
                        "UPDATE entity SET name = ?2, kind = ?3, country = ?4, state_owned = ?5, source = ?6,
                         extra = CASE WHEN ?7 = '' THEN extra ELSE ?7 END WHERE id = ?1",
                    )?
                    .execute(params![id, name, kind.as_str(), country, state_owned, source, extra])?;
                self.resolver.add_identifiers(self.tx, id, &ids)?;
                (id, false)
            }
            None if given_key.is_empty() => {
                // No key: the tiers decide (identifier, exact name, strong match), and an
                // entity found so keeps its name, gaining this one as an alias.
                let before = self.resolver.created.len();
                let id = self.resolver.resolve_entity(
                    self.tx,
                    &name,
                    &ids,
                    &country,
                    Field::Name.name(),
                )?;
                let added = self.resolver.created.len() > before;
                let live = self.resolver.live(id);
                self.tx
                    .prepare(
                        "UPDATE entity SET kind = CASE WHEN ?5 THEN ?2 ELSE kind END,
                         country = CASE WHEN country = '' THEN ?3 ELSE country END,
                         state_owned = max(state_owned, ?4),
                         source = CASE WHEN ?5 THEN ?6 ELSE source END,
                         extra = CASE WHEN ?7 = '' THEN extra ELSE ?7 END WHERE id = ?1",
                    )?
                    .execute(params![
                        live,
                        kind.as_str(),
                        country,
                        state_owned,
                        added,
                        source,
                        extra
                    ])?;
                (live, added)
            }
            None => {
                let key = given_key.to_owned();
                self.tx
                    .prepare(
                        "INSERT INTO entity (key, name, kind, country, state_owned, source, extra) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    )?
                    .execute(params![key, name, kind.as_str(), country, state_owned, source, extra])?;
                let id = self.tx.last_insert_rowid();
                self.resolver.register(&key, &name, id);
                self.resolver.add_identifiers(self.tx, id, &ids)?;
                (id, true)
            }
        };
        let mut stmt = self.tx.prepare(
            "INSERT INTO alias (entity_id, name, source) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        )?;
        for alias in aliases {
            stmt.execute(params![id, alias, source])?;
            self.resolver
                .by_name
                .entry(normalize_name(alias))
                .or_insert(id);
        }
        Ok(added)
    }

    fn ownership(&mut self, r: &csv::StringRecord) -> Result<bool, RowFailure> {
        let parent_raw = self.columns.get(r, Field::Parent);
        let child_raw = self.columns.get(r, Field::Child);
        for (raw, field) in [(parent_raw, Field::Parent), (child_raw, Field::Child)] {
            if raw.is_empty() {
                return Err(row_err(field.name(), "empty: a name or key is required").into());
            }
        }
        let share = parse_share(self.columns.get(r, Field::SharePct))
            .map_err(|m| row_err(Field::SharePct.name(), m))?;
        let start = self.columns.date(r, Field::StartDate, false)?;
        let end = self.columns.date(r, Field::EndDate, false)?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(row_err(Field::EndDate.name(), "ends before it starts").into());
        }
        let (p, c) = (
            self.resolver.find(parent_raw),
            self.resolver.find(child_raw),
        );
        if p.is_some() && p == c || normalize_name(parent_raw) == normalize_name(child_raw) {
            return Err(row_err(Field::Child.name(), "an entity cannot own itself").into());
        }
        let parent = self
            .resolver
            .resolve(self.tx, parent_raw, &[], Field::Parent.name())?;
        let child = self
            .resolver
            .resolve(self.tx, child_raw, &[], Field::Child.name())?;
        if self.resolver.live(parent) == self.resolver.live(child) {
            return Err(row_err(Field::Child.name(), "an entity cannot own itself").into());
        }
        let added = self
            .tx
            .prepare(
                "INSERT INTO ownership (parent_id, child_id, share_pct, start_date, end_date, source, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (parent_id, child_id) DO NOTHING",
            )?
            .execute(params![parent, child, share, start.map(Day::iso), end.map(Day::iso), self.columns.source(r), self.columns.extra(r)])?;
        Ok(added > 0)
    }

    fn sanction(&mut self, r: &csv::StringRecord) -> Result<bool, RowFailure> {
        let entity_raw = self.columns.get(r, Field::Entity);
        if entity_raw.is_empty() {
            return Err(row_err(Field::Entity.name(), "empty: a name or key is required").into());
        }
        let authority = self.columns.get(r, Field::Authority);
        if authority.is_empty() {
            return Err(row_err(
                Field::Authority.name(),
                "empty: who listed the entity (OFAC, EU, UK, …)?",
            )
            .into());
        }
        let listed = self
            .columns
            .date(r, Field::ListedOn, true)?
            .unwrap_or_default();
        let delisted = self.columns.date(r, Field::DelistedOn, false)?;
        if delisted.is_some_and(|d| d < listed) {
            return Err(row_err(Field::DelistedOn.name(), "delisted before it was listed").into());
        }
        let entity = self
            .resolver
            .resolve(self.tx, entity_raw, &[], Field::Entity.name())?;
        let added = self
            .tx
            .prepare(
                "INSERT INTO sanction (entity_id, authority, program, listed_on, delisted_on, reason, source, extra)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (entity_id, authority, program, listed_on) DO NOTHING",
            )?
            .execute(params![
                entity,
                authority,
                self.columns.get(r, Field::Program),
                listed.iso(),
                delisted.map(Day::iso),
                self.columns.get(r, Field::Reason),
                self.columns.source(r),
                self.columns.extra(r),
            ])?;
        Ok(added > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ImportKind, ImportOptions};
    use crate::store::Store;

    fn shipments(rows: &[(&str, &str)]) -> String {
        let mut csv = String::from("date,shipper,consignee,part_type,source_ref\n");
        for (i, (shipper, reference)) in rows.iter().enumerate() {
            csv.push_str(&format!(
                "2024-01-{:02},{shipper},Buyer Plant,bearing,{reference}\n",
                i % 28 + 1
            ));
        }
        csv
    }

    fn index_count(store: &Store) -> i64 {
        store
            .conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = 'shipment_ref_key'",
                crate::store::db::params![],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn an_import_into_an_empty_table_finds_repeats_and_leaves_the_index() {
        let mut store = Store::in_memory().unwrap();
        let options = ImportOptions::new(ImportKind::Shipments);
        let first = shipments(&[("Seller A", "R1"), ("Seller B", "R2"), ("Seller A", "R1")]);
        let s = store
            .import_reader("a.csv".as_ref(), first.as_bytes(), 0, &options, None)
            .unwrap();
        assert_eq!((s.imported, s.duplicates), (2, 1));
        assert_eq!(index_count(&store), 1);
        // Not empty any more: the repeats are found through the index.
        let again = shipments(&[("Seller A", "R1"), ("Seller C", "R3")]);
        let s = store
            .import_reader("a.csv".as_ref(), again.as_bytes(), 0, &options, None)
            .unwrap();
        assert_eq!((s.imported, s.duplicates), (1, 1));
        assert_eq!(index_count(&store), 1);
    }

    #[test]
    fn a_failed_import_into_an_empty_table_keeps_the_index() {
        let mut store = Store::in_memory().unwrap();
        let options = ImportOptions::new(ImportKind::Shipments);
        let bad = "date,shipper,consignee,part_type,source_ref\n2024-01-01,A,B,bearing,R1\nnot a date,A,B,bearing,R2\n";
        assert!(
            store
                .import_reader("b.csv".as_ref(), bad.as_bytes(), 0, &options, None)
                .is_err()
        );
        assert_eq!(index_count(&store), 1);
    }
}
