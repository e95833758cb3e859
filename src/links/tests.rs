//! Tests of the default (City of Chicago) link policy on the patterns of the real pages.

use super::*;
use crate::links::map::{UrlHints, UrlMap};
use crate::links::Linker;
use crate::source::liquid;
use proptest::strategy::Strategy;

fn chicago() -> LinkPolicy {
    LinkPolicy::new(&LinksConfig {
        origin: Some("https://www.chicago.gov".into()),
        aliases: vec![
            "chicago.gov".into(),
            "cityofchicago.org".into(),
            "www.cityofchicago.org".into(),
        ],
        outside: OwnSiteStyle::RootRelative,
        https_upgrade: HttpsUpgrade::Own,
        prefix_rewrites: vec![PrefixRewrite {
            from: "/content/city/".into(),
            to: "/city/".into(),
        }],
        strip_params: default_strip_params(),
        old_root: None,
        internal: InternalStyle::Url,
        new_base: "/".into(),
    })
    .unwrap()
}

fn norm(raw: &str) -> (Option<String>, Vec<&'static str>) {
    let l = chicago().normalize(raw);
    (l.url, l.rules.to_vec())
}

#[test]
fn glued_url_is_repaired_and_made_root_relative() {
    assert_eq!(
        norm("/contenthttps://www.chicago.gov/city/en/depts/doit/provdrs/gis.html"),
        (
            Some("/city/en/depts/doit/provdrs/gis.html".into()),
            vec![rule::GLUED_URL, rule::OWN_SITE]
        )
    );
    assert_eq!(
        norm("/content/damhttps://example.org/a.pdf").0.as_deref(),
        Some("https://example.org/a.pdf")
    );
}

#[test]
fn missing_scheme_gets_https() {
    assert_eq!(
        norm("www.chicago.gov/city/depts/doit/general/ChicagoHWSWStandards.pdf"),
        (
            Some("/city/depts/doit/general/ChicagoHWSWStandards.pdf".into()),
            vec![rule::MISSING_SCHEME, rule::OWN_SITE]
        )
    );
    assert_eq!(
        norm("www.example.org/x").0.as_deref(),
        Some("https://www.example.org/x")
    );
}

#[test]
fn stray_space_and_aem_prefix() {
    assert_eq!(
        norm("https://www.chicago.gov/content/ city/en/depts/bldgs.html"),
        (
            Some("/city/en/depts/bldgs.html".into()),
            vec![rule::STRAY_SPACE, rule::PREFIX_REWRITE, rule::OWN_SITE]
        )
    );
    // DAM assets keep their path.
    assert_eq!(
        norm("https://www.chicago.gov/content/dam/city/a.pdf")
            .0
            .as_deref(),
        Some("/content/dam/city/a.pdf")
    );
}

#[test]
fn inner_spaces_are_percent_encoded() {
    assert_eq!(
        norm("/content/dam/city/depts/Annual Report 2019.pdf"),
        (
            Some("/content/dam/city/depts/Annual%20Report%202019.pdf".into()),
            vec![rule::ENCODE_SPACE]
        )
    );
    assert_eq!(norm("docs/a b.pdf").0.as_deref(), Some("docs/a%20b.pdf"));
}

#[test]
fn https_upgrade_only_for_own_hosts() {
    assert_eq!(
        norm("http://www.cityofchicago.org/city/en.html")
            .0
            .as_deref(),
        Some("/city/en.html")
    );
    assert_eq!(
        norm("http://techplan.cityofchicago.org/"),
        (Some("http://techplan.cityofchicago.org/".into()), vec![])
    );
}

#[test]
fn whatwg_normalization_is_named() {
    assert_eq!(
        norm("HTTPS://Example.ORG:443/a/./b/../c"),
        (Some("https://example.org/a/c".into()), vec![rule::WHATWG])
    );
    assert_eq!(
        norm("/city/en/x.html"),
        (Some("/city/en/x.html".into()), vec![])
    );
}

#[test]
fn placeholders_and_unsafe_schemes_are_dropped() {
    for raw in ["#", "", "  ", "mailto:"] {
        assert_eq!(norm(raw), (None, vec![rule::PLACEHOLDER]), "{raw:?}");
    }
    for raw in [
        "javascript:void(0)",
        " JavaScript:alert(1)",
        "vbscript:x",
        "data:text/html,x",
        "java\nscript:x",
    ] {
        assert_eq!(norm(raw), (None, vec![rule::UNSAFE_SCHEME]), "{raw:?}");
    }
    assert!(norm("data:image/png;base64,AAAA").0.is_some());
}

#[test]
fn mailto_and_tel_are_trimmed() {
    assert_eq!(
        norm("mailto: doit@cityofchicago.org"),
        (
            Some("mailto:doit@cityofchicago.org".into()),
            vec![rule::MAILTO_TRIM]
        )
    );
    assert_eq!(
        norm("tel:312.744\n.5000"),
        (Some("tel:312.744.5000".into()), vec![rule::TEL_TRIM])
    );
}

#[test]
fn liquid_links_are_kept_verbatim() {
    let raw = format!("{}0{}/assets/x.css", liquid::OPEN, liquid::CLOSE);
    assert_eq!(norm(&raw), (Some(raw.clone()), vec![]));
    // Include parameters hold Liquid as written, not as placeholders.
    let raw = "{{ site.baseurl }}/assets/img/events.jpg";
    assert_eq!(norm(raw), (Some(raw.to_string()), vec![]));
}

#[test]
fn fragments_and_relative_links_stay() {
    assert_eq!(norm("#top"), (Some("#top".into()), vec![]));
    assert_eq!(
        norm("../doit.html#a"),
        (Some("../doit.html#a".into()), vec![])
    );
}

/// Found by fuzzing: `/./` + line break + `/` became `//`, which normalizes again to
/// `https://`.
#[test]
fn an_own_path_starting_with_two_slashes_stays_a_path() {
    let p = chicago();
    for raw in ["/./\n/", "/.//x", "https://www.chicago.gov//x?a#b"] {
        let once = p.normalize(raw).url.unwrap();
        assert!(once.starts_with("/./"), "{raw:?} -> {once}");
        assert_eq!(
            p.normalize(&once).url.as_deref(),
            Some(once.as_str()),
            "{raw:?}"
        );
    }
}

/// Found by fuzzing: a URL that did not parse with a space parsed once the space was
/// encoded, so the second normalization changed it again.
#[test]
fn a_url_that_parses_only_once_its_spaces_are_encoded_is_stable() {
    let p = chicago();
    let raw = "khttps://www.chicagot{tps% ://www\\\\";
    let once = p.normalize(raw).url.unwrap();
    assert_eq!(p.normalize(&once).url.as_deref(), Some(once.as_str()));
}

/// Found by fuzzing: a script URL behind a NUL was kept (browsers strip leading C0
/// controls), and an encoded space after `{` made `{%`, which the next pass (and a
/// Liquid build) read as a tag.
#[test]
fn leading_controls_and_braces_before_spaces() {
    let p = chicago();
    for raw in [
        "\0vbscript:alert(1)",
        "\u{1}\u{1f} javascript:x",
        "\0vbscript:\0{ \r\0 :",
    ] {
        assert_eq!(p.normalize(raw).url, None, "{raw:?}");
    }
    let once = p.normalize("a{ b.html").url.unwrap();
    assert_eq!(once, "a%7B%20b.html");
    assert_eq!(p.normalize(&once).url.as_deref(), Some(once.as_str()));
    let mail = p.normalize("mailto:x@y.org?subject={ hi }").url.unwrap();
    assert!(!mail.contains("{%"), "{mail}");
}

fn with_old_root() -> LinkPolicy {
    let mut config = chicago().config().clone();
    config.old_root = Some("https://www.chicago.gov/city/en/".into());
    LinkPolicy::new(&config).unwrap()
}

proptest::proptest! {
    #[test]
    fn plain_paths_are_what_the_url_parser_makes_of_them(
        segments in proptest::collection::vec(
            proptest::prop_oneof![
                "[a-zA-Z0-9_.~!$&'()*+,;=@-]{0,6}",
                proptest::sample::select(vec![".", "..", "%2e", "%2E.", "", "a:b", "x y", "q?x", "f#y", "a\\b"])
                    .prop_map(str::to_string),
            ],
            0..6,
        )
    ) {
        let raw = format!("/{}", segments.join("/"));
        for policy in [chicago(), with_old_root()] {
            if policy.keeps_as_is(&raw, OwnSiteStyle::RootRelative) {
                let mut rules = crate::links::Rules::new();
                let parsed = policy.apply_parsed(&raw, OwnSiteStyle::RootRelative, &mut rules);
                proptest::prop_assert_eq!(parsed.as_deref(), Some(raw.as_str()));
                proptest::prop_assert!(rules.is_empty(), "{:?}", rules);
            }
        }
    }

    #[test]
    fn plain_path_checks_every_byte_and_segment(
        segments in proptest::collection::vec(
            proptest::prop_oneof![
                "[a-z.]{0,4}",
                proptest::sample::select(vec![".", "..", "...", ".a", "", "a:b", "%2e", "x y", "{x}"])
                    .prop_map(str::to_string),
            ],
            0..6,
        ),
        lead in proptest::sample::select(vec!["/", "//", "", "a/"]),
    ) {
        let s = format!("{lead}{}", segments.join("/"));
        let plain_byte = |b: u8| b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b);
        let expected = s.starts_with('/')
            && !s.starts_with("//")
            && s.bytes().all(plain_byte)
            && !s.split('/').any(|segment| segment == "." || segment == "..");
        proptest::prop_assert_eq!(super::normalize::is_plain_path(&s), expected, "{:?}", s);
    }

    #[test]
    fn a_plain_path_is_linked_as_its_normalization_is(
        dir in "[a-z]{1,3}", page in "[a-z.]{1,6}", query in proptest::option::of("[a-z=]{0,4}"),
    ) {
        let policy = with_old_root();
        let pages = [(format!("{dir}/x.md"), format!("{dir}/x.html"), UrlHints::default())];
        let map = UrlMap::build(&policy, &pages);
        let linker = Linker::for_page(&policy, &map, "a/b.md");
        let mut raw = format!("/city/en/{dir}/{page}.html");
        if let Some(q) = query {
            raw = format!("{raw}?{q}");
        }
        let linked = linker.link(&raw);
        let normalized = policy.normalize(&raw);
        proptest::prop_assert_eq!(&linked.original, &normalized.original);
        if linked.kind != LinkKind::Internal {
            proptest::prop_assert_eq!(linked, normalized);
        }
    }

    #[test]
    fn a_plain_path_reaches_the_page_its_absolute_url_reaches(
        dir in "[a-z]{1,3}", page in "[a-z.]{1,6}", from in "[a-z]{1,3}",
    ) {
        let policy = with_old_root();
        let pages = [
            (format!("{dir}/{page}.md"), format!("{dir}/{page}.html"), UrlHints::default()),
            (format!("{from}/x.md"), format!("{from}/x.html"), UrlHints::default()),
        ];
        let map = UrlMap::build(&policy, &pages);
        let output = format!("{from}/x.md");
        let linker = Linker::for_page(&policy, &map, &output);
        let path = format!("/city/en/{dir}/{page}.html");
        let plain = linker.link(&path);
        let absolute = linker.link(&format!("https://www.chicago.gov{path}"));
        proptest::prop_assert_eq!(&plain.url, &absolute.url);
        proptest::prop_assert_eq!(plain.kind, absolute.kind);
    }
}
