//! CSS selectors over the rcdom tree: a small adapter between the `selectors` crate and
//! markup5ever_rcdom. rcdom nodes have no sibling links and `selectors` needs `Copy`
//! elements, so a flat index of the document's elements is built once per document and
//! elements are positions in it.

use std::fmt;

use markup5ever_rcdom::{Handle, NodeData};
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::context::{
    MatchingContext, MatchingForInvalidation, MatchingMode, NeedsSelectorFlags, QuirksMode,
    SelectorCaches,
};
use selectors::matching::{matches_selector, ElementSelectorFlags};
use selectors::parser::{AncestorHashes, ParseRelative, SelectorList};
use selectors::OpaqueElement;

use super::candidates::{
    keys_of, prechecks_of, scopes_of, Ancestors, AttrCheck, Key, KeyIndex, KeySlots,
};
use super::css::{CssName, CssStr, NoPseudo, Pseudo, SelectorParser, Simple};

/// A selector that did not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid CSS selector `{selector}`: {reason}")]
pub struct SelectError {
    pub selector: String,
    pub reason: String,
}

/// A selector parse error in words (`no qualified name in attribute selector`), not the
/// parser's variant name.
fn describe(kind: &cssparser::ParseErrorKind<selectors::parser::SelectorParseErrorKind>) -> String {
    let name = match kind {
        cssparser::ParseErrorKind::Basic(basic) => format!("{basic:?}"),
        cssparser::ParseErrorKind::Custom(custom) => format!("{custom:?}"),
    };
    let mut words = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            words.push(' ');
        }
        words.extend(c.to_lowercase());
    }
    words
}

/// A compiled selector list, e.g. `main h1, h1`. Compile once, match on many pages.
#[derive(Debug, Clone)]
pub struct Selector {
    source: String,
    list: SelectorList<Simple>,
    /// The index slot of the id, class, tag or attribute each selector's subject needs
    /// (`None`: any element).
    keys: Option<Vec<u64>>,
    /// Each selector's ancestor scope (`candidates::scopes_of`), as index slots.
    scopes: Vec<Option<u64>>,
    /// Each selector's ids, classes and tags its subject's ancestors need, for a quick
    /// rejection through a bloom filter of the candidate's ancestors.
    hashes: Vec<AncestorHashes>,
    /// Whether any selector needs something of the subject's ancestors.
    uses_ancestors: bool,
    /// Each selector's attribute tests on its subject (`a[href^='#']` → `href^='#'`):
    /// a candidate that fails one is rejected before the full match.
    prechecks: Vec<Vec<AttrCheck>>,
}

impl Selector {
    pub fn parse(source: &str) -> Result<Selector, SelectError> {
        let mut parser = cssparser::Parser::new(source);
        SelectorList::parse(&SelectorParser, &mut parser, ParseRelative::No)
            .map(|list| {
                let hashes: Vec<AncestorHashes> = list
                    .slice()
                    .iter()
                    .map(|s| AncestorHashes::new(s, QuirksMode::NoQuirks))
                    .collect();
                Selector {
                    source: source.to_string(),
                    keys: keys_of(&list).map(|keys| keys.iter().map(Key::slot).collect()),
                    scopes: scopes_of(&list)
                        .iter()
                        .map(|s| s.as_ref().map(Key::slot))
                        .collect(),
                    prechecks: prechecks_of(&list),
                    uses_ancestors: hashes.iter().any(|h| h.packed_hashes[0] != 0),
                    hashes,
                    list,
                }
            })
            .map_err(|e| SelectError {
                selector: source.to_string(),
                reason: describe(&e.kind),
            })
    }

    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The index slots its candidates are looked up by: keys and scopes.
    pub(super) fn slots(&self) -> impl Iterator<Item = u64> + '_ {
        let keys = self.keys.iter().flatten();
        keys.chain(self.scopes.iter().flatten()).copied()
    }
}

impl PartialEq for Selector {
    fn eq(&self, other: &Self) -> bool {
        self.source == other.source
    }
}

#[derive(Debug)]
struct Entry {
    handle: Handle,
    parent: Option<u32>,
    prev: Option<u32>,
    next: Option<u32>,
    first_child: Option<u32>,
    /// Index of the last element in this element's subtree (itself when a leaf).
    subtree_end: u32,
}

/// The elements of a document in pre-order with O(1) navigation. Rebuild it after the
/// tree changes.
pub struct DomIndex {
    entries: Vec<Entry>,
    /// Position of each element by node identity.
    positions: rustc_hash::FxHashMap<usize, u32>,
    /// The slots `keys` indexes (all when `None`).
    wanted: Option<std::sync::Arc<KeySlots>>,
    /// Elements by the wanted ids, classes, tags and attributes, built on first use…
    keys: std::cell::OnceCell<KeyIndex>,
    /// …and by all of them, for a selector the wanted slots do not cover.
    all_keys: std::cell::OnceCell<KeyIndex>,
}

impl DomIndex {
    /// Indexes every element below `root` (the document node), iteratively.
    pub fn new(root: &Handle) -> DomIndex {
        DomIndex::sized(root, 0, None)
    }

    /// Indexes every element of `doc`, the index made the size of its elements at once.
    pub fn of(doc: &super::Document) -> DomIndex {
        DomIndex::sized(&doc.root(), doc.elements_parsed(), None)
    }

    /// `of`, for the selectors `wanted` was made of: only their keys are indexed (any
    /// other selector still finds what it matches, from an index of every key).
    pub fn for_selectors(doc: &super::Document, wanted: &std::sync::Arc<KeySlots>) -> DomIndex {
        DomIndex::sized(&doc.root(), doc.elements_parsed(), Some(wanted.clone()))
    }

    fn sized(root: &Handle, elements: usize, wanted: Option<std::sync::Arc<KeySlots>>) -> DomIndex {
        let mut entries: Vec<Entry> = Vec::with_capacity(elements);
        // Elements to enter (with their parent's index), and `None` where the element
        // entered last is left. Only elements are pushed: text is no part of the index.
        let mut stack: Vec<Option<(Handle, Option<u32>)>> = Vec::new();
        let push_children = |stack: &mut Vec<_>, node: &Handle, parent: Option<u32>| {
            for c in node.children.borrow().iter().rev() {
                if matches!(c.data, NodeData::Element { .. }) {
                    stack.push(Some((Handle::clone(c), parent)));
                }
            }
        };
        let mut last_child: Vec<Option<u32>> = vec![None];
        push_children(&mut stack, root, None);
        let mut open: Vec<u32> = Vec::new();
        while let Some(step) = stack.pop() {
            let Some((node, parent)) = step else {
                let idx = open.pop().expect("balanced walk");
                entries[idx as usize].subtree_end = entries.len() as u32 - 1;
                last_child.pop();
                continue;
            };
            let idx = entries.len() as u32;
            let prev = *last_child.last().expect("sibling slot");
            if let Some(p) = prev {
                entries[p as usize].next = Some(idx);
            }
            if let Some(par) = parent {
                if entries[par as usize].first_child.is_none() {
                    entries[par as usize].first_child = Some(idx);
                }
            }
            *last_child.last_mut().expect("sibling slot") = Some(idx);
            open.push(idx);
            last_child.push(None);
            stack.push(None);
            push_children(&mut stack, &node, Some(idx));
            entries.push(Entry {
                handle: node,
                parent,
                prev,
                next: None,
                first_child: None,
                subtree_end: idx,
            });
        }
        let positions = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (std::rc::Rc::as_ptr(&e.handle) as usize, i as u32))
            .collect();
        DomIndex {
            entries,
            positions,
            wanted,
            keys: std::cell::OnceCell::new(),
            all_keys: std::cell::OnceCell::new(),
        }
    }

    /// Every element matching `selector`, in document order.
    pub fn select(&self, selector: &Selector) -> Vec<Handle> {
        self.select_range(selector, 0, self.entries.len())
    }

    /// Elements below `scope` (not `scope` itself) matching `selector`.
    pub fn select_within(&self, selector: &Selector, scope: &Handle) -> Vec<Handle> {
        match self.position(scope) {
            Some(i) => {
                let end = self.entries[i].subtree_end as usize + 1;
                self.select_range(selector, i + 1, end)
            }
            None => self.select(selector),
        }
    }

    /// The first element matching `selector` below `scope`, or in the whole document.
    pub fn first(&self, selector: &Selector, scope: Option<&Handle>) -> Option<Handle> {
        let (start, end) = match scope.and_then(|s| self.position(s)) {
            Some(i) => (i + 1, self.entries[i].subtree_end as usize + 1),
            None => (0, self.entries.len()),
        };
        self.matching(selector, start, end, true)
            .first()
            .map(|&i| self.entries[i].handle.clone())
    }

    fn select_range(&self, selector: &Selector, start: usize, end: usize) -> Vec<Handle> {
        self.matching(selector, start, end, false)
            .into_iter()
            .map(|i| self.entries[i].handle.clone())
            .collect()
    }

    /// Positions in `start..end` matching `selector`, in document order (only the first
    /// when `first`). Each candidate is tested only against the selectors whose key it
    /// has, after its ancestors (kept in a bloom filter) may satisfy them.
    fn matching(&self, selector: &Selector, start: usize, end: usize, first: bool) -> Vec<usize> {
        let candidates: Vec<(u32, u64)> = match &selector.keys {
            Some(keys) => {
                self.key_index(selector)
                    .candidates(keys, &selector.scopes, start, end, |a| {
                        self.entries[a as usize].subtree_end
                    })
            }
            None => (start as u32..end as u32).map(|i| (i, u64::MAX)).collect(),
        };
        let selectors = selector.list.slice();
        let mut caches = SelectorCaches::default();
        let mut ancestors = selector.uses_ancestors.then(Ancestors::default);
        let mut out = Vec::new();
        for (i, mask) in candidates {
            if let Some(a) = &mut ancestors {
                a.move_to(self, i);
            }
            let bloom = ancestors.as_ref().map(|a| &a.filter);
            let el = self.el(i as usize);
            let mut cx = context(&mut caches, bloom);
            let hit = selectors.iter().enumerate().any(|(j, s)| {
                // A list of more than 64 selectors tests every one.
                (j >= 64 || mask & (1 << j) != 0)
                    && selector.prechecks[j].iter().all(|c| el.attr_passes(c))
                    && matches_selector(s, 0, bloom.map(|_| &selector.hashes[j]), el, &mut cx)
            });
            if hit {
                out.push(i as usize);
                if first {
                    break;
                }
            }
        }
        out
    }

    /// The key index that serves `selector`, built on first use.
    fn key_index(&self, selector: &Selector) -> &KeyIndex {
        let elements = || self.entries.iter().map(|e| &e.handle);
        match &self.wanted {
            Some(w) if w.covers(selector) => self
                .keys
                .get_or_init(|| KeyIndex::build(elements(), Some(w))),
            _ => self
                .all_keys
                .get_or_init(|| KeyIndex::build(elements(), None)),
        }
    }

    /// The parent element of the element at `i`.
    pub(super) fn parent_of(&self, i: u32) -> Option<u32> {
        self.entries[i as usize].parent
    }

    /// Whether the element at `a` is an ancestor of the one at `i`.
    pub(super) fn contains(&self, a: u32, i: u32) -> bool {
        a < i && i <= self.entries[a as usize].subtree_end
    }

    /// The element at `i`.
    pub(super) fn handle(&self, i: u32) -> &Handle {
        &self.entries[i as usize].handle
    }

    fn position(&self, node: &Handle) -> Option<usize> {
        self.positions
            .get(&(std::rc::Rc::as_ptr(node) as usize))
            .map(|&i| i as usize)
    }

    fn el(&self, i: usize) -> El<'_> {
        El {
            idx: i as u32,
            ix: self,
        }
    }
}

fn context<'a>(
    caches: &'a mut SelectorCaches,
    bloom: Option<&'a BloomFilter>,
) -> MatchingContext<'a, Simple> {
    MatchingContext::new(
        MatchingMode::Normal,
        bloom,
        caches,
        QuirksMode::NoQuirks,
        NeedsSelectorFlags::No,
        MatchingForInvalidation::No,
    )
}

#[derive(Clone, Copy)]
struct El<'a> {
    idx: u32,
    ix: &'a DomIndex,
}

impl fmt::Debug for El<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "El({})", self.idx)
    }
}

impl<'a> El<'a> {
    fn entry(&self) -> &'a Entry {
        &self.ix.entries[self.idx as usize]
    }
    fn at(&self, idx: Option<u32>) -> Option<El<'a>> {
        idx.map(|idx| El { idx, ix: self.ix })
    }
    fn with_attrs<R>(&self, f: impl FnOnce(&[html5ever::Attribute]) -> R) -> R {
        match &self.entry().handle.data {
            NodeData::Element { attrs, .. } => f(&attrs.borrow()),
            _ => f(&[]),
        }
    }
    /// Whether the element passes one of a selector's attribute tests.
    fn attr_passes(&self, check: &AttrCheck) -> bool {
        self.with_attrs(|attrs| check.passes(attrs))
    }
    fn local_name(&self) -> &str {
        match &self.entry().handle.data {
            NodeData::Element { name, .. } => &name.local,
            _ => "",
        }
    }
}

impl selectors::Element for El<'_> {
    type Impl = Simple;

    fn opaque(&self) -> OpaqueElement {
        OpaqueElement::new(self.entry())
    }
    fn parent_element(&self) -> Option<Self> {
        self.at(self.entry().parent)
    }
    fn parent_node_is_shadow_root(&self) -> bool {
        false
    }
    fn containing_shadow_host(&self) -> Option<Self> {
        None
    }
    fn is_pseudo_element(&self) -> bool {
        false
    }
    fn prev_sibling_element(&self) -> Option<Self> {
        self.at(self.entry().prev)
    }
    fn next_sibling_element(&self) -> Option<Self> {
        self.at(self.entry().next)
    }
    fn first_element_child(&self) -> Option<Self> {
        self.at(self.entry().first_child)
    }
    fn is_html_element_in_html_document(&self) -> bool {
        match &self.entry().handle.data {
            NodeData::Element { name, .. } => name.ns == html5ever::ns!(html),
            _ => false,
        }
    }
    fn has_local_name(&self, local_name: &CssName) -> bool {
        match &self.entry().handle.data {
            NodeData::Element { name, .. } => name.local == local_name.0,
            _ => false,
        }
    }
    fn has_namespace(&self, ns: &str) -> bool {
        match &self.entry().handle.data {
            NodeData::Element { name, .. } => &*name.ns == ns,
            _ => false,
        }
    }
    fn is_same_type(&self, other: &Self) -> bool {
        match (&self.entry().handle.data, &other.entry().handle.data) {
            (NodeData::Element { name: a, .. }, NodeData::Element { name: b, .. }) => {
                a.local == b.local
            }
            _ => false,
        }
    }
    fn attr_matches(
        &self,
        ns: &NamespaceConstraint<&CssStr>,
        local_name: &CssName,
        operation: &AttrSelectorOperation<&CssStr>,
    ) -> bool {
        self.with_attrs(|attrs| {
            attrs.iter().any(|a| {
                // The name first: one word compared, and false for most attributes.
                a.name.local == local_name.0
                    && match ns {
                        NamespaceConstraint::Any => true,
                        NamespaceConstraint::Specific(url) if url.0.is_empty() => {
                            a.name.ns == html5ever::ns!()
                        }
                        NamespaceConstraint::Specific(url) => *a.name.ns == *url.0,
                    }
                    && operation.eval_str(&a.value)
            })
        })
    }
    fn match_non_ts_pseudo_class(
        &self,
        pc: &Pseudo,
        _context: &mut MatchingContext<Simple>,
    ) -> bool {
        match pc {
            Pseudo::Contains(needle) => {
                crate::dom::collapse_whitespace(&crate::dom::text(&self.entry().handle))
                    .to_lowercase()
                    .contains(needle.as_str())
            }
        }
    }
    fn match_pseudo_element(&self, pe: &NoPseudo, _context: &mut MatchingContext<Simple>) -> bool {
        match *pe {}
    }
    fn apply_selector_flags(&self, _flags: ElementSelectorFlags) {}
    fn is_link(&self) -> bool {
        matches!(self.local_name(), "a" | "area" | "link")
            && self.with_attrs(|a| {
                a.iter()
                    .any(|a| a.name.local == html5ever::local_name!("href"))
            })
    }
    fn is_html_slot_element(&self) -> bool {
        false
    }
    fn has_id(&self, id: &CssStr, case_sensitivity: CaseSensitivity) -> bool {
        self.with_attrs(|attrs| {
            attrs.iter().any(|a| {
                a.name.local == html5ever::local_name!("id")
                    && case_sensitivity.eq(a.value.as_bytes(), id.0.as_bytes())
            })
        })
    }
    fn has_class(&self, name: &CssStr, case_sensitivity: CaseSensitivity) -> bool {
        self.with_attrs(|attrs| {
            attrs.iter().any(|a| {
                a.name.local == html5ever::local_name!("class")
                    && a.value
                        .split_ascii_whitespace()
                        .any(|c| case_sensitivity.eq(c.as_bytes(), name.0.as_bytes()))
            })
        })
    }
    fn has_custom_state(&self, _name: &CssStr) -> bool {
        false
    }
    fn imported_part(&self, _name: &CssStr) -> Option<CssStr> {
        None
    }
    fn is_part(&self, _name: &CssStr) -> bool {
        false
    }
    fn is_empty(&self) -> bool {
        self.entry()
            .handle
            .children
            .borrow()
            .iter()
            .all(|c| match &c.data {
                NodeData::Element { .. } => false,
                NodeData::Text { contents } => contents.borrow().is_empty(),
                _ => true,
            })
    }
    fn is_root(&self) -> bool {
        self.entry().parent.is_none() && self.idx == 0
    }
    fn add_element_unique_hashes(&self, _filter: &mut BloomFilter) -> bool {
        false
    }
}

#[cfg(test)]
#[path = "select_tests.rs"]
mod tests;
