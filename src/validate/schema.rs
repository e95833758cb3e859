//! JSON Schema validation of records (front matter) with the `jsonschema` crate. A
//! schema is compiled once per run, with `format` checking turned on.

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a valid JSON Schema: {0}")]
    Invalid(String),
}

/// One way a record breaks its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// JSON pointer to the offending value (`""` for the record itself).
    pub pointer: String,
    pub message: String,
    /// The schema keyword that failed (`type`, `required`, `pattern`, …).
    pub keyword: String,
    /// For `additionalProperties`: the keys that are not allowed.
    pub unexpected: Vec<String>,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {}", self.message)
    }
}

/// A compiled schema.
pub struct Validator {
    inner: jsonschema::Validator,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Validator")
    }
}

impl Validator {
    /// Compiles `schema_json`. Top-level keys the profile declares (`declared`) are
    /// accepted even where the schema rejects unknown properties.
    pub fn new<'a>(
        schema_json: &str,
        declared: impl IntoIterator<Item = &'a str>,
    ) -> Result<Validator, SchemaError> {
        let mut schema: Json = serde_json::from_str(schema_json)?;
        if let Some(props) = schema.get_mut("properties").and_then(Json::as_object_mut) {
            for name in declared {
                props.entry(name.to_string()).or_insert(Json::Bool(true));
            }
        }
        let inner = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| {
                let at = e.instance_path().as_str();
                SchemaError::Invalid(format!("{e} (at {})", if at.is_empty() { "/" } else { at }))
            })?;
        Ok(Validator { inner })
    }

    /// Every violation of the schema by `record`, in a stable order.
    pub fn check(&self, record: &Yaml) -> Vec<Violation> {
        let json = match yaml_to_json(record) {
            Ok(j) => j,
            Err(message) => {
                return vec![Violation {
                    pointer: String::new(),
                    message,
                    keyword: "type".to_string(),
                    unexpected: Vec::new(),
                }]
            }
        };
        if self.inner.is_valid(&json) {
            return Vec::new();
        }
        let mut out: Vec<Violation> = self
            .inner
            .iter_errors(&json)
            .map(|e| Violation {
                pointer: e.instance_path().as_str().to_string(),
                message: e.to_string(),
                keyword: e.kind().keyword().to_string(),
                unexpected: match e.kind() {
                    jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                        unexpected.clone()
                    }
                    _ => Vec::new(),
                },
            })
            .collect();
        out.sort_by(|a, b| (&a.pointer, &a.message).cmp(&(&b.pointer, &b.message)));
        out.dedup();
        out
    }
}

/// YAML → JSON for validation: scalar keys become strings, tags are unwrapped, and
/// values JSON cannot hold are errors.
pub fn yaml_to_json(value: &Yaml) -> Result<Json, String> {
    Ok(match value {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::from(i)
            } else if let Some(u) = n.as_u64() {
                Json::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Json::from(serde_json::Number::from_f64(f).ok_or("a number that is not finite")?)
            }
        }
        Yaml::String(s) => Json::String(s.clone()),
        Yaml::Sequence(items) => {
            Json::Array(items.iter().map(yaml_to_json).collect::<Result<_, _>>()?)
        }
        Yaml::Mapping(map) => {
            let mut obj = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Yaml::String(s) => s.clone(),
                    Yaml::Bool(b) => b.to_string(),
                    Yaml::Number(n) => n.to_string(),
                    Yaml::Null => "null".to_string(),
                    _ => return Err("a mapping key that is not a scalar".to_string()),
                };
                obj.insert(key, yaml_to_json(v)?);
            }
            Json::Object(obj)
        }
        Yaml::Tagged(t) => yaml_to_json(&t.value)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = include_str!("../../schemas/department.schema.json");

    fn check(yaml: &str) -> Vec<String> {
        let v = Validator::new(SCHEMA, ["title", "source"]).unwrap();
        v.check(&serde_yaml::from_str(yaml).unwrap())
            .iter()
            .map(|v| v.to_string())
            .collect()
    }

    #[test]
    fn a_complete_record_passes() {
        assert!(check(
            "title: X\nsource: {path: a.html}\nbreadcrumbs: [{title: Home}, {title: D, url: /d}]\n"
        )
        .is_empty());
    }

    #[test]
    fn missing_required_and_unknown_keys_fail() {
        let errs = check("source: {path: a.html}\nextra: 1\n");
        assert!(errs.iter().any(|e| e.contains("title")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("extra")), "{errs:?}");
    }

    #[test]
    fn urls_are_checked_for_shape() {
        let errs = check("title: X\nsource: {path: a}\nbanner: {image: 'javascript:alert(1)'}\n");
        assert!(
            errs.iter().any(|e| e.starts_with("/banner/image")),
            "{errs:?}"
        );
        let errs = check("title: X\nsource: {path: a}\nbanner: {image: 'a b.png'}\n");
        assert!(
            errs.iter().any(|e| e.starts_with("/banner/image")),
            "{errs:?}"
        );
    }

    #[test]
    fn declared_profile_keys_are_accepted() {
        let v = Validator::new(SCHEMA, ["title", "source", "owner"]).unwrap();
        let rec = serde_yaml::from_str("title: X\nsource: {path: a}\nowner: Y\n").unwrap();
        assert!(v.check(&rec).is_empty());
    }
}
