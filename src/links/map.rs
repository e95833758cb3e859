//! The site-wide URL map. Pass 1 maps every page of the batch to its old URL(s) — its
//! path under `links.old_root`, its front matter `permalink`, its `<link rel=canonical>`
//! and `og:url` — and to its new URL. In pass 2 a `Linker` rewrites links that point at
//! a page of the batch to its new home, fragments kept.

use super::pages::PageTable;
use super::{rule, InternalStyle, Link, LinkKind, LinkPolicy};
use crate::dom::{self, Document};
use crate::source::{liquid, split_front_matter};

/// Where a page was and where it goes.
#[derive(Debug, Clone, Copy)]
pub struct MappedPage<'a> {
    table: &'a PageTable,
    index: usize,
}

impl<'a> MappedPage<'a> {
    /// The output file, relative to the output folder.
    pub fn output_rel(&self) -> &'a str {
        self.table.output_rel(self.index)
    }

    /// Old URLs as own-site paths (`/city/en/depts/doit.html`), first the primary one.
    pub fn old_urls(&self) -> impl ExactSizeIterator<Item = &'a str> + Clone + 'a {
        self.table.old_urls(self.index)
    }

    /// The new site URL (`/depts/doit/`).
    pub fn new_url(&self) -> &'a str {
        self.table.new_url(self.index)
    }
}

/// Every page of a batch by old URL.
#[derive(Debug, Default)]
pub struct UrlMap {
    table: PageTable,
    /// Old URLs claimed by more than one page: (url, the page that keeps it, the other).
    pub conflicts: Vec<(String, String, String)>,
}

/// What pass 1 reads from a page's source besides its path.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UrlHints {
    pub permalink: Option<String>,
    pub canonical: Option<String>,
    pub og_url: Option<String>,
}

/// Reads a page's permalink, canonical link and `og:url`: the front matter and the
/// document head only.
pub fn hints(text: &str) -> UrlHints {
    let mut out = UrlHints::default();
    let Ok((fm, body, _)) = split_front_matter(text) else {
        return out;
    };
    out.permalink = fm
        .as_ref()
        .and_then(|f| f.fields.get("permalink"))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let lower = body
        .get(..body.len().min(256 * 1024))
        .unwrap_or(body)
        .to_ascii_lowercase();
    let head_end = lower.find("<body").or_else(|| lower.find("</head>"));
    let Some(end) = head_end else { return out };
    let head = liquid::protect(&body[..end]);
    let doc = Document::parse(&head.text);
    for node in dom::descendants(&doc.root()) {
        match dom::tag_name(&node) {
            Some("link") if out.canonical.is_none() => {
                let rel = dom::attr(&node, "rel")
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if rel.split_ascii_whitespace().any(|r| r == "canonical") {
                    out.canonical = dom::attr(&node, "href");
                }
            }
            Some("meta")
                if out.og_url.is_none()
                    && dom::attr(&node, "property")
                        .is_some_and(|p| p.eq_ignore_ascii_case("og:url")) =>
            {
                out.og_url = dom::attr(&node, "content");
            }
            _ => {}
        }
    }
    out
}

impl UrlMap {
    /// Builds the map from each page's (output path, source path relative to its input
    /// root, hints), in batch order: where two pages claim one old URL, the first keeps it.
    pub fn build(policy: &LinkPolicy, pages: &[(String, String, UrlHints)]) -> UrlMap {
        UrlMap::build_from(
            policy,
            pages
                .iter()
                .map(|(out, rel, hints)| (out.as_str(), rel.as_str(), hints)),
        )
    }

    /// `build` over borrowed pages.
    pub fn build_from<'a>(
        policy: &LinkPolicy,
        pages: impl IntoIterator<Item = (&'a str, &'a str, &'a UrlHints)>,
    ) -> UrlMap {
        let mut map = UrlMap::default();
        for (output_rel, rel_path, hints) in pages {
            let old_urls = old_urls(policy, rel_path, hints);
            // The URL comes from the page's place in the input tree; where a site target
            // writes the file (`content/…/_index.md`) does not move it.
            let mirrored = crate::source::discover::output_rel_path(rel_path);
            let new_url = new_url(&policy.config().new_base, &mirrored);
            for (n, other) in map.table.push(output_rel, &new_url, &old_urls) {
                map.conflicts.push((
                    old_urls[n].clone(),
                    map.table.output_rel(other).to_string(),
                    output_rel.to_string(),
                ));
            }
        }
        map.table.finish();
        map
    }

    fn at(&self, index: usize) -> MappedPage<'_> {
        MappedPage {
            table: &self.table,
            index,
        }
    }

    /// Every page, in batch order.
    pub fn pages(&self) -> impl ExactSizeIterator<Item = MappedPage<'_>> + '_ {
        (0..self.table.len()).map(|i| self.at(i))
    }

    /// The page at an own-site path, if it is in the batch.
    pub fn lookup(&self, path: &str) -> Option<MappedPage<'_>> {
        if let Some(i) = self.table.find(path) {
            return Some(self.at(i));
        }
        let alternative = match path.strip_suffix('/') {
            Some(dir) if !dir.is_empty() => format!("{dir}/index.html"),
            _ => return None,
        };
        self.table.find(&alternative).map(|i| self.at(i))
    }

    /// The page whose output is `output_rel`.
    pub fn page(&self, output_rel: &str) -> Option<MappedPage<'_>> {
        self.table.by_output(output_rel).map(|i| self.at(i))
    }
}

/// A page's old URLs as own-site paths, without duplicates.
fn old_urls(policy: &LinkPolicy, rel_path: &str, hints: &UrlHints) -> Vec<String> {
    let mut candidates: Vec<String> = Vec::new();
    if let Some(root) = &policy.config().old_root {
        let mut rel = rel_path.to_string();
        if rel.to_ascii_lowercase().ends_with(".md") {
            rel.truncate(rel.len() - 3);
            rel.push_str(".html");
        }
        let root = if root.ends_with('/') {
            root.clone()
        } else {
            format!("{root}/")
        };
        candidates.push(format!("{root}{rel}"));
        for index in ["index.html", "index.htm", "index.shtml"] {
            if let Some(dir) = rel.strip_suffix(index) {
                if rel.len() == index.len() || dir.ends_with('/') {
                    candidates.push(format!("{root}{dir}"));
                }
            }
        }
    }
    candidates.extend(
        [&hints.permalink, &hints.canonical, &hints.og_url]
            .into_iter()
            .flatten()
            .cloned(),
    );
    let mut out: Vec<String> = Vec::new();
    for c in candidates {
        if let Some(path) = own_path(policy, &c) {
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    out
}

/// The own-site path (no query or fragment) a link points at, if it is the site's own.
fn own_path(policy: &LinkPolicy, raw: &str) -> Option<String> {
    let link = policy.normalize(raw);
    let url = link.url?;
    if link.kind != LinkKind::OwnSite || url.contains(['{', liquid::OPEN]) {
        return None;
    }
    let abs = policy.origin().join(&url).ok()?;
    Some(abs.path().to_string())
}

/// `depts/doit.md` → `/depts/doit/`, `depts/index.md` → `/depts/`.
fn new_url(base: &str, output_rel: &str) -> String {
    let stem = output_rel.strip_suffix(".md").unwrap_or(output_rel);
    let stem = match stem.strip_suffix("index") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => dir.trim_end_matches('/'),
        _ => stem,
    };
    let base = base.trim_end_matches('/');
    if stem.is_empty() {
        format!("{base}/")
    } else {
        format!("{base}/{stem}/")
    }
}

/// Normalizes links for one page: the policy's rules, then the URL map; or, for plain
/// HTML → Markdown conversion, keeps links as written and only drops script URLs.
#[derive(Clone)]
pub struct Linker<'a> {
    /// `None`: links are kept verbatim.
    policy: Option<&'a LinkPolicy>,
    map: Option<&'a UrlMap>,
    /// The page's output path, and its primary old URL as an absolute URL on the
    /// origin (relative links resolve against it), parsed once per page.
    page: Option<(&'a str, Option<url::Url>)>,
}

impl<'a> Linker<'a> {
    /// The policy alone: no URL map, no page.
    pub fn plain(policy: &'a LinkPolicy) -> Linker<'a> {
        Linker {
            policy: Some(policy),
            map: None,
            page: None,
        }
    }

    /// No policy: links are written as they are, except script URLs, which are dropped.
    pub fn verbatim() -> Linker<'static> {
        Linker {
            policy: None,
            map: None,
            page: None,
        }
    }

    /// This page's new URL and old URLs, when it is a page of the batch.
    pub fn page_urls(&self) -> Option<crate::target::PageUrls<'a>> {
        let (rel, _) = self.page.as_ref()?;
        let map = self.map?;
        let page = map.page(rel)?;
        // Only the old URLs the map gives this page: one another page claimed first
        // redirects there (and is reported as a URL map conflict).
        let old_urls = page
            .old_urls()
            .filter(|old| {
                map.table
                    .find(old)
                    .is_some_and(|i| map.table.output_rel(i) == *rel)
            })
            .collect();
        Some(crate::target::PageUrls {
            new_url: page.new_url(),
            old_urls,
        })
    }

    /// For the page whose output is `output_rel`, with the batch's map.
    pub fn for_page(policy: &'a LinkPolicy, map: &'a UrlMap, output_rel: &'a str) -> Linker<'a> {
        let origin = policy.origin();
        let old = map
            .page(output_rel)
            .and_then(|p| p.old_urls().next())
            .map(|old| origin.join(old).unwrap_or_else(|_| origin.clone()));
        Linker {
            policy: Some(policy),
            map: Some(map),
            page: Some((output_rel, old)),
        }
    }

    /// Normalizes `raw`, then points it at its page's new home when it is in the batch.
    pub fn link(&self, raw: &str) -> Link {
        let Some(policy) = self.policy else {
            return super::normalize::verbatim(raw);
        };
        if let Some(link) = policy.plain_own_path(raw) {
            // Joined with any page's URL, a plain path is its own URL path: no parsing.
            return match self.map.and_then(|map| map.lookup(raw)) {
                Some(page) => self.internal(policy, link, page, None, None),
                None => link,
            };
        }
        let link = policy.normalize_parsed(raw);
        let (Some(map), Some(url)) = (self.map, link.url.as_deref()) else {
            return link;
        };
        if link.kind != LinkKind::OwnSite || url.contains(['{', liquid::OPEN]) {
            return link;
        }
        if super::normalize::is_plain_path(url) {
            let Some(page) = map.lookup(url) else {
                return link;
            };
            return self.internal(policy, link, page, None, None);
        }
        let origin = policy.origin();
        let base = match self.page.as_ref().and_then(|(_, old)| old.as_ref()) {
            Some(old) => old,
            None if url.starts_with('/') || url.contains("://") => origin,
            None => return link,
        };
        let Ok(target) = base.join(url) else {
            return link;
        };
        let Some(page) = map.lookup(target.path()) else {
            return link;
        };
        self.internal(policy, link, page, target.query(), target.fragment())
    }

    /// `link` (normalized) points at `page`: its new address.
    fn internal(
        &self,
        policy: &LinkPolicy,
        mut link: Link,
        page: MappedPage,
        query: Option<&str>,
        fragment: Option<&str>,
    ) -> Link {
        let new = match policy.config().internal {
            InternalStyle::Url => {
                let mut s = page.new_url().to_string();
                if let Some(q) = query {
                    s.push('?');
                    s.push_str(q);
                }
                s
            }
            InternalStyle::RelativeMd => {
                let from = self.page.as_ref().map_or("", |(out, _)| *out);
                relative_path(from, page.output_rel())
            }
        };
        let new = match fragment {
            Some(f) => format!("{new}#{f}"),
            None => new,
        };
        link.kind = LinkKind::Internal;
        if link.url.as_deref() != Some(new.as_str()) {
            link.url = Some(new);
            link.rules.push(rule::INTERNAL);
        }
        link
    }
}

/// The relative path from the file `from` to the file `to` (both relative to one root).
fn relative_path(from: &str, to: &str) -> String {
    let from_dirs: Vec<&str> = from.split('/').collect();
    let from_dirs = &from_dirs[..from_dirs.len().saturating_sub(1)];
    let to_parts: Vec<&str> = to.split('/').collect();
    let common = from_dirs
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out: Vec<&str> = vec![".."; from_dirs.len() - common];
    out.extend(&to_parts[common..]);
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(extra: &str) -> LinkPolicy {
        let yaml = format!(
            "origin: https://www.chicago.gov\naliases: [cityofchicago.org]\nold_root: https://www.chicago.gov/city/en/\nprefix_rewrites: [{{from: /content/city/, to: /city/}}]\n{extra}"
        );
        LinkPolicy::new(&serde_yaml::from_str(&yaml).unwrap()).unwrap()
    }

    fn map(p: &LinkPolicy) -> UrlMap {
        UrlMap::build(
            p,
            &[
                (
                    "depts/doit.md".into(),
                    "depts/doit.html".into(),
                    UrlHints::default(),
                ),
                (
                    "depts/parks/index.md".into(),
                    "depts/parks/index.html".into(),
                    UrlHints {
                        canonical: Some(
                            "https://www.chicago.gov/content/city/en/depts/parks.html".into(),
                        ),
                        ..UrlHints::default()
                    },
                ),
                (
                    "about.md".into(),
                    "about.md".into(),
                    UrlHints {
                        permalink: Some("/about/".into()),
                        ..UrlHints::default()
                    },
                ),
            ],
        )
    }

    #[test]
    fn pages_are_mapped_by_path_canonical_and_permalink() {
        let p = policy("");
        let m = map(&p);
        let pages: Vec<MappedPage> = m.pages().collect();
        let olds = |p: &MappedPage| p.old_urls().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(olds(&pages[0]), ["/city/en/depts/doit.html"]);
        assert_eq!(pages[0].new_url(), "/depts/doit/");
        assert_eq!(
            olds(&pages[1]),
            [
                "/city/en/depts/parks/index.html",
                "/city/en/depts/parks/",
                "/city/en/depts/parks.html"
            ]
        );
        assert_eq!(pages[1].new_url(), "/depts/parks/");
        assert_eq!(olds(&pages[2]), ["/city/en/about.html", "/about/"]);
    }

    #[test]
    fn links_to_batch_pages_point_at_their_new_home() {
        let p = policy("");
        let m = map(&p);
        let l = Linker::for_page(&p, &m, "depts/doit.md");
        let link = l.link("https://www.chicago.gov/content/city/en/depts/parks.html#beaches");
        assert_eq!(link.url.as_deref(), Some("/depts/parks/#beaches"));
        assert_eq!(link.kind, LinkKind::Internal);
        assert_eq!(link.rules.last(), Some(&rule::INTERNAL));
        // Relative to the page's old URL.
        assert_eq!(
            l.link("parks/index.html").url.as_deref(),
            Some("/depts/parks/")
        );
        // Own-site pages outside the batch stay, marked own-site.
        let other = l.link("/city/en/depts/fin.html");
        assert_eq!(
            (other.url.as_deref(), other.kind),
            (Some("/city/en/depts/fin.html"), LinkKind::OwnSite)
        );
    }

    #[test]
    fn relative_md_links_work_in_the_repository() {
        let p = policy("internal: relative-md\n");
        let m = map(&p);
        let l = Linker::for_page(&p, &m, "depts/parks/index.md");
        assert_eq!(
            l.link("/city/en/depts/doit.html#a").url.as_deref(),
            Some("../doit.md#a")
        );
        assert_eq!(l.link("/about/").url.as_deref(), Some("../../about.md"));
    }

    #[test]
    fn hints_come_from_front_matter_and_head() {
        let h = hints("---\npermalink: /x/\n---\n<p>body</p>");
        assert_eq!(h.permalink.as_deref(), Some("/x/"));
        let h = hints(
            r#"<html><head><link rel="canonical" href="https://a.org/c"><meta property="og:url" content="https://a.org/o"></head><body><link rel=canonical href=/no></body>"#,
        );
        assert_eq!(h.canonical.as_deref(), Some("https://a.org/c"));
        assert_eq!(h.og_url.as_deref(), Some("https://a.org/o"));
    }
}
