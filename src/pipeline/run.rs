//! Pass 2 for one page: decide from the manifest whether the page is up to date or its
//! output was edited by hand, convert it otherwise, and write it atomically — returning
//! the page's outcome and what the manifest and the hash cache learn from it.

use std::time::{Duration, Instant};

use super::pass1::{FirstPass, Planned, SourceInfo};
use super::record::Record;
use super::{write_page, ConvertOptions, PageOutcome, Status};
use crate::config::Settings;
use crate::links::Linker;
use crate::manifest::{self, Digest, HashCache, Manifest, Stamp};
use crate::page::{self, Diagnostic, PageError, Severity};

/// The batch-wide state a page is converted against.
pub(crate) struct Batch<'a> {
    pub settings: &'a Settings,
    pub first: &'a FirstPass,
    pub previous: Option<&'a Manifest>,
    /// The manifest's settings and batch hashes are this run's.
    pub same_batch: bool,
    pub cache: &'a HashCache,
    pub options: &'a ConvertOptions,
}

pub(crate) fn convert_one(
    batch: &Batch,
    p: &Planned,
    source: &SourceInfo,
) -> (PageOutcome, Record) {
    let started = Instant::now();
    let mut outcome = PageOutcome {
        source: p.found.path.clone(),
        output_rel: p.output_rel.clone(),
        status: Status::Failed,
        diagnostics: Vec::new(),
        links: Vec::new(),
        encoding: None,
        profile: None,
        losses: Vec::new(),
        record: None,
        review: None,
        elapsed: Duration::ZERO,
        diff: None,
    };
    let mut record = Record::default();
    run(batch, p, source, &mut outcome, &mut record);
    outcome.elapsed = started.elapsed();
    (outcome, record)
}

fn fail(outcome: &mut PageOutcome, code: &'static str, message: String, line: Option<usize>) {
    outcome.status = Status::Failed;
    outcome.diagnostics.push(Diagnostic {
        severity: Severity::Error,
        code,
        message,
        line,
    });
}

fn run(
    batch: &Batch,
    p: &Planned,
    source: &SourceInfo,
    outcome: &mut PageOutcome,
    record: &mut Record,
) {
    let options = batch.options;
    if let Some(others) = &p.collision {
        let message = format!(
            "{} is also the output of {others}; neither is written",
            p.output_rel
        );
        return fail(outcome, "collision", message, None);
    }
    let Some(source_hash) = source.hash else {
        let e = std::fs::read(&p.found.path).err();
        let message = format!(
            "cannot read: {}",
            e.map_or("unknown error".into(), |e| e.to_string())
        );
        return fail(outcome, "io", message, None);
    };
    record.source_cached = source.stamp.is_some();
    let target = options.output.join(&p.output_rel);
    let entry = batch.previous.and_then(|m| m.pages.get(&p.output_rel));
    let current = manifest::file_digest(batch.cache, &target);
    if let Some((hash, Some(stamp))) = current {
        record.output = Some((stamp, hash));
    }
    // An output whose bytes differ from what pagemill last wrote there.
    let edited = match (entry, &current) {
        (Some(e), Some((hash, _))) => !hash.is(&e.output_hash),
        _ => false,
    };
    let includes = p.includes.as_ref().map(|(_, h)| h.as_str());
    let up_to_date = batch.same_batch
        && !edited
        && current.is_some()
        && entry.is_some_and(|e| {
            e.source == p.source_key()
                && source_hash.is(&e.source_hash)
                && e.includes.as_deref() == includes
        });
    if up_to_date {
        outcome.status = Status::Unchanged;
        return;
    }

    let bytes = match std::fs::read(&p.found.path) {
        Ok(b) => b,
        Err(e) => return fail(outcome, "io", format!("cannot read: {e}"), None),
    };
    let linker = Linker::for_page(&batch.settings.policy, &batch.first.url_map, &p.output_rel);
    let mut context = p.context(Some(&batch.first.boilerplate));
    context.review = options.details;
    let converted = match page::convert(&bytes, context, batch.settings, &linker) {
        Ok(c) => c,
        Err(PageError::NotHtml) => {
            outcome.status = Status::Skipped;
            return;
        }
        Err(e) => {
            let code = match &e {
                PageError::Schema(_) => "schema",
                PageError::FrontMatter(_) => "front-matter",
                PageError::Include { .. } => "include",
                _ => "page",
            };
            return fail(outcome, code, e.to_string(), e.line());
        }
    };
    outcome.diagnostics = converted.warnings;
    outcome.encoding = Some(converted.encoding);
    outcome.profile = Some(converted.profile);
    outcome.losses = converted.losses;
    outcome.links = converted
        .links
        .into_iter()
        .filter(|l| l.link.changed())
        .collect();
    outcome.review = converted.review;
    if options.details {
        outcome.record = Some(converted.record);
    } else {
        for r in &mut outcome.losses {
            r.text = String::new();
        }
    }
    let text = converted.text;
    let new_hash = Digest::of(text.as_bytes());
    if current.as_ref().is_some_and(|(h, _)| *h == new_hash) {
        outcome.status = Status::Unchanged;
        record.output_hash = Some(new_hash);
        return;
    }
    // Not ours to overwrite: edited since pagemill wrote it, or never written by
    // pagemill in a folder that has a manifest.
    let foreign = current.is_some() && entry.is_none() && batch.previous.is_some();
    if (edited || foreign) && !options.force {
        outcome.status = Status::Edited;
        let why = if edited {
            "was edited since pagemill wrote it"
        } else {
            "exists and was not written by pagemill"
        };
        outcome.diagnostics.push(Diagnostic::warning(
            "hand-edited",
            format!(
                "{} {why}; it is kept (--force overwrites it)",
                target.display()
            ),
        ));
        return;
    }
    if options.dry_run {
        outcome.status = Status::Written;
        if options.diff {
            let old = std::fs::read(&target)
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            let name = target.display().to_string();
            outcome.diff = Some(
                similar::udiff::unified_diff(
                    similar::Algorithm::Myers,
                    &old,
                    &text,
                    3,
                    Some((&name, &name)),
                )
                .to_string(),
            );
        }
        return;
    }
    match write_page(&target, text.as_bytes()) {
        Ok(()) => {
            outcome.status = Status::Written;
            record.output = Stamp::of(&target).map(|stamp| (stamp, new_hash));
            record.output_hash = Some(new_hash);
        }
        Err(e) => fail(
            outcome,
            "io",
            format!("cannot write {}: {e}", target.display()),
            None,
        ),
    }
}
