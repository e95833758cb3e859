//! Any site, first try: with no `pagemill.yaml`, the site is inferred from the pages (a
//! whole-site mirror of a city other than Chicago: canonical links, absolute self-links,
//! hundreds of links between its pages), said once, and used; `pagemill init` writes a
//! configuration naming it; partial configurations take the rest from the defaults;
//! Chicago's pages still get Chicago's configuration.

mod common;

use std::path::Path;
use std::process::Command;

const DEPARTMENTS: &[&str] = &[
    "water",
    "streets",
    "parks",
    "library",
    "police",
    "fire",
    "health",
    "planning",
    "finance",
    "clerk",
    "courts",
    "transit",
    "housing",
    "elections",
    "animal-care",
    "recycling",
    "permits",
    "licenses",
    "youth",
    "seniors",
];

/// A mirror of `www.riverton.example.gov`: each department page has its canonical link
/// and links to every other department by its absolute URL (some over http, some on the
/// bare host), and a relative link home.
fn riverton(root: &Path) {
    for (i, dept) in DEPARTMENTS.iter().enumerate() {
        let links: String = DEPARTMENTS
            .iter()
            .filter(|d| *d != dept)
            .enumerate()
            .map(|(j, other)| {
                let base = match (i + j) % 3 {
                    0 => "https://www.riverton.example.gov",
                    1 => "http://www.riverton.example.gov",
                    _ => "https://riverton.example.gov",
                };
                format!("<li><a href=\"{base}/departments/{other}/\">{other}</a></li>\n")
            })
            .collect();
        let page = format!(
            "<!DOCTYPE html><html><head><title>{dept} | City of Riverton</title>\n\
             <link rel=\"canonical\" href=\"https://www.riverton.example.gov/departments/{dept}/\">\n\
             </head><body><main><h1>Department of {dept}</h1>\n\
             <p>The department of {dept} serves the residents of Riverton. <a href=\"../../index.html\">Home</a></p>\n\
             <h2>Other departments</h2><ul>\n{links}</ul></main></body></html>\n"
        );
        let path = root.join(format!("departments/{dept}/index.html"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, page).unwrap();
    }
    std::fs::write(
        root.join("index.html"),
        "<html><head><title>City of Riverton</title>\
         <link rel=\"canonical\" href=\"https://www.riverton.example.gov/\"></head>\
         <body><main><h1>Welcome to Riverton</h1><p>See the <a href=\"departments/water/\">water department</a>.</p></main></body></html>",
    )
    .unwrap();
}

fn pagemill(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pagemill"));
    c.current_dir(dir);
    c
}

#[test]
fn a_city_mirror_with_no_configuration_gets_its_own_site_inferred_and_used() {
    let dir = tempfile::tempdir().unwrap();
    riverton(&dir.path().join("in"));
    let out = pagemill(dir.path())
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--redirects",
            "redirects.csv",
            "--no-progress",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "pagemill: site https://www.riverton.example.gov (21 canonical links, 20 absolute links to its pages, also riverton.example.gov)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("configuration: the built-in defaults (no pagemill.yaml)"),
        "{stderr}"
    );
    // No absolute link is left to a page of the batch: every one points at its new home.
    let mut internal = 0;
    for f in common::pages(&dir.path().join("out")) {
        let text = std::fs::read_to_string(dir.path().join("out").join(&f)).unwrap();
        assert!(
            !text.contains("riverton.example.gov/departments"),
            "{f}: {text}"
        );
        internal += text.matches("](/departments/").count();
    }
    assert!(internal >= 380, "{internal} links to migrated pages");
    // The old URLs are in the redirect map.
    let redirects = std::fs::read_to_string(dir.path().join("redirects.csv")).unwrap();
    assert!(
        redirects.contains("/departments/water/index.html,/departments/water/"),
        "{redirects}"
    );
    assert!(
        !redirects.contains("/city/en/"),
        "no Chicago paths: {redirects}"
    );
}

#[test]
fn init_writes_a_configuration_naming_the_site_and_never_overwrites_one() {
    let dir = tempfile::tempdir().unwrap();
    riverton(&dir.path().join("in"));
    let out = pagemill(dir.path()).args(["init", "in"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = std::fs::read_to_string(dir.path().join("pagemill.yaml")).unwrap();
    assert!(
        config.contains("  origin: https://www.riverton.example.gov\n"),
        "{config}"
    );
    assert!(
        config.contains("  old_root: https://www.riverton.example.gov/\n"),
        "{config}"
    );
    assert!(
        config.contains("#   departments/: generic (20)"),
        "{config}"
    );
    assert!(config.contains("# Every page converts."), "{config}");
    // It is a configuration pagemill reads, and a second init does not overwrite it.
    let again = pagemill(dir.path()).args(["init", "in"]).output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force overwrites it"));
    let convert = pagemill(dir.path())
        .args(["convert", "in", "-o", "out", "-q"])
        .output()
        .unwrap();
    assert!(
        convert.status.success(),
        "{}",
        String::from_utf8_lossy(&convert.stderr)
    );
    let printed = pagemill(dir.path())
        .args(["init", "in", "-o", "-"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&printed.stdout), config);
}

#[test]
fn a_partial_configuration_takes_the_rest_from_the_defaults_and_the_pages() {
    let dir = tempfile::tempdir().unwrap();
    riverton(&dir.path().join("in"));
    std::fs::write(dir.path().join("pagemill.yaml"), "assets: none\n").unwrap();
    let out = pagemill(dir.path())
        .args(["convert", "in", "-o", "out", "--no-progress"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("site https://www.riverton.example.gov"),
        "{stderr}"
    );
    assert!(stderr.contains("configuration: pagemill.yaml"), "{stderr}");
    // A key that does not exist is an error at its place, with the keys that do.
    std::fs::write(
        dir.path().join("pagemill.yaml"),
        "links:\n  orign: https://x.gov\n",
    )
    .unwrap();
    let out = pagemill(dir.path())
        .args(["convert", "in", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr
            .contains("pagemill.yaml:2:3: links: unknown field `orign`, expected one of `origin`"),
        "{stderr}"
    );
}

#[test]
fn chicago_pages_with_no_configuration_convert_as_with_chicagos() {
    let dir = tempfile::tempdir().unwrap();
    let out = pagemill(dir.path())
        .arg("convert")
        .arg(common::root().join("input"))
        .args(["-o", "out", "--no-progress"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("site https://www.chicago.gov"), "{stderr}");
    assert!(
        stderr.contains("configuration: the built-in City of Chicago configuration"),
        "{stderr}"
    );
    let committed = common::root().join("output");
    for f in common::pages(&committed) {
        assert_eq!(
            std::fs::read_to_string(dir.path().join("out").join(&f)).unwrap(),
            std::fs::read_to_string(committed.join(&f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn redirect_stubs_are_redirects_not_pages() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("old")).unwrap();
    std::fs::write(
        input.join("old/page.html"),
        r#"<html><head><meta http-equiv="refresh" content="0; URL='../new.html'"></head><body><p>This page has moved. <a href="../new.html">Go there</a>.</p></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        input.join("away.html"),
        r#"<html><head><script>window.location.replace("https://county.example.org/x");</script></head><body></body></html>"#,
    )
    .unwrap();
    std::fs::write(
        input.join("new.html"),
        r#"<html><head><title>New</title><link rel="canonical" href="https://www.town.example.gov/new.html"></head><body><main><h1>New</h1><p>See the <a href="old/page.html">old page</a>.</p></main></body></html>"#,
    )
    .unwrap();
    // A page that refreshes itself is still a page.
    let long = "Council news. ".repeat(40);
    std::fs::write(
        input.join("news.html"),
        format!(r#"<html><head><title>News</title><meta http-equiv="refresh" content="300"><meta http-equiv="refresh" content="600;url=news.html"></head><body><main><h1>News</h1><p>{long}</p></main></body></html>"#),
    )
    .unwrap();
    let out = pagemill(dir.path())
        .args([
            "convert",
            "in",
            "-o",
            "out",
            "--target",
            "jekyll",
            "--redirects",
            "r.csv",
            "--no-progress",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("in/old/page.html: [redirect] a redirect stub to /new/"),
        "{stderr}"
    );
    assert!(!dir.path().join("out/old/page.md").exists());
    assert!(!dir.path().join("out/away.md").exists());
    assert!(dir.path().join("out/news.md").is_file());
    let redirects = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    assert!(redirects.contains("/old/page.html,/new/\n"), "{redirects}");
    assert!(
        redirects.contains("/away.html,https://county.example.org/x\n"),
        "{redirects}"
    );
    // The page it sent readers to answers its old URL, and links to it go there.
    let new = std::fs::read_to_string(dir.path().join("out/new.md")).unwrap();
    assert!(
        new.contains("redirect_from:\n- /new.html\n- /old/page.html\n"),
        "{new}"
    );
    assert!(new.contains("[old page](/new/)"), "{new}");
}
