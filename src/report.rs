//! Rendering outcomes as text for people: one line per diagnostic and a summary line.
//! Pure formatting; the binary decides where it goes.

use std::fmt::Write;

use crate::page::{Diagnostic, Severity};
use crate::pipeline::{BatchReport, PageOutcome, Status};

/// `severity: path[:line]: [code] message` lines for one page.
pub fn page_lines(page: &PageOutcome, include_warnings: bool) -> Vec<String> {
    page.diagnostics
        .iter()
        .filter(|d| include_warnings || d.severity == Severity::Error)
        .map(|d| diagnostic_line(&page.source.display().to_string(), d))
        .collect()
}

pub fn diagnostic_line(path: &str, d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!("{severity}: {path}");
    if let Some(line) = d.line {
        let _ = write!(out, ":{line}");
    }
    let _ = write!(out, ": [{}] {}", d.code, d.message);
    out
}

/// The closing line of a run.
pub fn summary(report: &BatchReport) -> String {
    let written = report.count(Status::Written);
    let unchanged = report.count(Status::Unchanged);
    let failed = report.count(Status::Failed);
    let skipped = report.count(Status::Skipped);
    let mut out = format!(
        "pagemill: {} pages: {} converted ({written} written, {unchanged} unchanged), {failed} failed",
        report.pages.len(),
        written + unchanged,
    );
    if skipped > 0 {
        let _ = write!(out, ", {skipped} skipped (Markdown, not HTML)");
    }
    let _ = write!(
        out,
        "; {} warnings; {:.2}s",
        report.warnings(),
        report.elapsed.as_secs_f64()
    );
    out
}
