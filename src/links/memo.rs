//! What the normalization rules made of a raw link, kept for the next page that has the
//! same link: a site's pages repeat their menus', footers' and partner sites' links,
//! and each goes through the URL parser only once. Shared by the batch's workers; the
//! rules are a function of the link and the policy, so what is kept is what would be
//! made again, and output does not depend on which page came first.

use std::sync::{Arc, Mutex};

use rustc_hash::FxHashMap;

use super::{Link, LinkKind, OwnSiteStyle};

/// Links longer than this are not kept (they are rarely repeated).
const MAX_LINK_BYTES: usize = 512;
/// When this many links are kept, they are let go and keeping starts again: memory stays
/// bounded on a batch of mostly distinct links.
const MAX_LINKS: usize = 8192;

#[derive(Clone)]
struct Made {
    url: Option<String>,
    rules: super::Rules,
    kind: LinkKind,
}

/// Normalized links by raw text, one for each own-site style.
type Kept = FxHashMap<Box<str>, [Option<Made>; 2]>;

/// Normalized links by raw text and own-site style. Clones share one memo.
#[derive(Clone, Default)]
pub(super) struct Memo {
    made: Arc<Mutex<Kept>>,
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

impl Memo {
    /// The link `raw` normalized in `style`: kept from before, or made by `make` (and
    /// kept).
    pub(super) fn get_or_make(
        &self,
        raw: &str,
        style: OwnSiteStyle,
        make: impl FnOnce() -> Link,
    ) -> Link {
        if raw.len() > MAX_LINK_BYTES {
            return make();
        }
        let slot = match style {
            OwnSiteStyle::RootRelative => 0,
            OwnSiteStyle::Absolute => 1,
        };
        if let Some(made) = self.lock().get(raw).and_then(|m| m[slot].as_ref()) {
            return Link {
                original: raw.to_string(),
                url: made.url.clone(),
                rules: made.rules.clone(),
                kind: made.kind,
            };
        }
        let link = make();
        let made = Made {
            url: link.url.clone(),
            rules: link.rules.clone(),
            kind: link.kind,
        };
        let mut kept = self.lock();
        if kept.len() >= MAX_LINKS {
            kept.clear();
        }
        kept.entry(Box::from(raw)).or_default()[slot] = Some(made);
        link
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A worker that panicked left a complete entry or none: the memo stays sound.
        self.made.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::LinkPolicy;

    fn policy() -> LinkPolicy {
        LinkPolicy::new(&serde_yaml::from_str("origin: https://www.chicago.gov").unwrap()).unwrap()
    }

    #[test]
    fn a_kept_link_is_what_the_rules_make_of_it_in_each_style() {
        let shared = policy();
        let raw = "HTTP://www.chicago.gov/a b/?utm_source=x";
        for _ in 0..2 {
            for style in [OwnSiteStyle::RootRelative, OwnSiteStyle::Absolute] {
                let fresh = policy().normalize_parsed(raw, style);
                assert_eq!(shared.normalize_parsed(raw, style), fresh);
            }
        }
        assert_ne!(
            shared.normalize_parsed(raw, OwnSiteStyle::RootRelative).url,
            shared.normalize_parsed(raw, OwnSiteStyle::Absolute).url
        );
    }

    #[test]
    fn a_full_memo_starts_again_and_stays_right() {
        let shared = policy();
        for i in 0..MAX_LINKS + 10 {
            let raw = format!("https://example.org/{i}");
            let link = shared.normalize_parsed(&raw, OwnSiteStyle::Absolute);
            assert_eq!(link.url.as_deref(), Some(raw.as_str()));
        }
        assert!(shared.memo.lock().len() <= MAX_LINKS);
        let again = shared.normalize_parsed("https://example.org/3", OwnSiteStyle::Absolute);
        assert_eq!(again.original, "https://example.org/3");
    }
}
