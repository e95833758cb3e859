//! A finding: one problem at a file, line and column, with a rule id. `validate`
//! produces them, `convert` turns its page diagnostics into them, and every report format
//! (human, JSON, GitHub, SARIF, JUnit) renders them.

use serde::Serialize;

pub use crate::page::Severity;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub file: String,
    /// 1-based; absent when the problem is about the whole file.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    pub severity: Severity,
    /// A stable id, e.g. `schema/required`, `yaml/duplicate-key`, `link/broken`.
    pub rule: String,
    pub message: String,
    /// For schema findings: the JSON pointer of the offending value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
    /// For schema findings: the schema keyword that failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyword: Option<String>,
}

impl Finding {
    pub fn new(
        file: &str,
        severity: Severity,
        rule: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            file: file.to_string(),
            line: None,
            column: None,
            severity,
            rule: rule.into(),
            message: message.into(),
            pointer: None,
            keyword: None,
        }
    }

    pub fn at(mut self, line: usize, column: usize) -> Finding {
        self.line = Some(line);
        self.column = Some(column);
        self
    }
}

/// What a rule checks, for reports that describe their rules (SARIF).
pub fn describe(rule: &str) -> String {
    match rule {
        "front-matter/missing" => "A Markdown file has no front matter block".into(),
        "front-matter/unterminated" => "The front matter block is never closed".into(),
        "yaml/syntax" => "Front matter is not valid YAML".into(),
        "yaml/duplicate-key" => "A mapping has the same key twice".into(),
        "yaml/tab" => "A tab is used for indentation".into(),
        "yaml/implicit-type" => {
            "A plain value YAML 1.2 reads as a string and Jekyll (YAML 1.1) as a number, boolean, date or null".into()
        }
        "yaml/alias-bomb" => "Aliases expand the document beyond the limit".into(),
        "schema/none" => "No schema applies to the file".into(),
        "link/broken" => "A link into the content tree points at a file that does not exist".into(),
        "link/empty" => "A link has an empty destination".into(),
        "link/placeholder" => "A link is a `#` placeholder".into(),
        r => match r.strip_prefix("schema/") {
            Some(keyword) => format!("The record breaks the schema's `{keyword}` keyword"),
            None => format!("pagemill rule {r}"),
        },
    }
}
