//! The filter panel's provenance and roll-up sections: which records (sourced, synthetic, by
//! source) and whether entities are grouped by parent company or by ultimate owner.

use std::collections::BTreeSet;

use egui::RichText;

use crate::explorer::Explorer;
use crate::filter::Filter;
use crate::index::ShipmentIndex;
use crate::provenance::{SOURCED, SYNTHETIC};
use crate::rollup::GroupBy;

/// Sources listed by name at most (the rest are counted).
const SOURCES_LISTED: usize = 40;

/// Sourced and synthetic switches, and the sources one by one.
pub fn provenance_section(
    index: &ShipmentIndex,
    base: &Filter,
    filter: &mut Filter,
    ui: &mut egui::Ui,
) {
    let (synthetic, all) = index.synthetic_shipments();
    ui.label(RichText::new("Provenance").strong())
        .on_hover_text(
            "Where each record comes from: its source. Synthetic records (their source starts \
             with \"synthetic\") are made up and drawn washed out.",
        );
    if all == 0 {
        ui.label(RichText::new("No shipments").weak());
        return;
    }
    let terms: BTreeSet<String> = base
        .provenance
        .clone()
        .unwrap_or_else(|| BTreeSet::from([SOURCED.to_owned(), SYNTHETIC.to_owned()]));
    let mut sourced = terms.contains(SOURCED);
    let mut made_up = terms.contains(SYNTHETIC);
    let mut changed = false;
    changed |= ui
        .add_enabled(
            synthetic < all,
            egui::Checkbox::new(
                &mut sourced,
                format!(
                    "Sourced ({})",
                    super::panels::count(all - synthetic, "shipment", "shipments")
                ),
            ),
        )
        .changed();
    changed |= ui
        .add_enabled(
            synthetic > 0,
            egui::Checkbox::new(
                &mut made_up,
                format!(
                    "Synthetic, made up ({})",
                    super::panels::count(synthetic, "shipment", "shipments")
                ),
            ),
        )
        .on_hover_text(
            "The sample's fictional world, or data imported with a source starting \"synthetic\"",
        )
        .changed();
    if synthetic == all {
        ui.label(RichText::new("Every record here is synthetic").weak());
    } else if synthetic == 0 {
        ui.label(RichText::new("No record here is synthetic").weak());
    }
    let mut chosen: BTreeSet<String> = terms
        .iter()
        .filter(|t| *t != SOURCED && *t != SYNTHETIC)
        .cloned()
        .collect();
    egui::CollapsingHeader::new("By source")
        .id_salt("provenance-sources")
        .default_open(false)
        .show(ui, |ui| {
            let sources = index.shipment_sources();
            for (source, n) in sources.iter().take(SOURCES_LISTED) {
                let mut on = chosen.contains(*source);
                let label = format!(
                    "{}  ({n})",
                    crate::provenance::short_source(
                        if source.is_empty() {
                            "(no source)"
                        } else {
                            source
                        },
                        44
                    )
                );
                if ui
                    .checkbox(&mut on, label)
                    .on_hover_text(crate::text::inert(source))
                    .changed()
                {
                    changed = true;
                    if on {
                        chosen.insert((*source).to_owned());
                    } else {
                        chosen.remove(*source);
                    }
                }
            }
            if sources.len() > SOURCES_LISTED {
                ui.label(
                    RichText::new(format!(
                        "and {} more sources (lading stats --provenance SOURCE)",
                        sources.len() - SOURCES_LISTED
                    ))
                    .weak(),
                );
            }
        });
    if !changed {
        return;
    }
    let mut next = chosen;
    if sourced {
        next.insert(SOURCED.to_owned());
    }
    if made_up {
        next.insert(SYNTHETIC.to_owned());
    }
    // Both classes are everything, whatever single sources are ticked.
    filter.provenance = if sourced && made_up { None } else { Some(next) };
}

/// The roll-up choice, and the groups opened in place.
pub fn group_section(explorer: &Explorer, base: &Filter, filter: &mut Filter, ui: &mut egui::Ui) {
    ui.label(RichText::new("Group entities").strong())
        .on_hover_text(
            "Fold subsidiaries and plants into their owner: links between groups add up their \
         members' shipments. Double-click a group to open it in place.",
        );
    let mut by = base.group_by;
    ui.radio_value(&mut by, None, "Each entity on its own");
    for g in GroupBy::ALL {
        ui.radio_value(&mut by, Some(g), g.label());
    }
    if by != base.group_by {
        filter.group_by = by;
        filter.open_groups.clear();
    }
    let graph = explorer.graph();
    if base.group_by.is_some() {
        ui.label(
            RichText::new(format!(
                "{} shown",
                super::panels::count(graph.groups.len() as u64, "group", "groups")
            ))
            .weak(),
        );
        if !base.open_groups.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!(
                    "{} open",
                    super::panels::count(base.open_groups.len() as u64, "group", "groups")
                ));
                if ui.small_button("close all").clicked() {
                    filter.open_groups.clear();
                }
            });
        }
        let choices = &explorer.owners().choices;
        let ties = choices.iter().filter(|c| c.tie).count();
        if ties > 0 || !explorer.owners().in_cycles.is_empty() {
            ui.label(
                RichText::new(format!(
                    "A guess: {} with equal or unknown shares went to the owner with the lowest \
                     id{}; the inspector says which",
                    super::panels::count(ties as u64, "entity", "entities"),
                    if explorer.owners().in_cycles.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "; {} in an ownership cycle form one group",
                            super::panels::count(
                                explorer.owners().in_cycles.len() as u64,
                                "entity",
                                "entities"
                            )
                        )
                    }
                ))
                .weak()
                .small(),
            );
        }
    }
}
