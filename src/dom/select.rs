//! CSS selectors over the rcdom tree: a small adapter between the `selectors` crate and
//! markup5ever_rcdom. rcdom nodes have no sibling links and `selectors` needs `Copy`
//! elements, so a flat index of the document's elements is built once per document and
//! elements are positions in it.

use std::borrow::Borrow;
use std::fmt;

use cssparser::ToCss;
use markup5ever_rcdom::{Handle, NodeData};
use selectors::attr::{AttrSelectorOperation, CaseSensitivity, NamespaceConstraint};
use selectors::bloom::BloomFilter;
use selectors::context::{
    MatchingContext, MatchingForInvalidation, MatchingMode, NeedsSelectorFlags, QuirksMode,
    SelectorCaches,
};
use selectors::matching::{matches_selector_list, ElementSelectorFlags};
use selectors::parser::{ParseRelative, SelectorList, SelectorParseErrorKind};
use selectors::OpaqueElement;

use super::candidates::{keys_of, Key, KeyIndex};

/// A selector that did not compile.
#[derive(Debug, thiserror::Error)]
#[error("invalid CSS selector `{selector}`: {reason}")]
pub struct SelectError {
    pub selector: String,
    pub reason: String,
}

/// A compiled selector list, e.g. `main h1, h1`. Compile once, match on many pages.
#[derive(Debug, Clone)]
pub struct Selector {
    source: String,
    list: SelectorList<Simple>,
    /// The id, class or tag each selector's subject needs (`None`: any element).
    keys: Option<Vec<Key>>,
}

impl Selector {
    pub fn parse(source: &str) -> Result<Selector, SelectError> {
        let mut parser = cssparser::Parser::new(source);
        SelectorList::parse(&SelectorParser, &mut parser, ParseRelative::No)
            .map(|list| Selector {
                source: source.to_string(),
                keys: keys_of(&list),
                list,
            })
            .map_err(|e| SelectError {
                selector: source.to_string(),
                reason: format!("{:?}", e.kind),
            })
    }

    pub fn as_str(&self) -> &str {
        &self.source
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
    positions: std::collections::HashMap<usize, u32>,
    /// Elements by id, class and tag, built on first use.
    keys: std::cell::OnceCell<KeyIndex>,
}

impl DomIndex {
    /// Indexes every element below `root` (the document node), iteratively.
    pub fn new(root: &Handle) -> DomIndex {
        let mut entries: Vec<Entry> = Vec::new();
        // (node, parent index, is_exit marker)
        let mut stack: Vec<(Handle, Option<u32>, bool)> = Vec::new();
        let mut last_child: Vec<Option<u32>> = vec![None];
        for c in root.children.borrow().iter().rev() {
            stack.push((c.clone(), None, false));
        }
        let mut open: Vec<u32> = Vec::new();
        while let Some((node, parent, exit)) = stack.pop() {
            if exit {
                let idx = open.pop().expect("balanced walk");
                entries[idx as usize].subtree_end = entries.len() as u32 - 1;
                last_child.pop();
                continue;
            }
            if !matches!(node.data, NodeData::Element { .. }) {
                continue;
            }
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
            entries.push(Entry {
                handle: node.clone(),
                parent,
                prev,
                next: None,
                first_child: None,
                subtree_end: idx,
            });
            open.push(idx);
            last_child.push(None);
            stack.push((node.clone(), parent, true));
            for c in node.children.borrow().iter().rev() {
                stack.push((c.clone(), Some(idx), false));
            }
        }
        let positions = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (std::rc::Rc::as_ptr(&e.handle) as usize, i as u32))
            .collect();
        DomIndex {
            entries,
            positions,
            keys: std::cell::OnceCell::new(),
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
        let mut caches = SelectorCaches::default();
        let mut cx = context(&mut caches);
        self.candidates(selector, start, end)
            .find(|&i| matches_selector_list(&selector.list, self.el(i), &mut cx))
            .map(|i| self.entries[i].handle.clone())
    }

    fn select_range(&self, selector: &Selector, start: usize, end: usize) -> Vec<Handle> {
        let mut caches = SelectorCaches::default();
        let mut cx = context(&mut caches);
        self.candidates(selector, start, end)
            .filter(|&i| matches_selector_list(&selector.list, self.el(i), &mut cx))
            .map(|i| self.entries[i].handle.clone())
            .collect()
    }

    /// Positions that may match `selector` in `start..end`, in document order: those
    /// with the key its subjects need, or all.
    fn candidates(
        &self,
        selector: &Selector,
        start: usize,
        end: usize,
    ) -> Box<dyn Iterator<Item = usize> + '_> {
        match &selector.keys {
            Some(keys) => {
                let index = self
                    .keys
                    .get_or_init(|| KeyIndex::build(self.entries.iter().map(|e| &e.handle)));
                Box::new(
                    index
                        .candidates(keys, start, end)
                        .into_iter()
                        .map(|i| i as usize),
                )
            }
            None => Box::new(start..end),
        }
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

fn context(caches: &mut SelectorCaches) -> MatchingContext<'_, Simple> {
    MatchingContext::new(
        MatchingMode::Normal,
        None,
        caches,
        QuirksMode::NoQuirks,
        NeedsSelectorFlags::No,
        MatchingForInvalidation::No,
    )
}

/// A string as `selectors` wants its names and values.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CssStr(String);

impl From<&str> for CssStr {
    fn from(s: &str) -> Self {
        CssStr(s.to_string())
    }
}

impl AsRef<str> for CssStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for CssStr {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl ToCss for CssStr {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        cssparser::serialize_identifier(&self.0, dest)
    }
}

impl precomputed_hash::PrecomputedHash for CssStr {
    fn precomputed_hash(&self) -> u32 {
        // FNV-1a: only used for bloom-filter hints.
        self.0.bytes().fold(0x811c_9dc5u32, |h, b| {
            (h ^ b as u32).wrapping_mul(0x0100_0193)
        })
    }
}

/// Pseudo-elements are not supported: this type has no values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoPseudo {}

impl ToCss for NoPseudo {
    fn to_css<W: fmt::Write>(&self, _dest: &mut W) -> fmt::Result {
        match *self {}
    }
}

/// The one non-standard pseudo-class: `:contains("text")` matches elements whose text
/// contains `text`, compared case-insensitively with white space collapsed (profiles
/// use it to find a card by its heading). Pseudo-classes of user state are unsupported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pseudo {
    /// The needle, lowercased, white space collapsed.
    Contains(String),
}

impl ToCss for Pseudo {
    fn to_css<W: fmt::Write>(&self, dest: &mut W) -> fmt::Result {
        match self {
            Pseudo::Contains(text) => {
                dest.write_str(":contains(")?;
                cssparser::serialize_string(text, dest)?;
                dest.write_str(")")
            }
        }
    }
}

impl selectors::parser::NonTSPseudoClass for Pseudo {
    fn is_active_or_hover(&self) -> bool {
        false
    }
    fn is_user_action_state(&self) -> bool {
        false
    }
}

impl selectors::parser::PseudoElement for NoPseudo {}

#[derive(Clone, Debug)]
pub struct Simple;

impl selectors::parser::SelectorImpl for Simple {
    type ExtraMatchingData<'a> = ();
    type AttrValue = CssStr;
    type Identifier = CssStr;
    type LocalName = CssStr;
    type NamespaceUrl = CssStr;
    type NamespacePrefix = CssStr;
    type BorrowedNamespaceUrl = str;
    type BorrowedLocalName = str;
    type NonTSPseudoClass = Pseudo;
    type PseudoElement = NoPseudo;
}

struct SelectorParser;

impl<'i> selectors::parser::Parser<'i> for SelectorParser {
    type Impl = Simple;
    type Error = SelectorParseErrorKind;

    fn parse_is_and_where(&self) -> bool {
        true
    }
    fn parse_has(&self) -> bool {
        true
    }
    fn parse_nth_child_of(&self) -> bool {
        true
    }
    fn parse_non_ts_functional_pseudo_class(
        &self,
        name: &str,
        parser: &mut cssparser::Parser<'i>,
        _after_part: bool,
    ) -> Result<Pseudo, cssparser::ParseError<SelectorParseErrorKind>> {
        if name.eq_ignore_ascii_case("contains") {
            let needle = parser.expect_ident_or_string()?.as_ref().to_owned();
            return Ok(Pseudo::Contains(
                crate::dom::collapse_whitespace(&needle).to_lowercase(),
            ));
        }
        Err(cssparser::ParseError::custom(
            SelectorParseErrorKind::UnsupportedPseudoClassOrElement,
        ))
    }
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
    fn has_local_name(&self, local_name: &str) -> bool {
        self.local_name() == local_name
    }
    fn has_namespace(&self, ns: &str) -> bool {
        match &self.entry().handle.data {
            NodeData::Element { name, .. } => &*name.ns == ns,
            _ => false,
        }
    }
    fn is_same_type(&self, other: &Self) -> bool {
        self.local_name() == other.local_name()
    }
    fn attr_matches(
        &self,
        ns: &NamespaceConstraint<&CssStr>,
        local_name: &CssStr,
        operation: &AttrSelectorOperation<&CssStr>,
    ) -> bool {
        self.with_attrs(|attrs| {
            attrs.iter().any(|a| {
                let ns_ok = match ns {
                    NamespaceConstraint::Any => true,
                    NamespaceConstraint::Specific(url) => *a.name.ns == *url.0,
                };
                ns_ok && *a.name.local == *local_name.0 && operation.eval_str(&a.value)
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
            && self.with_attrs(|a| a.iter().any(|a| &*a.name.local == "href"))
    }
    fn is_html_slot_element(&self) -> bool {
        false
    }
    fn has_id(&self, id: &CssStr, case_sensitivity: CaseSensitivity) -> bool {
        self.with_attrs(|attrs| {
            attrs.iter().any(|a| {
                &*a.name.local == "id" && case_sensitivity.eq(a.value.as_bytes(), id.0.as_bytes())
            })
        })
    }
    fn has_class(&self, name: &CssStr, case_sensitivity: CaseSensitivity) -> bool {
        self.with_attrs(|attrs| {
            attrs.iter().any(|a| {
                &*a.name.local == "class"
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
mod tests {
    use super::*;
    use crate::dom::{attr, text, Document};

    fn texts(html: &str, sel: &str) -> Vec<String> {
        let doc = Document::parse(html);
        let ix = DomIndex::new(&doc.root());
        ix.select(&Selector::parse(sel).unwrap())
            .iter()
            .map(text)
            .collect()
    }

    #[test]
    fn descendant_child_and_sibling_combinators() {
        let html = "<div class=a><p>1</p><span><p>2</p></span></div><p>3</p><p>4</p>";
        assert_eq!(texts(html, ".a p"), ["1", "2"]);
        assert_eq!(texts(html, ".a > p"), ["1"]);
        assert_eq!(texts(html, "div + p"), ["3"]);
        assert_eq!(texts(html, "div ~ p"), ["3", "4"]);
    }

    #[test]
    fn attributes_structural_pseudo_classes_and_case() {
        let html =
            r##"<ul><li><a href="/x.pdf">a</a></li><li><a href="#">b</a></li><li>c</li></ul>"##;
        assert_eq!(texts(html, "a[href$='.pdf']"), ["a"]);
        assert_eq!(texts(html, "LI:nth-child(2) A"), ["b"]);
        assert_eq!(texts(html, "li:last-child"), ["c"]);
        assert_eq!(texts(html, "li:not(:has(a))"), ["c"]);
        assert_eq!(texts(html, "li:contains('  B ')"), ["b"]);
        assert!(Selector::parse("li:hover").is_err());
        assert_eq!(texts(html, "li:first-child, li:last-child"), ["a", "c"]);
    }

    /// Attribute selectors take their candidates from an index of attribute names: the
    /// same elements as testing every one.
    #[test]
    fn attribute_selectors_find_every_match() {
        let html = r#"<div role=main><p ROLE="note" class="x back-to-top">1</p>
            <svg viewBox="0 0 1 1"><g aria-label="Cookie notice">2</g></svg>
            <span data-x>3</span><i lang="en-US">4</i></div>"#;
        assert_eq!(texts(html, "[role=note]"), ["1"]);
        assert_eq!(texts(html, "[ROLE=note i]"), ["1"]);
        assert_eq!(texts(html, "[class*=back-to-top]"), ["1"]);
        assert_eq!(texts(html, "[aria-label*=cookie i]"), ["2"]);
        // As in browsers: attribute names of SVG elements keep their case.
        assert_eq!(texts(html, "[viewBox]").len(), 1);
        assert!(texts(html, "[viewbox]").is_empty());
        assert_eq!(texts(html, "[data-x], [lang|=en]"), ["3", "4"]);
        assert_eq!(texts(html, "[role]").len(), 2);
        assert!(texts(html, "[nothing]").is_empty());
    }

    #[test]
    fn scoped_selection_stays_inside_the_scope() {
        let doc = Document::parse(
            "<section id=s><div class=t><a href=/1>x</a></div></section><div class=t><a href=/2>y</a></div>",
        );
        let ix = DomIndex::new(&doc.root());
        let section = ix.first(&Selector::parse("#s").unwrap(), None).unwrap();
        let hits = ix.select_within(&Selector::parse(".t a").unwrap(), &section);
        assert_eq!(hits.len(), 1);
        assert_eq!(attr(&hits[0], "href").as_deref(), Some("/1"));
    }

    #[test]
    fn invalid_selector_is_an_error_naming_it() {
        let err = Selector::parse("a:hover").unwrap_err();
        assert!(err.to_string().contains("a:hover"), "{err}");
        assert!(Selector::parse("div[").is_err());
    }
}
