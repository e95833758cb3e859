//! Properties of the Markdown writer read back with pulldown-cmark, one per kind of
//! content other converters get wrong: adjacent and nested inline elements (emphasis,
//! strong, strikethrough, code, links — inside words, beside punctuation, links inside
//! code, line breaks inside code), blocks inside inline wrappers, text runs that start
//! a line looking like block syntax, link titles holding any white space, and tables
//! without header cells. Each compares what a reader sees (`reading/mod.rs`) in the
//! HTML and in the Markdown.

mod reading;

use pagemill::links::Linker;
use pagemill::markdown::{Options, TableHeader};
use proptest::prelude::*;
use pulldown_cmark::{Event, Parser, Tag};
use reading::{html_leaves, markdown_leaves, Leaf};
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
        (
            prop::sample::select(vec!["ul", "ol"]),
            prop::collection::vec(words, 1..3)
        )
            .prop_map(|(list, items)| {
                let items: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
                format!("<{list}>{items}</{list}>")
            }),
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
