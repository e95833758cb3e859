//! Includes whose Liquid goes beyond `{{ include.k }}` (loops, conditions, filters, other
//! variables) are rendered by a real Liquid engine (the `liquid` crate, with its Jekyll
//! filters), given `include.*` (the tag's parameters), `page.*` (the page's front matter)
//! and `site.*` (`_config.yml` beside the includes folder, and `site.data` from `_data/`).
//! What it cannot render — a tag or filter of a Jekyll plugin, a variable it does not
//! know — is not rendered at all: the caller keeps the page's whole include tag.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use liquid::model::{Object, Value, ValueView};

use super::super::liquid::Include;

/// Whether a template holds Liquid the subset does not render: any tag but `include`,
/// `comment` and `raw`, or an output other than `{{ include.k }}` (with `default`).
pub fn needs_engine(template: &str) -> bool {
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        if let Some(inner) = after.strip_prefix("{%") {
            let name = super::tag_name(after);
            if !matches!(
                name,
                "include" | "comment" | "endcomment" | "raw" | "endraw"
            ) {
                return true;
            }
            rest = inner;
        } else if let Some(inner) = after.strip_prefix("{{") {
            let end = inner.find("}}").unwrap_or(inner.len());
            let expr = inner[..end].trim_matches(|c: char| c == '-' || c.is_whitespace());
            let (var, filter) = match expr.split_once('|') {
                Some((v, f)) => (v.trim(), Some(f.trim())),
                None => (expr, None),
            };
            let simple_var = var.strip_prefix("include.").is_some_and(|k| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
            });
            let simple_filter = filter.is_none_or(|f| f.starts_with("default"));
            if !(simple_var && simple_filter) {
                return true;
            }
            rest = inner;
        } else {
            rest = &after[1..];
        }
    }
    false
}

/// Renders `template` with the include's parameters, the page's front matter and the
/// site beside `includes` (its parent folder: `_config.yml`, `_data/`). `None` when the
/// engine cannot: the caller keeps the tag whole and says why (`Err` text).
pub fn render(
    template: &str,
    include: &Include,
    page: Option<&serde_yaml::Mapping>,
    includes: &Path,
) -> Result<String, String> {
    let parsed = parser()
        .parse(template)
        .map_err(|e| one_line(&e.to_string()))?;
    let page_value = match page {
        Some(p) => to_value(&serde_yaml::Value::Mapping(p.clone()))?,
        None => Value::Object(Object::new()),
    };
    let site = site(includes);
    let mut params = Object::new();
    for (key, value) in &include.params {
        let v = if include.unquoted.iter().any(|k| k == key) {
            lookup(value, &page_value, &site)
                .ok_or_else(|| format!("`{key}={value}`: `{value}` is not known here"))?
        } else {
            Value::scalar(value.clone())
        };
        params.insert(key.clone().into(), v);
    }
    let mut globals = Object::new();
    globals.insert("include".into(), Value::Object(params));
    globals.insert("page".into(), page_value);
    globals.insert("site".into(), Value::Object((*site).clone()));
    parsed
        .render(&globals)
        .map_err(|e| one_line(&e.to_string()))
}

/// A Liquid error on one line (it names the filter, tag or variable on later lines).
fn one_line(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out = words.join(" ");
    if out.chars().count() > 200 {
        out = out.chars().take(200).collect::<String>() + "…";
    }
    out
}

fn to_value(yaml: &serde_yaml::Value) -> Result<Value, String> {
    liquid::model::to_value(yaml).map_err(|e| e.to_string())
}

/// `site.data.faq.items`, `page.title`: a variable's value, if known.
fn lookup(path: &str, page: &Value, site: &Object) -> Option<Value> {
    let mut parts = path.split('.');
    let mut current: Value = match parts.next()? {
        "page" => page.clone(),
        "site" => Value::Object(site.clone()),
        _ => return None,
    };
    for part in parts {
        let object = current.as_object()?;
        current = object.get(part)?.to_value();
    }
    Some(current)
}

/// The Liquid parser with the standard library and Jekyll's filters, built once.
fn parser() -> &'static liquid::Parser {
    static PARSER: OnceLock<liquid::Parser> = OnceLock::new();
    PARSER.get_or_init(|| {
        liquid::ParserBuilder::with_stdlib()
            .filter(liquid_lib::jekyll::Slugify)
            .filter(liquid_lib::jekyll::Pop)
            .filter(liquid_lib::jekyll::Push)
            .filter(liquid_lib::jekyll::Shift)
            .filter(liquid_lib::jekyll::Unshift)
            .filter(liquid_lib::jekyll::ArrayToSentenceString)
            .build()
            .expect("the Liquid parser builds")
    })
}

/// The site beside an includes folder: `_config.yml` and `data` from `_data/*.yml`,
/// `*.yaml`, `*.json` — read once per folder and run.
fn site(includes: &Path) -> Arc<Object> {
    type Sites = Mutex<HashMap<PathBuf, Arc<Object>>>;
    static SITES: OnceLock<Sites> = OnceLock::new();
    let sites = SITES.get_or_init(Sites::default);
    if let Some(known) = sites.lock().expect("site table").get(includes) {
        return known.clone();
    }
    let root = includes.parent().unwrap_or(Path::new("."));
    let mut site = std::fs::read_to_string(root.join("_config.yml"))
        .ok()
        .and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(&t).ok())
        .and_then(|v| to_value(&v).ok())
        .and_then(|v| v.into_object())
        .unwrap_or_default();
    let mut data = Object::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("_data"))
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    for file in files {
        let ext = file
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let Some(stem) = file.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
            continue;
        };
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        let value = match ext.as_str() {
            "yml" | "yaml" | "json" => serde_yaml::from_str::<serde_yaml::Value>(&text)
                .ok()
                .and_then(|v| to_value(&v).ok()),
            _ => None,
        };
        if let Some(v) = value {
            data.insert(stem.into(), v);
        }
    }
    site.insert("data".into(), Value::Object(data));
    let site = Arc::new(site);
    sites
        .lock()
        .expect("site table")
        .insert(includes.to_path_buf(), site.clone());
    site
}
