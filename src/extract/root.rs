//! The content root and what is cut from it: a profile's root candidates (a selector,
//! or the block of the page holding the most running text), recognizing which profile
//! a page belongs to, and the removal records of the loss report — every block cut from
//! the content root, with its line, its text and the reason.

use std::rc::Rc;

use markup5ever_rcdom::{Handle, NodeData};
use serde_yaml::Mapping;

use super::profile::{Detect, Profile, Root};
use crate::dom::{self, Document, DomIndex};

/// A block cut from the content root.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Removal {
    /// The element, as `tag#id.class`.
    pub element: String,
    /// Line in the parsed text (the caller maps it to a file line).
    pub line: Option<usize>,
    /// Why: a profile rule, a front matter field, or repetition across the batch.
    pub reason: String,
    /// Its visible text, white space collapsed.
    pub text: String,
}

/// Whether a page looks like one of `profile`'s: any detection rule matches.
pub fn detects(profile: &Profile, index: &DomIndex, front_matter: Option<&Mapping>) -> bool {
    profile.detect.iter().any(|d| match d {
        Detect::Select(sel) => index.first(sel, None).is_some(),
        Detect::FrontMatter { key, values } => front_matter
            .and_then(|fm| fm.get(key.as_str()))
            .and_then(|v| v.as_str())
            .is_some_and(|v| values.iter().any(|x| x == v)),
    })
}

/// The first content root candidate the page has; the body when none.
pub fn choose(profile: &Profile, index: &DomIndex, doc: &Document) -> Handle {
    profile
        .content_root
        .iter()
        .find_map(|root| match root {
            Root::Select(sel) => select_root(index, sel),
            Root::Densest => densest(&doc.body()),
        })
        .unwrap_or_else(|| doc.body())
}

/// The one block a root selector names. An empty `<a id=content>` is a skip link's
/// target, and the block it opens is the content; other links are no root. When the
/// selector names several separate blocks (`article` on a listing page), none is.
fn select_root(index: &DomIndex, sel: &crate::dom::Selector) -> Option<Handle> {
    let mut found: Vec<Handle> = Vec::new();
    for n in index.select(sel) {
        let n = if dom::is_element(&n, "a") {
            if has_text(&n) {
                continue;
            }
            match parent(&n) {
                Some(p) => p,
                None => continue,
            }
        } else {
            n
        };
        if !has_text(&n) || found.iter().any(|f| is_within(&n, f)) {
            continue;
        }
        found.push(n);
    }
    match found.len() {
        1 => found.pop(),
        _ => None,
    }
}

fn parent(node: &Handle) -> Option<Handle> {
    let weak = node.parent.take()?;
    let up = weak.upgrade();
    node.parent.set(Some(weak));
    up
}

fn has_text(node: &Handle) -> bool {
    dom::descendants(node).any(|d| match &d.data {
        NodeData::Text { contents } => !contents.borrow().trim().is_empty(),
        _ => false,
    })
}

/// Elements whose text is not running text: menus, links, controls.
const NOT_PROSE: &[&str] = &[
    "aside", "button", "footer", "form", "header", "nav", "noscript", "option", "script", "select",
    "style", "template", "textarea",
];

/// Elements that can hold a page's content.
const CONTAINERS: &[&str] = &["article", "div", "main", "section", "td"];

/// Class or id words of site chrome.
fn is_chrome(node: &Handle) -> bool {
    let words = format!(
        "{} {}",
        dom::attr(node, "id").unwrap_or_default(),
        dom::attr(node, "class").unwrap_or_default()
    )
    .to_ascii_lowercase();
    [
        "footer",
        "header",
        "navbar",
        "menu",
        "sidebar",
        "breadcrumb",
        "banner",
        "cookie",
        "skip",
        "masthead",
    ]
    .iter()
    .any(|w| words.contains(w))
}

/// The block holding the most running text. Text outside navigation and chrome counts
/// twice for its nearest container and once for the one above it; runs of 20
/// characters or more count double, link text (menus) a quarter.
pub fn densest(body: &Handle) -> Option<Handle> {
    let mut scores: Vec<(Handle, usize)> = Vec::new();
    let mut slot = std::collections::HashMap::new();
    let mut add = |node: &Handle, points: usize, scores: &mut Vec<(Handle, usize)>| {
        let key = Rc::as_ptr(node) as usize;
        let i = *slot.entry(key).or_insert_with(|| {
            scores.push((node.clone(), 0));
            scores.len() - 1
        });
        scores[i].1 += points;
    };
    // (node, nearest container, the one above it, inside a link)
    type Entry = (Handle, Option<Handle>, Option<Handle>, bool);
    let mut stack: Vec<Entry> = vec![(body.clone(), None, None, false)];
    while let Some((node, c1, c2, in_link)) = stack.pop() {
        match &node.data {
            NodeData::Text { contents } => {
                let mut len = 4 * dom::collapse_whitespace(&contents.borrow()).chars().count();
                if in_link {
                    len /= 4;
                } else if len >= 80 {
                    len *= 2;
                }
                if len > 0 {
                    if let Some(c) = &c1 {
                        add(c, 2 * len, &mut scores);
                    }
                    if let Some(c) = &c2 {
                        add(c, len, &mut scores);
                    }
                }
            }
            NodeData::Element { name, .. } => {
                if NOT_PROSE.contains(&&*name.local) || is_chrome(&node) {
                    continue;
                }
                let (c1, c2) = if CONTAINERS.contains(&&*name.local) {
                    (Some(node.clone()), c1)
                } else {
                    (c1, c2)
                };
                let in_link = in_link || &*name.local == "a";
                for child in node.children.borrow().iter().rev() {
                    stack.push((child.clone(), c1.clone(), c2.clone(), in_link));
                }
            }
            _ => {}
        }
    }
    // The first of equal scores, in document order of first scoring: deterministic.
    let mut best: Option<&(Handle, usize)> = None;
    for s in &scores {
        if best.is_none_or(|b| s.1 > b.1) {
            best = Some(s);
        }
    }
    best.map(|(h, _)| h.clone())
}

/// `tag#id.class1.class2`, for reports.
pub fn describe(node: &Handle) -> String {
    let mut out = dom::tag_name(node).unwrap_or("?").to_string();
    if let Some(id) = dom::attr(node, "id").filter(|i| !i.trim().is_empty()) {
        out.push('#');
        out.push_str(id.trim());
    }
    if let Some(class) = dom::attr(node, "class") {
        for c in class.split_ascii_whitespace().take(3) {
            out.push('.');
            out.push_str(c);
        }
    }
    out
}

/// Whether `node` lies inside `root` (or is it).
pub fn is_within(node: &Handle, root: &Handle) -> bool {
    let mut current = Some(node.clone());
    while let Some(n) = current {
        if Rc::ptr_eq(&n, root) {
            return true;
        }
        current = n.parent.take().and_then(|w| {
            let up = w.upgrade();
            n.parent.set(Some(w));
            up
        });
    }
    false
}

/// Detaches each node (with its reason) and records those cut from inside `root`. The
/// root itself and its ancestors are never removed.
pub fn remove_all(doc: &Document, root: &Handle, nodes: Vec<(Handle, String)>) -> Vec<Removal> {
    let mut removed = Vec::new();
    for (node, reason) in nodes {
        if is_within(root, &node) {
            continue;
        }
        if is_within(&node, root) {
            let text = dom::text(&node);
            if !text.is_empty() {
                removed.push(Removal {
                    element: describe(&node),
                    line: doc.line_of(&node),
                    reason,
                    text,
                });
            }
        }
        dom::detach(&node);
    }
    removed
}
