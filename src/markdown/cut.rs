//! Rendering whose boilerplate is cut afterwards. While a content root is written, each
//! block, link and loss is marked with the candidate blocks (`boilerplate::Candidates`)
//! it was written inside; once the batch's boilerplate is known, the page's Markdown is
//! put together without the repeated blocks — the Markdown that cutting them from the
//! tree before rendering gives — or, where the pieces cannot tell that Markdown (a
//! block inside a list item, text on both sides of a cut), not at all.

use markup5ever_rcdom::Handle;
use rustc_hash::FxHashMap as HashMap;

use super::{finish_blocks, Block, Kind, Loss, Rendered, Writer};
use crate::extract::boilerplate::Candidates;
use crate::links::FoundLink;

/// The candidates a block stands inside, as a tree: stack 0 is none, each other stack
/// one candidate inside its parent stack.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Stacks(Vec<(u32, u32)>);

impl Stacks {
    /// Which stacks stand inside a cut candidate (parents come before their children).
    fn cut(&self, cut: &[bool]) -> Vec<bool> {
        let mut out = vec![false; self.0.len() + 1];
        for (i, &(parent, candidate)) in self.0.iter().enumerate() {
            out[i + 1] = out[parent as usize] || cut[candidate as usize];
        }
        out
    }
}

/// What the writer notes while it renders with candidates.
#[derive(Debug, Default)]
pub(super) struct Tracker {
    /// Candidate node → its number.
    index: HashMap<usize, u32>,
    stacks: Stacks,
    /// The stack the writer is in.
    pub(super) current: u32,
    /// How many blocks that hold their content in one piece (a list, a quote, a table)
    /// the writer is inside: a candidate there cannot be cut from the pieces.
    pub(super) composite: usize,
    /// How many layout tables the writer is inside that are layout tables because they
    /// hold a table: cutting a table there could make them data tables.
    pub(super) nesting_tables: usize,
    /// Candidates whose cut the pieces show exactly: entered between blocks, with no
    /// text to both sides and no inline wrapper around.
    cuttable: Vec<bool>,
    /// The stack of each heading written with an id, and (heading, stack of the link)
    /// for each same-page link that reached one.
    heading_stacks: HashMap<usize, u32>,
    reached: Vec<(usize, u32)>,
    pub(super) link_stacks: Vec<u32>,
    pub(super) loss_stacks: Vec<u32>,
}

fn key(node: &Handle) -> usize {
    std::rc::Rc::as_ptr(node) as usize
}

impl Tracker {
    pub(super) fn new(candidates: &Candidates) -> Tracker {
        Tracker {
            index: (0..candidates.len())
                .map(|i| (key(&candidates.nodes[i]), i as u32))
                .collect(),
            cuttable: vec![false; candidates.len()],
            ..Tracker::default()
        }
    }
}

/// A content root rendered in pieces.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Pieces {
    blocks: Vec<Block>,
    links: Vec<FoundLink>,
    link_stacks: Vec<u32>,
    losses: Vec<Loss>,
    loss_stacks: Vec<u32>,
    stacks: Stacks,
    cuttable: Vec<bool>,
    /// (stack of a heading, stack of a same-page link that reached it).
    reached: Vec<(u32, u32)>,
    faithful: bool,
}

impl Pieces {
    pub(super) fn new(blocks: Vec<Block>, w: Writer) -> Pieces {
        let t = w.cut.unwrap_or_default();
        let reached = t
            .reached
            .iter()
            .map(|(heading, link)| (t.heading_stacks.get(heading).copied().unwrap_or(0), *link))
            .collect();
        Pieces {
            blocks,
            links: w.links,
            link_stacks: t.link_stacks,
            losses: w.losses,
            loss_stacks: t.loss_stacks,
            stacks: t.stacks,
            cuttable: t.cuttable,
            reached,
            faithful: w.options.faithful,
        }
    }

    /// Lines of the links and losses mapped (to lines of the source file).
    pub fn map_lines(&mut self, f: impl Fn(usize) -> usize) {
        for l in &mut self.links {
            l.line = l.line.map(&f);
        }
        for l in &mut self.losses {
            l.line = l.line.map(&f);
        }
    }

    /// The Markdown without the candidates marked in `cut` (outermost ones: none inside
    /// another), with the links and losses of what is left, and which parts of the page
    /// (as the linker's owners number them) are gone; `None` when the pieces cannot
    /// show it and the page is to be rendered again from its tree.
    pub fn without(&self, cut: &[bool]) -> Option<(Rendered, Vec<bool>)> {
        if cut.iter().zip(&self.cuttable).any(|(c, ok)| *c && !ok) {
            return None;
        }
        let stacks = self.stacks.cut(cut);
        let gone = |stack: u32| stacks[stack as usize];
        // A link that reached a heading that is cut would have lost its fragment.
        if self.reached.iter().any(|&(h, l)| gone(h) && !gone(l)) {
            return None;
        }
        let mut kept: Vec<&Block> = Vec::with_capacity(self.blocks.len());
        let mut after_cut = false;
        for b in &self.blocks {
            if gone(b.owner) {
                after_cut = true;
                continue;
            }
            if let (true, Kind::List { ordered, marker }) = (after_cut, b.kind) {
                // A list's marker differs from the list before it: with that one cut,
                // a list newly beside it, or a marker chosen for a list now gone, would
                // be written otherwise.
                let first = if ordered { '.' } else { '-' };
                let beside = kept.last().is_some_and(
                    |k| matches!(k.kind, Kind::List { ordered: o, .. } if o == ordered),
                );
                if marker != first || beside {
                    return None;
                }
            }
            after_cut = false;
            kept.push(b);
        }
        let rendered = Rendered {
            markdown: finish_blocks(kept.into_iter(), self.faithful),
            links: kept_of(&self.links, &self.link_stacks, &gone),
            losses: kept_of(&self.losses, &self.loss_stacks, &gone),
        };
        Some((rendered, stacks))
    }
}

/// The items whose stack is not cut.
fn kept_of<T: Clone>(items: &[T], stacks: &[u32], gone: &impl Fn(u32) -> bool) -> Vec<T> {
    items
        .iter()
        .zip(stacks)
        .filter(|(_, s)| !gone(**s))
        .map(|(i, _)| i.clone())
        .collect()
}

impl Writer<'_> {
    /// Enters `node` when it is a candidate the pieces can cut: between blocks, in no
    /// composite block and no inline wrapper. Returns the stack to leave it with and
    /// the candidate's number.
    pub(super) fn enter(&mut self, node: &Handle) -> Option<(u32, u32)> {
        let wrapped = !self.wrappers.is_empty();
        let t = self.cut.as_mut()?;
        let &candidate = t.index.get(&key(node))?;
        if t.composite > 0 || wrapped {
            return None;
        }
        let holds_table = || {
            crate::dom::is_element(node, "table")
                || crate::dom::descendants(node).any(|n| crate::dom::is_element(&n, "table"))
        };
        if t.nesting_tables > 0 && holds_table() {
            return None;
        }
        t.cuttable[candidate as usize] = true;
        let outer = t.current;
        t.stacks.0.push((outer, candidate));
        t.current = t.stacks.0.len() as u32;
        self.linker.set_owner(t.current);
        Some((outer, candidate))
    }

    /// Leaves a candidate entered: the blocks written since `from` that no candidate
    /// inside claimed are its own.
    pub(super) fn leave(&mut self, outer: u32, out: &mut [Block], from: usize) {
        let Some(t) = self.cut.as_mut() else {
            return;
        };
        let own = t.current;
        for b in &mut out[from..] {
            if b.owner == 0 {
                b.owner = own;
            }
        }
        t.current = outer;
        self.linker.set_owner(outer);
    }

    /// Candidates cut with text on both sides would leave that text one paragraph,
    /// which the pieces (two paragraphs) cannot show.
    pub(super) fn joins_text(&mut self, candidates: &[u32]) {
        if let Some(t) = self.cut.as_mut() {
            for &c in candidates {
                t.cuttable[c as usize] = false;
            }
        }
    }

    pub(super) fn track_heading(&mut self, node: &Handle) {
        if let Some(t) = self.cut.as_mut() {
            t.heading_stacks.insert(key(node), t.current);
        }
    }

    pub(super) fn track_reached(&mut self, heading: usize) {
        if let Some(t) = self.cut.as_mut() {
            t.reached.push((heading, t.current));
        }
    }

    pub(super) fn track_link(&mut self) {
        if let Some(t) = self.cut.as_mut() {
            t.link_stacks.push(t.current);
        }
    }

    pub(super) fn track_loss(&mut self) {
        if let Some(t) = self.cut.as_mut() {
            t.loss_stacks.push(t.current);
        }
    }

    pub(super) fn nesting_table(&mut self, by: isize) {
        if let Some(t) = self.cut.as_mut() {
            t.nesting_tables = t.nesting_tables.wrapping_add_signed(by);
        }
    }

    pub(super) fn composite(&mut self, by: isize) {
        if let Some(t) = self.cut.as_mut() {
            t.composite = t.composite.wrapping_add_signed(by);
        }
    }
}
