//! Copying the files pages use into the site: each written atomically, only when its
//! source changed since the manifest's entry; a copy replaced by hand is kept (like a
//! hand-edited page) unless forced; copies no page uses any longer are reported, and
//! removed with `--prune`.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;

use super::{AssetId, AssetIndex, AssetUse};
use crate::manifest::{file_digest, AssetEntry, Digest, HashCache, Stamp};
use crate::page::{Diagnostic, Severity};

/// What copying needs besides the files.
pub struct CopyOptions<'a> {
    pub output: &'a Path,
    pub force: bool,
    pub dry_run: bool,
    pub prune: bool,
    /// The manifest's name for a file (its real path relative to the output folder).
    pub source_key: &'a (dyn Fn(AssetId) -> String + Sync),
}

/// The result: the manifest's asset entries, what the hash cache learned, and what
/// was said.
#[derive(Debug, Default)]
pub struct Copied {
    pub entries: BTreeMap<String, AssetEntry>,
    pub learned: Vec<(String, Stamp, Digest)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Files written this run.
    pub written: usize,
}

/// Copies every used file (`uses`: by the file whose copy serves it) into the output.
/// `previous` is the last run's entries.
pub fn copy_used(
    index: &AssetIndex,
    uses: &BTreeMap<AssetId, AssetUse>,
    previous: &BTreeMap<String, AssetEntry>,
    cache: &HashCache,
    options: &CopyOptions,
) -> Copied {
    let items: Vec<(&AssetId, &AssetUse)> = uses.iter().collect();
    let results: Vec<One> = items
        .par_iter()
        .map(|(id, pages)| copy_one(index, **id, pages, previous, cache, options))
        .collect();
    let mut out = Copied::default();
    for one in results {
        out.learned.extend(one.learned);
        out.diagnostics.extend(one.diagnostic);
        out.written += usize::from(one.written);
        if let Some((rel, entry)) = one.entry {
            out.entries.insert(rel, entry);
        }
    }
    unused(previous, &mut out, options);
    out
}

#[derive(Default)]
struct One {
    entry: Option<(String, AssetEntry)>,
    learned: Vec<(String, Stamp, Digest)>,
    diagnostic: Option<Diagnostic>,
    written: bool,
}

fn copy_one(
    index: &AssetIndex,
    id: AssetId,
    uses: &AssetUse,
    previous: &BTreeMap<String, AssetEntry>,
    cache: &HashCache,
    options: &CopyOptions,
) -> One {
    let mut one = One::default();
    let source = index.path(id);
    let key = (options.source_key)(id);
    let Some((source_hash, stamp)) = file_digest(cache, source, &key) else {
        one.diagnostic = Some(error(format!(
            "{}: cannot read the file pages reference; it was not copied",
            source.display()
        )));
        return one;
    };
    if let Some(stamp) = stamp {
        one.learned.push((key.clone(), stamp, source_hash));
    }
    let rel = index.output_rel(id);
    let dest = options.output.join(&rel);
    let before = previous.get(&rel);
    let existing = dest
        .is_file()
        .then(|| file_digest(cache, &dest, &rel))
        .flatten();
    let mut entry = AssetEntry {
        source: key,
        source_hash: source_hash.hex().to_string(),
        output_hash: source_hash.hex().to_string(),
        size: index.size(id),
        url: index.url(id),
        old_urls: uses.old_urls.iter().cloned().collect(),
        pages: uses.pages.iter().cloned().collect(),
    };
    match existing {
        Some((there, _)) if there == source_hash => {}
        Some((there, _)) if !options.force => {
            // Not what pagemill last wrote there (or never written by it): a person's.
            let ours = before.is_some_and(|b| there.is(&b.output_hash));
            if !ours {
                let why = if before.is_some() {
                    "was replaced since pagemill copied it"
                } else {
                    "exists and was not copied by pagemill"
                };
                one.diagnostic = Some(Diagnostic::warning(
                    "hand-edited",
                    format!(
                        "{} {why}; it is kept (--force overwrites it)",
                        dest.display()
                    ),
                ));
                // What pagemill wrote stays on record, so the file stays the person's.
                if let Some(b) = before {
                    entry.output_hash = b.output_hash.clone();
                }
                one.entry = Some((rel, entry));
                return one;
            }
            one.written = write(source, &dest, options, &mut one);
        }
        _ => one.written = write(source, &dest, options, &mut one),
    }
    if one.diagnostic.is_none() {
        if let Some(stamp) = Stamp::of(&dest) {
            one.learned.push((rel.clone(), stamp, source_hash));
        }
        one.entry = Some((rel, entry));
    }
    one
}

fn write(source: &Path, dest: &Path, options: &CopyOptions, one: &mut One) -> bool {
    if options.dry_run {
        return true;
    }
    match crate::pipeline::copy_atomic(source, dest) {
        Ok(()) => true,
        Err(e) => {
            one.diagnostic = Some(error(format!("cannot write {}: {e}", dest.display())));
            false
        }
    }
}

/// The last run's copies that no page uses now: reported, and with `prune` removed when
/// they are still what pagemill wrote. Those kept stay in the manifest, with no pages.
fn unused(previous: &BTreeMap<String, AssetEntry>, out: &mut Copied, options: &CopyOptions) {
    for (rel, entry) in previous {
        if out.entries.contains_key(rel) {
            continue;
        }
        let dest = options.output.join(rel);
        let Some(there) = super::hash_file(&dest) else {
            continue; // gone already
        };
        let ours = there.is(&entry.output_hash);
        if options.prune && (ours || options.force) && !options.dry_run {
            if std::fs::remove_file(&dest).is_ok() {
                out.diagnostics.push(Diagnostic::warning(
                    "orphan",
                    format!("{}: no page uses it any longer; removed", dest.display()),
                ));
            }
            continue;
        }
        out.diagnostics.push(Diagnostic::warning(
            "orphan",
            format!(
                "{}: no page uses it any longer; kept (--prune removes it)",
                dest.display()
            ),
        ));
        let mut kept = entry.clone();
        kept.pages.clear();
        out.entries.insert(rel.clone(), kept);
    }
}

fn error(message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        code: "io",
        message,
        line: None,
    }
}
