//! Round trip of GitHub-flavoured constructs — tables, strikethrough, task lists,
//! autolinks — and of escaping, written for this project in the HTML shapes GFM
//! renderers produce: HTML → pagemill → Markdown → pulldown-cmark (GFM on) → HTML,
//! compared after the normalization of `roundtrip`. The pass rate must stay at or above
//! the baseline, and no case may lose a word of text or a link.

mod roundtrip;

const BASELINE: f64 = 0.97;

const CASES: &[&str] = &[
    // tables
    "<table><thead><tr><th>Branch</th><th>Hours</th></tr></thead><tbody><tr><td>Central</td><td>9–5</td></tr></tbody></table>",
    "<table><thead><tr><th style=\"text-align: left\">a</th><th style=\"text-align: center\">b</th><th style=\"text-align: right\">c</th></tr></thead><tbody><tr><td style=\"text-align: left\">1</td><td style=\"text-align: center\">2</td><td style=\"text-align: right\">3</td></tr></tbody></table>",
    "<table><thead><tr><th>x</th></tr></thead><tbody><tr><td><strong>bold</strong> and <em>em</em> and <code>code</code></td></tr></tbody></table>",
    "<table><thead><tr><th>pipe</th></tr></thead><tbody><tr><td>a | b</td></tr></tbody></table>",
    "<table><thead><tr><th>code with pipe</th></tr></thead><tbody><tr><td><code>a|b</code></td></tr></tbody></table>",
    "<table><thead><tr><th>link</th><th>image</th></tr></thead><tbody><tr><td><a href=\"/depts/parks/\">Parks</a></td><td><img src=\"/i.png\" alt=\"map\"></td></tr></tbody></table>",
    "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td></td></tr><tr><td></td><td>2</td></tr></tbody></table>",
    "<table><thead><tr><th>only header</th></tr></thead></table>",
    "<table><thead><tr><th>escaped</th></tr></thead><tbody><tr><td>*not em* and [not link] and `not code`</td></tr></tbody></table>",
    "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>~~x~~ text</td><td><del>gone</del></td></tr></tbody></table>",
    "<p>Before</p><table><thead><tr><th>h</th></tr></thead><tbody><tr><td>v</td></tr></tbody></table><p>After</p>",
    "<table><thead><tr><th>Department</th><th style=\"text-align: right\">Budget</th></tr></thead><tbody><tr><td>Streets &amp; Sanitation</td><td style=\"text-align: right\">$1,200</td></tr><tr><td>Parks</td><td style=\"text-align: right\">$800</td></tr></tbody></table>",
    // strikethrough
    "<p><del>removed</del></p>",
    "<p>a <del>b</del> c</p>",
    "<p><del><strong>bold and gone</strong></del></p>",
    "<p>text with ~ tilde and ~~ two</p>",
    "<p>x<del>y</del>z</p>",
    // task lists
    "<ul><li><input type=\"checkbox\" disabled=\"\"> open task</li><li><input type=\"checkbox\" checked=\"\" disabled=\"\"> done task</li></ul>",
    "<ul><li><input type=\"checkbox\" disabled=\"\"> <strong>bold</strong> task</li></ul>",
    "<ol><li><input type=\"checkbox\" checked=\"\" disabled=\"\"> first</li><li><input type=\"checkbox\" disabled=\"\"> second</li></ol>",
    "<ul><li><input type=\"checkbox\" disabled=\"\"> parent<ul><li><input type=\"checkbox\" checked=\"\" disabled=\"\"> child</li></ul></li></ul>",
    "<ul><li>[ ] not a task, just brackets</li></ul>",
    // autolinks
    "<p><a href=\"https://www.example.org\">https://www.example.org</a></p>",
    "<p>Visit <a href=\"https://example.org/a?b=c&amp;d=e\">https://example.org/a?b=c&amp;d=e</a> today.</p>",
    "<p><a href=\"mailto:clerk@example.org\">clerk@example.org</a></p>",
    "<p><a href=\"http://example.org/path_(with)_parens\">http://example.org/path_(with)_parens</a></p>",
    "<p>text www.example.org text</p>",
    "<p>contact: clerk@example.org</p>",
    // escaping
    "<p>1. not a list</p>",
    "<p>- not a list either</p>",
    "<p># not a heading</p>",
    "<p>&gt; not a quote</p>",
    "<p>a_b_c and _x_ and *y* and **z**</p>",
    "<p>&lt;div&gt; is text, &amp;amp; too</p>",
    "<p>[brackets] and ![bang] and \\ backslash</p>",
    "<p>a | pipe outside a table</p>",
    "<p>+ plus and = equals</p>",
    "<p>Line one<br>\nLine two</p>",
    "<h2>C# and F#</h2>",
    "<p><code>``double``</code></p>",
];

#[test]
fn gfm_cases_round_trip() {
    let mut passed = 0;
    let mut failures = Vec::new();
    for html in CASES {
        let (ok, md, back) = roundtrip::round_trips(true, html);
        let (w_in, l_in) = roundtrip::content(html);
        let (w_out, l_out) = roundtrip::content(&back);
        assert_eq!(
            roundtrip::recall(&w_in, &w_out) + roundtrip::recall(&l_in, &l_out),
            w_in.len() + l_in.len(),
            "text or links lost: {html}"
        );
        if ok {
            passed += 1;
        } else {
            failures.push(format!("--- html\n{html}\n--- md\n{md}\n--- back\n{back}"));
        }
    }
    let rate = passed as f64 / CASES.len() as f64;
    eprintln!(
        "GFM round trip: {passed}/{} = {:.1}%",
        CASES.len(),
        rate * 100.0
    );
    for f in &failures {
        eprintln!("{f}\n");
    }
    assert!(
        rate >= BASELINE,
        "pass rate {rate:.3} fell below the baseline {BASELINE}"
    );
}
