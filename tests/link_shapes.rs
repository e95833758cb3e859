//! Link shapes met in real legacy government pages (glued CMS prefixes, missing schemes,
//! stray spaces, AEM prefixes, tracking parameters, placeholders, script URLs, `mailto:`
//! and `tel:` typos, Liquid), each with what the City of Chicago policy makes of it with
//! own-site links root-relative (`links.outside: root-relative`), and the rules it
//! names; with the default (`absolute`) each own-site result is the same path on the
//! origin. The cases are written for this project in the patterns of the real pages.

use pagemill::config::{Settings, DEFAULT_CONFIG};

/// (raw link, expected link or `<dropped>`, rule ids in order)
const SHAPES: &[(&str, &str, &[&str])] = &[
    (
        "/contenthttps://www.chicago.gov/city/en/depts/fin/provdrs/tax.html",
        "/city/en/depts/fin/provdrs/tax.html",
        &["glued-url", "own-site-relative"],
    ),
    (
        "/contenthttp://www.chicago.gov/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["glued-url", "https-upgrade", "own-site-relative"],
    ),
    (
        "/content/damhttps://www.chicago.gov/content/dam/city/depts/fin/general/Budget 2020.pdf",
        "/content/dam/city/depts/fin/general/Budget%202020.pdf",
        &["glued-url", "encode-space", "own-site-relative"],
    ),
    (
        "/content/damhttps://www.chicago.gov/city/depts/fin/icons/tax-icon.png",
        "/city/depts/fin/icons/tax-icon.png",
        &["glued-url", "own-site-relative"],
    ),
    (
        "/contenthttps://data.example.org/resource/abc",
        "https://data.example.org/resource/abc",
        &["glued-url"],
    ),
    (
        "www.chicago.gov/city/depts/fin/general/Rates.pdf",
        "/city/depts/fin/general/Rates.pdf",
        &["missing-scheme", "own-site-relative"],
    ),
    (
        "www.chicago.gov/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["missing-scheme", "own-site-relative"],
    ),
    (
        "WWW.CHICAGO.GOV/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["missing-scheme", "own-site-relative"],
    ),
    (
        "chicago.gov/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["missing-scheme", "own-site-relative"],
    ),
    (
        "www.example.org/page",
        "https://www.example.org/page",
        &["missing-scheme"],
    ),
    (
        "//www.chicago.gov/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["missing-scheme", "own-site-relative"],
    ),
    (
        "//fonts.example.net/css?family=Sans",
        "https://fonts.example.net/css?family=Sans",
        &["missing-scheme"],
    ),
    (
        "https://www.chicago.gov/content/ city/en/depts/fin/svcs/pay.html",
        "/city/en/depts/fin/svcs/pay.html",
        &["stray-space", "prefix-rewrite", "own-site-relative"],
    ),
    (
        "https://www.chicago.gov/content /city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["stray-space", "prefix-rewrite", "own-site-relative"],
    ),
    (
        "https://www.chicago.gov/ content/city/en.html",
        "/city/en.html",
        &["stray-space", "prefix-rewrite", "own-site-relative"],
    ),
    (
        "/content/dam/city/depts/fin/Annual Report 2019.pdf",
        "/content/dam/city/depts/fin/Annual%20Report%202019.pdf",
        &["encode-space"],
    ),
    (
        "/dam/city/depts/fin/July Open Session Minutes.doc",
        "/dam/city/depts/fin/July%20Open%20Session%20Minutes.doc",
        &["encode-space"],
    ),
    (
        "docs/Meeting Notes 2021.pdf",
        "docs/Meeting%20Notes%202021.pdf",
        &["encode-space"],
    ),
    (
        "uploads\\Guide 2021.pdf",
        "uploads/Guide%202021.pdf",
        &["backslash", "encode-space"],
    ),
    (
        "https://www.chicago.gov/content/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["prefix-rewrite", "own-site-relative"],
    ),
    (
        "https://www.chicago.gov/content/city/en.html",
        "/city/en.html",
        &["prefix-rewrite", "own-site-relative"],
    ),
    (
        "/content/city/en/depts/fin/supp_info/faq.html",
        "/city/en/depts/fin/supp_info/faq.html",
        &["prefix-rewrite"],
    ),
    (
        "/content/city/en/depts/fin/supp_info/faq.html#hours",
        "/city/en/depts/fin/supp_info/faq.html#hours",
        &["prefix-rewrite"],
    ),
    (
        "/content/city/en/depts/fin.html?tab=2",
        "/city/en/depts/fin.html?tab=2",
        &["prefix-rewrite"],
    ),
    (
        "https://www.chicago.gov/content/dam/city/depts/fin/a.pdf",
        "/content/dam/city/depts/fin/a.pdf",
        &["own-site-relative"],
    ),
    (
        "/content/dam/city/depts/fin/a.pdf",
        "/content/dam/city/depts/fin/a.pdf",
        &[],
    ),
    (
        "https://www.chicago.gov/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["own-site-relative"],
    ),
    (
        "http://www.chicago.gov/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["https-upgrade", "own-site-relative"],
    ),
    (
        "http://www.cityofchicago.org/city/en/depts/fin.html",
        "/city/en/depts/fin.html",
        &["https-upgrade", "own-site-relative"],
    ),
    (
        "https://cityofchicago.org/city/en.html",
        "/city/en.html",
        &["own-site-relative"],
    ),
    (
        "http://chicago.gov/",
        "/",
        &["https-upgrade", "own-site-relative"],
    ),
    ("https://www.chicago.gov", "/", &["own-site-relative"]),
    (
        "https://www.chicago.gov:443/city/en.html",
        "/city/en.html",
        &["own-site-relative"],
    ),
    (
        "HTTPS://WWW.CHICAGO.GOV/city/en.html",
        "/city/en.html",
        &["own-site-relative"],
    ),
    (
        "https://www.chicago.gov/city/en/./depts/../depts/fin.html",
        "/city/en/depts/fin.html",
        &["own-site-relative"],
    ),
    ("/city/en/depts/fin.html", "/city/en/depts/fin.html", &[]),
    (
        "/city/en/depts/fin.html#top",
        "/city/en/depts/fin.html#top",
        &[],
    ),
    (
        "/city/en/depts/fin.html?lang=es",
        "/city/en/depts/fin.html?lang=es",
        &[],
    ),
    ("/../countycouncil", "/countycouncil", &["whatwg"]),
    ("/city/en/a/../b.html", "/city/en/b.html", &["whatwg"]),
    (
        "https://data.cityofchicago.org/",
        "https://data.cityofchicago.org/",
        &[],
    ),
    (
        "http://techplan.cityofchicago.org/",
        "http://techplan.cityofchicago.org/",
        &[],
    ),
    (
        "http://www.example.org",
        "http://www.example.org/",
        &["whatwg"],
    ),
    (
        "HTTP://Example.ORG:80/a/./b/../c",
        "http://example.org/a/c",
        &["whatwg"],
    ),
    (
        "https://example.org/path?utm_source=newsletter&utm_medium=email",
        "https://example.org/path",
        &["tracking-param"],
    ),
    (
        "https://example.org/path?id=7&utm_campaign=x",
        "https://example.org/path?id=7",
        &["tracking-param"],
    ),
    (
        "https://www.chicago.gov/city/en.html?utm_source=x#top",
        "/city/en.html#top",
        &["tracking-param", "own-site-relative"],
    ),
    (
        "https://example.org/?fbclid=abc",
        "https://example.org/",
        &["tracking-param"],
    ),
    (
        "https://example.org/search?q=tree care",
        "https://example.org/search?q=tree%20care",
        &["encode-space"],
    ),
    (
        "https://twitter.com/intent/tweet?text=Read this",
        "https://twitter.com/intent/tweet?text=Read%20this",
        &["encode-space"],
    ),
    (
        "https://example.org/a(b)c",
        "https://example.org/a(b)c",
        &[],
    ),
    (
        "https://bücher.example/katalog",
        "https://xn--bcher-kva.example/katalog",
        &["whatwg"],
    ),
    (
        "ftp://files.example.org/pub/a.txt",
        "ftp://files.example.org/pub/a.txt",
        &[],
    ),
    ("#", "<dropped>", &["placeholder"]),
    (" # ", "<dropped>", &["placeholder"]),
    ("", "<dropped>", &["placeholder"]),
    ("javascript:void(0)", "<dropped>", &["unsafe-scheme"]),
    ("javascript:;", "<dropped>", &["unsafe-scheme"]),
    (
        "JavaScript:openWindow('x')",
        "<dropped>",
        &["unsafe-scheme"],
    ),
    (" javascript:moveToTop()", "<dropped>", &["unsafe-scheme"]),
    ("vbscript:msgbox", "<dropped>", &["unsafe-scheme"]),
    (
        "data:text/html;base64,PHNjcmlwdD4=",
        "<dropped>",
        &["unsafe-scheme"],
    ),
    (
        "data:image/png;base64,iVBORw0KGgo=",
        "data:image/png;base64,iVBORw0KGgo=",
        &[],
    ),
    ("java\tscript:alert(1)", "<dropped>", &["unsafe-scheme"]),
    (
        "mailto:finance@example.org",
        "mailto:finance@example.org",
        &[],
    ),
    (
        "mailto: finance@example.org",
        "mailto:finance@example.org",
        &["mailto-trim"],
    ),
    (
        "mailto:finance@example.org ",
        "mailto:finance@example.org",
        &["mailto-trim"],
    ),
    (
        "MAILTO:Finance@Example.org",
        "mailto:Finance@Example.org",
        &["mailto-trim"],
    ),
    ("mailto:", "<dropped>", &["placeholder"]),
    (
        "mailto:?subject=Tree Care&body=See the page",
        "mailto:?subject=Tree%20Care&body=See%20the%20page",
        &["encode-space"],
    ),
    (
        "mailto:a@example.org?subject=Hello World",
        "mailto:a@example.org?subject=Hello%20World",
        &["encode-space"],
    ),
    ("tel:3125550100", "tel:3125550100", &[]),
    ("tel:312.555\n   .0100", "tel:312.555.0100", &["tel-trim"]),
    ("Tel:773-555-0199", "tel:773-555-0199", &["tel-trim"]),
    ("tel: 216-555-0163", "tel:216-555-0163", &["tel-trim"]),
    ("#top", "#top", &[]),
    ("#!", "#!", &[]),
    ("#content", "#content", &[]),
    ("?page=2", "?page=2", &[]),
    ("../fees.html", "../fees.html", &[]),
    ("fees.html#rates", "fees.html#rates", &[]),
    ("./index.html", "./index.html", &[]),
    (
        "{{ site.baseurl }}/assets/img/x.jpg",
        "{{ site.baseurl }}/assets/img/x.jpg",
        &[],
    ),
    (
        "/{{ page.lang }}/depts.html",
        "/{{ page.lang }}/depts.html",
        &[],
    ),
    (
        "https://www.chicago.gov/content/city/en/depts/fin.html/",
        "/city/en/depts/fin.html/",
        &["prefix-rewrite", "own-site-relative"],
    ),
    ("/city/en/depts/fin/", "/city/en/depts/fin/", &[]),
    (
        "https://maps.example.com/maps/dir/333+S.+State+Street%2C+Chicago",
        "https://maps.example.com/maps/dir/333+S.+State+Street%2C+Chicago",
        &[],
    ),
    (
        "https://www.chicago.gov/city/en/depts/fin.html?a=1&utm_term=x&b=2",
        "/city/en/depts/fin.html?a=1&b=2",
        &["tracking-param", "own-site-relative"],
    ),
];

fn root_relative() -> Settings {
    let yaml = DEFAULT_CONFIG.replace("outside: absolute", "outside: root-relative");
    assert_ne!(yaml, DEFAULT_CONFIG);
    Settings::from_yaml(&yaml, "root-relative", std::path::Path::new("."), None).unwrap()
}

#[test]
fn by_default_own_site_links_are_the_same_paths_on_the_origin() {
    let settings =
        Settings::from_yaml(DEFAULT_CONFIG, "default", std::path::Path::new("."), None).unwrap();
    let mut own = 0;
    for (raw, want, _) in SHAPES {
        if !want.starts_with('/') || want.starts_with("//") || want.contains("{{") {
            continue;
        }
        own += 1;
        let link = settings.policy.normalize(raw);
        let expected = format!("https://www.chicago.gov{want}");
        assert_eq!(link.url.as_deref(), Some(expected.as_str()), "{raw:?}");
        assert!(!link.rules.contains(&"own-site-relative"), "{raw:?}");
    }
    assert!(own >= 30, "{own} own-site shapes");
}

#[test]
fn every_shape_normalizes_as_expected() {
    let settings = root_relative();
    assert!(SHAPES.len() >= 80);
    let mut failures = Vec::new();
    for (raw, want, rules) in SHAPES {
        let link = settings.policy.normalize(raw);
        let got = link.url.as_deref().unwrap_or("<dropped>");
        if got != *want || link.rules.as_slice() != *rules {
            failures.push(format!(
                "{raw:?}: got {got:?} {:?}, want {want:?} {rules:?}",
                link.rules
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
