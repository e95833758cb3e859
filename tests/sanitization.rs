//! Nothing unsafe passes: hostile markup through `convert` (default settings) leaves no
//! script, style, event handler, script URL (in any URL attribute or `srcset`), frame
//! or other raw HTML in the Markdown, and no injected key in the front matter. Then
//! proptest on the invariants of the design: the front matter re-parses to the record
//! and passes its schema, conversion is deterministic, and output paths stay inside
//! the output folder.

use std::path::Path;

use pagemill::links::Linker;
use pagemill::page::{convert, Context};
use pagemill::Settings;
use proptest::prelude::*;
use pulldown_cmark::{Event, Options, Parser, Tag};

fn settings() -> Settings {
    Settings::from_yaml(
        pagemill::config::DEFAULT_CONFIG,
        "default",
        Path::new("."),
        None,
    )
    .unwrap()
}

const SCRIPT_SCHEMES: &[&str] = &["javascript:", "vbscript:", "data:text", "data:application"];

/// Every destination and raw HTML fragment of a Markdown document.
fn audit(markdown: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => {
                // A Liquid tag may render as nothing: probe without them.
                let d = without_liquid(&dest_url).trim().to_ascii_lowercase();
                if SCRIPT_SCHEMES.iter().any(|s| d.starts_with(s)) {
                    problems.push(format!("script URL {dest_url}"));
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                let h = h.trim().to_ascii_lowercase();
                if h != "<br>" {
                    problems.push(format!("raw HTML {h}"));
                }
            }
            _ => {}
        }
    }
    problems
}

/// Text with every `{{ … }}` and `{% … %}` taken out.
fn without_liquid(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(['{']) {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let close = if after.starts_with("{{") {
            "}}"
        } else if after.starts_with("{%") {
            "%}"
        } else {
            out.push('{');
            rest = &rest[i + 1..];
            continue;
        };
        match after.find(close) {
            Some(e) => rest = &after[e + 2..],
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

const HOSTILE: &[&str] = &[
    r#"<a href="javascript:alert(1)">js link</a>"#,
    r#"<a href="  JaVaScRiPt:alert(1)">mixed case</a>"#,
    r#"<a href="java&#09;script:alert(1)">tab in scheme</a>"#,
    r#"<a href="&#106;avascript:alert(1)">entity scheme</a>"#,
    r#"<a href="vbscript:msgbox(1)">vb</a>"#,
    r#"<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data html</a>"#,
    r#"<img src="data:text/html;base64,PHNjcmlwdD4=" alt="data html image">"#,
    r#"<img src="x.png" srcset="javascript:alert(1) 1x, y.png 2x" alt="srcset">"#,
    r#"<img src="javascript:alert(1)" alt="js image">"#,
    r#"<iframe srcdoc="<script>alert(1)</script>" src="javascript:alert(1)"></iframe>"#,
    r#"<svg onload="alert(1)"><circle r="1"/></svg>"#,
    r#"<p onclick="alert(1)" style="background:url(javascript:alert(1))">handler</p>"#,
    r#"<script>alert(1)</script><style>body{}</style><noscript><b>no</b></noscript>"#,
    r#"<object data="javascript:alert(1)"></object><embed src="javascript:alert(1)">"#,
    r#"<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>"#,
    r#"<a href="/ok" title='a" onmouseover="alert(1)'>title quotes</a>"#,
    r#"<p>[click](javascript:alert(1)) and ![x](javascript:alert(1))</p>"#,
    r#"<a href="/x">text ](javascript:alert(1)) [</a>"#,
    r#"<img src="/i.png" alt="](javascript:alert(1))">"#,
    r#"<p>&lt;script&gt;alert(1)&lt;/script&gt; as text</p>"#,
    r#"<p><!-- <script>alert(1)</script> --> comment</p>"#,
    r#"<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"#,
    r#"<a href="https://x.org/" target="_blank">fine</a>"#,
    // Found by fuzzing: markup inside braces was kept whole as a Liquid tag.
    r#"<p>{{ include.x <main><h1>raw</h1><script>alert(1)</script> }}</p>"#,
    "<a href=\"x {{ include.y }}');\n</style>\n<section a=\">Liquid in a broken URL</a>",
    "<a href=\"https://a.org/x\u{1}y\" title=\"<html><body>t</body>\">a control character</a>",
    "<h3><a href=\"/x\" title=\"<script>\">{{\n}}</a></h3>",
    "<p>&lt;<b>script</b>&gt;alert(1)</p><<t1itle>Link repairs</t1itle>",
    "<a href=\"java{{ x }}script:alert(1)\">a Liquid tag inside the scheme</a>",
    "<a href=\"{% if a %}{% endif %}javascript:alert(1)\">a Liquid tag before the scheme</a>",
];

#[test]
fn hostile_markup_leaves_nothing_active_in_markdown_or_front_matter() {
    let s = settings();
    for (i, hostile) in HOSTILE.iter().enumerate() {
        let html = format!(
            "<html><head><title>Case {i}</title></head><body><main><h1>Case {i}</h1><p>Body.</p>{hostile}</main></body></html>"
        );
        let c = convert(
            html.as_bytes(),
            Context::path("p.html"),
            &s,
            &Linker::plain(&s.policy),
        )
        .unwrap_or_else(|e| panic!("case {i}: {e}"));
        let (fm, body) = c.text[4..].split_once("\n---\n").unwrap();
        let problems = audit(body);
        assert!(
            problems.is_empty(),
            "case {i} {hostile}: {problems:?}\n{body}"
        );
        // Text that merely reads like markup (case 19) is escaped, so it is text to a
        // Markdown parser; the audit above saw no raw HTML.
        assert!(
            !fm.to_ascii_lowercase().contains("javascript:"),
            "case {i}: {fm}"
        );
    }
}

#[test]
fn field_values_cannot_inject_front_matter() {
    let s = settings();
    for title in [
        "---\nlayout: evil",
        "a\n---\nb: c",
        "x: y",
        "- item",
        "&anchor *alias",
        "{% raw %}---{% endraw %}",
        "'\"` |>",
        "#comment",
        "... end",
    ] {
        let html = format!(
            "<html><body><main><h1>{}</h1><p>Body.</p></main></body></html>",
            title.replace('&', "&amp;").replace('<', "&lt;")
        );
        let c = convert(
            html.as_bytes(),
            Context::path("p.html"),
            &s,
            &Linker::plain(&s.policy),
        )
        .unwrap();
        let (fm, _, _) = pagemill::source::split_front_matter(&c.text).unwrap();
        let fields = fm.unwrap().fields;
        let keys: Vec<&str> = fields.keys().filter_map(|k| k.as_str()).collect();
        assert_eq!(keys, ["title", "source"], "{title:?}:\n{}", c.text);
        let collapsed = title.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(fields["title"].as_str(), Some(collapsed.as_str()));
    }
}

fn fragment() -> impl Strategy<Value = String> {
    let text = "[a-zA-Z0-9 :/#&;<>\"'\\[\\]()*_`|-]{0,24}";
    let piece = prop_oneof![
        text.prop_map(|t| format!("<p>{t}</p>")),
        (text, text).prop_map(|(h, t)| format!("<a href=\"{h}\">{t}</a>")),
        (text, text).prop_map(|(s, a)| format!("<img src=\"{s}\" alt=\"{a}\">")),
        text.prop_map(|t| format!("<h1>{t}</h1>")),
        text.prop_map(|t| format!("<li>{t}</li>")),
        Just("<script>alert(1)</script>".to_string()),
        text.prop_map(|t| format!("<td>{t}</td>")),
    ];
    prop::collection::vec(piece, 1..8).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(
            std::env::var("PROPTEST_RNG_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20261127),
        ),
        ..ProptestConfig::default()
    })]

    /// The front matter re-parses to the record and passes its schema; the same input
    /// gives the same bytes; nothing active reaches the Markdown.
    #[test]
    fn converted_pages_keep_the_invariants(body in fragment()) {
        let s = settings();
        let html = format!("<html><head><title>T</title></head><body><main>{body}</main></body></html>");
        let first = convert(html.as_bytes(), Context::path("p.html"), &s, &Linker::plain(&s.policy));
        let second = convert(html.as_bytes(), Context::path("p.html"), &s, &Linker::plain(&s.policy));
        match (first, second) {
            (Ok(a), Ok(b)) => {
                prop_assert_eq!(&a.text, &b.text);
                let (fm, body, _) = pagemill::source::split_front_matter(&a.text).unwrap();
                let reparsed = serde_yaml::Value::Mapping(fm.unwrap().fields);
                prop_assert_eq!(&reparsed, &serde_yaml::Value::Mapping(a.record.clone()));
                let compiled = s.profiles.iter().find(|c| c.profile.name == a.profile).unwrap();
                let violations = compiled.validator.check(&reparsed);
                prop_assert!(violations.is_empty(), "{:?}", violations);
                let problems = audit(body);
                prop_assert!(problems.is_empty(), "{:?}", problems);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            _ => prop_assert!(false, "the same page converted once and failed once"),
        }
    }

    /// Output paths never leave the output folder, whatever the source path.
    #[test]
    fn output_paths_stay_inside_the_output_folder(parts in prop::collection::vec("[a-zA-Z0-9._ -]{1,12}", 1..5)) {
        let rel = parts.join("/");
        let out = pagemill::source::discover::output_rel_path(&rel);
        let path = Path::new(&out);
        prop_assert!(path.is_relative());
        // Discovery only yields normal components; `..` names stay names.
        let joined = Path::new("/out").join(path);
        prop_assert!(joined.starts_with("/out"));
        prop_assert!(out.ends_with(".md"));
    }
}

/// Inputs the fuzzers found (`tests/fixtures/fuzz/`): `md` on each keeps nothing active.
#[test]
fn fuzz_findings_stay_fixed() {
    let s = settings();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let html = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        let rendered = pagemill::page::html_to_markdown(
            &html,
            &Linker::plain(&s.policy),
            pagemill::markdown::Options::default(),
        );
        let problems = audit(&rendered.markdown);
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
    }
}
