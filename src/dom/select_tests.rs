//! Selector matching against hand-written documents and, as a property, against
//! testing every element with `selectors` directly.

use super::*;
use crate::dom::{attr, text, Document};

fn texts(html: &str, sel: &str) -> Vec<String> {
    let doc = Document::parse(html);
    let ix = DomIndex::new(&doc.root());
    ix.select(&Selector::parse(sel).unwrap())
        .iter()
        .map(text)
        .collect()
}

#[test]
fn descendant_child_and_sibling_combinators() {
    let html = "<div class=a><p>1</p><span><p>2</p></span></div><p>3</p><p>4</p>";
    assert_eq!(texts(html, ".a p"), ["1", "2"]);
    assert_eq!(texts(html, ".a > p"), ["1"]);
    assert_eq!(texts(html, "div + p"), ["3"]);
    assert_eq!(texts(html, "div ~ p"), ["3", "4"]);
}

#[test]
fn attributes_structural_pseudo_classes_and_case() {
    let html = r##"<ul><li><a href="/x.pdf">a</a></li><li><a href="#">b</a></li><li>c</li></ul>"##;
    assert_eq!(texts(html, "a[href$='.pdf']"), ["a"]);
    assert_eq!(texts(html, "LI:nth-child(2) A"), ["b"]);
    assert_eq!(texts(html, "li:last-child"), ["c"]);
    assert_eq!(texts(html, "li:not(:has(a))"), ["c"]);
    assert_eq!(texts(html, "li:contains('  B ')"), ["b"]);
    assert!(Selector::parse("li:hover").is_err());
    assert_eq!(texts(html, "li:first-child, li:last-child"), ["a", "c"]);
}

/// Attribute selectors take their candidates from an index of attribute names: the
/// same elements as testing every one.
#[test]
fn attribute_selectors_find_every_match() {
    let html = r#"<div role=main><p ROLE="note" class="x back-to-top">1</p>
        <svg viewBox="0 0 1 1"><g aria-label="Cookie notice">2</g></svg>
        <span data-x>3</span><i lang="en-US">4</i></div>"#;
    assert_eq!(texts(html, "[role=note]"), ["1"]);
    assert_eq!(texts(html, "[ROLE=note i]"), ["1"]);
    assert_eq!(texts(html, "[class*=back-to-top]"), ["1"]);
    assert_eq!(texts(html, "[aria-label*=cookie i]"), ["2"]);
    // As in browsers: attribute names of SVG elements keep their case.
    assert_eq!(texts(html, "[viewBox]").len(), 1);
    assert!(texts(html, "[viewbox]").is_empty());
    assert_eq!(texts(html, "[data-x], [lang|=en]"), ["3", "4"]);
    assert_eq!(texts(html, "[role]").len(), 2);
    assert!(texts(html, "[nothing]").is_empty());
}

#[test]
fn scoped_selection_stays_inside_the_scope() {
    let doc = Document::parse(
        "<section id=s><div class=t><a href=/1>x</a></div></section><div class=t><a href=/2>y</a></div>",
    );
    let ix = DomIndex::new(&doc.root());
    let section = ix.first(&Selector::parse("#s").unwrap(), None).unwrap();
    let hits = ix.select_within(&Selector::parse(".t a").unwrap(), &section);
    assert_eq!(hits.len(), 1);
    assert_eq!(attr(&hits[0], "href").as_deref(), Some("/1"));
}

#[test]
fn invalid_selector_is_an_error_naming_it() {
    let err = Selector::parse("a:hover").unwrap_err();
    assert!(err.to_string().contains("a:hover"), "{err}");
    assert!(Selector::parse("div[").is_err());
}

/// Every element tested against every selector of the list, without candidates or a
/// bloom filter: what `select` must agree with.
fn naive(ix: &DomIndex, selector: &Selector) -> Vec<usize> {
    let mut caches = SelectorCaches::default();
    let mut cx = context(&mut caches, None);
    (0..ix.entries.len())
        .filter(|&i| selectors::matching::matches_selector_list(&selector.list, ix.el(i), &mut cx))
        .collect()
}

fn tree() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let tag = prop::sample::select(vec!["div", "nav", "ul", "li", "a", "p", "span", "SVG"]);
    let class = prop::sample::select(vec![
        "",
        " class=x",
        " class='x y'",
        " class=y",
        " id=m",
        " href='#top' class=X",
        " href=/x type=TEXT",
        " lang=en-US href=#",
    ]);
    let leaf = (tag.clone(), class.clone()).prop_map(|(t, c)| format!("<{t}{c}>t</{t}>"));
    leaf.prop_recursive(6, 64, 4, move |inner| {
        (
            tag.clone(),
            class.clone(),
            prop::collection::vec(inner, 0..4),
        )
            .prop_map(|(t, c, kids)| format!("<{t}{c}>{}</{t}>", kids.concat()))
    })
}

proptest::proptest! {
    #[test]
    fn selection_agrees_with_testing_every_element(html in tree()) {
        let doc = Document::parse(&html);
        let ix = DomIndex::new(&doc.root());
        let sources = [
            "nav li", "nav > ul li", ".x a", "#m span, .y li", "div .x .y", "li a, p, #m",
            "ul:not(:has(a)) li", ".x:not(:has(li)) a", "div + p", "li ~ li a", "svg li",
            "nav li, .x li, #m li, .y:not(:has(li)) a, span", "*", ":not(p) a", "div, nav li",
            // Attribute tests, which reject candidates before the full match.
            "a[href^='#']", "[type=text]", "a:not([href^='#'])", "[class~=y]", "[lang|=en]",
            "[class*=x i], [href$=top s]", "li [href='#'], nav a[href]", "[href^='#' i][class=X]",
            // Ancestors with an id or class, which limit the candidates to their subtrees.
            ".x > li", "ul.x li a", "#m li, .y > a", ".x + li a", "#m ~ li span", ".x li + li",
            ".y > .x li", "#m > ul > li a, .x span", ".x + .y li", ".x > .y ~ a", "div.y *",
        ];
        let selectors: Vec<Selector> = sources.iter().map(|s| Selector::parse(s).unwrap()).collect();
        // An index of the keys of every other selector, as a run's profiles give: those
        // are served by it, the others by the index of every key.
        let wanted = KeySlots::of(selectors.iter().step_by(2));
        let keyed = DomIndex::for_selectors(&doc, &std::sync::Arc::new(wanted));
        for (source, selector) in sources.iter().zip(&selectors) {
            let fast = ix.matching(selector, 0, ix.entries.len(), false);
            let all = naive(&ix, selector);
            proptest::prop_assert_eq!(&fast, &all, "{} in {}", source, html);
            let by_wanted = keyed.matching(selector, 0, keyed.entries.len(), false);
            proptest::prop_assert_eq!(&by_wanted, &all, "{} (wanted keys) in {}", source, html);
            // Within a part of the page: each element's subtree.
            for at in 0..ix.entries.len() {
                let end = ix.entries[at].subtree_end as usize + 1;
                let part = ix.matching(selector, at + 1, end, false);
                let expected: Vec<usize> =
                    all.iter().copied().filter(|&i| i > at && i < end).collect();
                proptest::prop_assert_eq!(part, expected, "{} under {} in {}", source, at, html);
            }
            let first = ix.first(selector, None).map(|h| ix.position(&h).unwrap());
            proptest::prop_assert_eq!(first, fast.first().copied(), "{} in {}", source, html);
        }
    }
}

proptest::proptest! {
    #[test]
    fn dense_and_sorted_candidate_merges_agree(
        lists in proptest::collection::vec(proptest::collection::btree_set(10u32..60, 0..30), 1..6)
    ) {
        let mut out: Vec<(u32, u64)> = Vec::new();
        for (j, list) in lists.iter().enumerate() {
            out.extend(list.iter().map(|&i| (i, 1u64 << j)));
        }
        let mut sorted = out.clone();
        crate::dom::candidates::merge_sorted(&mut sorted);
        crate::dom::candidates::merge_dense(&mut out, 10, 50);
        proptest::prop_assert_eq!(out, sorted);
    }
}

#[test]
fn a_list_of_more_than_64_selectors_tests_them_all() {
    let html = "<div><p class=c70>a</p><p class=c3>b</p><p>c</p></div>";
    let list = (0..80)
        .map(|i| format!("div .c{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    assert_eq!(texts(html, &list), ["a", "b"]);
}
