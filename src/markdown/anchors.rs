//! The ids a page's `#fragment` links can reach once it is Markdown. A heading keeps its
//! id as a `{#id}` attribute (kramdown and goldmark, the Jekyll and Hugo writers, both
//! read it); an `<a name>` or element id inside a heading, or an empty anchor just
//! before one, becomes that heading's id. Ids anywhere else have no place to live in
//! Markdown: links to them lose their fragment.

use std::collections::HashMap;

use markup5ever_rcdom::{Handle, NodeData};

use crate::dom;

/// The anchors of one content root.
#[derive(Debug, Default)]
pub struct Anchors {
    /// Source id → the id the Markdown gives it, and the heading that carries it.
    ids: HashMap<String, (String, usize)>,
    /// Heading node → its id.
    headings: HashMap<usize, String>,
}

fn key(node: &Handle) -> usize {
    std::rc::Rc::as_ptr(node) as usize
}

/// Whether kramdown and goldmark both read `{#id}` with this id.
fn writable(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The ids an element carries: `id`, and `name` on an anchor.
fn ids_of(node: &Handle) -> impl Iterator<Item = String> {
    let id = dom::attr(node, "id");
    let name = (dom::tag_name(node) == Some("a"))
        .then(|| dom::attr(node, "name"))
        .flatten();
    id.into_iter()
        .chain(name)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

fn is_heading(node: &Handle) -> bool {
    matches!(
        dom::tag_name(node),
        Some("h1" | "h2" | "h3" | "h4" | "h5" | "h6")
    )
}

/// An empty anchor (`<a name="x"></a>`): a place, not a link.
fn is_empty_anchor(node: &Handle) -> bool {
    dom::tag_name(node) == Some("a")
        && dom::attr(node, "href").is_none()
        && dom::text(node).trim().is_empty()
}

impl Anchors {
    /// The anchors of the content under `root`.
    pub fn of(root: &Handle) -> Anchors {
        let mut anchors = Anchors::default();
        for node in dom::descendants(root) {
            if !is_heading(&node) {
                continue;
            }
            let mut ids: Vec<String> = ids_of(&node).collect();
            ids.extend(dom::descendants(&node).flat_map(|n| ids_of(&n).collect::<Vec<_>>()));
            ids.extend(empty_anchors_before(&node));
            let Some(written) = ids.iter().find(|id| writable(id)).cloned() else {
                continue;
            };
            for id in ids {
                anchors
                    .ids
                    .entry(id)
                    .or_insert_with(|| (written.clone(), key(&node)));
            }
            anchors.headings.insert(key(&node), written);
        }
        anchors
    }

    /// The id a heading is written with.
    pub fn heading(&self, node: &Handle) -> Option<&str> {
        self.headings.get(&key(node)).map(String::as_str)
    }

    /// The id a link to the source id `id` reaches in the Markdown, if any, and (as a
    /// key) the heading that carries it.
    pub fn reach(&self, id: &str) -> Option<(&str, usize)> {
        self.ids
            .get(id)
            .map(|(to, heading)| (to.as_str(), *heading))
    }
}

/// The ids of empty anchors standing just before `heading` (white space between).
fn empty_anchors_before(heading: &Handle) -> Vec<String> {
    let mut out = Vec::new();
    let mut sibling = dom::previous_sibling(heading);
    while let Some(node) = sibling {
        match &node.data {
            NodeData::Text { contents } if contents.borrow().trim().is_empty() => {}
            NodeData::Element { .. } if is_empty_anchor(&node) => out.extend(ids_of(&node)),
            _ => break,
        }
        sibling = dom::previous_sibling(&node);
    }
    out
}
