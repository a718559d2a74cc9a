//! The rejects file of `--skip-invalid`.

use std::path::{Path, PathBuf};

use super::RowError;

/// The rejects file: written beside its destination and renamed into place when the import
/// ends, so it is never half-written.
pub(super) struct Rejects {
    writer: csv::Writer<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl Rejects {
    pub fn create(path: &Path, header: &[String]) -> std::io::Result<Rejects> {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
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

    pub fn write(
        &mut self,
        line: u64,
        err: &RowError,
        record: &csv::ByteRecord,
    ) -> std::io::Result<()> {
        let line = line.to_string();
        let fixed: [&[u8]; 3] = [
            line.as_bytes(),
            err.field.as_bytes(),
            err.message.as_bytes(),
        ];
        self.writer
            .write_record(fixed.into_iter().chain(record.iter()))?;
        Ok(())
    }

    pub fn finish(self) -> std::io::Result<()> {
        let tmp = self.writer.into_inner().map_err(|e| e.into_error())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.path).map_err(|e| e.error)?;
        Ok(())
    }
}
