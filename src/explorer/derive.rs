//! The graph a doc gives: the filter's graph (its per-pair totals kept between calls), the
//! expanded entities' neighbourhoods merged in, hidden entities taken out, then the roll-up.
//! Free functions of the index and the doc, so the window can derive a graph on another
//! thread (`background.rs`) as well as on its own.

use std::collections::BTreeSet;

use super::Doc;
use crate::filter::{Filter, FilteredGraph, Focus, RunningTotals, SanctionStatus};
use crate::index::ShipmentIndex;
use crate::model::EntityId;

/// The graph the doc gives: filter, expansions, minus hidden entities, then rolled up.
/// The filter's per-pair totals are kept in `totals` between calls.
pub(crate) fn graph(index: &ShipmentIndex, doc: &Doc, totals: &mut RunningTotals) -> FilteredGraph {
    let mut graph = doc.filter.apply_ungrouped_with(index, totals);
    for (&id, &limit) in &doc.expanded {
        let extra = expansion(index, &doc.filter, id, limit, &graph);
        merge(&mut graph, extra);
    }
    if !doc.hidden.is_empty() {
        let hidden = &doc.hidden;
        graph.entities.retain(|id| !hidden.contains(id));
        graph
            .links
            .retain(|l| !hidden.contains(&l.source) && !hidden.contains(&l.target));
        graph.sanctioned.retain(|id| !hidden.contains(id));
    }
    let (shipments, value) = graph.trade_links().fold((0u64, 0.0), |(n, v), l| {
        (n + u64::from(l.shipments), v + l.value_usd)
    });
    graph.shipments = shipments;
    graph.value_usd = value;
    graph.synthetic.retain(|id| !doc.hidden.contains(id));
    crate::rollup::roll_up(index, &doc.filter, graph)
}

/// The filter relaxed to show everything around `id` that passes the dates and parts.
fn neighbourhood_filter(index: &ShipmentIndex, filter: &Filter, id: EntityId) -> Option<Filter> {
    let entity = index.entity(id)?;
    Some(Filter {
        focus: Some(Focus {
            key: entity.key.clone(),
            depth: 1,
        }),
        kinds: None,
        countries: None,
        min_shipments: 1,
        sanction_status: SanctionStatus::Any,
        show_ownership: true,
        ..filter.clone()
    })
}

/// What expanding `id` adds to `shown`.
pub(super) fn expansion(
    index: &ShipmentIndex,
    filter: &Filter,
    id: EntityId,
    limit: Option<usize>,
    shown: &FilteredGraph,
) -> FilteredGraph {
    let Some(filter) = neighbourhood_filter(index, filter, id) else {
        return FilteredGraph::default();
    };
    let mut around = filter.apply_ungrouped(index);
    let is_shown = |e: EntityId| shown.entities.binary_search(&e).is_ok();
    let mut keep: BTreeSet<EntityId> = BTreeSet::from([id]);
    let mut new_neighbours: Vec<(EntityId, u64)> = Vec::new();
    for l in &around.links {
        let other = if l.source == id { l.target } else { l.source };
        if other == id {
            continue;
        }
        if is_shown(other) {
            keep.insert(other);
        } else {
            new_neighbours.push((other, u64::from(l.shipments)));
        }
    }
    new_neighbours.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    new_neighbours.dedup_by_key(|(e, _)| *e);
    let take = limit.unwrap_or(usize::MAX);
    keep.extend(new_neighbours.iter().take(take).map(|(e, _)| *e));
    around.entities.retain(|e| keep.contains(e));
    around.links.retain(|l| {
        (l.source == id || l.target == id) && keep.contains(&l.source) && keep.contains(&l.target)
    });
    around.sanctioned.retain(|e| keep.contains(e));
    around
}

/// Adds `extra`'s entities and links to `graph` (both sorted; duplicates dropped).
fn merge(graph: &mut FilteredGraph, extra: FilteredGraph) {
    graph.entities.extend(extra.entities);
    graph.entities.sort_unstable();
    graph.entities.dedup();
    graph.links.extend(extra.links);
    graph.links.sort_by_key(|l| (l.kind, l.source, l.target));
    graph.links.dedup_by_key(|l| (l.kind, l.source, l.target));
    graph.sanctioned.extend(extra.sanctioned);
    graph.sanctioned.sort_unstable();
    graph.sanctioned.dedup();
    graph.synthetic.extend(extra.synthetic);
    graph.synthetic.sort_unstable();
    graph.synthetic.dedup();
}
