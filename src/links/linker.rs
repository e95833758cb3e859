//! One page's links, each taken to its absolute old URL first — relative links resolve
//! against the page's old URL or its `<base href>` — and then to its new home: a page
//! of the batch (its new URL), a file of the input tree (its copy in the site), or, for
//! the rest of the old site, its old URL as `links.outside` says.

use std::cell::RefCell;
use std::path::Path;

use url::Url;

use super::map::{MappedPage, OldUrlFrom};
use super::normalize::is_plain_path;
use super::{rule, InternalStyle, Link, LinkKind, LinkPolicy, OwnSiteStyle, Rules, UrlMap};
use crate::assets::{AssetIndex, AssetMode, AssetRef};
use crate::source::liquid;

/// Where a page's source lies, for its relative links and the files they reach.
#[derive(Debug, Clone, Copy)]
pub struct PageSource<'a> {
    /// The input folder the page was found under.
    pub root: &'a Path,
    /// The page's path under it, `/`-separated.
    pub rel_path: &'a str,
    /// The page's `<base href>`, as written.
    pub base_href: Option<&'a str>,
}

/// Normalizes links for one page: the policy's rules, then the URL map and the files of
/// the input tree; or, for plain HTML → Markdown conversion, keeps links as written and
/// only drops script URLs.
#[derive(Clone)]
pub struct Linker<'a> {
    /// `None`: links are kept verbatim.
    policy: Option<&'a LinkPolicy>,
    map: Option<&'a UrlMap>,
    page: Option<PageLinks<'a>>,
    assets: AssetMode,
    index: Option<&'a AssetIndex>,
    seen: RefCell<Seen>,
}

#[derive(Clone)]
struct PageLinks<'a> {
    output_rel: &'a str,
    /// What relative links resolve against: the page's old URL (or `<base href>`).
    base: Option<Url>,
    from: Option<OldUrlFrom>,
    /// The page's input folder in the asset index, and its source's folder
    /// (`council/`), for files reached by relative paths.
    root: Option<usize>,
    source_dir: &'a str,
}

/// What the page's links met, for its outcome.
#[derive(Debug, Default, Clone)]
struct Seen {
    /// A relative link was resolved against the page's place in the input tree.
    guessed: bool,
    assets: Vec<AssetRef>,
    /// The hashes of `assets`, so a reference is told new without comparing it with
    /// every earlier one.
    hashes: rustc_hash::FxHashSet<u64>,
    /// With owners (a rendering whose blocks may be cut later): every reference, with
    /// the part of the page that made it.
    owned: Option<Vec<(AssetRef, u32)>>,
    owner: u32,
}

impl<'a> Linker<'a> {
    /// The policy alone: no URL map, no page.
    pub fn plain(policy: &'a LinkPolicy) -> Linker<'a> {
        Linker {
            policy: Some(policy),
            map: None,
            page: None,
            assets: AssetMode::None,
            index: None,
            seen: RefCell::default(),
        }
    }

    /// No policy: links are written as they are, except script URLs, which are dropped.
    pub fn verbatim() -> Linker<'static> {
        Linker {
            policy: None,
            map: None,
            page: None,
            assets: AssetMode::None,
            index: None,
            seen: RefCell::default(),
        }
    }

    /// For the page whose output is `output_rel`, with the batch's map.
    pub fn for_page(policy: &'a LinkPolicy, map: &'a UrlMap, output_rel: &'a str) -> Linker<'a> {
        let origin = policy.origin();
        let base = map
            .page(output_rel)
            .and_then(|p| p.old_urls().next())
            .map(|old| origin.join(old).unwrap_or_else(|_| origin.clone()));
        Linker {
            policy: Some(policy),
            map: Some(map),
            page: Some(PageLinks {
                output_rel,
                from: base.as_ref().and(map.old_url_from(output_rel)),
                base,
                root: None,
                source_dir: "",
            }),
            assets: AssetMode::None,
            index: None,
            seen: RefCell::default(),
        }
    }

    /// The page's source: its `<base href>`, its place in the input tree (relative links
    /// resolve against it when the page has no old URL), and the files `assets` says
    /// links may reach (`index`: the input tree's files).
    pub fn with_source(
        mut self,
        source: PageSource<'a>,
        assets: AssetMode,
        index: Option<&'a AssetIndex>,
    ) -> Linker<'a> {
        let (Some(policy), Some(page)) = (self.policy, self.page.as_mut()) else {
            return self;
        };
        if page.base.is_none() {
            let mut guess = policy.origin().clone();
            let mut path = policy.tree_root().to_string();
            path.push_str(source.rel_path);
            guess.set_path(&path);
            page.base = Some(guess);
            page.from = Some(OldUrlFrom::InputTree);
        }
        if let Some(href) = source.base_href {
            if let Some(base) = page.base.as_ref().and_then(|b| b.join(href.trim()).ok()) {
                if matches!(base.scheme(), "http" | "https") {
                    page.base = Some(base);
                    page.from = Some(OldUrlFrom::BaseHref);
                }
            }
        }
        page.source_dir = match source.rel_path.rfind('/') {
            Some(i) => &source.rel_path[..=i],
            None => "",
        };
        self.assets = assets;
        if assets == AssetMode::Copy {
            self.index = index;
            page.root = index.and_then(|i| i.root_of(source.root));
        }
        self
    }

    /// Where the page's old URL came from, and the URL relative links resolve against
    /// (its path alone when the site is unknown).
    pub fn old_url(&self) -> Option<(OldUrlFrom, String)> {
        let page = self.page.as_ref()?;
        let base = page.base.as_ref()?;
        Some((
            page.from?,
            absolute(self.policy?, &base[url::Position::BeforePath..]),
        ))
    }

    /// Whether a relative link was resolved against the page's place in the input tree,
    /// its old URL being unknown.
    pub fn guessed_base(&self) -> bool {
        self.seen.borrow().guessed
    }

    /// The files the page's links referenced, in the order first met.
    pub fn take_assets(&self) -> Vec<AssetRef> {
        let mut seen = self.seen.borrow_mut();
        seen.hashes.clear();
        std::mem::take(&mut seen.assets)
    }

    /// From now on, the file references are also kept with the part of the page that
    /// makes them (`set_owner`), for `take_owned_assets`.
    pub fn track_owners(&self) {
        let mut seen = self.seen.borrow_mut();
        let earlier = seen.assets.iter().map(|a| (a.clone(), 0)).collect();
        seen.owned = Some(earlier);
    }

    /// The part of the page the next references are made by (0: the page itself).
    pub fn set_owner(&self, owner: u32) {
        self.seen.borrow_mut().owner = owner;
    }

    /// What another linker for the same page met (its links rendered elsewhere).
    pub fn record_seen(&self, guessed: bool, assets: Vec<AssetRef>) {
        let mut seen = self.seen.borrow_mut();
        seen.guessed |= guessed;
        seen.hashes = assets.iter().map(asset_hash).collect();
        seen.assets = assets;
    }

    /// Every file reference with the part of the page that made it, in order.
    pub fn take_owned_assets(&self) -> Vec<(AssetRef, u32)> {
        let mut seen = self.seen.borrow_mut();
        seen.assets.clear();
        seen.hashes.clear();
        seen.owned.take().unwrap_or_default()
    }

    /// This page's new URL and old URLs, when it is a page of the batch.
    pub fn page_urls(&self) -> Option<crate::target::PageUrls<'a>> {
        let rel = self.page.as_ref()?.output_rel;
        let map = self.map?;
        let page = map.page(rel)?;
        // Only the old URLs the map gives this page: one another page claimed first
        // redirects there (and is reported as a URL map conflict).
        let mut old_urls: Vec<&str> = page
            .old_urls()
            .filter(|old| map.owner(old) == Some(rel))
            .collect();
        // The redirect stubs that sent readers here: their old URLs redirect here too.
        for old in map.stub_old_urls(&page) {
            if map.lookup(old).is_some_and(|p| p.output_rel() == rel) && !old_urls.contains(&old) {
                old_urls.push(old);
            }
        }
        Some(crate::target::PageUrls {
            new_url: page.new_url(),
            old_urls,
        })
    }

    /// Normalizes `raw`, resolves it to its old URL, and points it at its new home.
    pub fn link(&self, raw: &str) -> Link {
        let Some(policy) = self.policy else {
            return super::normalize::verbatim(raw);
        };
        if policy.plain_rooted(raw) {
            // Joined with any page's URL, a plain path is its own URL path: no parsing.
            let link = Link {
                original: raw.to_string(),
                url: Some(raw.to_string()),
                rules: Rules::new(),
                kind: LinkKind::OwnSite,
            };
            return self.own(policy, link, None, true);
        }
        let mut link = policy.normalize_parsed(raw, OwnSiteStyle::RootRelative);
        let Some(url) = link.url.as_deref() else {
            return link;
        };
        if link.kind != LinkKind::OwnSite || url.contains(['{', liquid::OPEN]) {
            return link;
        }
        if url.starts_with('/') {
            let plain = is_plain_path(url);
            return self.own(policy, link, None, plain);
        }
        // Relative to the page's old URL.
        let Some(page) = self.page.as_ref() else {
            return link;
        };
        let Some(joined) = page.base.as_ref().and_then(|b| b.join(url).ok()) else {
            return link;
        };
        if page.from == Some(OldUrlFrom::InputTree) {
            self.seen.borrow_mut().guessed = true;
        }
        let relative = url.to_string();
        let again = policy.normalize_parsed(joined.as_str(), OwnSiteStyle::RootRelative);
        link.rules.push(rule::RELATIVE);
        link.rules
            .extend(again.rules.iter().copied().filter(|r| *r != rule::OWN_SITE));
        link.url = again.url;
        link.kind = again.kind;
        if link.kind != LinkKind::OwnSite || link.url.is_none() {
            return link;
        }
        let plain = link.url.as_deref().is_some_and(is_plain_path);
        self.own(policy, link, Some(&relative), plain)
    }

    /// An own-site link, normalized root-relative (`relative`: as the page wrote it,
    /// when it was relative): a page of the batch, a file, or the old site. `plain`: the
    /// URL is a plain path (`is_plain_path`), with no query or fragment to parse out.
    fn own(
        &self,
        policy: &LinkPolicy,
        mut link: Link,
        relative: Option<&str>,
        plain: bool,
    ) -> Link {
        // The URL is taken out while its parts are looked up, and put back before the
        // link is finished.
        let url = link.url.take().unwrap_or_default();
        let parsed;
        let (path, query, fragment) = if plain {
            (url.as_str(), None, None)
        } else {
            let Ok(u) = policy.origin().join(&url) else {
                link.url = Some(url);
                return link;
            };
            parsed = u;
            (parsed.path(), parsed.query(), parsed.fragment())
        };
        if let Some(page) = self.map.and_then(|map| map.lookup(path)) {
            let new = self.internal_url(policy, page, query, fragment);
            link.url = Some(url);
            return internal(link, new);
        }
        if let Some(found) = self.file(policy, path, relative) {
            let new = self.asset_url(policy, found, path, fragment);
            link.url = Some(url);
            return match new {
                Some(new) => asset(link, new),
                None => link,
            };
        }
        if self.assets != AssetMode::None && crate::assets::looks_like_file(path) {
            let old_url = absolute(policy, path);
            self.note_asset(AssetRef {
                old_url,
                file: None,
                new_url: None,
            });
        }
        link.url = Some(url);
        self.outside(policy, link)
    }

    /// The file of the input tree an own-site path reaches: by its place under the
    /// tree's old root, or (for a relative link) beside the page's source.
    fn file(&self, policy: &LinkPolicy, path: &str, relative: Option<&str>) -> Option<u32> {
        let index = self.index?;
        let page = self.page.as_ref()?;
        let root = page.root?;
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .ok()
                .map(|c| c.into_owned())
        };
        if let Some(rel) = path.strip_prefix(policy.tree_root()) {
            if let Some(id) = decode(rel).and_then(|rel| index.find(root, &rel)) {
                return Some(id);
            }
        }
        let relative = relative?;
        let relative = relative.split(['?', '#']).next().unwrap_or_default();
        let joined = join_tree_path(page.source_dir, &decode(relative)?)?;
        index.find(root, &joined)
    }

    fn note_asset(&self, found: AssetRef) {
        let mut seen = self.seen.borrow_mut();
        let owner = seen.owner;
        if let Some(owned) = seen.owned.as_mut() {
            owned.push((found.clone(), owner));
        }
        // A hash not seen is a reference not seen; a hash seen is checked for a twin.
        if seen.hashes.insert(asset_hash(&found)) || !seen.assets.contains(&found) {
            seen.assets.push(found);
        }
    }

    /// The address of the file `id`'s copy in the site, for a link that reaches it
    /// (noted as one of the page's files).
    fn asset_url(
        &self,
        policy: &LinkPolicy,
        id: u32,
        path: &str,
        fragment: Option<&str>,
    ) -> Option<String> {
        let index = self.index?;
        let served = index.canonical(id);
        self.note_asset(AssetRef {
            old_url: absolute(policy, path),
            file: Some(id),
            new_url: Some(index.url(served)),
        });
        let mut new = match policy.config().internal {
            InternalStyle::Url => index.url(served),
            InternalStyle::RelativeMd => {
                let from = self.page.as_ref().map_or("", |p| p.output_rel);
                relative_path(from, &index.site_rel(served))
            }
        };
        if let Some(f) = fragment {
            new.push('#');
            new.push_str(f);
        }
        Some(new)
    }

    /// The absolute old URL `raw` pointed at (relative links resolved against the
    /// page's old URL), when it is a web link.
    pub fn old_url_of(&self, raw: &str) -> Option<String> {
        let policy = self.policy?;
        let link = policy.normalize_parsed(raw, OwnSiteStyle::RootRelative);
        let url = link.url?;
        match link.kind {
            LinkKind::External => Some(url),
            LinkKind::OwnSite if url.starts_with('/') => Some(absolute(policy, &url)),
            LinkKind::OwnSite => {
                let base = self.page.as_ref()?.base.as_ref()?;
                let joined = base.join(&url).ok()?;
                Some(absolute(policy, &joined[url::Position::BeforePath..]))
            }
            _ => None,
        }
    }

    /// An own-site link outside the batch, as `links.outside` says.
    fn outside(&self, policy: &LinkPolicy, mut link: Link) -> Link {
        if policy.config().outside == OwnSiteStyle::RootRelative || !policy.origin_known() {
            return link;
        }
        let Some(url) = link.url.as_deref() else {
            return link;
        };
        let written = [policy.origin().as_str().trim_end_matches('/'), url].concat();
        link.rules.retain(|r| *r != rule::OWN_SITE);
        let original = link
            .original
            .trim_matches(|c: char| c.is_ascii_whitespace());
        if written != original {
            let was_absolute = super::normalize::has_scheme(original);
            if !was_absolute {
                link.rules.push(rule::OWN_SITE_ABSOLUTE);
            } else if link.rules.is_empty() {
                link.rules.push(rule::WHATWG);
            }
        }
        link.url = Some(written);
        link
    }

    /// The new address of `page`, for a link to it with this query and fragment.
    fn internal_url(
        &self,
        policy: &LinkPolicy,
        page: MappedPage,
        query: Option<&str>,
        fragment: Option<&str>,
    ) -> String {
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
                let from = self.page.as_ref().map_or("", |p| p.output_rel);
                relative_path(from, page.output_rel())
            }
        };
        match fragment {
            Some(f) => [new.as_str(), "#", f].concat(),
            None => new,
        }
    }
}

/// `link` (normalized) points at a page of the batch, whose new address is `new`.
fn internal(mut link: Link, new: String) -> Link {
    link.kind = LinkKind::Internal;
    if link.url.as_deref() != Some(new.as_str()) {
        link.url = Some(new);
        link.rules.push(rule::INTERNAL);
    }
    link
}

/// `link` reaches a file of the input tree, whose copy in the site is at `new`.
fn asset(mut link: Link, new: String) -> Link {
    link.rules.retain(|r| *r != rule::OWN_SITE);
    link.kind = LinkKind::Asset;
    if link.url.as_deref() != Some(new.as_str()) {
        link.url = Some(new);
        link.rules.push(rule::ASSET);
    }
    link
}

fn asset_hash(asset: &AssetRef) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault};
    BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(asset)
}

/// The absolute URL of an own-site path on the origin (the path itself when the site
/// is unknown).
fn absolute(policy: &LinkPolicy, path: &str) -> String {
    if !policy.origin_known() {
        return path.to_string();
    }
    [policy.origin().as_str().trim_end_matches('/'), path].concat()
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

/// `relative` (decoded) joined to the folder `dir` of the input tree; `None` when it
/// climbs above the tree's root.
fn join_tree_path(dir: &str, relative: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for segment in relative.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_paths_never_climb_out() {
        assert_eq!(
            join_tree_path("council/", "../images/a.gif").as_deref(),
            Some("images/a.gif")
        );
        assert_eq!(join_tree_path("council/", "../../etc/passwd"), None);
        assert_eq!(
            join_tree_path("", "agenda 2013.pdf").as_deref(),
            Some("agenda 2013.pdf")
        );
    }
}
