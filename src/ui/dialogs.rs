//! File → Open database and File → Import (CSV, or FollowTheMoney entities).
//!
//! Each dialog has a path field and a Browse… button that opens the system file dialog
//! (rfd). Where no file dialog can open (no desktop portal), rfd answers at once with
//! nothing; the dialog says so and the path field still works, so nothing ever hangs.
//! Imports run on a worker thread with their own connection; the window shows progress and,
//! at the end, the same summary or error report as the command line.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;

use super::app::LadingApp;
use crate::store::Store;
use crate::store::import::ftm::{FtmOptions, FtmSummary};
use crate::store::import::{ImportKind, ImportOptions, ImportSummary};

/// What the file to import holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportChoice {
    Csv(ImportKind),
    /// FollowTheMoney entities, one JSON object per line (OpenSanctions, Aleph).
    Ftm,
}

impl ImportChoice {
    pub const ALL: [ImportChoice; 5] = [
        ImportChoice::Csv(ImportKind::Shipments),
        ImportChoice::Csv(ImportKind::Entities),
        ImportChoice::Csv(ImportKind::Ownership),
        ImportChoice::Csv(ImportKind::Sanctions),
        ImportChoice::Ftm,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ImportChoice::Csv(ImportKind::Shipments) => "shipments (CSV)",
            ImportChoice::Csv(ImportKind::Entities) => "entities (CSV)",
            ImportChoice::Csv(ImportKind::Ownership) => "ownership (CSV)",
            ImportChoice::Csv(ImportKind::Sanctions) => "sanctions (CSV)",
            ImportChoice::Ftm => "FollowTheMoney entities (JSON lines)",
        }
    }
}

/// A labelled path field with a Browse… button, and the note shown when no file came back
/// from the system dialog (cancelled, or no dialog on this desktop: the field still works).
/// Returns whether Enter was pressed in the field.
pub fn path_field(
    ui: &mut egui::Ui,
    label: &str,
    path: &mut String,
    note: &mut Option<String>,
    browse: impl FnOnce() -> Option<PathBuf>,
) -> bool {
    let mut entered = false;
    ui.horizontal(|ui| {
        let label = ui.label(label);
        let edit = ui
            .add(egui::TextEdit::singleline(path).desired_width(340.0))
            .labelled_by(label.id);
        entered = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Browse…").clicked() {
            match browse() {
                Some(p) => {
                    *path = p.display().to_string();
                    *note = None;
                }
                None => {
                    *note = Some(
                        "No file was chosen. If no file dialog appeared, this desktop has none: \
                         type the file's path above."
                            .into(),
                    );
                }
            }
        }
    });
    if let Some(text) = note.as_deref() {
        ui.label(egui::RichText::new(text).weak());
    }
    entered
}

/// An open dialog.
pub struct Dialog {
    pub kind: DialogKind,
    pub path: String,
    pub import_kind: ImportChoice,
    pub note: Option<String>,
    /// The folder of the last import: Browse… opens there, and a bare file name typed in the
    /// path field is looked for there.
    pub folder: Option<PathBuf>,
    /// A CSV file's mapping and first rows, and the user's choices (File → Import).
    pub preview: super::import_preview::ImportPreview,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    OpenDatabase,
    ImportCsv,
}

impl Dialog {
    pub fn open_database() -> Dialog {
        Dialog {
            kind: DialogKind::OpenDatabase,
            path: String::new(),
            import_kind: ImportChoice::Csv(ImportKind::Shipments),
            note: None,
            folder: None,
            preview: Default::default(),
        }
    }

    pub fn import_csv() -> Dialog {
        Dialog {
            kind: DialogKind::ImportCsv,
            ..Dialog::open_database()
        }
    }

    /// The import dialog starting in `dir` (the folder of the last import).
    pub fn import_in(dir: Option<&std::path::Path>) -> Dialog {
        Dialog {
            folder: dir.map(PathBuf::from),
            ..Dialog::import_csv()
        }
    }

    /// The file the path field names: a relative name is taken in the remembered folder.
    pub fn file(&self) -> PathBuf {
        let typed = PathBuf::from(self.path.trim());
        match &self.folder {
            Some(folder) if typed.is_relative() => folder.join(typed),
            _ => typed,
        }
    }
}

/// The status line and (CSV) the summary, or the error report.
type ImportResult = Result<(String, Option<String>), String>;

/// An import running on a worker thread.
pub struct ImportJob {
    progress_permille: Arc<AtomicU64>,
    /// The status line (and a CSV import's summary) when it succeeds, the error report when
    /// it fails.
    handle: Option<JoinHandle<ImportResult>>,
    db: PathBuf,
}

impl ImportJob {
    pub fn fraction(&self) -> f32 {
        self.progress_permille.load(Ordering::Relaxed) as f32 / 1000.0
    }
}

fn browse(kind: DialogKind, choice: ImportChoice, folder: Option<PathBuf>) -> Option<PathBuf> {
    let mut dialog = rfd::FileDialog::new();
    if let Some(folder) = folder.filter(|f| f.is_dir()) {
        dialog = dialog.set_directory(folder);
    }
    match kind {
        DialogKind::ImportCsv if choice == ImportChoice::Ftm => dialog
            .add_filter("FtM entities", &["json", "jsonl", "ndjson", "ftm"])
            .add_filter("Any file", &["*"])
            .pick_file(),
        DialogKind::OpenDatabase => dialog
            .add_filter("Lading database", &["db", "sqlite", "lading"])
            .add_filter("Any file", &["*"])
            .pick_file(),
        DialogKind::ImportCsv => dialog
            .add_filter("CSV", &["csv", "txt"])
            .add_filter("Any file", &["*"])
            .pick_file(),
    }
}

pub fn dialog_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(dialog) = app.ui.dialog.as_mut() else {
        return;
    };
    let mut close = false;
    let mut go = false;
    let title = match dialog.kind {
        DialogKind::OpenDatabase => "Open database",
        DialogKind::ImportCsv => "Import",
    };
    egui::Modal::new(egui::Id::unique("file-dialog")).show(ctx, |ui| {
        // The import preview's columns and rows want room.
        ui.set_min_width(if dialog.kind == DialogKind::ImportCsv {
            760.0
        } else {
            520.0
        });
        ui.heading(title);
        if dialog.kind == DialogKind::ImportCsv {
            ui.horizontal(|ui| {
                ui.label("The file holds");
                egui::ComboBox::from_id_salt("import-kind")
                    .selected_text(dialog.import_kind.label())
                    .show_ui(ui, |ui| {
                        for k in ImportChoice::ALL {
                            ui.selectable_value(&mut dialog.import_kind, k, k.label());
                        }
                    });
            });
        }
        let (kind, choice, folder) = (dialog.kind, dialog.import_kind, dialog.folder.clone());
        if path_field(ui, "File", &mut dialog.path, &mut dialog.note, || {
            browse(kind, choice, folder)
        }) {
            go = true;
        }
        if let Some(folder) = &dialog.folder {
            ui.label(
                egui::RichText::new(format!(
                    "A file name alone is looked for in {}",
                    folder.display()
                ))
                .weak(),
            );
        }
        if let (DialogKind::ImportCsv, ImportChoice::Csv(csv_kind)) = (kind, choice) {
            dialog.preview.show(ui, &dialog.path, csv_kind);
        }
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            let verb = match dialog.kind {
                DialogKind::OpenDatabase => "Open",
                DialogKind::ImportCsv => "Import",
            };
            if ui
                .add_enabled(!dialog.path.trim().is_empty(), egui::Button::new(verb))
                .clicked()
            {
                go = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
    });
    if go && let Some(dialog) = app.ui.dialog.take() {
        let path = dialog.file();
        match dialog.kind {
            DialogKind::OpenDatabase => {
                let previous = app.explorer.take();
                app.load(Some(path));
                if app.explorer.is_none() {
                    // Keep working on what was open before.
                    app.explorer = previous;
                } else {
                    // Another database: a new, untitled session.
                    app.start_untitled();
                }
            }
            DialogKind::ImportCsv => {
                // The next import starts in this file's folder.
                app.ui.last_import_dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map(PathBuf::from);
                let options = match dialog.import_kind {
                    ImportChoice::Csv(kind) => dialog.preview.options(kind, &path),
                    ImportChoice::Ftm => ImportOptions::new(ImportKind::Shipments),
                };
                start_import(app, path, dialog.import_kind, options)
            }
        }
    } else if close {
        app.ui.dialog = None;
    }
}

fn start_import(app: &mut LadingApp, file: PathBuf, kind: ImportChoice, options: ImportOptions) {
    let Some(db) = app.explorer.as_ref().map(|e| e.db_path().to_path_buf()) else {
        app.error = Some("Open a database before importing into it.".into());
        return;
    };
    if app.ui.import_job.is_some() {
        app.error = Some("An import is already running.".into());
        return;
    }
    let progress = Arc::new(AtomicU64::new(0));
    let worker_progress = Arc::clone(&progress);
    let worker_db = db.clone();
    let handle = std::thread::Builder::new()
        .name("lading-import".into())
        .spawn(move || {
            let mut store = Store::open(&worker_db).map_err(|e| e.to_string())?;
            let mut report = |done: u64, total: u64| {
                let permille = (done.min(total) * 1000).checked_div(total).unwrap_or(0);
                worker_progress.store(permille, Ordering::Relaxed);
            };
            match kind {
                ImportChoice::Csv(_) => store
                    .import_csv(&file, &options, Some(&mut report))
                    .map(|s| (csv_status(&s), Some(csv_report(&s, &options)))),
                ImportChoice::Ftm => store
                    .import_ftm(&file, &FtmOptions::default(), Some(&mut report))
                    .map(|s| (ftm_status(&s), None)),
            }
            .map_err(|e| e.to_string())
        });
    match handle {
        Ok(handle) => {
            app.ui.import_job = Some(ImportJob {
                progress_permille: progress,
                handle: Some(handle),
                db,
            });
            app.ui.status = "Importing…".into();
        }
        Err(e) => app.error = Some(format!("cannot start the import: {e}")),
    }
}

/// Checks a running import; when it ends, reloads the database or shows the error.
pub fn poll_import(app: &mut LadingApp) {
    let Some(job) = app.ui.import_job.as_mut() else {
        return;
    };
    if !job.handle.as_ref().is_some_and(|h| h.is_finished()) {
        return;
    }
    let db = job.db.clone();
    let result = job.handle.take().map(|h| h.join());
    app.ui.import_job = None;
    match result {
        Some(Ok(Ok((status, report)))) => {
            app.ui.import_report = report;
            app.ui.status = status;
            let status = app.ui.status.clone();
            // The session (positions, pins, annotations...) survives the re-import.
            app.reload_keeping_session(&db);
            if app.session.report.is_none() {
                app.ui.status = status;
            }
        }
        Some(Ok(Err(message))) => {
            app.ui.status = "Import failed: nothing was imported".into();
            app.error = Some(message);
        }
        _ => {
            app.ui.status = "Import failed: nothing was imported".into();
            app.error = Some("the import stopped unexpectedly".into());
        }
    }
}

/// The summary window's text after a CSV import: the command line's summary, and where the
/// rejected rows went.
fn csv_report(summary: &ImportSummary, options: &ImportOptions) -> String {
    let mut text = crate::text::inert_lines(&summary.to_string()).into_owned();
    if let Some(path) = options.rejects.as_ref().filter(|_| summary.rejected > 0) {
        text.push_str(&format!(
            "\nrejected rows, with their reasons: {}",
            crate::text::inert(&path.display().to_string())
        ));
    }
    text
}

/// The status line after a CSV import.
fn csv_status(summary: &ImportSummary) -> String {
    format!(
        "Imported {} of {} rows from {} ({} already present, {} entities created)",
        summary.imported,
        summary.rows_read,
        summary.file,
        summary.duplicates,
        summary.entities_created.len()
    )
}

/// The status line after an FtM import: what was added, matched, and left out, and why.
pub fn ftm_status(s: &FtmSummary) -> String {
    let mut out = format!(
        "Imported {} FtM entities from {}: {} created, {} matched; {} ownership links, {} listings, {} shipments added",
        s.records,
        s.file,
        s.entities_created,
        s.entities_matched_total(),
        s.ownership_added,
        s.listings_added,
        s.shipments_added
    );
    if !s.not_modelled.is_empty() {
        let parts: Vec<String> = s
            .not_modelled
            .iter()
            .map(|(schema, n)| format!("{n} {schema}"))
            .collect();
        out.push_str(&format!("; not modelled: {}", parts.join(", ")));
    }
    let skipped: u64 = s.skipped.values().map(|k| k.count).sum();
    if skipped > 0 {
        out.push_str(&format!(
            "; {skipped} skipped (`lading import ftm --dry-run` lists why)"
        ));
    }
    out
}
