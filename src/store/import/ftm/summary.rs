//! What an FtM import did: its summary, as text and JSON.

use std::collections::BTreeMap;

use super::SHOWN;

/// How an FtM entity found its Lading entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Id,
    Identifier,
    NameCountry,
    /// A strong match of another spelling (`crate::names::compare`).
    Spelling,
}

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Id => "id",
            MatchedBy::Identifier => "identifier",
            MatchedBy::NameCountry => "name+country",
            MatchedBy::Spelling => "another spelling",
        }
    }
}

/// One FtM entity matched to an existing entity.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct MatchNote {
    pub line: u64,
    pub ftm_id: String,
    pub name: String,
    /// The key of the entity it matched.
    pub entity: String,
    pub by: MatchedBy,
    /// What matched: the id, "innCode 7704274402", "State Corporation Rostec (RU)".
    pub on: String,
}

/// Records skipped for one reason.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Skipped {
    pub count: u64,
    /// The first few lines, to look at.
    pub lines: Vec<u64>,
}

/// Counts of matches by how they matched.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct MatchCounts {
    pub id: u64,
    pub identifier: u64,
    pub name_country: u64,
    pub spelling: u64,
}

/// What an FtM import did (or, in a dry run, would do).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct FtmSummary {
    pub file: String,
    pub dry_run: bool,
    /// Lines holding an entity (blank lines not counted).
    pub lines: u64,
    /// Entities read, including ones nested in others.
    pub records: u64,
    pub entities_created: u64,
    /// Companies, organisations and public bodies that matched an existing entity.
    pub entities_matched: MatchCounts,
    /// Repeated ids: the same FtM entity again in this file, merged into the first.
    pub entities_repeated: u64,
    pub ownership_added: u64,
    pub ownership_present: u64,
    pub listings_added: u64,
    pub listings_present: u64,
    pub shipments_added: u64,
    /// Shipments whose source and source reference were already in the database.
    pub shipments_present: u64,
    /// Entities whose schema Lading does not model, by schema.
    pub not_modelled: BTreeMap<String, u64>,
    /// Valid records Lading could not use, by reason.
    pub skipped: BTreeMap<String, Skipped>,
    /// Malformed records written to the rejects file (only with one).
    pub rejected: u64,
    /// Dates given as a year or a month, read as its first day.
    pub partial_dates: u64,
    /// Percentages and amounts that are not numbers, left empty (line, property, value).
    pub unread_numbers: Vec<(u64, String, String)>,
    /// Matches, the first [`LIST_CAP`].
    pub matches: Vec<MatchNote>,
    /// Entities created beside a possible match (`entity`), now in the review queue.
    pub to_review: Vec<MatchNote>,
    /// Names of created entities, the first [`LIST_CAP`].
    pub created: Vec<String>,
    pub seconds: f64,
}

/// How many matches, created names and unread numbers the summary lists (all are counted).
pub const LIST_CAP: usize = 1000;
const SKIP_LINES_SHOWN: usize = 5;

impl FtmSummary {
    pub fn entities_matched_total(&self) -> u64 {
        let m = &self.entities_matched;
        m.id + m.identifier + m.name_country + m.spelling
    }

    pub(super) fn skip(&mut self, line: u64, reason: String) {
        let entry = self.skipped.entry(reason).or_default();
        entry.count += 1;
        if entry.lines.len() < SKIP_LINES_SHOWN {
            entry.lines.push(line);
        }
    }
}

impl std::fmt::Display for FtmSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let verb = if self.dry_run {
            "dry run (nothing written) of the FtM import of"
        } else {
            "imported FtM entities from"
        };
        writeln!(f, "{verb} {}", self.file)?;
        let m = &self.entities_matched;
        let rows: [(&str, u64); 15] = [
            ("lines", self.lines),
            ("entities read", self.records),
            ("entities created", self.entities_created),
            ("matched by id", m.id),
            ("matched by identifier", m.identifier),
            ("matched by name+country", m.name_country),
            ("matched another spelling", m.spelling),
            ("repeated in the file", self.entities_repeated),
            ("ownership links", self.ownership_added),
            ("  already present", self.ownership_present),
            ("sanctions listings", self.listings_added),
            ("  already present", self.listings_present),
            ("shipments", self.shipments_added),
            ("  already present", self.shipments_present),
            ("rejected", self.rejected),
        ];
        for (label, n) in rows {
            writeln!(f, "  {label:<26}{n:>10}")?;
        }
        if !self.not_modelled.is_empty() {
            writeln!(f, "  not modelled by Lading (counted, not imported):")?;
            for (schema, n) in &self.not_modelled {
                writeln!(f, "    {schema:<24}{n:>10}")?;
            }
        }
        if !self.skipped.is_empty() {
            writeln!(f, "  skipped:")?;
            for (reason, s) in &self.skipped {
                let lines: Vec<String> = s.lines.iter().map(u64::to_string).collect();
                writeln!(
                    f,
                    "    {:>8}  {reason} (lines {}…)",
                    s.count,
                    lines.join(", ")
                )?;
            }
        }
        if self.partial_dates > 0 {
            writeln!(
                f,
                "  {} dates given as a year or month were read as its first day",
                self.partial_dates
            )?;
        }
        for (line, prop, value) in self.unread_numbers.iter().take(SHOWN) {
            writeln!(
                f,
                "  line {line}: {prop} {value:?} is not a number; left empty"
            )?;
        }
        if !self.matches.is_empty() {
            writeln!(f, "  matched:")?;
            for n in self.matches.iter().take(SHOWN) {
                writeln!(
                    f,
                    "    line {}: {} {:?} → {} (by {}: {})",
                    n.line,
                    n.ftm_id,
                    n.name,
                    crate::text::inert(&n.entity),
                    n.by.as_str(),
                    n.on
                )?;
            }
            if self.entities_matched_total() as usize > SHOWN {
                writeln!(
                    f,
                    "    … and {} more",
                    self.entities_matched_total() as usize - SHOWN
                )?;
            }
        }
        if !self.to_review.is_empty() {
            writeln!(
                f,
                "  created, but maybe the same as (review with `lading duplicates`):"
            )?;
            for n in self.to_review.iter().take(SHOWN) {
                writeln!(
                    f,
                    "    line {}: {} {:?} ? {} ({})",
                    n.line,
                    n.ftm_id,
                    n.name,
                    crate::text::inert(&n.entity),
                    n.on
                )?;
            }
        }
        if !self.created.is_empty() {
            writeln!(f, "  created:")?;
            for name in self.created.iter().take(SHOWN) {
                writeln!(f, "    + {}", crate::text::inert(name))?;
            }
            if self.entities_created as usize > SHOWN {
                writeln!(
                    f,
                    "    … and {} more",
                    self.entities_created as usize - SHOWN
                )?;
            }
        }
        write!(f, "  seconds{:>29.2}", self.seconds)
    }
}
