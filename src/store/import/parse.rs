//! The parser thread: reads records, checks their shape and encoding, and parses every field
//! that needs no database (dates, numbers, part types, deduplication keys), so the thread
//! that writes to SQLite does only that.

use std::collections::HashMap;
use std::io::Read;
use std::sync::mpsc::SyncSender;

use super::fields::{Field, ImportKind};
use super::values::parse_number;
use super::{ImportOptions, MAX_FIELD_BYTES, RowError, fnv1a, ref_key, row_err};
use crate::date::{Day, parse_flexible};

/// Rows travel in batches, to keep channel traffic off the per-row cost.
const BATCH: usize = 512;

/// Where each field is in a record, and the defaults for the ones a file lacks.
pub(super) struct Columns<'o> {
    pub map: Vec<Option<usize>>,
    pub options: &'o ImportOptions,
    pub default_source: String,
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

/// The parsed fields of a shipment row (the text fields stay in the record).
pub(super) struct PreparedShipment {
    pub date_iso: String,
    pub part: String,
    pub quantity: Option<f64>,
    pub value_usd: Option<f64>,
    /// Set when the row has no source reference: one made from its content.
    pub synthesised_ref: Option<String>,
    pub ref_key: i64,
}

/// One data row as the parser hands it over.
pub(super) enum Item {
    Row {
        line: u64,
        record: csv::StringRecord,
        shipment: Option<Box<PreparedShipment>>,
    },
    Rejected {
        line: u64,
        error: RowError,
        raw: csv::ByteRecord,
    },
    /// The file cannot be read further (a broken quote, an I/O error).
    Fatal {
        line: u64,
        message: String,
    },
    /// Bytes read so far.
    Progress(u64),
}

/// Reads every record after the header and sends them on in batches. Stops when the
/// receiver hangs up (the import failed) or the file ends.
pub(super) fn parse_all<R: Read>(
    mut csv: csv::Reader<R>,
    header_len: usize,
    header: &[String],
    columns: &Columns<'_>,
    send: SyncSender<Vec<Item>>,
) {
    let mut part_cache: HashMap<String, String> = HashMap::new();
    let mut batch = Vec::with_capacity(BATCH);
    loop {
        let mut raw = csv::ByteRecord::new();
        let line_guess = csv.position().line() + 1;
        match csv.read_byte_record(&mut raw) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = raw.position().map_or(line_guess, |p| p.line());
                batch.push(Item::Fatal {
                    line,
                    message: format!("unreadable CSV: {e}"),
                });
                break;
            }
        }
        let line = raw.position().map_or(line_guess, |p| p.line());
        if raw.len() == 1 && raw.get(0).is_some_and(<[u8]>::is_empty) {
            continue; // a blank line
        }
        let item = match decode(raw, header_len, header) {
            Err((error, raw)) => Item::Rejected { line, error, raw },
            Ok(record) => {
                let shipment = if columns.options.kind == ImportKind::Shipments {
                    match prepare_shipment(columns, &record, &mut part_cache) {
                        Ok(p) => Some(Box::new(p)),
                        Err(error) => {
                            batch.push(Item::Rejected {
                                line,
                                error,
                                raw: record.into_byte_record(),
                            });
                            continue;
                        }
                    }
                } else {
                    None
                };
                Item::Row {
                    line,
                    record,
                    shipment,
                }
            }
        };
        batch.push(item);
        if batch.len() >= BATCH {
            batch.push(Item::Progress(csv.position().byte()));
            if send.send(std::mem::take(&mut batch)).is_err() {
                return;
            }
            batch.reserve(BATCH);
        }
    }
    batch.push(Item::Progress(csv.position().byte()));
    let _ = send.send(batch);
}

/// Checks a record's shape, field sizes and encoding.
fn decode(
    raw: csv::ByteRecord,
    header_len: usize,
    header: &[String],
) -> Result<csv::StringRecord, (RowError, csv::ByteRecord)> {
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
        let field = e
            .utf8_error()
            .field();
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

/// Parses and checks a shipment row's fields that need no database.
fn prepare_shipment(
    columns: &Columns<'_>,
    record: &csv::StringRecord,
    part_cache: &mut HashMap<String, String>,
) -> Result<PreparedShipment, RowError> {
    let day = columns.date(record, Field::Date, true)?.unwrap_or_default();
    for field in [Field::Shipper, Field::Consignee] {
        if columns.get(record, field).is_empty() {
            return Err(row_err(field.name(), "empty: a name or key is required"));
        }
    }
    let value_text = columns.get(record, Field::ValueUsd);
    let quantity_text = columns.get(record, Field::Quantity);
    let value_usd = parse_number(value_text).map_err(|m| row_err(Field::ValueUsd.name(), m))?;
    let quantity = parse_number(quantity_text).map_err(|m| row_err(Field::Quantity.name(), m))?;
    let description = columns.get(record, Field::Description);
    let part_text = columns.get(record, Field::PartType);
    let rules = &columns.options.rules;
    let part = if part_text.is_empty() {
        rules.classify(description).to_owned()
    } else if let Some(p) = part_cache.get(part_text) {
        p.clone()
    } else {
        let p = rules.canonical(part_text).to_owned();
        part_cache.insert(part_text.to_owned(), p.clone());
        p
    };
    let date_iso = day.iso();
    let given_ref = columns.get(record, Field::SourceRef);
    let synthesised_ref = given_ref.is_empty().then(|| {
        let hash = fnv1a(&[
            &date_iso,
            columns.get(record, Field::Shipper),
            columns.get(record, Field::Consignee),
            description,
            columns.get(record, Field::HsCode),
            value_text,
            quantity_text,
        ]);
        format!("row:{hash:016x}")
    });
    let source_ref = synthesised_ref.as_deref().unwrap_or(given_ref);
    Ok(PreparedShipment {
        ref_key: ref_key(columns.source(record), source_ref),
        date_iso,
        part,
        quantity,
        value_usd,
        synthesised_ref,
    })
}
