//! One page's detail page of the HTML review report: its warnings first, then the legacy
//! content (dropped and joined blocks marked where they stood) beside the Markdown
//! rendered back to HTML, front matter folded above it. Legacy and rendered HTML pass
//! through ammonia: no script, handler, image or other fetch reaches the reviewer.

use std::fmt::Write as _;

use crate::dom::mark::{mark, Mark};
use crate::pipeline::{PageOutcome, Status};

use super::review::status_name;

const DETAIL_STYLE: &str = r#"
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; padding: 10px 16px; color: #1b1b1b; }
h1 { font-size: 18px; margin: 4px 0 8px; }
.warnings { background: #fff4d6; border: 2px solid #c98700; padding: 6px 12px; margin: 8px 0; }
.warnings li, .elsewhere li { font-family: monospace; font-size: 13px; }
pre.front { background: #f3f3f3; padding: 8px; white-space: pre-wrap; }
.side-by-side { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.side-by-side > section { border: 1px solid #ccc; padding: 6px 12px; overflow: auto; }
h2 { margin-top: 0; font-size: 13px; text-transform: uppercase; color: #555; }
[data-pm-kind=dropped] { outline: 3px solid #d83933; background: #ffe3e3; }
[data-pm-kind=joined] { outline: 3px dashed #c98700; background: #fff4d6; }
[data-pm-kind]::before { content: attr(data-pm-label); display: block;
  font: 12px system-ui, sans-serif; color: #6b0000; }
"#;

/// Whether a loss is content joined onto one line rather than dropped.
pub(super) fn is_joined(reason: &str) -> bool {
    reason.contains("joined")
}

/// One page's detail page.
pub fn detail(p: &PageOutcome) -> String {
    let mut h = String::with_capacity(16 * 1024);
    let name = status_name(p.status);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    h.push_str(&escape(&p.output_rel));
    h.push_str("</title><style>");
    h.push_str(DETAIL_STYLE);
    h.push_str("</style></head>\n<body>\n");
    let _ = write!(
        h,
        "<h1>{} → {} <small class=\"{name}\">{name}</small></h1>",
        escape(&p.source.display().to_string()),
        escape(&p.output_rel)
    );
    let warnings: Vec<_> = p.diagnostics.iter().filter(|d| d.code != "loss").collect();
    if !warnings.is_empty() {
        h.push_str("<div class=\"warnings\" role=\"status\"><strong>");
        let _ = write!(h, "{}", super::plural(warnings.len(), "finding"));
        h.push_str("</strong><ul>");
        for d in warnings {
            let line = d.line.map(|l| format!(" line {l}")).unwrap_or_default();
            let _ = write!(
                h,
                "<li>{}{line} [{}] {}</li>",
                d.severity.as_str(),
                d.code,
                escape(&d.message)
            );
        }
        h.push_str("</ul></div>");
    }
    if let Some(refs) = p.assets.as_ref().filter(|r| !r.is_empty()) {
        h.push_str("<details class=\"assets\"><summary>");
        let _ = write!(h, "{}", super::plural(refs.len(), "file"));
        h.push_str(" referenced</summary><ul>");
        for r in refs {
            let to = r.new_url.as_deref().unwrap_or("kept on the old site");
            let _ = write!(h, "<li>{} → {}</li>", escape(&r.old_url), escape(to));
        }
        h.push_str("</ul></details>");
    }
    let Some((source_html, markdown)) = &p.review else {
        let why = match p.status {
            Status::Edited => "edited by hand: kept",
            Status::Skipped => "not an HTML page",
            _ => "not converted",
        };
        let _ = writeln!(h, "<p><em>{why}</em></p></body></html>");
        return h;
    };
    let marks: Vec<Mark> = p
        .losses
        .iter()
        .map(|l| {
            let joined = is_joined(&l.reason);
            let line = l.line.map(|n| format!(" (line {n})")).unwrap_or_default();
            Mark {
                element: &l.element,
                text: &l.text,
                kind: if joined { "joined" } else { "dropped" },
                label: format!(
                    "{}{line}: {}",
                    if joined { "joined" } else { "dropped" },
                    l.reason
                ),
            }
        })
        .collect();
    let (marked, found) = mark(source_html, &marks, &crate::extract::root::describe);
    h.push_str("<div class=\"side-by-side\"><section><h2>Legacy content</h2>");
    h.push_str(&clean(&marked));
    let elsewhere: Vec<&Mark> = marks
        .iter()
        .zip(&found)
        .filter(|(_, f)| !**f)
        .map(|(m, _)| m)
        .collect();
    if !elsewhere.is_empty() {
        h.push_str(
            "<h2>Also left out (not found in the content above)</h2><ul class=\"elsewhere\">",
        );
        for m in elsewhere {
            let _ = write!(
                h,
                "<li>&lt;{}&gt; {}: {}</li>",
                escape(m.element),
                escape(&m.label),
                escape(m.text)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</section><section><h2>Markdown, rendered</h2>");
    if let Some(record) = &p.record {
        let yaml = serde_yaml::to_string(record).unwrap_or_default();
        let _ = write!(
            h,
            "<details><summary>front matter</summary><pre class=\"front\">{}</pre></details>",
            escape(&yaml)
        );
    }
    h.push_str(&markdown_html(markdown));
    h.push_str("</section></div>\n</body></html>\n");
    h
}

pub(super) fn escape(s: &str) -> String {
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

/// HTML a reviewer may see: formatting, links and the report's own marks kept;
/// scripts, styles, handlers, frames and images (which would fetch) removed.
fn clean(html: &str) -> String {
    ammonia::Builder::default()
        .rm_tags(["img"])
        .add_generic_attributes(["data-pm-label", "data-pm-kind"])
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::PageOutcome;

    #[test]
    fn nothing_active_or_fetching_survives_cleaning() {
        let dirty = r#"<p onclick="x()">a<script>alert(1)</script><img src="http://x/t.png"><a href="javascript:y()">b</a><iframe src="http://x"></iframe><style>p{}</style></p>"#;
        let c = clean(dirty);
        for bad in ["script", "onclick", "img", "javascript:", "iframe", "style"] {
            assert!(!c.contains(bad), "{bad} in {c}");
        }
        assert!(c.contains('a') && c.contains('b'));
    }

    #[test]
    fn joined_content_is_labelled_joined_where_it_stood() {
        let page = PageOutcome {
            assets: None,
            kept_assets: None,
            old_url: None,
            source: "a.html".into(),
            output_rel: "a.md".into(),
            status: Status::Written,
            diagnostics: Vec::new(),
            links: Vec::new(),
            encoding: None,
            profile: None,
            losses: vec![crate::extract::Removal {
                element: "td".into(),
                line: Some(4),
                reason: "table cell holds block content; it was joined onto one line".into(),
                text: "One Two".into(),
            }],
            record: None,
            review: Some((
                "<main><table><tr><td><p>One</p><p>Two</p></td></tr></table></main>".into(),
                "| One Two |".into(),
            )),
            elapsed: std::time::Duration::ZERO,
            diff: None,
            up_to_date: false,
            order: 0,
            unmapped_layout: None,
        };
        let html = detail(&page);
        assert!(
            html.contains(
                "<td data-pm-kind=\"joined\" data-pm-label=\"joined (line 4): table cell"
            ),
            "{html}"
        );
        assert!(!html.contains("Also left out"), "{html}");
    }

    #[test]
    fn marks_survive_cleaning_and_other_attributes_do_not() {
        let c = clean(
            r#"<nav class="menu" data-pm-kind="dropped" data-pm-label="dropped: x" data-x="1">M</nav>"#,
        );
        assert!(
            c.contains(r#"data-pm-kind="dropped""#) && c.contains("data-pm-label"),
            "{c}"
        );
        assert!(!c.contains("menu") && !c.contains("data-x"), "{c}");
    }
}
