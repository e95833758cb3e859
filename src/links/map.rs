//! The site-wide URL map. Pass 1 maps every page of the batch to its old URL(s) — its
//! path under `links.old_root`, its front matter `permalink`, its `<link rel=canonical>`
//! and `og:url` — and to its new URL. In pass 2 a `Linker` rewrites links that point at
//! a page of the batch to its new home, fragments kept.

use super::pages::PageTable;
use super::{LinkKind, LinkPolicy};
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

/// Where a page's old URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OldUrlFrom {
    /// Its place under `links.old_root`.
    OldRoot,
    Permalink,
    Canonical,
    OgUrl,
    /// Its `<base href>` (relative links resolve against it).
    BaseHref,
    /// Unknown: its place in the input tree, on the site's origin.
    InputTree,
}

impl OldUrlFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            OldUrlFrom::OldRoot => "old-root",
            OldUrlFrom::Permalink => "permalink",
            OldUrlFrom::Canonical => "canonical",
            OldUrlFrom::OgUrl => "og-url",
            OldUrlFrom::BaseHref => "base-href",
            OldUrlFrom::InputTree => "input-tree",
        }
    }
}

/// Every page of a batch by old URL.
#[derive(Debug, Default)]
pub struct UrlMap {
    table: PageTable,
    /// Where each page's first old URL came from (`None`: it has none).
    from: Vec<Option<OldUrlFrom>>,
    /// For a redirect stub, the page of the batch it sends readers to (`Some(None)`:
    /// somewhere outside the batch, its new URL); `None` for a page.
    stub: Vec<Option<Option<usize>>>,
    /// The stubs that send readers to each page.
    stubs_for: std::collections::HashMap<usize, Vec<usize>>,
    /// Old URLs claimed by more than one page: (url, the page that keeps it, the other).
    pub conflicts: Vec<(String, String, String)>,
}

/// What pass 1 reads from a page's source besides its path.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UrlHints {
    pub permalink: Option<String>,
    pub canonical: Option<String>,
    pub og_url: Option<String>,
    /// The head's `<base href>`, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<String>,
    /// The page is a redirect stub (a `<meta http-equiv=refresh>` or a one-line
    /// `location` script, and next to no text): where it sends readers, as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
}

/// Most text a redirect stub's body holds ("This page has moved. Click here…").
const STUB_TEXT: usize = 300;

/// The target of a meta refresh's `content` (`2;url='/x'`), if it names one.
fn refresh_target(content: &str) -> Option<String> {
    let (_, rest) = content
        .split_once(';')
        .or_else(|| content.split_once(','))?;
    let rest = rest.trim();
    let value = rest
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("url="))
        .map(|_| &rest[4..])
        .unwrap_or(rest);
    let value = value.trim().trim_matches(['\'', '"']).trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// `location.href = "x"`, `location.replace("x")`, `location = 'x'` in a head script.
fn script_target(head: &str) -> Option<String> {
    let at = head.find("location")?;
    let rest = head[at + "location".len()..].trim_start();
    let rest = rest
        .strip_prefix(".href")
        .or_else(|| rest.strip_prefix(".replace"))
        .or_else(|| rest.strip_prefix(".assign"))
        .unwrap_or(rest)
        .trim_start();
    let rest = rest.strip_prefix(['=', '('])?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = rest[1..].split(quote).next()?;
    (!value.is_empty() && !value.contains(['+', '$'])).then(|| value.to_string())
}

/// How much visible text an HTML fragment holds, about: tags, scripts and styles out.
fn visible_text_len(html: &str) -> usize {
    let lower = html.to_ascii_lowercase();
    let mut count = 0;
    let mut i = 0;
    let bytes = html.as_bytes();
    while i < bytes.len() {
        if bytes[i] == b'<' {
            for hidden in ["<script", "<style"] {
                if lower[i..].starts_with(hidden) {
                    let close = format!("</{}", &hidden[1..]);
                    i = lower[i..].find(&close).map_or(bytes.len(), |e| i + e);
                }
            }
            i = lower[i..].find('>').map_or(bytes.len(), |e| i + e + 1);
            continue;
        }
        if !bytes[i].is_ascii_whitespace() {
            count += 1;
            if count > STUB_TEXT {
                return count;
            }
        }
        i += 1;
    }
    count
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
    let Some(end) = head_end(body) else {
        return out;
    };
    let head = liquid::protect(&body[..end]);
    let doc = Document::parse(&head.text);
    let mut refresh = None;
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
                if refresh.is_none()
                    && dom::attr(&node, "http-equiv")
                        .is_some_and(|p| p.trim().eq_ignore_ascii_case("refresh")) =>
            {
                refresh = dom::attr(&node, "content").and_then(|c| refresh_target(&c));
            }
            Some("base") if out.base.is_none() => {
                out.base = dom::attr(&node, "href").filter(|h| !h.trim().is_empty());
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
    // A stub: somewhere to send readers, and next to nothing to read.
    let target = refresh.or_else(|| script_target(&body[..end]));
    if let Some(target) = target {
        if visible_text_len(&body[end..]) <= STUB_TEXT {
            out.redirect = Some(target);
        }
    }
    out
}

/// How far into a page its head is looked for.
const HEAD_SCAN_BYTES: usize = 256 * 1024;

/// Where a page's head ends, in its first 256 KiB: at the first `<body` (any case), else
/// at the first `</head>`.
fn head_end(body: &str) -> Option<usize> {
    scan_tags(body, true)
}

/// Where the first `<body` (any case) is in a page's first 256 KiB.
pub(crate) fn body_tag(text: &str) -> Option<usize> {
    scan_tags(text, false)
}

fn scan_tags(text: &str, or_head_close: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let bytes = &bytes[..bytes.len().min(HEAD_SCAN_BYTES)];
    let at = |i: usize, tag: &[u8]| {
        bytes
            .get(i..i + tag.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(tag))
    };
    let mut head_close = None;
    for i in memchr::memchr_iter(b'<', bytes) {
        if at(i, b"<body") {
            return Some(i);
        }
        if or_head_close && head_close.is_none() && at(i, b"</head>") {
            head_close = Some(i);
        }
    }
    head_close
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
        // Redirect stubs go in last, once the pages they send readers to are known.
        let mut stubs: Vec<(&str, Vec<String>, Option<OldUrlFrom>, &str)> = Vec::new();
        for (output_rel, rel_path, hints) in pages {
            let (old_urls, from) = old_urls(policy, rel_path, hints);
            if let Some(target) = &hints.redirect {
                stubs.push((output_rel, old_urls, from, target));
                continue;
            }
            // The URL comes from the page's place in the input tree; where a site target
            // writes the file (`content/…/_index.md`) does not move it.
            let mirrored = crate::source::discover::output_rel_path(rel_path);
            let new_url = new_url(&policy.config().new_base, &mirrored);
            map.push(output_rel, &new_url, &old_urls, from, None);
        }
        let pages = map.table.len();
        for (output_rel, old_urls, from, target) in stubs {
            let base = old_urls
                .first()
                .and_then(|o| policy.origin().join(o).ok())
                .unwrap_or_else(|| policy.origin().clone());
            let joined = base.join(target.trim()).ok();
            let own = joined.as_ref().and_then(|u| own_path(policy, u.as_str()));
            let page = own.as_deref().and_then(|p| {
                let i = map.table.find(p).or_else(|| {
                    let dir = p.strip_suffix('/')?;
                    map.table.find(&format!("{dir}/index.html"))
                })?;
                (i < pages).then_some(i)
            });
            let new_url = match (page, &own, &joined) {
                (Some(i), _, _) => map.table.new_url(i).to_string(),
                (None, Some(path), _) if !policy.origin_known() => path.clone(),
                (None, _, Some(u)) => u.to_string(),
                (None, _, None) => target.to_string(),
            };
            map.push(output_rel, &new_url, &old_urls, from, Some(page));
        }
        map.table.finish();
        map
    }

    fn push(
        &mut self,
        output_rel: &str,
        new_url: &str,
        old_urls: &[String],
        from: Option<OldUrlFrom>,
        stub: Option<Option<usize>>,
    ) {
        self.from.push(from);
        let index = self.table.len();
        if let Some(Some(target)) = stub {
            self.stubs_for.entry(target).or_default().push(index);
        }
        self.stub.push(stub);
        for (n, other) in self.table.push(output_rel, new_url, old_urls) {
            self.conflicts.push((
                old_urls[n].clone(),
                self.table.output_rel(other).to_string(),
                output_rel.to_string(),
            ));
        }
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

    /// The page at an own-site path, if it is in the batch (a redirect stub's old URL
    /// is the page it sends readers to).
    pub fn lookup(&self, path: &str) -> Option<MappedPage<'_>> {
        let found = self
            .table
            .find(path)
            .or_else(|| match path.strip_suffix('/') {
                Some(dir) if !dir.is_empty() => self.table.find(&format!("{dir}/index.html")),
                _ => None,
            })?;
        match self.stub[found] {
            None => Some(self.at(found)),
            Some(Some(target)) => Some(self.at(target)),
            Some(None) => None,
        }
    }

    /// For a redirect stub: whether it sends readers to a page of the batch (that page)
    /// or elsewhere (`Some(None)`); `None` for a page.
    pub fn stub_target(&self, page: &MappedPage) -> Option<Option<MappedPage<'_>>> {
        self.stub[page.index].map(|t| t.map(|i| self.at(i)))
    }

    /// The old URLs of the redirect stubs that send readers to `page`.
    pub fn stub_old_urls<'m>(&'m self, page: &MappedPage) -> Vec<&'m str> {
        self.stubs_for
            .get(&page.index)
            .into_iter()
            .flatten()
            .flat_map(|&s| self.table.old_urls(s))
            .collect()
    }

    /// The page whose output is `output_rel`.
    pub fn page(&self, output_rel: &str) -> Option<MappedPage<'_>> {
        self.table.by_output(output_rel).map(|i| self.at(i))
    }

    /// The output of the page that holds the old URL `old` (the first to claim it).
    pub fn owner(&self, old: &str) -> Option<&str> {
        self.table.find(old).map(|i| self.table.output_rel(i))
    }

    /// Where the first old URL of the page whose output is `output_rel` came from.
    pub fn old_url_from(&self, output_rel: &str) -> Option<OldUrlFrom> {
        self.table.by_output(output_rel).and_then(|i| self.from[i])
    }
}

/// A page's old URLs as own-site paths, without duplicates, and where the first came
/// from.
fn old_urls(
    policy: &LinkPolicy,
    rel_path: &str,
    hints: &UrlHints,
) -> (Vec<String>, Option<OldUrlFrom>) {
    let mut candidates: Vec<(String, OldUrlFrom)> = Vec::new();
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
        candidates.push((format!("{root}{rel}"), OldUrlFrom::OldRoot));
        for index in ["index.html", "index.htm", "index.shtml"] {
            if let Some(dir) = rel.strip_suffix(index) {
                if rel.len() == index.len() || dir.ends_with('/') {
                    candidates.push((format!("{root}{dir}"), OldUrlFrom::OldRoot));
                }
            }
        }
    }
    let hinted = [
        (&hints.permalink, OldUrlFrom::Permalink),
        (&hints.canonical, OldUrlFrom::Canonical),
        (&hints.og_url, OldUrlFrom::OgUrl),
    ];
    for (hint, from) in hinted {
        if let Some(h) = hint {
            candidates.push((h.clone(), from));
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut first = None;
    for (c, from) in candidates {
        if let Some(path) = own_path(policy, &c) {
            if !out.contains(&path) {
                first.get_or_insert(from);
                out.push(path);
            }
        }
    }
    (out, first)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::{rule, Linker};

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
        // Own-site pages outside the batch keep their absolute old URL, marked own-site.
        let other = l.link("/city/en/depts/fin.html");
        assert_eq!(
            (other.url.as_deref(), other.kind),
            (
                Some("https://www.chicago.gov/city/en/depts/fin.html"),
                LinkKind::OwnSite
            )
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
    fn a_head_ends_at_the_body_tag_in_any_case_else_at_its_close() {
        assert_eq!(head_end("<HEAD></HEAD>\n<BODY class=x>"), Some(14));
        assert_eq!(head_end("<head><title>t</title></head><p>x"), Some(22));
        assert_eq!(head_end("<p>no head</p>"), None);
        // A `<body` anywhere is the end, even after a `</head>`.
        assert_eq!(head_end("</head><div></div><body>"), Some(18));
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
