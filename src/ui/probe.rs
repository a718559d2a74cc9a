//! `LADING_PROBE=FILE.json`: a measuring aid for the window at scale, used by the window's
//! smoke test and to measure the 100,000-entity window.
//!
//! Once the network is drawn, the probe drives the real window through egui's input, as a
//! user would: it drags the background for [`PAN_FRAMES`] frames (a pan), waits for the
//! picture to catch up, then clicks the largest entity on screen and waits for the
//! selection. Each frame's time in the app (panels, canvas, scene work on this thread) is
//! recorded; the figures go to FILE as JSON and the window closes.

use std::path::PathBuf;
use std::time::Instant;

use egui::{Event, PointerButton, Pos2, RawInput, pos2};
use serde::Serialize;

use super::app::LadingApp;
use crate::model::EntityId;

/// Frames of dragging the background.
const PAN_FRAMES: u32 = 60;
/// Frames to wait for a picture or an answer before giving up.
const PATIENCE: u32 = 900;

/// What the probe measured.
#[derive(Debug, Default, Serialize)]
pub struct ProbeReport {
    pub entities: usize,
    pub links: usize,
    /// The app's time in each frame of the pan, in milliseconds.
    pub pan_frame_ms: Vec<f64>,
    pub pan_frame_ms_median: f64,
    pub pan_frame_ms_max: f64,
    /// Frames of the pan that drew a scene built for an earlier view (moved into place while
    /// the worker built the new one).
    pub pan_frames_moved: u32,
    /// Frames from the end of the pan until the picture was built for the final view.
    pub frames_to_catch_up: u32,
    /// How long the last scene took to build (on the worker when the pan moved frames).
    pub scene_build_ms: f64,
    /// The frame of the click (press and release) and the frames until the entity was
    /// selected (1: the next frame), with the app's time in the click's frames.
    pub click_answered_after_frames: Option<u32>,
    pub click_frame_ms_max: f64,
    pub clicked: Option<String>,
}

enum Stage {
    /// Waiting for the first drawn network.
    Waiting(u32),
    Panning(u32),
    /// Waiting for the picture to be built for the view the pan ended on.
    CatchingUp(u32),
    /// Pressed (frame count since), on this entity.
    Clicking(u32, EntityId, Pos2),
    Done,
}

pub struct Probe {
    path: PathBuf,
    stage: Stage,
    report: ProbeReport,
    pan_from: Pos2,
    frame_started: Option<Instant>,
}

impl Probe {
    pub fn from_env() -> Option<Probe> {
        let path = PathBuf::from(std::env::var_os("LADING_PROBE")?);
        Some(Probe {
            path,
            stage: Stage::Waiting(0),
            report: ProbeReport::default(),
            pan_from: Pos2::ZERO,
            frame_started: None,
        })
    }

    /// Adds this frame's synthetic input (called before egui reads it).
    pub fn input(&mut self, app: &LadingApp, raw: &mut RawInput) {
        self.frame_started = Some(Instant::now());
        let press = |raw: &mut RawInput, at: Pos2, pressed: bool| {
            raw.events.push(Event::PointerMoved(at));
            raw.events.push(Event::PointerButton {
                pos: at,
                button: PointerButton::Primary,
                pressed,
                modifiers: Default::default(),
            });
        };
        match self.stage {
            Stage::Panning(0) => {
                // Start on empty background near the canvas's corner, so the drag pans.
                let [x, y] = app.canvas_origin;
                self.pan_from = pos2(x + 12.0, y + 12.0);
                press(raw, self.pan_from, true);
            }
            Stage::Panning(i) if i < PAN_FRAMES => {
                let d = i as f32 * 3.0;
                raw.events
                    .push(Event::PointerMoved(self.pan_from + egui::vec2(d, d * 0.5)));
            }
            Stage::Panning(_) => {
                let d = PAN_FRAMES as f32 * 3.0;
                press(raw, self.pan_from + egui::vec2(d, d * 0.5), false);
            }
            Stage::Clicking(n @ (0 | 1), id, at) => {
                // Where the entity is now: the layout may still be moving it.
                let at = app.screen_position(id).map_or(at, |[x, y]| pos2(x, y));
                self.stage = Stage::Clicking(n, id, at);
                press(raw, at, n == 0);
            }
            _ => {}
        }
    }

    /// Records the frame and moves on; closes the window when done.
    pub fn after_frame(&mut self, app: &LadingApp, ctx: &egui::Context) {
        let ms = self
            .frame_started
            .take()
            .map_or(0.0, |t| t.elapsed().as_secs_f64() * 1e3);
        ctx.request_repaint();
        let Some(explorer) = app.explorer.as_ref() else {
            return;
        };
        let drawn = app.network.as_ref();
        let moved = drawn.is_some_and(|n| n.built_for() != app.view);
        // The picture is for the current view (positions may be a layout step behind).
        let current = !moved;
        self.stage = match std::mem::replace(&mut self.stage, Stage::Done) {
            Stage::Waiting(n) if drawn.is_some() && n >= 3 => {
                self.report.entities = explorer.graph().entities.len();
                self.report.links = explorer.graph().links.len();
                Stage::Panning(0)
            }
            Stage::Waiting(n) => Stage::Waiting(n + 1),
            Stage::Panning(i) => {
                self.report.pan_frame_ms.push(ms);
                self.report.pan_frames_moved += u32::from(moved);
                if i >= PAN_FRAMES {
                    Stage::CatchingUp(0)
                } else {
                    Stage::Panning(i + 1)
                }
            }
            Stage::CatchingUp(n) if current || n >= PATIENCE => {
                self.report.frames_to_catch_up = n;
                self.report.scene_build_ms = drawn.map_or(0.0, |n| n.build_ms());
                match self.target(app) {
                    Some((id, at)) => Stage::Clicking(0, id, at),
                    None => self.finish(ctx),
                }
            }
            Stage::CatchingUp(n) => Stage::CatchingUp(n + 1),
            Stage::Clicking(n, id, at) => {
                if n <= 1 {
                    self.report.click_frame_ms_max = self.report.click_frame_ms_max.max(ms);
                }
                if n >= 1 && explorer.selection.contains(&id) {
                    self.report.click_answered_after_frames = Some(n);
                    self.finish(ctx)
                } else if n >= PATIENCE {
                    self.finish(ctx)
                } else {
                    Stage::Clicking(n + 1, id, at)
                }
            }
            Stage::Done => Stage::Done,
        };
    }

    /// The largest entity drawn well inside the canvas, and where it is in the window.
    fn target(&mut self, app: &LadingApp) -> Option<(EntityId, Pos2)> {
        let scene = &app.network.as_ref()?.scene;
        let [w, h] = app.view.size;
        let n = scene
            .nodes
            .iter()
            .filter(|n| {
                let [x, y] = n.center;
                x > 40.0 && y > 40.0 && x < w - 40.0 && y < h - 40.0
            })
            .max_by(|a, b| a.radius.total_cmp(&b.radius).then(b.id.cmp(&a.id)))?;
        let [x, y] = app.screen_position(n.id)?;
        self.report.clicked = app
            .explorer
            .as_ref()
            .and_then(|e| e.index().entity(n.id))
            .map(|e| e.name.clone());
        Some((n.id, pos2(x, y)))
    }

    fn finish(&mut self, ctx: &egui::Context) -> Stage {
        let mut v = self.report.pan_frame_ms.clone();
        v.sort_by(f64::total_cmp);
        self.report.pan_frame_ms_median = v.get(v.len() / 2).copied().unwrap_or(0.0);
        self.report.pan_frame_ms_max = v.last().copied().unwrap_or(0.0);
        let json = serde_json::to_vec_pretty(&self.report).unwrap_or_default();
        let written =
            crate::atomic::write_atomically(&self.path, |f| std::io::Write::write_all(f, &json));
        if let Err(e) = written {
            crate::cli::write_err_line(format_args!(
                "lading: cannot write the probe's report {}: {e}",
                self.path.display()
            ));
        }
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        Stage::Done
    }
}
