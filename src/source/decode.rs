//! Bytes to text, as a browser would decide the encoding: a byte order mark, then the
//! `<meta charset>` / `http-equiv` prescan of the HTML standard, then sniffing
//! (chardetng). Legacy pages often declare a single-byte encoding but are UTF-8: valid
//! UTF-8 with multibyte characters under a single-byte label is read as UTF-8. Bytes
//! that are invalid in the chosen encoding become U+FFFD and the first one is located.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSource {
    /// A byte order mark.
    Bom,
    /// A `<meta charset>` or `http-equiv="Content-Type"` declaration.
    Meta,
    /// A single-byte declaration overruled: the bytes are valid UTF-8.
    Utf8OverDeclared,
    /// No declaration; the bytes are valid UTF-8.
    Utf8,
    /// No declaration; chardetng's guess.
    Sniffed,
}

impl EncodingSource {
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Bom => "byte order mark",
            EncodingSource::Meta => "meta declaration",
            EncodingSource::Utf8OverDeclared => "valid UTF-8 despite its declaration",
            EncodingSource::Utf8 => "valid UTF-8",
            EncodingSource::Sniffed => "sniffed",
        }
    }
}

/// A decoded source.
#[derive(Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name, e.g. `UTF-8`, `windows-1252`.
    pub encoding: &'static str,
    pub source: EncodingSource,
    /// The declared encoding, when a declaration was overruled.
    pub declared: Option<&'static str>,
    /// The line (1-based) of the first byte sequence invalid in the encoding.
    pub first_invalid_line: Option<usize>,
}

/// How far the `<meta>` prescan looks, as the HTML standard's prescan does.
const PRESCAN_BYTES: usize = 1024;

pub fn decode(bytes: &[u8]) -> Decoded {
    let choice = choose(bytes, || std::str::from_utf8(bytes).is_ok());
    finish(
        choice.encoding,
        choice.source,
        choice.declared,
        &bytes[choice.start..],
    )
}

/// `decode` of bytes the caller has done with: UTF-8 becomes the text without a copy,
/// and is validated once.
pub fn decode_owned(bytes: Vec<u8>) -> Decoded {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => return decode(e.as_bytes()),
    };
    let choice = choose(text.as_bytes(), || true);
    let rest = &text.as_bytes()[choice.start..];
    // ASCII reads the same in every ASCII-compatible encoding.
    let same =
        choice.encoding == UTF_8 || (choice.encoding.is_ascii_compatible() && rest.is_ascii());
    if !same {
        return finish(choice.encoding, choice.source, choice.declared, rest);
    }
    text.drain(..choice.start);
    Decoded {
        text,
        encoding: choice.encoding.name(),
        source: choice.source,
        declared: choice.declared,
        first_invalid_line: None,
    }
}

/// The encoding chosen for a page's bytes.
struct Choice {
    encoding: &'static Encoding,
    source: EncodingSource,
    declared: Option<&'static str>,
    /// Where the text starts (after a byte order mark).
    start: usize,
}

/// The encoding `bytes` are read in; `utf8` says whether they are valid UTF-8 (asked
/// only when no byte order mark decides).
fn choose(bytes: &[u8], utf8: impl FnOnce() -> bool) -> Choice {
    let choice = |encoding, source, declared, start| Choice {
        encoding,
        source,
        declared,
        start,
    };
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return choice(encoding, EncodingSource::Bom, None, bom_len);
    }
    let utf8 = utf8();
    if let Some(declared) = prescan(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        let single_byte = declared != UTF_8 && declared.is_single_byte();
        if single_byte && utf8 && !bytes.is_ascii() {
            return choice(
                UTF_8,
                EncodingSource::Utf8OverDeclared,
                Some(declared.name()),
                0,
            );
        }
        return choice(declared, EncodingSource::Meta, None, 0);
    }
    if utf8 {
        return choice(UTF_8, EncodingSource::Utf8, None, 0);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    choice(guess, EncodingSource::Sniffed, None, 0)
}

fn finish(
    encoding: &'static Encoding,
    source: EncodingSource,
    declared: Option<&'static str>,
    bytes: &[u8],
) -> Decoded {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let first_invalid_line = had_errors.then(|| {
        if encoding == UTF_8 {
            let valid = std::str::from_utf8(bytes)
                .err()
                .map_or(0, |e| e.valid_up_to());
            1 + bytes[..valid].iter().filter(|&&b| b == b'\n').count()
        } else {
            let at = text.find('\u{FFFD}').unwrap_or(0);
            1 + text[..at].matches('\n').count()
        }
    });
    Decoded {
        text: text.into_owned(),
        encoding: encoding.name(),
        source,
        declared,
        first_invalid_line,
    }
}

/// The encoding a `<meta>` tag in `head` declares, per the HTML standard's prescan:
/// `charset=`, or `http-equiv="content-type"` with `content="…; charset=…"`. A UTF-16
/// declaration in a byte stream that got this far means UTF-8; `x-user-defined` means
/// windows-1252.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.to_ascii_lowercase();
    let mut at = 0;
    while let Some(i) = find(&lower[at..], b"<meta") {
        let start = at + i + 5;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        let from_charset =
            attribute(tag, b"charset").and_then(|l| Encoding::for_label(l.trim_ascii()));
        let from_content = || {
            let equiv = attribute(tag, b"http-equiv")?;
            if equiv.trim_ascii() != b"content-type" {
                return None;
            }
            let content = attribute(tag, b"content")?;
            let i = find(&content, b"charset")?;
            let rest = content[i + 7..].trim_ascii_start();
            let rest = rest.strip_prefix(b"=")?.trim_ascii_start();
            let rest = rest
                .strip_prefix(b"\"")
                .or_else(|| rest.strip_prefix(b"'"))
                .unwrap_or(rest);
            let len = rest
                .iter()
                .position(|&b| matches!(b, b';' | b'"' | b'\'' | b' '))
                .unwrap_or(rest.len());
            Encoding::for_label(&rest[..len])
        };
        if let Some(encoding) = from_charset.or_else(from_content) {
            return Some(match encoding.name() {
                "UTF-16LE" | "UTF-16BE" => UTF_8,
                "x-user-defined" => WINDOWS_1252,
                _ => encoding,
            });
        }
        at = end.min(lower.len());
        if at >= lower.len() {
            break;
        }
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The value of `name=` in a lowercased tag's attribute text, quoted or not.
fn attribute(tag: &[u8], name: &[u8]) -> Option<Vec<u8>> {
    let mut from = 0;
    while let Some(i) = find(&tag[from..], name) {
        let at = from + i;
        let before_ok = at == 0
            || matches!(
                tag[at - 1],
                b' ' | b'\t' | b'\n' | b'\r' | b'/' | b'"' | b'\''
            );
        let rest = tag[at + name.len()..].trim_ascii_start();
        if before_ok {
            if let Some(v) = rest.strip_prefix(b"=") {
                let v = v.trim_ascii_start();
                let value = match v.first() {
                    Some(&q @ (b'"' | b'\'')) => {
                        v[1..].split(|&b| b == q).next().unwrap_or_default()
                    }
                    _ => v
                        .split(|b| b.is_ascii_whitespace() || matches!(*b, b'/' | b'"' | b'\''))
                        .next()
                        .unwrap_or_default(),
                };
                return Some(value.to_vec());
            }
        }
        from = at + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins_and_is_removed() {
        let d = decode(b"\xEF\xBB\xBF<meta charset=windows-1252><p>x");
        assert_eq!(
            (d.text.as_str(), d.encoding, d.source),
            (
                "<meta charset=windows-1252><p>x",
                "UTF-8",
                EncodingSource::Bom
            )
        );
    }

    #[test]
    fn meta_declarations_are_honoured() {
        let d =
            decode(b"<html><head><meta charset=\"windows-1252\"></head><p>caf\xE9 \x93q\x94</p>");
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.source, EncodingSource::Meta);
        assert!(d.text.contains("caf\u{e9} \u{201c}q\u{201d}"), "{}", d.text);
        assert!(d.first_invalid_line.is_none());
        let d = decode(
            b"<META HTTP-EQUIV='Content-Type' CONTENT='text/html; charset=ISO-8859-1'><p>\xE9",
        );
        assert_eq!(
            (d.encoding, d.source),
            ("windows-1252", EncodingSource::Meta)
        );
    }

    #[test]
    fn valid_utf8_under_a_single_byte_label_is_utf8() {
        let d = decode("<meta charset=iso-8859-1><p>Café – 10 ¢</p>".as_bytes());
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.source, EncodingSource::Utf8OverDeclared);
        assert_eq!(d.declared, Some("windows-1252"));
        assert!(d.text.contains("Café – 10 ¢"));
        // Plain ASCII keeps its (equivalent) declaration.
        assert_eq!(
            decode(b"<meta charset=us-ascii><p>x").source,
            EncodingSource::Meta
        );
    }

    #[test]
    fn undeclared_pages_are_utf8_or_sniffed() {
        assert_eq!(
            decode("<p>naïve</p>".as_bytes()).source,
            EncodingSource::Utf8
        );
        let d = decode(
            b"<p>Les \xE9l\xE8ves de l'\xE9cole fran\xE7aise \xE0 c\xF4t\xE9 du caf\xE9.</p>",
        );
        assert_eq!(d.source, EncodingSource::Sniffed);
        assert_eq!(d.encoding, "windows-1252");
        assert!(
            d.text
                .contains("élèves de l'école française à côté du café"),
            "{}",
            d.text
        );
    }

    #[test]
    fn invalid_bytes_are_replaced_and_located() {
        let d = decode(b"<meta charset=utf-8>\nb\n\xE9t\xE9");
        assert_eq!(d.text, "<meta charset=utf-8>\nb\n\u{FFFD}t\u{FFFD}");
        assert_eq!(d.first_invalid_line, Some(3));
    }

    #[test]
    fn bytes_given_up_decode_as_bytes_lent_do() {
        let cases: [&[u8]; 9] = [
            b"\xEF\xBB\xBF<meta charset=windows-1252><p>x",
            b"\xFF\xFEa\x00b\x00",
            b"<meta charset=windows-1252><p>plain ASCII",
            b"<meta charset=windows-1252><p>caf\xE9",
            "<meta charset=iso-8859-1><p>café".as_bytes(),
            b"<meta charset=utf-8>\nb\n\xE9t\xE9",
            "<p>naïve".as_bytes(),
            b"<p>caf\xE9 cr\xE8me br\xFBl\xE9e",
            b"",
        ];
        for bytes in cases {
            assert_eq!(decode_owned(bytes.to_vec()), decode(bytes), "{bytes:?}");
        }
    }
}
