//! What pass 2 keeps of each page — a few dozen bytes: the hash of the output it wrote
//! and which file stamps the cache learns — and the manifest and hash cache written from
//! those records and pass 1's data, streamed to their files instead of built in memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

use super::pass1::{FirstPass, Planned};
use super::{PageOutcome, Tally};
use crate::manifest::{self, AnyEntry, Digest, Entry, EntryRef, HashCache, Stamp};

/// What a page's run teaches the manifest and the cache.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Record {
    /// The hash of the output as this run wrote it (or found it already written): the
    /// page gets a new manifest entry. `None` keeps its old entry, if any.
    pub output_hash: Option<Digest>,
    /// The source's stamp and hash (from pass 1) go into the cache.
    pub source_cached: bool,
    /// The output's stamp and hash, for the cache.
    pub output: Option<(Stamp, Digest)>,
}

/// Pass 2's results over a run of pages, in page order once sorted.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    /// Each page's record, by its index in the plan.
    pub records: Vec<(usize, Record)>,
    /// The outcomes kept for the caller, by index in the plan.
    pub pages: Vec<(usize, PageOutcome)>,
    pub tally: Tally,
    /// The files each page converted in this run references, by its index in the plan.
    pub assets: Vec<(usize, Vec<crate::assets::AssetRef>)>,
    /// The files kept on the old site that pages replayed from the run state reference
    /// (for an asset inventory), by index in the plan.
    pub kept: Vec<(usize, Vec<String>)>,
    /// Pages not started because the run was stopped.
    pub not_taken: usize,
}

impl Collected {
    pub fn merge(mut self, other: Collected) -> Collected {
        self.records.extend(other.records);
        self.pages.extend(other.pages);
        self.assets.extend(other.assets);
        self.kept.extend(other.kept);
        self.tally.merge(other.tally);
        self.not_taken += other.not_taken;
        self
    }

    /// Records and outcomes in plan order (rayon hands them over in order already;
    /// this makes that a property of the code rather than of the pool).
    pub fn sort(&mut self) {
        self.records.sort_unstable_by_key(|(i, _)| *i);
        self.pages.sort_unstable_by_key(|(i, _)| *i);
        self.assets.sort_unstable_by_key(|(i, _)| *i);
        self.kept.sort_unstable_by_key(|(i, _)| *i);
    }
}

/// The manifest: `previous`'s entries (orphans already removed) with this run's new
/// ones over them, sorted by output path, written to `out`.
pub(crate) fn write_manifest<W: Write>(
    out: W,
    settings: &str,
    first: &FirstPass,
    planned: &[Planned],
    records: &[(usize, Record)],
    previous: &BTreeMap<String, Entry>,
    assets: &BTreeMap<String, manifest::AssetEntry>,
) -> std::io::Result<()> {
    let mut new: Vec<(usize, Digest)> = records
        .iter()
        .filter_map(|(i, r)| r.output_hash.map(|h| (*i, h)))
        .collect();
    new.sort_unstable_by(|a, b| planned[a.0].output_rel.cmp(&planned[b.0].output_rel));
    let entry = |&(i, output_hash): &(usize, Digest)| {
        let p = &planned[i];
        let source = &first.sources[i];
        let entry = EntryRef {
            source: Cow::Borrowed(p.source_key()),
            source_hash: source.hash.expect("a converted page was read"),
            hints: &source.hints,
            includes: p.includes.as_ref().map(|(_, h)| h.as_str()),
            output_hash,
        };
        (p.output_rel.as_str(), AnyEntry::New(entry))
    };
    let mut old = previous.iter().peekable();
    let mut new = new.iter().peekable();
    let pages = std::iter::from_fn(move || {
        let take_new = match (old.peek(), new.peek()) {
            (None, None) => return None,
            (Some(_), None) => false,
            (None, Some(_)) => true,
            (Some((key, _)), Some(&&(i, _))) => {
                let ordering = planned[i].output_rel.as_str().cmp(key.as_str());
                if ordering.is_eq() {
                    old.next();
                }
                ordering.is_le()
            }
        };
        if take_new {
            new.next().map(entry)
        } else {
            old.next().map(|(k, e)| (k.as_str(), AnyEntry::Kept(e)))
        }
    });
    manifest::write_streamed(
        out,
        settings,
        &first.batch_hash,
        first.learned.as_ref(),
        pages,
        assets,
    )
}

/// The hash cache: `old`'s entries that this run did not learn again, then what it
/// learned (sources' stamps from pass 1, outputs' from pass 2), written to `out`.
pub(crate) fn write_cache<W: Write>(
    out: W,
    mut old: HashCache,
    first: &FirstPass,
    planned: &[Planned],
    records: &[(usize, Record)],
    files: Vec<(String, Stamp, Digest)>,
) -> std::io::Result<()> {
    let source = |i: usize, r: &Record| {
        let s = &first.sources[i];
        match (r.source_cached, s.stamp, s.hash) {
            (true, Some(stamp), Some(hash)) => Some((stamp, hash)),
            _ => None,
        }
    };
    for (i, r) in records {
        if source(*i, r).is_some() {
            old.remove(planned[*i].source_key());
        }
        if r.output.is_some() {
            old.remove(&planned[*i].output_rel);
        }
    }
    let learned = records.iter().flat_map(|(i, r)| {
        let p = &planned[*i];
        let source =
            source(*i, r).map(|(stamp, hash)| (Cow::Borrowed(p.source_key()), stamp, hash));
        let output = r
            .output
            .map(|(stamp, hash)| (Cow::Borrowed(p.output_rel.as_str()), stamp, hash));
        source.into_iter().chain(output)
    });
    for (key, _, _) in &files {
        old.remove(key);
    }
    let files = files
        .into_iter()
        .map(|(key, stamp, hash)| (Cow::Owned(key), stamp, hash));
    manifest::write_cache_streamed(out, &old, learned.chain(files))
}
