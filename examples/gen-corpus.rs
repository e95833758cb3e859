//! Generates a corpus of rendered department pages for benchmarks, in the shapes of the
//! real corpus: site header and navigation, breadcrumbs, cards, long link lists, tables
//! up to 200 rows, a footer; sizes with a median near 30 KB and a tail to 500 KB; link
//! pathologies (placeholders, glued URLs, stray spaces, missing schemes, script URLs);
//! one page in twenty in windows-1252. The text is made of generated words.
//!
//! `cargo run --release --example gen-corpus -- --pages 2000 --seed 1 -o DIR`

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// SplitMix64: small, fast, and the same sequence for the same seed everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SYLLABLES: &[&str] = &[
    "ra", "to", "mi", "ver", "san", "lo", "ke", "dun", "pa", "tri", "mo", "shel", "ven", "gar",
    "lin", "bo", "cor", "da", "fen", "hol", "is", "jum", "nor", "quel", "sti", "wa",
];

fn word(rng: &mut Rng) -> String {
    let n = 1 + rng.below(3);
    (0..n)
        .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
        .collect()
}

fn words(rng: &mut Rng, n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&word(rng));
    }
    s
}

fn sentence(rng: &mut Rng) -> String {
    let n = 6 + rng.below(14);
    let mut s = words(rng, n);
    if let Some(c) = s.get_mut(0..1) {
        c.make_ascii_uppercase();
    }
    s.push('.');
    s
}

/// A link target, sometimes broken the ways legacy CMS links are.
fn href(rng: &mut Rng, pages: usize) -> String {
    let page = rng.below(pages);
    match rng.below(20) {
        0 => "#".to_string(),
        1 => "javascript:void(0)".to_string(),
        2 => format!(
            "/contenthttps://www.chicago.gov/city/en/depts/d{}/page{page}.html",
            page % 40
        ),
        3 => format!(
            "www.chicago.gov/city/en/depts/d{}/page{page}.html",
            page % 40
        ),
        4 => format!(
            "https://www.chicago.gov/content/ city/en/depts/d{}/page{page}.html",
            page % 40
        ),
        5 => format!(
            "https://www.chicago.gov/city/en/depts/d{}/page{page}.html?utm_source=x",
            page % 40
        ),
        6 => format!("https://example.org/{}", word(rng)),
        7 => format!("mailto: {}@example.org", word(rng)),
        _ => format!("/city/en/depts/d{}/page{page}.html", page % 40),
    }
}

fn page(rng: &mut Rng, i: usize, pages: usize, cp1252: bool) -> String {
    let title = format!("{} {}", words(rng, 2), i);
    let mut h = String::with_capacity(40_000);
    let charset = if cp1252 { "windows-1252" } else { "utf-8" };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"{charset}\"><title>{title} | City of Riverton</title>\
         <meta name=\"description\" content=\"{}\"><link rel=\"stylesheet\" href=\"/site.css\">\
         <script>window.dataLayer=[];</script></head>\n<body>\n\
         <a class=\"skip-link\" href=\"#main\">Skip to main content</a>\n\
         <header class=\"site-header\"><a href=\"/\"><img src=\"/logo.png\" alt=\"City of Riverton\"></a>\n<nav class=\"menu\"><ul>",
        sentence(rng)
    );
    for m in 0..8 {
        let _ = write!(
            h,
            "<li><a href=\"/city/en/m{m}.html\">Menu section {m}</a><ul>"
        );
        for s in 0..6 {
            let _ = write!(
                h,
                "<li><a href=\"/city/en/m{m}/s{s}.html\">Menu item {m}.{s}</a></li>"
            );
        }
        h.push_str("</ul></li>");
    }
    h.push_str("</ul></nav>\n<form role=\"search\" action=\"/search\"><input name=\"q\"><button>Search</button></form></header>\n");
    let _ = write!(
        h,
        "<main id=\"main\"><nav aria-label=\"breadcrumb\"><ol class=\"breadcrumb\"><li><a href=\"/\">Home</a></li>\
         <li><a href=\"/city/en/depts.html\">Departments</a></li><li class=\"active\">{title}</li></ol></nav>\n<h1>{title}</h1>\n"
    );
    // Size: most pages near 30 KB, a tail to 500 KB.
    let blocks = match rng.below(100) {
        0..=1 => 350 + rng.below(400),
        2..=11 => 80 + rng.below(160),
        _ => 18 + rng.below(40),
    };
    for b in 0..blocks {
        match rng.below(10) {
            0 => {
                let _ = writeln!(h, "<h2>{}</h2>", words(rng, 3));
            }
            1 => {
                h.push_str("<div class=\"cards\">");
                for _ in 0..4 {
                    let _ = write!(
                        h,
                        "<div class=\"card\"><img src=\"/img/{}.png\" alt=\"{}\"><h5><a href=\"{}\">{}</a></h5><p>{}</p></div>",
                        word(rng),
                        words(rng, 3),
                        href(rng, pages),
                        words(rng, 2),
                        sentence(rng)
                    );
                }
                h.push_str("</div>\n");
            }
            2 => {
                h.push_str("<ul>");
                for _ in 0..(5 + rng.below(30)) {
                    let _ = write!(
                        h,
                        "<li><a href=\"{}\">{}</a></li>",
                        href(rng, pages),
                        words(rng, 4)
                    );
                }
                h.push_str("</ul>\n");
            }
            3 if b % 3 == 0 => {
                let most = if rng.chance(10) { 195 } else { 30 };
                let rows = 5 + rng.below(most);
                h.push_str("<table><tr><th>Date</th><th>Meeting</th><th>Documents</th></tr>");
                for r in 0..rows {
                    let _ = write!(
                        h,
                        "<tr><td>{}/{}/2019</td><td>{}</td><td><a href=\"/content/dam/city/depts/docs/{}.pdf\">Agenda</a></td></tr>",
                        1 + r % 12,
                        1 + r % 28,
                        words(rng, 3),
                        word(rng)
                    );
                }
                h.push_str("</table>\n");
            }
            _ => {
                let mut p = String::new();
                for _ in 0..(2 + rng.below(5)) {
                    p.push_str(&sentence(rng));
                    p.push(' ');
                }
                if cp1252 && rng.chance(30) {
                    p.push_str("Caf\u{e9} hours \u{2014} see the notice.");
                }
                let _ = writeln!(
                    h,
                    "<p>{} <a href=\"{}\">{}</a></p>",
                    p.trim(),
                    href(rng, pages),
                    words(rng, 2)
                );
            }
        }
    }
    h.push_str("</main>\n<footer class=\"site-footer\"><ul>");
    for f in 0..12 {
        let _ = write!(
            h,
            "<li><a href=\"/city/en/f{f}.html\">Footer link {f}</a></li>"
        );
    }
    h.push_str("</ul><p>City of Riverton, 121 N. Main Street. All rights reserved.</p></footer>\n</body></html>\n");
    h
}

fn main() {
    let mut pages = 2000usize;
    let mut seed = 1u64;
    let mut out = PathBuf::from("corpus");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_default();
        match a.as_str() {
            "--pages" => pages = value.parse().expect("--pages N"),
            "--seed" => seed = value.parse().expect("--seed N"),
            "-o" | "--output" => out = PathBuf::from(value),
            _ => {
                eprintln!("usage: gen-corpus [--pages N] [--seed N] [-o DIR]");
                std::process::exit(2);
            }
        }
    }
    let bytes = generate(&out, pages, seed);
    eprintln!(
        "gen-corpus: {pages} pages, {:.1} MB in {}",
        bytes as f64 / 1e6,
        out.display()
    );
}

/// Writes `pages` pages under `out` and returns how many bytes they hold. `out` is the
/// old site's `/city/en/` (the `old_root` of the embedded default configuration): page
/// `i` is `out/depts/d{i % 40}/page{i}.html`, which the other pages link to as
/// `/city/en/depts/d{i % 40}/page{i}.html`.
pub fn generate(out: &Path, pages: usize, seed: u64) -> usize {
    let mut rng = Rng(seed);
    let mut bytes = 0usize;
    for i in 0..pages {
        let dir = out.join(format!("depts/d{}", i % 40));
        std::fs::create_dir_all(&dir).expect("create the corpus folder");
        let cp1252 = i % 20 == 7;
        let html = page(&mut rng, i, pages, cp1252);
        let data = if cp1252 {
            encoding_rs::WINDOWS_1252.encode(&html).0.into_owned()
        } else {
            html.into_bytes()
        };
        bytes += data.len();
        std::fs::write(dir.join(format!("page{i}.html")), data).expect("write a page");
    }
    bytes
}
