use super::*;

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn page(canonical: Option<&str>, links: &[&str]) -> String {
    let head = canonical
        .map(|c| format!(r#"<link rel="canonical" href="{c}">"#))
        .unwrap_or_default();
    let body: String = links
        .iter()
        .map(|l| format!(r#"<a href="{l}">x</a> "#))
        .collect();
    format!("<html><head><title>T</title>{head}</head><body>{body}</body></html>")
}

#[test]
fn canonical_links_give_the_origin_and_the_trees_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mirror");
    write(
        &root,
        "departments/oem/about.html",
        &page(
            Some("https://beta.phila.gov/city/departments/oem/about/"),
            &[],
        ),
    );
    write(
        &root,
        "departments/index.html",
        &page(Some("https://beta.phila.gov/city/departments/"), &[]),
    );
    write(
        &root,
        "news/a.html",
        &page(
            None,
            &["https://www.beta.phila.gov/x", "https://twitter.com/share"],
        ),
    );
    let site = infer(&[root], &[]).unwrap();
    assert_eq!(site.origin, "https://beta.phila.gov");
    assert_eq!(site.old_root, "https://beta.phila.gov/city/");
    assert_eq!(site.aliases, ["www.beta.phila.gov"]);
    assert_eq!(site.evidence, "2 canonical links");
}

#[test]
fn own_absolute_links_to_pages_of_the_batch_name_the_host_when_nothing_else_does() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    let links = [
        "http://www.parish.org.uk/minutes/2004.htm",
        "http://www.parish.org.uk/minutes/2005.htm",
        "http://www.parish.org.uk/index.htm",
        "http://parish.org.uk/clerk.htm",
        "https://www.facebook.com/index.htm",
    ];
    for rel in [
        "index.htm",
        "clerk.htm",
        "minutes/2004.htm",
        "minutes/2005.htm",
    ] {
        write(&root, rel, &page(None, &links));
    }
    let site = infer(&[root], &[]).unwrap();
    assert_eq!(site.origin, "http://www.parish.org.uk");
    assert_eq!(site.old_root, "http://www.parish.org.uk/");
    assert_eq!(site.aliases, ["parish.org.uk"]);
}

#[test]
fn a_mirror_folder_named_like_a_host_or_a_jekyll_config_names_the_site() {
    let dir = tempfile::tempdir().unwrap();
    let mirror = dir.path().join("www.county.example.gov");
    write(&mirror, "index.html", &page(None, &[]));
    let site = infer(&[mirror], &[]).unwrap();
    assert_eq!(site.origin, "https://www.county.example.gov");
    assert_eq!(site.evidence, "the input folder's name");

    let jekyll = dir.path().join("src");
    write(
        &jekyll,
        "_config.yml",
        "url: https://borough.example.gov\nbaseurl: /guide\n",
    );
    write(&jekyll, "index.md", "# Home\n");
    let site = infer(&[jekyll], &[]).unwrap();
    assert_eq!(site.old_root, "https://borough.example.gov/guide/");
}

#[test]
fn pages_that_say_nothing_infer_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("pages");
    write(
        &root,
        "a.html",
        &page(None, &["https://twitter.com/a.html"]),
    );
    assert_eq!(infer(&[root], &[]), None);
}

/// The pattern `infer` reads own absolute links with.
fn href_pattern() -> regex::Regex {
    regex::Regex::new(OWN_LINK).unwrap()
}

fn spans(found: Vec<regex::Captures<'_>>) -> Vec<Vec<Option<(usize, usize)>>> {
    found
        .iter()
        .map(|c| c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect())
        .collect()
}

#[test]
fn absolute_links_are_found_as_a_scan_of_the_whole_body_finds_them() {
    let href = href_pattern();
    let bodies = [
        r#"<a href="https://www.example.gov/a/b.html">x</a> <a href='/rel'>"#,
        r#"<A HREF = HTTP://Example.GOV:8080/x?q#f>x</A>href=https://a.gov/p/http://b.gov/q"#,
        "href=\"https://a.gov/x\" ://href=http://b.gov/ https://c.gov/ href=ftp://d.gov/",
        "hrefhref=https://a b href=https://a.gov/é/ü href=https://a.gov",
        "<p>href  =\n\t'http://x.gov/one' href=\"https://x.gov/two\"</p>",
        "ref=https://a.gov/ hre=http://a.gov/ ://://href=https://://a.gov/",
        // Case folding takes `ſ` for `s`; `\s` takes any white space.
        "<a href=httpſ://a.gov/x>x</a><a HREF =\u{a0}'http://a.gov/y'>",
    ];
    for body in bodies {
        assert_eq!(
            spans(absolute_links(&href, body)),
            spans(href.captures_iter(body).collect()),
            "{body}"
        );
    }
}

proptest::proptest! {
    #[test]
    fn absolute_links_agree_with_the_whole_scan(
        parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "href", "HREF", "=", " ", "\"", "'", "http", "https", "://", ":", "80",
                "a.gov", "B-x.GOV", "/", "/p", "?", "#", ">", "é", "x", "\n", "hReF", "httpſ",
                "\u{a0}", "<", "1",
            ]),
            0..40,
        )
    ) {
        let body: String = parts.concat();
        let href = href_pattern();
        proptest::prop_assert_eq!(
            spans(absolute_links(&href, &body)),
            spans(href.captures_iter(&body).collect())
        );
    }
}
