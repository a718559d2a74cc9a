//! File → Save to team database and Open from team database: sessions kept in a team
//! database ([`crate::store::TeamSession`]), listed with who saved them and when. Enabled
//! only when the open database is a team database; the session's JSON is the file format.

use super::app::LadingApp;
use crate::session::Session;
use crate::store::TeamSession;

/// The dialog showing, if any.
pub enum TeamDialog {
    /// Asking for a title.
    Save { title: String },
    /// The saved sessions to choose from.
    Open { list: Vec<TeamSession> },
}

impl LadingApp {
    /// Whether the open database keeps sessions.
    pub fn team_sessions_here(&self) -> bool {
        self.explorer
            .as_ref()
            .is_some_and(|e| e.store().keeps_sessions())
    }

    pub fn ask_save_to_team(&mut self) {
        let title = self
            .session
            .path
            .as_ref()
            .and_then(|p| p.file_stem())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.session.team = Some(TeamDialog::Save { title });
    }

    pub fn ask_open_from_team(&mut self) {
        let listed = match &self.explorer {
            Some(e) => e.store().team_sessions().map_err(|e| e.to_string()),
            None => Err("No database is open".to_owned()),
        };
        match listed {
            Ok(list) => self.session.team = Some(TeamDialog::Open { list }),
            Err(e) => self.error = Some(e),
        }
    }

    /// Saves the session under `title` in the open team database.
    pub fn save_to_team(&mut self, title: &str) -> Result<i64, String> {
        let session = self
            .capture_session()
            .ok_or_else(|| "No database is open: nothing to save".to_owned())?;
        let explorer = self.explorer.as_ref().ok_or("No database is open")?;
        let id = explorer
            .store()
            .save_team_session(title, &session.to_json())
            .map_err(|e| e.to_string())?;
        self.ui.status = format!(
            "Saved \"{}\" to the team database",
            crate::text::inert(title.trim())
        );
        Ok(id)
    }

    /// Opens saved session `id` of the open team database.
    pub fn open_from_team(&mut self, id: i64) -> Result<(), String> {
        let explorer = self.explorer.as_ref().ok_or("No database is open")?;
        let store = explorer.store();
        let body = store.team_session(id).map_err(|e| e.to_string())?;
        let name = format!("{} (team session {id})", store.path().display());
        let session = Session::from_slice(std::path::Path::new(&name), body.as_bytes())
            .map_err(|e| e.to_string())?;
        self.apply_session(&session, None)?;
        self.session.path = None;
        self.ui.status = format!("Opened team session {id}");
        Ok(())
    }
}

/// Draws the dialog, once a frame.
pub fn team_dialog(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(dialog) = app.session.team.take() else {
        return;
    };
    let mut open = true;
    let mut keep = true;
    let mut act: Option<Result<(), String>> = None;
    let dialog = match dialog {
        TeamDialog::Save { mut title } => {
            egui::Window::new("Save to team database")
                .open(&mut open)
                .collapsible(false)
                .show(ctx, |ui| {
                    ui.label("Title");
                    ui.text_edit_singleline(&mut title);
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            act = Some(app.save_to_team(&title).map(|_| ()));
                        }
                        if ui.button("Cancel").clicked() {
                            keep = false;
                        }
                    });
                });
            TeamDialog::Save { title }
        }
        TeamDialog::Open { list } => {
            egui::Window::new("Open from team database")
                .open(&mut open)
                .collapsible(false)
                .default_width(520.0)
                .show(ctx, |ui| {
                    if list.is_empty() {
                        ui.label("No sessions are saved in this database yet.");
                    }
                    egui::ScrollArea::vertical()
                        .max_height(360.0)
                        .show(ui, |ui| {
                            egui::Grid::new("team_sessions")
                                .striped(true)
                                .show(ui, |ui| {
                                    ui.strong("Title");
                                    ui.strong("Saved by");
                                    ui.strong("Saved (UTC)");
                                    ui.label("");
                                    ui.end_row();
                                    for s in &list {
                                        ui.label(crate::text::inert(&s.title));
                                        ui.label(crate::text::inert(&s.author));
                                        ui.label(&s.saved_at);
                                        if ui.button("Open").clicked() {
                                            act = Some(app.open_from_team(s.id));
                                        }
                                        ui.end_row();
                                    }
                                });
                        });
                    if ui.button("Cancel").clicked() {
                        keep = false;
                    }
                });
            TeamDialog::Open { list }
        }
    };
    match act {
        Some(Ok(())) => keep = false,
        Some(Err(e)) => {
            app.error = Some(e);
            keep = false;
        }
        None => {}
    }
    if open && keep {
        app.session.team = Some(dialog);
    }
}
