//! Hostile and broken inputs (`tests/fixtures/adversarial/`, plus what is generated
//! here): each page gets the status and message a user would want, the batch goes on,
//! the exit code says some pages failed, nothing outside the output folder is touched
//! and no partial file is left.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn copy_tree(from: &Path, to: &Path) {
    for f in common::files(from) {
        let dest = to.join(&f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&f), dest).unwrap();
    }
}

/// Every file and symlink under `dir` with its length and modification time.
fn snapshot(dir: &Path, skip: &Path) -> BTreeMap<PathBuf, (u64, std::time::SystemTime)> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| !e.path().starts_with(skip))
        .filter(|e| !e.file_type().is_dir())
        .map(|e| {
            let m = std::fs::symlink_metadata(e.path()).unwrap();
            (e.path().to_path_buf(), (m.len(), m.modified().unwrap()))
        })
        .collect()
}

fn generate(site: &Path) {
    std::fs::write(
        site.join("huge.html"),
        format!(
            "<html><body><main><p>{}</p></main></body></html>",
            "big ".repeat(5_000_000)
        ),
    )
    .unwrap();
    for (name, open, close) in [
        ("deep-div", "<div>", "</div>"),
        ("deep-span", "<span>", "</span>"),
        ("deep-table", "<table><tr><td>", "</td></tr></table>"),
        ("deep-li", "<ul><li>", "</li></ul>"),
    ] {
        let html = format!(
            "<html><body><main><p>Deep.</p>{}x{}</main></body></html>",
            open.repeat(100_000),
            close.repeat(100_000)
        );
        std::fs::write(site.join(format!("{name}.html")), html).unwrap();
    }
    std::fs::write(
        site.join("siblings.html"),
        format!(
            "<html><head><title>Siblings</title></head><body><main><h1>Siblings</h1>{}</main></body></html>",
            "<p>x</p>".repeat(50_000)
        ),
    )
    .unwrap();
    // More elements than a worker's share of memory allows (limits.max_elements).
    std::fs::write(
        site.join("too-wide.html"),
        format!(
            "<html><head><title>Wide</title></head><body><main><h1>Wide</h1>{}</main></body></html>",
            "<p>x</p>".repeat(300_000)
        ),
    )
    .unwrap();
    let long = format!("{}.html", "l".repeat(240));
    std::fs::write(
        site.join(long),
        "<html><head><title>Long name</title></head><body><main><p>A very long file name.</p></main></body></html>",
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.html");
        std::fs::write(
            site.join(name),
            "<html><head><title>Latin-1 name</title></head><body><main><p>Not UTF-8.</p></main></body></html>",
        )
        .unwrap();
        std::os::unix::fs::symlink(
            site.join("../outside/secret.txt"),
            site.join("_includes/evil.md"),
        )
        .unwrap();
        std::os::unix::fs::symlink(site, site.join("loop")).unwrap();
    }
    // The output folder inside the input: what is there is never read as input.
    std::fs::create_dir_all(site.join("out")).unwrap();
    std::fs::write(site.join("out/stale.html"), "<p>not a page of the site</p>").unwrap();
}

#[test]
fn hostile_inputs_fail_clearly_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let site = root.join("site");
    copy_tree(
        &common::root().join("tests/fixtures/adversarial/site"),
        &site,
    );
    std::fs::create_dir_all(root.join("outside")).unwrap();
    std::fs::write(root.join("outside/secret.txt"), "secret").unwrap();
    generate(&site);
    let out = site.join("out");
    let before = snapshot(root, &out);

    let started = std::time::Instant::now();
    let assert = Command::cargo_bin("pagemill")
        .unwrap()
        .current_dir(root)
        .args([
            "convert",
            "site",
            "-o",
            "site/out",
            "--report",
            "report.json",
            "-q",
        ])
        .assert()
        .code(1);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let elapsed = started.elapsed();

    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(root.join("report.json")).unwrap()).unwrap();
    let mut seen: BTreeMap<String, (String, String)> = BTreeMap::new();
    for p in report["pages"].as_array().unwrap() {
        let source = p["source"]
            .as_str()
            .unwrap()
            .trim_start_matches("site/")
            .to_string();
        let message = p["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "[{}] {}",
                    d["code"].as_str().unwrap(),
                    d["message"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
            .join(" | ");
        seen.insert(source, (p["status"].as_str().unwrap().to_string(), message));
    }
    let expect = |file: &str, status: &str, needle: &str| {
        let (s, m) = seen
            .get(file)
            .unwrap_or_else(|| panic!("{file} is not in the report: {seen:#?}"));
        assert_eq!(s, status, "{file}: {m}");
        assert!(m.contains(needle), "{file}: {m:?} lacks {needle:?}");
    };
    expect("empty.html", "failed", "the file is empty");
    expect("binary.html", "failed", "binary data");
    expect("nul-in-text.html", "written", "");
    expect(
        "invalid-utf8.html",
        "written",
        "[encoding] bytes invalid in UTF-8",
    );
    expect("windows-1252.html", "written", "");
    expect(
        "huge.html",
        "failed",
        "over the limit of 16777216 (limits.max_file_bytes)",
    );
    for deep in [
        "deep-div.html",
        "deep-span.html",
        "deep-table.html",
        "deep-li.html",
    ] {
        expect(deep, "failed", "over the limit of 1000 (limits.max_depth)");
    }
    expect("siblings.html", "written", "");
    expect("too-wide.html", "failed", "limits.max_elements");
    expect("unterminated-front-matter.md", "failed", "[front-matter]");
    expect("alias-bomb.md", "failed", "[front-matter]");
    expect("duplicate-keys.md", "failed", "duplicate");
    expect("tabs.md", "failed", "[front-matter]");
    expect(
        "unterminated-liquid.md",
        "written",
        "[liquid] a Liquid tag is never closed",
    );
    expect(
        "include-escape.md",
        "failed",
        "is refused: include names must stay inside",
    );
    // Twins by extension: the .html one is the page, the other is reported.
    expect("twin.html", "written", "");
    expect("twin.htm", "skipped", "[twin]");
    #[cfg(unix)]
    {
        expect("include-symlink.md", "failed", "is refused");
        expect("caf\u{fffd}.html", "written", "");
    }
    expect(&format!("{}.html", "l".repeat(240)), "written", "");
    assert!(
        !seen
            .keys()
            .any(|k| k.starts_with("out/") || k.starts_with("loop/")),
        "{seen:#?}"
    );

    // What was decoded is right.
    let cafe = std::fs::read_to_string(out.join("windows-1252.md")).unwrap();
    assert!(
        cafe.contains("Café hours") && cafe.contains("9–9") && cafe.contains("“always”"),
        "{cafe}"
    );
    // No partial file: every output is a whole document; no temporary file is left.
    for f in common::files(&out) {
        assert!(!f.contains(".pagemill-"), "temporary file left: {f}");
        if f.ends_with(".md") {
            let text = std::fs::read_to_string(out.join(&f)).unwrap();
            assert!(text.starts_with("---\n") && text.ends_with('\n'), "{f}");
        }
    }
    // Nothing outside the output folder was touched.
    let mut after = snapshot(root, &out);
    after.remove(&root.join("report.json"));
    assert_eq!(before, after, "files outside the output folder changed");
    eprintln!(
        "adversarial: {} pages in {:.1}s: {} written, {} failed",
        seen.len(),
        elapsed.as_secs_f64(),
        seen.values().filter(|(s, _)| s == "written").count(),
        seen.values().filter(|(s, _)| s == "failed").count()
    );
}

#[test]
fn an_output_that_cannot_be_written_is_an_error_per_page_and_nothing_is_lost() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(
        site.join("a.html"),
        "<html><head><title>A</title></head><body><main><p>Page A.</p></main></body></html>",
    )
    .unwrap();
    // The output "folder" is a file: nothing can be created under it.
    std::fs::write(tmp.path().join("out"), "a file, not a folder").unwrap();
    Command::cargo_bin("pagemill")
        .unwrap()
        .current_dir(tmp.path())
        .args(["convert", "site", "-o", "out", "-q"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("a.html: [io] cannot write"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("out")).unwrap(),
        "a file, not a folder"
    );
}

/// A folder the walk cannot read is an error naming it; the other pages are converted,
/// and outputs of the pages inside it are neither rewritten nor pruned as orphans.
#[test]
fn an_unreadable_folder_is_reported_and_the_batch_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    // Root reads any folder: the command then runs as `nobody`.
    let as_root = std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false);
    if as_root && !Path::new("/usr/bin/setpriv").exists() {
        eprintln!("SKIPPED: running as root without setpriv to drop privileges");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let page = |title: &str| {
        format!("<html><head><title>{title}</title></head><body><main><p>{title} text.</p></main></body></html>")
    };
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("locked")).unwrap();
    std::fs::write(site.join("a.html"), page("A")).unwrap();
    std::fs::write(site.join("locked/b.html"), page("B")).unwrap();
    let run = |extra: &[&str]| {
        let bin = assert_cmd::cargo::cargo_bin("pagemill");
        let mut cmd = if as_root {
            let mut c = Command::new("/usr/bin/setpriv");
            c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
                .arg(bin);
            c
        } else {
            Command::new(bin)
        };
        cmd.current_dir(tmp.path())
            .args(["convert", "site", "-o", "out", "-q", "--no-progress"])
            .args(extra)
            .assert()
    };
    // Everything (the output too) belongs to whoever runs the command.
    if as_root {
        for e in walkdir::WalkDir::new(tmp.path()) {
            let e = e.unwrap();
            std::os::unix::fs::lchown(e.path(), Some(65534), Some(65534)).unwrap();
        }
    }
    run(&[]).code(0);
    let b_out = tmp.path().join("out/locked/b.md");
    let b_before = std::fs::read(&b_out).unwrap();
    std::fs::set_permissions(site.join("locked"), std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::write(site.join("a.html"), page("A changed")).unwrap();
    let out = run(&["--prune"]).code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    std::fs::set_permissions(site.join("locked"), std::fs::Permissions::from_mode(0o755)).unwrap();
    assert!(
        stderr.contains("locked: cannot read") && stderr.contains("left out of this run"),
        "{stderr}"
    );
    let a = std::fs::read_to_string(tmp.path().join("out/a.md")).unwrap();
    assert!(a.contains("A changed text."), "{a}");
    assert_eq!(std::fs::read(&b_out).unwrap(), b_before, "kept, not pruned");
}
