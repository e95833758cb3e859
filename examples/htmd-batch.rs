//! The fastest peer for `pagemill convert`'s instruction counts: htmd's conversion of
//! every page under a folder on a rayon pool — read, parse and write Markdown with a
//! two-key front matter (title and source path), nothing else.
//!
//! `cargo run --release --example htmd-batch -- DIR -o OUT [-j N]`

mod common;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let (mut dir, mut out, mut jobs) = (None, None, 0usize);
    while let Some(a) = args.next() {
        match a.as_str() {
            "-j" => jobs = args.next().and_then(|j| j.parse().ok()).expect("-j N"),
            "-o" => out = args.next().map(PathBuf::from),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let (dir, out) = match (dir, out) {
        (Some(d), Some(o)) => (d, o),
        _ => panic!("usage: htmd-batch DIR -o OUT [-j N]"),
    };
    let files = common::html_pages(&dir);
    let pool = common::pool(jobs);
    let started = std::time::Instant::now();
    let bytes: usize = pool.install(|| files.par_iter().map(|f| convert(f, &dir, &out)).sum());
    eprintln!(
        "htmd-batch: {} pages, {:.1} MB converted in {:.2}s",
        files.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}

fn convert(file: &Path, dir: &Path, out: &Path) -> usize {
    let data = std::fs::read(file).expect("read a page");
    let html = String::from_utf8_lossy(&data);
    let markdown = htmd::convert(&html).expect("htmd converts the page");
    let rel = file.strip_prefix(dir).expect("a page under the folder");
    let title = title_of(&html);
    let page = format!(
        "---\ntitle: {title:?}\nsource: {:?}\n---\n\n{markdown}\n",
        rel.to_string_lossy()
    );
    let dest = out.join(rel).with_extension("md");
    std::fs::create_dir_all(dest.parent().expect("a folder")).expect("create the folder");
    std::fs::write(&dest, page).expect("write the page");
    data.len()
}

/// The text of the page's `<title>`, found in the source.
fn title_of(html: &str) -> &str {
    let lower = html.to_ascii_lowercase();
    lower
        .find("<title>")
        .map(|at| at + "<title>".len())
        .and_then(|start| Some((start, start + lower[start..].find("</title>")?)))
        .map_or("", |(start, end)| html[start..end].trim())
}
