//! Registry numbers as (scheme, value): INN, OGRN, USCC (统一社会信用代码), LEI, IMO, OKPO, OFAC
//! and EU list ids, and national registration and tax numbers.
//!
//! [`parse_identifier`] takes a value as found in a file: it drops spaces and dashes, upper-
//! cases, and checks the check digit where the scheme has one (INN: 10 or 12 digits, OGRN 13
//! or 15, USCC 18 characters, LEI ISO 17442 mod 97, IMO 7 digits, OKPO 8 or 10 digits); the
//! error says why in words. [`Scheme::from_label`] reads a column header or FtM property
//! ("ИНН получателя", "Shipper Tax ID", "innCode", "统一社会信用代码").

use std::fmt;

/// The register an identifier comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scheme {
    /// Russian taxpayer number (ИНН): 10 digits for a company, 12 for a person.
    Inn,
    /// Russian primary state registration number (ОГРН): 13 digits, 15 for an entrepreneur.
    Ogrn,
    /// Chinese unified social credit code (统一社会信用代码): 18 characters.
    Uscc,
    /// Legal Entity Identifier (ISO 17442): 20 characters.
    Lei,
    /// IMO ship or company number: 7 digits.
    Imo,
    /// Russian statistics code (ОКПО): 8 or 10 digits.
    Okpo,
    /// OFAC SDN list entry id.
    Ofac,
    /// EU sanctions list reference.
    Eu,
    /// A national company registration number (meaningful within one country).
    Registration,
    /// A national tax or VAT number (meaningful within one country).
    Tax,
    /// Any other number (meaningful within one country).
    Other,
}

impl Scheme {
    pub const ALL: [Scheme; 11] = [
        Scheme::Inn,
        Scheme::Ogrn,
        Scheme::Uscc,
        Scheme::Lei,
        Scheme::Imo,
        Scheme::Okpo,
        Scheme::Ofac,
        Scheme::Eu,
        Scheme::Registration,
        Scheme::Tax,
        Scheme::Other,
    ];

    /// The label stored and shown: "INN", "OGRN", "USCC", "LEI", "IMO", "OKPO", "OFAC", "EU",
    /// "REG", "TAX", "OTHER".
    pub fn as_str(&self) -> &'static str {
        match self {
            Scheme::Inn => "INN",
            Scheme::Ogrn => "OGRN",
            Scheme::Uscc => "USCC",
            Scheme::Lei => "LEI",
            Scheme::Imo => "IMO",
            Scheme::Okpo => "OKPO",
            Scheme::Ofac => "OFAC",
            Scheme::Eu => "EU",
            Scheme::Registration => "REG",
            Scheme::Tax => "TAX",
            Scheme::Other => "OTHER",
        }
    }

    /// A number that identifies a company in every country (INN, OGRN, USCC, LEI, IMO, OKPO,
    /// list ids); the others name one only within its country.
    pub fn is_global(&self) -> bool {
        !matches!(self, Scheme::Registration | Scheme::Tax | Scheme::Other)
    }

    /// The scheme a column header, FtM property or label names: "INN", "ИНН", "innCode",
    /// "Consignee INN", "ИНН получателя", "Tax ID", "VAT number", "USCC", "统一社会信用代码",
    /// "leiCode", "imoNumber", "registrationNumber", "OFAC ID", … `None` when none.
    pub fn from_label(text: &str) -> Option<Scheme> {
        let compact: String = text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        if compact.is_empty() {
            return None;
        }
        if let Some(s) = Scheme::ALL
            .iter()
            .find(|s| s.as_str().to_lowercase() == compact)
        {
            return Some(*s);
        }
        const EXACT: &[(&str, Scheme)] = &[
            ("inncode", Scheme::Inn),
            ("taxpayeridentificationnumber", Scheme::Inn),
            ("ogrncode", Scheme::Ogrn),
            ("primarystateregistrationnumber", Scheme::Ogrn),
            ("unifiedsocialcreditcode", Scheme::Uscc),
            ("unifiedsocialcreditidentifier", Scheme::Uscc),
            ("socialcreditcode", Scheme::Uscc),
            ("usccode", Scheme::Uscc),
            ("leicode", Scheme::Lei),
            ("legalentityidentifier", Scheme::Lei),
            ("imonumber", Scheme::Imo),
            ("okpocode", Scheme::Okpo),
            ("ofacid", Scheme::Ofac),
            ("ofacuid", Scheme::Ofac),
            ("sdnuid", Scheme::Ofac),
            ("euid", Scheme::Eu),
            ("eureference", Scheme::Eu),
            ("registration", Scheme::Registration),
            ("registrationnumber", Scheme::Registration),
            ("registrationno", Scheme::Registration),
            ("registrationid", Scheme::Registration),
            ("regno", Scheme::Registration),
            ("regnumber", Scheme::Registration),
            ("companynumber", Scheme::Registration),
            ("taxid", Scheme::Tax),
            ("taxnumber", Scheme::Tax),
            ("taxno", Scheme::Tax),
            ("taxcode", Scheme::Tax),
            ("taxpayerid", Scheme::Tax),
            ("vat", Scheme::Tax),
            ("vatnumber", Scheme::Tax),
            ("vatcode", Scheme::Tax),
            ("tin", Scheme::Tax),
        ];
        if let Some((_, s)) = EXACT.iter().find(|(l, _)| *l == compact) {
            return Some(*s);
        }
        if compact.contains("统一社会信用代码") {
            return Some(Scheme::Uscc);
        }
        // A scheme's word among the label's words: "Consignee INN", "ИНН получателя".
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        const WORDS: &[(&str, Scheme)] = &[
            ("inn", Scheme::Inn),
            ("инн", Scheme::Inn),
            ("ogrn", Scheme::Ogrn),
            ("огрн", Scheme::Ogrn),
            ("uscc", Scheme::Uscc),
            ("lei", Scheme::Lei),
            ("imo", Scheme::Imo),
            ("okpo", Scheme::Okpo),
            ("окпо", Scheme::Okpo),
            ("ofac", Scheme::Ofac),
            ("vat", Scheme::Tax),
            ("tin", Scheme::Tax),
            ("taxpayer", Scheme::Tax),
        ];
        for w in &words {
            if let Some((_, s)) = WORDS.iter().find(|(l, _)| l == w) {
                return Some(*s);
            }
        }
        let has = |w: &str| words.iter().any(|x| x == w);
        if has("tax") && (has("id") || has("number") || has("no") || has("code")) {
            return Some(Scheme::Tax);
        }
        if has("registration") || (has("reg") && (has("no") || has("number"))) {
            return Some(Scheme::Registration);
        }
        None
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A checked, normalised identifier.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Identifier {
    pub scheme: Scheme,
    pub value: String,
}

impl fmt::Display for Identifier {
    /// "INN 0323018510".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.scheme, self.value)
    }
}

/// Normalises `raw` (spaces and dashes out, upper case, a leading "IMO" dropped) and checks
/// the check digit where the scheme has one. The error says why in words.
pub fn parse_identifier(scheme: Scheme, raw: &str) -> Result<Identifier, String> {
    let mut value: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '‐' | '‑' | '–' | '—'))
        .flat_map(char::to_uppercase)
        .collect();
    if scheme == Scheme::Imo
        && let Some(rest) = value.strip_prefix("IMO")
    {
        value = rest.trim_start_matches([':', '.']).to_owned();
    }
    let name = scheme.as_str();
    if value.is_empty() {
        return Err(format!("an empty {name}"));
    }
    if value.chars().count() > 64 {
        return Err(format!(
            "{name} \"{}…\" is too long to be one",
            value.chars().take(20).collect::<String>()
        ));
    }
    let digits = || -> Result<Vec<u32>, String> {
        value
            .chars()
            .map(|c| {
                c.to_digit(10)
                    .ok_or_else(|| format!("{name} \"{value}\": only digits allowed, not '{c}'"))
            })
            .collect()
    };
    let lengths = |want: &str| {
        format!(
            "{name} \"{value}\" has {} characters; {want}",
            value.chars().count()
        )
    };
    let bad_check = || {
        format!(
            "{name} \"{value}\": the check digit does not match (a typing error, or not an {name})"
        )
    };
    match scheme {
        Scheme::Inn => {
            let d = digits()?;
            let ok = match d.len() {
                10 => check(&d[..9], &[2, 4, 10, 3, 5, 9, 4, 6, 8], 11) == d[9],
                12 => {
                    check(&d[..10], &[7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 11) == d[10]
                        && check(&d[..11], &[3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8], 11) == d[11]
                }
                _ => return Err(lengths("an INN has 10 digits (a company) or 12 (a person)")),
            };
            if !ok {
                return Err(bad_check());
            }
        }
        Scheme::Ogrn => {
            let d = digits()?;
            let m = match d.len() {
                13 => 11,
                15 => 13,
                _ => return Err(lengths("an OGRN has 13 digits (15 for an entrepreneur)")),
            };
            let rest = d[..d.len() - 1]
                .iter()
                .fold(0u64, |acc, x| (acc * 10 + u64::from(*x)) % m);
            if (rest % 10) as u32 != d[d.len() - 1] {
                return Err(bad_check());
            }
        }
        Scheme::Uscc => {
            const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
            const W: [u32; 17] = [
                1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
            ];
            if value.chars().count() != 18 {
                return Err(lengths("a USCC has 18"));
            }
            let mut sum = 0;
            let mut last = 0;
            for (i, c) in value.chars().enumerate() {
                let v = ALPHABET.find(c).ok_or_else(|| {
                    format!("USCC \"{value}\": '{c}' is not used in the code (digits and capitals but I, O, S, V, Z)")
                })? as u32;
                if i < 17 {
                    sum += v * W[i];
                } else {
                    last = v;
                }
            }
            if (31 - sum % 31) % 31 != last {
                return Err(bad_check());
            }
        }
        Scheme::Lei => {
            if value.chars().count() != 20 {
                return Err(lengths("a LEI has 20"));
            }
            let mut rest = 0u32;
            for c in value.chars() {
                let v = c.to_digit(36).ok_or_else(|| {
                    format!("LEI \"{value}\": only digits and capital letters, not '{c}'")
                })?;
                rest = if v >= 10 {
                    (rest * 100 + v) % 97
                } else {
                    (rest * 10 + v) % 97
                };
            }
            if rest != 1 {
                return Err(format!(
                    "LEI \"{value}\": the check digits do not match (ISO 17442, mod 97)"
                ));
            }
        }
        Scheme::Imo => {
            let d = digits()?;
            if d.len() != 7 {
                return Err(lengths("an IMO number has 7 digits"));
            }
            let sum: u32 = d[..6]
                .iter()
                .zip([7, 6, 5, 4, 3, 2])
                .map(|(x, w)| x * w)
                .sum();
            if sum % 10 != d[6] {
                return Err(bad_check());
            }
        }
        Scheme::Okpo => {
            let d = digits()?;
            if d.len() != 8 && d.len() != 10 {
                return Err(lengths(
                    "an OKPO code has 8 digits (10 for an entrepreneur)",
                ));
            }
            let body = &d[..d.len() - 1];
            let weighted = |from: u32| -> u32 {
                body.iter()
                    .enumerate()
                    .map(|(i, x)| x * ((from + i as u32 - 1) % 10 + 1))
                    .sum::<u32>()
                    % 11
            };
            let mut c = weighted(1);
            if c == 10 {
                c = weighted(3);
            }
            if c == 10 {
                c = 0;
            }
            if c != d[d.len() - 1] {
                return Err(bad_check());
            }
        }
        Scheme::Ofac | Scheme::Eu | Scheme::Registration | Scheme::Tax | Scheme::Other => {
            if let Some(c) = value
                .chars()
                .find(|c| !c.is_alphanumeric() && !matches!(c, '.' | '/'))
            {
                return Err(format!(
                    "{name} \"{value}\": '{c}' is not part of an identifier"
                ));
            }
        }
    }
    Ok(Identifier { scheme, value })
}

/// Σ digit × weight, mod `m`, mod 10.
fn check(d: &[u32], weights: &[u32], m: u32) -> u32 {
    d.iter().zip(weights).map(|(x, w)| x * w).sum::<u32>() % m % 10
}

/// Reads "INN:0323018510" (a label, a colon, a value): `None` when the text before the colon
/// is not a scheme's label (so "Poly: a name" stays a name).
pub fn parse_tagged(text: &str) -> Option<Result<Identifier, String>> {
    let (label, value) = text.split_once(':')?;
    let scheme = Scheme::from_label(label.trim())?;
    Some(parse_identifier(scheme, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_identifiers_pass_their_checks() {
        for (s, v) in [
            (Scheme::Inn, "0323018510"),
            (Scheme::Inn, "7704274402"),
            (Scheme::Inn, "7731559044"),
            (Scheme::Inn, "7731644035"),
            (Scheme::Inn, "7802375335"),
            (Scheme::Inn, "0273008320"),
            (Scheme::Inn, "7610052644"),
            (Scheme::Inn, "7718852163"),
            (Scheme::Ogrn, "1020300887793"),
            (Scheme::Ogrn, "1077799030847"),
            (Scheme::Ogrn, "1077746003334"),
            (Scheme::Ogrn, "1107746081717"),
            (Scheme::Ogrn, "1069847546383"),
            (Scheme::Ogrn, "1020202388359"),
            (Scheme::Ogrn, "1027601106169"),
            (Scheme::Ogrn, "1117746521452"),
            (Scheme::Uscc, "911100001000128855"),
            (Scheme::Uscc, "91110000100001529B"),
            (Scheme::Uscc, "91110000710935732K"),
            // GLEIF's own LEI, and an IMO number from the IMO's examples.
            (Scheme::Lei, "5493001KJTIIGC8Y1R12"),
            (Scheme::Imo, "IMO 9074729"),
        ] {
            let id = parse_identifier(s, v).unwrap_or_else(|e| panic!("{s} {v}: {e}"));
            assert_eq!(id.scheme, s);
        }
    }

    #[test]
    fn normalisation_and_errors_in_words() {
        assert_eq!(
            parse_identifier(Scheme::Inn, " 0323-018 510 ")
                .unwrap()
                .value,
            "0323018510"
        );
        assert_eq!(
            parse_identifier(Scheme::Uscc, "91110000100001529b")
                .unwrap()
                .value,
            "91110000100001529B"
        );
        let e = parse_identifier(Scheme::Inn, "0323018511").unwrap_err();
        assert!(e.contains("check digit"), "{e}");
        let e = parse_identifier(Scheme::Inn, "032301851").unwrap_err();
        assert!(e.contains("10 digits"), "{e}");
        let e = parse_identifier(Scheme::Inn, "03230185x0").unwrap_err();
        assert!(e.contains("only digits"), "{e}");
        assert!(parse_identifier(Scheme::Ogrn, "1020300887794").is_err());
        assert!(parse_identifier(Scheme::Uscc, "91110000100001529C").is_err());
        assert!(parse_identifier(Scheme::Uscc, "91110000100001529").is_err());
        assert!(parse_identifier(Scheme::Lei, "5493001KJTIIGC8Y1R13").is_err());
        assert!(parse_identifier(Scheme::Imo, "9074728").is_err());
        assert!(
            parse_identifier(Scheme::Tax, "")
                .unwrap_err()
                .contains("empty")
        );
        assert!(parse_identifier(Scheme::Tax, &"9".repeat(100_000)).is_err());
        assert_eq!(
            parse_identifier(Scheme::Tax, "de 123 456 789")
                .unwrap()
                .value,
            "DE123456789"
        );
    }

    #[test]
    fn okpo_check_digit() {
        // A number made for the test: 9·1 + 4·2 + 1·3 + 3·4 + 7·5 + 7·6 + 7·7 = 158 = 14·11 + 4.
        assert!(parse_identifier(Scheme::Okpo, "94137774").is_ok());
        assert!(parse_identifier(Scheme::Okpo, "94137773").is_err());
    }

    #[test]
    fn labels() {
        for (l, s) in [
            ("INN", Scheme::Inn),
            ("ИНН", Scheme::Inn),
            ("innCode", Scheme::Inn),
            ("Consignee INN", Scheme::Inn),
            ("ИНН получателя", Scheme::Inn),
            ("ОГРН", Scheme::Ogrn),
            ("ogrnCode", Scheme::Ogrn),
            ("USCC", Scheme::Uscc),
            ("统一社会信用代码", Scheme::Uscc),
            ("Unified Social Credit Code", Scheme::Uscc),
            ("leiCode", Scheme::Lei),
            ("imoNumber", Scheme::Imo),
            ("OFAC ID", Scheme::Ofac),
            ("Shipper Tax ID", Scheme::Tax),
            ("taxNumber", Scheme::Tax),
            ("VAT number", Scheme::Tax),
            ("registrationNumber", Scheme::Registration),
            ("Reg. No.", Scheme::Registration),
            ("okpoCode", Scheme::Okpo),
        ] {
            assert_eq!(Scheme::from_label(l), Some(s), "{l}");
        }
        for l in ["", "Shipper", "Declared Value (USD)", "innovation"] {
            assert_eq!(Scheme::from_label(l), None, "{l}");
        }
    }

    #[test]
    fn tagged_values() {
        assert_eq!(
            parse_tagged("INN:0323018510"),
            Some(Ok(Identifier {
                scheme: Scheme::Inn,
                value: "0323018510".into()
            }))
        );
        assert!(matches!(parse_tagged("INN:123"), Some(Err(_))));
        assert_eq!(parse_tagged("Poly: a name"), None);
        assert_eq!(parse_tagged("no colon"), None);
    }
}
