//! Links: the link policy of `pagemill.yaml` (`links:`), the named normalization rules
//! (`normalize`), the site-wide URL map that points links at pages' new homes (`map`),
//! redirect files (`redirects`) and the inventory of every link in a page (`scan`).

mod linker;
pub mod map;
mod memo;
mod normalize;
mod pages;
pub mod redirects;
pub mod scan;
mod url_text;

pub use linker::{Linker, PageSource};
pub use map::{MappedPage, OldUrlFrom, UrlMap};

use std::borrow::Cow;

use serde::Deserialize;
use url::Url;

/// How own-site links that do not reach a page or file of the batch are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum OwnSiteStyle {
    /// `/path`: for teams migrating in waves behind one host.
    RootRelative,
    /// `https://origin/path`: it keeps working while the old site is up.
    #[default]
    Absolute,
}

/// Which `http://` links become `https://`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum HttpsUpgrade {
    #[default]
    Own,
    All,
    None,
}

/// A path prefix rewrite, e.g. AEM's `/content/city/` → `/city/`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixRewrite {
    pub from: String,
    pub to: String,
}

/// The `links:` section of the configuration; every key may be left out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    /// The site's own origin, e.g. `https://www.chicago.gov`; without it, the site is
    /// inferred from the pages (`site`), or links stay as the pages wrote them.
    #[serde(default)]
    pub origin: Option<String>,
    /// Other host names that are the same site.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Own-site links outside the batch (`own_site` is its former name).
    #[serde(default, alias = "own_site")]
    pub outside: OwnSiteStyle,
    #[serde(default)]
    pub https_upgrade: HttpsUpgrade,
    #[serde(default)]
    pub prefix_rewrites: Vec<PrefixRewrite>,
    /// Query parameters removed from every link; `*` at the end matches any suffix.
    #[serde(default = "default_strip_params")]
    pub strip_params: Vec<String>,
    /// The old site's URL for the input root: a page at `a/b.html` under the input
    /// root was at `<old_root>a/b.html`. Pages also keep their `permalink`,
    /// `<link rel=canonical>` and `og:url` as old URLs.
    #[serde(default)]
    pub old_root: Option<String>,
    /// How links to pages of the batch are written.
    #[serde(default)]
    pub internal: InternalStyle,
    /// URL path of the new site's root, for `internal: url`.
    #[serde(default = "default_new_base")]
    pub new_base: String,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            origin: None,
            aliases: Vec::new(),
            outside: OwnSiteStyle::default(),
            https_upgrade: HttpsUpgrade::default(),
            prefix_rewrites: Vec::new(),
            strip_params: default_strip_params(),
            old_root: None,
            internal: InternalStyle::default(),
            new_base: default_new_base(),
        }
    }
}

fn default_strip_params() -> Vec<String> {
    ["utm_*", "fbclid", "gclid", "mc_cid", "mc_eid"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn default_new_base() -> String {
    "/".to_string()
}

/// How a link to a page in the batch is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum InternalStyle {
    /// The page's new site URL, e.g. `/depts/doit/`.
    #[default]
    Url,
    /// A relative path to the Markdown file, e.g. `../doit.md`, that works when
    /// browsing the repository.
    RelativeMd,
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("links.origin `{0}` is not an absolute http(s) URL")]
    Origin(String),
    #[error("links.old_root `{0}` is not an absolute http(s) URL")]
    OldRoot(String),
}

/// A compiled link policy.
#[derive(Debug, Clone)]
pub struct LinkPolicy {
    origin: Url,
    /// Whether the origin is the site's (configured or inferred), or a stand-in used
    /// only to resolve paths: without one, own-site links are never made absolute.
    origin_known: bool,
    own_hosts: Vec<String>,
    config: LinksConfig,
    /// The URL path the input tree's root had on the old site: `links.old_root`'s path,
    /// or `/` (a file at `a/b.pdf` was at `<tree_root>a/b.pdf`).
    tree_root: String,
    /// Links already normalized, shared by the batch's workers.
    memo: memo::Memo,
}

/// Stable rule ids, reported with every change.
pub mod rule {
    pub const PLACEHOLDER: &str = "placeholder";
    pub const UNSAFE_SCHEME: &str = "unsafe-scheme";
    pub const GLUED_URL: &str = "glued-url";
    pub const MISSING_SCHEME: &str = "missing-scheme";
    pub const STRAY_SPACE: &str = "stray-space";
    pub const ENCODE_SPACE: &str = "encode-space";
    pub const BACKSLASH: &str = "backslash";
    pub const HTTPS_UPGRADE: &str = "https-upgrade";
    pub const OWN_SITE: &str = "own-site-relative";
    pub const PREFIX_REWRITE: &str = "prefix-rewrite";
    pub const WHATWG: &str = "whatwg";
    pub const MAILTO_TRIM: &str = "mailto-trim";
    pub const TEL_TRIM: &str = "tel-trim";
    pub const TRACKING_PARAM: &str = "tracking-param";
    pub const INTERNAL: &str = "internal";
    pub const OWN_SITE_ABSOLUTE: &str = "own-site-absolute";
    pub const RELATIVE: &str = "relative";
    pub const ASSET: &str = "asset";
    pub const DEAD_FRAGMENT: &str = "dead-fragment";

    /// Every rule id, in the order rules apply.
    pub const ALL: &[&str] = &[
        PLACEHOLDER,
        UNSAFE_SCHEME,
        MAILTO_TRIM,
        TEL_TRIM,
        GLUED_URL,
        BACKSLASH,
        STRAY_SPACE,
        MISSING_SCHEME,
        ENCODE_SPACE,
        HTTPS_UPGRADE,
        TRACKING_PARAM,
        PREFIX_REWRITE,
        OWN_SITE,
        WHATWG,
        RELATIVE,
        INTERNAL,
        ASSET,
        OWN_SITE_ABSOLUTE,
        DEAD_FRAGMENT,
    ];
}

/// What a link points at.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// A page of this batch.
    Internal,
    /// The site's own, but not a page of this batch.
    OwnSite,
    External,
    Email,
    Phone,
    /// A place in the same page (`#top`), or a `#` placeholder.
    Fragment,
    /// A file of the input tree, copied into the site.
    Asset,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Internal => "internal",
            LinkKind::OwnSite => "own-site",
            LinkKind::External => "external",
            LinkKind::Email => "email",
            LinkKind::Phone => "phone",
            LinkKind::Fragment => "fragment",
            LinkKind::Asset => "asset",
        }
    }
}

/// What the policy did to a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkStatus {
    Kept,
    Rewritten,
    Dropped,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Kept => "kept",
            LinkStatus::Rewritten => "rewritten",
            LinkStatus::Dropped => "dropped",
        }
    }
}

/// The rules that changed a link, in order: most links have none or one, so up to two
/// are kept without an allocation.
pub type Rules = smallvec::SmallVec<[crate::page::StaticStr; 2]>;

/// What became of one link.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Link {
    pub original: String,
    /// The link to write, or `None` when the link was dropped (its text is kept).
    pub url: Option<String>,
    /// Ids of the rules that changed it, in the order they applied.
    #[serde(with = "crate::page::static_strs")]
    pub rules: Rules,
    pub kind: LinkKind,
}

impl Link {
    pub fn changed(&self) -> bool {
        !self.rules.is_empty()
    }

    pub fn status(&self) -> LinkStatus {
        match (&self.url, self.rules.is_empty()) {
            (None, _) => LinkStatus::Dropped,
            (Some(_), true) => LinkStatus::Kept,
            (Some(_), false) => LinkStatus::Rewritten,
        }
    }
}

/// A link and where it was met: an element's attribute in the body (with its line in
/// the parsed text), or a front matter field (`element` is `front-matter`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FoundLink {
    pub link: Link,
    /// The element's tag name (`front-matter` for a field); names links are usually
    /// found in are the program's own copies, not allocated per link.
    pub element: Cow<'static, str>,
    pub attribute: Cow<'static, str>,
    pub line: Option<usize>,
}

/// `name` as a static when it is a tag or attribute name links are usually found in.
pub fn link_place_name(name: &str) -> Cow<'static, str> {
    const NAMES: [&str; 20] = [
        "a",
        "img",
        "href",
        "src",
        "link",
        "area",
        "source",
        "video",
        "audio",
        "poster",
        "iframe",
        "embed",
        "object",
        "data",
        "srcset",
        "track",
        "form",
        "action",
        "script",
        "front-matter",
    ];
    match NAMES.iter().find(|n| **n == name) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(name.to_string()),
    }
}

#[cfg(test)]
mod tests;
