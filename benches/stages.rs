//! Per-stage benchmarks on realistic pages (the sample site's pages and a generated
//! department page of ~60 KB with menus, cards, a long table and broken links):
//! decoding, parsing, profile choice + extraction, Markdown, link normalization, and a
//! whole page. `cargo bench --bench stages`.

use std::path::Path;

use divan::Bencher;
use pagemill::dom::{Document, DomIndex};
use pagemill::links::Linker;
use pagemill::page::{self, Context};
use pagemill::Settings;

fn main() {
    divan::main();
}

fn settings() -> Settings {
    Settings::from_yaml(
        pagemill::config::DEFAULT_CONFIG,
        "default",
        Path::new("."),
        None,
    )
    .expect("the default configuration loads")
}

/// A rendered department page in the shape of the real corpus.
fn big_page() -> String {
    let mut h = String::from(
        "<!DOCTYPE html><html><head><meta charset=utf-8><title>Water | City</title></head><body>",
    );
    h.push_str("<a class=skip-link href=#main>Skip to main content</a><header><nav><ul>");
    for m in 0..60 {
        h.push_str(&format!(
            "<li><a href=\"/city/en/m{m}.html\">Menu item {m}</a></li>"
        ));
    }
    h.push_str("</ul></nav></header><main id=main><ol class=breadcrumb><li><a href=/>Home</a></li><li>Water</li></ol><h1>Water</h1>");
    for p in 0..80 {
        h.push_str(&format!(
            "<p>Paragraph {p} explains the <a href=\"https://www.chicago.gov/content/ city/en/depts/w/p{p}.html\">service</a> and its <em>hours</em>, with <a href=\"#\">a placeholder</a>.</p>"
        ));
    }
    h.push_str("<table><tr><th>Date</th><th>Agenda</th></tr>");
    for r in 0..150 {
        h.push_str(&format!("<tr><td>{r}/1/2019</td><td><a href=\"/content/dam/city/a{r}.pdf\">Agenda</a></td></tr>"));
    }
    h.push_str("</table></main><footer><p>City hall</p></footer></body></html>");
    h
}

fn pages() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = vec![("big.html".to_string(), big_page().into_bytes())];
    for rel in [
        "input/depts/parks/index.html",
        "input/depts/library/hours-and-branches.html",
    ] {
        out.push((
            rel.to_string(),
            std::fs::read(root.join(rel)).expect("sample page"),
        ));
    }
    out
}

#[divan::bench(args = [0, 1, 2])]
fn decode(b: Bencher, i: usize) {
    let (_, bytes) = &pages()[i];
    b.counter(divan::counter::BytesCount::new(bytes.len()))
        .bench_local(|| pagemill::source::decode::decode(divan::black_box(bytes)));
}

#[divan::bench(args = [0, 1, 2])]
fn parse(b: Bencher, i: usize) {
    let (_, bytes) = &pages()[i];
    let text = String::from_utf8_lossy(bytes).into_owned();
    b.counter(divan::counter::BytesCount::new(bytes.len()))
        .bench_local(|| Document::parse(divan::black_box(&text)));
}

#[divan::bench(args = [0, 1, 2])]
fn index_and_choose(b: Bencher, i: usize) {
    let s = settings();
    let (rel, bytes) = &pages()[i];
    let text = String::from_utf8_lossy(bytes).into_owned();
    let doc = Document::parse(&text);
    b.bench_local(|| {
        let index = DomIndex::new(&doc.root());
        s.choose(rel, None, &index).profile.name.len()
    });
}

#[divan::bench(args = [0, 1, 2])]
fn markdown(b: Bencher, i: usize) {
    let s = settings();
    let (_, bytes) = &pages()[i];
    let text = String::from_utf8_lossy(bytes).into_owned();
    let linker = Linker::plain(&s.policy);
    b.bench_local(|| {
        pagemill::page::html_to_markdown(&text, &linker, pagemill::markdown::Options::default())
    });
}

#[divan::bench]
fn normalize_links(b: Bencher) {
    let s = settings();
    let links = [
        "/contenthttps://www.chicago.gov/city/en/depts/fin.html",
        "https://www.chicago.gov/content/ city/en/depts/dhr/p.html",
        "www.chicago.gov/city/en/depts/x.html",
        "http://chicago.gov/city/en/a.html?utm_source=x#top",
        "mailto: someone@example.org",
        "#",
        "javascript:void(0)",
        "https://example.org/path with space",
    ];
    b.bench_local(|| {
        links
            .iter()
            .map(|l| s.policy.normalize(divan::black_box(l)).rules.len())
            .sum::<usize>()
    });
}

#[divan::bench(args = [0, 1, 2])]
fn whole_page(b: Bencher, i: usize) {
    let s = settings();
    let (rel, bytes) = &pages()[i];
    let rel = rel.rsplit('/').next().unwrap_or(rel).to_string();
    b.counter(divan::counter::BytesCount::new(bytes.len()))
        .bench_local(|| {
            page::convert(bytes, Context::path(&rel), &s, &Linker::plain(&s.policy)).is_ok()
        });
}
