//! Reading a whole database into plain data for the in-memory index.

use std::collections::HashMap;

use crate::store::db::params;

use super::{Store, StoreError};
use crate::date::Day;
use crate::model::{Entity, EntityId, EntityKind, Ownership, Sanction};

/// Everything the index and the panels need, as plain data. Shipments are columns, in row-id
/// order, so a million of them cost about 30 bytes each.
#[derive(Clone, Debug, Default)]
pub struct Dataset {
    /// Sorted by id.
    pub entities: Vec<Entity>,
    pub ownership: Vec<Ownership>,
    pub sanctions: Vec<Sanction>,
    pub shipments: ShipmentColumns,
    /// Entities merged into others: their keys still name an entity (sessions keyed by a
    /// merged entity open), and their names are aliases of the entity they became.
    pub merged: Vec<MergedEntity>,
    /// Shipments whose two parties became one entity through a merge: not drawn, counted.
    pub internal_after_merge: u64,
}

/// An entity merged into another: its key, its own name, and the live entity it became.
#[derive(Clone, Debug, PartialEq)]
pub struct MergedEntity {
    pub id: EntityId,
    pub key: String,
    pub name: String,
    /// The live entity at the end of the chain of merges.
    pub into: EntityId,
}

/// Row id → the live entity it stands for, following `merged_into` chains.
#[derive(Clone, Debug, Default)]
pub struct Canon {
    into: HashMap<EntityId, EntityId>,
}

impl Canon {
    pub fn of(&self, id: EntityId) -> EntityId {
        self.into.get(&id).copied().unwrap_or(id)
    }

    pub fn is_empty(&self) -> bool {
        self.into.is_empty()
    }

    /// The map of a database (or an open transaction) as it is now.
    pub(crate) fn read(conn: &crate::store::db::Conn) -> crate::store::db::DbResult<Canon> {
        let mut stmt =
            conn.prepare("SELECT id, merged_into FROM entity WHERE merged_into IS NOT NULL")?;
        let pointers = stmt
            .query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<crate::store::db::DbResult<HashMap<EntityId, EntityId>>>()?;
        Ok(Canon::from_pointers(&pointers))
    }

    /// Builds the map from `(id, merged_into)` rows. A chain longer than the table, which only
    /// a database edited by hand can hold (a cycle), stops where it repeats.
    pub fn from_pointers(pointers: &HashMap<EntityId, EntityId>) -> Canon {
        let mut into = HashMap::with_capacity(pointers.len());
        for &start in pointers.keys() {
            let mut at = start;
            let mut steps = 0;
            while let Some(&next) = pointers.get(&at) {
                at = next;
                steps += 1;
                if steps > pointers.len() {
                    break;
                }
            }
            into.insert(start, at);
        }
        Canon { into }
    }
}

/// Shipments as parallel columns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ShipmentColumns {
    pub id: Vec<i64>,
    pub day: Vec<Day>,
    pub shipper: Vec<EntityId>,
    pub consignee: Vec<EntityId>,
    /// Index into `part_names`.
    pub part: Vec<u16>,
    /// 0 where the record has no declared value.
    pub value_usd: Vec<f64>,
    /// Distinct part types, sorted by name.
    pub part_names: Vec<String>,
    /// Index into `source_names`: where the record came from (pictures credit it).
    pub source: Vec<u32>,
    /// Distinct `source` texts, in first-seen order.
    pub source_names: Vec<String>,
}

impl ShipmentColumns {
    pub fn len(&self) -> usize {
        self.id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.id.is_empty()
    }
}

impl Store {
    /// Reads entities (with aliases), ownership, sanctions and the shipment columns.
    pub fn load_dataset(&self) -> Result<Dataset, StoreError> {
        let e = |err: crate::store::db::DbError| self.err(err);
        let mut entities = Vec::new();
        let mut pointers = HashMap::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT id, key, name, kind, country, state_owned, source, merged_into FROM entity ORDER BY id")
                .map_err(e)?;
            let mut rows = stmt.query(params![]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let kind: String = r.get(3).map_err(e)?;
                if let Some(into) = r.get::<Option<EntityId>>(7).map_err(e)? {
                    pointers.insert(r.get(0).map_err(e)?, into);
                }
                entities.push(Entity {
                    id: r.get(0).map_err(e)?,
                    key: r.get(1).map_err(e)?,
                    name: r.get(2).map_err(e)?,
                    kind: EntityKind::parse(&kind).unwrap_or(EntityKind::Company),
                    country: r.get(4).map_err(e)?,
                    state_owned: r.get(5).map_err(e)?,
                    aliases: Vec::new(),
                    source: r.get(6).map_err(e)?,
                });
            }
        }
        let canon = Canon::from_pointers(&pointers);
        {
            let position: HashMap<EntityId, usize> = entities
                .iter()
                .enumerate()
                .map(|(i, x)| (x.id, i))
                .collect();
            let mut stmt = self
                .conn
                .prepare("SELECT entity_id, name FROM alias ORDER BY entity_id, rowid")
                .map_err(e)?;
            let mut rows = stmt.query(params![]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let id: EntityId = r.get(0).map_err(e)?;
                if let Some(&i) = position.get(&id) {
                    entities[i].aliases.push(r.get(1).map_err(e)?);
                }
            }
        }
        let (entities, merged) = fold_merged(entities, &canon);
        let mut ownership = Vec::new();
        let mut seen = std::collections::HashSet::new();
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT parent_id, child_id, share_pct, start_date, end_date, source
                     FROM ownership ORDER BY parent_id, child_id",
                )
                .map_err(e)?;
            let mut rows = stmt.query(params![]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let parent = canon.of(r.get(0).map_err(e)?);
                let child = canon.of(r.get(1).map_err(e)?);
                // A merge can turn a link into a loop or a repeat: neither is drawn.
                if parent == child || !canon.is_empty() && !seen.insert((parent, child)) {
                    continue;
                }
                ownership.push(Ownership {
                    parent,
                    child,
                    share_pct: r.get(2).map_err(e)?,
                    start: opt_day(r.get(3).map_err(e)?),
                    end: opt_day(r.get(4).map_err(e)?),
                    source: r.get(5).map_err(e)?,
                });
            }
        }
        let mut sanctions = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare(
                    "SELECT entity_id, authority, program, listed_on, delisted_on, reason, source
                     FROM sanction ORDER BY entity_id, listed_on, authority, program",
                )
                .map_err(e)?;
            let mut rows = stmt.query(params![]).map_err(e)?;
            while let Some(r) = rows.next().map_err(e)? {
                let listed: String = r.get(3).map_err(e)?;
                let Some(listed_on) = Day::parse_iso(&listed) else {
                    continue;
                };
                sanctions.push(Sanction {
                    entity: canon.of(r.get(0).map_err(e)?),
                    authority: r.get(1).map_err(e)?,
                    program: r.get(2).map_err(e)?,
                    listed_on,
                    delisted_on: opt_day(r.get(4).map_err(e)?),
                    reason: r.get(5).map_err(e)?,
                    source: r.get(6).map_err(e)?,
                });
            }
        }
        let (shipments, internal_after_merge) = self.load_shipment_columns(&canon)?;
        Ok(Dataset {
            entities,
            ownership,
            sanctions,
            shipments,
            merged,
            internal_after_merge,
        })
    }

    /// The row id → live entity map of the database as it is now.
    pub fn canon(&self) -> Result<Canon, StoreError> {
        Canon::read(&self.conn).map_err(|e| self.err(e))
    }

    fn load_shipment_columns(&self, canon: &Canon) -> Result<(ShipmentColumns, u64), StoreError> {
        let e = |err: crate::store::db::DbError| self.err(err);
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM shipment", params![], |r| r.get(0))
            .map_err(e)?;
        let mut build = ColumnBuilder::new(canon, usize::try_from(n).unwrap_or(0));
        if let Some(pg) = self.conn.postgres() {
            super::team::copy_shipments(pg, &mut build).map_err(e)?;
            return Ok(build.finish());
        }
        if n >= PARALLEL_LOAD_ROWS
            && let Some(build) = self.load_in_two(canon, n)?
        {
            return Ok(build.finish());
        }
        if let Some(conn) = self.conn.sqlite() {
            read_shipments(conn, i64::MIN, i64::MAX, &mut build).map_err(e)?;
        }
        Ok(build.finish())
    }

    /// Reads the shipment table in two halves by id, the upper half on a second connection
    /// and thread; `None` when a second connection cannot be had (an in-memory database).
    ///
    /// The two connections may read at different moments, and still read one state of the
    /// table, because shipment rows are only ever appended (never updated or deleted;
    /// `tests/architecture.rs` checks that no statement does either) and a new row's id is
    /// above every committed one: the lower half, ids up to `mid`, is the same in every state
    /// since `mid` was chosen, so the two halves together are the table as the upper half's
    /// connection saw it.
    fn load_in_two<'c>(
        &self,
        canon: &'c Canon,
        n: i64,
    ) -> Result<Option<ColumnBuilder<'c>>, StoreError> {
        let e = |err: crate::store::db::DbError| self.err(err);
        let Some(first) = self.conn.sqlite() else {
            return Ok(None);
        };
        if self.path.as_os_str() == ":memory:" {
            return Ok(None);
        }
        let Ok(second) = super::connect(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        else {
            return Ok(None);
        };
        // Two subqueries, each a seek to one end of the table: `min(id), max(id)` in one
        // SELECT would scan all of it.
        let (min, max): (i64, i64) = self
            .conn
            .query_row(
                "SELECT (SELECT min(id) FROM shipment), (SELECT max(id) FROM shipment)",
                params![],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(e)?;
        let mid = ((i128::from(min) + i128::from(max)) / 2) as i64;
        let half = usize::try_from(n / 2 + 1).unwrap_or(0);
        let mut lower = ColumnBuilder::new(canon, half);
        let mut upper = ColumnBuilder::new(canon, half);
        let (low, high) = std::thread::scope(|scope| {
            let upper = &mut upper;
            let high = scope.spawn(move || read_shipments(&second, mid + 1, i64::MAX, upper));
            let low = read_shipments(first, i64::MIN, mid, &mut lower);
            (low, high.join())
        });
        low.map_err(e)?;
        match high {
            Ok(result) => result.map_err(e)?,
            Err(_) => return Ok(None),
        }
        lower.append(upper);
        Ok(Some(lower))
    }
}

/// From this many shipments on, the table is read on two connections at once.
const PARALLEL_LOAD_ROWS: i64 = 1_000_000;

/// The shipment columns Lading loads, for the rows with ids in `?1..=?2`.
const SHIPMENT_ROWS: &str =
    "SELECT id, date, shipper_id, consignee_id, part_type, value_usd, source
     FROM shipment WHERE id BETWEEN ?1 AND ?2 ORDER BY id";

/// Reads the shipments with ids in `lo..=hi`, in id order, into `build`.
///
/// Ten million rows go through here, so it reads rusqlite's rows directly rather than
/// through [`crate::store::db::Row`]: text columns arrive as bytes, a date is parsed from
/// them, and a part type or source is compared as bytes with the ones already seen (only a
/// new one is checked to be UTF-8).
fn read_shipments(
    conn: &rusqlite::Connection,
    lo: i64,
    hi: i64,
    build: &mut ColumnBuilder<'_>,
) -> crate::store::db::DbResult<()> {
    use crate::store::db::DbError;
    use rusqlite::types::ValueRef as V;
    let mut stmt = conn.prepare_cached(SHIPMENT_ROWS)?;
    let mut rows = stmt.query(rusqlite::params![lo, hi])?;
    let wrong = |column: usize, expected: &str, found: V<'_>| DbError::Type {
        column,
        message: format!("expected {expected}, found {:?}", found.data_type()),
    };
    while let Some(r) = rows.next()? {
        let int = |i: usize| match r.get_ref(i)? {
            V::Integer(v) => Ok(v),
            other => Err(wrong(i, "an integer", other)),
        };
        let text = |i: usize| match r.get_ref(i) {
            Ok(V::Text(t)) => Ok(Some(t)),
            Ok(_) => Ok(None),
            Err(e) => Err(DbError::from(e)),
        };
        let value = match r.get_ref(5)? {
            V::Null => None,
            V::Real(v) => Some(v),
            V::Integer(v) => Some(v as f64),
            other => return Err(wrong(5, "a number", other)),
        };
        let row = RawRow {
            id: int(0)?,
            date: text(1)?.unwrap_or(b""),
            shipper: int(2)?,
            consignee: int(3)?,
            part: text(4)?.unwrap_or(b"other"),
            value,
            source: text(6)?.unwrap_or(b""),
        };
        build.push_raw(&row).map_err(|field| DbError::Type {
            column: field.column(),
            message: format!("shipment {}: {} is not UTF-8 text", row.id, field.name()),
        })?;
    }
    Ok(())
}

/// One shipment row as the database holds it: text as bytes, not yet checked.
pub(crate) struct RawRow<'a> {
    pub id: i64,
    pub date: &'a [u8],
    pub shipper: EntityId,
    pub consignee: EntityId,
    pub part: &'a [u8],
    pub value: Option<f64>,
    pub source: &'a [u8],
}

/// A text field of a [`RawRow`] that is not UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadText {
    Date,
    Part,
    Source,
}

impl BadText {
    /// The field's column in [`SHIPMENT_ROWS`].
    fn column(self) -> usize {
        match self {
            BadText::Date => 1,
            BadText::Part => 4,
            BadText::Source => 6,
        }
    }

    /// The field's column name.
    fn name(self) -> &'static str {
        match self {
            BadText::Date => "date",
            BadText::Part => "part_type",
            BadText::Source => "source",
        }
    }
}

/// Builds [`ShipmentColumns`] row by row, whichever engine the rows come from.
pub(crate) struct ColumnBuilder<'c> {
    canon: &'c Canon,
    cols: ShipmentColumns,
    source_ids: rustc_hash::FxHashMap<Vec<u8>, u32>,
    part_ids: rustc_hash::FxHashMap<Vec<u8>, u16>,
    part_names: Vec<String>,
    last_part: Option<u16>,
    last_source: Option<u32>,
    internal: u64,
}

impl<'c> ColumnBuilder<'c> {
    fn new(canon: &'c Canon, n: usize) -> ColumnBuilder<'c> {
        let mut cols = ShipmentColumns::default();
        cols.id.reserve(n);
        cols.day.reserve(n);
        cols.shipper.reserve(n);
        cols.consignee.reserve(n);
        cols.part.reserve(n);
        cols.value_usd.reserve(n);
        cols.source.reserve(n);
        ColumnBuilder {
            canon,
            cols,
            source_ids: Default::default(),
            part_ids: Default::default(),
            part_names: Vec::new(),
            last_part: None,
            last_source: None,
            internal: 0,
        }
    }

    /// One shipment row, in id order.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        id: i64,
        date: &str,
        shipper: EntityId,
        consignee: EntityId,
        part: &str,
        value: Option<f64>,
        source: &str,
    ) {
        let row = RawRow {
            id,
            date: date.as_bytes(),
            shipper,
            consignee,
            part: part.as_bytes(),
            value,
            source: source.as_bytes(),
        };
        // Text that came as `str` is UTF-8.
        let _ = self.push_raw(&row);
    }

    /// One shipment row, in id order, its text as the database holds it; a text that is not
    /// UTF-8 is refused (nothing of the row is kept).
    pub(crate) fn push_raw(&mut self, row: &RawRow<'_>) -> Result<(), BadText> {
        // Rows with a date Lading did not write are skipped rather than guessed at.
        let Some(day) = Day::parse_iso_bytes(row.date).map_err(|_| BadText::Date)? else {
            return Ok(());
        };
        let part_id = self.part_id(row.part)?;
        let (shipper, consignee) = (self.canon.of(row.shipper), self.canon.of(row.consignee));
        if shipper == consignee {
            self.internal += 1;
            return Ok(());
        }
        let source_id = self.source_id(row.source)?;
        let cols = &mut self.cols;
        cols.id.push(row.id);
        cols.day.push(day);
        cols.shipper.push(shipper);
        cols.consignee.push(consignee);
        cols.part.push(part_id);
        cols.value_usd.push(row.value.unwrap_or(0.0));
        cols.source.push(source_id);
        Ok(())
    }

    /// The number of a part type (rows repeat theirs: the last one is compared before
    /// hashing).
    fn part_id(&mut self, part: &[u8]) -> Result<u16, BadText> {
        if let Some(id) = self.last_part
            && self.part_names[id as usize].as_bytes() == part
        {
            return Ok(id);
        }
        let id = match self.part_ids.get(part) {
            Some(&id) => id,
            None => {
                let name = std::str::from_utf8(part).map_err(|_| BadText::Part)?;
                let id = u16::try_from(self.part_names.len()).unwrap_or(u16::MAX);
                self.part_names.push(name.to_owned());
                self.part_ids.insert(part.to_vec(), id);
                id
            }
        };
        self.last_part = Some(id);
        Ok(id)
    }

    /// The number of a source text, as [`ColumnBuilder::part_id`].
    fn source_id(&mut self, source: &[u8]) -> Result<u32, BadText> {
        let names = &mut self.cols.source_names;
        if let Some(id) = self.last_source
            && names[id as usize].as_bytes() == source
        {
            return Ok(id);
        }
        let id = match self.source_ids.get(source) {
            Some(&id) => id,
            None => {
                let name = std::str::from_utf8(source).map_err(|_| BadText::Source)?;
                let id = names.len() as u32;
                names.push(name.to_owned());
                self.source_ids.insert(source.to_vec(), id);
                id
            }
        };
        self.last_source = Some(id);
        Ok(id)
    }

    /// Adds the rows `other` read after this one's, re-numbering its part types and sources.
    fn append(&mut self, other: ColumnBuilder<'_>) {
        // Names that are `String`s are UTF-8: the lookups cannot fail.
        let part_map: Vec<u16> = other
            .part_names
            .iter()
            .map(|name| self.part_id(name.as_bytes()).unwrap_or(0))
            .collect();
        let source_map: Vec<u32> = other
            .cols
            .source_names
            .iter()
            .map(|name| self.source_id(name.as_bytes()).unwrap_or(0))
            .collect();
        let (cols, theirs) = (&mut self.cols, other.cols);
        cols.id.extend(theirs.id);
        cols.day.extend(theirs.day);
        cols.shipper.extend(theirs.shipper);
        cols.consignee.extend(theirs.consignee);
        cols.part
            .extend(theirs.part.iter().map(|&p| part_map[p as usize]));
        cols.value_usd.extend(theirs.value_usd);
        cols.source
            .extend(theirs.source.iter().map(|&s| source_map[s as usize]));
        self.internal += other.internal;
    }

    fn finish(self) -> (ShipmentColumns, u64) {
        let (mut cols, names) = (self.cols, self.part_names);
        // Sort the part table by name so ids do not depend on row order.
        let mut order: Vec<u16> = (0..names.len() as u16).collect();
        order.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut remap = vec![0u16; names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u16;
        }
        for p in &mut cols.part {
            *p = remap[*p as usize];
        }
        cols.part_names = order.iter().map(|&i| names[i as usize].clone()).collect();
        (cols, self.internal)
    }
}

/// Splits merged entities off the live ones; a merged entity's name and aliases become
/// aliases of the entity it became (once each, in id order).
fn fold_merged(entities: Vec<Entity>, canon: &Canon) -> (Vec<Entity>, Vec<MergedEntity>) {
    if canon.is_empty() {
        return (entities, Vec::new());
    }
    let (mut live, gone): (Vec<Entity>, Vec<Entity>) =
        entities.into_iter().partition(|x| canon.of(x.id) == x.id);
    let position: HashMap<EntityId, usize> =
        live.iter().enumerate().map(|(i, x)| (x.id, i)).collect();
    let mut merged = Vec::with_capacity(gone.len());
    for old in gone {
        let into = canon.of(old.id);
        if let Some(&i) = position.get(&into) {
            let target = &mut live[i];
            for name in std::iter::once(&old.name).chain(&old.aliases) {
                if *name != target.name && !target.aliases.contains(name) {
                    target.aliases.push(name.clone());
                }
            }
        }
        merged.push(MergedEntity {
            id: old.id,
            key: old.key,
            name: old.name,
            into,
        });
    }
    (live, merged)
}

fn opt_day(text: Option<String>) -> Option<Day> {
    text.as_deref().and_then(Day::parse_iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_halves_read_what_one_connection_reads() {
        let dir = std::env::temp_dir().join(format!(
            "lading-load-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("halves.db");
        let mut data = crate::generate::generate(&crate::generate::GenerateOptions {
            entities: 400,
            shipments: 3_000,
            ..Default::default()
        });
        // Sources first seen in a different order in each half, and one only in the upper.
        for (k, s) in data.shipments.iter_mut().enumerate() {
            s.source = match (k < 1_500, k % 3) {
                (true, 0) => "b",
                (true, 1) => "a",
                (true, _) => "synthetic",
                (false, 0) => "c",
                (false, _) => "a",
            }
            .into();
        }
        let mut store = Store::open_or_create(&path).unwrap();
        store.insert_generated(&data).unwrap();
        let canon = store.canon().unwrap();

        let mut one = ColumnBuilder::new(&canon, 0);
        read_shipments(store.conn.sqlite().unwrap(), i64::MIN, i64::MAX, &mut one).unwrap();
        let two = store.load_in_two(&canon, 3_000).unwrap().unwrap();
        let (one, two) = (one.finish(), two.finish());
        assert_eq!(one.0.len(), 3_000);
        assert_eq!(one, two);
        let sources = &two.0.source_names;
        assert_eq!(sources, &["b", "a", "synthetic", "c"]);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn raw_text_is_read_as_the_checked_text_was() {
        let dir = std::env::temp_dir().join(format!(
            "lading-load-raw-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("raw.db");
        let data = crate::generate::generate(&crate::generate::GenerateOptions {
            entities: 50,
            shipments: 10,
            ..Default::default()
        });
        let mut store = Store::open_or_create(&path).unwrap();
        store.insert_generated(&data).unwrap();
        let sql = store.conn.sqlite().unwrap();
        let insert = |id: i64, date: &str, part: &str, value: &str, source: &str| {
            sql.execute(
                &format!(
                    "INSERT INTO shipment (id, date, shipper_id, consignee_id, part_type, value_usd,
                     source_ref, source, ref_key) VALUES ({id}, {date}, 1, 2, {part}, {value},
                     'r{id}', {source}, {id})"
                ),
                [],
            )
            .unwrap();
        };
        // A date not in the ten-byte form, an integer value, parts and sources that repeat
        // with others between them, and a date that is no date (skipped).
        insert(101, "'2020-1-2'", "'radio'", "7", "'x'");
        insert(102, "'2020-01-03'", "'bearings'", "NULL", "'y'");
        insert(103, "'2020-01-04'", "'radio'", "1.5", "'x'");
        insert(104, "'soon'", "'radio'", "1.5", "'x'");
        let canon = store.canon().unwrap();
        let mut build = ColumnBuilder::new(&canon, 0);
        read_shipments(sql, 101, i64::MAX, &mut build).unwrap();
        let (cols, _) = build.finish();
        assert_eq!(cols.id, vec![101, 102, 103]);
        assert_eq!(
            cols.day,
            vec![
                Day::from_ymd(2020, 1, 2).unwrap(),
                Day::from_ymd(2020, 1, 3).unwrap(),
                Day::from_ymd(2020, 1, 4).unwrap()
            ]
        );
        assert_eq!(cols.value_usd, vec![7.0, 0.0, 1.5]);
        assert_eq!(cols.part_names, ["bearings", "radio"]);
        assert_eq!(cols.part, vec![1, 0, 1]);
        assert_eq!(cols.source_names, ["x", "y"]);
        assert_eq!(cols.source, vec![0, 1, 0]);

        // Text that is not UTF-8 stops the load, naming the row and the column.
        for (column, row) in [
            ("date", (105, "CAST(x'ff' AS TEXT)", "'radio'", "'x'")),
            (
                "part_type",
                (106, "'2020-01-05'", "CAST(x'ff' AS TEXT)", "'x'"),
            ),
            (
                "source",
                (107, "'2020-01-05'", "'radio'", "CAST(x'c3' AS TEXT)"),
            ),
        ] {
            let (id, date, part, source) = row;
            insert(id, date, part, "1", source);
            let mut build = ColumnBuilder::new(&canon, 0);
            let err = read_shipments(sql, id, id, &mut build)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("shipment {id}: {column} is not UTF-8")),
                "{err}"
            );
        }
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
