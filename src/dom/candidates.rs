//! Candidate elements for a selector: the rightmost compound of each selector in a list
//! names an id, a class or a tag (`main h1` → tag `h1`), and only elements with that key
//! can match, so a lookup table of the document's ids, classes and tags spares testing
//! every element against every selector. Lists with a selector that names none (`*`,
//! `[role=main]`) are tested against every element.

use std::collections::HashMap;

use markup5ever_rcdom::{Handle, NodeData};
use selectors::parser::{Component, SelectorList};

use super::select::Simple;

/// What the rightmost compound of a selector requires.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Id(String),
    Class(String),
    Tag(String),
}

/// The keys of a selector list: one per selector, or `None` when some selector could
/// match any element.
pub fn keys_of(list: &SelectorList<Simple>) -> Option<Vec<Key>> {
    let mut keys = Vec::new();
    for selector in list.slice() {
        let (mut id, mut class, mut tag) = (None, None, None);
        for component in selector.iter() {
            match component {
                Component::ID(s) => id = Some(Key::Id(s.as_ref().to_string())),
                Component::Class(s) => class = Some(Key::Class(s.as_ref().to_string())),
                Component::LocalName(l) => tag = Some(Key::Tag(l.lower_name.as_ref().to_string())),
                _ => {}
            }
        }
        keys.push(id.or(class).or(tag)?);
    }
    Some(keys)
}

/// Element positions by id, class and tag.
#[derive(Debug, Default)]
pub struct KeyIndex {
    by_key: HashMap<Key, Vec<u32>>,
}

impl KeyIndex {
    pub fn build<'a>(elements: impl Iterator<Item = &'a Handle>) -> KeyIndex {
        let mut by_key: HashMap<Key, Vec<u32>> = HashMap::new();
        for (i, node) in elements.enumerate() {
            let NodeData::Element { name, attrs, .. } = &node.data else {
                continue;
            };
            let i = i as u32;
            by_key
                .entry(Key::Tag(name.local.to_string()))
                .or_default()
                .push(i);
            for a in attrs.borrow().iter() {
                match &*a.name.local {
                    "id" => by_key
                        .entry(Key::Id(a.value.to_string()))
                        .or_default()
                        .push(i),
                    "class" => {
                        for c in a.value.split_ascii_whitespace() {
                            by_key.entry(Key::Class(c.to_string())).or_default().push(i);
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
            if let Some(list) = self.by_key.get(key) {
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
