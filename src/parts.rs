//! Part types from goods descriptions: the classification rules.
//!
//! Customs records rarely carry a part type; their descriptions do, in Latin, Cyrillic or
//! Chinese script. [`PartRules`] reads an ordered list of rules (`assets/part_types.rules` by
//! default) and classifies a description by the first rule any of whose patterns occurs in it.
//! All patterns are matched in one pass with an Aho-Corasick automaton, so classifying a
//! million descriptions costs one scan of each.

use aho_corasick::{AhoCorasick, MatchKind};

/// The rules shipped with Lading.
pub const DEFAULT_RULES: &str = include_str!("../assets/part_types.rules");

/// The part type of anything no rule matches.
pub const OTHER: &str = "other";

/// Ordered part-type rules.
#[derive(Clone, Debug)]
pub struct PartRules {
    /// Part type names, in rule order.
    names: Vec<String>,
    /// For each pattern of the automaton, the rule it belongs to.
    pattern_rule: Vec<usize>,
    /// `None` for an empty rule set.
    automaton: Option<AhoCorasick>,
}

/// A rules file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct RulesError {
    pub origin: String,
    pub line: usize,
    pub message: String,
}

impl PartRules {
    /// The default rules from `assets/part_types.rules`.
    pub fn default_rules() -> PartRules {
        // The shipped file is tested to parse; an empty rule set is the safe fallback.
        PartRules::parse(DEFAULT_RULES, "assets/part_types.rules")
            .unwrap_or_else(|_| PartRules::empty())
    }

    fn empty() -> PartRules {
        PartRules {
            names: Vec::new(),
            pattern_rule: Vec::new(),
            automaton: None,
        }
    }

    /// Parses rules text; `origin` names it in errors (a path).
    pub fn parse(text: &str, origin: &str) -> Result<PartRules, RulesError> {
        let mut names = Vec::new();
        let mut patterns = Vec::new();
        let mut pattern_rule = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |message: String| RulesError {
                origin: origin.to_owned(),
                line: i + 1,
                message,
            };
            let Some((name, list)) = line.split_once(':') else {
                return Err(err("expected `PART TYPE: pattern | pattern`".into()));
            };
            let name = name.trim();
            if name.is_empty() {
                return Err(err("the part type before `:` is empty".into()));
            }
            let rule = match names.iter().position(|n| n == name) {
                Some(existing) => existing,
                None => {
                    names.push(name.to_owned());
                    names.len() - 1
                }
            };
            let mut any = false;
            for pattern in list.split('|') {
                let norm = normalize(pattern);
                if norm.is_empty() {
                    continue;
                }
                patterns.push(norm);
                pattern_rule.push(rule);
                any = true;
            }
            if !any {
                return Err(err(format!("part type {name:?} has no patterns")));
            }
        }
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| RulesError {
                origin: origin.to_owned(),
                line: 0,
                message: e.to_string(),
            })?;
        Ok(PartRules {
            names,
            pattern_rule,
            automaton: Some(automaton),
        })
    }

    /// The part types these rules can give, in rule order (without "other").
    pub fn part_types(&self) -> &[String] {
        &self.names
    }

    /// The part type of a goods description.
    pub fn classify(&self, description: &str) -> &str {
        let Some(automaton) = &self.automaton else {
            return OTHER;
        };
        let text = normalize(description);
        let mut best = usize::MAX;
        for m in automaton.find_overlapping_iter(&text) {
            let rule = self.pattern_rule[m.pattern().as_usize()];
            if rule < best {
                best = rule;
                if best == 0 {
                    break;
                }
            }
        }
        self.names.get(best).map_or(OTHER, String::as_str)
    }

    /// The canonical spelling of a part type given in a file's part type column: a rule's name
    /// when it matches one (ignoring case and punctuation, or through the rule's patterns),
    /// otherwise the text as given, trimmed.
    pub fn canonical<'a>(&'a self, given: &'a str) -> &'a str {
        let given = given.trim();
        if given.is_empty() {
            return OTHER;
        }
        let norm = normalize(given);
        if let Some(name) = self.names.iter().find(|n| normalize(n) == norm) {
            return name;
        }
        if norm == normalize(OTHER) {
            return OTHER;
        }
        match self.classify(given) {
            OTHER => given,
            found => found,
        }
    }
}

/// Lower case, separators removed, Cyrillic look-alikes read as Latin, so that "МИ-171Е",
/// "Mi 171E" and "mi-171e" are one string.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_whitespace()
            || matches!(
                c,
                '-' | '‐' | '–' | '—' | '.' | '/' | '_' | ',' | '(' | ')' | '«' | '»' | '"'
            )
        {
            continue;
        }
        for l in c.to_lowercase() {
            out.push(match l {
                'а' => 'a',
                'в' => 'b',
                'е' | 'ё' => 'e',
                'к' => 'k',
                'м' => 'm',
                'н' => 'h',
                'о' => 'o',
                'р' => 'p',
                'с' => 'c',
                'т' => 't',
                'у' => 'y',
                'х' => 'x',
                'і' => 'i',
                other => other,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rules_parse_and_name_the_sample_part_types() {
        let rules = PartRules::parse(DEFAULT_RULES, "default").unwrap();
        for name in [
            "Mi-171Sh",
            "Mi-171E",
            "radio",
            "navigation",
            "jet engine",
            "helicopter",
        ] {
            assert!(rules.part_types().iter().any(|n| n == name), "{name}");
        }
    }

    #[test]
    fn recognises_helicopter_models_in_latin_and_cyrillic() {
        let r = PartRules::default_rules();
        assert_eq!(
            r.classify("Запасные части для вертолета Ми-171Е: лопасть"),
            "Mi-171E"
        );
        assert_eq!(r.classify("SPARE PARTS FOR MI-171E HELICOPTER"), "Mi-171E");
        assert_eq!(r.classify("Запчасти для вертолетов МИ-171Ш"), "Mi-171Sh");
        assert_eq!(r.classify("Комплект ЗИП к вертолету Ми-8АМТШ"), "Mi-171Sh");
        assert_eq!(
            r.classify("parts for Mi-8AMTSh assault helicopter"),
            "Mi-171Sh"
        );
        assert_eq!(r.classify("Mi 171 Sh main rotor hub"), "Mi-171Sh");
        // Mixed scripts: Latin M and i with a Cyrillic Е.
        assert_eq!(r.classify("Mi-171Е blade"), "Mi-171E");
    }

    #[test]
    fn the_first_matching_rule_wins() {
        let r = PartRules::default_rules();
        assert_eq!(
            r.classify("Радиостанция авиационная для вертолета Ми-171Е"),
            "radio"
        );
        assert_eq!(r.classify("Radio station for Mi-171Sh"), "Mi-171Sh");
        assert_eq!(
            r.classify("Аппаратура навигационная для вертолетов Ми-17"),
            "navigation"
        );
        assert_eq!(
            r.classify("Части двигателя РД-93, гарантийные обязательства"),
            "jet engine"
        );
        assert_eq!(
            r.classify("Запасные части к самолету Су-35"),
            "aircraft parts"
        );
        assert_eq!(r.classify("深沟球轴承 SKF 6205"), "bearings");
        assert_eq!(r.classify("无线电罗盘 ARK-15"), "navigation");
        assert_eq!(r.classify("无线电导航设备"), "navigation");
        assert_eq!(r.classify("机载无线电台"), "radio");
        assert_eq!(r.classify("Платы печатные многослойные"), "electronics");
        assert_eq!(r.classify("GREEN COFFEE BEANS"), OTHER);
        assert_eq!(r.classify(""), OTHER);
    }

    #[test]
    fn canonical_spelling_of_a_given_part_type() {
        let r = PartRules::default_rules();
        assert_eq!(r.canonical("mi-171sh"), "Mi-171Sh");
        assert_eq!(r.canonical(" Ми-171Е "), "Mi-171E");
        assert_eq!(r.canonical("RADIO"), "radio");
        assert_eq!(r.canonical("integrated_circuit"), "electronics");
        assert_eq!(r.canonical("coffee"), "coffee");
        assert_eq!(r.canonical(""), OTHER);
    }

    #[test]
    fn bad_rules_name_the_line() {
        let err = PartRules::parse("# c\nMi-171E mi171e\n", "my.rules").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.to_string().starts_with("my.rules:2:"), "{err}");
        assert!(PartRules::parse("radio: | |\n", "x").is_err());
    }
}
