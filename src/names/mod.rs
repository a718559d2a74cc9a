//! Names of companies: normalised forms, legal forms, display names and comparison.
//!
//! Plain Rust: no SQLite, no egui. Every importer, the window and the command line use it.
//! (This first version only gives the display name; the comparison lands next.)

/// A short name for labels: the name without its legal form ("Poly Technologies" for
/// "Poly Technologies, Inc."). Falls back to the whole name when nothing would be left.
pub fn display_name(name: &str) -> String {
    const FORMS: &[&str] = &[
        "Joint Stock Company",
        "Public Joint Stock Company",
        "JSC",
        "PJSC",
        "OJSC",
        "Inc.",
        "Inc",
        "Ltd.",
        "Ltd",
        "LLC",
        "Corp.",
    ];
    let mut out = name.trim().to_owned();
    for form in FORMS {
        if let Some(rest) = out.strip_prefix(form).filter(|r| r.starts_with(' ')) {
            out = rest.trim().to_owned();
        }
        if let Some(rest) = out.strip_suffix(form) {
            out = rest.trim_end_matches([' ', ',']).to_owned();
        }
    }
    if out.is_empty() {
        name.trim().to_owned()
    } else {
        out
    }
}
