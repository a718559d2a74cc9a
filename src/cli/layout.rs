//! `lading layout EDGES.csv`: ForceAtlas2 on an edge list, the layout benchmark entry point.
//!
//! Reads `source,target[,weight]` (string ids; a `source,target` header line is skipped),
//! builds the layout graph in first-appearance order (the order the peer benchmark uses),
//! runs N iterations (graphology's force settings; the inertial speed rule unless
//! `--speed` says otherwise) from seeded random positions (or from `--init`, e.g. the peer's
//! `--init-out` file, for a like-for-like start), prints one JSON line
//! `{"nodes","edges","iterations","ms_total","ms_per_iter",...}` timing the iterations
//! only, and writes `id,x,y` when `--out` is given.

use std::collections::HashMap;
use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};

use crate::layout::{
    ForceAtlas2, LayoutGraph, LayoutSettings, Positions, Settle, SpeedMode, Start, quality,
};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speed {
    /// Force over each node's curvature bound, with momentum (`--inertia`).
    Inertial,
    /// graphology's per-node adaptive speed.
    PerNode,
    /// The paper's (Gephi's) global adaptive speed.
    Global,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// CSV with `source,target[,weight]`.
    pub edges: PathBuf,
    /// Iterations to run.
    #[arg(long, default_value_t = 100)]
    pub iterations: u64,
    /// Seed of the random start positions.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads: 1 = single-thread path, 0 = all cores.
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Write the final positions here as `id,x,y`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Start from these positions (`id,x,y` with a header) instead of random ones.
    #[arg(long)]
    pub init: Option<PathBuf>,
    /// Barnes-Hut theta, classic form (cell width / distance < theta). graphology's
    /// barnesHutTheta 0.5 amounts to 0.5 in this form; ours defaults to a stricter 0.25.
    #[arg(long, default_value_t = 0.25)]
    pub theta: f32,
    /// Speed rule: inertial (the default here: fewest iterations for a given quality on the
    /// benchmark graphs), per-node (graphology's) or global (Gephi's; the library default).
    #[arg(long, value_enum, default_value_t = Speed::Inertial)]
    pub speed: Speed,
    /// LinLog attraction.
    #[arg(long)]
    pub lin_log: bool,
    /// Strong gravity.
    #[arg(long)]
    pub strong_gravity: bool,
    /// Gravity.
    #[arg(long, default_value_t = 1.0)]
    pub gravity: f32,
    /// Scaling ratio (repulsion strength).
    #[arg(long, default_value_t = 1.0)]
    pub scaling_ratio: f32,
    /// Divides every step of the per-node speed rule (larger = slower, steadier).
    #[arg(long, default_value_t = 1.0)]
    pub slow_down: f32,
    /// Jitter tolerance of the global speed rule (larger = faster, more swinging).
    #[arg(long, default_value_t = 1.0)]
    pub jitter_tolerance: f32,
    /// Share of the previous step kept by the inertial speed rule, in [0, 1).
    #[arg(long, default_value_t = 0.9)]
    pub inertia: f32,
    /// Run the settle schedule the window and `lading render` use (multilevel, inertial,
    /// its own theta) until it settles, instead of `--iterations` single-level iterations;
    /// reports iterations per level, time and quality.
    #[arg(long)]
    pub settle: bool,
    /// With `--settle`: print the smoothed movement and the quality every N iterations to
    /// stderr (quality scoring is not timed).
    #[arg(long)]
    pub trace: Option<u64>,
    /// Print the report as one JSON line (the default for `--iterations` runs).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let (names, graph) = read_edges(&args.edges)?;
    let settings = LayoutSettings {
        threads: args.threads,
        seed: args.seed,
        theta: args.theta,
        speed: match args.speed {
            Speed::PerNode => SpeedMode::PerNode,
            Speed::Global => SpeedMode::Global,
            Speed::Inertial => SpeedMode::Inertial,
        },
        lin_log: args.lin_log,
        strong_gravity: args.strong_gravity,
        gravity: args.gravity,
        scaling_ratio: args.scaling_ratio,
        slow_down: args.slow_down,
        jitter_tolerance: args.jitter_tolerance,
        inertia: args.inertia,
        ..LayoutSettings::graphology()
    };
    let init = match &args.init {
        Some(path) => Some(read_positions(path, &names)?),
        None => None,
    };
    let start = match &init {
        Some(p) => Start::Given(p),
        None => Start::Random,
    };
    if args.settle {
        return run_settle(&args, &names, &graph, settings, start);
    }
    let mut layout = ForceAtlas2::new(&graph, settings, start).context("preparing the layout")?;

    let t0 = Instant::now();
    layout.run(args.iterations);
    let ms_total = t0.elapsed().as_secs_f64() * 1000.0;

    let threads = match args.threads {
        0 => rayon::current_num_threads(),
        t => t,
    };
    let r = graph.report;
    let line = serde_json::json!({
        "nodes": graph.node_count(),
        "edges": graph.edge_count(),
        "iterations": args.iterations,
        "ms_total": round(ms_total, 2),
        "ms_per_iter": round(ms_total / (args.iterations.max(1) as f64), 3),
        "threads": threads,
        "theta_classic": args.theta,
        "speed": format!("{:?}", args.speed),
        "self_loops_dropped": r.self_loops,
        "duplicates_merged": r.duplicates,
        "bad_weights": r.bad_weights,
    });
    outln!("{line}");

    if let Some(out) = &args.out {
        write_positions(out, &names, layout.raw_positions())
            .with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

/// `--settle`: the schedule to its end, timed without the (optional) tracing.
fn run_settle(
    args: &Args,
    names: &[String],
    graph: &LayoutGraph,
    settings: LayoutSettings,
    start: Start<'_>,
) -> anyhow::Result<()> {
    let t0 = Instant::now();
    let mut layout = Settle::new(graph, settings, start).context("preparing the layout")?;
    let mut untimed = std::time::Duration::ZERO;
    loop {
        let settled = layout.step();
        if let Some(every) = args.trace
            && (settled || layout.iterations() % every.max(1) == 0)
        {
            let t = Instant::now();
            let level = layout.report().last().copied();
            let q = quality::score(&layout.raw_positions(), &graph.edges, 7);
            errln!(
                "it {:>5} level {:?} movement {:.5} edge_ratio {:.4}",
                layout.iterations(),
                level.map(|l| (l.nodes, l.iterations)),
                layout.movement(),
                q.map_or(f64::NAN, |q| q.edge_ratio)
            );
            untimed += t.elapsed();
        }
        if settled {
            break;
        }
    }
    let ms_total = (t0.elapsed() - untimed).as_secs_f64() * 1000.0;
    let pos = layout.raw_positions();
    let q = quality::score(&pos, &graph.edges, 7);
    let threads = match args.threads {
        0 => rayon::current_num_threads(),
        t => t,
    };
    let levels: Vec<serde_json::Value> = layout
        .report()
        .iter()
        .map(|l| serde_json::json!({"nodes": l.nodes, "edges": l.edges, "iterations": l.iterations, "ms": round(l.ms, 1)}))
        .collect();
    let fine_iterations = layout.report().last().map_or(0, |l| l.iterations);
    let s = layout.settings();
    let line = serde_json::json!({
        "mode": "settle",
        "nodes": graph.node_count(),
        "edges": graph.edge_count(),
        "iterations": layout.iterations(),
        "fine_iterations": fine_iterations,
        "levels": levels,
        "ms_total": round(ms_total, 2),
        "threads": threads,
        "theta_classic": s.theta,
        "speed": "Inertial",
        "edge_ratio": q.map(|q| round(q.edge_ratio, 5)),
        "edge_ratio_med": q.map(|q| round(q.edge_ratio_med, 5)),
        "nonfinite": q.map_or(pos.len(), |q| q.nonfinite),
    });
    if args.json {
        outln!("{line}");
    } else {
        outln!(
            "{} nodes, {} links: settled after {} iterations ({} on the full graph, {} levels) in {:.0} ms on {} threads; edge_ratio {}, edge_ratio_med {}",
            graph.node_count(),
            graph.edge_count(),
            layout.iterations(),
            fine_iterations,
            layout.report().len(),
            ms_total,
            threads,
            q.map_or("-".into(), |q| format!("{:.4}", q.edge_ratio)),
            q.map_or("-".into(), |q| format!("{:.4}", q.edge_ratio_med)),
        );
    }
    if let Some(out) = &args.out {
        write_positions(out, names, &pos).with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

fn round(v: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (v * p).round() / p
}

/// Reads the edge list. Node `k` is the k-th distinct id in order of first appearance
/// (source before target, row by row); its entity id in the layout is `k`.
fn read_edges(path: &Path) -> anyhow::Result<(Vec<String>, LayoutGraph)> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, i64> = HashMap::new();
    let mut links: Vec<(i64, i64, f64)> = Vec::new();
    let mut id = |name: &str, names: &mut Vec<String>| -> i64 {
        if let Some(&k) = index.get(name) {
            return k;
        }
        let k = names.len() as i64;
        index.insert(name.to_owned(), k);
        names.push(name.to_owned());
        k
    };
    for (row, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        let line = record.position().map_or(row as u64 + 1, |p| p.line());
        if record.len() == 1 && record[0].is_empty() {
            continue;
        }
        if record.len() < 2 {
            bail!("{}:{line}: expected source,target[,weight]", path.display());
        }
        if row == 0 && record[0].eq_ignore_ascii_case("source") {
            continue;
        }
        let a = id(&record[0], &mut names);
        let b = id(&record[1], &mut names);
        // An unreadable weight is a bad weight: the layout replaces it by 1 and counts it.
        let w = match record.get(2) {
            None | Some("") => 1.0,
            Some(t) => t.parse::<f64>().unwrap_or(f64::NAN),
        };
        links.push((a, b, w));
    }
    let graph = LayoutGraph::from_edges(0..names.len() as i64, links);
    Ok((names, graph))
}

/// Reads `id,x,y` start positions for the named nodes; ids not in the graph are ignored.
fn read_positions(path: &Path, names: &[String]) -> anyhow::Result<Positions> {
    let index: HashMap<&str, i64> = names
        .iter()
        .enumerate()
        .map(|(k, n)| (n.as_str(), k as i64))
        .collect();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(path)
        .with_context(|| format!("opening {}", path.display()))?;
    let mut pairs = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("reading {}", path.display()))?;
        if record.len() < 3 {
            continue;
        }
        let Some(&k) = index.get(&record[0]) else {
            continue;
        };
        let x: f32 = record[1]
            .parse()
            .with_context(|| format!("{}: bad x for {}", path.display(), &record[0]))?;
        let y: f32 = record[2]
            .parse()
            .with_context(|| format!("{}: bad y for {}", path.display(), &record[0]))?;
        pairs.push((k, [x, y]));
    }
    Ok(Positions::from_pairs(pairs))
}

fn write_positions(path: &Path, names: &[String], pos: &[[f32; 2]]) -> anyhow::Result<()> {
    // The csv writer quotes ids that contain commas or quotes.
    let mut w = csv::Writer::from_writer(BufWriter::new(File::create(path)?));
    w.write_record(["id", "x", "y"])?;
    for (name, p) in names.iter().zip(pos) {
        w.write_record([name.as_str(), &p[0].to_string(), &p[1].to_string()])?;
    }
    w.flush()?;
    Ok(())
}
