//! Hugo: pages under `content/`, each with `url:` (its URL, case kept: the scaffold sets
//! `disablePathToLower`) and `aliases:` (its old URLs, served as redirect pages). A
//! folder's `index.md` becomes `_index.md` where the folder holds other pages, so Hugo
//! makes it a section (a branch bundle) instead of a leaf bundle that would hide its
//! siblings. Hugo has no Liquid: includes pagemill could not render are left out.

use super::{Includes, Target, TargetKind, Tree};

pub struct Hugo;

const SCAFFOLD: &[(&str, &str)] = &[
    ("hugo.toml", include_str!("../../scaffold/hugo/hugo.toml")),
    (
        "layouts/_default/baseof.html",
        include_str!("../../scaffold/hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("../../scaffold/hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/_default/list.html",
        include_str!("../../scaffold/hugo/layouts/_default/list.html"),
    ),
    (
        "layouts/_default/department.html",
        include_str!("../../scaffold/hugo/layouts/_default/department.html"),
    ),
    (
        "layouts/index.html",
        include_str!("../../scaffold/hugo/layouts/index.html"),
    ),
];

impl Target for Hugo {
    fn kind(&self) -> TargetKind {
        TargetKind::Hugo
    }

    fn file_path(&self, mirrored: &str, tree: &Tree) -> String {
        let (folder, name) = mirrored.rsplit_once('/').unwrap_or(("", mirrored));
        // Another page or folder of pages beside it makes the folder a section; the
        // home page is always one.
        let section = name == "index.md" && (folder.is_empty() || tree.holds_more(folder));
        let name = if section { "_index.md" } else { name };
        if folder.is_empty() {
            format!("content/{name}")
        } else {
            format!("content/{folder}/{name}")
        }
    }

    fn url_key(&self) -> Option<&'static str> {
        Some("url")
    }

    fn redirects_key(&self) -> Option<&'static str> {
        Some("aliases")
    }

    fn default_layout(&self) -> Option<&'static str> {
        Some("page")
    }

    fn includes(&self) -> Includes {
        Includes::Drop
    }

    fn asset_dir(&self) -> &'static str {
        "static/"
    }

    fn heading_ids(&self) -> bool {
        true
    }

    fn scaffold(&self) -> Vec<(&'static str, &'static str)> {
        SCAFFOLD.to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_beside_other_pages_becomes_a_section() {
        let tree = Tree::of([
            "index.md",
            "depts/parks/index.md",
            "depts/parks/hours.md",
            "depts/lib/index.md",
        ]);
        let h = Hugo;
        assert_eq!(h.file_path("index.md", &tree), "content/_index.md");
        assert_eq!(
            h.file_path("depts/parks/index.md", &tree),
            "content/depts/parks/_index.md"
        );
        assert_eq!(
            h.file_path("depts/parks/hours.md", &tree),
            "content/depts/parks/hours.md"
        );
        assert_eq!(
            h.file_path("depts/lib/index.md", &tree),
            "content/depts/lib/index.md"
        );
    }
}
