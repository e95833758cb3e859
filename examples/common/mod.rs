//! What the benchmark examples share: the HTML pages under a folder, in order, and the
//! thread pool they are converted on.

use std::path::{Path, PathBuf};

/// Every `.html`/`.htm` file under `dir`, sorted.
pub fn html_pages(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "html" || x == "htm")
        })
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// A pool of `jobs` threads (0: one per core).
pub fn pool(jobs: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .expect("a thread pool")
}
