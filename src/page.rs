//! One page from source bytes to the text of its Markdown file, with no I/O: decode,
//! split front matter, protect Liquid, parse, extract, render, validate, serialize.
//! Each stage's failure is a typed `PageError`; problems that do not stop the page are
//! warnings.

use serde_yaml::Mapping;

use crate::config::Settings;
use crate::dom::{self, Document};
use crate::extract::boilerplate::Boilerplate;
use crate::extract::Removal;
use crate::links::scan::{self, LinkRecord};
use crate::links::{FoundLink, Linker};
use crate::markdown;
use crate::source::includes::{self, IncludeDir, LineMap};
use crate::source::{self, decode, front_matter::FrontMatterError, liquid, FrontMatter};
use crate::validate::Violation;

/// Why a page was not converted.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error("file is {size} bytes, over the limit of {limit} (limits.max_file_bytes)")]
    TooLarge { size: u64, limit: u64 },
    #[error("the body is Markdown, not HTML: nothing to convert")]
    NotHtml,
    #[error("the file is empty")]
    Empty,
    #[error("not a text file: binary data (NUL bytes) at byte {offset}")]
    Binary { offset: usize },
    #[error("{0}")]
    FrontMatter(#[from] FrontMatterError),
    #[error("elements are nested {depth} deep, over the limit of {limit} (limits.max_depth)")]
    TooDeep { depth: usize, limit: usize },
    #[error("{0}")]
    Gzip(String),
    #[error("a frameset page without <noframes> content: its frames ({frames}) hold the content; convert those")]
    Frameset { frames: String },
    #[error("about {count} elements, over the limit of {limit} (limits.max_elements)")]
    TooManyElements { count: usize, limit: usize },
    #[error("{message}")]
    Include { message: String, line: usize },
    #[error("no content: the content root <{root}> holds no text to convert")]
    NoContent { root: String },
    #[error("the record breaks the schema:\n{}", list(.0))]
    Schema(Vec<Violation>),
    #[error("front matter does not survive a YAML round trip: {0}")]
    RoundTrip(String),
}

impl PageError {
    /// The file line the error points at, where there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            PageError::FrontMatter(fm) => fm.line(),
            PageError::Include { line, .. } => Some(*line),
            _ => None,
        }
    }
}

fn list(v: &[Violation]) -> String {
    v.iter()
        .map(|v| format!("  {v}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How bad a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A problem found in a page, with the source line where one is known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A stable kind, e.g. `loss`, `link`, `front-matter`.
    #[serde(with = "stored::static_str")]
    pub code: stored::StaticStr,
    pub message: String,
    pub line: Option<usize>,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl Diagnostic {
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            code,
            message: message.into(),
            line: None,
        }
    }
}

/// A converted page.
#[derive(Debug)]
pub struct Converted {
    /// The front matter record, keys in the profile's order.
    pub record: Mapping,
    /// The whole output file: front matter, then the Markdown body.
    pub text: String,
    /// The links met in fields and body that the policy changed or dropped, with the
    /// rules that did; body lines are lines of the source file.
    pub links: Vec<FoundLink>,
    pub warnings: Vec<Diagnostic>,
    /// The source's encoding and where it came from.
    pub encoding: Encoding,
    /// The profile that converted the page.
    pub profile: String,
    /// With `Context::review`: the content root's source HTML and the Markdown body.
    pub review: Option<(String, String)>,
    /// The loss report: blocks cut from the content root and elements the Markdown
    /// could not carry (file lines), with their text and the reason.
    pub losses: Vec<Removal>,
    /// With a site target: the legacy layout that `layouts:` does not map.
    pub unmapped_layout: Option<String>,
}

/// A page's encoding, as decided when it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Encoding {
    #[serde(with = "stored::static_str")]
    pub name: stored::StaticStr,
    pub source: decode::EncodingSource,
}

/// A source page read and parsed: the stages before extraction.
pub struct Parsed {
    pub encoding: Encoding,
    pub front_matter: Option<FrontMatter>,
    pub protected: liquid::Protected,
    /// File line where the body starts.
    pub body_line: usize,
    /// Lines of the parsed text (includes rendered) back to lines of the body.
    pub lines: LineMap,
    /// The includes rendered into the body, with their parameters.
    pub rendered: Vec<source::Include>,
    pub doc: Document,
    pub warnings: Vec<Diagnostic>,
}

impl Parsed {
    /// The file line of a line of the parsed text.
    pub fn file_line(&self, line: usize) -> usize {
        self.lines.source_line(line) + self.body_line - 1
    }
}

/// What the batch knows about a page: its path relative to its input root, the
/// includes folder its `{% include %}` tags resolve in, and the boilerplate learned
/// from the batch.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub rel_path: &'a str,
    pub includes: Option<&'a IncludeDir>,
    pub boilerplate: Option<&'a Boilerplate>,
    /// Keep the content root's source HTML and the body for a review report.
    pub review: bool,
}

impl<'a> Context<'a> {
    /// A page on its own: no includes folder, no batch.
    pub fn path(rel_path: &'a str) -> Context<'a> {
        Context {
            rel_path,
            includes: None,
            boilerplate: None,
            review: false,
        }
    }
}

/// Decodes, splits and parses one source page, enforcing the size and depth limits.
pub fn parse(bytes: &[u8], ctx: Context, settings: &Settings) -> Result<Parsed, PageError> {
    let rel_path = ctx.rel_path;
    let limits = settings.config.limits;
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(PageError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_file_bytes,
        });
    }
    let bytes = source::gzip::inflate(bytes, limits.max_file_bytes).map_err(PageError::Gzip)?;
    let bytes = &*bytes;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(PageError::Empty);
    }
    if let Some(offset) = binary_at(bytes) {
        return Err(PageError::Binary { offset });
    }
    let mut warnings = Vec::new();
    let decoded = decode::decode(bytes);
    let encoding = Encoding {
        name: decoded.encoding,
        source: decoded.source,
    };
    if let Some(line) = decoded.first_invalid_line {
        warnings.push(Diagnostic {
            line: Some(line),
            ..Diagnostic::warning(
                "encoding",
                format!(
                    "bytes invalid in {} ({}) were replaced by U+FFFD",
                    decoded.encoding,
                    decoded.source.as_str()
                ),
            )
        });
    }
    let mut decoded = decoded;
    if let Some((fixed, repaired)) = source::mojibake::repair(&decoded.text) {
        decoded.text = fixed;
        let mut what = Vec::new();
        if repaired.runs > 0 {
            what.push(format!(
                "{} of UTF-8 once read as windows-1252 (`â€™` for `’`) repaired",
                crate::report::plural(repaired.runs, "run")
            ));
        }
        if repaired.controls > 0 {
            what.push(format!(
                "{} read as the windows-1252 characters they stand for",
                crate::report::plural(repaired.controls, "C1 control character")
            ));
        }
        warnings.push(Diagnostic {
            line: repaired.first_line,
            ..Diagnostic::warning("encoding", format!("mojibake: {}", what.join("; ")))
        });
    }
    let (front_matter, body, body_line) = source::split_front_matter(&decoded.text)?;
    if rel_path.to_ascii_lowercase().ends_with(".md") && !source::body_is_html(body) {
        return Err(PageError::NotHtml);
    }
    // The body is the text's end: the text, its front matter taken off, becomes it.
    let body_start = decoded.text.len() - body.len();
    let mut body = decoded.text;
    body.drain(..body_start);
    let expanded =
        includes::expand_owned(body, ctx.includes, front_matter.as_ref().map(|f| &f.fields));
    for (line, problem) in expanded.problems {
        let line = line + body_line - 1;
        if problem.is_refusal() {
            return Err(PageError::Include {
                message: problem.to_string(),
                line,
            });
        }
        warnings.push(Diagnostic {
            line: Some(line),
            ..Diagnostic::warning("include", problem.to_string())
        });
    }
    let protected = liquid::protect_owned(expanded.text);
    if let Some(line) = protected.unterminated {
        warnings.push(Diagnostic {
            line: Some(expanded.lines.source_line(line) + body_line - 1),
            ..Diagnostic::warning("liquid", "a Liquid tag is never closed; it is kept as text")
        });
    }
    // Refuse hostile nesting before html5ever spends quadratic time on it, and a tree
    // too large for a worker's share of memory before it is built.
    let estimate = dom::estimate_markup(&protected.text);
    if estimate.depth > limits.max_depth {
        return Err(PageError::TooDeep {
            depth: estimate.depth,
            limit: limits.max_depth,
        });
    }
    if estimate.elements > limits.max_elements {
        return Err(PageError::TooManyElements {
            count: estimate.elements,
            limit: limits.max_elements,
        });
    }
    let mut doc = Document::parse_sized(&protected.text, estimate.elements);
    let mut shape = dom::tree_shape(&doc.root());
    // A frameset page: its `<noframes>` markup is the page, parsed as HTML where it
    // stood (so lines stay file lines); without any, its frames hold the content.
    if let Some((noframes, frames)) = shape.frameset.then(|| dom::frameset(&doc)).flatten() {
        if noframes.trim().is_empty() {
            return Err(PageError::Frameset {
                frames: frames.join(", "),
            });
        }
        // The head as it was (its title, its meta tags), then the `<noframes>` markup.
        let text = &protected.text;
        let lower = text.to_ascii_lowercase();
        let frameset_at = lower.find("<frameset").unwrap_or(0);
        let noframes_at = lower
            .find("<noframes")
            .unwrap_or(frameset_at)
            .max(frameset_at);
        let lines = text[frameset_at..noframes_at].matches('\n').count();
        doc = Document::parse(&format!(
            "{}{}{noframes}",
            &text[..frameset_at],
            "\n".repeat(lines)
        ));
        shape = dom::tree_shape(&doc.root());
    }
    if shape.depth > limits.max_depth {
        return Err(PageError::TooDeep {
            depth: shape.depth,
            limit: limits.max_depth,
        });
    }
    Ok(Parsed {
        encoding,
        front_matter,
        protected,
        body_line,
        lines: expanded.lines,
        rendered: expanded.rendered,
        doc,
        warnings,
    })
}

/// Where a file shows itself binary: a NUL byte among the first 8 KiB when control
/// characters make up more than a twentieth of them. A stray NUL in a text page (which
/// browsers show as U+FFFD) is not enough.
fn binary_at(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(8192)];
    let first_nul = head.iter().position(|&b| b == 0)?;
    let controls = head
        .iter()
        .filter(|&&b| b < 0x09 || (0x0e..0x20).contains(&b))
        .count();
    (controls * 20 > head.len()).then_some(first_nul)
}

/// Every link of one page (`pagemill links`): the body's URL attributes at their line
/// and column, then the front matter's URL fields. `file` names the page in records.
pub fn links(
    bytes: &[u8],
    ctx: Context,
    file: &str,
    settings: &Settings,
    linker: &Linker,
) -> Result<Vec<LinkRecord>, PageError> {
    let parsed = parse(bytes, ctx, settings)?;
    let mut records = scan::scan(&parsed.doc, &parsed.protected.text, 1, file, linker);
    for r in &mut records {
        r.line = r.line.map(|l| parsed.file_line(l));
        if let Some(n) = &r.normalized {
            r.normalized = Some(liquid::restore(n, &parsed.protected.tags));
        }
        r.original = liquid::restore(&r.original, &parsed.protected.tags);
    }
    let chosen = convert::choose(&parsed, ctx, settings);
    let extracted = convert::extract(&parsed, chosen, ctx, linker);
    records.extend(extracted.links.into_iter().map(|found| {
        let old_url = linker.old_url_of(&found.link.original);
        let mut rec = LinkRecord::new(
            file,
            &found.element,
            &found.attribute,
            String::new(),
            found.link,
        );
        rec.old_url = old_url;
        rec
    }));
    Ok(records)
}

/// Any HTML to Markdown, without extraction: the body of the document as a whole.
pub fn html_to_markdown(
    html: &str,
    linker: &Linker,
    options: markdown::Options,
) -> markdown::Rendered {
    let protected = liquid::protect(html);
    let doc = Document::parse(&protected.text);
    let mut rendered = markdown::render(&doc, &doc.body(), linker, options);
    rendered.markdown = liquid::restore(&rendered.markdown, &protected.tags);
    rendered
}

mod convert;
mod front;
mod liquid_body;
mod markdown_source;
mod stored;
pub use convert::{assemble, convert, prepare, Prepared};
use convert::{dropped_link_warnings, finish_record};
pub use front::{checked_part, document_text, keep_source_keys, kept_keys};
pub(crate) use stored::{static_strs, StaticStr};
#[cfg(test)]
mod tests;
