//! The pages boilerplate is learned from are parsed once: converted but for the cut
//! (`page::prepare`), then put together without the blocks the batch learned
//! (`page::assemble`). That must be the page `page::convert` makes by cutting the
//! blocks from the tree before rendering — text, links, losses, warnings — for any
//! block of any page. Each page of the real corpus (`../shared/corpus/real`) and of the
//! fixtures is tried with each of its blocks taken for boilerplate in turn, with all of
//! them at once, and under a site target (heading ids, same-page links); each
//! preparation goes through the spool's encoding first.

use std::path::{Path, PathBuf};

use pagemill::config::Settings;
use pagemill::extract::boilerplate::{self, Boilerplate};
use pagemill::links::Linker;
use pagemill::page::{self, Context};

fn settings(extra: &str) -> Settings {
    let yaml = format!("{}\n{extra}", pagemill::config::DEFAULT_CONFIG);
    Settings::from_yaml(&yaml, "test", Path::new("."), None).unwrap()
}

fn pages_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            pages_under(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| matches!(e.to_str(), Some("html" | "htm" | "shtml")))
        {
            out.push(path);
        }
    }
}

fn hex(print: &boilerplate::Fingerprint) -> String {
    print.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Default, Debug)]
struct Tally {
    tried: usize,
    assembled: usize,
    cut: usize,
    again: usize,
}

/// `convert` with `bp` against `prepare` + `assemble`; `None` when assembling declined.
fn compare(bytes: &[u8], rel: &str, settings: &Settings, bp: &Boilerplate, tally: &mut Tally) {
    let ctx = Context {
        boilerplate: Some(bp),
        review: true,
        ..Context::path(rel)
    };
    let policy = &settings.policy;
    let expected = page::convert(bytes, ctx, settings, &Linker::plain(policy));
    let Ok(prepared) = page::prepare(bytes, ctx, settings, &Linker::plain(policy)) else {
        return;
    };
    tally.tried += 1;
    // As the batch keeps it while boilerplate is learned: spooled, read back.
    let spooled = postcard::to_stdvec(&prepared).unwrap();
    let prepared: page::Prepared = postcard::from_bytes(&spooled).unwrap();
    let Some(got) = page::assemble(prepared, bp, ctx, settings, &Linker::plain(policy)) else {
        tally.again += 1;
        return;
    };
    tally.assembled += 1;
    let expected = format!("{expected:#?}");
    if expected.contains("boilerplate: the same block") {
        tally.cut += 1;
    }
    let got = format!("{got:#?}");
    if expected != got {
        if let Ok(dir) = std::env::var("PAGEMILL_CUT_DIFF") {
            std::fs::write(format!("{dir}/convert.txt"), &expected).unwrap();
            std::fs::write(format!("{dir}/assemble.txt"), &got).unwrap();
        }
        let at = expected
            .lines()
            .zip(got.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        let (a, b) = (
            expected.lines().nth(at).unwrap_or_default(),
            got.lines().nth(at).unwrap_or_default(),
        );
        let from = a
            .char_indices()
            .zip(b.chars())
            .find(|((_, x), y)| x != y)
            .map_or(a.len().min(b.len()), |((i, _), _)| i);
        let show = |s: &str| {
            let mut start = from.saturating_sub(200);
            while !s.is_char_boundary(start) {
                start -= 1;
            }
            s[start..].chars().take(500).collect::<String>()
        };
        panic!(
            "{rel}: assembled page differs from the converted one at line {at}:\n--- convert\n{}\n--- assemble\n{}",
            show(&expected),
            show(&got)
        );
    }
}

/// Tries every page under `dir` with up to `per_page` of its blocks, one at a time,
/// and all of them at once.
fn try_pages(dir: &Path, settings: &Settings, per_page: usize) -> Tally {
    let mut files = Vec::new();
    pages_under(dir, &mut files);
    let mut tally = Tally::default();
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        let rel = file
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let Ok(parsed) = page::parse(&bytes, Context::path(&rel), settings) else {
            continue;
        };
        let mut prints: Vec<String> = boilerplate::fingerprints(&parsed.doc.root())
            .iter()
            .map(|(_, p)| hex(p))
            .collect();
        prints.dedup();
        let step = prints.len().div_ceil(per_page.max(1)).max(1);
        for print in prints.iter().step_by(step) {
            let bp = Boilerplate::from_parts(5, &[(print.clone(), 5)]);
            compare(&bytes, &rel, settings, &bp, &mut tally);
        }
        let all: Vec<(String, usize)> = prints.iter().map(|p| (p.clone(), 5)).collect();
        compare(
            &bytes,
            &rel,
            settings,
            &Boilerplate::from_parts(5, &all),
            &mut tally,
        );
    }
    tally
}

#[test]
fn assembled_pages_are_the_converted_pages_on_the_fixtures() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for extra in ["", "target: jekyll"] {
        let tally = try_pages(&fixtures, &settings(extra), 12);
        eprintln!("fixtures {extra:?}: {tally:?}");
        assert!(tally.cut > 20, "too few cuts tried: {tally:?}");
        assert!(
            tally.again * 4 < tally.tried,
            "most pages must assemble: {tally:?}"
        );
    }
}

#[test]
fn assembled_pages_are_the_converted_pages_on_the_real_corpus() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/real");
    if !corpus.is_dir() {
        eprintln!("SKIPPED: the real corpus ({}) is absent", corpus.display());
        return;
    }
    for extra in ["", "target: hugo"] {
        let tally = try_pages(&corpus, &settings(extra), 8);
        eprintln!("real corpus {extra:?}: {tally:?}");
        assert!(tally.cut > 200, "too few cuts tried: {tally:?}");
        assert!(
            tally.again * 4 < tally.tried,
            "most pages must assemble: {tally:?}"
        );
    }
}

/// Shapes where a block cut from the tree and a block cut from the rendered pieces
/// could differ: text on both sides, lists meeting, a heading a link reaches, a table
/// that is a layout table only for the table inside it, list items, quotes, cards.
#[test]
fn assembled_pages_are_the_converted_pages_in_shapes_where_cuts_meet_their_neighbours() {
    const FOOTER: &str =
        "<div class=f><p>Copyright the city, all rights reserved, every year.</p></div>";
    let shapes = [
        format!("<main><p>Before</p>text before {FOOTER} text after<p>end</p></main>"),
        format!("<main><ul><li>one item here</li></ul>{FOOTER}<ul><li>another item</li></ul></main>"),
        format!("<main><ol><li>first</li></ol>{FOOTER}<ol><li>second</li></ol><ul><li>x</li></ul></main>"),
        format!("<main><a href='#h'>to the heading</a><div><h2 id=h>Heading</h2>{FOOTER}</div><p>after all</p></main>"),
        format!("<main><table><tr><td>{FOOTER}<table><tr><td>inner cell text</td></tr></table></td><td>b</td></tr></table></main>"),
        format!("<main><ul><li>item {FOOTER} rest</li></ul><blockquote>{FOOTER}</blockquote></main>"),
        format!("<main><a href=/card>{FOOTER}<h3>Card</h3></a><p>plain paragraph text</p></main>"),
        format!("<main><h2>Title</h2>{FOOTER}{FOOTER}<p>Body text of the page.</p><img src=/x.png></main>"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (i, html) in shapes.iter().enumerate() {
        let page = format!("<html><head><title>Shape {i}</title></head><body>{html}</body></html>");
        std::fs::write(dir.path().join(format!("shape{i}.html")), page).unwrap();
    }
    for extra in ["", "target: jekyll"] {
        let tally = try_pages(dir.path(), &settings(extra), 100);
        eprintln!("shapes {extra:?}: {tally:?}");
        assert!(tally.cut >= shapes.len(), "{tally:?}");
    }
}
