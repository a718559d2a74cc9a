//! CSV of the filtered shipments: every shipment on a shown trade link, with shipper and
//! consignee by key and name, and its source and source reference, so a figure can be
//! traced back to the records behind it.

use std::collections::BTreeSet;
use std::io::{self, Write};

use crate::filter::{Filter, FilteredGraph};
use crate::index::ShipmentIndex;
use crate::model::{EntityId, Shipment};
use crate::store::{Store, StoreError};

/// The columns, in order.
pub const HEADER: [&str; 14] = [
    "shipment_id",
    "date",
    "shipper_key",
    "shipper",
    "consignee_key",
    "consignee",
    "part_type",
    "description",
    "hs_code",
    "quantity",
    "unit",
    "value_usd",
    "source_ref",
    "source",
];

/// The shipments behind the graph's trade links (the filter's shipments, less those on
/// links hidden by `min_shipments` or a focus, and those inside a group), by date.
pub fn shipments(
    store: &Store,
    index: &ShipmentIndex,
    filter: &Filter,
    graph: &FilteredGraph,
) -> Result<Vec<Shipment>, StoreError> {
    let shown: BTreeSet<(EntityId, EntityId)> =
        graph.trade_links().map(|l| (l.source, l.target)).collect();
    // With a roll-up, a shipment is behind the link between its parties' groups.
    let group: std::collections::HashMap<EntityId, EntityId> = graph
        .groups
        .iter()
        .flat_map(|(&g, members)| members.iter().map(move |&m| (m, g)))
        .collect();
    let rep = |id: EntityId| group.get(&id).copied().unwrap_or(id);
    let ids = filter.matching_shipments(index, None, None);
    let mut rows = store.shipments_by_id(&ids)?;
    rows.retain(|s| shown.contains(&(rep(s.shipper), rep(s.consignee))));
    Ok(rows)
}

/// Writes the shipments as CSV (UTF-8, header row, RFC 4180 quoting).
///
/// Columns an import kept because no field meant them follow the fixed ones, one column per
/// distinct header among `rows` (sorted), empty where a row lacks it.
pub fn write(out: &mut dyn Write, index: &ShipmentIndex, rows: &[Shipment]) -> io::Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let kept: Vec<Vec<(String, String)>> = rows.iter().map(Shipment::extra_columns).collect();
    let extra_headers: Vec<String> = kept
        .iter()
        .flatten()
        .map(|(h, _)| h.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        // A kept header that repeats a fixed column's name gets a suffix, so none is lost.
        .map(|h| {
            if HEADER.contains(&h.as_str()) {
                format!("{h} (kept)")
            } else {
                h
            }
        })
        .collect();
    w.write_record(
        HEADER
            .iter()
            .map(|h| h.to_string())
            .chain(extra_headers.iter().cloned()),
    )?;
    let who = |id: EntityId| {
        index
            .entity(id)
            .map_or((String::new(), String::new()), |e| {
                (e.key.clone(), e.name.clone())
            })
    };
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    for (s, kept) in rows.iter().zip(&kept) {
        let (sk, sn) = who(s.shipper);
        let (ck, cn) = who(s.consignee);
        let extra = extra_headers.iter().map(|h| {
            let h = h
                .strip_suffix(" (kept)")
                .filter(|b| HEADER.contains(b))
                .unwrap_or(h);
            kept.iter()
                .find(|(k, _)| k == h)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        });
        let fixed = [
            s.id.to_string(),
            s.date.iso(),
            sk,
            sn,
            ck,
            cn,
            s.part_type.clone(),
            s.description.clone(),
            s.hs_code.clone(),
            opt(s.quantity),
            s.unit.clone(),
            opt(s.value_usd),
            s.source_ref.clone(),
            s.source.clone(),
        ];
        w.write_record(fixed.into_iter().chain(extra))?;
    }
    w.flush()?;
    Ok(())
}
