//! Batch orchestration: discover pages, plan every output path (collisions are caught
//! before anything is written), convert pages in parallel on a rayon pool, write each
//! output atomically, and return one outcome per page in input order.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::config::Settings;
use crate::extract::boilerplate::{self, Boilerplate, Fingerprint, Learner};
use crate::extract::Removal;
use crate::links::map::{self, UrlMap};
use crate::links::redirects::{self, RedirectFormat};
use crate::links::scan::LinkRecord;
use crate::links::{FoundLink, Linker};
use crate::page::{self, Diagnostic, PageError, Severity};
use crate::source::discover::{discover, output_rel_path, DiscoverError, Discovered};
use crate::source::includes::IncludeDir;

/// What a `convert` run is asked to do.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    /// Worker threads; `None` uses one per core.
    pub jobs: Option<usize>,
    /// Write a redirect map (old URL → new URL) here, in this format.
    pub redirects: Option<(PathBuf, RedirectFormat)>,
    /// Write nothing: outcomes say what would be written (`Written`) and what is
    /// already current (`Unchanged`).
    pub dry_run: bool,
    /// With `dry_run`: a unified diff for every output that would change.
    pub diff: bool,
    /// Keep each page's record and the text of removed blocks in its outcome (for a
    /// review report); without it outcomes stay small.
    pub details: bool,
}

/// What happened to one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Written (new or changed).
    Written,
    /// The output already had exactly these bytes.
    Unchanged,
    /// Not an HTML page (a Markdown `.md` source): left alone.
    Skipped,
    Failed,
}

/// One page's result. A page's failure is its outcome, never the batch's.
#[derive(Debug)]
pub struct PageOutcome {
    /// The source file.
    pub source: PathBuf,
    /// The output file, relative to the output folder.
    pub output_rel: String,
    pub status: Status,
    pub diagnostics: Vec<Diagnostic>,
    /// Links that were changed or removed, with their rules and places.
    pub links: Vec<FoundLink>,
    /// The source's encoding and where it came from, once the page was read.
    pub encoding: Option<page::Encoding>,
    /// The profile that converted the page.
    pub profile: Option<String>,
    /// The loss report: blocks cut from the content root and elements the Markdown
    /// could not carry, with the reason (their text only with `details`).
    pub losses: Vec<Removal>,
    /// The front matter record (only with `details`).
    pub record: Option<serde_yaml::Mapping>,
    /// Time spent converting the page.
    pub elapsed: Duration,
    /// In a dry run with diffs: the unified diff of the output that would change.
    pub diff: Option<String>,
}

/// The whole run.
#[derive(Debug)]
pub struct BatchReport {
    pub pages: Vec<PageOutcome>,
    /// Problems of the batch as a whole (URL map conflicts, the redirect file).
    pub batch: Vec<Diagnostic>,
    /// Lines written to the redirect file.
    pub redirects: Option<usize>,
    /// Nothing was written: `Written` means "would be written".
    pub dry_run: bool,
    pub elapsed: Duration,
}

impl BatchReport {
    pub fn count(&self, status: Status) -> usize {
        self.pages.iter().filter(|p| p.status == status).count()
    }

    pub fn warnings(&self) -> usize {
        self.pages
            .iter()
            .flat_map(|p| &p.diagnostics)
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

/// Errors that stop the whole run before any page is converted.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("cannot start {jobs} worker threads: {message}")]
    Pool { jobs: usize, message: String },
}

struct Planned {
    found: Discovered,
    output_rel: String,
    collision: Option<String>,
    /// The includes folder of the page.
    includes: Option<IncludeDir>,
}

/// Converts every page under the inputs into the output folder.
pub fn convert(settings: &Settings, options: &ConvertOptions) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    let found = discover(
        &options.inputs,
        &settings.config.exclude,
        Some(&options.output),
    )?;
    let planned = plan(settings, found);
    let pool = pool(options.jobs)?;
    let (url_map, boilerplate) = pool.install(|| build_map(settings, &planned, true));
    let pages = pool.install(|| {
        planned
            .par_iter()
            .map(|p| convert_one(settings, &url_map, &boilerplate, p, options))
            .collect()
    });
    let mut batch: Vec<Diagnostic> = url_map
        .conflicts
        .iter()
        .map(|(url, kept, other)| {
            Diagnostic::warning(
                "url-map",
                format!("old URL {url} belongs to {kept}; {other} also claims it"),
            )
        })
        .collect();
    let mut redirect_lines = None;
    if let Some((path, format)) = options.redirects.as_ref().filter(|_| !options.dry_run) {
        let pairs = redirects::pairs(&url_map, &settings.policy);
        match write_atomic(path, redirects::render(*format, &pairs).as_bytes()) {
            Ok(_) => redirect_lines = Some(pairs.len()),
            Err(e) => batch.push(Diagnostic {
                severity: Severity::Error,
                code: "io",
                message: format!("cannot write {}: {e}", path.display()),
                line: None,
            }),
        }
    }
    Ok(BatchReport {
        pages,
        batch,
        redirects: redirect_lines,
        dry_run: options.dry_run,
        elapsed: started.elapsed(),
    })
}

/// The result of `inventory`.
#[derive(Debug, Default)]
pub struct Inventory {
    /// Every link, by file then position.
    pub records: Vec<LinkRecord>,
    /// Pages that could not be read, with the reason.
    pub failures: Vec<(PathBuf, String)>,
}

/// Every link of every page under `inputs`, for `pagemill links`.
pub fn inventory(
    settings: &Settings,
    inputs: &[PathBuf],
    jobs: Option<usize>,
) -> Result<Inventory, BatchError> {
    let found = discover(inputs, &settings.config.exclude, None)?;
    let planned = plan(settings, found);
    let pool = pool(jobs)?;
    let (url_map, _) = pool.install(|| build_map(settings, &planned, false));
    let results: Vec<Result<Vec<LinkRecord>, (PathBuf, String)>> = pool.install(|| {
        planned
            .par_iter()
            .map(|p| {
                let file = p.found.path.display().to_string();
                let bytes = std::fs::read(&p.found.path)
                    .map_err(|e| (p.found.path.clone(), format!("cannot read: {e}")))?;
                let linker = Linker::for_page(&settings.policy, &url_map, &p.output_rel);
                match page::links(&bytes, p.context(None), &file, settings, &linker) {
                    Ok(records) => Ok(records),
                    Err(PageError::NotHtml) => Ok(Vec::new()),
                    Err(e) => Err((p.found.path.clone(), e.to_string())),
                }
            })
            .collect()
    });
    let mut inventory = Inventory::default();
    for r in results {
        match r {
            Ok(mut page) => inventory.records.append(&mut page),
            Err(f) => inventory.failures.push(f),
        }
    }
    Ok(inventory)
}

fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool, BatchError> {
    let jobs = jobs.unwrap_or(0);
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(16 << 20)
        .build()
        .map_err(|e| BatchError::Pool {
            jobs,
            message: e.to_string(),
        })
}

/// Pass 1 (continued): every page's old URLs, read from its path, front matter and
/// head; with `learn`, the boilerplate of an even sample of the pages whose profile
/// asks for it.
fn build_map(settings: &Settings, planned: &[Planned], learn: bool) -> (UrlMap, Boilerplate) {
    let config = settings.config.boilerplate;
    let learn = learn && settings.profiles.iter().any(|c| c.profile.boilerplate);
    let step = planned.len().div_ceil(config.sample.max(1)).max(1);
    type Entry = (String, String, map::UrlHints, Option<Vec<Fingerprint>>);
    let entries: Vec<Entry> = planned
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            let bytes = std::fs::read(&p.found.path)
                .ok()
                .filter(|b| b.len() as u64 <= settings.config.limits.max_file_bytes);
            let hints = bytes
                .as_ref()
                .map(|b| map::hints(&crate::source::decode::decode(b).text))
                .unwrap_or_default();
            let prints = bytes
                .filter(|_| learn && i % step == 0 && p.collision.is_none())
                .and_then(|b| sample(settings, p, &b));
            (
                p.output_rel.clone(),
                p.found.rel_path.clone(),
                hints,
                prints,
            )
        })
        .collect();
    let mut learner = Learner::default();
    let mut hints = Vec::with_capacity(entries.len());
    for (out, rel, h, prints) in entries {
        if let Some(prints) = prints {
            learner.add_page(prints);
        }
        hints.push((out, rel, h));
    }
    (
        UrlMap::build(&settings.policy, &hints),
        learner.finish(&config),
    )
}

/// The block fingerprints of a sampled page, when its profile removes boilerplate.
fn sample(settings: &Settings, p: &Planned, bytes: &[u8]) -> Option<Vec<Fingerprint>> {
    let parsed = page::parse(bytes, p.context(None), settings).ok()?;
    let front_matter = parsed.front_matter.as_ref().map(|f| &f.fields);
    let compiled = settings.choose(&p.found.rel_path, front_matter, &parsed.doc);
    compiled.profile.boilerplate.then(|| {
        boilerplate::fingerprints(&parsed.doc.root())
            .into_iter()
            .map(|(_, print)| print)
            .collect()
    })
}

/// Pass 1: every page's output path; pages that would share one (also by case alone,
/// which is one file on case-insensitive file systems) are marked.
fn plan(settings: &Settings, found: Vec<Discovered>) -> Vec<Planned> {
    let mut folders: std::collections::HashMap<PathBuf, Option<IncludeDir>> = Default::default();
    let mut planned: Vec<Planned> = found
        .into_iter()
        .map(|f| {
            let folder = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
            let includes = folders
                .entry(folder)
                .or_insert_with(|| settings.includes_for(&f.path))
                .clone();
            Planned {
                output_rel: output_rel_path(&f.rel_path),
                found: f,
                collision: None,
                includes,
            }
        })
        .collect();
    let mut keys: Vec<(String, usize)> = planned
        .iter()
        .enumerate()
        .map(|(i, p)| (p.output_rel.to_lowercase(), i))
        .collect();
    keys.sort();
    for group in keys.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        for &(_, i) in group {
            let others: Vec<String> = group
                .iter()
                .filter(|(_, j)| *j != i)
                .map(|(_, j)| planned[*j].found.path.display().to_string())
                .collect();
            planned[i].collision = Some(others.join(", "));
        }
    }
    planned
}

impl Planned {
    fn context<'a>(&'a self, boilerplate: Option<&'a Boilerplate>) -> page::Context<'a> {
        page::Context {
            rel_path: &self.found.rel_path,
            includes: self.includes.as_ref(),
            boilerplate,
        }
    }
}

fn convert_one(
    settings: &Settings,
    url_map: &UrlMap,
    boilerplate: &Boilerplate,
    p: &Planned,
    options: &ConvertOptions,
) -> PageOutcome {
    let outcome = PageOutcome {
        source: p.found.path.clone(),
        output_rel: p.output_rel.clone(),
        status: Status::Failed,
        diagnostics: Vec::new(),
        links: Vec::new(),
        encoding: None,
        profile: None,
        losses: Vec::new(),
        record: None,
        elapsed: Duration::ZERO,
        diff: None,
    };
    let started = Instant::now();
    let mut outcome = convert_page(settings, url_map, boilerplate, p, options, outcome);
    outcome.elapsed = started.elapsed();
    outcome
}

fn convert_page(
    settings: &Settings,
    url_map: &UrlMap,
    boilerplate: &Boilerplate,
    p: &Planned,
    options: &ConvertOptions,
    mut outcome: PageOutcome,
) -> PageOutcome {
    let output = &options.output;
    let fail =
        |outcome: &mut PageOutcome, code: &'static str, message: String, line: Option<usize>| {
            outcome.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                code,
                message,
                line,
            });
        };
    if let Some(others) = &p.collision {
        fail(
            &mut outcome,
            "collision",
            format!(
                "{} is also the output of {others}; neither is written",
                p.output_rel
            ),
            None,
        );
        return outcome;
    }
    let bytes = match std::fs::read(&p.found.path) {
        Ok(b) => b,
        Err(e) => {
            fail(&mut outcome, "io", format!("cannot read: {e}"), None);
            return outcome;
        }
    };
    let linker = Linker::for_page(&settings.policy, url_map, &p.output_rel);
    let converted = match page::convert(&bytes, p.context(Some(boilerplate)), settings, &linker) {
        Ok(c) => c,
        Err(PageError::NotHtml) => {
            outcome.status = Status::Skipped;
            return outcome;
        }
        Err(e) => {
            let line = e.line();
            let code = match &e {
                PageError::Schema(_) => "schema",
                PageError::FrontMatter(_) => "front-matter",
                PageError::Include { .. } => "include",
                _ => "page",
            };
            fail(&mut outcome, code, e.to_string(), line);
            return outcome;
        }
    };
    outcome.diagnostics = converted.warnings;
    outcome.encoding = Some(converted.encoding);
    outcome.profile = Some(converted.profile);
    outcome.losses = converted.losses;
    if options.details {
        outcome.record = Some(converted.record);
    } else {
        for r in &mut outcome.losses {
            r.text = String::new();
        }
    }
    outcome.links = converted
        .links
        .into_iter()
        .filter(|l| l.link.changed())
        .collect();
    let target = output.join(&p.output_rel);
    if options.dry_run {
        let old = std::fs::read(&target).ok();
        let current = old.as_deref() == Some(converted.text.as_bytes());
        outcome.status = if current {
            Status::Unchanged
        } else {
            Status::Written
        };
        if options.diff && !current {
            let old = old
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let name = target.display().to_string();
            outcome.diff = Some(similar::udiff::unified_diff(
                similar::Algorithm::Myers,
                &old,
                &converted.text,
                3,
                Some((&name, &name)),
            ));
        }
        return outcome;
    }
    match write_atomic(&target, converted.text.as_bytes()) {
        Ok(true) => outcome.status = Status::Written,
        Ok(false) => outcome.status = Status::Unchanged,
        Err(e) => fail(
            &mut outcome,
            "io",
            format!("cannot write {}: {e}", output.join(&p.output_rel).display()),
            None,
        ),
    }
    outcome
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so
/// the file is either its old content or its new content, never a part. Returns whether
/// anything changed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".pagemill-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_reports_changes_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.md");
        assert!(write_atomic(&path, b"one\n").unwrap());
        assert!(!write_atomic(&path, b"one\n").unwrap());
        assert!(write_atomic(&path, b"two\n").unwrap());
        assert_eq!(std::fs::read(&path).unwrap(), b"two\n");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("a"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from("b.md")]);
    }

    #[test]
    fn colliding_outputs_are_marked_on_both_sides() {
        let d = |rel: &str| Discovered {
            path: PathBuf::from(rel),
            root: PathBuf::new(),
            rel_path: rel.to_string(),
        };
        let settings = Settings::from_yaml(
            crate::config::DEFAULT_CONFIG,
            "default",
            Path::new("."),
            None,
        )
        .unwrap();
        let planned = plan(&settings, vec![d("a.htm"), d("A.html"), d("b.html")]);
        assert!(planned[0].collision.as_deref() == Some("A.html"));
        assert!(planned[1].collision.as_deref() == Some("a.htm"));
        assert!(planned[2].collision.is_none());
    }
}
