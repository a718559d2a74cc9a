//! Legal forms: АО, ООО, JSC, Inc., Ltd., 有限公司, … recognised wherever they stand and set
//! aside.
//!
//! Each form has a canonical label (АО = AO = Акционерное общество = Joint Stock Company =
//! JSC) and a family. Russian forms name precise kinds of company: a joint-stock company
//! (АО, ОАО, ПАО, ЗАО: renamed into one another by law, so one family), a limited liability
//! company (ООО), a unitary enterprise (ФГУП), a state corporation. Two names whose forms fall
//! in different Russian families are a little less likely to be one company. English and
//! Chinese forms (Inc., Corp., Co., Ltd., 有限公司) are used loosely by customs clerks and
//! never count against a match. No form counts *for* a match. Phrases are matched on folded
//! tokens, so Cyrillic, Latin transliteration and any case or punctuation all hit
//! ("АО", "AO", "A.O."; "Aktsionernoe obshchestvo").

use std::sync::OnceLock;

use super::text;

/// A family of forms; two strict families that differ count against a match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Family {
    /// Used loosely (Inc., Corp., Co., Ltd., GmbH, 有限公司): never evidence either way.
    Loose,
    JointStock,
    LimitedLiability,
    Unitary,
    StateCorporation,
}

/// (canonical label, family, phrases)
type FormRow = (&'static str, Family, &'static [&'static str]);

const FORMS: &[FormRow] = &[
    (
        "JSC",
        Family::JointStock,
        &[
            "АО",
            "Акционерное общество",
            "JSC",
            "AO",
            "Joint Stock Company",
            "Joint-Stock Company",
            "Joint Stock Co",
            "Aktsionernoe obshchestvo",
        ],
    ),
    (
        "PJSC",
        Family::JointStock,
        &[
            "ПАО",
            "Публичное акционерное общество",
            "PJSC",
            "PAO",
            "Public Joint Stock Company",
            "Public Joint-Stock Company",
        ],
    ),
    (
        "OJSC",
        Family::JointStock,
        &[
            "ОАО",
            "Открытое акционерное общество",
            "OJSC",
            "OAO",
            "Open Joint Stock Company",
            "Open Joint-Stock Company",
        ],
    ),
    (
        "CJSC",
        Family::JointStock,
        &[
            "ЗАО",
            "Закрытое акционерное общество",
            "CJSC",
            "ZAO",
            "Closed Joint Stock Company",
            "Closed Joint-Stock Company",
        ],
    ),
    (
        "NAO",
        Family::JointStock,
        &[
            "НАО",
            "Непубличное акционерное общество",
            "Non-public Joint Stock Company",
        ],
    ),
    (
        "LLC",
        Family::LimitedLiability,
        &[
            "ООО",
            "Общество с ограниченной ответственностью",
            "LLC",
            "OOO",
            "Limited Liability Company",
            "L.L.C.",
        ],
    ),
    (
        "LLP",
        Family::LimitedLiability,
        &[
            "ТОО",
            "Товарищество с ограниченной ответственностью",
            "LLP",
            "TOO",
            "Limited Liability Partnership",
        ],
    ),
    (
        "FSUE",
        Family::Unitary,
        &[
            "ФГУП",
            "Федеральное государственное унитарное предприятие",
            "FSUE",
            "FGUP",
            "Federal State Unitary Enterprise",
        ],
    ),
    (
        "SUE",
        Family::Unitary,
        &[
            "ГУП",
            "Государственное унитарное предприятие",
            "SUE",
            "GUP",
            "State Unitary Enterprise",
        ],
    ),
    (
        "State Corporation",
        Family::StateCorporation,
        &[
            "Госкорпорация",
            "Государственная корпорация",
            "State Corporation",
            "Goskorporatsiya",
        ],
    ),
    ("INC", Family::Loose, &["Inc", "Incorporated"]),
    (
        "CORP",
        Family::Loose,
        &["Corp", "Corporation", "Корпорация"],
    ),
    ("CO", Family::Loose, &["Co", "Company", "Компания"]),
    ("LTD", Family::Loose, &["Ltd", "Limited", "Ltda"]),
    ("PLC", Family::Loose, &["PLC", "Public Limited Company"]),
    ("GMBH", Family::Loose, &["GmbH"]),
    ("AG", Family::Loose, &["AG"]),
    ("SA", Family::Loose, &["SA", "SAS", "SARL"]),
    ("NV", Family::Loose, &["NV"]),
    ("BV", Family::Loose, &["BV"]),
    ("SPA", Family::Loose, &["SpA"]),
    ("SRL", Family::Loose, &["SRL"]),
    ("PTE", Family::Loose, &["Pte"]),
    ("PTY", Family::Loose, &["Pty"]),
    ("BHD", Family::Loose, &["Sdn Bhd", "Bhd"]),
    ("FZE", Family::Loose, &["FZE", "FZCO"]),
];

/// Spelled-out words a display name keeps though they are forms: "United Engine
/// Corporation" stays whole, "Poly Technologies, Inc." loses "Inc.".
const KEPT_IN_DISPLAY: &[&str] = &["Corporation", "Company", "Корпорация", "Компания"];

/// Chinese forms, stripped from the end of a Han word, longest first.
const CJK_FORMS: &[(&str, &str)] = &[
    ("股份有限公司", "JSC"),
    ("有限责任公司", "LLC"),
    ("有限責任公司", "LLC"),
    ("有限公司", "LTD"),
    ("总公司", "CORP"),
    ("總公司", "CORP"),
    ("公司", "CO"),
];

pub(crate) struct Phrase {
    pub canonical: &'static str,
    pub folded: Vec<String>,
    pub kept_in_display: bool,
}

fn phrases() -> &'static [Phrase] {
    static P: OnceLock<Vec<Phrase>> = OnceLock::new();
    P.get_or_init(|| {
        let kept: Vec<Vec<String>> = KEPT_IN_DISPLAY.iter().map(|k| fold_phrase(k)).collect();
        let mut out: Vec<Phrase> = Vec::new();
        for (canonical, _, list) in FORMS {
            for p in *list {
                let folded = fold_phrase(p);
                let kept_in_display = kept.contains(&folded);
                out.push(Phrase {
                    canonical,
                    folded,
                    kept_in_display,
                });
            }
        }
        // Longest first, so "Public Joint Stock Company" wins over "Company".
        out.sort_by_key(|p| std::cmp::Reverse(p.folded.len()));
        out
    })
}

fn fold_phrase(p: &str) -> Vec<String> {
    text::tokenize(p, 16)
        .iter()
        .map(|t| text::fold(&t.latin))
        .collect()
}

/// The family of a canonical form.
pub(crate) fn family(canonical: &str) -> Family {
    FORMS
        .iter()
        .find(|f| f.0 == canonical)
        .map_or(Family::Loose, |f| f.1)
}

/// A form found in a name: tokens `start..start + len`.
pub(crate) struct Hit {
    pub start: usize,
    pub len: usize,
    pub canonical: &'static str,
    pub kept_in_display: bool,
}

/// The forms among `folded` tokens (skipping Han and digits, which `is_word` rules out),
/// leftmost-longest, not overlapping.
pub(crate) fn find(folded: &[String], is_word: &[bool]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        let hit = phrases().iter().find(|p| {
            let n = p.folded.len();
            i + n <= folded.len()
                && (i..i + n).all(|k| is_word[k])
                && p.folded.iter().zip(&folded[i..i + n]).all(|(a, b)| a == b)
        });
        match hit {
            Some(p) => {
                let len = p.folded.len();
                hits.push(Hit {
                    start: i,
                    len,
                    canonical: p.canonical,
                    kept_in_display: p.kept_in_display,
                });
                i += len;
            }
            None => i += 1,
        }
    }
    hits
}

/// Strips Chinese forms from the end of a Han word: (what is left, the forms in the order
/// they stood, canonical labels).
pub(crate) fn strip_cjk(word: &str) -> (&str, Vec<(&'static str, &'static str)>) {
    let mut rest = word;
    let mut found = Vec::new();
    'outer: loop {
        for (form, canonical) in CJK_FORMS {
            if let Some(r) = rest.strip_suffix(form) {
                rest = r;
                found.push((*form, *canonical));
                continue 'outer;
            }
        }
        break;
    }
    found.reverse();
    (rest, found)
}
