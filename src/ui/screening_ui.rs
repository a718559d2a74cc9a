//! The screening view (View → Screening, Ctrl+Shift+L): the shown network's listed
//! entities by authority, with dates and sources, and the trade links shipped after a
//! party's listing. Clicking an entity or a link selects it. The data is
//! [`crate::screening::Screening`]; this file only draws it.

use egui::{RichText, ScrollArea};

use super::LadingApp;
use crate::explorer::Command;
use crate::filter::LinkKind;
use crate::model::EntityId;
use crate::text::inert;

/// The view's two lists.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Listed,
    AfterListing,
}

/// What a click in the view asks for.
enum Pick {
    Entity(EntityId),
    Link(EntityId, EntityId),
}

pub fn screening_window(app: &mut LadingApp, ctx: &egui::Context) {
    if !app.ui.screening_open {
        return;
    }
    let mut open = true;
    let mut pick = None;
    let mut tab = app.ui.screening_tab;
    egui::Window::new("Screening")
        .open(&mut open)
        .default_pos([320.0, 60.0])
        .default_size([640.0, 460.0])
        .max_width(820.0)
        .resizable(true)
        .show(ctx, |ui| {
            let Some(explorer) = app.explorer.as_ref() else {
                ui.label("Open a database first.");
                return;
            };
            let screening = explorer.screening();
            let index = explorer.index();
            let name = |id: EntityId| index.entity(id).map_or("?".into(), |e| inert(&e.name));
            ui.label(format!(
                "{} listed {} in this network · {} {} shipped after listing",
                screening.listed.len(),
                if screening.listed.len() == 1 {
                    "entity"
                } else {
                    "entities"
                },
                screening.after_listing.len(),
                if screening.after_listing.len() == 1 {
                    "link"
                } else {
                    "links"
                },
            ));
            ui.label(
                RichText::new(format!(
                    "Listings as of {}; the filter's authorities apply.",
                    explorer.filter().as_of_day(index).human()
                ))
                .weak(),
            );
            ui.horizontal(|ui| {
                ui.selectable_value(&mut tab, Tab::Listed, "Listed entities, by authority");
                ui.selectable_value(&mut tab, Tab::AfterListing, "Shipped after listing");
            });
            ui.separator();
            ScrollArea::vertical().show(ui, |ui| match tab {
                Tab::AfterListing => {
                    if screening.after_listing.is_empty() {
                        ui.label("No shown link carried a shipment while a party was listed.");
                    } else {
                        egui::Grid::new("after-listing")
                            .striped(true)
                            .num_columns(4)
                            .show(ui, |ui| {
                                ui.label(RichText::new("Link").strong());
                                ui.label(RichText::new("Shipments").strong());
                                ui.label(RichText::new("Dates").strong());
                                ui.label(RichText::new("Listed party").strong());
                                ui.end_row();
                                for a in &screening.after_listing {
                                    let text =
                                        format!("{} → {}", name(a.shipper), name(a.consignee));
                                    if ui.link(text).clicked() {
                                        pick = Some(Pick::Link(a.shipper, a.consignee));
                                    }
                                    ui.label(a.shipments.to_string());
                                    ui.label(format!("{} – {}", a.first.human(), a.last.human()));
                                    ui.label(match (a.shipper_listed, a.consignee_listed) {
                                        (true, true) => "both",
                                        (true, false) => "shipper",
                                        _ => "consignee",
                                    });
                                    ui.end_row();
                                }
                            });
                    }
                }
                Tab::Listed => {
                    if screening.listed.is_empty() {
                        ui.label("No shown entity has a sanctions listing.");
                    }
                    for (authority, rows) in screening.by_authority() {
                        egui::CollapsingHeader::new(format!(
                            "{} ({})",
                            inert(authority),
                            rows.len()
                        ))
                        .default_open(true)
                        .show(ui, |ui| {
                            egui::Grid::new(("listed", authority))
                                .striped(true)
                                .num_columns(3)
                                .show(ui, |ui| {
                                    for (entity, listing) in rows {
                                        let label = if entity.in_force {
                                            RichText::new(inert(&entity.name))
                                        } else {
                                            RichText::new(inert(&entity.name)).weak()
                                        };
                                        if ui.link(label).clicked() {
                                            pick = Some(Pick::Entity(entity.id));
                                        }
                                        ui.label(match listing.delisted_on {
                                            Some(end) => format!(
                                                "{} – {}",
                                                listing.listed_on.human(),
                                                end.human()
                                            ),
                                            None => {
                                                format!("since {}", listing.listed_on.human())
                                            }
                                        });
                                        // The program, with its source on hover (a link
                                        // when the source is a web address).
                                        let program = ui
                                            .add(
                                                egui::Label::new(inert(&listing.program))
                                                    .truncate(),
                                            )
                                            .on_hover_text(format!(
                                                "{}\nSource: {}",
                                                inert(&listing.program),
                                                inert(&listing.source)
                                            ));
                                        if listing.source.starts_with("http") && program.clicked() {
                                            ui.ctx()
                                                .open_url(egui::OpenUrl::new_tab(&listing.source));
                                        }
                                        ui.end_row();
                                    }
                                });
                        });
                    }
                }
            });
        });
    app.ui.screening_open = open;
    app.ui.screening_tab = tab;
    match pick {
        Some(Pick::Entity(id)) => app.go_to(id),
        Some(Pick::Link(from, to)) => app.send(Command::SelectLink(from, to, LinkKind::Trade)),
        None => {}
    }
}
