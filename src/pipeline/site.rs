//! What a site target needs besides the pages: the starter site (`--scaffold`: the
//! generator's configuration and layouts, never over an existing file) and, for Jekyll,
//! the includes the pages still use, copied into the site's `_includes` so their tags
//! render.

use std::path::Path;

use super::pass1::Planned;
use super::write_atomic;
use crate::page::Diagnostic;
use crate::target::{Includes, Target};

/// Writes the target's starter files that the site does not have yet; returns how many.
/// Without a migrated home page, the starter site's list of pages is the home page.
pub(crate) fn scaffold(
    target: &dyn Target,
    output: &Path,
    has_home: bool,
    batch: &mut Vec<Diagnostic>,
) -> usize {
    let mut written = 0;
    for (rel, text) in target.scaffold() {
        let path = output.join(rel);
        if path.exists() {
            continue; // the team's own: never overwritten
        }
        let text = if has_home {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(text.replace("permalink: /migrated-pages/\n", "permalink: /\n"))
        };
        match write_atomic(&path, text.as_bytes()) {
            Ok(_) => written += 1,
            Err(e) => batch.push(Diagnostic::warning(
                "scaffold",
                format!("cannot write {}: {e}", path.display()),
            )),
        }
    }
    written
}

/// Copies the files of every includes folder the pages use into `output/_includes`
/// (Jekyll renders the include tags pagemill left), and the source site's `_data`
/// beside it into `output/_data` (the includes loop over `site.data`), when the target
/// asks for it.
pub(crate) fn copy_includes(
    policy: Includes,
    output: &Path,
    planned: &[Planned],
    batch: &mut Vec<Diagnostic>,
) {
    if policy != Includes::Copy {
        return;
    }
    let mut folders: Vec<&Path> = planned
        .iter()
        .filter_map(|p| p.includes.as_ref().map(|(dir, _)| dir.path()))
        .collect();
    folders.sort();
    folders.dedup();
    let mut copies: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
    for folder in folders {
        copies.push((folder.to_path_buf(), output.join("_includes")));
        if let Some(data) = folder
            .parent()
            .map(|p| p.join("_data"))
            .filter(|d| d.is_dir())
        {
            copies.push((data, output.join("_data")));
        }
    }
    copies.sort();
    copies.dedup();
    for (folder, into) in copies {
        let folder = folder.as_path();
        for entry in walkdir::WalkDir::new(folder)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
        {
            let Ok(rel) = entry.path().strip_prefix(folder) else {
                continue;
            };
            let copied = std::fs::read(entry.path())
                .and_then(|bytes| write_atomic(&into.join(rel), &bytes).map(|_| ()));
            if let Err(e) = copied {
                batch.push(Diagnostic::warning(
                    "include",
                    format!(
                        "cannot copy {} into {}: {e}",
                        entry.path().display(),
                        into.display()
                    ),
                ));
            }
        }
    }
}
