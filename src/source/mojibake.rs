//! Mojibake already in a source: UTF-8 text that was once read as windows-1252 (or
//! Latin-1) and saved again, so `’` became `â€™` and `é` became `Ã©`. A run of
//! characters is repaired only when it is unambiguous: every character maps back to one
//! byte of 0x80–0xFF, and those bytes are valid UTF-8 of at least two bytes per
//! character. C1 controls (U+0080–U+009F) left over are read as the windows-1252
//! characters they stand for, so none is ever written.

/// The windows-1252 byte of a character, when it has one at 0x80 or above (C1 controls
/// count as the bytes they are in Latin-1).
fn high_byte(c: char) -> Option<u8> {
    let cp = c as u32;
    if (0x80..=0xFF).contains(&cp) {
        // Latin-1 and C1: the byte is the code point (0x81, 0x8D, 0x8F, 0x90, 0x9D have
        // no windows-1252 character; they come through as C1 controls).
        return Some(cp as u8);
    }
    let b = match c {
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => return None,
    };
    Some(b)
}

/// The windows-1252 character a C1 control stands for (itself where there is none).
fn from_c1(c: char) -> char {
    let byte = [c as u8];
    let (decoded, _, _) = encoding_rs::WINDOWS_1252.decode(&byte);
    decoded.chars().next().filter(|d| !is_c1(*d)).unwrap_or(' ')
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

/// Whether `text` holds a C1 control, or a lead byte's character followed by a
/// continuation byte's: what mojibake looks like.
fn suspect(text: &str) -> bool {
    let mut lead = false;
    for c in text.chars() {
        if is_c1(c) {
            return true;
        }
        let b = high_byte(c);
        if lead && b.is_some_and(|b| (0x80..=0xBF).contains(&b)) {
            return true;
        }
        lead = b.is_some_and(|b| (0xC2..=0xF4).contains(&b));
    }
    false
}

/// What was repaired: how many runs, and the 1-based line of the first.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Repaired {
    pub runs: usize,
    pub controls: usize,
    pub first_line: Option<usize>,
}

/// `text` with its mojibake repaired and C1 controls replaced; `None` when there was
/// nothing to do (the common case: checked without allocating).
pub fn repair(text: &str) -> Option<(String, Repaired)> {
    if text.is_ascii() || !suspect(text) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut report = Repaired::default();
    let mut line = 1;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
        }
        // A run of characters that map to high bytes, starting at a UTF-8 lead byte.
        if high_byte(c).is_some_and(|b| (0xC2..=0xF4).contains(&b)) {
            let mut bytes = Vec::new();
            let mut j = i;
            while j < chars.len() {
                match high_byte(chars[j]) {
                    Some(b) => bytes.push(b),
                    None => break,
                }
                j += 1;
            }
            if let Some((fixed, used)) = longest_utf8(&bytes) {
                out.push_str(&fixed);
                report.runs += 1;
                report.first_line.get_or_insert(line);
                i += used;
                continue;
            }
        }
        if is_c1(c) {
            out.push(from_c1(c));
            report.controls += 1;
            report.first_line.get_or_insert(line);
        } else {
            out.push(c);
        }
        i += 1;
    }
    (report.runs + report.controls > 0).then_some((out, report))
}

/// The longest prefix of `bytes` that is valid UTF-8 made only of multi-byte
/// characters, decoded, and how many bytes (= source characters) it used.
fn longest_utf8(bytes: &[u8]) -> Option<(String, usize)> {
    let mut used = 0;
    while used < bytes.len() {
        let len = match bytes[used] {
            0xC2..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF4 => 4,
            _ => break,
        };
        let Some(seq) = bytes.get(used..used + len) else {
            break;
        };
        if std::str::from_utf8(seq).is_err() {
            break;
        }
        used += len;
    }
    // What mojibake comes from: accented letters, punctuation, currency, ™ and a BOM —
    // or a longer run (two characters of three bytes and more: `ä¸­æ–‡` for `中文`),
    // which Latin text never spells by chance. One three-byte character that would read
    // as CJK is more likely text than mojibake.
    let whole = std::str::from_utf8(&bytes[..used]).ok()?;
    let long = used >= 6 && whole.chars().all(|c| c.len_utf8() >= 2);
    let mut text = String::new();
    let mut ok = 0;
    let mut at = 0;
    for c in whole.chars() {
        let plausible = c < '\u{800}' || ('\u{2000}'..='\u{214f}').contains(&c) || c == '\u{feff}';
        if !plausible && !long {
            break;
        }
        if c != '\u{feff}' {
            text.push(c);
        }
        at += c.len_utf8();
        ok = at;
    }
    (ok > 0).then_some((text, ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_read_as_windows_1252_is_repaired() {
        let (fixed, r) =
            repair("It\u{e2}\u{20ac}\u{2122}s the caf\u{c3}\u{a9}\nna\u{c3}\u{af}ve").unwrap();
        assert_eq!(fixed, "It’s the café\nnaïve");
        assert_eq!((r.runs, r.first_line), (3, Some(1)));
    }

    #[test]
    fn utf8_read_as_latin1_and_stray_c1_controls_are_repaired() {
        // `’` as Latin-1 leaves C1 controls; a lone C1 control is the windows-1252 quote.
        let (fixed, r) = repair("don\u{e2}\u{80}\u{99}t and \u{93}quoted\u{94}").unwrap();
        assert_eq!(fixed, "don’t and “quoted”");
        assert_eq!((r.runs, r.controls), (1, 2));
    }

    #[test]
    fn longer_runs_of_other_scripts_are_repaired_too() {
        let (fixed, _) =
            repair("English | \u{e4}\u{b8}\u{ad}\u{e6}\u{2013}\u{2021} | espa\u{c3}\u{b1}ol")
                .unwrap();
        assert_eq!(fixed, "English | 中文 | español");
    }

    #[test]
    fn real_accented_text_is_left_alone() {
        for text in [
            "Café, naïve, São Paulo, Zürich — “quoted” 5 €",
            "ASCII only",
            "Ã alone",
        ] {
            assert_eq!(repair(text), None, "{text}");
        }
    }
}
