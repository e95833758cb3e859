//! YAML with positions. serde_yaml gives values but no positions and silently keeps the
//! last of duplicate keys, so front matter is also read through saphyr's event parser
//! into a small tree of positioned nodes: schema errors are placed on the offending
//! value, and duplicate keys, Jekyll-style booleans, tabs and alias bombs are found.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle};

/// A node of the document with its position (1-based line and column, in characters).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub column: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Scalar {
        value: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Entries in order: (key, value).
    Mapping(Vec<(Node, Node)>),
    Alias,
}

/// A problem the YAML reader found, at a line and column of the YAML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub rule: &'static str,
    pub message: String,
    /// Errors stop the record from being validated; the others are warnings.
    pub error: bool,
}

/// How many nodes aliases may expand a document to before it is treated as an alias
/// bomb (the "billion laughs").
pub const MAX_EXPANDED_NODES: usize = 100_000;

/// Reads `text`, whose first line is line `first_line` of its file, into a tree; every
/// position is a file position. With a syntax error or an alias bomb there is no tree.
pub fn read(text: &str, first_line: usize) -> (Option<Node>, Vec<Problem>) {
    let offset = first_line - 1;
    let mut problems = tab_problems(text, offset);
    let mut builder = Builder::default();
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => {
                let (line, column) = (span.start.line() + offset, span.start.col() + 1);
                builder.event(event, line, column, &mut problems);
            }
            Err(e) => {
                problems.push(Problem {
                    line: e.marker().line() + offset,
                    column: e.marker().col() + 1,
                    rule: "yaml/syntax",
                    message: format!("invalid YAML: {}", e.info()),
                    error: true,
                });
                return (None, problems);
            }
        }
    }
    if builder.expanded > MAX_EXPANDED_NODES {
        let (line, column) = builder.first_alias.unwrap_or((1, 1));
        problems.push(Problem {
            line,
            column,
            rule: "yaml/alias-bomb",
            message: format!(
                "aliases expand this document to more than {MAX_EXPANDED_NODES} nodes; it is not read"
            ),
            error: true,
        });
        return (None, problems);
    }
    (builder.root, problems)
}

/// Tabs in indentation: YAML forbids them, and editors' settings make them invisible.
fn tab_problems(text: &str, offset: usize) -> Vec<Problem> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let indent: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            indent.find('\t').map(|col| Problem {
                line: i + 1 + offset,
                column: indent[..col].chars().count() + 1,
                rule: "yaml/tab",
                message: "tab in indentation; YAML indents with spaces".to_string(),
                error: true,
            })
        })
        .collect()
}

#[derive(Default)]
struct Builder {
    stack: Vec<Node>,
    /// For each open mapping: the key waiting for its value.
    pending_keys: Vec<Option<Node>>,
    root: Option<Node>,
    /// Node counts of anchored nodes, by anchor id.
    anchors: HashMap<usize, usize>,
    /// Anchors of the open collections: (anchor id, expanded size before it).
    open_anchors: Vec<(usize, usize)>,
    /// Nodes the document would have with every alias expanded.
    expanded: usize,
    first_alias: Option<(usize, usize)>,
}

impl Builder {
    fn event(&mut self, event: Event, line: usize, column: usize, problems: &mut Vec<Problem>) {
        match event {
            Event::Scalar(value, style, anchor, _) => {
                self.count(1);
                if anchor > 0 {
                    self.anchors.insert(anchor, 1);
                }
                let plain = style == ScalarStyle::Plain;
                self.add(
                    Node {
                        line,
                        column,
                        kind: Kind::Scalar {
                            value: value.into_owned(),
                            plain,
                        },
                    },
                    problems,
                );
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                let is_map = matches!(event, Event::MappingStart(..));
                self.open_anchors.push((anchor, self.expanded));
                self.count(1);
                self.stack.push(Node {
                    line,
                    column,
                    kind: if is_map {
                        Kind::Mapping(Vec::new())
                    } else {
                        Kind::Sequence(Vec::new())
                    },
                });
                self.pending_keys.push(None);
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = self.stack.pop().expect("balanced events");
                self.pending_keys.pop();
                if let Some((anchor, before)) = self.open_anchors.pop() {
                    if anchor > 0 {
                        self.anchors.insert(anchor, self.expanded - before);
                    }
                }
                self.add(node, problems);
            }
            Event::Alias(anchor) => {
                let size = self.anchors.get(&anchor).copied().unwrap_or(1);
                self.count(size);
                self.first_alias.get_or_insert((line, column));
                self.add(
                    Node {
                        line,
                        column,
                        kind: Kind::Alias,
                    },
                    problems,
                );
            }
            _ => {}
        }
    }

    fn count(&mut self, n: usize) {
        self.expanded = self.expanded.saturating_add(n);
    }

    /// Attaches a finished node to the open collection (or makes it the root).
    fn add(&mut self, node: Node, problems: &mut Vec<Problem>) {
        let Some(parent) = self.stack.last_mut() else {
            self.root = Some(node);
            return;
        };
        match &mut parent.kind {
            Kind::Sequence(items) => {
                implicit_type(&node, problems);
                items.push(node);
            }
            Kind::Mapping(entries) => {
                let pending = self.pending_keys.last_mut().expect("one per collection");
                match pending.take() {
                    None => {
                        if let Kind::Scalar { value, .. } = &node.kind {
                            if let Some((first, _)) =
                                entries.iter().find(|(k, _)| scalar(k) == Some(value))
                            {
                                problems.push(Problem {
                                    line: node.line,
                                    column: node.column,
                                    rule: "yaml/duplicate-key",
                                    message: format!(
                                        "duplicate key `{value}` (first at line {}); YAML readers keep only one of them",
                                        first.line
                                    ),
                                    error: true,
                                });
                            }
                        }
                        *pending = Some(node);
                    }
                    Some(key) => {
                        implicit_type(&node, problems);
                        entries.push((key, node));
                    }
                }
            }
            _ => {}
        }
    }
}

fn scalar(node: &Node) -> Option<&String> {
    match &node.kind {
        Kind::Scalar { value, .. } => Some(value),
        _ => None,
    }
}

/// A plain scalar that YAML 1.2 reads as a string and YAML 1.1 (Jekyll) as another type.
fn implicit_type(node: &Node, problems: &mut Vec<Problem>) {
    if let Kind::Scalar { value, plain: true } = &node.kind {
        let Some(kind) = crate::yaml11::implicit_type(value) else {
            return;
        };
        let string = matches!(
            serde_yaml::from_str::<serde_yaml::Value>(value),
            Ok(serde_yaml::Value::String(_))
        );
        if string {
            problems.push(Problem {
                line: node.line,
                column: node.column,
                rule: "yaml/implicit-type",
                message: format!(
                    "`{value}` is a string in YAML 1.2 but {kind} to Jekyll and other YAML 1.1 readers; quote it"
                ),
                error: false,
            });
        }
    }
}

/// The node a JSON pointer (`/a/0/b`) designates, as far as the tree goes.
pub fn locate<'a>(root: &'a Node, pointer: &str) -> &'a Node {
    let mut node = root;
    if pointer.is_empty() {
        return node;
    }
    for raw in pointer.trim_start_matches('/').split('/') {
        let segment = raw.replace("~1", "/").replace("~0", "~");
        let next = match &node.kind {
            Kind::Mapping(entries) => entries
                .iter()
                .find(|(k, _)| scalar(k).map(String::as_str) == Some(segment.as_str()))
                .map(|(_, v)| v),
            Kind::Sequence(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// The key node of `name` in the mapping at `pointer`, for errors about a key itself.
pub fn locate_key<'a>(root: &'a Node, pointer: &str, name: &str) -> Option<&'a Node> {
    match &locate(root, pointer).kind {
        Kind::Mapping(entries) => entries
            .iter()
            .find(|(k, _)| scalar(k).map(String::as_str) == Some(name))
            .map(|(k, _)| k),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_at1(text: &str) -> (Option<Node>, Vec<Problem>) {
        read(text, 1)
    }

    #[test]
    fn positions_follow_pointers() {
        let (root, problems) =
            read_at1("title: X\nnav:\n  - {title: A, url: /a}\n  - title: B\n    url: 7\n");
        assert!(problems.is_empty(), "{problems:?}");
        let root = root.unwrap();
        let n = locate(&root, "/nav/1/url");
        assert_eq!((n.line, n.column), (5, 10));
        let n = locate(&root, "/nav/0/url");
        assert_eq!((n.line, n.column), (3, 21));
        let k = locate_key(&root, "", "nav").unwrap();
        assert_eq!((k.line, k.column), (2, 1));
    }

    #[test]
    fn duplicate_keys_and_yaml11_implicit_types_are_found() {
        let (_, problems) = read_at1("title: A\npublished: yes\ntitle: B\n");
        let rules: Vec<_> = problems
            .iter()
            .map(|p| (p.rule, p.line, p.column))
            .collect();
        assert_eq!(
            rules,
            [("yaml/implicit-type", 2, 12), ("yaml/duplicate-key", 3, 1)]
        );
        let (_, problems) = read_at1("a: 'yes'\nb: \"off\"\n");
        assert!(problems.is_empty());
    }

    #[test]
    fn tabs_syntax_errors_and_alias_bombs() {
        let (_, problems) = read_at1("a:\n\t- b\n");
        assert_eq!(problems[0].rule, "yaml/tab");
        assert_eq!((problems[0].line, problems[0].column), (2, 1));
        let (root, problems) = read_at1("a: [1, 2\nb: 3\n");
        assert!(root.is_none());
        assert_eq!(problems.last().unwrap().rule, "yaml/syntax");
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x]\n");
        for (i, prev) in ["b", "c", "d", "e", "f", "g"]
            .iter()
            .zip(["a", "b", "c", "d", "e", "f"])
        {
            bomb.push_str(&format!("{}: &{} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n", i, i));
        }
        let (root, problems) = read_at1(&bomb);
        assert!(root.is_none());
        assert_eq!(problems.last().unwrap().rule, "yaml/alias-bomb");
        let (root, problems) = read_at1("base: &b {x: 1}\nother: *b\n");
        assert!(root.is_some() && problems.is_empty(), "{problems:?}");
    }
}
