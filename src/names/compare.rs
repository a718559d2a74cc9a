//! Two parties compared: identifiers first, then countries, then the best pair of names, with
//! the reasons in words.
//!
//! Rules, from principles (not fitted to a benchmark):
//! - A shared identifier (same scheme and value) decides: score 1. Two different values of one
//!   scheme forbid a match: the score is capped at 0.1. National registration and tax numbers
//!   count only within one known country.
//! - Two known, different countries forbid an automatic match (cap 0.75, a review at most).
//! - Names are compared word by word after [`analyse`](super::analyse): exact, transliteration
//!   variants (folded), abbreviations ("Intl"), words written together or apart, one letter
//!   off in a word of 7 letters or more (two in 13 or more), never in short words, numbers or
//!   Han. The score is the weighted share of words matched (proper names weigh 1, trade words
//!   0.5, countries 0.3); then caps: a number that differs 0.2, a word that differs on both
//!   sides 0.35 (two plants in one city), a distinctive word on one side only 0.5 (a parent and
//!   its subsidiary: UEC / UEC-Klimov), a trade word on one side only 0.6 (AVIC / AVIC
//!   International), a number on one side only 0.6, a country on one side only 0.85. An
//!   acronym of the other name ("U-UAP") scores 0.8: a review, never automatic. Legal forms
//!   are never evidence for a match; two Russian forms of different families (ООО / АО) take
//!   5% off.
//! - A Chinese name is compared only with Chinese (Han is not transliterated: the pinyin of
//!   保利科技 is not "Poly Technologies"); a party's other names (aliases) bridge scripts, and
//!   the best pair of names decides.

use super::forms::{self, Family};
use super::identifiers::{Identifier, Scheme, parse_identifier};
use super::text::Script;
use super::words::{self, Class};
use super::{Analysed, analyse};

/// At or above: the same company; an import merges automatically.
pub const AUTO_THRESHOLD: f64 = 0.9;
/// At or above (and below [`AUTO_THRESHOLD`]): maybe; an import creates a new entity and a pair
/// to review.
pub const REVIEW_THRESHOLD: f64 = 0.7;

/// Words of a name compared at most (a bit set holds which are matched).
const MAX_WORDS: usize = 64;

/// The verdict on two parties.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// 0 (different) to 1 (the same), rounded to 3 decimals.
    pub score: f64,
    /// `score >= AUTO_THRESHOLD`.
    pub same: bool,
    /// Why, in words: identifiers, countries, then the best pair of names.
    pub reasons: Vec<String>,
}

#[derive(Clone, Debug)]
struct Word {
    /// As normalised, in its script (for reasons).
    text: Box<str>,
    latin: Box<str>,
    folded: Box<str>,
    /// A hash of `folded`: most words differ in it, without reading the text.
    hash: u64,
    /// The folded word `folded` abbreviates ("intl" → "international"), looked up once.
    expanded: Option<&'static str>,
    class: Class,
    script: Script,
}

impl Word {
    fn same_folded(&self, other: &Word) -> bool {
        self.hash == other.hash && self.folded == other.folded
    }
}

#[derive(Clone, Debug)]
struct Name {
    original: Box<str>,
    normalized: Box<str>,
    key: Box<str>,
    /// The folded words written together ("uuap" for "U-UAP").
    joined: Box<str>,
    words: Vec<Word>,
    forms: Vec<&'static str>,
    forms_written: Vec<String>,
    /// Initials of the core words, and of all words with the legal forms.
    initials_core: Box<str>,
    initials_all: Box<str>,
    /// This name read as an acronym ("uuap" for "JSC UUAP", "odk" for "АО «ОДК»").
    acronym: Option<Box<str>>,
    has_cjk: bool,
    only_cjk: bool,
}

impl Name {
    fn new(a: &Analysed) -> Name {
        let mut words = Vec::new();
        for i in 0..a.tokens.len() {
            if a.classes[i] == Class::Ignored || words.len() == MAX_WORDS {
                continue;
            }
            let text = a.core.split(' ').nth(i).unwrap_or_default();
            words.push(Word {
                text: text.into(),
                latin: a.tokens[i].as_str().into(),
                folded: a.folded[i].as_str().into(),
                hash: {
                    use std::hash::BuildHasher;
                    rustc_hash::FxBuildHasher.hash_one(a.folded[i].as_str())
                },
                expanded: words::expand(&a.folded[i]),
                class: a.classes[i],
                script: a.scripts[i],
            });
        }
        let has_cjk = words.iter().any(|w| w.script == Script::Cjk);
        let only_cjk = has_cjk
            && words
                .iter()
                .all(|w| matches!(w.script, Script::Cjk | Script::Digit));
        Name {
            original: a.original.as_str().into(),
            normalized: a.normalized.as_str().into(),
            key: a.tokens.join(" ").into(),
            joined: joined_folded(&words).into(),
            forms: a.legal_forms.clone(),
            forms_written: a.legal_forms_written.clone(),
            initials_core: initials(a).into(),
            initials_all: a.initials_all.as_str().into(),
            acronym: as_acronym(a).map(Into::into),
            words,
            has_cjk,
            only_cjk,
        }
    }
}

/// The words written together, then folded ("U-UAP" and "UUAP" both give "uap").
fn joined_folded(words: &[Word]) -> String {
    let latin: String = words.iter().map(|w| &*w.latin).collect();
    if words.iter().all(is_word) {
        super::text::fold(&latin)
    } else {
        latin
    }
}

/// The first letters of the core's words (Latin, not Han, not numbers, not prepositions).
pub(crate) fn initials(a: &Analysed) -> String {
    a.tokens
        .iter()
        .zip(&a.classes)
        .zip(&a.scripts)
        .filter(|((_, c), s)| !matches!(c, Class::Ignored | Class::Number) && **s != Script::Cjk)
        .filter_map(|((t, _), _)| t.chars().next())
        .collect()
}

/// The name as an acronym: one or two short Latin words of letters only, 2 to 8 letters
/// together ("UUAP", "U-UAP", "ОДК" → "odk").
pub(crate) fn as_acronym(a: &Analysed) -> Option<String> {
    let n = a.tokens.len();
    if n == 0
        || n > 2
        || a.scripts
            .iter()
            .any(|s| !matches!(s, Script::Latin | Script::Cyrillic))
    {
        return None;
    }
    let joined: String = a.tokens.concat();
    let ok = (2..=8).contains(&joined.len()) && joined.bytes().all(|b| b.is_ascii_lowercase());
    // One word: short enough to be letters, not a word ("UEC", "SASAC"); two: "U-UAP".
    (ok && (n == 2 || joined.len() <= 6)).then_some(joined)
}

/// A company as the comparison sees it: all its names (analysed once), its identifiers and its
/// country.
#[derive(Clone, Debug)]
pub struct Party {
    names: Vec<Name>,
    ids: Vec<Identifier>,
    country: String,
}

impl Party {
    /// `names`: the name and every alias; a name ending in an acronym of itself in brackets
    /// ("Poly Technologies Incorporated (PTI)") also counts as the name without it and as the
    /// acronym. `country`: an ISO code or "" when unknown. A tax or registration number of a
    /// Russian party that is a valid INN or OGRN is read as one, and of a Chinese party that is
    /// a valid USCC as one.
    pub fn new(names: &[&str], identifiers: &[Identifier], country: &str) -> Party {
        Party::build(names, identifiers, country, None)
    }

    /// [`Party::new`] and the [`block_keys`](super::block_keys) of `names` (each name analysed
    /// once for both), in the order found, not deduplicated.
    pub fn with_block_keys(
        names: &[&str],
        identifiers: &[Identifier],
        country: &str,
    ) -> (Party, Vec<String>) {
        let mut keys = Vec::new();
        let party = Party::build(names, identifiers, country, Some(&mut keys));
        (party, keys)
    }

    fn build(
        names: &[&str],
        identifiers: &[Identifier],
        country: &str,
        mut keys: Option<&mut Vec<String>>,
    ) -> Party {
        let mut out: Vec<Name> = Vec::new();
        let add = |a: &Analysed, out: &mut Vec<Name>| {
            let n = Name::new(a);
            if !out.iter().any(|m| m.key == n.key && m.forms == n.forms) {
                out.push(n);
            }
        };
        for name in names {
            let a = analyse(name);
            if let Some(keys) = keys.as_deref_mut() {
                keys.extend(super::block_keys(&a));
            }
            add(&a, &mut out);
            if let Some((without, acronym)) = bracketed_acronym(name) {
                add(&analyse(without), &mut out);
                add(&analyse(acronym), &mut out);
            }
        }
        let country = country.trim().to_uppercase();
        let mut ids: Vec<Identifier> = identifiers
            .iter()
            .map(|id| {
                let refined = match (id.scheme, country.as_str()) {
                    (Scheme::Tax, "RU") => parse_identifier(Scheme::Inn, &id.value).ok(),
                    (Scheme::Registration, "RU") => parse_identifier(Scheme::Ogrn, &id.value).ok(),
                    (Scheme::Tax | Scheme::Registration, "CN") => {
                        parse_identifier(Scheme::Uscc, &id.value).ok()
                    }
                    _ => None,
                };
                refined.unwrap_or_else(|| id.clone())
            })
            .collect();
        ids.sort();
        ids.dedup();
        Party {
            names: out,
            ids,
            country,
        }
    }

    /// The names as given (and derived), in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.iter().map(|n| &*n.original)
    }

    pub fn identifiers(&self) -> &[Identifier] {
        &self.ids
    }

    pub fn country(&self) -> &str {
        &self.country
    }
}

/// "Poly Technologies Incorporated (PTI)" → ("Poly Technologies Incorporated", "PTI") when the
/// bracket closes the name and holds one word whose letters are, in order, initials of the
/// words before it (legal forms included), the first one first.
pub fn bracketed_acronym(name: &str) -> Option<(&str, &str)> {
    let open = name.rfind(['(', '（', '['])?;
    let inner = name[open..].trim_start_matches(['(', '（', '[']).trim_end();
    let inner = inner.strip_suffix([')', '）', ']'])?.trim();
    let before = name[..open].trim_end();
    let word: String = inner
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if word.chars().count() < 2 || inner.contains(char::is_whitespace) || before.is_empty() {
        return None;
    }
    let firsts = analyse(before).initials_all;
    let mut chars = word.chars();
    if firsts.chars().next() != chars.next() {
        return None;
    }
    let mut it = firsts.chars().skip(1);
    chars.all(|c| it.any(|f| f == c)).then_some((before, inner))
}

/// Compares two parties, with reasons.
pub fn compare(a: &Party, b: &Party) -> Comparison {
    run(a, b, true)
}

/// The score of [`compare`] without the reasons: no allocation, for screening many pairs.
pub fn score(a: &Party, b: &Party) -> f64 {
    run(a, b, false).score
}

/// Words of a name a [`Sketch`] holds; a longer name is always compared in full.
const SKETCH_WORDS: usize = 8;

/// A party in a few dozen bytes, to tell cheaply that two parties cannot reach a score: the
/// words each name could match in the other (equal by a hash, an abbreviation, a typo or two
/// words written together judged by their lengths alone) bound the share matched, and the
/// words that can match nothing already impose the caps of the comparison. Held inline in a
/// flat array, so screening a pair reads two neighbouring records instead of following
/// pointers to every word. A party with several names, identifiers, or more than
/// [`SKETCH_WORDS`] words is *open*: it could reach anything, and is scored in full.
///
/// Laid out so that a name of up to four words fits one cache line with the rest.
#[derive(Clone, Copy, Debug, Default)]
#[repr(C, align(64))]
pub struct Sketch {
    open: bool,
    ids: bool,
    n: u8,
    only_cjk: bool,
    has_cjk: bool,
    key: u32,
    joined: u32,
    /// 0: not an acronym.
    acronym: u32,
    initials_core: u32,
    initials_all: u32,
    /// 0: unknown.
    country: u32,
    words: [SketchWord; SKETCH_WORDS],
}

#[derive(Clone, Copy, Debug, Default)]
#[repr(C)]
struct SketchWord {
    hash: u32,
    len: u8,
    class: u8,
    /// Latin or Cyrillic (fuzzy comparison applies).
    word: bool,
    /// An abbreviation: may match a word of another spelling.
    abbreviation: bool,
}

fn hash32(s: &str) -> u32 {
    use std::hash::BuildHasher;
    (rustc_hash::FxBuildHasher.hash_one(s) >> 32) as u32 | 1
}

const CLASSES: [Class; 5] = [
    Class::Distinctive,
    Class::Generic,
    Class::Weak,
    Class::Ignored,
    Class::Number,
];

impl Sketch {
    pub fn of(p: &Party) -> Sketch {
        let mut k = Sketch {
            ids: !p.ids.is_empty(),
            country: if p.country.is_empty() {
                0
            } else {
                hash32(&p.country)
            },
            ..Sketch::default()
        };
        let [x] = p.names.as_slice() else {
            k.open = true;
            return k;
        };
        if x.words.len() > SKETCH_WORDS || x.words.iter().any(|w| w.folded.len() > 255) {
            k.open = true;
            return k;
        }
        k.n = x.words.len() as u8;
        for (s, w) in k.words.iter_mut().zip(&x.words) {
            *s = SketchWord {
                hash: hash32(&w.folded),
                len: w.folded.len() as u8,
                class: CLASSES.iter().position(|c| *c == w.class).unwrap_or(0) as u8,
                word: is_word(w),
                abbreviation: w.expanded.is_some(),
            };
        }
        k.only_cjk = x.only_cjk;
        k.has_cjk = x.has_cjk;
        k.key = hash32(&x.key);
        k.joined = hash32(&x.joined);
        k.acronym = x.acronym.as_deref().map_or(0, hash32);
        k.initials_core = hash32(&x.initials_core);
        k.initials_all = hash32(&x.initials_all);
        k
    }

    /// False only when the two parties score below `floor` for certain ([`score`]).
    pub fn could_reach(&self, other: &Sketch, floor: f64) -> bool {
        if self.open || other.open || (self.ids && other.ids) {
            return true;
        }
        // Scores are rounded to 3 decimals: keep a margin.
        let floor = floor - 0.001;
        let mut bound = f64::from(self.name_bound(other));
        if self.country != 0 && other.country != 0 && self.country != other.country {
            bound = bound.min(0.75);
        }
        bound >= floor
    }

    /// A bound of `compare_names` from above (its legal-form factor, at most 1, left out).
    fn name_bound(&self, y: &Sketch) -> f32 {
        let x = self;
        let (xw, yw) = (&x.words[..x.n as usize], &y.words[..y.n as usize]);
        if xw.is_empty() || yw.is_empty() {
            return 0.0;
        }
        if (x.only_cjk && !y.has_cjk) || (y.only_cjk && !x.has_cjk) {
            return 0.0;
        }
        if x.key == y.key || x.joined == y.joined {
            return 1.0;
        }
        let acronym_of = |short: &Sketch, long: &Sketch| {
            short.acronym != 0
                && long.n >= 2
                && (short.acronym == long.initials_core || short.acronym == long.initials_all)
        };
        if acronym_of(x, y) || acronym_of(y, x) {
            return 1.0;
        }
        let bit = |k: usize| 1u32 << k;
        let (mut px, mut py) = (0u32, 0u32);
        for (i, a) in xw.iter().enumerate() {
            for (j, b) in yw.iter().enumerate() {
                if a.could_match(b) {
                    px |= bit(i);
                    py |= bit(j);
                }
            }
        }
        // Written together: a word as long as two neighbours of the other name.
        let joins = |ws: &[SketchWord], pairs: &[SketchWord], pw: &mut u32, pp: &mut u32| {
            for (i, a) in ws.iter().enumerate() {
                if !a.word {
                    continue;
                }
                for (j, two) in pairs.windows(2).enumerate() {
                    if usize::from(a.len) == usize::from(two[0].len) + usize::from(two[1].len) {
                        *pw |= bit(i);
                        *pp |= bit(j) | bit(j + 1);
                    }
                }
            }
        };
        joins(xw, yw, &mut px, &mut py);
        joins(yw, xw, &mut py, &mut px);
        let (sx, sy) = (SketchSide::of(xw, px), SketchSide::of(yw, py));
        let total = sx.total + sy.total;
        let ratio = if total > 0.0 {
            (sx.possible + sy.possible) / total
        } else {
            0.0
        };
        // The caps, from the words that can match nothing: unmatched whatever the matching
        // does, and each cap only falls as more words are unmatched.
        let mut cap = 1.0f32;
        if (sx.num > 0 && sy.has_num) || (sy.num > 0 && sx.has_num) {
            cap = cap.min(0.2);
        } else if sx.num + sy.num > 0 {
            cap = cap.min(0.6);
        }
        if (sx.strong > 0 && sy.strong > 0) || (sx.weak > 0 && sy.weak > 0) {
            cap = cap.min(0.35);
        } else if sx.strong + sy.strong > 0 {
            cap = cap.min(if sx.distinctive + sy.distinctive > 0 {
                0.5
            } else {
                0.6
            });
        }
        if sx.weak + sy.weak > 0 && !(sx.weak > 0 && sy.weak > 0) {
            cap = cap.min(0.85);
        }
        ratio.min(cap)
    }
}

/// One name's words against a set of those that could match: weights, and what is left.
#[derive(Default)]
struct SketchSide {
    total: f32,
    possible: f32,
    has_num: bool,
    /// Words that can match nothing, by class.
    num: u32,
    weak: u32,
    strong: u32,
    distinctive: u32,
}

impl SketchSide {
    fn of(ws: &[SketchWord], can: u32) -> SketchSide {
        let mut s = SketchSide::default();
        for (k, w) in ws.iter().enumerate() {
            let class = CLASSES[usize::from(w.class)];
            let weight = class.weight();
            s.total += weight;
            s.has_num |= class == Class::Number;
            if can & (1 << k) != 0 {
                s.possible += weight;
                continue;
            }
            match class {
                Class::Number => s.num += 1,
                Class::Weak => s.weak += 1,
                Class::Distinctive => {
                    s.strong += 1;
                    s.distinctive += 1;
                }
                Class::Generic => s.strong += 1,
                Class::Ignored => {}
            }
        }
        s
    }
}

impl SketchWord {
    /// Whether `compare_names` could pair these two words (a superset of what it pairs).
    fn could_match(&self, y: &SketchWord) -> bool {
        if self.hash == y.hash {
            return true;
        }
        if !self.word || !y.word {
            return false;
        }
        if self.abbreviation || y.abbreviation {
            return true;
        }
        let (lx, ly) = (self.len, y.len);
        let allowed = if lx.min(ly) >= 13 {
            2
        } else if lx.min(ly) >= 7 {
            1
        } else {
            return false;
        };
        lx.abs_diff(ly) <= allowed
    }
}

/// Identifiers of one scheme on both sides can be compared (national numbers only within one
/// known country).
fn comparable(scheme: Scheme, a: &Party, b: &Party) -> bool {
    scheme.is_global() || (!a.country.is_empty() && a.country == b.country)
}

fn run(a: &Party, b: &Party, explain: bool) -> Comparison {
    let mut reasons: Vec<String> = Vec::new();
    // Identifiers.
    let mut shared: Option<&Identifier> = None;
    let mut conflict: Option<(Scheme, &str, &str)> = None;
    for ia in &a.ids {
        if !comparable(ia.scheme, a, b) {
            continue;
        }
        if b.ids.iter().any(|ib| ib == ia) {
            shared.get_or_insert(ia);
        } else if conflict.is_none()
            && let Some(ib) = b.ids.iter().find(|ib| ib.scheme == ia.scheme)
            && !a
                .ids
                .iter()
                .any(|x| x.scheme == ia.scheme && b.ids.contains(x))
        {
            conflict = Some((ia.scheme, &ia.value, &ib.value));
        }
    }
    // Names: the best pair, scored without words first.
    let mut best = (0.0f64, usize::MAX, usize::MAX);
    for (i, x) in a.names.iter().enumerate() {
        for (j, y) in b.names.iter().enumerate() {
            let s = compare_names(x, y, None);
            if s > best.0 || best.1 == usize::MAX {
                best = (s, i, j);
            }
        }
    }
    let mut name_reasons = Vec::new();
    if explain && best.1 != usize::MAX {
        let (x, y) = (&a.names[best.1], &b.names[best.2]);
        if a.names.len() > 1 || b.names.len() > 1 {
            name_reasons.push(format!(
                "best pair of names: «{}» / «{}»",
                x.original, y.original
            ));
        }
        compare_names(x, y, Some(&mut name_reasons));
    } else if explain {
        name_reasons.push("a party without a name".to_owned());
    }

    if let Some(id) = shared {
        if explain {
            reasons.push(format!("same identifier {id}"));
            if let Some((s, x, y)) = conflict {
                reasons.push(format!("but different {s} ({x} / {y})"));
            }
            reasons.extend(name_reasons);
        }
        return Comparison {
            score: 1.0,
            same: true,
            reasons,
        };
    }
    let mut s = best.0;
    if let Some((scheme, x, y)) = conflict {
        s = s.min(0.1);
        if explain {
            reasons.push(format!("different {scheme} ({x} / {y}): two companies"));
        }
    }
    if !a.country.is_empty() && !b.country.is_empty() && a.country != b.country {
        s = s.min(0.75);
        if explain {
            reasons.push(format!(
                "countries differ ({} / {}): no automatic match",
                a.country, b.country
            ));
        }
    }
    reasons.extend(name_reasons);
    let score = (s * 1000.0).round() / 1000.0;
    Comparison {
        score,
        same: score >= AUTO_THRESHOLD,
        reasons,
    }
}

/// How two words matched.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum How {
    Exact,
    Transliteration,
    Abbreviation,
    /// Written together on one side: this word and the next of the other side.
    Joined,
    Typo(u8),
}

impl How {
    fn sim(self) -> f32 {
        match self {
            How::Exact => 1.0,
            How::Transliteration | How::Joined => 0.97,
            How::Abbreviation => 0.92,
            How::Typo(1) => 0.88,
            How::Typo(_) => 0.85,
        }
    }
}

fn is_word(w: &Word) -> bool {
    matches!(w.script, Script::Latin | Script::Cyrillic)
}

/// How `x` and `y` (not equal when folded) can still be one word.
fn fuzzy(x: &Word, y: &Word) -> Option<How> {
    if !is_word(x) || !is_word(y) {
        return None; // numbers and Han: exact only
    }
    let (fx, fy) = (&*x.folded, &*y.folded);
    if x.expanded == Some(fy) || y.expanded == Some(fx) {
        return Some(How::Abbreviation);
    }
    let (lx, ly) = (fx.len(), fy.len());
    let shorter = lx.min(ly);
    let allowed = if shorter >= 13 {
        2
    } else if shorter >= 7 {
        1
    } else {
        return None;
    };
    if lx.abs_diff(ly) > allowed {
        return None;
    }
    let d = osa_distance(fx, fy);
    (d <= allowed).then_some(How::Typo(d as u8))
}

/// [`strsim::osa_distance`] (edits and swaps of neighbours) without allocating, for the
/// words of up to 63 bytes of ASCII that folding gives; strsim's for others.
fn osa_distance(a: &str, b: &str) -> usize {
    const N: usize = 64;
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() >= N || b.len() >= N || !a.is_ascii() || !b.is_ascii() {
        return strsim::osa_distance(
            std::str::from_utf8(a).unwrap_or_default(),
            std::str::from_utf8(b).unwrap_or_default(),
        );
    }
    let mut two = [0usize; N];
    let mut prev = [0usize; N];
    let mut curr = [0usize; N];
    for (j, p) in prev.iter_mut().enumerate().take(b.len() + 1) {
        *p = j;
    }
    for (i, &ca) in a.iter().enumerate() {
        curr[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            let mut d = (curr[j] + 1).min(prev[j + 1] + 1).min(prev[j] + cost);
            if i > 0 && j > 0 && ca != cb && ca == b[j - 1] && cb == a[i - 1] {
                d = d.min(two[j - 1] + 1);
            }
            curr[j + 1] = d;
        }
        std::mem::swap(&mut two, &mut prev);
        std::mem::swap(&mut prev, &mut curr);
    }
    prev[b.len()]
}

fn compare_names(x: &Name, y: &Name, mut why: Option<&mut Vec<String>>) -> f64 {
    macro_rules! why {
        ($($t:tt)*) => {
            if let Some(w) = why.as_deref_mut() {
                w.push(format!($($t)*));
            }
        };
    }
    let reasons_before = why.as_deref().map_or(0, Vec::len);
    if x.words.is_empty() || y.words.is_empty() {
        let empty = if x.words.is_empty() { x } else { y };
        let what = if empty.forms.is_empty() {
            "punctuation"
        } else {
            "a legal form"
        };
        why!("«{}» is only {what}: nothing to compare", empty.original);
        return 0.0;
    }
    if (x.only_cjk && !y.has_cjk) || (y.only_cjk && !x.has_cjk) {
        why!("a Chinese name and one in another script: not compared (Han is not transliterated)");
        return 0.0;
    }
    let factor = forms_factor(x, y);
    if x.key == y.key {
        let s = if x.normalized == y.normalized {
            why!("same name");
            1.0
        } else if x
            .words
            .iter()
            .zip(&y.words)
            .any(|(a, b)| a.script != b.script)
        {
            why!("same name in another script (transliteration)");
            0.97
        } else {
            why!("same name (case, punctuation or legal form differ)");
            1.0
        };
        explain_forms(x, y, true, why.as_deref_mut());
        return f64::from(s * factor);
    }
    if x.joined == y.joined && x.words.len() != y.words.len() {
        why!(
            "same letters, written together or apart («{}» / «{}»)",
            x.original,
            y.original
        );
        explain_forms(x, y, false, why.as_deref_mut());
        return f64::from(0.97 * factor);
    }

    // Word by word.
    let (nx, ny) = (x.words.len(), y.words.len());
    let mut used_y: u64 = 0;
    let mut used_x: u64 = 0;
    let mut pairs: [(u8, u8, How); MAX_WORDS] = [(0, 0, How::Exact); MAX_WORDS];
    let mut n_pairs = 0;
    let mut matched = 0.0f32;
    let bit = |k: usize| 1u64 << k;
    for (i, wx) in x.words.iter().enumerate() {
        for (j, wy) in y.words.iter().enumerate() {
            if used_y & bit(j) == 0 && wx.same_folded(wy) {
                let how = if wx.latin == wy.latin {
                    How::Exact
                } else {
                    How::Transliteration
                };
                used_x |= bit(i);
                used_y |= bit(j);
                matched += how.sim() * (wx.class.weight() + wy.class.weight());
                if n_pairs < MAX_WORDS {
                    pairs[n_pairs] = (i as u8, j as u8, how);
                    n_pairs += 1;
                }
                break;
            }
        }
    }
    if used_x.count_ones() as usize != nx || used_y.count_ones() as usize != ny {
        for (i, wx) in x.words.iter().enumerate() {
            if used_x & bit(i) != 0 {
                continue;
            }
            let mut found: Option<(usize, How, f32)> = None;
            for (j, wy) in y.words.iter().enumerate() {
                if used_y & bit(j) != 0 {
                    continue;
                }
                // Written together: this word is the other's j and j+1 ("Rostvertol" / "Rost Vertol").
                if let Some(wn) = y.words.get(j + 1)
                    && used_y & bit(j + 1) == 0
                    && is_word(wx)
                    && joined(&wx.folded, &wy.folded, &wn.folded)
                {
                    found = Some((
                        j,
                        How::Joined,
                        wx.class.weight() + wy.class.weight() + wn.class.weight(),
                    ));
                    break;
                }
                if let Some(how) = fuzzy(wx, wy)
                    && found.is_none_or(|f| how.sim() > f.1.sim())
                {
                    found = Some((j, how, wx.class.weight() + wy.class.weight()));
                }
            }
            if let Some((j, how, w)) = found {
                used_x |= bit(i);
                used_y |= bit(j);
                if how == How::Joined {
                    used_y |= bit(j + 1);
                }
                matched += how.sim() * w;
                if n_pairs < MAX_WORDS {
                    pairs[n_pairs] = (i as u8, j as u8, how);
                    n_pairs += 1;
                }
            }
        }
        // The other way round: a word of y written as two of x.
        for (j, wy) in y.words.iter().enumerate() {
            if used_y & bit(j) != 0 || !is_word(wy) {
                continue;
            }
            for i in 0..nx.saturating_sub(1) {
                if used_x & (bit(i) | bit(i + 1)) == 0
                    && joined(&wy.folded, &x.words[i].folded, &x.words[i + 1].folded)
                {
                    used_x |= bit(i) | bit(i + 1);
                    used_y |= bit(j);
                    matched += How::Joined.sim()
                        * (wy.class.weight()
                            + x.words[i].class.weight()
                            + x.words[i + 1].class.weight());
                    if n_pairs < MAX_WORDS {
                        pairs[n_pairs] = (i as u8, j as u8, How::Joined);
                        n_pairs += 1;
                    }
                    break;
                }
            }
        }
    }
    let total: f32 = x
        .words
        .iter()
        .chain(&y.words)
        .map(|w| w.class.weight())
        .sum();
    let mut s = if total > 0.0 { matched / total } else { 0.0 };

    // What is left on each side.
    let left = |ws: &[Word], used: u64, pred: &dyn Fn(&Word) -> bool| {
        ws.iter()
            .enumerate()
            .filter(|(k, w)| used & bit(*k) == 0 && pred(w))
            .count()
    };
    let is_num = |w: &Word| w.class == Class::Number;
    let is_weak = |w: &Word| w.class == Class::Weak;
    let is_strong = |w: &Word| matches!(w.class, Class::Distinctive | Class::Generic);
    let has_num = |ws: &[Word]| ws.iter().any(|w| w.class == Class::Number);
    let (num_x, num_y) = (
        left(&x.words, used_x, &is_num),
        left(&y.words, used_y, &is_num),
    );
    let (strong_x, strong_y) = (
        left(&x.words, used_x, &is_strong),
        left(&y.words, used_y, &is_strong),
    );
    let (weak_x, weak_y) = (
        left(&x.words, used_x, &is_weak),
        left(&y.words, used_y, &is_weak),
    );
    let mut cap = 1.0f32;
    let caps = |c: f32, cap: &mut f32| *cap = cap.min(c);

    // Reasons for what matched.
    if why.is_some() {
        let mut order_kept = true;
        let mut last_j = None;
        let mut sorted: Vec<(u8, u8, How)> = pairs[..n_pairs].to_vec();
        sorted.sort_by_key(|p| p.0);
        for &(i, j, how) in &sorted {
            if last_j.is_some_and(|l| j < l) {
                order_kept = false;
            }
            last_j = Some(j);
            let (wx, wy) = (&x.words[i as usize], &y.words[j as usize]);
            match how {
                How::Exact => {}
                How::Transliteration => why!("transliteration ({} / {})", wx.text, wy.text),
                How::Abbreviation => why!("abbreviation ({} / {})", wx.text, wy.text),
                How::Joined => why!("written together or apart ({} / {})", wx.text, wy.text),
                How::Typo(1) => why!("one letter differs ({} / {})", wx.text, wy.text),
                How::Typo(_) => why!("two letters differ ({} / {})", wx.text, wy.text),
            }
        }
        if !order_kept {
            why!("word order differs");
        }
        let matched_words = n_pairs;
        if matched_words > 0 && num_x + num_y + strong_x + strong_y + weak_x + weak_y == 0 {
            why!("all words match");
        }
    }
    let list = |ws: &[Word], used: u64, pred: &dyn Fn(&Word) -> bool| -> String {
        ws.iter()
            .enumerate()
            .filter(|(k, w)| used & bit(*k) == 0 && pred(w))
            .map(|(_, w)| &*w.text)
            .collect::<Vec<_>>()
            .join(" ")
    };
    if (num_x > 0 && has_num(&y.words)) || (num_y > 0 && has_num(&x.words)) {
        caps(0.2, &mut cap);
        why!(
            "numbers differ ({} / {})",
            list(&x.words, used_x, &is_num),
            list(&y.words, used_y, &is_num)
        );
    } else if num_x + num_y > 0 {
        caps(0.6, &mut cap);
        let (ws, used, name) = if num_x > 0 {
            (&x.words, used_x, x)
        } else {
            (&y.words, used_y, y)
        };
        why!(
            "number {} only in «{}»",
            list(ws, used, &is_num),
            name.original
        );
    }
    if (strong_x > 0 && strong_y > 0) || (weak_x > 0 && weak_y > 0) {
        caps(0.35, &mut cap);
        let not_num = |w: &Word| w.class != Class::Number;
        why!(
            "different words ({} / {}): two companies",
            list(&x.words, used_x, &not_num),
            list(&y.words, used_y, &not_num)
        );
    } else if strong_x + strong_y > 0 {
        let (ws, used, name) = if strong_x > 0 {
            (&x.words, used_x, x)
        } else {
            (&y.words, used_y, y)
        };
        let distinctive = ws
            .iter()
            .enumerate()
            .any(|(k, w)| used & bit(k) == 0 && w.class == Class::Distinctive);
        caps(if distinctive { 0.5 } else { 0.6 }, &mut cap);
        why!(
            "«{}» only in «{}»: a parent and its subsidiary, or two companies",
            list(ws, used, &is_strong),
            name.original
        );
    }
    if weak_x + weak_y > 0 && !(weak_x > 0 && weak_y > 0) {
        caps(0.85, &mut cap);
        let (ws, used, name) = if weak_x > 0 {
            (&x.words, used_x, x)
        } else {
            (&y.words, used_y, y)
        };
        why!("«{}» only in «{}»", list(ws, used, &is_weak), name.original);
    }
    s = s.min(cap);

    // An acronym of the other name.
    let acronym_of = |short: &Name, long: &Name| {
        short.acronym.as_deref().is_some_and(|a| {
            long.words.len() >= 2 && (a == &*long.initials_core || a == &*long.initials_all)
        })
    };
    if s < 0.8 && (acronym_of(x, y) || acronym_of(y, x)) {
        if let Some(w) = why.as_deref_mut() {
            w.truncate(reasons_before);
            let (short, long) = if acronym_of(x, y) { (x, y) } else { (y, x) };
            w.push(format!(
                "«{}» is the initials of «{}» (acronym: a guess)",
                short.original, long.original
            ));
        }
        s = 0.8;
    }
    explain_forms(x, y, false, why);
    f64::from(s * factor)
}

/// Whether `whole` is `a` followed by `b`.
fn joined(whole: &str, a: &str, b: &str) -> bool {
    whole.len() == a.len() + b.len() && whole.starts_with(a) && whole.ends_with(b)
}

fn strict_families(n: &Name) -> impl Iterator<Item = Family> + '_ {
    n.forms
        .iter()
        .map(|f| forms::family(f))
        .filter(|f| *f != Family::Loose)
}

/// 0.95 when both names carry Russian legal forms of different families (ООО / АО), else 1.
fn forms_factor(x: &Name, y: &Name) -> f32 {
    let (mut any_x, mut shared) = (false, false);
    for fx in strict_families(x) {
        any_x = true;
        shared |= strict_families(y).any(|fy| fy == fx);
    }
    if !any_x || shared || strict_families(y).next().is_none() {
        1.0
    } else {
        0.95
    }
}

fn explain_forms(x: &Name, y: &Name, names_equal: bool, why: Option<&mut Vec<String>>) {
    let Some(why) = why else { return };
    let wx = x.forms_written.join(" ");
    let wy = y.forms_written.join(" ");
    if forms_factor(x, y) < 1.0 {
        why.push(format!("legal forms of different kinds ({wx} / {wy})"));
        return;
    }
    let norm = |s: &str| analyse(s).normalized;
    if norm(&wx) == norm(&wy) {
        return;
    }
    let show = |s: &str| {
        if s.is_empty() {
            "none".to_owned()
        } else {
            s.to_owned()
        }
    };
    if names_equal {
        why.push(format!(
            "legal forms differ only ({} / {})",
            show(&wx),
            show(&wy)
        ));
    } else {
        why.push(format!(
            "legal forms ({} / {}) not counted",
            show(&wx),
            show(&wy)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::{Party, Sketch, score};

    /// The sketch's bound never rules out a pair that scores: every name of the labelled
    /// benchmark against every other, at three floors.
    #[test]
    fn a_sketch_never_rules_out_a_pair_that_scores() {
        let file = include_str!("../../benches/names/pairs.csv");
        let mut reader = csv::Reader::from_reader(file.as_bytes());
        let mut sides: Vec<String> = Vec::new();
        for row in reader.records() {
            let row = row.unwrap();
            sides.push(row[0].to_owned());
            sides.push(row[1].to_owned());
        }
        sides.sort();
        sides.dedup();
        let parties: Vec<(Party, Sketch)> = sides
            .iter()
            .map(|s| {
                let names: Vec<&str> = s.split(" | ").collect();
                let p = Party::new(&names, &[], "");
                let k = Sketch::of(&p);
                (p, k)
            })
            .collect();
        let (mut checked, mut ruled_out) = (0, 0);
        for (a, ka) in &parties {
            for (b, kb) in &parties {
                let s = score(a, b);
                for floor in [0.5, 0.7, 0.9] {
                    checked += 1;
                    if !ka.could_reach(kb, floor) {
                        ruled_out += 1;
                        assert!(
                            s < floor,
                            "{:?} / {:?}: {s}",
                            a.names().next(),
                            b.names().next()
                        );
                    }
                }
            }
        }
        // And it rules out most pairs, or it would be no use.
        assert!(ruled_out * 2 > checked, "{ruled_out} of {checked}");
    }

    #[test]
    fn osa_distance_is_strsims() {
        let words = [
            "",
            "a",
            "ab",
            "ba",
            "abc",
            "acb",
            "helicopter",
            "helicoptre",
            "helicopters",
            "hellicopter",
            "ulanudenski",
            "ulanudenskii",
            "kazan",
            "kazna",
            "rostvertol",
            "rostvertolt",
            "obedinenaia",
            "obiedinenaia",
            "caabcaab",
            "abcabcab",
        ];
        for a in words {
            for b in words {
                assert_eq!(
                    super::osa_distance(a, b),
                    strsim::osa_distance(a, b),
                    "{a:?} / {b:?}"
                );
            }
        }
        let long = "x".repeat(70);
        assert_eq!(super::osa_distance(&long, &long), 0);
        assert_eq!(super::osa_distance(&long, "xx"), 68);
        assert_eq!(super::osa_distance("завод", "заовд"), 1);
    }
}
