//! Finding source pages: walks each input path in sorted order and keeps files with a
//! page extension, skipping excluded folders (Jekyll's `_includes`, `_layouts`, …) and
//! the output folder when it lies inside an input.

use std::path::{Path, PathBuf};

/// Extensions of files that may be pages. `.md` files are pages when their body is HTML,
/// which is decided once they are read.
pub const PAGE_EXTENSIONS: &[&str] = &["html", "htm", "shtml", "md"];

/// One page found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discovered {
    /// The file as found.
    pub path: PathBuf,
    /// The input root it was found under (the input folder, or a file's parent folder).
    pub root: PathBuf,
    /// `path` relative to `root`, with `/` separators.
    pub rel_path: String,
}

/// What a walk found: the pages, and the folders or files it could not read (the walk
/// goes on past them).
#[derive(Debug, Default)]
pub struct Found {
    pub pages: Vec<Discovered>,
    pub unreadable: Vec<Unreadable>,
    /// Every other file under the input folders (images, documents, …): what pages may
    /// reference as assets. Symlinks are kept only when they lead to a file inside
    /// their input folder.
    pub files: Vec<OtherFile>,
}

/// A file under an input folder that is not a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OtherFile {
    pub path: PathBuf,
    /// The input folder it was found under.
    pub root: PathBuf,
    /// `path` relative to `root`, with `/` separators.
    pub rel_path: String,
    pub size: u64,
}

/// A folder or file the walk could not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DiscoverError {
    #[error("{path}: no such file or folder")]
    Missing { path: PathBuf },
}

/// Every page under `inputs`, sorted by input then path. `exclude` names folders to skip
/// wherever they appear; `skip` is a folder (the output) never to enter.
pub fn discover(
    inputs: &[PathBuf],
    exclude: &[String],
    skip: Option<&Path>,
) -> Result<Found, DiscoverError> {
    discover_with(inputs, exclude, skip, PAGE_EXTENSIONS)
}

/// Every file with one of `extensions` under `inputs` (files given directly are kept
/// whatever their extension), sorted as `discover` sorts.
pub fn discover_files(
    inputs: &[PathBuf],
    exclude: &[String],
    extensions: &[&str],
) -> Result<Found, DiscoverError> {
    discover_with(inputs, exclude, None, extensions)
}

fn discover_with(
    inputs: &[PathBuf],
    exclude: &[String],
    skip: Option<&Path>,
    extensions: &[&str],
) -> Result<Found, DiscoverError> {
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let mut found = Found::default();
    // Files named one by one keep their paths below the folder they have in common.
    let files: Vec<&PathBuf> = inputs.iter().filter(|i| i.is_file()).collect();
    let common = common_folder(&files);
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|_| DiscoverError::Missing {
            path: input.clone(),
        })?;
        if meta.is_file() {
            let rel = input.strip_prefix(&common).unwrap_or(input);
            let rel_path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            found.pages.push(Discovered {
                path: input.clone(),
                root: common.clone(),
                rel_path,
            });
            continue;
        }
        let mut real_root: Option<Option<PathBuf>> = None;
        let walker = walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() == 0 || !e.file_type().is_dir() {
                    return true;
                }
                let name = e.file_name().to_string_lossy();
                if name.starts_with('.') || exclude.iter().any(|x| *x == name) {
                    return false;
                }
                // Editors' own folders in old sites: FrontPage's `_vti_cnf`, `_vti_pvt`
                // (metadata saved as `.htm`), Dreamweaver's `_notes`.
                if name.starts_with("_vti_") || name == "_notes" {
                    return false;
                }
                if is_generator_folder(e.path(), &name) {
                    return false;
                }
                match (&skip, e.path().canonicalize()) {
                    (Some(skip), Ok(here)) => here != *skip,
                    _ => true,
                }
            });
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let path = e.path().unwrap_or(input).to_path_buf();
                    let message = match e.io_error() {
                        Some(io) => io.to_string(),
                        None => e.to_string(),
                    };
                    found.unreadable.push(Unreadable { path, message });
                    continue;
                }
            };
            let is_page = has_extension(entry.path(), extensions);
            let rel = entry.path().strip_prefix(input).unwrap_or(entry.path());
            let rel_path = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            if !entry.file_type().is_file() || !is_page {
                if !is_page && entry.depth() > 0 {
                    if let Some(size) = other_file_size(&entry, input, &mut real_root) {
                        found.files.push(OtherFile {
                            path: entry.path().to_path_buf(),
                            root: input.clone(),
                            rel_path,
                            size,
                        });
                    }
                }
                continue;
            }
            let pages = &mut found.pages;
            pages.push(Discovered {
                path: entry.path().to_path_buf(),
                root: input.clone(),
                rel_path,
            });
        }
    }
    Ok(found)
}

/// The size of a file that is not a page: a regular file's, or a symlink's when it
/// leads to a regular file inside the input folder (`real_root` is the folder's real
/// path, found once). Anything else (folders, sockets, links out) is not an asset.
fn other_file_size(
    entry: &walkdir::DirEntry,
    input: &Path,
    real_root: &mut Option<Option<PathBuf>>,
) -> Option<u64> {
    let kind = entry.file_type();
    if kind.is_file() {
        return entry.metadata().ok().map(|m| m.len());
    }
    if !kind.is_symlink() {
        return None;
    }
    let root = real_root
        .get_or_insert_with(|| input.canonicalize().ok())
        .as_ref()?;
    let real = entry.path().canonicalize().ok()?;
    let meta = std::fs::metadata(&real).ok()?;
    (real.starts_with(root) && meta.is_file()).then_some(meta.len())
}

/// The folder the files' paths have in common, as they are spelled (`a/x.html` and
/// `a/b/y.html` share `a`); their own folder for one file.
fn common_folder(files: &[&PathBuf]) -> PathBuf {
    let mut common: Option<Vec<std::path::Component>> = None;
    for f in files {
        let parent: Vec<_> = f
            .parent()
            .unwrap_or(Path::new(""))
            .components()
            .filter(|c| !matches!(c, std::path::Component::CurDir))
            .collect();
        common = Some(match common {
            None => parent,
            Some(c) => c
                .into_iter()
                .zip(parent)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common.unwrap_or_default().into_iter().collect()
}

/// Folders of a Hugo site's own machinery (themes, templates, archetypes, data, build
/// output), recognized by the Hugo configuration beside them: never pages.
fn is_generator_folder(path: &Path, name: &str) -> bool {
    const HUGO: &[&str] = &[
        "themes",
        "layouts",
        "archetypes",
        "data",
        "i18n",
        "resources",
        "public",
        "assets",
    ];
    if !HUGO.contains(&name) {
        return false;
    }
    let Some(site) = path.parent() else {
        return false;
    };
    ["hugo.toml", "hugo.yaml", "hugo.json", "config.toml"]
        .iter()
        .any(|config| site.join(config).is_file())
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| extensions.contains(&e.as_str()))
}

/// The output path of a page: its relative path with the extension replaced by `.md`.
pub fn output_rel_path(rel_path: &str) -> String {
    match rel_path.rfind('.') {
        Some(dot) if !rel_path[dot..].contains('/') => format!("{}.md", &rel_path[..dot]),
        _ => format!("{rel_path}.md"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_sorted_skips_excluded_and_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "b.html",
            "a/z.htm",
            "a/c.shtml",
            "_includes/x.md",
            "out/o.html",
            "n.txt",
            "d.md",
            "_vti_cnf/b.html",
            "a/_notes/z.htm",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "<p>x</p>").unwrap();
        }
        let found = discover(
            &[root.to_path_buf()],
            &["_includes".to_string()],
            Some(&root.join("out")),
        )
        .unwrap();
        let rels: Vec<_> = found.pages.iter().map(|d| d.rel_path.as_str()).collect();
        assert_eq!(rels, ["a/c.shtml", "a/z.htm", "b.html", "d.md"]);
        // The other files, for assets: not those of skipped folders.
        let files: Vec<_> = found.files.iter().map(|f| f.rel_path.as_str()).collect();
        assert_eq!(files, ["n.txt"]);
    }

    #[test]
    fn files_named_one_by_one_keep_their_paths_below_their_common_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in ["site/a/x.html", "site/b/c/y.html"] {
            std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
            std::fs::write(root.join(f), "<p>x</p>").unwrap();
        }
        let found = discover(
            &[root.join("site/a/x.html"), root.join("site/b/c/y.html")],
            &[],
            None,
        )
        .unwrap();
        let rels: Vec<_> = found.pages.iter().map(|d| d.rel_path.as_str()).collect();
        assert_eq!(rels, ["a/x.html", "b/c/y.html"]);
        assert!(found.pages.iter().all(|d| d.root == root.join("site")));
        let one = discover(&[root.join("site/a/x.html")], &[], None).unwrap();
        assert_eq!(one.pages[0].rel_path, "x.html");
    }

    #[test]
    fn a_hugo_sites_templates_and_themes_are_not_pages() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "hugo.toml",
            "content/about.md",
            "layouts/shortcodes/note.html",
            "themes/basic/layouts/_default/single.html",
            "archetypes/default.md",
            "other/layouts/page.html",
        ] {
            let p = root.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "<p>x</p>").unwrap();
        }
        let found = discover(&[root.to_path_buf()], &[], None).unwrap();
        let rels: Vec<_> = found.pages.iter().map(|d| d.rel_path.as_str()).collect();
        // `other/layouts` has no Hugo configuration beside it: its pages are pages.
        assert_eq!(rels, ["content/about.md", "other/layouts/page.html"]);
    }

    #[test]
    fn missing_input_is_an_error_naming_it() {
        let err = discover(&[PathBuf::from("/no/such/dir")], &[], None).unwrap_err();
        assert!(err.to_string().contains("/no/such/dir"));
    }

    #[test]
    fn output_paths_mirror_input_with_md_extension() {
        assert_eq!(output_rel_path("a/b/page.html"), "a/b/page.md");
        assert_eq!(output_rel_path("x.shtml"), "x.md");
        assert_eq!(output_rel_path("v1.0/readme"), "v1.0/readme.md");
    }
}
