//! Links in a Markdown body, checked offline: relative links and root-relative links into
//! the content tree must reach a file that exists; empty and placeholder links are
//! reported. Links holding Liquid are left to the site build.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};

/// A link problem at a 1-based line and column of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkProblem {
    pub line: usize,
    pub column: usize,
    pub rule: &'static str,
    pub message: String,
    pub error: bool,
}

/// Checks every link and image of `body`. `file` is the Markdown file, `root` the top of
/// the content tree that root-relative links (`/depts/x/`) are resolved in.
pub fn check(body: &str, file: &Path, root: &Path) -> Vec<LinkProblem> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(body.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let position = |offset: usize| {
        let line = line_starts.partition_point(|&s| s <= offset);
        let start = line_starts[line - 1];
        (line, body[start..offset].chars().count() + 1)
    };
    let mut out = Vec::new();
    let parser = Parser::new_ext(body, Options::all()).into_offset_iter();
    for (event, range) in parser {
        let dest = match &event {
            // `<name@host>` autolinks carry the address without `mailto:`.
            Event::Start(Tag::Link {
                link_type: LinkType::Email,
                ..
            }) => continue,
            Event::Start(Tag::Link { dest_url, .. })
            | Event::Start(Tag::Image { dest_url, .. }) => dest_url.to_string(),
            _ => continue,
        };
        let (line, column) = position(range.start);
        let mut problem = |rule: &'static str, message: String, error: bool| {
            out.push(LinkProblem {
                line,
                column,
                rule,
                message,
                error,
            })
        };
        let dest = dest.trim();
        if dest.is_empty() {
            problem(
                "link/empty",
                "link with an empty destination".to_string(),
                false,
            );
            continue;
        }
        if dest == "#" {
            problem(
                "link/placeholder",
                "placeholder link `#`".to_string(),
                false,
            );
            continue;
        }
        if dest.contains("{{") || dest.contains("{%") || dest.starts_with('#') {
            continue;
        }
        if let Some(missing) = missing_target(dest, file, root) {
            problem(
                "link/broken",
                format!("`{dest}` points at {missing}, which does not exist"),
                true,
            );
        }
    }
    out
}

/// For a link into the content tree whose target does not exist, the path it looked for.
fn missing_target(dest: &str, file: &Path, root: &Path) -> Option<String> {
    let has_scheme = dest.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme || dest.starts_with("//") {
        return None;
    }
    let path = dest.split(['?', '#']).next().unwrap_or_default();
    if path.is_empty() {
        return None;
    }
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let target = if let Some(site_path) = decoded.strip_prefix('/') {
        // Only paths whose first folder is part of the content tree are ours to check.
        // A Hugo site serves its pages from `content/` and its files from `static/`.
        let first = site_path.split('/').next().unwrap_or_default();
        let hugo = ["hugo.toml", "hugo.yaml", "config.toml"]
            .iter()
            .any(|c| exists(&root.join(c), true));
        let roots: Vec<PathBuf> = if hugo {
            vec![root.join("content"), root.join("static")]
        } else {
            vec![root.to_path_buf()]
        };
        let mut mine = roots
            .iter()
            .filter(|r| !first.is_empty() && exists(&r.join(first), false))
            .peekable();
        mine.peek()?;
        let mut candidates = mine.map(|r| r.join(site_path)).collect::<Vec<_>>();
        let first = candidates.remove(0);
        if candidates.iter().any(|c| found(c, &decoded)) {
            return None;
        }
        first
    } else {
        file.parent()
            .unwrap_or(Path::new("."))
            .join(decoded.as_ref())
    };
    (!found(&target, &decoded)).then(|| target.display().to_string())
}

/// Whether the page or file a link's path names exists at `target`.
fn found(target: &Path, decoded: &str) -> bool {
    let mut candidates = Vec::new();
    if decoded.ends_with('/') {
        let dir = target.to_string_lossy().trim_end_matches('/').to_string();
        candidates.push(PathBuf::from(format!("{dir}.md")));
        candidates.push(target.join("index.md"));
        candidates.push(target.join("_index.md"));
        candidates.push(target.join("index.html"));
    } else {
        candidates.push(target.to_path_buf());
        if target.extension().is_none() {
            candidates.push(target.with_extension("md"));
            candidates.push(target.join("index.md"));
        }
    }
    candidates.iter().any(|c| exists(c, true))
}

/// Starts a new validation run: what `exists` remembered from an earlier run is
/// forgotten (files may have changed since).
pub(crate) fn new_run() {
    RUN.fetch_add(1, Ordering::Relaxed);
}

static RUN: AtomicU64 = AtomicU64::new(0);

/// Whether `path` exists (as a file, with `file`). The same menus and related links are
/// in file after file: each worker remembers the answers it had lately, for this run.
fn exists(path: &Path, file: bool) -> bool {
    type Seen = (u64, HashMap<(PathBuf, bool), bool>);
    thread_local! {
        static SEEN: RefCell<Seen> = RefCell::new((u64::MAX, HashMap::new()));
    }
    const CAPACITY: usize = 16_384;
    let run = RUN.load(Ordering::Relaxed);
    let key = (path.to_path_buf(), file);
    if let Some(known) =
        SEEN.with_borrow(|(r, seen)| (*r == run).then(|| seen.get(&key).copied()).flatten())
    {
        return known;
    }
    let answer = if file { path.is_file() } else { path.exists() };
    SEEN.with_borrow_mut(|(r, seen)| {
        if *r != run || seen.len() >= CAPACITY {
            *r = run;
            seen.clear();
        }
        seen.insert(key, answer);
    });
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broken_placeholder_and_good_links() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("depts/parks")).unwrap();
        std::fs::write(root.join("depts/parks/index.md"), "x").unwrap();
        std::fs::write(root.join("depts/forestry.md"), "x").unwrap();
        let file = root.join("depts/forestry.md");
        let body = "See [parks](/depts/parks/#a), [me](forestry.md), [us](/depts/forestry/) <a@b.org>.\n\n\
                    [gone](/depts/library/) and [rel](../nowhere.md) and [ext](https://x.org/y) \
                    and [city](/city/en/x.html) and [](#) and [t]({{ site.url }}/x)\n";
        let found: Vec<_> = check(body, &file, root)
            .into_iter()
            .map(|p| (p.line, p.column, p.rule))
            .collect();
        assert_eq!(
            found,
            [
                (3, 1, "link/broken"),
                (3, 29, "link/broken"),
                (3, 109, "link/placeholder")
            ]
        );
    }

    /// Answers are remembered within a run only: a file made after one run is found by
    /// the next.
    #[test]
    fn a_new_run_sees_files_made_since_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("depts")).unwrap();
        let file = root.join("depts/a.md");
        let body = "[b](b.md)\n";
        new_run();
        assert_eq!(check(body, &file, root).len(), 1);
        std::fs::write(root.join("depts/b.md"), "x").unwrap();
        new_run();
        assert!(check(body, &file, root).is_empty());
    }
}
