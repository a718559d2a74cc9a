//! Characters to tokens: Unicode normalisation, case folding, punctuation, scripts and
//! transliteration to Latin.
//!
//! A name is put in NFC (so byte spans point into text that looks as written), then read one
//! character at a time: each is NFKC-normalised and lower-cased, `ё` becomes `е`, quotes and
//! dashes separate words, an apostrophe inside a word disappears (`Ob'yedinennaya`), a dot
//! between single letters joins them (`S.A.` is `sa`). Digits, Han and letters form separate
//! tokens (`№432` is `432`, `第101无线电厂` is `第`, `101`, `无线电厂`). Each token gets a Latin
//! form (Cyrillic by one fixed table, other scripts by `any_ascii`; Han stays Han) and a
//! *folded* form in which the spelling variants of Russian transliteration coincide
//! (`Udenskiy` / `Udenskii` / `Udensky`, `kh` / `h`, `ts` / `c`, `ks` / `x`, `yo` / `e`, double
//! letters).

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// The writing system of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Script {
    /// Latin letters (and letters of scripts `any_ascii` transliterates).
    Latin,
    /// Cyrillic letters (possibly mixed with Latin look-alikes).
    Cyrillic,
    /// Han, kana or hangul: compared as written, never transliterated.
    Cjk,
    /// ASCII digits only.
    Digit,
}

/// One word of a name.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    /// Byte span in the NFC text.
    pub start: usize,
    pub end: usize,
    /// Lower-case NFKC text, `ё` as `е`.
    pub text: String,
    /// Lower-case Latin transliteration (Han stays Han, digits stay digits).
    pub latin: String,
    pub script: Script,
    /// Inside ( ) or [ ]: the byte offset of the opening bracket.
    pub paren: Option<usize>,
}

/// The NFC form of `name` (borrowed when it already is).
pub(crate) fn nfc(name: &str) -> std::borrow::Cow<'_, str> {
    if is_nfc_quick(name.chars()) == unicode_normalization::IsNormalized::Yes {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(name.nfc().collect())
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xAC00..=0xD7AF    // hangul syllables
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x3FFFF) // CJK extensions B–H
}

fn is_cyrillic(c: char) -> bool {
    matches!(c as u32, 0x0400..=0x052F)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`' | '´' | 'ʻ' | '′')
}

/// What one normalised character does to the token being built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Letter,
    Cjk,
    Digit,
    /// A combining mark left alone by NFC: part of the word, dropped from its text.
    Mark,
    Sep,
}

fn kind_of(c: char) -> Kind {
    if c.is_ascii_digit() {
        Kind::Digit
    } else if is_cjk(c) {
        Kind::Cjk
    } else if c.is_alphabetic() {
        Kind::Letter
    } else if c.is_numeric() {
        // Non-ASCII digits (Arabic-Indic, …): any_ascii gives their value.
        Kind::Letter
    } else if is_mark(c) {
        Kind::Mark
    } else {
        Kind::Sep
    }
}

fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// A token as first cut, before single letters with dots are joined.
struct Raw {
    start: usize,
    end: usize,
    text: String,
    kind: Kind,
    paren: Option<usize>,
    /// Followed by exactly one '.' and then the next token.
    dot_after: bool,
}

#[derive(Default)]
struct Cutter {
    raw: Vec<Raw>,
    /// The token being built: start, text, kind.
    cur: Option<(usize, String, Kind)>,
    paren: Vec<usize>,
    /// Separators since the last token ended, and whether all were '.'.
    seps: usize,
    seps_dots: bool,
}

impl Cutter {
    fn flush(&mut self, end: usize) {
        if let Some((start, text, kind)) = self.cur.take()
            && !text.is_empty()
        {
            let paren = self.paren.last().copied();
            self.raw.push(Raw {
                start,
                end,
                text,
                kind,
                paren,
                dot_after: false,
            });
            self.seps = 0;
            self.seps_dots = true;
        }
    }

    fn sep(&mut self, at: usize, dot: bool) {
        self.flush(at);
        self.seps += 1;
        self.seps_dots &= dot;
    }

    fn char(&mut self, at: usize, d: char) {
        let kind = kind_of(d);
        match kind {
            Kind::Sep => self.sep(at, d == '.'),
            Kind::Mark => {} // a stray combining mark: dropped
            _ => {
                if self.cur.as_ref().is_none_or(|t| t.2 != kind) {
                    self.flush(at);
                    let one_dot = self.seps == 1 && self.seps_dots;
                    if let Some(last) = self.raw.last_mut() {
                        last.dot_after = one_dot && last.end < at;
                    }
                    self.seps = 0;
                    self.seps_dots = true;
                    self.cur = Some((at, String::new(), kind));
                }
                if let Some((_, t, _)) = &mut self.cur {
                    for l in d.to_lowercase() {
                        t.push(if l == 'ё' || l == 'ѐ' { 'е' } else { l });
                    }
                }
            }
        }
    }
}

/// Splits NFC text into tokens. `max_tokens` bounds the work on hostile input.
pub(crate) fn tokenize(text: &str, max_tokens: usize) -> Vec<Token> {
    let mut cut = Cutter {
        seps_dots: true,
        ..Cutter::default()
    };
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if cut.raw.len() >= max_tokens {
            break;
        }
        match c {
            '(' | '[' | '{' | '（' | '［' => {
                cut.sep(at, false);
                cut.paren.push(at);
                continue;
            }
            ')' | ']' | '}' | '）' | '］' => {
                cut.sep(at, false);
                cut.paren.pop();
                continue;
            }
            '№' => {
                cut.sep(at, false);
                continue;
            }
            _ => {}
        }
        if is_apostrophe(c) {
            let in_word = matches!(&cut.cur, Some((_, _, Kind::Letter)));
            let next_letter = chars
                .peek()
                .is_some_and(|&(_, n)| n.is_alphabetic() && !is_cjk(n));
            if in_word && next_letter {
                continue; // inside a word: dropped, the word goes on
            }
        }
        if c.is_ascii() {
            cut.char(at, c);
        } else {
            for d in std::iter::once(c).nfkc() {
                cut.char(at, d);
            }
        }
    }
    cut.flush(text.len());
    let raw = cut.raw;

    // Runs of single letters each followed by one '.' are one word: "S.A.", "J.S.C.".
    let single = |r: &Raw| r.kind == Kind::Letter && r.text.chars().count() == 1;
    let mut out: Vec<Token> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let mut j = i;
        while j + 1 < raw.len() && single(&raw[j]) && raw[j].dot_after && single(&raw[j + 1]) {
            j += 1;
        }
        let text: String = raw[i..=j].iter().map(|r| r.text.as_str()).collect();
        let script = match raw[i].kind {
            Kind::Digit => Script::Digit,
            Kind::Cjk => Script::Cjk,
            _ if text.chars().any(is_cyrillic) => Script::Cyrillic,
            _ => Script::Latin,
        };
        let latin = to_latin(&text, script);
        out.push(Token {
            start: raw[i].start,
            end: raw[j].end,
            text,
            latin,
            script,
            paren: raw[i].paren,
        });
        i = j + 1;
    }
    out
}

/// Russian and other Cyrillic letters in Latin: the plain system customs files and the OFAC,
/// EU and UK lists mostly use (BGN/PCGN without diacritics; `ъ` and `ь` dropped).
fn cyrillic(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' | 'є' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'ю' => "yu",
        'я' => "ya",
        'ї' => "yi",
        'ґ' => "g",
        'ј' => "j",
        'ћ' => "c",
        'ђ' => "d",
        'љ' => "lj",
        'њ' => "nj",
        'џ' => "dz",
        'ѓ' => "g",
        'ќ' => "k",
        'ѕ' => "dz",
        'қ' => "k",
        'ғ' => "g",
        'ң' => "n",
        'ү' | 'ұ' => "u",
        'ө' => "o",
        'һ' => "h",
        'ә' => "a",
        _ => return None,
    })
}

/// The Latin form of a token's text.
pub(crate) fn to_latin(text: &str, script: Script) -> String {
    match script {
        Script::Cjk | Script::Digit => text.to_owned(),
        Script::Latin | Script::Cyrillic => {
            if text.is_ascii() {
                return text.to_owned();
            }
            let mut out = String::with_capacity(text.len());
            for c in text.chars() {
                if c.is_ascii() {
                    out.push(c);
                } else if let Some(l) = cyrillic(c) {
                    out.push_str(l);
                } else {
                    let a = any_ascii::any_ascii_char(c);
                    out.extend(
                        a.chars()
                            .filter(|x| x.is_ascii_alphanumeric())
                            .map(|x| x.to_ascii_lowercase()),
                    );
                }
            }
            out
        }
    }
}

/// The folded form of a Latin token: the spellings that Russian transliteration systems and
/// customs clerks vary between coincide. Digits and Han are returned as they are.
pub(crate) fn fold(latin: &str) -> String {
    if !latin.is_ascii() || latin.bytes().all(|b| b.is_ascii_digit()) {
        return latin.to_owned();
    }
    let mut s = latin.to_owned();
    // Plurals: "industries" / "industry", "helicopters" / "helicopter".
    if s.len() > 4 && s.ends_with("ies") {
        s.truncate(s.len() - 3);
        s.push('y');
    } else if s.len() > 4 && s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("us") {
        s.pop();
    }
    for (from, to) in [
        ("shch", "sh"),
        ("sch", "sh"),
        ("tch", "ch"),
        ("kh", "h"),
        ("ts", "c"),
        ("tz", "c"),
        ("ph", "f"),
        ("ck", "k"),
        ("w", "v"),
        ("x", "ks"),
        ("j", "y"),
        // ё is е (the issue's rule), so its Latin "yo" is "e": Vertolyoty / Vertolety.
        ("yo", "e"),
        ("y", "i"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // Double letters: "Rossii" / "Rosii", "ii" / "i" ("Udenskii" / "Udenskiy").
    let mut out = String::with_capacity(s.len());
    let mut prev = '\0';
    for c in s.chars() {
        if c != prev {
            out.push(c);
        }
        prev = c;
    }
    // "ye" / "e" (Obyedinennaya / Obedinennaya; Aktsionernoye / Aktsionernoe).
    if out.contains("ie") {
        out = out.replace("ie", "e");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokenize(&nfc(s), 1000)
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    #[test]
    fn tokens_split_on_punctuation_scripts_and_digits() {
        assert_eq!(texts("АО «У-УАЗ»"), ["ао", "у", "уаз"]);
        assert_eq!(texts("Plant №432"), ["plant", "432"]);
        assert_eq!(
            texts("第101无线电厂（伊里昂）"),
            ["第", "101", "无线电厂", "伊里昂"]
        );
        assert_eq!(texts("Ob'yedinennaya"), ["obyedinennaya"]);
        assert_eq!(texts("Объединённая"), ["объединенная"]);
        assert_eq!(texts("Foo S.A."), ["foo", "sa"]);
        assert_eq!(texts("ＡＶＩＣ"), ["avic"]);
        assert_eq!(texts("Import & Export"), ["import", "export"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let s = "Poly Technologies, Inc. (PTI)";
        let t = tokenize(s, 100);
        assert_eq!(&s[t[2].start..t[2].end], "Inc");
        assert_eq!(t[3].paren, Some(24));
        assert_eq!(&s[t[3].start..t[3].end], "PTI");
    }

    #[test]
    fn cyrillic_to_latin_and_folding() {
        assert_eq!(to_latin("улан", Script::Cyrillic), "ulan");
        assert_eq!(to_latin("удэнский", Script::Cyrillic), "udenskiy");
        assert_eq!(fold("udenskiy"), fold("udenskii"));
        assert_eq!(fold("udenskiy"), fold("udensky"));
        assert_eq!(fold("udenskiy"), fold("udenskij"));
        assert_eq!(fold("obedinennaya"), fold("obyedinennaia"));
        assert_eq!(fold("rosoboroneksport"), fold("rosoboronexport"));
        assert_eq!(fold("khimprom"), fold("himprom"));
        assert_eq!(fold("vertolyoty"), fold("vertolety"));
        assert_eq!(fold("obyedinyonnaya"), fold("obedinennaya"));
        assert_eq!(fold("korporatsiya"), fold("korporaciya"));
        assert_eq!(fold(&to_latin("россии", Script::Cyrillic)), fold("rossii"));
        assert_ne!(fold("saturn"), fold("salyut"));
        assert_eq!(fold("432"), "432");
    }
}
