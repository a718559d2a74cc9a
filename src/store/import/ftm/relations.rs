//! Pass 2 of the FtM import: the relations (Ownership, Sanction, EconomicActivity) of each
//! line, read and checked before any of a line's rows is written.

use serde_json::Value;

use super::record::Record;
use super::summary::LIST_CAP;
use super::{Fail, Role, authority_code, collect, role};
use crate::date::Day;
use crate::model::EntityId;
use crate::store::db::params;
use crate::store::import::values::{parse_number, parse_share};
use crate::store::import::{fnv1a, ref_key};

impl<'t> super::Run<'t> {
    /// Pass 2 on one line: its relations (maybe nested), all checked before any is written.
    pub(super) fn relations_of_line(&mut self, line: u64, value: &Value) -> Result<(), Fail> {
        let mut prepared = Vec::new();
        collect(value, 0, &mut |rec| {
            let p = match role(rec.schema) {
                Role::Ownership => self.read_ownership(&rec)?,
                Role::Sanction => self.read_sanction(&rec)?,
                Role::Shipment => self.read_shipment(&rec)?,
                Role::Node | Role::Other => return Ok(()),
            };
            prepared.push(p);
            Ok(())
        })?;
        for p in prepared {
            self.summary.partial_dates += p.partial;
            for (prop, text) in p.unread {
                if self.summary.unread_numbers.len() < LIST_CAP {
                    self.summary
                        .unread_numbers
                        .push((line, prop.to_owned(), text));
                }
            }
            match p.rel {
                Rel::Skip(reason) => self.summary.skip(line, reason),
                Rel::Ownership(o) => self.write_ownership(o)?,
                Rel::Sanction(s) => self.write_sanction(s)?,
                Rel::Shipment(s) => self.write_shipment(s)?,
            }
        }
        Ok(())
    }

    /// The entity a reference property names: `Ok(Ok(id))`, or `Ok(Err(reason))` when the
    /// record is to be skipped (the reference is to an entity Lading does not keep), or an
    /// error when the reference is broken.
    fn party(&mut self, rec: &Record<'_>, prop: &str) -> Result<Result<EntityId, String>, Fail> {
        let refs = rec.refs(prop)?;
        let Some(&target) = refs.first() else {
            return Ok(Err(format!("{} without {prop}", rec.schema)));
        };
        if let Some(&id) = self.ids.get(target) {
            return Ok(Ok(id));
        }
        if let Some(id) = self.entity_by_ftm_id(target)? {
            self.ids.insert(target.to_owned(), id);
            return Ok(Ok(id));
        }
        if let Some(&index) = self.elsewhere.other.get(&fnv1a(&[target])) {
            let schema = self
                .elsewhere
                .schemas
                .get(usize::from(index))
                .map_or("?", String::as_str);
            return Ok(Err(format!(
                "{}: {prop} is a {schema}, which Lading does not model",
                rec.schema
            )));
        }
        if let Some(why) = self.elsewhere.dropped.get(target) {
            return Ok(Err(format!("{}: {prop} {why}", rec.schema)));
        }
        Err(rec
            .err(
                prop,
                format!("{target:?} is not an entity in this file or the database"),
            )
            .into())
    }

    fn read_ownership(&mut self, rec: &Record<'_>) -> Result<Prepared, Fail> {
        let mut p = Prepared::default();
        let start = rec.date(&["startDate"], &mut p.partial)?;
        let end = rec.date(&["endDate"], &mut p.partial)?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(rec.err("endDate", "ends before it starts").into());
        }
        let share_text = rec.first("percentage")?;
        let share = parse_share(share_text).unwrap_or_else(|_| {
            p.unread.push(("percentage", share_text.to_owned()));
            None
        });
        let owner = self.party(rec, "owner")?;
        let asset = self.party(rec, "asset")?;
        p.rel = match (owner, asset) {
            (Err(why), _) | (_, Err(why)) => Rel::Skip(why),
            (Ok(o), Ok(a)) if o == a => Rel::Skip("Ownership of an entity by itself".into()),
            (Ok(owner), Ok(asset)) => Rel::Ownership(OwnershipRow {
                owner,
                asset,
                share,
                start,
                end,
                source: self.source(rec),
            }),
        };
        Ok(p)
    }

    fn write_ownership(&mut self, o: OwnershipRow) -> Result<(), Fail> {
        let added = self
            .tx
            .prepare(
                "INSERT INTO ownership (parent_id, child_id, share_pct, start_date, end_date, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (parent_id, child_id) DO NOTHING",
            )?
            .execute(params![
                o.owner,
                o.asset,
                o.share,
                o.start.map(Day::iso),
                o.end.map(Day::iso),
                o.source
            ])?;
        if added > 0 {
            self.summary.ownership_added += 1;
        } else {
            self.summary.ownership_present += 1;
        }
        Ok(())
    }

    fn read_sanction(&mut self, rec: &Record<'_>) -> Result<Prepared, Fail> {
        let mut p = Prepared::default();
        let listed = rec.date(&["startDate", "listingDate"], &mut p.partial)?;
        let delisted = rec.date(&["endDate"], &mut p.partial)?;
        if let (Some(l), Some(d)) = (listed, delisted)
            && d < l
        {
            return Err(rec.err("endDate", "ends before the listing starts").into());
        }
        let authority = authority_code(rec.first("authority")?);
        let program = match rec.first("program")? {
            "" => rec.first("programId")?,
            p => p,
        };
        let program = crate::text::mark_controls(program).into_owned();
        let reason = crate::text::mark_controls(&rec.strings("reason")?.join("; ")).into_owned();
        let source = match rec.first("sourceUrl")? {
            "" => self.source(rec),
            url => url.to_owned(),
        };
        p.rel = match (self.party(rec, "entity")?, listed) {
            (Err(why), _) => Rel::Skip(why),
            _ if authority.is_empty() => Rel::Skip("Sanction without an authority".into()),
            (_, None) => Rel::Skip(
                "Sanction without startDate or listingDate (Lading needs the listing date)".into(),
            ),
            (Ok(entity), Some(listed)) => Rel::Sanction(SanctionRow {
                entity,
                authority,
                program,
                listed,
                delisted,
                reason,
                source,
            }),
        };
        Ok(p)
    }

    fn write_sanction(&mut self, s: SanctionRow) -> Result<(), Fail> {
        let added = self
            .tx
            .prepare(
                "INSERT INTO sanction (entity_id, authority, program, listed_on, delisted_on, reason, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (entity_id, authority, program, listed_on) DO NOTHING",
            )?
            .execute(params![
                s.entity,
                s.authority,
                s.program,
                s.listed.iso(),
                s.delisted.map(Day::iso),
                s.reason,
                s.source
            ])?;
        if added > 0 {
            self.summary.listings_added += 1;
        } else {
            self.summary.listings_present += 1;
        }
        Ok(())
    }

    fn read_shipment(&mut self, rec: &Record<'_>) -> Result<Prepared, Fail> {
        let mut p = Prepared::default();
        let date = rec.date(&["date", "startDate"], &mut p.partial)?;
        let description =
            crate::text::mark_controls(&rec.strings("goodsDescription")?.join("; ")).into_owned();
        let hs_code = rec.first("vedCode")?.to_owned();
        let source_ref = match rec.first("ccdNumber")? {
            "" => rec.id,
            r => r,
        }
        .to_owned();
        let mut value = None;
        for prop in ["customsAmount", "invoiceAmount"] {
            let text = rec.first(prop)?;
            if text.is_empty() {
                continue;
            }
            match parse_number(text) {
                Ok(v) => {
                    value = v;
                    break;
                }
                Err(_) => p.unread.push((prop, text.to_owned())),
            }
        }
        // Read for their checks; the store keeps no countries on shipments.
        for prop in ["originCountry", "destinationCountry"] {
            rec.strings(prop)?;
        }
        let sender = self.party(rec, "sender")?;
        let receiver = self.party(rec, "receiver")?;
        p.rel = match (sender, receiver, date) {
            (Err(why), _, _) | (_, Err(why), _) => Rel::Skip(why),
            (_, _, None) => Rel::Skip("EconomicActivity without date or startDate".into()),
            (Ok(s), Ok(r), _) if s == r => {
                Rel::Skip("EconomicActivity whose sender is its receiver".into())
            }
            (Ok(shipper), Ok(consignee), Some(date)) => {
                let source = self.source(rec);
                Rel::Shipment(ShipmentRow {
                    date,
                    shipper,
                    consignee,
                    part: self.options.rules.classify(&description).to_owned(),
                    description,
                    hs_code,
                    value,
                    ref_key: ref_key(&source, &source_ref),
                    source_ref,
                    source,
                })
            }
        };
        Ok(p)
    }

    fn write_shipment(&mut self, s: ShipmentRow) -> Result<(), Fail> {
        let added = self
            .tx
            .prepare(
                "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                                       quantity, unit, value_usd, source_ref, source, ref_key)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, NULL, '', ?7, ?8, ?9, ?10
                 WHERE NOT EXISTS (SELECT 1 FROM shipment WHERE ref_key = ?10 AND source = ?9 AND source_ref = ?8)",
            )?
            .execute(params![
                s.date.iso(),
                s.shipper,
                s.consignee,
                s.part,
                s.description,
                s.hs_code,
                s.value,
                s.source_ref,
                s.source,
                s.ref_key
            ])?;
        if added > 0 {
            self.summary.shipments_added += 1;
        } else {
            self.summary.shipments_present += 1;
        }
        Ok(())
    }
}

/// A relation, read and checked, with its notes.
#[derive(Default)]
struct Prepared {
    rel: Rel,
    partial: u64,
    unread: Vec<(&'static str, String)>,
}

enum Rel {
    Ownership(OwnershipRow),
    Sanction(SanctionRow),
    Shipment(ShipmentRow),
    Skip(String),
}

impl Default for Rel {
    fn default() -> Rel {
        Rel::Skip(String::new())
    }
}

struct OwnershipRow {
    owner: EntityId,
    asset: EntityId,
    share: Option<f64>,
    start: Option<Day>,
    end: Option<Day>,
    source: String,
}

struct SanctionRow {
    entity: EntityId,
    authority: String,
    program: String,
    listed: Day,
    delisted: Option<Day>,
    reason: String,
    source: String,
}

struct ShipmentRow {
    date: Day,
    shipper: EntityId,
    consignee: EntityId,
    part: String,
    description: String,
    hs_code: String,
    value: Option<f64>,
    source_ref: String,
    source: String,
    ref_key: i64,
}
