//! The inspector: what the selection is. For an entity: names in their own scripts, kind,
//! country, the ownership chain up to the state owner (each step clickable), sanctions
//! listings, and a sortable table of its shipments in the filter, where clicking a
//! counterpart selects it. For a link: all of its shipments. For a path: its hops.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use super::app::LadingApp;
use super::panels::usd;
use crate::annotation::Target;
use crate::explorer::{Command, Explorer};
use crate::filter::LinkKind;
use crate::model::{EntityId, Shipment};
use crate::text::{inert, inert_lines};

/// Columns of the shipments table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
enum SortBy {
    #[default]
    Date,
    Counterpart,
    PartType,
    Value,
}

pub fn inspector_panel(app: &mut LadingApp, ui: &mut egui::Ui) {
    let Some(has_path) = app.explorer.as_ref().map(|e| !e.path.is_empty()) else {
        return;
    };
    // The panel keeps its width whatever it shows: long names wrap, wide tables scroll.
    ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Wrap);
    egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
        if has_path {
            path_section(app, ui);
            ui.separator();
        }
        let Some(explorer) = app.explorer.as_ref() else {
            return;
        };
        if let Some((a, b, kind)) = explorer.selected_link {
            link_section(app, ui, a, b, kind);
        } else if explorer.selection.len() == 1 {
            if let Some(&id) = explorer.selection.iter().next() {
                entity_section(app, ui, id);
            }
        } else if explorer.selection.len() > 1 {
            ui.heading(format!("{} selected", super::panels::count(explorer.selection.len() as u64, "entity", "entities")));
            let ids: Vec<EntityId> = explorer.selection.iter().copied().collect();
            for id in ids {
                let name = name_of(app.explorer.as_ref(), id);
                if ui.link(name).clicked() {
                    app.send(Command::Select { ids: vec![id], additive: false });
                }
            }
            if ui.button("Hide these").clicked() {
                let ids = app.explorer.as_ref().map(|e| e.selection.iter().copied().collect()).unwrap_or_default();
                app.send(Command::Hide(ids));
            }
        } else {
            ui.heading("Inspector");
            ui.label("Click an entity or a link to see who owns it, what it shipped and received, and its sanctions listings.");
            ui.add_space(6.0);
            ui.label(RichText::new("Ctrl+F finds an entity by any of its names.").weak());
        }
    });
}

/// Where an entity's record comes from: sourced (with its source) or synthetic.
fn provenance_line(ui: &mut egui::Ui, e: &Explorer, entity: &crate::model::Entity) {
    let synthetic = e.index().is_synthetic_entity(entity.id);
    let text = if synthetic {
        "Synthetic: a made-up entity (not real)".to_owned()
    } else {
        "Sourced".to_owned()
    };
    let line = ui.label(if synthetic {
        RichText::new(text).italics().strong()
    } else {
        RichText::new(text).weak()
    });
    if !entity.source.is_empty() {
        line.on_hover_text(format!("Source: {}", entity.source));
    }
}

/// The tooltip's text with the entity's provenance and group said first.
pub fn with_provenance(e: &Explorer, id: EntityId, text: String) -> String {
    let mut out = text;
    if let Some(members) = e.graph().groups.get(&id) {
        out.push_str(&format!(
            "\nGroup of {} (double-click opens it)",
            super::panels::count(members.len() as u64, "entity", "entities")
        ));
    }
    if e.index().is_synthetic_entity(id) {
        out.push_str("\nSynthetic: made up, not a real company");
    } else if !e.graph().groups.contains_key(&id) {
        out.push_str("\nSourced");
    }
    out
}

/// A group's members, the shipments inside it, and how the roll-up chose its owners.
fn group_section(app: &mut LadingApp, ui: &mut egui::Ui, id: EntityId) {
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    let mut send = None;
    if let Some(members) = e.graph().groups.get(&id) {
        ui.add_space(4.0);
        ui.label(
            RichText::new(format!(
                "A group of {}",
                super::panels::count(members.len() as u64, "entity", "entities")
            ))
            .strong(),
        );
        if let Some(&n) = e.graph().internal_shipments.get(&id) {
            ui.label(format!(
                "{} between its members (not drawn)",
                super::panels::count(n, "shipment", "shipments")
            ));
        }
        egui::CollapsingHeader::new("Members")
            .id_salt(("members", id))
            .show(ui, |ui| {
                for &m in members {
                    ui.label(name_of(Some(e), m));
                }
            });
        if ui.button("Open group").clicked() {
            send = Some(Command::OpenGroup(id));
        }
    } else if let Some(g) = e.group_of(id).filter(|&g| g != id)
        && e.index()
            .entity(g)
            .is_some_and(|x| e.filter().open_groups.contains(&x.key))
    {
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("In the opened group of {}", name_of(Some(e), g)));
            if ui.small_button("Close group").clicked() {
                send = Some(Command::CloseGroup(g));
            }
        });
    }
    if e.filter().group_by.is_some()
        && let Some(c) = e.owners().choices.iter().find(|c| c.entity == id)
    {
        let others: Vec<String> = c.others.iter().map(|&o| name_of(Some(e), o)).collect();
        ui.label(
            RichText::new(format!(
                "Has {} owners; grouped with {} ({}), not {}",
                c.others.len() + 1,
                name_of(Some(e), c.chosen),
                if c.tie {
                    "a guess: equal or unknown shares, so the owner with the lowest id"
                } else {
                    "the largest share"
                },
                others.join(", ")
            ))
            .weak(),
        );
    }
    if let Some(c) = send {
        app.send(c);
    }
}

/// The warning under a name (or its aliases) with control or invisible characters: they are
/// shown marked, and this says which and why it matters.
fn hidden_warning(ui: &mut egui::Ui, what: &str, name: &str, aliases: &[String]) {
    let all = std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(warning) = crate::text::hidden_warning(what, &all) {
        ui.label(RichText::new(warning).color(ui.visuals().warn_fg_color));
    }
}

fn name_of(explorer: Option<&Explorer>, id: EntityId) -> String {
    explorer
        .and_then(|e| e.index().entity(id))
        .map_or_else(|| format!("#{id}"), |e| inert(&e.name).into_owned())
}

fn path_section(app: &mut LadingApp, ui: &mut egui::Ui) {
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    let path = e.path.clone();
    ui.heading(format!(
        "Path: {}",
        super::panels::count(path.len().saturating_sub(1) as u64, "hop", "hops")
    ));
    let mut select = None;
    for (i, &id) in path.iter().enumerate() {
        if i > 0 {
            let (a, b) = (path[i - 1], id);
            let link = e
                .graph()
                .links
                .iter()
                .find(|l| (l.source == a && l.target == b) || (l.source == b && l.target == a));
            let text = match link {
                Some(l) if l.kind == LinkKind::Ownership => {
                    if l.source == a {
                        "  ↓ owns".to_owned()
                    } else {
                        "  ↓ is owned by".to_owned()
                    }
                }
                Some(l) => format!(
                    "  ↓ {} {} ({})",
                    if l.source == a { "shipped" } else { "received" },
                    super::panels::count(u64::from(l.shipments), "shipment", "shipments"),
                    usd(l.value_usd)
                ),
                None => "  ↓".to_owned(),
            };
            ui.label(RichText::new(text).weak());
        }
        if ui.link(name_of(Some(e), id)).clicked() {
            select = Some(id);
        }
    }
    if ui.button("Clear path").clicked() {
        app.send(Command::ClearPath);
    }
    if let Some(id) = select {
        app.send(Command::Select {
            ids: vec![id],
            additive: false,
        });
    }
}

fn entity_section(app: &mut LadingApp, ui: &mut egui::Ui, id: EntityId) {
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    let Some(entity) = e.index().entity(id).cloned() else {
        return;
    };
    ui.heading(inert(&entity.name));
    if !entity.aliases.is_empty() {
        for alias in &entity.aliases {
            ui.label(RichText::new(inert(alias)).italics());
        }
    }
    hidden_warning(ui, "name", &entity.name, &entity.aliases);
    provenance_line(ui, e, &entity);
    super::identity_info::entity_identity(app, ui, id);
    group_section(app, ui, id);
    annotation_section(app, ui, Target::Entity(entity.key.clone()), "entity");
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    ui.label(format!(
        "{} · {}{}",
        entity.kind.label(),
        if entity.country.is_empty() {
            "country unknown".into()
        } else {
            inert(&entity.country)
        },
        if entity.state_owned {
            " · state-owned"
        } else {
            ""
        }
    ));
    ui.label(
        RichText::new(format!("key: {}", inert(&entity.key)))
            .weak()
            .small(),
    );

    ui.add_space(6.0);
    ui.label(RichText::new("Ownership chain").strong());
    let chain = e.ownership_chain(id);
    let mut select = None;
    if chain.len() == 1 {
        ui.label(RichText::new("No owner recorded").weak());
    }
    for (i, &step) in chain.iter().enumerate() {
        let name = name_of(Some(e), step);
        let indent = "   ".repeat(i);
        ui.horizontal_wrapped(|ui| {
            ui.label(format!("{indent}{}", if i == 0 { "•" } else { "↑" }));
            if i == 0 {
                ui.label(RichText::new(name).strong());
            } else if ui.link(name).clicked() {
                select = Some(step);
            }
        });
    }
    let owned = e.index().owned_by(id);
    if !owned.is_empty() {
        egui::CollapsingHeader::new(format!("Owns {}", owned.len())).show(ui, |ui| {
            for o in owned {
                if ui.link(name_of(Some(e), o)).clicked() {
                    select = Some(o);
                }
            }
        });
    }

    ui.add_space(6.0);
    ui.label(RichText::new("Sanctions listings").strong());
    let listings = e.index().listings_of(id);
    if listings.is_empty() {
        ui.label(RichText::new("None recorded").weak());
    }
    let as_of = e.graph().as_of;
    for s in listings {
        let active = as_of.is_none_or(|d| s.covers(d));
        let mut line = format!(
            "{} · {} · listed {}",
            inert(&s.authority),
            inert(&s.program),
            s.listed_on.human()
        );
        if let Some(d) = s.delisted_on {
            line.push_str(&format!(" · until {}", d.human()));
        }
        let text = RichText::new(line);
        ui.label(if active {
            text.color(super::canvas::color(app.style.sanction_ring))
        } else {
            text.weak()
        })
        .on_hover_text(inert_lines(&format!("{}\nSource: {}", s.reason, s.source)));
    }

    ui.add_space(6.0);
    super::brokers_ui::inspector_lines(app, ui, id);
    ui.add_space(6.0);
    ui.horizontal_wrapped(|ui| {
        if ui.button("Expand").clicked() {
            app.expand(id);
        }
        if ui.button("Hide").clicked() {
            app.send(Command::Hide(vec![id]));
        }
        if ui.button("Focus").clicked() {
            app.send(Command::Focus(Some((id, app.ui.focus_depth))));
        }
        if ui.button("Path to…").clicked() {
            app.ui.path_from = Some(id);
        }
    });

    ui.add_space(6.0);
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    let mut shipments = e.shipments(Some(id), None).unwrap_or_default();
    shipments.extend(e.shipments(None, Some(id)).unwrap_or_default());
    ui.label(
        RichText::new(format!(
            "{} in the filter",
            super::panels::count(shipments.len() as u64, "shipment", "shipments")
        ))
        .strong(),
    );
    if let Some(other) = shipments_table(app, ui, &mut shipments, Some(id)) {
        select = Some(other);
    }
    if let Some(s) = select {
        app.send(Command::Select {
            ids: vec![s],
            additive: false,
        });
    }
}

fn link_section(app: &mut LadingApp, ui: &mut egui::Ui, a: EntityId, b: EntityId, kind: LinkKind) {
    let Some(e) = app.explorer.as_ref() else {
        return;
    };
    let (an, bn) = (name_of(Some(e), a), name_of(Some(e), b));
    let key = |id| {
        e.index()
            .entity(id)
            .map(|x| x.key.clone())
            .unwrap_or_default()
    };
    let target = Target::Link {
        source: key(a),
        target: key(b),
        kind,
    };
    let mut select = None;
    match kind {
        LinkKind::Ownership => {
            ui.heading("Ownership");
            if ui.link(&an).clicked() {
                select = Some(a);
            }
            ui.label("owns");
            if ui.link(&bn).clicked() {
                select = Some(b);
            }
            annotation_section(app, ui, target.clone(), "link");
        }
        LinkKind::Trade => {
            ui.heading("Trade link");
            ui.horizontal_wrapped(|ui| {
                if ui.link(&an).clicked() {
                    select = Some(a);
                }
                ui.label("→");
                if ui.link(&bn).clicked() {
                    select = Some(b);
                }
            });
            annotation_section(app, ui, target.clone(), "link");
            let Some(e) = app.explorer.as_ref() else {
                return;
            };
            let mut shipments = e.shipments(Some(a), Some(b)).unwrap_or_default();
            let total: f64 = shipments.iter().filter_map(|s| s.value_usd).sum();
            ui.label(format!(
                "{} in the filter · {}",
                super::panels::count(shipments.len() as u64, "shipment", "shipments"),
                usd(total)
            ));
            let synthetic = shipments
                .iter()
                .filter(|s| crate::provenance::is_synthetic(&s.source))
                .count();
            if synthetic > 0 {
                ui.label(
                    RichText::new(format!(
                        "Synthetic (made up): {synthetic} of {}",
                        shipments.len()
                    ))
                    .italics(),
                );
            }
            if let Some(other) = shipments_table(app, ui, &mut shipments, None) {
                select = Some(other);
            }
        }
    }
    if let Some(s) = select {
        app.send(Command::Select {
            ids: vec![s],
            additive: false,
        });
    }
}

/// The note on an entity or link (a multi-line field, saved with the session) and its
/// highlight colour. Typing is one undo step per visit to the field.
fn annotation_section(app: &mut LadingApp, ui: &mut egui::Ui, target: Target, what: &str) {
    let Some(explorer) = app.explorer.as_mut() else {
        return;
    };
    let mut text = explorer
        .doc()
        .annotations
        .notes
        .get(&target)
        .cloned()
        .unwrap_or_default();
    ui.add_space(4.0);
    let label = ui.label(RichText::new("Note").strong());
    let edit = ui
        .add(
            egui::TextEdit::multiline(&mut text)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text(format!("A note on this {what}, saved with the session")),
        )
        .labelled_by(label.id);
    // A note from a session made elsewhere: say what hides in it (the field edits it as is).
    if let Some(warning) = crate::text::hidden_warning("note", &text.replace(['\n', '\t'], " ")) {
        ui.label(
            RichText::new(warning)
                .small()
                .color(ui.visuals().warn_fg_color),
        );
    }
    if app.ui.focus_note {
        edit.request_focus();
        app.ui.focus_note = false;
    }
    if edit.gained_focus() {
        explorer.begin_gesture();
    }
    if edit.changed() {
        let cleaned = crate::annotation::clean_text(&text);
        let t = target.clone();
        explorer.edit_annotations_live(move |a| {
            if cleaned.trim().is_empty() {
                a.notes.remove(&t);
            } else {
                a.notes.insert(t, cleaned);
            }
        });
    }
    if edit.lost_focus() {
        explorer.end_gesture();
    }
    super::canvas::highlight_menu(app, ui, target);
    ui.add_space(4.0);
}

/// A sortable table of shipments. `me`: the entity whose shipments these are (the other
/// party is the counterpart); `None` for a link. Returns a clicked counterpart.
fn shipments_table(
    app: &mut LadingApp,
    ui: &mut egui::Ui,
    shipments: &mut [Shipment],
    me: Option<EntityId>,
) -> Option<EntityId> {
    let sort_id = ui.scope_id().with("shipment-sort");
    let (mut sort, mut ascending): (u8, bool) =
        ui.ctx().data(|d| d.get_temp(sort_id)).unwrap_or((0, true));
    let sort_by = match sort {
        1 => SortBy::Counterpart,
        2 => SortBy::PartType,
        3 => SortBy::Value,
        _ => SortBy::Date,
    };
    let e = app.explorer.as_ref()?;
    let counterpart = |s: &Shipment| -> EntityId {
        match me {
            Some(id) if s.shipper == id => s.consignee,
            Some(_) => s.shipper,
            None => s.consignee,
        }
    };
    let names: std::collections::HashMap<EntityId, String> = shipments
        .iter()
        .flat_map(|s| [s.shipper, s.consignee])
        .map(|id| (id, name_of(Some(e), id)))
        .collect();
    shipments.sort_by(|x, y| {
        let o = match sort_by {
            SortBy::Date => x.date.cmp(&y.date),
            SortBy::Counterpart => names[&counterpart(x)].cmp(&names[&counterpart(y)]),
            SortBy::PartType => x.part_type.cmp(&y.part_type),
            SortBy::Value => x
                .value_usd
                .unwrap_or(0.0)
                .total_cmp(&y.value_usd.unwrap_or(0.0)),
        }
        .then(x.id.cmp(&y.id));
        if ascending { o } else { o.reverse() }
    });
    let mut clicked = None;
    let header =
        |ui: &mut egui::Ui, label: &str, column: u8, sort: &mut u8, ascending: &mut bool| {
            let arrow = if *sort == column {
                if *ascending { " ▲" } else { " ▼" }
            } else {
                ""
            };
            if ui.button(format!("{label}{arrow}")).clicked() {
                if *sort == column {
                    *ascending = !*ascending;
                } else {
                    *sort = column;
                    *ascending = true;
                }
            }
        };
    egui::ScrollArea::horizontal()
        .id_salt("shipments-h")
        .show(ui, |ui| {
            TableBuilder::new(ui)
                .striped(true)
                .resizable(true)
                .max_scroll_height(420.0)
                .column(Column::auto())
                .column(Column::auto())
                .column(Column::initial(140.0).clip(true))
                .column(Column::auto())
                .column(Column::initial(200.0).clip(true))
                .column(Column::auto())
                .column(Column::auto())
                .column(Column::initial(140.0).clip(true))
                .column(Column::initial(200.0).clip(true))
                .header(22.0, |mut h| {
                    h.col(|ui| header(ui, "Date", 0, &mut sort, &mut ascending));
                    h.col(|ui| {
                        ui.label("Dir.");
                    });
                    h.col(|ui| header(ui, "Counterpart", 1, &mut sort, &mut ascending));
                    h.col(|ui| header(ui, "Part type", 2, &mut sort, &mut ascending));
                    h.col(|ui| {
                        ui.label("Description");
                    });
                    h.col(|ui| {
                        ui.label("HS code");
                    });
                    h.col(|ui| header(ui, "Value", 3, &mut sort, &mut ascending));
                    h.col(|ui| {
                        ui.label("Source ref.");
                    });
                    h.col(|ui| {
                        ui.label("Other columns");
                    });
                })
                .body(|body| {
                    body.rows(20.0, shipments.len(), |mut row| {
                        let s = &shipments[row.index()];
                        let other = counterpart(s);
                        row.col(|ui| {
                            ui.label(s.date.iso());
                        });
                        row.col(|ui| {
                            ui.label(match me {
                                Some(id) if s.shipper == id => "out",
                                Some(_) => "in",
                                None => "→",
                            });
                        });
                        row.col(|ui| {
                            if ui.link(&names[&other]).clicked() {
                                clicked = Some(other);
                            }
                        });
                        row.col(|ui| {
                            ui.label(inert(&s.part_type));
                        });
                        row.col(|ui| {
                            ui.label(inert(&s.description))
                                .on_hover_text(inert_lines(&s.description));
                        });
                        row.col(|ui| {
                            ui.label(inert(&s.hs_code));
                        });
                        row.col(|ui| {
                            ui.label(s.value_usd.map(usd).unwrap_or_default());
                        });
                        row.col(|ui| {
                            ui.label(inert(&s.source_ref))
                                .on_hover_text(format!("Source: {}", inert(&s.source)));
                        });
                        row.col(|ui| {
                            let kept = super::identity_info::kept_columns(s);
                            if !kept.is_empty() {
                                ui.label(&kept).on_hover_text(&kept);
                            }
                        });
                    });
                });
        });
    ui.ctx()
        .data_mut(|d| d.insert_temp(sort_id, (sort, ascending)));
    clicked
}
