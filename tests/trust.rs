//! What a user must be able to trust: no source is ever overwritten, the spelling of a
//! path never matters, the same inputs give the same findings and exit code whether or
//! not pages were converted in this run, and errors are said once, at their place.

mod common;

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

fn pagemill(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("pagemill").unwrap();
    cmd.current_dir(dir);
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A folder holding a copy of the sample input as `in/`.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in common::files(&common::root().join("input")) {
        let dest = dir.path().join("in").join(&f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(common::root().join("input").join(&f), dest).unwrap();
    }
    dir
}

/// `site()`, converted once into `out/`.
fn converted_site() -> tempfile::TempDir {
    let dir = site();
    pagemill(dir.path())
        .args(["convert", "in", "-o", "out", "-q"])
        .assert()
        .success();
    dir
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    common::files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

#[test]
fn an_output_that_is_a_source_is_refused_before_anything_is_written() {
    let dir = site();
    let root = dir.path();
    let before = snapshot(&root.join("in"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("in"), root.join("alias")).unwrap();
    let mut cases: Vec<Vec<&str>> = vec![
        vec!["convert", "in", "-o", "in"],
        vec!["convert", "in", "-o", "./in/"],
        vec!["convert", "in/depts", "-o", "in"],
        vec!["convert", "in", "-o", "."],
        vec!["convert", "in/depts/urban-forestry.md", "-o", "in/depts"],
        vec![
            "convert",
            "in",
            "-o",
            "out",
            "--redirects",
            "in/depts/urban-forestry.md",
            "--redirects-format",
            "csv",
        ],
        vec![
            "convert",
            "in",
            "-o",
            "out",
            "--report",
            "in/depts/parks/index.html",
        ],
    ];
    if cfg!(unix) {
        cases.push(vec!["convert", "alias", "-o", "in"]);
        cases.push(vec!["convert", "in", "-o", "alias"]);
    }
    for args in cases {
        pagemill(root).args(&args).assert().code(2).stderr(
            predicate::str::contains("overwrite").or(predicate::str::contains("is the source")),
        );
        assert_eq!(
            snapshot(&root.join("in")),
            before,
            "{args:?} touched the sources"
        );
        assert!(
            !root.join("in/.pagemill").exists(),
            "{args:?} wrote a manifest"
        );
        assert!(!root.join("out").exists(), "{args:?} wrote an output");
    }
    // An output folder inside the input is never searched for pages: allowed.
    pagemill(root)
        .args(["convert", "in", "-o", "in/site", "-q"])
        .assert()
        .success();
    assert!(root.join("in/site/depts/urban-forestry.md").is_file());
}

#[test]
fn the_spelling_of_a_path_does_not_change_the_manifest_or_redo_pages() {
    let dir = converted_site();
    let root = dir.path();
    let manifest = std::fs::read(root.join("out/.pagemill/manifest.json")).unwrap();
    let absolute = root.join("in").display().to_string() + "/";
    for (input, output) in [
        ("./in", "out"),
        ("in/", "./out/"),
        (absolute.as_str(), "out/../out"),
    ] {
        pagemill(root)
            .args(["convert", input, "-o", output, "--report", "r.json"])
            .assert()
            .success()
            .stderr(predicate::str::contains("(0 written, 3 unchanged)"));
        let report = read_json(&root.join("r.json"));
        let converted = report["pages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["up_to_date"] == false)
            .count();
        assert_eq!(
            converted, 0,
            "convert {input} -o {output} converted pages again"
        );
        assert_eq!(
            std::fs::read(root.join("out/.pagemill/manifest.json")).unwrap(),
            manifest,
            "convert {input} -o {output} changed the manifest"
        );
    }
    let text = String::from_utf8(manifest).unwrap();
    assert!(
        text.contains("\"source\": \"../in/depts/urban-forestry.md\""),
        "{text}"
    );
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A report without what differs between a first run and a rerun: times, whether a
/// page was written or already current (and so up to date).
fn findings(path: &Path) -> serde_json::Value {
    let mut report = read_json(path);
    for key in ["seconds", "written", "unchanged"] {
        report["summary"][key] = serde_json::Value::Null;
    }
    for page in report["pages"].as_array_mut().unwrap() {
        for key in ["millis", "status", "up_to_date"] {
            page[key] = serde_json::Value::Null;
        }
    }
    report
}

#[test]
fn a_rerun_gives_the_same_findings_exit_code_and_report_as_the_first_run() {
    let dir = site();
    let root = dir.path();
    let run = |extra: &[&str]| {
        let out = pagemill(root)
            .args(["convert", "in", "-o", "out", "--fail-on", "warning"])
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        // The summary line says what was written this time; the findings come before.
        let stderr = stderr
            .lines()
            .filter(|l| !l.starts_with("pagemill: 3 pages"))
            .collect::<Vec<_>>()
            .join("\n");
        (
            out.status.code(),
            stderr,
            String::from_utf8(out.stdout).unwrap(),
        )
    };
    let first = run(&["--report", "first.json"]);
    assert_eq!(first.0, Some(1), "{first:?}");
    assert!(first.1.contains("[link]"), "{first:?}");
    let second = run(&["--report", "second.json"]);
    assert_eq!(second.0, first.0);
    assert_eq!(second.1, first.1, "a rerun printed other findings");
    assert_eq!(
        findings(&root.join("second.json")),
        findings(&root.join("first.json"))
    );
    let second = read_json(&root.join("second.json"));
    assert!(second["pages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["up_to_date"] == true));
    let urban = &second["pages"][2];
    assert_eq!(urban["fields"]["title"], "URBAN FORESTRY");
    assert!(!urban["links"]["changed"].as_array().unwrap().is_empty());
    // Machine formats list the same findings on a rerun.
    let json = |root: &Path| {
        let out = pagemill(root)
            .args(["convert", "in", "-o", "out", "--format", "json"])
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let replayed = json(root);
    assert!(replayed.contains("\"link\""), "{replayed}");
    // Without the machine-local run state (a fresh clone of a committed output), the
    // pages are read again and the answers are the same.
    std::fs::remove_file(root.join("out/.pagemill/state.redb")).unwrap();
    assert_eq!(json(root), replayed);
    let third = run(&["--report", "third.json"]);
    assert_eq!(third.0, first.0);
    assert_eq!(
        findings(&root.join("third.json")),
        findings(&root.join("first.json"))
    );
}

#[test]
fn check_on_a_hand_edited_output_reports_it_and_fails_only_when_asked() {
    let dir = converted_site();
    let root = dir.path();
    let page = root.join("out/depts/parks/index.md");
    let edited = std::fs::read_to_string(&page).unwrap() + "\nAn editor's note.\n";
    std::fs::write(&page, &edited).unwrap();
    // --check: convert would keep the edit, so nothing is stale; the edit is reported.
    pagemill(root)
        .args(["convert", "in", "-o", "out", "--check"])
        .assert()
        .success()
        .stdout(predicate::str::contains("would change").not())
        .stderr(predicate::str::contains("[hand-edited]"))
        .stderr(predicate::str::contains("1 hand-edited (kept)"));
    pagemill(root)
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--check",
            "--fail-on",
            "warning",
        ])
        .assert()
        .code(1);
    assert_eq!(std::fs::read_to_string(&page).unwrap(), edited);
}

#[test]
fn configuration_and_profile_errors_are_said_once_at_their_place() {
    let dir = site();
    let root = dir.path();
    std::fs::write(
        root.join("bad-profile.yaml"),
        "name: bad\nschema: department\ncontent_root:\n  - main\nfields:\n  - name: title\n    from:\n      - select: \"a[=x]\"\n",
    )
    .unwrap();
    let out = pagemill(root)
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--profile",
            "bad-profile.yaml",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr.trim_end(),
        "error: ./bad-profile.yaml:8:18: profile field `title`: invalid CSS selector `a[=x]`: no qualified name in attribute selector"
    );
    std::fs::write(
        root.join("bad.yaml"),
        "links:\n  origin: https://example.gov\n  colour: red\n",
    )
    .unwrap();
    let out = pagemill(root)
        .args(["convert", "in", "-o", "out", "-c", "bad.yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: bad.yaml:3:3: links: unknown field `colour`"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("colour").count(), 1, "{stderr}");
}

#[test]
fn small_things_a_user_meets_say_what_they_mean() {
    let dir = site();
    let root = dir.path();
    // A missing or empty input folder is a warning, not a failure.
    std::fs::create_dir_all(root.join("empty")).unwrap();
    pagemill(root)
        .args(["convert", "no/such/folder", "empty", "-o", "out"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "[input] no/such/folder: no such file or folder",
        ))
        .stderr(predicate::str::contains("[input] empty: no pages found"))
        .stderr(predicate::str::contains("0 pages: 0 converted"))
        .stderr(predicate::str::contains("2 warnings (input 2)"));
    // A file that is not a page says so.
    std::fs::write(root.join("notes.txt"), "minutes of the meeting").unwrap();
    pagemill(root)
        .args(["convert", "notes.txt", "-o", "out"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "notes.txt: [page] not an HTML page",
        ));
    // One warning is "1 warning".
    std::fs::write(
        root.join("one.html"),
        "<html><head><title>One</title></head><body><main><h1>One</h1><p>Text and <a href=\"javascript:go()\">a script</a>.</p></main></body></html>",
    )
    .unwrap();
    pagemill(root)
        .args(["convert", "one.html", "-o", "out-one"])
        .assert()
        .success()
        .stderr(predicate::str::contains("; 1 warning (link 1);"));
    // Files named one by one keep their paths below their common folder.
    pagemill(root)
        .args([
            "convert",
            "in/depts/urban-forestry.md",
            "in/depts/library/hours-and-branches.html",
            "-o",
            "files",
            "-q",
        ])
        .assert()
        .success();
    assert!(root.join("files/urban-forestry.md").is_file());
    assert!(root.join("files/library/hours-and-branches.md").is_file());
}

#[test]
fn placeholder_link_warnings_carry_the_line_pagemill_links_knows() {
    let dir = site();
    let root = dir.path();
    let out = pagemill(root)
        .args(["convert", "in", "-o", "out"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let links = pagemill(root)
        .args(["links", "in", "--format", "json"])
        .output()
        .unwrap();
    let links: serde_json::Value = serde_json::from_slice(&links.stdout).unwrap();
    let lines: Vec<u64> = links
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| {
            l["original"] == "#" && l["file"].as_str().unwrap().ends_with("urban-forestry.md")
        })
        .filter_map(|l| l["line"].as_u64())
        .collect();
    let warned: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("link \"#\" removed"))
        .collect();
    assert!(!warned.is_empty(), "{stderr}");
    for w in warned {
        let line: u64 = w
            .split(':')
            .nth(2)
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no line in {w}"));
        assert!(lines.contains(&line), "{w}: not a line of {lines:?}");
    }
}

#[test]
fn validate_reads_the_configured_profile_and_url_fields_of_another_type_get_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("in")).unwrap();
    std::fs::write(
        root.join("in/a.html"),
        "<html><head><title>Parks</title></head><body><main><h1>Parks</h1><p class=\"hours\">9 to 5</p><p>Body.</p></main></body></html>",
    )
    .unwrap();
    std::fs::write(
        root.join("custom.yaml"),
        "name: custom\nschema: department\ncontent_root: [main]\nfields:\n  - name: title\n    from: [{select: h1}]\n  - name: office_hours\n    from: [{select: p.hours}]\n  - name: source\n    fields:\n      - name: path\n        from: [{builtin: source_path}]\n",
    )
    .unwrap();
    std::fs::write(
        root.join("pagemill.yaml"),
        pagemill::config::DEFAULT_CONFIG.replace("profile: auto", "profile: custom.yaml"),
    )
    .unwrap();
    pagemill(root)
        .args(["convert", "in", "-o", "out", "-q"])
        .assert()
        .success();
    assert!(std::fs::read_to_string(root.join("out/a.md"))
        .unwrap()
        .contains("office_hours: 9 to 5"));
    // The configured profile's own field is known to validate without --profile.
    pagemill(root)
        .args(["validate", "out"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "validated 1 file: 0 errors, 0 warnings",
        ));
    // A URL field holding a number: one type error, no pattern quoted.
    std::fs::write(
        root.join("out/b.md"),
        "---\ntitle: B\nsource:\n  path: b.html\nbreadcrumbs:\n- title: Home\n  url: 42\n---\n\nBody.\n",
    )
    .unwrap();
    let out = pagemill(root)
        .args(["validate", "out/b.md", "--format", "json"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["schema/type"], "{findings}");
}

#[test]
fn past_the_first_warnings_the_rest_are_summarized_by_kind_and_rule() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("in")).unwrap();
    for i in 0..30 {
        std::fs::write(
            root.join(format!("in/p{i:02}.html")),
            format!("<html><head><title>P{i}</title></head><body><main><h1>P{i}</h1><p><a href=\"#\">top</a> and <a href=\"javascript:x()\">run</a>.</p></main></body></html>"),
        )
        .unwrap();
    }
    let warning_lines = |extra: &[&str]| {
        let out = pagemill(root)
            .args(["convert", "in", "-o", "out"])
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let n = stderr
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .count();
        (n, stderr)
    };
    let (shown, stderr) = warning_lines(&[]);
    assert_eq!(shown, 50, "{stderr}");
    assert!(
        stderr.contains("pagemill: 10 more warnings not shown (link 10: "),
        "{stderr}"
    );
    assert!(stderr.contains("; 60 warnings (link 60);"), "{stderr}");
    let (shown, stderr) = warning_lines(&["--warnings", "all"]);
    assert_eq!(shown, 60, "{stderr}");
    assert!(!stderr.contains("not shown"), "{stderr}");
    let (shown, stderr) = warning_lines(&["--warnings", "4"]);
    assert_eq!(shown, 4, "{stderr}");
    assert!(
        stderr.contains("56 more warnings not shown (link 56: placeholder 28, unsafe-scheme 28)"),
        "{stderr}"
    );
}

#[test]
fn front_matter_strings_that_yaml_1_1_reads_otherwise_are_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("in")).unwrap();
    std::fs::write(
        root.join("in/count.html"),
        "<html><head><title>16,825</title><meta name=\"description\" content=\"yes\"></head><body><main><h1>16,825</h1><p>Residents served.</p></main></body></html>",
    )
    .unwrap();
    pagemill(root)
        .args(["convert", "in", "-o", "out", "-q"])
        .assert()
        .success();
    let text = std::fs::read_to_string(root.join("out/count.md")).unwrap();
    assert!(text.contains("title: '16,825'\n"), "{text}");
    assert!(text.contains("description: 'yes'\n"), "{text}");
    // And validate finds nothing to say about pagemill's own output.
    pagemill(root)
        .args(["validate", "out", "--fail-on", "warning"])
        .assert()
        .success();
}

#[test]
fn frameset_pages_convert_their_noframes_markup_and_reports_do_not_panic() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("in")).unwrap();
    std::fs::write(
        root.join("in/frames.html"),
        "<html><head><title>Council</title></head>\n<frameset cols=\"20%,80%\"><frame src=\"menu.htm\"><frame src=\"main.htm\">\n<noframes><body><p>This page uses <b>frames</b>.</p></body></noframes>\n</frameset></html>\n",
    )
    .unwrap();
    std::fs::write(
        root.join("in/bare.html"),
        "<html><frameset><frame src=\"a.htm\"><frame src=\"b.htm\"></frameset></html>",
    )
    .unwrap();
    for report in ["r.html", "r.json"] {
        let out = pagemill(root)
            .args(["convert", "in", "-o", "out", "--report", report])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(
            stderr.contains("bare.html: [page] a frameset page without <noframes> content: its frames (a.htm, b.htm)"),
            "{stderr}"
        );
    }
    let text = std::fs::read_to_string(root.join("out/frames.md")).unwrap();
    assert!(text.contains("title: Council\n"), "{text}");
    assert!(text.ends_with("\nThis page uses **frames**.\n"), "{text}");
}

#[test]
fn twins_by_extension_convert_the_html_one_and_report_the_other() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("in")).unwrap();
    for (name, text) in [("index.html", "New"), ("index.htm", "Old")] {
        std::fs::write(
            root.join("in").join(name),
            format!("<html><head><title>{text}</title></head><body><main><h1>{text}</h1><p>{text} page.</p></main></body></html>"),
        )
        .unwrap();
    }
    pagemill(root)
        .args(["convert", "in", "-o", "out"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "[twin] in/index.htm has the same output as in/index.html, which is converted instead",
        ))
        .stderr(predicate::str::contains(
            "1 converted (1 written, 0 unchanged), 0 failed, 1 skipped",
        ));
    let text = std::fs::read_to_string(root.join("out/index.md")).unwrap();
    assert!(text.contains("title: New"), "{text}");
}

#[test]
fn gzip_compressed_pages_are_decompressed_or_fail_clearly() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("in")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"<html><head><title>Zipped</title></head><body><main><h1>Zipped</h1><p>A compressed page.</p></main></body></html>")
        .unwrap();
    std::fs::write(root.join("in/zipped.html"), gz.finish().unwrap()).unwrap();
    std::fs::write(root.join("in/broken.html"), b"\x1f\x8bnot gzip at all").unwrap();
    pagemill(root)
        .args(["convert", "in", "-o", "out"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "broken.html: [page] gzip-compressed, and it does not decompress",
        ));
    let text = std::fs::read_to_string(root.join("out/zipped.md")).unwrap();
    assert!(text.ends_with("\nA compressed page.\n"), "{text}");
}
