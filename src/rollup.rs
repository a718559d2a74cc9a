//! Roll-up: subsidiaries and plants folded into their owner's group.
//!
//! Two ways to group ([`GroupBy`]):
//!
//! - **parent**: into the entity's highest owner that is not a state owner, the group's
//!   holding company (Poly Technologies into China Poly Group, Ulan-Ude Aviation Plant into
//!   Russian Helicopters); state owners stay on their own;
//! - **state owner**: into the top of the ownership chain, the ultimate owner (everything
//!   Chinese in the sample into SASAC, everything Russian into Rostec).
//!
//! Each entity follows one owner: among its ownership links that hold on the filter's
//! sanction day (links without dates always hold) and pass its provenance terms, the one with
//! the largest share; a link without a share counts below any share; equal shares go to the
//! owner with the lowest row id, and [`Owners::choices`] says so, so the window can show
//! it as the guess it is. An ownership cycle (A owns B owns A) is one group named after the
//! cycle's entity with the lowest row id.
//!
//! [`roll_up`] turns a filtered graph into the graph of groups: a group is drawn as its owner
//! (its id, name and shape), holds the shown entities that roll into it
//! ([`FilteredGraph::groups`]), and links between groups add up the links of their members
//! (shipments, value, first and last day, part types, synthetic shipments); links inside a
//! group are not drawn and are counted in [`FilteredGraph::internal_shipments`]. A group is
//! sanctioned when a member is. Groups named in [`Filter::open_groups`] are opened: their
//! members are drawn on their own.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use crate::filter::{Filter, FilteredGraph, Link, LinkKind, PartSet};
use crate::index::ShipmentIndex;
use crate::model::{EntityId, EntityKind};

/// How entities are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    /// Into the highest owner that is not a state owner.
    Parent,
    /// Into the ultimate owner.
    StateOwner,
}

impl GroupBy {
    pub const ALL: [GroupBy; 2] = [GroupBy::Parent, GroupBy::StateOwner];

    /// The name on the command line and in sessions.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Parent => "parent",
            GroupBy::StateOwner => "state-owner",
        }
    }

    /// Reads `parent` or `state-owner` (also `state_owner`, any case).
    pub fn parse(text: &str) -> Option<GroupBy> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "parent" => Some(GroupBy::Parent),
            "state-owner" | "owner" => Some(GroupBy::StateOwner),
            _ => None,
        }
    }

    /// For the filter panel.
    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Parent => "Parent company",
            GroupBy::StateOwner => "Ultimate state owner",
        }
    }

    /// For captions: "grouped by …".
    pub fn describe(self) -> &'static str {
        match self {
            GroupBy::Parent => "parent company",
            GroupBy::StateOwner => "ultimate owner",
        }
    }
}

/// An entity with more than one owner, where the roll-up had to choose.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    pub entity: EntityId,
    /// The owner it follows.
    pub chosen: EntityId,
    /// The owners it does not follow.
    pub others: Vec<EntityId>,
    /// Whether the choice was a tie (equal shares, or no shares): decided by the lowest id.
    pub tie: bool,
}

/// Which group each entity rolls up into.
#[derive(Clone, Debug, Default)]
pub struct Owners {
    /// By entity position: the position of the owner that names its group (itself when it
    /// follows no one).
    top: Vec<u32>,
    /// Entities with several owners on the day, sorted by entity id.
    pub choices: Vec<Choice>,
    /// Entities in an ownership cycle, sorted.
    pub in_cycles: Vec<EntityId>,
}

impl Owners {
    /// Works out the groups for a filter's day and provenance.
    pub fn new(index: &ShipmentIndex, filter: &Filter, by: GroupBy) -> Owners {
        let n = index.entities.len();
        let day = filter.as_of_day(index);
        let source_ok = filter.source_ok(index);
        let mut choices = Vec::new();
        // Each entity's one owner, if it follows one.
        let next: Vec<Option<u32>> = (0..n)
            .map(|p| {
                if by == GroupBy::Parent && index.kind_at(p as u32) == EntityKind::StateOwner {
                    return None;
                }
                let usable = |l: &&crate::index::OwnerLink| {
                    l.holds_on(day)
                        && source_ok[l.source as usize]
                        && (by == GroupBy::StateOwner
                            || index.kind_at(l.owner) != EntityKind::StateOwner)
                };
                let links = &index.owner_links[p];
                // Most entities have one owner or none: no list to sort.
                let mut usable_links = links.iter().filter(usable);
                let only = usable_links.next()?;
                if usable_links.next().is_none() {
                    return Some(only.owner);
                }
                let mut candidates: Vec<(f64, EntityId, u32)> = links
                    .iter()
                    .filter(usable)
                    .map(|l| {
                        (
                            l.share_pct.unwrap_or(-1.0),
                            index.entities[l.owner as usize].id,
                            l.owner,
                        )
                    })
                    .collect();
                candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
                candidates.dedup_by_key(|c| c.2);
                let first = *candidates.first()?;
                if candidates.len() > 1 {
                    choices.push(Choice {
                        entity: index.entities[p].id,
                        chosen: first.1,
                        others: candidates[1..].iter().map(|c| c.1).collect(),
                        tie: candidates[1].0 == first.0,
                    });
                }
                Some(first.2)
            })
            .collect();

        // Follow the owners up, remembering what is known; a walk that meets itself is a cycle.
        const UNSEEN: u32 = u32::MAX;
        const WALKING: u32 = u32::MAX - 1;
        let mut top = vec![UNSEEN; n];
        let mut in_cycles = Vec::new();
        let mut path = Vec::new();
        for start in 0..n as u32 {
            if top[start as usize] != UNSEEN {
                continue;
            }
            path.clear();
            let mut at = start;
            let end = loop {
                match top[at as usize] {
                    UNSEEN => {}
                    WALKING => {
                        // A cycle: from where `at` sits on the path to the end of it.
                        let from = path.iter().position(|&q| q == at).unwrap_or(0);
                        let cycle = &path[from..];
                        in_cycles.extend(cycle.iter().map(|&q| index.entities[q as usize].id));
                        break cycle
                            .iter()
                            .copied()
                            .min_by_key(|&q| index.entities[q as usize].id)
                            .unwrap_or(at);
                    }
                    known => break known,
                }
                top[at as usize] = WALKING;
                path.push(at);
                match next[at as usize] {
                    Some(owner) => at = owner,
                    None => break at,
                }
            };
            for &q in &path {
                top[q as usize] = end;
            }
        }
        in_cycles.sort_unstable();
        in_cycles.dedup();
        Owners {
            top,
            choices,
            in_cycles,
        }
    }

    /// The owner naming the group `id` rolls up into (itself when it follows no one).
    pub fn group_of(&self, index: &ShipmentIndex, id: EntityId) -> Option<EntityId> {
        let p = index.position_of(id)?;
        let t = *self.top.get(p as usize)?;
        index.entities.get(t as usize).map(|e| e.id)
    }
}

/// The filtered graph with its entities rolled up as the filter says; the graph itself when
/// it asks for no roll-up.
pub fn roll_up(index: &ShipmentIndex, filter: &Filter, graph: FilteredGraph) -> FilteredGraph {
    let Some(by) = filter.group_by else {
        return graph;
    };
    let owners = Owners::new(index, filter, by);
    roll_up_with(index, filter, &owners, graph)
}

/// [`roll_up`] with the groups already worked out.
///
/// Dense by entity position, and touching only what is grouped: entities that stand for
/// themselves alone, and links between two of them, pass through as they are, so a network
/// of many companies and a few state groups costs little more than its links' copy.
pub fn roll_up_with(
    index: &ShipmentIndex,
    filter: &Filter,
    owners: &Owners,
    graph: FilteredGraph,
) -> FilteredGraph {
    let n = index.entities.len();
    let mut opened = vec![false; n];
    for k in &filter.open_groups {
        if let Some(p) = index.find(k).and_then(|e| index.position_of(e.id)) {
            opened[p as usize] = true;
        }
    }
    // Each shown entity's group, by position.
    let shown: Vec<u32> = graph
        .entities
        .iter()
        .filter_map(|&id| index.position_of(id))
        .collect();
    let mut rep = vec![u32::MAX; n];
    let mut held = vec![0u32; n];
    for &p in &shown {
        let t = owners.top[p as usize];
        let r = if opened[t as usize] { p } else { t };
        rep[p as usize] = r;
        held[r as usize] += 1;
    }
    let id_at = |p: u32| index.entities[p as usize].id;
    // Only grouped entities need a lookup: those in another's group, and group owners.
    let grouped = |p: u32| {
        let r = rep[p as usize];
        r != p || held[r as usize] > 1
    };
    let mut moved: FxHashMap<EntityId, EntityId> = FxHashMap::default();
    let mut groups: BTreeMap<EntityId, Vec<EntityId>> = BTreeMap::new();
    for &p in &shown {
        if grouped(p) {
            let g = id_at(rep[p as usize]);
            groups.entry(g).or_default().push(id_at(p));
            if g != id_at(p) {
                moved.insert(id_at(p), g);
            }
        }
    }
    let rep_of = |id: EntityId| moved.get(&id).copied().unwrap_or(id);

    let mut reps: Vec<u32> = shown.iter().map(|&p| rep[p as usize]).collect();
    reps.sort_unstable();
    reps.dedup();
    let entities: Vec<EntityId> = reps.iter().map(|&p| id_at(p)).collect();
    let mut listed = vec![false; n];
    for p in graph
        .sanctioned
        .iter()
        .filter_map(|&id| index.position_of(id))
    {
        if let Some(&r) = rep.get(p as usize).filter(|&&r| r != u32::MAX) {
            listed[r as usize] = true;
        }
    }
    let sanctioned: Vec<EntityId> = reps
        .iter()
        .filter(|&&r| listed[r as usize])
        .map(|&r| id_at(r))
        .collect();
    // An entity on its own keeps its mark; a group is marked by its owner's own record.
    let synthetic: Vec<EntityId> = entities
        .iter()
        .copied()
        .filter(|&g| {
            if groups.contains_key(&g) {
                index.is_synthetic_entity(g)
            } else {
                graph.is_synthetic(g)
            }
        })
        .collect();

    let mut links = Vec::with_capacity(graph.links.len());
    let mut merged: FxHashMap<(LinkKind, EntityId, EntityId), Link> = FxHashMap::default();
    let mut internal_shipments: BTreeMap<EntityId, u64> = BTreeMap::new();
    for l in graph.links {
        let (s, t) = (rep_of(l.source), rep_of(l.target));
        if (s, t) == (l.source, l.target) && !groups.contains_key(&s) && !groups.contains_key(&t) {
            // Two entities on their own: the link is theirs alone.
            links.push(l);
            continue;
        }
        if s == t {
            if l.kind == LinkKind::Trade {
                *internal_shipments.entry(s).or_default() += u64::from(l.shipments);
            }
            continue;
        }
        merged
            .entry((l.kind, s, t))
            .and_modify(|m| {
                m.shipments += l.shipments;
                m.value_usd += l.value_usd;
                m.first = min_day(m.first, l.first);
                m.last = m.last.max(l.last);
                m.part_types = PartSet(m.part_types.0 | l.part_types.0);
                m.synthetic = match l.kind {
                    LinkKind::Trade => m.synthetic + l.synthetic,
                    LinkKind::Ownership => m.synthetic.max(l.synthetic),
                };
            })
            .or_insert(Link {
                source: s,
                target: t,
                ..l
            });
    }
    // The links passed through are in order already; the merged ones are sorted apart and
    // the two lists merged, rather than sorting them all again.
    let key = |l: &Link| (l.kind, l.source, l.target);
    let mut joined: Vec<Link> = merged.into_values().collect();
    joined.sort_unstable_by_key(key);
    let links = if joined.is_empty() {
        links
    } else {
        let mut out = Vec::with_capacity(links.len() + joined.len());
        let (mut a, mut b) = (links.into_iter().peekable(), joined.into_iter().peekable());
        loop {
            let take_a = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => key(x) <= key(y),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            out.extend(if take_a { a.next() } else { b.next() });
        }
        out
    };
    FilteredGraph {
        entities,
        links,
        shipments: graph.shipments,
        value_usd: graph.value_usd,
        sanctioned,
        as_of: graph.as_of,
        synthetic,
        groups,
        internal_shipments,
    }
}

fn min_day(a: Option<crate::date::Day>, b: Option<crate::date::Day>) -> Option<crate::date::Day> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}
