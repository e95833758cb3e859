//! Extraction profiles: declarative YAML saying where a page's fields come from, what
//! its content root is and which boilerplate is removed. Profiles are data; the
//! built-in ones are embedded from `profiles/`.

use serde::Deserialize;

use crate::dom::{SelectError, Selector};

/// Built-in profiles: (name, YAML). With `profile: auto`, the first whose `detect`
/// matches a page converts it, and `generic` converts the rest.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "chicago-department",
        include_str!("../../profiles/chicago-department.yaml"),
    ),
    (
        "chicago-aem",
        include_str!("../../profiles/chicago-aem.yaml"),
    ),
    ("generic", include_str!("../../profiles/generic.yaml")),
];

/// The content root candidate that picks the block with the most paragraph text.
pub const DENSEST: &str = "densest";

#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("{message}")]
    Yaml {
        message: String,
        place: Option<(usize, usize)>,
    },
    #[error("profile field `{field}`: {source}")]
    Selector {
        field: String,
        #[source]
        source: SelectError,
    },
    #[error("profile field `{field}`: {message}")]
    Field { field: String, message: String },
    #[error("profile field `{field}`: invalid pattern `{pattern}`: {source}")]
    Pattern {
        field: String,
        pattern: String,
        #[source]
        source: regex::Error,
    },
    #[error("profile: {0}")]
    Selectors(#[from] SelectError),
}

impl ProfileError {
    /// Where in the profile's text `text` the error stands: the YAML error's place, or
    /// the offending selector, pattern or field.
    pub fn place(&self, text: &str) -> Option<(usize, usize)> {
        use crate::located::find;
        match self {
            ProfileError::Yaml { place, .. } => *place,
            ProfileError::Selector { source, field } => {
                find(text, &source.selector).or_else(|| find(text, field))
            }
            ProfileError::Selectors(source) => find(text, &source.selector),
            ProfileError::Pattern { field, pattern, .. } => {
                find(text, pattern).or_else(|| find(text, &format!("name: {field}")))
            }
            ProfileError::Field { field, .. } => {
                find(text, &format!("name: {field}")).or_else(|| find(text, &format!("{field}:")))
            }
        }
    }
}

/// Where a value comes from. Exactly one of `include`, `front_matter`, `builtin` or
/// `select` is set; with none, the value is the current item itself (inside `each`).
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// A Liquid include whose parameter holds the value, e.g. `banner.md`.
    pub include: Option<String>,
    /// The include parameter (with `include`).
    pub param: Option<String>,
    /// A key of the source's front matter.
    pub front_matter: Option<String>,
    /// A computed value: `source_path` or `unresolved_includes`.
    pub builtin: Option<Builtin>,
    /// A CSS selector, within the current item (or the document).
    pub select: Option<String>,
    /// Read this attribute instead of the element's text.
    pub attr: Option<String>,
    /// Descendants matching this selector are left out of the text (e.g. `a`).
    pub skip: Option<String>,
    /// The value is a list of the text's lines (split at `<br>` and block elements).
    #[serde(default)]
    pub lines: bool,
    /// A regular expression the value must match; its first group (or the whole
    /// match) is the value. Without a match the next alternative is tried.
    pub pattern: Option<String>,
    /// Remove the element the value came from, so the body does not repeat it.
    #[serde(default)]
    pub consume: bool,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Builtin {
    /// The page's path relative to its input root.
    SourcePath,
    /// Names of `{% include %}` tags left in the body.
    UnresolvedIncludes,
}

/// How a value is cleaned.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// Text with white space collapsed.
    #[default]
    Text,
    /// A link, normalized by the link policy; a placeholder link leaves the field out.
    Url,
}

/// One front matter field.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    #[serde(default, rename = "type")]
    pub kind: FieldType,
    /// Alternatives, tried in order; the first that yields a value wins.
    #[serde(default)]
    pub from: Vec<SourceSpec>,
    /// A selector: the field is a list with one entry per match.
    pub each: Option<String>,
    /// A selector: the field's sources and sub-fields read inside its first match.
    pub within: Option<String>,
    /// Remove what `each` or `within` matched from the body (its content went into the
    /// front matter).
    #[serde(default)]
    pub consume: bool,
    /// A sub-field without which its mapping (a list entry) is left out.
    #[serde(default)]
    pub required: bool,
    /// Sub-fields: the field (or each list entry) is a mapping.
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
}

/// A profile as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// The content type's schema: a built-in name or a path.
    pub schema: String,
    /// Candidates for the element whose content becomes the body; the first found
    /// wins. `densest` stands for the block holding the most paragraph text.
    pub content_root: Vec<String>,
    /// How to recognize pages of this profile (for `profile: auto`): any one matches.
    #[serde(default)]
    pub detect: Vec<DetectSpec>,
    /// Remove blocks repeated across a large share of the batch's pages (site chrome).
    #[serde(default)]
    pub boilerplate: bool,
    /// Boilerplate removed before the body is written.
    #[serde(default)]
    pub remove: Vec<String>,
    pub fields: Vec<FieldSpec>,
    /// Source front matter keys no field reads: `keep` (default: carried as they are,
    /// listed under `source.kept`) or `drop` (left out, with a warning).
    #[serde(default)]
    pub front_matter: FrontMatterPolicy,
}

/// What happens to source front matter keys no field of the profile reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FrontMatterPolicy {
    #[default]
    Keep,
    Drop,
}

/// One detection rule: a selector that matches, or a front matter key with one of
/// the given values.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DetectSpec {
    pub select: Option<String>,
    pub front_matter: Option<String>,
    #[serde(default)]
    pub values: Vec<String>,
}

/// A compiled detection rule.
#[derive(Debug, Clone)]
pub enum Detect {
    Select(Selector),
    FrontMatter { key: String, values: Vec<String> },
}

/// A content root candidate.
#[derive(Debug, Clone)]
pub enum Root {
    Select(Selector),
    /// The block with the most paragraph text.
    Densest,
}

/// A source with its selectors and pattern compiled.
#[derive(Debug, Clone)]
pub struct Source {
    pub spec: SourceSpec,
    pub selector: Option<Selector>,
    pub skip: Option<Selector>,
    pub pattern: Option<regex::Regex>,
}

/// A field with its selectors compiled.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub kind: FieldType,
    pub from: Vec<Source>,
    pub each: Option<Selector>,
    pub within: Option<Selector>,
    pub consume: bool,
    pub required: bool,
    pub fields: Vec<Field>,
}

/// A profile ready to run: every selector compiled once.
#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub schema: String,
    pub content_root: Vec<Root>,
    pub detect: Vec<Detect>,
    pub boilerplate: bool,
    pub remove: Vec<Selector>,
    pub fields: Vec<Field>,
    pub front_matter: FrontMatterPolicy,
}

impl Profile {
    pub fn from_yaml(yaml: &str) -> Result<Profile, ProfileError> {
        let spec: ProfileSpec = serde_yaml::from_str(yaml).map_err(|e| {
            let (message, place) = crate::located::yaml_error(&e);
            ProfileError::Yaml { message, place }
        })?;
        Profile::compile(spec)
    }

    /// Every selector the profile runs: content roots, detection, removal and fields'.
    pub fn selectors(&self) -> Vec<&Selector> {
        fn of_fields<'a>(fields: &'a [Field], out: &mut Vec<&'a Selector>) {
            for f in fields {
                for s in &f.from {
                    out.extend(s.selector.iter().chain(&s.skip));
                }
                out.extend(f.each.iter().chain(&f.within));
                of_fields(&f.fields, out);
            }
        }
        let mut out: Vec<&Selector> = Vec::new();
        for root in &self.content_root {
            if let Root::Select(s) = root {
                out.push(s);
            }
        }
        for d in &self.detect {
            if let Detect::Select(s) = d {
                out.push(s);
            }
        }
        out.extend(&self.remove);
        of_fields(&self.fields, &mut out);
        out
    }

    pub fn builtin(name: &str) -> Option<Profile> {
        BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, yaml)| Profile::from_yaml(yaml).expect("built-in profiles are valid"))
    }

    pub fn compile(spec: ProfileSpec) -> Result<Profile, ProfileError> {
        let compile_all = |list: &[String]| -> Result<Vec<Selector>, SelectError> {
            list.iter().map(|s| Selector::parse(s)).collect()
        };
        Ok(Profile {
            name: spec.name,
            schema: spec.schema,
            content_root: spec
                .content_root
                .iter()
                .map(|s| {
                    if s == DENSEST {
                        Ok(Root::Densest)
                    } else {
                        Selector::parse(s).map(Root::Select)
                    }
                })
                .collect::<Result<_, _>>()?,
            detect: spec
                .detect
                .iter()
                .map(|d| match (&d.select, &d.front_matter) {
                    (Some(sel), None) => Ok(Detect::Select(Selector::parse(sel)?)),
                    (None, Some(key)) if !d.values.is_empty() => Ok(Detect::FrontMatter {
                        key: key.clone(),
                        values: d.values.clone(),
                    }),
                    _ => Err(ProfileError::Field {
                        field: "detect".to_string(),
                        message:
                            "each rule is `select: SELECTOR` or `front_matter: KEY` with `values`"
                                .to_string(),
                    }),
                })
                .collect::<Result<_, _>>()?,
            boilerplate: spec.boilerplate,
            remove: compile_all(&spec.remove)?,
            front_matter: spec.front_matter,
            fields: spec
                .fields
                .iter()
                .map(|f| compile_field(f, false))
                .collect::<Result<_, _>>()?,
        })
    }

    /// Top-level field names, in order.
    pub fn field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.iter().map(|f| f.name.as_str())
    }
}

fn compile_field(spec: &FieldSpec, in_item: bool) -> Result<Field, ProfileError> {
    let err = |message: &str| ProfileError::Field {
        field: spec.name.clone(),
        message: message.to_string(),
    };
    if spec.from.is_empty() && spec.fields.is_empty() {
        return Err(err("needs `from` (where the value comes from) or `fields`"));
    }
    let in_item = in_item || spec.each.is_some() || spec.within.is_some();
    if spec.each.is_some() && spec.within.is_some() {
        return Err(err("a field takes `each` or `within`, not both"));
    }
    if spec.consume && spec.each.is_none() && spec.within.is_none() {
        return Err(err("`consume` needs `each` or `within`"));
    }
    let selector = |sel: &Option<String>| -> Result<Option<Selector>, ProfileError> {
        sel.as_deref()
            .map(|sel| {
                Selector::parse(sel).map_err(|source| ProfileError::Selector {
                    field: spec.name.clone(),
                    source,
                })
            })
            .transpose()
    };
    let mut from = Vec::new();
    for s in &spec.from {
        let kinds = [
            s.include.is_some(),
            s.front_matter.is_some(),
            s.builtin.is_some(),
            s.select.is_some(),
        ]
        .iter()
        .filter(|k| **k)
        .count();
        if kinds > 1 {
            return Err(err(
                "a source takes one of `include`, `front_matter`, `builtin`, `select`",
            ));
        }
        if kinds == 0 && !in_item {
            return Err(err(
                "a source without `select` reads the current item, which exists only inside `each`",
            ));
        }
        if s.include.is_some() != s.param.is_some() {
            return Err(err("`include` and `param` go together"));
        }
        if s.lines && spec.kind == FieldType::Url {
            return Err(err("`lines` makes a list of text, not a url"));
        }
        let pattern = s
            .pattern
            .as_deref()
            .map(|p| {
                regex::Regex::new(p).map_err(|source| ProfileError::Pattern {
                    pattern: p.to_string(),
                    field: spec.name.clone(),
                    source,
                })
            })
            .transpose()?;
        from.push(Source {
            spec: s.clone(),
            selector: selector(&s.select)?,
            skip: selector(&s.skip)?,
            pattern,
        });
    }
    Ok(Field {
        name: spec.name.clone(),
        kind: spec.kind,
        from,
        each: selector(&spec.each)?,
        within: selector(&spec.within)?,
        consume: spec.consume,
        required: spec.required,
        fields: spec
            .fields
            .iter()
            .map(|f| compile_field(f, in_item))
            .collect::<Result<_, _>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_compile() {
        for (name, _) in BUILTIN {
            assert_eq!(Profile::builtin(name).unwrap().name, *name);
        }
    }

    #[test]
    fn bad_selector_names_the_field() {
        let yaml = "name: x\nschema: department\ncontent_root: [main]\nfields:\n  - name: title\n    from: [{select: 'h1['}]\n";
        let err = Profile::from_yaml(yaml).unwrap_err().to_string();
        assert!(err.contains("title") && err.contains("h1["), "{err}");
    }

    #[test]
    fn item_sources_only_inside_each() {
        let yaml = "name: x\nschema: department\ncontent_root: [main]\nfields:\n  - name: title\n    from: [{attr: href}]\n";
        assert!(Profile::from_yaml(yaml).is_err());
    }
}
