//! The date range as a timeline: shipments per month as a histogram, under a two-handled
//! range. Dragging a handle (or the band between them) updates the network live; the whole
//! drag is one undo step.

use egui::{CornerRadius, Pos2, Rect, Sense, Stroke, pos2, vec2};

use super::app::LadingApp;
use super::canvas::color;
use crate::date::Day;
use crate::filter::Filter;

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
    let (rect, response) = ui.allocate_exact_size(vec2(width, 74.0), Sense::click_and_drag());
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
    let bars = Rect::from_min_max(rect.min, pos2(rect.max.x, rect.max.y - 14.0));
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
    let small = egui::FontId::proportional(11.0);
    painter.text(
        pos2(rect.left(), rect.bottom()),
        egui::Align2::LEFT_BOTTOM,
        from.human(),
        small.clone(),
        text,
    );
    painter.text(
        pos2(rect.right(), rect.bottom()),
        egui::Align2::RIGHT_BOTTOM,
        to.human(),
        small,
        text,
    );

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
    if response.drag_started()
        && let Some(p) = response.interact_pointer_pos()
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
