//! `convert --report FILE.html`: a small index a reviewer opens and a detail page per
//! page beside it. Checked in headless Chromium (Debian's `chromium`, installed by
//! `.ci/run`): the page list and the filters' lists render; a detail page
//! shows warnings first and the side-by-side views with dropped blocks marked in place.
//! Screenshots are kept as `target/tmp/review-index.png` and `review-page.png`. Without
//! Chromium the browser half is skipped, saying so — except in CI, where it must run.

mod common;

use std::process::Command;

use assert_cmd::Command as Cmd;

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn the_html_review_report_renders_in_a_browser() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("review.html");
    Cmd::cargo_bin("pagemill")
        .unwrap()
        .current_dir(common::root())
        .args([
            "convert",
            "-q",
            "input",
            "tests/fixtures/site-chrome/input",
            "-o",
        ])
        .arg(dir.path().join("out"))
        .arg("--report")
        .arg(&report)
        .assert()
        .success();
    let index = std::fs::read_to_string(&report).unwrap();
    let pages = dir.path().join("review-pages");
    let details: Vec<String> = common::files(&pages)
        .into_iter()
        .filter(|f| f.ends_with(".html") && !f.starts_with("list-"))
        .collect();
    assert_eq!(details.len(), 7, "{details:?}");
    let detail_text: Vec<String> = details
        .iter()
        .map(|f| std::fs::read_to_string(pages.join(f)).unwrap())
        .collect();
    // Self-contained: nothing is fetched.
    for html in std::iter::once(&index).chain(&detail_text) {
        for external in ["<link", "src=\"http", "src='http", "<img", "@import"] {
            assert!(!html.contains(external), "the report fetches: {external}");
        }
    }
    // The index is small: one row per page, each linking to its detail page.
    assert_eq!(index.matches("<tr class=\"s-").count(), 7);
    assert_eq!(index.matches("target=\"detail\"").count(), 7);
    // Dropped blocks are marked where they stood in the legacy content.
    let all = detail_text.join("\n");
    assert!(
        all.contains("data-pm-kind=\"dropped\""),
        "no block marked in place"
    );
    assert!(all.contains("boilerplate: the same block is on"));

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium (.ci/run installs it)"
        );
        eprintln!("SKIPPED: no Chromium; the report was not opened in a browser");
        return;
    };
    let dump = |url: &str| {
        let out = Command::new(browser)
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
            .arg(url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let url = format!("file://{}", report.display());
    let dom = dump(&url);
    assert_eq!(dom.matches("<tr class=\"s-").count(), 7, "the page list");
    // The filters are lists of their own: the one of written pages holds all seven.
    assert!(dom.contains("written 7</a>"), "{dom}");
    let written = dump(&format!(
        "file://{}",
        pages.join("list-written-1.html").display()
    ));
    assert_eq!(written.matches("<tr class=\"s-written\"").count(), 7);
    let with_warnings = dump(&format!(
        "file://{}",
        pages.join("list-warnings-1.html").display()
    ));
    assert_eq!(with_warnings.matches("<tr class=\"s-").count(), 1);
    let with_warnings = details
        .iter()
        .zip(&detail_text)
        .find(|(_, t)| t.contains("class=\"warnings\""))
        .map(|(f, _)| pages.join(f))
        .expect("a page with warnings");
    let detail_url = format!("file://{}", with_warnings.display());
    let dom = dump(&detail_url);
    assert!(dom.contains("class=\"side-by-side\""));
    assert!(dom.contains("Legacy content") && dom.contains("Markdown, rendered"));
    // Kept for people to look at: the cargo target folder's `tmp/review-*.png`, taken
    // at 1280 px, where the warnings must show at the top.
    for (name, url) in [("review-index.png", &url), ("review-page.png", &detail_url)] {
        let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        let status = Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1280,900",
            ])
            .arg(format!("--screenshot={}", shot.display()))
            .arg(url)
            .output()
            .unwrap();
        assert!(status.status.success());
        assert!(
            std::fs::metadata(&shot).unwrap().len() > 10_000,
            "a blank screenshot"
        );
    }
}
