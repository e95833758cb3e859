//! Extraction tests: fallbacks, lists of records, consumption and removal.

use super::*;
use crate::config::{Settings, DEFAULT_CONFIG};
use crate::source::liquid::protect;
use std::path::Path;

fn settings() -> Settings {
    Settings::from_yaml(DEFAULT_CONFIG, "default", Path::new("."), None).unwrap()
}

fn run(body: &str, fm: Option<&str>) -> (Mapping, String, Vec<String>) {
    let s = settings();
    let protected = protect(body);
    let doc = Document::parse(&protected.text);
    let fm: Option<Mapping> = fm.map(|f| serde_yaml::from_str(f).unwrap());
    let out = extract(
        &s.profiles[0].profile,
        &crate::links::Linker::plain(&s.policy),
        &PageInput {
            doc: &doc,
            front_matter: fm.as_ref(),
            tags: &protected.tags,
            rendered: &[],
            rel_path: "depts/doit.html",
        },
    );
    let body = crate::markdown::render(
        &doc,
        &out.content_root,
        &crate::links::Linker::plain(&s.policy),
        crate::markdown::Options::default(),
    )
    .markdown;
    (
        out.record,
        liquid::restore(&body, &protected.tags),
        out.warnings,
    )
}

fn get<'a>(m: &'a Mapping, path: &[&str]) -> Option<&'a Value> {
    let mut v = m.get(path[0])?;
    for p in &path[1..] {
        v = v.get(*p)?;
    }
    Some(v)
}

#[test]
fn title_falls_back_from_banner_to_h1_to_title_element() {
    let (rec, body, _) = run(
        r#"{% include banner.md title="FROM BANNER" %}<main><h1>From H1</h1><p>x</p></main>"#,
        None,
    );
    assert_eq!(get(&rec, &["title"]).unwrap(), "FROM BANNER");
    assert_eq!(body, "x", "the h1 and the banner include are not repeated");
    let (rec, _, _) = run("<main><h1>From  H1</h1></main>", None);
    assert_eq!(get(&rec, &["title"]).unwrap(), "From H1");
    let (rec, _, _) = run("<title>Doc title</title><p>x</p>", None);
    assert_eq!(get(&rec, &["title"]).unwrap(), "Doc title");
}

#[test]
fn breadcrumbs_keep_titles_and_drop_placeholder_urls() {
    let (rec, body, _) = run(
        r##"<main><nav aria-label="breadcrumb"><ol class="breadcrumb"><li><a href="#">Home</a></li><li><a href="https://www.chicago.gov/content/city/en/depts.html">Departments</a></li><li>Here</li></ol></nav><p>Body</p></main>"##,
        None,
    );
    let crumbs = serde_yaml::to_string(get(&rec, &["breadcrumbs"]).unwrap()).unwrap();
    assert_eq!(
        crumbs,
        "- title: Home\n- title: Departments\n  url: https://www.chicago.gov/city/en/depts.html\n- title: Here\n"
    );
    assert_eq!(body, "Body");
}

#[test]
fn unresolved_includes_are_listed_and_stay_in_the_body() {
    let (rec, body, _) = run(
        "{% include banner.md title=\"T\" %}\n<main><p>a</p>\n{% include relatedInfo.md %}\n</main>\n<aside>\n{% include a.md %}\n{% include a.md %}\n</aside>",
        None,
    );
    assert_eq!(
        serde_yaml::to_string(get(&rec, &["includes"]).unwrap()).unwrap(),
        "- relatedInfo.md\n- a.md\n"
    );
    assert_eq!(body, "a\n\n{% include relatedInfo.md %}");
}

#[test]
fn front_matter_keys_without_a_field_are_reported_when_the_profile_drops_them() {
    let fm = "layout: city-page\npermalink: /x/\n";
    // Kept by default (the page adds them to the record): nothing to say.
    let (rec, _, warnings) = run("<h1>T</h1>", Some(fm));
    assert_eq!(get(&rec, &["layout"]).unwrap(), "city-page");
    assert!(warnings.is_empty(), "{warnings:?}");
    // `front_matter: drop`: left out, and said.
    let mut s = settings();
    s.profiles[0].profile.front_matter = crate::extract::profile::FrontMatterPolicy::Drop;
    let protected = protect("<h1>T</h1>");
    let doc = Document::parse(&protected.text);
    let fm: Mapping = serde_yaml::from_str(fm).unwrap();
    let out = extract(
        &s.profiles[0].profile,
        &crate::links::Linker::plain(&s.policy),
        &PageInput {
            doc: &doc,
            front_matter: Some(&fm),
            tags: &protected.tags,
            rendered: &[],
            rel_path: "depts/doit.html",
        },
    );
    assert_eq!(out.warnings.len(), 1);
    assert!(out.warnings[0].contains("permalink"), "{:?}", out.warnings);
}

#[test]
fn include_parameters_have_entities_decoded() {
    let (rec, _, _) = run(
        r#"{% include banner.md title="Parks &amp; Recreation" %}"#,
        None,
    );
    assert_eq!(get(&rec, &["title"]).unwrap(), "Parks & Recreation");
}
