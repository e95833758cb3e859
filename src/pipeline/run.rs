//! Pass 2 for one page: decide from the manifest whether the page is up to date or its
//! output was edited by hand, convert it otherwise, and write it atomically — returning
//! the page's outcome and what the manifest and the hash cache learn from it.

use std::time::{Duration, Instant};

use super::learn::PreparedPages;
use super::pass1::{FirstPass, Planned, SourceInfo};
use super::record::Record;
use super::{write_page, ConvertOptions, PageOutcome, Status};
use crate::config::Settings;
use crate::links::{Linker, PageSource};
use crate::manifest::{self, Digest, Entry, HashCache, Manifest, Stamp};
use crate::page::{self, Diagnostic, PageError, Severity};
use crate::state::{Journal, Recorded, State, StoredOutcome};

/// The batch-wide state a page is converted against.
pub(crate) struct Batch<'a> {
    pub settings: &'a Settings,
    pub first: &'a FirstPass,
    pub previous: Option<&'a Manifest>,
    pub cache: &'a HashCache,
    pub options: &'a ConvertOptions,
    /// The output's run state: each page's last result (read), and the journal this
    /// run records finished pages in (none in a dry run).
    pub state: Option<&'a State>,
    pub journal: Option<&'a Journal>,
    /// The files of the input tree pages may reference (with `assets: copy`).
    pub assets: Option<&'a crate::assets::AssetIndex>,
    /// The pages the boilerplate was learned from, prepared while it was.
    pub prepared: &'a PreparedPages,
}

/// The linker of page `p`: links against the batch's URL map, relative ones against the
/// page's old URL (or its place in the tree), files in the tree's index.
pub(crate) fn linker_for<'a>(
    settings: &'a Settings,
    first: &'a FirstPass,
    assets: Option<&'a crate::assets::AssetIndex>,
    p: &'a Planned,
    source: &'a SourceInfo,
) -> Linker<'a> {
    let source_at = PageSource {
        root: &p.found.root,
        rel_path: &p.found.rel_path,
        base_href: source.hints.base.as_deref(),
    };
    Linker::for_page(&settings.policy, &first.url_map, &p.output_rel).with_source(
        source_at,
        settings.config.assets,
        assets,
    )
}

pub(crate) fn convert_one(
    batch: &Batch,
    i: usize,
    p: &Planned,
    source: &SourceInfo,
) -> (PageOutcome, Record) {
    let started = Instant::now();
    let prepared = batch.prepared.take(i);
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
        up_to_date: false,
        order: 0,
        unmapped_layout: None,
        assets: None,
        kept_assets: None,
        old_url: None,
    };
    let mut record = Record::default();
    run(batch, p, source, prepared, &mut outcome, &mut record);
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
    prepared: Option<page::Prepared>,
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
    if let Some(twin) = &p.twin_of {
        outcome.status = Status::Skipped;
        outcome.diagnostics.push(Diagnostic::warning(
            "twin",
            format!(
                "{} has the same output as {twin}, which is converted instead (.html, then .htm, .shtml, .md)",
                p.found.path.display()
            ),
        ));
        return;
    }
    if let Some(target) = &source.hints.redirect {
        // A redirect stub is not a page: its old URLs redirect where it sent readers.
        outcome.status = Status::Skipped;
        let to = batch
            .first
            .url_map
            .page(&p.output_rel)
            .map_or_else(|| target.clone(), |m| m.new_url().to_string());
        outcome.diagnostics.push(Diagnostic::warning(
            "redirect",
            format!("a redirect stub to {to}: its old URLs redirect there; no page is written"),
        ));
        return;
    }
    let page_like = p
        .found
        .path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| crate::source::discover::PAGE_EXTENSIONS.contains(&e.as_str()));
    if !page_like {
        let message = "not an HTML page: pagemill converts .html, .htm, .shtml and .md files";
        return fail(outcome, "page", message.to_string(), None);
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
    let settings = &batch.settings.fingerprint;
    let batch_hash = &batch.first.batch_hash;
    // What pagemill last wrote there: the committed manifest's entry, and the run
    // state's (newer when a run was stopped before its manifest).
    let entry = batch.previous.and_then(|m| m.pages.get(&p.output_rel));
    let recorded = batch.state.and_then(|s| s.get(&p.output_rel));
    let current = manifest::file_digest(batch.cache, &target, &p.output_rel);
    if let Some((hash, Some(stamp))) = current {
        record.output = Some((stamp, hash));
    }
    let includes = p.includes.as_ref().map(|(_, h)| h.as_str());
    let same_inputs = |e: &Entry| {
        e.source == p.source_key()
            && source_hash.is(&e.source_hash)
            && e.includes.as_deref() == includes
    };
    let matches = |e: &Entry| current.as_ref().is_some_and(|(h, _)| h.is(&e.output_hash));
    // An output whose bytes differ from everything pagemill wrote there.
    let known = entry.is_some() || recorded.is_some();
    let edited = current.is_some()
        && known
        && !entry.is_some_and(matches)
        && !recorded.as_ref().is_some_and(|r| matches(&r.entry));
    let state_current = recorded.as_ref().filter(|r| {
        r.settings == *settings
            && r.batch == *batch_hash
            && same_inputs(&r.entry)
            && matches(&r.entry)
    });
    let manifest_current = batch
        .previous
        .is_some_and(|m| m.settings == *settings && m.batch == *batch_hash)
        && entry.is_some_and(|e| same_inputs(e) && matches(e));
    outcome.up_to_date = manifest_current || state_current.is_some();
    // Up to date, and its last outcome is known: replayed, not converted again. A report
    // shows fields, losses, changed links and legacy content, which the state does not
    // keep: with one the page is read again, as it is when only the manifest vouches
    // for it (to learn its outcome).
    if let (Some(r), Some((hash, _)), false) = (state_current, &current, options.details) {
        outcome.status = Status::Unchanged;
        outcome.diagnostics = r.outcome.diagnostics();
        outcome.links = r.outcome.links();
        outcome.encoding = r.outcome.encoding();
        outcome.profile = r.outcome.profile.clone();
        outcome.unmapped_layout = r.outcome.unmapped_layout.clone();
        // Its files copied are the manifest's to carry; its files kept, the state's.
        outcome.kept_assets = Some(r.outcome.kept_assets.clone());
        record.output_hash = Some(*hash);
        return;
    }

    let linker = linker_for(batch.settings, batch.first, batch.assets, p, source);
    let mut context = p.context(Some(&batch.first.boilerplate));
    context.review = options.review;
    // A page the boilerplate was learned from is put together from its preparation,
    // unless the cut cannot be made there: then, like any other, it is converted.
    let assembled = prepared.and_then(|prepared| {
        page::assemble(
            prepared,
            &batch.first.boilerplate,
            context,
            batch.settings,
            &linker,
        )
    });
    let converted = match assembled {
        Some(converted) => converted,
        None => match std::fs::read(&p.found.path) {
            Ok(bytes) => page::convert(&bytes, context, batch.settings, &linker),
            Err(e) => return fail(outcome, "io", format!("cannot read: {e}"), None),
        },
    };
    let converted = match converted {
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
    if linker.guessed_base() {
        outcome.diagnostics.push(Diagnostic::warning(
            "old-url",
            "the page's old URL is unknown (no links.old_root, permalink, canonical link, \
             og:url or <base href>): its relative links were resolved against its place in \
             the input tree"
                .to_string(),
        ));
    }
    outcome.old_url = linker.old_url();
    let assets = linker.take_assets();
    outcome.encoding = Some(converted.encoding);
    outcome.profile = Some(converted.profile);
    outcome.losses = converted.losses;
    outcome.links = converted
        .links
        .into_iter()
        .filter(|l| l.link.changed())
        .collect();
    outcome.review = converted.review;
    outcome.record = Some(converted.record);
    outcome.unmapped_layout = converted.unmapped_layout;
    let text = converted.text;
    let new_hash = Digest::of(text.as_bytes());
    let unchanged = current.as_ref().is_some_and(|(h, _)| *h == new_hash);
    // What the run state keeps of this conversion, should the output end up holding it.
    let mut stored = batch.journal.map(|_| {
        let mut stored = StoredOutcome::new(
            outcome.profile.as_deref(),
            outcome.encoding,
            &outcome.diagnostics,
            &outcome.links,
        );
        stored.unmapped_layout = outcome.unmapped_layout.clone();
        stored.kept_assets = assets
            .iter()
            .filter(|a| a.file.is_none())
            .map(|a| a.old_url.clone())
            .collect();
        stored
    });
    if unchanged {
        outcome.status = Status::Unchanged;
        outcome.assets = Some(assets.clone());
        record.output_hash = Some(new_hash);
        journal(batch, p, source, new_hash, stored.take());
    }
    // The record and the removed text stay only for a report.
    if !options.details {
        outcome.record = None;
        for r in &mut outcome.losses {
            r.text = String::new();
        }
    }
    if unchanged {
        return;
    }
    // Not ours to overwrite: edited since pagemill wrote it, or never written by
    // pagemill in a folder that has a manifest.
    let foreign = current.is_some() && !known && batch.previous.is_some();
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
        outcome.assets = Some(assets);
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
            outcome.assets = Some(assets);
            record.output = Stamp::of(&target).map(|stamp| (stamp, new_hash));
            record.output_hash = Some(new_hash);
            journal(batch, p, source, new_hash, stored.take());
        }
        Err(e) => fail(
            outcome,
            "io",
            format!("cannot write {}: {e}", target.display()),
            None,
        ),
    }
}

/// Records a page whose output now holds `output_hash` in the run state, with its
/// outcome, so that a later run can skip it and replay what it found.
fn journal(
    batch: &Batch,
    p: &Planned,
    source: &SourceInfo,
    output_hash: Digest,
    outcome: Option<StoredOutcome>,
) {
    let (Some(journal), Some(source_hash), Some(outcome)) = (batch.journal, source.hash, outcome)
    else {
        return;
    };
    let hints = source.hints.clone();
    let recorded = Recorded {
        settings: batch.settings.fingerprint.clone(),
        batch: batch.first.batch_hash.clone(),
        entry: Entry {
            source: p.source_key().to_string(),
            source_hash: source_hash.hex().to_string(),
            hints,
            includes: p.includes.as_ref().map(|(_, h)| h.clone()),
            output_hash: output_hash.hex().to_string(),
        },
        outcome,
    };
    journal.record(&p.output_rel, &recorded);
}
