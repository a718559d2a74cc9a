//! File → Import's preview of a CSV file, before anything is written: each column with the
//! field it maps to (or the identifier it holds, or "kept as is"), how that was found, the
//! first rows, a combo box per column to change the mapping (it becomes
//! [`ImportOptions::map`]), and "skip bad rows into a rejects file" (`--skip-invalid`).
//! After the import, the summary window lists what the import did: the resolution tiers with
//! names, and the columns kept as they are.

use std::path::{Path, PathBuf};

use egui::{RichText, ScrollArea};

use super::LadingApp;
use crate::store::import::{ImportKind, ImportOptions, Preview, preview_csv};
use crate::text::inert;

/// What a preview was read for: path, kind, the user's choices.
type ReadFor = (String, ImportKind, Vec<(String, String)>);

/// What the user chose in the preview.
#[derive(Default)]
pub struct ImportPreview {
    /// `(field, header)` choices, `-` for "kept as is".
    pub overrides: Vec<(String, String)>,
    pub skip_invalid: bool,
    /// The rejects file; empty: beside the file, NAME.rejects.csv.
    pub rejects: String,
    /// What the preview was read for: path, kind, choices.
    read_for: Option<ReadFor>,
    pub preview: Option<Result<Preview, String>>,
}

/// Where bad rows go by default: beside the file, `NAME.rejects.csv`.
pub fn default_rejects(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "import".into());
    file.with_file_name(format!("{stem}.rejects.csv"))
}

impl ImportPreview {
    /// The import's options: the kind, the user's mapping, and the rejects file if asked for.
    pub fn options(&self, kind: ImportKind, file: &Path) -> ImportOptions {
        let mut options = ImportOptions::new(kind);
        options.map = self.overrides.clone();
        if self.skip_invalid {
            options.rejects = Some(if self.rejects.trim().is_empty() {
                default_rejects(file)
            } else {
                PathBuf::from(self.rejects.trim())
            });
        }
        options
    }

    /// Reads the preview again when the file, the kind or the choices changed.
    fn refresh(&mut self, path: &str, kind: ImportKind) {
        let key = (path.trim().to_owned(), kind, self.overrides.clone());
        if self.read_for.as_ref() == Some(&key) {
            return;
        }
        self.preview = if key.0.is_empty() {
            None
        } else {
            let file = PathBuf::from(&key.0);
            Some(preview_csv(&file, &self.options(kind, &file)).map_err(|e| e.to_string()))
        };
        self.read_for = Some(key);
    }

    /// Maps `header` to `field` (`-`: to no field), replacing earlier choices for either.
    pub fn choose(&mut self, field: &str, header: &str) {
        self.overrides
            .retain(|(f, h)| h != header && (field == "-" || f != field));
        self.overrides.push((field.to_owned(), header.to_owned()));
    }

    /// The preview under the path field of File → Import (CSV kinds).
    pub fn show(&mut self, ui: &mut egui::Ui, path: &str, kind: ImportKind) {
        self.refresh(path, kind);
        let mut chosen: Option<(String, String)> = None;
        match &self.preview {
            None => {}
            Some(Err(e)) => {
                ui.label(RichText::new(inert(e)).weak());
            }
            Some(Ok(p)) => {
                ui.add_space(4.0);
                ui.label(RichText::new("Columns").strong());
                if let Some(problem) = &p.problem {
                    ui.colored_label(ui.visuals().error_fg_color, inert(problem));
                }
                ScrollArea::vertical()
                    .id_salt("preview-columns")
                    .max_height(220.0)
                    .show(ui, |ui| {
                        egui::Grid::new("preview-mapping")
                            .num_columns(3)
                            .striped(true)
                            .show(ui, |ui| {
                                ui.label(RichText::new("column").weak());
                                ui.label(RichText::new("means").weak());
                                ui.label(RichText::new("found by").weak());
                                ui.end_row();
                                for (c, header) in p.header.iter().enumerate() {
                                    ui.label(inert(header));
                                    let meaning = p.column_meaning(c);
                                    egui::ComboBox::from_id_salt(("preview-field", c))
                                        .selected_text(&meaning)
                                        .width(230.0)
                                        .show_ui(ui, |ui| {
                                            let kept = "kept as is (no field)";
                                            if ui.selectable_label(meaning == kept, kept).clicked()
                                            {
                                                chosen = Some(("-".into(), header.clone()));
                                            }
                                            for (f, required) in kind.fields() {
                                                let label = if *required {
                                                    format!("{} (required)", f.name())
                                                } else {
                                                    f.name().to_owned()
                                                };
                                                let on = p.field_of(c) == Some(*f);
                                                if ui.selectable_label(on, label).clicked() {
                                                    chosen =
                                                        Some((f.name().to_owned(), header.clone()));
                                                }
                                            }
                                        });
                                    ui.label(RichText::new(how_label(p.how(c))).weak());
                                    ui.end_row();
                                }
                            });
                    });
                ui.add_space(4.0);
                ui.label(RichText::new(format!("First {} rows", p.rows.len())).strong());
                ScrollArea::both()
                    .id_salt("preview-rows")
                    .max_height(200.0)
                    .show(ui, |ui| {
                        egui::Grid::new("preview-rows-grid")
                            .striped(true)
                            .show(ui, |ui| {
                                for h in &p.header {
                                    ui.label(RichText::new(inert(h)).strong());
                                }
                                ui.end_row();
                                for row in &p.rows {
                                    for v in row {
                                        ui.label(inert(&clip(v)));
                                    }
                                    ui.end_row();
                                }
                            });
                    });
            }
        }
        if let Some((field, header)) = chosen {
            self.choose(&field, &header);
        }
        ui.add_space(4.0);
        ui.checkbox(
            &mut self.skip_invalid,
            "Skip bad rows into a rejects file (import the good ones)",
        );
        if self.skip_invalid {
            ui.horizontal(|ui| {
                let label = ui.label("Rejects file");
                let hint = default_rejects(Path::new(path.trim()))
                    .display()
                    .to_string();
                ui.add(
                    egui::TextEdit::singleline(&mut self.rejects)
                        .hint_text(hint)
                        .desired_width(340.0),
                )
                .labelled_by(label.id);
            });
        }
    }
}

fn how_label(how: &str) -> &'static str {
    match how {
        "synonym" => "synonym",
        "words" => "its words",
        "identifier" => "identifier",
        "--map" => "your choice",
        _ => "",
    }
}

/// A long value cut for the preview table.
fn clip(v: &str) -> String {
    const MAX: usize = 60;
    if v.chars().count() <= MAX {
        v.to_owned()
    } else {
        let mut s: String = v.chars().take(MAX).collect();
        s.push('…');
        s
    }
}

/// The summary of the last CSV import (tiers with names, kept columns), until closed.
pub fn report_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(report) = &app.ui.import_report else {
        return;
    };
    let mut open = true;
    let mut close = false;
    egui::Window::new("Import summary")
        .open(&mut open)
        .default_pos([320.0, 60.0])
        .default_size([620.0, 380.0])
        .resizable(true)
        .show(ctx, |ui| {
            ScrollArea::vertical().max_height(460.0).show(ui, |ui| {
                ui.label(RichText::new(report.as_str()).monospace());
            });
            if ui.button("Close").clicked() {
                close = true;
            }
        });
    if !open || close {
        app.ui.import_report = None;
    }
}
