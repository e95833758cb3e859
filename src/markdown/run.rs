//! A run of inline Markdown as it is written: words with white space collapsed across
//! element boundaries, escaping, hard breaks, and the edges a run keeps outside its
//! delimiters.

use super::delims::{resolve, Span};
use super::escape::escape_text;

/// The room a run starts with, enough for most (growing a string from nothing copies
/// it several times): a paragraph's, and a link's or emphasis's text.
const PARAGRAPH_BYTES: usize = 256;
const SPAN_BYTES: usize = 64;

/// What sits at the edge of an inline run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edge {
    None,
    Space,
    Break,
}

/// A run of inline Markdown being built.
pub(super) struct Inline {
    pub(super) s: String,
    /// Inside a heading or table cell: a line break cannot be written as one.
    pub(super) single_line: bool,
    pub(super) in_table: bool,
    /// The character written just before this run (in an enclosing run).
    pub(super) before: Option<char>,
    /// The run holds a link (a link wrapping its blocks is not written around it).
    pub(super) has_link: bool,
    /// The last code span written: where it starts and ends and its text, so that
    /// code right after it joins it (`` `A``B` `` would read as one span of `` A``B ``).
    pub(super) code_tail: Option<(usize, usize, String)>,
    /// The run is a link's text.
    pub(super) in_link_text: bool,
}

impl Inline {
    pub(super) fn new(single_line: bool) -> Inline {
        Inline {
            s: String::with_capacity(PARAGRAPH_BYTES),
            single_line,
            in_table: false,
            before: None,
            has_link: false,
            code_tail: None,
            in_link_text: false,
        }
    }

    pub(super) fn for_table_cell() -> Inline {
        Inline {
            in_table: true,
            ..Inline::new(true)
        }
    }

    pub(super) fn child(&self) -> Inline {
        Inline {
            s: String::with_capacity(SPAN_BYTES),
            single_line: self.single_line,
            in_table: self.in_table,
            before: self.s.chars().last().or(self.before),
            has_link: false,
            code_tail: None,
            in_link_text: self.in_link_text,
        }
    }

    /// The Markdown written so far.
    #[cfg(test)]
    pub(super) fn as_str(&self) -> &str {
        &self.s
    }

    fn ends_with_space(&self) -> bool {
        self.s.ends_with(' ') || self.s.ends_with('\n')
    }

    /// Appends text, collapsing white space (no-break spaces included) and escaping.
    pub(super) fn text(&mut self, text: &str) {
        // The common case in one pass over the bytes: plain ASCII words as they are,
        // each run of white space one space. At a byte that may need escaping, or
        // outside ASCII, what was written is taken back and the text goes word by word.
        let mark = self.s.len();
        let mut word = 0;
        for (i, b) in text.bytes().enumerate() {
            match TEXT_BYTES[b as usize] {
                PLAIN => {}
                SPACE => {
                    self.s.push_str(&text[word..i]);
                    self.space();
                    word = i + 1;
                }
                _ => {
                    self.s.truncate(mark);
                    return self.text_by_word(text);
                }
            }
        }
        self.s.push_str(&text[word..]);
    }

    fn text_by_word(&mut self, text: &str) {
        for (i, word) in text.split(char::is_whitespace).enumerate() {
            if i > 0 {
                self.space();
            }
            if !word.is_empty() {
                escape_text(word, self.in_table, &mut self.s);
            }
        }
    }

    /// Appends Markdown syntax as is.
    pub(super) fn raw(&mut self, s: &str) {
        self.s.push_str(s);
    }

    /// Markdown whose `|` is content (a code span, a link's destination or title), written
    /// as it is but in a table cell, where a `|` would end the cell: there it is escaped
    /// (GFM reads `\|` back as `|` in code spans and links alike).
    pub(super) fn raw_pipes_escaped(&mut self, s: &str) {
        if self.in_table && s.contains('|') {
            self.s.push_str(&s.replace('|', "\\|"));
        } else {
            self.s.push_str(s);
        }
    }

    /// A `!` right before a link would make it an image.
    pub(super) fn escape_trailing_bang(&mut self) {
        // `\\!` is an escaped backslash before a bare `!`: what counts is whether an
        // odd number of backslashes stands before it.
        let bytes = self.s.as_bytes();
        let backslashes = bytes[..bytes.len().saturating_sub(1)]
            .iter()
            .rev()
            .take_while(|&&b| b == b'\\')
            .count();
        if self.s.ends_with('!') && backslashes.is_multiple_of(2) {
            self.s.pop();
            self.s.push_str("\\!");
        }
    }

    pub(super) fn space(&mut self) {
        if !self.ends_with_space() {
            self.s.push(' ');
        }
    }

    pub(super) fn hard_break(&mut self) {
        if self.in_table {
            self.trim_end();
            self.s.push_str("<br>");
        } else if self.single_line {
            self.space();
        } else {
            // Even at the start: a run's leading break moves out of its link or
            // emphasis (see `edges`); `finish` drops breaks at a paragraph's edges.
            self.trim_end();
            self.s.push_str("\\\n");
        }
    }

    pub(super) fn trim_end(&mut self) {
        let len = self.s.trim_end_matches(' ').len();
        self.s.truncate(len);
    }

    /// Appends a child run wrapped in `open`/`close`, keeping its outer white space
    /// outside the delimiters. An empty child adds only its white space.
    pub(super) fn wrapped(&mut self, child: Inline, open: &str, close: &str) {
        self.has_link |= child.has_link;
        let edges = child.edges();
        let body = child.finish();
        self.lead_edge(edges.0);
        // A delimiter next to a (kept) no-break space would not close: keep those
        // spaces outside.
        let nbsp = super::KEPT_NBSP_CHAR;
        let inner = body.trim_matches(nbsp);
        if !inner.is_empty() && !open.is_empty() {
            self.raw(&body[..body.len() - body.trim_start_matches(nbsp).len()]);
            self.raw(open);
            self.raw(inner);
            self.raw(close);
            self.raw(&body[body.trim_end_matches(nbsp).len()..]);
        } else {
            self.raw(&body);
        }
        self.trail_edge(edges.1);
    }

    /// What a run starts and ends with that belongs outside its delimiters: a space or
    /// a line break.
    pub(super) fn edges(&self) -> (Edge, Edge) {
        let start = self.s.trim_start_matches(' ');
        let end = self.s.trim_end_matches(' ');
        // A run that is one line break is one edge, not a break on each side.
        if matches!(start.trim_end_matches(' '), "\\\n" | "<br>") {
            return (Edge::Break, Edge::None);
        }
        let edge = |brk: bool, space: bool| {
            if brk {
                Edge::Break
            } else if space {
                Edge::Space
            } else {
                Edge::None
            }
        };
        (
            edge(
                start.starts_with("\\\n") || start.starts_with("<br>"),
                self.s.starts_with(' '),
            ),
            edge(
                end.ends_with("\\\n") || end.ends_with("<br>"),
                self.s.ends_with(' ') || self.s.ends_with('\n'),
            ),
        )
    }

    pub(super) fn lead_edge(&mut self, edge: Edge) {
        match edge {
            Edge::Break => self.hard_break(),
            Edge::Space => self.space(),
            Edge::None => {}
        }
    }

    pub(super) fn trail_edge(&mut self, edge: Edge) {
        self.lead_edge(edge)
    }

    /// Wraps the whole run in a span, e.g. strong for a term.
    pub(super) fn wrap(self, span: Span) -> Inline {
        // Beside this run, not after it: what stood before it stands before the span.
        let mut out = Inline {
            before: self.before,
            ..self.child()
        };
        out.wrapped(self, span.open(), span.close());
        out
    }

    /// The finished run as Markdown, its spans' delimiters chosen, and the kinds of
    /// the spans no delimiter could say (written as HTML tags); with `flatten`, spans
    /// inside their own kind are left out.
    pub(super) fn markdown(self, flatten: bool) -> (String, Vec<Span>) {
        let s = self.finish();
        match resolve(&s, flatten) {
            (std::borrow::Cow::Borrowed(_), tagged) => (s, tagged),
            (std::borrow::Cow::Owned(o), tagged) => (o, tagged),
        }
    }

    /// The finished run: trimmed, without leading or trailing breaks.
    pub(super) fn finish(self) -> String {
        let mut s = if memchr::memchr(b'\n', self.s.as_bytes()).is_some() || has_br(&self.s) {
            self.s
                .replace(" \\\n", "\\\n")
                .replace("\\\n ", "\\\n")
                .replace(" <br>", "<br>")
                .replace("<br> ", "<br>")
        } else {
            self.s
        };
        loop {
            let t = s.trim_matches(' ');
            let t = t.strip_suffix("\\\n").unwrap_or(t);
            let t = t.strip_suffix("<br>").unwrap_or(t);
            let t = t.strip_prefix("<br>").unwrap_or(t);
            let t = t.strip_prefix("\\\n").unwrap_or(t);
            if t.len() == s.len() {
                break;
            }
            s = t.to_string();
        }
        s
    }
}

/// Whether `s` holds a `<br>`: a byte search for `<`, most runs having none.
fn has_br(s: &str) -> bool {
    let bytes = s.as_bytes();
    memchr::memchr_iter(b'<', bytes).any(|i| bytes[i + 1..].starts_with(b"br>"))
}

const PLAIN: u8 = 0;
const SPACE: u8 = 1;
const OTHER: u8 = 2;

/// How `Inline::text` takes each byte: ASCII white space (as `char::is_whitespace` has
/// it), a byte `escape_text` may escape or one outside ASCII, or plain.
const TEXT_BYTES: [u8; 256] = {
    let mut table = [PLAIN; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = match c {
            b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' => SPACE,
            0x80..=0xFF => OTHER,
            _ if super::escape::may_escape(c) => OTHER,
            _ => PLAIN,
        };
        b += 1;
    }
    table
};

#[cfg(test)]
mod br_tests {
    #[test]
    fn a_br_is_found_wherever_it_is_and_only_then() {
        assert!(super::has_br("<br>"));
        assert!(super::has_br("a <b>x</b><br>"));
        assert!(!super::has_br("a <b>r</b> <"));
        assert!(!super::has_br("<bR>"));
    }
}
