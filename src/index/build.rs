//! The heavy steps of [`super::ShipmentIndex::build`], kept linear so ten million shipments
//! index in about a second: row ids to positions through a dense table, pairs interned with
//! one hash lookup a shipment, and the date order by a counting sort (days are a small range).

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::Shipments;
use crate::date::Day;
use crate::model::{Entity, EntityId};
use crate::store::ShipmentColumns;

/// A shipment whose shipper or consignee is not a known entity.
pub(super) const NO_PAIR: u32 = u32::MAX;

/// Entity row id → position: a table indexed by `id - min` when the ids are compact (as
/// SQLite's row ids are), else the hash map.
pub(super) enum Positions<'a> {
    Dense { min: EntityId, table: Vec<u32> },
    Sparse(&'a FxHashMap<EntityId, u32>),
}

impl<'a> Positions<'a> {
    pub(super) fn new(entities: &[Entity], map: &'a FxHashMap<EntityId, u32>) -> Positions<'a> {
        let (Some(min), Some(max)) = (
            entities.iter().map(|e| e.id).min(),
            entities.iter().map(|e| e.id).max(),
        ) else {
            return Positions::Sparse(map);
        };
        let span = max.abs_diff(min);
        if span > 4 * entities.len() as u64 + 1024 {
            return Positions::Sparse(map);
        }
        let mut table = vec![NO_PAIR; span as usize + 1];
        for (&id, &p) in map {
            table[(id - min) as usize] = p;
        }
        Positions::Dense { min, table }
    }

    #[inline]
    pub(super) fn get(&self, id: EntityId) -> Option<u32> {
        match self {
            Positions::Dense { min, table } => {
                let slot = usize::try_from(id.checked_sub(*min)?).ok()?;
                table.get(slot).copied().filter(|&p| p != NO_PAIR)
            }
            Positions::Sparse(map) => map.get(&id).copied(),
        }
    }
}

/// Each shipment's pair (in first-seen numbering; [`NO_PAIR`] when a party is unknown), and
/// the pairs as (shipper, consignee) positions.
pub(super) fn intern_pairs(
    shipments: &ShipmentColumns,
    lookup: &Positions<'_>,
) -> (Vec<u32>, Vec<(u32, u32)>) {
    let mut pair_of: FxHashMap<u64, u32> = FxHashMap::default();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let raw = shipments
        .shipper
        .iter()
        .zip(&shipments.consignee)
        .map(|(&s, &c)| match (lookup.get(s), lookup.get(c)) {
            (Some(s), Some(c)) => *pair_of
                .entry(u64::from(s) << 32 | u64::from(c))
                .or_insert_with(|| {
                    pairs.push((s, c));
                    (pairs.len() - 1) as u32
                }),
            _ => NO_PAIR,
        })
        .collect();
    (raw, pairs)
}

/// The positions of the shipments that have a pair, sorted by (day, row id).
///
/// Rows arrive in row-id order from both engines, so a stable counting sort by day gives
/// (day, row id) in two linear passes; rows out of id order, or days spread wider than the
/// rows could fill, take a comparison sort instead.
pub(super) fn date_order(shipments: &ShipmentColumns, pair: &[u32]) -> Vec<u32> {
    let kept = || (0..pair.len() as u32).filter(|&i| pair[i as usize] != NO_PAIR);
    let days = || kept().map(|i| shipments.day[i as usize].0);
    let (Some(min), Some(max)) = (days().min(), days().max()) else {
        return Vec::new();
    };
    let span = max.abs_diff(min) as usize + 1;
    let in_id_order = shipments.id.windows(2).all(|w| w[0] < w[1]);
    if !in_id_order || span > 4 * pair.len() + 4096 {
        let mut order: Vec<u32> = kept().collect();
        order.sort_unstable_by_key(|&i| (shipments.day[i as usize], shipments.id[i as usize]));
        return order;
    }
    let mut start = vec![0u32; span + 1];
    for d in days() {
        start[(d - min) as usize + 1] += 1;
    }
    for k in 0..span {
        start[k + 1] += start[k];
    }
    let mut order = vec![0u32; start[span] as usize];
    for i in kept() {
        let slot = &mut start[(shipments.day[i as usize].0 - min) as usize];
        order[*slot as usize] = i;
        *slot += 1;
    }
    order
}

/// The pair-major order, from the date order `order` (rows of the loaded columns) and each
/// date position's pair: where each pair's shipments start (`pairs + 1` entries), each date
/// position's place in the pair-major order, and the row at each pair-major position. A
/// counting sort by pair, so each pair's shipments keep their date order.
pub(super) fn pair_major(
    date_pair: &[u32],
    order: &[u32],
    pairs: usize,
) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let mut pair_start = vec![0u32; pairs + 1];
    for &p in date_pair {
        pair_start[p as usize + 1] += 1;
    }
    for p in 0..pairs {
        pair_start[p + 1] += pair_start[p];
    }
    let mut next = pair_start[..pairs].to_vec();
    let mut date_pos = vec![0u32; date_pair.len()];
    let mut row = vec![0u32; date_pair.len()];
    for ((&p, &r), at) in date_pair.iter().zip(order).zip(&mut date_pos) {
        let k = next[p as usize];
        next[p as usize] = k + 1;
        *at = k;
        row[k as usize] = r;
    }
    (pair_start, date_pos, row)
}

/// One loaded row's fields, packed so that a gather reads them with one cache miss.
#[derive(Clone, Copy, Default)]
struct Packed {
    value_usd: f64,
    day: i32,
    source: u32,
    id_offset: u32,
    part: u8,
}

/// The loaded columns in pair-major order: position `k` is loaded row `row[k]`, its source
/// mapped by `source_of` and its part type capped at `part_cap`.
///
/// The reads jump all over the rows, so the fields are first packed into one record a row
/// (in row order, a sequential pass) and the gather misses the cache once a shipment rather
/// than once a column; the loaded columns are dropped before the gathered ones are made.
pub(super) fn gather(
    shipments: ShipmentColumns,
    row: &[u32],
    source_ids: &[u32],
    blank_source: u32,
    part_cap: u16,
) -> Shipments {
    let (min, max) = shipments
        .id
        .iter()
        .fold((i64::MAX, i64::MIN), |(lo, hi), &id| {
            (lo.min(id), hi.max(id))
        });
    let narrow = !shipments.id.is_empty() && max.abs_diff(min) <= u64::from(u32::MAX);
    let wide_ids: Option<Vec<i64>> =
        (!narrow).then(|| row.par_iter().map(|&r| shipments.id[r as usize]).collect());
    let packed: Vec<Packed> = (0..shipments.len())
        .into_par_iter()
        .map(|r| Packed {
            value_usd: shipments.value_usd[r],
            day: shipments.day[r].0,
            source: shipments
                .source
                .get(r)
                .and_then(|&s| source_ids.get(s as usize))
                .copied()
                .unwrap_or(blank_source),
            id_offset: shipments.id[r].abs_diff(min) as u32,
            part: shipments.part[r].min(part_cap) as u8,
        })
        .collect();
    drop(shipments);
    let n = row.len();
    let mut out = Shipments {
        day: vec![Day(0); n],
        part: vec![0; n],
        value_usd: vec![0.0; n],
        row_id: RowIds::Wide(Vec::new()),
        source: vec![0; n],
    };
    let mut id_offset = vec![0u32; n];
    const CHUNK: usize = 1 << 16;
    out.day
        .par_chunks_mut(CHUNK)
        .zip(out.part.par_chunks_mut(CHUNK))
        .zip(out.value_usd.par_chunks_mut(CHUNK))
        .zip(out.source.par_chunks_mut(CHUNK))
        .zip(id_offset.par_chunks_mut(CHUNK))
        .zip(row.par_chunks(CHUNK))
        .for_each(|(((((d, p), v), s), o), r)| {
            for (j, &k) in r.iter().enumerate() {
                let x = packed[k as usize];
                d[j] = Day(x.day);
                p[j] = x.part;
                v[j] = x.value_usd;
                s[j] = x.source;
                o[j] = x.id_offset;
            }
        });
    drop(packed);
    out.row_id = match wide_ids {
        Some(ids) => RowIds::Wide(ids),
        None => RowIds::Narrow {
            base: min,
            offset: id_offset,
        },
    };
    out
}

/// Row ids in index order: 4 bytes each as offsets from the smallest when they span less than
/// 2³² (always, for a database Lading wrote), else 8.
#[derive(Debug)]
pub(crate) enum RowIds {
    Narrow { base: i64, offset: Vec<u32> },
    Wide(Vec<i64>),
}

impl Default for RowIds {
    fn default() -> RowIds {
        RowIds::Wide(Vec::new())
    }
}

impl RowIds {
    #[inline]
    pub(crate) fn get(&self, i: usize) -> i64 {
        match self {
            RowIds::Narrow { base, offset } => base + i64::from(offset[i]),
            RowIds::Wide(ids) => ids[i],
        }
    }

    /// Bytes held.
    pub(super) fn bytes(&self) -> usize {
        match self {
            RowIds::Narrow { offset, .. } => offset.capacity() * 4,
            RowIds::Wide(ids) => ids.capacity() * 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date::Day;

    fn columns(rows: &[(i64, i32, i64, i64)]) -> ShipmentColumns {
        ShipmentColumns {
            id: rows.iter().map(|r| r.0).collect(),
            day: rows.iter().map(|r| Day(r.1)).collect(),
            shipper: rows.iter().map(|r| r.2).collect(),
            consignee: rows.iter().map(|r| r.3).collect(),
            part: vec![0; rows.len()],
            value_usd: vec![0.0; rows.len()],
            ..ShipmentColumns::default()
        }
    }

    fn entity(id: EntityId) -> Entity {
        Entity {
            id,
            key: String::new(),
            name: String::new(),
            kind: crate::model::EntityKind::Company,
            country: String::new(),
            state_owned: false,
            aliases: Vec::new(),
            source: String::new(),
        }
    }

    fn naive_order(c: &ShipmentColumns, pair: &[u32]) -> Vec<u32> {
        let mut order: Vec<u32> = (0..pair.len() as u32)
            .filter(|&i| pair[i as usize] != NO_PAIR)
            .collect();
        order.sort_by_key(|&i| (c.day[i as usize], c.id[i as usize]));
        order
    }

    #[test]
    fn counting_and_comparison_sorts_give_the_same_date_order() {
        // In id order (the counting sort), and shuffled (the comparison sort); one row's
        // party is unknown; days repeat and go backwards.
        let rows = [
            (1, 20, 1, 2),
            (2, 10, 2, 1),
            (3, 20, 1, 9),
            (4, 10, 1, 2),
            (5, -3, 2, 1),
            (6, 20, 1, 2),
        ];
        let map: FxHashMap<EntityId, u32> = [(1, 0), (2, 1)].into_iter().collect();
        let entities: Vec<Entity> = [1, 2].into_iter().map(entity).collect();
        let lookup = Positions::new(&entities, &map);
        assert!(matches!(lookup, Positions::Dense { .. }));
        let c = columns(&rows);
        let (pair, pairs) = intern_pairs(&c, &lookup);
        assert_eq!(pairs, vec![(0, 1), (1, 0)]);
        assert_eq!(pair[2], NO_PAIR);
        assert_eq!(date_order(&c, &pair), vec![4, 1, 3, 0, 5]);
        assert_eq!(date_order(&c, &pair), naive_order(&c, &pair));

        let mut shuffled = rows;
        shuffled.reverse();
        let c = columns(&shuffled);
        let (pair, _) = intern_pairs(&c, &lookup);
        assert_eq!(date_order(&c, &pair), naive_order(&c, &pair));
    }

    #[test]
    fn sparse_ids_and_wide_row_ids_still_work() {
        let map: FxHashMap<EntityId, u32> = [(5, 0), (1 << 40, 1)].into_iter().collect();
        let entities: Vec<Entity> = [5, 1 << 40].into_iter().map(entity).collect();
        let lookup = Positions::new(&entities, &map);
        assert!(matches!(lookup, Positions::Sparse(_)));
        assert_eq!(lookup.get(1 << 40), Some(1));
        assert_eq!(lookup.get(6), None);

        // Gathered in the order 1, 2, 0 of the rows.
        let rows =
            |ids: [i64; 3]| columns(&[(ids[0], 3, 5, 6), (ids[1], 1, 5, 6), (ids[2], 2, 5, 6)]);
        let narrow = gather(rows([9, 7, 8]), &[1, 2, 0], &[], 0, 63);
        assert!(matches!(narrow.row_id, RowIds::Narrow { base: 7, .. }));
        let ids = |s: &Shipments| (s.row_id.get(0), s.row_id.get(1), s.row_id.get(2));
        assert_eq!(ids(&narrow), (7, 8, 9));
        assert_eq!(narrow.day, vec![Day(1), Day(2), Day(3)]);
        let wide = gather(rows([1 << 40, 1, 3]), &[1, 2, 0], &[], 0, 63);
        assert!(matches!(wide.row_id, RowIds::Wide(_)));
        assert_eq!(ids(&wide), (1, 3, 1 << 40));
    }
}
