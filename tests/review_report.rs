//! `convert --report FILE.html`: one self-contained page a reviewer opens. Checked in
//! headless Chromium (Debian's `chromium`, installed by `.ci/run`): the page list and
//! the side-by-side views render and the status filters' script runs. The screenshot
//! is kept as `target/tmp/review-report.png`. Without Chromium the browser half is skipped,
//! saying so — except in CI, where it must run.

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
    let html = std::fs::read_to_string(&report).unwrap();
    // Self-contained: nothing is fetched.
    for external in [
        "<link",
        "src=\"http",
        "src='http",
        "<img",
        "<iframe",
        "@import",
    ] {
        assert!(!html.contains(external), "the report fetches: {external}");
    }
    assert_eq!(html.matches("<tr data-status=").count(), 7);
    assert!(html.contains("boilerplate: the same block is on"));

    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have Chromium (.ci/run installs it)"
        );
        eprintln!("SKIPPED: no Chromium; the report was not opened in a browser");
        return;
    };
    let url = format!("file://{}", report.display());
    let dom = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(&url)
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("data-ready=\"true\""),
        "the filter script did not run"
    );
    assert_eq!(dom.matches("<tr data-status=").count(), 7, "the page list");
    assert_eq!(dom.matches("class=\"side-by-side\"").count(), 7);
    assert!(dom.contains("Legacy content") && dom.contains("Markdown, rendered"));
    // Kept for people to look at: the cargo target folder's `tmp/review-report.png`.
    let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("review-report.png");
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,1600",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(&url)
        .output()
        .unwrap();
    assert!(status.status.success());
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "a blank screenshot"
    );
}
