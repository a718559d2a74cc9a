//! Word lists: joining words, words that weigh little (the generic vocabulary of company names,
//! countries) and common abbreviations.
//!
//! The lists are written as people write the words, in English and Russian, and folded once
//! (the same folding the comparison uses), so "завод", "zavod" and "ZAVOD" are one entry.
//! Weights follow a principle, not the benchmark: a word that names an industry, a kind of
//! organisation or a country is shared by thousands of unrelated companies, so it says less
//! about identity than a proper name ("Klimov", "Poly", "Ulan-Ude").

use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::text;

/// Dropped from the core and the match key: "Import & Export" = "Import and Export".
const CONNECTORS: &[&str] = &["and", "the", "und", "et", "и"];

/// Kept in the core but weigh nothing in the comparison.
const IGNORED: &[&str] = &[
    "of", "for", "in", "on", "at", "de", "la", "le", "du", "des", "der", "die", "das", "по", "на",
    "при", "с", "в",
];

/// Words before a number that only say "number": "No. 432", "№ 432", "Nr. 432".
const NUMBER_MARKERS: &[&str] = &["no", "nr", "n", "num", "number", "номер", "第"];

/// Countries and nationalities: an optional prefix ("China Poly Group" = "Poly Group").
const WEAK: &[&str] = &[
    "china",
    "chinese",
    "prc",
    "russia",
    "russian",
    "rf",
    "россия",
    "россии",
    "российская",
    "российский",
    "российское",
    "рф",
    "中国",
];

const GENERIC: &[&str] = &[
    // English
    "aviation",
    "aircraft",
    "airline",
    "air",
    "aero",
    "aerospace",
    "helicopter",
    "engine",
    "motor",
    "plant",
    "factory",
    "works",
    "group",
    "holding",
    "international",
    "national",
    "industry",
    "industrial",
    "technology",
    "technologies",
    "technical",
    "science",
    "scientific",
    "research",
    "production",
    "manufacturing",
    "manufacture",
    "design",
    "bureau",
    "center",
    "centre",
    "institute",
    "import",
    "export",
    "trade",
    "trading",
    "machinery",
    "machine",
    "building",
    "equipment",
    "electronic",
    "electronics",
    "electric",
    "electrical",
    "radio",
    "system",
    "precision",
    "power",
    "energy",
    "united",
    "state",
    "federal",
    "central",
    "general",
    "joint",
    "development",
    "engineering",
    "defense",
    "defence",
    "military",
    "instrument",
    "avionics",
    "association",
    "enterprise",
    "unit",
    "new",
    "global",
    "service",
    "logistics",
    "shipping",
    "transport",
    "heavy",
    "special",
    "civil",
    "commercial",
    "product",
    "material",
    "chemical",
    "metal",
    "steel",
    "optical",
    "component",
    "part",
    "supply",
    "investment",
    "capital",
    "resource",
    "asset",
    "management",
    "administration",
    "commission",
    "council",
    "ministry",
    "office",
    "agency",
    "department",
    "union",
    "branch",
    "subsidiary",
    "complex",
    "gas",
    "turbine",
    "oil",
    "construction",
    "communication",
    "navigation",
    "armament",
    "arms",
    "weapon",
    "missile",
    "space",
    "shipbuilding",
    "shipyard",
    "marine",
    "optics",
    "nuclear",
    "mining",
    "automotive",
    "vehicle",
    "locomotive",
    "tractor",
    "first",
    "second",
    "third",
    "bank",
    "finance",
    "financial",
    "insurance",
    "petroleum",
    "instrumentation",
    "concern",
    "supervision",
    "owned",
    "promotion",
    "high",
    "repair",
    "maintenance",
    "gearbox",
    "unmanned",
    // Russian
    "завод",
    "авиационный",
    "авиационная",
    "вертолетный",
    "вертолеты",
    "двигатель",
    "двигателестроительная",
    "объединенная",
    "объединенный",
    "государственная",
    "государственный",
    "федеральная",
    "федеральный",
    "научно",
    "производственное",
    "производственный",
    "производственная",
    "объединение",
    "предприятие",
    "центр",
    "институт",
    "конструкторское",
    "бюро",
    "холдинг",
    "группа",
    "технологии",
    "машиностроительный",
    "машиностроения",
    "приборостроения",
    "электроники",
    "радио",
    "оборонный",
    "промышленный",
    "промышленности",
    "национальный",
    "международный",
    "торговый",
    "внешнеэкономическое",
    "экспорт",
    "импорт",
    "моторостроительное",
    "моторостроительный",
    "авиаремонтный",
    "газотурбостроения",
    "системы",
    "концерн",
    "научный",
    "исследовательский",
    "комплекс",
    "уфимское",
    "высокотехнологичной",
    "продукции",
    "разработке",
    "производству",
    "экспорту",
    "содействию",
    "промышленной",
];

/// Abbreviation → the word it stands for.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("intl", "international"),
    ("int", "international"),
    ("natl", "national"),
    ("hldg", "holding"),
    ("hldgs", "holding"),
    ("grp", "group"),
    ("mfg", "manufacturing"),
    ("tech", "technology"),
    ("techn", "technology"),
    ("eng", "engineering"),
    ("engg", "engineering"),
    ("ind", "industry"),
    ("inds", "industry"),
    ("indus", "industry"),
    ("sci", "science"),
    ("res", "research"),
    ("dev", "development"),
    ("elec", "electronic"),
    ("assn", "association"),
    ("assoc", "association"),
    ("ctr", "center"),
    ("cntr", "center"),
    ("inst", "institute"),
    ("svc", "service"),
    ("svcs", "service"),
    ("sys", "system"),
    ("mach", "machinery"),
    ("equip", "equipment"),
    ("imp", "import"),
    ("exp", "export"),
    ("trdg", "trading"),
    ("dept", "department"),
    ("govt", "government"),
    ("admin", "administration"),
    ("aviat", "aviation"),
    ("manuf", "manufacturing"),
    ("prod", "production"),
];

/// How much a word says about identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// A proper name or an unusual word.
    Distinctive,
    /// A word of the trade ("plant", "aviation", "завод").
    Generic,
    /// A country or nationality ("China", "Russian").
    Weak,
    /// A preposition ("of", "по"): not compared.
    Ignored,
    /// A number: must agree.
    Number,
}

impl Class {
    pub(crate) fn weight(self) -> f32 {
        match self {
            Class::Distinctive | Class::Number => 1.0,
            Class::Generic => 0.5,
            Class::Weak => 0.3,
            Class::Ignored => 0.0,
        }
    }
}

struct Lists {
    connectors: FxHashSet<String>,
    ignored: FxHashSet<String>,
    markers: FxHashSet<String>,
    weak: FxHashSet<String>,
    generic: FxHashSet<String>,
    abbreviations: FxHashMap<String, String>,
}

fn fold_word(w: &str) -> String {
    match text::tokenize(w, 4).first() {
        Some(t) if t.script == text::Script::Cjk => t.text.clone(),
        Some(t) => text::fold(&t.latin),
        None => String::new(),
    }
}

fn lists() -> &'static Lists {
    static L: OnceLock<Lists> = OnceLock::new();
    L.get_or_init(|| {
        let set = |l: &[&str]| l.iter().map(|w| fold_word(w)).collect::<FxHashSet<_>>();
        Lists {
            connectors: set(CONNECTORS),
            ignored: set(IGNORED),
            markers: set(NUMBER_MARKERS),
            weak: set(WEAK),
            generic: set(GENERIC),
            abbreviations: ABBREVIATIONS
                .iter()
                .map(|(a, w)| (fold_word(a), fold_word(w)))
                .collect(),
        }
    })
}

pub(crate) fn is_connector(folded: &str) -> bool {
    lists().connectors.contains(folded)
}

pub(crate) fn is_number_marker(folded: &str) -> bool {
    lists().markers.contains(folded)
}

/// The class of a folded token.
pub(crate) fn class(folded: &str, digits: bool) -> Class {
    let l = lists();
    if digits {
        Class::Number
    } else if l.ignored.contains(folded) {
        Class::Ignored
    } else if l.weak.contains(folded) {
        Class::Weak
    } else if l.generic.contains(folded) {
        Class::Generic
    } else {
        Class::Distinctive
    }
}

/// The folded word a folded abbreviation stands for.
pub(crate) fn expand(folded: &str) -> Option<&'static str> {
    lists().abbreviations.get(folded).map(String::as_str)
}
