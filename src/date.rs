//! Calendar days as small integers, and the date formats customs data comes in.
//!
//! The index stores a [`Day`] per shipment (days since 1970-01-01), so a date range is two
//! integer comparisons. Parsing and formatting go through `jiff`'s civil dates, which validate
//! the calendar (leap years, month lengths).

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Days since 1970-01-01.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Day(pub i32);

const EPOCH: Date = jiff::civil::date(1970, 1, 1);

impl Day {
    pub fn from_ymd(year: i16, month: i8, day: i8) -> Option<Day> {
        Date::new(year, month, day).ok().map(Day::from_date)
    }

    pub fn from_date(date: Date) -> Day {
        Day(days_from_civil(
            i32::from(date.year()),
            i32::from(date.month()),
            i32::from(date.day()),
        ))
    }

    pub fn to_date(self) -> Date {
        EPOCH
            .checked_add(jiff::Span::new().days(i64::from(self.0)))
            .unwrap_or(EPOCH)
    }

    /// `YYYY-MM-DD`.
    pub fn iso(self) -> String {
        let mut out = String::with_capacity(10);
        self.write_iso(&mut out);
        out
    }

    /// Appends `YYYY-MM-DD` to `out` (no allocation when it has room).
    pub fn write_iso(self, out: &mut String) {
        use std::fmt::Write;
        let (y, m, d) = civil_from_days(self.0);
        let _ = write!(out, "{y:04}-{m:02}-{d:02}");
    }

    /// "2 Jun 2022", for captions.
    pub fn human(self) -> String {
        self.to_date().strftime("%-d %b %Y").to_string()
    }

    /// Months since January 1970: the histogram's bucket.
    pub fn month_index(self) -> i32 {
        let (y, m, _) = civil_from_days(self.0);
        (y - 1970) * 12 + m as i32 - 1
    }

    /// The first day of a month index.
    pub fn from_month_index(month: i32) -> Day {
        let year = 1970 + month.div_euclid(12);
        let m = month.rem_euclid(12) + 1;
        Day::from_ymd(year as i16, m as i8, 1).unwrap_or_default()
    }

    /// Parses `YYYY-MM-DD` only: the format of every file Lading itself writes.
    pub fn parse_iso(text: &str) -> Option<Day> {
        Day::parse_iso_exact(text.as_bytes()).or_else(|| DateFormat::Ymd.parse(text.trim()).ok())
    }

    /// [`Day::parse_iso`] of text as the database holds it: the ten-byte fast path without
    /// a UTF-8 check, an error for other text that is not UTF-8.
    pub fn parse_iso_bytes(text: &[u8]) -> Result<Option<Day>, std::str::Utf8Error> {
        if let Some(day) = Day::parse_iso_exact(text) {
            return Ok(Some(day));
        }
        Ok(Day::parse_iso(std::str::from_utf8(text)?))
    }

    /// The fast path of [`Day::parse_iso`]: exactly ten bytes `YYYY-MM-DD`, as Lading writes
    /// every date it stores (loading ten million shipments parses ten million of them).
    fn parse_iso_exact(b: &[u8]) -> Option<Day> {
        let &[y0, y1, y2, y3, b'-', m0, m1, b'-', d0, d1] = b else {
            return None;
        };
        let digit = |c: u8| c.is_ascii_digit().then(|| i32::from(c - b'0'));
        let year = digit(y0)? * 1000 + digit(y1)? * 100 + digit(y2)? * 10 + digit(y3)?;
        let month = digit(m0)? * 10 + digit(m1)?;
        let day = digit(d0)? * 10 + digit(d1)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days_in_month).contains(&day))
            .then(|| Day(days_from_civil(year, month, day)))
    }
}

impl std::fmt::Display for Day {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.to_date())
    }
}

impl Serialize for Day {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Day {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let text = String::deserialize(d)?;
        Day::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("not a YYYY-MM-DD date: {text:?}")))
    }
}

/// A date layout in an input file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateFormat {
    /// 2022-06-02, 2022/06/02
    Ymd,
    /// 02.06.2022, 02/06/2022
    Dmy,
    /// 06/02/2022
    Mdy,
}

impl DateFormat {
    /// Parses the `--date-format` argument: `ymd`, `dmy`, `mdy` or a pattern such as `DD/MM/YYYY`.
    pub fn from_arg(text: &str) -> Option<DateFormat> {
        let t: String = text
            .to_ascii_lowercase()
            .chars()
            .filter(|c| c.is_ascii_alphabetic())
            .collect();
        match t.as_str() {
            "ymd" | "yyyymmdd" => Some(DateFormat::Ymd),
            "dmy" | "ddmmyyyy" => Some(DateFormat::Dmy),
            "mdy" | "mmddyyyy" => Some(DateFormat::Mdy),
            _ => None,
        }
    }

    /// Parses a date in this layout; `-`, `/` and `.` are all accepted as separators.
    pub fn parse(self, text: &str) -> Result<Day, DateError> {
        let parts = split3(text).ok_or(DateError::Unrecognised)?;
        let (y, m, d) = match self {
            DateFormat::Ymd => (parts[0], parts[1], parts[2]),
            DateFormat::Dmy => (parts[2], parts[1], parts[0]),
            DateFormat::Mdy => (parts[2], parts[0], parts[1]),
        };
        if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
            return Err(DateError::Unrecognised);
        }
        let (y, m, d) = (num(y)?, num(m)?, num(d)?);
        Day::from_ymd(y as i16, m as i8, d as i8).ok_or(DateError::Invalid)
    }
}

/// Why a date did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("not a date in YYYY-MM-DD, DD.MM.YYYY or YYYY/MM/DD")]
    Unrecognised,
    #[error("no such day in the calendar")]
    Invalid,
    #[error("ambiguous: could be day/month or month/day; pass --date-format dmy or mdy")]
    Ambiguous,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
/// Loading a million shipments converts a million dates, so this avoids a general
/// calendar-span computation; the tests check it against `jiff`.
fn days_from_civil(year: i32, month: i32, day: i32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`] (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

fn split3(text: &str) -> Option<[&str; 3]> {
    let mut it = text.split(['-', '/', '.']);
    let parts = [it.next()?, it.next()?, it.next()?];
    if it.next().is_some() {
        return None;
    }
    Some(parts)
}

fn num(text: &str) -> Result<u16, DateError> {
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::Unrecognised);
    }
    text.parse().map_err(|_| DateError::Unrecognised)
}

/// Parses a date as customs files write them, when no `--date-format` was given:
/// `YYYY-MM-DD`, `YYYY/MM/DD`, `DD.MM.YYYY` (the dotted form is day-first in every country
/// that uses it). `DD/MM/YYYY` is accepted only when it cannot be read as `MM/DD/YYYY`
/// (a day above 12); otherwise it is [`DateError::Ambiguous`].
pub fn parse_flexible(text: &str, forced: Option<DateFormat>) -> Result<Day, DateError> {
    let text = text.trim();
    // A timestamp's time part is ignored: "2022-06-02T00:00:00", "2022-06-02 10:15".
    let text = text.split(['T', ' ']).next().unwrap_or(text);
    if let Some(format) = forced {
        return format.parse(text);
    }
    let first = text.split(['-', '/', '.']).next().unwrap_or("");
    if first.len() == 4 {
        return DateFormat::Ymd.parse(text);
    }
    if text.contains('.') && !text.contains(['/', '-']) {
        return DateFormat::Dmy.parse(text);
    }
    let dmy = DateFormat::Dmy.parse(text);
    let mdy = DateFormat::Mdy.parse(text);
    match (dmy, mdy) {
        (Ok(a), Ok(b)) if a == b => Ok(a),
        (Ok(_), Ok(_)) => Err(DateError::Ambiguous),
        (Ok(a), Err(_)) | (Err(_), Ok(a)) => Ok(a),
        (Err(e), Err(_)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_round_trips_through_iso() {
        let d = Day::from_ymd(2022, 6, 2).unwrap();
        assert_eq!(d.iso(), "2022-06-02");
        assert_eq!(Day::parse_iso("2022-06-02"), Some(d));
        assert_eq!(d.human(), "2 Jun 2022");
        assert_eq!(Day::from_month_index(d.month_index()).iso(), "2022-06-01");
    }

    #[test]
    fn day_numbers_agree_with_jiff() {
        for (y, m, d) in [
            (1970, 1, 1),
            (1969, 12, 31),
            (2000, 2, 29),
            (2022, 6, 2),
            (2100, 3, 1),
        ] {
            let date = jiff::civil::date(y, m, d);
            let expected = date.since(EPOCH).unwrap().get_days();
            assert_eq!(Day::from_date(date).0, expected, "{date}");
            assert_eq!(Day::from_date(date).to_date(), date);
            assert_eq!(Day::from_date(date).iso(), date.to_string());
        }
    }

    #[test]
    fn the_fast_iso_path_agrees_with_the_calendar() {
        // Every day of four years (one a leap year, one a century), and what is not a day.
        let mut day = Day::from_ymd(1999, 1, 1).unwrap();
        while day < Day::from_ymd(2003, 1, 1).unwrap() {
            assert_eq!(Day::parse_iso_exact(day.iso().as_bytes()), Some(day));
            day = Day(day.0 + 1);
        }
        for text in [
            "2023-02-29",
            "2100-02-29",
            "2022-13-01",
            "2022-00-10",
            "2022-04-31",
            "2022-4-01",
            "2022/04/01",
            "20a2-04-01",
            "0000-01-01",
            "2022-04-00",
        ] {
            let slow = DateFormat::Ymd.parse(text).ok();
            assert_eq!(Day::parse_iso_exact(text.as_bytes()), None, "{text}");
            assert_eq!(Day::parse_iso(text), slow, "{text}");
        }
        assert_eq!(
            Day::parse_iso_exact(b"2000-02-29"),
            Day::from_ymd(2000, 2, 29)
        );
        // Bytes: the fast path, the slow one, and text that is not UTF-8.
        assert_eq!(
            Day::parse_iso_bytes(b"2000-02-29"),
            Ok(Day::from_ymd(2000, 2, 29))
        );
        assert_eq!(
            Day::parse_iso_bytes(b" 2000-02-29 "),
            Ok(Day::from_ymd(2000, 2, 29))
        );
        assert_eq!(Day::parse_iso_bytes(b"2000-02-30"), Ok(None));
        assert!(Day::parse_iso_bytes(b"2000-02-2\xff").is_err());
    }

    #[test]
    fn accepts_the_three_formats() {
        let want = Day::from_ymd(2022, 11, 16).unwrap();
        assert_eq!(parse_flexible("2022-11-16", None), Ok(want));
        assert_eq!(parse_flexible("16.11.2022", None), Ok(want));
        assert_eq!(parse_flexible("2022/11/16", None), Ok(want));
        assert_eq!(parse_flexible("16/11/2022", None), Ok(want));
        assert_eq!(parse_flexible("2022-11-16T08:00:00Z", None), Ok(want));
    }

    #[test]
    fn ambiguous_slash_date_is_an_error_unless_forced() {
        assert_eq!(
            parse_flexible("03/04/2022", None),
            Err(DateError::Ambiguous)
        );
        assert_eq!(
            parse_flexible("03/04/2022", Some(DateFormat::Dmy)),
            Ok(Day::from_ymd(2022, 4, 3).unwrap())
        );
        assert_eq!(
            parse_flexible("03/04/2022", Some(DateFormat::Mdy)),
            Ok(Day::from_ymd(2022, 3, 4).unwrap())
        );
        // The same day either way is not ambiguous.
        assert!(parse_flexible("04/04/2022", None).is_ok());
    }

    #[test]
    fn rejects_impossible_and_malformed_dates() {
        assert_eq!(parse_flexible("2022-02-30", None), Err(DateError::Invalid));
        assert_eq!(parse_flexible("2023-02-29", None), Err(DateError::Invalid));
        assert!(parse_flexible("2024-02-29", None).is_ok());
        assert_eq!(
            parse_flexible("yesterday", None),
            Err(DateError::Unrecognised)
        );
        assert_eq!(parse_flexible("", None), Err(DateError::Unrecognised));
        assert_eq!(parse_flexible("2022-6", None), Err(DateError::Unrecognised));
    }
}
