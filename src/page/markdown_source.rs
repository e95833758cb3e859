//! A Markdown source as a page: its front matter kept (every key; the profile's fields
//! and the target's keys are the ones the schema checks), `source.path` added, its link
//! destinations normalized and rewritten in place (`source::markdown`), the target's
//! keys added, the body otherwise as written.

use serde_yaml::{Mapping, Value};

use super::{Context, Converted, Diagnostic, Encoding, PageError};
use crate::config::Settings;
use crate::links::Linker;
use crate::source::{self, decode};

pub(super) fn convert(
    bytes: &[u8],
    ctx: Context,
    settings: &Settings,
    linker: &Linker,
) -> Result<Converted, PageError> {
    let limit = settings.config.limits.max_file_bytes;
    let bytes = source::gzip::inflate(bytes, limit).map_err(PageError::Gzip)?;
    let decoded = decode::decode(&bytes);
    let encoding = Encoding {
        name: decoded.encoding,
        source: decoded.source,
    };
    let (front_matter, body, body_line) = source::split_front_matter(&decoded.text)?;
    let mut record = Mapping::new();
    let empty = crate::dom::Document::parse("");
    let index = crate::dom::DomIndex::new(&empty.root());
    let compiled = settings.choose(
        ctx.rel_path,
        front_matter.as_ref().map(|f| &f.fields),
        &index,
    );
    // The keys the profile defines are its fields; the others are kept as they were.
    if let Some(fm) = &front_matter {
        for (k, v) in &fm.fields {
            let defined = k.as_str().is_some_and(|k| {
                compiled.profile.field_names().any(|f| f == k) || crate::target::KEYS.contains(&k)
            });
            if defined {
                record.insert(k.clone(), v.clone());
            }
        }
    }
    // No title in the front matter: the first heading's.
    if !record.contains_key("title") {
        let heading = body
            .lines()
            .find_map(|l| {
                l.strip_prefix("# ")
                    .map(|t| t.trim().trim_end_matches('#').trim())
            })
            .filter(|t| !t.is_empty());
        if let Some(title) = heading {
            record.insert("title".into(), title.into());
        }
    }
    let mut warnings = Vec::new();
    // Nor a heading: the file name made readable, and said.
    if !record.contains_key("title") {
        let title = title_from_file_name(ctx.rel_path);
        warnings.push(Diagnostic::warning(
            "title",
            format!("no title or heading: the title `{title}` is made from the file name"),
        ));
        record.insert("title".into(), title.into());
    }
    let mut path = Mapping::new();
    path.insert("path".into(), ctx.rel_path.into());
    record.insert("source".into(), Value::Mapping(path));
    let (body, links) = source::markdown::rewrite_links(body, linker, body_line);
    // A generator without Liquid must not meet a tag, not even as text.
    let body = if settings.include_policy() == crate::target::Includes::Drop {
        let protected = source::liquid::protect(&body);
        for tag in &protected.tags {
            warnings.push(super::liquid_body::left_out(
                &tag.raw,
                settings.config.target,
            ));
        }
        source::liquid::remove_all_placeholders(&protected.text)
    } else {
        body
    };
    warnings.extend(super::dropped_link_warnings(&links));
    // The source's own keys (`nav_order`, `parent`, …) are carried as they are, listed
    // under `source.kept`; the schema checks the rest.
    let source_keys = front_matter.map(|f| f.fields);
    let (text, unmapped_layout) = super::finish_record(
        settings,
        compiled,
        linker,
        &mut record,
        source_keys.as_ref(),
        &body,
    )?;
    Ok(Converted {
        record,
        text,
        links,
        warnings,
        encoding,
        profile: "markdown-source".to_string(),
        review: ctx.review.then(|| (String::new(), body.clone())),
        losses: Vec::new(),
        unmapped_layout,
    })
}

/// `accounts_2014-bank.md` → `Accounts 2014 bank`.
pub(super) fn title_from_file_name(rel_path: &str) -> String {
    let name = rel_path.rsplit('/').next().unwrap_or(rel_path);
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let words: Vec<&str> = stem
        .split(['_', '-', ' ', '.'])
        .filter(|w| !w.is_empty())
        .collect();
    let mut title = words.join(" ");
    if let Some(first) = title.get(..1) {
        title = first.to_uppercase() + &title[1..];
    }
    title
}

#[cfg(test)]
mod tests {
    #[test]
    fn titles_from_file_names_read_as_words() {
        assert_eq!(
            super::title_from_file_name("a/accounts_2014-bank.md"),
            "Accounts 2014 bank"
        );
        assert_eq!(super::title_from_file_name("notes.md"), "Notes");
    }
}
