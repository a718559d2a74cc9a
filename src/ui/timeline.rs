//! The date range as a timeline: shipments per month as a histogram, under a two-handled
//! range. Dragging a handle (or the band between them) updates the network live; the whole
//! drag is one undo step. The handle is chosen where the pointer was pressed, not where it is
//! when the drag is recognised a few points later, so a quick flick moves the handle it
//! started on.
//!
//! Playback steps the range through time with [`crate::playback::steps`], the same frames as
//! the animated picture export: each step shows the range's start up to the end of one more
//! week, month or quarter, so sanctions listings take effect on their day (the filter's
//! sanction day is the end of the range). The layout carries on from where it is, so the
//! network grows in place. Space plays and pauses.

use egui::{CornerRadius, Pos2, Rect, Sense, Stroke, pos2, vec2};

use super::app::LadingApp;
use super::canvas::color;
use crate::date::Day;
use crate::filter::Filter;
use crate::playback::{Frame, StepUnit, range, steps};

/// Most steps a playback takes (a longer range is cut, and the status line says so).
pub const MAX_PLAYBACK_STEPS: usize = 520;

/// Playback settings, and the run under way.
pub struct PlaybackState {
    pub unit: StepUnit,
    /// Steps a second.
    pub speed: f32,
    pub run: Option<PlaybackRun>,
}

impl Default for PlaybackState {
    fn default() -> PlaybackState {
        PlaybackState {
            unit: StepUnit::Month,
            speed: 2.0,
            run: None,
        }
    }
}

/// One playback: its frames, where it is, and the range it started from.
pub struct PlaybackRun {
    pub frames: Vec<Frame>,
    pub index: usize,
    pub playing: bool,
    /// When the next step is due (egui's clock, seconds).
    next_at: f64,
    /// The filter's dates before playing, put back by Stop.
    before: (Option<Day>, Option<Day>),
    /// The range played: the filter's dates, its open ends the shown shipments' first and
    /// last day. Where a frame reaches an end of it, the filter keeps its own (open) end.
    range: (Day, Day),
}

/// Puts a frame's dates into the filter, live (the whole playback is one undo step). An end
/// of the played range is the filter's own end (open when it was), so the last frame leaves
/// the filter as it was and a frame asks for sanctions on the day the filter does.
fn show_frame(app: &mut LadingApp, frame: Frame) {
    let (Some(explorer), Some(run)) = (app.explorer.as_mut(), app.ui.playback.run.as_ref()) else {
        return;
    };
    let ((from, to), before) = (run.range, run.before);
    let filter = Filter {
        from: if frame.from <= from {
            before.0
        } else {
            Some(frame.from)
        },
        to: if frame.to >= to {
            before.1
        } else {
            Some(frame.to)
        },
        ..explorer.filter().clone()
    };
    explorer.set_filter_live(filter);
}

/// Plays, pauses, or resumes the timeline.
pub fn toggle_playback(app: &mut LadingApp) {
    let now = app.now;
    let period = 1.0 / f64::from(app.ui.playback.speed.max(0.1));
    if let Some(run) = app.ui.playback.run.as_mut() {
        run.playing = !run.playing;
        run.next_at = now + period;
        return;
    }
    let Some(explorer) = app.explorer.as_mut() else {
        return;
    };
    let Some((first, last)) = explorer.index().date_span() else {
        app.ui.status = "No shipments to play".into();
        return;
    };
    let filter = explorer.filter().clone();
    // Open ends: the shown shipments' first and last days (no empty months before the story),
    // from the filter itself (the graph may still be on its way from the filter thread).
    let shipped = match (filter.from, filter.to) {
        (Some(_), Some(_)) => None,
        _ => filter.shipped_span(explorer.index()),
    };
    let (from, to) =
        range(filter.from, filter.to, shipped, Some((first, last))).unwrap_or((first, last));
    let (from, to) = (from.max(first), to.min(last));
    let unit = app.ui.playback.unit;
    let frames = match steps(from, to.max(from), unit, MAX_PLAYBACK_STEPS) {
        Ok(s) => {
            app.ui.status = match (s.cap_note(unit), s.frames.len()) {
                (Some(note), _) => format!("Playback: {note}"),
                (None, 1) => format!(
                    "Playback: the range is shorter than one {}: one step",
                    unit.as_str()
                ),
                (None, n) => format!("Playback: {n} steps of a {}", unit.as_str()),
            };
            s.frames
        }
        Err(e) => {
            app.ui.status = format!("Cannot play: {e}");
            return;
        }
    };
    explorer.begin_gesture();
    // Sizes to the whole range's largest and positions held still, as the animated export.
    explorer.begin_playback();
    // The labels' texts of everything the range shows, laid out on the other cores while
    // the first steps are shown (`scene::prepare_labels`), rather than by those steps; this
    // thread goes on at once.
    if app.ui.show_labels
        && let Some(explorer) = app.explorer.as_ref()
    {
        let job = super::network::scene_job(app, explorer, 0);
        let reuse = std::sync::Arc::clone(&app.scene_reuse);
        rayon::spawn(move || job.prepare_labels(&reuse));
    }
    let first_frame = frames[0];
    app.ui.playback.run = Some(PlaybackRun {
        frames,
        index: 0,
        playing: true,
        next_at: now + period,
        before: (filter.from, filter.to),
        range: (from, to.max(from)),
    });
    show_frame(app, first_frame);
}

/// Shows the next frame now; at the end, the playback finishes.
pub fn step_playback(app: &mut LadingApp) {
    let Some(run) = app.ui.playback.run.as_mut() else {
        return;
    };
    run.index += 1;
    match run.frames.get(run.index).copied() {
        Some(frame) => show_frame(app, frame),
        None => finish_playback(app, false),
    }
}

/// Ends the playback: at the end of the range, or (Stop) back at the range it started from.
pub fn finish_playback(app: &mut LadingApp, restore: bool) {
    let Some(run) = app.ui.playback.run.take() else {
        return;
    };
    if let Some(explorer) = app.explorer.as_mut() {
        if restore {
            let filter = Filter {
                from: run.before.0,
                to: run.before.1,
                ..explorer.filter().clone()
            };
            explorer.set_filter_live(filter);
        }
        explorer.end_playback();
        explorer.end_gesture();
    }
    if !restore {
        app.ui.status = "Playback done".into();
    }
}

/// Called every frame: takes the next step when it is due.
pub fn advance_playback(app: &mut LadingApp, ctx: &egui::Context) {
    let now = app.now;
    let period = 1.0 / f64::from(app.ui.playback.speed.max(0.1));
    let Some(run) = app.ui.playback.run.as_mut() else {
        return;
    };
    if !run.playing {
        return;
    }
    if now >= run.next_at {
        run.next_at = (run.next_at + period).max(now);
        step_playback(app);
    }
    if let Some(run) = &app.ui.playback.run {
        ctx.request_repaint_after(std::time::Duration::from_secs_f64(
            (run.next_at - now).max(0.0),
        ));
    }
}

/// Play, pause, stop, step; the unit and the speed.
fn playback_controls(app: &mut LadingApp, ui: &mut egui::Ui) {
    let playing = app.ui.playback.run.as_ref().is_some_and(|r| r.playing);
    let running = app.ui.playback.run.is_some();
    ui.horizontal(|ui| {
        let label = if playing { "‖ Pause" } else { "▶ Play" };
        if ui
            .button(label)
            .on_hover_text("Step the dates through time (Space)")
            .clicked()
        {
            toggle_playback(app);
        }
        if ui
            .add_enabled(running, egui::Button::new("Next step"))
            .clicked()
        {
            step_playback(app);
        }
        if ui
            .add_enabled(running, egui::Button::new("■ Stop"))
            .clicked()
        {
            finish_playback(app, true);
        }
    });
    ui.horizontal(|ui| {
        let by = ui.label("by");
        egui::ComboBox::from_id_salt("playback-unit")
            .selected_text(app.ui.playback.unit.as_str())
            .show_ui(ui, |ui| {
                for unit in StepUnit::ALL {
                    ui.selectable_value(&mut app.ui.playback.unit, unit, unit.as_str());
                }
            })
            .response
            .labelled_by(by.id);
        let speed = ui.label("speed");
        egui::ComboBox::from_id_salt("playback-speed")
            .selected_text(format!("{} steps/s", app.ui.playback.speed))
            .show_ui(ui, |ui| {
                for v in [0.5f32, 1.0, 2.0, 4.0] {
                    ui.selectable_value(&mut app.ui.playback.speed, v, format!("{v} steps/s"));
                }
            })
            .response
            .labelled_by(speed.id);
    });
    if let Some(run) = &app.ui.playback.run
        && let Some(frame) = run.frames.get(run.index)
    {
        ui.label(
            egui::RichText::new(format!(
                "Step {} of {}: up to {} (sizes: whole range)",
                run.index + 1,
                run.frames.len(),
                frame.to.human()
            ))
            .weak(),
        );
    }
}

/// The histogram for a filter, kept until the filter (apart from its dates) changes.
#[derive(Clone, Default)]
struct Cached {
    key: Option<Filter>,
    first_month: i32,
    counts: Vec<u32>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Handle {
    From,
    To,
    Band,
}

pub fn timeline(app: &mut LadingApp, ui: &mut egui::Ui) {
    let Some(explorer) = app.explorer.as_ref() else {
        return;
    };
    let index = explorer.index();
    let Some((first, last)) = index.date_span() else {
        ui.label("No shipments");
        return;
    };
    let filter = explorer.filter().clone();
    let key = Filter {
        from: None,
        to: None,
        ..filter.clone()
    };
    let cache_id = ui.scope_id().with("timeline-cache");
    let mut cached: Cached = ui.ctx().data(|d| d.get_temp(cache_id)).unwrap_or_default();
    if cached.key.as_ref() != Some(&key) {
        let (m0, counts) = key.monthly_histogram(index);
        cached = Cached {
            key: Some(key),
            first_month: m0,
            counts,
        };
        ui.ctx()
            .data_mut(|d| d.insert_temp(cache_id, cached.clone()));
    }

    let width = ui.available_width().max(120.0);
    let (rect, response) = ui.allocate_exact_size(vec2(width, 66.0), Sense::click_and_drag());
    let response = response.on_hover_text("Drag the handles or the band to change the dates");
    let painter = ui.painter_at(rect);
    let span = (last.0 - first.0).max(1) as f32;
    let x_of = |d: Day| rect.left() + (d.0 - first.0) as f32 / span * rect.width();
    let day_of = |x: f32| {
        Day(first.0 + (((x - rect.left()) / rect.width()).clamp(0.0, 1.0) * span).round() as i32)
    };
    let from = filter.from.unwrap_or(first).max(first);
    let to = filter.to.unwrap_or(last).min(last);

    // Bars.
    let bars = Rect::from_min_max(rect.min, pos2(rect.max.x, rect.max.y - 6.0));
    let max = cached.counts.iter().copied().max().unwrap_or(1).max(1) as f32;
    let text = color(app.style.text);
    for (i, &count) in cached.counts.iter().enumerate() {
        let month_start = Day::from_month_index(cached.first_month + i as i32);
        let next = Day::from_month_index(cached.first_month + i as i32 + 1);
        let x0 = x_of(month_start.max(first));
        let x1 = x_of(next.min(last)).max(x0 + 1.0);
        let h = (count as f32 / max) * (bars.height() - 4.0);
        let inside = next > from && month_start <= to;
        let fill = if inside {
            color(app.style.selection).gamma_multiply(0.8)
        } else {
            text.gamma_multiply(0.25)
        };
        painter.rect_filled(
            Rect::from_min_max(
                pos2(x0 + 0.5, bars.bottom() - h),
                pos2(x1 - 0.5, bars.bottom()),
            ),
            CornerRadius::ZERO,
            fill,
        );
    }
    // The range band and handles.
    let (fx, tx) = (x_of(from), x_of(to));
    painter.rect_stroke(
        Rect::from_min_max(pos2(fx, bars.top()), pos2(tx, bars.bottom())),
        CornerRadius::same(2),
        Stroke::new(1.5, color(app.style.selection)),
        egui::StrokeKind::Inside,
    );
    for x in [fx, tx] {
        painter.line_segment(
            [pos2(x, bars.top()), pos2(x, bars.bottom())],
            Stroke::new(3.0, color(app.style.selection)),
        );
        painter.circle_filled(pos2(x, bars.bottom()), 5.0, color(app.style.selection));
    }
    // The range's dates under the bars, full size, as text the panel lays out (and a screen
    // reader reads): the first at the left, the last at the right.
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(from.human()).size(14.0).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(egui::RichText::new(to.human()).size(14.0).strong());
        });
    });

    // Dragging.
    let drag_id = ui.scope_id().with("timeline-drag");
    let grab = |p: Pos2| -> Handle {
        if (p.x - fx).abs() <= 8.0 {
            Handle::From
        } else if (p.x - tx).abs() <= 8.0 {
            Handle::To
        } else if p.x > fx && p.x < tx {
            Handle::Band
        } else if p.x <= fx {
            Handle::From
        } else {
            Handle::To
        }
    };
    let mut new_filter = filter.clone();
    // Where the button went down, not where the pointer is once egui calls it a drag.
    let pressed_at = ui
        .input(|i| i.pointer.press_origin())
        .or(response.interact_pointer_pos());
    if response.drag_started()
        && let Some(p) = pressed_at
    {
        ui.ctx()
            .data_mut(|d| d.insert_temp(drag_id, (grab(p) as u8, p.x, from.0, to.0)));
        if let Some(e) = app.explorer.as_mut() {
            e.begin_gesture();
        }
    }
    let state: Option<(u8, f32, i32, i32)> = ui.ctx().data(|d| d.get_temp(drag_id));
    if response.dragged()
        && let (Some((handle, x0, f0, t0)), Some(p)) = (state, response.interact_pointer_pos())
    {
        match handle {
            h if h == Handle::From as u8 => new_filter.from = Some(day_of(p.x).min(to)),
            h if h == Handle::To as u8 => new_filter.to = Some(day_of(p.x).max(from)),
            _ => {
                let shift = ((p.x - x0) / rect.width() * span).round() as i32;
                let shift = shift.clamp(first.0 - f0, last.0 - t0);
                new_filter.from = Some(Day(f0 + shift));
                new_filter.to = Some(Day(t0 + shift));
            }
        }
        if new_filter.from == Some(first) {
            new_filter.from = None;
        }
        if new_filter.to == Some(last) {
            new_filter.to = None;
        }
        if let Some(e) = app.explorer.as_mut() {
            e.set_filter_live(new_filter.clone());
        }
    }
    if response.drag_stopped() {
        ui.ctx()
            .data_mut(|d| d.remove::<(u8, f32, i32, i32)>(drag_id));
        if let Some(e) = app.explorer.as_mut() {
            e.end_gesture();
        }
    }
    if response.double_clicked() {
        new_filter.from = None;
        new_filter.to = None;
        app.send(crate::explorer::Command::SetFilter(new_filter));
    }
    playback_controls(app, ui);

    // Exact dates, for keyboard users and precise work: applied on Enter or leaving the field.
    let buffers_id = ui.scope_id().with("timeline-text");
    let (mut from_text, mut to_text): (String, String) = ui
        .ctx()
        .data(|d| d.get_temp(buffers_id))
        .unwrap_or_else(|| (from.iso(), to.iso()));
    let (mut apply, mut editing) = (false, false);
    ui.horizontal(|ui| {
        let from_label = ui.label("From");
        let f = ui
            .add(egui::TextEdit::singleline(&mut from_text).desired_width(86.0))
            .labelled_by(from_label.id);
        let to_label = ui.label("to");
        let t = ui
            .add(egui::TextEdit::singleline(&mut to_text).desired_width(86.0))
            .labelled_by(to_label.id);
        editing = f.has_focus() || t.has_focus();
        apply = f.lost_focus() || t.lost_focus();
    });
    if apply && let Some(explorer) = app.explorer.as_ref() {
        let mut filter = explorer.filter().clone();
        match (Day::parse_iso(&from_text), Day::parse_iso(&to_text)) {
            (Some(a), Some(b)) if a <= b => {
                filter.from = (a > first).then_some(a);
                filter.to = (b < last).then_some(b);
                app.send(crate::explorer::Command::SetFilter(filter));
            }
            _ => app.ui.status = "Dates are YYYY-MM-DD, the first not after the second".into(),
        }
    }
    if editing {
        ui.ctx()
            .data_mut(|d| d.insert_temp(buffers_id, (from_text, to_text)));
    } else {
        ui.ctx()
            .data_mut(|d| d.remove::<(String, String)>(buffers_id));
    }
}
