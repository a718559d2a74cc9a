//! What an import would read, before anything is written: the header, how each column maps
//! (and how the mapping was found), and the first rows. File → Import shows it, and lets the
//! user change the mapping ([`super::ImportOptions::map`]) before importing.

use std::io::Read;
use std::path::Path;

use super::fields::{Field, IdRole, Mapping, map_columns};
use super::{ImportError, ImportOptions, MAX_COLUMNS, check_text, limit, read_head};

/// Data rows a preview reads.
pub const PREVIEW_ROWS: usize = 10;

/// The header, its mapping and the first rows of a CSV file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Preview {
    pub header: Vec<String>,
    /// `None` when the header cannot be mapped as it is (see `problem`).
    pub mapping: Option<Mapping>,
    /// Why the file cannot be imported with this mapping (a required field no column means).
    pub problem: Option<String>,
    /// The first data rows, as text (a field that is not UTF-8 shows with replacement marks).
    pub rows: Vec<Vec<String>>,
}

impl Preview {
    /// What the column holds, in words: "value_usd", "identifier INN of the consignee", "kept
    /// as is (no field)".
    pub fn column_meaning(&self, column: usize) -> String {
        let Some(m) = &self.mapping else {
            return "?".into();
        };
        if let Some(f) = m.field_of(column) {
            return f.name().to_owned();
        }
        if let Some(id) = m.ids.iter().find(|c| c.column == column) {
            let whose = match id.role {
                IdRole::Entity => "the entity",
                IdRole::Shipper => "the shipper",
                IdRole::Consignee => "the consignee",
            };
            return format!("identifier {} of {whose}", id.scheme);
        }
        "kept as is (no field)".into()
    }

    /// How the column's meaning was found: "synonym", "words", "identifier", "--map" (chosen
    /// by the user), or "" for a kept column.
    pub fn how(&self, column: usize) -> &'static str {
        self.mapping
            .as_ref()
            .and_then(|m| m.how.get(column).copied().flatten())
            .unwrap_or("")
    }

    /// The field a column holds, if any.
    pub fn field_of(&self, column: usize) -> Option<Field> {
        self.mapping.as_ref()?.field_of(column)
    }
}

/// Reads the header and the first [`PREVIEW_ROWS`] rows of `path` and maps the header as an
/// import with `options` would. Writes nothing. A file that cannot be read as CSV is an error
/// naming it; a header that lacks a required field is a preview with a `problem`.
pub fn preview_csv(path: &Path, options: &ImportOptions) -> Result<Preview, ImportError> {
    let err = |line: Option<u64>, message: String| ImportError {
        file: path.to_path_buf(),
        line,
        field: None,
        message,
    };
    let mut file = std::fs::File::open(path).map_err(|e| err(None, format!("cannot open: {e}")))?;
    let mut head = vec![0u8; 8192];
    let n = read_head(&mut file, &mut head).map_err(|e| err(None, format!("cannot read: {e}")))?;
    head.truncate(n);
    check_text(&head).map_err(|m| err(None, m))?;
    let reader = limit::Bounded::new(std::io::Cursor::new(head).chain(file));
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(reader);
    let mut record = csv::ByteRecord::new();
    let ok = csv
        .read_byte_record(&mut record)
        .map_err(|e| err(Some(1), format!("cannot read the header: {e}")))?;
    if !ok || record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
        return Err(err(None, "the file is empty: expected a header row".into()));
    }
    if record.len() > MAX_COLUMNS {
        let m = format!(
            "the header has {} columns; a file may have at most {MAX_COLUMNS}",
            record.len()
        );
        return Err(err(Some(1), m));
    }
    let header: Vec<String> = record
        .iter()
        .map(|raw| {
            String::from_utf8_lossy(raw)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_owned()
        })
        .collect();
    let (mapping, problem) = match map_columns(options.kind, &header, &options.map) {
        Ok(m) => (Some(m), None),
        Err((_, message)) => (None, Some(message)),
    };
    let mut rows = Vec::new();
    while rows.len() < PREVIEW_ROWS {
        match csv.read_byte_record(&mut record) {
            Ok(true) => rows.push(
                record
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).trim().to_owned())
                    .collect(),
            ),
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(err(Some(line), format!("cannot read the row: {e}")));
            }
        }
    }
    Ok(Preview {
        header,
        mapping,
        problem,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::import::ImportKind;

    #[test]
    fn a_vendor_file_previews_its_mapping_and_first_rows_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vendor.csv");
        let mut text = String::from(
            "\u{feff}Shipment Date,Shipper Name,Consignee,Declared Value (USD),Consignee INN,Port of Loading\n",
        );
        for i in 0..15 {
            text.push_str(&format!(
                "2022-06-{:02},Poly Technologies,Ulan-Ude Aviation Plant,{i}00,0323018510,Tianjin\n",
                i + 1
            ));
        }
        std::fs::write(&path, &text).unwrap();
        let before = std::fs::read_dir(dir.path()).unwrap().count();
        let p = preview_csv(&path, &ImportOptions::new(ImportKind::Shipments)).unwrap();
        assert_eq!(
            p.header[0], "Shipment Date",
            "the byte-order mark is not part of it"
        );
        assert_eq!(p.rows.len(), PREVIEW_ROWS);
        assert_eq!(p.rows[1][3], "100");
        assert_eq!(p.column_meaning(0), "date");
        assert_eq!(p.how(0), "synonym");
        assert_eq!(p.column_meaning(3), "value_usd");
        assert_eq!(p.how(3), "words");
        assert_eq!(p.column_meaning(4), "identifier INN of the consignee");
        assert_eq!(p.how(4), "identifier");
        assert_eq!(p.column_meaning(5), "kept as is (no field)");
        assert!(p.problem.is_none());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);

        // The user's choices: the port becomes the description, the value column is kept.
        let mut options = ImportOptions::new(ImportKind::Shipments);
        options.map = vec![
            ("description".into(), "Port of Loading".into()),
            ("-".into(), "Declared Value (USD)".into()),
        ];
        let p = preview_csv(&path, &options).unwrap();
        assert_eq!(p.column_meaning(5), "description");
        assert_eq!(p.how(5), "--map");
        assert_eq!(p.column_meaning(3), "kept as is (no field)");

        // A header without a required field still previews, with the problem named.
        std::fs::write(&path, "when,from,to\n2022-01-01,a,b\n").unwrap();
        let p = preview_csv(&path, &ImportOptions::new(ImportKind::Shipments)).unwrap();
        assert!(p.mapping.is_none());
        assert!(p.problem.as_deref().unwrap().contains("missing column"));
        assert_eq!(p.rows, vec![vec!["2022-01-01", "a", "b"]]);

        std::fs::write(&path, b"\x89PNG\r\n").unwrap();
        let e = preview_csv(&path, &ImportOptions::new(ImportKind::Shipments)).unwrap_err();
        assert!(e.to_string().contains("PNG"), "{e}");
    }
}
