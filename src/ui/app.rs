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
    /// The legend strip under the canvas is folded to one line.
    pub legend_collapsed: bool,
    /// The folder of the last file imported: the import dialog starts there.
    pub last_import_dir: Option<PathBuf>,
    /// Timeline playback: its settings, and the run while one is going.
    pub playback: super::timeline::PlaybackState,
    /// View → Brokers, and the measures behind it and behind sizing by betweenness.
    pub brokers: super::brokers_ui::BrokersState,
    /// View → Duplicates, while open.
    pub duplicates: Option<super::duplicates::DuplicatesView>,
    /// The last CSV import's summary, until closed.
    pub import_report: Option<String>,
    /// Changes to the open database by other processes (see `watch.rs`).
    pub db_watch: super::watch::DbWatch,
}

/// What the view should bring into view ([`LadingApp::follow`]).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Follow {
    /// The whole shown network (after a focus).
    Network,
    /// The whole network, but only when the view shows little of it (after a filter change).
    IfLost,
    /// The path's entities.
    Path,
    /// One entity, when it is not comfortably on screen.
    Entity(EntityId),
    /// A world point (a new callout's corner), when it is not on screen.
    Point([f32; 2]),
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
    /// What to bring into view once the graph being derived on the filter thread is in.
    follow_after_filter: Option<Follow>,
    /// The network as last drawn (rebuilt when what it shows changes).
    pub(super) network: Option<super::network::Network>,
    /// Builds the scenes of large networks off this thread (started when first needed).
    pub(super) scene_worker: Option<super::scene_worker::SceneWorker>,
    /// What one scene lends the next (`scene::reuse`), built in the frame or on the worker.
    pub(super) scene_reuse: std::sync::Arc<std::sync::Mutex<crate::scene::reuse::Reuse>>,
    /// Draws the network from GPU buffers when the window runs on OpenGL.
    pub(super) gpu: Option<super::gpu::GpuNetwork>,
    /// Whether the layout runs on its own thread (the window) or is stepped (tests).
    background_layout: bool,
    /// A smooth move of the view under way ([`super::follow`]), and the view it set last.
    pub view_animation: Option<(super::follow::ViewAnimation, View)>,
    /// The frame's time (egui's input clock, seconds).
    pub now: f64,
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
            follow_after_filter: None,
            network: None,
            scene_worker: None,
            scene_reuse: Default::default(),
            gpu: None,
            background_layout: false,
            view_animation: None,
            now: 0.0,
        }
    }

    /// A window on an explorer as the first window opens it, for tests: on the story
    /// ([`Explorer::open_on_story`]), the layout run synchronously.
    pub fn first_window(mut explorer: Explorer) -> LadingApp {
        explorer.open_on_story();
        let mut app = LadingApp::with_explorer(explorer);
        app.say_opened();
        app
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
                explorer.open_on_story();
                if self.background_layout {
                    explorer.run_in_background();
                } else {
                    explorer.settle(300);
                }
                self.explorer = Some(explorer);
                self.say_opened();
                self.fit_pending = true;
                self.auto_fit = true;
                self.error = None;
            }
            Err(e) => {
                self.error = Some(format!("{e:#}"));
            }
        }
    }

    /// The status line after opening a database: which records the window shows.
    fn say_opened(&mut self) {
        let Some(explorer) = self.explorer.as_ref() else {
            return;
        };
        self.ui.status = format!("Opened {}", explorer.db_path().display());
        let (synthetic, all) = explorer.index().synthetic_shipments();
        if explorer.filter().provenance.is_some() {
            self.ui.status.push_str(&format!(
                " · showing the sourced records; {} synthetic (made-up) {} are one switch \
                 away (Filter → Provenance)",
                super::panels::thousands(synthetic),
                super::panels::noun(synthetic, "shipment", "shipments")
            ));
        } else if all > 0 && synthetic == all {
            self.ui.status.push_str(
                " · every record in this database is synthetic (made up): all are drawn washed out",
            );
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
        let mut follow: Option<Follow> = None;
        for command in pending {
            let what = format!("{command:?}");
            let wants = match &command {
                Command::Focus(Some(_)) => Some(Follow::Network),
                Command::Focus(None)
                | Command::SetFilter(_)
                | Command::OpenGroup(_)
                | Command::CloseGroup(_) => Some(Follow::IfLost),
                Command::FindPath(..) => Some(Follow::Path),
                Command::AddCallout(c) => Some(Follow::Point(c.at)),
                _ => None,
            };
            let outcome = explorer.apply(command);
            if outcome == Outcome::Done {
                follow = wants.or(follow);
            }
            match outcome {
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
        if let Some(follow) = follow {
            if explorer.is_filtering() {
                // A large network's graph comes from the filter thread: follow what it shows.
                self.follow_after_filter = Some(follow);
            } else {
                self.follow(follow);
            }
        }
    }

    /// Brings something into view with a short, smooth move ([`super::follow`]).
    pub fn follow(&mut self, what: Follow) {
        use super::follow::{mostly_off_screen, points_of, view_showing};
        let Some(explorer) = self.explorer.as_ref() else {
            return;
        };
        let positions = explorer.positions();
        let current = self.view;
        let target = match what {
            Follow::Network => view_showing(
                &points_of(positions, explorer.graph().entities.iter().copied()),
                &current,
                2.5,
            ),
            Follow::IfLost => {
                let points = points_of(positions, explorer.graph().entities.iter().copied());
                if mostly_off_screen(&current, &points) {
                    view_showing(&points, &current, 2.5)
                } else {
                    None
                }
            }
            Follow::Path => view_showing(
                &points_of(positions, explorer.path.iter().copied()),
                &current,
                2.5,
            ),
            Follow::Entity(id) => {
                let points = points_of(positions, [id]);
                match points.first() {
                    Some(&p) if super::follow::on_screen(&current, p, 60.0) => None,
                    Some(_) => view_showing(&points, &current, current.zoom.max(1.2)),
                    None => None,
                }
            }
            Follow::Point(p) => {
                if super::follow::on_screen(&current, p, 80.0) {
                    None
                } else {
                    Some(View {
                        center: p,
                        ..current
                    })
                }
            }
        };
        if let Some(to) = target {
            self.auto_fit = false;
            self.fit_pending = false;
            let start = self.now;
            self.view_animation = Some((
                super::follow::ViewAnimation {
                    from: current,
                    to,
                    start,
                },
                current,
            ));
        }
    }

    /// Moves a running view animation on; stops it when the user moved the view meanwhile.
    fn step_view_animation(&mut self, ctx: &egui::Context) {
        let Some((animation, last)) = self.view_animation else {
            return;
        };
        let size = self.view.size;
        let moved = self.view.center != last.center || self.view.zoom != last.zoom;
        if moved {
            self.view_animation = None;
            return;
        }
        let (mut view, done) = animation.at(self.now);
        view.size = size;
        self.view = view;
        self.view_animation = (!done).then_some((animation, view));
        ctx.request_repaint();
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

    /// Selects an entity, shows it if it is not shown (its group, when it is in a closed
    /// one), and brings it into view with a short, smooth move.
    pub fn go_to(&mut self, id: EntityId) {
        if let Some(explorer) = self.explorer.as_mut() {
            explorer.apply(Command::Reveal(id));
            // Inside a closed group, the group stands for it.
            let shown = |e: &Explorer, x: EntityId| e.graph().entities.binary_search(&x).is_ok();
            let target = if shown(explorer, id) {
                id
            } else {
                explorer
                    .group_of(id)
                    .filter(|&g| shown(explorer, g))
                    .unwrap_or(id)
            };
            explorer.apply(Command::Select {
                ids: vec![target],
                additive: false,
            });
            if !self.background_layout {
                explorer.settle(200);
            }
            self.follow(Follow::Entity(target));
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
            self.open_find();
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
            self.ui.dialog = Some(Dialog::import_in(self.ui.last_import_dir.as_deref()));
        }
        if pressed(Modifiers::NONE, Key::F1) {
            self.ui.help_open = !self.ui.help_open;
        }
        if pressed(Modifiers::NONE, Key::F11) {
            self.ui.presentation = !self.ui.presentation;
        }
        // Esc closes the topmost window first; only with none open does it clear the selection.
        if ctx.input(|i| i.key_pressed(Key::Escape)) {
            self.escape(typing);
        }
        if typing {
            return;
        }
        if ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Space)) {
            self.toggle_playback();
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
        let (plus, minus, fit, delete, labels) = ctx.input(|i| {
            (
                i.key_pressed(Key::Plus) || i.key_pressed(Key::Equals),
                i.key_pressed(Key::Minus),
                i.key_pressed(Key::F),
                i.key_pressed(Key::Delete) || i.key_pressed(Key::Backspace),
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
    }

    /// Esc: closes the topmost window (a dialog, then Find, help, the brokers and screening
    /// views), else leaves "path to…" or presentation mode, else clears the selection and
    /// path (not while typing in a field).
    fn escape(&mut self, typing: bool) {
        let ui = &mut self.ui;
        if ui.callout_draft.is_some() {
            ui.callout_draft = None;
        } else if ui.dialog.is_some() {
            ui.dialog = None;
        } else if ui.expand_ask.is_some() {
            ui.expand_ask = None;
        } else if ui.export.is_some() {
            ui.export = None;
        } else if ui.search_open {
            ui.search_open = false;
        } else if ui.help_open {
            ui.help_open = false;
        } else if ui.brokers.open {
            ui.brokers.open = false;
        } else if ui.screening_open {
            ui.screening_open = false;
        } else if ui.path_from.is_some() {
            ui.path_from = None;
        } else if ui.presentation {
            ui.presentation = false;
        } else if !typing {
            self.send(Command::ClearSelection);
            self.send(Command::ClearPath);
        }
    }

    /// Opens Find with its last query selected, so typing replaces it.
    pub fn open_find(&mut self) {
        self.ui.search_open = true;
        self.ui.search_focus = true;
    }

    /// Space: plays or pauses the timeline.
    pub fn toggle_playback(&mut self) {
        super::timeline::toggle_playback(self);
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
                let team = self.team_sessions_here();
                let why =
                    "Sessions are kept in team databases (postgres://…); this database is a file";
                if ui
                    .add_enabled(team, egui::Button::new("Save to team database…"))
                    .on_disabled_hover_text(why)
                    .clicked()
                {
                    self.ask_save_to_team();
                }
                if ui
                    .add_enabled(team, egui::Button::new("Open from team database…"))
                    .on_disabled_hover_text(why)
                    .clicked()
                {
                    self.ask_open_from_team();
                }
                ui.separator();
                if ui.button("Open database…  (Ctrl+Shift+O)").clicked() {
                    self.ui.dialog = Some(Dialog::open_database());
                }
                if ui.button("Import CSV or FtM…  (Ctrl+I)").clicked() {
                    self.ui.dialog = Some(Dialog::import_in(self.ui.last_import_dir.as_deref()));
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
                    self.open_find();
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
                if ui.button("Brokers…").clicked() {
                    self.ui.brokers.open = true;
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
                ui.radio_value(
                    &mut self.ui.size_by,
                    SizeBy::Betweenness,
                    "Betweenness (brokers)",
                );
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
        self.now = ctx.input(|i| i.time);
        super::timeline::advance_playback(self, &ctx);
        self.step_view_animation(&ctx);
        if let Some(explorer) = self.explorer.as_mut() {
            explorer.poll_graph(false);
            if explorer.is_filtering() {
                ctx.request_repaint();
            }
            if self.background_layout {
                explorer.poll_layout();
            } else {
                explorer.step_layout(std::time::Duration::from_millis(4));
            }
            if !explorer.is_settled() {
                ctx.request_repaint();
            }
        }
        if self.follow_after_filter.is_some()
            && self.explorer.as_ref().is_some_and(|e| !e.is_filtering())
            && let Some(follow) = self.follow_after_filter.take()
        {
            self.follow(follow);
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

        super::brokers_ui::poll(self);
        super::panels::search_window(self, &ctx);
        super::panels::help_window(self, &ctx);
        super::brokers_ui::brokers_window(self, &ctx);
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
