//! DOM → CommonMark/GFM. Block structure is rendered to a list of blocks joined by blank
//! lines; inline content collapses white space as a browser would. Links and images
//! pass through the link policy. Elements that cannot reach the Markdown are reported as
//! losses, never dropped silently.

mod anchors;
mod blocks;
mod cut;
mod delims;
mod escape;
mod inline;
mod link;
mod list;
mod run;
mod table;

use markup5ever_rcdom::{Handle, NodeData};

use crate::dom::{self, Document};
use crate::extract::boilerplate::Candidates;
use crate::links::{FoundLink, LinkStatus, Linker};

pub use cut::Pieces;

/// Nesting deeper than this is flattened to its text (and reported), so that rendering
/// never recurses without bound.
pub const MAX_RENDER_DEPTH: usize = 200;

/// Content that did not reach the Markdown, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
    /// The header row of a table that has no `<th>`.
    pub table_header: TableHeader,
}

/// What heads a pipe table whose HTML has no header cells (a GFM table needs a header
/// row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum TableHeader {
    /// The first row when it reads as a header (in `<thead>`, or every cell wholly
    /// bold); else an empty header row.
    #[default]
    Auto,
    /// Always the first row.
    FirstRow,
    /// Always an empty header row: every row stays data.
    Empty,
}

/// The `markdown:` settings of a configuration.
#[derive(Debug, Clone, Copy, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    #[serde(default)]
    pub table_header: TableHeader,
}

/// Converts the children of `root`, an element of `doc`, to Markdown.
pub fn render(doc: &Document, root: &Handle, linker: &Linker, options: Options) -> Rendered {
    let (blocks, w) = write(doc, root, linker, options, None);
    Rendered {
        markdown: finish_blocks(blocks.iter(), options.faithful),
        links: w.links,
        losses: w.losses,
    }
}

/// `render`, in pieces that `candidates` (blocks under `root`) can be cut from later.
pub fn render_pieces(
    doc: &Document,
    root: &Handle,
    linker: &Linker,
    options: Options,
    candidates: &Candidates,
) -> Pieces {
    let tracker = cut::Tracker::new(candidates);
    let (blocks, w) = write(doc, root, linker, options, Some(tracker));
    linker.set_owner(0);
    Pieces::new(blocks, w)
}

fn write<'a>(
    doc: &'a Document,
    root: &Handle,
    linker: &'a Linker<'a>,
    options: Options,
    cut: Option<cut::Tracker>,
) -> (Vec<Block>, Writer<'a>) {
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
        quote_depth: 0,
        wrappers: Vec::new(),
        span_nodes: Vec::new(),
        // Room for the links of most pages: a vector of them grown by doubling copies
        // them each time.
        links: Vec::with_capacity(128),
        losses: Vec::new(),
        cut,
    };
    let blocks = w.children_blocks(root, 0);
    (blocks, w)
}

/// The Markdown of a content root's blocks.
fn finish_blocks<'b>(blocks: impl Iterator<Item = &'b Block> + Clone, faithful: bool) -> String {
    // Made its size at once: a page's Markdown is too long to grow by doubling cheaply.
    let size: usize = blocks.clone().map(|b| b.text.len() + 2).sum();
    let mut markdown = String::with_capacity(size);
    for b in blocks {
        if !markdown.is_empty() {
            markdown.push_str("\n\n");
        }
        markdown.push_str(&b.text);
    }
    if markdown == "---" || markdown.starts_with("---\n") {
        // A leading `---` would read as a front matter fence.
        markdown.replace_range(..3, "***");
    }
    if faithful {
        markdown = markdown.replace(KEPT_NBSP, "\u{a0}");
    }
    markdown
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Kind {
    Para,
    List { ordered: bool, marker: char },
    Other,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Block {
    text: String,
    kind: Kind,
    /// The candidate blocks it was written inside (`cut`), 0 for none.
    owner: u32,
}

impl Block {
    fn other(text: String) -> Block {
        Block::new(text, Kind::Other)
    }

    fn new(text: String, kind: Kind) -> Block {
        Block {
            text,
            kind,
            owner: 0,
        }
    }
}

fn join_blocks(blocks: &[Block]) -> String {
    let mut out = String::with_capacity(blocks.iter().map(|b| b.text.len() + 2).sum());
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
                None => false,
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
    /// How many quotations (`<q>`) the current run is inside.
    quote_depth: usize,
    /// The inline elements around the current blocks (`<a>` around a card).
    wrappers: Vec<blocks::Wrapper>,
    /// The elements of the spans marked since the last run was finished, to name one
    /// that had to be written as an HTML tag.
    span_nodes: Vec<(delims::Span, Handle)>,
    links: Vec<FoundLink>,
    losses: Vec<Loss>,
    /// With candidate blocks to cut later: what each piece was written inside.
    cut: Option<cut::Tracker>,
}

impl Writer<'_> {
    fn loss(&mut self, node: &Handle, reason: impl Into<String>) {
        self.track_loss();
        self.losses.push(Loss {
            element: dom::tag_name(node).unwrap_or("#text").to_string(),
            reason: reason.into(),
            line: self.doc.line_of(node),
            text: dom::text(node),
        });
    }

    /// Normalizes a link found in `node`'s `attribute`, and records it when the policy
    /// changed or dropped it (a link kept as it was has nothing to report).
    fn normalize(&mut self, node: &Handle, attribute: &'static str, raw: &str) -> Option<String> {
        let mut link = self.linker.link(raw);
        if self.options.heading_ids && attribute == "href" {
            self.reach_fragment(&mut link);
        }
        if link.status() == LinkStatus::Kept {
            return link.url;
        }
        let url = link.url.clone();
        self.track_link();
        self.links.push(FoundLink {
            link,
            element: crate::links::link_place_name(dom::tag_name(node).unwrap_or_default()),
            attribute: std::borrow::Cow::Borrowed(attribute),
            line: self.doc.line_of(node),
        });
        url
    }

    /// A link to a place in this page: to the id the Markdown gives that place, or,
    /// when the Markdown keeps no such place, without its fragment — or dropped, when it
    /// pointed at the page itself.
    fn reach_fragment(&mut self, link: &mut crate::links::Link) {
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
        let reached = self
            .anchors
            .reach(&id)
            .map(|(to, heading)| (to.to_string(), heading));
        let reached = reached.map(|(to, heading)| {
            self.track_reached(heading);
            to
        });
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
#[cfg(test)]
mod writer_cases;
