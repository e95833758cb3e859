//! The real generators build what `convert --target … --scaffold` writes: Debian's
//! Jekyll (with jekyll-redirect-from) and Hugo, installed by `.ci/run`. Each built site
//! is checked as a visitor meets it: the build succeeds without warnings, every written
//! page is published at the URL its front matter fixes, every old URL answers with a
//! redirect to it, no Liquid or Go template syntax shows on any page, and every link
//! between migrated pages resolves. The department page's screenshot is kept in
//! `target/tmp/`. Without a generator the test says so and skips that target — except
//! in CI, where both must run.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        || Command::new(program)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

/// The migrated pages (those the manifest lists): (URL from the front matter, the
/// page's old URLs).
fn pages(site: &Path, url_key: &str, redirects_key: &str) -> BTreeMap<String, Vec<String>> {
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(site.join(".pagemill/manifest.json")).unwrap(),
    )
    .unwrap();
    let mut out = BTreeMap::new();
    for f in manifest["pages"].as_object().unwrap().keys() {
        let text = std::fs::read_to_string(site.join(f)).unwrap();
        let Some(front) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .map(|(fm, _)| fm)
        else {
            continue;
        };
        let record: serde_yaml::Value = serde_yaml::from_str(front).unwrap();
        let Some(url) = record.get(url_key).and_then(|u| u.as_str()) else {
            continue;
        };
        let olds = record
            .get(redirects_key)
            .and_then(|r| r.as_sequence())
            .map(|s| {
                s.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.insert(url.to_string(), olds);
    }
    out
}

/// The built file serving `url`.
fn served(built: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['#', '?']).next().unwrap_or(url);
    let rel = path.trim_start_matches('/');
    let candidates = if rel.is_empty() || path.ends_with('/') {
        vec![built.join(rel).join("index.html")]
    } else {
        vec![
            built.join(rel),
            built.join(format!("{rel}.html")),
            built.join(rel).join("index.html"),
        ]
    };
    candidates.into_iter().find(|c| c.is_file())
}

fn hrefs(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in html.split("href=\"").skip(1) {
        if let Some((href, _)) = part.split_once('"') {
            out.push(href.replace("&amp;", "&"));
        }
    }
    out
}

struct Built {
    pages: usize,
    redirects: usize,
    links: usize,
    /// Every link and image of every built page, followed.
    crawl: Crawl,
    /// The built department page, when the site has one.
    department: Option<String>,
}

fn build_and_check(target: &str, args: &[&str]) -> Option<Built> {
    let (program, url_key, redirects_key, built_dir) = match target {
        "jekyll" => ("jekyll", "permalink", "redirect_from", "_site"),
        _ => ("hugo", "url", "aliases", "public"),
    };
    if !have(program) {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have {program} (.ci/run installs it)"
        );
        eprintln!("SKIPPED: no {program}; the {target} site was not built");
        return None;
    }
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let convert = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .current_dir(common::root())
        .arg("convert")
        .args(args)
        .arg("-o")
        .arg(&site)
        .args(["--target", target, "--scaffold", "-q", "--no-progress"])
        .output()
        .unwrap();
    assert!(
        convert.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&convert.stderr)
    );
    let built = site.join(built_dir);
    let build = match target {
        "jekyll" => Command::new("jekyll")
            .arg("build")
            .arg("-s")
            .arg(&site)
            .arg("-d")
            .arg(&built)
            .output()
            .unwrap(),
        _ => Command::new("hugo")
            .arg("-s")
            .arg(&site)
            .arg("-d")
            .arg(&built)
            .output()
            .unwrap(),
    };
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&build.stdout),
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(build.status.success(), "{target} build failed:\n{log}");
    for line in log.lines() {
        let l = line.to_ascii_lowercase();
        assert!(
            !(l.contains("warn") || l.contains("error") || l.contains("deprecat")),
            "{target} build log: {line}"
        );
    }
    let pages = pages(&site, url_key, redirects_key);
    assert!(!pages.is_empty());
    let mut redirects = 0;
    for (url, olds) in &pages {
        let page =
            served(&built, url).unwrap_or_else(|| panic!("{target}: {url} is not published"));
        let html = std::fs::read_to_string(&page).unwrap();
        for syntax in ["{%", "{{", "%}", "}}"] {
            assert!(!html.contains(syntax), "{target}: {url} shows `{syntax}`");
        }
        for old in olds {
            let stub = served(&built, old)
                .unwrap_or_else(|| panic!("{target}: the old URL {old} is not answered"));
            let text = std::fs::read_to_string(stub).unwrap();
            assert!(
                text.contains(&format!("url={url}"))
                    || text.contains(&format!("url=http://localhost{url}"))
                    || text.contains(&format!("url=/{}", url.trim_start_matches('/'))),
                "{target}: {old} does not redirect to {url}: {text}"
            );
            redirects += 1;
        }
    }
    // Every link from a migrated page to another resolves.
    let mut links = 0;
    for url in pages.keys() {
        let html = std::fs::read_to_string(served(&built, url).unwrap()).unwrap();
        for href in hrefs(&html) {
            let path = href.split('#').next().unwrap_or(&href);
            if pages.contains_key(path) {
                assert!(
                    served(&built, path).is_some(),
                    "{target}: {url} links to {href}"
                );
                links += 1;
            }
        }
    }
    let crawl = crawl(&built);
    screenshot(target, &built, &pages);
    let department = pages
        .keys()
        .find(|u| u.contains("urban-forestry"))
        .and_then(|u| served(&built, u))
        .map(|f| std::fs::read_to_string(f).unwrap());
    Some(Built {
        pages: pages.len(),
        redirects,
        links,
        crawl,
        department,
    })
}

/// What following every `<a href>` and `<img src>` of a built site found.
#[derive(Debug, Default)]
struct Crawl {
    links: usize,
    images: usize,
    fragments: usize,
    /// (page, reference) of links, images and fragments that reach nothing.
    broken: Vec<(String, String)>,
}

impl Crawl {
    fn assert_clean(&self, what: &str) {
        assert!(
            self.broken.is_empty(),
            "{what}: {} of {} links, {} images and {} fragments reach nothing, e.g. {:?}",
            self.broken.len(),
            self.links,
            self.images,
            self.fragments,
            &self.broken[..self.broken.len().min(10)]
        );
    }
}

/// Values of `attr` on `tag` elements of generated HTML (quoted attributes).
fn attribute_values(html: &str, tag: &str, attr: &str) -> Vec<String> {
    let pattern = format!(r#"<{tag}\s[^>]*?\b{attr}="([^"]*)""#);
    regex::Regex::new(&pattern)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].replace("&amp;", "&").replace("&#39;", "'"))
        .collect()
}

/// Follows every internal link and image of every built page (redirect stubs aside):
/// each must reach a built file, and a link's fragment an `id` or `name` in it.
fn crawl(built: &Path) -> Crawl {
    let mut out = Crawl::default();
    for entry in walkdir::WalkDir::new(built)
        .into_iter()
        .filter_map(Result::ok)
    {
        let file = entry.path();
        if file.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(file).unwrap();
        if html.contains("http-equiv=\"refresh\"") && html.len() < 2000 {
            continue;
        }
        let rel = file
            .strip_prefix(built)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let page = url::Url::parse(&format!("http://site.test/{rel}")).unwrap();
        let refs = attribute_values(&html, "a", "href")
            .into_iter()
            .map(|r| (r, false))
            .chain(
                attribute_values(&html, "img", "src")
                    .into_iter()
                    .map(|r| (r, true)),
            );
        for (reference, image) in refs {
            let Ok(target) = page.join(&reference) else {
                out.broken.push((rel.clone(), reference));
                continue;
            };
            if target.host_str() != Some("site.test") {
                continue; // another site, mail, phone
            }
            if image {
                out.images += 1;
            } else {
                out.links += 1;
            }
            let path = percent_encoding::percent_decode_str(target.path()).decode_utf8_lossy();
            let Some(found) = served(built, &path) else {
                out.broken.push((rel.clone(), reference));
                continue;
            };
            if let (Some(fragment), false) = (target.fragment(), image) {
                out.fragments += 1;
                let id = percent_encoding::percent_decode_str(fragment).decode_utf8_lossy();
                let text = std::fs::read_to_string(found).unwrap_or_default();
                if !text.contains(&format!("id=\"{id}\""))
                    && !text.contains(&format!("name=\"{id}\""))
                {
                    out.broken.push((rel.clone(), reference));
                }
            }
        }
    }
    out
}

/// The department page as a browser shows it, kept as `target/tmp/<target>-department.png`.
fn screenshot(target: &str, built: &Path, pages: &BTreeMap<String, Vec<String>>) {
    let Some(url) = pages.keys().find(|u| u.contains("urban-forestry")) else {
        return;
    };
    let Some(browser) = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|b| have(b))
    else {
        return;
    };
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{target}-department.png"));
    let file = served(built, url).unwrap();
    let status = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--window-size=1280,1400",
        ])
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    assert!(status.status.success());
}

#[test]
fn the_sample_site_builds_with_jekyll_and_hugo_and_every_page_and_old_url_resolves() {
    for target in ["jekyll", "hugo"] {
        if let Some(b) = build_and_check(target, &["input"]) {
            eprintln!(
                "{target}: {} pages published, {} old URLs redirect, {} links between pages resolve",
                b.pages, b.redirects, b.links
            );
            assert_eq!(b.pages, 3);
            assert!(b.redirects >= 3 && b.links >= 2);
            b.crawl.assert_clean(target);
            // The department layout shows the record: landmarks, linked breadcrumbs,
            // cards with their images' alt text, the contact.
            let html = b.department.expect("the department page");
            for want in [
                "<main id=\"content\">",
                "<h1>URBAN FORESTRY</h1>",
                "aria-label=\"Breadcrumbs\"",
                "alt=\"A sapling with a stake\"",
                "Bureau of Urban Forestry",
            ] {
                assert!(
                    html.contains(want),
                    "{target}: the department page lacks {want}"
                );
            }
        }
    }
}

#[test]
fn the_real_corpus_builds_with_jekyll_and_hugo_and_every_page_and_old_url_resolves() {
    let Some(corpus) = common::corpus() else {
        return;
    };
    let corpus = corpus.display().to_string();
    for target in ["jekyll", "hugo"] {
        if let Some(b) = build_and_check(target, &[corpus.as_str()]) {
            eprintln!(
                "{target}, real corpus: {} pages published, {} old URLs redirect, {} links between pages resolve",
                b.pages, b.redirects, b.links
            );
            assert!(b.pages >= 140, "{} pages", b.pages);
            eprintln!(
                "{target}, real corpus crawled: {} internal links, {} images, {} fragments; {} broken",
                b.crawl.links,
                b.crawl.images,
                b.crawl.fragments,
                b.crawl.broken.len()
            );
            assert!(b.crawl.links >= 400, "{} links", b.crawl.links);
            b.crawl.assert_clean(target);
        }
    }
}

/// The configuration of the council mirror (its origin and old root), in `dir`.
fn council_config(dir: &Path) -> String {
    let config = dir.join("council.yaml");
    std::fs::write(
        &config,
        pagemill::config::DEFAULT_CONFIG
            .replace(
                "origin: https://www.chicago.gov",
                "origin: https://www.millbrook.gov.uk",
            )
            .replace(
                "aliases: [chicago.gov, cityofchicago.org, www.cityofchicago.org]",
                "aliases: [millbrook.gov.uk]",
            )
            .replace(
                "old_root: https://www.chicago.gov/city/en/",
                "old_root: https://www.millbrook.gov.uk/",
            ),
    )
    .unwrap();
    config.display().to_string()
}

#[test]
fn a_council_mirror_with_relative_links_anchors_and_files_resolves_everywhere_when_built() {
    let dir = tempfile::tempdir().unwrap();
    let config = council_config(dir.path());
    let input = "tests/fixtures/council-mirror/input";
    for target in ["jekyll", "hugo"] {
        let Some(b) = build_and_check(target, &[input, "-c", &config]) else {
            continue;
        };
        eprintln!(
            "{target}, council mirror crawled: {} internal links, {} images, {} fragments; {} broken",
            b.crawl.links,
            b.crawl.images,
            b.crawl.fragments,
            b.crawl.broken.len()
        );
        assert_eq!(b.pages, 4);
        // Relative links between pages, the copied images and documents, same-page and
        // cross-page anchors (`<a name>` inside and before headings).
        assert!(b.crawl.links >= 25, "{} links", b.crawl.links);
        assert_eq!(b.crawl.images, 4, "every <img> is a copied file");
        assert!(b.crawl.fragments >= 10, "{} fragments", b.crawl.fragments);
        b.crawl.assert_clean(target);
    }
}

#[test]
fn a_jekyll_source_site_of_a_borough_builds_with_its_includes_data_and_old_urls() {
    // Markdown pages with permalinks and redirect_from, an HTML page, _config.yml,
    // _data/*.yml, includes with parameters and a `for` loop over site.data.
    let dir = tempfile::tempdir().unwrap();
    let config = borough_config(dir.path());
    let input = "tests/fixtures/borough-jekyll/input";
    for target in ["jekyll", "hugo"] {
        if let Some(b) = build_and_check(target, &[input, "-c", &config]) {
            eprintln!(
                "{target}, borough site: {} pages published, {} old URLs redirect, {} links between pages resolve",
                b.pages, b.redirects, b.links
            );
            assert_eq!(b.pages, 6);
            assert!(b.redirects >= 4, "{} redirects", b.redirects);
            assert!(b.department.is_none(), "the borough has no department page");
            assert!(b.links >= 6, "{} links", b.links);
            b.crawl.assert_clean(target);
        }
    }
}

#[test]
fn for_jekyll_an_include_without_a_file_is_an_error_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir_all(input.join("_includes")).unwrap();
    std::fs::write(
        input.join("_includes/note.html"),
        "<p>{{ include.text }}</p>\n",
    )
    .unwrap();
    std::fs::write(
        input.join("page.html"),
        "---\ntitle: Page\n---\n<main>\n<h1>Page</h1>\n<p>Text.</p>\n{% include note.html text=\"kept\" %}\n{% include nowhere.html %}\n</main>\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("site"))
        .args(["--target", "jekyll"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("page.html:8: [include] {% include nowhere.html %} left out"),
        "{stderr}"
    );
    let text = std::fs::read_to_string(dir.path().join("site/page.md")).unwrap();
    // The include that exists is rendered (by pagemill; one it could not render would
    // stay a tag for Jekyll, whose `_includes` holds its file).
    assert!(text.contains("\nkept\n"), "{text}");
    assert!(!text.contains("{% include nowhere"), "{text}");
    assert!(dir.path().join("site/_includes/note.html").is_file());
    // `includes: keep`: the team brings its own `_includes`; every tag stays for Jekyll.
    let config = dir.path().join("keep.yaml");
    std::fs::write(
        &config,
        pagemill::config::DEFAULT_CONFIG.to_string() + "includes: keep\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .arg("convert")
        .arg(&input)
        .arg("-o")
        .arg(dir.path().join("kept"))
        .arg("-c")
        .arg(&config)
        .args(["--target", "jekyll"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.path().join("kept/page.md")).unwrap();
    assert!(text.contains("{% include nowhere.html %}"), "{text}");
    assert!(!dir.path().join("kept/_includes").exists());
}

#[test]
fn validate_accepts_what_convert_writes_for_each_target() {
    for (target, content) in [("jekyll", ""), ("hugo", "content")] {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let convert = Command::new(env!("CARGO_BIN_EXE_pagemill"))
            .current_dir(common::root())
            .args(["convert", "input", "-o"])
            .arg(&site)
            .args(["--target", target, "--scaffold", "-q"])
            .output()
            .unwrap();
        assert!(
            convert.status.success(),
            "{}",
            String::from_utf8_lossy(&convert.stderr)
        );
        let out = Command::new(env!("CARGO_BIN_EXE_pagemill"))
            .current_dir(common::root())
            .arg("validate")
            .arg(site.join(content))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "{target}: {}{stderr}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert!(stderr.contains(": 0 errors"), "{target}: {stderr}");
    }
}

/// The configuration of the borough fixture's site (its origin and old root), in `dir`.
fn borough_config(dir: &Path) -> String {
    let config = dir.join("borough.yaml");
    std::fs::write(
        &config,
        pagemill::config::DEFAULT_CONFIG
            .replace(
                "origin: https://www.chicago.gov",
                "origin: https://www.eastfield-borough.example.gov",
            )
            .replace(
                "old_root: https://www.chicago.gov/city/en/",
                "old_root: https://www.eastfield-borough.example.gov/",
            ),
    )
    .unwrap();
    config.display().to_string()
}

#[test]
fn source_front_matter_keys_are_carried_and_validate_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    let config = borough_config(dir.path());
    let convert = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .current_dir(common::root())
        .args([
            "convert",
            "tests/fixtures/borough-jekyll/input",
            "-c",
            &config,
            "-o",
        ])
        .arg(&site)
        .args(["--target", "jekyll", "-q"])
        .output()
        .unwrap();
    assert!(
        convert.status.success(),
        "{}",
        String::from_utf8_lossy(&convert.stderr)
    );
    for (page, key) in [
        ("about.md", "nav_order: 2"),
        ("services/parking.md", "parent: Services"),
        ("departments/sanitation.md", "nav_order: 4"),
    ] {
        let text = std::fs::read_to_string(site.join(page)).unwrap();
        assert!(text.contains(&format!("\n{key}\n")), "{page}: {text}");
        assert!(text.contains("  kept:\n"), "{page}: {text}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .current_dir(common::root())
        .arg("validate")
        .arg(&site)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}{stderr}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.contains(": 0 errors, 0 warnings"), "{stderr}");
}
