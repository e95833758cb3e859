//! The front matter a page is written with: the record as YAML (read back to the same
//! value, YAML 1.1-ambiguous strings quoted) before the body, and the source keys the
//! record carries unchecked (`source.kept`).

use serde_yaml::{Mapping, Value};

use super::PageError;

/// Front matter then body: UTF-8, LF line ends, exactly one trailing newline. The front
/// matter is checked to re-parse to the same record.
pub fn document_text(record: &Mapping, body: &str) -> Result<String, PageError> {
    let yaml = serde_yaml::to_string(record).map_err(|e| PageError::RoundTrip(e.to_string()))?;
    // Strings YAML 1.1 readers (Jekyll) would take for numbers, booleans or dates are
    // quoted, so every reader reads what pagemill wrote.
    let yaml = if crate::yaml11::may_need_quotes(record) {
        crate::yaml11::quote_ambiguous(&yaml)
    } else {
        std::borrow::Cow::Borrowed(yaml.as_str())
    };
    let reparsed: Value =
        serde_yaml::from_str(&yaml).map_err(|e| PageError::RoundTrip(e.to_string()))?;
    if reparsed.as_mapping() != Some(record) {
        return Err(PageError::RoundTrip(
            "the written YAML reads back as a different value".to_string(),
        ));
    }
    let body = if memchr::memchr(b'\r', body.as_bytes()).is_some() {
        std::borrow::Cow::Owned(body.replace("\r\n", "\n"))
    } else {
        std::borrow::Cow::Borrowed(body)
    };
    let body = body.trim_matches('\n');
    let mut out = String::with_capacity(yaml.len() + body.len() + 16);
    out.push_str("---\n");
    out.push_str(&yaml);
    out.push_str("---\n");
    if !body.is_empty() {
        out.push('\n');
        out.push_str(body);
        out.push('\n');
    }
    Ok(out)
}

/// The keys a record lists under `source.kept`: carried from the source as they were,
/// left unchecked by the schema.
pub fn kept_keys(record: &Mapping) -> Vec<String> {
    record
        .get("source")
        .and_then(|s| s.get("kept"))
        .and_then(Value::as_sequence)
        .map(|s| {
            s.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `record` without its kept keys: what the schema checks.
pub fn checked_part(record: &Mapping) -> Mapping {
    let kept = kept_keys(record);
    record
        .iter()
        .filter(|(k, _)| !k.as_str().is_some_and(|k| kept.iter().any(|x| x == k)))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Adds the source's front matter keys that `record` lacks, listed under `source.kept`.
pub fn keep_source_keys(record: &mut Mapping, front_matter: &Mapping) {
    let mut kept = Vec::new();
    for (k, v) in front_matter {
        if !record.contains_key(k) {
            if let Some(name) = k.as_str() {
                kept.push(Value::from(name));
            }
            record.insert(k.clone(), v.clone());
        }
    }
    if kept.is_empty() {
        return;
    }
    let source = record
        .entry("source".into())
        .or_insert_with(|| Value::Mapping(Mapping::new()));
    if let Value::Mapping(source) = source {
        source.insert("kept".into(), Value::Sequence(kept));
    }
}
