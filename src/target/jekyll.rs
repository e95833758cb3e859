//! Jekyll: pages mirrored under the site root, each with `permalink:` (its URL) and
//! `redirect_from:` (its old URLs, for the jekyll-redirect-from plugin). Jekyll does not
//! read files or folders whose names start with `_` (its own: `_layouts`, `_posts`, …),
//! `.`, `#` or `~`: such names lose that first character, so the page is published.
//! Includes pagemill could not render keep their tag, and the includes folder is copied
//! into the site's `_includes`, where Jekyll renders them.

use super::{Includes, Target, TargetKind, Tree};

pub struct Jekyll;

const SCAFFOLD: &[(&str, &str)] = &[
    (
        "_config.yml",
        include_str!("../../scaffold/jekyll/_config.yml"),
    ),
    (
        "_layouts/base.html",
        include_str!("../../scaffold/jekyll/_layouts/base.html"),
    ),
    (
        "_layouts/page.html",
        include_str!("../../scaffold/jekyll/_layouts/page.html"),
    ),
    (
        "_layouts/department.html",
        include_str!("../../scaffold/jekyll/_layouts/department.html"),
    ),
    (
        "migrated-pages.html",
        include_str!("../../scaffold/jekyll/migrated-pages.html"),
    ),
];

impl Target for Jekyll {
    fn kind(&self) -> TargetKind {
        TargetKind::Jekyll
    }

    fn file_path(&self, mirrored: &str, _: &Tree) -> String {
        mirrored
            .split('/')
            .map(|part| match part.strip_prefix(['_', '.', '#', '~']) {
                Some(rest) if !rest.is_empty() => rest,
                _ => part,
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    fn url_key(&self) -> Option<&'static str> {
        Some("permalink")
    }

    fn redirects_key(&self) -> Option<&'static str> {
        Some("redirect_from")
    }

    fn default_layout(&self) -> Option<&'static str> {
        Some("page")
    }

    fn includes(&self) -> Includes {
        Includes::Copy
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
    fn folders_jekyll_would_skip_are_renamed() {
        let j = Jekyll;
        let none = Tree::default();
        assert_eq!(
            j.file_path("_history/2019/a.md", &none),
            "history/2019/a.md"
        );
        assert_eq!(
            j.file_path("depts/parks/index.md", &none),
            "depts/parks/index.md"
        );
        assert_eq!(j.file_path("_posts/x.md", &none), "posts/x.md");
    }
}
