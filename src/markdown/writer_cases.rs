//! The writer on shapes found in other HTML-to-Markdown converters' test suites: the
//! exact Markdown written for each (the read-back properties are in
//! `tests/inline_semantics.rs`).

use super::{render, Options, TableHeader};
use crate::dom::Document;
use crate::links::Linker;

fn md(html: &str) -> String {
    let doc = Document::parse(html);
    render(&doc, &doc.body(), &Linker::verbatim(), Options::default()).markdown
}

fn faithful(html: &str) -> String {
    let doc = Document::parse(html);
    let options = Options {
        faithful: true,
        table_header: TableHeader::Auto,
        ..Options::default()
    };
    render(&doc, &doc.body(), &Linker::verbatim(), options).markdown
}

#[test]
fn adjacent_elements_of_one_kind_are_one_span() {
    assert_eq!(md("<p><em>A</em><em>B</em></p>"), "*AB*");
    assert_eq!(md("<p><strong>x</strong><b>y</b></p>"), "**xy**");
    assert_eq!(md("<p><s>A</s><s>B</s></p>"), "~~AB~~");
    assert_eq!(md("<p><code>A</code><code>B</code></p>"), "`AB`");
    // Kinds side by side take delimiters that do not run together.
    assert_eq!(md("<p><em>a</em><strong>b</strong></p>"), "*a*__b__");
}

#[test]
fn emphasis_inside_words_and_beside_punctuation() {
    assert_eq!(
        md("<p>before<strong>middle</strong>after</p>"),
        "before**middle**after"
    );
    // No delimiter opens between a letter and punctuation: the tag says it.
    assert_eq!(
        md("<p>before<b>.middle</b>after</p>"),
        "before<strong>.middle</strong>after"
    );
    assert_eq!(md("<p>snake<em>case</em></p>"), "snake*case*");
    assert_eq!(
        md("<p>in<a href=\"/x\">side</a>word</p>"),
        "in[side](/x)word"
    );
}

#[test]
fn emphasis_written_as_a_tag_is_reported() {
    let doc = Document::parse("<p>a<b>.b</b>c</p>");
    let r = render(&doc, &doc.body(), &Linker::verbatim(), Options::default());
    assert_eq!(r.losses.len(), 1, "{:?}", r.losses);
    assert_eq!(r.losses[0].element, "b");
    assert!(r.losses[0].reason.contains("written as <strong>"));
}

#[test]
fn blocks_inside_inline_wrappers_stay_blocks() {
    assert_eq!(
        md("<span><h3><b>Heading</b></h3></span>"),
        "### **Heading**"
    );
    assert_eq!(md("<span><ul><li>a</li></ul></span>"), "- a");
    assert_eq!(md("<b><p>x</p><p>y</p></b>"), "**x**\n\n**y**");
    assert_eq!(
        md("<a href=\"/parks\"><div class=card><h3>Parks</h3><p>Find a park</p></div></a>"),
        "### [Parks](/parks)\n\n[Find a park](/parks)"
    );
    assert_eq!(
        md("<font face=Arial><p>a</p><ul><li><i>b</i></li></ul></font>"),
        "a\n\n- *b*"
    );
    // A link inside the card: HTML ends the card's link where the inner one starts.
    assert_eq!(
        md("<a href=\"/card\"><p>Title</p><p>See <a href=\"/more\">more</a></p></a>"),
        "[Title](/card)\n\n[See](/card) [more](/more)"
    );
}

#[test]
fn text_that_reads_as_block_syntax_is_escaped() {
    assert_eq!(md("<p>---</p>"), "\\---");
    assert_eq!(md("<p>a<br>===</p>"), "a\\\n\\===");
    assert_eq!(md("<p>a | b<br>--- | ---</p>"), "a | b\\\n\\--- | ---");
    assert_eq!(md("<p>a<br>|---|</p>"), "a\\\n\\|---|");
    assert_eq!(md("<p>+ a</p>"), "\\+ a");
    assert_eq!(md("<p>1) a</p>"), "1\\) a");
    assert_eq!(md("<p>&gt; a</p>"), "\\> a");
    assert_eq!(md("<p>```</p>"), "\\`\\`\\`");
    // A rule is still a rule, and a first one never reads as front matter.
    assert_eq!(md("<hr><p>x</p>"), "***\n\nx");
    assert_eq!(
        md("<table><caption>---</caption><tr><th>a</th></tr></table>"),
        "\\---\n\n| a |\n| --- |"
    );
}

#[test]
fn titles_keep_their_line_breaks_as_references() {
    assert_eq!(
        faithful("<p><a href=\"/t\" title=\"Title for\n\n link\">x</a></p>"),
        "[x](/t \"Title for&#10;&#10; link\")"
    );
    // `convert` collapses a title's white space.
    assert_eq!(
        md("<p><a href=\"/t\" title=\"Title for\n\n link\">x</a></p>"),
        "[x](/t \"Title for link\")"
    );
}

#[test]
fn strikethrough_three_deep_keeps_every_level() {
    assert_eq!(
        md("<p><strike><strong><em>x</em></strong></strike></p>"),
        "~~**_x_**~~"
    );
    // `convert` writes emphasis in emphasis once; `pagemill md` keeps both levels.
    assert_eq!(md("<p><em><em>x</em></em></p>"), "*x*");
    assert_eq!(faithful("<p><em><em>x</em></em></p>"), "*_x_*");
    assert_eq!(
        md("<p><b><strong><b><a href=\"/a\">Agenda</a></b></strong></b></p>"),
        "**[Agenda](/a)**"
    );
}

#[test]
fn links_inside_code_stay_links() {
    assert_eq!(
        md("<p><code><a href=\"http://google.com\">Google</a></code></p>"),
        "[`Google`](http://google.com)"
    );
    assert_eq!(
        md("<p><code>see <a href=\"/x\">x</a> here</code></p>"),
        "`see `[`x`](/x)` here`"
    );
}

#[test]
fn an_empty_href_with_a_title_is_a_link() {
    assert_eq!(
        md("<p><a href=\"\" title=\"link title\">no href</a></p>"),
        "[no href](<> \"link title\")"
    );
}

#[test]
fn a_line_break_inside_code_is_a_space() {
    assert_eq!(
        md("<p><code>blah blah<br>blah blah</code></p>"),
        "`blah blah blah blah`"
    );
}

#[test]
fn quotations_get_the_marks_a_browser_shows() {
    assert_eq!(
        md("<p><q>Say <q>hi</q></q></p>"),
        "\u{201C}Say \u{2018}hi\u{2019}\u{201D}"
    );
}

#[test]
fn code_block_languages_come_from_wrappers_and_highlighters() {
    assert_eq!(
        md("<div class=\"highlight highlight-source-js\"><pre>var x;</pre></div>"),
        "```js\nvar x;\n```"
    );
    assert_eq!(
        md("<div class=\"language-ruby highlighter-rouge\"><div class=highlight><pre class=highlight><code>x</code></pre></div></div>"),
        "```ruby\nx\n```"
    );
    assert_eq!(md("<pre class=\"brush: php;\">x</pre>"), "```php\nx\n```");
    assert_eq!(
        md("<pre class=\"sourceCode python\">x</pre>"),
        "```python\nx\n```"
    );
    assert_eq!(
        md("<pre><code class=\"lang-sql\">x</code></pre>"),
        "```sql\nx\n```"
    );
}

#[test]
fn a_line_break_in_a_heading_is_a_space() {
    // An ATX heading is one line.
    assert_eq!(
        md("<h2>Parks<br>and Recreation</h2>"),
        "## Parks and Recreation"
    );
}

#[test]
fn a_video_poster_is_the_image_of_its_link() {
    assert_eq!(
        md("<video poster=\"/p.jpg\" src=\"/v.mp4\" title=\"Budget\"></video>"),
        "[![Budget](/p.jpg)](/v.mp4)"
    );
}
