//! The inspector's identity lines for an entity: its identifiers, the keys merged into it,
//! and where each alias came from (an import's file and the matcher's reasons); and a
//! shipment's kept columns (the file's columns no field took). Read from the store once per
//! entity and data revision.

use egui::RichText;

use super::LadingApp;
use crate::model::{EntityId, Shipment};
use crate::store::EntityNames;
use crate::text::inert;

/// Identifiers, "merged from", and the aliases' sources, under the entity's names.
pub fn entity_identity(app: &LadingApp, ui: &mut egui::Ui, id: EntityId) {
    let Some(explorer) = app.explorer.as_ref() else {
        return;
    };
    let cache = ui
        .scope_id()
        .with(("entity-names", id, explorer.revision()));
    let names: Option<Result<EntityNames, String>> = ui.ctx().data(|d| d.get_temp(cache));
    let names = names.unwrap_or_else(|| {
        let read = explorer.store().entity_names(id).map_err(|e| e.to_string());
        ui.ctx().data_mut(|d| d.insert_temp(cache, read.clone()));
        read
    });
    let names = match names {
        Ok(n) => n,
        Err(e) => {
            ui.label(RichText::new(format!("names: {}", inert(&e))).weak());
            return;
        }
    };
    if !names.identifiers.is_empty() {
        let list: Vec<String> = names
            .identifiers
            .iter()
            .map(|(s, v)| format!("{} {}", inert(s), inert(v)))
            .collect();
        ui.label(format!("Identifiers: {}", list.join(", ")));
    }
    if !names.merged_from.is_empty() {
        let list: Vec<String> = names
            .merged_from
            .iter()
            .map(|(k, n)| format!("{} ({})", inert(k), inert(n)))
            .collect();
        ui.label(format!("Merged from: {}", list.join(", ")))
            .on_hover_text("Entities merged into this one; `lading unmerge KEY` splits one off");
    }
    let sourced: Vec<_> = names
        .aliases
        .iter()
        .filter(|a| !a.source.is_empty() || !a.reason.is_empty())
        .collect();
    if !sourced.is_empty() {
        egui::CollapsingHeader::new(format!("Where {} names came from", sourced.len()))
            .id_salt(("alias-sources", id))
            .show(ui, |ui| {
                for a in sourced {
                    let mut line = inert(&a.name).into_owned();
                    if !a.source.is_empty() {
                        line.push_str(&format!(" — {}", inert(&a.source)));
                    }
                    let label = ui.label(RichText::new(line).small());
                    if !a.reason.is_empty() {
                        label.on_hover_text(inert(&a.reason));
                    }
                }
            });
    }
}

/// A shipment's kept columns as one line ("Port of Loading: Tianjin; …"), "" when none.
pub fn kept_columns(s: &Shipment) -> String {
    s.extra_columns()
        .iter()
        .map(|(h, v)| format!("{}: {}", inert(h), inert(v)))
        .collect::<Vec<_>>()
        .join("; ")
}
