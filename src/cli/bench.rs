//! `lading bench filter|frame|rollup|brokers|playback`: the filter's speed and the index's
//! memory, the frame time, and the explorer's roll-up, broker and playback targets
//! (`bench_explorer.rs`), on a database.
//!
//! Prints one JSON line: shipments, entities, the load and index build times (wall, and CPU
//! over all threads), the median and 90th percentile of `Filter::apply` over the full date
//! range and its CPU time (all threads), the median over the middle half of the shipments by
//! date, and the process's peak RSS (VmHWM, Linux) after loading.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use crate::filter::Filter;
use crate::index::ShipmentIndex;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// What to measure.
    #[arg(value_enum, default_value = "filter")]
    pub what: What,
    /// Runs to take the median of.
    #[arg(long, default_value_t = 30)]
    pub runs: usize,
    /// Layout iterations before measuring frames (it stops earlier when settled).
    #[arg(long, default_value_t = 300)]
    pub layout_iterations: u64,
    /// playback: roll up the network while playing (parent or state-owner).
    #[arg(long, value_name = "parent|state-owner")]
    pub group_by: Option<String>,
    /// playback: steps a second, as the window plays (its default speed is 2), each step
    /// starting on its tick after the machine idled since the last (default: back to back).
    #[arg(long, value_name = "STEPS_PER_S")]
    pub pace: Option<f64>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum What {
    /// `Filter::apply` over the full date range, and the index's memory.
    Filter,
    /// A frame's CPU work (scene + egui tessellation) and a date-range drag step.
    Frame,
    /// The filter with and without the roll-up by state owner.
    Rollup,
    /// Degree, weighted degree, betweenness and articulation points of the whole network.
    Brokers,
    /// The steps of a month-by-month timeline playback (filter, roll-up, layout, scene).
    Playback,
}

/// Peak resident memory of this process in MB, where the platform says (Linux).
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

pub fn run(db: Option<&Path>, args: Args) -> anyhow::Result<ExitCode> {
    if let What::Frame = args.what {
        let store = super::open_store(db)?;
        let mut explorer = crate::explorer::Explorer::new(store)?;
        let t = Instant::now();
        explorer.settle(args.layout_iterations);
        let layout_ms = t.elapsed().as_secs_f64() * 1e3;
        let stats = crate::ui::bench::measure(&mut explorer, args.runs, [1200.0, 900.0]);
        let mut json = serde_json::to_value(&stats)?;
        json["layout_ms"] = serde_json::json!((layout_ms * 10.0).round() / 10.0);
        outln!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    if let What::Playback = args.what {
        let group_by = args
            .group_by
            .as_deref()
            .map(|g| {
                crate::rollup::GroupBy::parse(g)
                    .ok_or_else(|| anyhow::anyhow!("--group-by {g:?}: say parent or state-owner"))
            })
            .transpose()?;
        if let Some(p) = args.pace
            && !(p.is_finite() && (0.1..=1000.0).contains(&p))
        {
            anyhow::bail!("--pace {p}: say between 0.1 and 1000 steps a second");
        }
        let store = super::open_store(db)?;
        let mut explorer = crate::explorer::Explorer::new(store)?;
        explorer.settle(args.layout_iterations);
        let json =
            super::bench_explorer::playback(&mut explorer, group_by, args.pace, [1200.0, 900.0]);
        outln!("{json}");
        return Ok(ExitCode::SUCCESS);
    }
    let store = super::open_store(db)?;
    let cpu_now = super::bench_explorer::cpu_ms;
    let (t, cpu0) = (Instant::now(), cpu_now());
    let dataset = store.load_dataset()?;
    let (load_ms, cpu1) = (t.elapsed().as_secs_f64() * 1e3, cpu_now());
    let t = Instant::now();
    let index = ShipmentIndex::build(dataset);
    let (build_ms, cpu2) = (t.elapsed().as_secs_f64() * 1e3, cpu_now());
    // CPU time over all threads: the wall times count whatever else the machine runs.
    let spent = |a: Option<f64>, b: Option<f64>| a.zip(b).map(|(a, b)| (b - a).round());
    match args.what {
        What::Rollup => {
            outln!("{}", super::bench_explorer::rollup(&index, args.runs));
            return Ok(ExitCode::SUCCESS);
        }
        What::Brokers => {
            outln!(
                "{}",
                super::bench_explorer::brokers(&index, args.runs.min(5))
            );
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    // The full range, and the middle half of the shipments by date (a range that cuts
    // nearly every pair's shipments, so each pair is searched and summed), runs interleaved.
    let full = Filter::default();
    let n = index.shipment_count();
    let half = Filter {
        from: (n > 0).then(|| index.day_at(n / 4)),
        to: (n > 0).then(|| index.day_at(n * 3 / 4)),
        ..Filter::default()
    };
    let (mut times, mut half_times) = (Vec::with_capacity(args.runs), Vec::new());
    let mut links = 0;
    let mut cpu = 0.0;
    for _ in 0..args.runs.max(1) {
        let (t, c0) = (Instant::now(), super::bench_explorer::cpu_ms());
        let graph = full.apply(&index);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        if let (Some(a), Some(b)) = (c0, super::bench_explorer::cpu_ms()) {
            cpu += b - a;
        }
        links = graph.links.len();
        drop(graph);
        let t = Instant::now();
        std::hint::black_box(half.apply(&index));
        half_times.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let runs = times.len();
    let (median, p90) = median_p90(&mut times);
    let (half_median, _) = median_p90(&mut half_times);
    outln!(
        "{}",
        serde_json::json!({
            "shipments": index.shipment_count(),
            "entities": index.entities().len(),
            "links": links,
            "load_ms": (load_ms * 10.0).round() / 10.0,
            "index_build_ms": (build_ms * 10.0).round() / 10.0,
            "load_and_index_ms": ((load_ms + build_ms) * 10.0).round() / 10.0,
            "load_cpu_ms": spent(cpu0, cpu1),
            "index_build_cpu_ms": spent(cpu1, cpu2),
            "index_bytes_per_shipment": (index.shipment_bytes() as f64
                / index.shipment_count().max(1) as f64 * 10.0).round() / 10.0,
            "filter_median_ms": (median * 100.0).round() / 100.0,
            "filter_p90_ms": (p90 * 100.0).round() / 100.0,
            "filter_cpu_ms": (cpu / runs as f64 * 10.0).round() / 10.0,
            "filter_half_range_median_ms": (half_median * 100.0).round() / 100.0,
            "runs": runs,
            "peak_rss_mb": peak_rss_mb().map(|m| m.round()),
        })
    );
    Ok(ExitCode::SUCCESS)
}

/// The median and 90th percentile of some times.
fn median_p90(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |q: usize| times[(times.len() * q / 10).min(times.len() - 1)];
    (at(5), at(9))
}
