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

use std::collections::{HashMap, HashSet};
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::{Transaction, params};
use rustc_hash::{FxHashMap, FxHashSet};

use super::Store;
use crate::date::{DateFormat, Day, parse_flexible};
use crate::model::{EntityId, EntityKind, normalize_name};
use crate::parts::{OTHER, PartRules};

mod fields;
mod values;

pub use fields::{Field, ImportKind};
use values::{parse_bool, parse_country, parse_number, parse_share};

/// The longest field accepted, in bytes. Longer ones are an error, not a silent truncation.
pub const MAX_FIELD_BYTES: usize = 64 * 1024;

/// How to run an import.
#[derive(Clone, Debug)]
pub struct ImportOptions {
    pub kind: ImportKind,
    /// Explicit header mapping, `(field, header)`: `("value_usd", "Declared Value, $")`.
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
    pub seconds: f64,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "imported {} from {}", self.kind, self.file)?;
        writeln!(f, "  rows read          {:>10}", self.rows_read)?;
        writeln!(f, "  imported           {:>10}", self.imported)?;
        writeln!(f, "  already present    {:>10}", self.duplicates)?;
        writeln!(f, "  rejected           {:>10}", self.rejected)?;
        writeln!(f, "  entities created   {:>10}", self.entities_created.len())?;
        const SHOWN: usize = 20;
        for name in self.entities_created.iter().take(SHOWN) {
            writeln!(f, "    + {name}")?;
        }
        if self.entities_created.len() > SHOWN {
            writeln!(f, "    … and {} more", self.entities_created.len() - SHOWN)?;
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
#[derive(Debug)]
struct RowError {
    field: String,
    message: String,
}

fn row_err(field: &str, message: impl Into<String>) -> RowError {
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
    pub fn import_reader(
        &mut self,
        path: &Path,
        mut file: impl Read,
        total_bytes: u64,
        options: &ImportOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<ImportSummary, ImportError> {
        let started = Instant::now();
        let file_err = |message: String| ImportError {
            file: path.to_path_buf(),
            line: None,
            field: None,
            message,
        };
        let mut head = vec![0u8; 8192];
        let head_len = read_head(&mut file, &mut head).map_err(|e| file_err(format!("cannot read: {e}")))?;
        head.truncate(head_len);
        check_text(&head).map_err(file_err)?;
        let reader = BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(file));
        let mut csv = csv::ReaderBuilder::new()
            .flexible(true)
            .has_headers(false)
            .from_reader(reader);

        let mut record = csv::ByteRecord::new();
        let header_ok = csv
            .read_byte_record(&mut record)
            .map_err(|e| file_err(format!("cannot read the header: {e}")))?;
        if !header_ok || record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            return Err(file_err("the file is empty: expected a header row".into()));
        }
        let header: Vec<String> = record
            .iter()
            .enumerate()
            .map(|(i, raw)| {
                std::str::from_utf8(raw).map(|s| s.trim_start_matches('\u{feff}').trim().to_owned()).map_err(|_| ImportError {
                    file: path.to_path_buf(),
                    line: Some(1),
                    field: Some(format!("column {}", i + 1)),
                    message: "the header is not UTF-8 text; save the file as UTF-8".into(),
                })
            })
            .collect::<Result<_, _>>()?;
        let columns = fields::map_columns(options.kind, &header, &options.map).map_err(|(field, message)| {
            ImportError {
                file: path.to_path_buf(),
                line: Some(1),
                field,
                message,
            }
        })?;

        let default_source = options.source.clone().unwrap_or_else(|| {
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| path.display().to_string())
        });
        let mut rejects = match &options.rejects {
            Some(p) => Some(Rejects::create(p, &header).map_err(|e| file_err(format!("cannot write rejects to {}: {e}", p.display())))?),
            None => None,
        };

        let file_label = path.display().to_string();
        let tx = self.conn.transaction().map_err(|e| file_err(e.to_string()))?;
        let empty_table = options.kind == ImportKind::Shipments
            && tx
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM shipment)", [], |r| r.get::<_, bool>(0))
                .map_err(|e| file_err(e.to_string()))?;
        let mut sink = Sink::new(&tx, options, &columns, default_source, &file_label).map_err(|e| file_err(e.to_string()))?;
        sink.keys_seen = empty_table.then(FxHashSet::default);
        let mut summary = ImportSummary {
            file: file_label,
            kind: options.kind.as_str().to_owned(),
            ..ImportSummary::default()
        };
        let mut progress = progress;
        loop {
            let line = csv.position().line() + 1;
            let more = match csv.read_byte_record(&mut record) {
                Ok(more) => more,
                Err(e) => {
                    // A broken quote or an I/O error: the rest of the file cannot be trusted.
                    return Err(ImportError {
                        file: path.to_path_buf(),
                        line: Some(record.position().map_or(line, |p| p.line())),
                        field: None,
                        message: format!("unreadable CSV: {e}"),
                    });
                }
            };
            if !more {
                break;
            }
            let line = record.position().map_or(line, |p| p.line());
            if record.len() == 1 && record.get(0).is_some_and(|f| f.is_empty()) {
                continue; // a blank line
            }
            summary.rows_read += 1;
            let mut values: Vec<&str> = Vec::with_capacity(header.len());
            let outcome = decode(&record, &header, &mut values).and_then(|()| sink.row(&values));
            match outcome {
                Ok(true) => summary.imported += 1,
                Ok(false) => summary.duplicates += 1,
                Err(RowFailure::Row(err)) => match rejects.as_mut() {
                    Some(rej) => {
                        summary.rejected += 1;
                        rej.write(line, &err, &record).map_err(|e| file_err(format!("cannot write rejects: {e}")))?;
                    }
                    None => {
                        return Err(ImportError {
                            file: path.to_path_buf(),
                            line: Some(line),
                            field: Some(err.field),
                            message: err.message,
                        });
                    }
                },
                Err(RowFailure::Database(e)) => {
                    return Err(ImportError {
                        file: path.to_path_buf(),
                        line: Some(line),
                        field: None,
                        message: format!("database error: {e}"),
                    });
                }
            }
            if summary.rows_read % 16_384 == 0
                && let Some(report) = progress.as_mut()
            {
                report(csv.position().byte(), total_bytes);
            }
        }
        if summary.rows_read == 0 {
            return Err(ImportError {
                file: path.to_path_buf(),
                line: Some(2),
                field: None,
                message: "no data rows after the header".into(),
            });
        }
        summary.entities_created = std::mem::take(&mut sink.resolver.created);
        drop(sink);
        if let Some(rej) = rejects.take() {
            rej.finish().map_err(|e| file_err(format!("cannot write rejects: {e}")))?;
        }
        tx.commit().map_err(|e| file_err(format!("cannot commit: {e}")))?;
        if let Some(report) = progress.as_mut() {
            report(total_bytes, total_bytes);
        }
        summary.seconds = started.elapsed().as_secs_f64();
        Ok(summary)
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
        (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook? export it as CSV)"),
        (b"SQLite format 3", "a SQLite database (open it with --db)"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"\xd0\xcf\x11\xe0", "an old Excel or Word file (export it as CSV)"),
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

enum RowFailure {
    Row(RowError),
    Database(rusqlite::Error),
}

impl From<RowError> for RowFailure {
    fn from(e: RowError) -> RowFailure {
        RowFailure::Row(e)
    }
}

impl From<rusqlite::Error> for RowFailure {
    fn from(e: rusqlite::Error) -> RowFailure {
        RowFailure::Database(e)
    }
}

/// Checks a record's shape and encoding and borrows its fields as text.
fn decode<'r>(record: &'r csv::ByteRecord, header: &[String], out: &mut Vec<&'r str>) -> Result<(), RowFailure> {
    out.clear();
    if record.len() != header.len() {
        let field = header.get(record.len().min(header.len().saturating_sub(1))).cloned().unwrap_or_default();
        let what = if record.len() < header.len() { "too few" } else { "too many" };
        return Err(row_err(&field, format!("{what} fields: {} where the header has {}", record.len(), header.len())).into());
    }
    for (i, raw) in record.iter().enumerate() {
        if raw.len() > MAX_FIELD_BYTES {
            return Err(row_err(&header[i], format!("{} bytes, more than the {} a field may hold", raw.len(), MAX_FIELD_BYTES)).into());
        }
        let text = std::str::from_utf8(raw).map_err(|e| {
            row_err(&header[i], format!("not UTF-8 text (invalid byte at offset {}); save the file as UTF-8", e.valid_up_to()))
        })?;
        out.push(text);
    }
    Ok(())
}

/// Finds entities by key, name or alias, and creates companies for unknown names.
struct Resolver {
    /// Normalised key, name or alias → entity. Keys win over names, names over aliases.
    by_name: HashMap<String, EntityId>,
    /// Raw text as it appeared in the file → entity, to skip normalising repeated names.
    by_raw: FxHashMap<String, EntityId>,
    keys: HashSet<String>,
    created: Vec<String>,
    created_source: String,
}

impl Resolver {
    fn load(tx: &Transaction<'_>, file_label: &str) -> rusqlite::Result<Resolver> {
        let mut by_name = HashMap::new();
        let mut keys = HashSet::new();
        {
            let mut stmt = tx.prepare("SELECT entity_id, name FROM alias")?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                by_name.insert(normalize_name(r.get_ref(1)?.as_str()?), r.get(0)?);
            }
        }
        let mut stmt = tx.prepare("SELECT id, key, name FROM entity")?;
        let mut rows = stmt.query([])?;
        let mut entity_keys = Vec::new();
        while let Some(r) = rows.next()? {
            let id: EntityId = r.get(0)?;
            let key: String = r.get(1)?;
            by_name.insert(normalize_name(r.get_ref(2)?.as_str()?), id);
            entity_keys.push((key, id));
        }
        for (key, id) in entity_keys {
            by_name.insert(normalize_name(&key), id);
            keys.insert(key);
        }
        Ok(Resolver {
            by_name,
            by_raw: FxHashMap::default(),
            keys,
            created: Vec::new(),
            created_source: format!("created by the import of {file_label}"),
        })
    }

    fn find(&mut self, raw: &str) -> Option<EntityId> {
        if let Some(&id) = self.by_raw.get(raw) {
            return Some(id);
        }
        let id = *self.by_name.get(&normalize_name(raw))?;
        self.by_raw.insert(raw.to_owned(), id);
        Some(id)
    }

    /// The entity named `raw`, creating a `company` entity when none has that name.
    fn resolve(&mut self, tx: &Transaction<'_>, raw: &str, field: &str) -> Result<EntityId, RowFailure> {
        if let Some(id) = self.find(raw) {
            return Ok(id);
        }
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(row_err(field, "empty: an entity name or key is required").into());
        }
        let key = self.unique_key(&slug(&name));
        tx.prepare_cached("INSERT INTO entity (key, name, kind, source) VALUES (?1, ?2, 'company', ?3)")?
            .execute(params![key, name, self.created_source])?;
        let id = tx.last_insert_rowid();
        self.register(&key, &name, id);
        self.by_raw.insert(raw.to_owned(), id);
        self.created.push(name);
        Ok(id)
    }

    fn register(&mut self, key: &str, name: &str, id: EntityId) {
        self.by_name.entry(normalize_name(name)).or_insert(id);
        self.by_name.insert(normalize_name(key), id);
        self.keys.insert(key.to_owned());
    }

    fn unique_key(&self, base: &str) -> String {
        let base = if base.is_empty() { "entity" } else { base };
        if !self.keys.contains(base) {
            return base.to_owned();
        }
        (2..)
            .map(|n| format!("{base}-{n}"))
            .find(|k| !self.keys.contains(k))
            .unwrap_or_else(|| base.to_owned())
    }
}

/// A key from a name: lower case, letters and digits of any script, words joined by `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in name.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

/// The deduplication key of a shipment record: FNV-1a of its source and source reference.
pub fn ref_key(source: &str, source_ref: &str) -> i64 {
    fnv1a(&[source, source_ref]) as i64
}

/// FNV-1a: a stable hash (the same on every machine and Rust version) for synthesised record ids.
fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Where rows go: validates one row's values and writes them in the open transaction.
struct Sink<'t, 'o> {
    tx: &'t Transaction<'t>,
    options: &'o ImportOptions,
    columns: &'o [Option<usize>],
    default_source: String,
    resolver: Resolver,
    /// Raw part-type text → canonical part type.
    part_cache: HashMap<String, String>,
    /// When the shipment table was empty at the start: the deduplication keys inserted since.
    keys_seen: Option<FxHashSet<i64>>,
}

impl<'t, 'o> Sink<'t, 'o> {
    fn new(
        tx: &'t Transaction<'t>,
        options: &'o ImportOptions,
        columns: &'o [Option<usize>],
        default_source: String,
        file_label: &str,
    ) -> rusqlite::Result<Sink<'t, 'o>> {
        Ok(Sink {
            tx,
            options,
            columns,
            default_source,
            resolver: Resolver::load(tx, file_label)?,
            part_cache: HashMap::new(),
            keys_seen: None,
        })
    }

    /// The trimmed value of `field` in this row, "" when the file has no such column.
    fn get<'v>(&self, values: &[&'v str], field: Field) -> &'v str {
        self.columns
            .get(field as usize)
            .copied()
            .flatten()
            .and_then(|i| values.get(i))
            .map_or("", |v| v.trim())
    }

    fn date(&self, values: &[&str], field: Field, required: bool) -> Result<Option<Day>, RowError> {
        let text = self.get(values, field);
        if text.is_empty() {
            return if required { Err(row_err(field.name(), "empty: a date is required")) } else { Ok(None) };
        }
        parse_flexible(text, self.options.date_format)
            .map(Some)
            .map_err(|e| row_err(field.name(), format!("{text:?}: {e}")))
    }

    fn source<'v>(&'v self, values: &[&'v str]) -> &'v str {
        match self.get(values, Field::Source) {
            "" => &self.default_source,
            s => s,
        }
    }

    /// Returns whether the row added a record (false: it was already there).
    fn row(&mut self, values: &[&str]) -> Result<bool, RowFailure> {
        match self.options.kind {
            ImportKind::Shipments => self.shipment(values),
            ImportKind::Entities => self.entity(values),
            ImportKind::Ownership => self.ownership(values),
            ImportKind::Sanctions => self.sanction(values),
        }
    }

    fn shipment(&mut self, v: &[&str]) -> Result<bool, RowFailure> {
        let day = self.date(v, Field::Date, true)?.unwrap_or_default();
        let shipper_raw = self.get(v, Field::Shipper);
        let consignee_raw = self.get(v, Field::Consignee);
        for (raw, field) in [(shipper_raw, Field::Shipper), (consignee_raw, Field::Consignee)] {
            if raw.is_empty() {
                return Err(row_err(field.name(), "empty: a name or key is required").into());
            }
        }
        let value = parse_number(self.get(v, Field::ValueUsd)).map_err(|m| row_err(Field::ValueUsd.name(), m))?;
        let quantity = parse_number(self.get(v, Field::Quantity)).map_err(|m| row_err(Field::Quantity.name(), m))?;
        let description = self.get(v, Field::Description);
        let part_text = self.get(v, Field::PartType);
        let part = if part_text.is_empty() {
            self.options.rules.classify(description).to_owned()
        } else if let Some(p) = self.part_cache.get(part_text) {
            p.clone()
        } else {
            let p = self.options.rules.canonical(part_text).to_owned();
            self.part_cache.insert(part_text.to_owned(), p.clone());
            p
        };
        // Validate everything before creating entities, so a rejected row creates none.
        let shipper_known = self.resolver.find(shipper_raw);
        let consignee_known = self.resolver.find(consignee_raw);
        if shipper_known.is_some() && shipper_known == consignee_known
            || shipper_known.is_none() && consignee_known.is_none() && normalize_name(shipper_raw) == normalize_name(consignee_raw)
        {
            return Err(row_err(Field::Consignee.name(), format!("{consignee_raw:?} is also the shipper: a shipment needs two parties")).into());
        }
        let shipper = self.resolver.resolve(self.tx, shipper_raw, Field::Shipper.name())?;
        let consignee = self.resolver.resolve(self.tx, consignee_raw, Field::Consignee.name())?;
        let date = day.iso();
        let value_text = self.get(v, Field::ValueUsd);
        let hs_code = self.get(v, Field::HsCode);
        let source = match self.get(v, Field::Source) {
            "" => self.default_source.as_str(),
            s => s,
        };
        let given_ref = self.get(v, Field::SourceRef);
        let synthesised;
        let source_ref = if given_ref.is_empty() {
            synthesised = format!(
                "row:{:016x}",
                fnv1a(&[&date, shipper_raw, consignee_raw, description, hs_code, value_text, self.get(v, Field::Quantity)])
            );
            synthesised.as_str()
        } else {
            given_ref
        };
        let ref_key = ref_key(source, source_ref);
        // When the table started empty, every key in it was inserted by this import and is in
        // `keys_seen`: a new key needs no probe. A repeated key (a duplicate, or rarely a hash
        // collision) is checked exactly, on the strings.
        let known_new = self.keys_seen.as_mut().is_some_and(|seen| seen.insert(ref_key));
        let sql = if known_new {
            "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                                   quantity, unit, value_usd, source_ref, source, ref_key)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        } else {
            "INSERT INTO shipment (date, shipper_id, consignee_id, part_type, description, hs_code,
                                   quantity, unit, value_usd, source_ref, source, ref_key)
             SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12
             WHERE NOT EXISTS (SELECT 1 FROM shipment WHERE ref_key = ?12 AND source = ?11 AND source_ref = ?10)"
        };
        let mut stmt = self.tx.prepare_cached(sql)?;
        let added = stmt.execute(params![
            date,
            shipper,
            consignee,
            if part.is_empty() { OTHER } else { part.as_str() },
            description,
            hs_code,
            quantity,
            self.get(v, Field::Unit),
            value,
            source_ref,
            source,
            ref_key,
        ])?;
        Ok(added > 0)
    }

    fn entity(&mut self, v: &[&str]) -> Result<bool, RowFailure> {
        let name = self.get(v, Field::Name).split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(row_err(Field::Name.name(), "empty: an entity needs a name").into());
        }
        let kind_text = self.get(v, Field::Kind);
        let kind = EntityKind::parse(kind_text).ok_or_else(|| {
            row_err(Field::Kind.name(), format!("{kind_text:?} is not one of state_owner, subsidiary, plant, company"))
        })?;
        let country = parse_country(self.get(v, Field::Country)).map_err(|m| row_err(Field::Country.name(), m))?;
        let state_owned = parse_bool(self.get(v, Field::StateOwned)).map_err(|m| row_err(Field::StateOwned.name(), m))?;
        let aliases: Vec<&str> = self.get(v, Field::Aliases).split('|').map(str::trim).filter(|a| !a.is_empty()).collect();
        let source = self.source(v).to_owned();
        let given_key = self.get(v, Field::Key);
        let existing = if given_key.is_empty() {
            self.resolver.find(&name)
        } else {
            self.resolver.keys.contains(given_key).then(|| self.resolver.find(given_key)).flatten()
        };
        let (id, added) = match existing {
            Some(id) => {
                self.tx
                    .prepare_cached(
                        "UPDATE entity SET name = ?2, kind = ?3, country = ?4, state_owned = ?5, source = ?6 WHERE id = ?1",
                    )?
                    .execute(params![id, name, kind.as_str(), country, state_owned, source])?;
                (id, false)
            }
            None => {
                let key = if given_key.is_empty() { self.resolver.unique_key(&slug(&name)) } else { given_key.to_owned() };
                self.tx
                    .prepare_cached(
                        "INSERT INTO entity (key, name, kind, country, state_owned, source) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    )?
                    .execute(params![key, name, kind.as_str(), country, state_owned, source])?;
                let id = self.tx.last_insert_rowid();
                self.resolver.register(&key, &name, id);
                (id, true)
            }
        };
        let mut stmt = self.tx.prepare_cached("INSERT OR IGNORE INTO alias (entity_id, name) VALUES (?1, ?2)")?;
        for alias in aliases {
            stmt.execute(params![id, alias])?;
            self.resolver.by_name.entry(normalize_name(alias)).or_insert(id);
        }
        Ok(added)
    }

    fn ownership(&mut self, v: &[&str]) -> Result<bool, RowFailure> {
        let parent_raw = self.get(v, Field::Parent);
        let child_raw = self.get(v, Field::Child);
        for (raw, field) in [(parent_raw, Field::Parent), (child_raw, Field::Child)] {
            if raw.is_empty() {
                return Err(row_err(field.name(), "empty: a name or key is required").into());
            }
        }
        let share = parse_share(self.get(v, Field::SharePct)).map_err(|m| row_err(Field::SharePct.name(), m))?;
        let start = self.date(v, Field::StartDate, false)?;
        let end = self.date(v, Field::EndDate, false)?;
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            return Err(row_err(Field::EndDate.name(), "ends before it starts").into());
        }
        let (p, c) = (self.resolver.find(parent_raw), self.resolver.find(child_raw));
        if p.is_some() && p == c || normalize_name(parent_raw) == normalize_name(child_raw) {
            return Err(row_err(Field::Child.name(), "an entity cannot own itself").into());
        }
        let parent = self.resolver.resolve(self.tx, parent_raw, Field::Parent.name())?;
        let child = self.resolver.resolve(self.tx, child_raw, Field::Child.name())?;
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO ownership (parent_id, child_id, share_pct, start_date, end_date, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (parent_id, child_id) DO NOTHING",
            )?
            .execute(params![parent, child, share, start.map(Day::iso), end.map(Day::iso), self.source(v)])?;
        Ok(added > 0)
    }

    fn sanction(&mut self, v: &[&str]) -> Result<bool, RowFailure> {
        let entity_raw = self.get(v, Field::Entity);
        if entity_raw.is_empty() {
            return Err(row_err(Field::Entity.name(), "empty: a name or key is required").into());
        }
        let authority = self.get(v, Field::Authority);
        if authority.is_empty() {
            return Err(row_err(Field::Authority.name(), "empty: who listed the entity (OFAC, EU, UK, …)?").into());
        }
        let listed = self.date(v, Field::ListedOn, true)?.unwrap_or_default();
        let delisted = self.date(v, Field::DelistedOn, false)?;
        if delisted.is_some_and(|d| d < listed) {
            return Err(row_err(Field::DelistedOn.name(), "delisted before it was listed").into());
        }
        let entity = self.resolver.resolve(self.tx, entity_raw, Field::Entity.name())?;
        let added = self
            .tx
            .prepare_cached(
                "INSERT INTO sanction (entity_id, authority, program, listed_on, delisted_on, reason, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (entity_id, authority, program, listed_on) DO NOTHING",
            )?
            .execute(params![
                entity,
                authority,
                self.get(v, Field::Program),
                listed.iso(),
                delisted.map(Day::iso),
                self.get(v, Field::Reason),
                self.source(v),
            ])?;
        Ok(added > 0)
    }
}

/// The rejects file: written beside its destination and renamed into place when the import
/// ends, so it is never half-written.
struct Rejects {
    writer: csv::Writer<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Rejects {
    fn create(path: &Path, header: &[String]) -> std::io::Result<Rejects> {
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let tmp = tempfile::NamedTempFile::new_in(dir)?;
        let mut writer = csv::Writer::from_writer(tmp);
        let mut row = vec!["line".to_owned(), "field".to_owned(), "reason".to_owned()];
        row.extend(header.iter().cloned());
        writer.write_record(&row)?;
        Ok(Rejects {
            writer,
            path: path.to_path_buf(),
        })
    }

    fn write(&mut self, line: u64, err: &RowError, record: &csv::ByteRecord) -> std::io::Result<()> {
        let line = line.to_string();
        let fixed: [&[u8]; 3] = [line.as_bytes(), err.field.as_bytes(), err.message.as_bytes()];
        self.writer.write_record(fixed.into_iter().chain(record.iter()))?;
        Ok(())
    }

    fn finish(self) -> std::io::Result<()> {
        let tmp = self.writer.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}
