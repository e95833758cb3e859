//! Batch orchestration: discover pages, plan every output path (collisions are caught
//! before anything is written), read the batch (pass 1), convert pages in parallel on a
//! rayon pool (pass 2) — skipping pages the manifest shows are up to date and keeping
//! outputs edited by hand — write each output atomically, then the manifest, and return
//! one outcome per page in input order.

mod assets;
mod inventory;
mod learn;
mod orphans;
mod outcome;
mod pass1;
mod paths;
mod record;
mod run;
mod site;
mod write;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Settings;
use crate::links::redirects;
use crate::manifest::{HashCache, Manifest};
use crate::page::{Diagnostic, Severity};
use crate::source::discover::{discover, DiscoverError, Unreadable};
use crate::state::{Journal, State};

pub use inventory::{inventory, Inventory};
use orphans::{orphans, remove_temporary_files};
pub use outcome::{BatchReport, ConvertOptions, Event, Orphan, PageOutcome, Status, Tally};
pub(crate) use pass1::Planned;
pub use pass1::SiteIndex;
use write::sync_file_system;
use write::write_atomic_streamed as write_streamed;
pub(crate) use write::write_page;
pub use write::{copy_atomic, write_atomic, write_atomic_streamed};

/// Errors that stop the whole run before any page is converted.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("cannot start {jobs} worker threads: {message}")]
    Pool { jobs: usize, message: String },
    #[error("{}: cannot read: {}; the site index would miss its pages", .0.path.display(), .0.message)]
    Unreadable(Unreadable),
    #[error("the site index was made with other settings (configuration, profiles or pagemill version); run `pagemill index` again")]
    StaleIndex,
    #[error(transparent)]
    Overlap(#[from] paths::OverlapError),
    #[error(transparent)]
    State(#[from] crate::state::StateError),
}

/// Converts every page under the inputs into the output folder.
pub fn convert(settings: &Settings, options: &ConvertOptions) -> Result<BatchReport, BatchError> {
    convert_with_events(settings, options, &|_| {})
}

/// `convert`, telling `on_event` the number of pages once they are planned and each
/// page's outcome when it is done.
pub fn convert_with_events(
    settings: &Settings,
    options: &ConvertOptions,
    on_event: &(dyn Fn(Event<'_>) + Sync),
) -> Result<BatchReport, BatchError> {
    let started = Instant::now();
    // A missing input is said, not fatal; its pages' outputs are not taken for orphans.
    let (present, missing): (Vec<PathBuf>, Vec<PathBuf>) = options
        .inputs
        .iter()
        .cloned()
        .partition(|i| std::fs::symlink_metadata(i).is_ok());
    let found = discover(&present, &settings.config.exclude, Some(&options.output))?;
    let mut early: Vec<Diagnostic> = missing
        .iter()
        .map(|m| {
            Diagnostic::warning(
                "input",
                format!(
                    "{}: no such file or folder; nothing was converted from it",
                    m.display()
                ),
            )
        })
        .collect();
    for input in present.iter().filter(|i| i.is_dir()) {
        if !found.pages.iter().any(|p| p.root == *input) {
            early.push(Diagnostic::warning(
                "input",
                format!(
                    "{}: no pages found (files ending in .html, .htm, .shtml or .md)",
                    input.display()
                ),
            ));
        }
    }
    let mut unreadable = found.unreadable;
    let asset_index = (settings.config.assets == crate::assets::AssetMode::Copy).then(|| {
        crate::assets::AssetIndex::new(
            found.files,
            settings.target().asset_dir(),
            &settings.policy.config().new_base,
        )
    });
    let mut planned = pass1::plan(settings, found.pages);
    if let Some(index) = &options.site {
        if index.settings != settings.fingerprint {
            return Err(BatchError::StaleIndex);
        }
    }
    if let Some(shard) = options.shard {
        planned.retain(|p| pass1::in_shard(&p.output_rel, shard));
    }
    // Before anything is written: no output may be a source.
    let extra: Vec<&Path> = options
        .redirects
        .iter()
        .map(|(p, _)| p.as_path())
        .chain(options.also_writes.iter().map(PathBuf::as_path))
        .collect();
    paths::check_overlap(&options.inputs, &options.output, &planned, &extra)?;
    let keys = paths::SourceKeys::new(&options.output);
    keys.assign(&mut planned);
    on_event(Event::Planned(planned.len()));
    let mut batch: Vec<Diagnostic> = early;
    batch.extend(unreadable.iter().map(|u| Diagnostic {
        severity: Severity::Error,
        code: "io",
        message: format!(
            "{}: cannot read: {}; its pages are left out of this run",
            u.path.display(),
            u.message
        ),
        line: None,
    }));
    // Outputs of a missing input's pages are not known to be orphans.
    unreadable.extend(missing.into_iter().map(|path| Unreadable {
        path,
        message: "missing".to_string(),
    }));
    let (manifest_name, state_name) = match options.shard {
        Some((k, n)) => (
            format!("manifest.{k}-of-{n}.json"),
            format!("state.{k}-of-{n}.redb"),
        ),
        None => ("manifest.json".to_string(), "state.redb".to_string()),
    };
    let state_path = State::path(&options.output, &state_name);
    let state = if options.dry_run {
        State::open_read_only(&state_path)
    } else {
        match State::open(&state_path) {
            Ok((state, warning)) => {
                if let Some(w) = warning {
                    batch.push(Diagnostic::warning("state", w));
                }
                Some(state)
            }
            Err(e @ crate::state::StateError::Busy(_)) => return Err(e.into()),
            // The state only spares work: the run goes on without it.
            Err(e) => {
                batch.push(Diagnostic::warning(
                    "state",
                    format!(
                        "{e}; every page is converted, and nothing is recorded until the next run"
                    ),
                ));
                None
            }
        }
    };
    let state = state.map(std::sync::Arc::new);
    let journal = match (&state, options.dry_run) {
        (Some(state), false) => {
            let output = options.output.clone();
            // Pages are made durable before the state that vouches for them.
            Some(Journal::start(state.clone(), move || {
                sync_file_system(&output)
            }))
        }
        _ => None,
    };
    let previous = match Manifest::load_named(&options.output, &manifest_name) {
        Ok(m) => m,
        Err(e) => {
            batch.push(Diagnostic::warning("manifest", e.to_string()));
            None
        }
    };
    let cache = HashCache::load(&options.output);
    // A marker that lives while a run writes: found at the start, it says the last run
    // was killed, and its temporary files are removed.
    let marker = options.output.join(crate::manifest::DIR).join("running");
    if !options.dry_run {
        if marker.exists() {
            remove_temporary_files(&options.output);
        }
        let _ = std::fs::create_dir_all(marker.parent().expect("the marker is in a folder"));
        let _ = std::fs::write(&marker, b"");
    }
    let pool = pool(options.jobs)?;
    let site = match &options.site {
        Some(index) => pass1::Site::Index(index),
        None => pass1::Site::Later,
    };
    let mut first =
        pool.install(|| pass1::read(settings, &planned, previous.as_ref(), &cache, site));
    let prepared = pool.install(|| {
        learn::learn(
            settings,
            &planned,
            &mut first,
            asset_index.as_ref(),
            options.review,
        )
    });
    if let Some(index) = &asset_index {
        // Which files the tree holds decides where links go: every page depends on it.
        let both = format!("{}{}", first.batch_hash, index.fingerprint());
        first.batch_hash = crate::manifest::hash(both.as_bytes());
    }
    // Outcomes are kept for the caller only when asked for; otherwise each is counted
    // and let go as its page finishes.
    // (A review report is written by the caller as pages finish, not from here.)
    let keep = options.keep_findings || options.dry_run;
    let context = run::Batch {
        settings,
        first: &first,
        previous: previous.as_ref(),
        cache: &cache,
        options,
        state: state.as_deref(),
        journal: journal.as_ref(),
        assets: asset_index.as_ref(),
        prepared: &prepared,
    };
    // Each page leaves a small record (and its outcome, when kept); the tally is
    // summed as pages finish.
    let convert_page = |mut done: record::Collected, i: usize| {
        // Stopped: pages not yet started are left for the next run.
        if stop_requested(options) {
            done.not_taken += 1;
            return done;
        }
        let (p, s) = (&planned[i], &first.sources[i]);
        let (mut outcome, record) = run::convert_one(&context, i, p, s);
        outcome.order = i;
        on_event(Event::Page(&outcome));
        done.tally.add(&outcome);
        done.records.push((i, record));
        let refs = if keep {
            outcome.assets.clone()
        } else {
            outcome.assets.take()
        };
        // References to files kept on the old site are held only for an asset
        // inventory: at 20,000 pages they would be most of the run's memory.
        let refs = refs.map(|mut refs| {
            if options.assets.is_none() {
                refs.retain(|r| r.file.is_some());
            }
            // Held to the end of the run: no room beyond what is left.
            refs.shrink_to_fit();
            refs
        });
        done.assets.extend(refs.map(|r| (i, r)));
        if let (Some(kept), Some(_)) = (outcome.kept_assets.take(), &options.assets) {
            done.kept.push((i, kept));
        }
        if keep {
            if !options.keep_findings {
                outcome.forget_findings();
            }
            done.pages.push((i, outcome));
        }
        done
    };
    // The pages prepared while the boilerplate was learned go first, so that their
    // preparations are let go before the batch's records grow.
    let held = prepared.pages();
    let rest: Vec<usize> = (0..planned.len())
        .filter(|i| held.binary_search(i).is_err())
        .collect();
    let mut collected = record::Collected::default();
    for pages in [held, rest] {
        let part = pool.install(|| {
            pages
                .par_iter()
                // Every page a job of its own: an idle worker can take any page not yet
                // started, so no worker is left converting a run of pages at the end alone.
                .with_max_len(1)
                .fold(record::Collected::default, |done, &i| convert_page(done, i))
                .reduce(record::Collected::default, record::Collected::merge)
        });
        collected = collected.merge(part);
    }
    collected.sort();
    if let Some(journal) = journal {
        if let Err(e) = journal.finish() {
            batch.push(Diagnostic::warning("state", e.to_string()));
        }
    }
    batch.extend(first.url_map.conflicts.iter().map(|(url, kept, other)| {
        Diagnostic::warning(
            "url-map",
            format!("old URL {url} belongs to {kept}; {other} also claims it"),
        )
    }));

    // The previous manifest's entries of pages whose source is gone (and, with
    // `--prune`, whose output was removed) go; this run's entries replace the others.
    let (mut previous, previous_assets) = previous.map(|m| (m.pages, m.assets)).unwrap_or_default();
    let orphans = orphans(
        &mut previous,
        &planned,
        &unreadable,
        options,
        &keys,
        &mut batch,
    );

    let default_layout = settings.target().default_layout().unwrap_or("page");
    for (layout, pages) in &collected.tally.unmapped_layouts {
        let default = default_layout;
        batch.push(Diagnostic::warning(
            "layout",
            format!(
                "layout `{layout}` ({}) has no mapping in `layouts:`; it became `{default}`",
                crate::report::plural(*pages, "page")
            ),
        ));
    }
    // The redirect files and the site list only pages that have an output.
    let has_output: std::collections::HashSet<&str> = collected
        .records
        .iter()
        .filter(|(i, r)| {
            r.output_hash.is_some() || options.output.join(&planned[*i].output_rel).is_file()
        })
        .map(|(i, _)| planned[*i].output_rel.as_str())
        .collect();
    let mut redirect_lines = None;
    if !options.dry_run {
        let target = settings.target();
        site::copy_includes(
            settings.include_policy(),
            &options.output,
            &planned,
            &mut batch,
        );
        if options.scaffold {
            let has_home = planned.iter().any(|p| p.url_rel == "index.md");
            site::scaffold(&*target, &options.output, has_home, &mut batch);
        }
        let files = assets::finish(
            asset_index.as_ref(),
            std::mem::take(&mut collected.assets),
            std::mem::take(&mut collected.kept),
            &planned,
            &previous_assets,
            &cache,
            &keys,
            options,
            &mut batch,
        );
        let mut failed = |path: &Path, e: std::io::Error| {
            batch.push(Diagnostic {
                severity: Severity::Error,
                code: "io",
                message: format!("cannot write {}: {e}", path.display()),
                line: None,
            })
        };
        if let Some((path, format)) = &options.redirects {
            let pairs = redirects::pairs(&first.url_map, &settings.policy, &|rel| {
                has_output.contains(rel)
            });
            if let Err(e) = write_atomic(path, redirects::render(*format, &pairs).as_bytes()) {
                failed(path, e);
            }
            redirect_lines = Some(pairs.len());
        }
        // The pages first, then the manifest that vouches for them.
        sync_file_system(&options.output);
        let records = &collected.records;
        let path = Manifest::path_named(&options.output, &manifest_name);
        let written = write_streamed(&path, |out| {
            let fingerprint = &settings.fingerprint;
            let assets = &files.entries;
            record::write_manifest(
                out,
                fingerprint,
                &first,
                &planned,
                records,
                &previous,
                assets,
            )
        });
        if let Err(e) = written {
            failed(&path, e);
        }
        let path = HashCache::path(&options.output);
        let written = write_streamed(&path, |out| {
            record::write_cache(out, cache, &first, &planned, records, files.learned)
        });
        if let Err(e) = written {
            failed(&path, e);
        }
        let (path, text) = HashCache::gitignore(&options.output);
        if let Err(e) = write_atomic(&path, text.as_bytes()) {
            failed(&path, e);
        }
        let _ = std::fs::remove_file(&marker);
    }
    if let (Some(state), false) = (&state, options.dry_run) {
        let gone: Vec<String> = orphans
            .iter()
            .filter(|o| o.removed)
            .map(|o| o.output_rel.clone())
            .collect();
        if let Err(e) = state.put(&[], &gone) {
            batch.push(Diagnostic::warning("state", e.to_string()));
        }
    }
    let interrupted = stop_requested(options).then_some(collected.not_taken);
    Ok(BatchReport {
        pages: collected.pages.into_iter().map(|(_, p)| p).collect(),
        batch,
        orphans,
        redirects: redirect_lines,
        dry_run: options.dry_run,
        elapsed: started.elapsed(),
        tally: collected.tally,
        interrupted,
    })
}

/// What `survey` finds: the planned pages, the pool, what pass 1 read, the folders it
/// could not read, and the other files of the tree.
type Survey = (
    Vec<Planned>,
    rayon::ThreadPool,
    pass1::FirstPass,
    Vec<Unreadable>,
    Vec<crate::source::discover::OtherFile>,
);

/// Pass 1 over the inputs with no manifest (`index`, `links`): the planned pages, the
/// pool, and what pass 1 read; `learn` also learns the boilerplate.
fn survey(
    settings: &Settings,
    inputs: &[PathBuf],
    jobs: Option<usize>,
    learn: bool,
) -> Result<Survey, BatchError> {
    let found = discover(inputs, &settings.config.exclude, None)?;
    let files = found.files;
    let planned = pass1::plan(settings, found.pages);
    let pool = pool(jobs)?;
    let first = pool.install(|| {
        pass1::read(
            settings,
            &planned,
            None,
            &HashCache::default(),
            pass1::Site::Read { learn },
        )
    });
    Ok((planned, pool, first, found.unreadable, files))
}

/// The whole site's URL map and boilerplate, for `pagemill index`.
pub fn index(
    settings: &Settings,
    inputs: &[PathBuf],
    jobs: Option<usize>,
) -> Result<SiteIndex, BatchError> {
    let (planned, _, first, unreadable, _) = survey(settings, inputs, jobs, true)?;
    if let Some(u) = unreadable.into_iter().next() {
        return Err(BatchError::Unreadable(u));
    }
    let pages = planned
        .iter()
        .zip(&first.sources)
        .map(|(p, s)| {
            let rel = (p.output_rel.clone(), p.found.rel_path.clone());
            (rel.0, rel.1, s.hints.clone())
        })
        .collect();
    Ok(SiteIndex {
        format: 1,
        settings: settings.fingerprint.clone(),
        pages,
        boilerplate: first.learned,
    })
}

/// Whether a signal asked the run to stop taking pages.
fn stop_requested(options: &ConvertOptions) -> bool {
    options
        .stop
        .as_ref()
        .is_some_and(|s| s.load(std::sync::atomic::Ordering::Relaxed))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::discover::Discovered;

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
        let planned = pass1::plan(&settings, vec![d("a.htm"), d("A.html"), d("b.html")]);
        assert!(planned[0].collision.as_deref() == Some("A.html"));
        assert!(planned[1].collision.as_deref() == Some("a.htm"));
        assert!(planned[2].collision.is_none());
    }
}
