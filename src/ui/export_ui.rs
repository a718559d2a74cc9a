//! File → Export picture… (Ctrl+E): the network as PNG or SVG, made by the export library
//! from the same scene the canvas paints; Copy picture puts that picture on the clipboard
//! (through egui's `copy_image`: the system clipboard where eframe has one, X11, Wayland,
//! Windows, macOS).

use std::collections::BTreeSet;
use std::path::PathBuf;

use super::app::LadingApp;
use crate::export::{Decoration, PictureInput, PictureOptions, PictureView};
use crate::model::EntityId;
use crate::scene::Marks;
use crate::style::Theme;

/// The export dialog's choices.
pub struct ExportDialog {
    pub path: String,
    pub whole_network: bool,
    pub scale: u32,
    pub width_px: u32,
    pub dark: bool,
    pub legend: bool,
    pub title: String,
    pub highlight_selection: bool,
    pub show_pins: bool,
    pub note: Option<String>,
}

impl ExportDialog {
    pub fn new(dark: bool) -> ExportDialog {
        ExportDialog {
            path: "lading.png".into(),
            whole_network: true,
            scale: 2,
            width_px: 1600,
            dark,
            legend: true,
            title: String::new(),
            highlight_selection: false,
            show_pins: false,
            note: None,
        }
    }
}

pub fn export_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(dialog) = app.ui.export.as_mut() else {
        return;
    };
    let (mut go, mut copy, mut close) = (false, false, false);
    egui::Modal::new(egui::Id::unique("export-dialog")).show(ctx, |ui| {
        ui.set_min_width(520.0);
        ui.heading("Export picture");
        let file_name = dialog.path.clone();
        super::dialogs::path_field(
            ui,
            "File (.png or .svg)",
            &mut dialog.path,
            &mut dialog.note,
            || {
                rfd::FileDialog::new()
                    .add_filter("PNG picture", &["png"])
                    .add_filter("SVG picture", &["svg"])
                    .set_file_name(&file_name)
                    .save_file()
            },
        );
        ui.radio_value(&mut dialog.whole_network, true, "The whole network");
        ui.radio_value(
            &mut dialog.whole_network,
            false,
            "What the window shows now",
        );
        ui.horizontal(|ui| {
            let label = ui.label("Width at 1x");
            ui.add(
                egui::DragValue::new(&mut dialog.width_px)
                    .range(240..=8000)
                    .suffix(" px"),
            )
            .labelled_by(label.id);
            ui.label("Scale");
            for s in [1, 2, 4] {
                ui.radio_value(&mut dialog.scale, s, format!("{s}x"));
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label("Title");
            ui.add(
                egui::TextEdit::singleline(&mut dialog.title)
                    .hint_text("empty: what the picture shows, in numbers")
                    .desired_width(320.0),
            )
            .labelled_by(label.id);
        });
        ui.checkbox(&mut dialog.legend, "Legend");
        ui.checkbox(&mut dialog.dark, "Dark background");
        ui.checkbox(&mut dialog.highlight_selection, "Highlight the selection");
        ui.checkbox(&mut dialog.show_pins, "Show pin marks");
        ui.label(
            egui::RichText::new(
                "The caption states the filter in words; the credit names the data.",
            )
            .weak(),
        );
        ui.horizontal(|ui| {
            if ui.button("Export").clicked() {
                go = true;
            }
            if ui
                .button("Copy picture")
                .on_hover_text("The picture with these choices, to paste into another program")
                .clicked()
            {
                copy = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if close {
        app.ui.export = None;
        return;
    }
    if copy {
        if let Some(dialog) = app.ui.export.take() {
            match copy_picture(app, ctx, &dialog) {
                Ok(message) => app.ui.status = message,
                Err(message) => {
                    app.error = Some(message);
                    app.ui.export = Some(dialog);
                }
            }
        }
        return;
    }
    if !go {
        return;
    }
    let Some(dialog) = app.ui.export.take() else {
        return;
    };
    match export(app, &dialog) {
        Ok(message) => app.ui.status = message,
        Err(message) => {
            app.error = Some(message);
            app.ui.export = Some(dialog);
        }
    }
}

fn export(app: &LadingApp, d: &ExportDialog) -> Result<String, String> {
    let path = PathBuf::from(d.path.trim());
    let picture = picture(app, d)?;
    crate::export::write_picture(&path, &picture).map_err(|e| e.to_string())?;
    let (w, h) = picture.size_px();
    Ok(format!("Wrote {} ({w} × {h} px)", path.display()))
}

/// Edit → Copy picture: the whole network at 1x, as the export dialog would make it by
/// default, onto the clipboard.
pub fn copy_default_picture(app: &mut LadingApp, ctx: &egui::Context) {
    let mut d = ExportDialog::new(app.style.theme == Theme::Dark);
    d.scale = 1;
    match copy_picture(app, ctx, &d) {
        Ok(message) => app.ui.status = message,
        Err(message) => app.error = Some(message),
    }
}

/// Puts the picture `d` describes on the clipboard.
pub fn copy_picture(
    app: &LadingApp,
    ctx: &egui::Context,
    d: &ExportDialog,
) -> Result<String, String> {
    let picture = picture(app, d)?;
    let image = clipboard_image(&picture)?;
    let [w, h] = image.size;
    ctx.copy_image(image);
    Ok(format!(
        "Copied the picture ({w} × {h} px) to the clipboard"
    ))
}

/// The picture as an egui image for the clipboard (straight RGBA, as egui expects).
pub fn clipboard_image(picture: &crate::export::Picture) -> Result<egui::ColorImage, String> {
    let rgba = picture.to_rgba().map_err(|e| e.to_string())?;
    let (w, h) = picture.size_px();
    if rgba.len() != w as usize * h as usize * 4 {
        return Err(format!(
            "could not draw the picture: {} bytes for {w} × {h} px",
            rgba.len()
        ));
    }
    Ok(egui::ColorImage::from_rgba_unmultiplied(
        [w as usize, h as usize],
        &rgba,
    ))
}

/// The picture the dialog's choices describe.
fn picture(app: &LadingApp, d: &ExportDialog) -> Result<crate::export::Picture, String> {
    let explorer = app.explorer.as_ref().ok_or("Open a database first.")?;
    let pinned: BTreeSet<EntityId> = explorer.doc().pinned.keys().copied().collect();
    let mut input = PictureInput::new(
        explorer.index(),
        explorer.filter(),
        explorer.graph(),
        explorer.positions(),
    );
    input.size_by = app.ui.size_by;
    input.marks = Marks {
        selected: d.highlight_selection.then_some(&explorer.selection),
        path: &explorer.path,
        pinned: Some(&pinned),
        show_pins: d.show_pins,
        ..Marks::default()
    };
    let options = PictureOptions {
        title: if d.title.trim().is_empty() {
            Decoration::Auto
        } else {
            Decoration::Text(d.title.clone())
        },
        legend: d.legend,
        theme: if d.dark { Theme::Dark } else { Theme::Light },
        width_px: d.width_px,
        scale: d.scale,
        view: if d.whole_network {
            PictureView::Fit
        } else {
            PictureView::Current(app.view)
        },
        highlight_selection: d.highlight_selection,
        show_pins: d.show_pins,
        labels: app.ui.show_labels,
        ..PictureOptions::default()
    };
    crate::export::picture(&input, &options).map_err(|e| e.to_string())
}
