//! Bytes to text. Sources are expected to be UTF-8 (a BOM is removed); invalid bytes
//! become U+FFFD and the line of the first one is reported.

/// A decoded source.
#[derive(Debug, PartialEq)]
pub struct Decoded {
    pub text: String,
    /// The line (1-based) of the first byte sequence that was not valid UTF-8.
    pub first_invalid_line: Option<usize>,
}

pub fn decode(bytes: &[u8]) -> Decoded {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Decoded {
            text: s.to_string(),
            first_invalid_line: None,
        },
        Err(e) => {
            let line = 1 + bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
            Decoded {
                text: String::from_utf8_lossy(bytes).into_owned(),
                first_invalid_line: Some(line),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_removed() {
        assert_eq!(decode(b"\xEF\xBB\xBF<p>x").text, "<p>x");
    }

    #[test]
    fn invalid_bytes_are_replaced_and_located() {
        let d = decode(b"a\nb\n\xE9t\xE9");
        assert_eq!(d.text, "a\nb\n\u{FFFD}t\u{FFFD}");
        assert_eq!(d.first_invalid_line, Some(3));
    }
}
