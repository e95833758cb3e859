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

/// One page's entry, serialized straight from the outcome (no intermediate JSON tree:
/// a page with thousands of links would hold megabytes of it).
#[derive(serde::Serialize)]
pub struct PageEntry<'a> {
    source: String,
    output: &'a str,
    status: &'static str,
    up_to_date: bool,
    old_url: Option<OldUrl<'a>>,
    assets: Option<Vec<AssetEntry<'a>>>,
    profile: &'a Option<String>,
    encoding: Option<EncodingEntry>,
    fields: Value,
    losses: Vec<LossEntry<'a>>,
    links: LinksEntry<'a>,
    diagnostics: Vec<DiagnosticEntry<'a>>,
    millis: f64,
}

#[derive(serde::Serialize)]
struct OldUrl<'a> {
    url: &'a str,
    from: &'static str,
}

#[derive(serde::Serialize)]
struct AssetEntry<'a> {
    old_url: &'a str,
    new_url: &'a str,
}

#[derive(serde::Serialize)]
struct EncodingEntry {
    name: &'static str,
    source: &'static str,
}

#[derive(serde::Serialize)]
struct LossEntry<'a> {
    element: &'a str,
    line: Option<usize>,
    reason: &'a str,
    text: &'a str,
}

#[derive(serde::Serialize)]
struct LinksEntry<'a> {
    by_rule: Map<String, Value>,
    changed: Vec<LinkEntry<'a>>,
}

#[derive(serde::Serialize)]
struct LinkEntry<'a> {
    line: Option<usize>,
    element: &'a str,
    attribute: &'a str,
    original: &'a str,
    url: &'a Option<String>,
    rules: &'a [&'static str],
}

#[derive(serde::Serialize)]
struct DiagnosticEntry<'a> {
    severity: &'static str,
    code: &'a str,
    line: Option<usize>,
    message: &'a str,
}

/// One page's entry.
pub fn page_entry(page: &PageOutcome) -> PageEntry<'_> {
    let mut by_rule = Map::new();
    for (rule, n) in super::rule_counts(page.links.iter().flat_map(|l| &l.link.rules)) {
        by_rule.insert(rule.to_string(), json!(n));
    }
    PageEntry {
        source: page.source.display().to_string(),
        output: &page.output_rel,
        status: status_name(page.status),
        up_to_date: page.up_to_date,
        old_url: page.old_url.as_ref().map(|(from, url)| OldUrl {
            url,
            from: from.as_str(),
        }),
        assets: page.assets.as_ref().map(|refs| {
            refs.iter()
                .map(|r| AssetEntry {
                    old_url: &r.old_url,
                    new_url: r.new_url.as_deref().unwrap_or("kept"),
                })
                .collect()
        }),
        profile: &page.profile,
        encoding: page.encoding.map(|e| EncodingEntry {
            name: e.name,
            source: e.source.as_str(),
        }),
        fields: page
            .record
            .as_ref()
            .and_then(|r| serde_json::to_value(r).ok())
            .unwrap_or(Value::Null),
        losses: page
            .losses
            .iter()
            .map(|r| LossEntry {
                element: &r.element,
                line: r.line,
                reason: &r.reason,
                text: &r.text,
            })
            .collect(),
        links: LinksEntry {
            by_rule,
            changed: page
                .links
                .iter()
                .map(|l| LinkEntry {
                    line: l.line,
                    element: &l.element,
                    attribute: &l.attribute,
                    original: &l.link.original,
                    url: &l.link.url,
                    rules: &l.link.rules,
                })
                .collect(),
        },
        diagnostics: page
            .diagnostics
            .iter()
            .filter(|d| d.code != "loss")
            .map(|d| DiagnosticEntry {
                severity: d.severity.as_str(),
                code: d.code,
                line: d.line,
                message: &d.message,
            })
            .collect(),
        millis: (page.elapsed.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
    }
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
        let text = serde_json::to_string(&page_entry(p)).expect("a page entry serializes");
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
