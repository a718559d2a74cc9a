//! Parsing the values of one field: numbers, shares, flags and country codes.

/// A non-negative number, or `None` for an empty field. Accepts a leading `$` or `USD`,
/// spaces, and commas as thousands separators ("1,234.50"); refuses anything else.
pub fn parse_number(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let stripped = t
        .trim_start_matches('$')
        .trim_end_matches("USD")
        .trim_start_matches("USD")
        .trim()
        .replace([' ', '\u{a0}', '_'], "");
    let plain = if stripped.contains(',') {
        if !thousands_grouped(&stripped) {
            return Err(format!(
                "{t:?} is not a number (write decimals with a point: 1234.50)"
            ));
        }
        stripped.replace(',', "")
    } else {
        stripped
    };
    let value: f64 = plain
        .parse()
        .map_err(|_| format!("{t:?} is not a number"))?;
    if !value.is_finite() {
        return Err(format!("{t:?} is not a finite number"));
    }
    if value < 0.0 {
        return Err(format!("{t:?} is negative"));
    }
    Ok(Some(value))
}

/// "1,234,567.89": digit groups of three after the first.
fn thousands_grouped(text: &str) -> bool {
    let int = text.split('.').next().unwrap_or("");
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    !first.is_empty()
        && first.len() <= 3
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// A share in percent, 0 to 100; "100%" and "0.5" (a fraction is not guessed: 0.5 means 0.5 %).
pub fn parse_share(text: &str) -> Result<Option<f64>, String> {
    let t = text.trim().trim_end_matches('%');
    match parse_number(t)? {
        Some(v) if v > 100.0 => Err(format!("{text:?} is more than 100 %")),
        other => Ok(other),
    }
}

/// true/false, yes/no, 1/0, y/n; empty is false.
pub fn parse_bool(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "n" | "0" | "f" => Ok(false),
        "true" | "yes" | "y" | "1" | "t" => Ok(true),
        _ => Err(format!("{text:?} is not true or false")),
    }
}

/// An ISO 3166-1 alpha-2 code, upper-cased; empty is allowed (unknown).
pub fn parse_country(text: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    if t.len() == 2 && t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(t.to_ascii_uppercase());
    }
    Err(format!(
        "{t:?} is not a two-letter ISO 3166-1 country code (CN, RU, …)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(parse_number(""), Ok(None));
        assert_eq!(parse_number("1234.5"), Ok(Some(1234.5)));
        assert_eq!(parse_number(" $1,234,567.89 "), Ok(Some(1_234_567.89)));
        assert_eq!(parse_number("1 200 000 USD"), Ok(Some(1_200_000.0)));
        assert!(parse_number("-5").unwrap_err().contains("negative"));
        assert!(parse_number("abc").unwrap_err().contains("not a number"));
        assert!(parse_number("12,5").is_err());
        assert!(parse_number("NaN").is_err());
        assert!(parse_number("inf").is_err());
    }

    #[test]
    fn shares_flags_countries() {
        assert_eq!(parse_share("100%"), Ok(Some(100.0)));
        assert!(parse_share("150").is_err());
        assert_eq!(parse_bool("Yes"), Ok(true));
        assert!(parse_bool("maybe").is_err());
        assert_eq!(parse_country("cn"), Ok("CN".into()));
        assert!(parse_country("China").is_err());
    }
}
