//! Candidate elements for a selector: the rightmost compound of each selector in a list
//! names an id, a class, a tag or an attribute (`main h1` → tag `h1`, `[role=main]` →
//! attribute `role`), and only elements with that key can match, so a lookup table of
//! the document's ids, classes, tags and attribute names spares testing every element
//! against every selector. Lists with a selector that names none (`*`, `:not(p)`) are
//! tested against every element. A selector that needs something of the subject's
//! ancestors (`nav li`) is first checked against a bloom filter of the candidate's
//! ancestors' tags, ids and classes, kept up to date as candidates are visited in order.
//! A candidate that fails one of its selector's attribute tests (`a[href^='#']`: the
//! `href`) is rejected before the full match. A selector whose subject names only a
//! tag or an attribute but whose ancestor names an id or a class (`ol.breadcrumb > li`)
//! takes its candidates only inside the subtrees of the elements with that id or class.

use rustc_hash::FxHashMap;

use html5ever::{local_name, LocalName};
use markup5ever_rcdom::{Handle, NodeData};
use selectors::attr::{AttrSelectorOperator, CaseSensitivity, ParsedCaseSensitivity};
use selectors::parser::{Component, SelectorList};

use selectors::bloom::BloomFilter;

use super::css::{fnv, CssName, CssStr, Simple};
use super::select::{DomIndex, Selector};

/// What the rightmost compound of a selector requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Id(String),
    Class(String),
    Tag(String),
    /// An attribute the element has, its name in lower case.
    Attr(String),
}

impl Key {
    /// The key's place in the index.
    pub fn slot(&self) -> u64 {
        match self {
            Key::Id(s) => slot(0, s),
            Key::Class(s) => slot(1, s),
            Key::Tag(s) => name_slot(2, &LocalName::from(s.as_str())),
            Key::Attr(s) => name_slot(3, &LocalName::from(s.as_str())),
        }
    }
}

/// A key's place in the index: a hash, so that building the index allocates no strings.
/// Two keys with one hash share a list, which only adds candidates: every candidate is
/// still matched against the selector.
fn slot(kind: u8, name: &str) -> u64 {
    xxhash_rust::xxh3::xxh3_64_with_seed(name.as_bytes(), u64::from(kind))
}

/// The place of a tag or attribute name, from the hash its atom already holds.
fn name_slot(kind: u8, name: &LocalName) -> u64 {
    name.get_hash().rotate_left(u32::from(kind) * 16) ^ u64::from(kind)
}

/// The keys of a selector list: one per selector, or `None` when some selector could
/// match any element.
pub fn keys_of(list: &SelectorList<Simple>) -> Option<Vec<Key>> {
    let mut keys = Vec::new();
    for selector in list.slice() {
        let (mut id, mut class, mut tag, mut attr) = (None, None, None, None);
        for component in selector.iter() {
            match component {
                Component::ID(s) => id = Some(Key::Id(s.as_ref().to_string())),
                Component::Class(s) => class = Some(Key::Class(s.as_ref().to_string())),
                Component::LocalName(l) => tag = Some(Key::Tag(l.lower_name.as_ref().to_string())),
                Component::AttributeInNoNamespaceExists {
                    local_name_lower, ..
                } => attr = Some(Key::Attr(local_name_lower.as_ref().to_string())),
                Component::AttributeInNoNamespace { local_name, .. } => {
                    attr = Some(Key::Attr(local_name.as_ref().to_ascii_lowercase()))
                }
                Component::AttributeOther(a) if a.namespace.is_none() => {
                    attr = Some(Key::Attr(a.local_name_lower.as_ref().to_string()))
                }
                _ => {}
            }
        }
        keys.push(id.or(class).or(tag).or(attr)?);
    }
    Some(keys)
}

/// Each selector's scope: when its subject's key is a tag or an attribute, the id (or
/// else the class) of a compound that must match an ancestor of the subject. Going
/// left from the subject, a compound is an ancestor when a child or descendant
/// combinator joins it to the subject, to one of its siblings or to another ancestor;
/// past a sibling of an ancestor nothing is known.
pub fn scopes_of(list: &SelectorList<Simple>) -> Vec<Option<Key>> {
    use selectors::parser::Combinator;
    list.slice()
        .iter()
        .map(|selector| {
            let mut iter = selector.iter();
            let mut subject_named = false;
            for component in &mut iter {
                subject_named |= matches!(component, Component::ID(_) | Component::Class(_));
            }
            if subject_named {
                return None;
            }
            // Whether the compound last passed is the subject or its sibling (else an
            // ancestor).
            let mut sibling = true;
            while let Some(combinator) = iter.next_sequence() {
                match combinator {
                    Combinator::Child | Combinator::Descendant => sibling = false,
                    Combinator::NextSibling | Combinator::LaterSibling if sibling => {}
                    _ => return None,
                }
                let (mut id, mut class) = (None, None);
                for component in &mut iter {
                    match component {
                        Component::ID(s) => id = Some(Key::Id(s.as_ref().to_string())),
                        Component::Class(s) => class = Some(Key::Class(s.as_ref().to_string())),
                        _ => {}
                    }
                }
                if !sibling {
                    if let Some(key) = id.or(class) {
                        return Some(key);
                    }
                }
            }
            None
        })
        .collect()
}

/// One attribute test of a selector's subject, as `selectors` would run it; ASCII case
/// is ignored wherever HTML may ignore it, so a candidate it rejects cannot match.
#[derive(Clone)]
pub(super) struct AttrCheck {
    name: CssName,
    operator: AttrSelectorOperator,
    case: CaseSensitivity,
    value: CssStr,
}

impl AttrCheck {
    /// Whether an element with these attributes passes the test.
    pub(super) fn passes(&self, attrs: &[html5ever::Attribute]) -> bool {
        attrs.iter().any(|a| {
            a.name.local == self.name.0
                && a.name.ns == html5ever::ns!()
                && self.operator.eval_str(&a.value, &self.value.0, self.case)
        })
    }
}

impl std::fmt::Debug for AttrCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttrCheck")
            .field("name", &self.name)
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

/// The attribute tests of each selector's subject compound.
pub(super) fn prechecks_of(list: &SelectorList<Simple>) -> Vec<Vec<AttrCheck>> {
    list.slice()
        .iter()
        .map(|selector| {
            selector
                .iter()
                .filter_map(|component| match component {
                    Component::AttributeInNoNamespace {
                        local_name,
                        operator,
                        value,
                        case_sensitivity,
                    } => Some(AttrCheck {
                        name: local_name.clone(),
                        operator: *operator,
                        case: match case_sensitivity {
                            ParsedCaseSensitivity::ExplicitCaseSensitive
                            | ParsedCaseSensitivity::CaseSensitive => {
                                CaseSensitivity::CaseSensitive
                            }
                            _ => CaseSensitivity::AsciiCaseInsensitive,
                        },
                        value: value.clone(),
                    }),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The index slots a run's selectors look up (their subjects' keys and their scopes).
/// An index of the elements with only these keys serves every selector they cover; a
/// page's other ids, classes, tags and attributes are not indexed.
#[derive(Debug, Default)]
pub struct KeySlots(rustc_hash::FxHashSet<u64>);

impl KeySlots {
    pub fn of<'a>(selectors: impl IntoIterator<Item = &'a Selector>) -> KeySlots {
        KeySlots(selectors.into_iter().flat_map(Selector::slots).collect())
    }

    /// Whether an index of these slots serves `selector`.
    pub(super) fn covers(&self, selector: &Selector) -> bool {
        selector.slots().all(|s| self.0.contains(&s))
    }
}

/// Element positions by id, class, tag and attribute name.
#[derive(Debug, Default)]
pub struct KeyIndex {
    by_key: FxHashMap<u64, Vec<u32>>,
}

impl KeyIndex {
    /// The index of `elements` (in document order): of every key, or of `wanted`'s.
    pub fn build<'a>(
        elements: impl Iterator<Item = &'a Handle>,
        wanted: Option<&KeySlots>,
    ) -> KeyIndex {
        let mut by_key: FxHashMap<u64, Vec<u32>> = FxHashMap::default();
        let mut add = |slot: u64, i: u32| {
            if wanted.is_some_and(|w| !w.0.contains(&slot)) {
                return;
            }
            let list = by_key.entry(slot).or_default();
            // A class named twice on one element, or a hash shared by two keys.
            if list.last() != Some(&i) {
                list.push(i);
            }
        };
        for (i, node) in elements.enumerate() {
            let NodeData::Element { name, attrs, .. } = &node.data else {
                continue;
            };
            let i = i as u32;
            add(name_slot(2, &name.local), i);
            for a in attrs.borrow().iter() {
                // Keyed in lower case: SVG's `viewBox` is matched by `[viewbox]` too.
                let attr: &str = &a.name.local;
                if attr.bytes().any(|b| b.is_ascii_uppercase()) {
                    add(name_slot(3, &LocalName::from(attr.to_ascii_lowercase())), i);
                } else {
                    add(name_slot(3, &a.name.local), i);
                }
                if a.name.local == local_name!("id") {
                    add(slot(0, &a.value), i);
                } else if a.name.local == local_name!("class") {
                    for c in a.value.split_ascii_whitespace() {
                        add(slot(1, c), i);
                    }
                }
            }
        }
        KeyIndex { by_key }
    }

    /// Positions of elements that may match a selector list with these keys (one per
    /// selector), in document order, within `start..end`; each with the selectors whose
    /// key it has (bit `j` for selector `j`, all bits from the 64th selector on).
    ///
    /// `scopes` (one per selector): the slot an ancestor of a match must have; then
    /// only positions inside the subtrees of elements with it are taken, `subtree_end`
    /// giving where each subtree ends.
    pub fn candidates(
        &self,
        keys: &[u64],
        scopes: &[Option<u64>],
        start: usize,
        end: usize,
        subtree_end: impl Fn(u32) -> u32,
    ) -> Vec<(u32, u64)> {
        let mut out: Vec<(u32, u64)> = Vec::new();
        let within = |list: &[u32], start: usize, end: usize| {
            let from = list.partition_point(|&i| (i as usize) < start);
            let to = from + list[from..].partition_point(|&i| (i as usize) < end);
            from..to
        };
        for (j, key) in keys.iter().enumerate() {
            let bit = if j < 64 { 1u64 << j } else { u64::MAX };
            let Some(list) = self.by_key.get(key) else {
                continue;
            };
            let Some(scope) = scopes.get(j).copied().flatten() else {
                out.extend(list[within(list, start, end)].iter().map(|&i| (i, bit)));
                continue;
            };
            // The subtrees of the scope's elements, outermost only (in document order a
            // subtree inside the last one taken is skipped), cut to `start..end`.
            let mut taken_to = 0usize;
            for &a in self.by_key.get(&scope).map_or(&[][..], Vec::as_slice) {
                let (lo, hi) = (a as usize + 1, subtree_end(a) as usize + 1);
                if lo <= taken_to || hi <= start {
                    continue;
                }
                if lo >= end {
                    break;
                }
                taken_to = hi;
                out.extend(
                    list[within(list, lo.max(start), hi.min(end))]
                        .iter()
                        .map(|&i| (i, bit)),
                );
            }
        }
        let range = end.saturating_sub(start);
        if keys.len() > 1 && out.len() >= range / 16 {
            merge_dense(&mut out, start, range);
        } else if keys.len() > 1 {
            merge_sorted(&mut out);
        }
        out
    }
}

/// Candidates of several keys, each list in document order, made one list in document
/// order with each position once and its bits together: sorted.
pub(super) fn merge_sorted(out: &mut Vec<(u32, u64)>) {
    out.sort_unstable_by_key(|&(i, _)| i);
    out.dedup_by(|later, kept| {
        let same = later.0 == kept.0;
        if same {
            kept.1 |= later.1;
        }
        same
    });
}

/// The same as `merge_sorted` for positions in `start..start + range`, in linear time:
/// each position's bits gathered in place. For lists that cover much of the range.
pub(super) fn merge_dense(out: &mut Vec<(u32, u64)>, start: usize, range: usize) {
    let mut masks = vec![0u64; range];
    for &(i, bit) in out.iter() {
        masks[i as usize - start] |= bit;
    }
    out.clear();
    out.extend(
        masks
            .iter()
            .enumerate()
            .filter(|(_, m)| **m != 0)
            .map(|(k, m)| ((start + k) as u32, *m)),
    );
}

/// The ancestors of the element being matched, in a bloom filter of their tags, ids and
/// classes. Candidates come in document order, so moving to the next one pops the
/// ancestors it is not inside and pushes the new ones.
#[derive(Default)]
pub(super) struct Ancestors {
    pub(super) filter: BloomFilter,
    /// Positions whose hashes are in the filter, outermost first.
    stack: Vec<u32>,
    /// The ancestors to push, innermost first (kept to reuse its allocation).
    chain: Vec<u32>,
}

impl Ancestors {
    pub(super) fn move_to(&mut self, ix: &DomIndex, i: u32) {
        while let Some(&top) = self.stack.last() {
            if ix.contains(top, i) {
                break;
            }
            self.stack.pop();
            each_hash(ix, top, |h| self.filter.remove_hash(h));
        }
        let top = self.stack.last().copied();
        self.chain.clear();
        let mut p = ix.parent_of(i);
        while let Some(a) = p {
            if Some(a) == top {
                break;
            }
            self.chain.push(a);
            p = ix.parent_of(a);
        }
        for &a in self.chain.iter().rev() {
            each_hash(ix, a, |h| self.filter.insert_hash(h));
            self.stack.push(a);
        }
    }
}

/// The hashes a selector's ancestor compounds are checked against: the element's tag
/// (as written and in lower case), its id and its classes.
fn each_hash(ix: &DomIndex, i: u32, mut f: impl FnMut(u32)) {
    let NodeData::Element { name, attrs, .. } = &ix.handle(i).data else {
        return;
    };
    let tag: &str = &name.local;
    f(fnv(tag));
    if tag.bytes().any(|b| b.is_ascii_uppercase()) {
        f(fnv(&tag.to_ascii_lowercase()));
    }
    for a in attrs.borrow().iter() {
        match &*a.name.local {
            "id" => f(fnv(&a.value)),
            "class" => a.value.split_ascii_whitespace().for_each(|c| f(fnv(c))),
            _ => {}
        }
    }
}
