//! Helpers shared by the integration tests: folder comparison, the corpus location.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shared real-page corpus, or `None` (with a message saying so) when this checkout
/// has no `../shared` beside it. CI always has it.
pub fn corpus() -> Option<PathBuf> {
    let dir = root().join("../shared/corpus/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: {} is absent; tests on the real corpus did not run",
            dir.display()
        );
        None
    }
}

/// The converted pages under `dir` (the manifest folder left out), sorted.
pub fn pages(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| !f.starts_with(".pagemill/"))
        .collect()
}

/// Every file under `dir`, as sorted relative paths; the machine-local hash cache
/// (`.pagemill/cache.json`) and run state (`.pagemill/state*.redb`) are left out.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| !e.path().ends_with(".pagemill/cache.json"))
        .filter(|e| {
            // The run state is machine-local too (ignored by git).
            let name = e.file_name().to_string_lossy();
            !(e.path().parent().is_some_and(|p| p.ends_with(".pagemill"))
                && name.starts_with("state")
                && name.ends_with(".redb"))
        })
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    out.sort();
    out
}

/// Asserts that two folders hold the same files with the same bytes, naming the first
/// difference.
pub fn assert_same_tree(expected: &Path, actual: &Path) {
    let want = files(expected);
    let got = files(actual);
    assert_eq!(
        want,
        got,
        "files of {} and {}",
        expected.display(),
        actual.display()
    );
    for f in &want {
        let a = std::fs::read_to_string(expected.join(f)).unwrap();
        let b = std::fs::read_to_string(actual.join(f)).unwrap();
        if a != b {
            let line = a
                .lines()
                .zip(b.lines())
                .position(|(x, y)| x != y)
                .map_or(a.lines().count().min(b.lines().count()) + 1, |i| i + 1);
            panic!(
                "{f} differs from {} at line {line}:\n--- expected\n{}\n--- actual\n{}",
                expected.display(),
                a.lines().nth(line - 1).unwrap_or("<end>"),
                b.lines().nth(line - 1).unwrap_or("<end>"),
            );
        }
    }
}
