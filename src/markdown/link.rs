//! Links, images and embedded media as inline Markdown: destinations in the form that
//! reads back, titles, autolinks, lazy-loaded image sources and video posters.

use std::borrow::Cow;

use markup5ever_rcdom::{Handle, NodeData};

use super::escape::looks_like_entity;
use super::run::{Edge, Inline};
use super::Writer;
use crate::dom;

impl Writer<'_> {
    pub(super) fn link(&mut self, node: &Handle, out: &mut Inline, depth: usize) {
        let mut child = out.child();
        child.in_link_text = true;
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
                // The white space or line break it held stays.
                out.lead_edge(lead);
                out.trail_edge(trail);
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
            if !dom::has_attr(node, "title") {
                out.has_link = true;
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

    pub(super) fn write_link(
        &mut self,
        out: &mut Inline,
        text: &str,
        url: &str,
        title: Option<&str>,
        lead: Edge,
        trail: Edge,
    ) {
        out.has_link = true;
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

    pub(super) fn image(&mut self, node: &Handle, out: &mut Inline) {
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
    pub(super) fn embed(&mut self, node: &Handle, tag: &str, out: &mut Inline, depth: usize) {
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
        let mut text = l.finish();
        // A video's poster is the image a visitor sees before it plays: the link shows it.
        let poster = dom::attr(node, "poster")
            .filter(|p| tag == "video" && !p.trim().is_empty())
            .and_then(|p| self.normalize(node, "poster", &p));
        if let Some(poster) = poster {
            text = format!("![{text}]({})", destination(&poster));
        }
        out.space();
        self.write_link(out, &text, &url, None, Edge::None, Edge::None);
        out.space();
    }

    /// A link inside code: its text a code span.
    pub(super) fn code_link(&mut self, node: &Handle, code: &str, out: &mut Inline) {
        let mut text = out.child();
        text.in_link_text = true;
        if super::inline::code_span(code, &mut text) {
            self.loss(node, super::inline::CODE_AS_HTML);
        }
        let text = text.finish();
        let url = dom::attr(node, "href").and_then(|href| self.normalize(node, "href", &href));
        match url {
            Some(url) if !text.is_empty() => {
                let title = dom::attr(node, "title")
                    .map(|t| dom::collapse_whitespace(&markup_as_text(&t)))
                    .filter(|t| !t.is_empty());
                self.write_link(out, &text, &url, title.as_deref(), Edge::None, Edge::None);
            }
            _ => out.raw(&text),
        }
    }
}

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

/// `<https://…>` or `<name@host>` when a link's text is its own destination.
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

/// A link destination, in `<…>` form (with `\\`, `<` and `>` escaped) when it holds
/// white space, angle brackets, backslashes or unbalanced parentheses; in either form a
/// `&` that would start a character reference is escaped.
pub(super) fn destination(url: &str) -> Cow<'_, str> {
    // `[x]( "title")` would read the title as the destination.
    if url.is_empty() {
        return Cow::Borrowed("<>");
    }
    // Most links are visible ASCII without brackets, backslashes or references: written
    // as they are.
    if url
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'<' | b'>' | b'\\' | b'(' | b')'))
        && !memchr::memchr_iter(b'&', url.as_bytes())
            .any(|i| looks_like_entity(url[i + 1..].chars()))
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

/// A link title in double quotes.
fn link_title(t: &str) -> String {
    let mut out = String::from("\"");
    for (i, c) in t.char_indices() {
        match c {
            // A line break in a title is written as a reference: the title keeps its
            // white space exactly, and a blank line can never end the paragraph.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            // `<` and `>` are escaped too: should the link not parse (a Liquid tag with
            // a line break in a heading, found by fuzzing), the title is text, never
            // markup.
            '"' | '\\' | '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '&' if looks_like_entity(t[i + 1..].chars()) => out.push_str("\\&"),
            _ => out.push(c),
        }
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
