//! Reading a whole database into plain data for the in-memory index.

use std::collections::HashMap;

use crate::store::db::params;

use super::shipment_rows::{ColumnBuilder, PARALLEL_LOAD_ROWS, PART_ROWS, READERS, read_in_parts};
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
        let n = usize::try_from(n).unwrap_or(0);
        if let Some(pg) = self.conn.postgres() {
            let mut build = ColumnBuilder::new(canon, n);
            super::team::copy_shipments(pg, &mut build).map_err(e)?;
            return Ok(build.finish());
        }
        let Some(first) = self.conn.sqlite() else {
            return Ok(Default::default());
        };
        let mut others = Vec::new();
        if n >= PARALLEL_LOAD_ROWS && self.path.as_os_str() != ":memory:" {
            // A connection that cannot be had (an in-memory database) leaves fewer readers.
            let readers = std::env::var("LADING_LOAD_READERS_TMP")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(READERS);
            others.extend((1..readers).filter_map(|_| {
                super::connect(&self.path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()
            }));
        }
        let build = read_in_parts(first, others, canon, n, PART_ROWS).map_err(e)?;
        Ok(build.finish())
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
