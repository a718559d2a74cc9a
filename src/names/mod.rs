//! Names of companies: normalised forms, legal forms, display names, identifiers and the
//! comparison that says whether two parties are one company, with its reasons in words.
//!
//! Plain Rust: no SQLite, no egui. Every importer, the window and the command line use it.
//! [`analyse`] reads one name once (Unicode normalisation, case, quotes and dashes, legal
//! forms, transliteration of Cyrillic to Latin); [`match_key`] is the exact-match key and
//! [`display_name`] the short label; [`Party`] holds an entity's analysed names, identifiers and
//! country, and [`compare`] scores two parties from 0 to 1 with reasons. `text` cuts characters
//! into tokens, `forms` knows legal forms, `words` the generic vocabulary, `identifiers` the
//! registry numbers and their check digits, `compare` the scoring.

mod compare;
mod forms;
pub mod identifiers;
mod text;
mod words;

#[cfg(test)]
mod tests;

pub use compare::{
    AUTO_THRESHOLD, Comparison, Party, REVIEW_THRESHOLD, Sketch, bracketed_acronym, compare, score,
};
pub use identifiers::{Identifier, Scheme, parse_identifier};

use text::Script;
use words::Class;

/// At most this many words of a name are read (a 100 KB "name" is cut, not refused).
const MAX_TOKENS: usize = 256;

/// One name, read once.
#[derive(Clone, Debug)]
pub struct Analysed {
    /// The name as given.
    pub original: String,
    /// Lower case, NFKC, `ё` as `е`, quotes, dashes and punctuation gone, words separated by
    /// one space, in their own scripts.
    pub normalized: String,
    /// `normalized` without legal forms and joining words ("and", "и").
    pub core: String,
    /// The core's words in Latin (Cyrillic transliterated; Han as written).
    pub tokens: Vec<String>,
    /// Canonical labels of the legal forms found ("JSC", "LLC", "INC", …), in order.
    pub legal_forms: Vec<&'static str>,
    /// The legal forms as written in the name ("АО", "Joint Stock Company", "有限公司").
    pub legal_forms_written: Vec<String>,
    /// The short name for labels ([`display_name`]).
    pub display: String,
    /// The core's words folded for comparison: the spellings of transliteration coincide.
    pub folded: Vec<String>,
    /// Word classes of the core, parallel to `tokens`.
    pub(crate) classes: Vec<Class>,
    /// Script of each core word, parallel to `tokens`.
    pub(crate) scripts: Vec<Script>,
    /// Each core word is inside brackets.
    pub(crate) in_parens: Vec<bool>,
    /// First letters of all words, legal forms included, connectors and prepositions not
    /// ("United Engine Corporation" → "uec").
    pub(crate) initials_all: String,
}

/// Reads a name: see [`Analysed`]. Never fails; an empty name gives empty fields.
pub fn analyse(name: &str) -> Analysed {
    let nfc = text::nfc(name);
    let toks = text::tokenize(&nfc, MAX_TOKENS);
    let mut folded: Vec<String> = toks
        .iter()
        .map(|t| {
            if t.script == Script::Cjk {
                t.text.clone()
            } else {
                text::fold(&t.latin)
            }
        })
        .collect();
    let is_word: Vec<bool> = toks
        .iter()
        .map(|t| matches!(t.script, Script::Latin | Script::Cyrillic))
        .collect();

    // Legal forms: a token is a form (whole), or a Han word ends in forms.
    let mut is_form = vec![false; toks.len()];
    let mut legal: Vec<(usize, &'static str, String, bool)> = Vec::new(); // (token, canonical, written, kept in display)
    for hit in forms::find(&folded, &is_word) {
        for f in &mut is_form[hit.start..hit.start + hit.len] {
            *f = true;
        }
        let written = nfc[toks[hit.start].start..toks[hit.start + hit.len - 1].end].to_owned();
        legal.push((hit.start, hit.canonical, written, hit.kept_in_display));
    }
    // Han: strip forms from the end of each Han word; the display end moves back with them.
    let mut cjk_end: Vec<usize> = toks.iter().map(|t| t.end).collect();
    let mut cjk_text: Vec<Option<String>> = vec![None; toks.len()];
    for (i, t) in toks.iter().enumerate() {
        if t.script != Script::Cjk {
            continue;
        }
        let (rest, found) = forms::strip_cjk(&t.text);
        if found.is_empty() {
            continue;
        }
        let stripped: usize = found.iter().map(|(f, _)| f.len()).sum();
        if nfc[t.start..t.end].ends_with(&t.text[rest.len()..]) {
            cjk_end[i] = t.end - stripped;
        }
        for (form, canonical) in found {
            legal.push((i, canonical, form.to_owned(), false));
        }
        if rest.is_empty() {
            is_form[i] = true;
        } else {
            cjk_text[i] = Some(rest.to_owned());
        }
    }
    legal.sort_by_key(|l| l.0);

    // The core: not a form, not a joining word, not "No." before a number.
    let mut a = Analysed {
        original: name.to_owned(),
        normalized: toks
            .iter()
            .map(|t| t.text.as_str())
            .collect::<Vec<_>>()
            .join(" "),
        core: String::new(),
        tokens: Vec::new(),
        legal_forms: Vec::new(),
        legal_forms_written: Vec::new(),
        display: String::new(),
        folded: Vec::new(),
        classes: Vec::new(),
        scripts: Vec::new(),
        in_parens: Vec::new(),
        initials_all: String::new(),
    };
    let mut core_text: Vec<String> = Vec::new();
    for (i, t) in toks.iter().enumerate() {
        let f = &folded[i];
        if !is_form[i] && t.script != Script::Cjk && words::is_connector(f) {
            continue;
        }
        let next_is_number = toks.get(i + 1).is_some_and(|n| n.script == Script::Digit);
        if next_is_number && (words::is_number_marker(f) || t.text == "第") {
            continue;
        }
        let class = words::class(f, t.script == Script::Digit);
        if !matches!(class, Class::Ignored | Class::Number)
            && t.script != Script::Cjk
            && let Some(c) = t.latin.chars().next()
        {
            a.initials_all.push(c);
        }
        if is_form[i] {
            continue;
        }
        let paren = t.paren.is_some();
        if t.script == Script::Cjk {
            let word = cjk_text[i].take().unwrap_or_else(|| t.text.clone());
            // "中国" before a Han name is a country, not the name: its own (weak) word.
            let parts: Vec<&str> = match word.strip_prefix("中国") {
                Some(rest) if !rest.is_empty() => vec!["中国", rest],
                _ => vec![word.as_str()],
            };
            for p in parts {
                core_text.push(p.to_owned());
                a.tokens.push(p.to_owned());
                a.folded.push(p.to_owned());
                a.classes.push(words::class(p, false));
                a.scripts.push(Script::Cjk);
                a.in_parens.push(paren);
            }
            continue;
        }
        core_text.push(t.text.clone());
        a.tokens.push(t.latin.clone());
        a.folded.push(std::mem::take(&mut folded[i]));
        a.classes.push(class);
        a.scripts.push(t.script);
        a.in_parens.push(paren);
    }
    a.core = core_text.join(" ");
    for (_, canonical, written, _) in &legal {
        if !a.legal_forms.contains(canonical) {
            a.legal_forms.push(canonical);
        }
        a.legal_forms_written.push(written.clone());
    }
    a.display = display(&nfc, &toks, &is_form, &legal, &cjk_end);
    a
}

/// The display name: legal forms at either end taken away (before a trailing bracket too),
/// the rest as written.
fn display(
    nfc: &str,
    toks: &[text::Token],
    is_form: &[bool],
    legal: &[(usize, &'static str, String, bool)],
    cjk_end: &[usize],
) -> String {
    let whole = nfc.trim().to_owned();
    // A trailing bracket group stays as it is.
    let mut main_end = toks.len();
    while main_end > 0 && toks[main_end - 1].paren.is_some() {
        main_end -= 1;
    }
    let kept = |i: usize| legal.iter().any(|l| l.0 == i && l.3);
    let strippable = |i: usize| is_form[i] && toks[i].script != Script::Cjk && !kept(i);
    let mut first = 0;
    while first < main_end && strippable(first) {
        first += 1;
    }
    let mut last = main_end;
    while last > first && strippable(last - 1) {
        last -= 1;
    }
    let cjk_cut = last > first && cjk_end[last - 1] < toks[last - 1].end;
    if first == 0 && last == main_end && !cjk_cut {
        return whole;
    }
    if first >= last {
        return whole;
    }
    // A kept name that ends inside brackets keeps its closing bracket ("Lorgar Components
    // (Hong Kong)" from "Lorgar Components (Hong Kong) Co., Limited").
    let mut end = cjk_end[last - 1];
    if toks[last - 1].paren.is_some() {
        let rest = &nfc[end..];
        let after = rest.trim_start();
        if let Some(c) = after
            .chars()
            .next()
            .filter(|c| matches!(c, ')' | ']' | '}' | '）' | '］'))
        {
            end += rest.len() - after.len() + c.len_utf8();
        }
    }
    let mut out = nfc[toks[first].start..end].to_owned();
    close_quotes(&mut out, &nfc[end..]);
    if main_end < toks.len()
        && let Some(open) = toks[main_end].paren
    {
        out.push(' ');
        out.push_str(nfc[open..].trim_end());
    }
    let out = out.trim().to_owned();
    if out.is_empty() { whole } else { out }
}

/// Appends to a display name cut after its last word the closing quotes written right after
/// it (`rest`) that its own opening quotes need: "Концерн «Брендрис»" from "АО «Концерн
/// «Брендрис»»", not "Концерн «Брендрис". Quotes that wrap the whole name stay off.
fn close_quotes(out: &mut String, rest: &str) {
    // („ “: the low opening quote of Russian and German, closed by “.)
    const PAIRS: [(char, char); 4] = [('«', '»'), ('“', '”'), ('‹', '›'), ('„', '“')];
    let open = |out: &str, (a, b): (char, char)| {
        let count = |c: char| out.chars().filter(|&x| x == c).count();
        count(a).saturating_sub(count(b))
    };
    for c in rest.chars() {
        let needed = match PAIRS.iter().find(|p| p.1 == c) {
            Some(&pair) => open(out, pair) > 0,
            None => c == '"' && out.chars().filter(|&x| x == '"').count() % 2 == 1,
        };
        if !needed {
            break;
        }
        out.push(c);
    }
}

/// Exact-match key: normalised, legal forms removed, transliterated to Latin (lower-case
/// ASCII where possible; Han stays Han); "" when nothing is left (a name of only punctuation
/// or only "ООО").
pub fn match_key(name: &str) -> String {
    analyse(name).tokens.join(" ")
}

/// Short name for labels: no legal form at either end, the rest as written ("Poly
/// Technologies" for "Poly Technologies, Inc.", "Ulan-Ude Aviation Plant" for "Joint Stock
/// Company Ulan-Ude Aviation Plant", "Улан-Удэнский авиационный завод" for "АО «Улан-Удэнский
/// авиационный завод»"). Spelled-out "Corporation" and "Company" stay ("United Engine
/// Corporation"). The whole name when nothing would be left.
pub fn display_name(name: &str) -> String {
    analyse(name).display
}

/// Keys for candidate blocking (`lading duplicates`): two names that can score at least
/// [`REVIEW_THRESHOLD`] share a key, except through a typo in their only distinctive word.
/// The keys are the distinctive words of the core, folded (or its generic words when it has
/// none), its numbers, the core written without spaces, and its initials ("acr:…") when they
/// could be an acronym. Han words are keys as written.
pub fn block_keys(a: &Analysed) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let push = |k: String, keys: &mut Vec<String>| {
        if !k.is_empty() && !keys.contains(&k) {
            keys.push(k);
        }
    };
    let distinctive = a.classes.contains(&Class::Distinctive);
    for (f, c) in a.folded.iter().zip(&a.classes) {
        let take = match c {
            Class::Distinctive | Class::Number => true,
            Class::Generic => !distinctive,
            Class::Weak | Class::Ignored => false,
        };
        if take {
            push(f.clone(), &mut keys);
        }
    }
    if a.folded.len() > 1 {
        push(a.folded.concat(), &mut keys);
    }
    let initials = compare::initials(a);
    if initials.len() >= 3 {
        push(format!("acr:{initials}"), &mut keys);
    }
    if let Some(acr) = compare::as_acronym(a) {
        push(format!("acr:{acr}"), &mut keys);
    }
    if keys.is_empty()
        && let Some(f) = a.folded.first()
    {
        push(f.clone(), &mut keys);
    }
    keys
}
