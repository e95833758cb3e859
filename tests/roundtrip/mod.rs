//! The round-trip yardstick: HTML → pagemill → Markdown → pulldown-cmark → HTML,
//! compared with the input after normalizing what does not change meaning.
//!
//! Normalization (both sides parsed by html5ever and re-serialized): attributes sorted,
//! entities decoded, `href`/`src` percent-decoded (percent-encoding spells the same URL),
//! an `<img>` without `alt` given an empty one, white space in text collapsed to one
//! space outside `<pre>`, white space only between blocks dropped, text trimmed at the
//! edges of blocks, white space at the edges of `a`/`em`/`strong`/`del` moved outside
//! them (it shows the same), and empty `<tbody>`s dropped.

#![allow(dead_code)]

use std::collections::HashMap;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use pagemill::config::{Settings, DEFAULT_CONFIG};

/// Elements CommonMark (and, with `gfm`, its GitHub extensions) can say, with the
/// attributes they can carry.
pub fn markdown_can_say(gfm: bool, tag: &str, attr: &str, value: &str) -> bool {
    match (tag, attr) {
        (_, "") => {
            matches!(
                tag,
                "p" | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "blockquote"
                    | "ul"
                    | "ol"
                    | "li"
                    | "pre"
                    | "code"
                    | "em"
                    | "strong"
                    | "a"
                    | "img"
                    | "hr"
                    | "br"
            ) || gfm
                && matches!(
                    tag,
                    "del" | "table" | "thead" | "tbody" | "tr" | "th" | "td" | "input"
                )
        }
        ("a", "href" | "title") | ("img", "src" | "alt" | "title") | ("ol", "start") => true,
        ("code", "class") => value.starts_with("language-"),
        ("th" | "td", "style") => value.starts_with("text-align"),
        ("input", "type" | "checked" | "disabled") => true,
        _ => false,
    }
}

fn parse(html: &str) -> RcDom {
    html5ever::parse_fragment(
        RcDom::default(),
        Default::default(),
        html5ever::QualName::new(None, html5ever::ns!(html), html5ever::local_name!("body")),
        vec![],
        false,
    )
    .one(html)
}

fn is_block_node(node: &Handle) -> bool {
    match &node.data {
        NodeData::Element { name, .. } => BLOCKS.contains(&&*name.local),
        _ => false,
    }
}

fn has_inline_content(node: &Handle) -> bool {
    node.children.borrow().iter().any(|c| match &c.data {
        NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
        NodeData::Element { .. } => !is_block_node(c),
        _ => false,
    })
}

/// Whether the HTML uses only what Markdown can say (no raw HTML needed): known
/// elements and attributes, and no inline content outside a block (Markdown puts every
/// run of text in a paragraph, list item, heading or cell).
pub fn needs_no_raw_html(gfm: bool, html: &str) -> bool {
    let dom = parse(html);
    let root = dom.document.children.borrow()[0].clone();
    if has_inline_content(&root) {
        return false;
    }
    let mut stack = vec![dom.document.clone()];
    while let Some(n) = stack.pop() {
        match &n.data {
            NodeData::Element { name, attrs, .. } => {
                let tag = &*name.local;
                if tag != "html" && !markdown_can_say(gfm, tag, "", "") {
                    return false;
                }
                if tag == "blockquote" && has_inline_content(&n) {
                    return false;
                }
                for a in attrs.borrow().iter() {
                    if !markdown_can_say(gfm, tag, &a.name.local, &a.value) {
                        return false;
                    }
                }
            }
            NodeData::Comment { .. } | NodeData::ProcessingInstruction { .. } => return false,
            _ => {}
        }
        stack.extend(n.children.borrow().iter().cloned());
    }
    true
}

const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "html",
];

/// A canonical serialization of HTML for comparison.
pub fn normalize(html: &str) -> String {
    let dom = parse(html);
    let mut out = String::new();
    let root = dom.document.children.borrow()[0].clone();
    write_children(&root, false, &mut out);
    out.trim().to_string()
}

fn write_children(node: &Handle, pre: bool, out: &mut String) {
    let children: Vec<Handle> = node.children.borrow().clone();
    let block_parent = is_block_node(node);
    let n = children.len();
    for (i, c) in children.iter().enumerate() {
        match &c.data {
            NodeData::Text { contents } => {
                let text = contents.borrow().to_string();
                if pre {
                    out.push_str(&escape(&text));
                    continue;
                }
                let mut t = collapse(&text);
                let prev_block =
                    (i == 0 && block_parent) || (i > 0 && is_block_node(&children[i - 1]));
                let next_block =
                    (i + 1 == n && block_parent) || (i + 1 < n && is_block_node(&children[i + 1]));
                if prev_block {
                    t = t.trim_start().to_string();
                }
                if next_block {
                    t = t.trim_end().to_string();
                }
                if out.ends_with(' ') && t.starts_with(' ') {
                    t.remove(0);
                }
                out.push_str(&escape(&t));
            }
            NodeData::Element { name, attrs, .. } => {
                let tag = name.local.to_string();
                // An empty table body is no content.
                if tag == "tbody" && c.children.borrow().iter().all(|n| matches!(&n.data, NodeData::Text { contents } if contents.borrow().trim().is_empty())) {
                    continue;
                }
                let mut attrs: Vec<(String, String)> = attrs
                    .borrow()
                    .iter()
                    .map(|a| {
                        let name = a.name.local.to_string();
                        let value = if matches!(name.as_str(), "href" | "src") {
                            percent_encoding::percent_decode_str(&a.value)
                                .decode_utf8_lossy()
                                .into_owned()
                        } else {
                            a.value.to_string()
                        };
                        (name, value)
                    })
                    .collect();
                if tag == "img" && !attrs.iter().any(|(k, _)| k == "alt") {
                    attrs.push(("alt".to_string(), String::new()));
                }
                attrs.sort();
                let mut open = format!("<{tag}");
                for (k, v) in attrs {
                    open.push_str(&format!(" {k}=\"{}\"", escape(&v)));
                }
                open.push('>');
                let mut inner = String::new();
                write_children(c, pre || tag == "pre", &mut inner);
                let inline = matches!(tag.as_str(), "a" | "em" | "strong" | "del");
                if inline && inner.starts_with(' ') {
                    if !out.ends_with(' ') {
                        out.push(' ');
                    }
                    inner.remove(0);
                }
                let trailing = inline && inner.ends_with(' ');
                if trailing {
                    inner.pop();
                }
                out.push_str(&open);
                out.push_str(&inner);
                if !matches!(tag.as_str(), "br" | "hr" | "img" | "input") {
                    out.push_str(&format!("</{tag}>"));
                }
                if trailing {
                    out.push(' ');
                }
                if BLOCKS.contains(&tag.as_str()) {
                    out.push('\n');
                }
            }
            _ => {}
        }
    }
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_ascii_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// HTML → pagemill's faithful Markdown (links verbatim).
pub fn to_markdown(html: &str) -> String {
    pagemill::page::html_to_markdown(
        html,
        &pagemill::links::Linker::verbatim(),
        pagemill::markdown::Options {
            faithful: true,
            ..Default::default()
        },
    )
    .markdown
}

/// Markdown → HTML with the reference renderer (GFM extensions on when `gfm`).
pub fn to_html(gfm: bool, md: &str) -> String {
    let mut opts = pulldown_cmark::Options::empty();
    if gfm {
        opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
        opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
        opts.insert(pulldown_cmark::Options::ENABLE_TASKLISTS);
        opts.insert(pulldown_cmark::Options::ENABLE_GFM);
    }
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, opts));
    out
}

pub fn settings() -> Settings {
    Settings::from_yaml(DEFAULT_CONFIG, "default", std::path::Path::new("."), None).unwrap()
}

/// Whether `html` survives the round trip; also the Markdown and the HTML it gave back.
pub fn round_trips(gfm: bool, html: &str) -> (bool, String, String) {
    let md = to_markdown(html);
    let back = to_html(gfm, &md);
    (normalize(html) == normalize(&back), md, back)
}

/// Visible words (text runs joined as a browser shows them: inline elements do not
/// split words, blocks and line breaks do) and (href, text) pairs of a document.
pub fn content(html: &str) -> (Vec<String>, Vec<(String, String)>) {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut text = String::new();
    let mut links: Vec<(String, String)> = Vec::new();
    // A node to visit, or text to add when the walk gets there: a block's end (a word
    // boundary), the closing mark a browser shows after a quotation.
    enum Item {
        Node(Handle),
        Text(&'static str),
    }
    let mut stack: Vec<Item> = vec![Item::Node(dom.document.clone())];
    while let Some(item) = stack.pop() {
        let n = match item {
            Item::Node(n) => n,
            Item::Text(t) => {
                text.push_str(t);
                continue;
            }
        };
        match &n.data {
            NodeData::Text { contents } => text.push_str(&contents.borrow()),
            NodeData::Element { name, attrs, .. } => {
                let tag = &*name.local;
                if matches!(
                    tag,
                    "head" | "script" | "style" | "noscript" | "template" | "title"
                ) {
                    continue;
                }
                if !is_inline(tag) {
                    text.push(' ');
                    stack.push(Item::Text(" "));
                }
                if tag == "q" {
                    text.push('\u{201C}');
                    stack.push(Item::Text("\u{201D}"));
                }
                if tag == "a" {
                    if let Some(href) = attrs.borrow().iter().find(|a| &*a.name.local == "href") {
                        // Percent-encoding spells the same URL.
                        let href = percent_encoding::percent_decode_str(href.value.trim())
                            .decode_utf8_lossy()
                            .into_owned();
                        // A link around blocks (a card: heading, paragraph) is a link
                        // in each of them.
                        for t in block_texts_of(&n) {
                            links.push((href.clone(), t));
                        }
                    }
                }
            }
            _ => {}
        }
        stack.extend(n.children.borrow().iter().rev().cloned().map(Item::Node));
    }
    (text.split_whitespace().map(str::to_string).collect(), links)
}

/// Elements that do not break a line of text.
fn is_inline(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "abbr"
            | "b"
            | "big"
            | "button"
            | "dfn"
            | "ins"
            | "label"
            | "samp"
            | "time"
            | "tt"
            | "var"
            | "cite"
            | "code"
            | "del"
            | "em"
            | "font"
            | "i"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "u"
    )
}

/// The text of `n`, one string per block inside it (all of it when it holds none).
fn block_texts_of(n: &Handle) -> Vec<String> {
    let mut runs = vec![String::new()];
    let mut stack = vec![Some(n.clone())];
    while let Some(item) = stack.pop() {
        let Some(n) = item else {
            runs.push(String::new());
            continue;
        };
        match &n.data {
            NodeData::Text { contents } => runs.last_mut().unwrap().push_str(&contents.borrow()),
            NodeData::Element { name, .. } if &*name.local == "br" => {
                runs.last_mut().unwrap().push(' ')
            }
            NodeData::Element { name, .. } if !is_inline(&name.local) => {
                runs.push(String::new());
                stack.push(None);
            }
            _ => {}
        }
        stack.extend(n.children.borrow().iter().rev().cloned().map(Some));
    }
    runs.iter()
        .map(|r| r.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|r| !r.is_empty())
        .collect()
}

pub fn text_of(n: &Handle) -> String {
    let mut s = String::new();
    let mut stack = vec![n.clone()];
    while let Some(n) = stack.pop() {
        match &n.data {
            NodeData::Text { contents } => s.push_str(&contents.borrow()),
            NodeData::Element { name, .. } if &*name.local == "br" || !is_inline(&name.local) => {
                s.push(' ')
            }
            _ => {}
        }
        stack.extend(n.children.borrow().iter().rev().cloned());
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn count<T: std::hash::Hash + Eq + Clone>(items: &[T]) -> HashMap<T, usize> {
    let mut m = HashMap::new();
    for i in items {
        *m.entry(i.clone()).or_insert(0) += 1;
    }
    m
}

/// How many of `want` (as a multiset) are in `have`.
pub fn recall<T: std::hash::Hash + Eq + Clone>(want: &[T], have: &[T]) -> usize {
    let have = count(have);
    count(want)
        .iter()
        .map(|(k, n)| (*n).min(*have.get(k).unwrap_or(&0)))
        .sum()
}
