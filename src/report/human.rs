//! Findings for people: `path:line:col: severity rule: message`, then the source line with
//! a caret under the column (annotate-snippets), in colour only when asked.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::finding::{Finding, Severity};

/// Renders findings; `source` returns a file's text (for the snippet), `color` turns on
/// terminal styling.
pub fn render(
    findings: &[Finding],
    source: &dyn Fn(&str) -> Option<String>,
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    // The file in hand: its name, its text and where each of its lines starts.
    type Lines = (String, Vec<usize>);
    let mut cached: Option<(String, Option<Lines>)> = None;
    for f in findings {
        out.push_str(&crate::report::finding_line(f));
        out.push('\n');
        let (Some(line), Some(column)) = (f.line, f.column) else {
            continue;
        };
        if cached.as_ref().is_none_or(|(file, _)| *file != f.file) {
            let text = source(&f.file).map(|t| {
                let starts = std::iter::once(0)
                    .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                (t, starts)
            });
            cached = Some((f.file.clone(), text));
        }
        let Some((text, starts)) = cached.as_ref().and_then(|(_, t)| t.as_ref()) else {
            continue;
        };
        let Some(&from) = starts.get(line - 1) else {
            continue;
        };
        let to = starts.get(line).map_or(text.len(), |&next| next - 1);
        let src_line = text[from..to].strip_suffix('\r').unwrap_or(&text[from..to]);
        let start: usize = src_line.chars().take(column - 1).map(char::len_utf8).sum();
        let end = src_line[start..]
            .char_indices()
            .nth(1)
            .map_or(src_line.len(), |(i, _)| start + i)
            .max(start);
        let level = match f.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let group = Group::with_level(level).element(
            Snippet::source(src_line)
                .line_start(line)
                .path(f.file.as_str())
                .annotation(
                    AnnotationKind::Primary
                        .span(start..end)
                        .label(f.rule.as_str()),
                ),
        );
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}
