//! The normalization rules: each raw `href`/`src` goes through glued-URL repair, missing
//! scheme, stray spaces, backslashes, tracking parameters, own-site detection, prefix
//! rewrites and WHATWG normalization (the `url` crate); every change names its rule.

use url::Url;

use super::{
    rule, HttpsUpgrade, Link, LinkKind, LinkPolicy, LinksConfig, OwnSiteStyle, PolicyError, Rules,
};
use crate::source::liquid;

use super::url_text::{
    encode_spaces, glued_url, is_bare_scheme, is_safe_data_image, remove_spaces_around_slashes,
    root_relative, strip_prefix_ci,
};
pub(super) use super::url_text::{has_scheme, is_plain_path};

/// The stand-in origin paths resolve on when the site is unknown; never written.
const UNKNOWN_ORIGIN: &str = "https://unknown.invalid";

/// A link kept as written: only URLs that would run script are dropped.
pub fn verbatim(raw: &str) -> Link {
    // A Liquid tag may render as nothing: `java{{ x }}script:` is a script URL too
    // (found by fuzzing), so the scheme is probed with the tags taken out.
    let untagged = crate::source::liquid::remove_all_placeholders(raw);
    let probe: String = untagged
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    let unsafe_scheme = runs_script(&probe, raw.trim());
    let kind = if unsafe_scheme {
        LinkKind::External
    } else {
        classify(&probe, |_| false)
    };
    Link {
        original: raw.to_string(),
        // URL parsing strips surrounding white space; so does a faithful copy.
        url: (!unsafe_scheme).then(|| {
            raw.trim_matches(|c: char| c.is_ascii_whitespace())
                .to_string()
        }),
        rules: if unsafe_scheme {
            smallvec::smallvec![rule::UNSAFE_SCHEME]
        } else {
            Rules::new()
        },
        kind,
    }
}

/// Whether a link runs script: `javascript:`, `vbscript:`, or `data:` other than an
/// image. `probe` is the start of the link, lowercased, with what browsers ignore removed.
fn runs_script(probe: &str, link: &str) -> bool {
    probe.starts_with("javascript:")
        || probe.starts_with("vbscript:")
        || (probe.starts_with("data:") && !is_safe_data_image(link))
}

/// What a link that is kept points at; `own` says whether an absolute URL is the site's.
fn classify(url: &str, own: impl Fn(&Url) -> bool) -> LinkKind {
    let lower = url.get(..7).unwrap_or(url).to_ascii_lowercase();
    if lower.starts_with("mailto:") {
        LinkKind::Email
    } else if lower.starts_with("tel:") {
        LinkKind::Phone
    } else if url.is_empty() || url.starts_with('#') {
        LinkKind::Fragment
    } else if url.starts_with("//") {
        LinkKind::External
    } else if has_scheme(url) {
        match Url::parse(url) {
            Ok(u) if own(&u) => LinkKind::OwnSite,
            _ => LinkKind::External,
        }
    } else {
        LinkKind::OwnSite
    }
}

impl LinkPolicy {
    pub fn new(config: &LinksConfig) -> Result<LinkPolicy, PolicyError> {
        let origin = match &config.origin {
            Some(o) => Url::parse(o)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
                .ok_or_else(|| PolicyError::Origin(o.clone()))?,
            None => Url::parse(UNKNOWN_ORIGIN).expect("a valid URL"),
        };
        let mut tree_root = "/".to_string();
        if let Some(root) = &config.old_root {
            let url = Url::parse(root)
                .ok()
                .filter(|u| matches!(u.scheme(), "http" | "https"))
                .ok_or_else(|| PolicyError::OldRoot(root.clone()))?;
            tree_root = url.path().to_string();
            if !tree_root.ends_with('/') {
                tree_root.push('/');
            }
        }
        let mut own_hosts = vec![origin.host_str().unwrap_or_default().to_string()];
        own_hosts.extend(config.aliases.iter().map(|a| a.to_ascii_lowercase()));
        Ok(LinkPolicy {
            origin_known: config.origin.is_some(),
            origin,
            own_hosts,
            config: config.clone(),
            tree_root,
            memo: super::memo::Memo::default(),
        })
    }

    /// Whether `host` is the site's own.
    pub fn is_own_host(&self, host: &str) -> bool {
        self.own_hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
    }

    /// Normalizes one raw link as found in an attribute (entities already decoded);
    /// own-site links are written as `links.outside` says.
    pub fn normalize(&self, raw: &str) -> Link {
        let style = if self.origin_known {
            self.config.outside
        } else {
            OwnSiteStyle::RootRelative
        };
        match self.plain_own_path(raw, style) {
            Some(link) => link,
            None => self.normalize_parsed(raw, style),
        }
    }

    /// `normalize` for a link already known not to be a plain own-site path, own-site
    /// links written in `style`.
    pub(super) fn normalize_parsed(&self, raw: &str, style: OwnSiteStyle) -> Link {
        self.memo.get_or_make(raw, style, || {
            let mut rules = Rules::new();
            let url = self.apply(raw, style, &mut rules);
            let kind = self.kind_of(url.as_deref(), &rules);
            Link {
                original: raw.to_string(),
                url,
                rules,
                kind,
            }
        })
    }

    /// The site's origin (a stand-in when it is unknown: see `origin_known`).
    pub fn origin(&self) -> &Url {
        &self.origin
    }

    /// Whether the site's origin is known (configured or inferred).
    pub fn origin_known(&self) -> bool {
        self.origin_known
    }

    /// The URL path of the input tree's root on the old site (`/city/en/`, or `/`).
    pub fn tree_root(&self) -> &str {
        &self.tree_root
    }

    /// The configuration this policy was built from.
    pub fn config(&self) -> &LinksConfig {
        &self.config
    }

    /// What a normalized link points at (before the URL map is consulted).
    fn kind_of(&self, url: Option<&str>, rules: &[&str]) -> LinkKind {
        let Some(url) = url else {
            return if rules.contains(&rule::UNSAFE_SCHEME) {
                LinkKind::External
            } else {
                LinkKind::Fragment
            };
        };
        classify(url, |u| u.host_str().is_some_and(|h| self.is_own_host(h)))
    }

    /// Whether a query parameter is a tracking parameter to remove.
    fn is_tracking(&self, name: &str) -> bool {
        self.config
            .strip_params
            .iter()
            .any(|p| match p.strip_suffix('*') {
                Some(prefix) => name.starts_with(prefix),
                None => name == p,
            })
    }

    /// Every rule, through the URL parser (a plain own-site path, which every rule leaves
    /// as it is, was answered by `plain_own_path` before).
    fn apply(&self, raw: &str, style: OwnSiteStyle, rules: &mut Rules) -> Option<String> {
        let mut out = self.apply_parsed(raw, style, rules);
        // A repaired own-site link can reveal another glued URL
        // (`www.x.gov/https://y/…` → `/https://y/…`): repair until none is left.
        for _ in 0..3 {
            match out.as_deref().and_then(glued_url) {
                Some(glued) => {
                    let glued = glued.to_string();
                    rules.push(rule::GLUED_URL);
                    out = self.apply_parsed(&glued, style, rules);
                }
                None => break,
            }
        }
        out
    }

    /// Whether `raw` is a plain own-site path that every rule leaves as it is: most
    /// links of a site, spared the URL parser. What `apply_parsed` would make of it is
    /// `raw` itself, with no rule (a property test holds the two together).
    pub(super) fn keeps_as_is(&self, raw: &str, style: OwnSiteStyle) -> bool {
        style == OwnSiteStyle::RootRelative && self.plain_rooted(raw)
    }

    /// Whether `raw` is a plain own-site path that every rule leaves as it is when
    /// own-site links are written root-relative.
    pub(super) fn plain_rooted(&self, raw: &str) -> bool {
        is_plain_path(raw)
            && self.origin.scheme() == "https"
            && !self
                .config
                .prefix_rewrites
                .iter()
                .any(|rw| raw.starts_with(rw.from.as_str()))
    }

    /// `raw` normalized when it is a plain own-site path every rule leaves as it is.
    pub(super) fn plain_own_path(&self, raw: &str, style: OwnSiteStyle) -> Option<Link> {
        self.keeps_as_is(raw, style).then(|| Link {
            original: raw.to_string(),
            url: Some(raw.to_string()),
            rules: Rules::new(),
            kind: LinkKind::OwnSite,
        })
    }

    /// Every rule, in order, through the URL parser.
    pub(super) fn apply_parsed(
        &self,
        raw: &str,
        style: OwnSiteStyle,
        rules: &mut Rules,
    ) -> Option<String> {
        // As the URL parser does: leading and trailing C0 controls and spaces go, so
        // `\0vbscript:` is seen for what it is (found by fuzzing).
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c <= ' ');
        if trimmed.contains(liquid::OPEN) || trimmed.contains("{{") || trimmed.contains("{%") {
            // Liquid decides this link at build time: keep it exactly — unless it is a
            // script URL once its tags render as nothing (found by fuzzing).
            if verbatim(raw).url.is_none() {
                rules.push(rule::UNSAFE_SCHEME);
                return None;
            }
            return Some(raw.to_string());
        }
        if trimmed.is_empty() || trimmed == "#" || is_bare_scheme(trimmed) {
            rules.push(rule::PLACEHOLDER);
            return None;
        }
        let breaks = |c: char| matches!(c, '\t' | '\n' | '\r');
        let head = trimmed.get(..16).unwrap_or(trimmed);
        let scheme_probe = if head.is_ascii() && !head.contains(breaks) {
            head.to_ascii_lowercase()
        } else {
            trimmed
                .chars()
                .filter(|&c| !breaks(c))
                .take(16)
                .collect::<String>()
                .to_ascii_lowercase()
        };
        if runs_script(&scheme_probe, trimmed) {
            rules.push(rule::UNSAFE_SCHEME);
            return None;
        }
        if scheme_probe.starts_with("data:") {
            return Some(trimmed.to_string());
        }
        if let Some(rest) = strip_prefix_ci(trimmed, "mailto:") {
            // White space in the address is a typo; in `?subject=…` it is text.
            let (address, query) = rest.split_at(rest.find('?').unwrap_or(rest.len()));
            let address_clean: String = address.chars().filter(|c| !c.is_whitespace()).collect();
            let address_raw = address;
            let address = address_clean;
            if address.is_empty() && query.is_empty() {
                rules.push(rule::PLACEHOLDER);
                return None;
            }
            let out = format!("mailto:{address}{}", encode_spaces(query));
            if raw != trimmed || !raw.starts_with("mailto:") || address_raw != address {
                rules.push(rule::MAILTO_TRIM);
            }
            if query.contains(' ') {
                rules.push(rule::ENCODE_SPACE);
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

        // Browsers drop tabs and line breaks anywhere in a URL.
        let mut s: String = if trimmed.contains(breaks) {
            trimmed.chars().filter(|&c| !breaks(c)).collect()
        } else {
            trimmed.to_string()
        };
        if s != trimmed {
            rules.push(rule::STRAY_SPACE);
        }
        if let Some(glued) = glued_url(&s) {
            s = glued.to_string();
            rules.push(rule::GLUED_URL);
        }
        let (path_part, _) = s.split_at(s.find(['?', '#']).unwrap_or(s.len()));
        if path_part.contains('\\') && !s.starts_with("file:") {
            let end = path_part.len();
            s = format!("{}{}", path_part.replace('\\', "/"), &s[end..]);
            rules.push(rule::BACKSLASH);
        }
        if s.contains(char::is_whitespace) {
            let unspaced = remove_spaces_around_slashes(&s);
            if unspaced != s {
                s = unspaced;
                if !rules.contains(&rule::STRAY_SPACE) {
                    rules.push(rule::STRAY_SPACE);
                }
            }
        }
        if s.starts_with("//") {
            s = format!("https:{s}");
            rules.push(rule::MISSING_SCHEME);
        } else if !has_scheme(&s) && self.starts_with_bare_host(&s) {
            s = format!("https://{s}");
            rules.push(rule::MISSING_SCHEME);
        }
        if s.contains(' ') {
            rules.push(rule::ENCODE_SPACE);
            // Encoded before parsing, so that what is parsed is what is written: a URL
            // that does not parse with a space may parse with `%20` (found by fuzzing).
            s = encode_spaces(&s);
        }

        if has_scheme(&s) {
            let Ok(url) = Url::parse(&s) else {
                return Some(s);
            };
            return Some(self.absolute(url, &s, false, style, rules));
        }
        if s.starts_with('/') {
            return match self.origin.join(&s) {
                Ok(url) => Some(self.absolute(url, &s, true, style, rules)),
                Err(_) => Some(s),
            };
        }
        // Relative to the page: only spaces needed care here.
        Some(s)
    }

    fn absolute(
        &self,
        mut url: Url,
        before: &str,
        was_root_relative: bool,
        style: OwnSiteStyle,
        rules: &mut Rules,
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
        if url.query().is_some() {
            let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
            let kept: Vec<&(String, String)> =
                pairs.iter().filter(|(k, _)| !self.is_tracking(k)).collect();
            if kept.len() != pairs.len() {
                if kept.is_empty() {
                    url.set_query(None);
                } else {
                    url.query_pairs_mut().clear().extend_pairs(kept);
                }
                rules.push(rule::TRACKING_PARAM);
            }
        }
        if own {
            if let Some(rw) = self
                .config
                .prefix_rewrites
                .iter()
                .find(|rw| url.path().starts_with(rw.from.as_str()))
            {
                let path = format!("{}{}", rw.to, &url.path()[rw.from.len()..]);
                url.set_path(&path);
                rules.push(rule::PREFIX_REWRITE);
            }
        }
        let out = match (own, style) {
            (true, OwnSiteStyle::RootRelative) => {
                if !was_root_relative {
                    rules.push(rule::OWN_SITE);
                }
                root_relative(&url)
            }
            (true, OwnSiteStyle::Absolute) => {
                let _ = url.set_host(self.origin.host_str());
                if was_root_relative {
                    rules.push(rule::OWN_SITE_ABSOLUTE);
                }
                url.to_string()
            }
            (false, _) => url.to_string(),
        };
        if rules.len() == added_before && out != before && before.replace(' ', "%20") != out {
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
        let name = lower.split(':').next().unwrap_or_default();
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
        {
            return false;
        }
        (lower.starts_with("www.") && lower.len() > 4 && lower[4..].contains('.'))
            || self.is_own_host(&lower)
    }
}
