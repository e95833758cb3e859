//! Link normalization. Each raw `href`/`src` goes through named rules (glued-URL repair,
//! missing scheme, stray spaces, own-site detection, AEM prefix rewrite, WHATWG
//! normalization with the `url` crate); the result records which rules changed it.

use serde::Deserialize;
use url::Url;

use crate::source::liquid;

/// How own-site links are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum OwnSiteStyle {
    #[default]
    RootRelative,
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

/// The `links:` section of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    /// The site's own origin, e.g. `https://www.chicago.gov`.
    pub origin: String,
    /// Other host names that are the same site.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub own_site: OwnSiteStyle,
    #[serde(default)]
    pub https_upgrade: HttpsUpgrade,
    #[serde(default)]
    pub prefix_rewrites: Vec<PrefixRewrite>,
}

#[derive(Debug, thiserror::Error)]
#[error("links.origin `{origin}` is not an absolute http(s) URL")]
pub struct PolicyError {
    pub origin: String,
}

/// A compiled link policy.
#[derive(Debug, Clone)]
pub struct LinkPolicy {
    origin: Url,
    own_hosts: Vec<String>,
    config: LinksConfig,
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
}

/// What became of one link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub original: String,
    /// The link to write, or `None` when the link was dropped (its text is kept).
    pub url: Option<String>,
    /// Ids of the rules that changed it, in the order they applied.
    pub rules: Vec<&'static str>,
}

impl Link {
    pub fn changed(&self) -> bool {
        !self.rules.is_empty()
    }
}

/// A link and where it was met: an element's attribute in the body (with its line in
/// the parsed text), or a front matter field (`element` is `front-matter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundLink {
    pub link: Link,
    pub element: String,
    pub attribute: String,
    pub line: Option<usize>,
}

impl LinkPolicy {
    pub fn new(config: &LinksConfig) -> Result<LinkPolicy, PolicyError> {
        let origin = Url::parse(&config.origin)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
            .ok_or_else(|| PolicyError {
                origin: config.origin.clone(),
            })?;
        let mut own_hosts = vec![origin.host_str().unwrap_or_default().to_string()];
        own_hosts.extend(config.aliases.iter().map(|a| a.to_ascii_lowercase()));
        Ok(LinkPolicy {
            origin,
            own_hosts,
            config: config.clone(),
        })
    }

    /// Whether `host` is the site's own.
    pub fn is_own_host(&self, host: &str) -> bool {
        self.own_hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Normalizes one raw link as found in an attribute (entities already decoded).
    pub fn normalize(&self, raw: &str) -> Link {
        let mut rules = Vec::new();
        let url = self.apply(raw, &mut rules);
        Link {
            original: raw.to_string(),
            url,
            rules,
        }
    }

    fn apply(&self, raw: &str, rules: &mut Vec<&'static str>) -> Option<String> {
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace());
        if trimmed.contains(liquid::OPEN) || trimmed.contains("{{") || trimmed.contains("{%") {
            // Liquid decides this link at build time: keep it exactly.
            return Some(raw.to_string());
        }
        if trimmed.is_empty() || trimmed == "#" {
            rules.push(rule::PLACEHOLDER);
            return None;
        }
        let scheme_probe: String = trimmed
            .chars()
            .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
            .take(16)
            .collect::<String>()
            .to_ascii_lowercase();
        if scheme_probe.starts_with("javascript:") || scheme_probe.starts_with("vbscript:") {
            rules.push(rule::UNSAFE_SCHEME);
            return None;
        }
        if scheme_probe.starts_with("data:") {
            return if is_safe_data_image(trimmed) {
                Some(trimmed.to_string())
            } else {
                rules.push(rule::UNSAFE_SCHEME);
                None
            };
        }
        if let Some(rest) = strip_prefix_ci(trimmed, "mailto:") {
            let address: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
            if address.is_empty() {
                rules.push(rule::PLACEHOLDER);
                return None;
            }
            let out = format!("mailto:{address}");
            if out != raw {
                rules.push(rule::MAILTO_TRIM);
            }
            return Some(out);
        }
        if let Some(rest) = strip_prefix_ci(trimmed, "tel:") {
            let number: String = rest.chars().filter(|c| !c.is_whitespace()).collect();
            let out = format!("tel:{number}");
            if out != raw {
                rules.push(rule::TEL_TRIM);
            }
            return Some(out);
        }

        let mut s = trimmed.to_string();
        if let Some(glued) = glued_url(&s) {
            s = glued.to_string();
            rules.push(rule::GLUED_URL);
        }
        if s.starts_with("//") {
            s = format!("https:{s}");
            rules.push(rule::MISSING_SCHEME);
        } else if !has_scheme(&s) && self.starts_with_bare_host(&s) {
            s = format!("https://{s}");
            rules.push(rule::MISSING_SCHEME);
        }
        let unspaced = remove_spaces_around_slashes(&s);
        if unspaced != s {
            s = unspaced;
            rules.push(rule::STRAY_SPACE);
        }
        let (path_part, _) = s.split_at(s.find(['?', '#']).unwrap_or(s.len()));
        if path_part.contains('\\') && !s.starts_with("file:") {
            let end = path_part.len();
            s = format!("{}{}", path_part.replace('\\', "/"), &s[end..]);
            rules.push(rule::BACKSLASH);
        }
        if s.contains(' ') {
            rules.push(rule::ENCODE_SPACE);
        }

        if has_scheme(&s) {
            let Ok(url) = Url::parse(&s) else {
                return Some(s.replace(' ', "%20"));
            };
            return Some(self.absolute(url, &s, false, rules));
        }
        if s.starts_with('/') {
            return match self.origin.join(&s) {
                Ok(url) => Some(self.absolute(url, &s, true, rules)),
                Err(_) => Some(s.replace(' ', "%20")),
            };
        }
        // Relative to the page: only spaces need care here.
        Some(s.replace(' ', "%20"))
    }

    fn absolute(
        &self,
        mut url: Url,
        before: &str,
        was_root_relative: bool,
        rules: &mut Vec<&'static str>,
    ) -> String {
        let added_before = rules.len();
        let own = matches!(url.scheme(), "http" | "https")
            && url.host_str().is_some_and(|h| self.is_own_host(h));
        if url.scheme() == "http"
            && match self.config.https_upgrade {
                HttpsUpgrade::Own => own,
                HttpsUpgrade::All => true,
                HttpsUpgrade::None => false,
            }
        {
            let _ = url.set_scheme("https");
            rules.push(rule::HTTPS_UPGRADE);
        }
        if own {
            let path = url.path().to_string();
            if let Some(rw) = self
                .config
                .prefix_rewrites
                .iter()
                .find(|rw| path.starts_with(rw.from.as_str()))
            {
                url.set_path(&format!("{}{}", rw.to, &path[rw.from.len()..]));
                rules.push(rule::PREFIX_REWRITE);
            }
        }
        let out = match (own, self.config.own_site) {
            (true, OwnSiteStyle::RootRelative) => {
                if !was_root_relative {
                    rules.push(rule::OWN_SITE);
                }
                root_relative(&url)
            }
            (true, OwnSiteStyle::Absolute) => {
                let _ = url.set_host(self.origin.host_str());
                if was_root_relative {
                    rules.push(rule::OWN_SITE);
                }
                url.to_string()
            }
            (false, _) => url.to_string(),
        };
        let space_only = before.replace(' ', "%20") == out;
        if rules.len() == added_before && out != before && !space_only {
            rules.push(rule::WHATWG);
        }
        out
    }

    /// `www.example.org/…` or an own host followed by `/`: a host without a scheme.
    fn starts_with_bare_host(&self, s: &str) -> bool {
        let host_end = s.find(['/', '?', '#']).unwrap_or(s.len());
        let host = &s[..host_end];
        if host.is_empty() || host.contains(' ') {
            return false;
        }
        let lower = host.to_ascii_lowercase();
        (lower.starts_with("www.") && lower.len() > 4 && lower[4..].contains('.'))
            || self.is_own_host(&lower)
    }
}

fn root_relative(url: &Url) -> String {
    let mut out = url.path().to_string();
    if let Some(q) = url.query() {
        out.push('?');
        out.push_str(q);
    }
    if let Some(f) = url.fragment() {
        out.push('#');
        out.push_str(f);
    }
    out
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `scheme:` at the start (RFC 3986 letters), which a relative path cannot have.
fn has_scheme(s: &str) -> bool {
    match s.find(':') {
        Some(i) if i > 0 => {
            let scheme = &s[..i];
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// `/content` + `https://…`: a URL glued onto a path prefix by a CMS template.
fn glued_url(s: &str) -> Option<&str> {
    if !s.starts_with('/') || s.starts_with("//") {
        return None;
    }
    let at = ["https://", "http://"]
        .iter()
        .filter_map(|p| s.to_ascii_lowercase().find(p))
        .min()?;
    let prefix = &s[..at];
    (!prefix.contains(['?', '#', '=', ' '])).then(|| &s[at..])
}

/// Removes white space that touches a `/` (`/content/ city/en` → `/content/city/en`).
fn remove_spaces_around_slashes(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            let prev = chars[..i].iter().rev().find(|c| !c.is_whitespace());
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if prev == Some(&'/') || next == Some(&'/') {
                continue;
            }
        }
        out.push(c);
    }
    out
}

fn is_safe_data_image(s: &str) -> bool {
    let lower = s.get(..20).unwrap_or(s).to_ascii_lowercase();
    [
        "data:image/png",
        "data:image/gif",
        "data:image/jpeg",
        "data:image/webp",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests;
