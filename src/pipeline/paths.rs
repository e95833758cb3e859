//! Where a run may write and how it names sources: the guard that refuses any output
//! path that is also a source (the output folder equal to an input, a symlinked alias of
//! it, overlapping roots, a source passed by name into the output), and the spelling-free
//! key a source is recorded under in the manifest (its path relative to the output
//! folder, from real paths), so `input`, `./input/` and an absolute path are one source.

use std::path::{Component, Path, PathBuf};

use super::pass1::Planned;

/// An output that would overwrite a source.
#[derive(Debug, thiserror::Error)]
pub enum OverlapError {
    #[error("{}: the output folder is the input {}; converting would overwrite the sources (choose another -o)", .output.display(), .input.display())]
    Same { output: PathBuf, input: PathBuf },
    #[error("{}: the output folder contains the input {}; its outputs could overwrite sources (choose an -o outside it)", .output.display(), .input.display())]
    Contains { output: PathBuf, input: PathBuf },
    #[error("{}: this output is the source {}; nothing was written (choose another -o)", .target.display(), .page.display())]
    Source { target: PathBuf, page: PathBuf },
}

/// The real, absolute form of `path`, which need not exist: its longest existing
/// ancestor resolved (symlinks followed), the rest appended with `.` and `..` taken out.
pub(crate) fn real(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let absolute = lexical(&absolute);
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(resolved) = existing.canonicalize() {
            let mut out = resolved;
            out.extend(rest.iter().rev());
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// `path` with `.` removed and each `..` taking out the component before it.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push(c);
                }
            }
            other => out.push(other),
        }
    }
    out
}

/// Refuses a run whose outputs could land on sources. `extra` are other files the run
/// writes (the redirect file, the report).
pub(crate) fn check_overlap(
    inputs: &[PathBuf],
    output: &Path,
    planned: &[Planned],
    extra: &[&Path],
) -> Result<(), OverlapError> {
    let out = real(output);
    let mut roots_overlap = false;
    for input in inputs.iter().filter(|i| i.is_dir()) {
        let root = real(input);
        if root == out {
            return Err(OverlapError::Same {
                output: output.to_path_buf(),
                input: input.clone(),
            });
        }
        if root.starts_with(&out) {
            return Err(OverlapError::Contains {
                output: output.to_path_buf(),
                input: input.clone(),
            });
        }
        // The output inside an input is never searched for pages; a source reached
        // through another input could still be there.
        roots_overlap |= out.starts_with(&root);
    }
    let named = |p: &Planned| inputs.contains(&p.found.path);
    let mut roots: std::collections::HashMap<&Path, PathBuf> = Default::default();
    let extra_real: Vec<PathBuf> = extra.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let mut sources: Vec<(PathBuf, &Path)> = Vec::new();
    for p in planned {
        let root = roots
            .entry(p.found.root.as_path())
            .or_insert_with(|| real(&p.found.root));
        let holds_output = out.starts_with(&*root);
        let holds_extra = extra_real.iter().any(|e| e.starts_with(&*root));
        if roots_overlap || holds_output || holds_extra || named(p) {
            if let Ok(resolved) = p.found.path.canonicalize() {
                sources.push((resolved, p.found.path.as_path()));
            }
        }
    }
    if sources.is_empty() {
        return Ok(());
    }
    sources.sort();
    let clash = |target: &Path| -> Result<(), OverlapError> {
        let Ok(resolved) = target.canonicalize() else {
            return Ok(()); // not there yet: no source can be it
        };
        match sources.binary_search_by(|(s, _)| s.as_path().cmp(&resolved)) {
            Ok(i) => Err(OverlapError::Source {
                target: target.to_path_buf(),
                page: sources[i].1.to_path_buf(),
            }),
            Err(_) => Ok(()),
        }
    };
    for p in planned {
        clash(&output.join(&p.output_rel))?;
    }
    for dir_file in ["manifest.json", "cache.json", "state.redb", ".gitignore"] {
        clash(&output.join(crate::manifest::DIR).join(dir_file))?;
    }
    for path in extra {
        clash(path)?;
    }
    Ok(())
}

/// How the manifest names a source: its real path relative to the output folder's, with
/// `/` separators (`../input/depts/a.html`), whatever the spelling on the command line.
pub(crate) struct SourceKeys {
    output: PathBuf,
}

impl SourceKeys {
    pub fn new(output: &Path) -> SourceKeys {
        SourceKeys {
            output: real(output),
        }
    }

    /// The key of a page found at `rel_path` under `root` (discovery follows no
    /// symlink below a root, so the root's real path is the only one to resolve).
    pub fn key(&self, root_real: &Path, rel_path: &str) -> String {
        let source = root_real.join(rel_path);
        relative(&source, &self.output)
    }

    /// Sets every planned page's key, resolving each input root once.
    pub fn assign(&self, planned: &mut [Planned]) {
        let mut roots: std::collections::HashMap<PathBuf, PathBuf> = Default::default();
        for p in planned {
            let root = roots
                .entry(p.found.root.clone())
                .or_insert_with(|| real(&p.found.root));
            p.source_key = self.key(root, &p.found.rel_path);
        }
    }

    /// The real path a key names.
    pub fn resolve(&self, key: &str) -> PathBuf {
        lexical(&self.output.join(key))
    }
}

/// A real path as people read it: relative to the working folder when it lies inside it.
pub(crate) fn shown(path: &Path) -> String {
    let here = std::env::current_dir()
        .map(|d| real(&d))
        .unwrap_or_default();
    match path.strip_prefix(&here) {
        Ok(inside) if !here.as_os_str().is_empty() => inside.display().to_string(),
        _ => path.display().to_string(),
    }
}

/// `path` relative to `base` (both absolute and lexically clean), `/`-separated.
fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_do_not_depend_on_spelling() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("in/a")).unwrap();
        let keys = SourceKeys::new(&root.join("out"));
        let plain = keys.key(&real(&root.join("in")), "a/x.html");
        let dotted = keys.key(&real(&root.join("./in/../in/")), "a/x.html");
        assert_eq!(plain, "../in/a/x.html");
        assert_eq!(plain, dotted);
        assert_eq!(keys.resolve(&plain), real(&root.join("in/a/x.html")));
    }

    #[test]
    fn real_paths_of_missing_files_resolve_their_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        assert_eq!(real(&dir.path().join("x/./y/../z")), base.join("x/z"));
    }

    #[test]
    fn relative_paths_climb_and_descend() {
        assert_eq!(relative(Path::new("/a/b/c"), Path::new("/a/d")), "../b/c");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a")), "b");
    }
}
