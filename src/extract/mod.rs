//! Profile-driven extraction: runs a compiled profile over a parsed page and produces
//! the page's record (front matter fields, in the profile's order), the content root
//! whose children become the body, and the boilerplate removed from it.

pub mod boilerplate;
pub mod profile;
pub mod root;

pub use profile::{Builtin, Field, FieldType, Profile, ProfileError, Source};
pub use root::Removal;

use markup5ever_rcdom::{Handle, NodeData};
use serde_yaml::{Mapping, Value};

use crate::dom::{self, Document, DomIndex};
use crate::links::{FoundLink, Linker};
use crate::source::liquid::{self, Tag};

/// What extraction reads from a page.
pub struct PageInput<'a> {
    pub doc: &'a Document,
    pub front_matter: Option<&'a Mapping>,
    pub tags: &'a [Tag],
    /// Includes rendered into the page, with their parameters.
    pub rendered: &'a [liquid::Include],
    pub rel_path: &'a str,
}

/// What extraction produced.
pub struct Extracted {
    pub record: Mapping,
    /// The element whose children are the body.
    pub content_root: Handle,
    /// Links found in field values, with the rules applied to them.
    pub links: Vec<FoundLink>,
    /// Numbers of the Liquid tags whose data went into fields (removed from the body).
    pub consumed_tags: Vec<usize>,
    /// Blocks cut from the content root by the profile (rules and consumed fields).
    pub removed: Vec<Removal>,
    pub warnings: Vec<String>,
    /// The elements below the content root (or it) that nodes were detached from…
    pub detached_from: Vec<Handle>,
    /// …and whether text was taken out of text nodes anywhere (consumed Liquid tags).
    pub text_changed: bool,
}

struct Run<'a> {
    page: &'a PageInput<'a>,
    linker: &'a Linker<'a>,
    index: DomIndex,
    consumed_tags: Vec<usize>,
    /// Elements whose content went into a field, with the field's name.
    consumed_nodes: Vec<(Handle, String)>,
    links: Vec<FoundLink>,
}

/// Runs `profile` over the page. The page's DOM is changed: removed and consumed
/// elements are detached, consumed Liquid tags are taken out of the text.
pub fn extract(profile: &Profile, linker: &Linker, page: &PageInput) -> Extracted {
    extract_indexed(profile, linker, page, DomIndex::of(page.doc))
}

/// `extract` with the page's element index already built.
pub fn extract_indexed(
    profile: &Profile,
    linker: &Linker,
    page: &PageInput,
    index: DomIndex,
) -> Extracted {
    let include_names = sources(&profile.fields, |s| s.include.as_deref());
    let consumed_tags: Vec<usize> = page
        .tags
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.include
                .as_ref()
                .is_some_and(|i| include_names.contains(&i.name.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    let mut run = Run {
        page,
        linker,
        index,
        consumed_tags,
        consumed_nodes: Vec::new(),
        links: Vec::new(),
    };
    let mut record = Mapping::new();
    for field in &profile.fields {
        if let Some(v) = run.field(field, None) {
            record.insert(Value::String(field.name.clone()), v);
        }
    }
    let content_root = root::choose(profile, &run.index, page.doc);
    let mut remove: Vec<(Handle, String)> = std::mem::take(&mut run.consumed_nodes)
        .into_iter()
        .map(|(node, field)| (node, format!("its content went into the field `{field}`")))
        .collect();
    // Only what is below the content root is rendered: the profile's removals are looked
    // for there (the root itself and its ancestors are never removed).
    for sel in &profile.remove {
        let reason = format!("removed by the profile rule `{}`", sel.as_str());
        remove.extend(
            run.index
                .select_within(sel, &content_root)
                .into_iter()
                .map(|n| (n, reason.clone())),
        );
    }
    let detached_from = remove
        .iter()
        .filter(|(n, _)| root::is_within(n, &content_root) && !root::is_within(&content_root, n))
        .filter_map(|(n, _)| crate::dom::parent(n))
        .collect();
    let text_changed = !run.consumed_tags.is_empty();
    let removed = root::remove_all(page.doc, &content_root, remove);
    strip_placeholders(&page.doc.root(), &run.consumed_tags);

    let mut warnings = Vec::new();
    let dropped = profile.front_matter == profile::FrontMatterPolicy::Drop;
    if let Some(fm) = page.front_matter.filter(|_| dropped) {
        let read = sources(&profile.fields, |s| s.front_matter.as_deref());
        for key in fm.keys() {
            let name = key_string(key);
            if !read.contains(&name.as_str()) {
                warnings.push(format!(
                    "front matter key `{name}` was not kept: the profile `{}` has no field for it",
                    profile.name
                ));
            }
        }
    }
    Extracted {
        record,
        content_root,
        links: run.links,
        consumed_tags: run.consumed_tags,
        removed,
        warnings,
        detached_from,
        text_changed,
    }
}

impl Run<'_> {
    fn field(&mut self, field: &Field, scope: Option<&Handle>) -> Option<Value> {
        if let Some(each) = &field.each {
            let items = match scope {
                Some(s) => self.index.select_within(each, s),
                None => self.index.select(each),
            };
            let mut values = Vec::new();
            for item in &items {
                let value = if field.fields.is_empty() {
                    self.first_value(field, Some(item))
                } else {
                    self.object(&field.fields, Some(item))
                };
                if let Some(v) = value {
                    values.push(v);
                    if field.consume {
                        self.consumed_nodes.push((item.clone(), field.name.clone()));
                    }
                }
            }
            return (!values.is_empty()).then_some(Value::Sequence(values));
        }
        let within;
        let scope = match &field.within {
            Some(sel) => {
                within = self.index.first(sel, scope)?;
                Some(&within)
            }
            None => scope,
        };
        let value = if field.fields.is_empty() {
            self.first_value(field, scope)
        } else {
            self.object(&field.fields, scope)
        };
        if let (true, Some(_), Some(node)) =
            (field.consume && field.within.is_some(), &value, scope)
        {
            self.consumed_nodes.push((node.clone(), field.name.clone()));
        }
        value
    }

    fn object(&mut self, fields: &[Field], scope: Option<&Handle>) -> Option<Value> {
        let mut map = Mapping::new();
        for f in fields {
            match self.field(f, scope) {
                Some(v) => {
                    map.insert(Value::String(f.name.clone()), v);
                }
                None if f.required => return None,
                None => {}
            }
        }
        (!map.is_empty()).then_some(Value::Mapping(map))
    }

    fn first_value(&mut self, field: &Field, scope: Option<&Handle>) -> Option<Value> {
        field
            .from
            .iter()
            .find_map(|source| self.value(field, source, scope))
    }

    fn value(&mut self, field: &Field, source: &Source, scope: Option<&Handle>) -> Option<Value> {
        let spec = &source.spec;
        if let Some(b) = spec.builtin {
            return match b {
                Builtin::SourcePath => Some(Value::String(self.page.rel_path.to_string())),
                Builtin::UnresolvedIncludes => {
                    let mut names: Vec<Value> = Vec::new();
                    for (i, tag) in self.page.tags.iter().enumerate() {
                        if let Some(inc) = &tag.include {
                            let name = Value::String(inc.name.clone());
                            if !self.consumed_tags.contains(&i) && !names.contains(&name) {
                                names.push(name);
                            }
                        }
                    }
                    (!names.is_empty()).then_some(Value::Sequence(names))
                }
            };
        }
        if let Some(key) = &spec.front_matter {
            let v = self.page.front_matter?.get(key.as_str())?.clone();
            return match v {
                Value::String(s) => self.clean(field, &s, None),
                Value::Null => None,
                other => Some(other),
            };
        }
        if let (Some(name), Some(param)) = (&spec.include, &spec.param) {
            let raw = self
                .page
                .tags
                .iter()
                .filter_map(|t| t.include.as_ref())
                .chain(self.page.rendered)
                .find(|i| i.name == *name)?
                .param(param)?
                .to_string();
            return self.clean(field, &decode_entities(&raw), None);
        }
        let element = match &source.selector {
            Some(sel) => self.index.first(sel, scope)?,
            None => scope?.clone(),
        };
        if spec.lines {
            let skip = self.skip_set(source, &element);
            let lines: Vec<Value> = dom::text_lines(&element, &|n| skip.contains(&node_id(n)))
                .into_iter()
                .filter_map(|line| matched(source, &line))
                .filter_map(|line| self.clean(field, &line, None))
                .collect();
            if lines.is_empty() {
                return None;
            }
            if spec.consume {
                self.consumed_nodes.push((element, field.name.clone()));
            }
            return Some(Value::Sequence(lines));
        }
        let raw = match (&spec.attr, &source.skip) {
            (Some(a), _) => dom::attr(&element, a)?,
            (None, None) => dom::text(&element),
            (None, Some(_)) => {
                let skip = self.skip_set(source, &element);
                dom::text_lines(&element, &|n| skip.contains(&node_id(n))).join(" ")
            }
        };
        let raw = matched(source, &raw)?;
        let line = self.page.doc.line_of(&element);
        let value = self.clean(field, &raw, line)?;
        if spec.consume {
            self.consumed_nodes.push((element, field.name.clone()));
        }
        Some(value)
    }

    /// The elements a source's `skip` selector leaves out of `element`'s text.
    fn skip_set(&self, source: &Source, element: &Handle) -> Vec<usize> {
        match &source.skip {
            Some(sel) => self
                .index
                .select_within(sel, element)
                .iter()
                .map(node_id)
                .collect(),
            None => Vec::new(),
        }
    }

    /// Cleans a raw string by the field's type; `None` when nothing is left. `line` is
    /// where the value was read (in the parsed text), for the links it records.
    fn clean(&mut self, field: &Field, raw: &str, line: Option<usize>) -> Option<Value> {
        let value = match field.kind {
            profile::FieldType::Text => dom::collapse_whitespace(raw),
            profile::FieldType::Url => {
                let link = self.linker.link(raw);
                let url = link.url.clone();
                self.links.push(FoundLink {
                    link,
                    element: std::borrow::Cow::Borrowed("front-matter"),
                    attribute: std::borrow::Cow::Owned(field.name.clone()),
                    line,
                });
                url?
            }
        };
        if value.is_empty() {
            return None;
        }
        let value = if value.contains(liquid::OPEN) {
            liquid::restore(&value, self.page.tags)
        } else {
            value
        };
        Some(Value::String(value))
    }
}

/// Every value `pick` finds in some source of the profile (include names, front
/// matter keys): what the profile reads, whichever alternative wins on a page.
fn sources<'a>(
    fields: &'a [Field],
    pick: impl Fn(&'a profile::SourceSpec) -> Option<&'a str>,
) -> Vec<&'a str> {
    let mut names = Vec::new();
    let mut stack: Vec<&Field> = fields.iter().collect();
    while let Some(f) = stack.pop() {
        names.extend(f.from.iter().filter_map(|s| pick(&s.spec)));
        stack.extend(f.fields.iter());
    }
    names
}

fn node_id(node: &Handle) -> usize {
    std::rc::Rc::as_ptr(node) as usize
}

/// A source's value through its pattern: the first group, or the whole match; the
/// value itself when there is no pattern.
fn matched(source: &Source, value: &str) -> Option<String> {
    let Some(re) = &source.pattern else {
        return Some(value.to_string());
    };
    let caps = re.captures(value)?;
    let m = caps.get(1).or_else(|| caps.get(0))?;
    Some(m.as_str().to_string())
}

/// Include parameters are HTML source text: decode their entities.
fn decode_entities(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_string();
    }
    let doc = Document::parse(&format!("<p>{}</p>", raw.replace('<', "&lt;")));
    dom::raw_text(&doc.body())
}

fn key_string(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// Removes the placeholders of consumed Liquid tags from every text node.
fn strip_placeholders(root: &Handle, consumed: &[usize]) {
    if consumed.is_empty() {
        return;
    }
    for node in dom::descendants(root) {
        if let NodeData::Text { contents } = &node.data {
            let text = contents.borrow().to_string();
            if text.contains(liquid::OPEN) {
                let kept = liquid::remove_placeholders(&text, consumed);
                *contents.borrow_mut() = kept.into();
            }
        }
    }
}

#[cfg(test)]
mod tests;
