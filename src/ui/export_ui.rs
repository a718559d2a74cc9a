//! File → Export picture… (Ctrl+E): the network as PNG or SVG, made by the export library
//! from the same scene the canvas paints, with the same marks (selection, path, pins,
//! highlights, notes, callouts: [`super::scene_worker::CanvasMarks`]); Copy picture puts that
//! picture on the clipboard (through egui's `copy_image`: the system clipboard where eframe
//! has one, X11, Wayland, Windows, macOS). File → Export animation… is the same dialog with a
//! step (week, month, quarter): the filter's date range frame by frame, as GIF or animated
//! PNG.
//!
//! The picture's page (scene, legend, caption) is composed on the UI thread, which owns the
//! explorer; painting and writing it, up to seconds for a large network at print size, run on
//! a worker thread ([`PictureJob`]) while the window goes on drawing, with a spinner in the
//! status bar.

use std::path::PathBuf;

use super::app::LadingApp;
use super::scene_worker::CanvasMarks;
use crate::export::animate::{AnimationFormat, AnimationInput, AnimationOptions, Frames};
use crate::export::{Decoration, Frame, PictureInput, PictureOptions, PictureView};
use crate::playback::StepUnit;
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
    /// A frame's shape (its size, unless the width is changed), or a free width.
    pub frame: Option<Frame>,
    /// An animation, stepped by this unit; `None`: a picture.
    pub animate: Option<StepUnit>,
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
            highlight_selection: true,
            show_pins: false,
            frame: None,
            animate: None,
            note: None,
        }
    }

    /// The dialog for File → Export animation….
    pub fn animation(dark: bool) -> ExportDialog {
        ExportDialog {
            path: "lading.gif".into(),
            scale: 1,
            width_px: 1080,
            frame: Some(Frame::Square),
            animate: Some(StepUnit::Month),
            ..ExportDialog::new(dark)
        }
    }
}

/// A picture being painted and written, or painted for the clipboard, off the UI thread.
pub struct PictureJob {
    /// The dialog it came from, reopened if it fails.
    dialog: Option<ExportDialog>,
    receiver: std::sync::mpsc::Receiver<Result<Made, String>>,
}

/// What a finished [`PictureJob`] hands back.
enum Made {
    /// Written to a file: the status line.
    Written(String),
    /// For the clipboard.
    Image(egui::ColorImage),
}

impl PictureJob {
    /// Paints `picture` on a worker thread and writes it to `to` (or, with `None`, makes
    /// the clipboard image).
    fn start(
        picture: crate::export::Picture,
        to: Option<PathBuf>,
        dialog: Option<ExportDialog>,
    ) -> PictureJob {
        PictureJob::spawn(dialog, move || match to {
            Some(path) => crate::export::write_picture(&path, &picture)
                .map_err(|e| e.to_string())
                .map(|_| {
                    let (w, h) = picture.size_px();
                    Made::Written(format!("Wrote {} ({w} × {h} px)", path.display()))
                }),
            None => clipboard_image(&picture).map(Made::Image),
        })
    }

    /// Paints and encodes an animation's frames on a worker thread and writes them to `to`.
    fn start_animation(frames: Frames, to: PathBuf, dialog: Option<ExportDialog>) -> PictureJob {
        PictureJob::spawn(dialog, move || {
            let format = AnimationFormat::from_path(&to).map_err(|e| e.to_string())?;
            let animation = frames.encode(format).map_err(|e| e.to_string())?;
            crate::atomic::write_atomically(&to, |w| w.write_all(&animation.bytes))
                .map_err(|e| e.to_string())?;
            let mut message = format!(
                "Wrote {} ({} frames, {} × {} px)",
                to.display(),
                animation.frames,
                animation.width,
                animation.height
            );
            for note in &animation.notes {
                message.push_str(&format!("; {note}"));
            }
            Ok(Made::Written(message))
        })
    }

    fn spawn(
        dialog: Option<ExportDialog>,
        work: impl FnOnce() -> Result<Made, String> + Send + 'static,
    ) -> PictureJob {
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // The window may have closed meanwhile: nobody is left to tell.
            let _ = sender.send(work());
        });
        PictureJob { dialog, receiver }
    }
}

/// Whether a picture is being made (the status bar shows a spinner).
pub fn picture_pending(app: &LadingApp) -> bool {
    app.ui.picture_job.is_some()
}

/// Takes the result of a finished picture job: the status line, the clipboard, or the
/// error (and the dialog back, to try again).
fn poll_picture_job(app: &mut LadingApp, ctx: &egui::Context) {
    let Some(job) = app.ui.picture_job.as_mut() else {
        return;
    };
    let made = match job.receiver.try_recv() {
        Ok(made) => made,
        Err(std::sync::mpsc::TryRecvError::Empty) => {
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
            return;
        }
        Err(std::sync::mpsc::TryRecvError::Disconnected) => {
            Err("Making the picture failed unexpectedly; nothing was written.".to_owned())
        }
    };
    let dialog = app.ui.picture_job.take().and_then(|j| j.dialog);
    match made {
        Ok(Made::Written(message)) => app.ui.status = message,
        Ok(Made::Image(image)) => {
            let [w, h] = image.size;
            ctx.copy_image(image);
            app.ui.status = format!("Copied the picture ({w} × {h} px) to the clipboard");
        }
        Err(message) => {
            app.error = Some(message);
            if app.ui.export.is_none() {
                app.ui.export = dialog;
            }
        }
    }
}

pub fn export_window(app: &mut LadingApp, ctx: &egui::Context) {
    poll_picture_job(app, ctx);
    let Some(dialog) = app.ui.export.as_mut() else {
        return;
    };
    let (mut go, mut copy, mut close) = (false, false, false);
    egui::Modal::new(egui::Id::unique("export-dialog")).show(ctx, |ui| {
        ui.set_min_width(520.0);
        let animation = dialog.animate.is_some();
        ui.heading(if animation {
            "Export animation"
        } else {
            "Export picture"
        });
        let file_name = dialog.path.clone();
        super::dialogs::path_field(
            ui,
            if animation {
                "File (.gif or .png)"
            } else {
                "File (.png or .svg)"
            },
            &mut dialog.path,
            &mut dialog.note,
            || {
                let d = rfd::FileDialog::new();
                let d = if animation {
                    d.add_filter("GIF animation", &["gif"])
                        .add_filter("Animated PNG", &["png"])
                } else {
                    d.add_filter("PNG picture", &["png"])
                        .add_filter("SVG picture", &["svg"])
                };
                d.set_file_name(&file_name).save_file()
            },
        );
        if let Some(unit) = dialog.animate.as_mut() {
            ui.horizontal(|ui| {
                ui.label("One frame a");
                for u in StepUnit::ALL {
                    ui.radio_value(unit, u, u.as_str());
                }
            });
            ui.label(
                egui::RichText::new(format!(
                    "The filter's date range, step by step (at most {} frames), positions held still.",
                    crate::export::animate::MAX_FRAMES
                ))
                .weak(),
            );
        } else {
            ui.radio_value(&mut dialog.whole_network, true, "The whole network");
            ui.radio_value(
                &mut dialog.whole_network,
                false,
                "What the window shows now",
            );
        }
        ui.horizontal(|ui| {
            let label = ui.label("Frame");
            let name = |f: Option<Frame>| match f {
                None => "Free width".to_owned(),
                Some(f) => {
                    let [w, h] = f.size();
                    format!("{} ({w} × {h} px)", f.as_str())
                }
            };
            egui::ComboBox::from_id_salt("export-frame")
                .selected_text(name(dialog.frame))
                .show_ui(ui, |ui| {
                    if !animation {
                        ui.selectable_value(&mut dialog.frame, None, name(None));
                    }
                    for f in Frame::ALL {
                        if ui
                            .selectable_value(&mut dialog.frame, Some(f), name(Some(f)))
                            .clicked()
                        {
                            dialog.width_px = f.size()[0];
                            dialog.scale = 1;
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            let label = ui.label(if dialog.frame.is_some() {
                "Width"
            } else {
                "Width at 1x"
            });
            ui.add(
                egui::DragValue::new(&mut dialog.width_px)
                    .range(240..=8000)
                    .suffix(" px"),
            )
            .labelled_by(label.id);
            if dialog.frame.is_none() {
                ui.label("Scale");
                for s in [1, 2, 4] {
                    ui.radio_value(&mut dialog.scale, s, format!("{s}x"));
                }
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
                "The caption states the filter in words; the credit names the sources of what is shown.",
            )
            .weak(),
        );
        ui.horizontal(|ui| {
            if ui.button("Export").clicked() {
                go = true;
            }
            if !animation
                && ui
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
    if !(go || copy) {
        return;
    }
    let Some(dialog) = app.ui.export.take() else {
        return;
    };
    let to = go.then(|| PathBuf::from(dialog.path.trim()));
    if let (Some(to), Some(_)) = (&to, dialog.animate) {
        let to = to.clone();
        let checked = AnimationFormat::from_path(&to)
            .map(|_| ())
            .map_err(|e| e.to_string())
            .and_then(|()| {
                crate::atomic::check_destination(&to)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            })
            .and_then(|()| animation_frames(app, &dialog));
        match checked {
            Ok(frames) => {
                app.ui.picture_job = Some(PictureJob::start_animation(frames, to, Some(dialog)));
            }
            Err(message) => {
                app.error = Some(message);
                app.ui.export = Some(dialog);
            }
        }
        return;
    }
    // Checked before any work, so a wrong name or folder is said at once.
    let checked = match &to {
        Some(path) => crate::export::PictureFormat::from_path(path)
            .map_err(|e| e.to_string())
            .and_then(|_| {
                crate::atomic::check_destination(path)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }),
        None => Ok(()),
    };
    match checked.and_then(|()| picture(app, &dialog)) {
        Ok(picture) => {
            app.ui.picture_job = Some(PictureJob::start(picture, to, Some(dialog)));
        }
        Err(message) => {
            app.error = Some(message);
            app.ui.export = Some(dialog);
        }
    }
}

/// Edit → Copy picture: the whole network at 1x, as the export dialog would make it by
/// default, onto the clipboard (when the worker has painted it).
pub fn copy_default_picture(app: &mut LadingApp) {
    if picture_pending(app) {
        app.ui.status = "A picture is still being made.".to_owned();
        return;
    }
    let mut d = ExportDialog::new(app.style.theme == Theme::Dark);
    d.scale = 1;
    match picture(app, &d) {
        Ok(picture) => app.ui.picture_job = Some(PictureJob::start(picture, None, None)),
        Err(message) => app.error = Some(message),
    }
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

/// The picture options the dialog's choices describe.
fn picture_options(app: &LadingApp, d: &ExportDialog) -> PictureOptions {
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
        view: if d.whole_network || d.animate.is_some() {
            PictureView::Fit
        } else {
            PictureView::Current(app.view)
        },
        highlight_selection: d.highlight_selection,
        show_pins: d.show_pins,
        labels: app.ui.show_labels,
        ..PictureOptions::default()
    };
    match d.frame {
        Some(f) => options.framed(f, Some(d.width_px)),
        None => options,
    }
}

/// The picture the dialog's choices describe, with what the canvas shows on it (what
/// Export and Copy picture paint).
pub fn picture(app: &LadingApp, d: &ExportDialog) -> Result<crate::export::Picture, String> {
    let explorer = app.explorer.as_ref().ok_or("Open a database first.")?;
    let marks = CanvasMarks::new(explorer);
    let resolved = marks.resolved();
    let mut input = PictureInput::new(
        explorer.index(),
        explorer.filter(),
        explorer.graph(),
        explorer.positions(),
    );
    input.size_by = app.ui.size_by;
    input.marks = marks.marks(&resolved, d.show_pins);
    crate::export::picture(&input, &picture_options(app, d)).map_err(|e| e.to_string())
}

/// The frames of the animation the dialog describes, composed on this thread (the explorer
/// is here); painting and encoding them go to a worker.
fn animation_frames(app: &LadingApp, d: &ExportDialog) -> Result<Frames, String> {
    let explorer = app.explorer.as_ref().ok_or("Open a database first.")?;
    let unit = d.animate.unwrap_or(StepUnit::Month);
    let mut options = picture_options(app, d);
    if options.height_px.is_none() {
        // A free width gets the 1:1 frame's shape: every frame must be the same size.
        options = options.framed(Frame::Square, Some(d.width_px));
    }
    let marks = CanvasMarks::new(explorer);
    let resolved = marks.resolved();
    let input = AnimationInput {
        index: explorer.index(),
        filter: explorer.filter(),
        positions: explorer.positions(),
        marks: marks.marks(&resolved, d.show_pins),
        size_by: app.ui.size_by,
    };
    crate::export::animate::frames(&input, &AnimationOptions::new(unit, options))
        .map_err(|e| e.to_string())
}
