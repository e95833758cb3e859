//! Corpus-level boilerplate: blocks whose structure and text repeat on a large share of
//! a batch's pages — site chrome, footers, mega-menus — are learned from a sample of
//! the batch in pass 1 and cut from every page's content root in pass 2, each cut
//! reported with the reason. A block is known by a fingerprint of its element names and
//! text (attributes, which carry generated ids, are left out).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::rc::Rc;

use markup5ever_rcdom::{Handle, NodeData};
use serde::Deserialize;
use xxhash_rust::xxh3::xxh3_128;

/// A block's fingerprint.
pub type Fingerprint = [u8; 16];

/// Elements that can be boilerplate blocks.
const BLOCKS: &[&str] = &[
    "address",
    "aside",
    "blockquote",
    "div",
    "dl",
    "footer",
    "form",
    "header",
    "nav",
    "ol",
    "p",
    "section",
    "table",
    "ul",
];

/// Blocks with less text than this are never boilerplate (a repeated "Agenda" heading
/// is content).
const MIN_TEXT: usize = 30;

/// `boilerplate:` in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BoilerplateConfig {
    /// A block is boilerplate when it appears on at least this share of the sampled
    /// pages…
    pub min_share: f64,
    /// …and on at least this many of them.
    pub min_pages: usize,
    /// Pages sampled in pass 1 (evenly spread over the batch).
    pub sample: usize,
}

impl Default for BoilerplateConfig {
    fn default() -> Self {
        BoilerplateConfig {
            min_share: 0.1,
            min_pages: 3,
            sample: 100,
        }
    }
}

/// Every candidate block under `root` (itself excluded) with its fingerprint, in
/// post-order.
pub fn fingerprints(root: &Handle) -> Vec<(Handle, Fingerprint)> {
    walk(root, None)
        .into_iter()
        .map(|c| (c.node, c.print))
        .collect()
}

/// The candidate blocks under a content root, as a rendering that may cut them later
/// needs them: each one's fingerprint, nearest candidate ancestor and text.
#[derive(Default)]
pub struct Candidates {
    pub nodes: Vec<Handle>,
    pub prints: Vec<Fingerprint>,
    /// The nearest candidate each one lies inside.
    pub parents: Vec<Option<u32>>,
    pub texts: Texts,
}

/// The visible text of each candidate block.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Texts {
    /// Where each one's text lies in `text`, the root's text before white space is
    /// collapsed (what `dom::text` collapses).
    ranges: Vec<(u32, u32)>,
    text: String,
}

impl Texts {
    /// Candidate `i`'s visible text, white space collapsed (as `dom::text`).
    pub fn get(&self, i: usize) -> String {
        let (start, end) = self.ranges[i];
        crate::dom::collapse_whitespace(&self.text[start as usize..end as usize])
    }
}

impl Candidates {
    /// The candidate blocks under `root`, in post-order.
    pub fn of(root: &Handle) -> Candidates {
        let mut text = String::new();
        let found = walk(root, Some(&mut text));
        Candidates::from_found(found, text)
    }

    /// The candidates `found` in post-order, their ranges in `text`.
    fn from_found(found: Vec<Found>, text: String) -> Candidates {
        let mut parents = vec![None; found.len()];
        // Post-order: a candidate's descendants that are candidates finished before it,
        // after any earlier sibling's; the nearest takes them first.
        let mut open: Vec<u32> = Vec::new();
        for (i, c) in found.iter().enumerate() {
            while let Some(&top) = open.last() {
                if found[top as usize].pre > c.pre {
                    parents[top as usize] = Some(i as u32);
                    open.pop();
                } else {
                    break;
                }
            }
            open.push(i as u32);
        }
        let ranges = found.iter().map(|c| c.range).collect();
        let (nodes, prints) = found.into_iter().map(|c| (c.node, c.print)).unzip();
        Candidates {
            nodes,
            prints,
            parents,
            texts: Texts { ranges, text },
        }
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// A page's blocks from one walk of the whole document: the fingerprints the batch
/// learns from, and the candidate blocks of any part of it that has not changed since.
pub struct PageBlocks {
    found: Vec<Found>,
    text: String,
}

impl PageBlocks {
    pub fn of(doc_root: &Handle) -> PageBlocks {
        let mut text = String::new();
        let found = walk(doc_root, Some(&mut text));
        PageBlocks { found, text }
    }

    /// Every block's fingerprint (as `fingerprints` gives them).
    pub fn prints(&self) -> Vec<Fingerprint> {
        self.found.iter().map(|c| c.print).collect()
    }

    /// The candidate blocks under `root` (an element of the document walked), as
    /// `Candidates::of(root)` finds them after the walk, when what changed since is that
    /// nodes were detached from the elements `changed` (their ancestors changed with
    /// them; the rest is as walked).
    #[inline(never)] // its own count in `scripts/bench-instructions.sh`
    pub fn under(self, root: &Handle, changed: &[Handle]) -> Candidates {
        let key = |n: &Handle| Rc::as_ptr(n) as usize;
        let mut dirty: HashSet<usize> = HashSet::default();
        for node in changed.iter().filter(|n| is_below(n, root)) {
            let mut current = Some(node.clone());
            while let Some(n) = current.filter(|n| !Rc::ptr_eq(n, root)) {
                if !dirty.insert(key(&n)) {
                    break;
                }
                current = crate::dom::parent(&n);
            }
        }
        let inside: Vec<Found> = self
            .found
            .into_iter()
            .filter(|c| is_below(&c.node, root))
            .collect();
        let clean = || inside.iter().filter(|c| !dirty.contains(&key(&c.node)));
        let lo = clean().map(|c| c.range.0).min().unwrap_or(0);
        let hi = clean().map(|c| c.range.1).max().unwrap_or(0);
        let mut text = self.text[lo as usize..hi as usize].to_string();
        let known_blocks: HashMap<usize, (Fingerprint, usize)> = if dirty.is_empty() {
            HashMap::default()
        } else {
            clean().map(|c| (key(&c.node), (c.print, c.len))).collect()
        };
        let known = |n: &Handle| known_blocks.get(&key(n)).copied();
        let mut found = Vec::with_capacity(inside.len());
        for c in inside {
            if !dirty.contains(&key(&c.node)) {
                found.push(Found {
                    range: (c.range.0 - lo, c.range.1 - lo),
                    ..c
                });
                continue;
            }
            let (print, len) = walk_known(&c.node, None, Some(&known)).1;
            if len < MIN_TEXT {
                continue;
            }
            let start = text.len() as u32;
            crate::dom::raw_text_into(&c.node, &mut text);
            let range = (start, text.len() as u32);
            found.push(Found {
                print,
                len,
                range,
                ..c
            });
        }
        Candidates::from_found(found, text)
    }
}

/// Whether `node` lies strictly below `root`.
fn is_below(node: &Handle, root: &Handle) -> bool {
    !Rc::ptr_eq(node, root) && super::root::is_within(node, root)
}

/// A candidate block found by `walk`.
struct Found {
    node: Handle,
    print: Fingerprint,
    /// Its text's length in characters (white space collapsed).
    len: usize,
    /// Its place in pre-order among the nodes walked.
    pre: u32,
    range: (u32, u32),
}

/// The fingerprints and text lengths of subtrees already known (`walk` does not go into
/// them).
type Known<'a> = &'a dyn Fn(&Handle) -> Option<(Fingerprint, usize)>;

/// The fingerprints of the blocks under `root`; with `text`, also the root's text
/// (as `dom::text` gathers it) and where each block's lies in it.
fn walk(root: &Handle, text_out: Option<&mut String>) -> Vec<Found> {
    walk_known(root, text_out, None).0
}

/// `walk`, taking the subtrees `known` knows (below `root`) as they are; also returns
/// `root`'s own fingerprint and text length.
fn walk_known(
    root: &Handle,
    mut text_out: Option<&mut String>,
    known: Option<Known>,
) -> (Vec<Found>, (Fingerprint, usize)) {
    use html5ever::local_name;
    let mut found = Vec::new();
    // (node, children done, pre-order number, text offset at the start); results: one
    // (fingerprint, text length) per node finished. A node without text has no
    // fingerprint worth hashing: nothing takes it (its parent leaves it out, and it is
    // too short to be a block).
    let mut stack = vec![(root.clone(), false, 0u32, 0u32)];
    let mut results: Vec<(Fingerprint, usize)> = Vec::new();
    let mut visited = 0u32;
    // The bytes a fingerprint hashes, built in one buffer and hashed at once (the same
    // digest as feeding them to a streaming hasher piece by piece).
    let mut bytes: Vec<u8> = Vec::new();
    while let Some((node, done, pre, start)) = stack.pop() {
        match &node.data {
            NodeData::Text { contents } => {
                // The text with its white space collapsed.
                let text = contents.borrow();
                if let Some(out) = text_out.as_deref_mut() {
                    out.push_str(&text);
                }
                bytes.clear();
                bytes.push(b't');
                let chars = collapse_into(&text, &mut bytes);
                let print = if chars > 0 { digest(&bytes) } else { [0; 16] };
                results.push((print, chars));
            }
            NodeData::Element { .. } | NodeData::Document => {
                let name = match &node.data {
                    NodeData::Element { name, .. } => Some(&name.local),
                    _ => None,
                };
                let opaque = name.is_some_and(crate::dom::hides_text);
                if !done && !opaque {
                    if let Some(k) = known.filter(|_| visited > 0).and_then(|k| k(&node)) {
                        results.push(k);
                        continue;
                    }
                    let at = text_out.as_deref_mut().map_or(0, |out| {
                        if name == Some(&local_name!("br")) {
                            out.push(' ');
                        }
                        out.len() as u32
                    });
                    stack.push((node.clone(), true, visited, at));
                    visited += 1;
                    for child in node.children.borrow().iter().rev() {
                        stack.push((child.clone(), false, 0, 0));
                    }
                    continue;
                }
                let n = if opaque {
                    0
                } else {
                    node.children.borrow().len()
                };
                let first = results.len() - n;
                // The tag, then the fingerprints of the children with text, in one pass
                // that also adds up their text.
                let tag = name.map_or("#document", |n| &**n);
                bytes.clear();
                bytes.push(b'e');
                bytes.extend_from_slice(tag.as_bytes());
                let mut len = 0;
                for (print, l) in &results[first..] {
                    if *l > 0 {
                        len += l;
                        bytes.extend_from_slice(print);
                    }
                }
                results.truncate(first);
                if len == 0 {
                    results.push(([0; 16], 0));
                    continue;
                }
                bytes.push(b'/');
                let print = digest(&bytes);
                if len >= MIN_TEXT && name.is_some_and(is_block) && !Rc::ptr_eq(&node, root) {
                    let end = text_out.as_deref().map_or(0, |out| out.len() as u32);
                    found.push(Found {
                        node: node.clone(),
                        print,
                        len,
                        pre,
                        range: (start, end),
                    });
                }
                results.push((print, len));
            }
            _ => results.push(([0; 16], 0)),
        }
    }
    (found, results.pop().unwrap_or(([0; 16], 0)))
}

/// Whether elements named `name` can be boilerplate blocks (`BLOCKS`).
fn is_block(name: &html5ever::LocalName) -> bool {
    BLOCKS.contains(&&**name)
}

/// The ASCII white space (to `char` as well) as bits: tab, line feed, vertical tab,
/// form feed, carriage return, space.
const ASCII_WHITE_SPACE: u64 = 0x1_0000_3E00;

/// Appends `text` with its white space collapsed (words joined by one space, as
/// `dom::collapse_whitespace`); returns the characters appended.
fn collapse_into(text: &str, out: &mut Vec<u8>) -> usize {
    if !text.is_ascii() {
        let mut chars = 0;
        for word in text.split(char::is_whitespace).filter(|w| !w.is_empty()) {
            if chars > 0 {
                out.push(b' ');
                chars += 1;
            }
            out.extend_from_slice(word.as_bytes());
            chars += word.chars().count();
        }
        return chars;
    }
    // ASCII: one character a byte. Most text is collapsed already once the white space
    // at its ends (a pretty-printed page's indentation) is left out, and is copied whole.
    let white = |b: &u8| *b <= b' ' && (ASCII_WHITE_SPACE >> *b) & 1 == 1;
    let bytes = text.as_bytes();
    let Some(first) = bytes.iter().position(|b| !white(b)) else {
        return 0;
    };
    let last = bytes.iter().rposition(|b| !white(b)).unwrap_or(first);
    let words = &bytes[first..=last];
    if is_collapsed_ascii(words) {
        out.extend_from_slice(words);
        return words.len();
    }
    let start = out.len();
    out.resize(start + words.len() + 1, 0);
    let (mut at, mut gap) = (start, false);
    for &b in words {
        if b <= b' ' && (ASCII_WHITE_SPACE >> b) & 1 == 1 {
            gap = true;
        } else {
            if gap && at > start {
                out[at] = b' ';
                at += 1;
            }
            gap = false;
            out[at] = b;
            at += 1;
        }
    }
    out.truncate(at);
    at - start
}

/// Whether ASCII `s` is its own collapsed form: words of bytes above the space, one
/// space between them. A control character also answers no (collapsing decides).
fn is_collapsed_ascii(s: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (s.first(), s.last()) else {
        return false;
    };
    if first <= b' ' || last <= b' ' {
        return false;
    }
    // Without an early exit, so that the loop compiles to wide compares.
    let bad = s.iter().zip(&s[1..]).fold(false, |bad, (&a, &b)| {
        bad | ((a <= b' ') & ((a != b' ') | (b <= b' ')))
    });
    !bad
}

/// A block's fingerprint: a 128-bit XXH3 (not a cryptographic hash: a page that
/// forged a colliding block could only get its own block taken for boilerplate).
fn digest(bytes: &[u8]) -> Fingerprint {
    xxh3_128(bytes).to_le_bytes()
}

/// Counts fingerprints over sampled pages.
#[derive(Debug, Default)]
pub struct Learner {
    counts: HashMap<Fingerprint, usize>,
    pages: usize,
}

impl Learner {
    /// Adds one page's fingerprints (each counts once per page).
    pub fn add_page(&mut self, prints: impl IntoIterator<Item = Fingerprint>) {
        let unique: HashSet<Fingerprint> = prints.into_iter().collect();
        for p in unique {
            *self.counts.entry(p).or_default() += 1;
        }
        self.pages += 1;
    }

    /// The blocks repeated often enough to be boilerplate.
    pub fn finish(self, config: &BoilerplateConfig) -> Boilerplate {
        let threshold = config
            .min_pages
            .max((config.min_share * self.pages as f64).ceil() as usize)
            .max(2);
        Boilerplate {
            repeated: self
                .counts
                .into_iter()
                .filter(|(_, c)| *c >= threshold)
                .collect(),
            pages: self.pages,
        }
    }
}

/// The boilerplate learned from a batch.
#[derive(Debug, Default)]
pub struct Boilerplate {
    repeated: HashMap<Fingerprint, usize>,
    pages: usize,
}

impl Boilerplate {
    /// Boilerplate as stored: the sampled page count and the repeated blocks (hex
    /// fingerprints with their counts), sorted.
    pub fn to_parts(&self) -> (usize, Vec<(String, usize)>) {
        let mut blocks: Vec<(String, usize)> = self
            .repeated
            .iter()
            .map(|(p, c)| (p.iter().map(|b| format!("{b:02x}")).collect(), *c))
            .collect();
        blocks.sort();
        (self.pages, blocks)
    }

    /// Boilerplate from its stored parts; malformed fingerprints are ignored.
    pub fn from_parts(pages: usize, blocks: &[(String, usize)]) -> Boilerplate {
        let repeated = blocks
            .iter()
            .filter_map(|(hex, count)| {
                let mut print = [0u8; 16];
                if hex.len() != 32 {
                    return None;
                }
                for (i, b) in print.iter_mut().enumerate() {
                    *b = u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok()?;
                }
                Some((print, *count))
            })
            .collect();
        Boilerplate { repeated, pages }
    }

    /// How many distinct blocks were learned.
    pub fn len(&self) -> usize {
        self.repeated.len()
    }

    pub fn is_empty(&self) -> bool {
        self.repeated.is_empty()
    }

    /// The outermost boilerplate blocks inside `root`, with the reason for each.
    pub fn find(&self, root: &Handle) -> Vec<(Handle, String)> {
        if self.repeated.is_empty() {
            return Vec::new();
        }
        let hits: Vec<(Handle, usize)> = fingerprints(root)
            .into_iter()
            .filter_map(|(node, print)| self.repeated.get(&print).map(|c| (node, *c)))
            .collect();
        let ids: HashSet<usize> = hits.iter().map(|(n, _)| Rc::as_ptr(n) as usize).collect();
        hits.into_iter()
            .filter(|(node, _)| !has_ancestor_in(node, root, &ids))
            .map(|(node, count)| (node, self.reason(count)))
            .collect()
    }

    /// How many sampled pages hold the block `print`, when it is boilerplate.
    pub fn count(&self, print: &Fingerprint) -> Option<usize> {
        self.repeated.get(print).copied()
    }

    /// Why a block seen on `count` sampled pages is cut.
    pub fn reason(&self, count: usize) -> String {
        format!(
            "boilerplate: the same block is on {count} of {} sampled pages of the batch",
            self.pages
        )
    }
}

fn has_ancestor_in(node: &Handle, root: &Handle, ids: &HashSet<usize>) -> bool {
    let mut current = crate::dom::parent(node);
    while let Some(n) = current {
        if Rc::ptr_eq(&n, root) {
            return false;
        }
        if ids.contains(&(Rc::as_ptr(&n) as usize)) {
            return true;
        }
        current = crate::dom::parent(&n);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dom::Document;

    const MENU: &str = "<ul class=menu><li><a href=/a>Residents and visitors</a></li><li><a href=/b>Business and permits</a></li></ul>";

    fn page(body: &str) -> Document {
        Document::parse(&format!("<main>{MENU}<p>{body}</p></main>"))
    }

    #[test]
    fn blocks_repeated_across_pages_are_learned_and_found_once() {
        let mut learner = Learner::default();
        for i in 0..5 {
            let doc = page(&format!("Page {i} has its own text, long enough to count."));
            learner.add_page(fingerprints(&doc.root()).into_iter().map(|(_, p)| p));
        }
        let bp = learner.finish(&BoilerplateConfig::default());
        let doc = page("Another page entirely, with different words in it.");
        let main = crate::dom::descendants(&doc.root())
            .find(|n| crate::dom::is_element(n, "main"))
            .unwrap();
        let found = bp.find(&main);
        assert_eq!(found.len(), 1, "only the menu, once");
        assert!(crate::dom::is_element(&found[0].0, "ul"));
        assert!(found[0].1.contains("5 of 5"));
    }

    #[test]
    fn text_is_collapsed_as_dom_text_collapses_it() {
        let cases = [
            "",
            " ",
            "a",
            "one two",
            " one two",
            "one two ",
            "one  two",
            "one\ttwo",
            "one\ntwo\r\n",
            "one\x0Btwo",
            "one\x0Ctwo",
            "one\x01two",
            "\x01",
            "a \x01 b",
            "non\u{a0}breaking",
            "caf\u{e9}  au lait ",
            "\n\n   \n",
        ];
        for case in cases {
            let mut out = Vec::new();
            let chars = collapse_into(case, &mut out);
            let expected = crate::dom::collapse_whitespace(case);
            assert_eq!(String::from_utf8(out).unwrap(), expected, "{case:?}");
            assert_eq!(chars, expected.chars().count(), "{case:?}");
        }
    }

    #[test]
    fn ids_do_not_change_a_fingerprint_but_text_does() {
        let a = Document::parse("<div id=m-1><p>Same words in a footer block here</p></div>");
        let b = Document::parse("<div id=m-2><p>Same words in a footer block here</p></div>");
        let c = Document::parse("<div id=m-1><p>Other words in a footer block here</p></div>");
        let print = |d: &Document| fingerprints(&d.root()).last().unwrap().1;
        assert_eq!(print(&a), print(&b));
        assert_ne!(print(&a), print(&c));
    }

    #[test]
    fn elements_without_text_do_not_change_a_fingerprint_but_their_place_in_text_does() {
        let print = |html: &str| {
            let d = Document::parse(html);
            fingerprints(&d.root()).last().unwrap().1
        };
        let plain = print("<div><p>Same words in a footer block here</p></div>");
        // A tracking pixel, an empty element and white space between tags add no text.
        assert_eq!(
            plain,
            print("<div>\n <img src=t.gif><p>Same words in a footer block here</p><span></span> </div>")
        );
        // An element that holds some of the text is part of the block's structure.
        assert_ne!(
            plain,
            print("<div><p>Same words in a <b>footer</b> block here</p></div>")
        );
    }

    #[test]
    fn white_space_is_collapsed_alike_in_ascii_and_other_text() {
        let print = |text: &str| {
            let d = Document::parse(&format!("<div><p>{text}</p></div>"));
            fingerprints(&d.root()).last().unwrap().1
        };
        let spaced = print("Same words\t in a\n footer block\u{0B}here");
        assert_eq!(spaced, print("Same words in a footer block here"));
        assert_eq!(spaced, print("Same\u{A0}words in a footer block here"));
        assert_ne!(print("Café words in a footer block here"), spaced);
        assert_eq!(
            print("Café words\t in a footer block here"),
            print("Café words in a footer block here")
        );
    }

    #[test]
    fn rare_blocks_are_not_boilerplate() {
        let mut learner = Learner::default();
        for i in 0..20 {
            let doc = if i < 2 {
                page("Shared by only two pages of twenty, so it is content.")
            } else {
                page(&format!(
                    "Unique text number {i} for this page, long enough."
                ))
            };
            learner.add_page(fingerprints(&doc.root()).into_iter().map(|(_, p)| p));
        }
        let bp = learner.finish(&BoilerplateConfig::default());
        // The menu (20 of 20) is learned; the paragraph shared by 2 is not.
        assert_eq!(bp.len(), 1);
    }
}
