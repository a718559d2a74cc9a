//! Point queries for panels and exports: the full records behind a link or an entity.

use crate::store::db::params;

use super::{Store, StoreError};
use crate::date::Day;
use crate::model::Shipment;

/// A full shipment record as stored.
pub type ShipmentRow = Shipment;

const SHIPMENT_COLUMNS: &str = "id, date, shipper_id, consignee_id, part_type, description, hs_code, \
     quantity, unit, value_usd, source_ref, source, extra";

fn shipment_from_row(r: &crate::store::db::Row<'_>) -> crate::store::db::DbResult<Shipment> {
    let date: String = r.get(1)?;
    Ok(Shipment {
        id: r.get(0)?,
        date: Day::parse_iso(&date).unwrap_or_default(),
        shipper: r.get(2)?,
        consignee: r.get(3)?,
        part_type: r.get(4)?,
        description: r.get(5)?,
        hs_code: r.get(6)?,
        quantity: r.get(7)?,
        unit: r.get(8)?,
        value_usd: r.get(9)?,
        source_ref: r.get(10)?,
        source: r.get(11)?,
        extra: r.get(12)?,
    })
}

impl Store {
    /// The full records of the given shipment ids, in the order given (unknown ids are skipped).
    /// Shipper and consignee are the live entities (merges followed), as in the index.
    pub fn shipments_by_id(&self, ids: &[i64]) -> Result<Vec<Shipment>, StoreError> {
        let canon = self.canon()?;
        let mut stmt = self
            .conn
            .prepare(&format!(
                "SELECT {SHIPMENT_COLUMNS} FROM shipment WHERE id = ?1"
            ))
            .map_err(|e| self.err(e))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let mut rows = stmt
                .query_map(params![id], shipment_from_row)
                .map_err(|e| self.err(e))?;
            if let Some(row) = rows.next() {
                let mut s = row.map_err(|e| self.err(e))?;
                s.shipper = canon.of(s.shipper);
                s.consignee = canon.of(s.consignee);
                out.push(s);
            }
        }
        Ok(out)
    }
}

/// One month of shipments, as the database counts them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MonthTotal {
    /// `YYYY-MM`.
    pub month: String,
    pub shipments: i64,
    pub value_usd: f64,
}

impl Store {
    /// Shipments and declared value by month, counted by the database itself (on a team
    /// database, by the server): nothing is loaded row by row. Stored rows as they are: a
    /// merge does not change these counts.
    pub fn months(&self) -> Result<Vec<MonthTotal>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT substr(date, 1, 7), count(*), coalesce(sum(value_usd), 0)
                 FROM shipment GROUP BY substr(date, 1, 7) ORDER BY 1",
            )
            .map_err(|e| self.err(e))?;
        stmt.query_map(params![], |r| {
            Ok(MonthTotal {
                month: r.get(0)?,
                shipments: r.get(1)?,
                value_usd: r.get(2)?,
            })
        })
        .map_err(|e| self.err(e))?
        .collect::<Result<_, _>>()
        .map_err(|e| self.err(e))
    }
}
