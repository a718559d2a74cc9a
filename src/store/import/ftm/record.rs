//! Reading FtM files: lines of bounded length, and one entity's fields with the checks FtM
//! promises (every property a list of strings; references ids, or nested entity objects).

use std::io::{BufRead, Read};

use serde_json::{Map, Value};

use super::super::{RowError, row_err};
use crate::date::{DateFormat, Day};

/// The longest line read. A longer one is an error (or a rejected line), never an OOM.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// Reads lines of at most [`MAX_LINE_BYTES`], counting line numbers and bytes.
pub struct Lines<R> {
    reader: std::io::BufReader<R>,
    pub buf: Vec<u8>,
    /// 1-based number of the line in `buf`.
    pub line: u64,
    pub bytes_read: u64,
    cap: usize,
}

/// What [`Lines::next`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line is in `buf` (without its line end).
    Text,
    /// The line was longer than the cap; it was skipped, `buf` is empty.
    TooLong,
    End,
}

impl<R: Read> Lines<R> {
    pub fn new(reader: R) -> Lines<R> {
        Lines::with_cap(reader, MAX_LINE_BYTES)
    }

    pub fn with_cap(reader: R, cap: usize) -> Lines<R> {
        Lines {
            reader: std::io::BufReader::with_capacity(1 << 20, reader),
            buf: Vec::new(),
            line: 0,
            bytes_read: 0,
            cap,
        }
    }

    pub fn next_line(&mut self) -> std::io::Result<Line> {
        self.buf.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                if !any {
                    return Ok(Line::End);
                }
                break;
            }
            any = true;
            let (chunk, used, done) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..i], i + 1, true),
                None => (available, available.len(), false),
            };
            if !too_long {
                if self.buf.len() + chunk.len() > self.cap {
                    too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(chunk);
                }
            }
            self.reader.consume(used);
            self.bytes_read += used as u64;
            if done {
                break;
            }
        }
        self.line += 1;
        if too_long {
            return Ok(Line::TooLong);
        }
        if self.buf.last() == Some(&b'\r') {
            self.buf.pop();
        }
        if self.line == 1 && self.buf.starts_with("\u{feff}".as_bytes()) {
            self.buf.drain(..3);
        }
        Ok(Line::Text)
    }
}

/// Properties that hold prose, not names or identifiers: control characters in them are
/// marked, not refused (see [`crate::text`]).
pub const FREE_TEXT: &[&str] = &[
    "goodsDescription",
    "reason",
    "program",
    "programId",
    "summary",
    "description",
    "notes",
];

/// One FtM entity (a line, or an entity nested in one): a view into its JSON.
pub struct Record<'v> {
    pub id: &'v str,
    pub schema: &'v str,
    pub props: Option<&'v Map<String, Value>>,
    pub obj: &'v Map<String, Value>,
}

impl<'v> Record<'v> {
    /// Reads `id` and `schema`; `properties` must be an object when present.
    pub fn from_value(value: &'v Value) -> Result<Record<'v>, RowError> {
        let Value::Object(obj) = value else {
            return Err(row_err(
                "",
                "not a JSON object: an FtM entity is {\"id\", \"schema\", \"properties\"}",
            ));
        };
        let text = |key: &str| -> Result<&'v str, RowError> {
            match obj.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim()),
                Some(Value::String(_)) | None => Err(row_err(key, "missing or empty")),
                Some(_) => Err(row_err(key, "not a string")),
            }
        };
        let id = text("id")?;
        let schema = text("schema")?;
        // The door for text (see `crate::text`): ids, schemata, the caption (a name) and the
        // top-level lists (datasets become the source, referents are ids).
        for (key, value) in [("id", id), ("schema", schema)] {
            crate::text::check_name(value).map_err(|why| row_err(key, why))?;
        }
        for key in ["caption", "datasets", "referents"] {
            let values: Vec<&Value> = match obj.get(key) {
                Some(Value::Array(items)) => items.iter().collect(),
                Some(v) => vec![v],
                None => Vec::new(),
            };
            for text in values.into_iter().filter_map(Value::as_str) {
                crate::text::check_name(text.trim()).map_err(|why| row_err(key, why))?;
            }
        }
        let props = match obj.get("properties") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(m),
            Some(_) => return Err(row_err("properties", "not a JSON object")),
        };
        Ok(Record {
            id,
            schema,
            props,
            obj,
        })
    }

    fn list(&self, prop: &str) -> Result<&'v [Value], RowError> {
        match self.props.and_then(|p| p.get(prop)) {
            None | Some(Value::Null) => Ok(&[]),
            Some(Value::Array(items)) => Ok(items),
            Some(_) => Err(self.err(prop, "not a list (FtM property values are lists)")),
        }
    }

    /// The values of a text property, trimmed, empty ones dropped. A control character
    /// rejects the record, except in [`FREE_TEXT`] properties, whose readers mark them
    /// ([`crate::text::mark_controls`]).
    pub fn strings(&self, prop: &str) -> Result<Vec<&'v str>, RowError> {
        let free = FREE_TEXT.contains(&prop);
        let mut out = Vec::new();
        for item in self.list(prop)? {
            match item {
                Value::String(s) => {
                    let s = s.trim();
                    if !free {
                        crate::text::check_name(s).map_err(|why| self.err(prop, why))?;
                    }
                    if !s.is_empty() {
                        out.push(s);
                    }
                }
                _ => return Err(self.err(prop, "a value is not a string")),
            }
        }
        Ok(out)
    }

    /// The first value of a text property, or "".
    pub fn first(&self, prop: &str) -> Result<&'v str, RowError> {
        Ok(self.strings(prop)?.first().copied().unwrap_or(""))
    }

    /// The ids a reference property holds: strings, or nested entity objects with an "id".
    pub fn refs(&self, prop: &str) -> Result<Vec<&'v str>, RowError> {
        let mut out = Vec::new();
        for item in self.list(prop)? {
            let id = match item {
                Value::Object(o) => o.get("id").and_then(Value::as_str),
                other => other.as_str(),
            };
            if let Some(id) = id {
                crate::text::check_name(id.trim()).map_err(|why| self.err(prop, why))?;
            }
            match item {
                Value::String(s) if !s.trim().is_empty() => out.push(s.trim()),
                Value::String(_) => {}
                Value::Object(o) => match o.get("id") {
                    Some(Value::String(s)) if !s.trim().is_empty() => out.push(s.trim()),
                    _ => {
                        return Err(self.err(prop, "a nested entity without an \"id\""));
                    }
                },
                _ => {
                    return Err(self.err(prop, "a value is neither an entity id nor an entity"));
                }
            }
        }
        Ok(out)
    }

    /// A top-level list of strings ("datasets", "referents"); anything else there is ignored.
    pub fn top_strings(&self, key: &str) -> Vec<&'v str> {
        match self.obj.get(key) {
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The earliest of the dates in `props` (the first property with any wins, in order).
    pub fn date(&self, props: &[&str], partial: &mut u64) -> Result<Option<Day>, RowError> {
        for prop in props {
            let mut best: Option<Day> = None;
            for text in self.strings(prop)? {
                let (day, was_partial) =
                    parse_ftm_date(text).map_err(|message| self.err(prop, message))?;
                if was_partial {
                    *partial += 1;
                }
                best = Some(best.map_or(day, |b| b.min(day)));
            }
            if best.is_some() {
                return Ok(best);
            }
        }
        Ok(None)
    }

    /// A problem with `prop` of this entity: names the schema and id.
    pub fn err(&self, prop: &str, message: impl std::fmt::Display) -> RowError {
        row_err(prop, format!("{} {}: {message}", self.schema, self.id))
    }

    /// Entities nested in this one's properties (OpenSanctions' "nested" exports).
    pub fn nested(&self) -> impl Iterator<Item = &'v Value> + 'v {
        self.props
            .into_iter()
            .flat_map(|p| p.values())
            .filter_map(Value::as_array)
            .flatten()
            .filter(|v| v.get("schema").is_some() && v.get("id").is_some())
    }
}

/// An FtM date: `YYYY-MM-DD` (a time after it is ignored), or a partial `YYYY-MM` or `YYYY`,
/// read as the first day of the month or year (the flag says so).
pub fn parse_ftm_date(text: &str) -> Result<(Day, bool), String> {
    let t = text.trim();
    let date = t.split(['T', ' ']).next().unwrap_or(t);
    let bad = || format!("{t:?} is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let parts: Vec<&str> = date.split('-').collect();
    match parts.as_slice() {
        [y] if y.len() == 4 && digits(y) => {
            let year: i16 = y.parse().map_err(|_| bad())?;
            Day::from_ymd(year, 1, 1).map(|d| (d, true)).ok_or_else(bad)
        }
        [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => {
            let year: i16 = y.parse().map_err(|_| bad())?;
            let month: i8 = m.parse().map_err(|_| bad())?;
            Day::from_ymd(year, month, 1)
                .map(|d| (d, true))
                .ok_or_else(bad)
        }
        [_, _, _] => DateFormat::Ymd
            .parse(date)
            .map(|d| (d, false))
            .map_err(|e| format!("{t:?}: {e}")),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_full_partial_and_bad() {
        assert_eq!(
            parse_ftm_date("2022-03-24"),
            Ok((Day::from_ymd(2022, 3, 24).unwrap(), false))
        );
        assert_eq!(
            parse_ftm_date("2022-03-24T10:00:00"),
            Ok((Day::from_ymd(2022, 3, 24).unwrap(), false))
        );
        assert_eq!(
            parse_ftm_date("2022-03"),
            Ok((Day::from_ymd(2022, 3, 1).unwrap(), true))
        );
        assert_eq!(
            parse_ftm_date("2014"),
            Ok((Day::from_ymd(2014, 1, 1).unwrap(), true))
        );
        assert!(parse_ftm_date("2022-02-30").is_err());
        assert!(parse_ftm_date("2022-13").is_err());
        assert!(parse_ftm_date("24.03.2022").is_err());
        assert!(parse_ftm_date("yesterday").is_err());
    }

    #[test]
    fn lines_are_bounded_and_counted() {
        let text = b"\xef\xbb\xbf{\"a\":1}\r\nxxxxxxxxxxxxxxxxxxxxxxxx\n\nlast";
        let mut lines = Lines::with_cap(&text[..], 12);
        assert_eq!(lines.next_line().unwrap(), Line::Text);
        assert_eq!(lines.buf, b"{\"a\":1}");
        assert_eq!(lines.next_line().unwrap(), Line::TooLong);
        assert_eq!(lines.line, 2);
        assert_eq!(lines.next_line().unwrap(), Line::Text);
        assert!(lines.buf.is_empty());
        assert_eq!(lines.next_line().unwrap(), Line::Text);
        assert_eq!(lines.buf, b"last");
        assert_eq!(lines.line, 4);
        assert_eq!(lines.next_line().unwrap(), Line::End);
        assert_eq!(lines.bytes_read, text.len() as u64);
    }

    #[test]
    fn properties_must_be_lists_of_strings() {
        let v: Value = serde_json::from_str(
            r#"{"id":"x","schema":"Company","properties":{"name":["A"," B "],"country":"ru",
                "innCode":[7704274402],"owner":[{"id":"y","schema":"Company"}],"bad":[{}]}}"#,
        )
        .unwrap();
        let r = Record::from_value(&v).unwrap();
        assert_eq!(r.strings("name").unwrap(), vec!["A", "B"]);
        assert_eq!(r.strings("missing").unwrap(), Vec::<&str>::new());
        let e = r.strings("country").unwrap_err();
        assert_eq!(e.field, "country");
        assert!(r.strings("innCode").is_err());
        assert_eq!(r.refs("owner").unwrap(), vec!["y"]);
        assert!(r.refs("bad").is_err());
        assert_eq!(r.nested().count(), 1);
        let no_id: Value = serde_json::from_str(r#"{"schema":"Company"}"#).unwrap();
        assert_eq!(Record::from_value(&no_id).err().unwrap().field, "id");
    }
}
