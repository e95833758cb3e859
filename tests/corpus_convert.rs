//! The whole real corpus through `pagemill convert` with the embedded default (profile
//! `auto`): no panic; every HTML page converted (title present, body not empty) or
//! failed with a reason; at least 95% converted; no CMS chrome in any body; and every
//! visible text run of each page's content root accounted for — in the body, the front
//! matter or the loss report. Prints its figures. Skips, saying so, without
//! `../shared`.

mod common;

use std::collections::BTreeMap;

use assert_cmd::Command;
use pagemill::page::{self, Context};
use pagemill::Settings;
use serde_json::Value;

/// Strings of site chrome (trust seals, skip links, footer menus) that no body may
/// carry. Each is checked against the corpus: it occurs in the sources.
const CHROME: &[&str] = &[
    "An official website of the City of Chicago",
    "Skip to main content",
    "Skip to content",
    "Skip navigation",
    "Skip Navigation Links",
    "Here's how you know",
    "Official websites use .gov",
    "Back to top",
];

#[test]
fn the_real_corpus_converts_with_its_content_accounted_for() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    let report_path = out.path().join("report.json");
    let output = Command::cargo_bin("pagemill")
        .unwrap()
        .current_dir(out.path())
        .arg("convert")
        .arg(&corpus)
        .arg("-o")
        .arg(out.path().join("out"))
        .arg("-q")
        .arg("--report")
        .arg(&report_path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        matches!(output.status.code(), Some(0) | Some(1)),
        "{stderr}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    let pages = report["pages"].as_array().unwrap();

    let settings = Settings::from_yaml(
        pagemill::config::DEFAULT_CONFIG,
        "default",
        std::path::Path::new("."),
        None,
    )
    .unwrap();
    let mut html_pages = 0;
    let mut converted = 0;
    let mut failures = Vec::new();
    let mut by_profile: BTreeMap<String, usize> = BTreeMap::new();
    let (mut runs, mut accounted) = (0usize, 0usize);
    let mut misses = Vec::new();
    let mut chrome_hits = Vec::new();
    let mut chrome_in_sources = vec![0usize; CHROME.len()];
    for page in pages {
        let status = page["status"].as_str().unwrap();
        let source = std::path::PathBuf::from(page["source"].as_str().unwrap());
        let bytes = std::fs::read(&source).unwrap();
        let raw = String::from_utf8_lossy(&bytes);
        for (i, c) in CHROME.iter().enumerate() {
            chrome_in_sources[i] += raw.contains(c) as usize;
        }
        if status == "skipped" {
            continue;
        }
        html_pages += 1;
        if status == "failed" {
            let reason = page["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["severity"] == "error")
                .map(|d| d["message"].as_str().unwrap().to_string());
            assert!(
                reason.is_some(),
                "{} failed without a reason",
                source.display()
            );
            failures.push(format!("{}: {}", source.display(), reason.unwrap()));
            continue;
        }
        converted += 1;
        *by_profile
            .entry(page["profile"].as_str().unwrap().to_string())
            .or_default() += 1;
        let text = std::fs::read_to_string(
            out.path()
                .join("out")
                .join(page["output"].as_str().unwrap()),
        )
        .unwrap();
        let (front, body) = split(&text);
        let record: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        let title = record["title"].as_str().unwrap_or_default();
        assert!(!title.trim().is_empty(), "{}: no title", source.display());
        assert!(!body.trim().is_empty(), "{}: empty body", source.display());
        for c in CHROME {
            if body.contains(c) {
                chrome_hits.push(format!("{}: {c:?}", source.display()));
            }
        }

        // A Markdown source's body is its own Markdown, carried over as written.
        if page["profile"] == "markdown-source" {
            continue;
        }
        // Every text run of the content root is in the body, the front matter or the
        // loss report.
        let mut haystack = markdown_text(body);
        strings(&record, &mut haystack);
        for loss in page["losses"].as_array().unwrap() {
            haystack.push(' ');
            haystack.push_str(loss["text"].as_str().unwrap());
        }
        let haystack = collapse(&haystack);
        for run in root_runs(&settings, &source, &bytes, page) {
            runs += 1;
            if haystack.contains(&run) {
                accounted += 1;
            } else {
                misses.push(format!("{}: {run:?}", source.display()));
            }
        }
    }
    let share = converted as f64 / html_pages as f64;
    eprintln!(
        "corpus: {html_pages} HTML pages: {converted} converted ({:.1}%), {} failed; by profile: {by_profile:?}",
        100.0 * share,
        failures.len()
    );
    for f in &failures {
        eprintln!("  failed: {}", f.lines().collect::<Vec<_>>().join(" "));
    }
    eprintln!(
        "content-root text runs: {accounted}/{runs} accounted for ({:.3}%)",
        100.0 * accounted as f64 / runs.max(1) as f64
    );
    for m in misses.iter().take(20) {
        eprintln!("  missing: {m}");
    }
    for (c, n) in CHROME.iter().zip(&chrome_in_sources) {
        eprintln!(
            "chrome {c:?}: in {n} sources, in {} bodies",
            chrome_hits
                .iter()
                .filter(|h| h.ends_with(&format!("{c:?}")))
                .count()
        );
    }
    assert!(share >= 0.95, "only {:.1}% converted", 100.0 * share);
    assert!(chrome_hits.is_empty(), "chrome in bodies: {chrome_hits:#?}");
    assert!(misses.is_empty(), "{} text runs unaccounted", misses.len());
}

fn split(text: &str) -> (&str, &str) {
    let rest = text.strip_prefix("---\n").unwrap();
    let end = rest.find("\n---\n").unwrap();
    (&rest[..end], &rest[end + 5..])
}

/// The visible text of the content root, one entry per text node, white space
/// collapsed, Liquid tags restored.
fn root_runs(
    settings: &Settings,
    source: &std::path::Path,
    bytes: &[u8],
    page: &Value,
) -> Vec<String> {
    let rel = page["fields"]["source"]["path"]
        .as_str()
        .unwrap()
        .to_string();
    let includes = settings.includes_for(source);
    let ctx = Context {
        rel_path: &rel,
        includes: includes.as_ref(),
        boilerplate: None,
        review: false,
    };
    let parsed = page::parse(bytes, ctx, settings).unwrap();
    let front_matter = parsed.front_matter.as_ref().map(|f| &f.fields);
    let index = pagemill::dom::DomIndex::new(&parsed.doc.root());
    let compiled = settings.choose(&rel, front_matter, &index);
    let root = pagemill::extract::root::choose(&compiled.profile, &index, &parsed.doc);
    let mut runs = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        match &node.data {
            markup5ever_rcdom::NodeData::Text { contents } => {
                let text =
                    pagemill::source::liquid::restore(&contents.borrow(), &parsed.protected.tags);
                let run = collapse(&text);
                if !run.is_empty() {
                    runs.push(run);
                }
            }
            markup5ever_rcdom::NodeData::Element { name, .. } => {
                // Not rendered by browsers (a `<title>` misplaced in the body neither).
                if !matches!(
                    &*name.local,
                    "script" | "style" | "template" | "noscript" | "title"
                ) {
                    stack.extend(node.children.borrow().iter().rev().cloned());
                }
            }
            _ => stack.extend(node.children.borrow().iter().rev().cloned()),
        }
    }
    runs
}

/// The text a reader sees in Markdown.
fn markdown_text(md: &str) -> String {
    use pulldown_cmark::{Event, Options, Parser};
    let mut out = String::new();
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(md, options) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(_) => out.push(' '),
            _ => {}
        }
    }
    out
}

fn strings(v: &serde_yaml::Value, out: &mut String) {
    match v {
        serde_yaml::Value::String(s) => {
            out.push(' ');
            out.push_str(s);
        }
        serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| strings(v, out)),
        serde_yaml::Value::Mapping(m) => m.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

fn collapse(s: &str) -> String {
    s.split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
