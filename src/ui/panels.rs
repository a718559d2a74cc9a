//! The filter panel, the status bar, and the small windows: search, help, the expansion
//! question and errors.

use std::collections::BTreeSet;

use egui::RichText;

use super::app::LadingApp;
use crate::explorer::Command;
use crate::filter::{Filter, SanctionStatus};
use crate::model::EntityKind;
use crate::text::{inert, inert_lines};

/// "$1.2m", "$48,000".
pub fn usd(value: f64) -> String {
    if value >= 1e9 {
        format!("${:.2}bn", value / 1e9)
    } else if value >= 1e6 {
        format!("${:.1}m", value / 1e6)
    } else {
        let whole = value.round() as u64;
        let digits = whole.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("${out}")
    }
}

/// The word for `n` of something: `noun(1, "shipment", "shipments")` is "shipment".
pub fn noun<'a>(n: u64, singular: &'a str, plural: &'a str) -> &'a str {
    if n == 1 { singular } else { plural }
}

/// `n` and its word: "1 shipment", "2 shipments", "0 entities", "3,305 shipments".
pub fn count(n: u64, singular: &str, plural: &str) -> String {
    format!("{} {}", thousands(n), noun(n, singular, plural))
}

/// A whole number with thousands separated by commas: "3,305".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "12 entities · 14 links · 30 shipments": what a graph shows.
pub fn graph_summary(g: &crate::filter::FilteredGraph) -> String {
    format!(
        "{} · {} · {}",
        count(g.entities.len() as u64, "entity", "entities"),
        count(g.links.len() as u64, "link", "links"),
        count(g.shipments, "shipment", "shipments")
    )
}

pub fn status_bar(app: &mut LadingApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        match app.explorer.as_ref() {
            Some(e) => {
                let g = e.graph();
                ui.label(format!("{} · {}", graph_summary(g), usd(g.value_usd)));
                ui.separator();
                ui.label(if e.is_filtering() {
                    "filtering…"
                } else if e.is_settled() {
                    "layout settled"
                } else {
                    "layout running…"
                });
                ui.separator();
                ui.label(RichText::new(inert(&e.db_path().display().to_string())).weak());
            }
            None => {
                ui.label("No database");
            }
        }
        if !app.ui.status.is_empty() {
            ui.separator();
            ui.label(inert(&app.ui.status));
        }
        if super::export_ui::picture_pending(app) {
            ui.separator();
            ui.spinner();
            ui.label("making the picture…");
        }
        if let Some(job) = &app.ui.import_job {
            ui.separator();
            ui.add(
                egui::ProgressBar::new(job.fraction())
                    .desired_width(160.0)
                    .text("importing")
                    // Animating repaints, so the window sees the import end without input.
                    .animate(true),
            );
        }
    });
}

/// Puts Mi-171E and Mi-171Sh first, then the rest by name.
fn part_order(parts: &[String]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| {
        let rank = ["Mi-171E", "Mi-171Sh"]
            .iter()
            .position(|p| *p == parts[i])
            .unwrap_or(2);
        (rank, parts[i].to_lowercase())
    });
    order
}

pub fn filter_panel(app: &mut LadingApp, ui: &mut egui::Ui) {
    if app.explorer.is_none() {
        ui.label("Open a database to filter it.");
        return;
    }
    let mut changed: Option<Filter> = None;
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.heading("Filter");
        if let Some(e) = app.explorer.as_ref() {
            ui.label(RichText::new(graph_summary(e.graph())).strong());
        }
        ui.add_space(6.0);
        ui.label(RichText::new("Dates").strong());
        super::timeline::timeline(app, ui);
        let Some(explorer) = app.explorer.as_ref() else {
            return;
        };
        let index = explorer.index();
        // The timeline may have changed the filter live: read it after.
        let base = explorer.filter().clone();
        let mut filter = base.clone();
        ui.add_space(8.0);
        super::filter_more::provenance_section(index, &base, &mut filter, ui);
        ui.add_space(8.0);
        super::filter_more::group_section(explorer, &base, &mut filter, ui);
        ui.add_space(8.0);

        ui.label(RichText::new("Part types").strong());
        let parts = index.part_types();
        let counts = base.part_counts(index);
        let mut selected: BTreeSet<String> = base
            .part_types
            .clone()
            .unwrap_or_else(|| parts.iter().cloned().collect());
        let mut parts_changed = false;
        ui.horizontal(|ui| {
            if ui.small_button("all").clicked() {
                selected = parts.iter().cloned().collect();
                parts_changed = true;
            }
            if ui.small_button("none").clicked() {
                selected.clear();
                parts_changed = true;
            }
        });
        for i in part_order(parts) {
            let name = &parts[i];
            let mut on = selected.contains(name);
            let label = format!("{}  ({})", inert(name), counts.get(i).copied().unwrap_or(0));
            if ui.checkbox(&mut on, label).changed() {
                parts_changed = true;
                if on {
                    selected.insert(name.clone());
                } else {
                    selected.remove(name);
                }
            }
        }
        if parts_changed {
            filter.part_types = if selected.len() == parts.len() {
                None
            } else {
                Some(selected)
            };
        }
        ui.add_space(8.0);

        ui.label(RichText::new("Sanctions").strong());
        ui.radio_value(
            &mut filter.sanction_status,
            SanctionStatus::Any,
            "Any shipment",
        );
        ui.radio_value(
            &mut filter.sanction_status,
            SanctionStatus::Sanctioned,
            "With a sanctioned party",
        );
        ui.radio_value(
            &mut filter.sanction_status,
            SanctionStatus::Unsanctioned,
            "No sanctioned party",
        );
        ui.label(RichText::new(format!("Listed as of {}", base.as_of_day(index).human())).weak());
        ui.horizontal_wrapped(|ui| {
            for authority in index.authorities() {
                let mut on =
                    filter.authorities.is_empty() || filter.authorities.contains(authority);
                if ui.checkbox(&mut on, inert(authority)).changed() {
                    if filter.authorities.is_empty() {
                        filter.authorities = index.authorities().iter().cloned().collect();
                    }
                    if on {
                        filter.authorities.insert(authority.clone());
                    } else {
                        filter.authorities.remove(authority);
                    }
                    if filter.authorities.len() == index.authorities().len() {
                        filter.authorities.clear();
                    }
                }
            }
        });
        ui.add_space(8.0);

        ui.label(RichText::new("Entities").strong());
        let mut kinds = filter
            .kinds
            .clone()
            .unwrap_or_else(|| EntityKind::ALL.into_iter().collect());
        let mut kinds_changed = false;
        for kind in EntityKind::ALL {
            let mut on = kinds.contains(&kind);
            if ui.checkbox(&mut on, kind.label()).changed() {
                kinds_changed = true;
                if on {
                    kinds.insert(kind);
                } else {
                    kinds.remove(&kind);
                }
            }
        }
        if kinds_changed {
            filter.kinds = if kinds.len() == EntityKind::ALL.len() {
                None
            } else {
                Some(kinds)
            };
        }
        egui::CollapsingHeader::new("Countries")
            .default_open(false)
            .show(ui, |ui| {
                let all: Vec<String> = index.countries().to_vec();
                let mut chosen = filter
                    .countries
                    .clone()
                    .unwrap_or_else(|| all.iter().cloned().collect());
                let mut changed = false;
                ui.horizontal_wrapped(|ui| {
                    for c in &all {
                        let mut on = chosen.contains(c);
                        let label = if c.is_empty() {
                            "unknown".into()
                        } else {
                            inert(c)
                        };
                        if ui.checkbox(&mut on, label).changed() {
                            changed = true;
                            if on {
                                chosen.insert(c.clone());
                            } else {
                                chosen.remove(c);
                            }
                        }
                    }
                });
                if changed {
                    filter.countries = if chosen.len() == all.len() {
                        None
                    } else {
                        Some(chosen)
                    };
                }
            });
        ui.checkbox(&mut filter.show_ownership, "Ownership links");
        ui.horizontal(|ui| {
            let label = ui.label("Min. shipments per link");
            ui.add(egui::DragValue::new(&mut filter.min_shipments).range(1..=10_000))
                .labelled_by(label.id);
        });
        if let Some(focus) = &filter.focus {
            let name = index
                .find(&focus.key)
                .map_or(focus.key.clone(), |e| e.name.clone());
            let name = inert(&name);
            ui.label(format!(
                "Focus: {} around {name}",
                count(u64::from(focus.depth), "hop", "hops")
            ));
            if ui.button("Clear focus").clicked() {
                filter.focus = None;
            }
        }
        ui.add_space(8.0);
        if ui.button("Reset filter").clicked() {
            // Back to what the window opened on: the story, when there is one.
            filter = crate::explorer::Explorer::story_filter(index);
        }
        ui.add_space(8.0);
        ui.label(
            RichText::new(inert_lines(&base.describe(index)))
                .weak()
                .italics(),
        );
        if filter != base {
            changed = Some(filter);
        }
    });
    if let Some(filter) = changed {
        if let Some(e) = app.explorer.as_ref()
            && filter.provenance != e.filter().provenance
        {
            // The opening message about what is shown no longer holds.
            app.ui.status = match &filter.provenance {
                None => "Showing sourced and synthetic records; synthetic ones are pale".into(),
                Some(terms) => format!(
                    "Showing {} records only",
                    terms.iter().cloned().collect::<Vec<_>>().join(" and ")
                ),
            };
        }
        app.send(Command::SetFilter(filter));
    }
}

pub fn search_window(app: &mut LadingApp, ctx: &egui::Context) {
    if !app.ui.search_open {
        return;
    }
    let mut open = true;
    let mut chosen = None;
    egui::Window::new("Find")
        .open(&mut open)
        .default_pos([420.0, 80.0])
        .resizable(false)
        .show(ctx, |ui| {
            let label = ui.label("Search");
            let edit_id = egui::Id::unique("find-query");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut app.ui.search_query)
                        .id(edit_id)
                        .hint_text("name or alias, any script")
                        .desired_width(320.0),
                )
                .labelled_by(label.id);
            if app.ui.search_focus {
                // Opening Find selects the last query, so typing starts a new one.
                edit.request_focus();
                if let Some(mut state) = egui::TextEdit::load_state(ui.ctx(), edit_id) {
                    let end = app.ui.search_query.chars().count();
                    state
                        .cursor
                        .set_char_range(Some(egui::text::CCursorRange::two(
                            egui::text::CCursor::new(0),
                            egui::text::CCursor::new(end),
                        )));
                    state.store(ui.ctx(), edit_id);
                }
                app.ui.search_focus = false;
            }
            let Some(e) = app.explorer.as_ref() else {
                return;
            };
            let results = e.search(&app.ui.search_query, 30);
            let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if enter && let Some((id, _)) = results.first() {
                chosen = Some(*id);
            }
            egui::ScrollArea::vertical()
                .max_height(360.0)
                .show(ui, |ui| {
                    for (id, name) in &results {
                        let shown = e.graph().entities.binary_search(id).is_ok();
                        let country = e
                            .index()
                            .entity(*id)
                            .map(|x| x.country.clone())
                            .unwrap_or_default();
                        let (name, country) = (inert(name), inert(&country));
                        let label = format!(
                            "{name}  · {country}{}",
                            if shown { "" } else { "  (not shown)" }
                        );
                        if ui.selectable_label(false, label).clicked() {
                            chosen = Some(*id);
                        }
                    }
                    if results.is_empty() && !app.ui.search_query.trim().is_empty() {
                        ui.label(RichText::new("No entity has that name or alias").weak());
                    }
                });
        });
    if let Some(id) = chosen {
        app.go_to(id);
    }
    app.ui.search_open = open;
}

pub const SHORTCUTS: &[(&str, &str)] = &[
    ("Drag background", "Pan"),
    ("Arrow keys", "Pan"),
    ("Wheel, pinch, + and -", "Zoom toward the pointer"),
    ("F", "Fit the network"),
    ("Drag an entity", "Place and pin it"),
    ("Click / Shift+click", "Select / add to selection"),
    ("Shift+drag background", "Select with a box"),
    (
        "Double-click an entity",
        "Expand its neighbours (a group: open it)",
    ),
    (
        "Right-click an entity",
        "Expand, collapse, hide, focus, pin, path to…",
    ),
    ("Delete", "Hide the selection"),
    ("Ctrl+F", "Find an entity by name or alias"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo"),
    ("Ctrl+O / Ctrl+Shift+O", "Open a session / a database"),
    ("Ctrl+S / Ctrl+Shift+S", "Save the session / save it as"),
    ("Ctrl+I", "Import a CSV or FtM file"),
    ("Ctrl+E", "Export the picture (PNG or SVG)"),
    (
        "Ctrl+Shift+L",
        "Screening: listed entities, links shipped after listing",
    ),
    ("L", "Labels on or off"),
    ("Space", "Play or pause the timeline"),
    ("F11", "Presentation mode (no panels)"),
    (
        "Esc",
        "Close the topmost window; else leave presentation mode, else clear the selection",
    ),
    ("F1 or ?", "This help"),
];

pub fn help_window(app: &mut LadingApp, ctx: &egui::Context) {
    let mut open = app.ui.help_open;
    egui::Window::new("Keyboard shortcuts")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            egui::Grid::new("shortcuts")
                .striped(true)
                .num_columns(2)
                .show(ui, |ui| {
                    for (keys, what) in SHORTCUTS {
                        ui.label(RichText::new(*keys).monospace());
                        ui.label(*what);
                        ui.end_row();
                    }
                });
        });
    app.ui.help_open = open;
}

pub fn expand_question(app: &mut LadingApp, ctx: &egui::Context) {
    let Some((id, count)) = app.ui.expand_ask else {
        return;
    };
    let name = app
        .explorer
        .as_ref()
        .and_then(|e| e.index().entity(id))
        .map(|e| e.name.clone())
        .unwrap_or_default();
    let mut answer: Option<Option<usize>> = None;
    let mut cancel = false;
    egui::Modal::new(egui::Id::unique("expand-question")).show(ctx, |ui| {
        ui.heading("Expand a busy entity?");
        ui.label(format!(
            "{} has {} that {} not shown.",
            inert(&name),
            self::count(count as u64, "neighbour", "neighbours"),
            if count == 1 { "is" } else { "are" }
        ));
        ui.horizontal(|ui| {
            if ui
                .button(format!(
                    "Show the {} busiest",
                    crate::explorer::EXPAND_ASK_ABOVE
                ))
                .clicked()
            {
                answer = Some(Some(crate::explorer::EXPAND_ASK_ABOVE));
            }
            if ui.button(format!("Show all {count}")).clicked() {
                answer = Some(None);
            }
            if ui.button("Cancel").clicked() {
                cancel = true;
            }
        });
    });
    if let Some(limit) = answer {
        app.send(Command::Expand { id, limit });
        app.ui.expand_ask = None;
    }
    if cancel {
        app.ui.expand_ask = None;
    }
}

pub fn error_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(message) = app.error.clone() else {
        return;
    };
    let mut close = false;
    egui::Modal::new(egui::Id::unique("error")).show(ctx, |ui| {
        ui.set_max_width(560.0);
        ui.heading("Lading could not do that");
        ui.label(inert_lines(&message));
        ui.add_space(8.0);
        if ui.button("OK").clicked() {
            close = true;
        }
    });
    if close {
        app.error = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_thousands() {
        assert_eq!(count(3305, "shipment", "shipments"), "3,305 shipments");
        assert_eq!(count(1, "hop", "hops"), "1 hop");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn money() {
        assert_eq!(usd(48_000.0), "$48,000");
        assert_eq!(usd(1_200_000.0), "$1.2m");
        assert_eq!(usd(0.4), "$0");
    }
}
