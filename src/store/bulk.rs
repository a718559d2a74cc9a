//! Writing generated data straight into the store, in one transaction.

use crate::store::db::params;

use super::{Store, StoreError};
use crate::date::Day;
use crate::generate::Generated;
use crate::model::Shipment;

impl Store {
    /// Inserts generated records (ids in `data` are 1-based positions into `data.entities`).
    /// All or nothing. Returns the number of shipments added.
    pub fn insert_generated(&mut self, data: &Generated) -> Result<usize, StoreError> {
        self.insert_generated_with(data, data.shipments.iter())
    }

    /// [`Store::insert_generated`] with the shipments drawn as they are written (`data`'s
    /// own are ignored), so ten million never sit in memory together. Into an empty shipment
    /// table of a SQLite file the rows go in unindexed and the deduplication index is built
    /// once at the end: generated rows never repeat a record id.
    pub fn insert_generated_with<S: std::borrow::Borrow<Shipment>>(
        &mut self,
        data: &Generated,
        shipments: impl Iterator<Item = S>,
    ) -> Result<usize, StoreError> {
        // A large page cache while writing, as an import takes (see `import`).
        if let Some(c) = self.conn.sqlite() {
            let _ = c.execute_batch("PRAGMA cache_size = -262144");
        }
        let result = self.insert_generated_inner(data, shipments);
        if let Some(c) = self.conn.sqlite() {
            let _ = c.execute_batch("PRAGMA cache_size = -2000");
        }
        result
    }

    fn insert_generated_inner<S: std::borrow::Borrow<Shipment>>(
        &mut self,
        data: &Generated,
        shipments: impl Iterator<Item = S>,
    ) -> Result<usize, StoreError> {
        self.require(
            "write to this database",
            &super::team::import_needs("shipment"),
        )?;
        let e = |err: super::db::DbError| self.err(err);
        let tx = self.begin_write()?;
        let mut ids = Vec::with_capacity(data.entities.len());
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO entity (key, name, kind, country, state_owned, source)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .map_err(e)?;
            for en in &data.entities {
                stmt.execute(params![
                    en.key,
                    en.name,
                    en.kind.as_str(),
                    en.country,
                    en.state_owned,
                    en.source
                ])
                .map_err(e)?;
                ids.push(tx.last_insert_rowid());
            }
        }
        let id = |generated: i64| ids[(generated - 1) as usize];
        {
            let mut stmt = tx
                .prepare(
                    "INSERT INTO ownership (parent_id, child_id, share_pct, source) VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                )
                .map_err(e)?;
            for o in &data.ownership {
                stmt.execute(params![id(o.parent), id(o.child), o.share_pct, o.source])
                    .map_err(e)?;
            }
            let mut stmt = tx
                .prepare(
                    "INSERT INTO sanction (entity_id, authority, program, listed_on, delisted_on, reason, source)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                )
                .map_err(e)?;
            for s in &data.sanctions {
                stmt.execute(params![
                    id(s.entity),
                    s.authority,
                    s.program,
                    s.listed_on.iso(),
                    s.delisted_on.map(Day::iso),
                    s.reason,
                    s.source
                ])
                .map_err(e)?;
            }
        }
        let mut added = 0;
        if tx.postgres().is_some() {
            // A team database takes them in bulk, as an import does.
            let mut stage = super::team::Stage::default();
            for s in shipments {
                let s = s.borrow();
                use super::db::Value;
                stage
                    .push(
                        &tx,
                        &[
                            Value::Text(&s.date.iso()),
                            Value::Integer(id(s.shipper)),
                            Value::Integer(id(s.consignee)),
                            Value::Text(&s.part_type),
                            Value::Text(&s.description),
                            Value::Text(&s.hs_code),
                            s.quantity.map_or(Value::Null, Value::Real),
                            Value::Text(&s.unit),
                            s.value_usd.map_or(Value::Null, Value::Real),
                            Value::Text(&s.source_ref),
                            Value::Text(&s.source),
                            Value::Integer(super::import::ref_key(&s.source, &s.source_ref)),
                            Value::Text(""),
                        ],
                    )
                    .map_err(e)?;
            }
            let already = stage.finish(&tx).map_err(e)?;
            added = stage.rows() - already as usize;
        } else {
            let empty: bool = tx
                .query_row(
                    "SELECT NOT EXISTS (SELECT 1 FROM shipment)",
                    params![],
                    |r| r.get(0),
                )
                .map_err(e)?;
            if empty {
                tx.execute_batch("DROP INDEX IF EXISTS shipment_ref_key")
                    .map_err(e)?;
            }
            let mut stmt = tx
                .prepare(if empty {
                    "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                                           quantity, unit, value_usd, source_ref, source, ref_key)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
                } else {
                    "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                                           quantity, unit, value_usd, source_ref, source, ref_key)
                     SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
                     WHERE NOT EXISTS (SELECT 1 FROM shipment WHERE ref_key = ?12 AND source = ?11 AND source_ref = ?10)"
                })
                .map_err(e)?;
            for s in shipments {
                let s = s.borrow();
                added += stmt
                    .execute(params![
                        s.date.iso(),
                        id(s.shipper),
                        id(s.consignee),
                        s.part_type,
                        s.description,
                        s.hs_code,
                        s.quantity,
                        s.unit,
                        s.value_usd,
                        s.source_ref,
                        s.source,
                        super::import::ref_key(&s.source, &s.source_ref)
                    ])
                    .map_err(e)?;
            }
            drop(stmt);
            if empty {
                tx.execute_batch(crate::store::schema::SHIPMENT_INDEXES)
                    .map_err(e)?;
            }
        }
        tx.commit().map_err(e)?;
        Ok(added)
    }
}
