//! `lading stats`: what a filter selects, as text or JSON.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::filter_args::{FilterArgs, open_indexed};
use crate::filter::{FilteredGraph, LinkKind};
use crate::index::ShipmentIndex;
use crate::text::inert;

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// How many links to list.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Only the database's own counts: shipments and value by month, counted by the
    /// database (a team database's server) without loading the network. No filter flags.
    #[arg(long)]
    pub by_month: bool,
}

/// The JSON `lading stats --json` prints.
#[derive(Debug, Serialize, PartialEq)]
pub struct Stats {
    pub entities: usize,
    pub ownership_links: usize,
    pub trade_links: usize,
    pub shipments: u64,
    pub value_usd: f64,
    /// Shown entities whose own record is synthetic (made up).
    pub synthetic_entities: usize,
    /// Shipments on the shown trade links that are synthetic.
    pub synthetic_shipments: u64,
    pub top_links: Vec<TopLink>,
    /// With `--group-by`: the groups, largest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSummary>,
    /// With `--group-by`: entities with more than one owner on the day, and which one the
    /// roll-up followed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_choices: Vec<String>,
}

/// One group of a roll-up.
#[derive(Debug, Serialize, PartialEq)]
pub struct GroupSummary {
    /// The owner that names the group.
    pub owner: String,
    pub key: String,
    /// Shown entities in the group.
    pub members: usize,
    /// Shipments between members of the group (not drawn as links).
    pub internal_shipments: u64,
}

#[derive(Debug, Serialize, PartialEq)]
pub struct TopLink {
    pub shipper: String,
    pub consignee: String,
    pub shipments: u32,
    pub value_usd: f64,
    pub part_types: Vec<String>,
}

/// Summarises a filtered graph: links ordered by shipments, then value, then names.
pub fn summarize(index: &ShipmentIndex, graph: &FilteredGraph, top: usize) -> Stats {
    let name = |id| {
        index
            .entity(id)
            .map_or_else(|| id.to_string(), |e| e.name.clone())
    };
    let mut trade: Vec<_> = graph.trade_links().collect();
    trade.sort_by(|a, b| {
        b.shipments
            .cmp(&a.shipments)
            .then(b.value_usd.total_cmp(&a.value_usd))
            .then_with(|| name(a.source).cmp(&name(b.source)))
            .then_with(|| name(a.target).cmp(&name(b.target)))
    });
    Stats {
        entities: graph.entities.len(),
        ownership_links: graph
            .links
            .iter()
            .filter(|l| l.kind == LinkKind::Ownership)
            .count(),
        trade_links: trade.len(),
        shipments: graph.shipments,
        value_usd: (graph.value_usd * 100.0).round() / 100.0,
        top_links: trade
            .iter()
            .take(top)
            .map(|l| TopLink {
                shipper: name(l.source),
                consignee: name(l.target),
                shipments: l.shipments,
                value_usd: (l.value_usd * 100.0).round() / 100.0,
                part_types: l
                    .part_types
                    .iter()
                    .filter_map(|p| index.part_types().get(p).cloned())
                    .collect(),
            })
            .collect(),
        synthetic_entities: graph.synthetic.len(),
        synthetic_shipments: graph.trade_links().map(|l| u64::from(l.synthetic)).sum(),
        groups: {
            let mut groups: Vec<GroupSummary> = graph
                .groups
                .iter()
                .map(|(&g, members)| GroupSummary {
                    owner: name(g),
                    key: index.entity(g).map(|e| e.key.clone()).unwrap_or_default(),
                    members: members.len(),
                    internal_shipments: graph.internal_shipments.get(&g).copied().unwrap_or(0),
                })
                .collect();
            groups.sort_by(|a, b| b.members.cmp(&a.members).then(a.owner.cmp(&b.owner)));
            groups
        },
        owner_choices: Vec::new(),
    }
}

/// Sentences for the entities a roll-up had to choose an owner for.
pub fn owner_choices(index: &ShipmentIndex, owners: &crate::rollup::Owners) -> Vec<String> {
    let name = |id| {
        index
            .entity(id)
            .map_or_else(|| id.to_string(), |e| e.name.clone())
    };
    let mut out: Vec<String> = owners
        .choices
        .iter()
        .map(|c| {
            let others: Vec<String> = c.others.iter().map(|&o| name(o)).collect();
            format!(
                "{} has {} owners; rolled into {} ({}), not {}",
                name(c.entity),
                c.others.len() + 1,
                name(c.chosen),
                if c.tie {
                    "equal or unknown shares: the lowest id"
                } else {
                    "the largest share"
                },
                others.join(", ")
            )
        })
        .collect();
    if !owners.in_cycles.is_empty() {
        let names: Vec<String> = owners.in_cycles.iter().map(|&e| name(e)).collect();
        out.push(format!(
            "ownership cycle: {} own each other; one group, named after the lowest id",
            names.join(", ")
        ));
    }
    out
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    if args.by_month {
        let store = super::open_store(db)?;
        let months = store.months()?;
        if args.json {
            super::write_json(&months)?;
            return Ok(ExitCode::SUCCESS);
        }
        outln!("database      {}", store.path().display());
        outln!("month       shipments      value (USD)");
        for m in &months {
            outln!("{}  {:>12}  {:>15.0}", m.month, m.shipments, m.value_usd);
        }
        return Ok(ExitCode::SUCCESS);
    }
    let filter = args.filter.to_filter()?;
    let (store, index) = open_indexed(db, &filter)?;
    let graph = filter.apply(&index);
    let mut stats = summarize(&index, &graph, args.top);
    if let Some(by) = filter.group_by {
        stats.owner_choices =
            owner_choices(&index, &crate::rollup::Owners::new(&index, &filter, by));
    }
    if args.json {
        super::write_json(&stats)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("database      {}", store.path().display());
    if let Some(as_of) = graph.as_of {
        outln!("sanctions as of {as_of}");
    }
    outln!("entities      {:>12}", stats.entities);
    outln!("ownership     {:>12}", stats.ownership_links);
    outln!("trade links   {:>12}", stats.trade_links);
    outln!("shipments     {:>12}", stats.shipments);
    outln!("value (USD)   {:>12.0}", stats.value_usd);
    if stats.synthetic_entities > 0 || stats.synthetic_shipments > 0 {
        outln!(
            "synthetic     {:>12}  entities, {} shipments (made up: their source says \"synthetic\")",
            stats.synthetic_entities,
            stats.synthetic_shipments
        );
    }
    if !stats.groups.is_empty() {
        outln!("\ngroups (members, shipments inside the group):");
        for g in stats.groups.iter().take(args.top) {
            outln!(
                "  {:>5}  {:>8}  {}",
                g.members,
                g.internal_shipments,
                g.owner
            );
        }
    }
    for c in &stats.owner_choices {
        outln!("note: {c}");
    }
    if !stats.top_links.is_empty() {
        outln!("\ntop links (shipments, value USD, part types):");
        for l in &stats.top_links {
            outln!(
                "  {:>5}  {:>14.0}  {} → {}  [{}]",
                l.shipments,
                l.value_usd,
                inert(&l.shipper),
                inert(&l.consignee),
                inert(&l.part_types.join(", "))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
