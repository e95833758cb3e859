//! The command line as users and CI scripts meet it: exit codes, messages naming files,
//! the committed `output/` being current, determinism across thread counts, and the
//! reference page of the real corpus.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;

fn pagemill() -> Command {
    let mut cmd = Command::cargo_bin("pagemill").unwrap();
    cmd.current_dir(common::root());
    cmd
}

#[test]
fn committed_output_and_redirects_are_what_convert_makes_of_input() {
    // Beside `output/`: the manifest names sources relative to the output folder.
    let out = tempfile::tempdir_in(common::root()).unwrap();
    let redirects = tempfile::tempdir().unwrap();
    let redirects = redirects.path().join("redirects.csv");
    pagemill()
        .args(["convert", "input", "-o"])
        .arg(out.path())
        .arg("--redirects")
        .arg(&redirects)
        .assert()
        .success()
        .stderr(predicate::str::contains("pagemill: 3 pages: 3 converted"))
        .stderr(predicate::str::contains("by rule: placeholder 2,"));
    common::assert_same_tree(&common::root().join("output"), out.path());
    assert_eq!(
        std::fs::read_to_string(common::root().join("redirects.csv")).unwrap(),
        std::fs::read_to_string(&redirects).unwrap(),
        "redirects.csv is not current: run the README's convert command"
    );
}

#[test]
fn links_between_migrated_pages_point_at_their_new_homes() {
    let forestry =
        std::fs::read_to_string(common::root().join("output/depts/urban-forestry.md")).unwrap();
    assert!(forestry.contains("[lakefront parks](/depts/parks/#beach-season)"));
    let library =
        std::fs::read_to_string(common::root().join("output/depts/library/hours-and-branches.md"))
            .unwrap();
    assert!(library.contains("[Urban Forestry](/depts/urban-forestry/)"));
}

#[test]
fn redirect_formats_follow_the_file_name_or_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    pagemill()
        .args(["convert", "-o"])
        .arg(&out)
        .arg("--redirects")
        .arg(dir.path().join("_redirects"))
        .assert()
        .success();
    let netlify = std::fs::read_to_string(dir.path().join("_redirects")).unwrap();
    assert!(
        netlify.contains("/content/city/en/depts/parks.html /depts/parks/ 301\n"),
        "{netlify}"
    );
    pagemill()
        .args(["convert", "-o"])
        .arg(&out)
        .arg("--redirects")
        .arg(dir.path().join("r.txt"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--redirects-format"));
    pagemill()
        .args(["convert", "-o"])
        .arg(&out)
        .arg("--redirects")
        .arg(dir.path().join("r.txt"))
        .args(["--redirects-format", "nginx"])
        .assert()
        .success();
    let nginx = std::fs::read_to_string(dir.path().join("r.txt")).unwrap();
    assert!(
        nginx.contains("map $uri $pagemill_redirect {\n")
            && nginx.contains("    /city/en/depts/parks/ /depts/parks/;\n"),
        "{nginx}"
    );
}

#[test]
fn links_reports_every_link_as_json_with_positions() {
    let assert = pagemill()
        .args([
            "links",
            "tests/fixtures/broken-links/input",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let records: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 14);
    let glued = &records[0];
    for key in [
        "file",
        "line",
        "column",
        "element",
        "attribute",
        "text",
        "original",
        "normalized",
        "rules",
        "status",
        "kind",
    ] {
        assert!(glued.get(key).is_some(), "{key} missing");
    }
    assert_eq!(glued["line"], 5);
    assert_eq!(glued["column"], 16);
    assert_eq!(glued["text"], "glued onto /content");
    // Outside the batch: its absolute old URL, which keeps working.
    assert_eq!(
        glued["normalized"],
        "https://www.chicago.gov/city/en/depts/fin.html"
    );
    assert_eq!(
        glued["old_url"],
        "https://www.chicago.gov/city/en/depts/fin.html"
    );
    assert_eq!(
        glued["rules"],
        serde_json::json!(["glued-url", "own-site-absolute"])
    );
    assert_eq!(glued["status"], "rewritten");
    assert_eq!(glued["kind"], "own-site");
    let empty = records.iter().find(|r| r["original"] == "").unwrap();
    assert_eq!(
        (&empty["line"], &empty["column"]),
        (&serde_json::json!(15), &serde_json::json!(48))
    );
    let script = records
        .iter()
        .find(|r| r["original"] == "javascript:openWindow()")
        .unwrap();
    assert_eq!(script["normalized"], serde_json::Value::Null);
    assert_eq!(script["status"], "dropped");
}

#[test]
fn links_fail_on_chosen_statuses_and_kinds() {
    pagemill()
        .args([
            "links",
            "tests/fixtures/broken-links/input",
            "--fail-on",
            "dropped",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("dropped (3)"))
        .stderr(predicate::str::contains("3 links match --fail-on"));
    pagemill()
        .args([
            "links",
            "tests/fixtures/broken-links/input",
            "--fail-on",
            "internal,own-site",
        ])
        .assert()
        .code(1);
    pagemill()
        .args([
            "links",
            "tests/fixtures/broken-links/input",
            "--fail-on",
            "internal",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains("links: 14 in 1 pages"));
}

#[test]
fn links_over_the_whole_real_corpus_never_panic() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let assert = pagemill()
        .arg("links")
        .arg(&corpus)
        .args(["--format", "json"])
        .assert();
    let output = assert.get_output();
    assert!(!String::from_utf8_lossy(&output.stderr).contains("panicked"));
    let records: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(records.as_array().unwrap().len() > 10_000);
}

#[test]
fn output_is_identical_at_any_thread_count() {
    // At -j1 and -j4, twice each, into fresh folders: pages and manifest alike.
    let dirs: Vec<tempfile::TempDir> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    for (dir, jobs) in dirs.iter().zip(["1", "4", "1", "4"]) {
        pagemill()
            .args([
                "convert",
                "input",
                "tests/fixtures/broken-links/input",
                "tests/fixtures/site-chrome/input",
                "-j",
                jobs,
                "-o",
            ])
            .arg(dir.path())
            .assert()
            .success();
    }
    for other in &dirs[1..] {
        common::assert_same_tree(dirs[0].path(), other.path());
    }
}

#[test]
fn a_failing_page_names_its_file_and_the_batch_goes_on() {
    let out = tempfile::tempdir().unwrap();
    pagemill()
        .args(["convert", "tests/fixtures/partial-failure/input", "-o"])
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "b-no-title.html: [title] no <title>, <h1> or heading: the title `B no title` is made from the file name",
        ))
        .stderr(predicate::str::contains(
            "c-bad-front-matter.html:4: [front-matter]",
        ))
        .stderr(predicate::str::contains("5 pages: 4 converted"))
        .stderr(predicate::str::contains("1 failed;"))
        .stderr(predicate::str::contains(
            "notes.md: [title] no title or heading",
        ));
    assert_eq!(
        common::pages(out.path()),
        ["a-good.md", "b-no-title.md", "d-good.md", "notes.md"]
    );
}

#[test]
fn rerun_rewrites_nothing() {
    let out = tempfile::tempdir().unwrap();
    for expect in ["3 written, 0 unchanged", "0 written, 3 unchanged"] {
        pagemill()
            .args(["convert", "-o"])
            .arg(out.path())
            .assert()
            .success()
            .stderr(predicate::str::contains(expect));
    }
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    pagemill()
        .args(["convert", "--profile", "nonexistent", "-o", "/tmp/unused"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown profile `nonexistent`"));
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.yaml");
    std::fs::write(
        &cfg,
        "profile: chicago-department\nlinks: {origin: https://x.org}\ntypo: 1\n",
    )
    .unwrap();
    pagemill()
        .args(["convert", "-c"])
        .arg(&cfg)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("bad.yaml").and(predicate::str::contains("typo")));
    pagemill().args(["convert", "-j", "0"]).assert().code(2);
}

#[test]
fn md_converts_any_html_from_stdin() {
    pagemill()
        .args(["md", "-"])
        .write_stdin(
            "<h2>Hi</h2><p>a <a href='http://www.chicago.gov/x'>b</a></p><script>x</script>",
        )
        .assert()
        .success()
        .stdout("## Hi\n\na [b](http://www.chicago.gov/x)\n");
}

#[test]
fn extract_prints_the_record() {
    pagemill()
        .args(["extract", "input/depts/parks/index.html"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("title: Lakefront Parks\n"))
        .stdout(predicate::str::contains(
            "- title: Departments\n  url: https://www.chicago.gov/city/en/depts.html\n",
        ));
}

#[test]
fn the_reference_page_converts_with_its_fields() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let out = tempfile::tempdir().unwrap();
    pagemill()
        .arg("convert")
        .arg(corpus.join("chicago-design-system-site"))
        .arg("-o")
        .arg(out.path())
        .assert()
        .stderr(predicate::str::contains("panicked").not());
    let page = std::fs::read_to_string(out.path().join("department_page.md")).unwrap();
    let (fm, body) = page[4..].split_once("\n---\n").unwrap();
    let record: serde_yaml::Value = serde_yaml::from_str(fm).unwrap();
    assert_eq!(record["layout"], "city-page");
    assert_eq!(record["title"], "INNOVATION AND TECHNOLOGY");
    assert!(record["description"]
        .as_str()
        .unwrap()
        .starts_with("DoIT's mission"));
    assert_eq!(record["banner"]["title"], "INNOVATION AND TECHNOLOGY");
    assert!(record["banner"]["image"]
        .as_str()
        .unwrap()
        .ends_with("doit-main-banner.jpg"));
    let crumbs = record["breadcrumbs"].as_sequence().unwrap();
    assert_eq!(crumbs.len(), 3);
    assert!(
        crumbs.iter().all(|c| c.get("url").is_none()),
        "placeholder links leave no url"
    );
    let cards = record["featured_services"].as_sequence().unwrap();
    assert_eq!(cards.len(), 8);
    let url_of = |title: &str| {
        cards
            .iter()
            .find(|c| c["title"] == title)
            .and_then(|c| c["url"].as_str())
            .unwrap()
            .to_string()
    };
    assert_eq!(
        url_of("Maps/GIS DATA"),
        "https://www.chicago.gov/city/en/depts/doit/provdrs/gis.html"
    );
    assert_eq!(
        url_of("Hardware Software Standards"),
        "https://www.chicago.gov/city/depts/doit/general/ChicagoHWSWStandards.pdf"
    );
    assert!(cards
        .iter()
        .all(|c| c["image"].as_str().is_some() && c["image_alt"].as_str().is_some()));
    // The sidebar includes are rendered from _includes beside the page: their
    // content became fields, and no include is left unresolved.
    assert!(record.get("includes").is_none(), "{record:?}");
    let contact = &record["contact"];
    assert_eq!(contact["name"], "Innovation and Technology");
    assert_eq!(contact["phone"], "312.744.5844");
    assert_eq!(
        contact["address"],
        serde_yaml::from_str::<serde_yaml::Value>(
            "[333 S. State Street, Suite 420, 'Chicago, IL 60604']"
        )
        .unwrap()
    );
    assert!(contact["directions_url"]
        .as_str()
        .unwrap()
        .starts_with("https://www.google.com/maps/dir/333+S.+State+Street"));
    let groups = record["link_groups"].as_sequence().unwrap();
    let titles: Vec<&str> = groups
        .iter()
        .map(|g| g["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "What We Do",
            "Supporting Information",
            "Department Facts",
            "Apply For",
            "Check Status Of"
        ]
    );
    let facts = groups[2]["links"].as_sequence().unwrap();
    assert_eq!(facts[0]["title"], "Mission");
    assert_eq!(
        facts[0]["url"],
        "https://www.chicago.gov/city/en/depts/doit/auto_generated/doit_mission.html"
    );
    // Sidebar cards are not repeated in the body.
    assert!(!body.contains("Department Main Office") && !body.contains("Apply For"));
    assert_eq!(record["source"]["path"], "department_page.md");

    let first = body
        .find("- Facilitating creative thought to improve existing City processes")
        .unwrap();
    let last = body.find("- Building strategic partnerships").unwrap();
    assert!(first < last);
    assert!(body.contains("[open source projects](https://github.com/Chicago)"));
    assert!(body.contains("[public access to technology](https://www.chicago.gov/city/en/depts/doit/dataset/public_technologyresources.html)"));
    for repeated in [
        "INNOVATION AND TECHNOLOGY",
        "Featured Services",
        "Data Portal",
        "Departments",
    ] {
        assert!(
            !body.contains(repeated),
            "{repeated} went into front matter and is not repeated"
        );
    }
    assert!(!body.contains("{% include"), "every include was rendered");
}

#[test]
fn every_chicago_page_converts_or_fails_with_a_reason() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    for dir in ["chicago-design-system-site", "chicago-design-cds-bootstrap"] {
        let out = tempfile::tempdir().unwrap();
        let assert = pagemill()
            .arg("convert")
            .arg(corpus.join(dir))
            .arg("-o")
            .arg(out.path())
            .assert();
        let output = assert.get_output();
        let code = output.status.code();
        assert!(matches!(code, Some(0 | 1)), "{dir}: exit {code:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{stderr}");
        let summary = stderr.lines().last().unwrap();
        assert!(summary.starts_with("pagemill: "), "{summary}");
        for line in stderr.lines().filter(|l| l.starts_with("error: ")) {
            assert!(
                line.contains(dir) && line.contains(".md"),
                "error names its file: {line}"
            );
        }
        let converted = common::files(out.path()).len();
        assert!(converted >= 6, "{dir}: only {converted} pages converted");
    }
}

#[test]
fn convert_reports_in_machine_formats() {
    let out = tempfile::tempdir().unwrap();
    let assert = pagemill()
        .args([
            "convert",
            "tests/fixtures/partial-failure/input",
            "--format",
            "json",
            "-o",
        ])
        .arg(out.path())
        .assert()
        .code(1);
    let findings: serde_json::Value = serde_json::from_slice(&assert.get_output().stdout).unwrap();
    let rules: Vec<&str> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["title", "front-matter", "title"]);
    pagemill()
        .args(["convert", "--fail-on", "warning", "-q", "-o"])
        .arg(out.path())
        .assert()
        .code(1);
}

#[test]
fn check_and_dry_run_write_nothing_and_say_what_would_change() {
    // The committed output is current.
    pagemill()
        .args(["convert", "--check"])
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains("(0 would change, 3 unchanged)"));
    // A stale copy without a manifest (written by hand, or before pagemill kept
    // one): one page changed, one missing.
    let out = tempfile::tempdir().unwrap();
    pagemill()
        .args(["convert", "-q", "-o"])
        .arg(out.path())
        .assert()
        .success();
    std::fs::remove_dir_all(out.path().join(".pagemill")).unwrap();
    std::fs::write(out.path().join("depts/parks/index.md"), "stale\n").unwrap();
    std::fs::remove_file(out.path().join("depts/urban-forestry.md")).unwrap();
    let before = common::files(out.path());
    pagemill()
        .args(["convert", "--check", "-o"])
        .arg(out.path())
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("would change: ")
                .and(predicate::str::contains("depts/parks/index.md")),
        )
        .stdout(predicate::str::contains("depts/urban-forestry.md"));
    pagemill()
        .args(["convert", "--dry-run", "-o"])
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("(2 would change, 1 unchanged)"));
    pagemill()
        .args(["convert", "--diff", "-o"])
        .arg(out.path())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("\n-stale\n")
                .and(predicate::str::contains("\n+title: Lakefront Parks\n")),
        )
        .stdout(predicate::str::contains("+++ ").and(predicate::str::contains("@@ ")));
    assert_eq!(common::files(out.path()), before, "nothing written");
    assert_eq!(
        std::fs::read_to_string(out.path().join("depts/parks/index.md")).unwrap(),
        "stale\n"
    );
}

#[test]
fn profiles_follow_path_rules_and_includes_come_from_the_given_folder() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("site/depts")).unwrap();
    std::fs::create_dir_all(d.join("site/news")).unwrap();
    std::fs::create_dir_all(d.join("partials")).unwrap();
    std::fs::write(
        d.join("pagemill.yaml"),
        "profile: generic\nprofiles:\n  - { match: \"depts/**\", profile: chicago-department }\nlinks: { origin: \"https://example.org\" }\n",
    )
    .unwrap();
    let page = "<html><head><title>Water | Town</title></head><body><main><h1>Water</h1>\
                <p>Rates and outages.</p>{% include note.md text=\"Boil water notice lifted.\" %}</main></body></html>";
    std::fs::write(d.join("site/depts/water.html"), page).unwrap();
    std::fs::write(d.join("site/news/water.html"), page).unwrap();
    std::fs::write(
        d.join("partials/note.md"),
        "<p class=note>{{ include.text }}</p>",
    )
    .unwrap();
    pagemill()
        .current_dir(d)
        .args(["convert", "site", "-o", "out", "--includes", "partials"])
        .args(["--report", "report.json"])
        .assert()
        .success();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("report.json")).unwrap()).unwrap();
    let profiles: Vec<(&str, &str)> = report["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["output"].as_str().unwrap(),
                p["profile"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        profiles,
        [
            ("depts/water.md", "chicago-department"),
            ("news/water.md", "generic")
        ]
    );
    let news = std::fs::read_to_string(d.join("out/news/water.md")).unwrap();
    assert!(news.contains("Boil water notice lifted."), "{news}");
    assert!(
        news.contains("title: Water\n"),
        "the site suffix is removed: {news}"
    );
    pagemill()
        .current_dir(d)
        .args(["convert", "site", "-o", "out", "--includes", "nowhere"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nowhere"));
}

/// A copy of the sample input in a temporary folder, converted once.
fn converted_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in common::files(&common::root().join("input")) {
        let dest = dir.path().join("input").join(&f);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(common::root().join("input").join(&f), dest).unwrap();
    }
    pagemill()
        .current_dir(dir.path())
        .args(["convert", "-q"])
        .assert()
        .success();
    dir
}

#[test]
fn hand_edits_are_kept_until_forced() {
    let dir = converted_copy();
    let page = dir.path().join("output/depts/parks/index.md");
    let edited = std::fs::read_to_string(&page).unwrap() + "\nA note added by an editor.\n";
    std::fs::write(&page, &edited).unwrap();
    // Unchanged source: the edit is reported and kept.
    pagemill()
        .current_dir(dir.path())
        .args(["convert"])
        .assert()
        .success()
        .stderr(predicate::str::contains("[hand-edited]"))
        .stderr(predicate::str::contains("1 hand-edited (kept)"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), edited);
    // A changed source does not overwrite it either.
    let source = dir.path().join("input/depts/parks/index.html");
    let html = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, html.replace("</main>", "<p>New hours.</p></main>")).unwrap();
    pagemill()
        .current_dir(dir.path())
        .args(["convert", "-q"])
        .assert()
        .success()
        .stderr(predicate::str::contains("1 hand-edited (kept)"));
    assert_eq!(std::fs::read_to_string(&page).unwrap(), edited);
    // --force overwrites it.
    pagemill()
        .current_dir(dir.path())
        .args(["convert", "-q", "--force"])
        .assert()
        .success();
    let now = std::fs::read_to_string(&page).unwrap();
    assert!(
        now.contains("New hours.") && !now.contains("editor"),
        "{now}"
    );
}

#[test]
fn outputs_of_deleted_sources_are_reported_and_pruned() {
    let dir = converted_copy();
    std::fs::remove_file(
        dir.path()
            .join("input/depts/library/hours-and-branches.html"),
    )
    .unwrap();
    let output = dir
        .path()
        .join("output/depts/library/hours-and-branches.md");
    pagemill()
        .current_dir(dir.path())
        .args(["convert", "-q"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "depts/library/hours-and-branches.md: its source input/depts/library/hours-and-branches.html is gone",
        ));
    assert!(output.exists(), "reported, not removed");
    pagemill()
        .current_dir(dir.path())
        .args(["convert", "-q", "--prune"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "removed: depts/library/hours-and-branches.md",
        ));
    assert!(!output.exists());
    // The folder the removal emptied goes too; the output folder stays.
    assert!(!dir.path().join("output/depts/library").exists());
    assert!(dir.path().join("output/depts/parks/index.md").exists());
    let manifest =
        std::fs::read_to_string(dir.path().join("output/.pagemill/manifest.json")).unwrap();
    assert!(!manifest.contains("hours-and-branches"), "{manifest}");
}

#[test]
fn reruns_skip_unchanged_pages_and_redo_what_changed() {
    let dir = converted_copy();
    let report = |args: &[&str]| -> serde_json::Value {
        pagemill()
            .current_dir(dir.path())
            .args(["convert", "-q", "--report", "r.json"])
            .args(args)
            .assert()
            .success();
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap()
    };
    let statuses = |r: &serde_json::Value| -> Vec<String> {
        r["pages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                format!(
                    "{} {}",
                    p["output"].as_str().unwrap(),
                    p["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    // A no-op rerun converts nothing, and reports what the last conversion found.
    let r = report(&[]);
    assert!(r["pages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["up_to_date"] == true && p["status"] == "unchanged"));
    assert!(r["pages"][2]["profile"] == "chicago-department", "{r}");
    assert!(r["pages"][2]["fields"]["title"] == "URBAN FORESTRY", "{r}");
    // A changed source re-converts that page; the others stay skipped.
    let source = dir.path().join("input/depts/parks/index.html");
    let html = std::fs::read_to_string(&source).unwrap();
    std::fs::write(&source, html.replace("</main>", "<p>New hours.</p></main>")).unwrap();
    let r = report(&[]);
    assert_eq!(
        statuses(&r),
        [
            "depts/library/hours-and-branches.md unchanged",
            "depts/parks/index.md written",
            "depts/urban-forestry.md unchanged"
        ]
    );
    let converted: Vec<&str> = r["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["up_to_date"] == false)
        .map(|p| p["output"].as_str().unwrap())
        .collect();
    assert_eq!(converted, ["depts/parks/index.md"]);
    // Changed settings re-convert every page.
    std::fs::write(
        dir.path().join("pagemill.yaml"),
        pagemill::config::DEFAULT_CONFIG.replace("utm_*", "utm_*, ref"),
    )
    .unwrap();
    let r = report(&[]);
    assert!(r["pages"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["up_to_date"] == false));
}

#[test]
fn shards_of_a_batch_add_up_to_a_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let inputs = ["input", "tests/fixtures/site-chrome/input"];
    pagemill()
        .args(["convert", "-q"])
        .args(inputs)
        .arg("-o")
        .arg(d.join("single"))
        .assert()
        .success();
    pagemill()
        .arg("index")
        .args(inputs)
        .arg("--url-map")
        .arg(d.join("site.json"))
        .assert()
        .success()
        .stderr(predicate::str::contains("site index of 7 pages"));
    let mut union = Vec::new();
    for k in 1..=3 {
        let out = d.join(format!("shard-{k}"));
        pagemill()
            .args(["convert", "-q"])
            .args(inputs)
            .arg("-o")
            .arg(&out)
            .args(["--shard", &format!("{k}/3"), "--url-map"])
            .arg(d.join("site.json"))
            .assert()
            .success();
        for f in common::pages(&out) {
            assert_eq!(
                std::fs::read(out.join(&f)).unwrap(),
                std::fs::read(d.join("single").join(&f)).unwrap(),
                "{f} differs between shard {k} and the single run"
            );
            union.push(f);
        }
        assert!(out
            .join(format!(".pagemill/manifest.{k}-of-3.json"))
            .exists());
    }
    union.sort();
    assert_eq!(
        union,
        common::pages(&d.join("single")),
        "each page in exactly one shard"
    );
    // An index made with other settings is refused.
    std::fs::write(
        d.join("other.yaml"),
        pagemill::config::DEFAULT_CONFIG.replace("utm_*", "ref"),
    )
    .unwrap();
    pagemill()
        .args(["convert", "-q", "-c"])
        .arg(d.join("other.yaml"))
        .args(inputs)
        .arg("-o")
        .arg(d.join("x"))
        .args(["--shard", "1/3", "--url-map"])
        .arg(d.join("site.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("pagemill index"));
}

#[allow(dead_code)]
#[path = "../examples/gen-corpus.rs"]
mod gen_corpus;

#[test]
fn the_benchmark_corpus_links_to_its_own_pages_under_the_embedded_default() {
    // The generated pages link to each other by their old URLs; under the embedded
    // default (`old_root: https://www.chicago.gov/city/en/`) every such link must reach
    // its page's new home, or the benchmarks measure a site whose links are all broken.
    let dir = tempfile::tempdir().unwrap();
    let (input, out) = (dir.path().join("in"), dir.path().join("out"));
    gen_corpus::generate(&input, 80, 1);
    let mut convert = Command::cargo_bin("pagemill").unwrap();
    let assert = convert
        .current_dir(dir.path())
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["-q", "--no-progress"])
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    let internal: usize = stderr
        .split("internal ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count of internal links in: {stderr}"));
    assert!(internal > 500, "{internal} internal links in 80 pages");
    let page = std::fs::read_to_string(out.join("depts/d0/page0.md")).unwrap();
    assert!(page.contains("](/depts/d"), "{page}");
    Command::cargo_bin("pagemill")
        .unwrap()
        .current_dir(dir.path())
        .arg("validate")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("80 files: 0 errors"));
}

#[test]
fn the_binary_says_nothing_of_its_allocator() {
    // jemalloc reads the binary's settings at the first allocation and complains on
    // stderr of any it does not know; a user's scripts would see that on every run.
    pagemill()
        .arg("--version")
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
}
