//! Tables: GFM pipe tables with alignment, the header row of a table without one chosen
//! (`TableHeader`), `colspan` expanded and ragged rows padded. Layout tables (one cell, or a
//! table inside a cell) are unwrapped into their blocks.

use markup5ever_rcdom::Handle;

use super::run::Inline;
use super::{Block, Writer};
use crate::dom;

struct Cell {
    text: String,
    align: Option<&'static str>,
}

impl Writer<'_> {
    pub(super) fn table(&mut self, table: &Handle, depth: usize) -> Vec<Block> {
        let rows = rows_of(table);
        let cell_count: usize = rows.iter().map(|r| r.len()).sum();
        let nested = dom::descendants(table).any(|h| dom::is_element(&h, "table"));
        let has_header = rows.iter().flatten().any(|c| dom::is_element(c, "th"));
        if (cell_count <= 1 && !has_header) || nested {
            // A layout table: its caption and cells are blocks of the page.
            let mut out = Vec::new();
            for caption in table
                .children
                .borrow()
                .iter()
                .filter(|c| dom::is_element(c, "caption"))
            {
                out.extend(self.children_blocks(caption, depth + 1));
            }
            // Cut later, a table inside would leave this one a table of data.
            self.nesting_table(nested as isize);
            for cell in rows.iter().flatten() {
                out.extend(self.children_blocks(cell, depth + 1));
            }
            self.nesting_table(-(nested as isize));
            return out;
        }
        self.composite(1);
        let out = self.data_table(table, &rows, has_header, depth);
        self.composite(-1);
        out
    }

    /// A table of data: a pipe table (or, in CommonMark, HTML).
    fn data_table(
        &mut self,
        table: &Handle,
        rows: &[Vec<Handle>],
        has_header: bool,
        depth: usize,
    ) -> Vec<Block> {
        let mut out = Vec::new();
        if let Some(caption) = dom::descendants(table).find(|h| dom::is_element(h, "caption")) {
            let mut c = Inline::new(false);
            self.inline_children(&caption, &mut c, depth);
            self.push_para(&mut out, c);
        }
        let mut grid: Vec<Vec<Cell>> = Vec::new();
        for row in rows {
            let mut cells = Vec::new();
            for cell in row {
                let text = self.cell(cell, depth);
                let span = dom::attr(cell, "colspan")
                    .and_then(|s| s.trim().parse::<usize>().ok())
                    .unwrap_or(1)
                    .clamp(1, 100);
                cells.push(Cell {
                    text,
                    align: alignment(cell),
                });
                for _ in 1..span {
                    cells.push(Cell {
                        text: String::new(),
                        align: None,
                    });
                }
            }
            grid.push(cells);
        }
        let width = grid.iter().map(Vec::len).max().unwrap_or(0);
        let heads = has_header || self.first_row_heads(rows);
        if grid.iter().flatten().any(|c| c.text.contains("<br>")) {
            self.loss(
                table,
                "line breaks in table cells written as <br>: a pipe table cell is one line",
            );
        }
        if self.options.flavor == super::Flavor::Commonmark {
            self.loss(table, "table written as HTML: CommonMark has no tables");
            out.push(Block::other(html_table(&grid, width, heads)));
            return out;
        }
        // Columns align as the first row's cells say.
        let aligns: Vec<&str> = (0..width)
            .map(|c| {
                grid.first()
                    .and_then(|row| row.get(c))
                    .and_then(|c| c.align)
                    .unwrap_or(" --- ")
            })
            .collect();
        if !heads {
            // Every row is data: the header row GFM needs is empty.
            grid.insert(
                0,
                (0..width)
                    .map(|_| Cell {
                        text: String::new(),
                        align: None,
                    })
                    .collect(),
            );
        }
        // Written into one string made its size first: a cell's text and its ` | `,
        // a row's `|` and line break, and the separator row.
        let cells: usize = grid.iter().flatten().map(|c| c.text.len() + 3).sum();
        let mut table = String::with_capacity(cells + 2 * grid.len() + 6 * width + 2);
        for (i, row) in grid.iter().enumerate() {
            if i > 0 {
                table.push('\n');
            }
            table.push('|');
            for c in 0..width {
                let text = row.get(c).map_or("", |c| c.text.as_str());
                table.push(' ');
                table.push_str(text);
                table.push_str(if text.is_empty() { "|" } else { " |" });
            }
            if i == 0 {
                table.push_str("\n|");
                for align in &aligns {
                    table.push_str(align);
                    table.push('|');
                }
            }
        }
        out.push(Block::other(table));
        out
    }

    /// Whether the first row of a table without `<th>` is written as its header.
    fn first_row_heads(&self, rows: &[Vec<Handle>]) -> bool {
        match self.options.table_header {
            super::TableHeader::FirstRow => true,
            super::TableHeader::Empty => false,
            super::TableHeader::Auto => rows.first().is_some_and(|first| {
                let in_head = first
                    .first()
                    .and_then(dom::parent)
                    .and_then(|tr| dom::parent(&tr))
                    .is_some_and(|section| dom::is_element(&section, "thead"));
                in_head || (!first.is_empty() && first.iter().all(wholly_bold))
            }),
        }
    }

    /// One cell's content on one line. Block content is joined with spaces and reported.
    fn cell(&mut self, cell: &Handle, depth: usize) -> String {
        let has_blocks = dom::descendants(cell).any(|h| {
            dom::tag_name(&h).is_some_and(|t| {
                matches!(
                    t,
                    "p" | "ul"
                        | "ol"
                        | "pre"
                        | "blockquote"
                        | "h1"
                        | "h2"
                        | "h3"
                        | "h4"
                        | "h5"
                        | "h6"
                        | "hr"
                        | "dl"
                )
            })
        });
        if has_blocks {
            self.loss(
                cell,
                "table cell holds block content (paragraphs, lists or headings); it was joined onto one line",
            );
        }
        let mut inline = Inline::for_table_cell();
        self.inline_children(cell, &mut inline, depth);
        self.run_markdown(inline)
    }
}

/// A cell whose text is all inside `<b>`/`<strong>`, and not empty: a header cell
/// written as data.
fn wholly_bold(cell: &Handle) -> bool {
    fn bold_text(node: &Handle, bold: bool, seen: &mut bool) -> bool {
        node.children.borrow().iter().all(|c| match &c.data {
            markup5ever_rcdom::NodeData::Text { contents } => {
                let blank = contents.borrow().trim().is_empty();
                *seen |= !blank;
                blank || bold
            }
            markup5ever_rcdom::NodeData::Element { name, .. } => {
                let b = bold || matches!(&*name.local, "b" | "strong");
                bold_text(c, b, seen)
            }
            _ => true,
        })
    }
    let mut seen = false;
    bold_text(cell, false, &mut seen) && seen
}

/// A table as HTML, each cell's inline Markdown rendered by pulldown-cmark, through
/// the allow-list.
fn html_table(grid: &[Vec<Cell>], width: usize, heads: bool) -> String {
    let mut out = String::from("<table>\n");
    for (i, row) in grid.iter().enumerate() {
        let tag = if i == 0 && heads { "th" } else { "td" };
        out.push_str("<tr>");
        for c in 0..width {
            let md = row
                .get(c)
                .map_or("", |c| c.text.as_str())
                .replace("\\|", "|");
            let mut html = String::new();
            pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
            let html = html
                .trim()
                .trim_start_matches("<p>")
                .trim_end_matches("</p>");
            out.push_str(&format!("<{tag}>{html}</{tag}>"));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>");
    sanitize(&out)
}

/// Raw HTML the writer emits passes an allow-list: table structure and inline
/// formatting, links with their normalized `href` only.
fn sanitize(html: &str) -> String {
    use std::collections::{HashMap, HashSet};
    let tags: HashSet<&str> = [
        "table", "tr", "th", "td", "a", "em", "strong", "code", "del", "br", "img",
    ]
    .into_iter()
    .collect();
    let mut attributes: HashMap<&str, HashSet<&str>> = HashMap::new();
    attributes.insert("a", ["href", "title"].into_iter().collect());
    attributes.insert("img", ["src", "alt", "title"].into_iter().collect());
    ammonia::Builder::new()
        .tags(tags)
        .tag_attributes(attributes)
        .link_rel(None)
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(html)
        .to_string()
}

/// The rows of a table in order (head, bodies, foot), each a list of its cells.
fn rows_of(table: &Handle) -> Vec<Vec<Handle>> {
    let mut rows = Vec::new();
    let mut sections: Vec<Handle> = vec![table.clone()];
    let mut order: Vec<Handle> = Vec::new();
    while let Some(s) = sections.pop() {
        for c in s.children.borrow().iter() {
            match dom::tag_name(c) {
                Some("thead") => order.insert(0, c.clone()),
                Some("tbody") | Some("tfoot") => order.push(c.clone()),
                Some("tr") if dom::is_element(&s, "table") => order.push(c.clone()),
                _ => {}
            }
        }
    }
    for section in order {
        let trs: Vec<Handle> = if dom::is_element(&section, "tr") {
            vec![section.clone()]
        } else {
            section
                .children
                .borrow()
                .iter()
                .filter(|c| dom::is_element(c, "tr"))
                .cloned()
                .collect()
        };
        for tr in trs {
            let cells: Vec<Handle> = tr
                .children
                .borrow()
                .iter()
                .filter(|c| dom::is_element(c, "td") || dom::is_element(c, "th"))
                .cloned()
                .collect();
            if !cells.is_empty() {
                rows.push(cells);
            }
        }
    }
    rows
}

fn alignment(cell: &Handle) -> Option<&'static str> {
    let style = dom::attr(cell, "style")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let align = dom::attr(cell, "align")
        .map(|a| a.trim().to_ascii_lowercase())
        .or_else(|| {
            style.split(';').find_map(|d| {
                let (k, v) = d.split_once(':')?;
                (k.trim() == "text-align").then(|| v.trim().to_string())
            })
        })?;
    match align.as_str() {
        "left" => Some(":---"),
        "center" => Some(":---:"),
        "right" => Some("---:"),
        _ => None,
    }
}
