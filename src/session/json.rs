//! Pretty JSON for sessions: serde_json's pretty output, with every array of numbers
//! (positions, view centre) on one line, so a session with 100,000 positions stays readable
//! and a diff shows one line per moved entity.

use serde::Serialize;

/// Serialises `value` as pretty JSON (two-space indent) with numeric arrays on one line,
/// ending in a newline.
pub fn to_pretty<T: Serialize>(value: &T) -> String {
    // Serialising plain data into a Vec cannot fail: no maps with non-string keys and no
    // failing Serialize impls in a session.
    let pretty = serde_json::to_vec_pretty(value).unwrap_or_default();
    let mut out = String::with_capacity(pretty.len());
    let text = String::from_utf8(pretty).unwrap_or_default();
    collapse_number_arrays(&text, &mut out);
    out.push('\n');
    out
}

/// Copies `text` to `out`, writing `[\n  1.0,\n  2.0\n]` as `[1.0, 2.0]`. A literal newline
/// never occurs inside a JSON string, so `[` followed by a newline is always structural.
fn collapse_number_arrays(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if bytes[i] == b'[' && bytes.get(i + 1) == Some(&b'\n') {
            // Find the closing bracket; give up at anything that is not a number.
            let mut j = i + 1;
            let mut numbers_only = true;
            while j < bytes.len() && bytes[j] != b']' {
                let c = bytes[j];
                if !(c.is_ascii_digit()
                    || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E' | b',' | b' ' | b'\n'))
                {
                    numbers_only = false;
                    break;
                }
                j += 1;
            }
            if numbers_only && j < bytes.len() {
                out.push_str(&text[copied..i]);
                out.push('[');
                let inner = &text[i + 1..j];
                let mut first = true;
                for n in inner.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                    if !first {
                        out.push_str(", ");
                    }
                    out.push_str(n);
                    first = false;
                }
                out.push(']');
                i = j + 1;
                copied = i;
                continue;
            }
        }
        i += 1;
    }
    out.push_str(&text[copied..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_arrays_go_on_one_line_and_strings_are_untouched() {
        let v = serde_json::json!({
            "a": [1.5, -2e-7],
            "b": ["[\n1"],
            "c": [{"x": [3, 4]}],
            "d": []
        });
        let s = to_pretty(&v);
        assert!(s.contains("\"a\": [1.5, -2e-7]"), "{s}");
        assert!(s.contains("\"x\": [3, 4]"), "{s}");
        assert!(s.contains("\"[\\n1\""), "{s}");
        let back: serde_json::Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
