//! Reading the shipment table into columns, the heaviest step of opening a database (ten
//! million rows in a few seconds): the table in parts by id, read on several connections and
//! threads at once, each part's rows straight from rusqlite as bytes into a
//! [`ColumnBuilder`], the parts then joined in id order.

use rusqlite::Connection;

use super::load::{Canon, ShipmentColumns};
use crate::date::Day;
use crate::model::EntityId;
use crate::store::db::DbResult;

/// From this many shipments on, the table is read on several connections at once.
pub(super) const PARALLEL_LOAD_ROWS: usize = 1_000_000;

/// Connections (and threads) that read at once: one a core of the machine the load is
/// measured on (two; a third reader was no faster there).
pub(super) const READERS: usize = 2;

/// Rows a part holds, about: the readers take the next part as each finishes one, so a
/// reader slowed by other work on the machine leaves more of the parts to the others.
pub(super) const PART_ROWS: usize = 250_000;

/// Reads the whole shipment table: on `first` alone, or in parts on `first` and `others`
/// (one thread each) at once, `first` from the lowest ids up and the others from the highest
/// down until they meet.
///
/// The connections may read at different moments, and still read one state of the table,
/// because shipment rows are only ever appended (never updated or deleted;
/// `tests/architecture.rs` checks that no statement does either) and a new row's id is above
/// every committed one: every part but the last ends at or below the largest id there was
/// when the parts were chosen, so it holds the same rows in every later state, and the parts
/// together are the table as the last part's connection saw it.
pub(super) fn read_in_parts<'c>(
    first: &Connection,
    others: Vec<Connection>,
    canon: &'c Canon,
    rows: usize,
    part_rows: usize,
) -> DbResult<ColumnBuilder<'c>> {
    let mut build = ColumnBuilder::new(canon, rows);
    // Two subqueries, each a seek to one end of the table: `min(id), max(id)` in one SELECT
    // would scan all of it.
    let (min, max): (Option<i64>, Option<i64>) = first.query_row(
        "SELECT (SELECT min(id) FROM shipment), (SELECT max(id) FROM shipment)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let (Some(min), Some(max)) = (min, max) else {
        return Ok(build);
    };
    if others.is_empty() {
        read_shipments(first, i64::MIN, i64::MAX, &mut build)?;
        return Ok(build);
    }
    let parts = id_ranges(
        min,
        max,
        (rows / part_rows.max(1)).clamp(others.len() + 1, 1024),
    );
    // The parts not yet taken: `first` takes them from the front, the others from the back,
    // each into one builder (so the front's rows, about half, are not copied again, and the
    // back's columns are few large blocks, given back to the system when dropped).
    let left = std::sync::Mutex::new(0..parts.len());
    let take = |from_front: bool| {
        let mut left = left.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if from_front {
            left.next()
        } else {
            left.next_back()
        }
    };
    let stop = || *left.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = 0..0;
    // Each part a reader read, and where its rows start in the reader's builder.
    type Read<'c> = (ColumnBuilder<'c>, Vec<(usize, usize)>);
    let read = |conn: &Connection, build: &mut ColumnBuilder<'c>, from_front: bool| {
        let mut starts = Vec::new();
        while let Some(k) = take(from_front) {
            let (lo, hi) = parts[k];
            starts.push((k, build.cols.len()));
            if let Err(e) = read_shipments(conn, lo, hi, build) {
                // The other readers stop after the part they are reading.
                stop();
                return Err(e);
            }
        }
        Ok(starts)
    };
    let read = &read;
    let (front, back) = std::thread::scope(|scope| {
        let others: Vec<_> = others
            .into_iter()
            .map(|conn| {
                scope.spawn(move || -> DbResult<Read<'c>> {
                    let mut build = ColumnBuilder::new(canon, rows / 2);
                    let starts = read(&conn, &mut build, false)?;
                    Ok((build, starts))
                })
            })
            .collect();
        let front = read(first, &mut build, true);
        let back: Vec<_> = others
            .into_iter()
            .map(|reader| {
                reader
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect();
        (front, back)
    });
    front?;
    let back = back.into_iter().collect::<DbResult<Vec<Read<'c>>>>()?;
    // The back readers' parts in id order: (part, reader, its rows).
    let mut segments = Vec::with_capacity(parts.len());
    for (reader, (built, starts)) in back.iter().enumerate() {
        for (j, &(k, start)) in starts.iter().enumerate() {
            let end = starts.get(j + 1).map_or(built.cols.len(), |s| s.1);
            segments.push((k, reader, start..end));
        }
    }
    segments.sort_unstable_by_key(|s| s.0);
    let mut maps = vec![Renumbering::default(); back.len()];
    for (_, reader, rows) in segments {
        build.append_rows(&back[reader].0, rows, &mut maps[reader]);
    }
    build.internal += back.iter().map(|b| b.0.internal).sum::<u64>();
    Ok(build)
}

/// `count` ranges of ids that cover `min..=max` in order, the first open below and the last
/// above (rows added since `max` was read are in the last).
fn id_ranges(min: i64, max: i64, count: usize) -> Vec<(i64, i64)> {
    let span = i128::from(max) - i128::from(min) + 1;
    let count = (count as i128).clamp(1, span.max(1));
    let step = (span + count - 1) / count;
    (0..count)
        .map(|k| {
            let lo = i128::from(min) + k * step;
            let hi = lo + step - 1;
            (
                if k == 0 { i64::MIN } else { lo as i64 },
                if k == count - 1 {
                    i64::MAX
                } else {
                    hi.min(i128::from(max)) as i64
                },
            )
        })
        .collect()
}

/// The shipment columns Lading loads, for the rows with ids in `?1..=?2`.
const SHIPMENT_ROWS: &str =
    "SELECT id, date, shipper_id, consignee_id, part_type, value_usd, source
     FROM shipment WHERE id BETWEEN ?1 AND ?2 ORDER BY id";

/// Reads the shipments with ids in `lo..=hi`, in id order, into `build`.
///
/// Ten million rows go through here, so it reads rusqlite's rows directly rather than
/// through [`crate::store::db::Row`]: text columns arrive as bytes, a date is parsed from
/// them, and a part type or source is compared as bytes with the ones already seen (only a
/// new one is checked to be UTF-8).
fn read_shipments(
    conn: &rusqlite::Connection,
    lo: i64,
    hi: i64,
    build: &mut ColumnBuilder<'_>,
) -> crate::store::db::DbResult<()> {
    use crate::store::db::DbError;
    use rusqlite::types::ValueRef as V;
    let mut stmt = conn.prepare_cached(SHIPMENT_ROWS)?;
    let mut rows = stmt.query(rusqlite::params![lo, hi])?;
    let wrong = |column: usize, expected: &str, found: V<'_>| DbError::Type {
        column,
        message: format!("expected {expected}, found {:?}", found.data_type()),
    };
    while let Some(r) = rows.next()? {
        let int = |i: usize| match r.get_ref(i)? {
            V::Integer(v) => Ok(v),
            other => Err(wrong(i, "an integer", other)),
        };
        let text = |i: usize| match r.get_ref(i) {
            Ok(V::Text(t)) => Ok(Some(t)),
            Ok(_) => Ok(None),
            Err(e) => Err(DbError::from(e)),
        };
        let value = match r.get_ref(5)? {
            V::Null => None,
            V::Real(v) => Some(v),
            V::Integer(v) => Some(v as f64),
            other => return Err(wrong(5, "a number", other)),
        };
        let row = RawRow {
            id: int(0)?,
            date: text(1)?.unwrap_or(b""),
            shipper: int(2)?,
            consignee: int(3)?,
            part: text(4)?.unwrap_or(b"other"),
            value,
            source: text(6)?.unwrap_or(b""),
        };
        build.push_raw(&row).map_err(|field| DbError::Type {
            column: field.column(),
            message: format!("shipment {}: {} is not UTF-8 text", row.id, field.name()),
        })?;
    }
    Ok(())
}

/// The numbers one builder's part types and sources were given in another, as far as seen.
#[derive(Clone, Default)]
struct Renumbering {
    part: Vec<Option<u16>>,
    source: Vec<Option<u32>>,
}

/// One shipment row as the database holds it: text as bytes, not yet checked.
pub(crate) struct RawRow<'a> {
    pub id: i64,
    pub date: &'a [u8],
    pub shipper: EntityId,
    pub consignee: EntityId,
    pub part: &'a [u8],
    pub value: Option<f64>,
    pub source: &'a [u8],
}

/// A text field of a [`RawRow`] that is not UTF-8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BadText {
    Date,
    Part,
    Source,
}

impl BadText {
    /// The field's column in [`SHIPMENT_ROWS`].
    fn column(self) -> usize {
        match self {
            BadText::Date => 1,
            BadText::Part => 4,
            BadText::Source => 6,
        }
    }

    /// The field's column name.
    fn name(self) -> &'static str {
        match self {
            BadText::Date => "date",
            BadText::Part => "part_type",
            BadText::Source => "source",
        }
    }
}

/// Builds [`ShipmentColumns`] row by row, whichever engine the rows come from.
pub(crate) struct ColumnBuilder<'c> {
    canon: &'c Canon,
    cols: ShipmentColumns,
    source_ids: rustc_hash::FxHashMap<Vec<u8>, u32>,
    part_ids: rustc_hash::FxHashMap<Vec<u8>, u16>,
    part_names: Vec<String>,
    last_part: Option<u16>,
    last_source: Option<u32>,
    internal: u64,
}

impl<'c> ColumnBuilder<'c> {
    pub(super) fn new(canon: &'c Canon, n: usize) -> ColumnBuilder<'c> {
        let mut cols = ShipmentColumns::default();
        cols.id.reserve(n);
        cols.day.reserve(n);
        cols.shipper.reserve(n);
        cols.consignee.reserve(n);
        cols.part.reserve(n);
        cols.value_usd.reserve(n);
        cols.source.reserve(n);
        ColumnBuilder {
            canon,
            cols,
            source_ids: Default::default(),
            part_ids: Default::default(),
            part_names: Vec::new(),
            last_part: None,
            last_source: None,
            internal: 0,
        }
    }

    /// One shipment row, in id order.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        id: i64,
        date: &str,
        shipper: EntityId,
        consignee: EntityId,
        part: &str,
        value: Option<f64>,
        source: &str,
    ) {
        let row = RawRow {
            id,
            date: date.as_bytes(),
            shipper,
            consignee,
            part: part.as_bytes(),
            value,
            source: source.as_bytes(),
        };
        // Text that came as `str` is UTF-8.
        let _ = self.push_raw(&row);
    }

    /// One shipment row, in id order, its text as the database holds it; a text that is not
    /// UTF-8 is refused (nothing of the row is kept).
    pub(crate) fn push_raw(&mut self, row: &RawRow<'_>) -> Result<(), BadText> {
        // Rows with a date Lading did not write are skipped rather than guessed at.
        let Some(day) = Day::parse_iso_bytes(row.date).map_err(|_| BadText::Date)? else {
            return Ok(());
        };
        let part_id = self.part_id(row.part)?;
        let (shipper, consignee) = (self.canon.of(row.shipper), self.canon.of(row.consignee));
        if shipper == consignee {
            self.internal += 1;
            return Ok(());
        }
        let source_id = self.source_id(row.source)?;
        let cols = &mut self.cols;
        cols.id.push(row.id);
        cols.day.push(day);
        cols.shipper.push(shipper);
        cols.consignee.push(consignee);
        cols.part.push(part_id);
        cols.value_usd.push(row.value.unwrap_or(0.0));
        cols.source.push(source_id);
        Ok(())
    }

    /// The number of a part type (rows repeat theirs: the last one is compared before
    /// hashing).
    fn part_id(&mut self, part: &[u8]) -> Result<u16, BadText> {
        if let Some(id) = self.last_part
            && self.part_names[id as usize].as_bytes() == part
        {
            return Ok(id);
        }
        let id = match self.part_ids.get(part) {
            Some(&id) => id,
            None => {
                let name = std::str::from_utf8(part).map_err(|_| BadText::Part)?;
                let id = u16::try_from(self.part_names.len()).unwrap_or(u16::MAX);
                self.part_names.push(name.to_owned());
                self.part_ids.insert(part.to_vec(), id);
                id
            }
        };
        self.last_part = Some(id);
        Ok(id)
    }

    /// The number of a source text, as [`ColumnBuilder::part_id`].
    fn source_id(&mut self, source: &[u8]) -> Result<u32, BadText> {
        let names = &mut self.cols.source_names;
        if let Some(id) = self.last_source
            && names[id as usize].as_bytes() == source
        {
            return Ok(id);
        }
        let id = match self.source_ids.get(source) {
            Some(&id) => id,
            None => {
                let name = std::str::from_utf8(source).map_err(|_| BadText::Source)?;
                let id = names.len() as u32;
                names.push(name.to_owned());
                self.source_ids.insert(source.to_vec(), id);
                id
            }
        };
        self.last_source = Some(id);
        Ok(id)
    }

    /// Adds the rows `rows` of `other`, which come after this one's, re-numbering their
    /// part types and sources; `map` keeps the numbers given to `other`'s so far, so that
    /// `other`'s rows may be added in any order of parts and a source still gets its number
    /// where it is first seen in id order.
    fn append_rows(
        &mut self,
        other: &ColumnBuilder<'_>,
        rows: std::ops::Range<usize>,
        map: &mut Renumbering,
    ) {
        map.part.resize(other.part_names.len(), None);
        map.source.resize(other.cols.source_names.len(), None);
        let theirs = &other.cols;
        let cols = &mut self.cols;
        cols.id.extend_from_slice(&theirs.id[rows.clone()]);
        cols.day.extend_from_slice(&theirs.day[rows.clone()]);
        cols.shipper
            .extend_from_slice(&theirs.shipper[rows.clone()]);
        cols.consignee
            .extend_from_slice(&theirs.consignee[rows.clone()]);
        cols.value_usd
            .extend_from_slice(&theirs.value_usd[rows.clone()]);
        // Names that are `String`s are UTF-8: the lookups cannot fail.
        for &p in &theirs.part[rows.clone()] {
            let id = match map.part[p as usize] {
                Some(id) => id,
                None => {
                    let id = self
                        .part_id(other.part_names[p as usize].as_bytes())
                        .unwrap_or(0);
                    map.part[p as usize] = Some(id);
                    id
                }
            };
            self.cols.part.push(id);
        }
        for &s in &theirs.source[rows] {
            let id = match map.source[s as usize] {
                Some(id) => id,
                None => {
                    let id = self
                        .source_id(theirs.source_names[s as usize].as_bytes())
                        .unwrap_or(0);
                    map.source[s as usize] = Some(id);
                    id
                }
            };
            self.cols.source.push(id);
        }
    }

    pub(super) fn finish(self) -> (ShipmentColumns, u64) {
        let (mut cols, names) = (self.cols, self.part_names);
        // Sort the part table by name so ids do not depend on row order.
        let mut order: Vec<u16> = (0..names.len() as u16).collect();
        order.sort_by(|&a, &b| names[a as usize].cmp(&names[b as usize]));
        let mut remap = vec![0u16; names.len()];
        for (new, &old) in order.iter().enumerate() {
            remap[old as usize] = new as u16;
        }
        for p in &mut cols.part {
            *p = remap[*p as usize];
        }
        cols.part_names = order.iter().map(|&i| names[i as usize].clone()).collect();
        (cols, self.internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn parts_read_what_one_connection_reads() {
        let dir = std::env::temp_dir().join(format!(
            "lading-load-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("halves.db");
        let mut data = crate::generate::generate(&crate::generate::GenerateOptions {
            entities: 400,
            shipments: 3_000,
            ..Default::default()
        });
        // Sources first seen in a different order in each half, and one only in the upper.
        // A last row far above the others (a database edited by hand), so most parts are
        // empty.
        for (k, s) in data.shipments.iter_mut().enumerate() {
            s.source = match (k < 1_500, k % 3) {
                (true, 0) => "b",
                (true, 1) => "a",
                (true, _) => "synthetic",
                (false, 0) if k < 2_500 => "c",
                (false, _) => "a",
            }
            .into();
        }
        let mut store = Store::open_or_create(&path).unwrap();
        store.insert_generated(&data).unwrap();
        store
            .conn
            .execute_batch(
                "INSERT INTO shipment (id, date, shipper_id, consignee_id, part_type, value_usd,
                 source_ref, source, ref_key) SELECT 9000, date, shipper_id, consignee_id,
                 part_type, value_usd, 'far', 'c', 9000 FROM shipment WHERE id = 1",
            )
            .unwrap();
        let canon = store.canon().unwrap();

        let mut one = ColumnBuilder::new(&canon, 0);
        read_shipments(store.conn.sqlite().unwrap(), i64::MIN, i64::MAX, &mut one).unwrap();
        let sql = store.conn.sqlite().unwrap();
        let second = || {
            vec![super::super::connect(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap()]
        };
        // Two parts, one a reader; thirty parts of about a hundred rows.
        let two = read_in_parts(sql, second(), &canon, 3_000, 3_000).unwrap();
        let thirty = read_in_parts(sql, second(), &canon, 3_000, 100).unwrap();
        let (one, two, thirty) = (one.finish(), two.finish(), thirty.finish());
        assert_eq!(one.0.len(), 3_001);
        assert_eq!(one, two);
        assert_eq!(one, thirty);
        let sources = &two.0.source_names;
        assert_eq!(sources, &["b", "a", "synthetic", "c"]);

        // A reader from the back reads its parts downwards: its rows join the others in id
        // order, and its sources are numbered where they are first seen in that order.
        let mut back = ColumnBuilder::new(&canon, 0);
        read_shipments(sql, 1_501, i64::MAX, &mut back).unwrap();
        read_shipments(sql, i64::MIN, 1_500, &mut back).unwrap();
        assert_ne!(back.cols.source_names, one.0.source_names);
        let mut front = ColumnBuilder::new(&canon, 0);
        let mut map = Renumbering::default();
        let upper = back.cols.len() - 1_500;
        front.append_rows(&back, upper..back.cols.len(), &mut map);
        front.append_rows(&back, 0..upper, &mut map);
        let joined = front.finish();
        assert_eq!(joined, one);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn raw_text_is_read_as_the_checked_text_was() {
        let dir = std::env::temp_dir().join(format!(
            "lading-load-raw-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos())
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("raw.db");
        let data = crate::generate::generate(&crate::generate::GenerateOptions {
            entities: 50,
            shipments: 10,
            ..Default::default()
        });
        let mut store = Store::open_or_create(&path).unwrap();
        store.insert_generated(&data).unwrap();
        let sql = store.conn.sqlite().unwrap();
        let insert = |id: i64, date: &str, part: &str, value: &str, source: &str| {
            sql.execute(
                &format!(
                    "INSERT INTO shipment (id, date, shipper_id, consignee_id, part_type, value_usd,
                     source_ref, source, ref_key) VALUES ({id}, {date}, 1, 2, {part}, {value},
                     'r{id}', {source}, {id})"
                ),
                [],
            )
            .unwrap();
        };
        // A date not in the ten-byte form, an integer value, parts and sources that repeat
        // with others between them, and a date that is no date (skipped).
        insert(101, "'2020-1-2'", "'radio'", "7", "'x'");
        insert(102, "'2020-01-03'", "'bearings'", "NULL", "'y'");
        insert(103, "'2020-01-04'", "'radio'", "1.5", "'x'");
        insert(104, "'soon'", "'radio'", "1.5", "'x'");
        let canon = store.canon().unwrap();
        let mut build = ColumnBuilder::new(&canon, 0);
        read_shipments(sql, 101, i64::MAX, &mut build).unwrap();
        let (cols, _) = build.finish();
        assert_eq!(cols.id, vec![101, 102, 103]);
        assert_eq!(
            cols.day,
            vec![
                Day::from_ymd(2020, 1, 2).unwrap(),
                Day::from_ymd(2020, 1, 3).unwrap(),
                Day::from_ymd(2020, 1, 4).unwrap()
            ]
        );
        assert_eq!(cols.value_usd, vec![7.0, 0.0, 1.5]);
        assert_eq!(cols.part_names, ["bearings", "radio"]);
        assert_eq!(cols.part, vec![1, 0, 1]);
        assert_eq!(cols.source_names, ["x", "y"]);
        assert_eq!(cols.source, vec![0, 1, 0]);

        // Text that is not UTF-8 stops the load, naming the row and the column.
        for (column, row) in [
            ("date", (105, "CAST(x'ff' AS TEXT)", "'radio'", "'x'")),
            (
                "part_type",
                (106, "'2020-01-05'", "CAST(x'ff' AS TEXT)", "'x'"),
            ),
            (
                "source",
                (107, "'2020-01-05'", "'radio'", "CAST(x'c3' AS TEXT)"),
            ),
        ] {
            let (id, date, part, source) = row;
            insert(id, date, part, "1", source);
            let mut build = ColumnBuilder::new(&canon, 0);
            let err = read_shipments(sql, id, id, &mut build)
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("shipment {id}: {column} is not UTF-8")),
                "{err}"
            );
        }
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn id_ranges_cover_every_id_once_in_order() {
        for (min, max, count) in [(1, 10, 3), (1, 2, 5), (-5, 5, 4), (i64::MIN, i64::MAX, 4)] {
            let ranges = id_ranges(min, max, count);
            assert_eq!(ranges.first().unwrap().0, i64::MIN);
            assert_eq!(ranges.last().unwrap().1, i64::MAX);
            assert!(ranges.len() <= count);
            for w in ranges.windows(2) {
                assert!(w[0].0 <= w[0].1);
                assert_eq!(w[0].1.checked_add(1), Some(w[1].0), "{ranges:?}");
            }
        }
        assert_eq!(id_ranges(1, 10, 3), [(i64::MIN, 4), (5, 8), (9, i64::MAX)]);
    }
}
