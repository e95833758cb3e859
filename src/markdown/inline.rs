//! Inline elements: emphasis, quotations, code spans (links inside them kept) and form
//! controls, written into runs (`run.rs`); links and images are in `link.rs`.

use markup5ever_rcdom::{Handle, NodeData};

use super::delims::Span;
use super::run::Inline;
use super::{Writer, MAX_RENDER_DEPTH};
use crate::dom;

impl Writer<'_> {
    /// Renders one inline element (or an unknown one, treated as inline) into `out`.
    pub(super) fn inline(&mut self, node: &Handle, out: &mut Inline, depth: usize) {
        let NodeData::Element { name, .. } = &node.data else {
            if let NodeData::Text { contents } = &node.data {
                out.text(&contents.borrow());
            }
            return;
        };
        let tag: &str = &name.local;
        if depth > MAX_RENDER_DEPTH {
            self.loss(
                node,
                format!("nesting deeper than {MAX_RENDER_DEPTH} levels flattened to its text"),
            );
            out.text(&dom::text(node));
            return;
        }
        let gfm = self.options.flavor == super::Flavor::Gfm;
        if let Some(span) = Span::of(tag, gfm) {
            return self.delimited(node, out, span, depth);
        }
        match tag {
            "br" => out.hard_break(),
            "del" | "s" | "strike" => {
                self.loss(
                    node,
                    "strikethrough written as raw <del>: CommonMark has none",
                );
                let mut child = out.child();
                self.inline_children(node, &mut child, depth);
                out.wrapped(child, "<del>", "</del>");
            }
            "code" | "kbd" | "samp" | "tt" => self.code(node, out, depth),
            "q" => {
                // The quotation marks a browser adds (English ones; single inside a
                // quotation).
                let (open, close) = if self.quote_depth.is_multiple_of(2) {
                    ("\u{201C}", "\u{201D}")
                } else {
                    ("\u{2018}", "\u{2019}")
                };
                self.quote_depth += 1;
                out.text(open);
                self.inline_children(node, out, depth);
                out.text(close);
                self.quote_depth -= 1;
            }
            "a" => self.link(node, out, depth),
            "img" => self.image(node, out),
            "iframe" | "video" | "audio" | "embed" | "object" => self.embed(node, tag, out, depth),
            "input" => self.input(node, out),
            "select" | "svg" | "canvas" | "math" | "textarea" | "map" => {
                // Each text run (an option, an SVG label) quoted apart.
                let text = std::iter::once(node.clone())
                    .chain(dom::descendants(node))
                    .filter_map(|n| match &n.data {
                        NodeData::Text { contents } => {
                            Some(dom::collapse_whitespace(&contents.borrow()))
                        }
                        _ => None,
                    })
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" | ");
                if !text.is_empty() {
                    self.loss(
                        node,
                        format!("<{tag}> has no Markdown form; its text was dropped: {text:?}"),
                    );
                }
            }
            t if super::is_invisible(t) => {}
            t if super::is_block(t) => {
                // A block where a line cannot hold one (a heading, a table cell, a link
                // inside a heading): its content inline, separated by spaces.
                out.space();
                self.inline_children(node, out, depth);
                out.space();
            }
            _ => self.inline_children(node, out, depth),
        }
    }

    /// Emphasis, strong emphasis or strikethrough: the span is marked, and its
    /// delimiters are chosen when the whole run is known (`delims.rs`).
    fn delimited(&mut self, node: &Handle, out: &mut Inline, span: Span, depth: usize) {
        let mut child = out.child();
        self.inline_children(node, &mut child, depth);
        // Only (no-break) spaces: there is nothing to emphasize.
        let blank = child
            .s
            .chars()
            .all(|c| c == ' ' || c == super::KEPT_NBSP_CHAR);
        if blank {
            out.wrapped(child, "", "");
        } else {
            self.span_nodes.push((span, node.clone()));
            out.wrapped(child, span.open(), span.close());
        }
    }

    /// A code span; links inside it stay links, their text a code span of its own
    /// (`` [`Google`](…) ``), the code around them spans of their own.
    fn code(&mut self, node: &Handle, out: &mut Inline, depth: usize) {
        if !dom::descendants(node).any(|h| dom::is_element(&h, "a")) {
            if code_span(&code_text(node), out) {
                self.loss(node, CODE_AS_HTML);
            }
            return;
        }
        let mut pending = String::new();
        self.code_parts(node, out, &mut pending, depth);
        if code_span(&pending, out) {
            self.loss(node, CODE_AS_HTML);
        }
    }

    fn code_parts(&mut self, node: &Handle, out: &mut Inline, pending: &mut String, depth: usize) {
        for child in node.children.borrow().iter() {
            match dom::tag_name(child) {
                Some("a") if depth < MAX_RENDER_DEPTH => {
                    if code_span(&std::mem::take(pending), out) {
                        self.loss(node, CODE_AS_HTML);
                    }
                    self.code_link(child, &code_text(child), out);
                }
                Some("br") => pending.push(' '),
                Some(t) if super::is_invisible(t) => {}
                Some(_) if depth < MAX_RENDER_DEPTH => {
                    self.code_parts(child, out, pending, depth + 1)
                }
                _ => pending.push_str(&code_text(child)),
            }
        }
    }

    fn input(&mut self, node: &Handle, out: &mut Inline) {
        let kind = dom::attr(node, "type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        match kind.as_str() {
            "checkbox" if self.options.flavor == super::Flavor::Commonmark => {
                out.text(if dom::attr(node, "checked").is_some() {
                    "[x] "
                } else {
                    "[ ] "
                });
            }
            "checkbox" => out.raw(if dom::attr(node, "checked").is_some() {
                "[x] "
            } else {
                "[ ] "
            }),
            "hidden" => {}
            "submit" | "button" | "reset" => {
                if let Some(v) = dom::attr(node, "value").filter(|v| !v.trim().is_empty()) {
                    self.loss(node, format!("form button {v:?} dropped"));
                }
            }
            _ => {
                let label = dom::attr(node, "placeholder").or_else(|| dom::attr(node, "value"));
                self.loss(
                    node,
                    match label {
                        Some(l) if !l.trim().is_empty() => format!("form field {l:?} dropped"),
                        _ => "form field dropped".to_string(),
                    },
                );
            }
        }
    }
}

/// The text of code: its text nodes, a line break as white space.
fn code_text(node: &Handle) -> String {
    let mut out = String::new();
    push_code_text(node, &mut out, 0);
    out
}

fn push_code_text(node: &Handle, out: &mut String, depth: usize) {
    match &node.data {
        NodeData::Text { contents } => out.push_str(&contents.borrow()),
        NodeData::Element { name, .. } if &name.local == "br" => out.push(' '),
        NodeData::Element { name, .. } if super::is_invisible(&name.local) => {}
        _ if depth > MAX_RENDER_DEPTH => out.push_str(&dom::text(node)),
        _ => {
            for c in node.children.borrow().iter() {
                push_code_text(c, out, depth + 1);
            }
        }
    }
}

/// Why code was written as its tag.
pub(super) const CODE_AS_HTML: &str =
    "code holding `]` inside a link written as <code>…</code>: a code span there can read as a link definition";

/// A code span whose fence is longer than any backtick run inside; white space runs
/// collapse as a browser shows them. In a link's text, code holding a `]` is written
/// as `<code>` with the brackets as references (true is returned): `[` then a `]:` on
/// a paragraph's first line would read as a link reference definition, code span or
/// not.
pub(super) fn code_span(text: &str, out: &mut Inline) -> bool {
    let joined;
    let text = match out.code_tail.take() {
        Some((start, end, before)) if end == out.s.len() => {
            out.s.truncate(start);
            joined = before + text;
            joined.as_str()
        }
        _ => text,
    };
    let mut collapsed = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if !(c == ' ' && collapsed.ends_with(' ')) {
            collapsed.push(c);
        }
    }
    let text = collapsed;
    if text.is_empty() {
        return false;
    }
    if out.in_link_text && text.contains(']') {
        out.code_tail = None;
        out.raw("<code>");
        for c in text.chars() {
            match c {
                '[' => out.raw("&#91;"),
                ']' => out.raw("&#93;"),
                '<' => out.raw("&lt;"),
                '&' => out.raw("&amp;"),
                '|' => out.raw("&#124;"),
                '\\' => out.raw("&#92;"),
                '*' => out.raw("&#42;"),
                '_' => out.raw("&#95;"),
                '`' => out.raw("&#96;"),
                '~' => out.raw("&#126;"),
                c if super::delims::is_mark(c) => out.raw("\u{FFFD}"),
                c => {
                    let mut buf = [0u8; 4];
                    out.raw(c.encode_utf8(&mut buf));
                }
            }
        }
        out.raw("</code>");
        return true;
    }
    let fence = "`".repeat(super::longest_run(&text, '`') + 1);
    // CommonMark strips one space from both ends when both have one: pad such text,
    // and text that starts or ends with a backtick.
    let spaced = text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty();
    let pad = if spaced || text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    let start = out.s.len();
    out.raw(&fence);
    out.raw(pad);
    out.raw_pipes_escaped(&text);
    out.raw(pad);
    out.raw(&fence);
    out.code_tail = Some((start, out.s.len(), text));
    false
}
