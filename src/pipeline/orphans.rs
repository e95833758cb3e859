//! Outputs whose source is gone (reported; removed with `--prune`, with the folders that
//! leaves empty, an edited one only with `--force`), and the temporary files a killed
//! run left behind.

use std::path::{Path, PathBuf};

use super::paths;
use super::{ConvertOptions, Orphan, Planned};
use crate::page::Diagnostic;
use crate::source::discover::Unreadable;

/// Removes the temporary files a killed run left in the output folder.
pub(super) fn remove_temporary_files(output: &Path) {
    for entry in walkdir::WalkDir::new(output)
        .into_iter()
        .filter_map(Result::ok)
    {
        let name = entry.file_name().to_string_lossy();
        if entry.file_type().is_file() && name.starts_with(".pagemill-") && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Removes the folders above `file` that removing it left empty, up to `root`.
fn remove_emptied_folders(file: &Path, root: &Path) {
    let mut folder = file.parent();
    while let Some(dir) = folder {
        if dir == root || !dir.starts_with(root) || std::fs::remove_dir(dir).is_err() {
            break; // not empty, or not ours
        }
        folder = dir.parent();
    }
}

/// Manifest entries whose source lies under this run's inputs but is gone. With
/// `prune` their outputs are removed (an output edited by hand only with `force`).
pub(super) fn orphans(
    manifest: &mut std::collections::BTreeMap<String, crate::manifest::Entry>,
    planned: &[Planned],
    unreadable: &[Unreadable],
    options: &ConvertOptions,
    keys: &paths::SourceKeys,
    batch: &mut Vec<Diagnostic>,
) -> Vec<Orphan> {
    let current: std::collections::HashSet<&str> =
        planned.iter().map(|p| p.output_rel.as_str()).collect();
    let inputs: Vec<PathBuf> = options.inputs.iter().map(|i| paths::real(i)).collect();
    let unreadable: Vec<PathBuf> = unreadable.iter().map(|u| paths::real(&u.path)).collect();
    let mut found = Vec::new();
    for (output_rel, entry) in manifest.iter() {
        let source = keys.resolve(&entry.source);
        let ours = inputs.iter().any(|i| source.starts_with(i));
        // A source in a folder the walk could not read is not known to be gone.
        let unknown = unreadable.iter().any(|u| source.starts_with(u));
        if current.contains(output_rel.as_str()) || !ours || unknown || source.exists() {
            continue;
        }
        let target = options.output.join(output_rel);
        let mut removed = false;
        if options.prune && !options.dry_run {
            let intact = std::fs::read(&target)
                .map(|b| crate::manifest::hash(&b) == entry.output_hash)
                .unwrap_or(true);
            if intact || options.force {
                match std::fs::remove_file(&target) {
                    Ok(()) => {
                        removed = true;
                        remove_emptied_folders(&target, &options.output);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => removed = true,
                    Err(e) => batch.push(Diagnostic::warning(
                        "prune",
                        format!("cannot remove {}: {e}", target.display()),
                    )),
                }
            } else {
                batch.push(Diagnostic::warning(
                    "prune",
                    format!(
                        "{} was edited by hand; it is kept (--force removes it)",
                        target.display()
                    ),
                ));
            }
        }
        found.push(Orphan {
            output_rel: output_rel.clone(),
            source: paths::shown(&source),
            removed,
        });
    }
    for o in &found {
        if o.removed {
            manifest.remove(&o.output_rel);
        }
    }
    found
}
