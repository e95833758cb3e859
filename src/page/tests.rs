//! Whole-page tests: front matter layout, validation failures, round trips.

use super::*;
use crate::config::DEFAULT_CONFIG;
use std::path::Path;

fn conv(bytes: &[u8], rel: &str, s: &Settings) -> Result<Converted, PageError> {
    convert(bytes, Context::path(rel), s, &Linker::plain(&s.policy))
}

fn settings() -> Settings {
    Settings::from_yaml(DEFAULT_CONFIG, "default", Path::new("."), None).unwrap()
}

#[test]
fn output_is_front_matter_then_body_with_one_trailing_newline() {
    let c = conv(
        b"---\nlayout: city-page\n---\n<main><h1>T</h1><p>Hello</p></main>\n\n",
        "a.md",
        &settings(),
    )
    .unwrap();
    assert_eq!(
        c.text,
        "---\nlayout: city-page\ntitle: T\nsource:\n  path: a.md\n---\n\nHello\n"
    );
}

#[test]
fn a_page_without_a_title_takes_one_from_its_file_name_and_says_so() {
    let c = conv(
        b"<main><table><tr><td>Bank</td><td>1,200</td></tr></table></main>",
        "accounts/accounts_2014_bank.htm",
        &settings(),
    )
    .unwrap();
    assert!(
        c.text.starts_with("---\ntitle: Accounts 2014 bank\n"),
        "{}",
        c.text
    );
    assert!(
        c.warnings
            .iter()
            .any(|w| w.code == "title" && w.message.contains("made from the file name")),
        "{:?}",
        c.warnings
    );
}

#[test]
fn markdown_sources_are_pages_with_their_front_matter_kept() {
    let c = conv(
        b"---\nlayout: page\nnav_order: 3\npermalink: /about.html\n---\n# About us\n\nJust *Markdown*, see [parks](https://www.chicago.gov/city/en/depts/parks.html).\n",
        "about.md",
        &settings(),
    )
    .unwrap();
    assert!(c.text.contains("nav_order: 3\n"), "{}", c.text);
    assert!(c.text.contains("title: About us\n"), "{}", c.text);
    assert!(
        c.text
            .ends_with("# About us\n\nJust *Markdown*, see [parks](https://www.chicago.gov/city/en/depts/parks.html).\n"),
        "{}",
        c.text
    );
    assert_eq!(c.profile, "markdown-source");
}

#[test]
fn broken_front_matter_names_its_line() {
    let err = conv(b"---\ntitle: [x\n---\n<p>x</p>", "x.html", &settings()).unwrap_err();
    assert!(
        matches!(&err, PageError::FrontMatter(fm) if fm.line().is_some()),
        "{err}"
    );
}

#[test]
fn field_values_that_look_like_yaml_syntax_round_trip() {
    for title in [
        "---",
        "yes",
        "1.10",
        "a: b",
        "# x",
        "'quoted'",
        "line\\nbreak",
        "@at",
        "{% raw %}",
    ] {
        let html = format!("<h1>{}</h1><p>Body.</p>", title.replace('<', "&lt;"));
        let c = conv(html.as_bytes(), "p.html", &settings()).unwrap();
        let (fm, _, _) = crate::source::split_front_matter(&c.text).unwrap();
        assert_eq!(
            fm.unwrap().fields.get("title").unwrap().as_str(),
            Some(title),
            "{}",
            c.text
        );
    }
}

#[test]
fn too_large_and_too_deep_pages_fail_cleanly() {
    let mut s = settings();
    s.config.limits.max_file_bytes = 10;
    assert!(matches!(
        conv(b"<p>more than ten bytes</p>", "x.html", &s),
        Err(PageError::TooLarge { .. })
    ));
    let mut s = settings();
    s.config.limits.max_depth = 50;
    let deep = "<span>".repeat(100);
    assert!(matches!(
        conv(deep.as_bytes(), "x.html", &s),
        Err(PageError::TooDeep { .. })
    ));
}

#[test]
fn liquid_survives_byte_for_byte() {
    let src = "<main><h1>T</h1><p>{{ page.date | date: \"%b %d\" }} &amp; <a href=\"{{ site.baseurl }}/x\">x</a></p>\n{% if a %}\n<p>b</p>\n{% endif %}\n</main>";
    let c = conv(src.as_bytes(), "p.html", &settings()).unwrap();
    assert!(
        c.text
            .contains("{{ page.date | date: \"%b %d\" }} & [x]({{ site.baseurl }}/x)"),
        "{}",
        c.text
    );
    assert!(
        c.text.contains("\n{% if a %}\n\nb\n\n{% endif %}\n"),
        "{}",
        c.text
    );
}

#[test]
fn warnings_carry_the_source_file_line_front_matter_included() {
    let src = "---\nlayout: city-page\n---\n<main><h1>T</h1>\n<p>a</p>\n<p><a href=\"#\">x</a> <select><option>o</option></select></p></main>";
    let c = conv(src.as_bytes(), "p.html", &settings()).unwrap();
    let lines: Vec<_> = c.warnings.iter().map(|w| (w.code, w.line)).collect();
    assert!(lines.contains(&("link", Some(6))), "{lines:?}");
    assert!(lines.contains(&("loss", Some(6))), "{lines:?}");
}

#[test]
fn a_page_of_a_million_elements_is_refused_before_parsing() {
    let wide = format!(
        "<main><h1>T</h1>{}</main>",
        "<span>x</span>".repeat(1_000_000)
    );
    let err = conv(wide.as_bytes(), "x.html", &settings()).unwrap_err();
    assert!(
        matches!(err, PageError::TooManyElements { count, limit: 100_000 } if count > 1_000_000),
        "{err}"
    );
    assert!(err.to_string().contains("limits.max_elements"), "{err}");
}

#[test]
fn hostile_div_nesting_is_refused_before_parsing() {
    let deep = format!("<main><h1>T</h1>{}x", "<div>".repeat(200_000));
    // Parsing this would take html5ever minutes; the estimate refuses it first.
    let err = conv(deep.as_bytes(), "x.html", &settings()).unwrap_err();
    assert!(
        matches!(err, PageError::TooDeep { depth, .. } if depth > 200_000),
        "{err}"
    );
}
