//! Markdown escaping: text is escaped character by character where CommonMark/GFM would
//! otherwise read it as markup, and line starts are escaped once a block is assembled.

/// Escapes running text. `in_table` also escapes `|`.
pub fn escape_text(text: &str, in_table: bool, out: &mut String) {
    // Most text has nothing to escape.
    if !may_need_escaping(text) {
        out.push_str(text);
        return;
    }
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let escape = match c {
            '\\' | '*' | '`' | '[' | ']' | '~' => true,
            '_' => {
                !(prev.is_some_and(char::is_alphanumeric)
                    && next.is_some_and(char::is_alphanumeric))
            }
            // At the end of a run the next character is unknown: the next text node may
            // start with a letter and make a tag (found by fuzzing).
            '<' => next.is_none_or(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')),
            '&' => looks_like_entity(chars[i + 1..].iter().copied()),
            '|' => in_table,
            // The writer's span marks stand for delimiters: text holding one says it
            // as a reference.
            c if super::delims::is_mark(c) => {
                out.push_str(&format!("&#x{:X};", c as u32));
                continue;
            }
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Whether `escape_text` may escape the byte `b`: the ASCII characters CommonMark/GFM
/// can read as markup in running text.
pub const fn may_escape(b: u8) -> bool {
    matches!(
        b,
        b'\\' | b'*' | b'`' | b'[' | b']' | b'~' | b'_' | b'<' | b'&' | b'|'
    )
}

/// Whether `text` has a character `escape_text` may escape; without one it is written
/// as it is.
fn may_need_escaping(text: &str) -> bool {
    // 0xEE leads the UTF-8 of the writer's span marks.
    text.bytes().any(|b| may_escape(b) || b == 0xEE)
}

/// `&name;`, `&#123;` or `&#x1F;` follows (CommonMark reads entity and numeric
/// references in text, link destinations and titles alike).
pub(super) fn looks_like_entity(rest: impl Iterator<Item = char>) -> bool {
    for (len, c) in rest.take(35).enumerate() {
        if c == ';' {
            return len > 0;
        }
        if len == 34 || !(c.is_ascii_alphanumeric() || c == '#') {
            return false;
        }
    }
    false
}

/// Escapes what would start a block at the beginning of each line of a paragraph:
/// ATX headings, block quotes, list markers, thematic breaks and setext underlines.
pub fn escape_line_starts(block: &str) -> String {
    let mut out = String::with_capacity(block.len() + 4);
    let mut from = 0;
    let ends = memchr::memchr_iter(b'\n', block.as_bytes()).chain([block.len()]);
    for (n, end) in ends.enumerate() {
        let line = &block[from..end];
        from = end + 1;
        if n > 0 {
            out.push('\n');
        }
        match line.as_bytes().first() {
            // Only these can start a block (a rule, a table's delimiter row, a heading, a
            // quote, a list item, a setext underline), white space of any kind before
            // them: any other line is kept as it is.
            Some(
                b'#'
                | b'>'
                | b'-'
                | b'+'
                | b'='
                | b'*'
                | b'_'
                | b'|'
                | b':'
                | b'0'..=b'9'
                | b' '
                | b'\t'
                | b'\r'
                | 0x0B
                | 0x0C
                | 0x80..=0xFF,
            ) => out.push_str(&escape_line_start(line, n > 0)),
            _ => out.push_str(line),
        }
    }
    out
}

fn escape_line_start(line: &str, continuation: bool) -> String {
    let first = line.chars().next();
    let rest_after = |k: usize| line[k..].chars().next();
    // `---` alone is a rule; `|---|` or `--- | :--` under a line makes it a table head.
    let rule_or_delimiter_row = super::list::is_thematic_break(line.chars())
        || (line.contains('-')
            && line
                .chars()
                .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t')));
    let needs = rule_or_delimiter_row
        || match first {
            Some('#') => {
                let hashes = line.chars().take_while(|&c| c == '#').count();
                hashes <= 6 && rest_after(hashes).is_none_or(|c| c == ' ' || c == '\t')
            }
            Some('>') => true,
            // A line of `-` alone (a rule, a setext underline) is a delimiter row too.
            Some('-' | '+') => rest_after(1).is_none_or(|c| c == ' ' || c == '\t'),
            Some('=') => continuation && line.trim_end().chars().all(|c| c == '='),
            Some(c) if c.is_ascii_digit() => {
                let digits = line.chars().take_while(char::is_ascii_digit).count();
                digits <= 9
                    && matches!(rest_after(digits), Some('.' | ')'))
                    && line[digits + 1..]
                        .chars()
                        .next()
                        .is_none_or(|c| c == ' ' || c == '\t')
            }
            _ => false,
        };
    if !needs {
        return line.to_string();
    }
    match first {
        Some(c) if c.is_ascii_digit() => {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            format!("{}\\{}", &line[..digits], &line[digits..])
        }
        _ => format!("\\{line}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> String {
        let mut out = String::new();
        escape_text(s, false, &mut out);
        out
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            esc("a*b* [c] `d` \\e ~f"),
            "a\\*b\\* \\[c\\] \\`d\\` \\\\e \\~f"
        );
        assert_eq!(esc("snake_case _x_"), "snake_case \\_x\\_");
        assert_eq!(esc("a < b, <div> &amp; & c"), "a < b, \\<div> \\&amp; & c");
    }

    #[test]
    fn block_starts_are_escaped_only_at_line_start() {
        assert_eq!(escape_line_starts("# not a heading"), "\\# not a heading");
        assert_eq!(escape_line_starts("#hashtag"), "#hashtag");
        assert_eq!(escape_line_starts("1. first"), "1\\. first");
        assert_eq!(escape_line_starts("2020) was"), "2020\\) was");
        assert_eq!(escape_line_starts("- item"), "\\- item");
        assert_eq!(escape_line_starts("a\\\n==="), "a\\\n\\===");
        assert_eq!(escape_line_starts("> quote"), "\\> quote");
        assert_eq!(escape_line_starts("-5 degrees"), "-5 degrees");
        assert_eq!(escape_line_starts("---"), "\\---");
        assert_eq!(
            escape_line_starts("a | b\\\n--- | :--"),
            "a | b\\\n\\--- | :--"
        );
        assert_eq!(escape_line_starts("a\\\n|---|"), "a\\\n\\|---|");
        assert_eq!(escape_line_starts("a\\\n:-"), "a\\\n\\:-");
    }

    /// Lines skipped by their first byte are the ones the full test would keep.
    #[test]
    fn lines_kept_by_their_first_byte_need_no_escape() {
        let lines = [
            "plain",
            "a---",
            "- a",
            "\u{a0}---",
            "\u{3000}* * *",
            "1. x",
            "# h",
            "> q",
            "=====",
            "|---|",
            ":-",
            "\t- x",
            "\r***",
            "é",
            "",
            "+",
            "Zed 1. x",
            "12) y",
            "___",
        ];
        for first in lines {
            for second in lines {
                let block = format!("{first}\n{second}");
                let slow: Vec<String> = block
                    .split('\n')
                    .enumerate()
                    .map(|(n, l)| escape_line_start(l, n > 0))
                    .collect();
                assert_eq!(escape_line_starts(&block), slow.join("\n"), "{block:?}");
            }
        }
    }
}
