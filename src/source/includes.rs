//! Jekyll includes: `{% include NAME k="v" %}` is resolved inside the includes folder
//! (names never lead out of it, not even through symlinks) and rendered: templates that
//! use only `{{ include.k }}`, `{{ include.k | default: "x" }}`, `{% comment %}`,
//! `{% raw %}` and nested includes by pagemill itself (other output tags bound to page
//! variables are kept for the generator), any other by the Liquid engine (`engine`), or
//! not at all — never half-rendered. Expansion happens on the body text before Liquid is protected and parsed; a
//! line map takes lines of the expanded text back to lines of the source.

use std::path::{Component, Path, PathBuf};

use super::liquid::{parse_include, Include};

/// Includes nested deeper than this are not rendered (a cycle, or a runaway).
pub const MAX_NESTING: usize = 16;

/// An includes folder.
#[derive(Debug, Clone)]
pub struct IncludeDir {
    shown: PathBuf,
    canonical: PathBuf,
}

/// Why an include tag was not rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IncludeError {
    #[error(
        "include `{name}` is refused: include names must stay inside the includes folder {dir}"
    )]
    Escapes { name: String, dir: String },
    #[error("include `{name}` is not in the includes folder {dir}; the tag is kept")]
    Missing { name: String, dir: String },
    #[error("include `{name}` cannot be read: {message}; the tag is kept")]
    Read { name: String, message: String },
    #[error("include `{name}` is nested more than {MAX_NESTING} deep (does it include itself?); the tag is kept")]
    TooDeep { name: String },
    #[error(
        "include `{name}`: `{tag}` uses Liquid beyond the supported subset; it is kept as written"
    )]
    Unsupported { name: String, tag: String },
    #[error("include `{name}` cannot be rendered here ({message}); the tag is kept whole")]
    Engine { name: String, message: String },
}

impl IncludeError {
    /// Whether the page must fail: an include name that tries to leave its folder.
    pub fn is_refusal(&self) -> bool {
        matches!(self, IncludeError::Escapes { .. })
    }
}

impl IncludeDir {
    /// Opens an includes folder; it must exist.
    pub fn open(dir: &Path) -> std::io::Result<IncludeDir> {
        let canonical = dir.canonicalize()?;
        if !canonical.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a folder", dir.display()),
            ));
        }
        Ok(IncludeDir {
            shown: dir.to_path_buf(),
            canonical,
        })
    }

    /// The `_includes` folder Jekyll would use for pages under `input_root`: beside the
    /// root or in one of its ancestors, the nearest first.
    pub fn find(input_root: &Path) -> Option<IncludeDir> {
        let start = input_root.canonicalize().ok()?;
        let start = if start.is_file() {
            start.parent()?.to_path_buf()
        } else {
            start
        };
        start
            .ancestors()
            .map(|a| a.join("_includes"))
            .find(|c| c.is_dir())
            .and_then(|c| IncludeDir::open(&c).ok())
    }

    pub fn path(&self) -> &Path {
        &self.shown
    }

    /// The file an include name stands for. Absolute names, `..`, and names whose real
    /// path (symlinks followed) is outside the folder are refused.
    pub fn resolve(&self, name: &str) -> Result<PathBuf, IncludeError> {
        let dir = self.shown.display().to_string();
        let escapes = || IncludeError::Escapes {
            name: name.to_string(),
            dir: dir.clone(),
        };
        let rel = Path::new(name);
        if name.is_empty()
            || name.contains('\\')
            || name.contains('\0')
            || rel
                .components()
                .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
        {
            return Err(escapes());
        }
        let real = match self.canonical.join(rel).canonicalize() {
            Ok(r) => r,
            Err(_) => {
                return Err(IncludeError::Missing {
                    name: name.to_string(),
                    dir,
                })
            }
        };
        if !real.starts_with(&self.canonical) {
            return Err(escapes());
        }
        if !real.is_file() {
            return Err(IncludeError::Missing {
                name: name.to_string(),
                dir,
            });
        }
        Ok(real)
    }

    fn load(&self, name: &str) -> Result<String, IncludeError> {
        let path = self.resolve(name)?;
        let bytes = std::fs::read(&path).map_err(|e| IncludeError::Read {
            name: name.to_string(),
            message: e.to_string(),
        })?;
        Ok(super::decode::decode_owned(bytes).text)
    }
}

/// Maps lines of an expanded text back to lines of its source: text an include put in
/// belongs to the line of its tag.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineMap {
    /// (first expanded line, what it maps to), sorted; lines before the first entry
    /// are unchanged.
    spans: Vec<(usize, Span)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Span {
    /// Every line of the span is this source line.
    Fixed(usize),
    /// Source line = expanded line + offset.
    Shifted(isize),
}

impl LineMap {
    /// The source line of an expanded line (both 1-based).
    pub fn source_line(&self, line: usize) -> usize {
        let i = self.spans.partition_point(|(start, _)| *start <= line);
        match i.checked_sub(1).map(|i| self.spans[i].1) {
            None => line,
            Some(Span::Fixed(l)) => l,
            Some(Span::Shifted(d)) => (line as isize + d).max(1) as usize,
        }
    }
}

/// A body with its includes rendered.
#[derive(Debug, Default)]
pub struct Expanded {
    pub text: String,
    /// The includes rendered, with their parameters, in order.
    pub rendered: Vec<Include>,
    pub lines: LineMap,
    /// Includes not rendered: (source line of the tag, why).
    pub problems: Vec<(usize, IncludeError)>,
}

/// `expand_with` of a body the caller has done with: with nothing to render (no folder,
/// or no tag), the text is the body itself, not a copy.
pub fn expand_owned(
    body: String,
    dir: Option<&IncludeDir>,
    page: Option<&serde_yaml::Mapping>,
) -> Expanded {
    if dir.is_none() || !body.contains("{%") {
        return Expanded {
            text: body,
            ..Expanded::default()
        };
    }
    expand_with(&body, dir, page)
}

/// Renders every `{% include %}` of `body` that `dir` resolves. Without a folder the
/// body is returned as it is. Tags inside `{% raw %}` and `{% comment %}` are left.
pub fn expand(body: &str, dir: Option<&IncludeDir>) -> Expanded {
    expand_with(body, dir, None)
}

/// `expand`, with the page's front matter for `page.*` in includes the Liquid engine
/// renders.
pub fn expand_with(
    body: &str,
    dir: Option<&IncludeDir>,
    page: Option<&serde_yaml::Mapping>,
) -> Expanded {
    let Some(dir) = dir else {
        return Expanded {
            text: body.to_string(),
            ..Expanded::default()
        };
    };
    let mut out = Expanded {
        text: String::with_capacity(body.len()),
        ..Expanded::default()
    };
    let mut rest = body;
    let mut source_line = 1;
    let mut expanded_line = 1;
    while let Some(start) = rest.find("{%") {
        let Some(end) = rest[start..].find("%}").map(|e| start + e + 2) else {
            break;
        };
        let before = &rest[..start];
        let tag = &rest[start..end];
        out.text.push_str(before);
        let nl = before.matches('\n').count();
        source_line += nl;
        expanded_line += nl;
        let name = tag_name(tag);
        if name == "raw" || name == "comment" {
            let closing = format!("end{name}");
            let block_end = find_tag(&rest[end..], &closing)
                .map(|(_, e)| end + e)
                .unwrap_or(rest.len());
            let block = &rest[start..block_end];
            out.text.push_str(block);
            let nl = block.matches('\n').count();
            source_line += nl;
            expanded_line += nl;
            rest = &rest[block_end..];
            continue;
        }
        let tag_lines = tag.matches('\n').count();
        let mut nested = Vec::new();
        match parse_include(tag) {
            Some(include) => match render_include(dir, &include, None, page, 0, &mut nested) {
                Ok(text) => {
                    let added = text.matches('\n').count();
                    out.text.push_str(&text);
                    out.rendered.push(include);
                    if added > 0 || tag_lines > 0 {
                        out.lines
                            .spans
                            .push((expanded_line, Span::Fixed(source_line)));
                        let next_expanded = expanded_line + added + 1;
                        let next_source = source_line + tag_lines + 1;
                        out.lines.spans.push((
                            next_expanded,
                            Span::Shifted(next_source as isize - next_expanded as isize),
                        ));
                    }
                    expanded_line += added;
                }
                Err(e) => {
                    out.problems.push((source_line, e));
                    out.text.push_str(tag);
                    expanded_line += tag_lines;
                }
            },
            None => {
                out.text.push_str(tag);
                expanded_line += tag_lines;
            }
        }
        // Problems inside includes belong to the line of the page's tag.
        out.problems
            .extend(nested.into_iter().map(|(_, e)| (source_line, e)));
        source_line += tag_lines;
        rest = &rest[end..];
    }
    out.text.push_str(rest);
    out
}

/// Renders one include with its parameters (`parent`: the including include's
/// parameters, for `k=include.x` values).
fn render_include(
    dir: &IncludeDir,
    include: &Include,
    parent: Option<&Include>,
    page: Option<&serde_yaml::Mapping>,
    depth: usize,
    problems: &mut Vec<(usize, IncludeError)>,
) -> Result<String, IncludeError> {
    if depth >= MAX_NESTING {
        return Err(IncludeError::TooDeep {
            name: include.name.clone(),
        });
    }
    let template = dir.load(&include.name)?;
    let include = match parent {
        Some(p) => resolve_params(include, p),
        None => include.clone(),
    };
    if engine::needs_engine(&template) {
        // Nested includes first (Jekyll's include syntax is not the engine's), then
        // the whole template through the Liquid engine — or not at all.
        let template = nested_includes(dir, &template, &include, page, depth, problems)?;
        return engine::render(&template, &include, page, dir.path()).map_err(|message| {
            IncludeError::Engine {
                name: include.name.clone(),
                message,
            }
        });
    }
    let mut out = String::with_capacity(template.len());
    let mut rest = template.as_str();
    while let Some(start) = rest.find(['{']) {
        let after = &rest[start..];
        let close = if after.starts_with("{%") {
            "%}"
        } else if after.starts_with("{{") {
            "}}"
        } else {
            out.push_str(&rest[..start + 1]);
            rest = &rest[start + 1..];
            continue;
        };
        let Some(end) = after[2..].find(close).map(|e| start + e + 4) else {
            break;
        };
        out.push_str(&rest[..start]);
        let tag = &rest[start..end];
        rest = &rest[end..];
        if close == "}}" {
            match output(tag, &include) {
                Some(text) => out.push_str(&text),
                None => {
                    if tag.contains("include.") {
                        problems.push((
                            0,
                            IncludeError::Unsupported {
                                name: include.name.clone(),
                                tag: tag.to_string(),
                            },
                        ));
                    }
                    out.push_str(tag);
                }
            }
            continue;
        }
        match tag_name(tag) {
            "comment" => {
                rest = find_tag(rest, "endcomment").map_or("", |(_, e)| &rest[e..]);
            }
            "raw" => match find_tag(rest, "endraw") {
                Some((s, e)) => {
                    out.push_str(&rest[..s]);
                    rest = &rest[e..];
                }
                None => {
                    out.push_str(rest);
                    rest = "";
                }
            },
            "include" => match parse_include(tag) {
                Some(inner) => {
                    match render_include(dir, &inner, Some(&include), page, depth + 1, problems) {
                        Ok(text) => out.push_str(&text),
                        Err(e) => {
                            problems.push((0, e));
                            out.push_str(tag);
                        }
                    }
                }
                None => out.push_str(tag),
            },
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// `template` with its `{% include %}` tags rendered (raw and comment blocks left for
/// the engine); a nested include that cannot be rendered leaves the whole include
/// unrendered.
fn nested_includes(
    dir: &IncludeDir,
    template: &str,
    include: &Include,
    page: Option<&serde_yaml::Mapping>,
    depth: usize,
    problems: &mut Vec<(usize, IncludeError)>,
) -> Result<String, IncludeError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{%") {
        let Some(end) = rest[start..].find("%}").map(|e| start + e + 2) else {
            break;
        };
        out.push_str(&rest[..start]);
        let tag = &rest[start..end];
        let name = tag_name(tag);
        if name == "raw" || name == "comment" {
            let block_end =
                find_tag(&rest[end..], &format!("end{name}")).map_or(rest.len(), |(_, e)| end + e);
            out.push_str(&rest[start..block_end]);
            rest = &rest[block_end..];
            continue;
        }
        match (name, parse_include(tag)) {
            ("include", Some(inner)) => {
                out.push_str(&render_include(
                    dir,
                    &inner,
                    Some(include),
                    page,
                    depth + 1,
                    problems,
                )?);
            }
            _ => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The parameters of a nested include, `k=include.x` taken from its parent.
fn resolve_params(include: &Include, parent: &Include) -> Include {
    let mut resolved = include.clone();
    resolved.unquoted.retain(|key| {
        let value = include.param(key).unwrap_or_default();
        let Some(var) = value.strip_prefix("include.") else {
            return true;
        };
        let taken = parent.param(var).map(str::to_string);
        let parent_unquoted = parent.unquoted.iter().any(|k| k == var);
        for (k, v) in &mut resolved.params {
            if k == key {
                *v = taken.clone().unwrap_or_default();
            }
        }
        parent_unquoted
    });
    resolved
}

/// Renders `{{ include.k }}` or `{{ include.k | default: "x" }}`; `None` for any other
/// output tag (kept as written). A parameter bound to a variable (`k=page.title`)
/// renders as the Liquid output of that variable.
fn output(tag: &str, include: &Include) -> Option<String> {
    let inner = tag.strip_prefix("{{")?.strip_suffix("}}")?;
    let inner = inner.trim_start_matches('-').trim_end_matches('-').trim();
    let (var, filter) = match inner.split_once('|') {
        Some((v, f)) => (v.trim(), Some(f.trim())),
        None => (inner, None),
    };
    let key = var.strip_prefix("include.")?;
    if key.is_empty()
        || !key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let default = match filter {
        None => None,
        Some(f) => {
            let arg = f
                .strip_prefix("default")?
                .trim_start()
                .strip_prefix(':')?
                .trim();
            Some(unquote(arg)?)
        }
    };
    let value = include.param(key).filter(|v| !v.is_empty());
    if include.unquoted.iter().any(|k| k == key) {
        let v = value.unwrap_or_default();
        return Some(match default {
            Some(d) => format!("{{{{ {v} | default: {d:?} }}}}"),
            None => format!("{{{{ {v} }}}}"),
        });
    }
    Some(value.map(str::to_string).or(default).unwrap_or_default())
}

fn unquote(arg: &str) -> Option<String> {
    let q = arg.chars().next()?;
    if (q == '"' || q == '\'') && arg.len() >= 2 && arg.ends_with(q) {
        Some(arg[1..arg.len() - 1].to_string())
    } else {
        None
    }
}

/// The name of a `{% name … %}` tag.
fn tag_name(tag: &str) -> &str {
    let inner = tag
        .trim_start_matches("{%")
        .trim_start_matches('-')
        .trim_start();
    let end = inner
        .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .unwrap_or(inner.len());
    &inner[..end]
}

/// The first `{% name %}` tag in `text`: (start, end) byte offsets.
fn find_tag(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(s) = text[from..].find("{%").map(|s| from + s) {
        let e = text[s..].find("%}").map(|e| s + e + 2)?;
        if tag_name(&text[s..e]) == name {
            return Some((s, e));
        }
        from = e;
    }
    None
}

mod engine;

#[cfg(test)]
mod tests;
