//! The application: owns the explorer, the view and the UI's own state; draws the panels in
//! order and applies the commands they emitted at the end of the frame.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::dialogs::{Dialog, ImportJob};
use super::session_ui::SessionState;
use crate::explorer::{Command, EXPAND_ASK_ABOVE, Explorer, Outcome};
use crate::model::EntityId;
use crate::scene::{SizeBy, View};
use crate::style::{Style, Theme};

/// What the UI remembers between frames that is not the explorer's.
#[derive(Default)]
pub struct UiState {
    pub search_open: bool,
    pub search_query: String,
    pub search_focus: bool,
    pub help_open: bool,
    /// "Path to…" was picked on this entity; the next entity clicked completes it.
    pub path_from: Option<EntityId>,
    pub status: String,
    pub dialog: Option<Dialog>,
    /// An expansion waiting for the user's answer: entity and how many neighbours it adds.
    pub expand_ask: Option<(EntityId, usize)>,
    pub focus_depth: u32,
    pub presentation: bool,
    pub import_job: Option<ImportJob>,
    /// File → Export picture, while open.
    pub export: Option<super::export_ui::ExportDialog>,
    /// A picture being painted for a file or the clipboard.
    pub picture_job: Option<super::export_ui::PictureJob>,
    pub show_labels: bool,
    pub show_legend: bool,
    pub size_by: SizeBy,
    /// The callout dialog's text, while it is open.
    pub callout_draft: Option<super::canvas::CalloutDraft>,
    /// Put the keyboard focus in the inspector's note field at the next frame.
    pub focus_note: bool,
    /// View → Screening, while open.
    pub screening_open: bool,
    pub screening_tab: super::screening_ui::Tab,
    /// View → Duplicates, while open.
    pub duplicates: Option<super::duplicates::DuplicatesView>,
    /// The last CSV import's summary, until closed.
    pub import_report: Option<String>,
    /// Changes to the open database by other processes (see `watch.rs`).
    pub db_watch: super::watch::DbWatch,
}

/// The Lading window.
pub struct LadingApp {
    pub explorer: Option<Explorer>,
    pub view: View,
    /// Where the canvas's top-left corner is in the window (for tests and pointer maths).
    pub canvas_origin: [f32; 2],
    /// Fit the view to the network at the next frame (the canvas knows its size then).
    pub fit_pending: bool,
    /// Keep fitting while the layout moves, until the user pans or zooms.
    pub auto_fit: bool,
    pub style: Style,
    pub ui: UiState,
    /// A problem to show (opening a database, an import): the window goes on working.
    pub error: Option<String>,
    /// The session file, saved state, recent list, autosave.
    pub session: SessionState,
    pending: Vec<Command>,
    /// The network as last drawn (rebuilt when what it shows changes).
    pub(super) network: Option<super::canvas::Network>,
    /// Draws the network from GPU buffers when the window runs on OpenGL.
    pub(super) gpu: Option<super::gpu::GpuNetwork>,
    /// Whether the layout runs on its own thread (the window) or is stepped (tests).
    background_layout: bool,
}

impl LadingApp {
    /// Opens the database (or the default one). A failure is shown in the window, which
    /// then offers File → Open.
    pub fn open(db: Option<PathBuf>) -> LadingApp {
        LadingApp::open_with(db, None)
    }

    /// Opens the window on a database and, optionally, a session file (whose database is
    /// used when `db` is `None`). Recent sessions and the recovery file live in the data
    /// directory.
    pub fn open_with(db: Option<PathBuf>, session: Option<PathBuf>) -> LadingApp {
        let mut app = LadingApp::empty();
        app.background_layout = true;
        if let Ok(dir) = crate::session::files::data_dir() {
            app.session = SessionState::with_data_dir(dir);
        }
        match session {
            Some(path) => {
                // The session names its database; an explicit --db wins.
                let wanted = match &db {
                    Some(db) => Some(db.clone()),
                    None => crate::session::Session::load(&path)
                        .ok()
                        .map(|s| PathBuf::from(s.database.path))
                        .filter(|p| p.exists()),
                };
                app.load(wanted);
                if let Err(e) = app.open_session(&path, db.as_deref()) {
                    app.error = Some(e);
                }
            }
            None => app.load(db),
        }
        app
    }

    /// A window with no database yet (and a layout stepped each frame, for tests).
    pub fn empty() -> LadingApp {
        LadingApp {
            explorer: None,
            view: View::default(),
            canvas_origin: [0.0, 0.0],
            fit_pending: true,
            auto_fit: true,
            style: Style::new(Theme::Light),
            ui: UiState {
                focus_depth: 1,
                show_labels: true,
                show_legend: true,
                ..UiState::default()
            },
            error: None,
            session: SessionState::default(),
            pending: Vec::new(),
            network: None,
            gpu: None,
            background_layout: false,
        }
    }

    /// A window on an explorer, for tests: the layout runs synchronously.
    pub fn with_explorer(mut explorer: Explorer) -> LadingApp {
        explorer.settle(3_000);
        let mut app = LadingApp::empty();
        app.explorer = Some(explorer);
        app
    }

    /// Opens a database in place of the current one.
    pub fn load(&mut self, db: Option<PathBuf>) {
        let result =
            crate::cli::open_store(db.as_deref()).and_then(|store| Ok(Explorer::new(store)?));
        match result {
            Ok(mut explorer) => {
                if self.background_layout {
                    explorer.run_in_background();
                } else {
                    explorer.settle(300);
                }
                self.ui.status = format!("Opened {}", explorer.db_path().display());
                self.explorer = Some(explorer);
                self.fit_pending = true;
                self.auto_fit = true;
                self.error = None;
            }
            Err(e) => {
                self.error = Some(format!("{e:#}"));
            }
        }
    }

    /// Where an entity is drawn in the window, if it is shown.
    pub fn screen_position(&self, id: EntityId) -> Option<[f32; 2]> {
        let p = self.explorer.as_ref()?.positions().get(id)?;
        let s = self.view.to_screen(p);
        Some([s[0] + self.canvas_origin[0], s[1] + self.canvas_origin[1]])
    }

    /// Queues a command, applied after this frame's panels.
    pub fn send(&mut self, command: Command) {
        self.pending.push(command);
    }

    /// Applies queued commands now.
    pub fn apply_pending(&mut self) {
        let pending = std::mem::take(&mut self.pending);
        let Some(explorer) = self.explorer.as_mut() else {
            return;
        };
        for command in pending {
            let what = format!("{command:?}");
            match explorer.apply(command) {
                Outcome::NoPath => {
                    self.ui.status = "No path between these two entities in this filter".into();
                }
                Outcome::Message(m) => self.ui.status = m,
                Outcome::Done | Outcome::Nothing => {
                    if what.starts_with("Undo") || what.starts_with("Redo") {
                        self.ui.status = what;
                    }
                }
            }
        }
    }

    /// Asks before expanding an entity with many hidden neighbours.
    pub fn expand(&mut self, id: EntityId) {
        let Some(explorer) = self.explorer.as_ref() else {
            return;
        };
        let count = explorer.unshown_neighbours(id).len();
        if count == 0 {
            self.ui.status = "Every neighbour in this filter is already shown".into();
        } else if count > EXPAND_ASK_ABOVE {
            self.ui.expand_ask = Some((id, count));
        } else {
            self.send(Command::Expand { id, limit: None });
        }
    }

    /// Selects an entity, shows it if it is not shown, and centres the view on it.
    pub fn go_to(&mut self, id: EntityId) {
        if let Some(explorer) = self.explorer.as_mut() {
            explorer.apply(Command::Reveal(id));
            explorer.apply(Command::Select {
                ids: vec![id],
                additive: false,
            });
            if !self.background_layout {
                explorer.settle(200);
            }
            if let Some(p) = explorer.positions().get(id) {
                self.view.center = p;
            }
        }
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        let typing = ctx.egui_wants_keyboard_input();
        let shortcut = |m: Modifiers, k: Key| KeyboardShortcut::new(m, k);
        let pressed = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_shortcut(&shortcut(m, k)));
        if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z)
            || pressed(Modifiers::COMMAND, Key::Y)
        {
            self.send(Command::Redo);
        }
        if pressed(Modifiers::COMMAND, Key::Z) {
            self.send(Command::Undo);
        }
        if pressed(Modifiers::COMMAND, Key::E) && self.explorer.is_some() {
            self.ui.export = Some(super::export_ui::ExportDialog::new(
                self.style.theme == Theme::Dark,
            ));
        }
        if pressed(Modifiers::COMMAND, Key::F) {
            self.ui.search_open = true;
            self.ui.search_focus = true;
        }
        if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::O) {
            self.ui.dialog = Some(Dialog::open_database());
        }
        if pressed(Modifiers::COMMAND, Key::O) {
            self.ask_open_session();
        }
        if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::S) {
            self.ask_save_as();
        }
        if pressed(Modifiers::COMMAND, Key::S) {
            self.save_or_ask();
        }
        if pressed(Modifiers::COMMAND | Modifiers::SHIFT, Key::L) {
            self.ui.screening_open = !self.ui.screening_open;
        }
        if pressed(Modifiers::COMMAND, Key::I) {
            self.ui.dialog = Some(Dialog::import_csv());
        }
        if pressed(Modifiers::NONE, Key::F1) {
            self.ui.help_open = !self.ui.help_open;
        }
        if pressed(Modifiers::NONE, Key::F11) {
            self.ui.presentation = !self.ui.presentation;
        }
        if typing {
            return;
        }
        let questions = ctx.input(|i| {
            i.events
                .iter()
                .any(|e| matches!(e, egui::Event::Text(t) if t == "?"))
        });
        if questions {
            self.ui.help_open = !self.ui.help_open;
        }
        let step = 60.0 / self.view.zoom;
        let (left, right, up, down) = ctx.input(|i| {
            (
                i.key_pressed(Key::ArrowLeft),
                i.key_pressed(Key::ArrowRight),
                i.key_pressed(Key::ArrowUp),
                i.key_pressed(Key::ArrowDown),
            )
        });
        if left || right || up || down {
            self.auto_fit = false;
        }
        if left {
            self.view.center[0] -= step;
        }
        if right {
            self.view.center[0] += step;
        }
        if up {
            self.view.center[1] -= step;
        }
        if down {
            self.view.center[1] += step;
        }
        let (plus, minus, fit, delete, escape, labels) = ctx.input(|i| {
            (
                i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                i.key_pressed(Key::Minus),
                i.key_pressed(Key::F),
                i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
                i.key_pressed(Key::Escape),
                i.key_pressed(Key::L),
            )
        });
        let centre = [self.view.size[0] / 2.0, self.view.size[1] / 2.0];
        if plus || minus {
            self.auto_fit = false;
        }
        if plus {
            self.view.zoom_at(centre, 1.25);
        }
        if minus {
            self.view.zoom_at(centre, 0.8);
        }
        if fit {
            self.fit_pending = true;
            self.auto_fit = true;
        }
        if labels {
            self.ui.show_labels = !self.ui.show_labels;
        }
        if delete && let Some(explorer) = &self.explorer {
            let ids: Vec<EntityId> = explorer.selection.iter().copied().collect();
            if !ids.is_empty() {
                self.send(Command::Hide(ids));
            }
        }
        if escape {
            self.ui.path_from = None;
            self.ui.presentation = false;
            self.send(Command::ClearSelection);
            self.send(Command::ClearPath);
        }
    }

    fn menu_bar(&mut self, ui: &mut egui::Ui) {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button("File", |ui| {
                if ui
                    .add_enabled(
                        self.explorer.is_some(),
                        egui::Button::new("Export picture…  (Ctrl+E)"),
                    )
                    .clicked()
                {
                    self.ui.export = Some(super::export_ui::ExportDialog::new(
                        self.style.theme == Theme::Dark,
                    ));
                }
                if ui
                    .add_enabled(
                        self.explorer.is_some(),
                        egui::Button::new("Export animation…"),
                    )
                    .clicked()
                {
                    self.ui.export = Some(super::export_ui::ExportDialog::animation(
                        self.style.theme == Theme::Dark,
                    ));
                }
                ui.separator();
                if ui.button("Open session…  (Ctrl+O)").clicked() {
                    self.ask_open_session();
                }
                super::session_ui::recent_menu(self, ui);
                let open = self.explorer.is_some();
                if ui
                    .add_enabled(open, egui::Button::new("Save session  (Ctrl+S)"))
                    .clicked()
                {
                    self.save_or_ask();
                }
                if ui
                    .add_enabled(open, egui::Button::new("Save session as…  (Ctrl+Shift+S)"))
                    .clicked()
                {
                    self.ask_save_as();
                }
                ui.separator();
                if ui.button("Open database…  (Ctrl+Shift+O)").clicked() {
                    self.ui.dialog = Some(Dialog::open_database());
                }
                if ui.button("Import CSV or FtM…  (Ctrl+I)").clicked() {
                    self.ui.dialog = Some(Dialog::import_csv());
                }
                ui.separator();
                if ui.button("Quit").clicked() {
                    ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
                }
            });
            ui.menu_button("Edit", |ui| {
                let (can_undo, can_redo) = self
                    .explorer
                    .as_ref()
                    .map_or((false, false), |e| (e.can_undo(), e.can_redo()));
                if ui
                    .add_enabled(can_undo, egui::Button::new("Undo  (Ctrl+Z)"))
                    .clicked()
                {
                    self.send(Command::Undo);
                }
                if ui
                    .add_enabled(can_redo, egui::Button::new("Redo  (Ctrl+Shift+Z)"))
                    .clicked()
                {
                    self.send(Command::Redo);
                }
                ui.separator();
                if ui
                    .add_enabled(self.explorer.is_some(), egui::Button::new("Copy picture"))
                    .on_hover_text(
                        "The whole network as a picture (legend, caption), to paste elsewhere",
                    )
                    .clicked()
                {
                    super::export_ui::copy_default_picture(self);
                }
                if ui.button("Find…  (Ctrl+F)").clicked() {
                    self.ui.search_open = true;
                    self.ui.search_focus = true;
                }
                if ui.button("Show hidden entities").clicked() {
                    self.send(Command::UnhideAll);
                }
                if ui.button("Clear focus").clicked() {
                    self.send(Command::Focus(None));
                }
            });
            ui.menu_button("View", |ui| {
                if ui.button("Fit network  (F)").clicked() {
                    self.fit_pending = true;
                    self.auto_fit = true;
                }
                if ui.button("Screening…  (Ctrl+Shift+L)").clicked() {
                    self.ui.screening_open = true;
                }
                if ui.button("Duplicates…").clicked() {
                    super::duplicates::open(self);
                }
                ui.checkbox(&mut self.ui.show_legend, "Legend");
                ui.checkbox(&mut self.ui.show_labels, "Labels  (L)");
                ui.checkbox(&mut self.ui.presentation, "Presentation mode  (F11)");
                ui.separator();
                ui.label("Size nodes and links by");
                ui.radio_value(&mut self.ui.size_by, SizeBy::Shipments, "Shipments");
                ui.radio_value(&mut self.ui.size_by, SizeBy::Value, "Declared value");
                ui.radio_value(&mut self.ui.size_by, SizeBy::Degree, "Number of links");
                ui.separator();
                let dark = self.style.theme == Theme::Dark;
                if ui.selectable_label(dark, "Dark background").clicked() {
                    self.style = Style::new(if dark { Theme::Light } else { Theme::Dark });
                }
            });
            ui.menu_button("Help", |ui| {
                if ui.button("Keyboard shortcuts  (F1 or ?)").clicked() {
                    self.ui.help_open = true;
                }
            });
        });
    }

    /// One frame of the whole window.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if let Some(explorer) = self.explorer.as_mut() {
            if self.background_layout {
                explorer.poll_layout();
            } else {
                explorer.step_layout(std::time::Duration::from_millis(4));
            }
            if !explorer.is_settled() {
                ctx.request_repaint();
            }
        }
        super::dialogs::poll_import(self);
        super::watch::watch_frame(self, &ctx);
        self.shortcuts(&ctx);

        if !self.ui.presentation {
            egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
            egui::Panel::bottom("status").show(ui, |ui| super::panels::status_bar(self, ui));
            egui::Panel::left("filters")
                .default_size(300.0)
                .size_range(220.0..=480.0)
                .resizable(true)
                .show(ui, |ui| super::panels::filter_panel(self, ui));
            egui::Panel::right("inspector")
                .default_size(400.0)
                .size_range(280.0..=720.0)
                .resizable(true)
                .show(ui, |ui| super::inspector::inspector_panel(self, ui));
        }
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE)
            .show(ui, |ui| super::canvas::canvas(self, ui));

        super::panels::search_window(self, &ctx);
        super::panels::help_window(self, &ctx);
        super::screening_ui::screening_window(self, &ctx);
        super::duplicates::duplicates_window(self, &ctx);
        super::import_preview::report_window(self, &ctx);
        super::panels::expand_question(self, &ctx);
        super::dialogs::dialog_window(self, &ctx);
        super::canvas::callout_window(self, &ctx);
        self.session_frame(&ctx);
        super::export_ui::export_window(self, &ctx);
        super::panels::error_window(self, &ctx);
        self.apply_pending();
    }
}

impl eframe::App for LadingApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn on_exit(&mut self, gl: Option<&eframe::glow::Context>) {
        if let (Some(gpu), Some(gl)) = (&self.gpu, gl) {
            gpu.destroy(gl);
        }
        // Unsaved work goes to the recovery file (unless the user chose to discard it).
        if !self.discarded() {
            self.autosave();
        }
    }
}
