//! Inferring the site a batch comes from when the configuration does not name it: its
//! origin, the host names that are the same site, and the URL its input tree had
//! (`links.old_root`) — from a Jekyll `_config.yml`'s `url`/`baseurl`, the pages'
//! canonical links, `og:url` and `<base href>`, the hosts the pages' own absolute links
//! point at where those paths are pages of the batch, and an input folder named like a
//! host (`wget -m` mirrors).

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use url::Url;

use crate::links::map::hints;
use crate::source::discover::{discover, Discovered};

/// What was inferred, and from what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InferredSite {
    /// `https://www.example.gov`.
    pub origin: String,
    /// Other host names of the same site.
    pub aliases: Vec<String>,
    /// The URL of the input tree's root on the old site, ending in `/`.
    pub old_root: String,
    /// The evidence, for people: `219 canonical links`.
    pub evidence: String,
}

/// How many pages are read: evenly spread over the batch.
const SAMPLE: usize = 400;
/// How much of each page is read.
const HEAD_BYTES: usize = 256 * 1024;

/// Votes for one host: (scheme https?, count) and the tree prefixes seen with it.
#[derive(Debug, Default)]
struct Votes {
    canonical: usize,
    /// `<base href>`s naming it.
    bases: usize,
    /// Distinct paths of pages of the batch its absolute links reach.
    paths: HashSet<String>,
    https: usize,
    http: usize,
    prefixes: BTreeMap<String, usize>,
}

/// The site of the pages under `inputs`, if the pages say.
pub fn infer(inputs: &[PathBuf], exclude: &[String]) -> Option<InferredSite> {
    if let Some(site) = inputs.iter().find_map(|i| from_jekyll_config(i)) {
        return Some(site);
    }
    let found = discover(inputs, exclude, None).ok()?;
    let pages = &found.pages;
    if pages.is_empty() {
        return None;
    }
    let variants: HashSet<String> = pages
        .iter()
        .flat_map(|p| tree_variants(&p.rel_path))
        .collect();
    let step = pages.len().div_ceil(SAMPLE).max(1);
    let mut votes: BTreeMap<String, Votes> = BTreeMap::new();
    let href = regex::Regex::new(OWN_LINK).expect("a valid pattern");
    for page in pages.iter().step_by(step) {
        let Some(text) = read_head(&page.path) else {
            continue;
        };
        let h = hints(&text);
        if let Some(base) = h.base.as_deref().and_then(|b| Url::parse(b.trim()).ok()) {
            if let Some(host) = base.host_str().map(str::to_ascii_lowercase) {
                let v = votes.entry(host).or_default();
                v.bases += 1;
                count_scheme(v, base.scheme());
            }
        }
        for url in [&h.canonical, &h.og_url].into_iter().flatten() {
            let Ok(u) = Url::parse(url.trim()) else {
                continue;
            };
            let Some(host) = u.host_str().map(str::to_ascii_lowercase) else {
                continue;
            };
            let v = votes.entry(host).or_default();
            v.canonical += 1;
            count_scheme(v, u.scheme());
            if let Some(prefix) = prefix_of(u.path(), page) {
                *v.prefixes.entry(prefix).or_default() += 1;
            }
        }
        // The body's links: the head's canonical link was counted above.
        let body_at = crate::links::map::body_tag(&text).unwrap_or(0);
        for c in absolute_links(&href, &text[body_at..]) {
            let path = &c[3];
            let Some(prefix) = matching_prefix(path, &variants) else {
                continue;
            };
            let v = votes.entry(c[2].to_ascii_lowercase()).or_default();
            v.paths.insert(path.to_string());
            count_scheme(v, &c[1].to_ascii_lowercase());
            *v.prefixes.entry(prefix).or_default() += 1;
        }
    }
    let named = inputs.iter().find_map(|i| host_like_name(i));
    choose(votes, named)
}

fn count_scheme(v: &mut Votes, scheme: &str) {
    if scheme == "https" {
        v.https += 1;
    } else {
        v.http += 1;
    }
}

/// The winner: most canonical links, then most matching links; its aliases are the www
/// or bare form and other hosts whose links reach pages of the batch.
fn choose(votes: BTreeMap<String, Votes>, named: Option<String>) -> Option<InferredSite> {
    let score = |v: &Votes| (v.canonical * 4 + v.bases * 2 + v.paths.len(), v.canonical);
    let best = votes
        .iter()
        .filter(|(_, v)| v.canonical > 0 || v.bases > 0 || v.paths.len() >= 3)
        .max_by(|a, b| score(a.1).cmp(&score(b.1)).then_with(|| b.0.cmp(a.0)))
        .map(|(h, _)| h.clone());
    let host = match (best, named) {
        (Some(h), _) => h,
        (None, Some(n)) => {
            return Some(InferredSite {
                origin: format!("https://{n}"),
                aliases: twin_host(&n).into_iter().collect(),
                old_root: format!("https://{n}/"),
                evidence: "the input folder's name".to_string(),
            })
        }
        (None, None) => return None,
    };
    let v = &votes[&host];
    let scheme = if v.https >= v.http { "https" } else { "http" };
    let prefix = v
        .prefixes
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(p, _)| p.clone())
        .unwrap_or_else(|| "/".to_string());
    let root = host.trim_start_matches("www.");
    let mut aliases: Vec<String> = twin_host(&host).into_iter().collect();
    for (other, ov) in &votes {
        let same_site = other.trim_start_matches("www.") == root;
        if *other != host && !aliases.contains(other) && (same_site || ov.paths.len() >= 3) {
            aliases.push(other.clone());
        }
    }
    let mut evidence = Vec::new();
    if v.canonical > 0 {
        evidence.push(crate::report::plural(v.canonical, "canonical link"));
    }
    if v.bases > 0 {
        evidence.push(crate::report::plural(v.bases, "<base href>"));
    }
    if !v.paths.is_empty() {
        evidence.push(crate::report::plural(v.paths.len(), "absolute link") + " to its pages");
    }
    Some(InferredSite {
        origin: format!("{scheme}://{host}"),
        aliases,
        old_root: format!("{scheme}://{host}{prefix}"),
        evidence: evidence.join(", "),
    })
}

/// `www.x.gov` ↔ `x.gov`.
fn twin_host(host: &str) -> Option<String> {
    match host.strip_prefix("www.") {
        Some(bare) if bare.contains('.') => Some(bare.to_string()),
        Some(_) => None,
        None => Some(format!("www.{host}")),
    }
}

/// A Jekyll source site's `url` and `baseurl`.
fn from_jekyll_config(input: &Path) -> Option<InferredSite> {
    let text = std::fs::read_to_string(input.join("_config.yml")).ok()?;
    let config: serde_yaml::Value = serde_yaml::from_str(&text).ok()?;
    let url = Url::parse(config.get("url")?.as_str()?.trim()).ok()?;
    let host = url.host_str()?.to_ascii_lowercase();
    let base = config
        .get("baseurl")
        .and_then(|b| b.as_str())
        .unwrap_or_default()
        .trim_matches('/');
    let origin = format!("{}://{host}", url.scheme());
    let old_root = if base.is_empty() {
        format!("{origin}/")
    } else {
        format!("{origin}/{base}/")
    };
    Some(InferredSite {
        aliases: twin_host(&host).into_iter().collect(),
        origin,
        old_root,
        evidence: format!("{}'s url", input.join("_config.yml").display()),
    })
}

/// An input folder named like a host (`www.example.gov`), as `wget -m` names them.
fn host_like_name(input: &Path) -> Option<String> {
    let real = input.canonicalize().ok()?;
    let name = real.file_name()?.to_str()?.to_ascii_lowercase();
    let labels: Vec<&str> = name.split('.').collect();
    let tld = labels.last()?;
    (labels.len() >= 2
        && tld.len() >= 2
        && tld.chars().all(|c| c.is_ascii_alphabetic())
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && !matches!(
            *tld,
            "html" | "htm" | "md" | "old" | "bak" | "backup" | "orig"
        ))
    .then_some(name)
}

/// An absolute link in a body: its scheme, host and path.
const OWN_LINK: &str = r#"(?i)href\s*=\s*["']?(https?)://([a-z0-9.-]+)(?::\d+)?(/[^"'\s>?#]*)"#;

/// How far before its `://` an absolute link's `href` may start.
const HREF_REACH: usize = 256;

/// What `href.captures_iter(body)` finds, searched only around each `://` (every match
/// has one): from the start of the letters, white space, `=` and quotes just before it
/// (a match's `href = "http` is made of nothing else), at most `HREF_REACH` bytes
/// back, to the end of the path after it. A link whose `href` stands further before
/// its `://` (more white space than that around `=`) is not found.
fn absolute_links<'t>(href: &regex::Regex, body: &'t str) -> Vec<regex::Captures<'t>> {
    let mut found = Vec::new();
    let mut from = 0;
    for at in memchr::memmem::find_iter(body.as_bytes(), "://") {
        if at < from {
            continue;
        }
        let mut floor = at.saturating_sub(HREF_REACH).max(from);
        while !body.is_char_boundary(floor) {
            floor += 1;
        }
        let in_prefix =
            |c: char| c.is_alphabetic() || c.is_whitespace() || matches!(c, '=' | '"' | '\'');
        let lo = body[floor..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !in_prefix(c))
            .map_or(floor, |(i, c)| floor + i + c.len_utf8());
        let rest = &body[at + 3..];
        let end = at
            + 3
            + rest
                .find(|c: char| matches!(c, '"' | '\'' | '>' | '?' | '#') || c.is_whitespace())
                .unwrap_or(rest.len());
        // Only a prefix with `href` in it (no other letters fold to its) can match.
        let named = body.as_bytes()[lo..at]
            .windows(4)
            .any(|w| w.eq_ignore_ascii_case(b"href"));
        if !named {
            continue;
        }
        if let Some(c) = href.captures_at(&body[..end], lo) {
            from = c.get(0).map_or(end, |m| m.end());
            found.push(c);
        }
    }
    found
}

/// The first bytes of a page, decoded.
fn read_head(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(HEAD_BYTES);
    std::fs::File::open(path)
        .ok()?
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut bytes)
        .ok()?;
    Some(crate::source::decode::decode_owned(bytes).text)
}

/// The ways a page's URL path may end: `a/b.html`, `a/b`, `a/b/`; for `a/index.html`
/// also `a/`, `a` and `a.html` (AEM writes a folder's page beside it).
fn tree_variants(rel: &str) -> Vec<String> {
    let mut out = vec![rel.to_string()];
    let stem = rel.rsplit_once('.').map_or(rel, |(s, _)| s);
    out.push(stem.to_string());
    out.push(format!("{stem}/"));
    for index in ["index", "default", "Default"] {
        if let Some(dir) = stem.strip_suffix(index) {
            if dir.is_empty() || dir.ends_with('/') {
                out.push(dir.to_string());
                let bare = dir.trim_end_matches('/');
                if !bare.is_empty() {
                    out.push(bare.to_string());
                    out.push(format!("{bare}.html"));
                }
            }
        }
    }
    out
}

/// The URL path prefix a page of the batch sits under, when `path` is one of its URLs.
fn prefix_of(path: &str, page: &Discovered) -> Option<String> {
    tree_variants(&page.rel_path)
        .into_iter()
        .filter(|v| !v.is_empty())
        .find_map(|v| split_prefix(path, &v))
        .or_else(|| {
            (path == "/" && tree_variants(&page.rel_path).iter().any(|v| v.is_empty()))
                .then(|| "/".to_string())
        })
}

/// `/city/en/` when `path` is `/city/en/` + `tail`.
fn split_prefix(path: &str, tail: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let prefix = decoded.strip_suffix(tail)?;
    prefix.ends_with('/').then(|| prefix.to_string())
}

/// The prefix under which `path` is a page of the batch (`variants`: every page's
/// tree variants), trying the shortest prefixes first.
fn matching_prefix(path: &str, variants: &HashSet<String>) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let rest = decoded.strip_prefix('/')?;
    if rest.is_empty() {
        return None; // the home page says nothing of the tree's place
    }
    let mut at = 0;
    loop {
        let tail = &rest[at..];
        if !tail.is_empty() && variants.contains(tail) {
            return Some(format!("/{}", &rest[..at]));
        }
        at += tail.find('/')? + 1;
    }
}

#[cfg(test)]
mod tests;
