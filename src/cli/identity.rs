//! `lading merge KEEP OTHER`, `lading unmerge KEY`, `lading not-same A B` and `lading
//! judgements`: deciding which entities are one, with a record of who decided, when and why.

use std::path::Path;
use std::process::ExitCode;

use crate::store::identity::{Decision, Judgement, Verdict};
use crate::text::inert;

#[derive(clap::Args, Debug)]
pub struct MergeArgs {
    /// The entity that stays (its key).
    pub keep: String,
    /// The entity merged into it (its key): its names, identifiers, shipments, ownership and
    /// listings show on KEEP from now on.
    pub other: String,
    /// Why they are one (recorded with your user name and the time).
    #[arg(long, default_value = "")]
    pub why: String,
    /// Merge even though the pair was judged not the same before.
    #[arg(long)]
    pub force: bool,
    /// Print what was merged as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct UnmergeArgs {
    /// The key of an entity merged into another: it becomes its own entity again.
    pub key: String,
    /// Why (recorded).
    #[arg(long, default_value = "")]
    pub why: String,
}

#[derive(clap::Args, Debug)]
pub struct NotSameArgs {
    pub a: String,
    pub b: String,
    /// Why they are two (recorded).
    #[arg(long, default_value = "")]
    pub why: String,
}

#[derive(clap::Args, Debug)]
pub struct JudgementsArgs {
    #[arg(long)]
    pub json: bool,
}

pub fn merge(db: Option<&Path>, args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut store = super::open_store(db)?;
    let out = store.merge(
        &args.keep,
        &args.other,
        &Decision::by_current_user(&args.why),
        args.force,
    )?;
    if args.json {
        outln!(
            "{}",
            crate::text::json_inert(&serde_json::to_string_pretty(&out)?)
        );
    } else {
        outln!(
            "merged {} into {} (judgement {}): {} shipments, {} ownership links, {} listings, {} names, {} identifiers now show on {}",
            out.merged,
            out.kept,
            out.judgement,
            out.shipments,
            out.ownership,
            out.listings,
            out.names,
            out.identifiers,
            out.kept
        );
        outln!("undo with: lading unmerge {}", out.merged);
    }
    Ok(ExitCode::SUCCESS)
}

pub fn unmerge(db: Option<&Path>, args: UnmergeArgs) -> anyhow::Result<ExitCode> {
    let mut store = super::open_store(db)?;
    let from = store.unmerge(&args.key, &Decision::by_current_user(&args.why))?;
    outln!(
        "{} is its own entity again (split from {from}), with everything that names it",
        args.key.trim()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn not_same(db: Option<&Path>, args: NotSameArgs) -> anyhow::Result<ExitCode> {
    let mut store = super::open_store(db)?;
    let id = store.judge_not_same(&args.a, &args.b, &Decision::by_current_user(&args.why))?;
    outln!(
        "recorded (judgement {id}): {} and {} are not the same; `lading duplicates` will not suggest them again",
        args.a.trim(),
        args.b.trim()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn judgements(db: Option<&Path>, args: JudgementsArgs) -> anyhow::Result<ExitCode> {
    let store = super::open_store(db)?;
    let list = store.judgements()?;
    if args.json {
        outln!(
            "{}",
            crate::text::json_inert(&serde_json::to_string_pretty(&list)?)
        );
        return Ok(ExitCode::SUCCESS);
    }
    if list.is_empty() {
        outln!("no judgements yet");
    }
    for j in &list {
        // A judgement names entities by key; a database edited elsewhere may have lost one.
        let missing: Vec<&str> = [j.a_key.as_str(), j.b_key.as_str()]
            .into_iter()
            .filter(|k| !matches!(store.find_entity(k), Ok(Some(_))))
            .collect();
        if missing.is_empty() {
            outln!("{}", describe(j));
        } else {
            outln!(
                "{} [no entity has the key {} any more]",
                describe(j),
                missing.join(", ")
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// One line for a judgement: "2026-12-06T10:00:00Z ana merged b into a: why".
pub fn describe(j: &Judgement) -> String {
    let what = match j.verdict {
        Verdict::Merge => format!("merged {} into {}", j.b_key, j.a_key),
        Verdict::Unmerge => format!("split {} from {}", j.b_key, j.a_key),
        Verdict::NotSame => format!("judged {} and {} not the same", j.a_key, j.b_key),
    };
    let why = if j.why.is_empty() {
        String::new()
    } else {
        format!(": {}", j.why)
    };
    format!("#{} {} {} {what}{why}", j.id, j.at, j.who)
}

#[derive(clap::Args, Debug)]
pub struct DuplicatesArgs {
    /// The lowest score listed (0–1; default: the matcher's review threshold).
    #[arg(long, value_name = "S")]
    pub min_score: Option<f64>,
    /// List at most this many pairs (0: all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    /// Print the pairs as JSON: [{"a":{"key","name"},"b":{"key","name"},"score","reasons"}].
    #[arg(long)]
    pub json: bool,
}

pub fn duplicates(db: Option<&Path>, args: DuplicatesArgs) -> anyhow::Result<ExitCode> {
    let min = args.min_score.unwrap_or(crate::names::REVIEW_THRESHOLD);
    if !(0.0..=1.0).contains(&min) {
        anyhow::bail!("--min-score {min}: a score is between 0 and 1");
    }
    let started = std::time::Instant::now();
    let store = super::open_store(db)?;
    let (mut pairs, stats) = crate::identity::review_list(&store, min)?;
    if args.limit > 0 {
        pairs.truncate(args.limit);
    }
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        super::write_json(&pairs)?;
    } else {
        for p in &pairs {
            outln!(
                "{:.3}  {} ({})  ≈  {} ({})",
                p.score,
                inert(&p.a.name),
                inert(&p.a.key),
                inert(&p.b.name),
                inert(&p.b.key)
            );
            for r in &p.reasons {
                outln!("       {r}");
            }
        }
        if pairs.is_empty() {
            outln!("no pairs at or above {min}");
        }
    }
    errln!(
        "searched {} entities in {seconds:.2} s: {} pairs compared, {} block keys ({} too common, skipped); merge with `lading merge KEEP OTHER --why …`, or `lading not-same A B`",
        stats.entities,
        stats.pairs_compared,
        stats.blocks,
        stats.skipped_blocks
    );
    Ok(ExitCode::SUCCESS)
}
