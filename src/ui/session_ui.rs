//! Sessions in the window: File → Save, Save As, Open session and recent sessions; the
//! window title with the unsaved-changes mark; asking before closing with unsaved changes;
//! autosave to the recovery file and the offer to restore it after a crash.
//!
//! Session files are read and written by [`crate::session`]; this module only decides when,
//! and shows what happened. The path dialogs follow the database dialogs: a path field and
//! Browse… (rfd), which never hangs where no file dialog can open.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::app::LadingApp;
use crate::session::files::{Recent, Recovery};
use crate::session::{Carried, Display, Session, UiChoices, ViewState};

/// How often autosave writes the recovery file while there are unsaved changes.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(60);

/// What the window knows about the session it shows.
pub struct SessionState {
    /// The session file, once saved or opened.
    pub path: Option<PathBuf>,
    /// The explorer's doc generation at the last save or open.
    pub saved_generation: u64,
    /// The display choices at the last save or open.
    pub saved_display: Display,
    /// What the session held about entities the database lacks.
    pub carried: Carried,
    /// Where the recent list and the recovery file live; `None`: neither (tests).
    pub data_dir: Option<PathBuf>,
    pub recent: Recent,
    last_autosave: Instant,
    autosaved_generation: u64,
    /// The open database's fingerprint (computed once per database, on a worker thread:
    /// it reads every row).
    fingerprint: Option<(PathBuf, String)>,
    fingerprint_job: Option<(PathBuf, std::thread::JoinHandle<Option<String>>)>,
    /// The fingerprint the opened session recorded, to compare when ours is known.
    expected_fingerprint: Option<String>,
    /// Closing was asked for with unsaved changes: the question is showing.
    pub ask_close: bool,
    /// The user answered: close without asking again.
    close_confirmed: bool,
    /// After the Save As dialog saves, close the window.
    close_after_save: bool,
    /// A session to open once the unsaved changes are saved or discarded.
    pub pending_open: Option<PathBuf>,
    /// After the Save As dialog saves, open this session.
    open_after_save: Option<PathBuf>,
    pub recovery_offer: Option<Recovery>,
    pub dialog: Option<SessionDialog>,
    /// A report to show (entities missing from the database).
    pub report: Option<String>,
    /// Save to or open from the team database.
    pub team: Option<super::team_sessions_ui::TeamDialog>,
    title: String,
}

impl Default for SessionState {
    fn default() -> SessionState {
        SessionState {
            path: None,
            saved_generation: 0,
            saved_display: Display::default(),
            carried: Carried::default(),
            data_dir: None,
            recent: Recent::default(),
            last_autosave: Instant::now(),
            autosaved_generation: 0,
            fingerprint: None,
            fingerprint_job: None,
            expected_fingerprint: None,
            ask_close: false,
            close_confirmed: false,
            close_after_save: false,
            pending_open: None,
            open_after_save: None,
            recovery_offer: None,
            dialog: None,
            report: None,
            team: None,
            title: String::new(),
        }
    }
}

/// The Open session / Save session as dialog.
pub struct SessionDialog {
    pub saving: bool,
    pub path: String,
    pub note: Option<String>,
}

impl SessionState {
    /// Uses `data_dir` for the recent list and the recovery file, and looks for a recovery
    /// file to offer.
    pub fn with_data_dir(data_dir: PathBuf) -> SessionState {
        SessionState {
            recent: Recent::load(&data_dir),
            recovery_offer: Recovery::pending(&data_dir),
            data_dir: Some(data_dir),
            ..SessionState::default()
        }
    }
}

impl LadingApp {
    /// Keeps the recent list and the recovery file in `dir` (the window uses the data
    /// directory; tests a temporary folder), and offers a recovery file found there.
    pub fn use_data_dir(&mut self, dir: PathBuf) {
        self.session = SessionState::with_data_dir(dir);
    }

    /// The window's choices a session saves.
    pub fn ui_choices(&self) -> UiChoices {
        UiChoices {
            view: ViewState::from_view(&self.view, self.auto_fit),
            display: Display {
                labels: self.ui.show_labels,
                legend: self.ui.show_legend,
                size_by: self.ui.size_by,
                theme: self.style.theme,
            },
        }
    }

    /// Whether there are changes a save would keep.
    pub fn is_dirty(&self) -> bool {
        self.explorer
            .as_ref()
            .is_some_and(|e| e.doc_generation() != self.session.saved_generation)
            || self.ui_choices().display != self.session.saved_display
    }

    /// The open database's fingerprint: starts computing it on a worker thread (its own
    /// connection) when the database changed; `wait`: until it is known.
    fn fingerprint(&mut self, wait: bool) -> Option<String> {
        let explorer = self.explorer.as_ref()?;
        let db = explorer.db_path().to_path_buf();
        if let Some((p, f)) = &self.session.fingerprint
            && *p == db
        {
            return Some(f.clone());
        }
        let job_matches = self
            .session
            .fingerprint_job
            .as_ref()
            .is_some_and(|(p, _)| *p == db);
        if !job_matches {
            if !db.exists() {
                // An in-memory database (tests) cannot be opened twice: it is small.
                let f = explorer.store().content_fingerprint().unwrap_or_default();
                self.session.fingerprint = Some((db, f.clone()));
                return Some(f);
            }
            let path = db.clone();
            let handle = std::thread::spawn(move || {
                crate::store::Store::open(&path)
                    .ok()
                    .and_then(|s| s.content_fingerprint().ok())
            });
            self.session.fingerprint_job = Some((db.clone(), handle));
        }
        let finished = self
            .session
            .fingerprint_job
            .as_ref()
            .is_some_and(|(_, h)| h.is_finished());
        if !(wait || finished) {
            return None;
        }
        let (_, handle) = self.session.fingerprint_job.take()?;
        let f = handle.join().ok().flatten().unwrap_or_default();
        self.session.fingerprint = Some((db, f.clone()));
        if let Some(expected) = self.session.expected_fingerprint.take()
            && !expected.is_empty()
            && !f.is_empty()
            && expected != f
        {
            let note = "The database changed since this session was saved.";
            self.ui.status = note.to_owned();
            let report = self.session.report.take();
            self.session.report = Some(match report {
                Some(r) => format!("{note}\n\n{r}"),
                None => note.to_owned(),
            });
        }
        Some(f)
    }

    /// The session of what the window shows now.
    pub fn capture_session(&mut self) -> Option<Session> {
        let fingerprint = self.fingerprint(true).unwrap_or_default();
        let choices = self.ui_choices();
        let explorer = self.explorer.as_ref()?;
        Some(Session::capture(
            explorer,
            &choices,
            &self.session.carried,
            &fingerprint,
        ))
    }

    /// Saves to `path` (atomically); on success the session is clean, remembered in the
    /// recent list, and the recovery file is deleted.
    pub fn save_session(&mut self, path: &Path) -> Result<(), String> {
        let session = self
            .capture_session()
            .ok_or_else(|| "No database is open: nothing to save".to_owned())?;
        session.save(path).map_err(|e| e.to_string())?;
        self.mark_saved(Some(path));
        self.ui.status = format!("Saved {}", path.display());
        Ok(())
    }

    fn mark_saved(&mut self, path: Option<&Path>) {
        if let Some(e) = &self.explorer {
            self.session.saved_generation = e.doc_generation();
            self.session.autosaved_generation = e.doc_generation();
        }
        self.session.saved_display = self.ui_choices().display;
        if let Some(path) = path {
            self.session.path = Some(path.to_path_buf());
            self.session.recent.push(path);
        }
        if let Some(dir) = self.session.data_dir.clone() {
            let _ = self.session.recent.save(&dir);
            Recovery::clear(&dir);
        }
    }

    /// Opens a session file: its database (unless `db` is given, or the session's database
    /// is the open one), then its state. A file that cannot be read changes nothing.
    pub fn open_session(&mut self, path: &Path, db: Option<&Path>) -> Result<(), String> {
        let session = Session::load(path).map_err(|e| e.to_string())?;
        self.apply_session(&session, db)?;
        self.session.path = Some(path.to_path_buf());
        self.mark_saved(Some(path));
        Ok(())
    }

    /// Shows a session: opens its database if needed, restores its state, reports missing
    /// entities. Does not touch the session's path or the saved mark.
    pub fn apply_session(&mut self, session: &Session, db: Option<&Path>) -> Result<(), String> {
        let mut notes: Vec<String> = Vec::new();
        let wanted: Option<PathBuf> = match db {
            Some(db) => Some(db.to_path_buf()),
            None => {
                let p = PathBuf::from(&session.database.path);
                let url = crate::store::db::pg::looks_like_url(&session.database.path);
                if session.database.path.is_empty() {
                    None
                } else if url || p.exists() {
                    Some(p)
                } else {
                    notes.push(format!(
                        "The session's database {} is not there; it is shown on the open database.",
                        p.display()
                    ));
                    None
                }
            }
        };
        let current = self.explorer.as_ref().map(|e| e.db_path().to_path_buf());
        let same = |a: &Path, b: &Path| {
            a == b
                || (std::fs::canonicalize(a).ok())
                    .is_some_and(|x| std::fs::canonicalize(b).ok() == Some(x))
        };
        match (&wanted, &current) {
            (Some(w), Some(c)) if same(w, c) => {}
            (Some(w), _) => {
                self.load(Some(w.clone()));
                if let Some(err) = self.error.take() {
                    return Err(err);
                }
            }
            (None, None) => return Err("No database is open to show the session on".to_owned()),
            (None, Some(_)) => {}
        }
        let Some(explorer) = self.explorer.as_mut() else {
            return Err("No database is open to show the session on".to_owned());
        };
        let restored = session.restore(explorer);
        explorer.open_restored(&restored);
        let fingerprint = explorer.store().content_fingerprint().unwrap_or_default();
        if !session.database.fingerprint.is_empty() && session.database.fingerprint != fingerprint {
            notes.push("The database changed since this session was saved.".to_owned());
        }
        self.session.fingerprint = Some((explorer.db_path().to_path_buf(), fingerprint));
        self.session.carried = restored.carried.clone();
        self.ui.show_labels = session.display.labels;
        self.ui.show_legend = session.display.legend;
        self.ui.size_by = session.display.size_by;
        self.style = crate::style::Style::new(session.display.theme);
        match session.view.to_view() {
            Some(v) if !session.view.fit => {
                self.view.center = v.center;
                self.view.zoom = v.zoom;
                self.auto_fit = false;
                self.fit_pending = false;
            }
            _ => {
                self.auto_fit = true;
                self.fit_pending = true;
            }
        }
        if let Some(missing) = restored.missing_report() {
            notes.push(missing);
        }
        self.ui.status = "Opened the session".to_owned();
        self.session.report = (!notes.is_empty()).then(|| notes.join("\n\n"));
        // Compares with the session's fingerprint when known (now, or in a later frame).
        self.fingerprint(false);
        Ok(())
    }

    /// A new, untitled session on the open database (after File → Open database).
    pub fn start_untitled(&mut self) {
        self.session.path = None;
        self.session.carried = Carried::default();
        self.session.expected_fingerprint = None;
        if let Some(e) = &self.explorer {
            self.session.saved_generation = e.doc_generation();
        }
        self.session.saved_display = self.ui_choices().display;
    }

    /// Reopens the database (after an import changed it) and puts the session back on it:
    /// entities by key, so positions, pins and annotations survive.
    pub fn reload_keeping_session(&mut self, db: &Path) {
        let was_dirty = self.is_dirty();
        let kept = self.capture_session();
        self.session.fingerprint = None;
        self.load(Some(db.to_path_buf()));
        let Some(mut session) = kept else {
            return;
        };
        // The user changed the data: no "the database changed" warning for that.
        session.database.fingerprint.clear();
        if let Err(e) = self.apply_session(&session, Some(db)) {
            self.error = Some(e);
            return;
        }
        self.session.expected_fingerprint = None;
        if let Some(e) = &self.explorer {
            self.session.saved_generation = if was_dirty {
                u64::MAX
            } else {
                e.doc_generation()
            };
        }
    }

    /// Opens a session, asking first when there are unsaved changes. A file that cannot be
    /// opened is reported before anything is asked or changed.
    pub fn request_open(&mut self, path: &Path) -> Result<(), String> {
        crate::session::Session::load(path).map_err(|e| e.to_string())?;
        if self.is_dirty() {
            self.session.pending_open = Some(path.to_path_buf());
            Ok(())
        } else {
            self.open_session(path, None)
        }
    }

    /// File → Save: to the session's file, or ask where.
    pub fn save_or_ask(&mut self) {
        match self.session.path.clone() {
            Some(path) => {
                if let Err(e) = self.save_session(&path) {
                    self.error = Some(e);
                }
            }
            None => self.ask_save_as(),
        }
    }

    pub fn ask_save_as(&mut self) {
        let path = self
            .session
            .path
            .as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        self.session.dialog = Some(SessionDialog {
            saving: true,
            path,
            note: None,
        });
    }

    pub fn ask_open_session(&mut self) {
        self.session.dialog = Some(SessionDialog {
            saving: false,
            path: String::new(),
            note: None,
        });
    }

    /// Writes the recovery file now (on exit, and every minute while dirty).
    pub fn autosave(&mut self) {
        let Some(dir) = self.session.data_dir.clone() else {
            return;
        };
        let generation = self.explorer.as_ref().map(|e| e.doc_generation());
        self.session.last_autosave = Instant::now();
        if !self.is_dirty() || generation == Some(self.session.autosaved_generation) {
            return;
        }
        if let Some(session) = self.capture_session()
            && Recovery::save(&dir, &session, self.session.path.as_deref()).is_ok()
        {
            self.session.autosaved_generation = generation.unwrap_or_default();
        }
    }

    /// Once a frame: title, autosave timer, close requests, and the session windows.
    pub fn session_frame(&mut self, ctx: &egui::Context) {
        // Start (or poll) the open database's fingerprint, so a save need not wait for it.
        if self.explorer.is_some() {
            self.fingerprint(false);
        }
        if self.session.fingerprint_job.is_some() {
            ctx.request_repaint_after(Duration::from_millis(200));
        }
        let name = self
            .session
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map_or_else(
                || "Untitled".to_owned(),
                |s| crate::text::inert(&s.to_string_lossy()).into_owned(),
            );
        let dirty = self.is_dirty();
        let title = format!("{}{name} — Lading", if dirty { "* " } else { "" });
        if title != self.session.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.session.title = title;
        }
        if dirty && self.session.last_autosave.elapsed() >= AUTOSAVE_EVERY {
            self.autosave();
        }
        if dirty {
            // Wake up for the autosave even when nothing moves.
            ctx.request_repaint_after(AUTOSAVE_EVERY);
        }
        if ctx.input(|i| i.viewport().close_requested()) && dirty && !self.session.close_confirmed {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.session.ask_close = true;
        }
        close_question(self, ctx);
        open_question(self, ctx);
        recovery_question(self, ctx);
        session_dialog(self, ctx);
        super::team_sessions_ui::team_dialog(self, ctx);
        report_window(self, ctx);
    }

    /// Whether the user chose to close without saving.
    pub fn discarded(&self) -> bool {
        self.session.close_confirmed && self.is_dirty()
    }

    /// The window title as last set.
    pub fn title(&self) -> &str {
        &self.session.title
    }

    pub fn edit_callout(&mut self, id: u32) {
        let callout = self
            .explorer
            .as_ref()
            .and_then(|e| e.doc().annotations.callouts.get(&id).cloned());
        if let Some(callout) = callout {
            self.ui.callout_draft = Some(super::canvas::CalloutDraft {
                id: Some(id),
                callout,
            });
        }
    }

    pub fn new_callout(&mut self, at: [f32; 2], entity: Option<String>) {
        self.ui.callout_draft = Some(super::canvas::CalloutDraft {
            id: None,
            callout: crate::annotation::Callout {
                at,
                text: String::new(),
                entity,
            },
        });
    }
}

fn close_question(app: &mut LadingApp, ctx: &egui::Context) {
    if !app.session.ask_close {
        return;
    }
    let (mut save, mut discard, mut cancel) = (false, false, false);
    egui::Modal::new(egui::Id::unique("close-question")).show(ctx, |ui| {
        ui.heading("Save changes before closing?");
        ui.label("This session has changes that are not saved.");
        ui.horizontal(|ui| {
            save = ui.button("Save").clicked();
            discard = ui.button("Discard").clicked();
            cancel = ui.button("Cancel").clicked();
        });
    });
    if save {
        app.session.ask_close = false;
        match app.session.path.clone() {
            Some(path) => match app.save_session(&path) {
                Ok(()) => close_now(app, ctx),
                Err(e) => app.error = Some(e),
            },
            None => {
                app.session.close_after_save = true;
                app.ask_save_as();
            }
        }
    } else if discard {
        app.session.ask_close = false;
        if let Some(dir) = &app.session.data_dir {
            Recovery::clear(dir);
        }
        close_now(app, ctx);
    } else if cancel {
        app.session.ask_close = false;
    }
}

fn open_question(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(pending) = app.session.pending_open.clone() else {
        return;
    };
    let (mut save, mut discard, mut cancel) = (false, false, false);
    egui::Modal::new(egui::Id::unique("open-question")).show(ctx, |ui| {
        ui.heading("Save changes before opening another session?");
        ui.label("This session has changes that are not saved.");
        ui.horizontal(|ui| {
            save = ui.button("Save").clicked();
            discard = ui.button("Discard").clicked();
            cancel = ui.button("Cancel").clicked();
        });
    });
    if !(save || discard || cancel) {
        return;
    }
    app.session.pending_open = None;
    if save {
        match app.session.path.clone() {
            Some(path) => match app.save_session(&path) {
                Ok(()) => {
                    if let Err(e) = app.open_session(&pending, None) {
                        app.error = Some(e);
                    }
                }
                Err(e) => app.error = Some(e),
            },
            None => {
                app.session.open_after_save = Some(pending);
                app.ask_save_as();
            }
        }
    } else if discard && let Err(e) = app.open_session(&pending, None) {
        app.error = Some(e);
    }
}

fn close_now(app: &mut LadingApp, ctx: &egui::Context) {
    app.session.close_confirmed = true;
    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
}

fn recovery_question(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(offer) = &app.session.recovery_offer else {
        return;
    };
    let what = offer.of.as_ref().map_or_else(
        || "an unsaved session".to_owned(),
        |p| format!("the session {}", p.display()),
    );
    let (mut restore, mut discard) = (false, false);
    egui::Modal::new(egui::Id::unique("recovery-question")).show(ctx, |ui| {
        ui.heading("Restore unsaved work?");
        ui.label(format!(
            "Lading did not close cleanly. Autosave kept unsaved changes to {}.",
            crate::text::inert(&what)
        ));
        ui.horizontal(|ui| {
            restore = ui.button("Restore").clicked();
            discard = ui.button("Discard").clicked();
        });
    });
    if restore {
        if let Some(offer) = app.session.recovery_offer.take() {
            match app.apply_session(&offer.session, None) {
                Ok(()) => {
                    app.session.path = offer.of.clone();
                    // Restored work is unsaved until the user saves it.
                    app.session.saved_generation = u64::MAX;
                    app.ui.status = "Restored the autosaved session; save it to keep it".into();
                }
                Err(e) => app.error = Some(e),
            }
        }
    } else if discard {
        app.session.recovery_offer = None;
        if let Some(dir) = &app.session.data_dir {
            Recovery::clear(dir);
        }
    }
}

fn browse(saving: bool) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new()
        .add_filter("Lading session", &[crate::session::EXTENSION])
        .add_filter("Any file", &["*"]);
    if saving {
        dialog.set_file_name("network.lading").save_file()
    } else {
        dialog.pick_file()
    }
}

fn session_dialog(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(dialog) = app.session.dialog.as_mut() else {
        return;
    };
    let (mut go, mut close) = (false, false);
    let title = if dialog.saving {
        "Save session as"
    } else {
        "Open session"
    };
    egui::Modal::new(egui::Id::unique("session-dialog")).show(ctx, |ui| {
        ui.set_min_width(520.0);
        ui.heading(title);
        let saving = dialog.saving;
        if super::dialogs::path_field(
            ui,
            "Session file",
            &mut dialog.path,
            &mut dialog.note,
            || browse(saving),
        ) {
            go = true;
        }
        ui.horizontal(|ui| {
            go |= ui
                .button(if dialog.saving { "Save" } else { "Open" })
                .clicked();
            close = ui.button("Cancel").clicked();
        });
    });
    if close {
        app.session.dialog = None;
        app.session.close_after_save = false;
        app.session.open_after_save = None;
        return;
    }
    if !go {
        return;
    }
    let Some(dialog) = app.session.dialog.as_ref() else {
        return;
    };
    let text = dialog.path.trim().to_owned();
    if text.is_empty() {
        if let Some(d) = app.session.dialog.as_mut() {
            d.note = Some("Type or choose a file first.".to_owned());
        }
        return;
    }
    let mut path = PathBuf::from(&text);
    let result = if dialog.saving {
        if path.extension().is_none() {
            path.set_extension(crate::session::EXTENSION);
        }
        app.save_session(&path)
    } else {
        app.request_open(&path)
    };
    match result {
        Ok(()) => {
            app.session.dialog = None;
            if app.session.close_after_save {
                close_now(app, ctx);
            } else if let Some(next) = app.session.open_after_save.take()
                && let Err(e) = app.open_session(&next, None)
            {
                app.error = Some(e);
            }
        }
        Err(e) => {
            if let Some(d) = app.session.dialog.as_mut() {
                d.note = Some(e);
            }
        }
    }
}

fn report_window(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(report) = app.session.report.clone() else {
        return;
    };
    let mut open = true;
    egui::Window::new("Session opened")
        .open(&mut open)
        .collapsible(false)
        .default_width(460.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(320.0)
                .show(ui, |ui| {
                    ui.label(crate::text::inert_lines(&report));
                });
            if ui.button("OK").clicked() {
                app.session.report = None;
            }
        });
    if !open {
        app.session.report = None;
    }
}

/// The recent sessions in the File menu.
pub fn recent_menu(app: &mut LadingApp, ui: &mut egui::Ui) {
    let recent = app.session.recent.sessions.clone();
    ui.menu_button("Recent sessions", |ui| {
        if recent.is_empty() {
            ui.label(egui::RichText::new("None yet").weak());
        }
        for path in recent {
            let name = path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into_owned(),
            );
            if ui
                .button(crate::text::inert(&name))
                .on_hover_text(crate::text::inert(&path.display().to_string()))
                .clicked()
            {
                if let Err(e) = app.request_open(&path) {
                    app.session.recent.remove(&path);
                    if let Some(dir) = app.session.data_dir.clone() {
                        let _ = app.session.recent.save(&dir);
                    }
                    app.error = Some(e);
                }
                ui.close();
            }
        }
    });
}
