//! Single pages in the shapes of other CMSs (`tests/fixtures/cms-shapes/`: Drupal 7 and 8,
//! WordPress, CivicPlus, Granicus on ASP.NET Web Forms, SharePoint, FrontPage), each
//! converted on its own with no configuration — too few pages of one site for corpus-level
//! boilerplate detection: the content is kept, the site chrome (menus and their toggles,
//! site search, share and page-tool widgets, footers, sidebars) is not.

mod common;

use std::process::Command;

/// (file, a sentence of its content, its title)
const PAGES: &[(&str, &str, &str)] = &[
    (
        "drupal7.html",
        "values every parcel of land",
        "Assessor's Office",
    ),
    (
        "drupal8.html",
        "Plows clear main roads first",
        "Snow Removal",
    ),
    (
        "wordpress.html",
        "may get a library card for free",
        "Library Card",
    ),
    (
        "civicplus.html",
        "must be licensed each year",
        "Dog Licenses",
    ),
    (
        "granicus.html",
        "meets on the second Tuesday",
        "Planning Commission",
    ),
    (
        "sharepoint.aspx.html",
        "met every federal and state standard",
        "Water Quality Report",
    ),
    (
        "frontpage.htm",
        "meets on the first Monday",
        "Parish Council Meetings",
    ),
];

/// Chrome text of those pages: none may reach a body.
const CHROME: &[&str] = &[
    "Toggle navigation",
    "Skip to",
    "Search",
    "Share",
    "Facebook",
    "Twitter",
    "Menu",
    "Contact",
    "Departments",
    "Home",
    "Print",
    "Quick Links",
    "In this section",
    "Recent Posts",
    "Powered by",
    "SharePoint",
    "Billing",
    "Parks Board",
    "Councillors",
    "©",
];

#[test]
fn single_pages_of_other_cmss_keep_their_content_and_lose_their_chrome() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::root().join("tests/fixtures/cms-shapes/input");
    for (file, sentence, title) in PAGES {
        let out = dir.path().join(file.replace('.', "-"));
        let run = Command::new(env!("CARGO_BIN_EXE_pagemill"))
            .current_dir(dir.path())
            .arg("convert")
            .arg(input.join(file))
            .arg("-o")
            .arg(&out)
            .args(["-q", "--no-progress"])
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{file}: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let md = common::pages(&out);
        assert_eq!(md.len(), 1, "{file}: {md:?}");
        let text = std::fs::read_to_string(out.join(&md[0])).unwrap();
        let (front, body) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---\n"))
            .unwrap();
        assert!(front.starts_with("title: "), "{file}: {front}");
        assert!(front.contains(title), "{file}: {front}");
        assert!(body.contains(sentence), "{file}: {body}");
        for chrome in CHROME {
            assert!(!body.contains(chrome), "{file}: `{chrome}` in\n{body}");
        }
    }
}

#[test]
fn blocks_inside_font_and_other_inline_wrappers_stay_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = Command::new(env!("CARGO_BIN_EXE_pagemill"))
        .current_dir(dir.path())
        .arg("convert")
        .arg(common::root().join("tests/fixtures/cms-shapes/input/frontpage.htm"))
        .arg("-o")
        .arg(&out)
        .args(["-q", "--no-progress"])
        .output()
        .unwrap();
    assert!(run.status.success());
    let text = std::fs::read_to_string(out.join("frontpage.md")).unwrap();
    assert!(
        text.contains("\n## Meetings of the Parish Council\n\nThe Council meets"),
        "{text}"
    );
}
