//! Properties of the Markdown writer on generated HTML trees (paragraphs, headings,
//! nested lists, quotes, code, emphasis, code spans, links, breaks; text drawn from
//! words and Markdown's special characters): the round trip keeps every word of visible
//! text and every (href, link text) pair, and pagemill's Markdown is a fixed point
//! (Markdown → HTML → Markdown gives the same Markdown).

mod roundtrip;

use html5ever::tendril::TendrilSink;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use proptest::prelude::*;

fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[a-z]{1,8}",
        1 => prop::sample::select(vec![
            "*", "_", "**", "`", "#", "1.", "2)", "-", "+", ">", "[", "]", "(", ")", "!", "\\",
            "&amp;", "&lt;", "|", "~", "=", "&lt;b", "a_b", "x*y", "C#", "--", "***", "\"q\"",
        ])
        .prop_map(str::to_string),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(word(), 1..5).prop_map(|w| w.join(" "))
}

fn inline() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => text(),
        1 => text().prop_map(|t| format!("<code>{t}</code>")),
        1 => Just("<br>".to_string()),
    ];
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|i| format!("<em>{i}</em>")),
            inner.clone().prop_map(|i| format!("<strong>{i}</strong>")),
            ("[a-z]{1,6}", text()).prop_map(|(h, t)| format!("<a href=\"/{h}\">{t}</a>")),
            prop::collection::vec(inner, 1..3).prop_map(|v| v.join(" ")),
        ]
    })
}

fn block() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => inline().prop_map(|i| format!("<p>{i}</p>")),
        1 => (1..4usize, text()).prop_map(|(n, t)| format!("<h{n}>{t}</h{n}>")),
        1 => text().prop_map(|t| format!("<pre><code>{t}</code></pre>")),
        1 => Just("<hr>".to_string()),
    ];
    leaf.prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..3)
                .prop_map(|v| format!("<blockquote>{}</blockquote>", v.concat())),
            prop::collection::vec(inline(), 1..4).prop_map(|items| format!(
                "<ul>{}</ul>",
                items
                    .iter()
                    .map(|i| format!("<li>{i}</li>"))
                    .collect::<String>()
            )),
            (prop::collection::vec(inline(), 1..3), inner.clone()).prop_map(|(items, nested)| {
                format!(
                    "<ol>{}<li>x{nested}</li></ol>",
                    items
                        .iter()
                        .map(|i| format!("<li>{i}</li>"))
                        .collect::<String>()
                )
            }),
        ]
    })
}

fn page() -> impl Strategy<Value = String> {
    prop::collection::vec(block(), 1..5).prop_map(|v| v.concat())
}

fn dom(html: &str) -> RcDom {
    html5ever::parse_document(RcDom::default(), Default::default()).one(html)
}

/// Visible words and (href, link text) pairs.
fn content(html: &str) -> (Vec<String>, Vec<(String, String)>) {
    let d = dom(html);
    let mut words = String::new();
    let mut links = Vec::new();
    let mut stack: Vec<Handle> = vec![d.document.clone()];
    while let Some(n) = stack.pop() {
        match &n.data {
            NodeData::Text { contents } => {
                words.push(' ');
                words.push_str(&contents.borrow());
            }
            NodeData::Element { name, attrs, .. } => {
                if &*name.local == "a" {
                    let href = attrs
                        .borrow()
                        .iter()
                        .find(|a| &*a.name.local == "href")
                        .map(|a| a.value.to_string());
                    if let Some(href) = href {
                        links.push((href, text_of(&n)));
                    }
                }
                words.push(' ');
            }
            _ => {}
        }
        stack.extend(n.children.borrow().iter().rev().cloned());
    }
    (
        words.split_whitespace().map(str::to_string).collect(),
        links,
    )
}

fn text_of(n: &Handle) -> String {
    let mut s = String::new();
    let mut stack = vec![n.clone()];
    while let Some(n) = stack.pop() {
        if let NodeData::Text { contents } = &n.data {
            s.push_str(&contents.borrow());
            s.push(' ');
        }
        stack.extend(n.children.borrow().iter().rev().cloned());
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

proptest! {
    // A fixed seed: CI runs the same cases every time (set PROPTEST_RNG_SEED to explore).
    #![proptest_config(ProptestConfig {
        cases: 1000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261127),
        ),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn text_and_links_survive_the_round_trip(html in page()) {
        let md = roundtrip::to_markdown(&html);
        let back = roundtrip::to_html(true, &md);
        let (words_in, links_in) = content(&html);
        let (words_out, links_out) = content(&back);
        prop_assert_eq!(words_in, words_out, "markdown:\n{}", md);
        prop_assert_eq!(links_in, links_out, "markdown:\n{}", md);
    }

    #[test]
    fn markdown_is_a_fixed_point(html in page()) {
        let md = roundtrip::to_markdown(&html);
        let again = roundtrip::to_markdown(&roundtrip::to_html(true, &md));
        prop_assert_eq!(&md, &again, "html:\n{}", html);
    }
}
