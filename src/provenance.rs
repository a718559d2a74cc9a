//! Provenance: where a record came from, and whether it is made up.
//!
//! Provenance *is* the record's `source` column: every shipment, entity, ownership link and
//! listing carries one (the CSV's `source` column, else `--source`, else the imported file's
//! name; for FtM files the entity's `datasets`). One rule splits them in two:
//!
//! - **synthetic**: the source starts with the word "synthetic" (case ignored, leading
//!   spaces ignored): the sample's made-up world (`synthetic (fictional shipment)`) and
//!   `lading generate` (`synthetic (lading generate)`). A user who imports made-up data marks
//!   it the same way (`--source "synthetic: training set"`).
//! - **sourced**: everything else, including an empty source (it is what the user imported).
//!
//! A [`Provenance`] filter chooses by that class or by source: `sourced`, `synthetic`, or any
//! other text, which selects the records whose source starts with it (case ignored), so
//! `customs-2023.csv` picks one imported file and `CNN` the rows citing CNN. A record passes
//! when any chosen term matches it.

use serde::{Deserialize, Serialize};

/// The filter term for records that are not synthetic.
pub const SOURCED: &str = "sourced";
/// The filter term for made-up records.
pub const SYNTHETIC: &str = "synthetic";

/// Whether a record with this source is made up.
pub fn is_synthetic(source: &str) -> bool {
    let s = source.trim_start().as_bytes();
    s.len() >= SYNTHETIC.len() && s[..SYNTHETIC.len()].eq_ignore_ascii_case(SYNTHETIC.as_bytes())
}

/// One term of a provenance filter.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Provenance {
    Sourced,
    Synthetic,
    /// Records whose source starts with this text (case ignored).
    Source(String),
}

impl Provenance {
    /// Reads a term: `sourced`, `synthetic` (any case), else a source.
    pub fn parse(text: &str) -> Provenance {
        let t = text.trim();
        if t.eq_ignore_ascii_case(SOURCED) {
            Provenance::Sourced
        } else if t.eq_ignore_ascii_case(SYNTHETIC) {
            Provenance::Synthetic
        } else {
            Provenance::Source(t.to_owned())
        }
    }

    /// The term as the filter stores it.
    pub fn as_term(&self) -> &str {
        match self {
            Provenance::Sourced => SOURCED,
            Provenance::Synthetic => SYNTHETIC,
            Provenance::Source(s) => s,
        }
    }

    /// Whether a record with `source` passes this term.
    pub fn matches(&self, source: &str) -> bool {
        match self {
            Provenance::Sourced => !is_synthetic(source),
            Provenance::Synthetic => is_synthetic(source),
            Provenance::Source(prefix) => {
                let (s, p) = (source.as_bytes(), prefix.as_bytes());
                !p.is_empty() && s.len() >= p.len() && starts_with_ignoring_case(source, prefix)
            }
        }
    }
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    let mut t = text.chars().flat_map(char::to_lowercase);
    prefix
        .chars()
        .flat_map(char::to_lowercase)
        .all(|p| t.next() == Some(p))
}

/// A source for a list or a message: made inert (control and invisible characters shown
/// marked) and cut to `max` characters with "…".
pub fn short_source(source: &str, max: usize) -> String {
    let text = crate::text::inert(source);
    if text.chars().count() <= max {
        return text.into_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    out
}

/// Whether `source` passes any of `terms` (filter terms as stored: see [`Provenance::parse`]).
pub fn any_matches<'a>(terms: impl IntoIterator<Item = &'a String>, source: &str) -> bool {
    terms
        .into_iter()
        .any(|t| Provenance::parse(t).matches(source))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_is_the_sources_first_word() {
        assert!(is_synthetic("synthetic (fictional shipment)"));
        assert!(is_synthetic("  Synthetic (lading generate)"));
        assert!(is_synthetic("SYNTHETIC"));
        assert!(!is_synthetic("CNN [S1]; synthetic HS codes"));
        assert!(!is_synthetic(""));
        assert!(!is_synthetic("synth"));
        assert!(!is_synthetic("синтетический"));
    }

    #[test]
    fn terms_match_class_or_source_prefix_ignoring_case() {
        let sourced = Provenance::parse("Sourced");
        assert_eq!(sourced, Provenance::Sourced);
        assert!(sourced.matches("customs-2023.csv"));
        assert!(!sourced.matches("synthetic (x)"));
        assert!(Provenance::parse("synthetic").matches("synthetic (x)"));
        let file = Provenance::parse("Customs-2023.CSV");
        assert!(file.matches("customs-2023.csv"));
        assert!(!file.matches("customs-2022.csv"));
        assert!(Provenance::parse("cnn").matches("CNN [S1] via the seed summary"));
        assert!(Provenance::parse("Ростех").matches("ростех, отчёт 2022"));
        assert!(!Provenance::parse("longer than the source").matches("longer"));
        assert!(any_matches(&["x".to_owned(), SOURCED.to_owned()], "y"));
        assert!(!any_matches(&Vec::<String>::new(), "y"));
    }
}
