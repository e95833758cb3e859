//! The review report of a `convert` run as JSON (`--report FILE.json`): per page its
//! status, profile, extracted fields, loss report (each removed block and each element
//! the Markdown could not carry, with its line, reason and text), link rewrites by
//! rule, encoding and its source, and time spent.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        "up_to_date": page.up_to_date,
        "old_url": page.old_url.as_ref().map(|(from, url)| json!({ "url": url, "from": from.as_str() })),
        "assets": page.assets.as_ref().map(|refs| refs.iter().map(|r| json!({
            "old_url": r.old_url,
            "new_url": r.new_url.as_deref().unwrap_or("kept"),
        })).collect::<Vec<_>>()),
        "profile": page.profile,
        "encoding": page.encoding.map(|e| json!({ "name": e.name, "source": e.source.as_str() })),
        "fields": fields,
        "losses": losses,
        "links": { "by_rule": by_rule, "changed": links },
        "diagnostics": diagnostics,
        "millis": (page.elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    })
}

fn head(report: &BatchReport) -> Value {
    json!({
        "tool": "pagemill",
        "version": env!("CARGO_PKG_VERSION"),
        "dry_run": report.dry_run,
        "interrupted": report.interrupted.is_some(),
        "summary": {
            "pages": report.total(),
            "written": report.count(Status::Written),
            "unchanged": report.count(Status::Unchanged),
            "failed": report.count(Status::Failed),
            "skipped": report.count(Status::Skipped),
            "warnings": report.warnings(),
            "not_taken": report.interrupted.unwrap_or(0),
            "seconds": report.elapsed.as_secs_f64(),
        },
    })
}

/// The JSON report written as pages finish: each page's entry goes to a spool file
/// beside the report, and the report is assembled from it in page order at the end,
/// so no run holds every page's entry in memory.
pub struct JsonReport {
    path: PathBuf,
    spool: Mutex<Spool>,
}

/// The spool file and where each page's entry is in it: (input order, offset, length).
type Spool = (std::fs::File, Vec<(usize, u64, u64)>);

impl JsonReport {
    pub fn create(path: &Path) -> std::io::Result<JsonReport> {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        let file = tempfile::tempfile_in(folder.unwrap_or(Path::new(".")))?;
        Ok(JsonReport {
            path: path.to_path_buf(),
            spool: Mutex::new((file, Vec::new())),
        })
    }

    pub fn page(&self, p: &PageOutcome) -> std::io::Result<()> {
        let text = serde_json::to_string(&page_value(p)).expect("a page entry serializes");
        let mut spool = self.spool.lock().unwrap_or_else(|e| e.into_inner());
        let (file, places) = &mut *spool;
        let at = file.stream_position()?;
        file.write_all(text.as_bytes())?;
        places.push((p.order, at, text.len() as u64));
        Ok(())
    }

    /// Writes the report: the run's summary, then every page in input order.
    pub fn finish(self, report: &BatchReport) -> std::io::Result<()> {
        let (mut file, mut places) = self.spool.into_inner().unwrap_or_else(|e| e.into_inner());
        places.sort_unstable_by_key(|(order, _, _)| *order);
        let head = serde_json::to_string_pretty(&head(report)).expect("the report serializes");
        let head = head.strip_suffix("\n}").unwrap_or(&head);
        crate::pipeline::write_atomic_streamed(&self.path, |out| {
            out.write_all(head.as_bytes())?;
            out.write_all(b",\n  \"pages\": [")?;
            let mut buf = Vec::new();
            for (i, (_, at, len)) in places.iter().enumerate() {
                out.write_all(if i == 0 { b"\n    " } else { b",\n    " })?;
                buf.resize(*len as usize, 0);
                file.seek(std::io::SeekFrom::Start(*at))?;
                file.read_exact(&mut buf)?;
                out.write_all(&buf)?;
            }
            out.write_all(b"\n  ]\n}\n")
        })
    }
}
