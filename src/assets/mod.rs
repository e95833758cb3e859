//! Assets: the files pages reference that are not pages (images, PDFs, Word and Excel
//! documents). `AssetIndex` knows every such file of the input tree (from discovery),
//! answers whether a reference reaches one, and gives it one home in the site: the
//! first path (in input order) of its content, so identical files are copied once.
//! Copying (`copy`) and the inventory (`inventory`) work from what pages used.

pub mod copy;
pub mod inventory;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::Deserialize;

use crate::manifest::Digest;
use crate::source::discover::OtherFile;

/// What is done with the files pages reference (`assets:` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum AssetMode {
    /// Copied into the site; references point at the copies.
    #[default]
    Copy,
    /// Left on the old site: references keep their absolute old URL.
    Link,
    /// Not looked for: references are treated as any other link.
    None,
}

/// One file of the input tree that a page may reference.
#[derive(Debug, Clone)]
struct File {
    path: PathBuf,
    root: usize,
    rel_path: String,
    size: u64,
}

/// Every non-page file of the input tree, found by input folder and path.
#[derive(Debug, Default)]
pub struct AssetIndex {
    files: Vec<File>,
    roots: Vec<PathBuf>,
    /// Each input folder's real path, found once.
    real_roots: Vec<PathBuf>,
    /// Per input folder: path → file, and lowercased path → file (old IIS sites did not
    /// care about case; used when exactly one file has that spelling).
    by_path: Vec<HashMap<String, u32>>,
    by_lower: Vec<HashMap<String, Option<u32>>>,
    /// Files by size: only files of equal size can be equal.
    by_size: HashMap<u64, Vec<u32>>,
    /// Content hashes learned so far (only of files that share their size).
    hashes: Mutex<HashMap<u32, Option<Digest>>>,
    /// Where copies go inside the output folder (`static/` for Hugo).
    output_prefix: String,
    /// The new site's root URL path (`links.new_base`).
    new_base: String,
}

/// A file of the index.
pub type AssetId = u32;

/// How a copied file is used: the old URLs pages reached it by, and the pages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetUse {
    pub old_urls: std::collections::BTreeSet<String>,
    pub pages: std::collections::BTreeSet<String>,
}

/// One reference a page made to a file: its absolute old URL, and the file of the input
/// tree it reached (`None`: not in the tree, the old URL is kept).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct AssetRef {
    pub old_url: String,
    pub file: Option<AssetId>,
    /// The copy's URL on the new site (`None`: kept on the old site).
    pub new_url: Option<String>,
}

impl AssetIndex {
    /// The index of `files` (in discovery order); copies go under `output_prefix` and are
    /// served under `new_base`.
    pub fn new(files: Vec<OtherFile>, output_prefix: &str, new_base: &str) -> AssetIndex {
        let mut index = AssetIndex {
            output_prefix: output_prefix.to_string(),
            new_base: new_base.trim_end_matches('/').to_string(),
            ..AssetIndex::default()
        };
        for f in files {
            let root = match index.roots.iter().position(|r| *r == f.root) {
                Some(r) => r,
                None => {
                    index
                        .real_roots
                        .push(f.root.canonicalize().unwrap_or_else(|_| f.root.clone()));
                    index.roots.push(f.root.clone());
                    index.by_path.push(HashMap::new());
                    index.by_lower.push(HashMap::new());
                    index.roots.len() - 1
                }
            };
            let id = index.files.len() as u32;
            index.by_path[root].insert(f.rel_path.clone(), id);
            index.by_lower[root]
                .entry(f.rel_path.to_lowercase())
                .and_modify(|e| *e = None)
                .or_insert(Some(id));
            index.by_size.entry(f.size).or_default().push(id);
            index.files.push(File {
                path: f.path,
                root,
                rel_path: f.rel_path,
                size: f.size,
            });
        }
        index
    }

    /// The file at `path` (a real path, as the manifest names a source), if it is a
    /// file of the index: paths outside the input folders are not.
    pub fn find_path(&self, path: &Path) -> Option<AssetId> {
        self.real_roots.iter().enumerate().find_map(|(r, real)| {
            let rel = path.strip_prefix(real).ok()?;
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            self.by_path[r].get(&rel.join("/")).copied()
        })
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The input folder's number, for `find`.
    pub fn root_of(&self, root: &Path) -> Option<usize> {
        self.roots.iter().position(|r| r == root)
    }

    /// The file at `rel_path` (decoded, `/`-separated, relative to the input folder
    /// `root`), if there is one. Paths that climb out (`..`) or hold what no file name
    /// holds are not looked up.
    pub fn find(&self, root: usize, rel_path: &str) -> Option<AssetId> {
        if rel_path.is_empty()
            || rel_path.contains('\0')
            || rel_path.contains('\\')
            || rel_path
                .split('/')
                .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return None;
        }
        if let Some(&id) = self.by_path.get(root)?.get(rel_path) {
            return Some(id);
        }
        self.by_lower[root]
            .get(&rel_path.to_lowercase())
            .copied()
            .flatten()
    }

    /// The file whose copy serves `id`: the first file of the same content.
    pub fn canonical(&self, id: AssetId) -> AssetId {
        let Some(same_size) = self.by_size.get(&self.files[id as usize].size) else {
            return id;
        };
        if same_size.len() < 2 {
            return id;
        }
        let Some(mine) = self.hash(id) else {
            return id;
        };
        same_size
            .iter()
            .copied()
            .take_while(|&other| other < id)
            .find(|&other| self.hash(other).is_some_and(|h| h == mine))
            .unwrap_or(id)
    }

    fn hash(&self, id: AssetId) -> Option<Digest> {
        if let Some(known) = self.hashes.lock().expect("hash table").get(&id) {
            return *known;
        }
        let digest = hash_file(&self.files[id as usize].path);
        self.hashes.lock().expect("hash table").insert(id, digest);
        digest
    }

    /// The input folders, in the order files name them.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// The real path of input folder `r` (a number of `roots`).
    pub fn real_root(&self, r: usize) -> &Path {
        &self.real_roots[r]
    }

    /// The input folder of `id` (its number in `roots`).
    pub fn root_index(&self, id: AssetId) -> usize {
        self.files[id as usize].root
    }

    /// A hash of which files the tree holds (folders and paths): what links resolve to
    /// depends on it, so pages are converted again when it changes.
    pub fn fingerprint(&self) -> String {
        let mut h = blake3::Hasher::new();
        for f in &self.files {
            h.update(&(f.root as u64).to_le_bytes());
            h.update(f.rel_path.as_bytes());
            h.update(b"\0");
        }
        h.finalize().to_hex().to_string()
    }

    /// The file as found.
    pub fn path(&self, id: AssetId) -> &Path {
        &self.files[id as usize].path
    }

    pub fn size(&self, id: AssetId) -> u64 {
        self.files[id as usize].size
    }

    pub fn rel_path(&self, id: AssetId) -> &str {
        &self.files[id as usize].rel_path
    }

    /// Where the copy of `id` goes, relative to the output folder.
    pub fn output_rel(&self, id: AssetId) -> String {
        [self.output_prefix.as_str(), &site_path(self.rel_path(id))].concat()
    }

    /// The URL the copy of `id` is served at on the new site.
    pub fn url(&self, id: AssetId) -> String {
        let mut url = self.new_base.clone();
        for segment in site_path(self.rel_path(id)).split('/') {
            url.push('/');
            url.extend(percent_encoding::utf8_percent_encode(segment, SEGMENT));
        }
        url
    }

    /// The path of `id`'s copy relative to the site's root (what `url` serves).
    pub fn site_rel(&self, id: AssetId) -> String {
        site_path(self.rel_path(id))
    }
}

/// Characters percent-encoded in a URL path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'[')
    .add(b']')
    .add(b'^')
    .add(b'|');

/// A file's path in the new site: its path in the input tree, except that no folder or
/// file name starts with `_` or `.`, which generators leave out of a site
/// (`_images/a.gif` → `images_/a.gif`).
fn site_path(rel: &str) -> String {
    rel.split('/')
        .map(|segment| match segment.strip_prefix(['_', '.']) {
            Some(rest) if !rest.is_empty() => format!("{rest}{}", &segment[..1]),
            _ => segment.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The content hash of a file, streamed.
pub fn hash_file(path: &Path) -> Option<Digest> {
    let mut file = std::fs::File::open(path).ok()?;
    let mut hasher = blake3::Hasher::new();
    std::io::copy(&mut file, &mut hasher).ok()?;
    Some(Digest(hasher.finalize()))
}

/// Whether a URL path looks like it names a file rather than a page: its last segment
/// has an extension that is not a page's.
pub fn looks_like_file(path: &str) -> bool {
    let last = path.rsplit('/').next().unwrap_or_default();
    match last.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() && ext.len() <= 5 => {
            let mut lower = [0u8; 5];
            for (l, b) in lower.iter_mut().zip(ext.bytes()) {
                *l = b.to_ascii_lowercase();
            }
            let ext = &lower[..ext.len()];
            ext.iter().all(u8::is_ascii_alphanumeric)
                && !matches!(
                    ext,
                    b"html"
                        | b"htm"
                        | b"shtml"
                        | b"xhtml"
                        | b"php"
                        | b"asp"
                        | b"aspx"
                        | b"jsp"
                        | b"jspx"
                        | b"cfm"
                        | b"cgi"
                        | b"pl"
                        | b"md"
                )
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
