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
    /// The source file, as the inputs named it.
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

    /// The cache file and the `.gitignore` that keeps it out of version control.
    pub fn files_to_write(&self, output: &Path) -> Vec<(PathBuf, String)> {
        vec![
            (
                output.join(DIR).join(CACHE),
                serde_json::to_string(self).expect("the cache serializes"),
            ),
            (
                output.join(DIR).join(".gitignore"),
                format!("{CACHE}\nrunning\n"),
            ),
        ]
    }

    /// The hash of `path` when its stamp is the cached one.
    pub fn lookup(&self, path: &Path, stamp: Option<Stamp>) -> Option<&str> {
        let (cached, hash) = self.files.get(&key(path))?;
        (Some(*cached) == stamp).then_some(hash.as_str())
    }

    pub fn insert(&mut self, path: &Path, stamp: Stamp, hash: String) {
        self.files.insert(key(path), (stamp, hash));
    }
}

fn key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// The hash of some bytes, as stored in the manifest.
pub fn hash(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The hash of a file's content: from the cache when its stamp matches, else read.
pub fn file_hash(cache: &HashCache, path: &Path) -> Option<(String, Option<Stamp>)> {
    let stamp = Stamp::of(path);
    if let Some(h) = cache.lookup(path, stamp) {
        return Some((h.to_string(), stamp));
    }
    let bytes = std::fs::read(path).ok()?;
    Some((hash(&bytes), stamp))
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
    fn the_cache_answers_only_for_the_same_stamp() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        std::fs::write(&f, "one").unwrap();
        let mut cache = HashCache::default();
        let stamp = Stamp::of(&f).unwrap();
        cache.insert(&f, stamp, "h".into());
        assert_eq!(cache.lookup(&f, Some(stamp)), Some("h"));
        let other = Stamp {
            size: stamp.size + 1,
            ..stamp
        };
        assert_eq!(cache.lookup(&f, Some(other)), None);
    }
}
