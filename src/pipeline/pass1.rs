//! Pass 1: plan every page's output (collisions marked, includes folder found), read
//! what the URL map needs from each source (reusing the manifest for unchanged files),
//! and learn the batch's boilerplate from an even sample of its pages (reusing the
//! manifest's when the sample is unchanged).

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::Settings;
use crate::extract::boilerplate::{self, Boilerplate, BoilerplateConfig, Fingerprint, Learner};
use crate::links::map::{self, UrlHints, UrlMap};
use crate::manifest::{Digest, HashCache, LearnedBoilerplate, Manifest, Stamp};
use crate::page;
use crate::source::decode;
use crate::source::discover::{output_rel_path, Discovered};
use crate::source::includes::IncludeDir;

/// One page of the batch, planned.
pub(crate) struct Planned {
    pub found: Discovered,
    pub output_rel: String,
    /// Other sources with the same output path (also by case alone).
    pub collision: Option<String>,
    /// The twin converted instead of this page (`index.html` beside this `index.htm`).
    pub twin_of: Option<String>,
    /// The includes folder of the page and the hash of its files.
    pub includes: Option<(IncludeDir, String)>,
    /// How the manifest names the source (`paths::SourceKeys`); empty outside `convert`.
    pub source_key: String,
    /// The output path mirroring the input tree, which the page's URL comes from
    /// (`output_rel` is where the site target writes it).
    pub url_rel: String,
}

impl Planned {
    pub fn context<'a>(&'a self, boilerplate: Option<&'a Boilerplate>) -> page::Context<'a> {
        page::Context {
            rel_path: &self.found.rel_path,
            includes: self.includes.as_ref().map(|(d, _)| d),
            boilerplate,
            review: false,
        }
    }

    pub fn source_key(&self) -> &str {
        &self.source_key
    }
}

/// Whether a page belongs to shard `k` of `n` (1-based): by a hash of its output
/// path, so every runner agrees without talking to the others.
pub(crate) fn in_shard(output_rel: &str, (k, n): (usize, usize)) -> bool {
    let h = blake3::hash(output_rel.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.as_bytes()[..8]);
    (u64::from_le_bytes(first) % n as u64) as usize == k - 1
}

/// Every page's output path and includes folder; pages that would share an output
/// (also by case alone, one file on case-insensitive file systems) are marked.
pub(crate) fn plan(settings: &Settings, found: Vec<Discovered>) -> Vec<Planned> {
    let mut folders: HashMap<PathBuf, Option<(IncludeDir, String)>> = HashMap::new();
    let mut hashes: HashMap<PathBuf, String> = HashMap::new();
    let mut planned: Vec<Planned> = found
        .into_iter()
        .map(|f| {
            let folder = f.path.parent().map(Path::to_path_buf).unwrap_or_default();
            let includes = folders
                .entry(folder)
                .or_insert_with(|| {
                    settings.includes_for(&f.path).map(|dir| {
                        let hash = hashes
                            .entry(dir.path().to_path_buf())
                            .or_insert_with(|| crate::manifest::folder_hash(dir.path()))
                            .clone();
                        (dir, hash)
                    })
                })
                .clone();
            Planned {
                output_rel: output_rel_path(&f.rel_path),
                url_rel: String::new(),
                found: f,
                collision: None,
                twin_of: None,
                includes,
                source_key: String::new(),
            }
        })
        .collect();
    // Where the site target writes each page.
    let target = settings.target();
    let tree = crate::target::Tree::of(planned.iter().map(|p| p.output_rel.as_str()));
    for p in &mut planned {
        let file = target.file_path(&p.output_rel, &tree);
        p.url_rel = std::mem::replace(&mut p.output_rel, file);
    }
    let mut keys: Vec<(String, usize)> = planned
        .iter()
        .enumerate()
        .map(|(i, p)| (p.output_rel.to_lowercase(), i))
        .collect();
    keys.sort();
    for group in keys.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        // Twins (`index.htm` beside `index.html`): the best-known extension is the page,
        // the others are reported; pages that differ otherwise (by case) all collide.
        if let Some(winner) = twin_winner(&planned, group) {
            for &(_, i) in group.iter().filter(|(_, i)| *i != winner) {
                planned[i].twin_of = Some(planned[winner].found.path.display().to_string());
            }
            continue;
        }
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

/// Of pages sharing an output path, the one to convert when they differ by extension
/// alone: `.html`, then `.htm`, `.shtml`, `.md`.
fn twin_winner(planned: &[Planned], group: &[(String, usize)]) -> Option<usize> {
    let split = |i: usize| {
        let rel = planned[i].found.rel_path.as_str();
        rel.rsplit_once('.')
            .map_or((rel, ""), |(stem, ext)| (stem, ext))
    };
    let rank = |ext: &str| match ext.to_ascii_lowercase().as_str() {
        "html" => 0,
        "htm" => 1,
        "shtml" => 2,
        _ => 3,
    };
    let (stem, _) = split(group[0].1);
    if group.iter().any(|&(_, i)| split(i).0 != stem) {
        return None;
    }
    let best = group.iter().map(|&(_, i)| rank(split(i).1)).min()?;
    let mut winners = group.iter().filter(|&&(_, i)| rank(split(i).1) == best);
    let winner = winners.next()?.1;
    winners.next().is_none().then_some(winner)
}

/// What pass 1 knows of one source.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceInfo {
    /// Content hash; `None` when the file could not be read (pass 2 reports it).
    pub hash: Option<Digest>,
    pub stamp: Option<Stamp>,
    pub hints: UrlHints,
}

/// The batch as pass 1 sees it.
pub(crate) struct FirstPass {
    pub sources: Vec<SourceInfo>,
    pub url_map: UrlMap,
    pub boilerplate: Boilerplate,
    pub learned: Option<LearnedBoilerplate>,
    /// Hash of the URL map and the boilerplate: what every page depends on.
    pub batch_hash: String,
    /// The URL map's part of that hash, for the boilerplate learned later.
    map_hasher: blake3::Hasher,
    /// The sample still to learn the boilerplate from (`Site::Later`).
    pub sample: Option<Sample>,
}

/// An even sample of the batch's pages, and its key in the manifest.
pub(crate) struct Sample {
    pub pages: Vec<usize>,
    key: String,
}

impl FirstPass {
    /// The boilerplate learned from `sample` (`pages` sampled), and the batch hash
    /// made with it.
    pub fn learned(&mut self, sample: Sample, learner: Learner, config: &BoilerplateConfig) {
        (self.boilerplate, self.learned) = learner_result(sample, learner, config);
        self.seal();
    }

    fn seal(&mut self) {
        let mut h = self.map_hasher.clone();
        let (pages, blocks) = self.boilerplate.to_parts();
        h.update(serde_json::to_string(&(pages, blocks)).unwrap().as_bytes());
        self.batch_hash = h.finalize().to_hex().to_string();
    }
}

/// The site as a whole, written once by `pagemill index` so that shards of a batch
/// convert against the same URL map and boilerplate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SiteIndex {
    pub format: u32,
    /// The settings fingerprint the index was made with.
    pub settings: String,
    /// Every page: (output path, path under its input root, URL hints).
    pub pages: Vec<(String, String, UrlHints)>,
    pub boilerplate: Option<LearnedBoilerplate>,
}

/// How pass 1 gets the batch-wide data.
pub(crate) enum Site<'a> {
    /// Read from the planned pages; learn the boilerplate or not.
    Read { learn: bool },
    /// Read from the planned pages; the boilerplate is learned after pass 1, from the
    /// sample it leaves (`FirstPass::sample`), as those pages are converted.
    Later,
    /// From a site index (a shard of a larger batch).
    Index(&'a SiteIndex),
}

/// Reads the batch: hashes and URL hints of every source (from the manifest when the
/// file is unchanged), the URL map and the boilerplate (read, or from a site index).
pub(crate) fn read(
    settings: &Settings,
    planned: &[Planned],
    previous: Option<&Manifest>,
    cache: &HashCache,
    site: Site,
) -> FirstPass {
    let limit = settings.config.limits.max_file_bytes;
    let sources: Vec<SourceInfo> = planned
        .par_iter()
        .map(|p| {
            let stamp = Stamp::of(&p.found.path);
            let known = previous
                .and_then(|m| m.pages.get(&p.output_rel))
                .filter(|e| e.source == p.source_key());
            if let (Some(entry), Some(hash)) = (known, cache.lookup(p.source_key(), stamp)) {
                if entry.source_hash == hash {
                    return SourceInfo {
                        hash: Digest::from_hex(hash),
                        stamp,
                        hints: entry.hints.clone(),
                    };
                }
            }
            let Ok(bytes) = std::fs::read(&p.found.path) else {
                return SourceInfo::default();
            };
            let hash = Some(Digest::of(&bytes));
            let small = bytes.len() as u64 <= limit;
            let hints = match crate::source::gzip::inflate(&bytes, limit) {
                Ok(Cow::Owned(page)) if small => map::hints(&decode::decode_owned(page).text),
                Ok(Cow::Borrowed(_)) if small => map::hints(&decode::decode_owned(bytes).text),
                _ => UrlHints::default(),
            };
            SourceInfo { hash, stamp, hints }
        })
        .collect();
    // The URL map's input, borrowed: (output path, path under the input root, hints).
    let entries: Vec<(&str, &str, &UrlHints)> = match site {
        Site::Read { .. } | Site::Later => planned
            .iter()
            .zip(&sources)
            .map(|(p, s)| (p.output_rel.as_str(), p.found.rel_path.as_str(), &s.hints))
            .collect(),
        Site::Index(index) => index
            .pages
            .iter()
            .map(|(out, rel, hints)| (out.as_str(), rel.as_str(), hints))
            .collect(),
    };
    let mut sample = None;
    let (boilerplate, learned) = match site {
        Site::Read { learn: true } => match plan_sample(settings, planned, &sources, previous) {
            SamplePlan::Known(bp, learned) => (bp, learned),
            SamplePlan::Learn(s) => {
                let learner = fingerprint_sample(settings, planned, &s.pages);
                learner_result(s, learner, &settings.config.boilerplate)
            }
        },
        Site::Later => match plan_sample(settings, planned, &sources, previous) {
            SamplePlan::Known(bp, learned) => (bp, learned),
            SamplePlan::Learn(s) => {
                sample = Some(s);
                (Boilerplate::default(), None)
            }
        },
        Site::Read { learn: false } => (Boilerplate::default(), None),
        Site::Index(index) => {
            let bp = index
                .boilerplate
                .as_ref()
                .map(|l| Boilerplate::from_parts(l.pages, &l.blocks))
                .unwrap_or_default();
            (bp, index.boilerplate.clone())
        }
    };
    let url_map = UrlMap::build_from(&settings.policy, entries.iter().copied());
    let mut h = blake3::Hasher::new();
    for (out, rel, hints) in &entries {
        let line = serde_json::to_string(&(out, rel, hints)).expect("hints serialize");
        h.update(line.as_bytes());
        h.update(b"\n");
    }
    drop(entries);
    let mut first = FirstPass {
        sources,
        url_map,
        boilerplate,
        learned,
        batch_hash: String::new(),
        map_hasher: h,
        sample,
    };
    first.seal();
    first
}

/// What pass 1 knows of the boilerplate before reading any sampled page.
enum SamplePlan {
    /// Nothing to learn (no profile cuts boilerplate), or the manifest's.
    Known(Boilerplate, Option<LearnedBoilerplate>),
    Learn(Sample),
}

/// The even sample of the pages boilerplate is learned from; the manifest's boilerplate
/// when the same sample of the same sources was learned with the same settings.
fn plan_sample(
    settings: &Settings,
    planned: &[Planned],
    sources: &[SourceInfo],
    previous: Option<&Manifest>,
) -> SamplePlan {
    if !settings.profiles.iter().any(|c| c.profile.boilerplate) {
        return SamplePlan::Known(Boilerplate::default(), None);
    }
    let config = settings.config.boilerplate;
    let step = planned.len().div_ceil(config.sample.max(1)).max(1);
    let pages: Vec<usize> = (0..planned.len())
        .step_by(step)
        .filter(|&i| planned[i].collision.is_none() && sources[i].hash.is_some())
        .collect();
    let mut key = blake3::Hasher::new();
    key.update(settings.fingerprint.as_bytes());
    for &i in &pages {
        key.update(planned[i].output_rel.as_bytes());
        key.update(b"\0");
        if let Some(hash) = sources[i].hash {
            key.update(hash.hex().as_bytes());
        }
        key.update(b"\n");
    }
    let key = key.finalize().to_hex().to_string();
    if let Some(learned) = previous
        .and_then(|m| m.boilerplate.as_ref())
        .filter(|l| l.sample == key)
    {
        let bp = Boilerplate::from_parts(learned.pages, &learned.blocks);
        return SamplePlan::Known(bp, Some(learned.clone()));
    }
    SamplePlan::Learn(Sample { pages, key })
}

fn learner_result(
    sample: Sample,
    learner: Learner,
    config: &BoilerplateConfig,
) -> (Boilerplate, Option<LearnedBoilerplate>) {
    let bp = learner.finish(config);
    let (pages, blocks) = bp.to_parts();
    let learned = LearnedBoilerplate {
        sample: sample.key,
        pages,
        blocks,
    };
    (bp, Some(learned))
}

/// The sampled pages' fingerprints, read and parsed for that alone (`pagemill index`).
fn fingerprint_sample(settings: &Settings, planned: &[Planned], sample: &[usize]) -> Learner {
    let prints: Vec<Option<Vec<Fingerprint>>> = sample
        .par_iter()
        .with_max_len(1)
        .map(|&i| {
            let p = &planned[i];
            let bytes = std::fs::read(&p.found.path).ok()?;
            if bytes.len() as u64 > settings.config.limits.max_file_bytes {
                return None;
            }
            let parsed = page::parse(&bytes, p.context(None), settings).ok()?;
            let front_matter = parsed.front_matter.as_ref().map(|f| &f.fields);
            let index = crate::dom::DomIndex::for_selectors(&parsed.doc, &settings.key_slots);
            let compiled = settings.choose(&p.found.rel_path, front_matter, &index);
            compiled.profile.boilerplate.then(|| {
                boilerplate::fingerprints(&parsed.doc.root())
                    .into_iter()
                    .map(|(_, print)| print)
                    .collect()
            })
        })
        .collect();
    let mut learner = Learner::default();
    for page in prints.into_iter().flatten() {
        learner.add_page(page);
    }
    learner
}
