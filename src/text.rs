//! Text from other people's files: checked at the door, made inert on the way out.
//!
//! Every name Lading shows comes from a file someone else wrote, and such text can carry
//! characters that act instead of showing: C0 and C1 control characters (an escape sequence
//! clears or recolours a terminal), bidirectional overrides (U+202E makes a name read
//! backwards, so it can pass for another company's), and invisible characters (a zero-width
//! space makes two identical-looking names differ). The rules:
//!
//! - **At the door** (importers): names, keys and identifiers holding a control character
//!   are refused ([`check_name`]), naming the character; so is a value with no visible
//!   character at all. Free text (descriptions, reasons, programs, notes) has its control
//!   characters replaced by a visible mark ([`mark_controls`]); line ends and tabs stay.
//!   Invisible format characters are *kept* in what is stored: they can be evidence.
//! - **On the way out** to a terminal, the window or a picture, every control and invisible
//!   character becomes a visible mark, `‹U+202E›` ([`inert`], [`inert_lines`]). The mark is
//!   spelled with single guillemets (U+2039, U+203A) and the code point: Noto Sans, which
//!   draws the window and every picture, has them (it has neither Unicode's control pictures,
//!   ␛, nor the mathematical angle brackets ⟨ ⟩); they are rare in names, unlike « » in
//!   Russian ones; and a code point can be looked up. A run of one character is one mark with a count (`‹U+200B ×40›`), so
//!   a name padded with a million zero-width spaces stays short on screen.
//! - **Files for other programs** keep the text exact: JSON escapes the characters
//!   ([`json_inert`] writes them as `\uXXXX`, the same string and harmless in a terminal);
//!   CSV is written as is; XML 1.0 (GEXF, GraphML, SVG) cannot hold most C0 controls even
//!   as references, so [`xml_text`] writes those as the same visible mark.
//!
//! Plain Rust: nothing here knows egui, SQLite or the terminal.

use std::borrow::Cow;
use std::fmt::Write;

/// A C0 or C1 control character, or DEL (Unicode category Cc).
pub fn is_control(c: char) -> bool {
    c.is_control()
}

/// A character that draws nothing or changes how other characters draw: bidirectional
/// controls, zero-width characters, the byte-order mark, soft hyphen, variation selectors,
/// tag characters, Hangul fillers and the rest of Unicode's default-ignorable code points,
/// plus the line and paragraph separators (they break lines like a newline).
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x00AD                  // soft hyphen
        | 0x034F                // combining grapheme joiner
        | 0x061C                // Arabic letter mark
        | 0x115F..=0x1160       // Hangul fillers
        | 0x17B4..=0x17B5       // Khmer inherent vowels
        | 0x180B..=0x180F       // Mongolian variation selectors, vowel separator
        | 0x200B..=0x200F       // zero-width space, joiners, LRM, RLM
        | 0x2028..=0x2029       // line and paragraph separators
        | 0x202A..=0x202E       // bidi embeddings and overrides
        | 0x2060..=0x206F       // word joiner, invisible operators, bidi isolates, …
        | 0x3164                // Hangul filler
        | 0xFE00..=0xFE0F       // variation selectors
        | 0xFEFF                // zero-width no-break space (byte-order mark)
        | 0xFFA0                // halfwidth Hangul filler
        | 0xFFF0..=0xFFFB       // unassigned specials, interlinear annotation
        | 0x1BCA0..=0x1BCA3     // shorthand format controls
        | 0x1D173..=0x1D17A     // musical formatting
        | 0xE0000..=0xE0FFF     // tag characters, variation selectors supplement
    )
}

/// A character [`inert`] replaces by a visible mark.
pub fn is_hidden(c: char) -> bool {
    is_control(c) || is_invisible(c)
}

/// Whether `text` holds any control or invisible character.
pub fn has_hidden(text: &str) -> bool {
    text.chars().any(is_hidden)
}

/// What a hidden character is, in words, for messages.
pub fn char_name(c: char) -> &'static str {
    match c as u32 {
        0x00 => "null",
        0x07 => "bell",
        0x08 => "backspace",
        0x09 => "tab",
        0x0A => "line feed",
        0x0D => "carriage return",
        0x1B => "escape",
        0x7F => "delete",
        0x85 => "next line",
        0x9B => "control sequence introducer",
        0x00..=0x1F | 0x80..=0x9F => "control character",
        0x00AD => "soft hyphen",
        0x061C => "Arabic letter mark",
        0x200B => "zero-width space",
        0x200C => "zero-width non-joiner",
        0x200D => "zero-width joiner",
        0x200E => "left-to-right mark",
        0x200F => "right-to-left mark",
        0x2028 => "line separator",
        0x2029 => "paragraph separator",
        0x202A => "left-to-right embedding",
        0x202B => "right-to-left embedding",
        0x202C => "pop directional formatting",
        0x202D => "left-to-right override",
        0x202E => "right-to-left override",
        0x2060 => "word joiner",
        0x2066 => "left-to-right isolate",
        0x2067 => "right-to-left isolate",
        0x2068 => "first strong isolate",
        0x2069 => "pop directional isolate",
        0xFEFF => "zero-width no-break space",
        0xFE00..=0xFE0F | 0xE0100..=0xE01EF => "variation selector",
        0xE0000..=0xE007F => "tag character",
        _ if is_invisible(c) => "invisible character",
        _ => "character",
    }
}

/// The visible mark for a character: `‹U+202E›`, or `‹U+200B ×40›` for a run of 40.
fn push_mark(out: &mut String, c: char, run: usize) {
    let _ = write!(out, "‹U+{:04X}", c as u32);
    if run > 1 {
        let _ = write!(out, " ×{run}");
    }
    out.push('›');
}

/// Replaces every character for which `hide` holds by its mark, runs of one character by
/// one mark; borrows when there is none.
fn mark_where(text: &str, hide: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some(first) = text.find(&hide) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut chars = text[first..].chars().peekable();
    while let Some(c) = chars.next() {
        if !hide(c) {
            out.push(c);
            continue;
        }
        let mut run = 1;
        while chars.next_if_eq(&c).is_some() {
            run += 1;
        }
        push_mark(&mut out, c, run);
    }
    Cow::Owned(out)
}

/// Text for one line of a terminal, the window or a picture (a name, a label, a key): every
/// control and invisible character, line ends included, becomes a visible mark.
pub fn inert(text: &str) -> Cow<'_, str> {
    mark_where(text, is_hidden)
}

/// Text of several lines (a note, a description, an error report): as [`inert`], but line
/// feeds and tabs stay.
pub fn inert_lines(text: &str) -> Cow<'_, str> {
    mark_where(text, |c| c != '\n' && c != '\t' && is_hidden(c))
}

/// Free text at the door: control characters become visible marks (a CRLF or a lone CR
/// becomes a line feed; line feeds and tabs stay). Invisible characters are kept.
pub fn mark_controls(text: &str) -> Cow<'_, str> {
    let text: Cow<'_, str> = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    match mark_where(&text, |c| c != '\n' && c != '\t' && is_control(c)) {
        Cow::Borrowed(_) => text,
        Cow::Owned(o) => Cow::Owned(o),
    }
}

/// Checks a name, key or identifier at the door: no control characters, and at least one
/// visible character when it is not empty. The reason names the character.
pub fn check_name(text: &str) -> Result<(), String> {
    if let Some((i, c)) = text.chars().enumerate().find(|&(_, c)| is_control(c)) {
        return Err(format!(
            "holds the control character U+{:04X} ({}) at character {}: names, keys and \
             identifiers may not hold control characters",
            c as u32,
            char_name(c),
            i + 1
        ));
    }
    if !text.is_empty() && text.chars().all(|c| c.is_whitespace() || is_invisible(c)) {
        return Err(format!(
            "has no visible character, only {}",
            describe_hidden(text).unwrap_or_else(|| "spaces".into())
        ));
    }
    Ok(())
}

/// The hidden characters `text` holds, in words: "a right-to-left override (U+202E) and 3
/// zero-width spaces (U+200B)"; `None` when there are none. For the inspector's warning.
pub fn describe_hidden(text: &str) -> Option<String> {
    let mut found: Vec<(char, usize)> = Vec::new();
    for c in text.chars().filter(|&c| is_hidden(c)) {
        match found.iter_mut().find(|(x, _)| *x == c) {
            Some((_, n)) => *n += 1,
            None => found.push((c, 1)),
        }
    }
    if found.is_empty() {
        return None;
    }
    const SHOWN: usize = 4;
    let mut parts: Vec<String> = found
        .iter()
        .take(SHOWN)
        .map(|&(c, n)| {
            let name = char_name(c);
            let what = if n == 1 {
                let article = if name.starts_with(['a', 'e', 'i', 'o', 'u', 'A']) {
                    "an"
                } else {
                    "a"
                };
                format!("{article} {name}")
            } else {
                format!("{n} × {name}")
            };
            format!("{what} (U+{:04X})", c as u32)
        })
        .collect();
    if found.len() > SHOWN {
        parts.push(format!("{} other kinds", found.len() - SHOWN));
    }
    let last = parts.pop().unwrap_or_default();
    Some(if parts.is_empty() {
        last
    } else {
        format!("{} and {last}", parts.join(", "))
    })
}

/// The warning for a name with hidden characters: "This name contains a right-to-left
/// override (U+202E); it is shown with the character marked." `what`: "name", "note", ….
pub fn hidden_warning(what: &str, text: &str) -> Option<String> {
    describe_hidden(text).map(|d| {
        format!(
            "This {what} contains {d}, which could make it look like something else; \
             it is shown with such characters marked ‹U+…›."
        )
    })
}

/// JSON made by serde, safe for a terminal and still exactly the same data: every control
/// and invisible character serde left as is (it escapes C0 controls inside strings, not DEL,
/// C1 or format characters) is written as a `\uXXXX` escape (a surrogate pair above U+FFFF).
/// Outside strings JSON is ASCII and its whitespace (line feeds, tabs and carriage returns of
/// pretty printing) stays; any other such character can only be inside a string, where the
/// escape means the same character.
pub fn json_inert(json: &str) -> Cow<'_, str> {
    let escape = |c: char| is_hidden(c) && !matches!(c, '\n' | '\t' | '\r');
    if !json.contains(escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escape(c) {
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                let _ = write!(out, "\\u{unit:04x}");
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Whether XML 1.0 can hold `c` (its `Char` production): tab, line feed, carriage return,
/// and everything from U+0020 but the surrogates, U+FFFE and U+FFFF.
pub fn xml_allows(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// Text for an XML 1.0 document (GEXF, GraphML, SVG), before `&<>"'` are escaped: kept
/// exactly, except the characters XML 1.0 cannot hold (most C0 controls, U+FFFE, U+FFFF),
/// which are written as their visible mark `‹U+001B›`.
pub fn xml_text(text: &str) -> Cow<'_, str> {
    mark_where(text, |c| !xml_allows(c))
}

/// Text as XML 1.0 content or an attribute value (GEXF, GraphML): [`xml_text`], with
/// `&<>"'` escaped and tab, line feed and carriage return as character references, so an
/// attribute keeps them too (a parser turns them into spaces otherwise).
pub fn xml_escape(text: &str) -> String {
    let text = xml_text(text);
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inert_marks_controls_and_invisible_characters() {
        assert_eq!(inert("Rostec"), Cow::Borrowed("Rostec"));
        assert!(matches!(inert("Ростех 中国"), Cow::Borrowed(_)));
        assert_eq!(
            inert("Evil \x1b[2J\x1b[31mRED\x1b[0m Co"),
            "Evil ‹U+001B›[2J‹U+001B›[31mRED‹U+001B›[0m Co"
        );
        assert_eq!(inert("a\u{1}b"), "a‹U+0001›b");
        assert_eq!(inert("abc\u{202E}fed"), "abc‹U+202E›fed");
        assert_eq!(inert("Ros\u{200B}tec"), "Ros‹U+200B›tec");
        assert_eq!(inert("a\nb\tc\rd"), "a‹U+000A›b‹U+0009›c‹U+000D›d");
        assert_eq!(inert("\u{9b}31m"), "‹U+009B›31m");
        assert_eq!(inert("x\u{E0041}"), "x‹U+E0041›");
        assert_eq!(inert("\u{2028}"), "‹U+2028›");
        // Runs collapse: a million zero-width spaces are one short mark.
        let padded = format!("A{}B", "\u{200B}".repeat(1_000_000));
        assert_eq!(inert(&padded), "A‹U+200B ×1000000›B");
        // The marks themselves are inert: marking twice changes nothing.
        let once = inert("\u{202E}x").into_owned();
        assert_eq!(inert(&once), once);
        assert!(!has_hidden(&once));
    }

    #[test]
    fn inert_lines_keeps_line_ends_and_tabs() {
        assert_eq!(inert_lines("one\ntwo\tthree"), "one\ntwo\tthree");
        assert_eq!(inert_lines("a\r\n\x1b[2Jb"), "a‹U+000D›\n‹U+001B›[2Jb");
    }

    #[test]
    fn free_text_at_the_door_keeps_lines_and_invisible_characters() {
        assert_eq!(mark_controls("plain"), Cow::Borrowed("plain"));
        assert_eq!(mark_controls("a\r\nb\rc"), "a\nb\nc");
        assert_eq!(mark_controls("x\x1b[31my\u{7f}"), "x‹U+001B›[31my‹U+007F›");
        assert_eq!(
            mark_controls("keep\u{202E}\u{200B}"),
            "keep\u{202E}\u{200B}"
        );
    }

    #[test]
    fn names_with_controls_or_nothing_visible_are_refused() {
        assert!(check_name("Ulan-Ude Aviation Plant").is_ok());
        assert!(check_name("").is_ok());
        assert!(
            check_name("abc\u{202E}fed").is_ok(),
            "kept: it can be evidence"
        );
        let e = check_name("Evil \x1b[2J Co").unwrap_err();
        assert!(e.contains("U+001B (escape) at character 6"), "{e}");
        let e = check_name("a\u{1}").unwrap_err();
        assert!(e.contains("U+0001"), "{e}");
        assert!(check_name("a\u{85}").unwrap_err().contains("U+0085"));
        assert!(check_name("two\nlines").is_err());
        let e = check_name(&"\u{200B}".repeat(349_525)).unwrap_err();
        assert!(
            e.contains("no visible character") && e.contains("349525 × zero-width space"),
            "{e}"
        );
    }

    #[test]
    fn hidden_characters_are_described() {
        assert_eq!(describe_hidden("plain"), None);
        assert_eq!(
            describe_hidden("a\u{202E}b").as_deref(),
            Some("a right-to-left override (U+202E)")
        );
        assert_eq!(
            describe_hidden("\u{1b}x\u{200B}\u{200B}").as_deref(),
            Some("an escape (U+001B) and 2 × zero-width space (U+200B)")
        );
        let w = hidden_warning("name", "a\u{202E}b").unwrap();
        assert!(w.starts_with("This name contains a right-to-left override (U+202E)"));
    }

    #[test]
    fn json_stays_the_same_data() {
        let value = serde_json::json!({"name": "a\u{202E}b\u{1b}c\u{85}d\u{E0041}"});
        let json = serde_json::to_string(&value).unwrap();
        let safe = json_inert(&json);
        assert!(!has_hidden(&safe), "{safe}");
        assert!(safe.contains("\\u202e") && safe.contains("\\udb40\\udc41"));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
        // Pretty printing's line feeds are JSON's whitespace: they stay.
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let safe = json_inert(&pretty);
        assert!(safe.contains("{\n  \"name\""), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn xml_text_marks_only_what_xml_cannot_hold() {
        assert_eq!(xml_text("a\tb\nc"), "a\tb\nc");
        assert_eq!(xml_text("a\u{202E}b\u{85}"), "a\u{202E}b\u{85}");
        assert_eq!(
            xml_text("a\u{1b}b\u{1}\u{FFFF}"),
            "a‹U+001B›b‹U+0001›‹U+FFFF›"
        );
        assert_eq!(
            xml_escape("<a href=\"x\">&'\n\u{202E}\u{1b}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#10;\u{202E}‹U+001B›"
        );
    }
}
