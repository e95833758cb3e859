//! What a `convert` run is asked to do and what it reports: options, one outcome per
//! page, the tally of findings, and the events a caller sees while the batch runs.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use crate::extract::Removal;
use crate::links::redirects::RedirectFormat;
use crate::links::FoundLink;
use crate::page::{self, Diagnostic, Severity};

use super::SiteIndex;

/// What a `convert` run is asked to do.
#[derive(Debug, Clone, Default)]
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
    /// Keep each page's content root as legacy HTML and its Markdown (the HTML review
    /// report): pages up to date are read again for it.
    pub review: bool,
    /// Keep every page's diagnostics, changed links and losses in its outcome (for the
    /// machine formats and reports). Without it (and without `details`) they are handed
    /// to the caller as each page is done, counted in the report's tally and let go, so
    /// memory does not grow with the batch.
    pub keep_findings: bool,
    /// Overwrite outputs edited by hand (and, with `prune`, remove them).
    pub force: bool,
    /// Remove outputs whose source is gone.
    pub prune: bool,
    /// Convert only shard K of N (1-based), against `site` (the whole site's index).
    pub shard: Option<(usize, usize)>,
    /// The site index (`pagemill index`): the URL map and boilerplate of the batch.
    pub site: Option<SiteIndex>,
    /// Other files the caller writes after the run (the review report): refused, like
    /// every output, when one of them is a source.
    pub also_writes: Vec<PathBuf>,
    /// With a site target: write a starter site (configuration, layouts, an index of
    /// the pages) where the output folder has none; never over an existing file.
    pub scaffold: bool,
    /// Set (by a signal handler) to stop taking pages: pages in flight finish, what is
    /// done is recorded, and the report says the run was interrupted.
    pub stop: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Where to write the asset inventory (CSV): every file pages reference.
    pub assets: Option<PathBuf>,
}

/// What happened to one page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Written (new or changed).
    Written,
    /// The output is current: its inputs are unchanged, or it already had exactly
    /// these bytes.
    Unchanged,
    /// The output was edited by hand (or not written by pagemill): kept, not
    /// overwritten.
    Edited,
    /// Left alone: the twin of a page converted instead (`index.htm` beside
    /// `index.html`).
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
    /// The content root's source HTML and the Markdown body (only with `details`).
    pub review: Option<(String, String)>,
    /// Time spent on the page.
    pub elapsed: Duration,
    /// In a dry run with diffs: the unified diff of the output that would change.
    pub diff: Option<String>,
    /// Its inputs are those its output was made from: not converted in this run (its
    /// findings are those recorded when it last was), or read again only for a report.
    pub up_to_date: bool,
    /// The page's place in the batch (input order), whatever the order pages finish in.
    pub order: usize,
    /// With a site target: the legacy layout `layouts:` does not map.
    pub unmapped_layout: Option<String>,
    /// The files the page references (its absolute old URL, and the file of the input
    /// tree it reached), when it was converted in this run and its output holds that
    /// conversion.
    pub assets: Option<Vec<crate::assets::AssetRef>>,
    /// For a page replayed from the run state: the old URLs of the files it references
    /// that are kept on the old site.
    pub kept_assets: Option<Vec<String>>,
    /// Where the page's old URL came from, and the URL relative links resolved against.
    pub old_url: Option<(crate::links::OldUrlFrom, String)>,
}

/// An output whose source is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Orphan {
    pub output_rel: String,
    pub source: String,
    /// Removed by `--prune`.
    pub removed: bool,
}

/// The whole run.
#[derive(Debug)]
pub struct BatchReport {
    /// One outcome per page, in input order — kept when the caller keeps findings or
    /// details, and in dry runs; otherwise empty (the tally counts them).
    pub pages: Vec<PageOutcome>,
    /// Problems of the batch as a whole (URL map conflicts, the redirect file, the
    /// manifest).
    pub batch: Vec<Diagnostic>,
    /// Outputs whose source disappeared.
    pub orphans: Vec<Orphan>,
    /// Lines written to the redirect file.
    pub redirects: Option<usize>,
    /// Nothing was written: `Written` means "would be written".
    pub dry_run: bool,
    pub elapsed: Duration,
    /// Counts over every page's findings.
    pub tally: Tally,
    /// Stopped before every page was taken (`ConvertOptions::stop`): the pages not
    /// taken, which the next run converts.
    pub interrupted: Option<usize>,
}

impl BatchReport {
    /// Pages with this status.
    pub fn count(&self, status: Status) -> usize {
        self.tally.statuses[status as usize]
    }

    /// Pages this run went through.
    pub fn total(&self) -> usize {
        self.tally.statuses.iter().sum()
    }

    pub fn warnings(&self) -> usize {
        self.tally.warnings.values().sum()
    }
}

/// What a running batch tells its caller.
#[derive(Debug, Clone, Copy)]
pub enum Event<'a> {
    /// The number of pages this run will go through.
    Planned(usize),
    /// A page is done (in the order pages finish, which varies with threads).
    Page(&'a PageOutcome),
}

/// Counts over every page's diagnostics and changed links, kept whether or not the
/// outcomes keep the findings themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Pages by status (`Status as usize`).
    pub statuses: [usize; 5],
    /// Error diagnostics (a failed page has one).
    pub errors: usize,
    /// Warnings by kind.
    pub warnings: BTreeMap<&'static str, usize>,
    /// Links rewritten (changed and kept).
    pub links_rewritten: usize,
    /// Links removed.
    pub links_dropped: usize,
    /// Changed links by rule.
    pub rules: BTreeMap<&'static str, usize>,
    /// Legacy layouts without a mapping, with their pages.
    pub unmapped_layouts: BTreeMap<String, usize>,
}

impl Tally {
    /// Adds one page's findings.
    pub fn add(&mut self, page: &PageOutcome) {
        self.statuses[page.status as usize] += 1;
        for d in &page.diagnostics {
            match d.severity {
                Severity::Warning => *self.warnings.entry(d.code).or_default() += 1,
                Severity::Error => self.errors += 1,
            }
        }
        if let Some(layout) = &page.unmapped_layout {
            *self.unmapped_layouts.entry(layout.clone()).or_default() += 1;
        }
        for l in &page.links {
            if l.link.url.is_some() {
                self.links_rewritten += 1;
            } else {
                self.links_dropped += 1;
            }
            for r in &l.link.rules {
                *self.rules.entry(r).or_default() += 1;
            }
        }
    }
}

impl Tally {
    /// Adds another tally.
    pub fn merge(&mut self, other: Tally) {
        for (k, n) in other.warnings {
            *self.warnings.entry(k).or_default() += n;
        }
        for (k, n) in other.rules {
            *self.rules.entry(k).or_default() += n;
        }
        for (k, n) in other.unmapped_layouts {
            *self.unmapped_layouts.entry(k).or_default() += n;
        }
        for (mine, theirs) in self.statuses.iter_mut().zip(other.statuses) {
            *mine += theirs;
        }
        self.errors += other.errors;
        self.links_rewritten += other.links_rewritten;
        self.links_dropped += other.links_dropped;
    }
}

impl PageOutcome {
    /// Lets go of the findings (diagnostics, links, losses) once they are counted.
    pub(crate) fn forget_findings(&mut self) {
        self.diagnostics = Vec::new();
        self.links = Vec::new();
        self.losses = Vec::new();
        self.record = None;
        self.review = None;
    }
}
