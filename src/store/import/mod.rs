//! CSV import: shipments, entities, ownership links and sanctions listings.
//!
//! An import never loses or corrupts data. It runs in one transaction: by default the first
//! bad row aborts it with the file, line, field and reason, and the database is exactly as
//! before (also when the process is killed half-way: SQLite's journal rolls the transaction
//! back). With [`ImportOptions::rejects`] the good rows are imported and every bad row is
//! written, with its reason, to a rejects file, so nothing is lost either way.
//!
//! Headers are matched case-insensitively, with the synonyms customs-data vendors use
//! ([`fields`]), or explicitly (`--map field=Header`). Shipments are deduplicated by source and
//! source reference, so importing a file twice adds nothing the second time.

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::Store;
use crate::date::DateFormat;
use crate::parts::PartRules;

mod fields;
pub mod ftm;
mod limit;
mod parse;
mod preview;
mod rejects;
mod resolver;
mod sink;
mod values;

pub use fields::{Field, IdColumn, IdRole, ImportKind, Mapping, map_columns};
pub use limit::{MAX_RECORD_BYTES, MAX_STREAM_FIELD_BYTES};
pub use preview::{PREVIEW_ROWS, Preview, preview_csv};
pub use resolver::{Resolution, Resolved, slug};

/// The longest field accepted, in bytes. Longer ones are an error, not a silent truncation.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// The most columns a header may have.
pub const MAX_COLUMNS: usize = 1024;

/// How to run an import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub kind: ImportKind,
    /// Explicit header mapping, `(field, header)`: `("value_usd", "Declared Value, $")`; the
    /// field `-` keeps a column as it is, mapped to no field (`("-", "Declared Value")`).
    pub map: Vec<(String, String)>,
    /// Forces the layout of ambiguous dates.
    pub date_format: Option<DateFormat>,
    /// Part-type rules for descriptions without a part type.
    pub rules: PartRules,
    /// Import the good rows and write the rejected ones here, instead of aborting.
    pub rejects: Option<PathBuf>,
    /// The source recorded where the file has no source column (default: the file's name).
    pub source: Option<String>,
}

impl ImportOptions {
    pub fn new(kind: ImportKind) -> ImportOptions {
        ImportOptions {
            kind,
            map: Vec::new(),
            date_format: None,
            rules: PartRules::default_rules(),
            rejects: None,
            source: None,
        }
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ImportSummary {
    pub file: String,
    pub kind: String,
    /// Data rows read (the header not counted).
    pub rows_read: u64,
    /// Rows that added a record.
    pub imported: u64,
    /// Rows whose record was already in the database (for entities: updated in place).
    pub duplicates: u64,
    /// Rows rejected (only with a rejects file).
    pub rejected: u64,
    /// Names of the entities the import created because no entity had that name.
    pub entities_created: Vec<String>,
    /// How the names in the file found their entities, tier by tier.
    pub resolution: Resolution,
    /// Headers that mapped to no field: their values are kept with each row (and written by
    /// `lading export --format csv`), not imported as any field.
    pub unmapped_columns: Vec<String>,
    pub seconds: f64,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "imported {} from {}", self.kind, self.file)?;
        writeln!(f, "  rows read          {:>10}", self.rows_read)?;
        writeln!(f, "  imported           {:>10}", self.imported)?;
        writeln!(f, "  already present    {:>10}", self.duplicates)?;
        writeln!(f, "  rejected           {:>10}", self.rejected)?;
        if !self.unmapped_columns.is_empty() {
            writeln!(
                f,
                "  columns kept as they are (no field means them): {}",
                self.unmapped_columns
                    .iter()
                    .map(|h| format!("{h:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        writeln!(
            f,
            "  entities created   {:>10}",
            self.entities_created.len()
        )?;
        const SHOWN: usize = 20;
        for name in self.entities_created.iter().take(SHOWN) {
            writeln!(f, "    + {}", crate::text::inert(name))?;
        }
        if self.entities_created.len() > SHOWN {
            writeln!(f, "    … and {} more", self.entities_created.len() - SHOWN)?;
        }
        let r = &self.resolution;
        writeln!(f, "  names found as spelled {:>8}", r.exact)?;
        let tiers: [(&str, &[Resolved], &str); 3] = [
            ("found by identifier", &r.by_identifier, "="),
            ("matched another spelling", &r.strong, "≈"),
            ("new, but maybe the same as", &r.to_review, "?"),
        ];
        for (label, list, mark) in tiers {
            if list.is_empty() {
                continue;
            }
            writeln!(f, "  {label} ({})", list.len())?;
            for x in list.iter().take(SHOWN) {
                writeln!(
                    f,
                    "    {mark} {:?} → {} [{}] {:.2}: {}",
                    x.name,
                    x.entity,
                    x.key,
                    x.score,
                    x.reasons.join("; ")
                )?;
            }
            if list.len() > SHOWN {
                writeln!(f, "    … and {} more", list.len() - SHOWN)?;
            }
        }
        if !r.to_review.is_empty() {
            writeln!(
                f,
                "  review them with `lading duplicates` or View → Duplicates"
            )?;
        }
        write!(f, "  seconds            {:>10.2}", self.seconds)
    }
}

/// Why an import failed. Names the file, and the line and field where there is one.
#[derive(Debug, thiserror::Error)]
pub struct ImportError {
    pub file: PathBuf,
    /// 1-based line in the file where the bad record starts.
    pub line: Option<u64>,
    pub field: Option<String>,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": field {field:?}")?;
        }
        write!(f, ": {}", self.message)?;
        if self.line.is_some() {
            write!(f, " (nothing was imported; the database is unchanged)")?;
        }
        Ok(())
    }
}

/// A problem with one row: the field and why.
#[derive(Clone, Debug)]
pub(super) struct RowError {
    field: String,
    message: String,
}

pub(super) fn row_err(field: &str, message: impl Into<String>) -> RowError {
    RowError {
        field: field.to_owned(),
        message: message.into(),
    }
}

/// Reports progress as bytes read of the file's total.
pub type Progress<'a> = &'a mut dyn FnMut(u64, u64);

impl Store {
    /// Imports one CSV file. See the module documentation for the guarantees.
    pub fn import_csv(
        &mut self,
        path: &Path,
        options: &ImportOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<ImportSummary, ImportError> {
        let file = std::fs::File::open(path).map_err(|e| ImportError {
            file: path.to_path_buf(),
            line: None,
            field: None,
            message: format!("cannot open: {e}"),
        })?;
        let total_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
        self.import_reader(path, file, total_bytes, options, progress)
    }

    /// Imports CSV text from any reader; `path` names it in errors and is the default source.
    ///
    /// Two threads: one reads and parses records, this one resolves entities and writes.
    pub fn import_reader(
        &mut self,
        path: &Path,
        mut file: impl Read + Send,
        total_bytes: u64,
        options: &ImportOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<ImportSummary, ImportError> {
        let started = Instant::now();
        let error = |line: Option<u64>, field: Option<String>, message: String| ImportError {
            file: path.to_path_buf(),
            line,
            field,
            message,
        };
        let file_err = |message: String| error(None, None, message);
        let table = match options.kind {
            ImportKind::Shipments => "shipment",
            ImportKind::Entities => "entity",
            ImportKind::Ownership => "ownership",
            ImportKind::Sanctions => "sanction",
        };
        self.require(
            "import into this database",
            &super::team::import_needs(table),
        )
        .map_err(|e| file_err(e.to_string()))?;
        let mut head = vec![0u8; 8192];
        let head_len =
            read_head(&mut file, &mut head).map_err(|e| file_err(format!("cannot read: {e}")))?;
        head.truncate(head_len);
        check_text(&head).map_err(file_err)?;
        let reader = BufReader::with_capacity(
            1 << 20,
            limit::Bounded::new(std::io::Cursor::new(head).chain(file)),
        );
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(reader);

        let mut record = csv::ByteRecord::new();
        let header_ok =
            csv.read_byte_record(&mut record)
                .map_err(|e| match limit::TooLong::of(&e) {
                    Some(long) => error(
                        Some(1),
                        Some(format!("column {}", long.column + 1)),
                        format!("the header has {long}"),
                    ),
                    None => file_err(format!("cannot read the header: {e}")),
                })?;
        if record.len() > MAX_COLUMNS {
            let message = format!(
                "the header has {} columns; a file may have at most {MAX_COLUMNS}",
                record.len()
            );
            return Err(error(Some(1), None, message));
        }
        if !header_ok || record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return Err(file_err("the file is empty: expected a header row".into()));
        }
        let header: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                std::str::from_utf8(raw)
                    .map(|s| s.trim_start_matches('\u{feff}').trim().to_owned())
                    .map_err(|_| {
                        let message = "the header is not UTF-8 text; save the file as UTF-8";
                        error(Some(1), Some(format!("column {}", i + 1)), message.into())
                    })
            })
            .collect::<Result<_, _>>()?;
        let mapping = fields::map_columns(options.kind, &header, &options.map)
            .map_err(|(field, message)| error(Some(1), field, message))?;
        let unmapped: Vec<(usize, String)> = mapping
            .unmapped
            .iter()
            .map(|&c| (c, header[c].clone()))
            .collect();
        let columns = parse::Columns {
            map: mapping.columns,
            ids: mapping.ids,
            header: header.clone(),
            unmapped,
            options,
            default_source: options.source.clone().unwrap_or_else(|| {
                path.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_else(|| path.display().to_string())
            }),
        };
        let mut rejects =
            match &options.rejects {
                Some(p) => Some(rejects::Rejects::create(p, &header).map_err(|e| {
                    file_err(format!("cannot write rejects to {}: {e}", p.display()))
                })?),
                None => None,
            };

        let file_label = path.display().to_string();
        // A large page cache for the import only: it inserts into B-trees at random keys, and
        // SQLite's 2 MB default makes each insert a trip through the OS page cache. Reads do
        // not need it, and it would stay filled for the life of the connection.
        if let Some(c) = self.sqlite() {
            let _ = c.execute_batch("PRAGMA cache_size = -262144");
        }
        let result = (|| {
            // The write lock first, before any row is read (waiting for another writer).
            let tx = self.begin_write().map_err(|e| file_err(e.to_string()))?;
            // About 150 bytes a customs record: enough to size the deduplication set once.
            let rows_hint = (total_bytes / 150).min(50_000_000) as usize;
            let mut sink = sink::Sink::new(&tx, &columns, &file_label, rows_hint)
                .map_err(|e| file_err(e.to_string()))?;
            let mut summary = ImportSummary {
                file: file_label.clone(),
                kind: options.kind.as_str().to_owned(),
                unmapped_columns: columns.unmapped.iter().map(|(_, h)| h.clone()).collect(),
                ..ImportSummary::default()
            };
            let mut progress = progress;
            std::thread::scope(|scope| -> Result<(), ImportError> {
                let (send, receive) = std::sync::mpsc::sync_channel(4);
                let (give_back, take_back) = std::sync::mpsc::channel();
                let (columns, header) = (&columns, &header);
                scope.spawn(move || parse::parse_all(csv, header, columns, send, take_back));
                for batch in receive {
                    for slot in &batch.slots[..batch.len] {
                        summary.rows_read += 1;
                        let failure = match &slot.rejected {
                            Some(err) => RowFailure::Row(err.clone()),
                            None => match sink.row(&slot.record, &slot.shipment) {
                                Ok(true) => {
                                    summary.imported += 1;
                                    continue;
                                }
                                Ok(false) => {
                                    summary.duplicates += 1;
                                    continue;
                                }
                                Err(failure) => failure,
                            },
                        };
                        match (failure, rejects.as_mut()) {
                            (RowFailure::Row(err), Some(rej)) => {
                                summary.rejected += 1;
                                let written = if slot.rejected.is_some() {
                                    rej.write(slot.line, &err, &slot.raw)
                                } else {
                                    rej.write(slot.line, &err, slot.record.as_byte_record())
                                };
                                written
                                    .map_err(|e| file_err(format!("cannot write rejects: {e}")))?;
                            }
                            (RowFailure::Row(err), None) => {
                                return Err(error(Some(slot.line), Some(err.field), err.message));
                            }
                            (RowFailure::Database(e), _) if e.is_busy() => {
                                // Not the row's fault: say who is in the way, with no line.
                                return Err(file_err(format!(
                                    "another process is using the database ({e}); \
                                     nothing was imported"
                                )));
                            }
                            (RowFailure::Database(e), _) => {
                                return Err(error(
                                    Some(slot.line),
                                    None,
                                    format!("database error: {e}"),
                                ));
                            }
                        }
                    }
                    if let Some((line, field, message)) = &batch.fatal {
                        return Err(error(Some(*line), field.clone(), message.clone()));
                    }
                    if let Some(report) = progress.as_mut() {
                        report(batch.bytes_read, total_bytes);
                    }
                    // The parser reuses the batch's buffers; if it has finished, it is dropped.
                    let _ = give_back.send(batch);
                }
                Ok(())
            })?;
            if summary.rows_read == 0 {
                return Err(error(Some(2), None, "no data rows after the header".into()));
            }
            summary.entities_created = std::mem::take(&mut sink.resolver.created);
            summary.resolution = std::mem::take(&mut sink.resolver.report);
            let already_there = sink.finish().map_err(|e| file_err(e.to_string()))?;
            summary.imported -= already_there;
            summary.duplicates += already_there;
            drop(sink);
            if let Some(rej) = rejects.take() {
                rej.finish()
                    .map_err(|e| file_err(format!("cannot write rejects: {e}")))?;
            }
            tx.commit().map_err(|e| file_err(commit_error(&e)))?;
            if let Some(report) = progress.as_mut() {
                report(total_bytes, total_bytes);
            }
            summary.seconds = started.elapsed().as_secs_f64();
            Ok(summary)
        })();
        if let Some(c) = self.sqlite() {
            let _ = c.execute_batch("PRAGMA cache_size = -2000");
        }
        result
    }
}

/// Why a commit failed, saying so when another process was in the way.
pub(super) fn commit_error(e: &crate::store::db::DbError) -> String {
    if e.is_busy() {
        format!(
            "cannot commit: another process kept the database busy for more than {} s ({e}); \
             nothing was imported",
            super::COMMIT_WAIT.as_secs()
        )
    } else {
        format!("cannot commit: {e}")
    }
}

fn read_head(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Refuses binary files before the CSV reader makes nonsense of them.
fn check_text(head: &[u8]) -> Result<(), String> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"%PDF", "a PDF document"),
        (
            b"PK\x03\x04",
            "a ZIP archive (an .xlsx workbook? export it as CSV)",
        ),
        (b"SQLite format 3", "a SQLite database (open it with --db)"),
        (b"\x1f\x8b", "a gzip archive"),
        (
            b"\xd0\xcf\x11\xe0",
            "an old Excel or Word file (export it as CSV)",
        ),
    ];
    for (magic, what) in MAGIC {
        if head.starts_with(magic) {
            return Err(format!("not a CSV text file: it is {what}"));
        }
    }
    if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        return Err("the file is UTF-16 text; save it as UTF-8".into());
    }
    if head.contains(&0) {
        return Err("not a CSV text file: it holds binary data (NUL bytes)".into());
    }
    Ok(())
}

pub(super) enum RowFailure {
    Row(RowError),
    Database(crate::store::db::DbError),
}

impl From<RowError> for RowFailure {
    fn from(e: RowError) -> RowFailure {
        RowFailure::Row(e)
    }
}

impl From<crate::store::db::DbError> for RowFailure {
    fn from(e: crate::store::db::DbError) -> RowFailure {
        RowFailure::Database(e)
    }
}

/// The deduplication key of a shipment record: FNV-1a of its source and source reference.
pub fn ref_key(source: &str, source_ref: &str) -> i64 {
    fnv1a(&[source, source_ref]) as i64
}

/// FNV-1a: a stable hash (the same on every machine and Rust version) for synthesised record ids.
pub(super) fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
