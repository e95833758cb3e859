//! What a reader sees in a page, from its HTML (html5ever) or its Markdown
//! (pulldown-cmark): each leaf block's kind and the containers around it, and each of
//! its characters with its emphasis, strong emphasis, strikethrough, code and link.

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// How a character is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Style {
    em: bool,
    strong: bool,
    del: bool,
    code: bool,
    link: Option<String>,
}

/// A reader's view of a leaf block: where it stands (the containers around it and its
/// own kind) and its characters, white space collapsed to one space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub path: Vec<&'static str>,
    pub chars: Vec<(char, Style)>,
}

fn push_char(leaf: &mut Vec<(char, Style)>, c: char, style: &Style) {
    if c.is_whitespace() {
        if leaf.last().is_some_and(|(l, _)| *l != ' ') {
            leaf.push((' ', Style::default()));
        }
    } else {
        leaf.push((c, style.clone()));
    }
}

fn finish(leaf: &mut Vec<(char, Style)>) -> Vec<(char, Style)> {
    while leaf.last().is_some_and(|(c, _)| *c == ' ') {
        leaf.pop();
    }
    std::mem::take(leaf)
}

#[derive(Default)]
struct HtmlReader {
    leaves: Vec<Leaf>,
    path: Vec<&'static str>,
    current: Vec<(char, Style)>,
    /// The kind of block the current characters belong to.
    kind: &'static str,
    em: usize,
    strong: usize,
    del: usize,
    code: usize,
    link: Vec<String>,
}

impl HtmlReader {
    fn style(&self) -> Style {
        Style {
            em: self.em > 0,
            strong: self.strong > 0,
            del: self.del > 0,
            code: self.code > 0,
            link: self.link.last().cloned(),
        }
    }

    fn end_leaf(&mut self) {
        let chars = finish(&mut self.current);
        if !chars.is_empty() {
            let mut path = self.path.clone();
            path.push(self.kind);
            self.leaves.push(Leaf { path, chars });
        }
        self.kind = "p";
    }

    fn walk(&mut self, node: &Handle) {
        match &node.data {
            NodeData::Text { contents } => {
                let style = self.style();
                for c in contents.borrow().chars() {
                    push_char(&mut self.current, c, &style);
                }
            }
            NodeData::Element { name, attrs, .. } => {
                let tag: &str = &name.local;
                let block = match tag {
                    "h1" => Some("h1"),
                    "h2" => Some("h2"),
                    "h3" => Some("h3"),
                    "h4" => Some("h4"),
                    "h5" => Some("h5"),
                    "h6" => Some("h6"),
                    "p" | "div" => Some("p"),
                    _ => None,
                };
                let container = match tag {
                    "ul" => Some("ul"),
                    "ol" => Some("ol"),
                    "li" => Some("li"),
                    "blockquote" => Some("blockquote"),
                    _ => None,
                };
                if let Some(kind) = block {
                    self.end_leaf();
                    self.kind = kind;
                    self.children(node);
                    self.kind = kind;
                    self.end_leaf();
                    return;
                }
                if let Some(c) = container {
                    self.end_leaf();
                    self.path.push(c);
                    self.children(node);
                    self.end_leaf();
                    self.path.pop();
                    return;
                }
                let href = attrs
                    .borrow()
                    .iter()
                    .find(|a| &*a.name.local == "href")
                    .map(|a| a.value.to_string());
                match tag {
                    "em" | "i" => self.em += 1,
                    "strong" | "b" => self.strong += 1,
                    "s" | "del" | "strike" => self.del += 1,
                    "code" => self.code += 1,
                    "a" if href.is_some() => self.link.push(href.clone().unwrap()),
                    "br" => push_char(&mut self.current, ' ', &Style::default()),
                    _ => {}
                }
                self.children(node);
                match tag {
                    "em" | "i" => self.em -= 1,
                    "strong" | "b" => self.strong -= 1,
                    "s" | "del" | "strike" => self.del -= 1,
                    "code" => self.code -= 1,
                    "a" if href.is_some() => {
                        self.link.pop();
                    }
                    _ => {}
                }
            }
            _ => self.children(node),
        }
    }

    fn children(&mut self, node: &Handle) {
        for c in node.children.borrow().iter() {
            self.walk(c);
        }
    }
}

pub fn html_leaves(html: &str) -> Vec<Leaf> {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut r = HtmlReader {
        kind: "p",
        ..Default::default()
    };
    r.walk(&dom.document);
    r.end_leaf();
    r.leaves
}

pub fn markdown_leaves(md: &str) -> Vec<Leaf> {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    opts.insert(pulldown_cmark::Options::ENABLE_GFM);
    let mut leaves = Vec::new();
    let mut path: Vec<&'static str> = Vec::new();
    let mut current = Vec::new();
    let mut kind = "p";
    let (mut em, mut strong, mut del, mut code) = (0usize, 0usize, 0usize, 0usize);
    let mut link: Vec<String> = Vec::new();
    let end_leaf = |current: &mut Vec<(char, Style)>,
                    path: &Vec<&'static str>,
                    kind: &'static str,
                    leaves: &mut Vec<Leaf>| {
        let chars = finish(current);
        if !chars.is_empty() {
            let mut p = path.clone();
            p.push(kind);
            leaves.push(Leaf { path: p, chars });
        }
    };
    for event in Parser::new_ext(md, opts) {
        let style = |code: bool, em: usize, strong: usize, del: usize, link: &[String]| Style {
            em: em > 0,
            strong: strong > 0,
            del: del > 0,
            code,
            link: link.last().cloned(),
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = ["h1", "h2", "h3", "h4", "h5", "h6"][level as usize - 1];
            }
            Event::Start(Tag::Paragraph) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = "p";
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = "p";
            }
            Event::Start(Tag::List(start)) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                path.push(if start.is_some() { "ol" } else { "ul" });
            }
            Event::Start(Tag::Item) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                path.push("li");
            }
            Event::Start(Tag::BlockQuote(_)) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                path.push("blockquote");
            }
            Event::End(TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = "p";
                path.pop();
            }
            Event::Start(Tag::Emphasis) => em += 1,
            Event::End(TagEnd::Emphasis) => em -= 1,
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong -= 1,
            Event::Start(Tag::Strikethrough) => del += 1,
            Event::End(TagEnd::Strikethrough) => del -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                link.pop();
            }
            Event::InlineHtml(h) => match h.as_ref() {
                "<em>" => em += 1,
                "</em>" => em -= 1,
                "<strong>" => strong += 1,
                "</strong>" => strong -= 1,
                "<del>" => del += 1,
                "</del>" => del -= 1,
                "<code>" => code += 1,
                "</code>" => code -= 1,
                other => {
                    let st = style(code > 0, em, strong, del, &link);
                    for c in other.chars() {
                        push_char(&mut current, c, &st);
                    }
                }
            },
            Event::Text(t) => {
                let st = style(code > 0, em, strong, del, &link);
                for c in t.chars() {
                    push_char(&mut current, c, &st);
                }
            }
            Event::Code(t) => {
                let st = style(true, em, strong, del, &link);
                for c in t.chars() {
                    push_char(&mut current, c, &st);
                }
            }
            Event::SoftBreak | Event::HardBreak => push_char(&mut current, ' ', &Style::default()),
            Event::Rule => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                leaves.push(Leaf {
                    path: vec!["hr"],
                    chars: Vec::new(),
                });
            }
            Event::Html(h) => {
                let st = style(false, em, strong, del, &link);
                for c in h.chars() {
                    push_char(&mut current, c, &st);
                }
            }
            _ => {}
        }
    }
    end_leaf(&mut current, &path, kind, &mut leaves);
    leaves
}
