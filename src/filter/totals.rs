//! The filter's running totals: per shipper → consignee pair, what the shipments in the date
//! range add up to, kept between calls so that the timeline playing forward (the range's end
//! moving later, nothing else changing) adds only the new shipments.
//!
//! Beside the pairs' aggregates that make the links, a *detailed* total (the explorer's)
//! keeps what the scene's part-type stripes and the screening would otherwise count again
//! over the whole range at every step: shipments per pair and part type (whatever the
//! entity conditions, as an expansion shows pairs the filter itself leaves out), per pair
//! and source for pairs of several sources, each pair's last day, and the shipments made
//! while a party was listed. Each is what one pass over the range would give, to the bit:
//! sums are taken in the same order.

use rustc_hash::FxHashMap;

use super::{AfterListing, CHECK, Filter, Plan, REJECT};
use crate::date::Day;
use crate::index::{MIXED_SOURCES, ShipmentIndex};

/// Per-pair running totals; one cache line holds two.
#[derive(Clone, Copy, Default)]
pub(super) struct Agg {
    pub(super) count: u32,
    pub(super) first: i32,
    pub(super) last: i32,
    pub(super) value_usd: f64,
    pub(super) parts: u64,
    pub(super) synthetic: u32,
}

/// The per-pair totals of a filter's date range `lo..hi` (shipment positions), with what
/// they were counted under; see [`Filter::apply_ungrouped_with`].
#[derive(Clone, Default)]
pub struct RunningTotals {
    lo: usize,
    hi: usize,
    part_mask: u64,
    pair_state: Vec<u8>,
    source_ok: Vec<bool>,
    pub(super) agg: Vec<Agg>,
    /// Whether [`Details`] are kept.
    detailed: bool,
    /// Per authority of the index: whether the filter counts its listings.
    allowed: Vec<bool>,
    details: Details,
}

/// What a detailed total keeps beside the pairs' aggregates (see the module documentation).
#[derive(Clone, Default)]
pub(crate) struct Details {
    /// Per pair, every part type its shipments ever carry (a bit each: the index's
    /// `pair_parts`), and where its counts start in `parts`: a pair's counts are one per
    /// bit, in bit order.
    part_bits: Vec<u64>,
    part_start: Vec<u32>,
    /// Shipments per pair and part type that pass the part types and provenance.
    parts: Vec<u32>,
    /// Per pair, the day of the last shipment counted in `parts` (`i32::MIN`: none).
    last: Vec<i32>,
    /// For pairs of several sources: shipments counted in `parts`, by (pair, source).
    mixed: FxHashMap<(u32, u32), u32>,
    /// Per pair: whether a party has a listing by an allowed authority.
    pair_listed: Vec<bool>,
    /// Per pair with a listed party: the shipments that pass the filter made while a party
    /// was listed ([`Filter::shipped_after_listing`]), in the order first met, with where
    /// each pair's is (`u32::MAX`: none yet): a look-up a shipment, not a search.
    after: Vec<(u32, AfterListing)>,
    after_at: Vec<u32>,
}

impl RunningTotals {
    /// Totals that also keep the [`Details`] (more memory and a little more work a
    /// shipment, repaid at every step of a playback).
    pub fn detailed() -> RunningTotals {
        RunningTotals {
            detailed: true,
            ..RunningTotals::default()
        }
    }

    /// The details, when kept and counted for `index`.
    pub(crate) fn details(&self, index: &ShipmentIndex) -> Option<&Details> {
        (self.detailed && self.details.last.len() == index.pairs.len()).then_some(&self.details)
    }

    /// Brings the totals to `plan`'s range: adds `self.hi..plan.hi` when everything else is
    /// as it was counted, else counts again from `plan.lo`.
    pub(super) fn advance(&mut self, index: &ShipmentIndex, filter: &Filter, plan: &Plan) {
        let allowed: Vec<bool> = if self.detailed {
            index
                .authorities
                .iter()
                .map(|a| filter.authorities.is_empty() || filter.authorities.contains(a))
                .collect()
        } else {
            Vec::new()
        };
        let grows = self.agg.len() == index.pairs.len()
            && self.lo == plan.lo
            && self.hi <= plan.hi
            && self.part_mask == plan.part_mask
            && self.pair_state == plan.pair_state
            && self.source_ok == plan.source_ok
            && self.allowed == allowed;
        if grows {
            // Two copies of the loop: the plain one does no more a shipment than it did
            // before details were kept.
            if self.detailed {
                self.grow::<true>(index, plan);
            } else {
                self.grow::<false>(index, plan);
            }
        } else {
            // Counted again, pair by pair over each pair's own date range.
            super::pairwise::sum_pairs(index, plan, &mut self.agg);
            self.lo = plan.lo;
            self.part_mask = plan.part_mask;
            self.pair_state.clone_from(&plan.pair_state);
            self.source_ok.clone_from(&plan.source_ok);
            self.allowed = allowed;
            if self.detailed {
                self.details.reset(index, &self.allowed);
                self.details.recount(index, plan, &self.allowed);
            }
        }
        self.hi = plan.hi;
    }

    /// Adds the shipments `self.hi..plan.hi` (date positions); with `DETAILED`, into the
    /// details too.
    fn grow<const DETAILED: bool>(&mut self, index: &ShipmentIndex, plan: &Plan) {
        let (agg, details, allowed) = (&mut self.agg, &mut self.details, &self.allowed);
        let ships = &index.ships;
        for i in self.hi..plan.hi {
            let p = index.date_pair[i] as usize;
            let k = index.date_pos[i] as usize;
            let part_bit = 1u64 << ships.part[k];
            if plan.part_mask & part_bit == 0 {
                continue;
            }
            if DETAILED {
                details.count_if_source_passes(index, plan, p, k);
            }
            let state = plan.pair_state[p];
            if state == REJECT {
                continue;
            }
            let a = &mut agg[p];
            if state == CHECK {
                // Several sources on this pair: provenance shipment by shipment.
                let source = ships.source[k] as usize;
                if !plan.source_ok[source] {
                    continue;
                }
                a.synthetic += u32::from(index.source_synthetic[source]);
            }
            a.add(ships.day[k].0, ships.value_usd[k], part_bit);
            if DETAILED && details.pair_listed[p] {
                details.after_listing(index, allowed, p, k);
            }
        }
    }
}

impl Agg {
    /// Adds one shipment that passes the filter.
    #[inline]
    pub(super) fn add(&mut self, day: i32, value_usd: f64, part_bit: u64) {
        if self.count == 0 {
            self.first = day;
        }
        self.count += 1;
        self.last = day;
        self.value_usd += value_usd;
        self.parts |= part_bit;
    }
}

impl Details {
    /// Empty counts for `index`; the pairs' part types are found once.
    fn reset(&mut self, index: &ShipmentIndex, allowed: &[bool]) {
        let pairs = index.pairs.len();
        if self.part_bits.len() != pairs {
            self.part_bits.clone_from(&index.pair_parts);
            self.part_start = Vec::with_capacity(pairs + 1);
            let mut at = 0u32;
            for bits in &index.pair_parts {
                self.part_start.push(at);
                at += bits.count_ones();
            }
            self.part_start.push(at);
        }
        self.parts.clear();
        self.parts
            .resize(self.part_start.last().copied().unwrap_or(0) as usize, 0);
        self.last.clear();
        self.last.resize(pairs, i32::MIN);
        self.mixed.clear();
        self.after.clear();
        self.after_at.clear();
        self.after_at.resize(pairs, u32::MAX);
        let listed: Vec<bool> = index
            .sanctions
            .iter()
            .map(|ls| ls.iter().any(|l| allowed[l.authority as usize]))
            .collect();
        self.pair_listed = index
            .pairs
            .iter()
            .map(|&(s, c)| listed[s as usize] || listed[c as usize])
            .collect();
    }

    /// Counts the shipment at position `k` of pair `p` (which passes the part types) when
    /// its provenance passes, whatever the entity conditions.
    #[inline]
    fn count_if_source_passes(&mut self, index: &ShipmentIndex, plan: &Plan, p: usize, k: usize) {
        let pair_source = index.pair_source[p];
        let mixed = pair_source == MIXED_SOURCES;
        let source = if mixed {
            index.ships.source[k]
        } else {
            pair_source
        };
        if plan
            .source_ok
            .get(source as usize)
            .copied()
            .unwrap_or(false)
        {
            let part_bit = 1u64 << index.ships.part[k];
            let at = self.part_start[p] as usize
                + (index.pair_parts[p] & (part_bit - 1)).count_ones() as usize;
            self.parts[at] += 1;
            self.last[p] = index.ships.day[k].0;
            if mixed {
                *self.mixed.entry((p as u32, source)).or_default() += 1;
            }
        }
    }

    /// Counts every pair's shipments in `plan`'s date range, pair by pair: what growing
    /// from an empty range gives (each pair's in the same order).
    fn recount(&mut self, index: &ShipmentIndex, plan: &Plan, allowed: &[bool]) {
        for p in 0..index.pairs.len() {
            let range = plan.pair_range(index, p);
            for k in range.clone() {
                if plan.part_passes(index, k) {
                    self.count_if_source_passes(index, plan, p, k);
                }
            }
            if self.pair_listed[p] && plan.pair_state[p] != REJECT {
                for k in range {
                    if plan.part_passes(index, k) && plan.passes(index, p, k) {
                        self.after_listing(index, allowed, p, k);
                    }
                }
            }
        }
    }

    /// Adds the shipment at position `k` of pair `p` (which passes the filter) to the pair's
    /// shipments made while a party was listed, when one was.
    fn after_listing(&mut self, index: &ShipmentIndex, allowed: &[bool], p: usize, k: usize) {
        let (s, c) = index.pairs[p];
        let day = index.ships.day[k];
        let in_force = |pos: u32| {
            index.sanctions[pos as usize].iter().any(|l| {
                allowed[l.authority as usize]
                    && l.listed_on < day
                    && l.delisted_on.is_none_or(|end| day < end)
            })
        };
        let (ls, lc) = (in_force(s), in_force(c));
        if !(ls || lc) {
            return;
        }
        if self.after_at[p] == u32::MAX {
            self.after_at[p] = self.after.len() as u32;
            self.after
                .push((p as u32, AfterListing::none_yet(index, s, c, day)));
        }
        let e = &mut self.after[self.after_at[p] as usize].1;
        e.shipments += 1;
        e.value_usd += index.ships.value_usd[k];
        e.last = day;
        e.shipper_listed |= ls;
        e.consignee_listed |= lc;
    }

    /// Pair `p`'s counted shipments by part type: (part index, shipments), in part order.
    pub(crate) fn parts_of(&self, p: usize) -> impl Iterator<Item = (u8, u32)> + '_ {
        let (mut bits, start) = (self.part_bits[p], self.part_start[p] as usize);
        let counts = &self.parts[start..self.part_start[p + 1] as usize];
        counts.iter().map(move |&n| {
            let part = bits.trailing_zeros() as u8;
            bits &= bits - 1;
            (part, n)
        })
    }

    /// The day of pair `p`'s last counted shipment.
    pub(crate) fn last_day(&self, p: usize) -> Option<Day> {
        (self.last[p] != i32::MIN).then_some(Day(self.last[p]))
    }

    /// For pairs of several sources: counted shipments by (pair, source).
    pub(crate) fn mixed_sources(&self) -> &FxHashMap<(u32, u32), u32> {
        &self.mixed
    }

    /// Every pair's shipments made while a party was listed, by pair.
    pub(crate) fn after_listing_all(&self) -> Vec<AfterListing> {
        let mut all = self.after.clone();
        all.sort_unstable_by_key(|a| a.0);
        all.into_iter().map(|(_, a)| a).collect()
    }
}
