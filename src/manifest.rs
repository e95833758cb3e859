//! The manifest of an output folder (`.pagemill/manifest.json`): for every page written,
//! its source and the source's hash, what pass 1 read from it, and the hash of the
//! output as written — plus the hash of the settings and of the batch-wide inputs (URL
//! map, boilerplate) it was converted with. Reruns skip pages whose inputs are
//! unchanged, and an output whose bytes no longer match its entry was edited by a
//! person. The manifest holds no time stamps, so it is deterministic and can be
//! committed with the output; file times live in a separate local cache
//! (`.pagemill/cache.json`, ignored by git) that only spares re-hashing unchanged files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::links::map::UrlHints;

/// The folder inside the output that holds the manifest.
pub const DIR: &str = ".pagemill";
const MANIFEST: &str = "manifest.json";
const CACHE: &str = "cache.json";
const FORMAT: u32 = 1;

/// One page's entry, keyed by its output path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The source file: its real path relative to the output folder's.
    pub source: String,
    pub source_hash: String,
    /// What pass 1 read from the source (for the URL map).
    #[serde(default)]
    pub hints: UrlHints,
    /// Hash of the includes folder's files the page was converted with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<String>,
    /// Hash of the output as written.
    pub output_hash: String,
}

/// A file copied into the site for the pages that reference it, keyed by its output
/// path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetEntry {
    /// The file it was copied from: its real path relative to the output folder's.
    pub source: String,
    pub source_hash: String,
    /// Hash of the copy as written (a different file there was replaced by hand).
    pub output_hash: String,
    pub size: u64,
    /// Its URL on the new site.
    pub url: String,
    /// The absolute old URLs pages reached it by (files of the same content share one
    /// copy), sorted.
    pub old_urls: Vec<String>,
    /// Every page that references it (output paths), sorted.
    pub pages: Vec<String>,
}

/// Boilerplate learned from a sample, kept so an unchanged batch need not re-sample.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearnedBoilerplate {
    /// Hash of the sampled pages (output paths and source hashes).
    pub sample: String,
    pub pages: usize,
    /// Repeated block fingerprints (hex) with the number of sampled pages showing them.
    pub blocks: Vec<(String, usize)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// Hash of the tool version, configuration, profiles and schemas.
    pub settings: String,
    /// Hash of the batch-wide inputs: the URL map and the boilerplate.
    pub batch: String,
    #[serde(default)]
    pub boilerplate: Option<LearnedBoilerplate>,
    pub pages: BTreeMap<String, Entry>,
    /// Files copied into the site, by output path.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub assets: BTreeMap<String, AssetEntry>,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{path}: unreadable manifest ({message}); every page is converted again")]
pub struct ManifestError {
    pub path: PathBuf,
    pub message: String,
}

impl Manifest {
    pub fn path(output: &Path) -> PathBuf {
        output.join(DIR).join(MANIFEST)
    }

    /// A manifest of another name (shards keep one each).
    pub fn path_named(output: &Path, name: &str) -> PathBuf {
        output.join(DIR).join(name)
    }

    /// The manifest of `output`: `Ok(None)` when there is none yet.
    pub fn load(output: &Path) -> Result<Option<Manifest>, ManifestError> {
        Manifest::load_named(output, MANIFEST)
    }

    /// The manifest of that name in `output`.
    pub fn load_named(output: &Path, name: &str) -> Result<Option<Manifest>, ManifestError> {
        let path = Manifest::path_named(output, name);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(ManifestError {
                    path,
                    message: e.to_string(),
                })
            }
        };
        let manifest: Manifest = serde_json::from_str(&text).map_err(|e| ManifestError {
            path: path.clone(),
            message: e.to_string(),
        })?;
        if manifest.format != FORMAT {
            return Err(ManifestError {
                path,
                message: format!("format {} is not {FORMAT}", manifest.format),
            });
        }
        Ok(Some(manifest))
    }

    /// The manifest as written: sorted, pretty, newline-terminated.
    pub fn to_json(&mut self) -> String {
        self.format = FORMAT;
        serde_json::to_string_pretty(self).expect("the manifest serializes") + "\n"
    }
}

/// A file's size and modification time, the key of the local hash cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub size: u64,
    pub modified_ns: u128,
}

impl Stamp {
    pub fn of(path: &Path) -> Option<Stamp> {
        let meta = std::fs::metadata(path).ok()?;
        let modified_ns = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        Some(Stamp {
            size: meta.len(),
            modified_ns,
        })
    }
}

/// Local, machine-specific cache: file stamp → content hash, for sources and outputs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HashCache {
    pub files: BTreeMap<String, (Stamp, String)>,
}

impl HashCache {
    pub fn load(output: &Path) -> HashCache {
        std::fs::read_to_string(output.join(DIR).join(CACHE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    /// The cache file of `output`.
    pub fn path(output: &Path) -> PathBuf {
        output.join(DIR).join(CACHE)
    }

    /// The `.gitignore` that keeps the cache (and the running marker) out of version
    /// control, and its text.
    pub fn gitignore(output: &Path) -> (PathBuf, String) {
        (
            output.join(DIR).join(".gitignore"),
            format!("{CACHE}\nrunning\nstate.redb\nstate.*.redb\n"),
        )
    }

    /// Forgets the entry of `key` (a new one is about to be written).
    pub fn remove(&mut self, key: &str) {
        self.files.remove(key);
    }

    /// The hash of the file named `key` when its stamp is the cached one. Keys are
    /// paths relative to the output folder (a source's manifest key, an output's path),
    /// so they do not depend on how the command line spelled the folders.
    pub fn lookup(&self, key: &str, stamp: Option<Stamp>) -> Option<&str> {
        let (cached, hash) = self.files.get(key)?;
        (Some(*cached) == stamp).then_some(hash.as_str())
    }

    pub fn insert(&mut self, key: &str, stamp: Stamp, hash: String) {
        self.files.insert(key.to_string(), (stamp, hash));
    }
}

/// The hash of some bytes, as stored in the manifest.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// A hash held as its 32 bytes; written as the manifest writes hashes (hex).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digest(pub blake3::Hash);

impl Digest {
    pub fn of(bytes: &[u8]) -> Digest {
        Digest(blake3::hash(bytes))
    }

    /// The hash written as hex (from the manifest or the cache).
    pub fn from_hex(hex: &str) -> Option<Digest> {
        blake3::Hash::from_hex(hex).ok().map(Digest)
    }

    pub fn hex(&self) -> impl std::ops::Deref<Target = str> {
        self.0.to_hex()
    }

    /// Whether `hex` is this hash written out.
    pub fn is(&self, hex: &str) -> bool {
        *self.hex() == *hex
    }
}

impl Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

/// A manifest entry borrowed from the batch that made it; written exactly as `Entry`.
#[derive(Debug, Serialize)]
pub struct EntryRef<'a> {
    pub source: std::borrow::Cow<'a, str>,
    pub source_hash: Digest,
    pub hints: &'a UrlHints,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub includes: Option<&'a str>,
    pub output_hash: Digest,
}

/// An entry kept from the previous manifest, or one this run made.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum AnyEntry<'a> {
    Kept(&'a Entry),
    New(EntryRef<'a>),
}

/// Serializes the items of an iterator as a map, once, without collecting them.
struct Streamed<I>(std::cell::RefCell<Option<I>>);

impl<K: Serialize, V: Serialize, I: Iterator<Item = (K, V)>> Serialize for Streamed<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let items = self.0.borrow_mut().take();
        s.collect_map(items.into_iter().flatten())
    }
}

/// The manifest as `Manifest::to_json` writes it, its pages streamed from `pages`
/// (which yields them sorted by output path, as a `BTreeMap` would).
pub fn write_streamed<'a, W: std::io::Write>(
    mut out: W,
    settings: &str,
    batch: &str,
    boilerplate: Option<&LearnedBoilerplate>,
    pages: impl Iterator<Item = (&'a str, AnyEntry<'a>)>,
    assets: &BTreeMap<String, AssetEntry>,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    #[serde(bound(serialize = "Streamed<I>: Serialize"))]
    struct Out<'b, I> {
        format: u32,
        settings: &'b str,
        batch: &'b str,
        boilerplate: Option<&'b LearnedBoilerplate>,
        pages: Streamed<I>,
        #[serde(skip_serializing_if = "BTreeMap::is_empty")]
        assets: &'b BTreeMap<String, AssetEntry>,
    }
    let manifest = Out {
        format: FORMAT,
        settings,
        batch,
        boilerplate,
        pages: Streamed(std::cell::RefCell::new(Some(pages))),
        assets,
    };
    serde_json::to_writer_pretty(&mut out, &manifest)?;
    out.write_all(b"\n")
}

/// The hash cache file (what `serde_json` makes of a `HashCache`): the entries of `old`
/// (the caller removes those `files` replaces), then `files`.
pub fn write_cache_streamed<'a, W: std::io::Write>(
    mut out: W,
    old: &'a HashCache,
    files: impl Iterator<Item = (std::borrow::Cow<'a, str>, Stamp, Digest)>,
) -> std::io::Result<()> {
    #[derive(Serialize)]
    #[serde(untagged)]
    enum AnyHash<'b> {
        Text(&'b str),
        Digest(Digest),
    }
    #[derive(Serialize)]
    #[serde(bound(serialize = "Streamed<I>: Serialize"))]
    struct Out<I> {
        files: Streamed<I>,
    }
    let kept = old.files.iter().map(|(k, (stamp, hash))| {
        (
            std::borrow::Cow::Borrowed(k.as_str()),
            (*stamp, AnyHash::Text(hash)),
        )
    });
    let new = files.map(|(k, stamp, d)| (k, (stamp, AnyHash::Digest(d))));
    let cache = Out {
        files: Streamed(std::cell::RefCell::new(Some(kept.chain(new)))),
    };
    serde_json::to_writer(&mut out, &cache)?;
    Ok(())
}

/// The hash of a file's content (cached under `key`): from the cache when its stamp
/// matches, else read.
pub fn file_digest(cache: &HashCache, path: &Path, key: &str) -> Option<(Digest, Option<Stamp>)> {
    let stamp = Stamp::of(path);
    if let Some(d) = cache.lookup(key, stamp).and_then(Digest::from_hex) {
        return Some((d, stamp));
    }
    let bytes = std::fs::read(path).ok()?;
    Some((Digest::of(&bytes), stamp))
}

/// Hash of every file under an includes folder (names and contents, sorted).
pub fn folder_hash(dir: &Path) -> String {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let mut h = blake3::Hasher::new();
    for f in files {
        h.update(
            f.strip_prefix(dir)
                .unwrap_or(&f)
                .to_string_lossy()
                .as_bytes(),
        );
        h.update(b"\0");
        if let Ok(bytes) = std::fs::read(&f) {
            h.update(blake3::hash(&bytes).as_bytes());
        }
    }
    h.finalize().to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifests_round_trip_and_carry_no_time() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Manifest {
            settings: "s".into(),
            batch: "b".into(),
            ..Manifest::default()
        };
        m.pages.insert(
            "a.md".into(),
            Entry {
                source: "in/a.html".into(),
                source_hash: hash(b"x"),
                hints: UrlHints::default(),
                includes: None,
                output_hash: hash(b"y"),
            },
        );
        let path = Manifest::path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, m.to_json()).unwrap();
        let back = Manifest::load(dir.path()).unwrap().unwrap();
        assert_eq!(back.pages, m.pages);
        assert!(!m.to_json().contains("modified"));
        std::fs::write(&path, "{").unwrap();
        assert!(Manifest::load(dir.path()).is_err());
    }

    #[test]
    fn a_streamed_manifest_is_the_one_to_json_writes() {
        let hints = UrlHints {
            canonical: Some("https://example.gov/a.html".into()),
            ..UrlHints::default()
        };
        let kept = Entry {
            source: "in/a.html".into(),
            source_hash: hash(b"a"),
            hints: UrlHints::default(),
            includes: Some("inc".into()),
            output_hash: hash(b"A"),
        };
        let new = EntryRef {
            source: "in/b.html".into(),
            source_hash: Digest::of(b"b"),
            hints: &hints,
            includes: None,
            output_hash: Digest::of(b"B"),
        };
        let learned = LearnedBoilerplate {
            sample: "s".into(),
            pages: 3,
            blocks: vec![("f".into(), 3)],
        };
        let mut whole = Manifest {
            format: 0,
            settings: "settings".into(),
            batch: "batch".into(),
            boilerplate: Some(learned.clone()),
            pages: BTreeMap::new(),
            assets: BTreeMap::new(),
        };
        whole.pages.insert("a.md".into(), kept.clone());
        whole.pages.insert(
            "b.md".into(),
            Entry {
                source: "in/b.html".into(),
                source_hash: hash(b"b"),
                hints: hints.clone(),
                includes: None,
                output_hash: hash(b"B"),
            },
        );
        let mut streamed = Vec::new();
        let pages = [
            ("a.md", AnyEntry::Kept(&kept)),
            ("b.md", AnyEntry::New(new)),
        ];
        write_streamed(
            &mut streamed,
            "settings",
            "batch",
            Some(&learned),
            pages.into_iter(),
            &BTreeMap::new(),
        )
        .unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), whole.to_json());
    }

    #[test]
    fn a_streamed_cache_reads_back_with_old_and_new_entries() {
        let stamp = Stamp {
            size: 3,
            modified_ns: 1_700_000_000_000_000_000,
        };
        let mut old = HashCache::default();
        old.insert("old", stamp, hash(b"old"));
        let mut out = Vec::new();
        let new = [("new".into(), stamp, Digest::of(b"new"))];
        write_cache_streamed(&mut out, &old, new.into_iter()).unwrap();
        let back: HashCache = serde_json::from_slice(&out).unwrap();
        assert_eq!(back.lookup("old", Some(stamp)), Some(&*hash(b"old")));
        assert_eq!(back.lookup("new", Some(stamp)), Some(&*hash(b"new")));
        assert_eq!(back.files.len(), 2);
    }

    #[test]
    fn the_cache_answers_only_for_the_same_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let mut cache = HashCache::default();
        let stamp = Stamp::of(&f).unwrap();
        cache.insert("f", stamp, "h".into());
        assert_eq!(cache.lookup("f", Some(stamp)), Some("h"));
        let other = Stamp {
            size: stamp.size + 1,
            ..stamp
        };
        assert_eq!(cache.lookup("f", Some(other)), None);
    }
}
