//! Inline elements: emphasis, code spans, links, images, embedded content and form
//! controls, written into runs (`run.rs`).

use std::borrow::Cow;

use markup5ever_rcdom::{Handle, NodeData};

use super::escape::looks_like_entity;
use super::run::{Edge, Inline};
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
        match tag {
            "br" => out.hard_break(),
            "strong" | "b" => self.delimited(node, out, "**", "**", depth),
            "em" | "i" | "cite" | "dfn" | "var" => self.delimited(node, out, "*", "*", depth),
            "del" | "s" | "strike" if self.options.flavor == super::Flavor::Commonmark => {
                self.loss(
                    node,
                    "strikethrough written as raw <del>: CommonMark has none",
                );
                let mut child = out.child();
                self.inline_children(node, &mut child, depth);
                out.wrapped(child, "<del>", "</del>");
            }
            "del" | "s" | "strike" => self.delimited(node, out, "~~", "~~", depth),
            "code" | "kbd" | "samp" | "tt" => code_span(&dom::raw_text(node), out),
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
                // A block inside inline content (e.g. `<a><div>…</div></a>`): keep its
                // content inline, separated by spaces.
                out.space();
                self.inline_children(node, out, depth);
                out.space();
            }
            _ => self.inline_children(node, out, depth),
        }
    }

    fn delimited(
        &mut self,
        node: &Handle,
        out: &mut Inline,
        open: &str,
        close: &str,
        depth: usize,
    ) {
        let mut child = out.child();
        self.inline_children(node, &mut child, depth);
        // A delimiter next to the same character would merge into one run: switch
        // `*` for `_` (not inside a word, where `_` does not work), and say one level
        // less where Markdown cannot say it (emphasis three deep, strong in strong
        // inside a word).
        let body = child.s.trim();
        let edge = |c: char| {
            body.starts_with(c) || (body.ends_with(c) && !body.ends_with(&format!("\\{c}")))
        };
        // Emphasis can wrap nothing or a strong run (`***x***`); other star runs merge.
        let lead = body.chars().take_while(|c| *c == '*').count();
        let trail = if body.ends_with("\\*") {
            0
        } else {
            body.chars().rev().take_while(|c| *c == '*').count()
        };
        let single_star = !matches!(lead, 0 | 2) || !matches!(trail, 0 | 2);
        let intraword = out
            .s
            .chars()
            .last()
            .or(out.before)
            .is_some_and(char::is_alphanumeric);
        // Emphasis stacked more than two deep at an edge (`***`, `_*_`, `__**`) does
        // not reliably parse back: it is written two deep.
        let delim = |c: &char| *c == '*' || *c == '_';
        let lead_run = body.chars().take_while(delim).count();
        let trail_run = if body.ends_with("\\*") || body.ends_with("\\_") {
            0
        } else {
            body.chars().rev().take_while(delim).count()
        };
        // Only (no-break) spaces: there is nothing to emphasize.
        let blank = body.chars().all(|c| c == ' ' || c == super::KEPT_NBSP_CHAR);
        // Strong around strong around nothing but punctuation does not parse back.
        let wordless = !body.chars().any(char::is_alphanumeric);
        let choice = match open {
            _ if blank || lead_run >= 3 || trail_run >= 3 => None,
            "**" if edge('*') && wordless => None,
            "*" if body.starts_with("_*") || body.ends_with("*_") => None,
            "*" if single_star && (intraword || edge('_')) => None,
            "*" if single_star => Some("_"),
            "**" if edge('*') && intraword && (body.starts_with("**") || body.ends_with("**")) => {
                None
            }
            "**" if edge('*') && !intraword => Some("__"),
            _ => Some(open),
        };
        let Some(delim) = choice else {
            out.wrapped(child, "", "");
            return;
        };
        let (open, close) = (delim, if delim == open { close } else { delim });
        out.wrapped(child, open, close);
    }

    fn link(&mut self, node: &Handle, out: &mut Inline, depth: usize) {
        let mut child = out.child();
        self.inline_children(node, &mut child, depth);
        let Some(href) = dom::attr(node, "href") else {
            out.wrapped(child, "", "");
            return;
        };
        let Some(url) = self.normalize(node, "href", &href) else {
            out.wrapped(child, "", "");
            return;
        };
        let (lead, trail) = child.edges();
        let text = child.finish();
        if text.is_empty() && self.options.faithful {
            let title = dom::attr(node, "title");
            return self.write_link(out, "", &url, title.as_deref(), lead, trail);
        }
        if text.is_empty() {
            let label = dom::attr(node, "aria-label")
                .or_else(|| dom::attr(node, "title"))
                .map(|t| dom::collapse_whitespace(&t))
                .unwrap_or_default();
            if label.is_empty() {
                self.loss(node, format!("link to {url} has no text and was dropped"));
                return;
            }
            let mut l = out.child();
            l.text(&label);
            return self.write_link(out, &l.finish(), &url, None, lead, trail);
        }
        // GFM does not read `\|` back inside an autolink: in a table cell, a URL with a
        // `|` is written as a link.
        let autolink =
            autolink(&plain(&text), &url).filter(|_| !(out.in_table && url.contains('|')));
        if let Some(auto) = autolink {
            if dom::attr(node, "title").is_none() {
                out.lead_edge(lead);
                out.raw(&auto);
                out.trail_edge(trail);
                return;
            }
        }
        let title = if self.options.faithful && !out.single_line {
            dom::attr(node, "title")
        } else if self.options.faithful {
            // A table cell or heading is one line.
            dom::attr(node, "title").map(|t| dom::collapse_whitespace(&t))
        } else {
            // A title that repeats the link text says nothing more (and screen readers
            // read it twice): a migration drops it.
            dom::attr(node, "title")
                .map(|t| dom::collapse_whitespace(&markup_as_text(&t)))
                .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case(&plain(&text)))
        };
        self.write_link(out, &text, &url, title.as_deref(), lead, trail);
    }

    fn write_link(
        &mut self,
        out: &mut Inline,
        text: &str,
        url: &str,
        title: Option<&str>,
        lead: Edge,
        trail: Edge,
    ) {
        out.lead_edge(lead);
        out.escape_trailing_bang();
        out.raw("[");
        out.raw(text);
        out.raw("](");
        out.raw_pipes_escaped(&destination(url));
        if let Some(t) = title {
            out.raw(" ");
            out.raw_pipes_escaped(&link_title(t));
        }
        out.raw(")");
        out.trail_edge(trail);
    }

    fn image(&mut self, node: &Handle, out: &mut Inline) {
        let alt = dom::attr(node, "alt")
            .map(|a| dom::collapse_whitespace(&a))
            .unwrap_or_default();
        let Some((attribute, src)) = image_source(node) else {
            if !alt.is_empty() {
                out.text(&alt);
            }
            return;
        };
        let Some(url) = self.normalize(node, attribute, &src) else {
            self.loss(
                node,
                format!("image source {src:?} is not allowed; the image was dropped"),
            );
            if !alt.is_empty() {
                out.text(&alt);
            }
            return;
        };
        let mut a = out.child();
        a.text(&alt);
        let title = dom::attr(node, "title")
            .map(|t| {
                if self.options.faithful {
                    t
                } else {
                    dom::collapse_whitespace(&markup_as_text(&t))
                }
            })
            .filter(|t| self.options.faithful || (!t.trim().is_empty() && t.trim() != alt));
        out.escape_trailing_bang();
        out.raw("![");
        out.raw(&a.finish());
        out.raw("](");
        out.raw_pipes_escaped(&destination(&url));
        if let Some(t) = title {
            out.raw(" ");
            out.raw_pipes_escaped(&link_title(&t));
        }
        out.raw(")");
    }

    /// Embedded media become a link to their source.
    fn embed(&mut self, node: &Handle, tag: &str, out: &mut Inline, depth: usize) {
        let src = dom::attr(node, "src")
            .or_else(|| dom::attr(node, "data"))
            .or_else(|| {
                dom::descendants(node)
                    .find(|h| dom::is_element(h, "source"))
                    .and_then(|h| dom::attr(&h, "src"))
            });
        let Some(src) = src else {
            if tag != "iframe" {
                self.inline_children(node, out, depth);
            }
            return;
        };
        let Some(url) = self.normalize(node, "src", &src) else {
            self.loss(
                node,
                format!("<{tag}> source {src:?} is not allowed and was dropped"),
            );
            return;
        };
        let label = dom::attr(node, "title")
            .or_else(|| dom::attr(node, "aria-label"))
            .map(|t| dom::collapse_whitespace(&t))
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| match tag {
                "video" => "Video".to_string(),
                "audio" => "Audio".to_string(),
                _ => "Embedded content".to_string(),
            });
        let mut l = out.child();
        l.text(&label);
        out.space();
        self.write_link(out, &l.finish(), &url, None, Edge::None, Edge::None);
        out.space();
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

/// `<https://…>` or `<name@host>` when a link's text is its own destination.
/// The image an `<img>` shows, and the attribute it came from: `src`; the real image of
/// a lazy-loading page (`data-src`, `data-original`, `data-lazy-src`) when `src` is empty
/// or a `data:` placeholder; else the first `srcset` candidate.
fn image_source(node: &Handle) -> Option<(&'static str, String)> {
    let present = |name: &str| dom::attr(node, name).filter(|s| !s.trim().is_empty());
    let src = present("src");
    let lazy = ["data-src", "data-original", "data-lazy-src"]
        .into_iter()
        .find_map(|name| present(name).map(|v| (name, v)));
    let placeholder = src.as_deref().is_none_or(|s| {
        s.trim_start()
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("data:"))
    });
    match (src, lazy) {
        (_, Some((name, real))) if placeholder => Some((
            match name {
                "data-src" => "data-src",
                "data-original" => "data-original",
                _ => "data-lazy-src",
            },
            real,
        )),
        (Some(src), _) => Some(("src", src)),
        (None, _) => {
            let srcset = present("srcset")?;
            let first = srcset
                .split(',')
                .find_map(|c| c.split_whitespace().next())?;
            Some(("srcset", first.to_string()))
        }
    }
}

fn autolink(text: &str, url: &str) -> Option<String> {
    let plain_url = |u: &str| {
        !u.is_empty()
            && !u.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
    };
    let scheme = url.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    match scheme.as_deref() {
        Some("http" | "https" | "ftp") if text == url && plain_url(url) => Some(format!("<{url}>")),
        Some("mailto")
            if url.get(7..) == Some(text)
                && plain_url(text)
                && text.contains('@')
                && !text.contains('\\') =>
        {
            Some(format!("<{text}>"))
        }
        _ => None,
    }
}

/// Text without backslash escapes, to compare with a title attribute.
fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    let mut chars = md.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        out.push(c);
    }
    out
}

/// A code span whose fence is longer than any backtick run inside; white space runs
/// collapse as a browser shows them.
fn code_span(text: &str, out: &mut Inline) {
    let mut collapsed = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if !(c == ' ' && collapsed.ends_with(' ')) {
            collapsed.push(c);
        }
    }
    let text = collapsed;
    if text.is_empty() {
        return;
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
    out.raw(&fence);
    out.raw(pad);
    out.raw_pipes_escaped(&text);
    out.raw(pad);
    out.raw(&fence);
}

/// A link destination, in `<…>` form (with `\\`, `<` and `>` escaped) when it holds
/// white space, angle brackets, backslashes or unbalanced parentheses; in either form a
/// `&` that would start a character reference is escaped.
fn destination(url: &str) -> Cow<'_, str> {
    // Most links are visible ASCII without brackets, backslashes or references: written
    // as they are.
    if url
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'\\' | b'(' | b')'))
        && !url
            .match_indices('&')
            .any(|(i, _)| looks_like_entity(url[i + 1..].chars()))
    {
        return Cow::Borrowed(url);
    }
    // Liquid tags are placeholders here, opaque to what follows: the text around them
    // is made safe like any other (found by fuzzing: a kept Liquid URL carried
    // newlines and `</style>` into the Markdown). Control characters end a Markdown
    // destination, turning the link into text (fuzzing again): they are encoded.
    let encoded;
    let url = if url.contains(|c: char| c.is_control() && c != '\n' && c != '\r') {
        encoded = url
            .chars()
            .map(|c| {
                if c.is_control() && c != '\n' && c != '\r' {
                    let mut buf = [0u8; 4];
                    c.encode_utf8(&mut buf)
                        .bytes()
                        .map(|b| format!("%{b:02X}"))
                        .collect()
                } else {
                    c.to_string()
                }
            })
            .collect::<String>();
        encoded.as_str()
    } else {
        url
    };
    let mut depth: i32 = 0;
    let mut balanced = true;
    for c in url.chars() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                balanced &= depth >= 0;
            }
            _ => {}
        }
    }
    if balanced
        && depth == 0
        && !url.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '\\'))
    {
        return Cow::Owned(escape_references(url));
    }
    let mut out = String::from("<");
    for (i, c) in url.char_indices() {
        match c {
            '\\' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '&' if looks_like_entity(url[i + 1..].chars()) => out.push_str("\\&"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            _ => out.push(c),
        }
    }
    out.push('>');
    Cow::Owned(out)
}

/// A link title in double quotes. A blank line would end the paragraph, so runs of
/// line breaks become one.
/// A title attribute holding markup (a CMS's tooltip: `<table><tr><td>Board
/// Meeting…`) as the text it shows; any other title as it is.
fn markup_as_text(t: &str) -> Cow<'_, str> {
    // A closing tag says markup: `</td>`, `</p>` (a lone `<` or `a<b` is text).
    let tagged = t.match_indices("</").any(|(i, _)| {
        let name = &t[i + 2..];
        let letters = name
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .count();
        letters > 0 && name[letters..].starts_with('>')
    });
    if !tagged {
        return Cow::Borrowed(t);
    }
    let doc = crate::dom::Document::parse(t);
    let words: Vec<String> = dom::descendants(&doc.body())
        .filter_map(|n| match &n.data {
            NodeData::Text { contents } => Some(contents.borrow().to_string()),
            _ => None,
        })
        .collect();
    Cow::Owned(words.join(" "))
}

fn link_title(t: &str) -> String {
    let mut s = t.replace("\r\n", "\n");
    while s.contains("\n\n") {
        s = s.replace("\n\n", "\n");
    }
    let mut out = String::from("\"");
    for (i, c) in s.char_indices() {
        // `<` and `>` are escaped too: should the link not parse (a Liquid tag with a
        // line break in a heading, found by fuzzing), the title is text, never markup.
        if matches!(c, '"' | '\\' | '<' | '>')
            || (c == '&' && looks_like_entity(s[i + 1..].chars()))
        {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// `url` with a backslash before each `&` that would start a character reference, so
/// that CommonMark reads it back as written (`?a=1&amp;b=2` stays that, not `&b=2`).
fn escape_references(url: &str) -> String {
    let mut out = String::with_capacity(url.len() + 2);
    for (i, c) in url.char_indices() {
        if c == '&' && looks_like_entity(url[i + 1..].chars()) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
