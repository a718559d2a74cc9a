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
}

/// The JSON `lading stats --json` prints.
#[derive(Debug, Serialize, PartialEq)]
pub struct Stats {
    pub entities: usize,
    pub ownership_links: usize,
    pub trade_links: usize,
    pub shipments: u64,
    pub value_usd: f64,
    pub top_links: Vec<TopLink>,
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
    }
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let filter = args.filter.to_filter()?;
    let (store, index) = open_indexed(db, &filter)?;
    let graph = filter.apply(&index);
    let stats = summarize(&index, &graph, args.top);
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
