//! The batch's files: which files the pages use — from this run's conversions, and for
//! pages not converted again from the manifest (files copied) and the run state (files
//! kept on the old site) — copied into the site, recorded in the manifest and listed in
//! the asset inventory.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use super::paths::SourceKeys;
use super::{write_atomic, ConvertOptions, Planned};
use crate::assets::copy::{copy_used, CopyOptions};
use crate::assets::{inventory, AssetIndex, AssetRef, AssetUse};
use crate::manifest::{AssetEntry, Digest, HashCache, Stamp};
use crate::page::{Diagnostic, Severity};

/// What the run leaves of its files: the manifest's asset entries and kept references,
/// and the stamps the hash cache learned.
#[derive(Debug, Default)]
pub(super) struct Files {
    pub entries: BTreeMap<String, AssetEntry>,
    pub kept: BTreeMap<String, Vec<String>>,
    pub learned: Vec<(String, Stamp, Digest)>,
}

/// Gathers the pages' references (`fresh`: each page converted in this run, by its
/// place in `planned`; `replayed`: the files kept on the old site of pages replayed
/// from the run state), copies the files into the site and writes the inventory.
#[allow(clippy::too_many_arguments)]
pub(super) fn finish(
    index: Option<&AssetIndex>,
    fresh: Vec<(usize, Vec<AssetRef>)>,
    replayed: Vec<(usize, Vec<String>)>,
    planned: &[Planned],
    previous_assets: &BTreeMap<String, AssetEntry>,
    cache: &HashCache,
    keys: &SourceKeys,
    options: &ConvertOptions,
    batch: &mut Vec<Diagnostic>,
) -> Files {
    let mut uses: BTreeMap<u32, AssetUse> = BTreeMap::new();
    let mut kept: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // Pages not converted again reference what they did when they last were.
    let converted: HashSet<&str> = fresh
        .iter()
        .map(|(i, _)| planned[*i].output_rel.as_str())
        .collect();
    // The references are taken, not copied: at 20,000 pages they are most of the run's
    // memory.
    for (i, refs) in fresh {
        let page = &planned[i].output_rel;
        for r in refs {
            match (r.file, index) {
                (Some(id), Some(index)) => {
                    let u = uses.entry(index.canonical(id)).or_default();
                    u.old_urls.insert(r.old_url);
                    u.pages.insert(page.clone());
                }
                _ => {
                    kept.entry(r.old_url).or_default().insert(page.clone());
                }
            }
        }
    }
    for (i, urls) in replayed {
        for url in urls {
            kept.entry(url)
                .or_default()
                .insert(planned[i].output_rel.clone());
        }
    }
    let planned_pages: HashSet<&str> = planned.iter().map(|p| p.output_rel.as_str()).collect();
    let carried = |pages: &[String]| -> Vec<String> {
        pages
            .iter()
            .filter(|p| planned_pages.contains(p.as_str()) && !converted.contains(p.as_str()))
            .cloned()
            .collect()
    };
    if let Some(index) = index {
        for entry in previous_assets.values() {
            let pages = carried(&entry.pages);
            let Some(id) = index.find_path(&keys.resolve(&entry.source)) else {
                continue;
            };
            if pages.is_empty() {
                continue;
            }
            let u = uses.entry(index.canonical(id)).or_default();
            u.old_urls.extend(entry.old_urls.iter().cloned());
            u.pages.extend(pages);
        }
    }
    let mut files = Files {
        kept: kept
            .into_iter()
            .map(|(url, pages)| (url, pages.into_iter().collect()))
            .collect(),
        ..Files::default()
    };
    if let Some(index) = index {
        let key = |id: u32| keys.key(index.real_root(index.root_index(id)), index.rel_path(id));
        let copied = copy_used(
            index,
            &uses,
            previous_assets,
            cache,
            &CopyOptions {
                output: &options.output,
                force: options.force,
                dry_run: options.dry_run,
                prune: options.prune,
                source_key: &key,
            },
        );
        batch.extend(copied.diagnostics);
        files.entries = copied.entries;
        files.learned = copied.learned;
    }
    if let (Some(path), false) = (&options.assets, options.dry_run) {
        let text = inventory::render(&files.entries, &files.kept);
        if let Err(e) = write_atomic(path, text.as_bytes()) {
            batch.push(Diagnostic {
                severity: Severity::Error,
                code: "io",
                message: format!("cannot write {}: {e}", path.display()),
                line: None,
            });
        }
    }
    files
}
