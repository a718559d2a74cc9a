//! A guard between the file and the CSV reader. The csv crate reads a whole record into
//! memory before it returns it, growing its buffer without limit: a file that is one 2 GB
//! line, or has an unclosed quote near the top, would be read into memory whole before any
//! check on field sizes. [`Bounded`] follows the record and field boundaries (RFC 4180, as the
//! csv crate reads them with its default settings) in the bytes as they pass, and stops the
//! read with [`TooLong`] when a field or a record outgrows its limit, so the CSV reader never
//! holds more than about [`MAX_RECORD_BYTES`] of one record.

use std::io::Read;

use super::MAX_FIELD_BYTES;

/// Longer fields stop the import (shorter ones over [`MAX_FIELD_BYTES`] only reject their
/// row): past this the file is not a customs record, and memory is at stake.
pub const MAX_STREAM_FIELD_BYTES: usize = 16 * MAX_FIELD_BYTES;
/// Longest record (fields, delimiters and quotes) the reader holds.
pub const MAX_RECORD_BYTES: usize = 8 * 1024 * 1024;

/// Why a read stopped: the field (0-based column) that outgrew its limit.
#[derive(Debug)]
pub struct TooLong {
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TooLong {}

impl TooLong {
    /// The [`TooLong`] inside a CSV reader's error, if that is what stopped it.
    pub fn of(e: &csv::Error) -> Option<&TooLong> {
        match e.kind() {
            csv::ErrorKind::Io(io) => io.get_ref()?.downcast_ref::<TooLong>(),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between records (line ends are skipped here, as the csv crate skips blank lines).
    StartRecord,
    StartField,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the field's end, or the first of a doubled quote.
    QuoteInQuoted,
}

/// A reader that fails, instead of passing on, a field or record that is too long.
pub struct Bounded<R> {
    inner: R,
    state: State,
    column: usize,
    field_bytes: usize,
    record_bytes: usize,
    /// The error to return at the next read: the bytes before the long field went out first,
    /// so the rows before it are read (and reported) before it.
    pending: Option<TooLong>,
}

impl<R: Read> Bounded<R> {
    pub fn new(inner: R) -> Bounded<R> {
        Bounded {
            inner,
            state: State::StartRecord,
            column: 0,
            field_bytes: 0,
            record_bytes: 0,
            pending: None,
        }
    }

    /// Follows `buf` through the state machine; returns how many of its bytes may pass.
    fn scan(&mut self, buf: &[u8]) -> usize {
        let is_end = |b: u8| b == b'\r' || b == b'\n';
        let mut i = 0;
        while i < buf.len() {
            let start = i;
            match self.state {
                State::StartRecord => {
                    if is_end(buf[i]) {
                        i += 1;
                        continue;
                    }
                    self.column = 0;
                    self.field_bytes = 0;
                    self.record_bytes = 0;
                    self.state = State::StartField;
                    continue;
                }
                State::StartField | State::QuoteInQuoted => {
                    let b = buf[i];
                    i += 1;
                    self.record_bytes += 1;
                    match b {
                        b'"' if self.state == State::StartField => self.state = State::Quoted,
                        b'"' => {
                            self.field_bytes += 1;
                            self.state = State::Quoted;
                        }
                        b',' => self.next_field(),
                        b'\r' | b'\n' => self.state = State::StartRecord,
                        _ => {
                            self.field_bytes += 1;
                            self.state = State::Unquoted;
                        }
                    }
                }
                State::Unquoted => {
                    let rest = &buf[i..];
                    let n = rest
                        .iter()
                        .position(|&b| b == b',' || is_end(b))
                        .unwrap_or(rest.len());
                    self.field_bytes += n;
                    self.record_bytes += n;
                    i += n;
                    if let Some(&b) = buf.get(i) {
                        i += 1;
                        self.record_bytes += 1;
                        if b == b',' {
                            self.next_field();
                        } else {
                            self.state = State::StartRecord;
                        }
                    }
                }
                State::Quoted => {
                    let rest = &buf[i..];
                    let n = rest.iter().position(|&b| b == b'"').unwrap_or(rest.len());
                    self.field_bytes += n;
                    self.record_bytes += n;
                    i += n;
                    if i < buf.len() {
                        i += 1;
                        self.record_bytes += 1;
                        self.state = State::QuoteInQuoted;
                    }
                }
            }
            if self.field_bytes > MAX_STREAM_FIELD_BYTES || self.record_bytes > MAX_RECORD_BYTES {
                self.pending = Some(self.too_long());
                return start;
            }
        }
        buf.len()
    }

    fn next_field(&mut self) {
        self.column += 1;
        self.field_bytes = 0;
        self.state = State::StartField;
    }

    #[cold]
    fn too_long(&self) -> TooLong {
        let mib = |n: usize| n / (1024 * 1024);
        if self.field_bytes > MAX_STREAM_FIELD_BYTES {
            TooLong {
                column: self.column,
                message: format!(
                    "a field of more than {} MB (a field may hold {} KB): not a customs record, \
                     or a quote that is never closed",
                    mib(MAX_STREAM_FIELD_BYTES),
                    MAX_FIELD_BYTES / 1024
                ),
            }
        } else {
            TooLong {
                column: self.column,
                message: format!(
                    "a row of more than {} MB ({} fields so far): not a customs record, or a \
                     quote that is never closed",
                    mib(MAX_RECORD_BYTES),
                    self.column + 1
                ),
            }
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if let Some(err) = self.pending.take() {
            let again = TooLong {
                column: err.column,
                message: err.message.clone(),
            };
            self.pending = Some(again);
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, err));
        }
        let n = self.inner.read(buf)?;
        let passed = self.scan(&buf[..n]);
        if passed == 0 && n > 0 {
            // The long field starts this chunk: nothing to pass on first.
            return self.read(buf);
        }
        Ok(passed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads everything through a `Bounded` in chunks of `chunk` bytes.
    fn read_all(bytes: &[u8], chunk: usize) -> Result<Vec<u8>, TooLong> {
        let mut r = Bounded::new(bytes);
        let mut out = Vec::new();
        let mut buf = vec![0; chunk];
        loop {
            match r.read(&mut buf) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => {
                    let inner = e.into_inner().expect("an inner error");
                    return Err(*inner.downcast::<TooLong>().expect("TooLong"));
                }
            }
        }
    }

    #[test]
    fn passes_ordinary_csv_unchanged() {
        let text = b"a,b,c\r\n1,\"x,\"\"y\"\"\nz\",3\n\n4,5,6";
        for chunk in [1, 2, 3, 7, 4096] {
            assert_eq!(read_all(text, chunk).unwrap(), text);
        }
    }

    #[test]
    fn stops_a_long_unquoted_field_naming_its_column() {
        let mut text = b"a,b,c\n1,".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_STREAM_FIELD_BYTES + 10));
        let err = read_all(&text, 64 * 1024).unwrap_err();
        assert_eq!(err.column, 1);
        assert!(err.message.contains("more than 1 MB"), "{}", err.message);
    }

    #[test]
    fn stops_an_unclosed_quote() {
        let mut text = b"a,b,c\n1,2,\"".to_vec();
        for _ in 0..MAX_STREAM_FIELD_BYTES / 4 + 10 {
            text.extend_from_slice(b"ab\nc");
        }
        let err = read_all(&text, 4096).unwrap_err();
        assert_eq!(err.column, 2);
    }

    #[test]
    fn stops_a_row_of_many_fields() {
        let text = ",".repeat(MAX_RECORD_BYTES + 1);
        let err = read_all(text.as_bytes(), 1 << 20).unwrap_err();
        assert!(
            err.message.contains("a row of more than 8 MB"),
            "{}",
            err.message
        );
    }

    #[test]
    fn doubled_quotes_and_quotes_in_unquoted_fields_follow_the_csv_crate() {
        // A quote inside an unquoted field is a character; the newline after it ends the
        // record, so the next long-ish field starts at column 0 of a new record.
        let mut text = b"ab\"c,d\n".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_STREAM_FIELD_BYTES - 1));
        text.extend_from_slice(b"\n\"q\"\"q\",");
        assert!(read_all(&text, 1000).is_ok());
    }
}
