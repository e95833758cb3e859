//! Rendering outcomes and findings: text for people (one line per diagnostic, summary
//! lines, the link inventory), and the machine formats in `formats`. Pure formatting;
//! the binary decides where it goes.

pub mod detail;
pub mod formats;
pub mod html;
pub mod human;
pub mod review;

use std::fmt::Write;

use crate::finding::Finding;
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

/// `path:line:col: severity rule: message`.
pub fn finding_line(f: &Finding) -> String {
    let mut out = f.file.clone();
    if let Some(l) = f.line {
        let _ = write!(out, ":{l}");
        if let Some(c) = f.column {
            let _ = write!(out, ":{c}");
        }
    }
    let _ = write!(out, ": {} {}: {}", f.severity.as_str(), f.rule, f.message);
    out
}

/// A `convert` run's page diagnostics as findings, for the machine formats.
pub fn findings_of(report: &BatchReport) -> Vec<Finding> {
    let mut out = Vec::new();
    for page in &report.pages {
        let file = page.source.display().to_string();
        for d in &page.diagnostics {
            let mut f = Finding::new(&file, d.severity, d.code, d.message.clone());
            f.line = d.line;
            out.push(f);
        }
    }
    for d in &report.batch {
        out.push(Finding::new("", d.severity, d.code, d.message.clone()));
    }
    out
}

/// The closing line of a run.
pub fn summary(report: &BatchReport) -> String {
    let written = report.count(Status::Written);
    let unchanged = report.count(Status::Unchanged);
    let failed = report.count(Status::Failed);
    let skipped = report.count(Status::Skipped);
    let interrupted = if report.interrupted.is_some() {
        "interrupted; "
    } else {
        ""
    };
    let mut out = format!(
        "pagemill: {interrupted}{}: {} converted ({written} {}, {unchanged} unchanged), {failed} failed",
        plural(report.total(), "page"),
        written + unchanged,
        if report.dry_run { "would change" } else { "written" },
    );
    let edited = report.count(Status::Edited);
    if edited > 0 {
        let _ = write!(out, ", {edited} hand-edited (kept)");
    }
    if skipped > 0 {
        let _ = write!(out, ", {skipped} skipped");
    }
    let orphans = report.orphans.len();
    if orphans > 0 {
        let removed = report.orphans.iter().filter(|o| o.removed).count();
        let _ = write!(out, ", {orphans} without source ({removed} removed)");
    }
    let warnings = report.warnings() + batch_warnings(report).map(|(_, n)| n).sum::<usize>();
    let _ = write!(out, "; {}", plural(warnings, "warning"));
    let kinds = warning_kinds(report);
    if !kinds.is_empty() {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = write!(out, " ({})", list.join(", "));
    }
    if let Some(left) = report.interrupted {
        let _ = write!(
            out,
            "; {} not taken (the next run converts them)",
            plural(left, "page")
        );
    }
    let _ = write!(out, "; {:.2}s", report.elapsed.as_secs_f64());
    out
}

/// `1 page`, `2 pages`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn batch_warnings(report: &BatchReport) -> impl Iterator<Item = (&'static str, usize)> + '_ {
    report
        .batch
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| (d.code, 1))
}

/// Warnings counted by kind (the batch's own included), in name order.
pub fn warning_kinds(report: &BatchReport) -> Vec<(&'static str, usize)> {
    let mut kinds = report.tally.warnings.clone();
    for (k, n) in batch_warnings(report) {
        *kinds.entry(k).or_default() += n;
    }
    kinds.into_iter().collect()
}

/// One line per output whose source is gone.
pub fn orphan_lines(report: &BatchReport) -> Vec<String> {
    report
        .orphans
        .iter()
        .map(|o| {
            if o.removed {
                format!(
                    "removed: {} (its source {} is gone)",
                    o.output_rel, o.source
                )
            } else {
                format!(
                    "warning: {}: its source {} is gone (--prune removes it)",
                    o.output_rel, o.source
                )
            }
        })
        .collect()
}

/// Counts of links by rule, as `rule N` pairs in rule order; rules that never applied
/// are left out.
pub fn rule_counts<'a>(
    rules: impl Iterator<Item = &'a &'static str>,
) -> Vec<(&'static str, usize)> {
    let mut counts: Vec<(&'static str, usize)> =
        crate::links::rule::ALL.iter().map(|r| (*r, 0)).collect();
    for r in rules {
        if let Some(c) = counts.iter_mut().find(|(id, _)| id == r) {
            c.1 += 1;
        }
    }
    counts.retain(|(_, n)| *n > 0);
    counts
}

fn join_counts(counts: &[(&str, usize)]) -> String {
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The link line of a `convert` run: rewrites and drops, and the rules that made them.
pub fn link_summary(report: &BatchReport) -> Option<String> {
    let t = &report.tally;
    if t.links_rewritten + t.links_dropped == 0 {
        return None;
    }
    // In rule order, as the rules are listed.
    let counts: Vec<(&str, usize)> = crate::links::rule::ALL
        .iter()
        .filter_map(|r| t.rules.get(r).map(|n| (*r, *n)))
        .collect();
    let mut out = format!(
        "pagemill: links: {} rewritten, {} dropped; by rule: {}",
        t.links_rewritten,
        t.links_dropped,
        join_counts(&counts)
    );
    if let Some(n) = report.redirects {
        let _ = write!(out, "; {n} redirects written");
    }
    Some(out)
}

/// `pagemill links` in human form: by page, then by status.
pub fn links_human(records: &[crate::links::scan::LinkRecord]) -> String {
    use crate::links::LinkStatus;
    let mut out = String::new();
    let mut pages = 0;
    for group in records.chunk_by(|a, b| a.file == b.file) {
        pages += 1;
        let _ = writeln!(out, "{}", group[0].file);
        for status in [LinkStatus::Dropped, LinkStatus::Rewritten, LinkStatus::Kept] {
            let of: Vec<_> = group.iter().filter(|r| r.status == status).collect();
            if of.is_empty() {
                continue;
            }
            let _ = writeln!(out, "  {} ({})", status.as_str(), of.len());
            for r in of {
                let at = match (r.line, r.column) {
                    (Some(l), Some(c)) => format!("{l}:{c}"),
                    (Some(l), None) => format!("{l}"),
                    _ => "-".to_string(),
                };
                let _ = write!(
                    out,
                    "    {at} {}[{}] {:?}",
                    r.element, r.attribute, r.original
                );
                match &r.old_url {
                    Some(old) if old != &r.original && Some(old) != r.normalized.as_ref() => {
                        let _ = write!(out, " = {old}");
                    }
                    _ => {}
                }
                match &r.normalized {
                    Some(n) if n != &r.original => {
                        let _ = write!(out, " -> {n}");
                    }
                    _ => {}
                }
                if !r.rules.is_empty() {
                    let _ = write!(out, " ({})", r.rules.join(", "));
                }
                let _ = writeln!(out, " [{}]", r.kind.as_str());
            }
        }
    }
    let _ = writeln!(out, "{}", links_totals(records, pages));
    out
}

/// Counts by status, rule and kind.
pub fn links_totals(records: &[crate::links::scan::LinkRecord], pages: usize) -> String {
    use crate::links::{LinkKind, LinkStatus};
    let by_status: Vec<(&str, usize)> =
        [LinkStatus::Kept, LinkStatus::Rewritten, LinkStatus::Dropped]
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    records.iter().filter(|r| r.status == *s).count(),
                )
            })
            .collect();
    let kinds = [
        LinkKind::Internal,
        LinkKind::OwnSite,
        LinkKind::External,
        LinkKind::Email,
        LinkKind::Phone,
        LinkKind::Fragment,
    ];
    let by_kind: Vec<(&str, usize)> = kinds
        .iter()
        .map(|k| (k.as_str(), records.iter().filter(|r| r.kind == *k).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    let by_rule = rule_counts(records.iter().flat_map(|r| &r.rules));
    format!(
        "links: {} in {pages} pages; by status: {}; by rule: {}; by kind: {}",
        records.len(),
        join_counts(&by_status),
        join_counts(&by_rule),
        join_counts(&by_kind)
    )
}
