//! FollowTheMoney import: entity files as OpenSanctions and OCCRP Aleph export them, one
//! JSON entity per line (`{"id", "schema", "properties": {name: [strings]}, …}`).
//!
//! **Mapping.** Company, Organization, LegalEntity and PublicBody become entities; Ownership
//! becomes ownership links, Sanction sanctions listings, EconomicActivity (a customs
//! declaration) shipments. Every other schema (Person, Vessel, Directorship, …) is counted by
//! schema in the summary; relations that point at such an entity are skipped with a reason.
//!
//! **Kinds** of the entities the import creates: a PublicBody is a `state_owner`; a company
//! with the topic `gov.soe` is state-owned and a `subsidiary`, and becomes a `state_owner`
//! when, after the whole file, it owns something and nothing owns it; anything else is a
//! `company`. Entities that already existed keep their kind, name and country; they gain
//! aliases, identifiers, the FtM id and (with `gov.soe`) the state-owned flag.
//!
//! **Matching**, in order: the FtM id (or an OpenSanctions referent) seen before, in this
//! file or an earlier import; an identifier with the same scheme and value (`innCode`,
//! `ogrnCode`, `leiCode`, …; registration, tax and VAT numbers only within the same country);
//! a name or alias equal, after normalising case and spaces, to the name or an alias of an
//! entity that existed before the import, with the same country. Entities created by the
//! same import are not matched by name: two ids with one name in one file stay two entities.
//!
//! **Streaming.** Two passes over the file, each reading one bounded line at a time
//! ([`MAX_LINE_BYTES`]): the first creates or matches entities and keeps a map of
//! FtM id → entity row id; the second writes the relations, so a relation may name an entity
//! defined later in the file. Memory is that map plus a bit per line.
//!
//! **All or nothing**: one transaction. A malformed line (not JSON, a property that is not a
//! list of strings, a bad date, a reference to an id that is nowhere in the file or the
//! database) stops the import with the file, line and field, unless rejects are asked for.
//! Valid FtM that Lading cannot use (a sanction without a date, a shipment without a
//! receiver) is skipped and counted by reason. A dry run does everything and rolls back.

use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::store::db::{DbResult, Tx, params};
use rustc_hash::FxHashMap;
use serde_json::Value;

use super::rejects::Rejects;
use super::{ImportError, Progress, RowError, fnv1a, row_err};
use crate::model::{EntityId, EntityKind, normalize_name};
use crate::names::identifiers::Scheme;
use crate::parts::PartRules;
use crate::store::Store;

mod matching;
mod record;
mod relations;
mod summary;
pub use record::MAX_LINE_BYTES;
use record::{Line, Lines, Record};
use summary::LIST_CAP;
pub use summary::{FtmSummary, MatchCounts, MatchNote, MatchedBy, Skipped};

/// How to run an FtM import.
#[derive(Clone, Debug)]
pub struct FtmOptions {
    /// Do everything, report it, and roll back: the database is unchanged.
    pub dry_run: bool,
    /// Import the good records and write the rejected ones here, instead of aborting.
    pub rejects: Option<PathBuf>,
    /// The source recorded on everything (default: the entity's datasets, else the file name).
    pub source: Option<String>,
    /// Part-type rules for goods descriptions.
    pub rules: PartRules,
}

impl Default for FtmOptions {
    fn default() -> FtmOptions {
        FtmOptions {
            dry_run: false,
            rejects: None,
            source: None,
            rules: PartRules::default_rules(),
        }
    }
}

const SHOWN: usize = 20;

/// The schemata Lading reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Node,
    Ownership,
    Sanction,
    Shipment,
    Other,
}

fn role(schema: &str) -> Role {
    match schema {
        "Company" | "Organization" | "LegalEntity" | "PublicBody" => Role::Node,
        "Ownership" => Role::Ownership,
        "Sanction" => Role::Sanction,
        "EconomicActivity" => Role::Shipment,
        _ => Role::Other,
    }
}

/// Identifier properties, by how far they identify: globally, or within a country.
const GLOBAL_SCHEMES: &[&str] = &[
    "leiCode",
    "innCode",
    "ogrnCode",
    "okpoCode",
    "swiftBic",
    "imoNumber",
    "dunsCode",
    "uniqueEntityId",
    "permId",
    "wikidataId",
    "uscCode",
    "bikCode",
];
const COUNTRY_SCHEMES: &[&str] = &["registrationNumber", "taxNumber", "vatCode", "idNumber"];

/// The scheme an FtM property's numbers are stored under: Lading's label where it has one
/// ("INN" for `innCode`, "REG" for `registrationNumber`), else the property's name.
fn stored_scheme(property: &'static str) -> &'static str {
    Scheme::from_label(property).map_or(property, |s| s.as_str())
}

/// An identifier as stored: no spaces, upper case.
fn norm_identifier(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// The store's short name for a sanctioning authority, when it is one it knows; otherwise
/// the text as given.
pub fn authority_code(text: &str) -> String {
    let t = text.trim();
    let l = t.to_lowercase();
    let has = |s: &str| l.contains(s);
    let code = if has("foreign assets control") || l == "ofac" {
        "OFAC"
    } else if has("bureau of industry and security") || l == "bis" || l == "us-bis" {
        "US-BIS"
    } else if has("department of state") || has("state department") || l == "us-state" {
        "US-State"
    } else if has("department of defense") || l == "dod" {
        "DoD"
    } else if has("european union") || has("council of the eu") || l == "eu" {
        "EU"
    } else if has("hm treasury")
        || has("financial sanctions implementation")
        || has("foreign, commonwealth")
        || l == "ofsi"
        || l == "uk"
        || has("united kingdom")
    {
        "UK"
    } else if has("economy, trade and industry")
        || has("foreign affairs of japan")
        || l == "meti"
        || l == "jp"
        || l == "japan"
    {
        "JP"
    } else {
        return t.to_owned();
    };
    code.to_owned()
}

/// What the first pass learned about ids that are not entities Lading keeps.
struct Elsewhere {
    /// Ids of entities of unmodelled schemata (there may be millions of people): a 64-bit
    /// hash of the id → index into `schemas`. A collision could only turn the error for a
    /// reference to nowhere into a skip.
    other: FxHashMap<u64, u16>,
    schemas: Vec<String>,
    /// Ids of records that were skipped or rejected, with why.
    dropped: FxHashMap<String, String>,
}

/// The import in progress.
struct Run<'t> {
    tx: &'t Tx<'t>,
    options: &'t FtmOptions,
    file_name: String,
    summary: FtmSummary,
    /// FtM id → entity, for every id this import created or matched.
    ids: FxHashMap<String, EntityId>,
    /// Normalised names and aliases of the entities that existed before → (entity, country).
    names: FxHashMap<String, Vec<(EntityId, [u8; 2])>>,
    elsewhere: Elsewhere,
    /// Lines the second pass must read (they hold a relation, maybe nested).
    relation_lines: LineSet,
    /// State-owned entities this import created: owners of nothing owned become state owners.
    created_soe: Vec<EntityId>,
    rejects: Option<Rejects>,
    /// Every entity's names analysed, built when a name first misses the exact tiers.
    fuzzy: Option<super::resolver::Fuzzy>,
    /// The largest entity id before the import: names match only entities that existed.
    max_before: EntityId,
}

type Fail = super::RowFailure;

impl Store {
    /// Imports an FtM entity file (one JSON entity per line). See the module documentation.
    pub fn import_ftm(
        &mut self,
        path: &Path,
        options: &FtmOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<FtmSummary, ImportError> {
        let started = Instant::now();
        let file_err = |message: String| ImportError {
            file: path.to_path_buf(),
            line: None,
            field: None,
            message,
        };
        let mut needs = crate::store::team::import_needs("shipment");
        needs.extend([
            ("ownership", "INSERT"),
            ("sanction", "INSERT"),
            ("entity_ftm", "INSERT"),
        ]);
        self.require("import into this database", &needs)
            .map_err(|e| file_err(e.to_string()))?;
        let open = || std::fs::File::open(path).map_err(|e| file_err(format!("cannot open: {e}")));
        let file = open()?;
        let total = file.metadata().map(|m| m.len()).unwrap_or(0);
        check_head(&file).map_err(file_err)?;
        if let Some(c) = self.sqlite() {
            let _ = c.execute_batch("PRAGMA cache_size = -262144");
        }
        let mut progress = progress;
        let result = (|| {
            let tx = self.begin_write().map_err(|e| file_err(e.to_string()))?;
            let rejects = match &options.rejects {
                Some(p) => {
                    let header = ["id".to_owned(), "schema".to_owned(), "record".to_owned()];
                    Some(Rejects::create(p, &header).map_err(|e| {
                        file_err(format!("cannot write rejects to {}: {e}", p.display()))
                    })?)
                }
                None => None,
            };
            let mut run = Run::new(&tx, options, path, rejects)
                .map_err(|e| file_err(format!("database error: {e}")))?;
            let mut report = |done: u64| {
                if let Some(p) = progress.as_mut() {
                    p(done, total.max(1));
                }
            };
            // Pass 1: entities.
            let mut lines = Lines::new(file);
            run.pass(path, &mut lines, Pass::Nodes, &mut |b| report(b / 2))?;
            // Pass 2: relations, on the lines that hold any.
            if !run.relation_lines.is_empty() {
                let mut lines = Lines::new(open()?);
                run.pass(path, &mut lines, Pass::Relations, &mut |b| {
                    report(total / 2 + b / 2)
                })?;
            }
            run.finish_kinds()
                .map_err(|e| file_err(format!("database error: {e}")))?;
            let mut summary = std::mem::take(&mut run.summary);
            if summary.lines == 0 {
                return Err(file_err(
                    "no entities in the file: expected one JSON entity per line".into(),
                ));
            }
            if let Some(rej) = run.rejects.take() {
                rej.finish()
                    .map_err(|e| file_err(format!("cannot write rejects: {e}")))?;
            }
            drop(run);
            if options.dry_run {
                tx.rollback()
                    .map_err(|e| file_err(format!("cannot roll back: {e}")))?;
            } else {
                tx.commit()
                    .map_err(|e| file_err(format!("cannot commit: {e}")))?;
            }
            report(total);
            summary.dry_run = options.dry_run;
            summary.seconds = started.elapsed().as_secs_f64();
            Ok(summary)
        })();
        if let Some(c) = self.sqlite() {
            let _ = c.execute_batch("PRAGMA cache_size = -2000");
        }
        result
    }
}

/// Refuses binary files and archives before reading them as lines.
fn check_head(file: &std::fs::File) -> Result<(), String> {
    use std::io::Read;
    let mut head = [0u8; 8];
    let n = (&*file)
        .read(&mut head)
        .map_err(|e| format!("cannot read: {e}"))?;
    let head = &head[..n];
    use std::io::Seek;
    (&*file)
        .seek(std::io::SeekFrom::Start(0))
        .map_err(|e| format!("cannot read: {e}"))?;
    let what = if head.starts_with(b"\x1f\x8b") {
        "a gzip archive: unpack it first (gunzip)"
    } else if head.starts_with(b"PK\x03\x04") {
        "a ZIP archive: unpack it first"
    } else if head.starts_with(b"SQLite format 3") {
        "a SQLite database (open it with --db)"
    } else if head.starts_with(b"\xff\xfe") || head.starts_with(b"\xfe\xff") {
        "UTF-16 text: save it as UTF-8"
    } else {
        return Ok(());
    };
    Err(format!("not an FtM entity file (JSON lines): it is {what}"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Nodes,
    Relations,
}

impl<'t> Run<'t> {
    fn new(
        tx: &'t Tx<'t>,
        options: &'t FtmOptions,
        path: &Path,
        rejects: Option<Rejects>,
    ) -> DbResult<Run<'t>> {
        let mut names: FxHashMap<String, Vec<(EntityId, [u8; 2])>> = FxHashMap::default();
        let mut country_of: FxHashMap<EntityId, [u8; 2]> = FxHashMap::default();
        {
            let mut stmt = tx.prepare("SELECT id, name, country FROM entity")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let id: EntityId = r.get(0)?;
                let country = country_bytes(r.get_ref(2)?.as_str()?);
                country_of.insert(id, country);
                names
                    .entry(normalize_name(r.get_ref(1)?.as_str()?))
                    .or_default()
                    .push((id, country));
            }
            let mut stmt = tx.prepare("SELECT entity_id, name FROM alias")?;
            let mut rows = stmt.query(params![])?;
            while let Some(r) = rows.next()? {
                let id: EntityId = r.get(0)?;
                let country = country_of.get(&id).copied().unwrap_or_default();
                let list = names
                    .entry(normalize_name(r.get_ref(1)?.as_str()?))
                    .or_default();
                if !list.iter().any(|(e, _)| *e == id) {
                    list.push((id, country));
                }
            }
        }
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let max_before: EntityId =
            tx.query_row("SELECT coalesce(max(id), 0) FROM entity", params![], |r| {
                r.get(0)
            })?;
        Ok(Run {
            fuzzy: None,
            max_before,
            tx,
            options,
            summary: FtmSummary {
                file: path.display().to_string(),
                ..FtmSummary::default()
            },
            file_name,
            ids: FxHashMap::default(),
            names,
            elsewhere: Elsewhere {
                other: FxHashMap::default(),
                schemas: Vec::new(),
                dropped: FxHashMap::default(),
            },
            relation_lines: LineSet::default(),
            created_soe: Vec::new(),
            rejects,
        })
    }

    /// One pass over the file.
    fn pass(
        &mut self,
        path: &Path,
        lines: &mut Lines<std::fs::File>,
        pass: Pass,
        report: &mut dyn FnMut(u64),
    ) -> Result<(), ImportError> {
        let error = |line: u64, field: Option<String>, message: String| ImportError {
            file: path.to_path_buf(),
            line: Some(line),
            field,
            message,
        };
        loop {
            let got = lines
                .next_line()
                .map_err(|e| error(lines.line + 1, None, format!("cannot read: {e}")))?;
            let line = lines.line;
            if line.is_multiple_of(4096) {
                report(lines.bytes_read);
            }
            match got {
                Line::End => break,
                Line::TooLong => {
                    if pass == Pass::Relations {
                        continue;
                    }
                    self.summary.lines += 1;
                    let message = format!(
                        "the line is longer than {} MB: not an FtM entity line",
                        record::MAX_LINE_BYTES >> 20
                    );
                    self.reject(line, row_err("", message), &[], &error)?;
                    continue;
                }
                Line::Text => {}
            }
            if pass == Pass::Relations {
                // Only the lines pass 1 marked, in order.
                if !self.relation_lines.contains(line) {
                    continue;
                }
            }
            if lines.buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if pass == Pass::Nodes {
                self.summary.lines += 1;
                if is_plain_relation(&lines.buf) {
                    // Pass 2 reads and checks it in full.
                    self.summary.records += 1;
                    self.relation_lines.insert(line);
                    continue;
                }
            }
            let value: Value = match serde_json::from_slice(&lines.buf) {
                Ok(v) => v,
                Err(e) => {
                    let err = row_err("", format!("not valid JSON: {e}"));
                    self.reject(line, err, &lines.buf, &error)?;
                    continue;
                }
            };
            let outcome = match pass {
                Pass::Nodes => self.nodes_of_line(line, &value),
                Pass::Relations => self.relations_of_line(line, &value),
            };
            match outcome {
                Ok(()) => {}
                Err(Fail::Row(err)) => self.reject(line, err, &lines.buf, &error)?,
                Err(Fail::Database(e)) => {
                    return Err(error(line, None, format!("database error: {e}")));
                }
            }
        }
        report(lines.bytes_read);
        Ok(())
    }

    /// A malformed record: an error, or a line in the rejects file.
    fn reject(
        &mut self,
        line: u64,
        err: RowError,
        raw: &[u8],
        error: &dyn Fn(u64, Option<String>, String) -> ImportError,
    ) -> Result<(), ImportError> {
        let Some(rejects) = self.rejects.as_mut() else {
            let field = (!err.field.is_empty()).then(|| err.field.clone());
            return Err(error(line, field, err.message));
        };
        self.summary.rejected += 1;
        let (id, schema) = serde_json::from_slice::<Value>(raw)
            .ok()
            .map(|v| {
                let get = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
                (get("id"), get("schema"))
            })
            .unwrap_or_default();
        if !id.is_empty() {
            self.elsewhere
                .dropped
                .insert(id.clone(), format!("was rejected (line {line})"));
        }
        let record = csv::ByteRecord::from(vec![id.as_bytes(), schema.as_bytes(), raw]);
        rejects
            .write(line, &err, &record)
            .map_err(|e| error(line, None, format!("cannot write rejects: {e}")))
    }

    /// Pass 1 on one line: the line's entity and the ones nested in it. Everything is read
    /// and checked before anything is written, so a line rejected here writes nothing. A
    /// relation rejected later, in pass 2, keeps the entities nested in it: they were
    /// valid on their own and written here.
    fn nodes_of_line(&mut self, line: u64, value: &Value) -> Result<(), Fail> {
        let mut items = Vec::new();
        collect(value, 0, &mut |rec| {
            let item = match role(rec.schema) {
                Role::Node => Item::Node(Box::new(self.read_node(&rec)?)),
                Role::Other => Item::Other(rec.id, rec.schema),
                Role::Ownership | Role::Sanction | Role::Shipment => Item::Relation,
            };
            items.push(item);
            Ok(())
        })?;
        let mut has_relation = false;
        for item in items {
            self.summary.records += 1;
            match item {
                Item::Node(node) => self.write_node(line, *node)?,
                Item::Relation => has_relation = true,
                Item::Other(id, schema) => {
                    *self
                        .summary
                        .not_modelled
                        .entry(schema.to_owned())
                        .or_default() += 1;
                    let index = match self.elsewhere.schemas.iter().position(|s| s == schema) {
                        Some(i) => i,
                        None => {
                            self.elsewhere.schemas.push(schema.to_owned());
                            self.elsewhere.schemas.len() - 1
                        }
                    };
                    let index = u16::try_from(index).unwrap_or(u16::MAX);
                    self.elsewhere.other.insert(fnv1a(&[id]), index);
                }
            }
        }
        if has_relation {
            self.relation_lines.insert(line);
        }
        Ok(())
    }

    /// The source recorded for a record.
    fn source(&self, rec: &Record<'_>) -> String {
        if let Some(s) = &self.options.source {
            return s.clone();
        }
        let datasets = rec.top_strings("datasets");
        if datasets.is_empty() {
            self.file_name.clone()
        } else {
            datasets.join(", ")
        }
    }

    /// A company, organisation or public body's fields, checked.
    fn read_node<'v>(&self, rec: &Record<'v>) -> Result<NodeData<'v>, RowError> {
        let names = rec.strings("name")?;
        let mut aliases: Vec<&str> = names.iter().skip(1).copied().collect();
        for prop in ["alias", "previousName", "weakAlias"] {
            aliases.extend(rec.strings(prop)?);
        }
        let caption = rec
            .obj
            .get("caption")
            .and_then(Value::as_str)
            .map(str::trim);
        let name = names
            .first()
            .copied()
            .or(caption.filter(|c| !c.is_empty()))
            .map(|n| n.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_default();
        let mut countries: Vec<[u8; 2]> = Vec::new();
        for prop in ["country", "jurisdiction"] {
            for c in rec.strings(prop)? {
                if c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()) {
                    let code = country_bytes(c);
                    if code != *b"ZZ" && !countries.contains(&code) {
                        countries.push(code);
                    }
                }
            }
        }
        let mut identifiers: Vec<(&'static str, String)> = Vec::new();
        for property in GLOBAL_SCHEMES.iter().chain(COUNTRY_SCHEMES) {
            let scheme = stored_scheme(property);
            for v in rec.strings(property)? {
                let v = norm_identifier(v);
                if !v.is_empty() && !identifiers.iter().any(|(s, x)| *s == scheme && *x == v) {
                    identifiers.push((scheme, v));
                }
            }
        }
        let topics = rec.strings("topics")?;
        let public_body = rec.schema == "PublicBody";
        Ok(NodeData {
            id: rec.id,
            schema: rec.schema,
            name,
            aliases,
            countries,
            identifiers,
            public_body,
            soe: public_body || topics.contains(&"gov.soe"),
            referents: rec.top_strings("referents"),
            source: self.source(rec),
        })
    }

    /// Matches a company, organisation or public body, or creates it.
    fn write_node(&mut self, line: u64, node: NodeData<'_>) -> Result<(), Fail> {
        if node.name.is_empty() {
            self.summary
                .skip(line, format!("{} without a name", node.schema));
            self.elsewhere
                .dropped
                .insert(node.id.to_owned(), "has no name".into());
            return Ok(());
        }
        // 1. By FtM id: in this file, then in earlier imports (the id or a referent).
        if let Some(&id) = self.ids.get(node.id) {
            self.summary.entities_repeated += 1;
            return self.enrich(id, &node, false);
        }
        let mut found: Option<(EntityId, MatchedBy, String)> = None;
        for candidate in std::iter::once(node.id).chain(node.referents.iter().copied()) {
            if let Some(id) = self.entity_by_ftm_id(candidate)? {
                found = Some((id, MatchedBy::Id, candidate.to_owned()));
                break;
            }
        }
        // 2. By identifier.
        if found.is_none() {
            found = self.by_identifier(&node)?;
        }
        // 3. By name and country, against the entities that existed before the import.
        if found.is_none() {
            found = self.by_name(&node);
        }
        // 4. By a strong match of another spelling; a weaker one is queued for review.
        let mut review: Option<(EntityId, f64, String)> = None;
        if found.is_none() {
            let (strong, maybe) = self.by_spelling(&node)?;
            found = strong;
            review = maybe;
        }
        if let Some((entity, by, on)) = found {
            let m = &mut self.summary.entities_matched;
            match by {
                MatchedBy::Id => m.id += 1,
                MatchedBy::Identifier => m.identifier += 1,
                MatchedBy::NameCountry => m.name_country += 1,
                MatchedBy::Spelling => m.spelling += 1,
            }
            if self.summary.matches.len() < LIST_CAP {
                let key: String = self.tx.query_row(
                    "SELECT key FROM entity WHERE id = ?1",
                    params![entity],
                    |r| r.get(0),
                )?;
                self.summary.matches.push(MatchNote {
                    line,
                    ftm_id: node.id.to_owned(),
                    name: node.name.clone(),
                    entity: key,
                    by,
                    on,
                });
            }
            self.ids.insert(node.id.to_owned(), entity);
            return self.enrich(entity, &node, node.soe);
        }

        // Create it.
        let kind = if node.public_body {
            EntityKind::StateOwner
        } else if node.soe {
            EntityKind::Subsidiary
        } else {
            EntityKind::Company
        };
        let country = node
            .countries
            .first()
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .unwrap_or_default();
        let key = self.unique_key(&super::slug(&node.name))?;
        self.tx
            .prepare(
                "INSERT INTO entity (key, name, kind, country, state_owned, source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                key,
                node.name,
                kind.as_str(),
                country,
                node.soe,
                node.source
            ])?;
        let entity = self.tx.last_insert_rowid();
        self.summary.entities_created += 1;
        if self.summary.created.len() < LIST_CAP {
            self.summary.created.push(node.name.clone());
        }
        if node.soe && !node.public_body {
            self.created_soe.push(entity);
        }
        self.ids.insert(node.id.to_owned(), entity);
        if let Some((other, score, reasons)) = review {
            let (lo, hi) = if entity < other {
                (entity, other)
            } else {
                (other, entity)
            };
            self.tx
                .prepare(
                    "INSERT INTO review (a_id, b_id, score, reasons, source) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (a_id, b_id) DO NOTHING",
                )?
                .execute(params![lo, hi, score, reasons, self.file_name])?;
            if self.summary.to_review.len() < LIST_CAP {
                let key: String = self.tx.query_row(
                    "SELECT key FROM entity WHERE id = ?1",
                    params![other],
                    |r| r.get(0),
                )?;
                self.summary.to_review.push(MatchNote {
                    line,
                    ftm_id: node.id.to_owned(),
                    name: node.name.clone(),
                    entity: key,
                    by: MatchedBy::Spelling,
                    on: format!("{score:.2}: {reasons}"),
                });
            }
        }
        self.enrich(entity, &node, false)
    }

    /// State-owned companies created here that own something and are owned by nothing are the
    /// state owners of their groups.
    fn finish_kinds(&mut self) -> DbResult<()> {
        let mut stmt = self.tx.prepare(
            "UPDATE entity SET kind = 'state_owner' WHERE id = ?1
               AND EXISTS (SELECT 1 FROM ownership WHERE parent_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM ownership WHERE child_id = ?1)",
        )?;
        for id in &self.created_soe {
            stmt.execute(params![id])?;
        }
        Ok(())
    }
}

/// A set of line numbers, one bit a line.
#[derive(Default)]
struct LineSet {
    words: Vec<u64>,
    any: bool,
}

impl LineSet {
    fn insert(&mut self, line: u64) {
        let word = (line / 64) as usize;
        if self.words.len() <= word {
            self.words.resize(word + 1, 0);
        }
        self.words[word] |= 1 << (line % 64);
        self.any = true;
    }

    fn contains(&self, line: u64) -> bool {
        self.words
            .get((line / 64) as usize)
            .is_some_and(|w| w & (1 << (line % 64)) != 0)
    }

    fn is_empty(&self) -> bool {
        !self.any
    }
}

/// Whether a line is a relation (Ownership, Sanction, EconomicActivity) with no entity nested
/// in it, found without building its JSON tree: the first pass has nothing to do with such a
/// line but remember it. Braces inside strings only make this answer "no" (a full read).
fn is_plain_relation(line: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Peek<'a> {
        #[serde(borrow, default)]
        schema: Option<std::borrow::Cow<'a, str>>,
    }
    if line.iter().filter(|&&b| b == b'{').count() > 2 {
        return false;
    }
    match serde_json::from_slice::<Peek<'_>>(line) {
        Ok(Peek {
            schema: Some(schema),
        }) => matches!(
            role(&schema),
            Role::Ownership | Role::Sanction | Role::Shipment
        ),
        _ => false,
    }
}

/// Visits an entity and every entity nested in it, depth first.
fn collect<'v>(
    value: &'v Value,
    depth: usize,
    visit: &mut dyn FnMut(Record<'v>) -> Result<(), Fail>,
) -> Result<(), Fail> {
    let rec = Record::from_value(value)?;
    let nested: Vec<&'v Value> = if depth < MAX_NESTING {
        rec.nested().collect()
    } else {
        Vec::new()
    };
    visit(rec)?;
    for n in nested {
        collect(n, depth + 1, visit)?;
    }
    Ok(())
}

/// What pass 1 found in one record.
enum Item<'v> {
    Node(Box<NodeData<'v>>),
    Relation,
    Other(&'v str, &'v str),
}

/// A company, organisation or public body, read and checked.
struct NodeData<'v> {
    id: &'v str,
    schema: &'v str,
    name: String,
    aliases: Vec<&'v str>,
    countries: Vec<[u8; 2]>,
    identifiers: Vec<(&'static str, String)>,
    public_body: bool,
    soe: bool,
    referents: Vec<&'v str>,
    source: String,
}

/// How deep entities may nest in one another.
const MAX_NESTING: usize = 16;

/// A country code as two upper-case bytes; `[0, 0]` for none.
fn country_bytes(text: &str) -> [u8; 2] {
    match text.as_bytes() {
        [a, b] => [a.to_ascii_uppercase(), b.to_ascii_uppercase()],
        _ => [0, 0],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authorities_map_to_the_store_codes() {
        assert_eq!(authority_code("Office of Foreign Assets Control"), "OFAC");
        assert_eq!(authority_code("Council of the European Union"), "EU");
        assert_eq!(
            authority_code("Office of Financial Sanctions Implementation (OFSI)"),
            "UK"
        );
        assert_eq!(authority_code("Bureau of Industry and Security"), "US-BIS");
        assert_eq!(authority_code(" Swiss SECO "), "Swiss SECO");
        assert_eq!(authority_code(""), "");
    }

    #[test]
    fn line_sets_hold_bits() {
        let mut set = LineSet::default();
        assert!(set.is_empty());
        for line in [1, 63, 64, 1_000_003] {
            set.insert(line);
        }
        assert!(!set.is_empty());
        assert!(set.contains(63) && set.contains(64) && set.contains(1_000_003));
        assert!(!set.contains(2) && !set.contains(65) && !set.contains(9_999_999));
        assert!(is_plain_relation(
            br#"{"id":"o","schema":"Ownership","properties":{}}"#
        ));
        assert!(!is_plain_relation(
            br#"{"id":"o","schema":"Ownership","properties":{"owner":[{"id":"c","schema":"Company"}]}}"#
        ));
        assert!(!is_plain_relation(br#"{"id":"c","schema":"Company"}"#));
        assert!(!is_plain_relation(b"{not json"));
    }

    #[test]
    fn identifiers_lose_spaces_and_case() {
        assert_eq!(norm_identifier(" 7704 274402 "), "7704274402");
        assert_eq!(
            norm_identifier("253400v1h6art67x9m03"),
            "253400V1H6ART67X9M03"
        );
    }
}
