//! Block structure: paragraphs, headings, quotes, code blocks, rules, and inline
//! wrappers around blocks (`<a>` around a card, `<b>` or `<font>` around paragraphs),
//! whose meaning each block inside keeps.

use markup5ever_rcdom::{Handle, NodeData};

use super::delims::Span;
use super::escape;
use super::list::next_marker;
use super::run::Inline;
use super::MAX_RENDER_DEPTH;
use super::{holds_blocks, is_block, is_invisible, join_blocks, Block, Kind, Writer};
use crate::dom;
use crate::source::liquid;

/// An inline element wrapping blocks, applied to each run of text inside it.
#[derive(Debug, Clone)]
pub(super) enum Wrapper {
    Span(Span),
    Link {
        url: String,
        title: Option<String>,
        /// Whether some run inside was linked (else the link is reported as dropped).
        used: bool,
    },
    /// A wrapper that says nothing a run could carry (`<span>`, `<font>`).
    Plain,
}

impl Writer<'_> {
    /// Renders the children of a block container into blocks.
    pub(super) fn children_blocks(&mut self, node: &Handle, depth: usize) -> Vec<Block> {
        let mut out = Vec::new();
        let mut para = Inline::new(false);
        if depth > MAX_RENDER_DEPTH {
            self.loss(
                node,
                format!("nesting deeper than {MAX_RENDER_DEPTH} levels flattened to its text"),
            );
            para.text(&dom::text(node));
            self.push_para(&mut out, para);
            return out;
        }
        // Rendering only reads the tree: its children are borrowed, not copied.
        let children = node.children.borrow();
        // With candidates to cut later: those entered since text was last written,
        // which text after them would join across.
        let mut after_text: Option<Vec<u32>> = None;
        for child in children.iter() {
            match &child.data {
                NodeData::Text { contents } => {
                    self.block_text(&contents.borrow(), &mut para, &mut out)
                }
                NodeData::Element { name, .. } => {
                    let tag: &str = &name.local;
                    if is_invisible(tag) {
                        continue;
                    }
                    if is_block(tag) {
                        let para = std::mem::replace(&mut para, Inline::new(false));
                        self.push_text(&mut out, para, &mut after_text);
                        let from = out.len();
                        match self.enter(child) {
                            Some((outer, candidate)) => {
                                if let Some(list) = after_text.as_mut() {
                                    list.push(candidate);
                                }
                                self.block(child, tag, depth + 1, &mut out);
                                self.leave(outer, &mut out, from);
                            }
                            None => {
                                after_text = None;
                                self.block(child, tag, depth + 1, &mut out);
                            }
                        }
                    } else if holds_blocks(child, 0) {
                        // `<font><h2>…</h2><p>…</p></font>`, as FrontPage and old
                        // editors wrote, `<a>` around a card: the blocks stay blocks,
                        // each run inside carrying the wrapper's emphasis or link.
                        let para = std::mem::replace(&mut para, Inline::new(false));
                        self.push_text(&mut out, para, &mut after_text);
                        after_text = None;
                        self.wrapped_blocks(child, tag, depth + 1, &mut out);
                    } else {
                        self.inline(child, &mut para, depth + 1);
                    }
                }
                _ => {}
            }
        }
        self.push_text(&mut out, para, &mut after_text);
        out
    }

    /// A run between blocks as a paragraph. With candidates to cut later: text after
    /// candidates that followed text would join that text once they are cut.
    fn push_text(&mut self, out: &mut Vec<Block>, para: Inline, after_text: &mut Option<Vec<u32>>) {
        if self.cut.is_none() {
            self.push_para(out, para);
            return;
        }
        let before = out.len();
        self.push_para(out, para);
        if out.len() > before {
            if let Some(between) = after_text.take() {
                self.joins_text(&between);
            }
            *after_text = Some(Vec::new());
        }
    }

    /// The blocks inside an inline element, each run carrying what the element says.
    fn wrapped_blocks(&mut self, node: &Handle, tag: &str, depth: usize, out: &mut Vec<Block>) {
        let gfm = self.options.flavor == super::Flavor::Gfm;
        let href = (tag == "a")
            .then(|| dom::attr(node, "href"))
            .flatten()
            .and_then(|h| self.normalize(node, "href", &h));
        let wrapper = match (Span::of(tag, gfm), href) {
            (Some(span), _) => Wrapper::Span(span),
            (None, Some(url)) => Wrapper::Link {
                url,
                title: dom::attr(node, "title")
                    .map(|t| dom::collapse_whitespace(&t))
                    .filter(|t| !t.is_empty()),
                used: false,
            },
            (None, None) => Wrapper::Plain,
        };
        self.wrappers.push(wrapper);
        self.block(node, "div", depth, out);
        if let Some(Wrapper::Link {
            url, used: false, ..
        }) = self.wrappers.pop()
        {
            self.loss(node, format!("link to {url} has no text and was dropped"));
        }
    }

    /// A finished run as block text: the wrappers around it applied, its delimiters
    /// chosen.
    pub(super) fn run_markdown(&mut self, run: Inline) -> String {
        let mut run = run;
        if !self.wrappers.is_empty() && !run.s.trim().is_empty() {
            for i in (0..self.wrappers.len()).rev() {
                run = match &mut self.wrappers[i] {
                    Wrapper::Plain => run,
                    Wrapper::Span(span) => run.wrap(*span),
                    // A link inside the run wins: links do not nest.
                    Wrapper::Link { .. } if run.has_link => run,
                    Wrapper::Link { url, title, used } => {
                        *used = true;
                        let (url, title) = (url.clone(), title.clone());
                        let (lead, trail) = run.edges();
                        let mut linked = Inline::new(run.single_line);
                        linked.in_table = run.in_table;
                        let text = run.finish();
                        self.write_link(&mut linked, &text, &url, title.as_deref(), lead, trail);
                        linked
                    }
                };
            }
        }
        // A migration writes strong in strong once; `pagemill md` keeps each level.
        let (markdown, tagged) = run.markdown(!self.options.faithful);
        for span in tagged {
            let at = self.span_nodes.iter().position(|(s, _)| *s == span);
            if let Some((_, node)) = at.map(|i| self.span_nodes.remove(i)) {
                let tag = span.tags().0;
                self.loss(
                    &node,
                    format!(
                        "written as {tag}…: no `*`, `_` or `~~` can open and close beside its text"
                    ),
                );
            }
        }
        self.span_nodes.clear();
        markdown
    }

    pub(super) fn block(&mut self, node: &Handle, tag: &str, depth: usize, out: &mut Vec<Block>) {
        match tag {
            "p" | "dt" | "summary" | "legend" | "caption" | "figcaption" => {
                let mut para = Inline::new(false);
                self.inline_children(node, &mut para, depth);
                if matches!(tag, "dt" | "summary") {
                    para = para.wrap(Span::Strong);
                }
                self.push_para(out, para);
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = (tag.as_bytes()[1] - b'0') as usize;
                // A heading is one line: a line break in it is written as a space.
                let mut text = Inline::new(true);
                self.inline_children(node, &mut text, depth);
                let text = self.run_markdown(text);
                if text.is_empty() && self.options.faithful {
                    out.push(Block::other("#".repeat(level)));
                } else if !text.is_empty() {
                    let text = if text.ends_with('#') {
                        format!("{}\\#", &text[..text.len() - 1])
                    } else {
                        text
                    };
                    let id = match self.anchors.heading(node) {
                        Some(id) => [" {#", id, "}"].concat(),
                        None => String::new(),
                    };
                    if !id.is_empty() {
                        self.track_heading(node);
                    }
                    let hashes = &"######"[..level.min(6)];
                    out.push(Block::other([hashes, " ", &text, &id].concat()));
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
                self.composite(1);
                let list = self.list(node, ordered, marker, depth);
                self.composite(-1);
                self.list_depth -= 1;
                if let Some(text) = list {
                    out.push(Block::new(text, Kind::List { ordered, marker }));
                }
            }
            "blockquote" => {
                self.composite(1);
                let inner = self.children_blocks(node, depth);
                self.composite(-1);
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

    pub(super) fn inline_children(&mut self, node: &Handle, out: &mut Inline, depth: usize) {
        let children = node.children.borrow();
        for child in children.iter() {
            match &child.data {
                NodeData::Text { contents } => out.text(&contents.borrow()),
                NodeData::Element { .. } => self.inline(child, out, depth + 1),
                _ => {}
            }
        }
    }

    /// Text between blocks. A Liquid tag alone on its source line (`{% include x.md
    /// %}`) stays alone on its line, as a block of its own.
    fn block_text(&mut self, text: &str, para: &mut Inline, out: &mut Vec<Block>) {
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
                self.push_para(out, std::mem::replace(para, Inline::new(false)));
                out.push(Block::other(t.to_string()));
            } else {
                para.text(line);
            }
        }
    }

    /// A run as a paragraph, its line starts escaped; an empty run adds nothing.
    pub(super) fn push_para(&mut self, out: &mut Vec<Block>, para: Inline) {
        let text = self.run_markdown(para);
        if !text.is_empty() {
            out.push(Block::new(escape::escape_line_starts(&text), Kind::Para));
        }
    }
}

fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    text.split('\n')
        .map(|l| {
            if l.is_empty() {
                empty.to_string()
            } else {
                [prefix, l].concat()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A fenced code block: the text exactly, the fence longer than any backtick run in it,
/// the language from the classes of the block, its code element or the wrappers
/// around it (`language-x`, `lang-x`, GitHub's `highlight-source-x`, SyntaxHighlighter's
/// `brush: x`, Pandoc's `sourceCode x`).
fn code_block(pre: &Handle) -> String {
    let code = dom::raw_text(pre);
    let code = code.strip_suffix('\n').unwrap_or(&code);
    let longest = super::longest_run(code, '`');
    let fence = "`".repeat(longest.max(2) + 1);
    let lang = code_language(pre).unwrap_or_default();
    if code.is_empty() {
        return format!("{fence}{lang}\n{fence}");
    }
    format!("{fence}{lang}\n{code}\n{fence}")
}

/// The language a code block's classes name, nearest first: its `<code>`, the `<pre>`,
/// then up to three elements around it.
fn code_language(pre: &Handle) -> Option<String> {
    let inner = dom::descendants(pre).filter(|h| dom::is_element(h, "code"));
    let around = std::iter::successors(dom::parent(pre), dom::parent).take(3);
    inner
        .take(1)
        .chain(std::iter::once(pre.clone()))
        .chain(around)
        .filter_map(|h| dom::attr(&h, "class"))
        .find_map(|class| language_of(&class))
}

fn language_of(class: &str) -> Option<String> {
    let words: Vec<&str> = class.split_ascii_whitespace().collect();
    let named = words.iter().enumerate().find_map(|(i, w)| {
        if let Some(brush) = w.strip_prefix("brush:") {
            // SyntaxHighlighter: `brush: js;` or `brush:js`.
            let brush = if brush.is_empty() {
                words.get(i + 1).copied().unwrap_or_default()
            } else {
                brush
            };
            return Some(brush.trim_end_matches(';'));
        }
        if *w == "sourceCode" {
            return words.iter().copied().find(|o| *o != "sourceCode");
        }
        w.strip_prefix("language-")
            .or_else(|| w.strip_prefix("lang-"))
            .or_else(|| w.strip_prefix("highlight-source-"))
            .or_else(|| {
                w.strip_prefix("highlight-text-")
                    .map(|t| t.split('-').next().unwrap_or(t))
            })
    })?;
    // A backtick fence's info string holds no backtick.
    let lang: String = named.chars().filter(|c| *c != '`').collect();
    (!lang.is_empty()).then_some(lang)
}
