//! The HTML review report (`--report FILE.html`): a small index page — counts, status
//! filters and the page list — and one detail page per page in the folder beside it
//! (`FILE-pages/`), written as pages finish and opened on demand in the index's side
//! panel. A detail page shows the page's warnings first, its front matter, and the
//! legacy content beside the Markdown rendered back to HTML, with every dropped or joined
//! block marked where it stood. Self-contained: no external asset, nothing fetched;
//! legacy and rendered HTML pass through ammonia (no script, handler or image).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::detail::{detail, escape, is_joined};
use crate::pipeline::{write_atomic, BatchReport, PageOutcome, Status};

use super::review::status_name;

/// Marks the detail folder as the report's own, so a rerun may empty it.
const OURS: &str = ".pagemill-report";

/// Rows per list page: a list page stays small enough to open at once.
const PER_PAGE: usize = 1000;

const INDEX_STYLE: &str = r#"
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; display: grid;
  grid-template-columns: minmax(420px, 38%) 1fr; grid-template-rows: auto 1fr; height: 100vh; }
header { grid-column: 1 / 3; padding: 10px 16px; background: #162e51; color: #fff; }
header h1 { margin: 0 0 6px; font-size: 18px; }
header a { display: inline-block; margin: 0 6px 4px 0; padding: 2px 10px; border: 1px solid #fff;
  border-radius: 12px; color: #fff; text-decoration: none; }
header a[aria-current=page] { background: #fff; color: #162e51; }
nav { overflow: auto; border-right: 1px solid #ccc; }
.pager { padding: 4px 6px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 3px 6px; text-align: left; vertical-align: top; }
th { position: sticky; top: 0; background: #f1f1f1; }
td.n { text-align: right; }
.written { color: #136f38; } .unchanged { color: #555; } .failed { color: #b50909; }
.hand-edited { color: #8a5300; } .skipped { color: #555; }
iframe { width: 100%; height: 100%; border: 0; }
"#;

/// The report being written: detail pages as pages finish, the lists at the end.
pub struct HtmlReport {
    index: PathBuf,
    dir: PathBuf,
    /// The detail folder's name, as the index links to it.
    dir_name: String,
    rows: Mutex<Vec<Row>>,
}

/// What the lists keep of a page (a few dozen bytes).
struct Row {
    order: usize,
    source: String,
    output: String,
    status: Status,
    profile: String,
    warnings: usize,
    dropped: usize,
    joined: usize,
}

/// A list of the index: all pages, those of one status, those with warnings.
struct Filter {
    key: &'static str,
    label: &'static str,
    keeps: fn(&Row) -> bool,
}

const FILTERS: &[Filter] = &[
    Filter {
        key: "all",
        label: "all",
        keeps: |_| true,
    },
    Filter {
        key: "written",
        label: "written",
        keeps: |r| r.status == Status::Written,
    },
    Filter {
        key: "unchanged",
        label: "unchanged",
        keeps: |r| r.status == Status::Unchanged,
    },
    Filter {
        key: "hand-edited",
        label: "hand-edited",
        keeps: |r| r.status == Status::Edited,
    },
    Filter {
        key: "failed",
        label: "failed",
        keeps: |r| r.status == Status::Failed,
    },
    Filter {
        key: "skipped",
        label: "skipped",
        keeps: |r| r.status == Status::Skipped,
    },
    Filter {
        key: "warnings",
        label: "with warnings",
        keeps: |r| r.warnings > 0,
    },
];

impl HtmlReport {
    /// Starts the report at `index`, emptying a detail folder an earlier report left.
    pub fn create(index: &Path) -> std::io::Result<HtmlReport> {
        let stem = index.file_stem().unwrap_or_default().to_string_lossy();
        let dir_name = format!("{stem}-pages");
        let dir = index.with_file_name(&dir_name);
        if dir.join(OURS).is_file() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(OURS), b"pagemill review report pages\n")?;
        Ok(HtmlReport {
            index: index.to_path_buf(),
            dir,
            dir_name,
            rows: Mutex::new(Vec::new()),
        })
    }

    /// Writes one page's detail page and keeps its row.
    pub fn page(&self, p: &PageOutcome) -> std::io::Result<()> {
        write_atomic(&self.dir.join(detail_file(p.order)), detail(p).as_bytes())?;
        let joined = p.losses.iter().filter(|l| is_joined(&l.reason)).count();
        let row = Row {
            order: p.order,
            source: p.source.display().to_string(),
            output: p.output_rel.clone(),
            status: p.status,
            profile: p.profile.clone().unwrap_or_default(),
            warnings: p.diagnostics.iter().filter(|d| d.code != "loss").count(),
            dropped: p.losses.len() - joined,
            joined,
        };
        self.rows
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(row);
        Ok(())
    }

    /// Writes the index (the first list page of all pages) and the other list pages;
    /// returns the index's size in bytes.
    pub fn finish(self, report: &BatchReport) -> std::io::Result<usize> {
        let mut rows = self.rows.into_inner().unwrap_or_else(|e| e.into_inner());
        rows.sort_unstable_by_key(|r| r.order);
        let counts: Vec<usize> = FILTERS
            .iter()
            .map(|f| rows.iter().filter(|r| (f.keeps)(r)).count())
            .collect();
        let lists = Lists {
            report,
            counts: &counts,
            index_name: self
                .index
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            dir_name: &self.dir_name,
        };
        let mut index_size = 0;
        for (f, filter) in FILTERS.iter().enumerate() {
            let kept: Vec<&Row> = rows.iter().filter(|r| (filter.keeps)(r)).collect();
            let pages = kept.len().div_ceil(PER_PAGE).max(1);
            for k in 1..=pages {
                let chunk =
                    &kept[((k - 1) * PER_PAGE).min(kept.len())..(k * PER_PAGE).min(kept.len())];
                let at_index = f == 0 && k == 1;
                let html = lists.page(f, k, pages, chunk, at_index);
                if at_index {
                    write_atomic(&self.index, html.as_bytes())?;
                    index_size = html.len();
                } else {
                    write_atomic(&self.dir.join(list_file(filter.key, k)), html.as_bytes())?;
                }
            }
        }
        Ok(index_size)
    }
}

fn detail_file(order: usize) -> String {
    format!("{order:06}.html")
}

fn list_file(filter: &str, k: usize) -> String {
    format!("list-{filter}-{k}.html")
}

/// What every list page shares.
struct Lists<'a> {
    report: &'a BatchReport,
    counts: &'a [usize],
    index_name: String,
    dir_name: &'a str,
}

impl Lists<'_> {
    /// The link from a list page (the index, or one in the detail folder) to list
    /// `filter`'s page `k`.
    fn list_link(&self, at_index: bool, filter: usize, k: usize) -> String {
        match (at_index, filter == 0 && k == 1) {
            (true, true) => self.index_name.clone(),
            (true, false) => format!("{}/{}", self.dir_name, list_file(FILTERS[filter].key, k)),
            (false, true) => format!("../{}", self.index_name),
            (false, false) => list_file(FILTERS[filter].key, k),
        }
    }

    fn detail_link(&self, at_index: bool, order: usize) -> String {
        if at_index {
            format!("{}/{}", self.dir_name, detail_file(order))
        } else {
            detail_file(order)
        }
    }

    fn page(&self, filter: usize, k: usize, pages: usize, rows: &[&Row], at_index: bool) -> String {
        let mut h = String::with_capacity(2048 + rows.len() * 220);
        h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pagemill review</title><style>");
        h.push_str(INDEX_STYLE);
        h.push_str(
            "</style></head>\n<body>\n<header><h1>pagemill review</h1><div class=\"filters\">",
        );
        for (i, f) in FILTERS.iter().enumerate() {
            let current = if i == filter {
                " aria-current=\"page\""
            } else {
                ""
            };
            let _ = write!(
                h,
                "<a href=\"{}\"{current}>{} {}</a>",
                escape(&self.list_link(at_index, i, 1)),
                f.label,
                self.counts[i]
            );
        }
        if let Some(left) = self.report.interrupted {
            let _ = write!(h, " <strong>interrupted: {left} pages not taken</strong>");
        }
        h.push_str("</div></header>\n<nav>");
        if pages > 1 {
            let _ = write!(h, "<div class=\"pager\">page {k} of {pages}:");
            for j in 1..=pages {
                if j == k {
                    let _ = write!(h, " <strong>{j}</strong>");
                } else {
                    let _ = write!(
                        h,
                        " <a href=\"{}\">{j}</a>",
                        escape(&self.list_link(at_index, filter, j))
                    );
                }
            }
            h.push_str("</div>");
        }
        h.push_str("<table><thead><tr><th>page</th><th>status</th><th>warnings</th><th>dropped</th><th>joined</th></tr></thead><tbody>\n");
        for r in rows {
            let name = status_name(r.status);
            let _ = writeln!(
                h,
                "<tr class=\"s-{name}\"><td><a href=\"{}\" target=\"detail\" title=\"{}\">{}</a></td><td class=\"{name}\">{name}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&self.detail_link(at_index, r.order)),
                escape(&format!("{} ({})", r.source, r.profile)),
                escape(&r.output),
                r.warnings,
                r.dropped,
                r.joined
            );
        }
        let first = rows
            .first()
            .map(|r| escape(&self.detail_link(at_index, r.order)))
            .unwrap_or_default();
        let _ = write!(
            h,
            "</tbody></table></nav>\n<main><iframe name=\"detail\" src=\"{first}\" title=\"the page chosen in the list\"></iframe></main>\n</body></html>\n"
        );
        h
    }
}
