//! The review report as one self-contained HTML page (`--report FILE.html`): no
//! external assets, no network. A list of pages with status filters and counts, and
//! per page the legacy content beside the Markdown rendered back to HTML, with what was
//! dropped highlighted. Legacy and rendered HTML pass through ammonia: no script, no
//! event handler, no image fetch reaches the reviewer's browser.

use std::fmt::Write;

use crate::pipeline::{BatchReport, PageOutcome, Status};

use super::review::status_name;

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1b1b1b; }
header { padding: 12px 20px; background: #162e51; color: #fff; }
header h1 { margin: 0 0 6px; font-size: 20px; }
.filters button { margin: 0 6px 0 0; padding: 4px 10px; border: 1px solid #fff; border-radius: 12px;
  background: transparent; color: #fff; cursor: pointer; }
.filters button[aria-pressed=true] { background: #fff; color: #162e51; }
main { padding: 12px 20px; }
table#pages { border-collapse: collapse; width: 100%; margin-bottom: 24px; }
#pages th, #pages td { border-bottom: 1px solid #ddd; padding: 4px 8px; text-align: left; }
.status { font-weight: 600; }
.status-written { color: #136f38; } .status-unchanged { color: #555; }
.status-failed { color: #b50909; } .status-hand-edited { color: #8a5300; }
section.page { border-top: 3px solid #162e51; padding-top: 8px; margin-top: 24px; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.side-by-side > div { border: 1px solid #ccc; padding: 8px 12px; overflow: auto; max-height: 70vh; }
.side-by-side h3 { margin-top: 0; font-size: 14px; text-transform: uppercase; color: #555; }
.dropped { background: #ffe3e3; border-left: 4px solid #d83933; padding: 4px 8px; margin: 6px 0; }
.dropped .why { font-size: 12px; color: #6b0000; }
pre.front { background: #f3f3f3; padding: 8px; white-space: pre-wrap; }
.diag { font-family: monospace; font-size: 12px; }
[hidden] { display: none !important; }
"#;

const SCRIPT: &str = r#"
(function () {
  var buttons = document.querySelectorAll('.filters button');
  function apply(status) {
    buttons.forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.status === status)); });
    document.querySelectorAll('[data-status]').forEach(function (el) {
      if (el.tagName === 'BUTTON') return;
      el.hidden = !(status === 'all' || el.dataset.status === status);
    });
  }
  buttons.forEach(function (b) { b.addEventListener('click', function () { apply(b.dataset.status); }); });
  apply('all');
  document.body.dataset.ready = 'true';
})();
"#;

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// HTML a reviewer may see: formatting and links kept; scripts, styles, handlers,
/// frames and images (which would fetch) removed.
fn clean(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .clean(html)
        .to_string()
}

/// The Markdown body as HTML.
fn markdown_html(md: &str) -> String {
    use pulldown_cmark::{html, Options, Parser};
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(md, options));
    clean(&out)
}

/// The whole report.
pub fn render(report: &BatchReport) -> String {
    let mut h = String::with_capacity(64 * 1024);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width\">");
    h.push_str("<title>pagemill review</title><style>");
    h.push_str(STYLE);
    h.push_str("</style></head>\n<body>\n<header><h1>pagemill review</h1><div class=\"filters\">");
    let statuses = [
        Status::Written,
        Status::Unchanged,
        Status::Edited,
        Status::Failed,
        Status::Skipped,
    ];
    let _ = write!(
        h,
        "<button data-status=\"all\">all <span id=\"count-all\">{}</span></button>",
        report.pages.len()
    );
    for s in statuses {
        let name = status_name(s);
        let _ = write!(
            h,
            "<button data-status=\"{name}\">{name} <span id=\"count-{name}\">{}</span></button>",
            report.count(s)
        );
    }
    h.push_str("</div></header>\n<main>\n<table id=\"pages\"><thead><tr><th>status</th><th>source</th><th>output</th><th>profile</th><th>warnings</th><th>dropped</th></tr></thead><tbody>\n");
    for (i, p) in report.pages.iter().enumerate() {
        let name = status_name(p.status);
        let _ = writeln!(
            h,
            "<tr data-status=\"{name}\"><td class=\"status status-{name}\">{name}</td><td><a href=\"#page-{i}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&p.source.display().to_string()),
            escape(&p.output_rel),
            escape(p.profile.as_deref().unwrap_or("")),
            p.diagnostics.len(),
            p.losses.len()
        );
    }
    h.push_str("</tbody></table>\n");
    for (i, p) in report.pages.iter().enumerate() {
        page_section(&mut h, i, p);
    }
    h.push_str("</main>\n<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body></html>\n");
    h
}

fn page_section(h: &mut String, i: usize, p: &PageOutcome) {
    let name = status_name(p.status);
    let _ = write!(
        h,
        "<section class=\"page\" id=\"page-{i}\" data-status=\"{name}\"><h2>{} → {}</h2>",
        escape(&p.source.display().to_string()),
        escape(&p.output_rel)
    );
    if !p.diagnostics.is_empty() {
        h.push_str("<ul class=\"diag\">");
        for d in &p.diagnostics {
            let line = d.line.map(|l| format!(":{l}")).unwrap_or_default();
            let _ = write!(
                h,
                "<li>{}{line} [{}] {}</li>",
                d.severity.as_str(),
                d.code,
                escape(&d.message)
            );
        }
        h.push_str("</ul>");
    }
    let Some((source_html, markdown)) = &p.review else {
        let why = match p.status {
            Status::Unchanged => "up to date: not converted in this run",
            Status::Edited => "edited by hand: kept",
            Status::Skipped => "not an HTML page",
            _ => "not converted",
        };
        let _ = writeln!(h, "<p><em>{why}</em></p></section>");
        return;
    };
    h.push_str("<div class=\"side-by-side\"><div class=\"legacy\"><h3>Legacy content</h3>");
    h.push_str(&clean(source_html));
    for loss in &p.losses {
        let line = loss.line.map(|l| format!(" line {l}")).unwrap_or_default();
        let _ = write!(
            h,
            "<div class=\"dropped\"><div class=\"why\">dropped &lt;{}&gt;{line}: {}</div>{}</div>",
            escape(&loss.element),
            escape(&loss.reason),
            escape(&loss.text)
        );
    }
    h.push_str("</div><div class=\"rendered\"><h3>Markdown, rendered</h3>");
    if let Some(record) = &p.record {
        let yaml = serde_yaml::to_string(record).unwrap_or_default();
        let _ = write!(h, "<pre class=\"front\">{}</pre>", escape(&yaml));
    }
    h.push_str(&markdown_html(markdown));
    h.push_str("</div></div></section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_active_or_fetching_survives_cleaning() {
        let dirty = r#"<p onclick="x()">a<script>alert(1)</script><img src="http://x/t.png"><a href="javascript:y()">b</a><iframe src="http://x"></iframe><style>p{}</style></p>"#;
        let c = clean(dirty);
        for bad in ["script", "onclick", "img", "javascript:", "iframe", "style"] {
            assert!(!c.contains(bad), "{bad} in {c}");
        }
        assert!(c.contains('a') && c.contains('b'));
    }
}
