//! `pagemill validate`: front matter of Markdown files and YAML records checked against
//! JSON Schemas, YAML problems found with their positions, and body links checked
//! offline. Files are checked in parallel; findings come back sorted by file and position.

pub mod body;
pub mod schema;
pub mod yaml;

pub use schema::{yaml_to_json, SchemaError, Validator, Violation};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde::Deserialize;

use crate::config::{load_schema_text, Settings};
use crate::finding::{Finding, Severity};
use crate::source::discover::{discover_files, DiscoverError};

/// A `schemas:` entry of the configuration: files matching the glob (relative to the
/// validated folder) use the schema (a built-in name or a path).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaRule {
    #[serde(rename = "match")]
    pub pattern: String,
    pub schema: String,
}

/// What `validate` is asked to do.
#[derive(Debug, Clone, Default)]
pub struct ValidateOptions {
    pub inputs: Vec<PathBuf>,
    /// One schema for every file, overriding the configuration.
    pub schema: Option<PathBuf>,
    /// A file without a schema is an error, not a warning.
    pub require_schema: bool,
    pub jobs: Option<usize>,
}

#[derive(Debug, thiserror::Error)]
pub enum ValidateError {
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    #[error("schemas: invalid glob `{pattern}`: {message}")]
    Glob { pattern: String, message: String },
    #[error("{name}: {message}")]
    Schema { name: String, message: String },
    #[error("cannot start worker threads: {0}")]
    Pool(String),
}

type Compiled = Arc<Result<Validator, String>>;

/// Compiled schemas by name, shared by the workers; each is compiled once.
struct Catalog<'a> {
    settings: &'a Settings,
    compiled: Mutex<HashMap<String, Compiled>>,
}

impl Catalog<'_> {
    fn get(&self, name: &str) -> Compiled {
        if let Some(c) = self
            .compiled
            .lock()
            .expect("no panics while held")
            .get(name)
        {
            return c.clone();
        }
        let compiled = Arc::new(
            load_schema_text(name, &self.settings.base)
                .map_err(|e| e.to_string())
                .and_then(|text| {
                    // The profiles' fields and the keys a site target adds.
                    let declared = self
                        .settings
                        .field_names()
                        .into_iter()
                        .chain(crate::target::KEYS.iter().copied());
                    Validator::new(&text, declared).map_err(|e| e.to_string())
                }),
        );
        self.compiled
            .lock()
            .expect("no panics while held")
            .entry(name.to_string())
            .or_insert(compiled)
            .clone()
    }
}

/// What `validate` found.
#[derive(Debug, Default)]
pub struct ValidationReport {
    /// Every file checked, in order.
    pub files: Vec<String>,
    /// Findings sorted by file, then position.
    pub findings: Vec<Finding>,
}

/// Validates every `.md`, `.yaml` and `.yml` file under the inputs.
pub fn validate(
    settings: &Settings,
    options: &ValidateOptions,
) -> Result<ValidationReport, ValidateError> {
    let mut found = discover_files(
        &options.inputs,
        &settings.config.exclude,
        &["md", "yaml", "yml"],
    )?;
    // A site generator's configuration is not a record.
    found.pages.retain(|p| {
        let name = p.path.file_name().unwrap_or_default().to_string_lossy();
        !matches!(name.as_ref(), "_config.yml" | "_config.yaml")
    });
    let mut globs = Vec::new();
    for rule in &settings.config.schemas {
        let glob = globset::GlobBuilder::new(&rule.pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| ValidateError::Glob {
                pattern: rule.pattern.clone(),
                message: e.to_string(),
            })?
            .compile_matcher();
        globs.push((glob, rule.schema.clone()));
    }
    let catalog = Catalog {
        settings,
        compiled: Mutex::new(HashMap::new()),
    };
    // A schema that does not compile is a configuration error, reported before any file.
    let fixed = options.schema.as_ref().map(|p| p.display().to_string());
    for name in fixed.iter().chain(globs.iter().map(|(_, s)| s)) {
        if let Err(message) = catalog.get(name).as_ref() {
            return Err(ValidateError::Schema {
                name: name.clone(),
                message: message.clone(),
            });
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.unwrap_or(0))
        .build()
        .map_err(|e| ValidateError::Pool(e.to_string()))?;
    let files = found.pages;
    body::new_run();
    let mut findings: Vec<Finding> = pool.install(|| {
        files
            .par_iter()
            .with_max_len(1)
            .flat_map_iter(|f| {
                let schema = fixed.clone().or_else(|| {
                    globs
                        .iter()
                        .find(|(g, _)| g.is_match(&f.rel_path))
                        .map(|(_, s)| s.clone())
                });
                check_file(&f.path, &f.root, schema, options.require_schema, &catalog)
            })
            .collect()
    });
    findings.extend(found.unreadable.into_iter().map(|u| {
        Finding::new(
            &u.path.display().to_string(),
            Severity::Error,
            "io",
            format!(
                "cannot read: {}; the files in it were not validated",
                u.message
            ),
        )
    }));
    findings.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.rule).cmp(&(&b.file, b.line, b.column, &b.rule))
    });
    Ok(ValidationReport {
        files: files.iter().map(|f| f.path.display().to_string()).collect(),
        findings,
    })
}

/// Every finding for one file. `schema` is the schema chosen by `--schema` or a glob;
/// without one, the front matter's `layout` names it.
fn check_file(
    path: &Path,
    root: &Path,
    schema: Option<String>,
    require: bool,
    catalog: &Catalog,
) -> Vec<Finding> {
    let file = path.display().to_string();
    let mut out = Vec::new();
    let text = match std::fs::read(path) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(e) => {
            return vec![Finding::new(
                &file,
                Severity::Error,
                "io",
                format!("cannot read: {e}"),
            )]
        }
    };
    let markdown = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md"));
    let (yaml, yaml_first_line, body) = if markdown {
        match split(&text) {
            Split::Missing => {
                out.push(
                    Finding::new(
                        &file,
                        Severity::Error,
                        "front-matter/missing",
                        "no front matter: the file must start with a `---` line",
                    )
                    .at(1, 1),
                );
                (None, 1, Some((text.as_str(), 1)))
            }
            Split::Unterminated => {
                out.push(
                    Finding::new(
                        &file,
                        Severity::Error,
                        "front-matter/unterminated",
                        "front matter is never closed by a `---` line",
                    )
                    .at(1, 1),
                );
                (None, 1, None)
            }
            Split::Found {
                yaml,
                body,
                body_line,
            } => (Some(yaml), 2, Some((body, body_line))),
        }
    } else {
        (Some(text.as_str()), 1, None)
    };
    if let Some(yaml) = yaml {
        out.extend(check_record(
            &file,
            yaml,
            yaml_first_line,
            schema,
            require,
            catalog,
        ));
    }
    if let Some((body, body_line)) = body {
        for p in body::check(body, path, root) {
            let severity = if p.error {
                Severity::Error
            } else {
                Severity::Warning
            };
            out.push(
                Finding::new(&file, severity, p.rule, p.message)
                    .at(p.line + body_line - 1, p.column),
            );
        }
    }
    out
}

fn check_record(
    file: &str,
    yaml: &str,
    first_line: usize,
    schema: Option<String>,
    require: bool,
    catalog: &Catalog,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let (tree, problems) = yaml::read(yaml, first_line);
    let mut blocked = false;
    for p in problems {
        // With duplicate keys the record is ambiguous: it is not checked further.
        blocked |= p.error
            && matches!(
                p.rule,
                "yaml/syntax" | "yaml/alias-bomb" | "yaml/duplicate-key"
            );
        let severity = if p.error {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push(Finding::new(file, severity, p.rule, p.message).at(p.line, p.column));
    }
    let Some(tree) = tree.filter(|_| !blocked) else {
        return out;
    };
    let value: serde_yaml::Value = match serde_yaml::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
            out.push(
                Finding::new(
                    file,
                    Severity::Error,
                    "yaml/syntax",
                    format!("invalid YAML: {e}"),
                )
                .at(line + first_line - 1, column),
            );
            return out;
        }
    };
    let schema = schema.or_else(|| {
        value
            .get("layout")
            .and_then(|l| l.as_str())
            .filter(|l| {
                !l.is_empty()
                    && l.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
            })
            .and_then(|l| {
                let path = format!("schemas/{l}.schema.json");
                if catalog.settings.base.join(&path).is_file() {
                    Some(path)
                } else {
                    crate::config::BUILTIN_SCHEMAS
                        .iter()
                        .find(|(n, _)| *n == l)
                        .map(|(n, _)| n.to_string())
                }
            })
    });
    let Some(schema) = schema else {
        let severity = if require {
            Severity::Error
        } else {
            Severity::Warning
        };
        out.push(
            Finding::new(file, severity, "schema/none", "no schema applies: none given, none matched in `schemas:`, and no schema for its `layout`")
                .at(first_line, 1),
        );
        return out;
    };
    let compiled = catalog.get(&schema);
    let validator = match compiled.as_ref() {
        Ok(v) => v,
        Err(message) => {
            out.push(Finding::new(
                file,
                Severity::Error,
                "schema/invalid",
                format!("schema {schema}: {message}"),
            ));
            return out;
        }
    };
    // Keys carried from a source as they were (`source.kept`) are not the schema's.
    let value = match &value {
        serde_yaml::Value::Mapping(m) => serde_yaml::Value::Mapping(crate::page::checked_part(m)),
        other => other.clone(),
    };
    for v in validator.check(&value) {
        let keys: Vec<Option<&yaml::Node>> = if v.unexpected.is_empty() {
            vec![None]
        } else {
            v.unexpected
                .iter()
                .map(|k| yaml::locate_key(&tree, &v.pointer, k))
                .collect()
        };
        for key in keys {
            let node = key.unwrap_or_else(|| yaml::locate(&tree, &v.pointer));
            let message = match (&v.keyword[..], &node.kind) {
                ("not", yaml::Kind::Scalar { value, .. }) => {
                    format!("{value:?} is a value the schema does not allow here")
                }
                _ => v.message.clone(),
            };
            let mut f = Finding::new(
                file,
                Severity::Error,
                format!("schema/{}", v.keyword),
                message,
            )
            .at(node.line, node.column);
            f.pointer = Some(v.pointer.clone());
            f.keyword = Some(v.keyword.clone());
            out.push(f);
        }
    }
    out
}

enum Split<'a> {
    Missing,
    Unterminated,
    Found {
        yaml: &'a str,
        body: &'a str,
        body_line: usize,
    },
}

/// The front matter block of a Markdown file, without parsing it.
fn split(text: &str) -> Split<'_> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return Split::Missing;
    };
    let mut offset = 0;
    for (line, l) in (2..).zip(rest.split_inclusive('\n')) {
        let t = l.trim_end();
        if t == "---" || t == "..." {
            return Split::Found {
                yaml: &rest[..offset],
                body: &rest[offset + l.len()..],
                body_line: line + 1,
            };
        }
        offset += l.len();
    }
    Split::Unterminated
}

#[cfg(test)]
mod tests;
