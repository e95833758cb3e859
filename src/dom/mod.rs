//! The HTML document model: html5ever parsing into an rcdom tree, element helpers and
//! iterative (never recursive) traversal, so that deep legacy markup cannot overflow a
//! worker's stack.

mod candidates;
mod css;
mod estimate;
mod lines;
pub mod mark;
mod select;

pub use candidates::KeySlots;
pub use estimate::{estimate_markup, MarkupEstimate};
pub use select::{DomIndex, SelectError, Selector};

use html5ever::tendril::TendrilSink;
use html5ever::{parse_document, ParseOpts};

use markup5ever_rcdom::{Handle, NodeData, RcDom};
use rustc_hash::FxHashMap;

/// A parsed page. The `RcDom` owns the tree: dropping it empties every node, so the
/// document is kept alive for as long as any handle into it is in use.
pub struct Document {
    dom: RcDom,
    /// Source line of each element's start tag, by node identity.
    lines: FxHashMap<usize, u32>,
}

impl Document {
    /// Parses a whole HTML document (or a fragment, which html5ever places in `<body>`).
    pub fn parse(html: &str) -> Document {
        Document::parse_sized(html, 0)
    }

    /// `parse` for markup of about `elements` elements (`estimate_markup`'s count): the
    /// table of their lines is made that size at once rather than grown.
    pub fn parse_sized(html: &str, elements: usize) -> Document {
        let sink = parse_document(lines::LineSink::new(elements), ParseOpts::default()).one(html);
        Document {
            dom: sink.dom,
            lines: sink.lines.into_inner(),
        }
    }

    /// The line (1-based, in the parsed text) where `node`'s start tag is, for elements;
    /// for other nodes, the line of the nearest element around them.
    pub fn line_of(&self, node: &Handle) -> Option<usize> {
        let mut cur = Some(node.clone());
        while let Some(n) = cur {
            if let Some(l) = self.lines.get(&lines::node_key(&n)) {
                return Some(*l as usize);
            }
            cur = n.parent.take().and_then(|w| {
                let p = w.upgrade();
                n.parent.set(Some(w));
                p
            });
        }
        None
    }

    /// How many elements the parser made (some may since have left the tree).
    pub fn elements_parsed(&self) -> usize {
        self.lines.len()
    }

    /// The document node.
    pub fn root(&self) -> Handle {
        self.dom.document.clone()
    }

    /// The `<body>` element, or the document node when there is none.
    pub fn body(&self) -> Handle {
        descendants(&self.dom.document)
            .find(|h| is_element(h, "body"))
            .unwrap_or_else(|| self.root())
    }
}

/// The element's local name (lowercase for HTML), or `None` for other nodes.
pub fn tag_name(node: &Handle) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

/// Whether the node is an element with this local name.
pub fn is_element(node: &Handle, tag: &str) -> bool {
    tag_name(node) == Some(tag)
}

/// The value of an attribute, if the node is an element that has it.
pub fn attr(node: &Handle, name: &str) -> Option<String> {
    with_attr(node, name, str::to_string)
}

/// Whether the element has the attribute `name`.
pub fn has_attr(node: &Handle, name: &str) -> bool {
    with_attr(node, name, |_| true).unwrap_or(false)
}

/// `f` of the value of the element's attribute `name`, read in place.
fn with_attr<R>(node: &Handle, name: &str, f: impl FnOnce(&str) -> R) -> Option<R> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs
            .borrow()
            .iter()
            .find(|a| a.name.ns.is_empty() && &*a.name.local == name)
            .map(|a| f(&a.value)),
        _ => None,
    }
}

/// Whether the element's `class` attribute contains this class.
pub fn has_class(node: &Handle, class: &str) -> bool {
    with_attr(node, "class", |c| {
        c.split_ascii_whitespace().any(|c| c == class)
    })
    .unwrap_or(false)
}

/// All nodes below `node` (not `node` itself) in document order, walked with an
/// explicit stack.
pub fn descendants(node: &Handle) -> impl Iterator<Item = Handle> {
    let mut stack: Vec<Handle> = node.children.borrow().iter().rev().cloned().collect();
    std::iter::from_fn(move || {
        let next = stack.pop()?;
        stack.extend(next.children.borrow().iter().rev().cloned());
        Some(next)
    })
}

/// The concatenated text of every text node below `node`, as-is (no collapsing).
pub fn raw_text(node: &Handle) -> String {
    let mut out = String::new();
    if let NodeData::Text { contents } = &node.data {
        out.push_str(&contents.borrow());
    }
    for d in descendants(node) {
        if let NodeData::Text { contents } = &d.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}

/// Visible text of `node` with white space collapsed as a browser would, trimmed.
/// `&nbsp;` counts as white space here: these strings become field values.
pub fn text(node: &Handle) -> String {
    let mut out = String::new();
    raw_text_into(node, &mut out);
    collapse_whitespace(&out)
}

/// The text of `node` as `text` gathers it, before its white space is collapsed,
/// appended to `out`.
pub fn raw_text_into(node: &Handle, out: &mut String) {
    let mut stack = vec![node.clone()];
    while let Some(n) = stack.pop() {
        match &n.data {
            NodeData::Text { contents } => out.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => {
                if hides_text(&name.local) {
                    continue;
                }
                if name.local == html5ever::local_name!("br") {
                    out.push(' ');
                }
                stack.extend(n.children.borrow().iter().rev().cloned());
            }
            _ => stack.extend(n.children.borrow().iter().rev().cloned()),
        }
    }
}

/// Elements whose content is not text a reader sees.
pub fn hides_text(name: &html5ever::LocalName) -> bool {
    use html5ever::local_name;
    matches!(
        *name,
        local_name!("script")
            | local_name!("style")
            | local_name!("template")
            | local_name!("noscript")
    )
}

/// Elements that start a new line of text.
const LINE_BREAKING: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
];

/// The lines of `node`'s visible text: a new line at `<br>` and at block elements,
/// white space collapsed, empty lines dropped. Elements for which `skip` says yes are
/// left out with their content.
pub fn text_lines(node: &Handle, skip: &dyn Fn(&Handle) -> bool) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let flush = |current: &mut String, lines: &mut Vec<String>| {
        let line = collapse_whitespace(current);
        if !line.is_empty() {
            lines.push(line);
        }
        current.clear();
    };
    // `None` marks the end of a line-breaking element.
    let mut stack = vec![Some(node.clone())];
    while let Some(entry) = stack.pop() {
        let Some(n) = entry else {
            flush(&mut current, &mut lines);
            continue;
        };
        match &n.data {
            NodeData::Text { contents } => current.push_str(&contents.borrow()),
            NodeData::Element { name, .. } => {
                if matches!(&*name.local, "script" | "style" | "template" | "noscript")
                    || (!std::rc::Rc::ptr_eq(&n, node) && skip(&n))
                {
                    continue;
                }
                if LINE_BREAKING.contains(&&*name.local) {
                    flush(&mut current, &mut lines);
                    stack.push(None);
                }
                stack.extend(n.children.borrow().iter().rev().cloned().map(Some));
            }
            _ => stack.extend(n.children.borrow().iter().rev().cloned().map(Some)),
        }
    }
    flush(&mut current, &mut lines);
    lines
}

/// Collapses runs of white space (including no-break spaces) to one space and trims.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The HTML of `node` and its content (of a document: its content).
pub fn outer_html(node: &Handle) -> String {
    let mut out = Vec::new();
    // A document node cannot serialize itself, only its children.
    let scope = match node.data {
        NodeData::Document => html5ever::serialize::TraversalScope::ChildrenOnly(None),
        _ => html5ever::serialize::TraversalScope::IncludeNode,
    };
    let opts = html5ever::serialize::SerializeOpts {
        traversal_scope: scope,
        ..Default::default()
    };
    let handle: markup5ever_rcdom::SerializableHandle = node.clone().into();
    if html5ever::serialize::serialize(&mut out, &handle, opts).is_err() {
        return String::new();
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The node `node` is a child of.
pub fn parent(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take();
    node.parent.set(weak.clone());
    weak?.upgrade()
}

/// The node before `node` among its parent's children.
pub fn previous_sibling(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take();
    node.parent.set(weak.clone());
    let parent = weak?.upgrade()?;
    let children = parent.children.borrow();
    let i = children.iter().position(|c| std::rc::Rc::ptr_eq(c, node))?;
    i.checked_sub(1).map(|j| children[j].clone())
}

/// Removes `node` from its parent's children. The node itself stays intact.
pub fn detach(node: &Handle) {
    let parent = node.parent.take().and_then(|w| w.upgrade());
    if let Some(parent) = parent {
        parent
            .children
            .borrow_mut()
            .retain(|c| !std::rc::Rc::ptr_eq(c, node));
    }
}

/// What a walk of a parsed tree finds of its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreeShape {
    /// The greatest element nesting depth below the node.
    pub depth: usize,
    /// Whether a `<frameset>` is among its elements.
    pub frameset: bool,
}

/// The shape of the tree below `node`, in one walk without recursion.
pub fn tree_shape(node: &Handle) -> TreeShape {
    let mut shape = TreeShape {
        depth: 0,
        frameset: false,
    };
    let mut stack = vec![(node.clone(), 0usize)];
    while let Some((n, depth)) = stack.pop() {
        shape.depth = shape.depth.max(depth);
        for c in n.children.borrow().iter() {
            if let NodeData::Element { name, .. } = &c.data {
                shape.frameset |= name.local == html5ever::local_name!("frameset");
                stack.push((c.clone(), depth + 1));
            }
        }
    }
    shape
}

/// A frameset page: the markup of its `<noframes>` (which the parser keeps as text),
/// and the `src` of its frames.
pub fn frameset(doc: &Document) -> Option<(String, Vec<String>)> {
    let root = doc.root();
    descendants(&root).find(|n| tag_name(n) == Some("frameset"))?;
    let mut noframes = String::new();
    let mut frames = Vec::new();
    for n in descendants(&root) {
        match tag_name(&n) {
            Some("noframes") => noframes.push_str(&raw_text(&n)),
            Some("frame") => frames.extend(attr(&n, "src")),
            _ => {}
        }
    }
    Some((noframes, frames))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_collapses_whitespace_and_skips_scripts() {
        let doc = Document::parse("<p>  a\n\t b&nbsp;c<script>x()</script><br>d </p>");
        let p = descendants(&doc.root())
            .find(|h| is_element(h, "p"))
            .unwrap();
        assert_eq!(text(&p), "a b c d");
    }

    #[test]
    fn detach_removes_only_that_node() {
        let doc = Document::parse("<div><p>a</p><p>b</p></div>");
        let first = descendants(&doc.root())
            .find(|h| is_element(h, "p"))
            .unwrap();
        detach(&first);
        assert_eq!(text(&doc.body()), "b");
        assert_eq!(text(&first), "a");
    }

    #[test]
    fn elements_know_their_source_line() {
        let doc = Document::parse("<p>a</p>\n\n<div>\n<span>x</span></div>");
        let span = descendants(&doc.root())
            .find(|h| is_element(h, "span"))
            .unwrap();
        assert_eq!(doc.line_of(&span), Some(4));
        let text = span.children.borrow()[0].clone();
        assert_eq!(doc.line_of(&text), Some(4));
    }

    #[test]
    fn depth_of_deep_nesting_needs_no_recursion() {
        let html = "<span>".repeat(50_000);
        let doc = Document::parse(&html);
        assert!(tree_shape(&doc.root()).depth >= 50_000);
    }
}
