//! The parser thread: reads records, checks their shape and encoding, and parses every field
//! that needs no database (dates, numbers, part types, deduplication keys), so the thread
//! that writes to SQLite does only that.

use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use super::fields::{Field, IdColumn, IdRole, ImportKind};
use super::limit::TooLong;
use super::values::parse_number;
use super::{ImportOptions, MAX_FIELD_BYTES, RowError, fnv1a, ref_key, row_err};
use crate::date::{Day, parse_flexible};
use crate::names::identifiers::{Identifier, Scheme, parse_identifier, parse_tagged};

/// Rows travel in batches, to keep channel traffic off the per-row cost.
const BATCH: usize = 1024;
/// A batch also ends when its rows hold this many bytes, so the batches in flight hold a
/// few tens of MB however long the rows are.
const BATCH_BYTES: usize = 4 * 1024 * 1024;
/// A slot whose last row was longer than this gets fresh buffers: a slot keeps its buffers'
/// capacity, and a thousand slots each keeping one long row's would add up.
const SLOT_KEEP_BYTES: usize = 64 * 1024;

/// Where each field is in a record, and the defaults for the ones a file lacks.
pub(super) struct Columns<'o> {
    pub map: Vec<Option<usize>>,
    pub options: &'o ImportOptions,
    pub default_source: String,
    /// Columns of registry numbers, with whose and which scheme.
    pub ids: Vec<IdColumn>,
    /// The header as read.
    pub header: Vec<String>,
    /// Columns no field took, `(column, header)`: kept with each row as a JSON object.
    pub unmapped: Vec<(usize, String)>,
}

impl Columns<'_> {
    /// The trimmed value of `field`, "" when the file has no such column.
    pub fn get<'v>(&self, record: &'v csv::StringRecord, field: Field) -> &'v str {
        self.map
            .get(field as usize)
            .copied()
            .flatten()
            .and_then(|i| record.get(i))
            .map_or("", str::trim)
    }

    /// The row's unmapped columns that hold something, as a JSON object `{header: value}`;
    /// "" when there are none.
    pub fn extra(&self, record: &csv::StringRecord) -> String {
        let mut map = serde_json::Map::new();
        for (col, header) in &self.unmapped {
            if let Some(value) = record.get(*col).map(str::trim).filter(|v| !v.is_empty()) {
                map.insert(header.clone(), serde_json::Value::String(value.to_owned()));
            }
        }
        if map.is_empty() {
            String::new()
        } else {
            serde_json::Value::Object(map).to_string()
        }
    }

    /// The identifiers a row gives for `role`: from its identifier columns and (entities) its
    /// `identifiers` field (`INN:0323018510 | OGRN:1020300887793`). A value that fails its
    /// scheme's check, an unknown scheme, or two different values of one scheme are errors.
    pub fn identifiers(
        &self,
        record: &csv::StringRecord,
        role: IdRole,
    ) -> Result<Vec<Identifier>, RowError> {
        let mut out: Vec<(Identifier, String)> = Vec::new();
        let mut add = |id: Identifier, field: String| -> Result<(), RowError> {
            if let Some((other, _)) = out
                .iter()
                .find(|(o, _)| o.scheme == id.scheme && o.value != id.value)
            {
                return Err(row_err(
                    &field,
                    format!(
                        "two {} numbers for one entity on one row ({} and {}): which is it?",
                        id.scheme, other.value, id.value
                    ),
                ));
            }
            if !out.iter().any(|(o, _)| *o == id) {
                out.push((id, field));
            }
            Ok(())
        };
        for c in self.ids.iter().filter(|c| c.role == role) {
            let raw = record.get(c.column).map_or("", str::trim);
            if raw.is_empty() {
                continue;
            }
            let field = self.header_of(c.column);
            let id = refine(c.scheme, raw).map_err(|m| row_err(&field, format!("{raw:?}: {m}")))?;
            add(id, field)?;
        }
        if role == IdRole::Entity {
            let list = self.get(record, Field::Identifiers);
            for part in list.split('|').map(str::trim).filter(|p| !p.is_empty()) {
                let field = Field::Identifiers.name().to_owned();
                let id = match parse_tagged(part) {
                    Some(Ok(id)) => id,
                    Some(Err(m)) => return Err(row_err(&field, format!("{part:?}: {m}"))),
                    None => {
                        let m = format!(
                            "{part:?}: expected SCHEME:VALUE, such as INN:0323018510 (schemes: {})",
                            Scheme::ALL.map(|s| s.as_str()).join(", ")
                        );
                        return Err(row_err(&field, m));
                    }
                };
                add(id, field)?;
            }
        }
        Ok(out.into_iter().map(|(id, _)| id).collect())
    }

    fn header_of(&self, column: usize) -> String {
        self.header
            .get(column)
            .cloned()
            .unwrap_or_else(|| format!("column {}", column + 1))
    }

    /// The row's source, or the file's default.
    pub fn source<'v>(&'v self, record: &'v csv::StringRecord) -> &'v str {
        match self.get(record, Field::Source) {
            "" => &self.default_source,
            s => s,
        }
    }

    pub fn date(
        &self,
        record: &csv::StringRecord,
        field: Field,
        required: bool,
    ) -> Result<Option<Day>, RowError> {
        let text = self.get(record, field);
        if text.is_empty() {
            return if required {
                Err(row_err(field.name(), "empty: a date is required"))
            } else {
                Ok(None)
            };
        }
        parse_flexible(text, self.options.date_format)
            .map(Some)
            .map_err(|e| row_err(field.name(), format!("{text:?}: {e}")))
    }
}

/// A number from a column of `scheme`. A generic tax or registration number that is a valid
/// INN, OGRN or USCC (the check digits agree) is stored as one, so it can match the same number
/// from a file that named its scheme.
fn refine(scheme: Scheme, raw: &str) -> Result<Identifier, String> {
    if matches!(scheme, Scheme::Tax | Scheme::Registration) {
        for specific in [Scheme::Inn, Scheme::Ogrn, Scheme::Uscc] {
            if let Ok(id) = parse_identifier(specific, raw) {
                return Ok(id);
            }
        }
    }
    parse_identifier(scheme, raw)
}

/// The parsed fields of a shipment row (the text fields stay in the record). Its buffers
/// are reused from row to row.
#[derive(Default)]
pub(super) struct PreparedShipment {
    pub date_iso: String,
    pub part: Arc<str>,
    pub quantity: Option<f64>,
    pub value_usd: Option<f64>,
    /// Set when the row has no source reference: one made from its content.
    pub synthesised_ref: Option<String>,
    pub ref_key: i64,
}

/// One data row in a batch. Slots, with their buffers, go back and forth between the two
/// threads, so a long import allocates nothing per row once the first batches exist.
#[derive(Default)]
pub(super) struct Slot {
    pub line: u64,
    /// The row, when it decoded as UTF-8 text of the right shape.
    pub record: csv::StringRecord,
    /// The row as bytes, when it did not (for the rejects file).
    pub raw: csv::ByteRecord,
    /// Why the parser rejected the row, if it did.
    pub rejected: Option<RowError>,
    /// Parsed shipment fields (shipment imports only).
    pub shipment: PreparedShipment,
}

/// Rows in flight.
#[derive(Default)]
pub(super) struct Batch {
    pub slots: Vec<Slot>,
    /// Slots `0..len` hold rows.
    pub len: usize,
    /// Bytes of the file read so far.
    pub bytes_read: u64,
    /// The file cannot be read further (a broken quote, a field too long, an I/O error):
    /// line, field and why.
    pub fatal: Option<(u64, Option<String>, String)>,
}

/// Reads every record after the header and sends them on in batches; takes emptied batches
/// back from `recycle`. Stops when the receiver hangs up (the import failed) or the file ends.
pub(super) fn parse_all<R: Read>(
    mut csv: csv::Reader<R>,
    header: &[String],
    columns: &Columns<'_>,
    send: SyncSender<Batch>,
    recycle: Receiver<Batch>,
) {
    let mut part_cache: HashMap<String, Arc<str>> = HashMap::new();
    let shipments = columns.options.kind == ImportKind::Shipments;
    let mut done = false;
    while !done {
        let mut batch = recycle.try_recv().unwrap_or_default();
        batch.len = 0;
        batch.fatal = None;
        let batch_start = csv.position().byte();
        while batch.len < BATCH
            && csv.position().byte().saturating_sub(batch_start) < BATCH_BYTES as u64
        {
            if batch.slots.len() == batch.len {
                batch.slots.push(Slot::default());
            }
            let slot = &mut batch.slots[batch.len];
            if slot.record.as_byte_record().as_slice().len() > SLOT_KEEP_BYTES
                || slot.raw.as_slice().len() > SLOT_KEEP_BYTES
            {
                *slot = Slot::default();
            }
            let mut raw = std::mem::take(&mut slot.record).into_byte_record();
            let line_guess = csv.position().line() + 1;
            match csv.read_byte_record(&mut raw) {
                Ok(true) => {}
                Ok(false) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    let line = raw.position().map_or(line_guess, |p| p.line());
                    batch.fatal = Some(match TooLong::of(&e) {
                        Some(long) => {
                            let field = header
                                .get(long.column)
                                .cloned()
                                .unwrap_or_else(|| format!("column {}", long.column + 1));
                            (line, Some(field), long.to_string())
                        }
                        None => (line, None, format!("unreadable CSV: {e}")),
                    });
                    done = true;
                    break;
                }
            }
            slot.line = raw.position().map_or(line_guess, |p| p.line());
            if raw.len() == 1 && raw.get(0).is_some_and(<[u8]>::is_empty) {
                slot.record = csv::StringRecord::from_byte_record(raw).unwrap_or_default();
                continue; // a blank line
            }
            slot.rejected = None;
            match decode(raw, header) {
                Err((error, raw)) => {
                    slot.rejected = Some(error);
                    slot.raw = raw;
                }
                Ok(record) => {
                    slot.record = record;
                    if let Err(error) = check_text(columns, &mut slot.record) {
                        slot.rejected = Some(error);
                        slot.raw = std::mem::take(&mut slot.record).into_byte_record();
                    } else if shipments
                        && let Err(error) = prepare_shipment(
                            columns,
                            &slot.record,
                            &mut part_cache,
                            &mut slot.shipment,
                        )
                    {
                        slot.rejected = Some(error);
                        slot.raw = std::mem::take(&mut slot.record).into_byte_record();
                    }
                }
            }
            batch.len += 1;
        }
        batch.bytes_read = csv.position().byte();
        if send.send(batch).is_err() {
            return;
        }
    }
}

/// Checks a record's shape, field sizes and encoding.
fn decode(
    raw: csv::ByteRecord,
    header: &[String],
) -> Result<csv::StringRecord, (RowError, csv::ByteRecord)> {
    let header_len = header.len();
    if raw.len() != header_len {
        let at = raw.len().min(header_len.saturating_sub(1));
        let field = header.get(at).cloned().unwrap_or_default();
        let what = if raw.len() < header_len {
            "too few"
        } else {
            "too many"
        };
        let message = format!(
            "{what} fields: {} where the header has {header_len}",
            raw.len()
        );
        return Err((row_err(&field, message), raw));
    }
    if let Some(i) = raw.iter().position(|f| f.len() > MAX_FIELD_BYTES) {
        let message = format!(
            "{} bytes, more than the {MAX_FIELD_BYTES} a field may hold",
            raw[i].len()
        );
        return Err((row_err(&header[i], message), raw));
    }
    csv::StringRecord::from_byte_record(raw).map_err(|e| {
        let field = e.utf8_error().field();
        let error = row_err(
            header.get(field).map_or("", String::as_str),
            format!(
                "not UTF-8 text (invalid byte at offset {}); save the file as UTF-8",
                e.utf8_error().valid_up_to()
            ),
        );
        (error, e.into_byte_record())
    })
}

/// How the door treats a field's text (see [`crate::text`]).
enum TextRole {
    /// A name, key, identifier or code: a control character rejects the row.
    Name,
    /// Free text: control characters become visible marks.
    Free,
    /// Parsed into a date, number or flag, whose errors quote it escaped.
    Parsed,
}

fn text_role(field: Field) -> TextRole {
    use Field::*;
    match field {
        Shipper | Consignee | PartType | HsCode | Unit | SourceRef | Key | Name | Kind
        | Aliases | Identifiers | Parent | Child | Entity | Authority | Country => TextRole::Name,
        Description | Program | Reason | Source => TextRole::Free,
        Date | Quantity | ValueUsd | StateOwned | SharePct | StartDate | EndDate | ListedOn
        | DelistedOn => TextRole::Parsed,
    }
}

/// The door for text: refuses a row whose names, keys or identifiers hold a control
/// character, and marks control characters in its free text (rebuilding the record, which
/// only such a row pays for).
fn check_text(columns: &Columns<'_>, record: &mut csv::StringRecord) -> Result<(), RowError> {
    let mut marked: Vec<(usize, String)> = Vec::new();
    for &(field, _) in columns.options.kind.fields() {
        match text_role(field) {
            TextRole::Name => crate::text::check_name(columns.get(record, field))
                .map_err(|why| row_err(field.name(), why))?,
            TextRole::Free => {
                let Some(i) = columns.map.get(field as usize).copied().flatten() else {
                    continue;
                };
                let raw = record.get(i).unwrap_or("");
                if let std::borrow::Cow::Owned(m) = crate::text::mark_controls(raw) {
                    marked.push((i, m));
                }
            }
            TextRole::Parsed => {}
        }
    }
    // Registry-number columns are identifiers; columns no field took are kept as free text.
    for id in &columns.ids {
        let value = record.get(id.column).unwrap_or("").trim();
        crate::text::check_name(value).map_err(|why| {
            row_err(
                columns.header.get(id.column).map_or("", String::as_str),
                why,
            )
        })?;
    }
    for &(i, _) in &columns.unmapped {
        if let std::borrow::Cow::Owned(m) = crate::text::mark_controls(record.get(i).unwrap_or(""))
        {
            marked.push((i, m));
        }
    }
    if !marked.is_empty() {
        let mut fresh = csv::StringRecord::with_capacity(record.as_slice().len(), record.len());
        for (i, field) in record.iter().enumerate() {
            match marked.iter().find(|(j, _)| *j == i) {
                Some((_, m)) => fresh.push_field(m),
                None => fresh.push_field(field),
            }
        }
        fresh.set_position(record.position().cloned());
        *record = fresh;
    }
    Ok(())
}

/// Parses and checks a shipment row's fields that need no database, into `out`.
fn prepare_shipment(
    columns: &Columns<'_>,
    record: &csv::StringRecord,
    part_cache: &mut HashMap<String, Arc<str>>,
    out: &mut PreparedShipment,
) -> Result<(), RowError> {
    let day = columns.date(record, Field::Date, true)?.unwrap_or_default();
    for field in [Field::Shipper, Field::Consignee] {
        if columns.get(record, field).is_empty() {
            return Err(row_err(field.name(), "empty: a name or key is required"));
        }
    }
    let value_text = columns.get(record, Field::ValueUsd);
    let quantity_text = columns.get(record, Field::Quantity);
    out.value_usd = parse_number(value_text).map_err(|m| row_err(Field::ValueUsd.name(), m))?;
    out.quantity = parse_number(quantity_text).map_err(|m| row_err(Field::Quantity.name(), m))?;
    let description = columns.get(record, Field::Description);
    let part_text = columns.get(record, Field::PartType);
    let rules = &columns.options.rules;
    out.part = if part_text.is_empty() {
        Arc::from(rules.classify(description))
    } else if let Some(p) = part_cache.get(part_text) {
        p.clone()
    } else {
        let p: Arc<str> = Arc::from(rules.canonical(part_text));
        part_cache.insert(part_text.to_owned(), p.clone());
        p
    };
    out.date_iso.clear();
    day.write_iso(&mut out.date_iso);
    let given_ref = columns.get(record, Field::SourceRef);
    out.synthesised_ref = given_ref.is_empty().then(|| {
        let hash = fnv1a(&[
            &out.date_iso,
            columns.get(record, Field::Shipper),
            columns.get(record, Field::Consignee),
            description,
            columns.get(record, Field::HsCode),
            value_text,
            quantity_text,
        ]);
        format!("row:{hash:016x}")
    });
    let source_ref = out.synthesised_ref.as_deref().unwrap_or(given_ref);
    out.ref_key = ref_key(columns.source(record), source_ref);
    Ok(())
}
