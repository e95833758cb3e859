//! Redirect maps from the URL map: old URL → new URL for every page, as CSV, a
//! Netlify/Cloudflare `_redirects` file or an nginx `map`. Every old URL and its prefix
//! aliases (`/content/city/en/x.html` beside `/city/en/x.html`) get a line; there are no
//! duplicates, no chains and no loops.

use std::collections::BTreeMap;
use std::path::Path;

use super::{LinkPolicy, UrlMap};

/// A redirect file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RedirectFormat {
    /// `old,new` with a header line.
    Csv,
    /// Netlify / Cloudflare Pages `_redirects`: `old new 301`.
    Netlify,
    /// An nginx `map $uri $pagemill_redirect { … }` block.
    Nginx,
}

impl RedirectFormat {
    /// The format a file name implies: `_redirects`, `*.csv`, `*.conf`/`*.map`.
    pub fn from_path(path: &Path) -> Option<RedirectFormat> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name == "_redirects" {
            return Some(RedirectFormat::Netlify);
        }
        match path
            .extension()?
            .to_string_lossy()
            .to_ascii_lowercase()
            .as_str()
        {
            "csv" => Some(RedirectFormat::Csv),
            "conf" | "map" | "nginx" => Some(RedirectFormat::Nginx),
            _ => None,
        }
    }
}

/// Every (old, new) pair of the pages `written` accepts (by output path), sorted by old
/// URL: a page that failed or was skipped has no new URL to send anyone to.
pub fn pairs(
    map: &UrlMap,
    policy: &LinkPolicy,
    written: &dyn Fn(&str) -> bool,
) -> Vec<(String, String)> {
    let new_urls: std::collections::HashSet<&str> = map.pages().map(|p| p.new_url()).collect();
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    // A redirect stub redirects where it sent readers, when that page has an output
    // (or lies outside the batch).
    let sends = |p: &super::MappedPage| match map.stub_target(p) {
        None => written(p.output_rel()),
        Some(Some(target)) => written(target.output_rel()),
        Some(None) => true,
    };
    for page in map.pages().filter(sends) {
        let mut olds: Vec<String> = Vec::new();
        for old in page.old_urls() {
            olds.push(old.to_string());
            for rw in &policy.config().prefix_rewrites {
                if let Some(rest) = old.strip_prefix(rw.to.as_str()) {
                    olds.push(format!("{}{rest}", rw.from));
                }
            }
        }
        for old in olds {
            // An old URL that is some page's new URL would chain or loop.
            if old == page.new_url() || new_urls.contains(old.as_str()) {
                continue;
            }
            out.entry(old).or_insert_with(|| page.new_url().to_string());
        }
    }
    out.into_iter().collect()
}

/// The redirect file's text.
pub fn render(format: RedirectFormat, pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    match format {
        RedirectFormat::Csv => {
            out.push_str("old,new\n");
            for (old, new) in pairs {
                out.push_str(&format!("{},{}\n", csv_field(old), csv_field(new)));
            }
        }
        RedirectFormat::Netlify => {
            for (old, new) in pairs {
                out.push_str(&format!("{old} {new} 301\n"));
            }
        }
        RedirectFormat::Nginx => {
            out.push_str(
                "# Use with: if ($pagemill_redirect) { return 301 $pagemill_redirect; }\n",
            );
            out.push_str("map $uri $pagemill_redirect {\n");
            for (old, new) in pairs {
                out.push_str(&format!("    {} {};\n", nginx_word(old), nginx_word(new)));
            }
            out.push_str("}\n");
        }
    }
    out
}

pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn nginx_word(s: &str) -> String {
    if s.contains([' ', ';', '{', '}', '"', '\'']) {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::map::UrlHints;

    #[test]
    fn aliases_each_get_a_line_without_chains_or_duplicates() {
        let policy = LinkPolicy::new(
            &serde_yaml::from_str(
                "origin: https://www.chicago.gov\nold_root: https://www.chicago.gov/city/en/\nprefix_rewrites: [{from: /content/city/, to: /city/}]\n",
            )
            .unwrap(),
        )
        .unwrap();
        let map = UrlMap::build(
            &policy,
            &[
                ("a.md".into(), "a.html".into(), UrlHints::default()),
                // Claims a's old URL too: the first page keeps it.
                (
                    "b.md".into(),
                    "b.html".into(),
                    UrlHints {
                        canonical: Some("/city/en/a.html".into()),
                        permalink: Some("/a/".into()),
                        ..UrlHints::default()
                    },
                ),
            ],
        );
        // A page without an output (it failed) gets no line.
        let only_a = pairs(&map, &policy, &|rel| rel == "a.md");
        assert!(only_a.iter().all(|(_, new)| new == "/a/"), "{only_a:?}");
        let p = pairs(&map, &policy, &|_| true);
        assert_eq!(
            p,
            [
                ("/city/en/a.html".to_string(), "/a/".to_string()),
                ("/city/en/b.html".to_string(), "/b/".to_string()),
                ("/content/city/en/a.html".to_string(), "/a/".to_string()),
                ("/content/city/en/b.html".to_string(), "/b/".to_string()),
            ]
        );
        assert_eq!(
            render(RedirectFormat::Netlify, &p[..1]),
            "/city/en/a.html /a/ 301\n"
        );
        assert!(render(RedirectFormat::Nginx, &p[..1]).contains("    /city/en/a.html /a/;\n"));
        assert_eq!(
            render(RedirectFormat::Csv, &p[..1]),
            "old,new\n/city/en/a.html,/a/\n"
        );
        assert_eq!(
            RedirectFormat::from_path(Path::new("out/_redirects")),
            Some(RedirectFormat::Netlify)
        );
        assert_eq!(
            RedirectFormat::from_path(Path::new("r.CSV")),
            Some(RedirectFormat::Csv)
        );
    }
}
