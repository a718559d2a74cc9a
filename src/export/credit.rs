//! The credit line: one rule for every picture (exported from the window, rendered headless,
//! rendered from a session, every frame of an animation).
//!
//! It names the distinct sources of what the picture shows: the publishers of the shown
//! shipments (the `source` column up to its first bracket, parenthesis or colon: "CNN [S1]
//! (VERIFIED): …" is "CNN") and the sanctions lists of the rings it draws ("OFAC SDN list"),
//! most used first; says "illustrative, partly synthetic data" whenever a shown shipment,
//! entity or listing is synthetic or illustrative (its source says so, as the sample's do);
//! and gives the date of the data (the last shown shipment's day).

use crate::filter::FilteredGraph;
use crate::index::ShipmentIndex;
use crate::scene::Shown;

/// Most sources named; the rest are counted.
const MAX_SOURCES: usize = 6;

/// Whether a row's `source` says it is made up.
pub fn is_synthetic(source: &str) -> bool {
    let s = source.to_ascii_lowercase();
    s.contains("synthetic") || s.contains("illustrative")
}

/// The publisher named by a `source` text: its words before the first bracket,
/// parenthesis, colon, semicolon or comma (or " via "); `None` for a synthetic row or an
/// empty one.
pub fn publisher(source: &str) -> Option<String> {
    let t = source.trim();
    if t.is_empty() || t.to_ascii_lowercase().starts_with("synthetic") {
        return None;
    }
    let mut end = t.len();
    for stop in ["[", "(", ":", ";", ",", " via ", " — ", " – "] {
        if let Some(i) = t.find(stop) {
            end = end.min(i);
        }
    }
    let name = t[..end].trim().trim_end_matches(['.', '-']).trim();
    if name.is_empty() {
        return None;
    }
    // At most six words: a source column can hold a sentence.
    let words: Vec<&str> = name.split_whitespace().take(6).collect();
    Some(words.join(" "))
}

/// The name of a sanctions list for the credit: "OFAC SDN list", "US-BIS Entity List", or
/// "EU sanctions list" when the program's name is long.
fn list_name(authority: &str, program: &str) -> String {
    let head = program
        .split(['(', ','])
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    if head.is_empty() || head.chars().count() > 16 {
        format!("{authority} sanctions list")
    } else if head.to_ascii_lowercase().ends_with("list") {
        format!("{authority} {head}")
    } else {
        format!("{authority} {head} list")
    }
}

/// The credit of a picture of `graph`.
pub fn credit(index: &ShipmentIndex, graph: &FilteredGraph, shown: &Shown) -> String {
    let mut synthetic = false;
    let mut names: Vec<(String, u32)> = Vec::new();
    let mut add = |name: String, n: u32| match names.iter_mut().find(|(m, _)| *m == name) {
        Some(e) => e.1 += n,
        None => names.push((name, n)),
    };
    for (source, n) in &shown.shipment_sources {
        if is_synthetic(source) {
            synthetic = true;
        }
        if let Some(p) = publisher(source) {
            add(p, *n);
        }
    }
    let as_of = graph.as_of;
    for &id in &graph.sanctioned {
        for l in index.listings_of(id) {
            if as_of.is_some_and(|d| !l.covers(d)) {
                continue;
            }
            if is_synthetic(&l.source) {
                synthetic = true;
            } else {
                add(list_name(&l.authority, &l.program), 1);
            }
        }
    }
    synthetic |= graph
        .entities
        .iter()
        .filter_map(|&id| index.entity(id))
        .any(|e| is_synthetic(&e.source));
    names.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut parts = Vec::new();
    if !names.is_empty() {
        let shown_names: Vec<&str> = names
            .iter()
            .take(MAX_SOURCES)
            .map(|(n, _)| n.as_str())
            .collect();
        let mut s = format!("Sources: {}", shown_names.join("; "));
        if names.len() > MAX_SOURCES {
            s.push_str(&format!(" and {} more", names.len() - MAX_SOURCES));
        }
        parts.push(s);
    }
    if synthetic {
        parts.push("illustrative, partly synthetic data".to_owned());
    }
    if let Some(day) = shown.last_day {
        parts.push(format!("data to {}", day.human()));
    }
    parts.push("made with Lading".to_owned());
    let mut out = parts.join(" · ");
    if let Some(first) = out.get(..1) {
        let upper = first.to_uppercase();
        out.replace_range(..1, &upper);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishers_are_the_words_before_the_reference() {
        assert_eq!(
            publisher("CNN [S1] (VERIFIED): in 2022 U-UAP sent parts").as_deref(),
            Some("CNN")
        );
        assert_eq!(
            publisher("C4ADS Open Secrets [S2]: 13 shipments").as_deref(),
            Some("C4ADS Open Secrets")
        );
        assert_eq!(publisher("WSJ [S22] via summaries").as_deref(), Some("WSJ"));
        assert_eq!(publisher("synthetic (fictional shipment)"), None);
        assert_eq!(publisher("  "), None);
        assert_eq!(list_name("OFAC", "SDN (RUSSIA-EO14024)"), "OFAC SDN list");
        assert_eq!(list_name("US-BIS", "Entity List"), "US-BIS Entity List");
        assert_eq!(
            list_name("EU", "Reg. 269/2014 Annex I (asset freeze)"),
            "EU sanctions list"
        );
        assert!(is_synthetic("record ids are illustrative"));
        assert!(!is_synthetic("CNN [S1] (VERIFIED)"));
    }
}
