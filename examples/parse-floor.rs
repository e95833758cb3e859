//! The floor for any converter built on html5ever + markup5ever_rcdom: read every page
//! under a folder and parse it into an RcDom on a rayon pool, nothing else. Benchmarks
//! compare `pagemill convert` against it in CPU seconds per MB.
//!
//! `cargo run --release --example parse-floor -- DIR [-j N]`

mod common;

use std::path::PathBuf;

use html5ever::tendril::TendrilSink;
use rayon::prelude::*;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut jobs = 0usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "-j" => jobs = args.next().and_then(|j| j.parse().ok()).expect("-j N"),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.expect("usage: parse-floor DIR [-j N]");
    let files = common::html_pages(&dir);
    let pool = common::pool(jobs);
    let started = std::time::Instant::now();
    let (bytes, nodes): (usize, usize) = pool.install(|| {
        files
            .par_iter()
            .map(|f| {
                let data = std::fs::read(f).expect("read a page");
                let text = String::from_utf8_lossy(&data);
                let dom = html5ever::parse_document(
                    markup5ever_rcdom::RcDom::default(),
                    Default::default(),
                )
                .one(text.as_ref());
                let children = dom.document.children.borrow().len();
                (data.len(), children)
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    eprintln!(
        "parse-floor: {} pages, {:.1} MB parsed in {:.2}s ({nodes} top nodes)",
        files.len(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
}
