//! `lading match`: compare two companies' names (and identifiers), or every pair of a CSV file,
//! with the score, the verdict at the automatic threshold and the reasons.
//!
//! A side is one company: its names separated by ` | `; a part `SCHEME:VALUE` (`INN:0323018510`,
//! `OGRN:…`, `USCC:…`, `LEI:…`, `IMO:…`, `OKPO:…`, `OFAC:…`, `EU:…`, `REG:…`, `TAX:…`) is an
//! identifier and `country:RU` its country. `--pairs FILE.csv` reads columns `a` and `b` (others
//! are ignored) and prints one JSON object per line, in the file's order.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::names::identifiers::parse_tagged;
use crate::names::{Comparison, Identifier, Party, compare};

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The first company: names separated by " | ", optionally INN:…, country:RU.
    #[arg(
        value_name = "NAME_A",
        required_unless_present = "pairs",
        conflicts_with = "pairs"
    )]
    pub a: Option<String>,
    /// The second company, written the same way.
    #[arg(value_name = "NAME_B", required_unless_present = "pairs")]
    pub b: Option<String>,
    /// A CSV file with columns a,b: one JSON object per pair, one per line.
    #[arg(long, value_name = "FILE.csv")]
    pub pairs: Option<PathBuf>,
    /// Print JSON (always so with --pairs).
    #[arg(long)]
    pub json: bool,
    /// With --pairs: time the analysis of every side and ROUNDS passes of `score` and
    /// `compare` over the pairs (release build), and print the rates as one JSON line.
    #[arg(long, value_name = "ROUNDS", requires = "pairs")]
    pub speed: Option<u32>,
}

/// One line of `lading match --json`.
#[derive(Debug, Serialize)]
pub struct Verdict<'a> {
    pub a: &'a str,
    pub b: &'a str,
    pub score: f64,
    pub same: bool,
    pub reasons: &'a [String],
}

/// One side's text as a party: names, identifiers, country.
pub fn parse_side(text: &str) -> Result<Party, String> {
    let mut names: Vec<&str> = Vec::new();
    let mut ids: Vec<Identifier> = Vec::new();
    let mut country = String::new();
    for part in text.split('|').map(str::trim).filter(|p| !p.is_empty()) {
        if let Some((label, value)) = part.split_once(':')
            && label.trim().eq_ignore_ascii_case("country")
        {
            let value = value.trim();
            if value.len() != 2 || !value.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(format!(
                    "\"{part}\": a country is a two-letter ISO code (RU, CN, …)"
                ));
            }
            country = value.to_ascii_uppercase();
            continue;
        }
        match parse_tagged(part) {
            Some(Ok(id)) => ids.push(id),
            Some(Err(e)) => return Err(e),
            None => names.push(part),
        }
    }
    if names.is_empty() && ids.is_empty() {
        return Err("no name and no identifier".to_owned());
    }
    Ok(Party::new(&names, &ids, &country))
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let (Some(path), Some(rounds)) = (&args.pairs, args.speed) {
        return speed(path, rounds.max(1)).map(|()| ExitCode::SUCCESS);
    }
    if let Some(path) = &args.pairs {
        run_pairs(path)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(a), Some(b)) = (&args.a, &args.b) else {
        bail!("give two names (NAME_A NAME_B) or --pairs FILE.csv");
    };
    let pa = parse_side(a).map_err(|e| anyhow::anyhow!("NAME_A: {e}"))?;
    let pb = parse_side(b).map_err(|e| anyhow::anyhow!("NAME_B: {e}"))?;
    let c = compare(&pa, &pb);
    if args.json {
        outln!("{}", crate::text::json_inert(&to_json(a, b, &c)?));
    } else {
        outln!(
            "{:.3}  {}",
            c.score,
            if c.same {
                "same"
            } else if c.score >= crate::names::REVIEW_THRESHOLD {
                "maybe (review)"
            } else {
                "different"
            }
        );
        for r in &c.reasons {
            outln!("  - {r}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn to_json(a: &str, b: &str, c: &Comparison) -> anyhow::Result<String> {
    Ok(serde_json::to_string(&Verdict {
        a,
        b,
        score: c.score,
        same: c.same,
        reasons: &c.reasons,
    })?)
}

fn run_pairs(path: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(std::io::BufReader::new(file));
    let name = path.display();
    let headers = rdr
        .headers()
        .with_context(|| format!("{name}: reading the header"))?
        .clone();
    let col = |want: &str| {
        headers.iter().position(|h| {
            h.trim()
                .trim_start_matches('\u{feff}')
                .eq_ignore_ascii_case(want)
        })
    };
    let (Some(ia), Some(ib)) = (col("a"), col("b")) else {
        bail!(
            "{name}:1: the header needs columns \"a\" and \"b\" (found {:?})",
            headers.iter().collect::<Vec<_>>()
        );
    };
    let mut rec = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => bail!("{name}: {e}"),
        }
        let line = rec.position().map_or(0, |p| p.line());
        let field = |i: usize, f: &str| -> anyhow::Result<(String, Party)> {
            let text = rec.get(i).unwrap_or_default().to_owned();
            let party = parse_side(&text)
                .map_err(|e| anyhow::anyhow!("{name}:{line}: field \"{f}\": {e}"))?;
            Ok((text, party))
        };
        let (a, pa) = field(ia, "a")?;
        let (b, pb) = field(ib, "b")?;
        outln!(
            "{}",
            crate::text::json_inert(&to_json(&a, &b, &compare(&pa, &pb))?)
        );
    }
    Ok(())
}

/// The sides of a pairs file, as text.
fn read_sides(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let mut rdr =
        csv::Reader::from_path(path).with_context(|| format!("opening {}", path.display()))?;
    let headers = rdr.headers()?.clone();
    let col = |want: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(want))
    };
    let (Some(ia), Some(ib)) = (col("a"), col("b")) else {
        bail!(
            "{}:1: the header needs columns \"a\" and \"b\"",
            path.display()
        );
    };
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.with_context(|| path.display().to_string())?;
        out.push((
            rec.get(ia).unwrap_or_default().to_owned(),
            rec.get(ib).unwrap_or_default().to_owned(),
        ));
    }
    Ok(out)
}

/// `--speed`: analysis and comparison rates on the file's pairs.
fn speed(path: &Path, rounds: u32) -> anyhow::Result<()> {
    use std::time::Instant;
    let sides = read_sides(path)?;
    let names: usize = sides
        .iter()
        .map(|(a, b)| a.split('|').count() + b.split('|').count())
        .sum();
    let t = Instant::now();
    let mut parties = Vec::with_capacity(sides.len());
    for _ in 0..rounds {
        parties.clear();
        for (k, (a, b)) in sides.iter().enumerate() {
            let pa = parse_side(a).map_err(|e| anyhow::anyhow!("pair {}: a: {e}", k + 1))?;
            let pb = parse_side(b).map_err(|e| anyhow::anyhow!("pair {}: b: {e}", k + 1))?;
            parties.push((pa, pb));
        }
    }
    let analyse_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut sum = 0.0;
    for _ in 0..rounds {
        for (a, b) in &parties {
            sum += crate::names::score(a, b);
        }
    }
    let score_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut reasons = 0usize;
    for _ in 0..rounds {
        for (a, b) in &parties {
            reasons += compare(a, b).reasons.len();
        }
    }
    let compare_s = t.elapsed().as_secs_f64();
    let pairs = (parties.len() * rounds as usize).max(1) as f64;
    let line = serde_json::json!({
        "pairs": parties.len(),
        "rounds": rounds,
        "names_per_pair": names as f64 / parties.len().max(1) as f64,
        "analyse_us_per_pair": analyse_s * 1e6 / pairs,
        "score_us_per_pair": score_s * 1e6 / pairs,
        "compare_us_per_pair": compare_s * 1e6 / pairs,
        "score_pairs_per_s": pairs / score_s.max(1e-9),
        // Printed so the timed loops cannot be optimised away.
        "score_sum": (sum * 1000.0).round() / 1000.0,
        "reasons": reasons,
    });
    outln!("{line}");
    Ok(())
}
