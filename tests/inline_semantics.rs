//! Properties of the Markdown writer read back with pulldown-cmark, one per kind of
//! content other converters get wrong: adjacent and nested inline elements (emphasis,
//! strong, strikethrough, code, links — inside words, beside punctuation, links inside
//! code, line breaks inside code), blocks inside inline wrappers, text runs that start
//! a line looking like block syntax, and link titles holding any white space. Each
//! compares what a reader sees — every character with its emphasis, strong emphasis,
//! strikethrough, code and link, and the blocks around it — in the HTML and in the
//! Markdown.

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use pagemill::links::Linker;
use pagemill::markdown::{Options, TableHeader};
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// How a character is shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Style {
    em: bool,
    strong: bool,
    del: bool,
    code: bool,
    link: Option<String>,
}

/// A reader's view of a leaf block: where it stands (the containers around it and its
/// own kind) and its characters, white space collapsed to one space.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Leaf {
    path: Vec<&'static str>,
    chars: Vec<(char, Style)>,
}

fn push_char(leaf: &mut Vec<(char, Style)>, c: char, style: &Style) {
    if c.is_whitespace() {
        if leaf.last().is_some_and(|(l, _)| *l != ' ') {
            leaf.push((' ', Style::default()));
        }
    } else {
        leaf.push((c, style.clone()));
    }
}

fn finish(leaf: &mut Vec<(char, Style)>) -> Vec<(char, Style)> {
    while leaf.last().is_some_and(|(c, _)| *c == ' ') {
        leaf.pop();
    }
    std::mem::take(leaf)
}

// ---- the HTML side ----

#[derive(Default)]
struct HtmlReader {
    leaves: Vec<Leaf>,
    path: Vec<&'static str>,
    current: Vec<(char, Style)>,
    /// The kind of block the current characters belong to.
    kind: &'static str,
    em: usize,
    strong: usize,
    del: usize,
    code: usize,
    link: Vec<String>,
}

impl HtmlReader {
    fn style(&self) -> Style {
        Style {
            em: self.em > 0,
            strong: self.strong > 0,
            del: self.del > 0,
            code: self.code > 0,
            link: self.link.last().cloned(),
        }
    }

    fn end_leaf(&mut self) {
        let chars = finish(&mut self.current);
        if !chars.is_empty() {
            let mut path = self.path.clone();
            path.push(self.kind);
            self.leaves.push(Leaf { path, chars });
        }
        self.kind = "p";
    }

    fn walk(&mut self, node: &Handle) {
        match &node.data {
            NodeData::Text { contents } => {
                let style = self.style();
                for c in contents.borrow().chars() {
                    push_char(&mut self.current, c, &style);
                }
            }
            NodeData::Element { name, attrs, .. } => {
                let tag: &str = &name.local;
                let block = match tag {
                    "h1" => Some("h1"),
                    "h2" => Some("h2"),
                    "h3" => Some("h3"),
                    "h4" => Some("h4"),
                    "h5" => Some("h5"),
                    "h6" => Some("h6"),
                    "p" | "div" => Some("p"),
                    _ => None,
                };
                let container = match tag {
                    "ul" => Some("ul"),
                    "ol" => Some("ol"),
                    "li" => Some("li"),
                    "blockquote" => Some("blockquote"),
                    _ => None,
                };
                if let Some(kind) = block {
                    self.end_leaf();
                    self.kind = kind;
                    self.children(node);
                    self.kind = kind;
                    self.end_leaf();
                    return;
                }
                if let Some(c) = container {
                    self.end_leaf();
                    self.path.push(c);
                    self.children(node);
                    self.end_leaf();
                    self.path.pop();
                    return;
                }
                let href = attrs
                    .borrow()
                    .iter()
                    .find(|a| &*a.name.local == "href")
                    .map(|a| a.value.to_string());
                match tag {
                    "em" | "i" => self.em += 1,
                    "strong" | "b" => self.strong += 1,
                    "s" | "del" | "strike" => self.del += 1,
                    "code" => self.code += 1,
                    "a" if href.is_some() => self.link.push(href.clone().unwrap()),
                    "br" => push_char(&mut self.current, ' ', &Style::default()),
                    _ => {}
                }
                self.children(node);
                match tag {
                    "em" | "i" => self.em -= 1,
                    "strong" | "b" => self.strong -= 1,
                    "s" | "del" | "strike" => self.del -= 1,
                    "code" => self.code -= 1,
                    "a" if href.is_some() => {
                        self.link.pop();
                    }
                    _ => {}
                }
            }
            _ => self.children(node),
        }
    }

    fn children(&mut self, node: &Handle) {
        for c in node.children.borrow().iter() {
            self.walk(c);
        }
    }
}

fn html_leaves(html: &str) -> Vec<Leaf> {
    let dom = html5ever::parse_document(RcDom::default(), Default::default()).one(html);
    let mut r = HtmlReader {
        kind: "p",
        ..Default::default()
    };
    r.walk(&dom.document);
    r.end_leaf();
    r.leaves
}

// ---- the Markdown side ----

fn markdown_leaves(md: &str) -> Vec<Leaf> {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    opts.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    opts.insert(pulldown_cmark::Options::ENABLE_GFM);
    let mut leaves = Vec::new();
    let mut path: Vec<&'static str> = Vec::new();
    let mut current = Vec::new();
    let mut kind = "p";
    let (mut em, mut strong, mut del, mut code) = (0usize, 0usize, 0usize, 0usize);
    let mut link: Vec<String> = Vec::new();
    let end_leaf = |current: &mut Vec<(char, Style)>,
                    path: &Vec<&'static str>,
                    kind: &'static str,
                    leaves: &mut Vec<Leaf>| {
        let chars = finish(current);
        if !chars.is_empty() {
            let mut p = path.clone();
            p.push(kind);
            leaves.push(Leaf { path: p, chars });
        }
    };
    for event in Parser::new_ext(md, opts) {
        let style = |code: bool, em: usize, strong: usize, del: usize, link: &[String]| Style {
            em: em > 0,
            strong: strong > 0,
            del: del > 0,
            code,
            link: link.last().cloned(),
        };
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = ["h1", "h2", "h3", "h4", "h5", "h6"][level as usize - 1];
            }
            Event::Start(Tag::Paragraph) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = "p";
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = "p";
            }
            Event::Start(Tag::List(start)) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                path.push(if start.is_some() { "ol" } else { "ul" });
            }
            Event::Start(Tag::Item) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                path.push("li");
            }
            Event::Start(Tag::BlockQuote(_)) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                path.push("blockquote");
            }
            Event::End(TagEnd::List(_) | TagEnd::Item | TagEnd::BlockQuote(_)) => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                kind = "p";
                path.pop();
            }
            Event::Start(Tag::Emphasis) => em += 1,
            Event::End(TagEnd::Emphasis) => em -= 1,
            Event::Start(Tag::Strong) => strong += 1,
            Event::End(TagEnd::Strong) => strong -= 1,
            Event::Start(Tag::Strikethrough) => del += 1,
            Event::End(TagEnd::Strikethrough) => del -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                link.pop();
            }
            Event::InlineHtml(h) => match h.as_ref() {
                "<em>" => em += 1,
                "</em>" => em -= 1,
                "<strong>" => strong += 1,
                "</strong>" => strong -= 1,
                "<del>" => del += 1,
                "</del>" => del -= 1,
                "<code>" => code += 1,
                "</code>" => code -= 1,
                other => {
                    let st = style(code > 0, em, strong, del, &link);
                    for c in other.chars() {
                        push_char(&mut current, c, &st);
                    }
                }
            },
            Event::Text(t) => {
                let st = style(code > 0, em, strong, del, &link);
                for c in t.chars() {
                    push_char(&mut current, c, &st);
                }
            }
            Event::Code(t) => {
                let st = style(true, em, strong, del, &link);
                for c in t.chars() {
                    push_char(&mut current, c, &st);
                }
            }
            Event::SoftBreak | Event::HardBreak => push_char(&mut current, ' ', &Style::default()),
            Event::Rule => {
                end_leaf(&mut current, &path, kind, &mut leaves);
                leaves.push(Leaf {
                    path: vec!["hr"],
                    chars: Vec::new(),
                });
            }
            Event::Html(h) => {
                let st = style(false, em, strong, del, &link);
                for c in h.chars() {
                    push_char(&mut current, c, &st);
                }
            }
            _ => {}
        }
    }
    end_leaf(&mut current, &path, kind, &mut leaves);
    leaves
}

fn markdown_of(html: &str, faithful: bool) -> String {
    pagemill::page::html_to_markdown(
        html,
        &Linker::verbatim(),
        Options {
            faithful,
            ..Default::default()
        },
    )
    .markdown
}

/// The same reading from `pagemill md`'s Markdown and from `convert`'s (which writes
/// an empty link's title as its text: compared where no link has a title).
fn same_reading(html: &str) -> Result<(), TestCaseError> {
    same_reading_as(html, true)?;
    if html.contains(" title=") {
        return Ok(());
    }
    same_reading_as(html, false)
}

/// Fails with the HTML, the Markdown and the first differing block.
fn same_reading_as(html: &str, faithful: bool) -> Result<(), TestCaseError> {
    let md = markdown_of(html, faithful);
    let want = html_leaves(html);
    let got = markdown_leaves(&md);
    if want != got {
        let at = want
            .iter()
            .zip(&got)
            .position(|(a, b)| a != b)
            .unwrap_or(want.len().min(got.len()));
        let show = |l: Option<&Leaf>| {
            l.map(|l| {
                let text: String = l.chars.iter().map(|c| c.0).collect();
                format!("{:?} {text:?} {:?}", l.path, l.chars)
            })
        };
        return Err(TestCaseError::fail(format!(
            "html: {html}\nmarkdown (faithful: {faithful}):\n{md}\nwant: {:?}\ngot:  {:?}",
            show(want.get(at)),
            show(got.get(at))
        )));
    }
    Ok(())
}

// ---- generators ----

/// Text with letters, digits, punctuation that reads as syntax, and characters whose
/// class (white space, punctuation, other) decides how emphasis flanks.
fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            6 => "[a-c]{1,3}",
            1 => Just("1".to_string()),
            3 => prop::sample::select(vec![
                ".", ",", "(", ")", "!", "?", "'", "\"", "-", ":", "*", "_", "~", "`", "[", "]",
                "\\", "<", ">", "&", "#", "|", "é", "—", "©", "\u{a0}", "\u{ad}",
            ])
            .prop_map(str::to_string),
            2 => Just(" ".to_string()),
        ],
        1..4,
    )
    .prop_map(|parts| parts.concat())
}

fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Code: text, line breaks and links.
fn code() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            3 => text().prop_map(|t| escape_html(&t)),
            1 => Just("<br>".to_string()),
            1 => ("[a-c]{1,2}", "[a-c]{1,3}")
                .prop_map(|(h, t)| format!("<a href=\"/{h}\">{t}</a>")),
        ],
        1..4,
    )
    .prop_map(|v| format!("<code>{}</code>", v.concat()))
}

/// Sequences of inline elements side by side, nested up to three deep.
fn inline() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => text().prop_map(|t| escape_html(&t)),
        1 => code(),
        1 => Just("<br>".to_string()),
    ];
    let tags = ["em", "i", "strong", "b", "s", "del", "strike"];
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            (prop::sample::select(tags.to_vec()), inner.clone())
                .prop_map(|(t, i)| format!("<{t}>{i}</{t}>")),
            (
                prop::sample::select(vec!["", "/a", "#b"]),
                inner.clone(),
                any::<bool>()
            )
                .prop_map(|(h, i, titled)| {
                    // No link inside a link: HTML cannot say it either.
                    let i = i.replace("<a ", "<span ").replace("</a>", "</span>");
                    let title = if titled { " title=\"t\"" } else { "" };
                    format!("<a href=\"{h}\"{title}>{i}</a>")
                }),
            prop::collection::vec(inner, 2..5).prop_map(|v| v.concat()),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Adjacent inline elements of one kind or of several, nested up to three deep,
    /// inside words and beside punctuation, links and line breaks inside code: every
    /// character keeps its emphasis, strong emphasis, strikethrough, code and link.
    #[test]
    fn inline_elements_read_back_with_their_formatting(runs in inline()) {
        same_reading(&format!("<p>{runs}</p>"))?;
    }
}

/// Blocks (headings, paragraphs, lists, quotes) inside inline wrappers (emphasis,
/// links, spans, fonts), with text beside them.
fn wrapped_blocks() -> impl Strategy<Value = String> {
    let words = "[a-c]{1,4}( [a-c]{1,4}){0,2}";
    let block = prop_oneof![
        (1..=6usize, words).prop_map(|(n, t)| format!("<h{n}>{t}</h{n}>")),
        words.prop_map(|t| format!("<p>{t}</p>")),
        prop::collection::vec(words, 1..3).prop_map(|items| format!(
            "<ul>{}</ul>",
            items
                .iter()
                .map(|i| format!("<li>{i}</li>"))
                .collect::<String>()
        )),
        prop::collection::vec(words, 1..3).prop_map(|items| format!(
            "<ol>{}</ol>",
            items
                .iter()
                .map(|i| format!("<li>{i}</li>"))
                .collect::<String>()
        )),
        words.prop_map(|t| format!("<blockquote><p>{t}</p></blockquote>")),
    ];
    let blocks = prop::collection::vec(block, 1..4).prop_map(|v| v.concat());
    let wrapper = prop::sample::select(vec![
        ("<span>", "</span>"),
        ("<font face=\"Arial\">", "</font>"),
        ("<b>", "</b>"),
        ("<strong>", "</strong>"),
        ("<em>", "</em>"),
        ("<i>", "</i>"),
        ("<s>", "</s>"),
        ("<a href=\"/card\">", "</a>"),
    ]);
    (
        prop::collection::vec(wrapper, 1..4),
        blocks,
        prop::option::of(words),
    )
        .prop_map(|(wrappers, blocks, before)| {
            let mut html = format!("{}{blocks}", before.unwrap_or_default());
            let mut link = false;
            for (open, close) in wrappers {
                // Links do not nest.
                if open.starts_with("<a") {
                    if link {
                        continue;
                    }
                    link = true;
                }
                html = format!("{open}{html}{close}");
            }
            format!("<div>{html}</div>")
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A block keeps its kind and place wherever inline elements wrap it, and its
    /// text keeps the wrappers' emphasis and link.
    #[test]
    fn blocks_inside_inline_elements_stay_blocks(html in wrapped_blocks()) {
        same_reading(&html)?;
    }
}

/// Text that starts a line (a paragraph, a line after a break, a list item, a quote)
/// reading as block syntax.
fn line_starts() -> impl Strategy<Value = String> {
    let line = prop::collection::vec(
        prop_oneof![
            3 => prop::sample::select(vec![
                "---", "***", "___", "===", "- - -", "+ a", "- a", "* a", "1) a", "1. a",
                "2020. a", "> a", "```", "~~~", "|---|", "--- | ---", "| a | b |", ":--",
                "# a", "#", "###### a", "<div>", "<!-- a -->", "[a]: /u", "-", "=", "+",
                "    a", "\ta", "[^1]: a", "- [ ] a", "<https://a.b>",
            ])
            .prop_map(str::to_string),
            1 => "[a-c]{1,3}",
            1 => Just(" ".to_string()),
        ],
        1..3,
    )
    .prop_map(|v| escape_html(&v.concat()));
    let lines = prop::collection::vec(line, 1..4).prop_map(|v| v.join("<br>"));
    (
        lines,
        prop::sample::select(vec!["p", "li", "blockquote"]),
        lines_after(),
    )
        .prop_map(|(text, container, after)| match container {
            "li" => format!("<ul><li>{text}</li></ul>{after}"),
            "blockquote" => format!("<blockquote><p>{text}</p></blockquote>{after}"),
            _ => format!("<p>{text}</p>{after}"),
        })
}

/// A paragraph after, that a line above could run into.
fn lines_after() -> impl Strategy<Value = String> {
    prop::option::of("[a-c]{1,3}")
        .prop_map(|t| t.map(|t| format!("<p>{t}</p>")).unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Text that looks like a rule, a setext underline, a list marker, a quote, a
    /// fence, a table delimiter row, a heading or HTML stays that text, in the block it
    /// was in.
    #[test]
    fn text_that_reads_as_syntax_stays_text(html in line_starts()) {
        same_reading(&html)?;
    }
}

/// The title a link reads back with, for `title`.
fn title_read_back(title: &str, faithful: bool) -> Option<String> {
    let html = format!(
        "<p><a href=\"/x\" title=\"{}\">x</a></p>",
        escape_html(title)
    );
    let md = pagemill::page::html_to_markdown(
        &html,
        &Linker::verbatim(),
        Options {
            faithful,
            ..Default::default()
        },
    )
    .markdown;
    let titles: Vec<String> = Parser::new(&md)
        .filter_map(|e| match e {
            Event::Start(Tag::Link { title, .. }) => Some(title.to_string()),
            _ => None,
        })
        .collect();
    match titles.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A title with blank lines, line breaks, tabs and runs of spaces: the link stays a
    /// link; `pagemill md` keeps the title exactly, `convert` with its white space
    /// collapsed.
    #[test]
    fn titles_with_any_white_space_stay_titles(
        title in "T[a-c \t\n\r\"'()<>&#\\\\]{0,12}[a-c]",
    ) {
        prop_assert_eq!(title_read_back(&title, true), Some(title.replace("\r\n", "\n").replace('\r', "\n")));
        let collapsed = title.split_whitespace().collect::<Vec<_>>().join(" ");
        prop_assert_eq!(title_read_back(&title, false), Some(collapsed));
    }
}

#[test]
fn the_examples_read_back() {
    for html in [
        "<p><em>A</em><em>B</em></p>",
        "<p><strong>x</strong><b>y</b></p>",
        "<p><s>A</s><s>B</s></p>",
        "<p><code>A</code><code>B</code></p>",
        "<p>before<strong>middle</strong>after</p>",
        "<p>before<b>.middle</b>after</p>",
        "<p>in<a href=\"/x\">side</a>word in<strong>side</strong></p>",
        "<span><h3><b>Heading</b></h3></span>",
        "<span><ul><li>a</li></ul></span>",
        "<b><p>x</p><p>y</p></b>",
        "<a href=\"/card\"><div><h3>Parks</h3><p>Find a park</p></div></a>",
        "<p>---</p>",
        "<p><strike><strong><em>x</em></strong></strike></p>",
        "<p><code><a href=\"http://google.com\">Google</a></code></p>",
        "<p><a href=\"\" title=\"link title\">no href</a></p>",
        "<p><code>blah blah<br>blah blah</code></p>",
    ] {
        same_reading(html).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// The cells of each row of the first table in `md`, the header row first.
fn table_rows(md: &str) -> Vec<Vec<String>> {
    let mut opts = pulldown_cmark::Options::empty();
    opts.insert(pulldown_cmark::Options::ENABLE_TABLES);
    let mut rows = Vec::new();
    for event in Parser::new_ext(md, opts) {
        match event {
            Event::Start(Tag::TableHead | Tag::TableRow) => rows.push(Vec::new()),
            Event::Start(Tag::TableCell) => rows.last_mut().unwrap().push(String::new()),
            Event::Text(t) => {
                if let Some(cell) = rows.last_mut().and_then(|r| r.last_mut()) {
                    cell.push_str(&t);
                }
            }
            _ => {}
        }
    }
    rows
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// A table without header cells keeps every row as data under an empty header row
    /// (`auto` on plain rows, `empty`), or heads with its first row (`first-row`).
    #[test]
    fn rows_of_a_table_without_header_cells_stay_data(
        rows in prop::collection::vec(prop::collection::vec("[a-c]{1,3}", 2), 2..5),
    ) {
        let html = format!(
            "<table>{}</table>",
            rows.iter()
                .map(|r| format!("<tr>{}</tr>", r.iter().map(|c| format!("<td>{c}</td>")).collect::<String>()))
                .collect::<String>()
        );
        let render = |table_header| {
            pagemill::page::html_to_markdown(
                &html,
                &Linker::verbatim(),
                Options { table_header, ..Default::default() },
            )
            .markdown
        };
        let empty_head = vec![vec![String::new(), String::new()]];
        for choice in [TableHeader::Auto, TableHeader::Empty] {
            prop_assert_eq!(table_rows(&render(choice)), [empty_head.clone(), rows.clone()].concat());
        }
        prop_assert_eq!(table_rows(&render(TableHeader::FirstRow)), rows);
    }
}
