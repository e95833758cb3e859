//! Candidate elements for a selector: the rightmost compound of each selector in a list
//! names an id, a class, a tag or an attribute (`main h1` → tag `h1`, `[role=main]` →
//! attribute `role`), and only elements with that key can match, so a lookup table of
//! the document's ids, classes, tags and attribute names spares testing every element
//! against every selector. Lists with a selector that names none (`*`, `:not(p)`) are
//! tested against every element.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

use markup5ever_rcdom::{Handle, NodeData};
use selectors::parser::{Component, SelectorList};

use super::select::Simple;

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
    fn slot(&self) -> u64 {
        match self {
            Key::Id(s) => slot(0, s),
            Key::Class(s) => slot(1, s),
            Key::Tag(s) => slot(2, s),
            Key::Attr(s) => slot(3, s),
        }
    }
}

/// A key's place in the index: a hash, so that building the index allocates no strings.
/// Two keys with one hash share a list, which only adds candidates: every candidate is
/// still matched against the selector.
fn slot(kind: u8, name: &str) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    kind.hash(&mut h);
    name.hash(&mut h);
    h.finish()
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

/// Element positions by id, class, tag and attribute name.
#[derive(Debug, Default)]
pub struct KeyIndex {
    by_key: HashMap<u64, Vec<u32>>,
}

impl KeyIndex {
    pub fn build<'a>(elements: impl Iterator<Item = &'a Handle>) -> KeyIndex {
        let mut by_key: HashMap<u64, Vec<u32>> = HashMap::new();
        let mut add = |slot: u64, i: u32| {
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
            add(slot(2, &name.local), i);
            for a in attrs.borrow().iter() {
                // Keyed in lower case: SVG's `viewBox` is matched by `[viewbox]` too.
                let attr: &str = &a.name.local;
                if attr.bytes().any(|b| b.is_ascii_uppercase()) {
                    add(slot(3, &attr.to_ascii_lowercase()), i);
                } else {
                    add(slot(3, attr), i);
                }
                match &*a.name.local {
                    "id" => add(slot(0, &a.value), i),
                    "class" => {
                        for c in a.value.split_ascii_whitespace() {
                            add(slot(1, c), i);
                        }
                    }
                    _ => {}
                }
            }
        }
        KeyIndex { by_key }
    }

    /// Positions of elements that may match a selector with these keys, in document
    /// order, within `start..end`.
    pub fn candidates(&self, keys: &[Key], start: usize, end: usize) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for key in keys {
            if let Some(list) = self.by_key.get(&key.slot()) {
                let from = list.partition_point(|&i| (i as usize) < start);
                out.extend(list[from..].iter().take_while(|&&i| (i as usize) < end));
            }
        }
        if keys.len() > 1 {
            out.sort_unstable();
            out.dedup();
        }
        out
    }
}
