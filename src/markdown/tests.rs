//! Unit tests of the Markdown writer on the constructs of legacy department pages.

use super::list::is_thematic_break;
use super::*;
use crate::dom::Document;
use crate::links::{LinkPolicy, Linker};

fn md(html: &str) -> String {
    html_to_markdown_with(html, Options::default())
}

fn html_to_markdown_with(html: &str, options: Options) -> String {
    let policy =
        LinkPolicy::new(&serde_yaml::from_str("origin: https://www.chicago.gov").unwrap()).unwrap();
    let doc = Document::parse(html);
    render(&doc, &doc.body(), &Linker::plain(&policy), options).markdown
}

#[test]
fn paragraphs_headings_and_emphasis() {
    assert_eq!(
        md("<h2>Title #</h2><p>Some  <b>bold </b>and<i> em</i>\n text.</p>"),
        "## Title \\#\n\nSome **bold** and *em* text."
    );
}

#[test]
fn nbsp_in_running_text_becomes_a_space() {
    assert_eq!(
        md("<p>improve&nbsp;existing&nbsp;City</p>"),
        "improve existing City"
    );
}

#[test]
fn links_drop_redundant_titles_and_placeholders() {
    assert_eq!(
        md(
            r#"<p>to&nbsp;<a title="open source projects" href="https://github.com/Chicago">open source projects</a>&nbsp;</p>"#
        ),
        "to [open source projects](https://github.com/Chicago)"
    );
    assert_eq!(
        md(r##"<p><a href="#">Home</a> and <a href="javascript:void(0)">x</a></p>"##),
        "Home and x"
    );
    assert_eq!(
        md(r#"<p><a href="/a" title="More">b</a></p>"#),
        "[b](https://www.chicago.gov/a \"More\")"
    );
}

#[test]
fn nested_and_invalid_lists() {
    assert_eq!(
        md("<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>"),
        "- a\n  - b\n- c"
    );
    assert_eq!(md("<ul><li>a</li><ul><li>b</li></ul></ul>"), "- a\n  - b");
    assert_eq!(md("<ol start=3><li>x</li><li>y</li></ol>"), "3. x\n4. y");
    assert_eq!(
        md("<ul><li><p>a</p><p>b</p></li><li>c</li></ul>"),
        "- a\n\n  b\n\n- c"
    );
    assert_eq!(md("<ul><li>a</li></ul><ul><li>b</li></ul>"), "- a\n\n* b");
}

#[test]
fn code_blocks_keep_text_exactly() {
    assert_eq!(
        md("<pre><code class=\"language-rust\">fn x() {\n\tlet a = `b`;\n\n}</code></pre>"),
        "```rust\nfn x() {\n\tlet a = `b`;\n\n}\n```"
    );
    assert_eq!(md("<p>Use <code>a ` b</code></p>"), "Use ``a ` b``");
}

#[test]
fn blockquote_and_rule() {
    assert_eq!(
        md("<blockquote><p>a</p><p>b</p></blockquote><hr>"),
        "> a\n>\n> b\n\n---"
    );
}

#[test]
fn tables_without_header_cells_keep_their_rows_as_data_and_pad() {
    assert_eq!(
        md("<table><tr><td>Name</td><td align=right>Phone</td></tr><tr><td colspan=2>x|y</td></tr><tr><td>z</td></tr></table>"),
        "| | |\n| --- |---:|\n| Name | Phone |\n| x\\|y | |\n| z | |"
    );
}

#[test]
fn a_first_row_that_reads_as_a_header_heads_the_table() {
    // Every cell wholly bold, or the row in `<thead>`.
    assert_eq!(
        md("<table><tr><td><b>Name</b></td><td><strong>Phone</strong></td></tr><tr><td>a</td><td>1</td></tr></table>"),
        "| **Name** | **Phone** |\n| --- | --- |\n| a | 1 |"
    );
    assert_eq!(
        md("<table><thead><tr><td>Name</td><td>Phone</td></tr></thead><tr><td>a</td><td>1</td></tr></table>"),
        "| Name | Phone |\n| --- | --- |\n| a | 1 |"
    );
    // One plain cell among bold ones: data.
    assert_eq!(
        md("<table><tr><td><b>Name</b></td><td>Phone</td></tr><tr><td>a</td><td>1</td></tr></table>"),
        "| | |\n| --- | --- |\n| **Name** | Phone |\n| a | 1 |"
    );
}

#[test]
fn the_table_header_choice_is_the_users() {
    let html = "<table><tr><td>Name</td><td>Phone</td></tr><tr><td>a</td><td>1</td></tr></table>";
    let with = |table_header| {
        html_to_markdown_with(
            html,
            Options {
                table_header,
                ..Options::default()
            },
        )
    };
    assert_eq!(
        with(TableHeader::FirstRow),
        "| Name | Phone |\n| --- | --- |\n| a | 1 |"
    );
    assert_eq!(
        with(TableHeader::Empty),
        "| | |\n| --- | --- |\n| Name | Phone |\n| a | 1 |"
    );
    let bold = "<table><tr><td><b>Name</b></td><td><b>Phone</b></td></tr><tr><td>a</td><td>1</td></tr></table>";
    let empty = html_to_markdown_with(
        bold,
        Options {
            table_header: TableHeader::Empty,
            ..Options::default()
        },
    );
    assert!(empty.starts_with("| | |"), "{empty}");
}

#[test]
fn layout_tables_are_unwrapped() {
    assert_eq!(
        md("<table><tr><td><p>Only</p><p>cell</p></td></tr></table>"),
        "Only\n\ncell"
    );
}

#[test]
fn hard_breaks_and_images() {
    assert_eq!(
        md(
            r#"<p>333 S. State<br>Suite 420<br></p><p><img src="https://www.chicago.gov/a b.png" alt="A [map]"></p>"#
        ),
        "333 S. State\\\nSuite 420\n\n![A \\[map\\]](https://www.chicago.gov/a%20b.png)"
    );
}

#[test]
fn scripts_and_styles_never_reach_markdown() {
    let out = md("<p>a<script>alert(1)</script><style>p{}</style></p><p onclick=\"x()\">b</p>");
    assert_eq!(out, "a\n\nb");
}

#[test]
fn text_that_looks_like_markup_is_escaped() {
    assert_eq!(
        md("<p>1. not a list *really*</p>"),
        "1\\. not a list \\*really\\*"
    );
    assert_eq!(md("<p># tag</p>"), "\\# tag");
}

#[test]
fn deep_nesting_is_flattened_not_overflowed() {
    let html = format!(
        "{}deep{}",
        "<div><span>".repeat(400),
        "</span></div>".repeat(400)
    );
    let policy =
        LinkPolicy::new(&serde_yaml::from_str("origin: https://www.chicago.gov").unwrap()).unwrap();
    let doc = Document::parse(&html);
    let out = render(
        &doc,
        &doc.body(),
        &Linker::plain(&policy),
        Options::default(),
    );
    assert_eq!(out.markdown, "deep");
    assert!(!out.losses.is_empty());
}

/// Cases the round-trip properties found: each must give Markdown that renders back to
/// HTML whose Markdown is the same.
#[test]
fn fixed_point_regressions() {
    let faithful = |html: &str| {
        let doc = Document::parse(html);
        render(
            &doc,
            &doc.body(),
            &Linker::verbatim(),
            Options {
                faithful: true,
                ..Options::default()
            },
        )
        .markdown
    };
    for html in [
        "<ol><li><strong><strong>*</strong> <br></strong></li><li>x<p>a</p></li></ol>",
        "<ol><li><em><em><em><code>a</code></em></em></em></li><li>x<p>a</p></li></ol>",
        "<ol><li><em><strong><em><code>a</code></em></strong></em></li></ol>",
        "<ul><li><strong><em><strong>*</strong></em></strong></li></ul>",
        "<blockquote><ul><li>--</li></ul></blockquote>",
        "<ol><li>a</li><li>x<ol><li><br></li><li>x<p>a</p></li></ol></li></ol>",
        "<p>foo<strong><strong><strong>bar</strong></strong></strong>***baz</p>",
    ] {
        let md = faithful(html);
        let mut back = String::new();
        pulldown_cmark::html::push_html(
            &mut back,
            pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::all()),
        );
        assert_eq!(faithful(&back), md, "{html}");
    }
}

/// The link a verbatim conversion of `<a href=… title=…>x</a>` reads back as, through a
/// GFM parser: its destination and title. In a table, the link is the one cell of a
/// one-column table, and `None` unless it reads back as such a table.
fn link_read_back(href: &str, title: &str, in_table: bool) -> Option<(String, String)> {
    let attr = |v: &str| {
        v.replace('&', "&amp;")
            .replace('"', "&quot;")
            .replace('<', "&lt;")
    };
    let link = format!(r#"<a href="{}" title="{}">x</a>"#, attr(href), attr(title));
    let html = if in_table {
        format!("<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>{link}</td></tr></tbody></table>")
    } else {
        format!("<p>{link}</p>")
    };
    let doc = Document::parse(&html);
    let md = render(&doc, &doc.body(), &Linker::verbatim(), Options::default()).markdown;
    let events: Vec<_> =
        pulldown_cmark::Parser::new_ext(&md, pulldown_cmark::Options::all()).collect();
    let cells = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                pulldown_cmark::Event::Start(pulldown_cmark::Tag::TableCell)
            )
        })
        .count();
    if in_table && cells != 2 {
        return None;
    }
    events.into_iter().find_map(|event| match event {
        pulldown_cmark::Event::Start(pulldown_cmark::Tag::Link {
            dest_url, title, ..
        }) => Some((dest_url.to_string(), title.to_string())),
        _ => None,
    })
}

#[test]
fn character_references_in_links_are_kept_as_written() {
    // A legacy page's double-encoded `&amp;amp;` is the text `&amp;` in the link:
    // CommonMark would read it as `&` unless it is escaped.
    assert_links_read_back(
        &[
            ("/x?a=1&amp;b=2", "Fish &amp; chips"),
            ("/x y?a=1&#38;b=2", "&copy; the city"),
            ("https://example.org/?q=&lt;x&gt;", "A"),
        ],
        false,
    );
}

fn assert_links_read_back(cases: &[(&str, &str)], in_table: bool) {
    for &(href, title) in cases {
        assert_eq!(
            link_read_back(href, title, in_table),
            Some((href.to_string(), title.to_string())),
            "{href}"
        );
    }
}

#[test]
fn a_pipe_in_a_link_does_not_split_its_table_cell() {
    assert_links_read_back(
        &[
            ("/search?q=a|b", "Parks | Recreation"),
            ("/x y|z", "T"),
            ("https://example.org/a|b", ""),
        ],
        true,
    );
    // GFM keeps `\|` in an autolink: a pipe there makes the link a written-out one.
    let doc = Document::parse(
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>\
         <a href=\"https://example.org/a|b\">https://example.org/a|b</a></td></tr></tbody></table>",
    );
    let md = render(&doc, &doc.body(), &Linker::verbatim(), Options::default()).markdown;
    assert!(
        md.contains(r"[https://example.org/a\|b](https://example.org/a\|b)"),
        "{md}"
    );
}

proptest::proptest! {
    /// Whatever its characters, a link's destination and title read back as written, in
    /// running text and in a table cell.
    #[test]
    fn link_destinations_and_titles_read_back_as_written(
        href in "[a-z/](&#?[a-z0-9]{1,3};|[a-z0-9&#;()<>\\\\/?=.| ]){0,10}[a-z0-9;/]",
        // Not the link's text, `x`: a title that repeats the text is dropped.
        title in "T( ?(&#?[a-z0-9]{1,3};|[a-zA-Z&#;<>\\\\\"|])){0,10}",
    ) {
        let expected = Some((href.clone(), title.clone()));
        proptest::prop_assert_eq!(link_read_back(&href, &title, false), expected.clone());
        proptest::prop_assert_eq!(link_read_back(&href, &title, true), expected);
    }

    /// Text is written word by word with white space collapsed, whichever way it is
    /// taken: the one-pass way for plain ASCII, word by word through the escaper else.
    #[test]
    fn text_runs_collapse_white_space_alike(
        runs in proptest::collection::vec("[a-c \t\n\u{b}\u{c}\r]{0,8}|[*_é\u{a0} ]{1,3}", 1..5),
        single_line in proptest::bool::ANY,
    ) {
        let mut fast = run::Inline::new(single_line);
        let mut reference = String::new();
        for run in &runs {
            fast.text(run);
            for (i, word) in run.split(char::is_whitespace).enumerate() {
                if i > 0 && !(reference.ends_with(' ') || reference.ends_with('\n')) {
                    reference.push(' ');
                }
                if !word.is_empty() {
                    escape::escape_text(word, false, &mut reference);
                }
            }
        }
        proptest::prop_assert_eq!(fast.as_str(), reference.as_str());
    }
}

#[test]
fn thematic_breaks_are_three_of_one_mark_and_spaces() {
    let is_break = |s: &str| is_thematic_break(s.chars());
    assert!(is_break("- --"));
    assert!(is_break(" * * *"));
    assert!(is_break("___"));
    assert!(!is_break("--"));
    assert!(!is_break("- -*"));
    assert!(!is_break("+++"));
    assert!(!is_break(""));
    assert!(!is_break("---x"));
}

#[test]
fn a_list_item_that_reads_as_a_rule_is_escaped() {
    assert_eq!(md("<ul><li>--</li><li>a</li></ul>"), "- \\--\n- a");
}

#[test]
fn lazy_loaded_and_srcset_only_images_show_their_real_image() {
    assert_eq!(
        md(
            r#"<p><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="https://x.org/a.jpg" alt="A"></p>"#
        ),
        "![A](https://x.org/a.jpg)"
    );
    assert_eq!(
        md(r#"<p><img data-original="https://x.org/b.jpg" alt="B"></p>"#),
        "![B](https://x.org/b.jpg)"
    );
    assert_eq!(
        md(r#"<p><img srcset="https://x.org/c-1x.jpg 1x, https://x.org/c-2x.jpg 2x" alt="C"></p>"#),
        "![C](https://x.org/c-1x.jpg)"
    );
    assert_eq!(
        md(r#"<p><img src="https://x.org/d.jpg" data-src="https://x.org/e.jpg" alt="D"></p>"#),
        "![D](https://x.org/d.jpg)"
    );
}

#[test]
fn a_title_holding_markup_is_its_text() {
    assert_eq!(
        md(
            r#"<p><a href="https://x.org/m" title="<table><tr><td>Board Meeting - 8/1</td></tr><tr><td><p>Room 3</p></td></tr></table>">Meeting</a></p>"#
        ),
        "[Meeting](https://x.org/m \"Board Meeting - 8/1 Room 3\")"
    );
}
