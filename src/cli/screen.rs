//! `lading screen`: the screening of a filter's network: listed entities by authority, and
//! trade links that carried shipments while a party was listed.

use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use super::filter_args::{FilterArgs, open_indexed};
use crate::index::ShipmentIndex;
use crate::screening::Screening;
use crate::text::inert;

#[derive(clap::Args, Debug, Default)]
pub struct Args {
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Serialize)]
struct Listed {
    entity: String,
    key: String,
    /// Made up (the sample's synthetic world): its listings are not real sanctions.
    synthetic: bool,
    /// With `--group-by`: the owner naming its group.
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<String>,
    in_force: bool,
    listings: Vec<ListingOut>,
}

#[derive(Debug, Serialize)]
struct ListingOut {
    authority: String,
    program: String,
    listed_on: String,
    delisted_on: Option<String>,
    source: String,
}

#[derive(Debug, Serialize)]
struct AfterOut {
    shipper: String,
    consignee: String,
    shipments: u32,
    value_usd: f64,
    first: String,
    last: String,
    shipper_listed: bool,
    consignee_listed: bool,
}

#[derive(Debug, Serialize)]
struct Report {
    as_of: String,
    listed: Vec<Listed>,
    shipped_after_listing: Vec<AfterOut>,
}

fn report(
    index: &ShipmentIndex,
    screening: &Screening,
    graph: &crate::filter::FilteredGraph,
    as_of: String,
) -> Report {
    let group_of: std::collections::HashMap<i64, i64> = graph
        .groups
        .iter()
        .flat_map(|(&g, members)| members.iter().map(move |&m| (m, g)))
        .collect();
    let name = |id| {
        index
            .entity(id)
            .map_or_else(String::new, |e| e.name.clone())
    };
    Report {
        as_of,
        listed: screening
            .listed
            .iter()
            .map(|e| Listed {
                entity: e.name.clone(),
                key: index
                    .entity(e.id)
                    .map_or_else(String::new, |x| x.key.clone()),
                synthetic: index.is_synthetic_entity(e.id),
                group: group_of.get(&e.id).map(|&g| name(g)),
                in_force: e.in_force,
                listings: e
                    .listings
                    .iter()
                    .map(|s| ListingOut {
                        authority: s.authority.clone(),
                        program: s.program.clone(),
                        listed_on: s.listed_on.to_string(),
                        delisted_on: s.delisted_on.map(|d| d.to_string()),
                        source: s.source.clone(),
                    })
                    .collect(),
            })
            .collect(),
        shipped_after_listing: screening
            .after_listing
            .iter()
            .map(|a| AfterOut {
                shipper: name(a.shipper),
                consignee: name(a.consignee),
                shipments: a.shipments,
                value_usd: (a.value_usd * 100.0).round() / 100.0,
                first: a.first.to_string(),
                last: a.last.to_string(),
                shipper_listed: a.shipper_listed,
                consignee_listed: a.consignee_listed,
            })
            .collect(),
    }
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    let filter = args.filter.to_filter()?;
    let (_store, index) = open_indexed(db, &filter)?;
    let graph = filter.apply(&index);
    let screening = Screening::build(&index, &filter, &graph);
    let report = report(
        &index,
        &screening,
        &graph,
        filter.as_of_day(&index).to_string(),
    );
    if args.json {
        super::write_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    outln!("sanctions as of {}", report.as_of);
    outln!(
        "\nshipped after listing ({} links):",
        report.shipped_after_listing.len()
    );
    for a in &report.shipped_after_listing {
        let who = match (a.shipper_listed, a.consignee_listed) {
            (true, true) => "both listed",
            (true, false) => "shipper listed",
            _ => "consignee listed",
        };
        outln!(
            "  {:>5}  {} → {}  {} – {}  ({who})",
            a.shipments,
            inert(&a.shipper),
            inert(&a.consignee),
            a.first,
            a.last
        );
    }
    outln!("\nlisted entities ({}):", report.listed.len());
    for e in &report.listed {
        outln!(
            "  {}{}{}{}",
            inert(&e.entity),
            e.group
                .as_ref()
                .map_or_else(String::new, |g| format!("  [group: {}]", inert(g))),
            if e.synthetic {
                "  (synthetic: not a real listing)"
            } else {
                ""
            },
            if e.in_force { "" } else { " (not in force)" }
        );
        for s in &e.listings {
            let until = s
                .delisted_on
                .as_ref()
                .map_or_else(String::new, |d| format!(" until {d}"));
            outln!(
                "      {:<8} {:<24} since {}{until}  {}",
                inert(&s.authority),
                inert(&s.program),
                s.listed_on,
                inert(&s.source)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
