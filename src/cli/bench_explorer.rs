//! `lading bench rollup|brokers|playback`: the explorer's speed targets, each against its
//! baseline in the same run.
//!
//! - `rollup`: `Filter::apply` over the full range with and without grouping by state owner
//!   (target: at most 10 ms more than the filter alone, on a million shipments);
//! - `brokers`: degree, weighted degree, exact betweenness and articulation points of the
//!   whole network (target: 2 s for 10,000 entities and 40,000 links on two cores);
//! - `playback`: the steps of a month-by-month playback of the whole range, as the window takes
//!   them: the filter, the roll-up, the graph and the scene, sizes held to the whole range's
//!   maxima and positions held still (target: 16 ms a step on a million shipments and 10,000
//!   entities).
//!
//! Each prints one JSON line with medians (and the worst step) in milliseconds.

use std::time::Instant;

use crate::filter::Filter;
use crate::index::ShipmentIndex;
use crate::rollup::GroupBy;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// CPU time this process has used (user and system, all threads), in milliseconds, where the
/// platform says (Linux): with other programs busy, wall time says little, and CPU time over
/// the cores used is what an idle machine would take.
pub(super) fn cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command's closing parenthesis; utime and stime are the 12th and
    // 13th of them, in clock ticks (100 a second on Linux).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks * 10.0)
}

/// The calling thread's time on a CPU and its time waiting for one while runnable (another
/// task had the core), in milliseconds, where the platform says (Linux's schedstat).
fn thread_sched_ms() -> Option<(f64, f64)> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let mut fields = stat.split_whitespace().map(|f| f.parse::<f64>().ok());
    Some((fields.next()?? / 1e6, fields.next()?? / 1e6))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The filter alone against the filter with the roll-up by state owner, runs interleaved.
pub fn rollup(index: &ShipmentIndex, runs: usize) -> serde_json::Value {
    let plain = Filter::default();
    let grouped = Filter {
        group_by: Some(GroupBy::StateOwner),
        ..Filter::default()
    };
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let (mut links, mut groups, mut group_links) = (0, 0, 0);
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        links = plain.apply(index).links.len();
        a.push(ms(t));
        let t = Instant::now();
        let g = grouped.apply(index);
        b.push(ms(t));
        groups = g.groups.len();
        group_links = g.links.len();
    }
    let (fa, fb) = (median(&mut a), median(&mut b));
    serde_json::json!({
        "shipments": index.shipment_count(),
        "entities": index.entities().len(),
        "links": links,
        "groups": groups,
        "links_between_groups": group_links,
        "filter_median_ms": round2(fa),
        "filter_and_rollup_median_ms": round2(fb),
        "rollup_extra_ms": round2(fb - fa),
        "load_average": std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned)),
        "runs": a.len(),
    })
}

/// Every broker measure on the whole network.
pub fn brokers(index: &ShipmentIndex, runs: usize) -> serde_json::Value {
    let graph = Filter::default().apply(index);
    let mut times = Vec::new();
    let mut cpu = Vec::new();
    let mut sampled = false;
    let mut cut_points = 0;
    for _ in 0..runs.max(1) {
        let (t, c0) = (Instant::now(), cpu_ms());
        let c = crate::brokers::compute(&graph, &crate::brokers::Progress::default());
        times.push(ms(t));
        if let (Some(a), Some(b)) = (c0, cpu_ms()) {
            cpu.push(b - a);
        }
        if let Some(c) = c {
            sampled = c.sampled;
            cut_points = c.cut_points.len();
        }
    }
    serde_json::json!({
        "entities": graph.entities.len(),
        "links": graph.links.len(),
        "threads": std::thread::available_parallelism().map_or(1, |t| t.get()),
        "betweenness": if sampled { "sampled" } else { "exact" },
        "cut_points": cut_points,
        "median_ms": round2(median(&mut times)),
        "cpu_median_ms": round2(median(&mut cpu)),
        "load_average": std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned)),
        "runs": times.len(),
    })
}

/// A month-by-month playback of the whole range: each step's filter, roll-up, graph, layout
/// restart and scene.
pub fn playback(
    explorer: &mut crate::explorer::Explorer,
    group_by: Option<GroupBy>,
    pace: Option<f64>,
    size: [f32; 2],
) -> serde_json::Value {
    use crate::playback::{StepUnit, steps};
    use crate::scene::{self, Marks, SizeBy, View};
    let Some((first, last)) = explorer.index().date_span() else {
        return serde_json::json!({ "error": "no shipments" });
    };
    let base = Filter {
        group_by,
        ..explorer.filter().clone()
    };
    explorer.set_filter_live(base.clone());
    // The range the window plays (`ui/timeline.rs`): the shown shipments' where open.
    let shipped = base.shipped_span(explorer.index());
    let (first, last) = crate::playback::range(base.from, base.to, shipped, Some((first, last)))
        .unwrap_or((first, last));
    let frames = match steps(first, last, StepUnit::Month, 1_000) {
        Ok(s) => s.frames,
        Err(e) => return serde_json::json!({ "error": e.to_string() }),
    };
    let style = crate::style::Style::default();
    let view = explorer
        .positions()
        .bounds()
        .map_or(View::default(), |b| View::fit(b, size, 40.0, 1.0));
    let (mut filter_ms, mut scene_ms, mut step_ms) = (Vec::new(), Vec::new(), Vec::new());
    let (mut apply_ms, mut screening_ms) = (Vec::new(), Vec::new());
    let (mut shown_ms, mut unlabelled_ms) = (Vec::new(), Vec::new());
    // Per step: how long this thread waited, runnable, for a core another task had.
    let mut waited_ms = Vec::new();
    let mut entities_at_end = 0;
    let mut at_end = serde_json::Value::Null;
    let mut step_cpu = 0.0;
    // What one scene lends the next, as the window's scene worker keeps it for the session.
    let reuse = std::sync::Mutex::new(scene::reuse::Reuse::default());
    // The window has drawn the range before Play can be pressed (with the worker's `Reuse`):
    // so here, untimed, or the first step would pay for laying out every label's text.
    {
        let mut input = explorer.scene_input(&style, view);
        input.reuse = Some(&reuse);
        input.lod = true;
        std::hint::black_box(scene::build(&input));
    }
    explorer.begin_gesture();
    // As the window plays: sizes to the whole range's largest, positions held still.
    explorer.begin_playback();
    // As the window's Play: the labels' texts of everything the range shows laid out.
    {
        let mut input = explorer.scene_input(&style, view);
        input.reuse = Some(&reuse);
        scene::prepare_labels(&input);
    }
    let every = pace.map(|p| std::time::Duration::from_secs_f64(1.0 / p));
    let played = Instant::now();
    for f in &frames {
        // As `ui/timeline.rs::show_frame`: an end of the played range is the filter's own.
        let frame_filter = Filter {
            from: if f.from <= first {
                base.from
            } else {
                Some(f.from)
            },
            to: if f.to >= last { base.to } else { Some(f.to) },
            ..base.clone()
        };
        // Paced: the step starts on its tick, the machine idle since the last step's end.
        if let Some(every) = every {
            let tick = played + every * step_ms.len() as u32;
            std::thread::sleep(tick.saturating_duration_since(Instant::now()));
        }
        // The filter and roll-up alone, for comparison (not part of the step; back to back,
        // before the step; paced, after it, so the step is the first thing after the wait).
        let alone = frame_filter.clone();
        let filter_alone = |index: &ShipmentIndex, apply_ms: &mut Vec<f64>| {
            let t = Instant::now();
            std::hint::black_box(alone.apply(index));
            apply_ms.push(ms(t));
        };
        if every.is_none() {
            filter_alone(explorer.index(), &mut apply_ms);
        }
        // The step, as the window takes it: the filter, roll-up, graph and layout restart;
        // the screening's marks; what the graph shows (part types per link); the scene.
        let (t, c0, s0) = (Instant::now(), cpu_ms(), thread_sched_ms());
        explorer.set_filter_live(frame_filter);
        filter_ms.push(ms(t));
        // The screening works out what the graph shows beside it (`Explorer::screening`):
        // `screening_median_ms` is both, side by side, and `shown_median_ms` the look-up.
        let t2 = Instant::now();
        let flagged = explorer.screening().flagged_links();
        screening_ms.push(ms(t2));
        let t3 = Instant::now();
        let shown = explorer.shown();
        shown_ms.push(ms(t3));
        let mut input = explorer.scene_input(&style, view);
        input.marks = Marks {
            after_listing: Some(&flagged),
            ..Marks::default()
        };
        input.size_by = SizeBy::Shipments;
        input.shown = Some(&shown);
        input.size_max = explorer.playback_size_max(input.size_by);
        input.reuse = Some(&reuse);
        // The window's scene folds piled-up hairlines into a density image (`SceneJob::scene`).
        input.lod = true;
        let t4 = Instant::now();
        let built = std::hint::black_box(scene::build(&input));
        scene_ms.push(ms(t4));
        step_ms.push(ms(t));
        if let (Some(a), Some(b)) = (s0, thread_sched_ms()) {
            waited_ms.push(b.1 - a.1);
        }
        if let (Some(a), Some(b)) = (c0, cpu_ms()) {
            step_cpu += b - a;
        }
        if every.is_some() {
            filter_alone(explorer.index(), &mut apply_ms);
        }
        // The scene without labels, apart (not part of the step): where a scene's time goes.
        let t5 = Instant::now();
        input.labels = false;
        std::hint::black_box(scene::build(&input));
        unlabelled_ms.push(ms(t5));
        entities_at_end = explorer.graph().entities.len();
        let role = |r: scene::LinkRole| built.links.iter().filter(|l| l.role == r).count();
        at_end = serde_json::json!({
            "links": explorer.graph().links.len(),
            "scene_lines": role(scene::LinkRole::Line),
            "scene_stripes": role(scene::LinkRole::Stripe),
            "scene_bands": role(scene::LinkRole::Band),
            "labels": built.labels.len(),
        });
    }
    explorer.end_playback();
    explorer.end_gesture();
    // The slowest step, which, and where its time went (before the medians sort the lists).
    let (worst_at, worst) = step_ms
        .iter()
        .copied()
        .enumerate()
        .fold((0, 0.0), |a, (i, v)| if v > a.1 { (i, v) } else { a });
    let worst_parts = serde_json::json!({
        "step": worst_at,
        "to": frames.get(worst_at).map(|f| f.to.to_string()),
        "filter_rollup_graph_layout_ms": filter_ms.get(worst_at).copied().map(round2),
        "screening_ms": screening_ms.get(worst_at).copied().map(round2),
        "scene_ms": scene_ms.get(worst_at).copied().map(round2),
        "waited_for_a_core_ms": waited_ms.get(worst_at).copied().map(round2),
        "scene_without_labels_ms": unlabelled_ms.get(worst_at).copied().map(round2),
    });
    // The slowest step less the time the thread waited for a core (where that is known).
    let worst_less_waiting = step_ms
        .iter()
        .zip(&waited_ms)
        .map(|(s, w)| s - w)
        .fold(0.0, f64::max);
    let mut sorted = step_ms.clone();
    sorted.sort_by(f64::total_cmp);
    // Nearest rank: the smallest step time at least 90% of the steps are within.
    let p90 = sorted
        .get((sorted.len() * 9).div_ceil(10).saturating_sub(1))
        .copied()
        .unwrap_or(0.0);
    serde_json::json!({
        "shipments": explorer.index().shipment_count(),
        "entities": explorer.index().entities().len(),
        "group_by": group_by.map(GroupBy::as_str),
        "steps": frames.len(),
        "pace_steps_per_s": pace,
        "entities_shown_at_end": entities_at_end,
        "last_step": at_end,
        "filter_and_rollup_alone_median_ms": round2(median(&mut apply_ms)),
        "filter_rollup_graph_layout_median_ms": round2(median(&mut filter_ms)),
        "screening_median_ms": round2(median(&mut screening_ms)),
        "shown_median_ms": round2(median(&mut shown_ms)),
        "scene_median_ms": round2(median(&mut scene_ms)),
        "scene_without_labels_median_ms": round2(median(&mut unlabelled_ms)),
        "step_median_ms": round2(median(&mut step_ms)),
        "step_max_ms": round2(worst),
        "step_p90_ms": round2(p90),
        "step_max_less_waiting_for_a_core_ms": (!waited_ms.is_empty()).then(|| round2(worst_less_waiting)),
        // All the steps' time waiting, runnable, for a core (where that is known).
        "waited_for_a_core_total_ms": (!waited_ms.is_empty()).then(|| round2(waited_ms.iter().sum())),
        "worst_step": worst_parts,
        // CPU time per step, the process's: of this thread and of the other cores' parts of
        // the step (the screening beside `Shown`, the labels' preparation beside the links).
        "step_cpu_mean_ms": round2(step_cpu / frames.len().max(1) as f64),
        "load_average": std::fs::read_to_string("/proc/loadavg")
            .ok()
            .and_then(|l| l.split_whitespace().next().map(str::to_owned)),
    })
}
