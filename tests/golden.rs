//! Golden tests: every `tests/fixtures/<case>/input` is converted with the default
//! configuration and compared file by file with `expected/`; the diagnostics of the run
//! are an insta snapshot. `PAGEMILL_BLESS=1` rewrites `expected/` from the current
//! output (review the diff before committing).

mod common;

use std::path::Path;

use pagemill::config::{Settings, DEFAULT_CONFIG};
use pagemill::pipeline::{convert, ConvertOptions};

fn run_case(name: &str) {
    let case = common::root().join("tests/fixtures").join(name);
    let settings = Settings::from_yaml(DEFAULT_CONFIG, "default", Path::new("."), None).unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = convert(
        &settings,
        &ConvertOptions {
            inputs: vec![case.join("input")],
            output: out.path().to_path_buf(),
            jobs: Some(2),
            redirects: None,
            dry_run: false,
            diff: false,
            keep_findings: true,
            ..ConvertOptions::default()
        },
    )
    .unwrap();
    // The manifest names this checkout's paths; the pages are what is compared.
    std::fs::remove_dir_all(out.path().join(".pagemill")).unwrap();
    let expected = case.join("expected");
    if std::env::var_os("PAGEMILL_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&expected);
        for f in common::files(out.path()) {
            let dest = expected.join(&f);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(out.path().join(&f), dest).unwrap();
        }
    }
    std::fs::create_dir_all(&expected).unwrap();
    common::assert_same_tree(&expected, out.path());

    let mut lines = Vec::new();
    for page in &report.pages {
        let rel = page
            .source
            .strip_prefix(case.join("input"))
            .unwrap()
            .display()
            .to_string();
        lines.push(format!("{rel} -> {} [{:?}]", page.output_rel, page.status));
        for d in &page.diagnostics {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            // Messages may name folders of this checkout.
            let message = d.message.replace(&case.display().to_string(), "<case>");
            lines.push(format!("  {:?}{line} [{}] {message}", d.severity, d.code));
        }
        if let Some(profile) = &page.profile {
            lines.push(format!("  profile {profile}"));
        }
        for r in &page.losses {
            let line = r.line.map(|l| format!(":{l}")).unwrap_or_default();
            lines.push(format!("  lost{line} <{}> {}", r.element, r.reason));
        }
        for l in &page.links {
            let line = l.line.map(|l| format!(":{l}")).unwrap_or_default();
            lines.push(format!(
                "  link{line} {}[{}] {:?} -> {} ({})",
                l.element,
                l.attribute,
                l.link.original,
                l.link.url.as_deref().unwrap_or("<removed>"),
                l.link.rules.join(", ")
            ));
        }
    }
    insta::assert_snapshot!(name, lines.join("\n"));
}

#[test]
fn broken_links() {
    run_case("broken-links");
}

#[test]
fn partial_failure() {
    run_case("partial-failure");
}

#[test]
fn liquid() {
    run_case("liquid");
}

#[test]
fn includes() {
    run_case("includes");
}

#[test]
fn site_chrome() {
    run_case("site-chrome");
}
