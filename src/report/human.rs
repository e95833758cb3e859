//! Findings for people: `path:line:col: severity rule: message`, then the source line with
//! a caret under the column (annotate-snippets), in colour only when asked.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::finding::{Finding, Severity};

/// Renders findings; `source` returns a file's text (for the snippet), `color` turns on
/// terminal styling.
pub fn render(
    findings: &[Finding],
    source: &(dyn Fn(&str) -> Option<String> + Sync),
    color: bool,
) -> String {
    let mut out = Vec::new();
    write(findings, source, color, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("findings render as UTF-8")
}

/// `render`, written to `out` as it goes: the findings of a few dozen files at a time
/// are rendered in parallel and written in their order, so the text of every finding
/// is never held at once.
pub fn write(
    findings: &[Finding],
    source: &(dyn Fn(&str) -> Option<String> + Sync),
    color: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    let groups: Vec<&[Finding]> = findings.chunk_by(|a, b| a.file == b.file).collect();
    for batch in groups.chunks(64) {
        let parts: Vec<String> = batch
            .par_iter()
            .map(|group| render_file(group, source, color))
            .collect();
        for part in parts {
            out.write_all(part.as_bytes())?;
        }
    }
    Ok(())
}

/// The findings of one file (its text read once, lines indexed).
fn render_file(
    findings: &[Finding],
    source: &(dyn Fn(&str) -> Option<String> + Sync),
    color: bool,
) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    // The text and where each of its lines starts, read on the first snippet.
    let mut text: Option<Option<(String, Vec<usize>)>> = None;
    for f in findings {
        out.push_str(&crate::report::finding_line(f));
        out.push('\n');
        let (Some(line), Some(column)) = (f.line, f.column) else {
            continue;
        };
        let loaded = text.get_or_insert_with(|| {
            source(&f.file).map(|t| {
                let starts = std::iter::once(0)
                    .chain(t.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                (t, starts)
            })
        });
        let Some((text, starts)) = loaded.as_ref() else {
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
