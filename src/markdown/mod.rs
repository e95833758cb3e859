//! DOM → CommonMark/GFM. Block structure is rendered to a list of blocks joined by blank
//! lines; inline content collapses white space as a browser would. Links and images
//! pass through the link policy. Elements that cannot reach the Markdown are reported as
//! losses, never dropped silently.

mod anchors;
mod escape;
mod inline;
mod list;
mod run;
mod table;

use markup5ever_rcdom::{Handle, NodeData};

use crate::dom::{self, Document};
use crate::links::{FoundLink, LinkStatus, Linker};
use crate::source::liquid;
use list::next_marker;
use run::Inline;

/// Nesting deeper than this is flattened to its text (and reported), so that rendering
/// never recurses without bound.
pub const MAX_RENDER_DEPTH: usize = 200;

/// Content that did not reach the Markdown, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub element: String,
    pub reason: String,
    /// Line of the element in the parsed text.
    pub line: Option<usize>,
    /// Its visible text, white space collapsed.
    pub text: String,
}

/// The Markdown of one content root.
#[derive(Debug, Default)]
pub struct Rendered {
    pub markdown: String,
    /// The links the policy changed or dropped.
    pub links: Vec<FoundLink>,
    pub losses: Vec<Loss>,
}

/// Stands for a no-break space while a faithful rendering runs.
const KEPT_NBSP: &str = "\u{E002}";
const KEPT_NBSP_CHAR: char = '\u{E002}';

/// Which Markdown is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Flavor {
    /// GitHub Flavored Markdown: tables, strikethrough and task lists.
    #[default]
    Gfm,
    /// CommonMark alone: tables and strikethrough are written as HTML (and reported),
    /// task list boxes as text.
    Commonmark,
}

/// How the Markdown is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Keep what a migration drops as noise: empty headings, quotes and links, and link
    /// titles that repeat the link text. `pagemill md` is faithful; `convert` is not.
    pub faithful: bool,
    pub flavor: Flavor,
    /// Headings keep their ids as `{#id}` (kramdown, goldmark), and same-page links to
    /// ids the Markdown does not keep lose their fragment (or, pointing at the page
    /// itself, the link).
    pub heading_ids: bool,
}

/// Converts the children of `root`, an element of `doc`, to Markdown.
pub fn render(doc: &Document, root: &Handle, linker: &Linker, options: Options) -> Rendered {
    if options.faithful {
        // No-break spaces are text, not white space to collapse: hide them from the
        // writer's white-space handling and put them back at the end.
        for node in std::iter::once(root.clone()).chain(dom::descendants(root)) {
            if let NodeData::Text { contents } = &node.data {
                if contents.borrow().contains('\u{a0}') {
                    let kept = contents.borrow().replace('\u{a0}', KEPT_NBSP);
                    *contents.borrow_mut() = kept.into();
                }
            }
        }
    }
    let anchors = if options.heading_ids {
        anchors::Anchors::of(root)
    } else {
        anchors::Anchors::default()
    };
    let own_url = linker.page_urls().map(|u| u.new_url.to_string());
    let mut w = Writer {
        doc,
        linker,
        options,
        anchors,
        own_url,
        list_depth: 0,
        links: Vec::new(),
        losses: Vec::new(),
    };
    let blocks = w.children_blocks(root, 0);
    let mut markdown = join_blocks(&blocks);
    if markdown == "---" || markdown.starts_with("---\n") {
        // A leading `---` would read as a front matter fence.
        markdown.replace_range(..3, "***");
    }
    if options.faithful {
        markdown = markdown.replace(KEPT_NBSP, "\u{a0}");
    }
    Rendered {
        markdown,
        links: w.links,
        losses: w.losses,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Para,
    List { ordered: bool, marker: char },
    Other,
}

#[derive(Debug, Clone)]
struct Block {
    text: String,
    kind: Kind,
}

impl Block {
    fn other(text: String) -> Block {
        Block {
            text,
            kind: Kind::Other,
        }
    }
}

fn join_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&b.text);
    }
    out
}

/// Elements whose content is not rendered and is not visible text.
fn is_invisible(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "template"
            | "head"
            | "title"
            | "meta"
            | "link"
            | "base"
            | "noscript"
            | "param"
            | "source"
            | "track"
            | "datalist"
    )
}

/// Whether an inline element holds block elements (directly, or through other inline
/// wrappers, a few levels deep).
fn holds_blocks(node: &Handle, depth: usize) -> bool {
    depth < 4
        && node
            .children
            .borrow()
            .iter()
            .any(|c| match dom::tag_name(c) {
                Some(tag) if is_block(tag) => tag != "br",
                Some("a") | None => false,
                Some(_) => holds_blocks(c, depth + 1),
            })
}

/// Elements that end the current paragraph.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "caption"
            | "search"
    )
}

struct Writer<'a> {
    doc: &'a Document,
    linker: &'a Linker<'a>,
    options: Options,
    anchors: anchors::Anchors,
    /// The page's own new URL, for links to a place in it.
    own_url: Option<String>,
    /// How many lists the current block is inside.
    list_depth: usize,
    links: Vec<FoundLink>,
    losses: Vec<Loss>,
}

impl Writer<'_> {
    fn loss(&mut self, node: &Handle, reason: impl Into<String>) {
        self.losses.push(Loss {
            element: dom::tag_name(node).unwrap_or("#text").to_string(),
            reason: reason.into(),
            line: self.doc.line_of(node),
            text: dom::text(node),
        });
    }

    /// Normalizes a link found in `node`'s `attribute`, and records it when the policy
    /// changed or dropped it (a link kept as it was has nothing to report).
    fn normalize(&mut self, node: &Handle, attribute: &str, raw: &str) -> Option<String> {
        let mut link = self.linker.link(raw);
        if self.options.heading_ids && attribute == "href" {
            self.reach_fragment(&mut link);
        }
        if link.status() == LinkStatus::Kept {
            return link.url;
        }
        let url = link.url.clone();
        self.links.push(FoundLink {
            link,
            element: dom::tag_name(node).unwrap_or_default().to_string(),
            attribute: attribute.to_string(),
            line: self.doc.line_of(node),
        });
        url
    }

    /// A link to a place in this page: to the id the Markdown gives that place, or,
    /// when the Markdown keeps no such place, without its fragment — or dropped, when it
    /// pointed at the page itself.
    fn reach_fragment(&self, link: &mut crate::links::Link) {
        let Some(url) = link.url.as_deref() else {
            return;
        };
        let Some((page, fragment)) = url.split_once('#') else {
            return;
        };
        let own = page.is_empty() || self.own_url.as_deref() == Some(page);
        if !own || fragment.is_empty() {
            return;
        }
        let id = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
        let reached = self.anchors.reach(&id).map(str::to_string);
        match reached {
            Some(to) if to == fragment => {}
            Some(to) => {
                link.url = Some(format!("{page}#{to}"));
                link.rules.push(crate::links::rule::INTERNAL);
            }
            None => {
                link.url = None;
                link.rules.push(crate::links::rule::DEAD_FRAGMENT);
            }
        }
    }

    /// Renders the children of a block container into blocks.
    fn children_blocks(&mut self, node: &Handle, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        let mut para = Inline::new(false);
        if depth > MAX_RENDER_DEPTH {
            self.loss(
                node,
                format!("nesting deeper than {MAX_RENDER_DEPTH} levels flattened to its text"),
            );
            para.text(&dom::text(node));
            push_para(&mut out, para);
            return out;
        }
        // Rendering only reads the tree: its children are borrowed, not copied.
        let children = node.children.borrow();
        for child in children.iter() {
            match &child.data {
                NodeData::Text { contents } => block_text(&contents.borrow(), &mut para, &mut out),
                NodeData::Element { name, .. } => {
                    let tag: &str = &name.local;
                    if is_invisible(tag) {
                        continue;
                    }
                    if is_block(tag) {
                        push_para(&mut out, std::mem::replace(&mut para, Inline::new(false)));
                        self.block(child, tag, depth + 1, &mut out);
                    } else if tag != "a" && holds_blocks(child, 0) {
                        // `<font><h2>…</h2><p>…</p></font>`, as FrontPage and old
                        // editors wrote: the wrapper is transparent, its blocks stay
                        // blocks.
                        push_para(&mut out, std::mem::replace(&mut para, Inline::new(false)));
                        self.block(child, "div", depth + 1, &mut out);
                    } else {
                        self.inline(child, &mut para, depth + 1);
                    }
                }
                _ => {}
            }
        }
        push_para(&mut out, para);
        out
    }

    fn block(&mut self, node: &Handle, tag: &str, depth: usize, out: &mut Vec<Block>) {
        match tag {
            "p" | "dt" | "summary" | "legend" | "caption" | "figcaption" => {
                let mut para = Inline::new(false);
                self.inline_children(node, &mut para, depth);
                if matches!(tag, "dt" | "summary") {
                    para = para.wrap("**");
                }
                push_para(out, para);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = (tag.as_bytes()[1] - b'0') as usize;
                let mut text = Inline::new(true);
                self.inline_children(node, &mut text, depth);
                let text = text.finish();
                if text.is_empty() && self.options.faithful {
                    out.push(Block::other("#".repeat(level)));
                } else if !text.is_empty() {
                    let text = if text.ends_with('#') {
                        format!("{}\\#", &text[..text.len() - 1])
                    } else {
                        text
                    };
                    let id = match self.anchors.heading(node) {
                        Some(id) => format!(" {{#{id}}}"),
                        None => String::new(),
                    };
                    out.push(Block::other(format!("{} {text}{id}", "#".repeat(level))));
                }
            }
            // `- ---` would be a rule, not an item holding one.
            "hr" if self.list_depth > 0 => out.push(Block::other("***".to_string())),
            "hr" => out.push(Block::other("---".to_string())),
            "ul" | "ol" | "menu" | "dir" => {
                let ordered = tag == "ol";
                let marker = match out.last() {
                    Some(Block {
                        kind: Kind::List { ordered: o, marker },
                        ..
                    }) if *o == ordered => next_marker(*marker, ordered),
                    _ => {
                        if ordered {
                            '.'
                        } else {
                            '-'
                        }
                    }
                };
                self.list_depth += 1;
                let list = self.list(node, ordered, marker, depth);
                self.list_depth -= 1;
                if let Some(text) = list {
                    out.push(Block {
                        text,
                        kind: Kind::List { ordered, marker },
                    });
                }
            }
            "blockquote" => {
                let inner = self.children_blocks(node, depth);
                if !inner.is_empty() {
                    out.push(Block::other(prefix_lines(&join_blocks(&inner), "> ", ">")));
                } else if self.options.faithful {
                    out.push(Block::other(">".to_string()));
                }
            }
            "pre" => out.push(Block::other(code_block(node))),
            "table" => {
                for b in self.table(node, depth) {
                    out.push(b);
                }
            }
            _ => out.extend(self.children_blocks(node, depth)),
        }
    }

    fn inline_children(&mut self, node: &Handle, out: &mut Inline, depth: usize) {
        let children = node.children.borrow();
        for child in children.iter() {
            match &child.data {
                NodeData::Text { contents } => out.text(&contents.borrow()),
                NodeData::Element { .. } => self.inline(child, out, depth + 1),
                _ => {}
            }
        }
    }
}

/// Text between blocks. A Liquid tag alone on its source line (`{% include x.md %}`)
/// stays alone on its line, as a block of its own.
fn block_text(text: &str, para: &mut Inline, out: &mut Vec<Block>) {
    if !text.contains(liquid::OPEN) {
        para.text(text);
        return;
    }
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            para.text("\n");
        }
        let t = line.trim();
        let lone = t.starts_with(liquid::OPEN)
            && t.ends_with(liquid::CLOSE)
            && t.matches(liquid::OPEN).count() == 1;
        if lone {
            push_para(out, std::mem::replace(para, Inline::new(false)));
            out.push(Block::other(t.to_string()));
        } else {
            para.text(line);
        }
    }
}

fn push_para(out: &mut Vec<Block>, para: Inline) {
    let text = para.finish();
    if !text.is_empty() {
        out.push(Block {
            text: escape::escape_line_starts(&text),
            kind: Kind::Para,
        });
    }
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.split('\n')
        .map(|l| {
            if l.is_empty() {
                empty.to_string()
            } else {
                format!("{prefix}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fenced code block: the text exactly, the fence longer than any backtick run in it,
/// the language from a `language-x` or `lang-x` class.
fn code_block(pre: &Handle) -> String {
    let code = dom::raw_text(pre);
    let code = code.strip_suffix('\n').unwrap_or(&code);
    let longest = longest_run(code, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    let lang = std::iter::once(pre.clone())
        .chain(dom::descendants(pre).filter(|h| dom::is_element(h, "code")))
        .filter_map(|h| dom::attr(&h, "class"))
        .flat_map(|c| {
            c.split_ascii_whitespace()
                .filter_map(|c| {
                    c.strip_prefix("language-")
                        .or_else(|| c.strip_prefix("lang-"))
                })
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .next()
        .unwrap_or_default();
    if code.is_empty() {
        return format!("{fence}{lang}\n{fence}");
    }
    format!("{fence}{lang}\n{code}\n{fence}")
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

#[cfg(test)]
mod tests;
