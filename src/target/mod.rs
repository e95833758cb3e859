//! Site targets: what a static-site generator needs so that it publishes every written
//! page at exactly the URL pagemill's links, URL map and redirect files use. One module
//! per generator behind one small interface — where a page's file goes, the front matter
//! keys for its URL and its old URLs, the layout a page without a known one gets, and
//! how Liquid includes are handled — so another generator is one file.

mod hugo;
mod jekyll;
mod settings;

pub use settings::KEEP_INCLUDES;

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_yaml::{Mapping, Value};

/// The generator the output is for (`target:` in `pagemill.yaml`, `--target`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// Markdown files mirroring the input tree, for any tool.
    #[default]
    Plain,
    /// A Jekyll site: `jekyll build -s DIR`.
    Jekyll,
    /// A Hugo site: `hugo -s DIR`.
    Hugo,
}

/// What happens to a Liquid include pagemill could not render.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Includes {
    /// Left in the body as written (plain Markdown for tools that render Liquid).
    Keep,
    /// Left in the body, its file copied into the site's `_includes` (Jekyll renders it).
    Copy,
    /// Left out of the body and reported (the generator has no Liquid).
    Drop,
}

/// One generator's conventions.
pub trait Target: Sync + Send {
    fn kind(&self) -> TargetKind;
    /// Where a page whose mirrored output path is `mirrored` (`depts/parks/index.md`)
    /// is written, relative to the site root, given the batch's `tree`.
    fn file_path(&self, mirrored: &str, tree: &Tree) -> String;
    /// The front matter key that fixes the page's URL.
    fn url_key(&self) -> Option<&'static str>;
    /// The front matter key that lists the page's old URLs (served as redirects).
    fn redirects_key(&self) -> Option<&'static str>;
    /// The layout of a page whose layout is not mapped.
    fn default_layout(&self) -> Option<&'static str>;
    fn includes(&self) -> Includes;
    /// A starter site: (path under the site root, content).
    fn scaffold(&self) -> Vec<(&'static str, &'static str)>;
    /// The folder of the output files pages reference are copied into, served at the
    /// site's root (`static/` for Hugo).
    fn asset_dir(&self) -> &'static str {
        ""
    }
    /// Whether the generator's Markdown reads `{#id}` on headings (kramdown, goldmark
    /// with Hugo's default `parser.attribute.title`): headings keep their ids, and links
    /// to places the page no longer has are reported and lose their fragment.
    fn heading_ids(&self) -> bool {
        false
    }
}

struct Plain;

impl Target for Plain {
    fn kind(&self) -> TargetKind {
        TargetKind::Plain
    }
    fn file_path(&self, mirrored: &str, _: &Tree) -> String {
        mirrored.to_string()
    }
    fn url_key(&self) -> Option<&'static str> {
        None
    }
    fn redirects_key(&self) -> Option<&'static str> {
        None
    }
    fn default_layout(&self) -> Option<&'static str> {
        None
    }
    fn includes(&self) -> Includes {
        Includes::Keep
    }
    fn scaffold(&self) -> Vec<(&'static str, &'static str)> {
        Vec::new()
    }
}

/// The target of a kind.
pub fn of(kind: TargetKind) -> Box<dyn Target> {
    match kind {
        TargetKind::Plain => Box::new(Plain),
        TargetKind::Jekyll => Box::new(jekyll::Jekyll),
        TargetKind::Hugo => Box::new(hugo::Hugo),
    }
}

/// The batch's folders: how many pages each holds directly, and which hold folders of
/// pages (`` is the root).
#[derive(Debug, Default)]
pub struct Tree {
    pages: HashMap<String, usize>,
    parents: std::collections::HashSet<String>,
}

impl Tree {
    pub fn of<'a>(mirrored: impl IntoIterator<Item = &'a str>) -> Tree {
        let mut tree = Tree::default();
        for path in mirrored {
            let folder = path.rsplit_once('/').map_or("", |(f, _)| f);
            *tree.pages.entry(folder.to_string()).or_default() += 1;
            let mut child = folder;
            while !child.is_empty() {
                let parent = child.rsplit_once('/').map_or("", |(p, _)| p);
                tree.parents.insert(parent.to_string());
                child = parent;
            }
        }
        tree
    }

    /// Whether `folder` holds anything besides one page: other pages, or folders of them.
    pub fn holds_more(&self, folder: &str) -> bool {
        self.pages.get(folder).copied().unwrap_or(0) > 1 || self.parents.contains(folder)
    }
}

/// A page's place on the new site, for its front matter.
pub struct PageUrls<'a> {
    pub new_url: &'a str,
    pub old_urls: Vec<&'a str>,
}

/// Adds the target's keys to a page's record: its URL, its old URLs, its layout mapped
/// (`layouts:` legacy → new; an unmapped one becomes the target's default). Returns the
/// legacy layout name that was not mapped, if any.
pub fn decorate(
    target: &dyn Target,
    layouts: &BTreeMap<String, String>,
    record: &mut Mapping,
    urls: Option<PageUrls>,
) -> Option<String> {
    let mut unmapped = None;
    if let Some(default) = target.default_layout() {
        let legacy = record
            .get("layout")
            .and_then(Value::as_str)
            .map(str::to_string);
        let layout = match &legacy {
            Some(name) => match layouts.get(name) {
                Some(mapped) => mapped.clone(),
                None => {
                    unmapped = Some(name.clone());
                    default.to_string()
                }
            },
            None => default.to_string(),
        };
        record.insert("layout".into(), layout.into());
    }
    if let Some(urls) = urls {
        if let Some(key) = target.url_key() {
            record.insert(key.into(), urls.new_url.into());
        }
        if let Some(key) = target.redirects_key() {
            // The source's own old URLs (a Jekyll source's `redirect_from`) come first.
            let mut olds: Vec<Value> = match record.get(key) {
                Some(Value::Sequence(s)) => s.clone(),
                Some(Value::String(s)) => vec![Value::from(s.as_str())],
                _ => Vec::new(),
            };
            // `/x/index.html` is the file that serves `/x/` on any static host: the page
            // itself answers it.
            let own_file = format!("{}index.html", urls.new_url);
            let answered =
                |u: &str| u == urls.new_url || (urls.new_url.ends_with('/') && u == own_file);
            for old in urls.old_urls.iter().filter(|u| !answered(u)) {
                let old = Value::from(*old);
                if !olds.contains(&old) {
                    olds.push(old);
                }
            }
            if !olds.is_empty() {
                record.insert(key.into(), Value::Sequence(olds));
            }
        }
    }
    unmapped
}

/// Front matter keys a target may add; every schema accepts them.
pub const KEYS: &[&str] = &["layout", "permalink", "redirect_from", "url", "aliases"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_knows_which_folders_hold_more_than_one_page() {
        let t = Tree::of([
            "depts/parks/index.md",
            "depts/parks/hours.md",
            "depts/lib/index.md",
            "about.md",
        ]);
        assert!(t.holds_more(""));
        assert!(t.holds_more("depts"));
        assert!(t.holds_more("depts/parks"));
        assert!(!t.holds_more("depts/lib"));
    }

    #[test]
    fn decoration_maps_layouts_and_adds_url_keys() {
        let layouts: BTreeMap<String, String> =
            [("city-page".to_string(), "department".to_string())].into();
        let target = of(TargetKind::Jekyll);
        let mut record = Mapping::new();
        record.insert("layout".into(), "city-page".into());
        let urls = PageUrls {
            new_url: "/depts/parks/",
            old_urls: vec!["/city/en/depts/parks.html", "/depts/parks/"],
        };
        assert_eq!(decorate(&*target, &layouts, &mut record, Some(urls)), None);
        assert_eq!(record.get("layout").unwrap().as_str(), Some("department"));
        assert_eq!(
            record.get("permalink").unwrap().as_str(),
            Some("/depts/parks/")
        );
        let olds = record.get("redirect_from").unwrap().as_sequence().unwrap();
        assert_eq!(olds.len(), 1);
        let mut other = Mapping::new();
        other.insert("layout".into(), "home".into());
        let unmapped = decorate(&*target, &layouts, &mut other, None);
        assert_eq!(unmapped.as_deref(), Some("home"));
        assert_eq!(other.get("layout").unwrap().as_str(), Some("page"));
        let plain = of(TargetKind::Plain);
        let mut kept = Mapping::new();
        kept.insert("layout".into(), "city-page".into());
        decorate(&*plain, &layouts, &mut kept, None);
        assert_eq!(kept.get("layout").unwrap().as_str(), Some("city-page"));
    }
}
