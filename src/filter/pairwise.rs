//! The filter's sum, pair by pair: each pair's shipments sit together in the index, by
//! (day, row id), so its part of a date range is two binary searches in its days (none for
//! an open end) and its totals a contiguous pass over that slice. Reads are sequential, no
//! write lands on an unrelated pair, and the pairs split over the cores.
//!
//! Summed per pair in (day, row id) order, the totals are the same, to the bit, as one pass
//! over the whole range in date order adding each shipment into its pair's total (what
//! [`super::RunningTotals`] does when the timeline plays forward): a pair's values are added
//! in the same order either way.

use std::ops::Range;

use rayon::prelude::*;

use super::totals::Agg;
use super::{ACCEPT, CHECK, Plan, REJECT};
use crate::index::ShipmentIndex;

/// Pairs a task takes at a time (about a hundred thousand shipments at ten million).
const PAIRS_A_TASK: usize = 4096;

/// Sets `agg` to every pair's totals over `plan`'s date range (`agg[p]` pair `p`'s), on
/// every core; `agg`'s allocation is reused.
pub(super) fn sum_pairs(index: &ShipmentIndex, plan: &Plan, agg: &mut Vec<Agg>) {
    (0..index.pairs.len())
        .into_par_iter()
        .with_min_len(PAIRS_A_TASK)
        .map(|p| {
            if plan.pair_state[p] == REJECT {
                Agg::default()
            } else {
                sum_pair(index, plan, p, plan.pair_range(index, p))
            }
        })
        .collect_into_vec(agg);
}

/// Pair `p`'s totals over the positions `range` (a part of its own).
#[inline]
pub(super) fn sum_pair(index: &ShipmentIndex, plan: &Plan, p: usize, range: Range<usize>) -> Agg {
    let mut a = Agg::default();
    let state = plan.pair_state[p];
    if state == REJECT || range.is_empty() {
        return a;
    }
    let ships = &index.ships;
    let days = &ships.day[range.clone()];
    let parts = &ships.part[range.clone()];
    let values = &ships.value_usd[range.clone()];
    let pair_parts = index.pair_parts[p];
    if state == ACCEPT && plan.part_mask & pair_parts == pair_parts {
        // Every shipment in the range counts: nothing to test a shipment.
        a.count = range.len() as u32;
        a.first = days[0].0;
        a.last = days[days.len() - 1].0;
        if range == index.pair_range(p) {
            // The whole pair: its totals were summed, in the same order, when indexing.
            a.value_usd = index.pair_value[p];
            a.parts = pair_parts;
        } else {
            let mut value = 0.0;
            for &v in values {
                value += v;
            }
            a.value_usd = value;
            a.parts = parts.iter().fold(0u64, |m, &k| m | 1u64 << k);
        }
        return a;
    }
    let sources = &ships.source[range];
    for j in 0..days.len() {
        let part_bit = 1u64 << parts[j];
        if plan.part_mask & part_bit == 0 {
            continue;
        }
        if state == CHECK {
            // Several sources on this pair: provenance shipment by shipment.
            let source = sources[j] as usize;
            if !plan.source_ok[source] {
                continue;
            }
            a.synthetic += u32::from(index.source_synthetic[source]);
        }
        a.add(days[j].0, values[j], part_bit);
    }
    a
}

#[cfg(test)]
mod tests;
