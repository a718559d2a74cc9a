//! Noticing another process's import into the open database, and offering the reload the
//! window does after its own imports.
//!
//! Every [`POLL_EVERY`] the window asks its store whether another connection committed
//! ([`crate::store::Store::changed_elsewhere`], SQLite's `PRAGMA data_version`: a cheap
//! read of a counter). Not while its own import runs: that one reloads when it ends. When
//! something changed, a small window says so and offers Reload (the session, with positions,
//! pins and annotations, is kept, as after an import from File → Import) or Later.

use std::time::{Duration, Instant};

use super::app::LadingApp;

/// How often the window looks.
pub const POLL_EVERY: Duration = Duration::from_secs(1);

/// What the window knows of changes made by others.
#[derive(Debug, Default)]
pub struct DbWatch {
    last_look: Option<Instant>,
    /// Another process changed the database; the reload is offered.
    pub changed: bool,
}

/// Looks for changes (at most every [`POLL_EVERY`]) and shows the offer.
pub fn watch_frame(app: &mut LadingApp, ctx: &egui::Context) {
    poll(app, ctx);
    offer(app, ctx);
}

fn poll(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(explorer) = app.explorer.as_ref() else {
        return;
    };
    if app.ui.import_job.is_some() {
        return;
    }
    let watch = &mut app.ui.db_watch;
    if let Some(since) = watch.last_look.map(|t| t.elapsed())
        && since < POLL_EVERY
    {
        // An idle window draws no frames: ask for one when it is time to look.
        ctx.request_repaint_after(POLL_EVERY - since);
        return;
    }
    watch.last_look = Some(Instant::now());
    // A store that cannot be read now (locked by a writer in rollback mode) is looked at
    // again next time.
    if let Ok(true) = explorer.store().changed_elsewhere() {
        watch.changed = true;
    }
    ctx.request_repaint_after(POLL_EVERY);
}

fn offer(app: &mut LadingApp, ctx: &egui::Context) {
    if !app.ui.db_watch.changed {
        return;
    }
    let Some(db) = app.explorer.as_ref().map(|e| e.db_path().to_path_buf()) else {
        app.ui.db_watch.changed = false;
        return;
    };
    let team = app
        .explorer
        .as_ref()
        .is_some_and(|e| e.store().keeps_sessions());
    let (mut reload, mut later) = (false, false);
    egui::Window::new("The database changed")
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 48.0))
        .show(ctx, |ui| {
            let shown = crate::text::inert(&db.display().to_string()).into_owned();
            ui.label(if team {
                format!("Someone else changed the team database {shown} (an import or a merge).")
            } else {
                format!("Another process wrote to {shown} (an import from the command line?).")
            });
            ui.label("Reload it to see the new data; your session is kept.");
            ui.horizontal(|ui| {
                reload = ui.button("Reload").clicked();
                later = ui.button("Later").clicked();
            });
        });
    if reload {
        app.ui.db_watch.changed = false;
        app.reload_keeping_session(&db);
        if app.error.is_none() {
            app.ui.status = "Reloaded the database after another process changed it".into();
        }
    } else if later {
        app.ui.db_watch.changed = false;
    }
}
