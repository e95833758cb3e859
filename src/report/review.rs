//! The review report of a `convert` run as JSON (`--report FILE.json`): per page its
//! status, profile, extracted fields, loss report (each removed block and each element
//! the Markdown could not carry, with its line, reason and text), link rewrites by
//! rule, encoding and its source, and time spent.

use serde_json::{json, Map, Value};

use crate::pipeline::{BatchReport, PageOutcome, Status};

pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Written => "written",
        Status::Unchanged => "unchanged",
        Status::Edited => "hand-edited",
        Status::Skipped => "skipped",
        Status::Failed => "failed",
    }
}

/// One page's entry.
pub fn page_value(page: &PageOutcome) -> Value {
    let losses: Vec<Value> = page
        .losses
        .iter()
        .map(|r| {
            json!({
                "element": r.element,
                "line": r.line,
                "reason": r.reason,
                "text": r.text,
            })
        })
        .collect();
    let diagnostics: Vec<Value> = page
        .diagnostics
        .iter()
        .filter(|d| d.code != "loss")
        .map(|d| {
            json!({
                "severity": d.severity.as_str(),
                "code": d.code,
                "line": d.line,
                "message": d.message,
            })
        })
        .collect();
    let mut by_rule = Map::new();
    for (rule, n) in super::rule_counts(page.links.iter().flat_map(|l| &l.link.rules)) {
        by_rule.insert(rule.to_string(), json!(n));
    }
    let links: Vec<Value> = page
        .links
        .iter()
        .map(|l| {
            json!({
                "line": l.line,
                "element": l.element,
                "attribute": l.attribute,
                "original": l.link.original,
                "url": l.link.url,
                "rules": l.link.rules,
            })
        })
        .collect();
    let fields = page
        .record
        .as_ref()
        .and_then(|r| serde_json::to_value(r).ok())
        .unwrap_or(Value::Null);
    json!({
        "source": page.source.display().to_string(),
        "output": page.output_rel,
        "status": status_name(page.status),
        "converted": !page.replayed,
        "profile": page.profile,
        "encoding": page.encoding.map(|e| json!({ "name": e.name, "source": e.source.as_str() })),
        "fields": fields,
        "losses": losses,
        "links": { "by_rule": by_rule, "changed": links },
        "diagnostics": diagnostics,
        "millis": (page.elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    })
}

/// The whole report.
pub fn json(report: &BatchReport) -> String {
    let pages: Vec<Value> = report.pages.iter().map(page_value).collect();
    let value = json!({
        "tool": "pagemill",
        "version": env!("CARGO_PKG_VERSION"),
        "dry_run": report.dry_run,
        "summary": {
            "pages": report.total(),
            "written": report.count(Status::Written),
            "unchanged": report.count(Status::Unchanged),
            "failed": report.count(Status::Failed),
            "skipped": report.count(Status::Skipped),
            "warnings": report.warnings(),
            "seconds": report.elapsed.as_secs_f64(),
        },
        "pages": pages,
    });
    serde_json::to_string_pretty(&value).expect("the report serializes") + "\n"
}
