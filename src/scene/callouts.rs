//! Callouts: a researcher's boxed notes on the network, each laid out as lines in a box
//! with a pointer to the entity it names (or a note in the scene when that entity is not
//! shown).

use crate::filter::FilteredGraph;
use crate::style::Style;

use super::{CalloutMark, SceneCallout, View};

/// Longest callout line drawn, in characters, and most lines.
const CALLOUT_LINE_CHARS: usize = 48;
const CALLOUT_MAX_LINES: usize = 12;

/// Lays out the callouts (`screen`: each slot's centre and edge radius on screen); one whose
/// entity is not shown says so in `notes`.
pub(super) fn lay_out(
    callouts: &[CalloutMark<'_>],
    graph: &FilteredGraph,
    screen: &[Option<([f32; 2], f32)>],
    view: &View,
    style: &Style,
    notes: &mut Vec<String>,
) -> Vec<SceneCallout> {
    callouts
        .iter()
        .map(|c| {
            let target = c
                .entity
                .and_then(|id| graph.entities.binary_search(&id).ok())
                .and_then(|slot| screen[slot]);
            if let (Some(key), None) = (c.entity_key, target) {
                let why = if c.entity.is_none() {
                    "is not in the data"
                } else {
                    "is not shown by this filter"
                };
                notes.push(format!(
                    "callout {:?} points at {key}, which {why}",
                    short(c.text, 40)
                ));
            }
            callout(c, view, style, target)
        })
        .collect()
}

/// Lays out one callout: its lines (wrapped at [`CALLOUT_LINE_CHARS`]), box and pointer.
fn callout(
    c: &CalloutMark<'_>,
    view: &View,
    style: &Style,
    // The screen centre and edge radius of the entity pointed at.
    target: Option<([f32; 2], f32)>,
) -> SceneCallout {
    let s = view.scale;
    let size = style.label_size_px * s * 1.1;
    let line_height = size * 1.3;
    let padding = 5.0 * s;
    let mut lines: Vec<String> = Vec::new();
    for paragraph in crate::text::inert_lines(c.text).lines() {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            for word in split_word(word, CALLOUT_LINE_CHARS) {
                if !line.is_empty()
                    && line.chars().count() + 1 + word.chars().count() > CALLOUT_LINE_CHARS
                {
                    lines.push(std::mem::take(&mut line));
                }
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(&word);
            }
        }
        lines.push(line);
    }
    if lines.len() > CALLOUT_MAX_LINES {
        lines.truncate(CALLOUT_MAX_LINES);
        if let Some(last) = lines.last_mut() {
            last.push('…');
        }
    }
    if lines.iter().all(|l| l.is_empty()) {
        lines = vec!["…".to_owned()];
    }
    let text_w = lines
        .iter()
        .map(|l| crate::style::text::width(l, size, false))
        .fold(0.0f32, f32::max);
    let at = view.to_screen(c.at);
    let rect = [
        at[0],
        at[1],
        text_w + 2.0 * padding,
        lines.len() as f32 * line_height + 2.0 * padding,
    ];
    let pointer = target.map(|(p, r)| {
        // From the nearest point of the box's outline to the node's edge.
        let from = [
            p[0].clamp(rect[0], rect[0] + rect[2]),
            p[1].clamp(rect[1], rect[1] + rect[3]),
        ];
        let (dx, dy) = (p[0] - from[0], p[1] - from[1]);
        let len = (dx * dx + dy * dy).sqrt().max(1e-3);
        let reach = (len - r - 2.0 * s).max(0.0);
        (
            from,
            [from[0] + dx / len * reach, from[1] + dy / len * reach],
        )
    });
    SceneCallout {
        id: c.id,
        rect,
        lines,
        size,
        line_height,
        padding,
        color: style.text,
        fill: style.text_halo.with_alpha(235),
        border: style.text,
        border_width: 1.2 * s,
        corner: 3.0 * s,
        pointer,
    }
}

/// The first `max` characters of a text, for messages.
fn short(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    if line.chars().count() <= max {
        line.to_owned()
    } else {
        let mut t: String = line.chars().take(max).collect();
        t.push('…');
        t
    }
}

/// Splits a word longer than `max` characters into pieces of `max`.
fn split_word(word: &str, max: usize) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    chars
        .chunks(max.max(1))
        .map(|c| c.iter().collect())
        .collect()
}
