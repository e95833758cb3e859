//! Lists: items as blocks, tight or loose as CommonMark will read them back, nested
//! lists, stray text between items, and list text that would read as something else.

use markup5ever_rcdom::{Handle, NodeData};

use crate::dom;

use super::run::Inline;
use super::{is_block, is_invisible, Block, Kind, Writer};

impl Writer<'_> {
    /// A list, or `None` when it has no content.
    pub(super) fn list(
        &mut self,
        node: &Handle,
        ordered: bool,
        marker: char,
        depth: usize,
    ) -> Option<String> {
        let mut items: Vec<Vec<Block>> = Vec::new();
        // A list whose items wrap their text in paragraphs is loose.
        let mut paragraphs = false;
        let mut stray = Inline::new(false);
        let children = node.children.borrow();
        for child in children.iter() {
            match dom::tag_name(child) {
                Some("li") => {
                    self.flush_stray(&mut items, &mut stray);
                    paragraphs |= child
                        .children
                        .borrow()
                        .iter()
                        .any(|c| dom::is_element(c, "p"));
                    items.push(self.children_blocks(child, depth + 1));
                }
                Some(t @ ("ul" | "ol")) => {
                    // `ul > ul`: legacy HTML nests lists without an `li`; the inner list
                    // belongs to the item before it.
                    self.flush_stray(&mut items, &mut stray);
                    let mut nested = Vec::new();
                    self.block(child, t, depth + 1, &mut nested);
                    match items.last_mut() {
                        Some(last) => last.extend(nested),
                        None => items.push(nested),
                    }
                }
                Some(t) if is_invisible(t) => {}
                Some(t) if is_block(t) => {
                    self.flush_stray(&mut items, &mut stray);
                    let mut blocks = Vec::new();
                    self.block(child, t, depth + 1, &mut blocks);
                    if !blocks.is_empty() {
                        items.push(blocks);
                    }
                }
                Some(_) => self.inline(child, &mut stray, depth + 1),
                None => {
                    if let NodeData::Text { contents } = &child.data {
                        stray.text(&contents.borrow());
                    }
                }
            }
        }
        self.flush_stray(&mut items, &mut stray);
        if items.is_empty() {
            return None;
        }
        let loose = paragraphs
            || items
                .iter()
                .any(|blocks| blocks.windows(2).any(|w| needs_blank(&w[0], &w[1])));
        let start: usize = if ordered {
            dom::attr(node, "start")
                .and_then(|s| s.trim().parse().ok())
                .unwrap_or(1)
        } else {
            1
        };
        let mut out = String::new();
        for (i, blocks) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(if loose { "\n\n" } else { "\n" });
            }
            let bullet = if ordered {
                format!("{}{} ", start + i, marker)
            } else {
                format!("{marker} ")
            };
            let sep = if loose { "\n\n" } else { "\n" };
            let body: std::borrow::Cow<str> = match blocks.as_slice() {
                [one] => one.text.as_str().into(),
                _ => blocks
                    .iter()
                    .map(|b| b.text.as_str())
                    .collect::<Vec<_>>()
                    .join(sep)
                    .into(),
            };
            if body.is_empty() {
                out.push_str(bullet.trim_end());
                continue;
            }
            let indent = " ".repeat(bullet.len());
            for (n, line) in body.split('\n').enumerate() {
                if n == 0 {
                    out.push_str(&bullet);
                    // `- --` would read as a rule.
                    if is_thematic_break(bullet.chars().chain(line.chars())) {
                        out.push('\\');
                    }
                    out.push_str(line);
                } else {
                    out.push('\n');
                    if !line.is_empty() {
                        out.push_str(&indent);
                        out.push_str(line);
                    }
                }
            }
        }
        Some(out)
    }
}

/// Whether, in a tight list item, `next` needs a blank line after `prev` so that
/// CommonMark does not read it as part of `prev`: a paragraph after a nested list (it
/// would continue the list), and a list that cannot interrupt a paragraph (one starting
/// with an empty item, or ordered from a number other than 1). Such an item makes its
/// list loose.
fn needs_blank(prev: &Block, next: &Block) -> bool {
    match (prev.kind, next.kind) {
        (Kind::Para, Kind::Para) | (Kind::List { .. }, Kind::Para) => true,
        (Kind::Para, Kind::List { ordered, .. }) => {
            let first = next.text.lines().next().unwrap_or_default();
            let marker_only = !first.trim_end().contains(' ');
            marker_only || (ordered && !first.starts_with("1.") && !first.starts_with("1)"))
        }
        _ => false,
    }
}

/// Three or more of one of `-`, `*`, `_` and nothing but spaces: a thematic break.
pub(super) fn is_thematic_break(line: impl Iterator<Item = char>) -> bool {
    let mut marks = line.filter(|c| !c.is_whitespace());
    let Some(first @ ('-' | '*' | '_')) = marks.next() else {
        return false;
    };
    let mut count = 1;
    for c in marks {
        if c != first {
            return false;
        }
        count += 1;
    }
    count >= 3
}

pub(super) fn next_marker(marker: char, ordered: bool) -> char {
    match (ordered, marker) {
        (true, '.') => ')',
        (true, _) => '.',
        (false, '-') => '*',
        (false, _) => '-',
    }
}

impl Writer<'_> {
    fn flush_stray(&mut self, items: &mut Vec<Vec<Block>>, stray: &mut Inline) {
        let para = std::mem::replace(stray, Inline::new(false));
        let mut blocks = Vec::new();
        self.push_para(&mut blocks, para);
        if !blocks.is_empty() {
            items.push(blocks);
        }
    }
}
