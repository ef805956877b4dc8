//! The one XML escaper of iapz (KML, QGIS styles, SVG): text and attribute values with the five
//! markup characters escaped and the characters XML 1.0 forbids removed.

/// Whether XML 1.0 (§2.2 `Char`) can carry `c` at all, even escaped: not the C0 controls except
/// tab, line feed and carriage return, not U+FFFE / U+FFFF. (Surrogates cannot occur in a
/// Rust `char`.)
///
/// ```
/// use iapz::io::xml::is_xml_char;
/// assert!(is_xml_char('a') && is_xml_char('\n') && is_xml_char('é'));
/// assert!(!is_xml_char('\u{1}') && !is_xml_char('\u{FFFE}'));
/// ```
pub fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `text` made safe for XML content and attribute values: `&`, `<`, `>`, `"` and `'` escaped,
/// characters XML 1.0 forbids (e.g. a control character in a feature name) dropped, so a
/// writer's output is always well-formed XML.
///
/// ```
/// use iapz::io::xml::escape;
/// assert_eq!(escape("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
/// assert_eq!(escape("it's"), "it&apos;s");
/// ```
pub fn escape(text: &str) -> String {
    escape_with(text, false)
}

/// Like [`escape`], and tab, line feed and carriage return written as character references, so
/// that an attribute value keeps them (an XML parser normalises literal ones to spaces).
///
/// ```
/// use iapz::io::xml::escape_attribute;
/// assert_eq!(escape_attribute("a\tb\nc & d"), "a&#9;b&#10;c &amp; d");
/// ```
pub fn escape_attribute(text: &str) -> String {
    escape_with(text, true)
}

fn escape_with(text: &str, whitespace_as_references: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' if whitespace_as_references => out.push_str("&#9;"),
            '\n' if whitespace_as_references => out.push_str("&#10;"),
            '\r' if whitespace_as_references => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_forbidden_character_is_dropped() {
        let all: String = (0u32..0x20).filter_map(char::from_u32).collect();
        assert_eq!(escape(&all), "\t\n\r");
        assert_eq!(escape("\u{FFFF}x\u{FFFE}"), "x");
    }

    #[test]
    fn escaped_text_parses_back_as_xml() {
        let text = "A & B <c> \"d\" 'e' \u{7}\u{1b}[0m";
        let doc = format!("<r a=\"{}\">{}</r>", escape(text), escape(text));
        let mut reader = quick_xml::Reader::from_str(&doc);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("ill-formed: {e}"),
            }
        }
    }
}
